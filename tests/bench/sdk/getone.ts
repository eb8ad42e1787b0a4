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

/** Median of `xs`. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

/** Alternating rounds of `a` and `b`: the median time of each and the median of the paired
 * ratios b/a (a pair runs back to back, so load changes on a shared machine cancel out). */
async function compare(a: () => Promise<string>, b: () => Promise<string>): Promise<[number, number, number]> {
  await round(a); // warm-up: connections, JIT, the server's read cache
  await round(b);
  const as: number[] = [];
  const bs: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let ta: number;
    let tb: number;
    if (i % 2 === 0) {
      ta = await round(a);
      tb = await round(b);
    } else {
      tb = await round(b);
      ta = await round(a);
    }
    as.push(ta);
    bs.push(tb);
    ratios.push(tb / ta);
  }
  return [median(as), median(bs), median(ratios)];
}

// Over loopback: the whole call, server included.
const [r, s, ratio] = await compare(raw, sdk);

// The client's own cost: the same two calls over a stub `fetch` answering the same body at
// once, so only the work on either side of `fetch` is timed.
const body = JSON.stringify(await (await fetch(url)).json());
const stubFetch = async (): Promise<Response> => new Response(body, { status: 200, headers: { "content-type": "application/json" } });
const stubbed = createClient(base, { authStore: "memory", fetch: stubFetch });
const [rs, ss] = await compare(
  async () => ((await (await stubFetch()).json()) as { title: string }).title,
  async () => (await stubbed.collection("bar_posts").getOne(post.id)).title,
);

const n = rounds * perRound;
const own = ss - rs;
console.log(`| getOne over loopback, raw fetch + json() (median of ${rounds} rounds, ${n} calls) | ${r.toFixed(1)} µs/call | |`);
console.log(`| getOne over loopback, generated SDK (same) | ${s.toFixed(1)} µs/call | |`);
console.log(`| SDK / raw, median of paired rounds | ${((ratio - 1) * 100).toFixed(1)} % | < 5 % |`);
console.log(`| the SDK's own cost per call (stub fetch: ${ss.toFixed(1)} vs ${rs.toFixed(1)} µs) | ${own.toFixed(1)} µs = ${((own / r) * 100).toFixed(1)} % of a loopback getOne | < 5 % |`);
