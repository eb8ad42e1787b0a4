/**
 * The state a form's server action returns: a notice, a form-level error, per-field errors from
 * the server (`ClientResponseError.data`), and the submitted values to refill the fields with.
 */
import { ClientResponseError } from "@/cairn";

export interface FormState {
  ok?: string;
  error?: string;
  fields?: Record<string, string>;
  values?: Record<string, string>;
  /** The action's work is finished (a one-time form hides itself). */
  done?: boolean;
}

export const emptyForm: FormState = {};

/** Text values of a form, without secrets (they are never echoed back into the page). */
export function formValues(form: FormData, secret: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form.entries()) {
    if (typeof v === "string" && !secret.includes(k) && !k.startsWith("$")) {
      out[k] = v;
    }
  }
  return out;
}

/** Turns a failed SDK call into form state; field errors keep the server's message. */
export function fromError(err: unknown, values?: Record<string, string>): FormState {
  if (err instanceof ClientResponseError) {
    const fields: Record<string, string> = {};
    for (const [name, e] of Object.entries(err.data)) {
      fields[name] = e.message;
    }
    const hasFields = Object.keys(fields).length > 0;
    const error =
      err.status === 0
        ? "Cannot reach the server. Is gtm-wizard running?"
        : hasFields
          ? "Please fix the fields below."
          : err.message;
    return { error, fields, values };
  }
  throw err;
}

/** A string field of a form ("" when missing). */
export function str(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === "string" ? v.trim() : "";
}

/** A number field of a form (0 when empty). */
export function num(form: FormData, name: string): number {
  const n = Number(str(form, name));
  return Number.isFinite(n) ? n : 0;
}
