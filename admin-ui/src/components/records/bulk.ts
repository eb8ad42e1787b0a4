// Bulk delete: one `/api/batch` transaction per chunk (all or nothing, one round trip). When the
// server has batch requests turned off (403, PocketBase's default), the records are deleted one
// by one instead, in parallel.
import { ClientResponseError } from "pocketbase";
import { pb } from "../../lib/pb";

// PocketBase's default `batch.maxRequests`.
const CHUNK = 50;

export async function deleteRecords(collection: string, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    const batch = pb.createBatch();
    for (const id of part) batch.collection(collection).delete(id);
    try {
      await batch.send({ requestKey: null });
    } catch (e) {
      if (!(e instanceof ClientResponseError && e.status === 403)) throw e;
      await Promise.all(part.map((id) => pb.collection(collection).delete(id, { requestKey: null })));
    }
  }
}
