// Driver of tests/bench/console/run (see there). For each server: a fresh data dir, one
// superuser, a `bench` collection with N records; then in Chromium, each run in a new context
// (cold cache): the first load's scripts, the time to a visible sign-in form, and after
// signing in the time from clicking `bench` in the sidebar to its records on screen (measured
// in the page: performance.now() around the click, polled every animation frame).
import { createRequire } from "node:module";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync, constants } from "node:zlib";
import { createServer } from "node:net";

const require = createRequire(new URL("../../admin-ui/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const quick = args.includes("--quick");
const RECORDS = quick ? 300 : 10000;
const RUNS = quick ? 2 : 5;
const EMAIL = "bench@example.com";
const PASSWORD = "bench-password-123";

const freePort = () => new Promise((ok) => { const s = createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); }); });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

async function startServer(kind, bin) {
  const dir = mkdtempSync(join(tmpdir(), `console-bench-${kind}-`));
  execFileSync(bin, ["superuser", "upsert", EMAIL, PASSWORD, "--dir", dir], { stdio: "ignore" });
  const port = await freePort();
  const extra = kind === "cairn" ? ["--log", "warn"] : ["--automigrate=false"];
  const proc = spawn(bin, ["serve", "--http", `127.0.0.1:${port}`, "--dir", dir, ...extra], { stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/api/health`)).ok) break; } catch { /* not up yet */ }
    if (i > 400) throw new Error(`${kind} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { kind, base, stop: () => { proc.kill("SIGTERM"); rmSync(dir, { recursive: true, force: true }); } };
}

async function api(base, path, method, body, token) {
  const r = await fetch(base + path, { method, headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function seed(base) {
  const { token } = await api(base, "/api/collections/_superusers/auth-with-password", "POST", { identity: EMAIL, password: PASSWORD });
  await api(base, "/api/collections", "POST", { name: "bench", type: "base", fields: [{ name: "title", type: "text" }, { name: "n", type: "number" }, { name: "done", type: "bool" }] }, token);
  let next = 0;
  const worker = async () => {
    while (next < RECORDS) {
      const i = next++;
      await api(base, "/api/collections/bench/records", "POST", { title: `bench-row ${i}`, n: i, done: i % 2 === 0 }, token);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

async function signInForm(page, base) {
  const t0 = Date.now();
  await page.goto(`${base}/_/`);
  await page.locator("input[type=password]").waitFor({ state: "visible" });
  return Date.now() - t0;
}

async function measure(browser, server) {
  const out = { js: [], jsGzip9: [], scripts: [], signin: [], table: [] };
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const scripts = [];
    page.on("response", (r) => { if (r.request().resourceType() === "script") scripts.push(r); });
    out.signin.push(await signInForm(page, server.base));
    await page.waitForLoadState("networkidle");
    let transferred = 0;
    let gz = 0;
    for (const r of scripts) {
      transferred += (await r.request().sizes()).responseBodySize;
      gz += gzipSync(await r.body(), { level: constants.Z_BEST_COMPRESSION }).length;
    }
    out.js.push(transferred / 1024);
    out.jsGzip9.push(gz / 1024);
    out.scripts.push(scripts.length);
    // Sign in (both consoles: identity input first, password, Enter), then wait for `bench`.
    await page.locator("input:not([type=hidden]):not([type=checkbox])").first().fill(EMAIL);
    await page.locator("input[type=password]").fill(PASSWORD);
    await page.locator("input[type=password]").press("Enter");
    await page.waitForFunction(() => [...document.querySelectorAll("a,button")].some((e) => e.textContent.trim() === "bench"), null, { timeout: 20000 });
    await page.waitForLoadState("networkidle");
    const ms = await page.evaluate(() => new Promise((resolve, reject) => {
      const link = [...document.querySelectorAll("a,button")].find((e) => e.textContent.trim() === "bench");
      const t0 = performance.now();
      link.click();
      const tick = () => {
        const rows = [...document.querySelectorAll("tr, [role=row]")].filter((r) => r.textContent.includes("bench-row") && r.getClientRects().length);
        if (rows.length >= 5) resolve(performance.now() - t0);
        else if (performance.now() - t0 > 15000) reject(new Error("records never showed"));
        else requestAnimationFrame(tick);
      };
      tick();
    }));
    out.table.push(ms);
    await context.close();
  }
  return out;
}

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
const results = {};
try {
  for (const [kind, bin] of [["cairn", opt("--cairn")], ["pocketbase", opt("--pocketbase")]]) {
    const server = await startServer(kind, bin);
    try {
      const t = Date.now();
      await seed(server.base);
      console.error(`${kind}: ${RECORDS} records seeded in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      results[kind] = await measure(browser, server);
    } finally {
      server.stop();
    }
  }
} finally {
  await browser.close();
}
const row = (label, key, unit, digits, target) => {
  const c = median(results.cairn[key]);
  const p = median(results.pocketbase[key]);
  return `| ${label} | ${c.toFixed(digits)} ${unit} | ${p.toFixed(digits)} ${unit} | ${target} |`;
};
console.log(`\nConsole benchmark (${quick ? "quick, debug build" : "release build"}, ${RECORDS} records, median of ${RUNS} runs, Chromium)\n`);
console.log("| measure | Cairn | PocketBase 0.40.6 | target (Cairn) |");
console.log("|---|---|---|---|");
console.log(row("first-load JavaScript, transferred", "js", "KB", 1, "≤ 120 KB gzipped"));
console.log(row("first-load JavaScript at gzip -9", "jsGzip9", "KB", 1, "≤ 120 KB"));
console.log(row("first-load scripts", "scripts", "", 0, ""));
console.log(row("sign-in form visible after navigation", "signin", "ms", 0, "≤ 300 ms"));
console.log(row(`click collection → records table visible (${RECORDS} records)`, "table", "ms", 1, "≤ 40 ms"));
console.log(`\nraw: ${JSON.stringify(results)}`);
