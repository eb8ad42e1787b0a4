// Autocomplete for rule and filter expressions: given the text and the cursor, which words fit
// there — field paths (`author.name`, `comments_via_post.text`), `@request.*`, `@collection.*`,
// date macros, modifiers (`:isset`, `:length`, `:each`, `:lower`, `:changed`), operators.

import { authFields, backRelations, byIdOrName, type CollectionInfo, type FieldInfo, type FilterContext } from "./context";
import { SIGNS } from "./tokenize";

export interface Completion {
  /** The text that replaces `from..to`. */
  insert: string;
  /** What the list shows (often the same as `insert`). */
  label: string;
  /** A short hint: the field type, "macro", "operator", … */
  detail: string;
  from: number;
  to: number;
}

export const MACROS = ["@now", "@yesterday", "@tomorrow", "@todayStart", "@todayEnd", "@monthStart", "@monthEnd",
  "@yearStart", "@yearEnd", "@second", "@minute", "@hour", "@day", "@month", "@weekday", "@year"];
const REQUEST_PARTS: [string, string][] = [["auth", "the signed-in record"], ["body", "submitted data"],
  ["query", "query parameters"], ["headers", "request headers"], ["method", "HTTP method"], ["context", "default, oauth2, otp, …"]];
const LITERALS = ["true", "false", "null", "''"];
const FUNCTIONS = ["geoDistance(", "strftime("];
const OPERATORS: [string, string][] = [["=", "equal"], ["!=", "not equal"], [">", "greater"], [">=", "greater or equal"],
  ["<", "less"], ["<=", "less or equal"], ["~", "contains / like"], ["!~", "does not contain"],
  ["?=", "any equal"], ["?!=", "any not equal"], ["?~", "any contains"], ["&&", "and"], ["||", "or"]];
const SYSTEM_FIELDS: FieldInfo[] = [{ name: "id", type: "text" }];

const isWordChar = (c: string): boolean => /[A-Za-z0-9_@#.:]/.test(c);

interface Entry { name: string; detail: string; container: boolean }

/** Modifiers that fit after a field of this kind. */
function modifiers(f: FieldInfo | null, inBody: boolean): Entry[] {
  const out: Entry[] = [{ name: ":isset", detail: "modifier", container: false }];
  if (inBody) out.push({ name: ":changed", detail: "modifier", container: false });
  if (!f || f.multiple || f.type === "relation" || f.type === "select" || f.type === "file") {
    out.push({ name: ":length", detail: "modifier", container: false }, { name: ":each", detail: "modifier", container: false });
  }
  if (!f || ["text", "email", "url", "editor", "select"].includes(f.type)) out.push({ name: ":lower", detail: "modifier", container: false });
  return out;
}

function fieldEntries(ctx: FilterContext, c: CollectionInfo, withBack: boolean): Entry[] {
  const names = new Set(c.fields.map((f) => f.name));
  const fields = [...SYSTEM_FIELDS.filter((f) => !names.has(f.name)), ...c.fields];
  const out: Entry[] = fields.map((f) => ({ name: f.name, detail: f.type, container: f.type === "relation" }));
  if (withBack) for (const b of backRelations(ctx, c)) out.push({ name: b.name, detail: `back-relation (${b.collection.name})`, container: true });
  return out;
}

/** Where a dotted path (without its last segment) leads: a collection's fields, a fixed list, or nowhere. */
type Scope = { kind: "collection"; c: CollectionInfo; body: boolean } | { kind: "list"; entries: Entry[] } | { kind: "none" };

function resolve(ctx: FilterContext, segments: string[]): { scope: Scope; field: FieldInfo | null; body: boolean } {
  // The root scope: the current collection plus the globals.
  let scope: Scope = ctx.current ? { kind: "collection", c: ctx.current, body: false } : { kind: "none" };
  let field: FieldInfo | null = null;
  let body = false;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    field = null;
    if (i === 0 && s === "@request") { scope = { kind: "list", entries: REQUEST_PARTS.map(([n, d]) => ({ name: n, detail: d, container: n === "auth" || n === "body" })) }; continue; }
    if (i === 0 && s === "@collection") { scope = { kind: "list", entries: ctx.collections.map((c) => ({ name: c.name, detail: `${c.type} collection`, container: true })) }; continue; }
    if (i === 1 && segments[0] === "@request") {
      if (s === "auth") { scope = { kind: "collection", c: { id: "", name: "@request.auth", type: "auth", fields: authFields(ctx) }, body: false }; continue; }
      if (s === "body" && ctx.current) { scope = { kind: "collection", c: ctx.current, body: true }; body = true; continue; }
      return { scope: { kind: "none" }, field: null, body };
    }
    if (i === 1 && segments[0] === "@collection") {
      const c = byIdOrName(ctx, s);
      if (!c) return { scope: { kind: "none" }, field: null, body };
      scope = { kind: "collection", c, body: false };
      continue;
    }
    if (scope.kind !== "collection") return { scope: { kind: "none" }, field: null, body };
    const cur: CollectionInfo = scope.c;
    const f = cur.fields.find((x) => x.name === s);
    if (f) {
      field = f;
      const target = f.target ? byIdOrName(ctx, f.target) : undefined;
      scope = target && !body ? { kind: "collection", c: target, body: false } : { kind: "none" };
      continue;
    }
    const back = backRelations(ctx, cur).find((b) => b.name === s);
    if (back) { scope = { kind: "collection", c: back.collection, body: false }; continue; }
    return { scope: { kind: "none" }, field: null, body };
  }
  return { scope, field, body };
}

