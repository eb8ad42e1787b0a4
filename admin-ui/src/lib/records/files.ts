// File previews: which names are images (thumbnails exist for those), and one superuser file
// token shared by every protected preview on the screen (tokens last minutes; refreshed then).
import { pb } from "../pb";

const images = /\.(png|jpe?g|gif|webp|bmp|svg)$/i;
export const isImage = (name: string): boolean => images.test(name);

let cached: { token: string; at: number } | null = null;
let pending: Promise<string> | null = null;

/** A file token for protected files; "" if it cannot be had (then previews just fail). */
export async function fileToken(): Promise<string> {
  if (cached && Date.now() - cached.at < 60_000) return cached.token;
  pending ??= pb.files.getToken().then((token) => {
    cached = { token, at: Date.now() };
    return token;
  }).catch(() => "").finally(() => { pending = null; });
  return pending;
}
