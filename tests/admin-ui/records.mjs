// The console's records screens against a running Cairn (CAIRN_URL): a collection with every
// field type; add a record through every input (rich text, date-time, relation picker, PNG
// upload) and check the stored values through the API; the thumbnail in the table; edit; deep
// link; live create/delete; filter (Enter, inline error); sort; column picker; bulk delete;
// delete one; impersonate an auth record. Screenshots (light, dark, 360 px) into SHOT_DIR.
import assert from "node:assert/strict";
import { deflateSync, crc32 } from "node:zlib";
import { api, base, shots, launch, looks, sidebar, signIn, superuserToken, watchErrors } from "./lib.mjs";

/** A real 8x8 PNG (red/blue checks), so the server can make a thumbnail of it. */
function png() {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(8, 0); ihdr.writeUInt32BE(8, 4); ihdr[8] = 8; ihdr[9] = 2;
  const rows = [];
  for (let y = 0; y < 8; y++) {
    rows.push(0);
    for (let x = 0; x < 8; x++) rows.push(...((x + y) % 2 ? [220, 40, 40] : [40, 80, 220]));
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.from(rows))), chunk("IEND", Buffer.alloc(0))]);
}

/** watchErrors, with where each error came from; the missing /favicon.ico (Chromium asks for
 *  it on its own, the console has no icon yet) is not the records screens' error. */
function consoleErrors(page) {
  const errors = watchErrors(page);
  const located = [];
  page.on("console", (m) => { if (m.type() === "error") located.push(`${m.text()} @ ${m.location().url}`); });
  page.on("pageerror", (e) => located.push(String(e)));
  return { filter: (f) => located.filter((e) => !e.endsWith("/favicon.ico")).filter(f), all: () => errors };
}

const token = await superuserToken();
await api("/api/settings", "PATCH", { batch: { enabled: true, maxRequests: 50 } }, token);
const authors = await api("/api/collections", "POST", { name: "authors", type: "base", fields: [
  { name: "name", type: "text", presentable: true }] }, token);
