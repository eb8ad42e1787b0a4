/**
 * The SDK client for server components, server actions and route handlers: it reads (and, in
 * actions, writes) the user's token through the SDK's cookie auth store, so every read runs
 * with the signed-in user's rules.
 */
import { cookies } from "next/headers";

import { cookieAuth, createClient, type Client, type CookieJar } from "@/cairn";
import { authCookie, cairnUrl } from "@/lib/config";

export async function serverClient(): Promise<Client> {
  const jar = await cookies();
  return createClient(cairnUrl(), {
    authStore: cookieAuth(jar as unknown as CookieJar, authCookie),
    // NOTE: never let Next cache an API answer. Its caches key on the URL, not on the
    // Authorization header, so one user's list could be served to another (the e2e test's
    // second user caught exactly that under `next dev`'s HMR fetch cache).
    fetch: (input, init) => fetch(input, { ...init, cache: "no-store" }),
  });
}
