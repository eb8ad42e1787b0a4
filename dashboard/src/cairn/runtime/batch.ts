/**
 * `client.createBatch()`: queues creates, updates, upserts and deletes on any collections and
 * sends them as one `POST /api/batch` — one transaction on the server. Files go as multipart
 * parts named `requests.N.field`, the rest in `@jsonPayload`.
 */

import { isBlob, splitFiles, type Http } from "./http.js";
import type { RequestOptions } from "./types.js";

/** One sub-request's answer. */
export interface BatchResult {
  status: number;
  body: unknown;
}

interface Queued {
  method: "POST" | "PATCH" | "PUT" | "DELETE";
  url: string;
  body?: Record<string, unknown>;
}

/** The writes a batch can queue on one collection. */
export class BatchCollection {
  constructor(
    private readonly queue: Queued[],
    private readonly name: string,
  ) {}

  private path(id?: string): string {
    return "/api/collections/" + encodeURIComponent(this.name) + "/records" + (id ? "/" + encodeURIComponent(id) : "");
  }

  create(body: object): void {
    this.queue.push({ method: "POST", url: this.path(), body: body as Record<string, unknown> });
  }

  /** Creates, or updates the record with the body's `id`. */
  upsert(body: object): void {
    this.queue.push({ method: "PUT", url: this.path(), body: body as Record<string, unknown> });
  }

  update(id: string, body: object): void {
    this.queue.push({ method: "PATCH", url: this.path(id), body: body as Record<string, unknown> });
  }

  delete(id: string): void {
    this.queue.push({ method: "DELETE", url: this.path(id) });
  }
}

export class Batch {
  private readonly queue: Queued[] = [];

  constructor(private readonly http: Http) {}

  collection(name: string): BatchCollection {
    return new BatchCollection(this.queue, name);
  }

  /** Sends every queued write; resolves to one result per write, in order. */
  send(options?: RequestOptions): Promise<BatchResult[]> {
    const hasFiles = this.queue.some(
      (q) => q.body && Object.values(q.body).some((v) => isBlob(v) || (Array.isArray(v) && v.some(isBlob))),
    );
    let body: unknown;
    if (hasFiles) {
      const form = new FormData();
      const requests = this.queue.map((q, i) => ({
        method: q.method,
        url: q.url,
        body: q.body ? splitFiles(q.body, form, `requests.${i}.`) : undefined,
      }));
      form.append("@jsonPayload", JSON.stringify({ requests }));
      body = form;
    } else {
      body = { requests: this.queue };
    }
    return this.http.send<BatchResult[]>("/api/batch", { ...options, method: "POST", body });
  }
}
