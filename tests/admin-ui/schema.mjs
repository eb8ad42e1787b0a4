// The console's collections and schema screens against a running Cairn (CAIRN_URL): build a
// collection with every field type through the UI (options checked through the API), a server
// validation error shown beside its input, a list rule edited in the UI and enforced through
// the API, a live syntax error and autocomplete in the rule box, an index, a view collection
// with a preview, export then import with a diff, pin, truncate and delete with a typed name.
// Screenshots (light, dark, 360 px) of the editor, rules, view preview and import diff.
import assert from "node:assert/strict";
import { api, base, shots, launch, looks, sidebar, signIn, superuserToken, watchErrors } from "./lib.mjs";

const token = await superuserToken();
const users = await api("/api/collections/users", "GET", undefined, token);
await api("/api/collections/users/records", "POST",
  { email: "reader@example.com", password: "reader-pass-123", passwordConfirm: "reader-pass-123" }, token);
const { token: userToken } = await api("/api/collections/users/auth-with-password", "POST",
  { identity: "reader@example.com", password: "reader-pass-123" });

// Every type a base collection can have (password belongs to auth collections), with the label
// the "New field type" picker shows.
const TYPES = [["text", "Plain text"], ["editor", "Rich editor"], ["number", "Number"], ["bool", "Bool"],
  ["email", "Email"], ["url", "URL"], ["date", "DateTime"], ["autodate", "Autodate"], ["select", "Select"],
  ["file", "File"], ["relation", "Relation"], ["json", "JSON"], ["geoPoint", "Geo point"]];

const nav = (page) => page.getByRole("navigation", { name: "Collections" });
const group = (page, name) => page.getByRole("group", { name: `Field ${name}`, exact: true });
async function openEditor(page, name) {
  await (await sidebar(page)).getByRole("listitem").filter({ has: page.getByRole("button", { name, exact: true }) })
    .getByRole("link", { name: "Edit collection" }).click();
  await page.getByRole("heading", { name: `Edit ${name}` }).waitFor();
}
async function saveEditor(page, name) {
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.waitForFunction((n) => location.hash === `#/collections/${n}`, name);
}

/** The export box's JSON once the schema has loaded into it. */
async function exportedSchema(page) {
  const box = page.getByLabel("Exported schema");
  for (let i = 0; i < 100; i++) {
    const list = JSON.parse((await box.inputValue()) || "[]");
    if (list.some((c) => c.name === "kinds_ui")) return list;
    await page.waitForTimeout(100);
  }
  throw new Error("the export never showed kinds_ui");
}

/** Console errors (CSP included) and uncaught exceptions; the browser's own "Failed to load
 * resource" lines are left out: the 400s this script provokes on purpose log one each. */
function pageErrors(page) {
  const list = watchErrors(page);
  page.on("pageerror", (e) => list.push(`uncaught: ${e.message}`));
  return { check: () => assert.deepEqual(list.filter((m) => !m.startsWith("Failed to load resource")), []) };
}

