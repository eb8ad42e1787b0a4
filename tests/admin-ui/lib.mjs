// Shared by every console script in tests/admin-ui/: the environment server/tests/admin_ui.rs
// passes in, an API helper for arranging data, Chromium launch and the sign-in steps.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";

export const base = process.env.CAIRN_URL;
export const email = process.env.CAIRN_SU_EMAIL;
export const password = process.env.CAIRN_SU_PASSWORD;
export const shots = process.env.SHOT_DIR;
mkdirSync(shots, { recursive: true });

/** JSON request to the server; fails the script on a non-2xx answer. */
export async function api(path, method, body, token) {
  const r = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  const json = text ? JSON.parse(text) : null;
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
  return json;
}

/** A superuser token for arranging data through the API. */
export async function superuserToken() {
  const { token } = await api("/api/collections/_superusers/auth-with-password", "POST", { identity: email, password });
  return token;
}

export async function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** The three looks every screen is checked in: light, dark, and a 360 px phone. */
export const looks = [["light", { colorScheme: "light" }], ["dark", { colorScheme: "dark" }],
  ["narrow", { colorScheme: "light", viewport: { width: 360, height: 740 } }]];

/** Opens `/_/` and signs in as the test superuser; resolves once the sidebar shows. */
export async function signIn(page) {
  await page.goto(base + "/_/");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Collections" }).waitFor();
}

/** The collections sidebar; in the narrow layout it is folded into "Menu" off the home screen,
 *  so the menu is opened first when the sidebar is hidden. */
export async function sidebar(page) {
  const nav = page.getByRole("navigation", { name: "Collections" });
  if (!(await nav.isVisible())) await page.getByRole("button", { name: "Menu" }).click();
  return nav;
}

/** Collects console errors (CSP violations among them) for a final assertion. */
export function watchErrors(page) {
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  return errors;
}
