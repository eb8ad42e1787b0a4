// Drives a running Cairn server with the unmodified official PocketBase JS SDK (version pinned
// in package.json) and asserts that what the SDK sees matches PocketBase 0.40.
//
// Usage: CAIRN_URL=http://127.0.0.1:8090 CAIRN_SU_EMAIL=... CAIRN_SU_PASSWORD=... node run.mjs
// Exit code is non-zero when any scenario fails (node:test sets process.exitCode).
//
// Every scenario uses its own collections (names suffixed with a per-run id), so the script can
// run repeatedly against the same server. Scenarios run one after another (top-level tests in
// one file are sequential), each bounded by a timeout.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import PocketBase, { ClientResponseError } from 'pocketbase';

const BASE_URL = requiredEnv('CAIRN_URL');
const SU_EMAIL = requiredEnv('CAIRN_SU_EMAIL');
const SU_PASSWORD = requiredEnv('CAIRN_SU_PASSWORD');

const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const TIMEOUT = { timeout: 30_000 };
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const RECORD_ID = /^[a-z0-9]{15}$/;
const SUPERUSERS_ID = 'pbc_3142635823';

function requiredEnv(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`missing env ${name} (need CAIRN_URL, CAIRN_SU_EMAIL, CAIRN_SU_PASSWORD)`);
    process.exit(2);
  }
  return v;
}

/** A fresh SDK client authenticated as the superuser. */
async function superuser() {
  const pb = new PocketBase(BASE_URL);
  await pb.collection('_superusers').authWithPassword(SU_EMAIL, SU_PASSWORD);
  return pb;
}

/** A fresh SDK client without auth. */
function guest() {
  return new PocketBase(BASE_URL);
}

