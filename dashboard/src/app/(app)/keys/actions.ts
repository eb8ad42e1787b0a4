"use server";
/** Provider keys: add (the key goes to the server once and is never shown again), test, delete. */
import { revalidatePath } from "next/cache";

import type { ProviderKeysCreate } from "@/cairn";
import { serverClient } from "@/lib/cairn-server";
import { formValues, fromError, str, type FormState } from "@/lib/form-state";

const PROVIDERS: readonly ProviderKeysCreate["provider"][] = ["openai", "anthropic", "ollama", "openai_compatible"];

export async function addKey(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form, ["api_key"]);
  const provider = str(form, "provider") as ProviderKeysCreate["provider"];
  if (!PROVIDERS.includes(provider)) return { fields: { provider: "Pick a provider." }, values };
  const client = await serverClient();
  try {
    await client.collection("provider_keys").create({
      workspace: str(form, "workspace"),
      provider,
      label: str(form, "label"),
      api_key: str(form, "api_key"),
      base_url: str(form, "base_url"),
      default_model: str(form, "default_model"),
    });
  } catch (err) {
    return fromError(err, values);
  }
  revalidatePath("/keys");
  return { ok: "Key added. It is stored sealed and will not be shown again." };
}

/** `POST /api/gtm/provider-keys/{id}/test`: a minimal call to the provider with the key. */
export async function testKey(_prev: FormState, form: FormData): Promise<FormState> {
  const client = await serverClient();
  const id = str(form, "id");
  try {
    const res = await client.send<{ ok?: boolean; error?: string }>(
      `/api/gtm/provider-keys/${encodeURIComponent(id)}/test`,
      { method: "POST" },
    );
    if (res && res.ok === false) return { error: res.error || "The provider refused the key." };
    return { ok: "The key works." };
  } catch (err) {
    return fromError(err);
  }
}

export async function deleteKey(_prev: FormState, form: FormData): Promise<FormState> {
  const client = await serverClient();
  try {
    await client.collection("provider_keys").delete(str(form, "id"));
  } catch (err) {
    return fromError(err);
  }
  revalidatePath("/keys");
  return { ok: "Key deleted." };
}
