// The first-superuser installer screen: opens the link `cairn serve` printed on an empty data
// dir (CAIRN_INSTALL_URL), creates the superuser there and lands signed in; the API then knows
// only that superuser (the temporary installer one is gone). Screenshots in the three looks.
import assert from "node:assert/strict";
import { api, base, shots, launch, looks, watchErrors } from "./lib.mjs";

const link = process.env.CAIRN_INSTALL_URL;
assert.ok(link && link.includes("/_/#/pbinstall/"), `install link: ${link}`);
const browser = await launch();
try {
  for (const [name, opts] of looks) {
    const page = await browser.newPage(opts);
    const errors = watchErrors(page);
    await page.goto(link);
    await page.getByRole("button", { name: "Create superuser" }).waitFor();
    await page.screenshot({ path: `${shots}/installer-${name}.png` });
    if (name === "light") {
      // A server validation error shows beside its field (password too short).
      await page.getByLabel("Email").fill("first@example.com");
      await page.getByLabel("Password", { exact: true }).fill("short");
      await page.getByLabel("Password confirm").fill("short");
      await page.getByLabel("Password", { exact: true }).evaluate((el) => el.removeAttribute("minlength"));
      await page.getByRole("button", { name: "Create superuser" }).click();
      await page.locator(".field-error").first().waitFor();
      console.log("ok installer shows field errors");
      await page.getByLabel("Password", { exact: true }).fill("first-password-123");
      await page.getByLabel("Password confirm").fill("first-password-123");
      await page.getByRole("button", { name: "Create superuser" }).click();
      await page.getByRole("navigation", { name: "Collections" }).waitFor();
      await page.screenshot({ path: `${shots}/installer-done-${name}.png` });
      const { token } = await api("/api/collections/_superusers/auth-with-password", "POST", { identity: "first@example.com", password: "first-password-123" });
      // The temporary superuser is deleted right after the create (an after-success hook).
      let emails = [];
      for (let i = 0; i < 50; i++) {
        emails = (await api("/api/collections/_superusers/records", "GET", undefined, token)).items.map((r) => r.email);
        if (emails.length === 1) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(emails, ["first@example.com"]);
      console.log("ok installer created the first superuser");
    } else {
      // The temporary superuser is gone: its link no longer creates anything.
      await page.getByLabel("Email").fill(`late-${name}@example.com`);
      await page.getByLabel("Password", { exact: true }).fill("late-password-123");
      await page.getByLabel("Password confirm").fill("late-password-123");
      await page.getByRole("button", { name: "Create superuser" }).click();
      await page.getByRole("alert").waitFor();
    }
    // Refused requests (the expected 4xx) log "Failed to load resource"; nothing else may.
    assert.deepEqual(errors.filter((e) => !e.includes("Failed to load resource")), []);
    await page.close();
  }
  console.log("ok installer link is single-use");
} finally {
  await browser.close();
}
