"use server";
/**
 * Sign up, sign in, sign out and password reset, run on the server: the SDK's cookie auth store
 * writes the session cookie (httpOnly), so the token never passes through page JavaScript.
 */
import { redirect } from "next/navigation";

import { serverClient } from "@/lib/cairn-server";
import { formValues, fromError, str, type FormState } from "@/lib/form-state";

const SECRET = ["password", "passwordConfirm"] as const;

export async function signIn(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form, SECRET);
  const email = str(form, "email");
  const password = form.get("password");
  const fields: Record<string, string> = {};
  if (!email) fields["identity"] = "Enter your email.";
  if (typeof password !== "string" || !password) fields["password"] = "Enter your password.";
  if (Object.keys(fields).length) return { fields, values };
  const client = await serverClient();
  try {
    await client.collection("users").authWithPassword(email, String(password));
  } catch (err) {
    const state = fromError(err, values);
    // 400 without field errors: wrong email or password (the server does not say which).
    return state.fields && Object.keys(state.fields).length ? state : { ...state, error: "Wrong email or password." };
  }
  redirect(safeNext(str(form, "next")));
}

export async function signUp(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form, SECRET);
  const password = String(form.get("password") ?? "");
  const client = await serverClient();
  try {
    await client.collection("users").create({
      email: str(form, "email"),
      name: str(form, "name"),
      password,
      passwordConfirm: password,
    });
    await client.collection("users").authWithPassword(str(form, "email"), password);
  } catch (err) {
    return fromError(err, values);
  }
  redirect("/workspaces");
}

export async function signOut(): Promise<void> {
  const client = await serverClient();
  client.authStore.clear();
  redirect("/sign-in");
}

export async function requestReset(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  const email = str(form, "email");
  if (!email) return { fields: { email: "Enter your email." }, values };
  const client = await serverClient();
  try {
    await client.collection("users").requestPasswordReset(email);
  } catch (err) {
    return fromError(err, values);
  }
  // The server answers the same for unknown addresses; so do we.
  return { ok: `If ${email} has an account, a reset link is on its way.`, values };
}

/** The mailed link's token + the new password, twice (the server checks that they match). */
export async function confirmReset(_prev: FormState, form: FormData): Promise<FormState> {
  const password = String(form.get("password") ?? "");
  const passwordConfirm = String(form.get("passwordConfirm") ?? "");
  const client = await serverClient();
  try {
    await client.collection("users").confirmPasswordReset(str(form, "token"), password, passwordConfirm);
  } catch (err) {
    const state = fromError(err);
    // The token is not a field the person can fix: say so at the top.
    const tokenError = state.fields?.["token"];
    return tokenError ? { ...state, error: `This reset link no longer works (${tokenError}) Ask for a new one.` } : state;
  }
  return { ok: "Password changed. You can sign in with it now.", done: true };
}

/** Marks the address of the mailed link's token verified, then refreshes the session's copy. */
export async function confirmVerification(_prev: FormState, form: FormData): Promise<FormState> {
  const client = await serverClient();
  try {
    await client.collection("users").confirmVerification(str(form, "token"));
  } catch (err) {
    const state = fromError(err);
    const tokenError = state.fields?.["token"];
    return tokenError ? { ...state, error: `This verification link no longer works (${tokenError}) Ask for a new one.` } : state;
  }
  if (client.authStore.isValid) {
    // The cookie holds the user record as it was at sign-in; `verified` changed.
    await client.collection("users").authRefresh().catch(() => undefined);
  }
  return { ok: "Your email is verified. Workspaces you were invited to are on your Workspaces page.", done: true };
}

/** Mails the signed-in user a verification link. */
export async function requestVerification(): Promise<FormState> {
  const client = await serverClient();
  const email = (client.authStore.record as { email?: unknown } | null)?.email;
  if (typeof email !== "string" || !email) return { error: "Sign in first." };
  try {
    await client.collection("users").requestVerification(email);
  } catch (err) {
    return fromError(err);
  }
  return { ok: `A verification link is on its way to ${email}.` };
}

/** Only same-site paths after sign-in (no open redirect through `?next=`). */
function safeNext(next: string): string {
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}
