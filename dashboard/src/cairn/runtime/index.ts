/**
 * Cairn's TypeScript SDK runtime. A package written by `cairn gen sdk` copies these files into
 * `runtime/` and its `index.ts` binds `createClient` to the generated `Collections` type.
 */

export { createClient, CairnClient, type ClientOptions } from "./client.js";
export { ClientResponseError, type ErrorData } from "./errors.js";
export {
  AuthStore,
  cookieAuth,
  decodeToken,
  isTokenValid,
  localStorageAuth,
  type AuthPersistence,
  type CookieJar,
  type CookieOptions,
} from "./auth-store.js";
export type { AuthOptions, OAuth2PopupOptions, OAuth2RedirectOptions } from "./auth.js";
export type { BatchResult } from "./batch.js";
export type { FileURLOptions } from "./files.js";
export type { FilterValue } from "./filter.js";
export type { FetchFn, SendInit } from "./http.js";
export type { RealtimeOptions } from "./realtime.js";
export type { WebSocketCtor, WebSocketLike } from "./realtime-ws.js";
export type * from "./typed.js";
export type * from "./types.js";
