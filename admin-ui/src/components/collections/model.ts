// The collection editor's model: PocketBase 0.40's collection JSON as the editor handles it
// (every field option Cairn accepts, see server/src/schema/fields/*.rs), new-field defaults,
// and lookup of PocketBase-format validation errors (`data.fields.3.max.message`).

export const FIELD_TYPES = ["text", "editor", "number", "bool", "email", "url", "date", "autodate", "select",
  "file", "relation", "json", "geoPoint", "password"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const TYPE_LABELS: Record<FieldType, string> = {
  text: "Plain text", editor: "Rich editor", number: "Number", bool: "Bool", email: "Email", url: "URL",
  date: "DateTime", autodate: "Autodate", select: "Select", file: "File", relation: "Relation", json: "JSON",
  geoPoint: "Geo point", password: "Password",
};

/** One field with every option any type has; only the options of `type` are sent. */
export interface Field {
  id: string;
  name: string;
  type: FieldType;
  system: boolean;
  hidden: boolean;
  presentable: boolean;
  required?: boolean;
  help?: string;
  min?: number | string | null;
  max?: number | string | null;
  pattern?: string;
  autogeneratePattern?: string;
  primaryKey?: boolean;
  sealed?: boolean;
  cost?: number;
  maxSize?: number;
  convertURLs?: boolean;
  onlyInt?: boolean;
  exceptDomains?: string[];
  onlyDomains?: string[];
  onCreate?: boolean;
  onUpdate?: boolean;
  values?: string[];
  maxSelect?: number;
  minSelect?: number;
  mimeTypes?: string[];
  thumbs?: string[];
  protected?: boolean;
  collectionId?: string;
  cascadeDelete?: boolean;
}

export type Rule = string | null;
export interface EmailTemplate { subject: string; body: string }
export interface TokenConfig { duration: number; secret?: string }
export interface OAuth2Provider {
  name: string; clientId: string; clientSecret?: string; authURL?: string; tokenURL?: string; userInfoURL?: string;
  displayName?: string; pkce?: boolean | null; extra?: Record<string, unknown> | null;
}

export interface Collection {
  id: string;
  name: string;
  type: "base" | "auth" | "view";
  system: boolean;
  fields: Field[];
  indexes: string[];
  listRule: Rule; viewRule: Rule; createRule: Rule; updateRule: Rule; deleteRule: Rule;
  viewQuery?: string;
  authRule?: Rule; manageRule?: Rule;
  passwordAuth?: { enabled: boolean; identityFields: string[] };
  oauth2?: { enabled: boolean; providers: OAuth2Provider[]; mappedFields: Record<"id" | "name" | "username" | "avatarURL", string> };
  otp?: { enabled: boolean; duration: number; length: number; emailTemplate: EmailTemplate };
  mfa?: { enabled: boolean; duration: number; rule: string };
  authAlert?: { enabled: boolean; emailTemplate: EmailTemplate };
  authToken?: TokenConfig; passwordResetToken?: TokenConfig; emailChangeToken?: TokenConfig;
  verificationToken?: TokenConfig; fileToken?: TokenConfig;
  verificationTemplate?: EmailTemplate; resetPasswordTemplate?: EmailTemplate; confirmEmailChangeTemplate?: EmailTemplate;
  created?: string; updated?: string;
}

/** The options each type keeps (the rest is dropped before saving). */
const OPTIONS: Record<FieldType, (keyof Field)[]> = {
  text: ["min", "max", "pattern", "autogeneratePattern", "primaryKey", "sealed"],
  editor: ["maxSize", "convertURLs"],
  number: ["min", "max", "onlyInt"],
  bool: [],
  email: ["exceptDomains", "onlyDomains"],
  url: ["exceptDomains", "onlyDomains"],
  date: ["min", "max"],
  autodate: ["onCreate", "onUpdate"],
  select: ["values", "maxSelect"],
  file: ["maxSelect", "maxSize", "mimeTypes", "thumbs", "protected"],
  relation: ["collectionId", "cascadeDelete", "minSelect", "maxSelect"],
  json: ["maxSize"],
  geoPoint: [],
  password: ["min", "max", "pattern", "cost"],
};
const COMMON: (keyof Field)[] = ["id", "name", "type", "system", "hidden", "presentable", "required", "help"];
/** Options whose server type is an unsigned integer: an empty input means "default" (dropped). */
const UNSIGNED = new Set<keyof Field>(["maxSize", "maxSelect", "minSelect", "cost"]);

/** The JSON sent for a field: common keys plus its type's options, empty numbers dropped. */
export function fieldJson(f: Field): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of [...COMMON, ...OPTIONS[f.type]]) {
    const v = f[k];
    if (v === undefined) continue;
    const numeric = UNSIGNED.has(k) || ((k === "min" || k === "max") && (f.type === "text" || f.type === "password"));
    if (numeric && (v === null || v === "")) continue;
    if (k === "id" && v === "") continue;
    if ((k === "min" || k === "max") && f.type === "number" && v === "") { out[k] = null; continue; }
    if ((k === "min" || k === "max") && f.type === "date" && v === null) { out[k] = ""; continue; }
    out[k] = v;
  }
  return out;
}

