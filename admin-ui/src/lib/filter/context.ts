// What an expression can name, derived from the schema: the collection's own fields, relation
// targets, back-relations (`coll_via_field`), auth fields for `@request.auth.*`, and every
// collection for `@collection.NAME.*`. Built once per schema change, read by `completions`.

import type { CollectionModel } from "pocketbase";

export interface FieldInfo {
  name: string;
  type: string;
  /** For relation fields: the target collection's id. */
  target?: string;
  /** Several values (relation/select/file with maxSelect > 1): offers `:each`/`:length`. */
  multiple?: boolean;
}

export interface CollectionInfo {
  id: string;
  name: string;
  type: string;
  fields: FieldInfo[];
}

export interface FilterContext {
  /** The collection the expression runs against (null: none, only globals are offered). */
  current: CollectionInfo | null;
  collections: CollectionInfo[];
}

function fieldInfo(f: Record<string, unknown>): FieldInfo {
  const type = String(f.type ?? "");
  const max = typeof f.maxSelect === "number" ? f.maxSelect : 0;
  const info: FieldInfo = { name: String(f.name ?? ""), type, multiple: ["relation", "select", "file"].includes(type) && max > 1 };
  if (type === "relation" && typeof f.collectionId === "string") info.target = f.collectionId;
  return info;
}

export function collectionInfo(c: CollectionModel): CollectionInfo {
  const fields = (c.fields ?? []).map((f) => fieldInfo(f as unknown as Record<string, unknown>)).filter((f) => f.name !== "");
  return { id: c.id, name: c.name, type: c.type, fields };
}

/**
 * `current` is the edited collection's name, or a collection model (e.g. an unsaved draft, so
 * fields added a second ago are offered before saving).
 */
export function contextFromCollections(collections: CollectionModel[], current: string | CollectionModel | null): FilterContext {
  const infos = collections.map(collectionInfo);
  let cur: CollectionInfo | null = null;
  if (typeof current === "string") cur = infos.find((c) => c.name === current) ?? null;
  else if (current) {
    cur = collectionInfo(current);
    const i = infos.findIndex((c) => c.id !== "" && c.id === cur?.id);
    if (i >= 0) infos[i] = cur;
  }
  return { current: cur, collections: infos };
}

export function byIdOrName(ctx: FilterContext, idOrName: string): CollectionInfo | undefined {
  return ctx.collections.find((c) => c.id === idOrName) ?? ctx.collections.find((c) => c.name === idOrName);
}

/** Back-relations of `c`: `other_via_field` for each relation field of another collection pointing at `c`. */
export function backRelations(ctx: FilterContext, c: CollectionInfo): { name: string; collection: CollectionInfo }[] {
  const out: { name: string; collection: CollectionInfo }[] = [];
  for (const other of ctx.collections) {
    for (const f of other.fields) {
      if (f.type === "relation" && f.target === c.id && c.id !== "") out.push({ name: `${other.name}_via_${f.name}`, collection: other });
    }
  }
  return out;
}

/** Fields `@request.auth.*` can name: the union of every auth collection's fields. */
export function authFields(ctx: FilterContext): FieldInfo[] {
  const seen = new Map<string, FieldInfo>();
  for (const c of ctx.collections) {
    if (c.type !== "auth") continue;
    for (const f of c.fields) if (!seen.has(f.name) && f.type !== "password") seen.set(f.name, f);
  }
  seen.set("collectionId", { name: "collectionId", type: "text" });
  seen.set("collectionName", { name: "collectionName", type: "text" });
  return [...seen.values()];
}
