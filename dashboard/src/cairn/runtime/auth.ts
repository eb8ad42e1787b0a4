/**
 * What auth collections add to a record service: password, OTP, OAuth2 (popup through the
 * realtime `@oauth2` topic, or a full-page redirect) and MFA sign-in, refresh, verification,
 * password reset, email change and impersonation. A successful sign-in saves the token and
 * record in the client's auth store.
 */

import { ClientResponseError } from "./errors.js";
import { readQuery, RecordService, type ServiceHost } from "./records.js";
import type { AuthMethods, AuthResponse, RecordOptions, RequestOptions } from "./types.js";

type Rec = Record<string, unknown>;

/** What the auth methods need from the client besides requests. */
export interface AuthHost extends ServiceHost {
  saveAuth(token: string, record: Rec): void;
  /** A new client of the same schema signed in with `token` (impersonation). */
  spawn(token: string, record: Rec): unknown;
}

/** Options of the sign-in calls. */
export interface AuthOptions extends RecordOptions {
  /** The id the first factor's 401 gave (`err.response.mfaId`), to finish an MFA sign-in. */
  mfaId?: string;
}

/** Options of the popup OAuth2 flow. */
export interface OAuth2PopupOptions extends AuthOptions {
  provider: string;
  scopes?: string[];
  createData?: Record<string, unknown>;
  /** Opens the provider's URL; default: a popup window (open it yourself in Safari). */
  urlCallback?: (url: string) => void | Promise<void>;
}

/** Options of the redirect OAuth2 flow. */
export interface OAuth2RedirectOptions extends RequestOptions {
  provider: string;
  /** Your page the provider sends the browser back to (`?code=…&state=…`). */
  redirectURL: string;
  scopes?: string[];
  /** Navigates; default `location.assign`. */
  navigate?: (url: string) => void;
}

const OAUTH2_KEY = "cairn_oauth2";

export class AuthService extends RecordService {
  declare protected readonly host: AuthHost;

  constructor(host: AuthHost, name: string) {
    super(host, name);
  }

  private async auth(path: string, body: Rec, options?: AuthOptions): Promise<AuthResponse<Rec>> {
    if (options?.mfaId) {
      body["mfaId"] = options.mfaId;
    }
    const res = await this.host.http.send<AuthResponse<Rec>>(this.base + path, {
      ...options,
      method: "POST",
      body,
      query: options && readQuery(options),
    });
    this.host.saveAuth(res.token, res.record);
    return res;
  }

  listAuthMethods(options?: RequestOptions): Promise<AuthMethods> {
    return this.host.http.send<AuthMethods>(this.base + "/auth-methods", options);
  }

  /** Signs in with an identity (email or another identity field) and password. */
  authWithPassword(identity: string, password: string, options?: AuthOptions): Promise<AuthResponse<Rec>> {
    return this.auth("/auth-with-password", { identity, password }, options);
  }

  /** Sends a one-time password by mail; resolves to its id for `authWithOTP`. */
  requestOTP(email: string, options?: RequestOptions): Promise<{ otpId: string }> {
    return this.host.http.send(this.base + "/request-otp", { ...options, method: "POST", body: { email } });
  }

  authWithOTP(otpId: string, password: string, options?: AuthOptions): Promise<AuthResponse<Rec>> {
    return this.auth("/auth-with-otp", { otpId, password }, options);
  }

  /** Exchanges an OAuth2 authorization code (you ran the provider's redirect yourself). */
  authWithOAuth2Code(
    provider: string,
    code: string,
    codeVerifier: string,
    redirectURL: string,
    createData?: Record<string, unknown>,
    options?: AuthOptions,
  ): Promise<AuthResponse<Rec>> {
    const body: Rec = { provider, code, codeVerifier, redirectURL };
    if (createData) body["createData"] = createData;
    return this.auth("/auth-with-oauth2", body, options);
  }

  /**
   * The popup flow: subscribes to `@oauth2`, opens the provider with the realtime client id as
   * `state`, and finishes when `/api/oauth2-redirect` relays the code.
   */
  async authWithOAuth2(options: OAuth2PopupOptions): Promise<AuthResponse<Rec>> {
    const win = globalThis as { open?: (url?: string, target?: string, features?: string) => { location: { href: string }; close(): void } | null };
    // Opened before any await: browsers only allow popups straight from a click.
    let popup = !options.urlCallback && win.open ? win.open(undefined, "popup_window", "width=1024,height=768") : null;
    const realtime = this.host.realtime;
    let stop: (() => Promise<void>) | undefined;
    try {
      const methods = await this.listAuthMethods(options);
      const provider = methods.oauth2.providers.find((p) => p.name === options.provider);
      if (!provider) {
        throw new ClientResponseError({ message: `Missing or invalid provider "${options.provider}".` });
      }
      const redirectURL = this.host.http.url("/api/oauth2-redirect");
      let relay: (e: { state?: string; code?: string; error?: string }) => void = () => undefined;
      const relayed = new Promise<{ state?: string; code?: string; error?: string }>((resolve) => (relay = resolve));
      stop = await realtime.subscribe("@oauth2", (d) => relay(d as { state?: string; code?: string; error?: string }));
      const state = realtime.clientId;
      const url = withParams(provider.authURL + encodeURIComponent(redirectURL), {
        state,
        ...(options.scopes?.length ? { scope: options.scopes.join(" ") } : {}),
      });
      if (options.urlCallback) {
        await options.urlCallback(url);
      } else if (popup) {
        popup.location.href = url;
      } else if (win.open) {
        popup = win.open(url, "popup_window", "width=1024,height=768");
      }
      const aborted = new Promise<never>((_, reject) =>
        options.signal?.addEventListener("abort", () => reject(new ClientResponseError({ isAbort: true })), { once: true }),
      );
      const e = await Promise.race([relayed, aborted]);
      if (!e.state || e.state !== state) {
        throw new ClientResponseError({ message: "State parameters don't match." });
      }
      if (e.error || !e.code) {
        throw new ClientResponseError({ message: "OAuth2 redirect error or missing code: " + (e.error ?? "") });
      }
      return await this.authWithOAuth2Code(provider.name, e.code, provider.codeVerifier, redirectURL, options.createData, {
        ...options,
      });
    } finally {
      popup?.close();
      await stop?.().catch(() => undefined);
    }
  }

