/**
 * The request path every service uses: builds the URL and query string, adds the auth
 * store's token, sends JSON or multipart bodies, decodes the answer and turns failures
 * (HTTP errors, network errors, cancellations) into `ClientResponseError`.
 */

import { ClientResponseError } from "./errors.js";
import type { QueryValue, RequestOptions } from "./types.js";

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** One request: the common options plus method and body. */
export interface SendInit extends RequestOptions {
  method?: string;
  body?: unknown;
}

/** Appends `query` to `url` (values `undefined`/`null` are left out; `true` → `true`). */
export function withQuery(url: string, query: Record<string, QueryValue> | undefined): string {
  if (!query) {
    return url;
  }
  let qs = "";
  for (const key in query) {
    const v = query[key];
    if (v === undefined || v === null) {
      continue;
    }
    qs += (qs ? "&" : "") + encodeURIComponent(key) + "=" + encodeURIComponent(String(v));
  }
  if (!qs) {
    return url;
  }
  return url + (url.includes("?") ? "&" : "?") + qs;
}

/** True for a `Blob` (a `File` is one) where the runtime has them. */
export function isBlob(v: unknown): v is Blob {
  return typeof Blob !== "undefined" && v instanceof Blob;
}

function holdsBlob(body: Record<string, unknown>): boolean {
  for (const key in body) {
    const v = body[key];
    if (isBlob(v) || (Array.isArray(v) && v.some(isBlob))) {
      return true;
    }
  }
  return false;
}

/**
 * PocketBase's multipart shape: every file under its field name (`filePrefix` + name), every
 * other value inside one `@jsonPayload` part so types survive (numbers stay numbers). Returns
 * the non-file values so a batch can put them in its own payload.
 */
export function splitFiles(
  body: Record<string, unknown>,
  form: FormData,
  filePrefix = "",
): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const key in body) {
    const v = body[key];
    if (isBlob(v)) {
      form.append(filePrefix + key, v);
    } else if (Array.isArray(v) && v.length > 0 && v.every(isBlob)) {
      for (const f of v) {
        form.append(filePrefix + key, f);
      }
    } else {
      json[key] = v;
    }
  }
  return json;
}

/** A record body as multipart form data (files as parts, the rest in `@jsonPayload`). */
export function toFormData(body: Record<string, unknown>): FormData {
  const form = new FormData();
  form.append("@jsonPayload", JSON.stringify(splitFiles(body, form)));
  return form;
}

/** Sends requests for one client. */
export class Http {
  readonly baseUrl: string;
  private readonly fetchFn: FetchFn;
  private readonly token: () => string;
  private readonly controllers = new Map<string, AbortController>();

  constructor(baseUrl: string, fetchFn: FetchFn, token: () => string) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.slice(0, -1) : baseUrl;
    this.fetchFn = fetchFn;
    this.token = token;
  }

  /** The absolute URL of an API path. */
  url(path: string, query?: Record<string, QueryValue>): string {
    return withQuery(this.baseUrl + path, query);
  }

  /** Cancels the request registered under `key`, if one is running. */
  cancel(key: string): void {
    this.controllers.get(key)?.abort();
    this.controllers.delete(key);
  }

  /** Cancels every request that has a key. */
  cancelAll(): void {
    for (const c of this.controllers.values()) {
      c.abort();
    }
    this.controllers.clear();
  }

  /** Sends a request and returns its decoded JSON body. */
  async send<T>(path: string, init: SendInit = {}): Promise<T> {
    const { res, url } = await this.request(path, init);
    let text = "";
    try {
      text = res.status === 204 ? "" : await res.text();
    } catch (err) {
      throw ClientResponseError.from(err, url);
    }
    let data: unknown = undefined;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
      }
    }
    if (!res.ok) {
      throw new ClientResponseError({
        url,
        status: res.status,
        response: data && typeof data === "object" ? (data as Record<string, unknown>) : {},
      });
    }
    return data as T;
  }

  /** Sends a request and returns its body unread (the SSE stream). */
  async stream(path: string, init: SendInit = {}): Promise<ReadableStream<Uint8Array> | null> {
    const { res, url } = await this.request(path, init);
    if (!res.ok) {
      let response: Record<string, unknown> = {};
      try {
        response = (await res.json()) as Record<string, unknown>;
      } catch {
        // not JSON
      }
      throw new ClientResponseError({ url, status: res.status, response });
    }
    return res.body;
  }

  private async request(path: string, init: SendInit): Promise<{ res: Response; url: string }> {
    const url = this.url(path, init.query);
    const headers: Record<string, string> = {};
    const token = this.token();
    if (token) {
      headers["Authorization"] = token;
    }
    let body: BodyInit | undefined;
    const raw = init.body;
    if (raw !== undefined && raw !== null) {
      if (typeof FormData !== "undefined" && raw instanceof FormData) {
        body = raw;
      } else if (typeof raw === "object" && !Array.isArray(raw) && holdsBlob(raw as Record<string, unknown>)) {
        body = toFormData(raw as Record<string, unknown>);
      } else {
        body = JSON.stringify(raw);
        headers["Content-Type"] = "application/json";
      }
    }
    if (init.headers) {
      Object.assign(headers, init.headers);
    }
    let signal = init.signal;
    const key = init.requestKey;
    let controller: AbortController | undefined;
    if (key) {
      this.cancel(key);
      controller = new AbortController();
      this.controllers.set(key, controller);
      signal = signal ? anySignal(signal, controller.signal) : controller.signal;
    }
    let res: Response;
    try {
      res = await this.fetchFn(url, { method: init.method ?? "GET", headers, body, signal });
    } catch (err) {
      throw ClientResponseError.from(err, url);
    } finally {
      if (key && this.controllers.get(key) === controller) {
        this.controllers.delete(key);
      }
    }
    return { res, url };
  }
}

/** A signal that aborts when either does (`AbortSignal.any` where the runtime has it). */
function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  const any = (AbortSignal as { any?: (s: AbortSignal[]) => AbortSignal }).any;
  if (any) {
    return any([a, b]);
  }
  const c = new AbortController();
  const abort = () => c.abort();
  if (a.aborted || b.aborted) {
    c.abort();
  }
  a.addEventListener("abort", abort, { once: true });
  b.addEventListener("abort", abort, { once: true });
  return c.signal;
}
