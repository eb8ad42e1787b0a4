// The one SDK client: the console talks to the server only through the public API.
import PocketBase, { ClientResponseError } from "pocketbase";

export const pb = new PocketBase(window.location.origin);

/** A readable message for any failure (the server's `message` for API errors). */
export function errorText(e: unknown): string {
  if (e instanceof ClientResponseError) return e.response?.message || e.message;
  return e instanceof Error ? e.message : String(e);
}

/**
 * The server's per-field validation errors, flattened to dotted paths
 * (`{"smtp":{"host":{"message":"…"}}}` → `{"smtp.host":"…"}`), to show beside each input.
 */
export function fieldErrors(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (v: unknown, path: string): void => {
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if (typeof o.message === "string" && typeof o.code === "string") {
      out[path] = o.message;
      return;
    }
    for (const [k, child] of Object.entries(o)) walk(child, path ? `${path}.${k}` : k);
  };
  if (e instanceof ClientResponseError) walk(e.response?.data, "");
  return out;
}
