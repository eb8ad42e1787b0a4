#!/usr/bin/env python3
"""The benchmark suite: Cairn and PocketBase 0.40.6 on the same machine, in the same run, with
the same client (wrk) and workload, plus a bare actix-web route as the HTTP ceiling.

For each server: start on loopback with a fresh data dir (start-up time to first healthy
response, idle RSS), create `users` and `posts` (title, body, score with an index, published,
author → users; public rules) and `owned` (same fields, owner rule `author = @request.auth.id`),
seed N records, then run every scenario for D seconds at C connections. Realtime fan-out runs
server/examples/realtime_load at 1,000 and 10,000 SSE subscribers. Then the collections are topped
up to --big records and the list scenarios run again. The ceiling (server/examples/hello_ceiling)
is driven with the same wrk script and paths as "view by id". A second Cairn pass with the read
cache off (CAIRN_READ_CACHE_MB=0) repeats the view and list scenarios at --records. Prints one markdown table and
writes it to tests/bench/results.md.

usage: tests/bench/suite.py --cairn BIN --pocketbase BIN --load BIN --ceiling BIN
                            [--records N] [--big N] [--duration S] [--connections C] [--quick]
"""
import argparse, os, re, subprocess, sys, tempfile, time

from benchlib import Server, call, free_port

HERE = os.path.dirname(os.path.abspath(__file__))


def rss_kib(pid, key="VmRSS"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def wrk(port, path, duration, connections, lua=None, headers=()):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    script = None
    if lua:
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write(lua)
        script.close()
        cmd += ["-s", script.name]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    if script:
        os.unlink(script.name)
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m:
        return {"rps": 0.0, "p50": float("nan"), "p99": float("nan"), "errors": -1}

    def lat(label):
        m = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)\b", out)
        if not m:
            return float("nan")
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(int(x) for x in sock.groups()) if sock else 0)
    return {"rps": float(m.group(1)), "p50": lat("50"), "p99": lat("99"), "errors": errors}


def lua_cycle(method, paths, body=None):
    items = ",".join(f'"{p}"' for p in paths)
    body_line = f"wrk.body = '{body}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n" if body else ""
    return f"""paths = {{{items}}}
counter = 0
{body_line}request = function()
  counter = counter + 1
  return wrk.format("{method}", paths[(counter % #paths) + 1])
end
"""


def seed(port, token, records, users):
    """Creates `users` users, the `posts` and `owned` collections and `records` records in each;
    returns the posts' ids and the user ids (for topping up with `add_records`)."""
    call(port, "PATCH", "/api/settings", {"batch": {"enabled": True, "maxRequests": 1000, "timeout": 120}}, token)
    call(port, "PATCH", "/api/collections/users", {"listRule": "", "viewRule": ""}, token)
    user_ids = []
    for i in range(users):
        r = call(port, "POST", "/api/collections/users/records", {
            "email": f"user{i}@example.com", "password": "benchpassword1", "passwordConfirm": "benchpassword1", "name": f"User {i}"}, token)
        user_ids.append(r["id"])
    fields = [{"name": "title", "type": "text"}, {"name": "body", "type": "text"}, {"name": "score", "type": "number"},
              {"name": "published", "type": "bool"},
              {"name": "author", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1}]
    public = {"listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": ""}
    call(port, "POST", "/api/collections", {"name": "posts", "type": "base", **public, "fields": fields,
                                              "indexes": ["CREATE INDEX idx_posts_score ON posts (score)"]}, token)
    owner = "author = @request.auth.id"
    call(port, "POST", "/api/collections", {"name": "owned", "type": "base", "listRule": owner, "viewRule": owner, "createRule": "",
                                              "fields": fields, "indexes": ["CREATE INDEX idx_owned_author ON owned (author)",
                                                                             "CREATE INDEX idx_owned_score ON owned (score)"]}, token)
    return add_records(port, token, 0, records, user_ids), user_ids


def add_records(port, token, start, end, user_ids):
    """Adds records start..end to `posts` and `owned` (1,000 per batch); returns the posts' ids."""
    ids = []
    for coll in ("posts", "owned"):
        for first in range(start, end, 1000):
            reqs = [{"method": "POST", "url": f"/api/collections/{coll}/records", "body": {
                "title": f"post {i}", "body": "lorem ipsum dolor sit amet " * 4, "score": (i * 7919) % 1000,
                "published": i % 3 != 0, "author": user_ids[i % len(user_ids)]}} for i in range(first, min(end, first + 1000))]
            out = call(port, "POST", "/api/batch", {"requests": reqs}, token)
            if coll == "posts":
                ids += [r["body"]["id"] for r in out]
    return ids


