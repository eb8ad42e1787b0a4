// The unmodified official PocketBase JS SDK's operations services against a running Cairn:
// `pb.logs` (getList with filter and sort, getOne, getStats) and `pb.crons` (getFullList, run),
// plus what the log settings change (minLevel, logAuthId, logIP, maxDays 0) and the
// `__pbLogsCleanup__` job run through the SDK.
//
// Usage: CAIRN_URL=… CAIRN_SU_EMAIL=… CAIRN_SU_PASSWORD=… node ops.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';

import PocketBase from 'pocketbase';

const BASE_URL = process.env.CAIRN_URL;
const SU_EMAIL = process.env.CAIRN_SU_EMAIL;
const SU_PASSWORD = process.env.CAIRN_SU_PASSWORD;
if (!BASE_URL || !SU_EMAIL || !SU_PASSWORD) {
  console.error('missing env CAIRN_URL, CAIRN_SU_EMAIL or CAIRN_SU_PASSWORD');
  process.exit(2);
}
const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const TIMEOUT = { timeout: 30_000 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function superuser() {
  const pb = new PocketBase(BASE_URL);
  await pb.collection('_superusers').authWithPassword(SU_EMAIL, SU_PASSWORD);
  return pb;
}

/** The entries whose message contains `marker`, once `n` of them were written. */
async function entries(pb, marker, n) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const list = await pb.logs.getList(1, 50, { filter: pb.filter('message ~ {:m}', { m: marker }), sort: 'created' });
    if (list.items.length >= n || Date.now() > deadline) return list;
    await sleep(100);
  }
}

test('pb.logs lists, filters, views and counts request logs', TIMEOUT, async () => {
  const pb = await superuser();
  const guest = new PocketBase(BASE_URL);
  await guest.health.check({ query: { mark: `ok${RUN}` } });
  await assert.rejects(guest.collection(`missing${RUN}`).getList(1, 1), (e) => e.status === 404);

  const list = await entries(pb, RUN, 2);
  assert.equal(list.totalItems, 2);
  const [ok, failed] = list.items;
  assert.equal(ok.level, 0);
  assert.equal(ok.message, `GET /api/health?mark=ok${RUN}`);
  assert.equal(ok.data.type, 'request');
  assert.equal(ok.data.method, 'GET');
  assert.equal(ok.data.status, 200);
  assert.equal(ok.data.auth, '');
  assert.equal(typeof ok.data.execTime, 'number');
  assert.equal(ok.data.remoteIP, '127.0.0.1');
  assert.match(ok.created, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(failed.level, 8);
  assert.equal(failed.data.status, 404);
  assert.equal(failed.data.error, 'Missing collection context.');

  const one = await pb.logs.getOne(failed.id);
  assert.deepEqual(one, failed);
  await assert.rejects(pb.logs.getOne('nosuchlogentry1'), (e) => e.status === 404);

  const errors = await pb.logs.getList(1, 10, { filter: pb.filter('data.status >= 400 && message ~ {:m}', { m: RUN }) });
  assert.deepEqual(errors.items.map((i) => i.id), [failed.id]);
  const stats = await pb.logs.getStats({ filter: pb.filter('message ~ {:m}', { m: RUN }) });
  assert.equal(stats.length, 1);
  assert.equal(stats[0].total, 2);
  assert.match(stats[0].date, /^\d{4}-\d\d-\d\d \d\d:00:00\.000Z$/);

  // The logs API's own successful requests are not logged; its failures are.
  await assert.rejects(pb.logs.getList(1, 1, { filter: 'bad((' }), (e) => e.status === 400);
  await assert.rejects(guest.logs.getList(1, 1), (e) => e.status === 401);
});

test('log settings: logAuthId, logIP, minLevel and maxDays 0', TIMEOUT, async () => {
  const pb = await superuser();
  await pb.settings.update({ logs: { maxDays: 5, minLevel: 0, logIP: false, logAuthId: true } });
  await pb.collections.getList(1, 1, { query: { mark: `auth${RUN}` } });
  const [entry] = (await entries(pb, `auth${RUN}`, 1)).items;
  assert.equal(entry.data.auth, '_superusers');
  assert.equal(entry.data.authId, pb.authStore.record.id);
  assert.equal('remoteIP' in entry.data, false);
  assert.equal('userIP' in entry.data, false);

  // minLevel 8: only failures are kept.
  await pb.settings.update({ logs: { minLevel: 8 } });
  await pb.health.check({ query: { mark: `quiet${RUN}` } });
  await assert.rejects(pb.collection(`loud${RUN}`).getList(1, 1), (e) => e.status === 404);
  const loud = await entries(pb, `loud${RUN}`, 1);
  assert.equal(loud.totalItems, 1);
  assert.equal((await entries(pb, `quiet${RUN}`, 0)).totalItems, 0);

  // maxDays 0 turns request logging off.
  await pb.settings.update({ logs: { maxDays: 0, minLevel: 0 } });
  await assert.rejects(pb.collection(`off${RUN}`).getList(1, 1), (e) => e.status === 404);
  await sleep(600);
  assert.equal((await entries(pb, `off${RUN}`, 0)).totalItems, 0);
  await pb.settings.update({ logs: { maxDays: 5, logIP: true, logAuthId: false } });
});

test('pb.crons lists the built-in jobs and runs one', TIMEOUT, async () => {
  const pb = await superuser();
  const jobs = await pb.crons.getFullList();
  assert.deepEqual(jobs.map((j) => j.id), ['__pbDBOptimize__', '__pbMFACleanup__', '__pbOTPCleanup__', '__pbLogsCleanup__']);
  assert.equal(jobs.find((j) => j.id === '__pbLogsCleanup__').expression, '0 */6 * * *');
  assert.equal(await pb.crons.run('__pbLogsCleanup__'), true);
  assert.equal(await pb.crons.run('__pbDBOptimize__'), true);
  await assert.rejects(pb.crons.run('nosuchjob'), (e) => e.status === 404);
  // Nothing here is older than maxDays: the clean-up keeps today's entries.
  await sleep(300);
  assert.ok((await pb.logs.getList(1, 1)).totalItems > 0);
});
