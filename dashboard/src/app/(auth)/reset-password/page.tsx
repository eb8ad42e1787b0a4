import type { Metadata } from "next";
import Link from "next/link";

import { requestReset } from "@/app/(auth)/actions";
import { ActionForm } from "@/components/form/action-form";
import { Field } from "@/components/form/field";
import { SubmitButton } from "@/components/form/submit-button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

export const metadata: Metadata = { title: "Reset password" };

/** Asks for the reset mail; its link opens `/reset-password/{token}`. */
export default function ResetPasswordPage() {
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h1>Reset your password</h1>
        </CardTitle>
        <CardDescription>We will mail you a link to choose a new one.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <ActionForm action={requestReset} label="Reset password">
          <Field name="email" label="Email" type="email" autoComplete="email" required />
          <SubmitButton>Send reset link</SubmitButton>
        </ActionForm>
        <p className="text-sm text-muted-foreground">
          <Link className="underline underline-offset-4" href="/sign-in">
            Back to sign in
          </Link>
        </p>
      </CardContent>
    </Card>
  );
}
