// Table cell text for the simple field types; long values are cut so one row stays one line.
import type { CollectionField } from "pocketbase";
import { formatLocal } from "./dates";

const MAX = 80;

export function truncate(s: string, max = MAX): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Plain text of stored HTML (editor fields); the cell shows text, never markup. */
export function htmlToText(html: string): string {
  return html.replace(/<[^>]*>/g, " ").replace(/&nbsp;/g, " ").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();
}

export function cellText(f: CollectionField | undefined, v: unknown): string {
  if (v === null || v === undefined) return "";
  switch (f?.type) {
    case "date":
    case "autodate": return formatLocal(v);
    case "editor": return truncate(htmlToText(String(v)));
    case "bool": return v ? "true" : "false";
    case "geoPoint": {
      const p = v as { lon?: number; lat?: number };
      return `${p.lon ?? 0}, ${p.lat ?? 0}`;
    }
    case "json": return truncate(JSON.stringify(v));
    default: return Array.isArray(v) ? truncate(v.join(", ")) : truncate(typeof v === "object" ? JSON.stringify(v) : String(v));
  }
}
