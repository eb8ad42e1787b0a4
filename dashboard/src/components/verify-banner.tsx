/**
 * Shown in the app shell while the signed-in user's email is unverified: invitations to other
 * workspaces only turn into memberships for a verified address.
 */
import { requestVerification } from "@/app/(auth)/actions";
import { ActionForm } from "@/components/form/action-form";
import { SubmitButton } from "@/components/form/submit-button";

export function VerifyBanner({ email }: { email: string }) {
  return (
    <section aria-label="Email verification" className="rounded-lg border border-amber-600/40 bg-amber-50 px-4 py-3 text-sm text-amber-950 dark:bg-amber-950/40 dark:text-amber-100">
      <ActionForm action={requestVerification} label="Verify your email" className="gap-2 sm:grid-cols-[1fr_auto] sm:items-center">
        <p>
          <span className="font-medium">Verify {email}</span> to join workspaces you are invited to.
        </p>
        <SubmitButton size="sm" variant="outline" className="justify-self-start">
          Send verification email
        </SubmitButton>
      </ActionForm>
    </section>
  );
}
