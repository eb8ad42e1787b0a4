"use client";
/**
 * A form bound to a server action through `useActionState`: its fields (`<Field>`) read the
 * action's result from context, so the server's field errors appear next to each field and
 * the submitted values stay in place after a failed attempt.
 */
import * as React from "react";

import type { FormState } from "@/lib/form-state";
import { cx } from "@/lib/cx";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

const FormStateContext = React.createContext<FormState>({});

export function useFormState(): FormState {
  return React.useContext(FormStateContext);
}

export function ActionForm({
  action,
  children,
  className,
  label,
  done,
}: {
  action: Action;
  children: React.ReactNode;
  className?: string;
  /** The form's accessible name (forms without one are not landmarks). */
  label?: string;
  /** Shown instead of the fields once the action says it is `done` (one-time forms). */
  done?: React.ReactNode;
}) {
  const [state, formAction] = React.useActionState(action, {});
  return (
    <FormStateContext.Provider value={state}>
      <form action={formAction} aria-label={label} className={cx("grid", !/\bgap-/.test(className ?? "") && "gap-4", className)} noValidate>
        {state.error ? (
          <p role="alert" className="rounded-md border border-destructive/50 px-3 py-2 text-sm text-destructive">
            {state.error}
          </p>
        ) : null}
        {state.ok ? (
          <p role="status" className="rounded-md border px-3 py-2 text-sm">
            {state.ok}
          </p>
        ) : null}
        {state.done && done !== undefined ? done : children}
      </form>
    </FormStateContext.Provider>
  );
}
