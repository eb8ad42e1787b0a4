// The generated SDK on runtimes other than Node: run directly as TypeScript by Deno and Bun
// (server/tests/sdk_ts.rs drives it). Records (create, getOne with expand, filtered getList,
// update with a modifier, delete) and realtime over the default transport (WebSocket where the
// runtime has one) and over SSE read with fetch streams. Prints `ok <runtime>` at the end;
// any failure throws (non-zero exit). Env: CAIRN_URL.

import { ClientResponseError, createClient } from "./generated/index.ts";

declare const Deno: { env: { get(name: string): string | undefined } } | undefined;
declare const process: { env: Record<string, string | undefined> } | undefined;

const BASE =
  (typeof Deno !== "undefined" ? Deno.env.get("CAIRN_URL") : process?.env.CAIRN_URL) ?? "";
const runtime = typeof Deno !== "undefined" ? "deno" : "bun";
const RUN = `${runtime}${Date.now().toString(36)}`;

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`${runtime}: ${what}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const c = createClient(BASE, { authStore: "memory" });
const member = await c.collection("members").create({
  email: `${RUN}@example.com`, password: "password-123", passwordConfirm: "password-123", name: "Ann", role: "admin",
});
const post = await c.collection("bar_posts").create({ title: `t-${RUN}`, status: "draft", score: 1, author: member.id });
const got = await c.collection("bar_posts").getOne(post.id, { expand: "author" });
check(got.expand?.author?.name === "Ann", "expand");
const upd = await c.collection("bar_posts").update(post.id, { "score+": 4 });
check(upd.score === 5, "modifier");
const list = await c.collection("bar_posts").getList(1, 5, { filter: c.filter("title = {:t}", { t: `t-${RUN}` }) });
check(list.totalItems === 1 && list.items[0]?.id === post.id, "filtered list");
try {
  await c.collection("bar_posts").getOne("missingmissing1");
  check(false, "a missing record throws");
} catch (e) {
  check(e instanceof ClientResponseError && e.status === 404, "ClientResponseError 404");
}

for (const transport of ["ws", "sse"] as const) {
  const sub = createClient(BASE, { authStore: "memory", realtime: { transport } });
  const seen: string[] = [];
  const stop = await sub.collection("bar_posts").subscribe("*", (e) => seen.push(`${e.action}:${e.record.title}`));
  await c.collection("bar_posts").update(post.id, { title: `rt-${transport}-${RUN}` });
  for (let i = 0; i < 100 && seen.length === 0; i++) await sleep(20);
  check(seen[0] === `update:rt-${transport}-${RUN}`, `realtime over ${transport}: ${JSON.stringify(seen)}`);
  await stop();
}
check(await c.collection("bar_posts").delete(post.id), "delete");
console.log(`ok ${runtime}`);
