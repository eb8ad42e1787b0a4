// The difference between the current schema and an imported one, as the import screen shows it
// before applying: collections added, removed (only deleted with `deleteMissing`) and changed,
// with field-level changes (added, removed, renamed, type or options changed) and the other
// keys that differ (rules, indexes, options). Collections match by id, then by name, as
// PocketBase's import does.

type Json = Record<string, unknown>;

export interface FieldChange {
  kind: "added" | "removed" | "changed";
  name: string;
  /** For "changed": the keys that differ (`type`, `max`, `name` for a rename, …). */
  keys: string[];
  /** The old name when renamed. */
  from?: string;
}

export interface CollectionChange {
  name: string;
  type: string;
  /** Top-level keys other than `fields` that differ (`listRule`, `indexes`, `oauth2`, …). */
  keys: string[];
  fields: FieldChange[];
}

export interface SchemaDiff {
  added: Json[];
  removed: Json[];
  changed: CollectionChange[];
  unchanged: number;
}

// Keys the server sets itself: a difference there is not a change the import makes.
const IGNORED = new Set(["created", "updated", "id", "fields"]);

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Json;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stable(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

function fieldChanges(oldFields: Json[], newFields: Json[]): FieldChange[] {
  const out: FieldChange[] = [];
  const matched = new Set<Json>();
  for (const nf of newFields) {
    const of = oldFields.find((f) => str(f.id) !== "" && f.id === nf.id) ?? oldFields.find((f) => f.name === nf.name);
    if (!of) { out.push({ kind: "added", name: str(nf.name), keys: [] }); continue; }
    matched.add(of);
    const keys = [...new Set([...Object.keys(of), ...Object.keys(nf)])]
      .filter((k) => k !== "id" && stable(of[k]) !== stable(nf[k]));
    if (keys.length) out.push({ kind: "changed", name: str(nf.name), keys, from: of.name !== nf.name ? str(of.name) : undefined });
  }
  for (const of of oldFields) if (!matched.has(of)) out.push({ kind: "removed", name: str(of.name), keys: [] });
  return out;
}

export function schemaDiff(current: Json[], imported: Json[]): SchemaDiff {
  const diff: SchemaDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  const matched = new Set<Json>();
  for (const n of imported) {
    const o = current.find((c) => str(c.id) !== "" && c.id === n.id) ?? current.find((c) => c.name === n.name);
    if (!o) { diff.added.push(n); continue; }
    matched.add(o);
    const keys = [...new Set([...Object.keys(o), ...Object.keys(n)])]
      .filter((k) => !IGNORED.has(k) && k in n && stable(o[k]) !== stable(n[k]));
    const fields = n.type === "view" ? [] : fieldChanges(asList(o.fields), asList(n.fields));
    if (keys.length || fields.length) diff.changed.push({ name: str(n.name), type: str(n.type), keys, fields });
    else diff.unchanged++;
  }
  diff.removed = current.filter((c) => !matched.has(c));
  return diff;
}

function asList(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter((x): x is Json => !!x && typeof x === "object") : [];
}

/** Parses the pasted/loaded JSON: an array of collections, or `{collections: [...]}`. */
export function parseSchema(text: string): Json[] {
  const v: unknown = JSON.parse(text);
  const list = Array.isArray(v) ? v : v && typeof v === "object" && Array.isArray((v as Json).collections) ? (v as Json).collections : null;
  if (!Array.isArray(list)) throw new Error("Expected a JSON array of collections.");
  const out = asList(list);
  if (out.length !== list.length || out.some((c) => typeof c.name !== "string" || typeof c.type !== "string")) {
    throw new Error("Every collection needs at least a name and a type.");
  }
  return out;
}