  /**
   * The redirect flow, step 1: keeps the provider's state and PKCE verifier in
   * `sessionStorage` and sends the browser to the provider. Step 2 is
   * `completeOAuth2Redirect()` on `redirectURL`.
   */
  async authWithOAuth2Redirect(options: OAuth2RedirectOptions): Promise<void> {
    const methods = await this.listAuthMethods(options);
    const provider = methods.oauth2.providers.find((p) => p.name === options.provider);
    if (!provider) {
      throw new ClientResponseError({ message: `Missing or invalid provider "${options.provider}".` });
    }
    sessionStore()?.setItem(
      OAUTH2_KEY,
      JSON.stringify({ provider: provider.name, state: provider.state, codeVerifier: provider.codeVerifier, redirectURL: options.redirectURL }),
    );
    const url = withParams(provider.authURL + encodeURIComponent(options.redirectURL), options.scopes?.length ? { scope: options.scopes.join(" ") } : {});
    const nav = options.navigate ?? ((u: string) => (globalThis as { location?: { assign(u: string): void } }).location?.assign(u));
    nav(url);
  }

  /** The redirect flow, step 2: reads `?code&state` from `url` (default: the page's). */
  async completeOAuth2Redirect(url?: string, createData?: Record<string, unknown>, options?: AuthOptions): Promise<AuthResponse<Rec>> {
    const here = url ?? (globalThis as { location?: { href: string } }).location?.href ?? "";
    const params = new URL(here).searchParams;
    const saved = sessionStore()?.getItem(OAUTH2_KEY);
    sessionStore()?.removeItem(OAUTH2_KEY);
    const s = saved ? (JSON.parse(saved) as { provider: string; state: string; codeVerifier: string; redirectURL: string }) : null;
    if (!s || params.get("state") !== s.state) {
      throw new ClientResponseError({ message: "State parameters don't match." });
    }
    const code = params.get("code");
    if (!code) {
      throw new ClientResponseError({ message: "OAuth2 redirect error or missing code: " + (params.get("error") ?? "") });
    }
    return this.authWithOAuth2Code(s.provider, code, s.codeVerifier, s.redirectURL, createData, options);
  }

  /** A fresh token for the signed-in record (and its current data). */
  authRefresh(options?: RecordOptions): Promise<AuthResponse<Rec>> {
    return this.auth("/auth-refresh", {}, options);
  }

  requestVerification(email: string, options?: RequestOptions): Promise<true> {
    return this.void("/request-verification", { email }, options);
  }

  confirmVerification(token: string, options?: RequestOptions): Promise<true> {
    return this.void("/confirm-verification", { token }, options);
  }

  requestPasswordReset(email: string, options?: RequestOptions): Promise<true> {
    return this.void("/request-password-reset", { email }, options);
  }

  confirmPasswordReset(token: string, password: string, passwordConfirm: string, options?: RequestOptions): Promise<true> {
    return this.void("/confirm-password-reset", { token, password, passwordConfirm }, options);
  }

  requestEmailChange(newEmail: string, options?: RequestOptions): Promise<true> {
    return this.void("/request-email-change", { newEmail }, options);
  }

  confirmEmailChange(token: string, password: string, options?: RequestOptions): Promise<true> {
    return this.void("/confirm-email-change", { token, password }, options);
  }

  /**
   * A superuser signs in as `recordId` for `duration` seconds (0: the collection's default):
   * resolves to a new client holding that token (this client stays the superuser).
   */
  async impersonate(recordId: string, duration = 0, options?: RecordOptions): Promise<unknown> {
    const res = await this.host.http.send<AuthResponse<Rec>>(this.base + "/impersonate/" + encodeURIComponent(recordId), {
      ...options,
      method: "POST",
      body: { duration },
      query: options && readQuery(options),
    });
    return this.host.spawn(res.token, res.record);
  }

  private async void(path: string, body: Rec, options?: RequestOptions): Promise<true> {
    await this.host.http.send(this.base + path, { ...options, method: "POST", body });
    return true;
  }
}

function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const k in params) {
    u.searchParams.set(k, params[k] ?? "");
  }
  return u.toString();
}

function sessionStore(): Storage | undefined {
  return (globalThis as { sessionStorage?: Storage }).sessionStorage;
}
