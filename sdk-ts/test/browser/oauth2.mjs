// `authWithOAuth2` (popup) and `authWithOAuth2Redirect` + `completeOAuth2Redirect` (full-page
// redirect) of the generated client in Debian's Chromium against a real Cairn and a fake
// OpenID Connect provider on loopback that checks the client credentials and PKCE like a real
// one. Run by server/tests/sdk_ts.rs from a workspace holding `test/generated/`; env CAIRN_URL,
// CAIRN_SU_EMAIL, CAIRN_SU_PASSWORD. Prints `ok popup` and `ok redirect`.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const base = process.env.CAIRN_URL;

/** Starts `handler` on a free loopback port; resolves to its origin. */
function listen(handler) {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((e) => { res.statusCode = 500; res.end(String(e)); });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` })));
}

async function body(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8");
}

// ---- the provider: authorize (auto-consent) → token (client secret + PKCE) → userinfo ----
const user = { sub: "oidc-user-1", name: "Popup Pat", email: "pat@example.com", email_verified: true };
const codes = new Map(); // code → { challenge, redirect }
const tokens = new Set();
const provider = await listen(async (req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/authorize") {
    const q = url.searchParams;
    if (q.get("client_id") !== "sdk-client" || q.get("code_challenge_method") !== "S256" || !q.get("state")) {
      res.statusCode = 400;
      return res.end("bad client, no PKCE or no state");
    }
    const code = randomBytes(8).toString("hex");
    codes.set(code, { challenge: q.get("code_challenge"), redirect: q.get("redirect_uri") });
    res.writeHead(302, { location: `${q.get("redirect_uri")}?code=${code}&state=${encodeURIComponent(q.get("state"))}` });
    return res.end();
  }
  if (url.pathname === "/token" && req.method === "POST") {
    const form = new URLSearchParams(await body(req));
    const basic = (req.headers.authorization ?? "").replace(/^Basic /, "");
    const creds = basic ? Buffer.from(basic, "base64").toString() : `${form.get("client_id")}:${form.get("client_secret")}`;
    const grant = codes.get(form.get("code") ?? "");
    codes.delete(form.get("code") ?? "");
    const pkce = createHash("sha256").update(form.get("code_verifier") ?? "").digest("base64url");
    if (creds !== "sdk-client:sdk-secret" || !grant || grant.challenge !== pkce || grant.redirect !== form.get("redirect_uri")) {
      res.writeHead(400, { "content-type": "application/json" });
      return res.end(JSON.stringify({ error: "invalid_grant" }));
    }
    const access = randomBytes(8).toString("hex");
    tokens.add(access);
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify({ access_token: access, token_type: "Bearer", expires_in: 3600 }));
  }
  if (url.pathname === "/userinfo" && tokens.has((req.headers.authorization ?? "").replace(/^Bearer /, ""))) {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify(user));
  }
  res.statusCode = 404;
  res.end();
});

// ---- Cairn: the members collection gets the provider ----
async function api(path, method, payload, token) {
  const r = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) },
    body: payload ? JSON.stringify(payload) : undefined,
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
const { token: su } = await api("/api/collections/_superusers/auth-with-password", "POST",
  { identity: process.env.CAIRN_SU_EMAIL, password: process.env.CAIRN_SU_PASSWORD });
await api("/api/collections/members", "PATCH", { oauth2: { enabled: true, providers: [{
  name: "oidc", clientId: "sdk-client", clientSecret: "sdk-secret", displayName: "Test OIDC",
  authURL: `${provider.origin}/authorize`, tokenURL: `${provider.origin}/token`, userInfoURL: `${provider.origin}/userinfo`,
}] } }, su);

// ---- the app page: the generated client bundled for the browser ----
const bundle = await build({
  entryPoints: [new URL("./app.ts", import.meta.url).pathname],
  bundle: true, format: "esm", write: false, platform: "browser",
  define: { CAIRN_URL: JSON.stringify(base) },
});
const js = bundle.outputFiles[0].text;
const html = `<!doctype html><html lang="en"><title>OAuth2 test app</title>
<button id="popup">Sign in with popup</button> <button id="redirect">Sign in with redirect</button>
<output></output><script type="module" src="/app.js"></script></html>`;
const app = await listen((req, res) => {
  if (req.url === "/app.js") {
    res.writeHead(200, { "content-type": "text/javascript" });
    return res.end(js);
  }
  res.writeHead(200, { "content-type": "text/html" });
  res.end(html);
});

/** The `<output>` text once it says how the sign-in went. */
async function result(page, how) {
  const out = page.locator("output");
  await out.filter({ hasText: new RegExp(`^${how}( failed)?: `) }).waitFor({ timeout: 15000 });
  return out.textContent();
}

/** The token really is a members token of the provider's user. */
async function checkToken(text) {
  const token = /token=(\S+)/.exec(text)?.[1];
  assert.ok(token, text);
  const refreshed = await api("/api/collections/members/auth-refresh", "POST", {}, token);
  assert.equal(refreshed.record.email, user.email);
  return refreshed.record.id;
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  // Popup: the click opens the window, the provider sends it to Cairn's /api/oauth2-redirect,
  // which relays the code over realtime to the page; the SDK closes the popup.
  const page = await browser.newPage();
  await page.goto(app.origin + "/");
  const popupOpened = page.waitForEvent("popup");
  await page.getByRole("button", { name: "Sign in with popup" }).click();
  const popup = await popupOpened;
  const first = await result(page, "popup");
  assert.match(first, /^popup: signed in as pat@example\.com \(\w+\) new=true /, first);
  await popup.waitForEvent("close", { timeout: 5000 }).catch(() => undefined);
  assert.ok(popup.isClosed(), "the SDK closes the popup");
  const id = await checkToken(first);
  const stored = await api(`/api/collections/members/records/${id}`, "GET", undefined, su);
  assert.equal(stored.verified, true, "email_verified from the provider");
  console.log("ok popup");

  // Redirect: the page itself goes to the provider and comes back to /callback?code&state;
  // the same provider account signs in to the same record (not a new one).
  const page2 = await browser.newPage();
  await page2.goto(app.origin + "/");
  await page2.getByRole("button", { name: "Sign in with redirect" }).click();
  const second = await result(page2, "redirect");
  assert.match(second, /^redirect: signed in as pat@example\.com \(\w+\) new=false /, second);
  assert.ok(page2.url().startsWith(app.origin + "/callback?code="), page2.url());
  assert.equal(await checkToken(second), id);
  // A replayed callback (state already used) is refused by the SDK, not signed in again.
  await page2.reload();
  const replay = await result(page2, "redirect");
  assert.match(replay, /^redirect failed: .*State parameters don't match/, replay);
  console.log("ok redirect");
} finally {
  await browser.close();
  provider.server.close();
  app.server.close();
}