function entriesOf(ctx: FilterContext, scope: Scope): Entry[] {
  if (scope.kind === "list") return scope.entries;
  if (scope.kind === "none") return [];
  return fieldEntries(ctx, scope.c, !scope.body && scope.c.id !== "");
}

/** The token kind just before `pos` (skipping spaces), to tell "an operand goes here" from "an operator goes here". */
function previousIsOperand(expr: string, pos: number): boolean {
  let i = pos - 1;
  while (i >= 0 && /\s/.test(expr[i])) i--;
  if (i < 0) return false;
  const c = expr[i];
  return isWordChar(c) || c === "'" || c === '"' || c === ")";
}

/** Completions for the word at `cursor` (best first, at most `limit`). */
export function completions(expr: string, cursor: number, ctx: FilterContext, limit = 40): Completion[] {
  let from = cursor;
  while (from > 0 && isWordChar(expr[from - 1])) from--;
  const word = expr.slice(from, cursor);
  // Inside quoted text: nothing to offer.
  if ((expr.slice(0, from).match(/['"]/g) ?? []).length % 2 === 1) return [];
  if (word === "") {
    if (previousIsOperand(expr, from)) {
      return OPERATORS.map(([op, d]) => ({ insert: `${op} `, label: op, detail: d, from, to: cursor }));
    }
  }
  // A modifier being typed: `field:le` → `field:length`.
  const colon = word.lastIndexOf(":");
  if (colon >= 0) {
    const path = word.slice(0, colon).split(".");
    const { field, body } = resolve(ctx, path);
    const typed = word.slice(colon);
    return modifiers(field, body).filter((m) => m.name.startsWith(typed))
      .map((m) => ({ insert: m.name, label: m.name, detail: m.detail, from: from + colon, to: cursor }));
  }
  const dot = word.lastIndexOf(".");
  const segments = dot >= 0 ? word.slice(0, dot).split(".") : [];
  const last = (dot >= 0 ? word.slice(dot + 1) : word).toLowerCase();
  const { scope } = resolve(ctx, segments);
  let entries = entriesOf(ctx, scope);
  if (segments.length === 0) {
    entries = [...entries,
      ...["@request", "@collection"].map((n) => ({ name: n, detail: n === "@request" ? "request data" : "another collection", container: true })),
      ...MACROS.map((n) => ({ name: n, detail: "date macro", container: false })),
      ...LITERALS.map((n) => ({ name: n, detail: "literal", container: false })),
      ...FUNCTIONS.map((n) => ({ name: n, detail: "function", container: false }))];
  }
  const base = from + (dot >= 0 ? dot + 1 : 0);
  const starts = entries.filter((e) => e.name.toLowerCase().startsWith(last));
  const contains = last === "" ? [] : entries.filter((e) => !e.name.toLowerCase().startsWith(last) && e.name.toLowerCase().includes(last));
  const out: Completion[] = [];
  for (const e of [...starts, ...contains]) {
    if (e.name.toLowerCase() === last && !e.container) continue;
    out.push({ insert: e.name, label: e.name, detail: e.container ? `${e.detail} →` : e.detail, from: base, to: cursor });
  }
  return out.slice(0, limit);
}

export { SIGNS };
