// The sign-ins that go through a mailbox, with the generated client against a real Cairn: the
// server's settings point at a real SMTP receiver (`smtp-server`, on loopback) and the tests
// read the one-time codes from the mails it received — OTP sign-in, password + OTP for MFA,
// and a wrong code refused.
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ClientResponseError, createClient } from "./generated/index.js";

const BASE = process.env.CAIRN_URL ?? "";
const SU_EMAIL = process.env.CAIRN_SU_EMAIL ?? "";
const SU_PASSWORD = process.env.CAIRN_SU_PASSWORD ?? "";
const RUN = Date.now().toString(36);

interface Mail {
  to: string[];
  data: string;
}

const inbox: Mail[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, session, done) {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString("utf8") });
      done();
    });
  },
});

/** Quoted-printable soft breaks and `=XX` escapes undone (the mailer encodes HTML bodies so). */
function decodeQuotedPrintable(s: string): string {
  const joined = s.replace(/=\r?\n/g, "");
  return joined.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The newest mail to `to` received after `since` mails, waiting up to 10 s for it. */
async function mailTo(to: string, since: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const m = inbox.slice(since).reverse().find((x) => x.to.includes(to));
    if (m) return decodeQuotedPrintable(m.data);
    if (Date.now() > deadline) throw new Error(`no mail to ${to}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The code in the default OTP template: `<strong>CODE</strong>`. */
function otpCode(mail: string): string {
  const m = /<strong>([^<]+)<\/strong>/.exec(mail);
  if (!m?.[1]) throw new Error(`no code in mail:\n${mail}`);
  return m[1];
}

beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  const su = createClient(BASE, { authStore: "memory" });
  await su.collection("_superusers").authWithPassword(SU_EMAIL, SU_PASSWORD);
  // Settings are not a collection: the typed client's raw `send` is the way to them.
  await su.send("/api/settings", {
    method: "PATCH",
    body: {
      smtp: { enabled: true, host: "127.0.0.1", port },
      meta: { senderName: "Cairn tests", senderAddress: "tests@example.com" },
    },
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe("auth by mail", () => {
  it("signs in with a one-time password read from the mail", async () => {
    const c = createClient(BASE, { authStore: "memory" });
    const email = `otp${RUN}@example.com`;
    const created = await c.collection("members").create({ email, password: "password-123", passwordConfirm: "password-123" });
    const before = inbox.length;
    const { otpId } = await c.collection("members").requestOTP(email);
    const code = otpCode(await mailTo(email, before));

    const wrong = (await c.collection("members").authWithOTP(otpId, "not-the-code").catch((e: unknown) => e)) as ClientResponseError;
    expect(wrong).toBeInstanceOf(ClientResponseError);
    expect(wrong.status).toBe(400);
    expect(c.authStore.isValid).toBe(false);

    const auth = await c.collection("members").authWithOTP(otpId, code);
    expect(auth.record.id).toBe(created.id);
    expect(auth.record.email).toBe(email);
    expect(c.authStore.isValid).toBe(true);
    expect(c.authStore.record?.id).toBe(created.id);
    // The token works: the record's own update rule lets it rename itself.
    const renamed = await c.collection("members").update(created.id, { name: "Otto" });
    expect(renamed.name).toBe("Otto");
  });

  it("finishes an MFA sign-in: password first, then the mailed code with the mfaId", async () => {
    const c = createClient(BASE, { authStore: "memory" });
    const email = `mfa${RUN}@example.com`;
    const created = await c.collection("guarded").create({ email, password: "password-123", passwordConfirm: "password-123" });
    const first = (await c.collection("guarded").authWithPassword(email, "password-123").catch((e: unknown) => e)) as ClientResponseError;
    expect(first.status).toBe(401);
    const mfaId = first.response["mfaId"];
    expect(typeof mfaId).toBe("string");
    expect(c.authStore.isValid).toBe(false);

    const before = inbox.length;
    const { otpId } = await c.collection("guarded").requestOTP(email);
    const code = otpCode(await mailTo(email, before));
    const auth = await c.collection("guarded").authWithOTP(otpId, code, { mfaId: String(mfaId) });
    expect(auth.record.id).toBe(created.id);
    expect(c.authStore.isValid).toBe(true);
    expect(c.authStore.record?.id).toBe(created.id);
  });
});
