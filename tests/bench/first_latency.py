#!/usr/bin/env python3
"""Rough per-request latency of Cairn vs PocketBase (sequential, one keep-alive connection).

Not the benchmark suite (that is tests/bench's future `run`): a first figure for view, list and
create, same client and workload for both servers, started fresh on loopback by this script.

usage: tests/bench/first_latency.py CAIRN_BIN POCKETBASE_BIN [--requests N] [--seed N]
"""
import argparse, http.client, statistics, sys, time

from benchlib import Server, call


def measure(conn, fn, n):
    samples = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - t) * 1e6)
    samples.sort()
    return {"p50": samples[len(samples) // 2], "p99": samples[int(len(samples) * 0.99)], "mean": statistics.fmean(samples)}


def run(kind, binary, port, n, seed):
    server = Server(kind, binary, port)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        token = server.token()
        call(conn, "POST", "/api/collections", {
            "name": "posts", "type": "base", "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": "",
            "fields": [{"name": "title", "type": "text"}, {"name": "body", "type": "text"}, {"name": "score", "type": "number"},
                       {"name": "published", "type": "bool"}],
            "indexes": ["CREATE INDEX idx_posts_score ON posts (score)"]}, token)
        ids = [call(conn, "POST", "/api/collections/posts/records",
                    {"title": f"post {i}", "body": "lorem ipsum " * 8, "score": i % 1000, "published": i % 2 == 0})["id"]
               for i in range(seed)]
        return {
            "view": measure(conn, lambda i: call(conn, "GET", f"/api/collections/posts/records/{ids[i % len(ids)]}"), n),
            "list (sort -score, 20)": measure(conn, lambda i: call(conn, "GET", f"/api/collections/posts/records?perPage=20&page={1 + i % 10}&sort=-score"), n),
            "create": measure(conn, lambda i: call(conn, "POST", "/api/collections/posts/records", {"title": f"new {i}", "score": i, "published": True}), n),
        }
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cairn")
    ap.add_argument("pocketbase")
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1000)
    a = ap.parse_args()
    res = {"cairn": run("cairn", a.cairn, 18090, a.requests, a.seed), "pocketbase": run("pocketbase", a.pocketbase, 18091, a.requests, a.seed)}
    print(f"sequential requests, one keep-alive connection, {a.requests} per scenario, {a.seed} seeded records; µs")
    print("| scenario | Cairn p50 | Cairn p99 | PocketBase p50 | PocketBase p99 | p50 ratio (PB/Cairn) |")
    print("|---|---|---|---|---|---|")
    for k in res["cairn"]:
        c, p = res["cairn"][k], res["pocketbase"][k]
        print(f"| {k} | {c['p50']:.0f} | {c['p99']:.0f} | {p['p50']:.0f} | {p['p99']:.0f} | {p['p50'] / c['p50']:.2f}× |")


if __name__ == "__main__":
    sys.exit(main())
