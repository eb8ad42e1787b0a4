/**
 * The schema-typed faces of the services: what `client.collection(name)` returns for a view,
 * base or auth collection of a generated `Collections` map. Views have no writes; only auth
 * collections have sign-in methods; every body and result is the collection's own type.
 */

import type { AuthOptions, OAuth2PopupOptions, OAuth2RedirectOptions } from "./auth.js";
import type {
  AuthMethods,
  AuthResponse,
  CollectionDef,
  CollectionsOfType,
  ListOptions,
  ListResult,
  RecordEvent,
  RecordOptions,
  RequestOptions,
  SchemaDef,
  SubscribeOptions,
} from "./types.js";

/** Reads and realtime: every collection has these. */
export interface ViewCollection<D extends CollectionDef> {
  readonly name: string;
  getOne(id: string, options?: RecordOptions): Promise<D["record"]>;
  getList(page?: number, perPage?: number, options?: ListOptions): Promise<ListResult<D["record"]>>;
  getFullList(options?: ListOptions & { batch?: number }): Promise<D["record"][]>;
  getFirstListItem(filter: string, options?: ListOptions): Promise<D["record"]>;
  /** `topic` is `*` (every record) or a record id. */
  subscribe(
    topic: "*" | (string & {}),
    callback: (e: RecordEvent<D["record"]>) => void,
    options?: SubscribeOptions,
  ): Promise<() => Promise<void>>;
  unsubscribe(topic?: string): Promise<void>;
}

/** A base collection: reads plus writes. */
export interface BaseCollection<D extends CollectionDef> extends ViewCollection<D> {
  create(body: D["create"], options?: RecordOptions): Promise<D["record"]>;
  update(id: string, body: D["update"], options?: RecordOptions): Promise<D["record"]>;
  delete(id: string, options?: RequestOptions): Promise<true>;
}

/** An auth collection: a base collection plus sign-in and account flows. */
export interface AuthCollection<D extends CollectionDef, C = unknown> extends BaseCollection<D> {
  listAuthMethods(options?: RequestOptions): Promise<AuthMethods>;
  authWithPassword(identity: string, password: string, options?: AuthOptions): Promise<AuthResponse<D["record"]>>;
  requestOTP(email: string, options?: RequestOptions): Promise<{ otpId: string }>;
  authWithOTP(otpId: string, password: string, options?: AuthOptions): Promise<AuthResponse<D["record"]>>;
  authWithOAuth2(options: OAuth2PopupOptions): Promise<AuthResponse<D["record"]>>;
  authWithOAuth2Code(
    provider: string,
    code: string,
    codeVerifier: string,
    redirectURL: string,
    createData?: Partial<D["create"]>,
    options?: AuthOptions,
  ): Promise<AuthResponse<D["record"]>>;
  authWithOAuth2Redirect(options: OAuth2RedirectOptions): Promise<void>;
  completeOAuth2Redirect(
    url?: string,
    createData?: Partial<D["create"]>,
    options?: AuthOptions,
  ): Promise<AuthResponse<D["record"]>>;
  authRefresh(options?: RecordOptions): Promise<AuthResponse<D["record"]>>;
  requestVerification(email: string, options?: RequestOptions): Promise<true>;
  confirmVerification(token: string, options?: RequestOptions): Promise<true>;
  requestPasswordReset(email: string, options?: RequestOptions): Promise<true>;
  confirmPasswordReset(token: string, password: string, passwordConfirm: string, options?: RequestOptions): Promise<true>;
  requestEmailChange(newEmail: string, options?: RequestOptions): Promise<true>;
  confirmEmailChange(token: string, password: string, options?: RequestOptions): Promise<true>;
  /** A superuser signs in as `recordId`; resolves to a new client holding that token. */
  impersonate(recordId: string, duration?: number, options?: RecordOptions): Promise<C>;
}

/** What `client.collection(name)` returns for collection `N`. */
export type CollectionFor<S extends SchemaDef, N extends keyof S, C = unknown> = S[N]["type"] extends "view"
  ? ViewCollection<S[N]>
  : S[N]["type"] extends "auth"
    ? AuthCollection<S[N], C>
    : BaseCollection<S[N]>;

/** The writes a batch can queue on collection `D`. */
export interface TypedBatchCollection<D extends CollectionDef> {
  create(body: D["create"]): void;
  upsert(body: D["create"] & { id: string }): void;
  update(id: string, body: D["update"]): void;
  delete(id: string): void;
}

/** `client.createBatch()`: writes on any non-view collection, sent as one transaction. */
export interface TypedBatch<S extends SchemaDef> {
  collection<N extends Exclude<keyof S & string, CollectionsOfType<S, "view">>>(name: N): TypedBatchCollection<S[N]>;
  send(options?: RequestOptions): Promise<{ status: number; body: unknown }[]>;
}
