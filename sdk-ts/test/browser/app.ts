// The page `oauth2.mjs` serves: the generated client in a real browser, signing in to the
// `members` collection with the "oidc" provider by popup or by full-page redirect. Results go
// to `<output>` for the test to read. `CAIRN_URL` is defined at bundle time by esbuild.
import { createClient } from "../generated/index.js";

declare const CAIRN_URL: string;

const client = createClient(CAIRN_URL);
const out = document.querySelector("output") as HTMLOutputElement;

function show(text: string): void {
  out.textContent = text;
}

function signedIn(how: string, meta: { isNew?: unknown } | undefined): void {
  const r = client.authStore.record;
  show(`${how}: signed in as ${String(r?.email)} (${String(r?.id)}) new=${String(meta?.isNew)} token=${client.authStore.token}`);
}

document.querySelector("#popup")?.addEventListener("click", () => {
  client.collection("members").authWithOAuth2({ provider: "oidc" })
    .then((res) => signedIn("popup", res.meta))
    .catch((e: unknown) => show(`popup failed: ${String(e)}`));
});

document.querySelector("#redirect")?.addEventListener("click", () => {
  client.collection("members").authWithOAuth2Redirect({ provider: "oidc", redirectURL: `${location.origin}/callback` })
    .catch((e: unknown) => show(`redirect failed: ${String(e)}`));
});

// Back from the provider on the callback page: finish the redirect flow.
if (location.pathname === "/callback") {
  client.collection("members").completeOAuth2Redirect()
    .then((res) => signedIn("redirect", res.meta))
    .catch((e: unknown) => show(`redirect failed: ${String(e)}`));
}
