"use client";
/** A submit button that disables itself while its form's action runs. */
import * as React from "react";
import { useFormStatus } from "react-dom";

import { Button, type ButtonProps } from "@/components/ui/button";

export function SubmitButton({ children, ...props }: Omit<ButtonProps, "type">) {
  const { pending } = useFormStatus();
  return (
    <Button type="submit" disabled={pending} aria-busy={pending || undefined} {...props}>
      {children}
    </Button>
  );
}
