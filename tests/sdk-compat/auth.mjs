// The official PocketBase JS SDK (unmodified) through Cairn's auth flows: signup, login,
// refresh, verification, password reset, email change, OTP, MFA and impersonate. Mail goes
// through a real SMTP receiver this script runs on 127.0.0.1 (node:net); tokens and codes are
// read from the delivered mail.
//
// Usage: CAIRN_URL=… CAIRN_SU_EMAIL=… CAIRN_SU_PASSWORD=… node auth.mjs

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';

import PocketBase, { ClientResponseError } from 'pocketbase';

const BASE_URL = process.env.CAIRN_URL;
const SU_EMAIL = process.env.CAIRN_SU_EMAIL;
const SU_PASSWORD = process.env.CAIRN_SU_PASSWORD;
if (!BASE_URL || !SU_EMAIL || !SU_PASSWORD) {
  console.error('missing env CAIRN_URL, CAIRN_SU_EMAIL, CAIRN_SU_PASSWORD');
  process.exit(2);
}
const TIMEOUT = { timeout: 30_000 };
const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

// ---- a minimal SMTP receiver -------------------------------------------------------------
const inbox = [];
const waiters = [];
const smtp = net.createServer((sock) => {
  let buf = '';
  let inData = false;
  let data = '';
  let to = [];
  sock.write('220 localhost test\r\n');
  sock.on('data', (chunk) => {
    buf += chunk.toString('utf8');
    let i;
    while ((i = buf.indexOf('\r\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (inData) {
        if (line === '.') {
          inData = false;
          const mail = { to, data: decodeQP(data) };
          inbox.push(mail);
          waiters.splice(0).forEach((w) => w());
          sock.write('250 queued\r\n');
        } else {
          data += (line.startsWith('.') ? line.slice(1) : line) + '\r\n';
        }
        continue;
      }
      const up = line.toUpperCase();
      if (up.startsWith('EHLO')) sock.write('250-localhost\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n');
      else if (up.startsWith('AUTH PLAIN')) sock.write('235 ok\r\n');
      else if (up.startsWith('MAIL FROM')) { to = []; sock.write('250 ok\r\n'); }
      else if (up.startsWith('RCPT TO')) { to.push(line.slice(8).trim().replace(/[<>]/g, '')); sock.write('250 ok\r\n'); }
      else if (up === 'DATA') { inData = true; data = ''; sock.write('354 go\r\n'); }
      else if (up === 'QUIT') { sock.end('221 bye\r\n'); }
      else sock.write('250 ok\r\n');
    }
  });
  sock.on('error', () => {});
});
await new Promise((r) => smtp.listen(0, '127.0.0.1', r));
after(() => smtp.close());

function decodeQP(s) {
  return s.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

async function mailTo(address) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const i = inbox.findIndex((m) => m.to.includes(address));
    if (i >= 0) return inbox.splice(i, 1)[0].data;
    if (Date.now() > deadline) throw new Error(`no mail to ${address}`);
    await new Promise((r) => { waiters.push(r); setTimeout(r, 200); });
  }
}

function tokenAfter(mail, marker) {
  const m = mail.match(new RegExp(`${marker}/([A-Za-z0-9_.-]+)`));
  assert.ok(m, `no ${marker} link in mail`);
  return m[1];
}

// ---- setup -------------------------------------------------------------------------------
const su = new PocketBase(BASE_URL);
await su.collection('_superusers').authWithPassword(SU_EMAIL, SU_PASSWORD);
await su.settings.update({
  smtp: { enabled: true, host: '127.0.0.1', port: smtp.address().port, username: 'u', password: 'p' },
  meta: { appName: 'SdkApp', appURL: 'http://sdk.test' },
});
const COLL = `members_${RUN}`;
await su.collections.create({ name: COLL, type: 'auth', createRule: '', viewRule: 'id = @request.auth.id',
  updateRule: 'id = @request.auth.id', otp: { enabled: true } });

const email = (name) => `${name}_${RUN}@example.com`;
async function signup(pb, name, password = 'password123') {
  return pb.collection(COLL).create({ email: email(name), password, passwordConfirm: password });
}

async function expectError(promise, status) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ClientResponseError, String(e));
    assert.equal(e.status, status, JSON.stringify(e.response));
    return e;
  }
  assert.fail(`expected HTTP ${status}`);
}

