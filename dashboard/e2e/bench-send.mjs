// Benchmark (not a test): time from clicking `Send` in the coach to the first streamed
// characters of the reply on screen, in Debian's Chromium against a running `next start`
// (DASHBOARD_URL), gtm-wizard (its API behind it) and the fake LLM provider (FAKE_LLM_URL,
// OpenAI format). Signs up a fresh user, makes a workspace, a key and a conversation, then
// sends SENDS (default 20) questions one after another, each timed in the page with
// performance.now() from the click to the first mutation that shows assistant text.
// Prints one "sample <ms>" line per send and "send_to_first_chars_ms median=… p90=… …".
import { chromium } from "playwright-core";
import assert from "node:assert/strict";

const app = process.env.DASHBOARD_URL;
const fakeLlm = process.env.FAKE_LLM_URL;
const sends = Number(process.env.SENDS ?? 20);
assert.ok(app && fakeLlm, "DASHBOARD_URL and FAKE_LLM_URL are required");

const run = Date.now().toString(36);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(app + "/sign-up");
  await page.getByLabel("Name").fill("Bench");
  await page.getByLabel("Email").fill(`bench-${run}@example.com`);
  await page.getByLabel("Password").fill("bench-password-123");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Workspaces", level: 1 }).waitFor();
  await page.getByLabel("Workspace name").fill("Bench");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Members of Bench" }).waitFor();
  await page.goto(app + "/keys");
  await page.getByLabel("Provider").selectOption("openai_compatible");
  await page.getByLabel("Label").fill("Fake LLM");
  await page.getByLabel("API key").fill(`sk-bench-${run}-KEY1`);
  await page.getByLabel("Base URL").fill(fakeLlm);
  await page.getByLabel("Default model").fill("fake-model");
  await page.getByRole("button", { name: "Add key" }).click();
  await page.getByRole("row").filter({ hasText: "Fake LLM" }).waitFor();
  await page.goto(app + "/coach");
  await page.getByLabel("Title").fill("Bench");
  await page.getByRole("button", { name: "Start conversation" }).click();
  const log = page.getByRole("log");
  await log.waitFor();
  // The realtime subscription is up once the page has settled.
  await page.waitForLoadState("networkidle", { timeout: 3000 }).catch(() => undefined);

  const samples = [];
  for (let i = 0; i < sends; i++) {
    await page.getByLabel("Message").fill(`Question ${i + 1}: how do my numbers look?`);
    const before = await log.locator('[data-role="assistant"]').count();
    await page.evaluate((n) => {
      const w = window;
      w.__first = undefined;
      w.__sent = performance.now(); // replaced by the click's own time below
      const logEl = document.querySelector('[role="log"]');
      const obs = new MutationObserver(() => {
        const replies = logEl.querySelectorAll('[data-role="assistant"]');
        const t = replies.length > n ? replies[replies.length - 1].querySelector("[data-content]")?.textContent ?? "" : "";
        if (t && w.__first === undefined) {
          w.__first = performance.now();
          obs.disconnect();
        }
      });
      obs.observe(logEl, { subtree: true, childList: true, characterData: true });
      // Started in the click's own task, as close to the user's press as the page can see.
      document.querySelectorAll("button").forEach((b) => {
        if (b.textContent?.trim() === "Send") b.addEventListener("click", () => (w.__sent = performance.now()), { once: true, capture: true });
      });
    }, before);
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await page.waitForFunction(() => window.__first !== undefined, null, { timeout: 30000 });
    samples.push(await page.evaluate(() => window.__first - window.__sent));
    console.log(`sample ${samples[samples.length - 1].toFixed(1)}`);
    await log.locator('[data-role="assistant"][data-status="done"]').nth(before).waitFor({ timeout: 30000 });
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  console.log(
    `send_to_first_chars_ms n=${sorted.length} median=${pct(0.5).toFixed(0)} p90=${pct(0.9).toFixed(0)} min=${sorted[0].toFixed(0)} max=${sorted[sorted.length - 1].toFixed(0)} target<300`,
  );
} finally {
  await browser.close();
}
