/**
 * "Continue with …" buttons for the OAuth2 providers the server has enabled on `users`
 * (none → nothing rendered). The popup flow runs in the browser; the token it yields is handed
 * to a server action that checks it and stores it in the httpOnly cookie.
 */
import { serverClient } from "@/lib/cairn-server";
import { cairnUrl } from "@/lib/config";

import { OAuthPopup } from "./oauth-popup";

export async function OAuthButtons() {
  const client = await serverClient();
  const methods = await client
    .collection("users")
    .listAuthMethods()
    .catch(() => null);
  const providers = methods?.oauth2.enabled ? methods.oauth2.providers : [];
  if (providers.length === 0) return null;
  return <OAuthPopup url={cairnUrl()} providers={providers.map((p) => ({ name: p.name, displayName: p.displayName }))} />;
}
