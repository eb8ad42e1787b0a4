// A real SMTP receiver on 127.0.0.1 (nodemailer's smtp-server) for the e2e: Cairn's mailer
// delivers the auth flows' and the invitations' mails here, and the test reads the links out
// of them. Plain SMTP only (no STARTTLS offered, no AUTH), as the test points Cairn at it.
import { SMTPServer } from "smtp-server";

/** RFC 2047 encoded words in a header (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`). */
function decodeWords(s) {
  return s.replace(/=\?([^?]+)\?([bqBQ])\?([^?]*)\?=/g, (_, _cs, enc, text) =>
    enc.toLowerCase() === "b"
      ? Buffer.from(text, "base64").toString("utf8")
      : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8"));
}

/** Quoted-printable → text (soft line breaks joined, `=XX` bytes decoded as UTF-8). */
function decodeQuotedPrintable(s) {
  const bytes = s.replace(/=\r?\n/g, "").replace(/=([0-9A-Fa-f]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/** One received message: recipients, subject, and the decoded body (all parts). */
function parse(raw, rcptTo) {
  const [head] = raw.split(/\r?\n\r?\n/, 1);
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  const subject = decodeWords(/^subject:\s*(.*)$/im.exec(unfolded)?.[1] ?? "");
  const body = /content-transfer-encoding:\s*quoted-printable/i.test(raw) ? decodeQuotedPrintable(raw) : raw;
  return { to: rcptTo, subject, body };
}

export async function startMailbox() {
  const messages = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on("data", (c) => chunks.push(c));
      stream.on("end", () => {
        messages.push(parse(Buffer.concat(chunks).toString("latin1"), session.envelope.rcptTo.map((r) => r.address.toLowerCase())));
        callback();
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    port: server.server.address().port,
    messages,
    /** The first message to `to` whose subject matches `subject`, within `timeoutMs`. */
    async waitFor(to, subject, timeoutMs = 15000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = messages.find((x) => x.to.includes(to.toLowerCase()) && subject.test(x.subject));
        if (m) return m;
        if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${subject}; got ${JSON.stringify(messages.map((x) => [x.to, x.subject]))}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

/** The first link in a mail's body whose URL starts with `prefix`. */
export function linkIn(mail, prefix) {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`href="(${escaped}[^"]*)"`).exec(mail.body);
  if (!m) throw new Error(`no link to ${prefix} in ${mail.subject}:\n${mail.body.slice(0, 2000)}`);
  return m[1].replace(/&amp;/g, "&");
}
