"use server";
/** Coach conversations: start one (optionally about a campaign), delete one. */
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";

import { serverClient } from "@/lib/cairn-server";
import { formValues, fromError, str, type FormState } from "@/lib/form-state";

export async function startConversation(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  const client = await serverClient();
  let id: string;
  try {
    const conv = await client.collection("conversations").create({
      workspace: str(form, "workspace"),
      user: client.authStore.record?.id ?? "",
      title: str(form, "title") || "New conversation",
      provider_key: str(form, "provider_key"),
      campaign: str(form, "campaign"),
      model: str(form, "model"),
    });
    id = conv.id;
  } catch (err) {
    return fromError(err, values);
  }
  revalidatePath("/coach");
  redirect(`/coach/${id}`);
}

export async function deleteConversation(_prev: FormState, form: FormData): Promise<FormState> {
  const client = await serverClient();
  try {
    await client.collection("conversations").delete(str(form, "id"));
  } catch (err) {
    return fromError(err);
  }
  revalidatePath("/coach");
  redirect("/coach");
}
