// How a record is named in a preview (relation chips, the picker): its presentable fields,
// else a field commonly used as a name, else its id.
import type { CollectionModel, RecordModel } from "pocketbase";

const usual = ["name", "title", "username", "email", "label", "slug"];

export function presentableFields(c: CollectionModel | undefined): string[] {
  if (!c) return [];
  const marked = c.fields.filter((f) => f.presentable).map((f) => f.name);
  if (marked.length) return marked;
  const byName = usual.find((n) => c.fields.some((f) => f.name === n));
  return byName ? [byName] : [];
}

export function presentRecord(r: RecordModel, c: CollectionModel | undefined): string {
  const parts = presentableFields(c).map((n) => r[n]).filter((v) => v !== undefined && v !== null && v !== "");
  return parts.length ? parts.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join(" · ") : r.id;
}

/** Text fields of a collection, for a search box's `~` filter. */
export function searchableFields(c: CollectionModel | undefined): string[] {
  if (!c) return ["id"];
  return ["id", ...c.fields.filter((f) => ["text", "email", "url", "editor"].includes(f.type) && f.name !== "id" && !f.hidden).map((f) => f.name)];
}
