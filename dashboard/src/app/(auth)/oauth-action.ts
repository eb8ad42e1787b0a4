"use server";
import { redirect } from "next/navigation";

import { serverClient } from "@/lib/cairn-server";

/** Stores a token from the OAuth2 popup after the server confirmed it (`auth-refresh`). */
export async function adoptToken(token: string): Promise<void> {
  const client = await serverClient();
  client.authStore.save(token, null);
  await client.collection("users").authRefresh();
  redirect("/");
}
