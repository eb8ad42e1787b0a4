/**
 * The one error every failed call rejects with: PocketBase's `{status, message, data}` body
 * plus the URL, and `isAbort` for cancelled requests (status 0).
 */

/** Per-field validation errors as the server sends them in `data`. */
export type ErrorData = Record<string, { code: string; message: string; params?: unknown }>;

export class ClientResponseError extends Error {
  /** The request's URL ("" when it never left the client). */
  url: string;
  /** The HTTP status; 0 for network errors and cancellations. */
  status: number;
  /** The whole decoded response body (`{status, message, data}` for API errors). */
  response: { status?: number; message?: string; data?: ErrorData } & Record<string, unknown>;
  /** `response.data`: per-field validation errors. */
  data: ErrorData;
  /** True when the request was cancelled. */
  isAbort: boolean;
  /** What was thrown underneath (a network error, an `AbortError`), if anything. */
  originalError: unknown;

  constructor(init: {
    url?: string;
    status?: number;
    response?: Record<string, unknown>;
    isAbort?: boolean;
    originalError?: unknown;
    message?: string;
  }) {
    const response = (init.response ?? {}) as ClientResponseError["response"];
    const message =
      (typeof response.message === "string" && response.message) ||
      init.message ||
      (init.isAbort
        ? "The request was cancelled."
        : "Something went wrong while processing your request.");
    super(message);
    this.name = "ClientResponseError";
    this.url = init.url ?? "";
    this.status = init.status ?? 0;
    this.response = response;
    this.data =
      response.data && typeof response.data === "object" ? (response.data as ErrorData) : {};
    this.isAbort = init.isAbort ?? false;
    this.originalError = init.originalError;
  }

  /** Wraps anything thrown into a `ClientResponseError` (kept as is when it already is one). */
  static from(err: unknown, url = ""): ClientResponseError {
    if (err instanceof ClientResponseError) {
      return err;
    }
    const isAbort = isAbortError(err);
    return new ClientResponseError({
      url,
      isAbort,
      originalError: err,
      message: err instanceof Error ? err.message : undefined,
    });
  }
}

function isAbortError(err: unknown): boolean {
  return (
    typeof err === "object" &&
    err !== null &&
    "name" in err &&
    ((err as { name: unknown }).name === "AbortError" ||
      (err as { name: unknown }).name === "TimeoutError")
  );
}