const browser = await launch();
try {
  // ---- light: the whole flow ------------------------------------------------------------
  const page = await browser.newPage({ colorScheme: "light" });
  const errors = pageErrors(page);
  await signIn(page);

  // Build a collection with every field type.
  await nav(page).getByRole("link", { name: "New collection" }).click();
  await page.getByRole("heading", { name: "New collection" }).waitFor();
  await page.getByLabel("Name", { exact: true }).fill("kinds_ui");
  for (const [type, label] of TYPES) {
    await page.getByLabel("New field type").selectOption({ label });
    await page.getByRole("button", { name: "Add field" }).click();
    await page.getByLabel(/^Name of field/).last().fill(`f_${type}`);
  }
  console.log("ok every field type added");
  // Options: a few set now; select values and the relation target deliberately left empty.
  await group(page, "f_text").getByRole("button", { name: "Options" }).click();
  await group(page, "f_text").getByLabel("Max length").fill("50");
  await group(page, "f_text").getByLabel("Validation pattern").fill("^[a-z ]*$");
  await group(page, "f_number").getByRole("button", { name: "Options" }).click();
  await group(page, "f_number").getByLabel("Min", { exact: true }).fill("1");
  await group(page, "f_number").getByLabel("No decimals (integers only)").check();
  await group(page, "f_file").getByRole("button", { name: "Options" }).click();
  await group(page, "f_file").getByLabel("Thumb sizes").fill("100x100, 0x50");
  await group(page, "f_file").getByLabel("Protected").check();
  await group(page, "f_autodate").getByRole("button", { name: "Options" }).click();
  await group(page, "f_autodate").getByLabel("Set on update").check();
  await page.getByRole("button", { name: "Create", exact: true }).click();
  // The server's "Cannot be blank." for fields.N.values / fields.N.collectionId shows in that field.
  await group(page, "f_select").getByRole("alert").waitFor();
  await group(page, "f_relation").getByRole("alert").waitFor();
  assert.match(await group(page, "f_select").getByRole("alert").textContent(), /blank/i);
  await page.screenshot({ path: `${shots}/schema-field-errors-light.png`, fullPage: true });
  console.log("ok server validation error beside its input");
  await group(page, "f_select").getByLabel("Choices").fill("draft, published");
  await group(page, "f_select").getByLabel("Max select").fill("2");
  await group(page, "f_relation").getByLabel("Collection", { exact: true }).selectOption({ label: "users" });
  await group(page, "f_relation").getByLabel("Cascade delete").check();
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.waitForFunction(() => location.hash === "#/collections/kinds_ui");
  const saved = await api("/api/collections/kinds_ui", "GET", undefined, token);
  const byName = Object.fromEntries(saved.fields.map((f) => [f.name, f]));
  for (const [type] of TYPES) assert.equal(byName[`f_${type}`]?.type, type, `f_${type}`);
  assert.equal(byName.f_text.max, 50);
  assert.equal(byName.f_text.pattern, "^[a-z ]*$");
  assert.equal(byName.f_number.min, 1);
  assert.equal(byName.f_number.onlyInt, true);
  assert.deepEqual(byName.f_select.values, ["draft", "published"]);
  assert.equal(byName.f_select.maxSelect, 2);
  assert.equal(byName.f_relation.collectionId, users.id);
  assert.equal(byName.f_relation.cascadeDelete, true);
  assert.deepEqual(byName.f_file.thumbs, ["100x100", "0x50"]);
  assert.equal(byName.f_file.protected, true);
  assert.equal(byName.f_autodate.onUpdate, true);
  console.log("ok collection with every field type saved and checked through the API");

  // Rules: autocomplete, a live syntax error, then a list rule enforced through the API.
  await openEditor(page, "kinds_ui");
  await page.getByRole("tab", { name: "Fields" }).waitFor();
  await page.screenshot({ path: `${shots}/schema-editor-light.png`, fullPage: true });
  await page.getByRole("tab", { name: "API rules" }).click();
  await page.getByLabel("Superusers only (List/Search rule)").uncheck();
  const listRule = page.getByRole("combobox", { name: "List/Search rule" });
  await listRule.click();
  await listRule.pressSequentially("f_te");
  const option = page.getByRole("option", { name: /f_text/ });
  await option.waitFor();
  await listRule.press("Enter");
  assert.equal(await listRule.inputValue(), "f_text");
  console.log("ok autocomplete offers a field name");
  await listRule.pressSequentially(" = 'visible' &&");
  const syntax = page.locator("[data-syntax-error]");
  await syntax.waitFor();
  assert.match(await syntax.textContent(), /operand|field|expected/i);
  assert.equal(await listRule.getAttribute("aria-invalid"), "true");
  await page.screenshot({ path: `${shots}/schema-rules-light.png`, fullPage: true });
  console.log("ok syntax error shown inline before saving");
  await listRule.fill("f_text = 'visible'");
  await syntax.waitFor({ state: "detached" });
  await saveEditor(page, "kinds_ui");
  assert.equal((await api("/api/collections/kinds_ui", "GET", undefined, token)).listRule, "f_text = 'visible'");
  await api("/api/collections/kinds_ui/records", "POST", { f_text: "visible", f_number: 2 }, token);
  await api("/api/collections/kinds_ui/records", "POST", { f_text: "hidden", f_number: 3 }, token);
  const seen = await api("/api/collections/kinds_ui/records", "GET", undefined, userToken);
  assert.deepEqual(seen.items.map((r) => r.f_text), ["visible"]);
  console.log("ok list rule edited in the UI is enforced through the API");

  // An index through the builder.
  await openEditor(page, "kinds_ui");
  await page.getByRole("tab", { name: "Indexes" }).click();
  await page.getByLabel("Columns").selectOption("f_text");
  await page.getByLabel("Unique").check();
  await page.getByRole("button", { name: "Add index" }).click();
  await page.getByLabel("Index 1", { exact: true }).waitFor();
  await saveEditor(page, "kinds_ui");
  const indexes = (await api("/api/collections/kinds_ui", "GET", undefined, token)).indexes;
  assert.ok(indexes.some((i) => /^CREATE UNIQUE INDEX/i.test(i) && i.includes("f_text")), indexes.join("\n"));
  console.log("ok index added");

  // A view collection with a preview (a bad query first: the SQL error shows).
  await nav(page).getByRole("link", { name: "New collection" }).click();
  await page.getByLabel("Name", { exact: true }).fill("kinds_view");
  await page.getByLabel("Type", { exact: true }).selectOption("view");
  await page.getByLabel("View query").fill("SELECT id, nope FROM kinds_ui");
  await page.getByRole("button", { name: "Preview" }).click();
  await page.getByRole("alert").filter({ hasText: /nope/ }).waitFor();
  await page.getByLabel("View query").fill("SELECT id, f_text, f_number FROM kinds_ui ORDER BY f_number");
  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.getByRole("region", { name: "View preview" });
  await preview.getByRole("cell", { name: "visible" }).waitFor();
  assert.ok((await preview.textContent()).includes("f_number"));
  await page.screenshot({ path: `${shots}/schema-view-preview-light.png`, fullPage: true });
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.waitForFunction(() => location.hash === "#/collections/kinds_view");
  const view = await api("/api/collections/kinds_view", "GET", undefined, token);
  assert.equal(view.type, "view");
  assert.deepEqual(view.fields.map((f) => f.name), ["id", "f_text", "f_number"]);
  console.log("ok view collection with a preview");

  // Export, then import a changed copy with a diff shown first.
  await nav(page).getByRole("link", { name: "Import / export" }).click();
  const exported = await exportedSchema(page);
  assert.ok(exported.some((c) => c.name === "kinds_ui"));
  const changed = exported.map((c) => (c.name !== "kinds_ui" ? c : {
    ...c, fields: [...c.fields.filter((f) => f.name !== "f_geoPoint"), { name: "f_extra", type: "text" }],
  }));
  changed.push({ name: "imported_one", type: "base", fields: [{ name: "title", type: "text" }] });
  await page.getByLabel("Schema JSON to import").fill(JSON.stringify(changed));
  await page.getByRole("button", { name: "Review changes" }).click();
  const diff = page.getByRole("region", { name: "Import diff" });
  await diff.getByText("imported_one").waitFor();
  const diffText = await diff.textContent();
  assert.match(diffText, /added\s*imported_one/);
  assert.match(diffText, /field f_extra added/);
  assert.match(diffText, /field f_geoPoint removed/);
  await page.screenshot({ path: `${shots}/schema-import-diff-light.png`, fullPage: true });
  await diff.getByLabel("Delete collections missing from the import").check();
  await diff.getByRole("alert").waitFor({ state: "detached" }).catch(() => {});
  await diff.getByLabel("Delete collections missing from the import").uncheck();
  await diff.getByRole("button", { name: "Apply import" }).click();
  await page.getByRole("status").filter({ hasText: "applied" }).waitFor();
  await nav(page).getByRole("button", { name: "imported_one", exact: true }).waitFor();
  const afterImport = await api("/api/collections/kinds_ui", "GET", undefined, token);
  assert.ok(afterImport.fields.some((f) => f.name === "f_extra"));
  assert.ok(!afterImport.fields.some((f) => f.name === "f_geoPoint"));
  console.log("ok export then import with a diff");

  // Pin: shown first, kept over a reload.
  const kindsItem = nav(page).getByRole("listitem").filter({ has: page.getByRole("button", { name: "kinds_view", exact: true }) });
  await kindsItem.getByRole("button", { name: "Pin" }).click();
  const pinned = page.getByRole("list", { name: "Pinned collections" });
  await pinned.getByRole("button", { name: "kinds_view", exact: true }).waitFor();
  await page.reload();
  await pinned.getByRole("button", { name: "kinds_view", exact: true }).waitFor({ timeout: 5000 }).catch(async (e) => {
    console.log(await page.evaluate(() => localStorage.getItem("cairn.pinnedCollections")), await nav(page).innerText(), page.url());
    throw e;
  });
  const order = await nav(page).getByRole("button", { name: /^(kinds_view|kinds_ui|imported_one)$/ }).allTextContents();
  assert.equal(order[0], "kinds_view", order.join(","));
  console.log("ok pin a collection");

  // Truncate and delete, each confirmed by typing the collection's name.
  await openEditor(page, "kinds_ui");
  await page.getByRole("button", { name: "Truncate", exact: true }).click();
  const dialog = page.getByRole("dialog");
  const confirmTruncate = dialog.getByRole("button", { name: "Truncate records" });
  assert.equal(await confirmTruncate.isDisabled(), true);
  await dialog.getByLabel("Collection name to confirm").fill("kinds_u");
  assert.equal(await confirmTruncate.isDisabled(), true);
  await dialog.getByLabel("Collection name to confirm").fill("kinds_ui");
  await confirmTruncate.click();
  await page.getByRole("status").filter({ hasText: "were deleted" }).waitFor();
  assert.equal((await api("/api/collections/kinds_ui/records", "GET", undefined, token)).totalItems, 0);
  await openEditor(page, "imported_one");
  await page.getByRole("button", { name: "Delete collection" }).click();
  await dialog.getByLabel("Collection name to confirm").fill("imported_one");
  await dialog.getByRole("button", { name: "Delete permanently" }).click();
  await nav(page).getByRole("button", { name: "imported_one", exact: true }).waitFor({ state: "detached" });
  const gone = await fetch(`${base}/api/collections/imported_one`, { headers: { authorization: token } });
  assert.equal(gone.status, 404);
  console.log("ok truncate and delete with confirmation");
  errors.check();
  await page.close();

  // ---- the three looks: editor, rules, view preview and import diff ----------------------
  // Rows for the view preview shots (the collection was truncated above).
  for (const [t, n] of [["visible", 5], ["also shown", 6]]) {
    await api("/api/collections/kinds_ui/records", "POST", { f_text: t, f_number: n }, token);
  }
  for (const [look, opts] of looks) {
    const p = await browser.newPage(opts);
    const errs = pageErrors(p);
    await signIn(p);
    if (look === "narrow") {
      // The sidebar sits above the content: still usable at 360 px.
      await nav(p).getByRole("button", { name: "kinds_ui", exact: true }).waitFor();
    }
    await openEditor(p, "kinds_ui");
    await group(p, "f_text").getByRole("button", { name: "Options" }).click();
    await p.screenshot({ path: `${shots}/schema-editor-${look}.png`, fullPage: true });
    await p.getByRole("tab", { name: "API rules" }).click();
    await p.getByRole("combobox", { name: "List/Search rule" }).fill("f_text = ");
    await p.locator("[data-syntax-error]").waitFor();
    await p.screenshot({ path: `${shots}/schema-rules-${look}.png`, fullPage: true });
    await openEditor(p, "kinds_view");
    await p.getByRole("button", { name: "Preview" }).click();
    await p.getByRole("region", { name: "View preview" }).getByRole("cell", { name: "also shown" }).waitFor();
    await p.screenshot({ path: `${shots}/schema-view-preview-${look}.png`, fullPage: true });
    await (await sidebar(p)).getByRole("link", { name: "Import / export" }).click();
    const list = await exportedSchema(p);
    list.push({ name: `look_${look}`, type: "base", fields: [] });
    await p.getByLabel("Schema JSON to import").fill(JSON.stringify(list.filter((c) => c.name !== "kinds_view")));
    await p.getByRole("button", { name: "Review changes" }).click();
    await p.getByLabel("Delete collections missing from the import").check();
    await p.getByRole("region", { name: "Import diff" }).getByRole("alert").waitFor();
    await p.screenshot({ path: `${shots}/schema-import-diff-${look}.png`, fullPage: true });
    errs.check();
    await p.close();
    console.log(`ok looks ${look}`);
  }
} finally {
  await browser.close();
}
