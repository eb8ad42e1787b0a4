// Watches GTM Wizard's `messages` through the unmodified official PocketBase JS SDK's realtime
// client, as a dashboard would: signs in as a user, subscribes to `messages/*`, prints `READY`,
// then one JSON line per event ({action, id, role, status, content}) until an assistant
// message is `done` or `error` (or 30 s pass).
//
// Usage: CAIRN_URL=… GTM_EMAIL=… GTM_PASSWORD=… node gtm-watch.mjs

import { EventSource } from 'eventsource';
import PocketBase from 'pocketbase';

globalThis.EventSource = EventSource;

const { CAIRN_URL, GTM_EMAIL, GTM_PASSWORD } = process.env;
if (!CAIRN_URL || !GTM_EMAIL || !GTM_PASSWORD) {
  console.error('missing env CAIRN_URL, GTM_EMAIL or GTM_PASSWORD');
  process.exit(2);
}

const pb = new PocketBase(CAIRN_URL);
await pb.collection('users').authWithPassword(GTM_EMAIL, GTM_PASSWORD);
const timer = setTimeout(() => {
  console.error('timed out waiting for the reply');
  process.exit(3);
}, 30_000);
await pb.collection('messages').subscribe('*', (e) => {
  const r = e.record;
  console.log(JSON.stringify({ action: e.action, id: r.id, role: r.role, status: r.status, content: r.content }));
  if (r.role === 'assistant' && (r.status === 'done' || r.status === 'error')) {
    clearTimeout(timer);
    pb.realtime.unsubscribe().finally(() => process.exit(0));
  }
});
console.log('READY');