/** Awaits `promise`, expects a ClientResponseError with `status`, checks the error envelope. */
async function expectError(promise, status) {
  let err;
  try {
    const value = await promise;
    assert.fail(`expected HTTP ${status}, got success: ${JSON.stringify(value)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    err = e;
  }
  assert.ok(err instanceof ClientResponseError, `not a ClientResponseError: ${err}`);
  const body = JSON.stringify(err.response);
  assert.equal(err.status, status, `status (response ${body})`);
  assert.equal(err.isAbort, false);
  assert.equal(err.response.status, status, `response.status (${body})`);
  assert.equal(typeof err.response.message, 'string', body);
  assert.ok(err.response.message.length > 0, body);
  assert.equal(err.message, err.response.message);
  assert.equal(typeof err.response.data, 'object', body);
  assert.notEqual(err.response.data, null, body);
  return err;
}

/**
 * Records what the SDK sends: [{url, method, query, body}], after its FormData conversion and
 * before the query object is serialized into the URL.
 */
function spy(pb) {
  const sent = [];
  pb.beforeSend = (url, options) => {
    sent.push({ url, method: options.method, query: { ...options.query }, body: options.body });
    return { url, options };
  };
  return sent;
}

function sortedKeys(obj) {
  return Object.keys(obj).sort();
}

async function usersCollectionId(pb) {
  const users = await pb.collections.getOne('users');
  assert.equal(users.type, 'auth');
  return users.id;
}

function postsSchema(name, usersId) {
  return {
    name,
    type: 'base',
    fields: [
      { name: 'title', type: 'text', required: true, max: 200 },
      { name: 'views', type: 'number', onlyInt: true },
      { name: 'active', type: 'bool' },
      { name: 'tags', type: 'select', values: ['a', 'b', 'c'], maxSelect: 3 },
      { name: 'meta', type: 'json' },
      { name: 'author', type: 'relation', collectionId: usersId, maxSelect: 1 },
      { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
      { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
    ],
  };
}

const POST_KEYS = [
  'active', 'author', 'collectionId', 'collectionName', 'created', 'id', 'meta', 'tags', 'title',
  'updated', 'views',
];

// ---------------------------------------------------------------------------------------------

test('health check', TIMEOUT, async () => {
  const h = await guest().health.check();
  assert.equal(h.code, 200);
  assert.equal(h.message, 'API is healthy.');
});

test('collections getFirstListItem and getFullList with filter and sort', TIMEOUT, async () => {
  const pb = await superuser();
  const users = await pb.collections.getFirstListItem('name = "users"');
  assert.equal(users.type, 'auth');
  assert.equal(users.id, await usersCollectionId(pb));
  const system = await pb.collections.getFullList({ filter: 'system = true && type = "base"', sort: '-name' });
  const names = system.map((c) => c.name);
  assert.deepEqual(names, [...names].sort().reverse(), 'sorted by -name');
  assert.ok(names.includes('_mfas') && names.includes('_otps'), names.join(','));
  assert.ok(system.every((c) => c.system === true && c.type === 'base'));
  const bound = await pb.collections.getFullList({ filter: pb.filter('name ~ {:q}', { q: 'super' }) });
  assert.deepEqual(bound.map((c) => c.name), ['_superusers']);
  // An empty page: the SDK itself raises its 404 (its error carries `code`, not `status`).
  await assert.rejects(pb.collections.getFirstListItem('name = "no_such_collection"'), (e) => e.status === 404);
  await expectError(pb.collections.getFullList({ filter: 'listRule = ""' }), 400);
  await expectError(pb.collections.getFullList({ sort: 'viewQuery' }), 400);
});

test('superuser authWithPassword, auth store, authRefresh', TIMEOUT, async () => {
  const pb = guest();
  assert.equal(pb.authStore.isValid, false);
  assert.equal(pb.authStore.isSuperuser, false);

  const auth = await pb.collection('_superusers').authWithPassword(SU_EMAIL, SU_PASSWORD);
  assert.equal(typeof auth.token, 'string');
  assert.equal(auth.token.split('.').length, 3, 'JWT');
  assert.equal(auth.record.email, SU_EMAIL);
  assert.equal(auth.record.collectionName, '_superusers');
  assert.equal(auth.record.collectionId, SUPERUSERS_ID);
  assert.match(auth.record.id, RECORD_ID);
  assert.equal(auth.record.password, undefined, 'password never serialized');
  assert.equal(auth.record.tokenKey, undefined, 'tokenKey never serialized');

  assert.equal(pb.authStore.token, auth.token);
  assert.equal(pb.authStore.record.id, auth.record.id);
  assert.equal(pb.authStore.isValid, true, 'exp claim in the future');
  assert.equal(pb.authStore.isSuperuser, true);

  // Claims the SDK decodes client-side.
  const payload = JSON.parse(Buffer.from(auth.token.split('.')[1], 'base64url').toString());
  assert.equal(payload.type, 'auth');
  assert.equal(payload.id, auth.record.id);
  assert.equal(payload.collectionId, SUPERUSERS_ID);
  assert.equal(payload.refreshable, true);
  assert.ok(payload.exp > Date.now() / 1000);

  const refreshed = await pb.collection('_superusers').authRefresh();
  assert.equal(typeof refreshed.token, 'string');
  assert.equal(refreshed.record.id, auth.record.id);
  assert.equal(refreshed.record.email, SU_EMAIL);
  assert.equal(pb.authStore.token, refreshed.token);
  assert.equal(pb.authStore.isValid, true);
  assert.equal(pb.authStore.isSuperuser, true);

  // The refreshed token works for a superuser-only endpoint.
  const list = await pb.collections.getList(1, 1);
  assert.equal(list.page, 1);

  // Wrong password: 400 with the generic message.
  const err = await expectError(
    guest().collection('_superusers').authWithPassword(SU_EMAIL, `${SU_PASSWORD}-wrong`),
    400,
  );
  assert.equal(err.response.message, 'Failed to authenticate.');

  pb.authStore.clear();
  assert.equal(pb.authStore.isValid, false);
});

test('auth record (users) token is not a superuser', TIMEOUT, async () => {
  const su = await superuser();
  const email = `user_${RUN}@example.com`;
  const user = await su.collection('users').create({
    email,
    password: 'password123',
    passwordConfirm: 'password123',
  });
  assert.match(user.id, RECORD_ID);
  assert.equal(user.password, undefined);

  const pb = guest();
  const auth = await pb.collection('users').authWithPassword(email, 'password123');
  assert.equal(auth.record.id, user.id);
  assert.equal(auth.record.email, email, 'auth responses always include email');
  assert.equal(pb.authStore.isValid, true);
  assert.equal(pb.authStore.isSuperuser, false);

  const err = await expectError(pb.collections.getList(1, 10), 403);
  assert.equal(err.response.message, 'The authorized record is not allowed to perform this action.');

  await su.collection('users').delete(user.id);
});

test('collections: create, getOne, getList, getFullList, update, delete', TIMEOUT, async () => {
  const su = await superuser();
  const usersId = await usersCollectionId(su);
  const name = `sdk_posts_${RUN}`;

  const created = await su.collections.create(postsSchema(name, usersId));
  assert.match(created.id, /^pbc_\d+$/);
  assert.equal(created.name, name);
  assert.equal(created.type, 'base');
  assert.equal(created.system, false);
  for (const rule of ['listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule']) {
    assert.equal(created[rule], null, `${rule} defaults to null`);
  }
  assert.match(created.created, DATETIME);
  assert.match(created.updated, DATETIME);
  assert.deepEqual(created.indexes, []);

  // The system id field is prepended; the other fields keep their order and get stable ids.
  const names = created.fields.map((f) => f.name);
  assert.deepEqual(names, ['id', 'title', 'views', 'active', 'tags', 'meta', 'author', 'created', 'updated']);
  const byName = Object.fromEntries(created.fields.map((f) => [f.name, f]));
  assert.equal(byName.id.type, 'text');
  assert.equal(byName.id.system, true);
  assert.equal(byName.id.primaryKey, true);
  assert.equal(byName.id.autogeneratePattern, '[a-z0-9]{15}');
  assert.equal(byName.id.id, 'text3208210256');
  assert.equal(byName.title.id, 'text724990059');
  assert.equal(byName.title.required, true);
  assert.equal(byName.title.max, 200);
  assert.equal(byName.views.id, 'number300981383');
  assert.equal(byName.views.onlyInt, true);
  assert.equal(byName.views.min, null);
  assert.equal(byName.active.id, 'bool1260321794');
  assert.equal(byName.tags.id, 'select1874629670');
  assert.deepEqual(byName.tags.values, ['a', 'b', 'c']);
  assert.equal(byName.tags.maxSelect, 3);
  assert.equal(byName.meta.id, 'json3622966325');
  assert.equal(byName.author.id, 'relation3182418120');
  assert.equal(byName.author.collectionId, usersId);
  assert.equal(byName.author.maxSelect, 1);
  assert.equal(byName.author.cascadeDelete, false);
  assert.equal(byName.created.id, 'autodate2990389176');
  assert.equal(byName.created.onCreate, true);
  assert.equal(byName.created.onUpdate, false);
  assert.equal(byName.updated.id, 'autodate3332085495');
  assert.equal(byName.updated.onUpdate, true);

  // getOne by name and by id.
  const viewed = await su.collections.getOne(name);
  assert.deepEqual(viewed, created);
  const byId = await su.collections.getOne(created.id);
  assert.equal(byId.name, name);

  // getList / getFullList.
  const page = await su.collections.getList(1, 200);
  assert.equal(page.page, 1);
  assert.equal(page.perPage, 200);
  assert.ok(page.totalItems >= 3, `totalItems ${page.totalItems}`);
  assert.ok(page.items.some((c) => c.name === name));
  const small = await su.collections.getList(1, 1);
  assert.equal(small.items.length, 1);
  assert.equal(small.totalPages, small.totalItems);
  const all = await su.collections.getFullList();
  const allNames = all.map((c) => c.name);
  for (const n of [name, 'users', '_superusers']) {
    assert.ok(allNames.includes(n), `${n} in getFullList: ${allNames}`);
  }
  const sortedPage = await su.collections.getList(1, 200, { sort: '-name', fields: 'name' });
  const sortedNames = sortedPage.items.map((c) => c.name);
  assert.deepEqual(sortedNames, [...sortedNames].sort().reverse(), 'sort=-name');
  assert.deepEqual(sortedKeys(sortedPage.items[0]), ['name'], 'fields=name on collections');
  const allBatched = await su.collections.getFullList({ batch: 1 });
  assert.deepEqual(allBatched.map((c) => c.name).sort(), [...allNames].sort());

  // A record survives the schema change below.
  const user = await su.collection('users').create({
    email: `author_${RUN}@example.com`,
    password: 'password123',
    passwordConfirm: 'password123',
  });
  const rec = await su.collection(name).create({
    title: 'keep me',
    views: 4,
    tags: ['b'],
    author: user.id,
  });
  assert.equal(rec.author, user.id);

  // update: `fields` replaces the array; rename title → headline (same id), add summary.
  const fields = viewed.fields.map((f) => (f.name === 'title' ? { ...f, name: 'headline' } : f));
  fields.push({ name: 'summary', type: 'text' });
  const updated = await su.collections.update(name, { fields, listRule: '' });
  const updatedNames = updated.fields.map((f) => f.name);
  assert.deepEqual(
    updatedNames,
    ['id', 'headline', 'views', 'active', 'tags', 'meta', 'author', 'created', 'updated', 'summary'],
  );
  const headline = updated.fields.find((f) => f.name === 'headline');
  assert.equal(headline.id, 'text724990059', 'renamed field keeps its id');
  assert.equal(headline.required, true);
  assert.equal(updated.listRule, '');
  assert.equal(updated.viewRule, null);
  assert.equal(updated.id, created.id);
  assert.ok(updated.updated >= created.updated);

  const after = await su.collection(name).getOne(rec.id);
  assert.equal(after.headline, 'keep me', 'data kept through the rename');
  assert.equal(after.title, undefined);
  assert.equal(after.summary, '');
  assert.equal(after.views, 4);
  assert.deepEqual(after.tags, ['b']);
  assert.equal(after.author, user.id);

  // Dropping a field by leaving it out of `fields`.
  const dropped = await su.collections.update(name, {
    fields: updated.fields.filter((f) => f.name !== 'summary'),
  });
  assert.ok(!dropped.fields.some((f) => f.name === 'summary'));
  const afterDrop = await su.collection(name).getOne(rec.id);
  assert.equal(afterDrop.summary, undefined);
  assert.equal(afterDrop.headline, 'keep me');

  // delete
  assert.equal(await su.collections.delete(name), true);
  const err = await expectError(su.collections.getOne(name), 404);
  assert.deepEqual(err.response.data, {});
  await expectError(su.collection(name).getList(1, 1), 404);
  await su.collection('users').delete(user.id);
});

test('collections.import with deleteMissing=false', TIMEOUT, async () => {
  const su = await superuser();
  const keep = `sdk_keep_${RUN}`;
  const a = `sdk_imp_a_${RUN}`;
  const b = `sdk_imp_b_${RUN}`;
  await su.collections.create({ name: keep, type: 'base', fields: [{ name: 'x', type: 'text' }] });

  const ok = await su.collections.import(
    [
      { name: a, type: 'base', listRule: '', fields: [{ name: 'label', type: 'text' }] },
      { name: b, type: 'base', fields: [{ name: 'n', type: 'number' }] },
    ],
    false,
  );
  assert.equal(ok, true);

  const ca = await su.collections.getOne(a);
  assert.equal(ca.listRule, '');
  assert.deepEqual(ca.fields.map((f) => f.name), ['id', 'label']);
  const cb = await su.collections.getOne(b);
  assert.deepEqual(cb.fields.map((f) => f.name), ['id', 'n']);
  assert.equal((await su.collections.getOne(keep)).name, keep, 'untouched collection kept');
  assert.equal((await su.collections.getOne('users')).name, 'users');

  // Re-import an existing collection (as exported, with its id) with an extra field.
  await su.collection(a).create({ label: 'imported row' });
  const ok2 = await su.collections.import(
    [{ ...ca, fields: [...ca.fields, { name: 'extra', type: 'bool' }] }],
    false,
  );
  assert.equal(ok2, true);
  const ca2 = await su.collections.getOne(a);
  assert.equal(ca2.id, ca.id);
  assert.deepEqual(ca2.fields.map((f) => f.name), ['id', 'label', 'extra']);
  const rows = await su.collection(a).getFullList();
  assert.equal(rows.length, 1);
  assert.equal(rows[0].label, 'imported row');
  assert.equal(rows[0].extra, false);
  assert.equal((await su.collections.getOne(b)).name, b, 'absent from payload but kept');
  assert.equal((await su.collections.getOne(keep)).name, keep);

  // Invalid payload: 400 and nothing applied.
  await expectError(su.collections.import([{ name: 'bad name!', type: 'base', fields: [] }], false), 400);
  await expectError(su.collections.getOne('bad name!'), 404);

  for (const n of [a, b, keep]) await su.collections.delete(n);
});

test('collections.getScaffolds', TIMEOUT, async () => {
  const su = await superuser();
  const s = await su.collections.getScaffolds();
  assert.deepEqual(sortedKeys(s), ['auth', 'base', 'view']);
  assert.equal(s.base.type, 'base');
  assert.equal(s.auth.type, 'auth');
  assert.equal(s.view.type, 'view');
  assert.equal(s.base.name, '');
  assert.equal(s.base.fields[0].name, 'id');
  assert.equal(s.base.fields[0].primaryKey, true);
  const authFields = s.auth.fields.map((f) => f.name);
  for (const f of ['id', 'password', 'tokenKey', 'email', 'emailVisibility', 'verified']) {
    assert.ok(authFields.includes(f), `auth scaffold has ${f}: ${authFields}`);
  }
  assert.equal(s.auth.authRule, '');
  assert.equal(s.auth.manageRule, null);
  assert.equal(s.auth.passwordAuth.enabled, true);
  assert.equal(typeof s.view.viewQuery, 'string');
});

test('collections.truncate', TIMEOUT, async () => {
  const su = await superuser();
  const name = `sdk_trunc_${RUN}`;
  const other = `sdk_trunc_other_${RUN}`;
  for (const n of [name, other]) {
    await su.collections.create({ name: n, type: 'base', fields: [{ name: 't', type: 'text' }] });
  }
  for (let i = 0; i < 3; i++) await su.collection(name).create({ t: `row ${i}` });
  await su.collection(other).create({ t: 'stays' });
  assert.equal((await su.collection(name).getList(1, 10)).totalItems, 3);

  assert.equal(await su.collections.truncate(name), true);
  const list = await su.collection(name).getList(1, 10);
  assert.equal(list.totalItems, 0);
  assert.deepEqual(list.items, []);
  assert.equal((await su.collection(other).getList(1, 10)).totalItems, 1, 'other collection untouched');
  assert.equal((await su.collections.getOne(name)).name, name, 'collection itself kept');

  for (const n of [name, other]) await su.collections.delete(n);
});

test('records: create, multipart @jsonPayload, list, full list, modifiers, fields, delete', TIMEOUT, async () => {
  const su = await superuser();
  const usersId = await usersCollectionId(su);
  const name = `sdk_records_${RUN}`;
  const coll = await su.collections.create(postsSchema(name, usersId));
  const posts = su.collection(name);

  // JSON create.
  const r1 = await posts.create({
    title: 'json',
    views: '12', // string coerced to a number
    active: true,
    tags: ['a', 'c'],
    meta: { k: [1, 2], s: 'x' },
    unknownKey: 'ignored',
  });
  assert.deepEqual(sortedKeys(r1), POST_KEYS);
  assert.match(r1.id, RECORD_ID);
  assert.equal(r1.collectionId, coll.id);
  assert.equal(r1.collectionName, name);
  assert.equal(r1.title, 'json');
  assert.equal(r1.views, 12);
  assert.equal(r1.active, true);
  assert.deepEqual(r1.tags, ['a', 'c']);
  assert.deepEqual(r1.meta, { k: [1, 2], s: 'x' });
  assert.equal(r1.author, '');
  assert.match(r1.created, DATETIME);
  assert.equal(r1.created, r1.updated);

  // Zero values of unset fields.
  const zero = await posts.create({ title: 'zero' });
  assert.equal(zero.views, 0);
  assert.equal(zero.active, false);
  assert.deepEqual(zero.tags, []);
  assert.equal(zero.meta, null);
  assert.equal(zero.author, '');

  // Client-supplied id.
  const customId = `c${RUN}`.padEnd(15, '0').slice(0, 15);
  const custom = await posts.create({ id: customId, title: 'custom id' });
  assert.equal(custom.id, customId);

  // Multipart, built by hand: plain parts are cast, repeated @jsonPayload parts are merged.
  const fd = new FormData();
  fd.append('title', 'formdata');
  fd.append('views', '7');
  fd.append('active', 'true');
  fd.append('@jsonPayload', JSON.stringify({ meta: { nested: { ok: true } } }));
  fd.append('@jsonPayload', JSON.stringify({ tags: ['a', 'b'] }));
  const r2 = await posts.create(fd);
  assert.equal(r2.title, 'formdata');
  assert.equal(r2.views, 7);
  assert.equal(r2.active, true);
  assert.deepEqual(r2.meta, { nested: { ok: true } });
  assert.deepEqual(r2.tags, ['a', 'b']);

  // Multipart produced by the SDK itself: a Blob anywhere in a plain object turns the body into
  // FormData, objects/arrays become one @jsonPayload part each.
  const sent = spy(su);
  const r3 = await posts.create({
    title: 'blob',
    views: 3,
    active: false,
    tags: ['c'],
    meta: { from: 'sdk', list: [1, 'two'] },
    attachment: new Blob(['hello'], { type: 'text/plain' }),
  });
  su.beforeSend = undefined;
  const body = sent.at(-1).body;
  assert.ok(body instanceof FormData, 'SDK sent multipart');
  assert.equal(body.getAll('@jsonPayload').length, 2, 'tags and meta as @jsonPayload parts');
  assert.equal(r3.title, 'blob');
  assert.equal(r3.views, 3);
  assert.equal(r3.active, false);
  assert.deepEqual(r3.tags, ['c']);
  assert.deepEqual(r3.meta, { from: 'sdk', list: [1, 'two'] });
  assert.equal(r3.attachment, undefined);

  // getOne.
  const got = await posts.getOne(r2.id);
  assert.deepEqual(got, r2);

  // Five records for list/sort tests in a collection of their own.
  await su.collections.truncate(name);
  const rows = [
    ['charlie', 5],
    ['bravo', 10],
    ['alpha', 5],
    ['delta', 1],
    ['echo', 10],
  ];
  const ids = {};
  for (const [title, views] of rows) ids[title] = (await posts.create({ title, views })).id;
  const expected = ['bravo', 'echo', 'alpha', 'charlie', 'delta']; // -views,title

  const p1 = await posts.getList(1, 2, { sort: '-views,title' });
  assert.equal(p1.page, 1);
  assert.equal(p1.perPage, 2);
  assert.equal(p1.totalItems, 5);
  assert.equal(p1.totalPages, 3);
  assert.deepEqual(p1.items.map((r) => r.title), expected.slice(0, 2));
  const p2 = await posts.getList(2, 2, { sort: '-views,title' });
  assert.deepEqual(p2.items.map((r) => r.title), expected.slice(2, 4));
  const p3 = await posts.getList(3, 2, { sort: '-views,title' });
  assert.deepEqual(p3.items.map((r) => r.title), expected.slice(4));
  const p9 = await posts.getList(9, 2, { sort: '-views,title' });
  assert.equal(p9.page, 9);
  assert.deepEqual(p9.items, []);
  const asc = await posts.getList(1, 10, { sort: 'views,-title' });
  assert.deepEqual(asc.items.map((r) => r.title), [...expected].reverse());
  const unsorted = await posts.getList(1, 10);
  assert.deepEqual(unsorted.items.map((r) => r.title), rows.map(([t]) => t), 'insertion order');
  const skip = await posts.getList(1, 2, { skipTotal: true });
  assert.equal(skip.totalItems, -1);
  assert.equal(skip.totalPages, -1);
  const clamped = await posts.getList(1, 5000);
  assert.equal(clamped.perPage, 1000, 'perPage clamped and echoed');

  // getFullList walks pages while items.length == echoed perPage.
  const listSpy = spy(su);
  const full = await posts.getFullList({ batch: 2, sort: '-views,title' });
  su.beforeSend = undefined;
  assert.deepEqual(full.map((r) => r.title), expected);
  assert.equal(listSpy.length, 3, 'pages 1, 2, 3 of perPage=2');
  for (const [i, req] of listSpy.entries()) {
    assert.equal(String(req.query.page), String(i + 1));
    assert.equal(String(req.query.perPage), '2');
    assert.equal(String(req.query.skipTotal), '1');
  }
  const fullExact = await posts.getFullList({ batch: 5 });
  assert.equal(fullExact.length, 5);
  const fullDefault = await posts.getFullList({ sort: 'title' });
  assert.deepEqual(fullDefault.map((r) => r.title), [...expected].sort());

  // Update with modifiers.
  const before = await posts.update(ids.alpha, { tags: ['a', 'b', 'c'] });
  assert.deepEqual(before.tags, ['a', 'b', 'c']);
  const mod = await posts.update(ids.alpha, { 'views+': 2, 'tags-': ['a'] });
  assert.equal(mod.views, 7);
  assert.deepEqual(mod.tags, ['b', 'c']);
  assert.ok(mod.updated >= before.updated);
  assert.equal(mod.created, before.created, 'created is onCreate only');
  const mod2 = await posts.update(ids.alpha, { 'views-': 10, 'tags+': 'a' });
  assert.equal(mod2.views, -3);
  assert.deepEqual(mod2.tags, ['b', 'c', 'a']);
  assert.deepEqual((await posts.getOne(ids.alpha)).tags, ['b', 'c', 'a'], 'persisted');
  const plain = await posts.update(ids.alpha, { title: 'alpha2', meta: { v: 1 } });
  assert.equal(plain.title, 'alpha2');
  assert.deepEqual(plain.meta, { v: 1 });
  assert.equal(plain.views, -3, 'untouched fields kept');

  // Multipart update: a modifier as a plain part, another one inside @jsonPayload.
  const fdu = new FormData();
  fdu.append('views+', '10');
  fdu.append('@jsonPayload', JSON.stringify({ 'tags-': ['b'], meta: { via: 'multipart' } }));
  const mp = await posts.update(ids.alpha, fdu);
  assert.equal(mp.views, 7);
  assert.deepEqual(mp.tags, ['c', 'a']);
  assert.deepEqual(mp.meta, { via: 'multipart' });
  // Repeated plain parts give a multi-select its values.
  const fdm = new FormData();
  fdm.append('tags', 'a');
  fdm.append('tags', 'b');
  assert.deepEqual((await posts.update(ids.alpha, fdm)).tags, ['a', 'b']);

  // Collection names in the path are case-insensitive.
  assert.equal((await su.collection(name.toUpperCase()).getList(1, 1)).totalItems, 5);
  // Invalid sort: 400 with the generic message.
  const eSort = await expectError(posts.getList(1, 2, { sort: 'nope' }), 400);
  assert.equal(eSort.response.message, 'Something went wrong while processing your request.');

  // fields option.
  const slim = await posts.getOne(ids.bravo, { fields: 'id,title' });
  assert.deepEqual(sortedKeys(slim), ['id', 'title']);
  assert.equal(slim.title, 'bravo');
  const slimList = await posts.getList(1, 2, { sort: '-views,title', fields: 'title,views' });
  assert.deepEqual(slimList.items, [
    { title: 'bravo', views: 10 },
    { title: 'echo', views: 10 },
  ]);
  assert.equal(slimList.totalItems, 5);
  const slimStar = await posts.getOne(ids.bravo, { fields: '*' });
  assert.deepEqual(sortedKeys(slimStar), POST_KEYS);
  const slimCreate = await posts.create({ title: 'slim', views: 1 }, { fields: 'id,views' });
  assert.deepEqual(sortedKeys(slimCreate), ['id', 'views']);
  const slimUpdate = await posts.update(slimCreate.id, { views: 2 }, { fields: 'views' });
  assert.deepEqual(slimUpdate, { views: 2 });

  // delete.
  assert.equal(await posts.delete(ids.delta), true);
  await expectError(posts.getOne(ids.delta), 404);
  await expectError(posts.delete(ids.delta), 404);
  assert.equal((await posts.getList(1, 1)).totalItems, 5);

  await su.collections.delete(name);
});

test('errors: 404, 400 validation, 403 locked rule, 401 guest on collections API', TIMEOUT, async () => {
  const su = await superuser();
  const usersId = await usersCollectionId(su);
  const name = `sdk_errors_${RUN}`;
  await su.collections.create(postsSchema(name, usersId));
  const pub = `sdk_public_${RUN}`;
  await su.collections.create({
    name: pub,
    type: 'base',
    listRule: '',
    viewRule: '',
    createRule: '',
    updateRule: '',
    deleteRule: '',
    fields: [{ name: 'title', type: 'text' }],
  });

  // 404 for a missing record and a missing collection.
  const e404 = await expectError(su.collection(name).getOne('doesnotexist123'), 404);
  assert.equal(e404.response.message, "The requested resource wasn't found.");
  assert.deepEqual(e404.response.data, {});
  assert.equal(e404.url.includes(`/api/collections/${name}/records/doesnotexist123`), true);
  await expectError(su.collection(`missing_${RUN}`).getList(1, 1), 404);

  // 400 validation: per-field code and message in response.data.
  const e400 = await expectError(su.collection(name).create({ views: 1.5, tags: ['z'] }), 400);
  assert.equal(e400.response.message, 'Failed to create record.');
  assert.equal(e400.response.data.title?.code, 'validation_required', JSON.stringify(e400.response));
  assert.equal(e400.response.data.title?.message, 'Cannot be blank.');
  assert.equal(e400.response.data.views?.code, 'validation_only_int_constraint');
  assert.equal(e400.response.data.tags?.code, 'validation_invalid_value');
  assert.equal(e400.data, e400.response, 'legacy alias');
  const eTooMany = await expectError(
    su.collection(name).create({ title: 'x', author: ['a', 'b'].map((c) => c.repeat(15)) }),
    400,
  );
  assert.ok(eTooMany.response.data.author?.code, JSON.stringify(eTooMany.response));
  // Multi select values are de-duplicated before validation (PocketBase normalizes them).
  const dedup = await su.collection(name).create({ title: 'x', tags: ['a', 'b', 'c', 'a'] });
  assert.deepEqual(dedup.tags, ['a', 'b', 'c']);
  const good = await su.collection(name).create({ title: 'valid' });
  const eUpd = await expectError(su.collection(name).update(good.id, { title: '' }), 400);
  assert.equal(eUpd.response.message, 'Failed to update record.');
  assert.equal(eUpd.response.data.title?.code, 'validation_required');
  const eDup = await expectError(su.collection(name).create({ id: good.id, title: 'dup' }), 400);
  assert.equal(eDup.response.data.id?.code, 'validation_not_unique');
  const eColl = await expectError(
    su.collections.create({ name: pub.toUpperCase(), type: 'base', fields: [] }),
    400,
  );
  assert.equal(eColl.response.data.name?.code, 'validation_collection_name_exists');

  // 403 for a guest on superuser-only (null) rules.
  const g = guest();
  const e403 = await expectError(g.collection(name).create({ title: 'guest' }), 403);
  assert.equal(e403.response.message, 'Only superusers can perform this action.');
  assert.deepEqual(e403.response.data, {});
  await expectError(g.collection(name).getList(1, 10), 403);
  await expectError(g.collection(name).getOne(good.id), 403);
  await expectError(g.collection(name).update(good.id, { title: 'guest' }), 403);
  await expectError(g.collection(name).delete(good.id), 403);
  assert.equal((await su.collection(name).getOne(good.id)).title, 'valid', 'guest changed nothing');
  await expectError(g.collection('_superusers').getList(1, 10), 403);

  // "" rules: public for guests.
  const gr = await g.collection(pub).create({ title: 'by guest' });
  assert.equal(gr.title, 'by guest');
  assert.equal((await g.collection(pub).getOne(gr.id)).title, 'by guest');
  assert.equal((await g.collection(pub).update(gr.id, { title: 'edited' })).title, 'edited');
  assert.equal((await g.collection(pub).getList(1, 10)).totalItems, 1);
  assert.equal(await g.collection(pub).delete(gr.id), true);

  // 401 for a guest on the collections API.
  const e401 = await expectError(g.collections.getList(1, 10), 401);
  assert.equal(e401.response.message, 'The request requires valid record authorization token.');
  await expectError(g.collections.getOne(name), 401);
  await expectError(g.collections.create({ name: `guest_${RUN}`, type: 'base', fields: [] }), 401);
  await expectError(g.collections.getScaffolds(), 401);

  // A garbage token is treated as a guest on record routes.
  const bad = guest();
  bad.authStore.save('not.a.jwt', null);
  assert.equal((await bad.collection(pub).getList(1, 1)).page, 1);
  await expectError(bad.collections.getList(1, 1), 401);

  for (const n of [name, pub]) await su.collections.delete(n);
});

// Creating a collection whose name and type equal an existing one: the derived id
// pbc_crc32(type+name) is taken, so a fresh id is chosen and the name check answers, as in
// PocketBase 0.40: 400 {"data":{"name":{"code":"validation_collection_name_exists",...}}}.
test('duplicate collection name with the same type → name.validation_collection_name_exists', TIMEOUT, async () => {
  const su = await superuser();
  const name = `sdk_dup_${RUN}`;
  await su.collections.create({ name, type: 'base', fields: [{ name: 't', type: 'text' }] });
  try {
    const err = await expectError(su.collections.create({ name, type: 'base', fields: [] }), 400);
    assert.equal(err.response.message, 'Failed to create collection.');
    assert.deepEqual(
      err.response.data,
      {
        name: {
          code: 'validation_collection_name_exists',
          message: 'Collection name must be unique (case insensitive).',
        },
      },
    );
  } finally {
    await su.collections.delete(name);
  }
});
