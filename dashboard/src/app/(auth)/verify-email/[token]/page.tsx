import type { Metadata } from "next";
import Link from "next/link";

import { confirmVerification } from "@/app/(auth)/actions";
import { ActionForm } from "@/components/form/action-form";
import { SubmitButton } from "@/components/form/submit-button";
import { buttonVariants } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

export const metadata: Metadata = { title: "Verify your email" };

/**
 * The verification mail's link (`{APP_URL}/verify-email/{TOKEN}`). Confirming is a button, not
 * a side effect of opening the page, so mail scanners that fetch links verify nothing.
 */
export default async function VerifyEmailPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h1>Verify your email</h1>
        </CardTitle>
        <CardDescription>Confirm that this address is yours; pending workspace invitations for it are then accepted.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <ActionForm
          action={confirmVerification}
          label="Verify email"
          done={
            <Link href="/workspaces" className={buttonVariants({ className: "justify-self-start" })}>
              Go to your workspaces
            </Link>
          }
        >
          <input type="hidden" name="token" value={token} />
          <SubmitButton className="justify-self-start">Verify email</SubmitButton>
        </ActionForm>
      </CardContent>
    </Card>
  );
}