def bench_server(kind, binary, args, env=None, reads_only=False):
    """Runs every scenario against one server (`reads_only`: just the view and list scenarios at
    --records, for the cache-off pass)."""
    t0 = time.time()
    server = Server(kind, binary, env=env)
    if reads_only:
        kind += " (read cache off)"
    startup_ms = (time.time() - t0) * 1000
    res = {"startup_ms": startup_ms, "idle_rss": rss_kib(server.proc.pid)}
    try:
        token = server.token()
        t = time.time()
        ids, user_ids = seed(server.port, token, args.records, 10)
        print(f"{kind}: seeded {args.records} × 2 records in {time.time() - t:.1f}s", file=sys.stderr)
        user_token = call(server.port, "POST", "/api/collections/users/auth-with-password",
                          {"identity": "user1@example.com", "password": "benchpassword1"})["token"]
        sample = ids[:: max(1, len(ids) // 1000)]
        res["view_paths"] = [f"/api/collections/posts/records/{i}" for i in sample]
        d, c, p = args.duration, args.connections, server.port
        q = "filter=score%3E500%20%26%26%20published%3Dtrue"
        lists = [
            ("list sorted (-score, 20)", lambda: wrk(p, "/api/collections/posts/records?perPage=20&sort=-score", d, c)),
            ("list filtered", lambda: wrk(p, f"/api/collections/posts/records?perPage=20&{q}", d, c)),
            ("list with expand=author", lambda: wrk(p, "/api/collections/posts/records?perPage=20&sort=-score&expand=author", d, c)),
            ("list under owner rule (user token)", lambda: wrk(p, "/api/collections/owned/records?perPage=20&sort=-score", d, c, headers=[f"Authorization: {user_token}"])),
        ]
        scenarios = [
            ("view by id", lambda: wrk(p, "/", d, c, lua_cycle("GET", res["view_paths"]))),
            *lists,
            ("create", lambda: wrk(p, "/api/collections/posts/records", d, c, lua_cycle("POST", ["/api/collections/posts/records"], '{"title":"new","score":5,"published":true}'))),
            ("update", lambda: wrk(p, "/", d, c, lua_cycle("PATCH", [f"/api/collections/posts/records/{i}" for i in sample], '{"title":"edited"}'))),
            ("password auth", lambda: wrk(p, "/api/collections/users/auth-with-password", d, c,
                                          lua_cycle("POST", ["/api/collections/users/auth-with-password"], '{"identity":"user2@example.com","password":"benchpassword1"}'))),
        ]
        if reads_only:
            scenarios = scenarios[:1 + len(lists)]
        for name, fn in scenarios:
            res[name] = fn()
        for n in [] if reads_only else args.subscribers:
            out = subprocess.run([args.load, "--url", f"http://127.0.0.1:{p}", "--email", "bench@example.com", "--password", "benchpassword1",
                                  "--sse", str(n), "--ws", "0", "--writes", str(args.writes), "--pid", str(server.proc.pid), "--timeout", "120"],
                                 capture_output=True, text=True, timeout=200)
            m = re.search(r"delivered (\d+)/(\d+) \(lost (\d+)\); latency p50 ([\d.]+) ms p99 ([\d.]+) ms", out.stdout)
            res[f"realtime {n} SSE"] = {"delivered": m.group(1), "expected": m.group(2), "lost": m.group(3), "p50": float(m.group(4)), "p99": float(m.group(5))} if m else {"error": (out.stdout + out.stderr)[-300:]}
        if args.big > args.records and not reads_only:
            t = time.time()
            add_records(p, token, args.records, args.big, user_ids)
            print(f"{kind}: topped up to {args.big} × 2 records in {time.time() - t:.1f}s", file=sys.stderr)
            for name, fn in lists:
                res[f"{name} @{args.big:,}"] = fn()
        res["peak_rss"] = rss_kib(server.proc.pid, "VmHWM")
    finally:
        server.stop()
    return res


def ceiling(binary, args, view_paths):
    """The bare actix-web route, driven exactly like the view scenario (same wrk script and
    paths: it answers `GET /api/collections/{collection}/records/{id}` with a record-sized body)."""
    port = free_port()
    proc = subprocess.Popen([binary, f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        return wrk(port, "/", args.duration, args.connections, lua_cycle("GET", view_paths))
    finally:
        proc.terminate()
        proc.wait(10)


def fmt(v, digits=0):
    return "n/a" if v is None or v != v else f"{v:,.{digits}f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cairn", required=True)
    ap.add_argument("--pocketbase", required=True)
    ap.add_argument("--load", required=True)
    ap.add_argument("--ceiling", required=True)
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--big", type=int, default=100_000, help="then top up to this many records and run the list scenarios again")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--writes", type=int, default=10)
    ap.add_argument("--quick", action="store_true", help="CI smoke run: tiny data, short durations")
    ap.add_argument("--out", default=os.path.join(HERE, "results.md"))
    args = ap.parse_args()
    args.subscribers = [1000, 10000]
    if args.quick:
        args.records, args.big, args.duration, args.connections, args.writes, args.subscribers = 200, 400, 1, 4, 2, [50]
    started = time.time()
    cairn = bench_server("cairn", args.cairn, args)
    uncached = bench_server("cairn", args.cairn, args, env={"CAIRN_READ_CACHE_MB": "0"}, reads_only=True)
    pb = bench_server("pocketbase", args.pocketbase, args)
    hello = ceiling(args.ceiling, args, cairn["view_paths"])
    rows = [f"{args.records} records per collection; wrk -t2 -c{args.connections} -d{args.duration}s; loopback; "
            f"{os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}", "",
            "| scenario | Cairn req/s | p50 ms | p99 ms | err | PocketBase req/s | p50 ms | p99 ms | err | Cairn/PB | cache off req/s | p99 ms | /PB |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, v in cairn.items():
        if isinstance(v, dict) and "rps" in v:
            w = pb[name]
            ratio = f"{v['rps'] / w['rps']:.2f}×" if w["rps"] else "n/a"
            u = uncached.get(name)
            off = f"{fmt(u['rps'])} | {fmt(u['p99'], 2)} | {u['rps'] / w['rps']:.2f}×" if u and w["rps"] else " | | "
            rows.append(f"| {name} | {fmt(v['rps'])} | {fmt(v['p50'], 2)} | {fmt(v['p99'], 2)} | {v['errors']} | {fmt(w['rps'])} | {fmt(w['p50'], 2)} | {fmt(w['p99'], 2)} | {w['errors']} | {ratio} | {off} |")
    if hello["rps"]:
        off = uncached.get("view by id", {}).get("rps", 0) / hello["rps"]
        rows.append(f"| bare actix-web route (ceiling) | {fmt(hello['rps'])} | {fmt(hello['p50'], 2)} | {fmt(hello['p99'], 2)} | {hello['errors']} "
                    f"| | | | | view/ceiling {cairn['view by id']['rps'] / hello['rps']:.2f} | | | view/ceiling {off:.2f} |")
    else:
        rows.append("| ceiling | n/a |")
    rows += ["", "| realtime fan-out | Cairn delivered (lost) | p50 / p99 ms | PocketBase delivered (lost) | p50 / p99 ms |", "|---|---|---|---|---|"]
    for name, v in cairn.items():
        if name.startswith("realtime"):
            w = pb.get(name, {})
            cell = lambda x: f"{x.get('delivered')}/{x.get('expected')} ({x.get('lost')})" if "lost" in x else x.get("error", "n/a")
            lat = lambda x: f"{x['p50']:.1f} / {x['p99']:.1f}" if "p50" in x else "n/a"
            rows.append(f"| {name} | {cell(v)} | {lat(v)} | {cell(w)} | {lat(w)} |")
    rows += ["", "| process | Cairn | PocketBase |", "|---|---|---|",
             f"| start-up to first healthy response | {cairn['startup_ms']:.0f} ms | {pb['startup_ms']:.0f} ms |",
             f"| idle RSS after start | {fmt((cairn['idle_rss'] or 0) / 1024, 1)} MiB | {fmt((pb['idle_rss'] or 0) / 1024, 1)} MiB |",
             f"| peak RSS (whole run) | {fmt((cairn['peak_rss'] or 0) / 1024, 1)} MiB | {fmt((pb['peak_rss'] or 0) / 1024, 1)} MiB |",
             "", f"total run time {time.time() - started:.0f}s"]
    text = "\n".join(rows)
    print(text)
    with open(args.out, "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