export function collectionJson(c: Collection): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c, fields: c.fields.map(fieldJson) };
  if (c.type !== "view") delete out.viewQuery;
  if (c.type === "view") delete out.indexes;
  if (c.id === "") delete out.id;
  delete out.created;
  delete out.updated;
  return out;
}

export function newField(type: FieldType, existing: Field[]): Field {
  let name = type === "geoPoint" ? "location" : "field";
  for (let i = 1; existing.some((f) => f.name === name); i++) name = `${type === "geoPoint" ? "location" : "field"}${i}`;
  const f: Field = { id: "", name, type, system: false, hidden: false, presentable: false, required: false };
  switch (type) {
    case "text": Object.assign(f, { min: 0, max: 0, pattern: "", autogeneratePattern: "", primaryKey: false }); break;
    case "editor": Object.assign(f, { maxSize: 0, convertURLs: false }); break;
    case "number": Object.assign(f, { min: null, max: null, onlyInt: false }); break;
    case "email": case "url": Object.assign(f, { exceptDomains: [], onlyDomains: [] }); break;
    case "date": Object.assign(f, { min: "", max: "" }); break;
    case "autodate": Object.assign(f, { onCreate: true, onUpdate: false }); break;
    case "select": Object.assign(f, { values: [], maxSelect: 1 }); break;
    case "file": Object.assign(f, { maxSelect: 1, maxSize: 0, mimeTypes: [], thumbs: [], protected: false }); break;
    case "relation": Object.assign(f, { collectionId: "", cascadeDelete: false, minSelect: 0, maxSelect: 1 }); break;
    case "json": Object.assign(f, { maxSize: 0 }); break;
    case "password": Object.assign(f, { min: 8, max: 0, pattern: "", cost: 0 }); break;
  }
  return f;
}

/** A PocketBase validation error tree (`ClientResponseError.response.data`). */
export type ErrorTree = Record<string, unknown>;

/** The message at a dotted path (`fields.2.max`), or "". */
export function errorAt(tree: ErrorTree | null, path: string): string {
  let node: unknown = tree;
  for (const part of path.split(".")) {
    if (node === null || typeof node !== "object") return "";
    node = (node as Record<string, unknown>)[part];
  }
  if (node && typeof node === "object" && typeof (node as Record<string, unknown>).message === "string") {
    return (node as { message: string }).message;
  }
  return "";
}

/** Every message of a subtree, flattened with its path (for a summary of what failed). */
export function allErrors(tree: unknown, prefix = ""): { path: string; message: string }[] {
  if (!tree || typeof tree !== "object") return [];
  const t = tree as Record<string, unknown>;
  if (typeof t.message === "string" && typeof t.code === "string") return [{ path: prefix, message: t.message }];
  return Object.entries(t).flatMap(([k, v]) => allErrors(v, prefix ? `${prefix}.${k}` : k));
}
