// A fake OpenID Connect provider on 127.0.0.1 for the e2e's OAuth2 sign-in: authorization code
// with PKCE S256, consent given at once (the authorize endpoint redirects straight back with a
// code), a token endpoint that checks the client, the code, the redirect URI and the PKCE
// verifier, and a user-info endpoint for the access token.
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";

const b64url = (buf) => buf.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

export async function startFakeOidc({ clientId, clientSecret }) {
  const codes = new Map();
  const tokens = new Map();
  const provider = {
    user: { sub: "oidc-user-1", name: "Olivia OAuth", email: "olivia@example.com", email_verified: true },
    /** What the token endpoint refused, for the test's error messages. */
    refusals: [],
  };
  const json = (res, status, body) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (req.method === "GET" && url.pathname === "/authorize") {
      const q = url.searchParams;
      if (q.get("client_id") !== clientId || q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256") {
        return json(res, 400, { error: "invalid_request" });
      }
      const code = b64url(randomBytes(18));
      codes.set(code, { challenge: q.get("code_challenge"), redirectUri: q.get("redirect_uri"), user: { ...provider.user } });
      const back = new URL(q.get("redirect_uri"));
      back.searchParams.set("code", code);
      back.searchParams.set("state", q.get("state") ?? "");
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (req.method === "POST" && url.pathname === "/token") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const form = new URLSearchParams(body);
        const basic = (req.headers.authorization ?? "").replace(/^Basic /, "");
        const [id, secret] = basic
          ? Buffer.from(basic, "base64").toString().split(":").map(decodeURIComponent)
          : [form.get("client_id"), form.get("client_secret")];
        const grant = codes.get(form.get("code") ?? "");
        const refuse = (why) => {
          provider.refusals.push(why);
          json(res, 400, { error: "invalid_grant", error_description: why });
        };
        if (id !== clientId || secret !== clientSecret) return refuse("client");
        if (!grant) return refuse("code");
        codes.delete(form.get("code"));
        if (grant.redirectUri !== form.get("redirect_uri")) return refuse("redirect_uri");
        if (b64url(createHash("sha256").update(form.get("code_verifier") ?? "").digest()) !== grant.challenge) return refuse("pkce");
        const access = b64url(randomBytes(24));
        tokens.set(access, grant.user);
        json(res, 200, { access_token: access, token_type: "Bearer", expires_in: 3600 });
      });
      return;
    }
    if (req.method === "GET" && url.pathname === "/userinfo") {
      const user = tokens.get((req.headers.authorization ?? "").replace(/^Bearer /, ""));
      return user ? json(res, 200, user) : json(res, 401, { error: "invalid_token" });
    }
    json(res, 404, { error: "not_found" });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    /** `provider.user`: who the next sign-in is; `provider.refusals`: what /token refused. */
    provider,
    base,
    config: {
      name: "oidc",
      displayName: "Local OIDC",
      clientId,
      clientSecret,
      authURL: `${base}/authorize`,
      tokenURL: `${base}/token`,
      userInfoURL: `${base}/userinfo`,
    },
    close: () => new Promise((r) => server.close(r)),
  };
}
