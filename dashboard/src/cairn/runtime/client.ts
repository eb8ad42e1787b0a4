/**
 * `createClient(baseUrl, options)`: one client per server and signed-in user. It owns the
 * request path, the auth store, the realtime connection and the collection services, and
 * carries the generated `Collections` type `S` through every call.
 */

import { AuthService, type AuthHost } from "./auth.js";
import { AuthStore, localStorageAuth, type AuthPersistence } from "./auth-store.js";
import { Batch } from "./batch.js";
import { FileService } from "./files.js";
import { filter, type FilterValue } from "./filter.js";
import { Http, type FetchFn, type SendInit } from "./http.js";
import { Realtime, type RealtimeOptions } from "./realtime.js";
import type { CollectionFor, TypedBatch } from "./typed.js";
import type { AuthRecordOf, SchemaDef } from "./types.js";

export interface ClientOptions {
  /**
   * Where the auth state lives: an `AuthStore`, an `AuthPersistence` (`localStorageAuth()`,
   * `cookieAuth(cookies())`), or `"memory"`. Default: `localStorage` in browsers, memory
   * elsewhere.
   */
  authStore?: AuthStore<object> | AuthPersistence | "memory";
  /** The `fetch` to use (default: the global one). */
  fetch?: FetchFn;
  realtime?: RealtimeOptions;
}

type Rec = Record<string, unknown>;

export class CairnClient<S extends SchemaDef> implements AuthHost {
  readonly baseUrl: string;
  readonly authStore: AuthStore<AuthRecordOf<S>>;
  readonly http: Http;
  readonly realtime: Realtime;
  readonly files: FileService;
  private readonly services = new Map<string, AuthService>();
  private readonly options: ClientOptions;

  constructor(baseUrl: string, options: ClientOptions = {}) {
    this.options = options;
    const store = options.authStore;
    this.authStore = (
      store instanceof AuthStore
        ? store
        : new AuthStore(
            store === "memory"
              ? undefined
              : (store ?? ((globalThis as { localStorage?: unknown }).localStorage ? localStorageAuth() : undefined)),
          )
    ) as AuthStore<AuthRecordOf<S>>;
    const fetchFn = options.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init));
    this.http = new Http(baseUrl, fetchFn, () => this.authStore.token);
    this.baseUrl = this.http.baseUrl;
    this.realtime = new Realtime(this.http, () => this.authStore.token, options.realtime);
    this.files = new FileService(this.http);
    // The server lets a realtime connection's auth go only from guest to a user, so a new
    // user (or a sign-out) gets a new connection.
    let lastToken = this.authStore.token;
    this.authStore.onChange((token) => {
      const user = (t: string) => t.split(".")[1] ?? "";
      if (user(token) !== user(lastToken) && this.realtime.isConnected) {
        void this.realtime.reconnect().catch(() => undefined);
      }
      lastToken = token;
    });
  }

  /** The service of one collection (a name not in the schema is a compile error). */
  collection<N extends keyof S & string>(name: N): CollectionFor<S, N, CairnClient<S>> {
    let s = this.services.get(name);
    if (!s) {
      s = new AuthService(this, name);
      this.services.set(name, s);
    }
    return s as unknown as CollectionFor<S, N, CairnClient<S>>;
  }

  /** Binds `{:name}` placeholders safely: `client.filter("title ~ {:q}", { q })`. */
  filter(expr: string, params?: Record<string, FilterValue>): string {
    return filter(expr, params);
  }

  /** Queues writes on several collections, sent as one transaction. */
  createBatch(): TypedBatch<S> {
    return new Batch(this.http) as unknown as TypedBatch<S>;
  }

  /** Sends any API request with the client's token (`/api/health`, custom routes). */
  send<T = unknown>(path: string, init?: SendInit): Promise<T> {
    return this.http.send<T>(path, init);
  }

  /** Cancels the request started with this `requestKey`. */
  cancelRequest(key: string): void {
    this.http.cancel(key);
  }

  cancelAllRequests(): void {
    this.http.cancelAll();
  }

  /** @internal Saves a sign-in in the auth store. */
  saveAuth(token: string, record: Rec): void {
    this.authStore.save(token, record as AuthRecordOf<S>);
  }

  /** @internal Keeps the signed-in record current after it is updated or deleted. */
  recordChanged(collection: string, record: Rec | null, id: string): void {
    const current = this.authStore.record as (Rec & { id?: unknown; collectionName?: unknown }) | null;
    if (!current || current.id !== id || current.collectionName !== collection) {
      return;
    }
    if (record) {
      this.authStore.save(this.authStore.token, { ...current, ...record, expand: record["expand"] ?? current["expand"] } as AuthRecordOf<S>);
    } else {
      this.authStore.clear();
    }
  }

  /** @internal A client of the same schema with its own memory store holding `token`. */
  spawn(token: string, record: Rec): CairnClient<S> {
    const c = new CairnClient<S>(this.baseUrl, { ...this.options, authStore: "memory" });
    c.saveAuth(token, record);
    return c;
  }
}

export function createClient<S extends SchemaDef>(baseUrl: string, options?: ClientOptions): CairnClient<S> {
  return new CairnClient<S>(baseUrl, options);
}
