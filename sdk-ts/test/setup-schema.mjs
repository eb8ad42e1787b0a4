// Creates the test schema on a running Cairn (every field type, an auth collection with MFA
// off and one with MFA on, a view) and turns the batch API on. Used by server/tests/sdk_ts.rs
// before it runs `cairn gen sdk`; prints the superuser token as `token=…`. Env: CAIRN_URL,
// CAIRN_SU_EMAIL, CAIRN_SU_PASSWORD.

const base = process.env.CAIRN_URL;
const su = await call("POST", "/api/collections/_superusers/auth-with-password", {
  identity: process.env.CAIRN_SU_EMAIL,
  password: process.env.CAIRN_SU_PASSWORD,
});
const token = su.token;

async function call(method, path, body, auth) {
  const res = await fetch(base + path, {
    method,
    headers: { "Content-Type": "application/json", ...(auth ? { Authorization: auth } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`${method} ${path}: ${res.status} ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}

const collection = (c) => call("POST", "/api/collections", c, token);
const open = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };

const members = await collection({
  name: "members",
  type: "auth",
  ...open,
  updateRule: "id = @request.auth.id",
  deleteRule: "id = @request.auth.id",
  fields: [
    { name: "name", type: "text" },
    { name: "role", type: "select", values: ["admin", "member"], maxSelect: 1 },
  ],
  otp: { enabled: true },
});
await collection({
  name: "guarded",
  type: "auth",
  ...open,
  fields: [{ name: "name", type: "text" }],
  mfa: { enabled: true },
  otp: { enabled: true },
});
const labels = await collection({
  name: "labels",
  type: "base",
  ...open,
  fields: [{ name: "name", type: "text", required: true }],
});
await collection({
  name: "bar_posts",
  type: "base",
  ...open,
  fields: [
    { name: "title", type: "text", required: true },
    { name: "body", type: "editor" },
    { name: "contact", type: "email" },
    { name: "site", type: "url" },
    { name: "published_at", type: "date" },
    { name: "score", type: "number" },
    { name: "featured", type: "bool" },
    { name: "status", type: "select", values: ["draft", "live"], maxSelect: 1, required: true },
    { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
    { name: "meta", type: "json" },
    { name: "author", type: "relation", collectionId: members.id, maxSelect: 1 },
    { name: "labels", type: "relation", collectionId: labels.id, maxSelect: 5 },
    { name: "cover", type: "file", maxSelect: 1, thumbs: ["50x50"] },
    { name: "attachments", type: "file", maxSelect: 5 },
    { name: "location", type: "geoPoint" },
    { name: "note", type: "text", hidden: true },
    { name: "created", type: "autodate", onCreate: true },
    { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
  ],
});
await collection({
  name: "post_stats",
  type: "view",
  listRule: "",
  viewRule: "",
  viewQuery: "SELECT id, title, score FROM bar_posts",
});
// Protected files need a file token when the view rule needs a signed-in caller.
await collection({
  name: "vault",
  type: "base",
  listRule: '@request.auth.id != ""',
  viewRule: '@request.auth.id != ""',
  createRule: '@request.auth.id != ""',
  fields: [{ name: "contract", type: "file", maxSelect: 1, protected: true }],
});
await call("PATCH", "/api/settings", { batch: { enabled: true, maxRequests: 50, timeout: 3, maxBodySize: 0 } }, token);
// The driver reads the token from here for `cairn gen sdk --url … --token …`.
console.log(`token=${token}`);
console.log("schema ready");
