/**
 * Where Cairn (the `gtm-wizard` server) is. Read at run time on the server — the computed key
 * keeps Next from inlining the build machine's value — and handed to client components through
 * `CairnUrlProvider`, so one `next build` serves any server URL.
 */
const KEY = ["NEXT", "PUBLIC", "CAIRN", "URL"].join("_");

export function cairnUrl(): string {
  return process.env[KEY] || "http://127.0.0.1:8090";
}

/** The auth cookie's attributes. `Secure` is off only when asked (plain-http deployments). */
export const authCookie = {
  path: "/",
  httpOnly: true,
  sameSite: "lax",
  secure: process.env["DASHBOARD_INSECURE_COOKIES"] !== "1",
} as const;

/** The cookie naming the workspace the user is looking at. */
export const WORKSPACE_COOKIE = "gtm_ws";
