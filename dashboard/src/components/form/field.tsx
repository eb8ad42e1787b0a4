"use client";
/** A labelled input, textarea or select whose server error shows beneath it. */
import * as React from "react";

import { useFormState } from "@/components/form/action-form";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";

interface Common {
  name: string;
  label: string;
  /** The field's name in the server's error data, when it differs from `name`. */
  errorKey?: string;
  hint?: string;
  defaultValue?: string;
  required?: boolean;
  className?: string;
}

type Props = Common &
  (
    | { as?: "input"; type?: string; autoComplete?: string; placeholder?: string; step?: string; min?: string }
    | { as: "textarea"; rows?: number; placeholder?: string }
    | { as: "select"; options: readonly { value: string; label: string }[] }
  );

export function Field(props: Props) {
  const state = useFormState();
  const id = React.useId();
  const error = state.fields?.[props.errorKey ?? props.name];
  const value = state.values?.[props.name] ?? props.defaultValue ?? "";
  const describedBy = [error ? `${id}-error` : "", props.hint ? `${id}-hint` : ""].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    name: props.name,
    required: props.required,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy,
    defaultValue: value,
  };
  let control: React.ReactNode;
  if (props.as === "textarea") {
    control = <Textarea {...common} rows={props.rows ?? 3} placeholder={props.placeholder} />;
  } else if (props.as === "select") {
    control = (
      <NativeSelect {...common}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </NativeSelect>
    );
  } else {
    control = (
      <Input
        {...common}
        type={props.type ?? "text"}
        autoComplete={props.autoComplete}
        placeholder={props.placeholder}
        step={props.step}
        min={props.min}
      />
    );
  }
  return (
    <div className={props.className ?? "grid gap-2"}>
      <Label htmlFor={id}>{props.label}</Label>
      {control}
      {props.hint ? (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
    </div>
  );
}
