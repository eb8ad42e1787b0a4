// PocketBase stores dates as UTC text `YYYY-MM-DD HH:MM:SS.sssZ`; the console shows and edits
// them in the admin's local time. These helpers convert between the two forms.

/** `2026-01-02 03:04:05.000Z` → a Date, or null for empty/invalid text. */
export function parseStored(value: unknown): Date | null {
  if (typeof value !== "string" || value === "") return null;
  const d = new Date(value.replace(" ", "T"));
  return Number.isNaN(d.getTime()) ? null : d;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

/** A Date → the local `YYYY-MM-DDTHH:MM:SS` a `datetime-local` input takes. */
export function toLocalInput(d: Date | null): string {
  if (!d) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A `datetime-local` value (local time) → PocketBase's UTC form; "" stays "". */
export function fromLocalInput(v: string): string {
  if (!v) return "";
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return "";
  return toStored(d);
}

/** A Date → `YYYY-MM-DD HH:MM:SS.sssZ` (UTC). */
export function toStored(d: Date): string {
  return d.toISOString().replace("T", " ");
}

const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** Table display: local date and time, e.g. "Jan 2, 2026, 4:04:05 AM". */
export function formatLocal(value: unknown): string {
  const d = parseStored(value);
  return d ? fmt.format(d) : "";
}
