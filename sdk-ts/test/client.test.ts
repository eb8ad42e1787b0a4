// The generated client against a real Cairn (started by server/tests/sdk_ts.rs, or by hand):
// CRUD, list options, expand, files, batch, errors, auth, realtime over WS and over SSE.
import { describe, expect, it } from "vitest";

import { ClientResponseError, createClient } from "./generated/index.js";

const BASE = process.env.CAIRN_URL ?? "";
const SU_EMAIL = process.env.CAIRN_SU_EMAIL ?? "";
const SU_PASSWORD = process.env.CAIRN_SU_PASSWORD ?? "";
const RUN = Date.now().toString(36);

function waitFor<T>(f: () => T | undefined, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = () => {
      const v = f();
      if (v !== undefined) return resolve(v);
      if (Date.now() - start > ms) return reject(new Error("timed out"));
      setTimeout(tick, 20);
    };
    tick();
  });
}

describe("records", () => {
  it("creates, reads, lists, expands, updates with modifiers and deletes", async () => {
    const c = createClient(BASE, { authStore: "memory" });
    const member = await c.collection("members").create({
      email: `m${RUN}@example.com`, password: "password-123", passwordConfirm: "password-123", name: "Ann", role: "admin",
    });
    const label = await c.collection("labels").create({ name: "red" });
    const post = await c.collection("bar_posts").create({
      title: "Hello", status: "draft", tags: ["a"], score: 1, author: member.id, labels: [label.id],
      location: { lon: 1.5, lat: 2.5 }, cover: new Blob(["png?"], { type: "text/plain" }),
    });
    expect(post.title).toBe("Hello");
    expect(post.location).toEqual({ lon: 1.5, lat: 2.5 });
    expect(post.cover).toMatch(/\.txt$|blob/);
    const got = await c.collection("bar_posts").getOne(post.id, { expand: "author,labels" });
    expect(got.expand?.author?.name).toBe("Ann");
    expect(got.expand?.labels?.[0]?.name).toBe("red");
    const upd = await c.collection("bar_posts").update(post.id, { "score+": 4, "tags+": "b" });
    expect(upd.score).toBe(5);
    expect(upd.tags).toEqual(["a", "b"]);
    const list = await c.collection("bar_posts").getList(1, 10, {
      filter: c.filter("title = {:t} && score >= {:n}", { t: "Hello", n: 5 }), sort: "-created", fields: "id,title",
    });
    expect(list.items.map((i) => i.id)).toContain(post.id);
    const first = await c.collection("bar_posts").getFirstListItem(c.filter("id = {:id}", { id: post.id }));
    expect(first.id).toBe(post.id);
    expect(c.files.getURL(got, got.cover, { thumb: "50x50" })).toContain(`/api/files/${got.collectionId}/${got.id}/`);
    const stats = await c.collection("post_stats").getFullList();
    expect(stats.some((s) => s.id === post.id)).toBe(true);
    expect(await c.collection("bar_posts").delete(post.id)).toBe(true);
    const err = await c.collection("bar_posts").getOne(post.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientResponseError);
    expect((err as ClientResponseError).status).toBe(404);
  });

  it("reports validation errors and cancellations", async () => {
    const c = createClient(BASE, { authStore: "memory" });
    const err = (await c.collection("bar_posts").create({ title: "", status: "draft" }).catch((e: unknown) => e)) as ClientResponseError;
    expect(err.status).toBe(400);
    expect(err.data["title"]?.code).toBe("validation_required");
    const ctl = new AbortController();
    ctl.abort();
    const aborted = (await c.collection("labels").getList(1, 1, { signal: ctl.signal }).catch((e: unknown) => e)) as ClientResponseError;
    expect(aborted.isAbort).toBe(true);
  });

  it("sends a batch in one transaction", async () => {
    const c = createClient(BASE, { authStore: "memory" });
    await c.collection("_superusers").authWithPassword(SU_EMAIL, SU_PASSWORD);
    const b = c.createBatch();
    b.collection("labels").create({ name: `b1${RUN}` });
    b.collection("labels").create({ name: `b2${RUN}` });
    const res = await b.send();
    expect(res.map((r) => r.status)).toEqual([200, 200]);
  });
});

describe("auth", () => {
  it("signs in, refreshes, impersonates, and reports MFA", async () => {
    const c = createClient(BASE, { authStore: "memory" });
    const email = `a${RUN}@example.com`;
    await c.collection("members").create({ email, password: "password-123", passwordConfirm: "password-123" });
    const auth = await c.collection("members").authWithPassword(email, "password-123");
    expect(c.authStore.isValid).toBe(true);
    expect(c.authStore.record?.id).toBe(auth.record.id);
    const refreshed = await c.collection("members").authRefresh();
    expect(refreshed.record.id).toBe(auth.record.id);
    expect(await c.collection("members").requestVerification(email)).toBe(true);
    expect(await c.collection("members").requestPasswordReset(email)).toBe(true);
    const otp = await c.collection("members").requestOTP(email);
    expect(otp.otpId).toBeTruthy();
    const cookie = c.authStore.exportToCookie({ secure: false });
    const c2 = createClient(BASE, { authStore: "memory" });
    c2.authStore.loadFromCookie(cookie);
    expect(c2.authStore.token).toBe(c.authStore.token);
    const su = createClient(BASE, { authStore: "memory" });
    await su.collection("_superusers").authWithPassword(SU_EMAIL, SU_PASSWORD);
    const as = await su.collection("members").impersonate(auth.record.id, 60);
    expect(as.authStore.record?.id).toBe(auth.record.id);
    const g = createClient(BASE, { authStore: "memory" });
    await g.collection("guarded").create({ email, password: "password-123", passwordConfirm: "password-123" });
    const mfa = (await g.collection("guarded").authWithPassword(email, "password-123").catch((e: unknown) => e)) as ClientResponseError;
    expect(mfa.status).toBe(401);
    expect(mfa.response["mfaId"]).toBeTruthy();
  });
});

for (const transport of ["ws", "sse"] as const) {
  describe(`realtime over ${transport}`, () => {
    it("delivers typed events and unsubscribes", async () => {
      const c = createClient(BASE, { authStore: "memory", realtime: { transport } });
      expect(c.realtime.transport).toBe(transport);
      const events: { action: string; title: string }[] = [];
      const stop = await c.collection("bar_posts").subscribe("*", (e) => events.push({ action: e.action, title: e.record.title }));
      const w = createClient(BASE, { authStore: "memory" });
      const p = await w.collection("bar_posts").create({ title: `rt-${transport}`, status: "live" });
      await w.collection("bar_posts").update(p.id, { title: `rt2-${transport}` });
      await w.collection("bar_posts").delete(p.id);
      await waitFor(() => (events.length >= 3 ? true : undefined));
      expect(events.map((e) => e.action)).toEqual(["create", "update", "delete"]);
      await stop();
      expect(c.realtime.isConnected).toBe(false);
    });
  });
}
