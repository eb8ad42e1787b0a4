// The dashboard end to end in Debian's Chromium (playwright-core), against a running `next start`
// (DASHBOARD_URL) and a running gtm-wizard server (CAIRN_URL). Selects by role and label only.
// Walks: guest redirect, sign up (with a server field error first), workspace, provider key,
// campaign with metrics and verdicts, the AI coach streaming a reply, sign out, and a second
// user who sees none of it; then members: an invite by email that the second user accepts by
// verifying their address (the link read from a real SMTP receiver), a third user who still
// sees nothing, role change, removal, the last owner kept; password reset through the mailed
// link; OAuth2 sign-in (popup) against a fake OIDC provider, which also accepts an invite. Every page is screenshotted (light, dark, 360 px) into SHOT_DIR and
// checked with axe (no serious or critical violation). Prints "ok <step>" lines the Rust test
// asserts on, and "measure <name> <value>" lines for the README.
//   FAKE_LLM_URL: base URL of the fake provider (OpenAI format) for the key and the coach.
//   SU_EMAIL / SU_PASSWORD: a superuser of CAIRN_URL, to point its mailer at the test's SMTP
//     receiver, its appURL (the mail links) at DASHBOARD_URL, and `users` at the fake OIDC.
//   SKIP_COACH=1 / SKIP_ANALYZE=1: leave out the parts that need the hook module's routes.
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { gzipSync } from "node:zlib";

import { startFakeOidc } from "./support/fake-oidc.mjs";
import { linkIn, startMailbox } from "./support/mailbox.mjs";

const app = process.env.DASHBOARD_URL;
const cairn = process.env.CAIRN_URL;
const shots = process.env.SHOT_DIR;
const fakeLlm = process.env.FAKE_LLM_URL ?? "http://127.0.0.1:9/v1";
const skipCoach = process.env.SKIP_COACH === "1";
const skipAnalyze = process.env.SKIP_ANALYZE === "1";
assert.ok(app && shots && cairn, "DASHBOARD_URL, CAIRN_URL and SHOT_DIR are required");
assert.ok(process.env.SU_EMAIL && process.env.SU_PASSWORD, "SU_EMAIL and SU_PASSWORD are required");
mkdirSync(shots, { recursive: true });

const run = Date.now().toString(36);
const alice = { name: "Alice Founder", email: `alice-${run}@example.com`, password: "alice-password-123" };
const bob = { name: "Bob Other", email: `bob-${run}@example.com`, password: "bob-password-123" };
const carol = { name: "Carol Outsider", email: `carol-${run}@example.com`, password: "carol-password-123" };
const olivia = { name: "Olivia OAuth", email: `olivia-${run}@example.com` };

