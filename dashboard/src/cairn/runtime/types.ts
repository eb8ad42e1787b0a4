/**
 * The schema-level types every generated package fills in, and the wire shapes shared by the
 * services. A generated `index.ts` declares one {@link CollectionDef} per collection in its
 * `Collections` map; the client carries that map through every call, so a wrong collection,
 * field or value type is a compile error.
 */

/** What a generated package says about one collection. */
export interface CollectionDef {
  type: "base" | "auth" | "view";
  /** The read shape (what the server returns). */
  record: object;
  /** The body of a create (required fields required). */
  create: object;
  /** The body of an update (all optional, plus `field+` / `field-` modifiers). */
  update: object;
}

/** The `Collections` map of a generated package: collection name → its definition. */
export type SchemaDef = { [name: string]: CollectionDef };

/** Names of the collections of a given type. */
export type CollectionsOfType<S extends SchemaDef, T extends CollectionDef["type"]> = {
  [K in keyof S]: S[K]["type"] extends T ? K : never;
}[keyof S] &
  string;

/** The read shape of any auth collection's record (what the auth store holds). */
export type AuthRecordOf<S extends SchemaDef> = [CollectionsOfType<S, "auth">] extends [never]
  ? BaseRecord
  : S[CollectionsOfType<S, "auth">]["record"];

/** Fields every record has. */
export interface BaseRecord {
  id: string;
  collectionId: string;
  collectionName: string;
}

/** A query-string value; `undefined` is left out. */
export type QueryValue = string | number | boolean | undefined | null;

/** Options every request takes. */
export interface RequestOptions {
  /** Cancels the request (the promise rejects with `isAbort` set). */
  signal?: AbortSignal;
  /** Extra headers (an `Authorization` here wins over the auth store's token). */
  headers?: Record<string, string>;
  /** Extra query parameters. */
  query?: Record<string, QueryValue>;
  /**
   * A key under which the client keeps this request's controller: a new request with the same
   * key cancels the previous one, and `client.cancelRequest(key)` cancels it.
   */
  requestKey?: string;
}

/** Options of the reading calls. */
export interface RecordOptions extends RequestOptions {
  /** Relations to expand, comma separated (`author,tags.owner`). */
  expand?: string;
  /** Fields to return, comma separated (`id,title,body:excerpt(200)`). */
  fields?: string;
}

/** Options of `getList` / `getFullList` / `getFirstListItem`. */
export interface ListOptions extends RecordOptions {
  /** A filter expression; build it with `client.filter(expr, params)` to bind values safely. */
  filter?: string;
  /** Sort fields, comma separated, `-` for descending (`-created,title`). */
  sort?: string;
  /** Skip counting the total (`totalItems`/`totalPages` are then -1); faster. */
  skipTotal?: boolean;
}

/** One page of a list. */
export interface ListResult<T> {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: T[];
}

/** A realtime event about one record. */
export interface RecordEvent<R> {
  action: "create" | "update" | "delete";
  record: R;
}

/** Options of a realtime subscription (applied by the server to each event's record). */
export interface SubscribeOptions {
  filter?: string;
  expand?: string;
  fields?: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
}

/** A successful sign-in. */
export interface AuthResponse<R> {
  token: string;
  record: R;
  meta?: Record<string, unknown>;
}

/** `GET /api/collections/{c}/auth-methods`. */
export interface AuthMethods {
  password: { enabled: boolean; identityFields: string[] };
  oauth2: { enabled: boolean; providers: OAuth2Provider[] };
  mfa: { enabled: boolean; duration: number };
  otp: { enabled: boolean; duration: number };
}

/** One OAuth2 provider as `auth-methods` lists it. */
export interface OAuth2Provider {
  name: string;
  displayName: string;
  state: string;
  authURL: string;
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: string;
}
