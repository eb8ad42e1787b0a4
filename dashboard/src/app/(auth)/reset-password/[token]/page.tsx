import type { Metadata } from "next";
import Link from "next/link";

import { confirmReset } from "@/app/(auth)/actions";
import { ActionForm } from "@/components/form/action-form";
import { Field } from "@/components/form/field";
import { SubmitButton } from "@/components/form/submit-button";
import { buttonVariants } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

export const metadata: Metadata = { title: "Choose a new password" };

/**
 * The reset mail's link (`{APP_URL}/reset-password/{TOKEN}`, the `users` template in
 * schema/gtm-wizard): a new password, twice. The token stays in a hidden field; the server
 * checks it and says which field is wrong.
 */
export default async function ConfirmResetPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h1>Choose a new password</h1>
        </CardTitle>
        <CardDescription>At least 8 characters. You will sign in with it from now on.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <ActionForm
          action={confirmReset}
          label="Set a new password"
          done={
            <Link href="/sign-in" className={buttonVariants({ className: "justify-self-start" })}>
              Sign in
            </Link>
          }
        >
          <input type="hidden" name="token" value={token} />
          <Field name="password" label="New password" type="password" autoComplete="new-password" required />
          <Field name="passwordConfirm" label="Confirm new password" type="password" autoComplete="new-password" required />
          <SubmitButton>Set password</SubmitButton>
        </ActionForm>
        <p className="text-sm text-muted-foreground">
          <Link className="underline underline-offset-4" href="/reset-password">
            Ask for a new link
          </Link>
        </p>
      </CardContent>
    </Card>
  );
}
