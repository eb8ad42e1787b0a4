// What the generated client does when the network fails it, against a real Cairn: realtime
// (over WebSocket and over SSE) goes through a loopback TCP proxy that can cut every open
// connection; the client must reconnect on its own, subscribe its topics again and deliver the
// events that follow. Also: protected files open only with a file token from `getToken()`
// when the view rule needs a signed-in caller (as PocketBase).
import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createClient } from "./generated/index.js";

const BASE = process.env.CAIRN_URL ?? "";
const RUN = Date.now().toString(36);

/** Forwards every connection to Cairn; `cut()` destroys all that are open. */
class Proxy {
  private readonly open = new Set<Socket>();
  private readonly server: Server;
  url = "";

  constructor(target: URL) {
    this.server = createServer((down) => {
      const up = connect(Number(target.port), target.hostname);
      for (const s of [down, up]) {
        this.open.add(s);
        s.on("close", () => this.open.delete(s));
        s.on("error", () => s.destroy());
      }
      down.pipe(up).pipe(down);
      down.on("close", () => up.destroy());
      up.on("close", () => down.destroy());
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  cut(): number {
    const n = this.open.size;
    for (const s of this.open) s.destroy();
    return n;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function waitFor<T>(f: () => T | undefined, ms = 10_000): Promise<T> {
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

const proxy = new Proxy(new URL(BASE));
beforeAll(() => proxy.start());
afterAll(() => proxy.stop());

for (const transport of ["ws", "sse"] as const) {
  describe(`realtime reconnect over ${transport}`, () => {
    it("reconnects after the connection is cut and delivers later events", async () => {
      const c = createClient(proxy.url, { authStore: "memory", realtime: { transport } });
      let drops = 0;
      c.realtime.onDisconnect = () => drops++;
      const titles: string[] = [];
      const stop = await c.collection("bar_posts").subscribe("*", (e) => titles.push(`${e.action} ${e.record.title}`));
      const firstId = c.realtime.clientId;
      const w = createClient(BASE, { authStore: "memory" });
      await w.collection("bar_posts").create({ title: `before-${transport}-${RUN}`, status: "live" });
      await waitFor(() => (titles.length === 1 ? true : undefined));

      expect(proxy.cut()).toBeGreaterThan(0);
      await waitFor(() => (drops === 1 ? true : undefined));
      // Back on a new connection (a new client id) with the topic subscribed again.
      await waitFor(() => (c.realtime.isConnected && c.realtime.clientId !== firstId ? true : undefined));
      // The server has the topic once the resubscribe finished; keep creating until one arrives.
      let n = 0;
      await waitFor(() => {
        if (titles.some((t) => t.startsWith("create after-"))) return true;
        if (n < 50 && titles.length === 1) {
          n++;
          void w.collection("bar_posts").create({ title: `after-${transport}-${RUN}-${n}`, status: "live" });
        }
        return undefined;
      });
      expect(titles[0]).toBe(`create before-${transport}-${RUN}`);
      expect(titles.slice(1).every((t) => t.startsWith(`create after-${transport}-${RUN}`))).toBe(true);
      await stop();
    });
  });
}

describe("protected files", () => {
  it("opens a protected file only with a file token", async () => {
    const c = createClient(BASE, { authStore: "memory" });
    const email = `files${RUN}@example.com`;
    await c.collection("members").create({ email, password: "password-123", passwordConfirm: "password-123" });
    await c.collection("members").authWithPassword(email, "password-123");
    const post = await c.collection("vault").create({ contract: new Blob(["signed terms"], { type: "text/plain" }) });
    expect(post.contract).toBeTruthy();
    // A browser's <img>/<a> sends no Authorization header: without a token the view rule fails
    // and the file is "not found" (404, as PocketBase 0.40 answers).
    const bare = await fetch(c.files.getURL(post, post.contract));
    expect(bare.status).toBe(404);
    const token = await c.files.getToken();
    expect(token.split(".")).toHaveLength(3);
    const opened = await fetch(c.files.getURL(post, post.contract, { token }));
    expect(opened.status).toBe(200);
    expect(await opened.text()).toBe("signed terms");
  });
});
