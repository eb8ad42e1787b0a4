#!/usr/bin/env python3
"""Filtered, sorted list over 100k records: Cairn vs PocketBase, same machine, same client (wrk).

Starts each server fresh on loopback, seeds the same `posts` collection (title, score with an
index, published) through the batch API, then runs wrk against
`filter=score>500 && published=true&sort=-score&perPage=20` (with and without skipTotal).

usage: tests/bench/filtered_list.py CAIRN_BIN POCKETBASE_BIN [--records N] [--duration S] [--connections C]
"""
import argparse, re, subprocess, sys, time, urllib.parse

from benchlib import Server, call


def seed(port, n):
    token = call(port, "POST", "/api/collections/_superusers/auth-with-password", {"identity": "bench@example.com", "password": "benchpassword1"})["token"]
    call(port, "PATCH", "/api/settings", {"batch": {"enabled": True, "maxRequests": 1000, "timeout": 60}}, token)
    call(port, "POST", "/api/collections", {
        "name": "posts", "type": "base", "listRule": "", "viewRule": "", "createRule": "",
        "fields": [{"name": "title", "type": "text"}, {"name": "score", "type": "number"}, {"name": "published", "type": "bool"}],
        "indexes": ["CREATE INDEX idx_posts_score ON posts (score)"]}, token)
    for start_i in range(0, n, 1000):
        reqs = [{"method": "POST", "url": "/api/collections/posts/records",
                 "body": {"title": f"post {i}", "score": (i * 7919) % 1000, "published": i % 3 != 0}}
                for i in range(start_i, min(n, start_i + 1000))]
        call(port, "POST", "/api/batch", {"requests": reqs}, token)


def wrk(port, path, duration, connections):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True, timeout=duration + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def lat(label):
        m = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": lat("50"), "p99": lat("99"), "errors": int(errors.group(1)) if errors else 0}


def run(kind, binary, args, scenarios):
    server = Server(kind, binary)
    try:
        t = time.time()
        seed(server.port, args.records)
        print(f"{kind}: seeded {args.records} records in {time.time() - t:.1f}s", file=sys.stderr)
        return {name: wrk(server.port, path, args.duration, args.connections) for name, path in scenarios}
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cairn")
    ap.add_argument("pocketbase")
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    args = ap.parse_args()
    q = urllib.parse.quote("score>500 && published=true")
    scenarios = [
        ("filtered+sorted, with total", f"/api/collections/posts/records?perPage=20&sort=-score&filter={q}"),
        ("filtered+sorted, skipTotal", f"/api/collections/posts/records?perPage=20&sort=-score&skipTotal=1&filter={q}"),
    ]
    cairn = run("cairn", args.cairn, args, scenarios)
    pb = run("pocketbase", args.pocketbase, args, scenarios)
    print(f"{args.records} records, wrk -t2 -c{args.connections} -d{args.duration}s, loopback")
    print("| scenario | Cairn req/s | Cairn p50 ms | Cairn p99 ms | PB req/s | PB p50 ms | PB p99 ms | req/s ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for name, _ in scenarios:
        c, p = cairn[name], pb[name]
        print(f"| {name} | {c['rps']:.0f} | {c['p50']:.2f} | {c['p99']:.2f} | {p['rps']:.0f} | {p['p50']:.2f} | {p['p99']:.2f} | {c['rps'] / p['rps']:.2f}× |")
        if c["errors"] or p["errors"]:
            print(f"  errors: cairn {c['errors']}, pocketbase {p['errors']}")


if __name__ == "__main__":
    main()
