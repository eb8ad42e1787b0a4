// The unmodified official PocketBase JS SDK's realtime client (`subscribe`/`unsubscribe`, over
// SSE) against a running Cairn server.
//
// Usage: CAIRN_URL=… CAIRN_SU_EMAIL=… CAIRN_SU_PASSWORD=… node realtime.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { EventSource } from 'eventsource';
import PocketBase from 'pocketbase';

// The SDK uses the browser's EventSource; Node needs the polyfill as a global.
globalThis.EventSource = EventSource;

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

/** Collects events into an array; `waitFor(n)` resolves once n arrived (or times out). */
function collector() {
  const events = [];
  const fn = (e) => events.push(e);
  fn.events = events;
  fn.waitFor = async (n, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (events.length < n && Date.now() < deadline) await sleep(20);
    return events;
  };
  return fn;
}

let setups = 0;

async function setup() {
  const su = new PocketBase(BASE_URL);
  await su.collection('_superusers').authWithPassword(SU_EMAIL, SU_PASSWORD);
  setups += 1;
  const name = `rt_posts_${RUN}_${setups}`;
  const users = `rt_users_${RUN}_${setups}`;
  const u = await su.collections.create({
    name: users, type: 'auth', listRule: '', viewRule: '', createRule: '',
    fields: [{ name: 'name', type: 'text' }],
  });
  await su.collections.create({
    name, type: 'base',
    listRule: "status = 'published' || owner = @request.auth.id",
    viewRule: "status = 'published' || owner = @request.auth.id",
    createRule: '', updateRule: '', deleteRule: '',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'status', type: 'text' },
      { name: 'secret', type: 'text', hidden: true },
      { name: 'owner', type: 'relation', collectionId: u.id, maxSelect: 1 },
    ],
  });
  const alice = await su.collection(users).create({
    email: `alice_${RUN}_${setups}@example.com`, password: '12345678', passwordConfirm: '12345678', name: 'Alice',
  });
  const pbAlice = new PocketBase(BASE_URL);
  await pbAlice.collection(users).authWithPassword(`alice_${RUN}_${setups}@example.com`, '12345678');
  return { su, name, users, alice, pbAlice };
}

test('subscribe("*") and subscribe(id) receive create, update and delete', TIMEOUT, async () => {
  const { su, name } = await setup();
  const guest = new PocketBase(BASE_URL);
  const all = collector();
  const unsubscribeAll = await guest.collection(name).subscribe('*', all);
  assert.ok(guest.realtime.clientId.length === 40, 'clientId from the PB_CONNECT id line');

  const rec = await su.collection(name).create({ title: 'hello', status: 'published', secret: 's' });
  const one = collector();
  await guest.collection(name).subscribe(rec.id, one);
  await su.collection(name).update(rec.id, { title: 'edited' });
  await su.collection(name).delete(rec.id);

  const events = await all.waitFor(3);
  assert.deepEqual(events.map((e) => e.action), ['create', 'update', 'delete']);
  assert.equal(events[0].record.id, rec.id);
  assert.equal(events[0].record.collectionName, name);
  assert.equal(events[1].record.title, 'edited');
  assert.equal(events[0].record.secret, undefined, 'hidden field not sent to a guest');
  const single = await one.waitFor(2);
  assert.deepEqual(single.map((e) => e.action), ['update', 'delete']);

  await unsubscribeAll();
  await su.collection(name).create({ title: 'after unsubscribe', status: 'published' });
  await sleep(300);
  assert.equal(all.events.length, 3, 'no events after unsubscribe');
  guest.realtime.unsubscribe();
});

test('rules apply per subscriber; guests get nothing for hidden records', TIMEOUT, async () => {
  const { su, name, alice, pbAlice } = await setup();
  const guest = new PocketBase(BASE_URL);
  const guestEvents = collector();
  const aliceEvents = collector();
  await guest.collection(name).subscribe('*', guestEvents);
  await pbAlice.collection(name).subscribe('*', aliceEvents);
  const draft = await su.collection(name).create({ title: 'draft', status: 'draft', owner: alice.id });
  await su.collection(name).create({ title: 'public', status: 'published' });
  const seen = await aliceEvents.waitFor(2);
  assert.deepEqual(seen.map((e) => e.record.title), ['draft', 'public']);
  const guestSeen = await guestEvents.waitFor(1);
  await sleep(300);
  assert.deepEqual(guestSeen.map((e) => e.record.title), ['public'], 'the draft stays private');
  // A single-record subscription to a record the guest may not view yields nothing either.
  const hidden = collector();
  await guest.collection(name).subscribe(draft.id, hidden);
  await su.collection(name).update(draft.id, { title: 'still a draft' });
  await sleep(300);
  assert.equal(hidden.events.length, 0);
  guest.realtime.unsubscribe();
  pbAlice.realtime.unsubscribe();
});

test('subscription options shape the payload (fields, expand, filter)', TIMEOUT, async () => {
  const { su, name, alice } = await setup();
  const client = new PocketBase(BASE_URL);
  await client.collection('_superusers').authWithPassword(SU_EMAIL, SU_PASSWORD);
  const shaped = collector();
  await client.collection(name).subscribe('*', shaped, {
    fields: 'id,title,expand.owner.name',
    expand: 'owner',
    filter: "title ~ 'keep'",
  });
  await su.collection(name).create({ title: 'drop me', status: 'published', owner: alice.id });
  const kept = await su.collection(name).create({ title: 'keep me', status: 'published', owner: alice.id });
  const events = await shaped.waitFor(1);
  await sleep(300);
  assert.equal(shaped.events.length, 1, 'the options filter dropped the other record');
  assert.deepEqual(events[0].record, { id: kept.id, title: 'keep me', expand: { owner: { name: 'Alice' } } });
  client.realtime.unsubscribe();
});
