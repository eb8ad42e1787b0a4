/**
 * One collection's records: CRUD, lists and realtime (`RecordService`), and what auth
 * collections add (`AuthService`, in auth.ts). The runtime classes are loosely typed; the
 * schema-typed faces users see are in typed.ts.
 */

import { ClientResponseError } from "./errors.js";
import type { Http } from "./http.js";
import type { Realtime } from "./realtime.js";
import type { ListOptions, ListResult, QueryValue, RecordOptions, RequestOptions, SubscribeOptions } from "./types.js";

type Rec = Record<string, unknown>;

/** What a service needs from its client. */
export interface ServiceHost {
  readonly http: Http;
  readonly realtime: Realtime;
  /** Called after a write to an auth record, so the signed-in copy stays current. */
  recordChanged(collection: string, record: Rec | null, id: string): void;
}

/** The query of a reading call: its options' `expand`/`fields`/… plus any extra `query`. */
export function readQuery(o: ListOptions | undefined, extra?: Record<string, QueryValue>): Record<string, QueryValue> | undefined {
  if (!o && !extra) {
    return undefined;
  }
  const q: Record<string, QueryValue> = { ...extra, ...o?.query };
  if (o) {
    if (o.expand !== undefined) q["expand"] = o.expand;
    if (o.fields !== undefined) q["fields"] = o.fields;
    if (o.filter !== undefined) q["filter"] = o.filter;
    if (o.sort !== undefined) q["sort"] = o.sort;
    if (o.skipTotal !== undefined) q["skipTotal"] = o.skipTotal;
  }
  return q;
}

export class RecordService {
  readonly name: string;
  protected readonly host: ServiceHost;
  /** `/api/collections/{name}` (name URI-encoded). */
  protected readonly base: string;

  constructor(host: ServiceHost, name: string) {
    this.host = host;
    this.name = name;
    this.base = "/api/collections/" + encodeURIComponent(name);
  }

  getOne(id: string, options?: RecordOptions): Promise<Rec> {
    if (!id) {
      return Promise.reject(
        new ClientResponseError({ url: this.host.http.url(this.base + "/records/"), status: 404, response: { status: 404, message: "Missing required record id.", data: {} } }),
      );
    }
    return this.host.http.send<Rec>(this.base + "/records/" + encodeURIComponent(id), {
      ...options,
      query: options && readQuery(options),
    });
  }

  getList(page = 1, perPage = 30, options?: ListOptions): Promise<ListResult<Rec>> {
    return this.host.http.send<ListResult<Rec>>(this.base + "/records", {
      ...options,
      query: readQuery(options, { page, perPage }),
    });
  }

  /** Every matching record, read `batch` at a time (default 1000, the server's maximum). */
  async getFullList(options?: ListOptions & { batch?: number }): Promise<Rec[]> {
    const batch = options?.batch ?? 1000;
    const out: Rec[] = [];
    for (let page = 1; ; page++) {
      const list = await this.getList(page, batch, { ...options, skipTotal: true });
      out.push(...list.items);
      if (list.items.length < list.perPage) {
        return out;
      }
    }
  }

  /** The first record matching `filter`; rejects with a 404 when there is none. */
  async getFirstListItem(filter: string, options?: ListOptions): Promise<Rec> {
    const list = await this.getList(1, 1, { ...options, filter, skipTotal: true });
    const first = list.items[0];
    if (!first) {
      throw new ClientResponseError({
        url: this.host.http.url(this.base + "/records"),
        status: 404,
        response: { status: 404, message: "The requested resource wasn't found.", data: {} },
      });
    }
    return first;
  }

  async create(body: object, options?: RecordOptions): Promise<Rec> {
    return this.host.http.send<Rec>(this.base + "/records", {
      ...options,
      method: "POST",
      body,
      query: options && readQuery(options),
    });
  }

  async update(id: string, body: object, options?: RecordOptions): Promise<Rec> {
    const record = await this.host.http.send<Rec>(this.base + "/records/" + encodeURIComponent(id), {
      ...options,
      method: "PATCH",
      body,
      query: options && readQuery(options),
    });
    this.host.recordChanged(this.name, record, id);
    return record;
  }

  async delete(id: string, options?: RequestOptions): Promise<true> {
    await this.host.http.send(this.base + "/records/" + encodeURIComponent(id), { ...options, method: "DELETE" });
    this.host.recordChanged(this.name, null, id);
    return true;
  }

  /**
   * Listens to `*` (every record) or one record id; resolves to a function that stops it.
   * The callback gets `{action, record}`.
   */
  subscribe(topic: string, callback: (e: never) => void, options?: SubscribeOptions): Promise<() => Promise<void>> {
    return this.host.realtime.subscribe(this.name + "/" + topic, callback as (d: unknown) => void, options);
  }

  /** Stops the listeners of one topic (`*` or an id), or of every topic of this collection. */
  unsubscribe(topic?: string): Promise<void> {
    return topic === undefined
      ? this.host.realtime.unsubscribeByPrefix(this.name + "/")
      : this.host.realtime.unsubscribe(this.name + "/" + topic);
  }
}