/** A JSON call to Cairn as the superuser (test setup only; the dashboard itself uses its SDK). */
async function api(method, path, body, token) {
  const res = await fetch(cairn + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

// The server's mail goes to a real SMTP receiver, its links to this dashboard, and `users`
// signs in with a fake OIDC provider, all configured through the API as an operator would.
const mailbox = await startMailbox();
const oidc = await startFakeOidc({ clientId: "gtm-dashboard", clientSecret: `oidc-secret-${run}` });
{
  const { token } = await api("POST", "/api/collections/_superusers/auth-with-password", { identity: process.env.SU_EMAIL, password: process.env.SU_PASSWORD });
  await api("PATCH", "/api/settings", {
    meta: { appName: "GTM Wizard", appURL: app, senderName: "GTM Wizard", senderAddress: "coach@gtm.test" },
    smtp: { enabled: true, host: "127.0.0.1", port: mailbox.port },
  }, token);
  await api("PATCH", "/api/collections/users", { oauth2: { enabled: true, providers: [oidc.config] } }, token);
}
const SECRET_KEY = `sk-test-${run}-SECRETT123`;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

const axeFailures = [];
/** Screenshots the page in light, dark and at 360 px, and runs axe in each. */
async function snap(page, name) {
  const url = page.url();
  const cookies = await page.context().cookies();
  for (const [variant, opts] of [["light", { colorScheme: "light" }], ["dark", { colorScheme: "dark" }],
    ["narrow", { colorScheme: "light", viewport: { width: 360, height: 740 } }]]) {
    const ctx = await browser.newContext(opts);
    await ctx.addCookies(cookies);
    const p = await ctx.newPage();
    await p.goto(url);
    // Quiet network = charts and fonts are in; a page that keeps a connection open (the
    // chat's realtime) gets 3 s.
    await p.waitForLoadState("networkidle", { timeout: 3000 }).catch(() => undefined);
    await p.screenshot({ path: `${shots}/${name}-${variant}.png`, fullPage: true });
    const { violations } = await new AxeBuilder({ page: p }).analyze();
    for (const v of violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
      axeFailures.push(`${name}/${variant}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
    }
    if (variant === "narrow") {
      // Nothing may force sideways scrolling of the whole page at 360 px.
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `${name} overflows 360 px by ${overflow}px`);
    }
    await ctx.close();
  }
}

/**
 * What Next's build report called "First Load JS": every script the page's HTML loads (no
 * polyfills for old browsers, no prefetches of other routes), each gzipped at level 9.
 */
async function firstLoadJs(page, url) {
  const html = await (await page.request.get(url)).text();
  // Script tags plus the chunks the inline RSC payload names for this page's client
  // components (the layout's, for one, arrives that way).
  const paths = [...html.matchAll(/\/?_next\/static\/chunks\/[A-Za-z0-9_\-\/%().\[\]]+?\.js/g)].map((m) => m[0].replace(/^\/?/, "/"));
  const srcs = paths.map((p) => new URL(p, app).href).filter((u) => !u.includes("polyfills"));
  let total = 0;
  for (const src of new Set(srcs)) {
    const size = gzipSync(await (await page.request.get(src)).body(), { level: 9 }).length;
    if (process.env.DEBUG_JS) console.log(`  js ${(size / 1024).toFixed(1)} KB ${src}`);
    total += size;
  }
  return total;
}

async function signUp(page, user) {
  await page.goto(app + "/sign-up");
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Workspaces", level: 1 }).waitFor();
}

/** The server's error shown under `input` (waits for the field to be marked invalid). */
async function fieldError(page, input) {
  await input.and(page.locator('[aria-invalid="true"]')).waitFor();
  const el = page.locator("#" + (await input.getAttribute("aria-describedby")).split(" ")[0]);
  await el.waitFor();
  return el.innerText();
}

async function signIn(page, user) {
  await page.goto(app + "/sign-in");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

async function signOut(page) {
  await page.goto(app + "/workspaces");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
}

/** The names on the Workspaces page's list of the user's workspaces. */
async function workspaceNames(page) {
  await page.goto(app + "/workspaces");
  await page.getByRole("heading", { name: "Workspaces", level: 1 }).waitFor();
  const names = page.getByRole("list", { name: "Your workspaces" }).getByRole("listitem").locator(":scope > span:first-child");
  return (await names.allInnerTexts()).map((t) => t.trim());
}

async function createWorkspace(page, name) {
  await page.getByLabel("Workspace name").fill(name);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: `Members of ${name}` }).waitFor();
}

try {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();

  // Guests are sent to sign-in, with the page they wanted kept.
  await page.goto(app + "/campaigns");
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  assert.match(page.url(), /\/sign-in\?next=%2Fcampaigns$/);
  await snap(page, "sign-in");
  await page.getByLabel("Email").fill("nobody@example.com");
  await page.getByLabel("Password").fill("wrong-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "Wrong email or password." }).waitFor();
  await page.goto(app + "/reset-password");
  await page.getByLabel("Email").fill("nobody@example.com");
  await page.getByRole("button", { name: "Send reset link" }).click();
  await page.getByRole("status").filter({ hasText: "reset link is on its way" }).waitFor();
  await snap(page, "reset-password");
  console.log("ok guest");

  // Sign up: the server's field error appears next to the field, then the real sign-up.
  await page.goto(app + "/sign-up");
  await page.getByLabel("Email").fill(alice.email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  assert.match(await fieldError(page, page.getByLabel("Password")), /\S/);
  assert.equal(await page.getByLabel("Email").inputValue(), alice.email, "values survive a failed attempt");
  await snap(page, "sign-up-error");
  await signUp(page, alice);
  await snap(page, "workspaces-empty");
  console.log("ok sign-up");

  await createWorkspace(page, "Acme Launch");
  await page.getByRole("row").filter({ hasText: "(you)" }).filter({ hasText: "owner" }).waitFor();
  await createWorkspace(page, "Side Project");
  // Switch back with the header's workspace switcher.
  await page.getByLabel("Workspace", { exact: true }).selectOption({ label: "Acme Launch" });
  await page.getByRole("button", { name: "Switch" }).click();
  await page.getByRole("heading", { name: "Campaigns", level: 1 }).waitFor();
  await page.goto(app + "/workspaces");
  await page.getByRole("heading", { name: "Members of Acme Launch" }).waitFor();
  await snap(page, "workspaces");
  console.log("ok workspace");

  // Provider key: the list shows the hint only, never the key.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Provider keys" }).click();
  await page.getByRole("heading", { name: "Provider keys", level: 1 }).waitFor();
  await page.getByText("No keys yet").waitFor();
  await snap(page, "keys-empty");
  await page.getByLabel("Provider").selectOption("openai_compatible");
  await page.getByLabel("Label").fill("Fake LLM");
  await page.getByLabel("API key").fill(SECRET_KEY);
  await page.getByLabel("Base URL").fill(fakeLlm);
  await page.getByLabel("Default model").fill("fake-model");
  await page.getByRole("button", { name: "Add key" }).click();
  const keyRow = page.getByRole("row").filter({ hasText: "Fake LLM" });
  await keyRow.waitFor();
  // A fresh load too, so the list comes from the server, not from the form's response.
  await page.reload();
  assert.match(await keyRow.innerText(), /T123/, "the key's hint (its last 4 characters) is listed");
  assert.ok(!(await page.content()).includes(SECRET_KEY), "the key itself is not in the page");
  await snap(page, "keys");
  console.log("ok key");

  // Campaign with metrics; the verdicts come from /api/gtm/campaigns/{id}/analyze.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Campaigns" }).click();
  await page.getByText("No campaigns yet").waitFor();
  await snap(page, "campaigns-empty");
  await page.getByLabel("Name").fill("EU fintech CTOs");
  await page.getByLabel("Channel").selectOption("cold_email");
  await page.getByLabel("Status").selectOption("active");
  await page.getByLabel("Goal").fill("20 demos");
  await page.getByRole("button", { name: "Create campaign" }).click();
  await page.getByRole("heading", { name: "EU fintech CTOs", level: 1 }).waitFor();
  const campaignUrl = page.url();
  await page.getByText("No numbers yet").waitFor();
  const addRow = page.getByRole("form", { name: "Add metrics" });
  for (const [date, sent, opens, replies, meetings] of [["2026-11-02", "500", "150", "10", "2"], ["2026-11-03", "500", "160", "12", "3"]]) {
    await addRow.getByLabel("Date").fill(date);
    await addRow.getByLabel("Sent").fill(sent);
    await addRow.getByLabel("Opens").fill(opens);
    await addRow.getByLabel("Replies").fill(replies);
    await addRow.getByLabel("Meetings").fill(meetings);
    await addRow.getByRole("button", { name: "Add row" }).click();
    await page.getByRole("row").filter({ hasText: date }).waitFor();
  }
  if (!skipAnalyze) {
    const verdictRow = page.getByRole("row").filter({ hasText: "Open rate" });
    await verdictRow.waitFor();
    assert.match(await verdictRow.innerText(), /\b(below|typical|above)\b/);
    console.log("ok analyze");
  }
  await snap(page, "campaign");
  await page.goto(app + "/campaigns");
  await page.getByRole("link", { name: "EU fintech CTOs" }).waitFor();
  await snap(page, "campaigns");
  console.log("ok campaign");

  await page.goto(app + "/benchmarks");
  await page.getByRole("row").filter({ hasText: "Cold email" }).first().waitFor();
  await snap(page, "benchmarks");
  await page.goto(app + "/templates");
  await page.getByText("Positioning in five parts").first().waitFor().catch(() => undefined);
  await page.locator("summary").first().click();
  await snap(page, "templates");
  console.log("ok browsers");

  await page.goto(app + "/coach");
  await page.getByText("No conversations yet").waitFor();
  await snap(page, "coach-empty");
  await page.getByLabel("Title").fill("Cold email review");
  await page.getByLabel("Campaign").selectOption({ label: "EU fintech CTOs" });
  await page.getByRole("button", { name: "Start conversation" }).click();
  const log = page.getByRole("log");
  await log.waitFor();
  console.log(`measure chat_first_load_js_gzip_kb ${(await firstLoadJs(page, page.url()) / 1024).toFixed(1)}`);
  if (!skipCoach) {
    await page.getByLabel("Message").fill("How do my open rates compare?");
    // Record every distinct text of the assistant's reply as it streams in.
    await page.evaluate(() => {
      const w = window;
      w.__states = [];
      const logEl = document.querySelector('[role="log"]');
      const seen = () => {
        const last = [...logEl.querySelectorAll('[data-role="assistant"]')].pop();
        const t = last ? last.querySelector("[data-content]")?.textContent ?? "" : "";
        if (t && w.__states[w.__states.length - 1] !== t) {
          if (w.__states.length === 0) w.__firstAt = performance.now();
          w.__states.push(t);
        }
      };
      new MutationObserver(seen).observe(logEl, { subtree: true, childList: true, characterData: true });
    });
    await page.evaluate(() => { window.__sentAt = performance.now(); });
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await log.locator('[data-role="assistant"][data-status="done"]').waitFor({ timeout: 30000 });
    const { states, firstMs } = await page.evaluate(() => ({ states: window.__states, firstMs: window.__firstAt - window.__sentAt }));
    const final = states[states.length - 1];
    assert.ok(states.length >= 3, `at least two intermediate states before the final text, saw ${states.length}: ${JSON.stringify(states)}`);
    for (let i = 1; i < states.length; i++) assert.ok(states[i].startsWith(states[i - 1].trimEnd().slice(0, 1)) || states[i].length >= states[i - 1].length, "the reply grows");
    console.log(`measure coach_send_to_first_chars_ms ${firstMs.toFixed(0)}`);
    console.log(`measure coach_states ${states.length}`);
    assert.ok(final.length > 0);
    await snap(page, "coach-chat");
    console.log("ok coach");
  }
  await snap(page, "coach-chat-idle");
  await page.goto(app + "/coach");
  await page.getByRole("link", { name: "Cold email review" }).waitFor();
  await snap(page, "coach");

  // Sign out; a second user sees none of Alice's data, and her campaign's URL is a 404.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  await signUp(page, bob);
  await page.getByText("No workspace yet").waitFor();
  assert.ok(!(await page.content()).includes("Acme Launch"));
  await createWorkspace(page, "Bob's Garage");
  for (const [path, empty] of [["/campaigns", "No campaigns yet"], ["/keys", "No keys yet"], ["/coach", "No conversations yet"]]) {
    await page.goto(app + path);
    await page.getByText(empty).waitFor();
    const html = await page.content();
    for (const secret of ["Acme Launch", "EU fintech CTOs", "Fake LLM", "Cold email review"]) assert.ok(!html.includes(secret), `${path} shows ${secret} to another user`);
  }
  const other = await page.goto(campaignUrl);
  assert.equal(other.status(), 404, "another user's campaign is a 404");
  await page.getByRole("heading", { name: /not found/i }).waitFor();
  await snap(page, "not-found");
  console.log("ok isolation");

  // Members: Alice invites Bob by email. Bob's pending invite does nothing until he verifies
  // the address (anyone can sign up with any email); the verification link from the mail
  // makes him a member, in the same transaction as `verified`.
  await signOut(page);
  await signIn(page, alice);
  await page.goto(app + "/workspaces");
  await page.getByRole("heading", { name: "Members of Acme Launch" }).waitFor();
  const invite = page.getByRole("form", { name: "Invite by email" });
  await invite.getByLabel("Email address").fill("not-an-email");
  await invite.getByRole("button", { name: "Send invite" }).click();
  assert.match(await fieldError(page, invite.getByLabel("Email address")), /valid email/i, "the server's field error sits next to the field");
  await invite.getByLabel("Email address").fill(bob.email);
  await invite.getByLabel("Invite as").selectOption("member");
  await invite.getByRole("button", { name: "Send invite" }).click();
  await invite.getByRole("status").filter({ hasText: `Invitation sent to ${bob.email}` }).waitFor();
  await page.getByRole("region", { name: "Pending invitations" }).getByText(bob.email).waitFor();
  await invite.getByLabel("Email address").fill(olivia.email);
  await invite.getByRole("button", { name: "Send invite" }).click();
  await invite.getByRole("status").filter({ hasText: `Invitation sent to ${olivia.email}` }).waitFor();
  const inviteMail = await mailbox.waitFor(bob.email, /invited you to Acme Launch/);
  assert.equal(linkIn(inviteMail, app), `${app}/workspaces`, "the invitation links to the dashboard");
  await snap(page, "workspaces-members");
  console.log("ok invite");

  await signOut(page);
  await signIn(page, bob);
  assert.ok(!(await workspaceNames(page)).includes("Acme Launch"), "an unverified address joins nothing");
  await page.getByRole("button", { name: "Send verification email" }).click();
  await page.getByRole("status").filter({ hasText: "verification link is on its way" }).waitFor();
  const verifyMail = await mailbox.waitFor(bob.email, /Verify your/);
  const verifyLink = linkIn(verifyMail, `${app}/verify-email/`);
  await page.goto(verifyLink);
  await page.getByRole("heading", { name: "Verify your email", level: 1 }).waitFor();
  await snap(page, "verify-email");
  await page.getByRole("button", { name: "Verify email" }).click();
  await page.getByRole("status").filter({ hasText: "Your email is verified" }).waitFor();
  await page.getByRole("link", { name: "Go to your workspaces" }).click();
  await page.getByRole("heading", { name: "Workspaces", level: 1 }).waitFor();
  assert.ok((await workspaceNames(page)).includes("Acme Launch"), "the verified invitee is a member");
  assert.equal(await page.getByRole("region", { name: "Email verification" }).count(), 0, "no verify banner once verified");
  await page.getByLabel("Workspace", { exact: true }).selectOption({ label: "Acme Launch" });
  await page.getByRole("button", { name: "Switch" }).click();
  await page.getByRole("link", { name: "EU fintech CTOs" }).waitFor();
  await page.goto(app + "/workspaces");
  await page.getByRole("row").filter({ hasText: bob.name }).filter({ hasText: "(you)" }).filter({ hasText: "member" }).waitFor();
  assert.equal(await page.getByRole("form", { name: "Invite by email" }).count(), 0, "members do not invite");
  console.log("ok verify");

  // Someone who was never invited still sees nothing of it.
  await signOut(page);
  await signUp(page, carol);
  await page.getByText("No workspace yet").waitFor();
  assert.ok(!(await page.content()).includes("Acme Launch"));
  // With a workspace of her own (without one, app pages send her to create it first).
  await createWorkspace(page, "Carol's Corner");
  assert.ok(!(await workspaceNames(page)).includes("Acme Launch"));
  assert.equal((await page.goto(campaignUrl)).status(), 404, "a non-member gets a 404");
  console.log("ok isolation-after-invite");

  // Roles: Alice makes Bob an admin, then removes him; she cannot leave as the last owner.
  await signOut(page);
  await signIn(page, alice);
  await page.goto(app + "/workspaces");
  const bobRole = page.getByRole("form", { name: `Role of ${bob.name}` });
  await bobRole.getByLabel("Role").selectOption("admin");
  await bobRole.getByRole("button", { name: "Change role" }).click();
  await bobRole.getByRole("status").filter({ hasText: "Role changed" }).waitFor();
  await page.reload();
  await page.getByRole("row").filter({ hasText: bob.name }).filter({ hasText: "admin" }).waitFor();
  await page.getByRole("form", { name: "Leave workspace" }).getByRole("button", { name: "Leave" }).click();
  await page.getByRole("form", { name: "Leave workspace" }).getByRole("alert").filter({ hasText: "needs an owner" }).waitFor();
  await page.getByRole("form", { name: `Remove ${bob.name}` }).getByRole("button", { name: "Remove" }).click();
  await page.getByRole("form", { name: `Remove ${bob.name}` }).waitFor({ state: "detached" });
  await page.reload();
  assert.equal(await page.getByRole("row").filter({ hasText: bob.name }).count(), 0, "Bob is no longer listed");
  await signOut(page);
  await signIn(page, bob);
  assert.ok(!(await workspaceNames(page)).includes("Acme Launch"), "a removed member loses access");
  console.log("ok roles");

  // Reset password through the mailed link, with the server's field error first.
  await signOut(page);
  await page.goto(app + "/reset-password");
  await page.getByLabel("Email").fill(bob.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await page.getByRole("status").filter({ hasText: "reset link is on its way" }).waitFor();
  const resetLink = linkIn(await mailbox.waitFor(bob.email, /Reset your/), `${app}/reset-password/`);
  await page.goto(resetLink);
  await page.getByRole("heading", { name: "Choose a new password", level: 1 }).waitFor();
  bob.password = "bob-new-password-456";
  await page.getByLabel("New password", { exact: true }).fill(bob.password);
  await page.getByLabel("Confirm new password").fill("something-else-789");
  await page.getByRole("button", { name: "Set password" }).click();
  assert.match(await fieldError(page, page.getByLabel("Confirm new password")), /\S/);
  await snap(page, "reset-password-confirm");
  await page.getByLabel("New password", { exact: true }).fill(bob.password);
  await page.getByLabel("Confirm new password").fill(bob.password);
  await page.getByRole("button", { name: "Set password" }).click();
  await page.getByRole("status").filter({ hasText: "Password changed" }).waitFor();
  await page.getByRole("link", { name: "Sign in" }).click();
  await page.getByLabel("Email").fill(bob.email);
  await page.getByLabel("Password").fill("bob-password-123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "Wrong email or password." }).waitFor();
  await signIn(page, bob);
  console.log("ok reset");

  // OAuth2: "Continue with Local OIDC" opens the provider in a popup; its user (a verified
  // email Alice invited) is created, signed in, and already a member of Acme Launch.
  await signOut(page);
  oidc.provider.user = { sub: `oidc-${run}`, name: olivia.name, email: olivia.email, email_verified: true };
  const [popup] = await Promise.all([
    page.waitForEvent("popup"),
    page.getByRole("button", { name: "Continue with Local OIDC" }).click(),
  ]);
  await popup.waitForEvent("close", { timeout: 20000 }).catch(() => undefined);
  await page.getByRole("button", { name: "Sign out" }).waitFor({ timeout: 20000 });
  assert.deepEqual(oidc.provider.refusals, [], "the token exchange was accepted");
  assert.ok((await workspaceNames(page)).includes("Acme Launch"), "the OAuth2 user's invite was accepted");
  assert.match(await page.locator("header").innerText(), /Olivia OAuth/);
  assert.equal(await page.getByRole("region", { name: "Email verification" }).count(), 0, "the provider's verified email counts");
  console.log("ok oauth2");
  await ctx.close();
} catch (err) {
  // What the browser showed when a step failed, for the person reading the log.
  for (const c of browser.contexts()) for (const p of c.pages()) await p.screenshot({ path: `${shots}/failure.png`, fullPage: true }).catch(() => undefined);
  throw err;
} finally {
  await browser.close();
  await mailbox.close();
  await oidc.close();
}
if (axeFailures.length) {
  console.error(axeFailures.join("\n"));
  process.exit(1);
}
console.log("ok axe");