test('signup, login, refresh', TIMEOUT, async () => {
  const pb = new PocketBase(BASE_URL);
  const rec = await signup(pb, 'ann');
  const auth = await pb.collection(COLL).authWithPassword(email('ann'), 'password123');
  assert.equal(auth.record.id, rec.id);
  assert.ok(pb.authStore.isValid);
  const refreshed = await pb.collection(COLL).authRefresh();
  assert.equal(refreshed.record.email, email('ann'));
  await expectError(new PocketBase(BASE_URL).collection(COLL).authWithPassword(email('ann'), 'wrong-pass'), 400);
});

test('verification through mail', TIMEOUT, async () => {
  const pb = new PocketBase(BASE_URL);
  const rec = await signup(pb, 'ver');
  assert.equal(await pb.collection(COLL).requestVerification(email('ver')), true);
  const token = tokenAfter(await mailTo(email('ver')), 'confirm-verification');
  assert.equal(await pb.collection(COLL).confirmVerification(token), true);
  assert.equal((await su.collection(COLL).getOne(rec.id)).verified, true);
});

test('password reset through mail revokes the old session', TIMEOUT, async () => {
  const pb = new PocketBase(BASE_URL);
  await signup(pb, 'res');
  await pb.collection(COLL).authWithPassword(email('res'), 'password123');
  await new PocketBase(BASE_URL).collection(COLL).requestPasswordReset(email('res'));
  const token = tokenAfter(await mailTo(email('res')), 'confirm-password-reset');
  await new PocketBase(BASE_URL).collection(COLL).confirmPasswordReset(token, 'brand-new-pw', 'brand-new-pw');
  await expectError(pb.collection(COLL).authRefresh(), 401);
  await new PocketBase(BASE_URL).collection(COLL).authWithPassword(email('res'), 'brand-new-pw');
});

test('email change through mail', TIMEOUT, async () => {
  const pb = new PocketBase(BASE_URL);
  await signup(pb, 'chg');
  await pb.collection(COLL).authWithPassword(email('chg'), 'password123');
  await pb.collection(COLL).requestEmailChange(email('chg2'));
  const token = tokenAfter(await mailTo(email('chg2')), 'confirm-email-change');
  await new PocketBase(BASE_URL).collection(COLL).confirmEmailChange(token, 'password123');
  await new PocketBase(BASE_URL).collection(COLL).authWithPassword(email('chg2'), 'password123');
});

test('OTP and MFA', TIMEOUT, async () => {
  const pb = new PocketBase(BASE_URL);
  await signup(pb, 'otp');
  const { otpId } = await pb.collection(COLL).requestOTP(email('otp'));
  const code = (await mailTo(email('otp'))).match(/<strong>(\d+)<\/strong>/)[1];
  const auth = await pb.collection(COLL).authWithOTP(otpId, code);
  assert.equal(auth.record.email, email('otp'));

  await su.collections.update(COLL, { mfa: { enabled: true } });
  const mfaClient = new PocketBase(BASE_URL);
  const err = await expectError(mfaClient.collection(COLL).authWithPassword(email('otp'), 'password123'), 401);
  const mfaId = err.response.mfaId;
  assert.equal(typeof mfaId, 'string');
  const second = await mfaClient.collection(COLL).requestOTP(email('otp'));
  const code2 = (await mailTo(email('otp'))).match(/<strong>(\d+)<\/strong>/)[1];
  const done = await mfaClient.collection(COLL).authWithOTP(second.otpId, code2, { mfaId });
  assert.ok(done.token);
  assert.ok(mfaClient.authStore.isValid);
  await su.collections.update(COLL, { mfa: { enabled: false } });
});

test('impersonate', TIMEOUT, async () => {
  const rec = await signup(new PocketBase(BASE_URL), 'imp');
  const client = await su.collection(COLL).impersonate(rec.id, 3600);
  assert.equal(client.authStore.record.id, rec.id);
  const self = await client.collection(COLL).getOne(rec.id);
  assert.equal(self.email, email('imp'));
  const methods = await new PocketBase(BASE_URL).collection(COLL).listAuthMethods();
  assert.equal(methods.password.enabled, true);
  assert.equal(methods.otp.enabled, true);
});
