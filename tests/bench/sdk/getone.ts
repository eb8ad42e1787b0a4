// getOne through the generated SDK against the same GET with raw fetch + json(), in Node,
// against a running Cairn (CAIRN_URL; schema from sdk-ts/test/setup-schema.mjs). The two run
// in alternating rounds (so drift on a shared machine hits both) and sequentially (one request
// in flight, so the client's own cost is not hidden behind concurrency). Prints markdown rows.

import { createClient } from "./sdk/index.js";

// The little of Node's `process` used here (sdk-ts has no @types/node).
declare const process: { env: Record<string, string | undefined>; hrtime: { bigint(): bigint } };

const base = process.env["CAIRN_URL"] ?? "";
const rounds = Number(process.env["ROUNDS"] ?? "30");
const perRound = Number(process.env["PER_ROUND"] ?? "400");

const client = createClient(base, { authStore: "memory", realtime: { transport: "sse" } });
const post = await client.collection("bar_posts").create({ title: "bench", status: "live", score: 1, tags: ["a"] });
const url = `${base}/api/collections/bar_posts/records/${post.id}`;

async function raw(): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`status ${res.status}`);
  const body = (await res.json()) as { title: string };
  return body.title;
}

async function sdk(): Promise<string> {
  const r = await client.collection("bar_posts").getOne(post.id);
  return r.title;
}

async function round(f: () => Promise<string>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < perRound; i++) {
    if ((await f()) !== "bench") throw new Error("wrong record");
  }
  return Number(process.hrtime.bigint() - start) / 1e3 / perRound; // µs per call
}

// Warm-up: connections, JIT, the server's read cache.
await round(raw);
await round(sdk);
const rawTimes: number[] = [];
const sdkTimes: number[] = [];
for (let i = 0; i < rounds; i++) {
  if (i % 2 === 0) {
    rawTimes.push(await round(raw));
    sdkTimes.push(await round(sdk));
  } else {
    sdkTimes.push(await round(sdk));
    rawTimes.push(await round(raw));
  }
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const r = median(rawTimes);
const s = median(sdkTimes);
const overhead = ((s - r) / r) * 100;
const n = rounds * perRound;
console.log(`| getOne, raw fetch + json() (median of ${rounds} rounds, ${n} calls) | ${r.toFixed(1)} µs/call | |`);
console.log(`| getOne, generated SDK (same) | ${s.toFixed(1)} µs/call | |`);
console.log(`| SDK overhead | ${overhead.toFixed(1)} % | < 5 % |`);
