// Development only, until the `gtm-wizard` binary is at hand: runs plain `cairn serve` on
// 127.0.0.1:8090 (data in a temp dir), imports schema/gtm-wizard with its seeds, and stands in
// for two of the hook module's hooks by polling as a superuser (workspace creator → owner
// member, key_hint from the key) and for the coach job (a canned reply streamed in steps).
// With `gtm-wizard` use its own `serve` instead (README).
//   CAIRN_BIN=path/to/cairn node dashboard/scripts/dev-server.mjs
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = process.env.CAIRN_BIN ?? join(process.env.HOME, ".cache/cairn-target/debug/cairn");
const addr = process.env.CAIRN_HTTP ?? "127.0.0.1:8090";
const dir = mkdtempSync(join(tmpdir(), "gtm-dev-"));
const base = `http://${addr}`;
const su = { identity: "dev@example.com", password: "dev-password-123" };

execFileSync(bin, ["superuser", "upsert", su.identity, su.password, "--dir", dir], { stdio: "inherit" });
const server = spawn(bin, ["serve", "--http", addr, "--dir", dir], { stdio: "inherit" });
process.on("SIGINT", () => { server.kill(); process.exit(0); });

async function api(path, method = "GET", body, token) {
  const r = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

for (let i = 0; ; i++) {
  try { await api("/api/health"); break; } catch { if (i > 200) throw new Error("no server"); await new Promise((r) => setTimeout(r, 50)); }
}
const { token } = await api("/api/collections/_superusers/auth-with-password", "POST", su);
const schema = JSON.parse(readFileSync(join(root, "schema/gtm-wizard/collections.json"), "utf8"));
await api("/api/collections/import", "PUT", { collections: schema, deleteMissing: false }, token);
for (const c of ["benchmarks", "coaching_templates"]) {
  for (const rec of JSON.parse(readFileSync(join(root, `schema/gtm-wizard/seed/${c}.json`), "utf8"))) {
    await api(`/api/collections/${c}/records`, "POST", rec, token);
  }
}
console.log(`dev server on ${base} (data ${dir}); superuser ${su.identity} / ${su.password}`);

const answered = new Set();
const REPLY = "**Open rates** look *typical* for cold email.\n\n- Tighten the subject line\n- Send Tuesday mornings\n\nWant a rewrite of your first line?";
async function fakeCoach(userMsg) {
  const m = await api("/api/collections/messages/records", "POST",
    { conversation: userMsg.conversation, role: "assistant", status: "streaming", content: "" }, token);
  const step = Math.ceil(REPLY.length / 6);
  for (let i = step; i < REPLY.length + step; i += step) {
    await new Promise((r) => setTimeout(r, 120));
    await api(`/api/collections/messages/records/${m.id}`, "PATCH", { content: REPLY.slice(0, i) }, token);
  }
  const fail = userMsg.content.includes("fail");
  await api(`/api/collections/messages/records/${m.id}`, "PATCH",
    fail ? { status: "error", error: "The provider said 401: invalid key" } : { status: "done", model: "dev-fake" }, token);
}

setInterval(async () => {
  try {
    const ws = await api("/api/collections/workspaces/records?perPage=500", "GET", null, token);
    const ms = await api("/api/collections/workspace_members/records?perPage=1000", "GET", null, token);
    for (const w of ws.items) {
      if (!ms.items.some((m) => m.workspace === w.id)) {
        await api("/api/collections/workspace_members/records", "POST", { workspace: w.id, user: w.owner, role: "owner" }, token);
      }
    }
    const keys = await api("/api/collections/provider_keys/records?perPage=500&filter=key_hint%3D%22%22", "GET", null, token);
    for (const k of keys.items) {
      const key = String(k.api_key ?? "");
      await api(`/api/collections/provider_keys/records/${k.id}`, "PATCH", { key_hint: key ? `${key.slice(0, 3)}…${key.slice(-4)}` : "(none)" }, token);
    }
    const msgs = await api("/api/collections/messages/records?perPage=500&filter=role%3D%22user%22", "GET", null, token);
    for (const m of msgs.items) {
      if (!answered.has(m.id)) { answered.add(m.id); fakeCoach(m).catch((e) => console.error(String(e))); }
    }
  } catch (e) { console.error(String(e)); }
}, 100);
