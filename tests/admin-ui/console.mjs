// Drives the admin console in Debian's Chromium against a running Cairn (CAIRN_URL): sign in,
// open a collection, filter, see an API-created record appear live, open Settings. Selects by
// role and label only; writes screenshots (light, dark, 360 px) into SHOT_DIR.
import assert from "node:assert/strict";
import { api, base, email, password, shots, launch, looks, superuserToken } from "./lib.mjs";

const token = await superuserToken();
await api("/api/collections", "POST", { name: "posts", type: "base", fields: [{ name: "title", type: "text" }] }, token);
await api("/api/collections/posts/records", "POST", { title: "first post" }, token);
await api("/api/collections", "POST", { name: "kinds", type: "base", fields: [
  { name: "n", type: "number" }, { name: "b", type: "bool" }, { name: "e", type: "email" },
  { name: "u", type: "url" }, { name: "d", type: "date" }, { name: "j", type: "json" },
  { name: "ed", type: "editor" }, { name: "s", type: "select", values: ["red", "blue"], maxSelect: 2 },
] }, token);
await api("/api/collections/posts/records", "POST", { title: "second post" }, token);

const browser = await launch();
try {
  for (const [name, opts] of looks) {
    const page = await browser.newPage(opts);
    const cspErrors = [];
    page.on("console", (m) => { if (m.type() === "error") cspErrors.push(m.text()); });
    await page.goto(base + "/_/");
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await page.screenshot({ path: `${shots}/signin-${name}.png` });
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    const nav = page.getByRole("navigation");
    // System collections are grouped after the user's own, under a collapsed "System".
    await nav.getByRole("button", { name: "posts", exact: true }).waitFor();
    assert.equal(await nav.getByRole("button", { name: "_superusers" }).isVisible(), false);
    const names = await nav.getByRole("button", { includeHidden: true }).allTextContents();
    assert.ok(names.indexOf("posts") < names.indexOf("_superusers"), names.join(","));
    await nav.getByText("System", { exact: true }).click();
    await nav.getByRole("button", { name: "_superusers" }).waitFor();
    await nav.getByText("System", { exact: true }).click();
    await nav.getByRole("button", { name: "posts", exact: true }).click();
    await page.getByRole("row").filter({ hasText: "first post" }).waitFor();
    await page.screenshot({ path: `${shots}/records-${name}.png`, fullPage: true });

    // Sort by clicking a header: ascending, then descending.
    await page.getByRole("button", { name: "title", exact: true }).click();
    await page.locator("th[aria-sort=ascending]").waitFor();
    // The reload follows the click; wait for the first body row to be the expected one.
    await page.getByRole("row").nth(1).filter({ hasText: "first post" }).waitFor();
    await page.getByRole("button", { name: "title", exact: true }).click();
    await page.locator("th[aria-sort=descending]").waitFor();
    await page.getByRole("row").nth(1).filter({ hasText: "second post" }).waitFor();

    const filter = page.getByLabel(/Filter/);
    await filter.fill("title ~ 'second'");
    await filter.press("Enter");
    await page.getByRole("row").filter({ hasText: "first post" }).waitFor({ state: "detached" });
    assert.equal(await page.getByRole("row").filter({ hasText: "second post" }).count(), 1);
    await filter.fill("nosuchfield = 1");
    await filter.press("Enter");
    await page.getByRole("alert").waitFor();
    await filter.fill("");
    await filter.press("Enter");

    // New record: a labelled input per field, submitted with "Create"; the row then shows up.
    await page.getByRole("button", { name: "New record" }).click();
    const form = page.getByRole("form", { name: "New record" });
    await form.getByLabel("title").fill(`form ${name}`);
    await page.screenshot({ path: `${shots}/record-form-${name}.png`, fullPage: true });
    await form.getByRole("button", { name: "Create" }).click();
    await page.getByRole("row").filter({ hasText: `form ${name}` }).waitFor();
    await form.waitFor({ state: "detached" });

    // Edit through the row's id button, Save; then Delete after confirming the dialog.
    await page.getByRole("row").filter({ hasText: `form ${name}` }).getByRole("button", { name: /^Edit / }).click();
    const edit = page.getByRole("form", { name: "Edit record" });
    await edit.getByLabel("title").fill(`edited ${name}`);
    await edit.getByRole("button", { name: "Save" }).click();
    await page.getByRole("row").filter({ hasText: `edited ${name}` }).waitFor();
    await page.getByRole("row").filter({ hasText: `edited ${name}` }).getByRole("button", { name: /^Edit / }).click();
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("form", { name: "Edit record" }).getByRole("button", { name: "Delete" }).click();
    await page.getByRole("row").filter({ hasText: `edited ${name}` }).waitFor({ state: "detached" });

    if (name === "light") {
      // Every field type gets an input labelled with its name; a server error shows beside it.
      await nav.getByRole("button", { name: "kinds", exact: true }).click();
      await page.getByRole("button", { name: "New record" }).click();
      const kf = page.getByRole("form", { name: "New record" });
      await kf.getByLabel("n", { exact: true }).fill("4.5");
      await kf.getByLabel("b", { exact: true }).check();
      await kf.getByLabel("e", { exact: true }).fill("not-an-email");
      await kf.getByLabel("u", { exact: true }).fill("https://example.com/x");
      await kf.getByLabel("d", { exact: true }).fill("2026-01-02T03:04");
      await kf.getByLabel("j", { exact: true }).fill('{"k":1}');
      await kf.getByLabel("ed", { exact: true }).fill("<p>hi</p>");
      await kf.getByLabel("s", { exact: true }).selectOption(["red", "blue"]);
      await kf.getByRole("button", { name: "Create" }).click();
      await kf.getByRole("alert").first().waitFor();
      await page.screenshot({ path: `${shots}/record-errors-${name}.png`, fullPage: true });
      await kf.getByLabel("e", { exact: true }).fill("a@example.com");
      await kf.getByRole("button", { name: "Create" }).click();
      await page.getByRole("row").filter({ hasText: "a@example.com" }).waitFor();
      const rec = (await api("/api/collections/kinds/records", "GET", undefined, token)).items[0];
      assert.equal(rec.n, 4.5);
      assert.equal(rec.b, true);
      assert.deepEqual(rec.s, ["red", "blue"]);
      assert.deepEqual(rec.j, { k: 1 });
      await nav.getByRole("button", { name: "posts", exact: true }).click();
      await page.getByRole("row").filter({ hasText: "first post" }).waitFor();
    }

    // Live: a record created through the API shows up without a reload.
    const live = `live ${name}`;
    await api("/api/collections/posts/records", "POST", { title: live }, token);
    await page.getByRole("row").filter({ hasText: live }).waitFor({ timeout: 10000 });

    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByLabel("Application name").waitFor();
    await page.screenshot({ path: `${shots}/settings-${name}.png`, fullPage: true });
    assert.deepEqual(cspErrors.filter((e) => e.includes("Content Security Policy")), []);
    await page.close();
    console.log(`ok ${name}`);
  }
} finally {
  await browser.close();
}
