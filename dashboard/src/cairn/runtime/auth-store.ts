/**
 * The auth store: the signed-in token and record, change listeners, and where they persist —
 * memory (the default), `localStorage` (browsers), or a cookie jar (Next.js server components,
 * route handlers and middleware). Cookies use PocketBase's format (`pb_auth` = URI-encoded JSON
 * `{token, record}`), so they interoperate with the official SDK.
 */

/** Where an auth store keeps its serialized state. */
export interface AuthPersistence {
  load(): string | null;
  save(value: string): void;
  clear(): void;
}

/** Cookie attributes for `exportToCookie` and cookie jars. */
export interface CookieOptions {
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: "strict" | "lax" | "none" | "Strict" | "Lax" | "None";
  expires?: Date;
  maxAge?: number;
}

/** The cookie API of Next.js (`cookies()`, `request.cookies`, `response.cookies`). */
export interface CookieJar {
  get(name: string): { value: string } | undefined;
  set?(name: string, value: string, options?: CookieOptions): unknown;
  delete?(name: string): unknown;
}

type Listener<R> = (token: string, record: R | null) => void;

/** Decodes a JWT's payload without checking it (the server checks; this reads `exp`). */
export function decodeToken(token: string): Record<string, unknown> {
  try {
    const part = token.split(".")[1] ?? "";
    const b64 = part.replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(
      Array.from(atob(b64.padEnd(b64.length + ((4 - (b64.length % 4)) % 4), "=")))
        .map((c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0"))
        .join(""),
    );
    const payload: unknown = JSON.parse(json);
    return payload && typeof payload === "object" ? (payload as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** True for a token whose `exp` is still in the future (with `leewaySeconds` to spare). */
export function isTokenValid(token: string, leewaySeconds = 0): boolean {
  const exp = decodeToken(token)["exp"];
  return typeof exp === "number" && exp - leewaySeconds > Date.now() / 1000;
}

export class AuthStore<R extends object = Record<string, unknown>> {
  private _token = "";
  private _record: R | null = null;
  private listeners: Listener<R>[] = [];
  private readonly persistence: AuthPersistence | undefined;

  constructor(persistence?: AuthPersistence) {
    this.persistence = persistence;
    const saved = persistence?.load();
    if (saved) {
      this.loadSerialized(saved);
    }
  }

  get token(): string {
    return this._token;
  }

  get record(): R | null {
    return this._record;
  }

  /** A token is present and not expired. */
  get isValid(): boolean {
    return isTokenValid(this._token);
  }

  /** The signed-in record is a superuser (`_superusers`). */
  get isSuperuser(): boolean {
    const r = this._record as { collectionName?: unknown } | null;
    return r?.collectionName === "_superusers" || decodeToken(this._token)["collectionId"] === "pbc_3142635823";
  }

  save(token: string, record: R | null): void {
    this._token = token;
    this._record = record;
    this.persistence?.save(this.serialize());
    this.emit();
  }

  clear(): void {
    this._token = "";
    this._record = null;
    this.persistence?.clear();
    this.emit();
  }

  /** Calls `cb` on every change; returns a function that removes it. */
  onChange(cb: Listener<R>, fireImmediately = false): () => void {
    this.listeners.push(cb);
    if (fireImmediately) {
      cb(this._token, this._record);
    }
    return () => {
      this.listeners = this.listeners.filter((l) => l !== cb);
    };
  }

  /** Loads the state from a `Cookie` header (or a bare cookie value). */
  loadFromCookie(cookie: string, key = "pb_auth"): void {
    const value = readCookie(cookie, key);
    if (value === null) {
      this.clear();
    } else {
      this.loadSerialized(value);
      this.emit();
    }
  }

  /**
   * A `Set-Cookie` header value holding the state. The record is dropped when the result
   * would pass 4096 bytes (browsers refuse larger cookies); the token alone still signs in.
   */
  exportToCookie(options: CookieOptions = {}, key = "pb_auth"): string {
    const opts: CookieOptions = { path: "/", secure: true, httpOnly: true, sameSite: "Strict", ...options };
    if (!opts.expires && !opts.maxAge) {
      const exp = decodeToken(this._token)["exp"];
      opts.expires = new Date(typeof exp === "number" ? exp * 1000 : 0);
    }
    let out = serializeCookie(key, this.serialize(), opts);
    if (out.length > 4096 && this._record) {
      out = serializeCookie(key, JSON.stringify({ token: this._token, record: null }), opts);
    }
    return out;
  }

  /** The state as PocketBase's JSON (`{token, record}`). */
  serialize(): string {
    return JSON.stringify({ token: this._token, record: this._record });
  }

  private loadSerialized(value: string): void {
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed && typeof parsed === "object") {
        const p = parsed as { token?: unknown; record?: unknown };
        this._token = typeof p.token === "string" ? p.token : "";
        this._record = p.record && typeof p.record === "object" ? (p.record as R) : null;
        return;
      }
    } catch {
      // not JSON: nothing stored
    }
    this._token = "";
    this._record = null;
  }

  private emit(): void {
    for (const l of this.listeners.slice()) {
      l(this._token, this._record);
    }
  }
}

/** Keeps the state in `localStorage` under `key` (in memory where there is none). */
export function localStorageAuth(key = "pb_auth"): AuthPersistence {
  const ls = (globalThis as { localStorage?: Storage }).localStorage;
  let memory: string | null = null;
  return {
    load: () => (ls ? ls.getItem(key) : memory),
    save: (v) => (ls ? ls.setItem(key, v) : (memory = v)),
    clear: () => (ls ? ls.removeItem(key) : (memory = null)),
  };
}

/**
 * Keeps the state in a Next.js cookie jar: `cookies()` in server components (read-only there:
 * writes are ignored) and route handlers, `request.cookies` / `response.cookies` in middleware.
 */
export function cookieAuth(jar: CookieJar, options: CookieOptions = {}, key = "pb_auth"): AuthPersistence {
  const opts: CookieOptions = { path: "/", secure: true, httpOnly: true, sameSite: "lax", ...options };
  const attempt = (f: () => unknown) => {
    try {
      f();
    } catch {
      // Server components cannot set cookies; the state still lives for this request.
    }
  };
  return {
    load: () => {
      const v = jar.get(key)?.value;
      if (!v) {
        return null;
      }
      try {
        return decodeURIComponent(v);
      } catch {
        return v;
      }
    },
    save: (v) => attempt(() => jar.set?.(key, encodeURIComponent(v), opts)),
    clear: () => attempt(() => (jar.delete ? jar.delete(key) : jar.set?.(key, "", { ...opts, maxAge: 0 }))),
  };
}

function readCookie(cookie: string, key: string): string | null {
  const trimmed = cookie.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("%7B")) {
    return safeDecode(trimmed);
  }
  for (const part of cookie.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === key) {
      return safeDecode(part.slice(eq + 1).trim());
    }
  }
  return null;
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

function serializeCookie(name: string, value: string, o: CookieOptions): string {
  let out = name + "=" + encodeURIComponent(value);
  if (o.maxAge !== undefined) out += "; Max-Age=" + Math.floor(o.maxAge);
  if (o.domain) out += "; Domain=" + o.domain;
  if (o.path) out += "; Path=" + o.path;
  if (o.expires) out += "; Expires=" + o.expires.toUTCString();
  if (o.httpOnly) out += "; HttpOnly";
  if (o.secure) out += "; Secure";
  if (o.sameSite) out += "; SameSite=" + o.sameSite[0]!.toUpperCase() + o.sameSite.slice(1).toLowerCase();
  return out;
}
