// The server's error, as an admin should read it: PocketBase's `{message, data}` shape.
import { ClientResponseError } from "pocketbase";

export interface FieldErrors { [field: string]: string }

/** The message to show inline; for a 400 with one field error, that error's text is added. */
export function errorMessage(err: unknown): string {
  if (err instanceof ClientResponseError) {
    const data = fieldErrors(err);
    const first = Object.entries(data)[0];
    const base = err.response?.message ?? err.message;
    return first ? `${base} ${first[0]}: ${first[1]}` : String(base);
  }
  return err instanceof Error ? err.message : String(err);
}

/** `data.FIELD.message` for every field the server rejected. */
export function fieldErrors(err: unknown): FieldErrors {
  if (!(err instanceof ClientResponseError)) return {};
  const data: unknown = err.response?.data;
  if (!data || typeof data !== "object") return {};
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    const msg = v && typeof v === "object" && "message" in v ? (v as { message: unknown }).message : undefined;
    out[k] = typeof msg === "string" ? msg : "Invalid value.";
  }
  return out;
}
