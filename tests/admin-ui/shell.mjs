// The console's shell and its own screens against a running Cairn (CAIRN_URL): header and
// navigation, dark-mode toggle, every settings section saved and read back through the API,
// a test mail that arrives at a real SMTP receiver (smtp-server), the S3 test's error, logs
// with their chart, crons, backups, token secrets, API preview, command palette, realtime
// inspector, sign-out, and MFA sign-in with the code read from the mail. Screenshots of every
// screen in light, dark and 360 px.
import assert from "node:assert/strict";
import { SMTPServer } from "smtp-server";
import { api, base, email, password, shots, launch, looks, superuserToken, signIn, watchErrors } from "./lib.mjs";

// A real SMTP receiver on 127.0.0.1 (no TLS, no auth) keeping every message.
const mails = [];
const smtp = new SMTPServer({
  authOptional: true, disabledCommands: ["STARTTLS", "AUTH"], logger: false,
  onData(stream, session, done) {
    let raw = "";
    stream.on("data", (c) => { raw += c; });
    stream.on("end", () => { mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw }); done(); });
  },
});
await new Promise((ok) => smtp.listen(0, "127.0.0.1", ok));
const smtpPort = smtp.server.address().port;
async function mailTo(address, since) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const m = mails.slice(since).find((x) => x.to.includes(address));
    if (m) return m;
    assert.ok(Date.now() < deadline, `no mail to ${address}; got ${JSON.stringify(mails.map((x) => x.to))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The one-time code in a mail body (plain, quoted-printable or base64 parts). */
function otpCode(raw) {
  const body = raw.slice(raw.search(/\r?\n\r?\n/));
  const texts = [body.replace(/=\r?\n/g, "")];
  for (const b64 of body.match(/^[A-Za-z0-9+/=\r\n]{40,}$/gm) ?? []) texts.push(Buffer.from(b64.replace(/\s/g, ""), "base64").toString());
  for (const t of texts) {
    const m = /(?:^|[^\w#.-])(\d{6,10})(?![\w.-])/.exec(t.replace(/<[^>]+>/g, " "));
    if (m) return m[1];
  }
  return undefined;
}

const token = await superuserToken();
await api("/api/collections", "POST", { name: "posts", type: "base", listRule: "title != ''", viewRule: "", fields: [{ name: "title", type: "text", presentable: true }] }, token);
const first = await api("/api/collections/posts/records", "POST", { title: "first post" }, token);
await api("/api/collections", "POST", { name: "members", type: "auth", fields: [] }, token);
await api("/api/collections/members/records", "POST", { email: "m@example.com", password: "member-pass-123", passwordConfirm: "member-pass-123" }, token);
const settings = () => api("/api/settings", "GET", undefined, token);
const bad = (errors) => errors.filter((e) => !e.includes("Failed to load resource"));

const browser = await launch();
try {
  for (const [name, opts] of looks) {
    const page = await browser.newPage(opts);
    const errors = watchErrors(page);
    await signIn(page);
    const main = page.getByRole("navigation", { name: "Main" });
    await main.getByRole("link", { name: "Collections" }).waitFor();
    await page.screenshot({ path: `${shots}/shell-home-${name}.png`, fullPage: true });
    // Every section renders; screenshots of each.
    for (const [id, title] of [["application", "Application"], ["mail", "Mail"], ["storage", "File storage"], ["rate-limits", "Rate limits"],
      ["batch", "Batch"], ["tokens", "Token secrets"], ["backups", "Backups"], ["crons", "Crons"], ["logs", "Logs"], ["jobs", "Jobs"]]) {
      await page.goto(`${base}/_/#/settings/${id}`);
      await page.getByRole("heading", { name: title, exact: true }).waitFor();
      await page.getByText("Loading…").first().waitFor({ state: "detached" }).catch(() => undefined);
      await page.screenshot({ path: `${shots}/settings-${id}-${name}.png`, fullPage: true });
    }
    console.log(`ok sections render ${name}`);
    await page.goto(`${base}/_/#/collections/posts/api`);
    await page.getByRole("heading", { name: "API preview: posts" }).waitFor();
    await page.screenshot({ path: `${shots}/api-preview-${name}.png` });
    await page.goto(`${base}/_/#/realtime/posts`);
    await page.getByText("Listening to posts/*").waitFor();
    await page.screenshot({ path: `${shots}/realtime-${name}.png` });
    if (name === "narrow") {
      // The sidebar is a menu at 360 px: hidden on a screen, opened by "Menu".
      const nav = page.getByRole("navigation", { name: "Collections" });
      assert.equal(await nav.isVisible(), false);
      await page.getByRole("button", { name: "Menu" }).click();
      await nav.getByRole("button", { name: "posts", exact: true }).click();
      await page.getByRole("row").filter({ hasText: "first post" }).waitFor();
      assert.equal(await nav.isVisible(), false);
      console.log("ok narrow menu");
    }
    if (name !== "light") {
      assert.deepEqual(bad(errors), []);
      await page.close();
      continue;
    }

    // Application: name saved, read back, shown in the header.
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByLabel("Application name").fill("Shell Test App");
    await page.getByLabel("Application URL").fill("http://127.0.0.1:9999");
    await page.getByLabel("Client IP headers").fill("X-Real-IP");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    let s = await settings();
    assert.equal(s.meta.appName, "Shell Test App");
    assert.deepEqual(s.trustedProxy.headers, ["X-Real-IP"]);
    await page.locator("header").getByText("Shell Test App").waitFor();
    // A server validation error shows next to its field.
    await page.getByLabel("Application name").evaluate((el) => { el.required = false; });
    await page.getByLabel("Application name").fill("");
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator('[data-field="meta.appName"]').filter({ hasText: "Cannot be blank." }).waitFor();
    await page.screenshot({ path: `${shots}/settings-error-${name}.png` });
    console.log("ok application saved");

    // Mail: SMTP pointed at the receiver, then a test mail that arrives.
    await page.getByRole("navigation", { name: "Settings sections" }).getByRole("link", { name: "Mail" }).click();
    await page.getByLabel("Sender address").fill("noreply@example.com");
    await page.getByLabel("Use an SMTP server").check();
    await page.getByLabel("SMTP host").fill("127.0.0.1");
    await page.getByLabel("SMTP port").fill(String(smtpPort));
    await page.getByRole("form", { name: "Mail settings" }).getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    s = await settings();
    assert.equal(s.smtp.enabled, true);
    assert.equal(s.smtp.port, smtpPort);
    assert.equal(s.meta.senderAddress, "noreply@example.com");
    const before = mails.length;
    await page.getByLabel("Test email address").fill("dest@example.com");
    await page.getByRole("button", { name: "Send test email" }).click();
    await page.getByRole("status").filter({ hasText: "Test email sent to dest@example.com" }).waitFor();
    const mail = await mailTo("dest@example.com", before);
    assert.match(mail.raw, /noreply@example\.com/);
    await page.screenshot({ path: `${shots}/settings-mail-sent-${name}.png`, fullPage: true });
    console.log("ok test mail arrived");

    // File storage: S3 towards a closed port; the test shows the server's error.
    await page.getByRole("navigation", { name: "Settings sections" }).getByRole("link", { name: "File storage" }).click();
    await page.getByLabel("Use S3 storage").check();
    await page.getByLabel("Endpoint").fill("http://127.0.0.1:9");
    await page.getByLabel("Bucket").fill("nowhere");
    await page.getByLabel("Region").fill("us-east-1");
    await page.getByLabel("Access key").fill("key");
    // Path style: a virtual-hosted bucket on an IP endpoint panics the server's S3 client
    // (reported), so the unreachable endpoint is tested the way a MinIO setup would be.
    await page.getByLabel("Force path-style addressing").check();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    s = await settings();
    assert.equal(s.s3.enabled, true);
    assert.equal(s.s3.endpoint, "http://127.0.0.1:9");
    await page.getByRole("button", { name: "Test S3 connection" }).click();
    const s3Error = page.getByRole("alert", { name: "S3 test result" });
    await s3Error.filter({ hasText: "Failed to test the S3 filesystem" }).waitFor({ timeout: 30000 });
    console.log("ok s3 test shows the error");
    await page.screenshot({ path: `${shots}/settings-storage-test-${name}.png`, fullPage: true });
    await api("/api/settings", "PATCH", { s3: { enabled: false } }, token);

    // Rate limits: a rule added and saved.
    await page.goto(`${base}/_/#/settings/rate-limits`);
    await page.getByLabel("Enable rate limiting").check();
    await page.getByRole("button", { name: "Add rule" }).click();
    const n = (await settings()).rateLimits.rules.length + 1;
    await page.getByLabel(`Rule ${n} label`).fill("/api/shell-test");
    await page.getByLabel(`Rule ${n} max requests`).fill("77");
    await page.getByLabel(`Rule ${n} duration`).fill("9");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    s = await settings();
    assert.equal(s.rateLimits.enabled, true);
    assert.deepEqual(s.rateLimits.rules.find((r) => r.label === "/api/shell-test"), { label: "/api/shell-test", audience: "", duration: 9, maxRequests: 77 });
    await api("/api/settings", "PATCH", { rateLimits: { enabled: false } }, token);
    console.log("ok rate limits saved");

    // Batch.
    await page.goto(`${base}/_/#/settings/batch`);
    await page.getByLabel("Enable the batch API").check();
    await page.getByLabel("Max requests per batch").fill("7");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    s = await settings();
    assert.equal(s.batch.enabled, true);
    assert.equal(s.batch.maxRequests, 7);
    console.log("ok batch saved");

    // Token secrets: a member's token stops working after "Invalidate tokens".
    const member = await api("/api/collections/members/auth-with-password", "POST", { identity: "m@example.com", password: "member-pass-123" });
    await api("/api/collections/members/auth-refresh", "POST", undefined, member.token);
    await page.goto(`${base}/_/#/settings/tokens`);
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("group", { name: "Tokens of members" }).getByRole("button", { name: "Invalidate tokens" }).click();
    await page.getByRole("status").filter({ hasText: "members are now invalid" }).waitFor();
    const refreshed = await fetch(`${base}/api/collections/members/auth-refresh`, { method: "POST", headers: { authorization: member.token } });
    assert.equal(refreshed.status, 401);
    console.log("ok token secret regenerated");

    // Backups: create, listed, deleted.
    await page.goto(`${base}/_/#/settings/backups`);
    await page.getByLabel("Backup name (optional)").fill("shell_test");
    await page.getByRole("button", { name: "Create backup" }).click();
    await page.getByRole("row").filter({ hasText: "shell_test.zip" }).waitFor({ timeout: 30000 });
    assert.ok((await api("/api/backups", "GET", undefined, token)).some((b) => b.key === "shell_test.zip"));
    await page.screenshot({ path: `${shots}/settings-backups-list-${name}.png`, fullPage: true });
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Delete shell_test.zip" }).click();
    await page.getByRole("row").filter({ hasText: "shell_test.zip" }).waitFor({ state: "detached" });
    assert.equal((await api("/api/backups", "GET", undefined, token)).some((b) => b.key === "shell_test.zip"), false);
    console.log("ok backups");

    // Crons: listed, one run now.
    const crons = await api("/api/crons", "GET", undefined, token);
    assert.ok(crons.length > 0);
    await page.goto(`${base}/_/#/settings/crons`);
    await page.getByRole("button", { name: `Run ${crons[0].id} now` }).click();
    await page.getByRole("status").filter({ hasText: `Ran ${crons[0].id}` }).waitFor();
    console.log("ok crons run");

    // Logs: entries and the chart; the filter narrows them; a row opens the detail panel.
    for (let i = 0; i < 3; i++) await fetch(`${base}/api/collections/posts/records?shell=${i}`);
    await page.goto(`${base}/_/#/settings/logs`);
    const logRow = page.getByRole("table", { name: "Logs" }).getByRole("row").filter({ hasText: "/api/collections/posts/records" }).first();
    for (let i = 0; i < 20 && !(await logRow.isVisible()); i++) {
      await page.waitForTimeout(500);
      await page.getByRole("button", { name: "Refresh", exact: true }).click();
    }
    await logRow.waitFor();
    await page.getByRole("img", { name: /Requests per hour/ }).waitFor();
    assert.ok(await page.locator("svg rect").count() > 0);
    await page.getByLabel("Filter logs").fill("data.url ~ 'shell=1'");
    await page.getByLabel("Filter logs").press("Enter");
    await page.getByText("1 log entry").waitFor();
    await page.getByRole("table", { name: "Logs" }).getByRole("button").first().click();
    await page.getByRole("complementary", { name: "Log entry" }).getByText("shell=1").first().waitFor();
    await page.screenshot({ path: `${shots}/settings-logs-detail-${name}.png`, fullPage: true });
    console.log("ok logs list, chart and detail");

    // API preview from the records screen: the rules in force.
    await page.getByRole("navigation", { name: "Collections" }).getByRole("button", { name: "posts", exact: true }).click();
    await page.getByRole("link", { name: "API preview" }).click();
    await page.locator('[data-rule="listRule"]').filter({ hasText: "title != ''" }).waitFor();
    assert.equal(await page.locator('[data-rule="viewRule"]').textContent(), "Anyone (public)");
    assert.equal(await page.locator('[data-rule="createRule"]').textContent(), "Superusers only");
    await page.getByRole("radio", { name: "PocketBase JS SDK" }).check();
    await page.getByText('new PocketBase(').first().waitFor();
    console.log("ok api preview shows the rules");

    // Command palette: a collection, a setting, a record.
    await page.keyboard.press("Control+k");
    const palette = page.getByRole("dialog", { name: "Command palette" });
    await palette.getByRole("combobox").fill("members");
    await page.screenshot({ path: `${shots}/palette-${name}.png` });
    await palette.getByRole("combobox").press("Enter");
    await page.waitForURL(/#\/collections\/members$/);
    await page.keyboard.press("Control+k");
    await palette.getByRole("combobox").fill("rate");
    await palette.getByRole("option", { name: /Rate limits/ }).waitFor();
    await palette.getByRole("combobox").press("Enter");
    await page.getByLabel("Enable rate limiting").waitFor();
    await page.keyboard.press("Control+k");
    await palette.getByRole("combobox").fill("posts first");
    await palette.getByRole("option", { name: /first post/ }).waitFor();
    await palette.getByRole("combobox").press("Enter");
    // A picked record opens in the records screen's panel.
    await page.getByRole("form", { name: "Edit record" }).getByLabel("title", { exact: true }).waitFor();
    assert.equal(await page.getByRole("form", { name: "Edit record" }).getByLabel("title", { exact: true }).inputValue(), "first post");
    assert.ok(page.url().includes(first.id), page.url());
    await page.keyboard.press("Escape");
    await page.getByRole("form", { name: "Edit record" }).waitFor({ state: "detached" });
    await page.keyboard.press("Control+k");
    await palette.getByRole("combobox").press("Escape");
    await palette.waitFor({ state: "detached" });
    console.log("ok palette jumps");

    // Realtime inspector: an API-created record shows up; pause holds events back.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Realtime" }).click();
    await page.getByLabel("Collection to inspect").selectOption("posts");
    await page.getByText("Listening to posts/*").waitFor();
    await page.waitForTimeout(300);
    const rec = await api("/api/collections/posts/records", "POST", { title: "live one" }, token);
    await page.getByRole("row").filter({ hasText: rec.id }).filter({ hasText: "create" }).waitFor({ timeout: 10000 });
    await page.getByRole("button", { name: "Pause" }).click();
    const rec2 = await api("/api/collections/posts/records", "POST", { title: "held one" }, token);
    await page.getByRole("button", { name: "Resume (1 held)" }).waitFor({ timeout: 10000 });
    assert.equal(await page.getByRole("row").filter({ hasText: rec2.id }).count(), 0);
    await page.getByRole("button", { name: /Resume/ }).click();
    await page.getByRole("row").filter({ hasText: rec2.id }).waitFor();
    await page.screenshot({ path: `${shots}/realtime-events-${name}.png`, fullPage: true });
    console.log("ok realtime inspector shows events");

    // Dark mode toggle, persisted over a reload.
    await page.getByRole("button", { name: "Dark mode" }).click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    await page.reload();
    await page.getByRole("navigation", { name: "Main" }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    await page.screenshot({ path: `${shots}/shell-toggled-dark.png`, fullPage: true });
    await page.getByRole("button", { name: "Dark mode" }).click();
    console.log("ok dark mode toggle");

    // Sign out.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    console.log("ok sign out");
    assert.deepEqual(bad(errors), []);
    await page.close();
  }

  // MFA: password, then a one-time code read from the mail.
  await api("/api/collections/_superusers", "PATCH", { mfa: { enabled: true }, otp: { enabled: true } }, token);
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(base + "/_/");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  const since = mails.length;
  await page.getByRole("button", { name: "Send code" }).click();
  const otpMail = await mailTo(email, since);
  const code = otpCode(otpMail.raw);
  assert.ok(code, otpMail.raw);
  await page.getByRole("textbox", { name: "One-time code" }).fill(code);
  await page.screenshot({ path: `${shots}/signin-mfa-light.png` });
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByRole("navigation", { name: "Collections" }).waitFor();
  assert.deepEqual(bad(errors), []);
  await page.close();
  console.log("ok mfa sign-in");
} finally {
  await browser.close();
  smtp.close();
}
