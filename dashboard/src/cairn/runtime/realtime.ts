/**
 * Realtime subscriptions: topics (`posts/*`, `posts/ID`, `@oauth2`) with listeners, kept in
 * sync with the server over one connection — WebSocket (`/api/realtime/ws`) where the runtime
 * has `WebSocket`, else PocketBase's SSE protocol read with `fetch` streams (no EventSource
 * needed). A dropped connection is reopened with backoff and every topic is subscribed again;
 * a change of the signed-in user reopens it too (the server lets auth go only guest → user).
 */

import type { Http } from "./http.js";
import type { QueryValue, SubscribeOptions } from "./types.js";
import { openSse } from "./realtime-sse.js";
import { openWs, type WebSocketCtor } from "./realtime-ws.js";

/** What a transport connection offers the manager. */
export interface Connection {
  readonly clientId: string;
  /** Makes the server's topic set equal to `topics`. */
  sync(topics: string[]): Promise<void>;
  close(): void;
}

/** Callbacks a connection reports to. */
export interface ConnectionEvents {
  onEvent(topic: string, data: unknown): void;
  onDrop(): void;
}

export interface RealtimeOptions {
  /** `auto` (default): WebSocket when the runtime has one, else SSE. */
  transport?: "auto" | "ws" | "sse";
  /** A WebSocket constructor for runtimes without a global one (e.g. the `ws` package). */
  WebSocket?: WebSocketCtor;
}

type Handler = (data: unknown) => void;

const BACKOFF_MS = [200, 300, 500, 1000, 1200, 1500, 2000];

/** Builds the subscription key PocketBase uses: the topic plus its serialized options. */
export function topicKey(topic: string, options?: SubscribeOptions): string {
  if (!options) {
    return topic;
  }
  const query: Record<string, QueryValue> = { ...options.query };
  if (options.filter !== undefined) query["filter"] = options.filter;
  if (options.expand !== undefined) query["expand"] = options.expand;
  if (options.fields !== undefined) query["fields"] = options.fields;
  const serialized = JSON.stringify({ query, headers: options.headers ?? {} });
  return topic + (topic.includes("?") ? "&" : "?") + "options=" + encodeURIComponent(serialized);
}

export class Realtime {
  /** Called when the connection drops while topics are subscribed (before reconnecting). */
  onDisconnect?: (topics: string[]) => void;

  private readonly subs = new Map<string, Set<Handler>>();
  private conn: Connection | null = null;
  private chain: Promise<void> = Promise.resolve();
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  constructor(
    private readonly http: Http,
    private readonly token: () => string,
    private readonly options: RealtimeOptions = {},
  ) {}

  /** The server's id of the current connection ("" when not connected). */
  get clientId(): string {
    return this.conn?.clientId ?? "";
  }

  get isConnected(): boolean {
    return this.conn !== null;
  }

  /** Which transport a new connection uses. */
  get transport(): "ws" | "sse" {
    const mode = this.options.transport ?? "auto";
    if (mode !== "auto") {
      return mode;
    }
    return this.wsCtor() ? "ws" : "sse";
  }

  /** Adds a listener; resolves once the server has the topic, to a function that removes it. */
  async subscribe(topic: string, cb: Handler, options?: SubscribeOptions): Promise<() => Promise<void>> {
    if (!topic) {
      throw new Error("topic must be set");
    }
    const key = topicKey(topic, options);
    let set = this.subs.get(key);
    if (!set) {
      set = new Set();
      this.subs.set(key, set);
    }
    const handler: Handler = (d) => cb(d);
    set.add(handler);
    await this.sync();
    return async () => {
      const s = this.subs.get(key);
      if (s?.delete(handler) && s.size === 0) {
        this.subs.delete(key);
      }
      await this.sync();
    };
  }

  /** Removes every listener of `topic` (with any options), or of every topic. */
  async unsubscribe(topic?: string): Promise<void> {
    for (const key of [...this.subs.keys()]) {
      if (topic === undefined || key === topic || key.startsWith(topic + "?")) {
        this.subs.delete(key);
      }
    }
    await this.sync();
  }

  /** Removes every topic starting with `prefix` (`posts/` drops `posts/*` and `posts/ID`). */
  async unsubscribeByPrefix(prefix: string): Promise<void> {
    for (const key of [...this.subs.keys()]) {
      if (key.startsWith(prefix)) {
        this.subs.delete(key);
      }
    }
    await this.sync();
  }

  /** Reopens the connection (the auth changed); topics are subscribed again. */
  reconnect(): Promise<void> {
    if (!this.conn) {
      return this.chain;
    }
    return this.enqueue(() => {
      this.drop();
      return this.syncNow();
    });
  }

  /** Closes the connection and forgets every topic. */
  disconnect(): void {
    this.subs.clear();
    clearTimeout(this.retryTimer);
    this.drop();
  }

  private wsCtor(): WebSocketCtor | undefined {
    return this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
  }

  private sync(): Promise<void> {
    return this.enqueue(() => this.syncNow());
  }

  // Syncs run one after another, so a subscribe never races a reconnect.
  private enqueue(job: () => Promise<void>): Promise<void> {
    const next = this.chain.then(job, job);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async syncNow(): Promise<void> {
    const topics = [...this.subs.keys()];
    if (topics.length === 0) {
      this.drop();
      return;
    }
    if (!this.conn) {
      const generation = ++this.generation;
      const events: ConnectionEvents = {
        onEvent: (topic, data) => this.dispatch(topic, data),
        onDrop: () => {
          if (generation === this.generation) {
            this.lost();
          }
        },
      };
      const ctor = this.wsCtor();
      this.conn =
        this.transport === "ws" && ctor
          ? await openWs(ctor, this.http, this.token(), events)
          : await openSse(this.http, events);
      this.attempts = 0;
    }
    await this.conn.sync(topics);
  }

  private dispatch(topic: string, data: unknown): void {
    const set = this.subs.get(topic);
    if (set) {
      for (const h of [...set]) {
        h(data);
      }
    }
  }

  private drop(): void {
    this.generation++;
    const conn = this.conn;
    this.conn = null;
    conn?.close();
  }

  private lost(): void {
    this.conn = null;
    const topics = [...this.subs.keys()];
    if (topics.length === 0) {
      return;
    }
    this.onDisconnect?.(topics);
    const delay = BACKOFF_MS[Math.min(this.attempts, BACKOFF_MS.length - 1)] ?? 2000;
    this.attempts++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.sync().catch(() => {
        if (!this.conn) {
          this.lost();
        }
      });
    }, delay);
  }
}