const ada = await api("/api/collections/authors/records", "POST", { name: "Ada" }, token);
const grace = await api("/api/collections/authors/records", "POST", { name: "Grace" }, token);
await api("/api/collections", "POST", { name: "items", type: "base", fields: [
  { name: "title", type: "text" }, { name: "body", type: "editor" }, { name: "qty", type: "number" },
  { name: "done", type: "bool" }, { name: "contact", type: "email" }, { name: "site", type: "url" },
  { name: "due", type: "date" }, { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
  { name: "meta", type: "json" }, { name: "pics", type: "file", maxSelect: 3, thumbs: ["100x100"] },
  { name: "author", type: "relation", collectionId: authors.id, maxSelect: 1 },
  { name: "place", type: "geoPoint" },
  { name: "created", type: "autodate", onCreate: true }, { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
] }, token);
await api("/api/collections", "POST", { name: "notes", type: "base", fields: [{ name: "text", type: "text" }] }, token);
await api("/api/collections", "POST", { name: "members", type: "auth", fields: [], viewRule: "id = @request.auth.id" }, token);
const member = await api("/api/collections/members/records", "POST",
  { email: "m@example.com", password: "member-pass-123", passwordConfirm: "member-pass-123" }, token);
const get = (path) => api(path, "GET", undefined, token);

const browser = await launch();
try {
  // ---- The whole flow, in the light look.
  const page = await browser.newPage({ colorScheme: "light", viewport: { width: 1280, height: 900 } });
  const errors = consoleErrors(page);
  await signIn(page);
  const nav = page.getByRole("navigation", { name: "Collections" });
  await nav.getByRole("button", { name: "items", exact: true }).click();
  // The schema's columns show even without records, with an empty state.
  await page.getByRole("columnheader", { name: "place" }).waitFor();
  await page.getByText("No records yet").waitFor();
  await page.screenshot({ path: `${shots}/records-empty-light.png`, fullPage: true });
  console.log("ok empty table");

  // Add a record through every input.
  await page.getByRole("button", { name: "New record" }).click();
  const form = page.getByRole("form", { name: "New record" });
  await form.getByLabel("title", { exact: true }).fill("first item");
  const editor = form.getByRole("textbox", { name: "body", exact: true });
  await editor.click();
  await page.keyboard.type("Hello world");
  await page.keyboard.press("Control+A");
  await form.getByRole("button", { name: "Bold" }).click();
  // A pasted link with a script URL is sanitised away before it is sent.
  await editor.evaluate((el) => {
    el.insertAdjacentHTML("beforeend", '<p><a href="javascript:alert(1)">bad link</a></p>');
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await form.getByLabel("qty", { exact: true }).fill("7");
  await form.getByLabel("done", { exact: true }).check();
  await form.getByLabel("contact", { exact: true }).fill("ada@example.com");
  await form.getByLabel("site", { exact: true }).fill("https://example.com/item");
  await form.getByLabel("due", { exact: true }).fill("2026-03-04T05:06:07");
  await form.getByLabel("tags", { exact: true }).selectOption(["a", "c"]);
  await form.getByLabel("meta", { exact: true }).fill('{"k": [1, 2]}');
  await form.getByRole("button", { name: "Format JSON" }).click();
  await form.getByLabel("pics", { exact: true }).setInputFiles({ name: "checks.png", mimeType: "image/png", buffer: png() });
  await form.getByRole("img", { name: "checks.png" }).waitFor();
  await form.getByLabel("Longitude").fill("13.4");
  await form.getByLabel("Latitude").fill("52.5");
  // The relation picker: a dialog with a search box; one choice closes it.
  await form.getByLabel("author", { exact: true }).click();
  const picker = page.getByRole("dialog", { name: "Choose author" });
  await picker.getByRole("option", { name: /Ada/ }).waitFor();
  await picker.getByLabel("Search records").fill("Gra");
  await picker.getByRole("option", { name: /Ada/ }).waitFor({ state: "detached" });
  await page.screenshot({ path: `${shots}/relation-picker-light.png` });
  await picker.getByRole("option", { name: /Grace/ }).click();
  await picker.waitFor({ state: "detached" });
  await form.getByRole("button", { name: "Remove Grace" }).waitFor();
  await page.screenshot({ path: `${shots}/record-panel-light.png` });
  await form.getByRole("button", { name: "Create" }).click();
  await form.waitFor({ state: "detached", timeout: 8000 }).catch(async (e) => {
    await page.screenshot({ path: `${shots}/records-failure.png` });
    throw new Error(`create failed: ${(await form.getByRole("alert").allTextContents()).join(" | ")} ${errors.filter(() => true).join(" | ")}`, { cause: e });
  });
  const row = page.getByRole("row").filter({ hasText: "first item" });
  await row.waitFor();
  console.log("ok add record");

  const rec = (await get("/api/collections/items/records")).items[0];
  const due = await page.evaluate(() => new Date("2026-03-04T05:06:07").toISOString().replace("T", " "));
  assert.equal(rec.title, "first item");
  assert.match(rec.body, /<(b|strong)>Hello world<\/(b|strong)>/);
  assert.ok(rec.body.includes("bad link") && !rec.body.includes("javascript:"), rec.body);
  assert.equal(rec.qty, 7);
  assert.equal(rec.done, true);
  assert.equal(rec.contact, "ada@example.com");
  assert.equal(rec.site, "https://example.com/item");
  assert.equal(rec.due, due);
  assert.deepEqual(rec.tags, ["a", "c"]);
  assert.deepEqual(rec.meta, { k: [1, 2] });
  assert.equal(rec.pics.length, 1);
  assert.match(rec.pics[0], /^checks.*\.png$/);
  assert.equal(rec.author, grace.id);
  assert.deepEqual(rec.place, { lon: 13.4, lat: 52.5 });
  assert.ok(rec.created);
  console.log("ok stored values");

  // The table: the uploaded image's thumbnail (a real image, from the thumbs endpoint) and
  // the relation shown by its presentable field.
  const thumb = row.getByRole("img", { name: rec.pics[0] });
  await thumb.waitFor();
  assert.match(await thumb.getAttribute("src"), /thumb=100x100/);
  await page.waitForFunction(() => [...document.querySelectorAll("tbody img")].some((i) => i.complete && i.naturalWidth > 0));
  await row.getByText("Grace").waitFor();
  await page.screenshot({ path: `${shots}/records-table-light.png`, fullPage: true });
  console.log("ok thumbnail");

  // Edit: a click on the row opens the panel, and the URL names the record.
  await row.getByText("ada@example.com").click();
  const edit = page.getByRole("form", { name: "Edit record" });
  await edit.waitFor();
  assert.ok(page.url().endsWith(`#/collections/items/records/${rec.id}`), page.url());
  await edit.getByLabel("title", { exact: true }).fill("edited item");
  await edit.getByLabel("qty", { exact: true }).fill("8");
  await edit.getByRole("button", { name: "Save" }).click();
  await edit.waitFor({ state: "detached" });
  await page.getByRole("row").filter({ hasText: "edited item" }).waitFor();
  const edited = await get(`/api/collections/items/records/${rec.id}`);
  assert.equal(edited.title, "edited item");
  assert.equal(edited.qty, 8);
  assert.deepEqual(edited.pics, rec.pics);
  console.log("ok edit record");

  // A deep link opens the record directly (also the ?record= form).
  await page.goto(`${base}/_/#/collections/items/records/${rec.id}`);
  await page.getByRole("form", { name: "Edit record" }).getByLabel("title", { exact: true }).waitFor();
  assert.equal(await page.getByRole("form", { name: "Edit record" }).getByLabel("title", { exact: true }).inputValue(), "edited item");
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.goto(`${base}/_/#/collections/items?record=${rec.id}`);
  await page.getByRole("form", { name: "Edit record" }).waitFor();
  await page.keyboard.press("Escape");
  await page.getByRole("form", { name: "Edit record" }).waitFor({ state: "detached" });
  console.log("ok deep link");

  // Live: records created through the API appear, one deleted through the API goes.
  const b1 = await api("/api/collections/items/records", "POST", { title: "bulk one", qty: 1 }, token);
  const b2 = await api("/api/collections/items/records", "POST", { title: "bulk two", qty: 2 }, token);
  const gone = await api("/api/collections/items/records", "POST", { title: "short lived", qty: 3 }, token);
  await page.getByRole("row").filter({ hasText: "short lived" }).waitFor({ timeout: 10000 });
  await page.getByRole("row").filter({ hasText: "bulk two" }).waitFor();
  await api(`/api/collections/items/records/${gone.id}`, "DELETE", undefined, token);
  await page.getByRole("row").filter({ hasText: "short lived" }).waitFor({ state: "detached", timeout: 10000 });
  console.log("ok live updates");

  // Filter: Enter applies; a bad filter shows the server's error inline.
  const filter = page.getByRole("combobox", { name: /Filter/ });
  await filter.fill("title ~ 'bulk'");
  await filter.press("Enter");
  await page.getByRole("row").filter({ hasText: "edited item" }).waitFor({ state: "detached" });
  assert.equal(await page.getByRole("row").filter({ hasText: "bulk" }).count(), 2);
  await filter.fill("nosuchfield = 1");
  await filter.press("Enter");
  await page.getByRole("alert").filter({ hasText: /filter|nosuchfield/i }).waitFor();
  await page.screenshot({ path: `${shots}/records-filter-error-light.png` });
  await filter.fill("");
  await filter.press("Enter");
  await page.getByRole("row").filter({ hasText: "edited item" }).waitFor();
  console.log("ok filter");

  // Sort by a header: ascending, descending, then back to the default (newest first).
  const qty = page.getByRole("button", { name: "qty", exact: true });
  await qty.click();
  await page.locator("th[aria-sort=ascending]").waitFor();
  await page.getByRole("row").nth(1).filter({ hasText: "bulk one" }).waitFor();
  await qty.click();
  await page.locator("th[aria-sort=descending]").waitFor();
  await page.getByRole("row").nth(1).filter({ hasText: "edited item" }).waitFor();
  await qty.click();
  await page.locator("th[aria-sort=descending], th[aria-sort=ascending]").waitFor({ state: "detached" });
  await page.getByRole("row").nth(1).filter({ hasText: "bulk two" }).waitFor();
  console.log("ok sort");

  // Column picker: hiding a column lasts across a reload.
  await page.getByText("Columns", { exact: true }).click();
  await page.getByRole("group", { name: "Shown columns" }).getByLabel("body").uncheck();
  await page.getByRole("columnheader", { name: "body" }).waitFor({ state: "detached" });
  await page.reload();
  await page.getByRole("row").filter({ hasText: "edited item" }).waitFor();
  assert.equal(await page.getByRole("columnheader", { name: "body" }).count(), 0);
  await page.getByText("Columns", { exact: true }).click();
  await page.getByRole("group", { name: "Shown columns" }).getByLabel("body").check();
  await page.getByRole("columnheader", { name: "body" }).waitFor();
  await page.getByText("Columns", { exact: true }).click();
  console.log("ok column picker");

  // Bulk delete (through /api/batch) after a confirmation.
  await page.getByRole("checkbox", { name: `Select ${b1.id}` }).check();
  await page.getByRole("checkbox", { name: `Select ${b2.id}` }).check();
  await page.getByText("2 selected").waitFor();
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Delete selected" }).click();
  await page.getByRole("row").filter({ hasText: "bulk" }).first().waitFor({ state: "detached" });
  assert.equal((await get("/api/collections/items/records")).totalItems, 1);
  console.log("ok bulk delete");

  // Delete one from its panel (keyboard: focus the row, Enter opens it).
  await page.getByRole("row").filter({ hasText: "edited item" }).focus();
  await page.keyboard.press("Enter");
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("form", { name: "Edit record" }).getByRole("button", { name: "Delete" }).click();
  await page.getByText("No records yet").waitFor();
  assert.equal((await get("/api/collections/items/records")).totalItems, 0);
  console.log("ok delete record");

  // Impersonate an auth record: the token works on the API; the console keeps its session.
  await nav.getByRole("button", { name: "members", exact: true }).click();
  await page.getByRole("row").filter({ hasText: "m@example.com" }).click();
  const panel = page.getByRole("form", { name: "Edit record" });
  await panel.getByLabel("email", { exact: true }).waitFor();
  await panel.getByRole("button", { name: "Impersonate" }).click();
  const tokenBox = panel.getByLabel("Impersonation token");
  await tokenBox.waitFor();
  const impersonated = await tokenBox.inputValue();
  // Impersonation tokens cannot be refreshed (as in PocketBase); the view rule lets it read itself.
  const me = await api(`/api/collections/members/records/${member.id}`, "GET", undefined, impersonated);
  assert.equal(me.id, member.id);
  const session = await page.evaluate(() => JSON.parse(localStorage.getItem("pocketbase_auth") ?? "{}"));
  assert.equal(session.record?.collectionName, "_superusers");
  await page.screenshot({ path: `${shots}/record-auth-light.png` });
  console.log("ok impersonate");

  // The bad filter's 400 is logged by Chromium as a failed resource; anything else fails.
  assert.deepEqual(errors.filter((e) => !/status of 400 .* @ .*filter=nosuchfield/.test(e)), []);
  await page.close();

  // ---- Screenshots of the table with data, empty, the panel and the picker in every look.
  for (const author of [ada, grace]) {
    const fd = new FormData();
    fd.append("title", `sample by ${author.name}`);
    fd.append("qty", "3");
    fd.append("author", author.id);
    fd.append("pics", new Blob([png()], { type: "image/png" }), "sample.png");
    const r = await fetch(`${base}/api/collections/items/records`, { method: "POST", body: fd, headers: { authorization: token } });
    assert.ok(r.ok, await r.text());
  }
  for (const [name, opts] of looks) {
    const p = await browser.newPage(opts);
    const errs = consoleErrors(p);
    await signIn(p);
    await (await sidebar(p)).getByRole("button", { name: "notes", exact: true }).click();
    await p.getByText("No records yet").waitFor();
    await p.screenshot({ path: `${shots}/records-empty-${name}.png`, fullPage: true });
    await (await sidebar(p)).getByRole("button", { name: "items", exact: true }).click();
    await p.getByRole("row").filter({ hasText: "sample by Ada" }).waitFor();
    await p.waitForFunction(() => [...document.querySelectorAll("tbody img")].filter((i) => i.complete && i.naturalWidth > 0).length >= 2);
    await p.screenshot({ path: `${shots}/records-table-${name}.png`, fullPage: true });
    await p.getByRole("row").filter({ hasText: "sample by Ada" }).getByRole("button", { name: /^Edit / }).click();
    const f = p.getByRole("form", { name: "Edit record" });
    await f.getByRole("button", { name: "Remove Ada" }).waitFor();
    await p.screenshot({ path: `${shots}/record-panel-${name}.png` });
    await f.getByLabel("author", { exact: true }).click();
    await p.getByRole("dialog", { name: "Choose author" }).getByRole("option", { name: /Grace/ }).waitFor();
    await p.screenshot({ path: `${shots}/relation-picker-${name}.png` });
    await p.keyboard.press("Escape");
    await p.getByRole("dialog", { name: "Choose author" }).waitFor({ state: "detached" });
    await f.getByRole("button", { name: "Cancel" }).click();
    assert.deepEqual(errs.filter(() => true), []);
    await p.close();
    console.log(`ok looks ${name}`);
  }
} finally {
  await browser.close();
}
