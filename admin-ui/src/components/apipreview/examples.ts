// Endpoint list and copy-paste examples for one collection, for the API preview. Pure
// functions of the collection's schema, so they can be read (and tested) without a server.
import type { CollectionModel } from "pocketbase";

export interface Endpoint {
  id: string;
  title: string;
  method: string;
  path: string;
  /** The rule in force (null: superusers only, "": anyone). */
  rule: string | null | undefined;
  ruleName: string;
  ts: string;
  pb: string;
}

/** A plausible value per field type, for create/update examples. */
function sample(type: string, name: string): unknown {
  switch (type) {
    case "number": return 42;
    case "bool": return true;
    case "email": return "ann@example.com";
    case "url": return "https://example.com";
    case "date": case "autodate": return "2026-01-02 03:04:05.000Z";
    case "json": return { key: "value" };
    case "geoPoint": return { lon: 24.75, lat: 59.44 };
    case "relation": return "RECORD_ID";
    case "select": return "option";
    default: return `example ${name}`;
  }
}

function body(c: CollectionModel): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of c.fields ?? []) {
    if (f.system || f.hidden || f.type === "autodate" || f.type === "file" || f.name === "id") continue;
    out[f.name] = sample(f.type, f.name);
  }
  if (c.type === "auth") Object.assign(out, { email: "ann@example.com", password: "a-long-password", passwordConfirm: "a-long-password" });
  return out;
}

const js = (v: unknown): string => JSON.stringify(v, null, 2).replace(/\n/g, "\n  ");

/** What the console lists for `c`, with examples for both SDKs. */
export function endpoints(c: CollectionModel, origin: string): Endpoint[] {
  const n = JSON.stringify(c.name);
  const base = `/api/collections/${encodeURIComponent(c.name)}`;
  const ts = (line: string): string => `import { createClient } from "./cairn/index.js"; // cairn gen sdk --out src/cairn\n\nconst pb = createClient(${JSON.stringify(origin)});\n${line}`;
  const pbs = (line: string): string => `import PocketBase from "pocketbase";\n\nconst pb = new PocketBase(${JSON.stringify(origin)});\n${line}`;
  const both = (line: string): { ts: string; pb: string } => ({ ts: ts(line), pb: pbs(line) });
  const list = `const page = await pb.collection(${n}).getList(1, 20, {\n  filter: pb.filter("created >= {:d}", { d: "2026-01-01" }),\n  sort: "-created",\n});`;
  const out: Endpoint[] = [
    { id: "list", title: "List / search", method: "GET", path: `${base}/records`, rule: c.listRule, ruleName: "listRule", ...both(list) },
    { id: "view", title: "View", method: "GET", path: `${base}/records/:id`, rule: c.viewRule, ruleName: "viewRule", ...both(`const record = await pb.collection(${n}).getOne("RECORD_ID");`) },
  ];
  if (c.type !== "view") {
    const b = js(body(c));
    out.push(
      { id: "create", title: "Create", method: "POST", path: `${base}/records`, rule: c.createRule, ruleName: "createRule", ...both(`const record = await pb.collection(${n}).create(${b});`) },
      { id: "update", title: "Update", method: "PATCH", path: `${base}/records/:id`, rule: c.updateRule, ruleName: "updateRule", ...both(`const record = await pb.collection(${n}).update("RECORD_ID", ${b});`) },
      { id: "delete", title: "Delete", method: "DELETE", path: `${base}/records/:id`, rule: c.deleteRule, ruleName: "deleteRule", ...both(`await pb.collection(${n}).delete("RECORD_ID");`) },
    );
  }
  out.push({ id: "realtime", title: "Realtime", method: "SSE / WS", path: "/api/realtime", rule: c.listRule, ruleName: "listRule / viewRule",
    ...both(`const unsubscribe = await pb.collection(${n}).subscribe("*", (e) => {\n  console.log(e.action, e.record);\n});`) });
  if (c.type === "auth") {
    const authRule = (c as CollectionModel & { authRule?: string | null }).authRule;
    out.push(
      { id: "auth-password", title: "Auth with password", method: "POST", path: `${base}/auth-with-password`, rule: authRule, ruleName: "authRule",
        ...both(`const auth = await pb.collection(${n}).authWithPassword("ann@example.com", "a-long-password");\nconsole.log(pb.authStore.record?.id);`) },
      { id: "auth-otp", title: "Auth with OTP", method: "POST", path: `${base}/request-otp, ${base}/auth-with-otp`, rule: authRule, ruleName: "authRule",
        ...both(`const { otpId } = await pb.collection(${n}).requestOTP("ann@example.com");\nawait pb.collection(${n}).authWithOTP(otpId, "CODE_FROM_EMAIL");`) },
      { id: "auth-refresh", title: "Auth refresh", method: "POST", path: `${base}/auth-refresh`, rule: authRule, ruleName: "authRule",
        ...both(`await pb.collection(${n}).authRefresh();`) },
      { id: "auth-methods", title: "List auth methods", method: "GET", path: `${base}/auth-methods`, rule: "", ruleName: "—",
        ...both(`const methods = await pb.collection(${n}).listAuthMethods();`) },
      { id: "verification", title: "Email verification", method: "POST", path: `${base}/request-verification, ${base}/confirm-verification`, rule: "", ruleName: "—",
        ...both(`await pb.collection(${n}).requestVerification("ann@example.com");`) },
      { id: "password-reset", title: "Password reset", method: "POST", path: `${base}/request-password-reset, ${base}/confirm-password-reset`, rule: "", ruleName: "—",
        ...both(`await pb.collection(${n}).requestPasswordReset("ann@example.com");`) },
    );
  }
  return out;
}

/** How a rule reads to a person. */
export function describeRule(rule: string | null | undefined): string {
  if (rule === null || rule === undefined) return "Superusers only";
  if (rule.trim() === "") return "Anyone (public)";
  return rule;
}
