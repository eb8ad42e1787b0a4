// The unmodified official PocketBase JS SDK's `pb.backups` against a running Cairn: create
// (named and default-named), getFullList, getDownloadURL with a superuser file token, upload
// of the downloaded zip under a new name, delete, and PocketBase's validation errors.
//
// Usage: CAIRN_URL=… CAIRN_SU_EMAIL=… CAIRN_SU_PASSWORD=… node backups.mjs

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
const TIMEOUT = { timeout: 60_000 };

test('pb.backups creates, lists, downloads, uploads and deletes', TIMEOUT, async () => {
  const pb = new PocketBase(BASE_URL);
  await pb.collection('_superusers').authWithPassword(SU_EMAIL, SU_PASSWORD);
  const name = `sdk_${RUN}.zip`;
  assert.equal(await pb.backups.create(name), true);
  const list = await pb.backups.getFullList();
  const made = list.find((b) => b.key === name);
  assert.ok(made, JSON.stringify(list));
  assert.ok(made.size > 1000, `size ${made.size}`);
  assert.match(made.modified, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);

  // A default name: pb_backup_<app name>_<UTC time>.zip.
  assert.equal(await pb.backups.create(''), true);
  const auto = (await pb.backups.getFullList()).find((b) => b.key.startsWith('pb_backup_'));
  assert.match(auto.key, /^pb_backup_[a-z0-9_]+_\d{14}\.zip$/);

  const bad = await pb.backups.create('Not Valid.zip').catch((e) => e);
  assert.equal(bad.status, 400);
  assert.equal(bad.response.data.name.code, 'validation_match_invalid');
  const dup = await pb.backups.create(name).catch((e) => e);
  assert.equal(dup.response.data.name.code, 'validation_backup_name_exists');

  // Download with a file token (a link in a browser sends no Authorization header).
  const token = await pb.files.getToken();
  const res = await fetch(pb.backups.getDownloadURL(token, name));
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-disposition') ?? '', new RegExp(name.replace('.', '\\.')));
  const zip = Buffer.from(await res.arrayBuffer());
  assert.equal(zip.length, made.size);
  assert.equal(zip.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  const denied = await fetch(pb.backups.getDownloadURL('not-a-token', name));
  assert.equal(denied.status, 403);

  // Upload the same zip under another name; a non-zip and a taken name are refused.
  const copy = `copy_${RUN}.zip`;
  assert.equal(await pb.backups.upload({ file: new File([zip], copy, { type: 'application/zip' }) }), true);
  assert.equal((await pb.backups.getFullList()).find((b) => b.key === copy)?.size, zip.length);
  const notZip = await pb.backups.upload({ file: new File(['hello'], `text_${RUN}.zip`) }).catch((e) => e);
  assert.equal(notZip.response.data.file.code, 'validation_invalid_mime_type');
  const taken = await pb.backups.upload({ file: new File([zip], copy) }).catch((e) => e);
  assert.equal(taken.response.data.file.code, 'validation_backup_name_exists');
  const none = await pb.backups.upload({}).catch((e) => e);
  assert.equal(none.response.data.file.code, 'validation_required');

  for (const key of [name, copy, auto.key]) assert.equal(await pb.backups.delete(key), true);
  assert.deepEqual((await pb.backups.getFullList()).map((b) => b.key), []);
  const gone = await pb.backups.delete(name).catch((e) => e);
  assert.equal(gone.status, 400);

  const guest = new PocketBase(BASE_URL);
  assert.equal((await guest.backups.getFullList().catch((e) => e)).status, 401);
});

test('pb.backups.restore swaps the backup in and the server keeps serving', TIMEOUT, async () => {
  const pb = new PocketBase(BASE_URL);
  await pb.collection('_superusers').authWithPassword(SU_EMAIL, SU_PASSWORD);
  const coll = `restore_${RUN}`;
  await pb.collections.create({ name: coll, type: 'base', fields: [{ name: 'title', type: 'text' }] });
  const kept = await pb.collection(coll).create({ title: 'in the backup' });
  const key = `restore_${RUN}.zip`;
  assert.equal(await pb.backups.create(key), true);

  const lost = await pb.collection(coll).create({ title: 'after the backup' });
  await pb.collections.create({ name: `${coll}_later`, type: 'base', fields: [] });
  assert.equal(await pb.backups.restore(key), true);

  // The restore answers once it is done: the old state is back, the later changes are gone.
  assert.equal((await pb.collection(coll).getOne(kept.id)).title, 'in the backup');
  assert.equal((await pb.collection(coll).getOne(lost.id).catch((e) => e)).status, 404);
  assert.equal((await pb.collections.getOne(`${coll}_later`).catch((e) => e)).status, 404);
  // The same superuser session still works and new writes stick.
  const added = await pb.collection(coll).create({ title: 'after the restore' });
  assert.equal((await pb.collection(coll).getFullList()).length, 2);
  assert.equal((await pb.collection(coll).getOne(added.id)).title, 'after the restore');

  const missing = await pb.backups.restore(`missing_${RUN}.zip`).catch((e) => e);
  assert.equal(missing.status, 400);
  assert.equal(missing.response.message, 'Missing or invalid backup file.');
  const guest = new PocketBase(BASE_URL);
  assert.equal((await guest.backups.restore(key).catch((e) => e)).status, 401);
  assert.equal(await pb.backups.delete(key), true);
});
