import type { Metadata } from "next";
import Link from "next/link";

import { signIn } from "@/app/(auth)/actions";
import { OAuthButtons } from "@/app/(auth)/oauth-buttons";
import { ActionForm } from "@/components/form/action-form";
import { Field } from "@/components/form/field";
import { SubmitButton } from "@/components/form/submit-button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h1>Sign in</h1>
        </CardTitle>
        <CardDescription>Welcome back to your go-to-market coach.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <ActionForm action={signIn} label="Sign in">
          <input type="hidden" name="next" value={next ?? "/"} />
          <Field name="email" errorKey="identity" label="Email" type="email" autoComplete="email" required />
          <Field name="password" label="Password" type="password" autoComplete="current-password" required />
          <SubmitButton>Sign in</SubmitButton>
        </ActionForm>
        <OAuthButtons />
        <p className="text-sm text-muted-foreground">
          <Link className="underline underline-offset-4" href="/reset-password">
            Forgot your password?
          </Link>
          {" · "}
          <Link className="underline underline-offset-4" href="/sign-up">
            Create an account
          </Link>
        </p>
      </CardContent>
    </Card>
  );
}
