#!/usr/bin/env python3
"""Rough per-request latency of Cairn vs PocketBase (sequential, one keep-alive connection).

Not the benchmark suite (that is tests/bench's future `run`): a first figure for view, list and
create, same client and workload for both servers, started fresh on loopback by this script.

usage: tests/bench/first_latency.py CAIRN_BIN POCKETBASE_BIN [--requests N] [--seed N]
"""
import argparse, http.client, json, os, shutil, signal, statistics, subprocess, sys, tempfile, time

EMAIL, PASSWORD = "bench@example.com", "benchpassword1"


def call(conn, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = token
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    if resp.status >= 300 and resp.status != 204:
        raise RuntimeError(f"{method} {path} -> {resp.status} {data[:300]!r}")
    return json.loads(data) if data else None


def wait_healthy(port, deadline=30):
    start = time.time()
    while time.time() - start < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/api/health")
            if c.getresponse().status == 200:
                return time.time() - start
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"server on {port} did not become healthy")


def start(kind, binary, port, data_dir):
    if kind == "cairn":
        subprocess.run([binary, "superuser", "upsert", EMAIL, PASSWORD, "--dir", data_dir], check=True, capture_output=True)
        cmd = [binary, "serve", "--http", f"127.0.0.1:{port}", "--dir", data_dir, "--log", "warn"]
    else:
        subprocess.run([binary, "superuser", "upsert", EMAIL, PASSWORD, "--dir", data_dir], check=True, capture_output=True)
        cmd = [binary, "serve", "--http", f"127.0.0.1:{port}", "--dir", data_dir, "--automigrate=false"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_healthy(port)
    return proc


def measure(conn, fn, n):
    samples = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - t) * 1e6)
    samples.sort()
    return {"p50": samples[len(samples) // 2], "p99": samples[int(len(samples) * 0.99)], "mean": statistics.fmean(samples)}


def run(kind, binary, port, n, seed):
    data_dir = tempfile.mkdtemp(prefix=f"bench-{kind}-")
    proc = start(kind, binary, port, data_dir)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        token = call(conn, "POST", "/api/collections/_superusers/auth-with-password", {"identity": EMAIL, "password": PASSWORD})["token"]
        call(conn, "POST", "/api/collections", {
            "name": "posts", "type": "base", "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": "",
            "fields": [{"name": "title", "type": "text"}, {"name": "body", "type": "text"}, {"name": "score", "type": "number"},
                       {"name": "published", "type": "bool"}],
            "indexes": ["CREATE INDEX idx_posts_score ON posts (score)"]}, token)
        ids = [call(conn, "POST", "/api/collections/posts/records",
                    {"title": f"post {i}", "body": "lorem ipsum " * 8, "score": i % 1000, "published": i % 2 == 0})["id"]
               for i in range(seed)]
        results = {
            "view": measure(conn, lambda i: call(conn, "GET", f"/api/collections/posts/records/{ids[i % len(ids)]}"), n),
            "list (sort -score, 20)": measure(conn, lambda i: call(conn, "GET", f"/api/collections/posts/records?perPage=20&page={1 + i % 10}&sort=-score"), n),
            "create": measure(conn, lambda i: call(conn, "POST", "/api/collections/posts/records", {"title": f"new {i}", "score": i, "published": True}), n),
        }
        return results
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


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
