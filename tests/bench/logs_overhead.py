#!/usr/bin/env python3
"""What request logging costs the read path: one Cairn server, the same view-by-id and list
loads (wrk) with request logs on (`settings.logs.maxDays` 5, the default) and off (0), in
alternating rounds so machine noise hits both alike. Target: logging on costs ≤ 3% of req/s.

usage: tests/bench/logs_overhead.py CAIRN_BIN [--records N] [--duration S] [--rounds R] [--connections C]
"""
import argparse, statistics, sys

from benchlib import Server, call
from filtered_list import wrk


def seed(port, token, n):
    call(port, "PATCH", "/api/settings", {"batch": {"enabled": True, "maxRequests": 1000, "timeout": 60}}, token)
    call(port, "POST", "/api/collections", {
        "name": "posts", "type": "base", "listRule": "", "viewRule": "",
        "fields": [{"name": "title", "type": "text"}, {"name": "score", "type": "number"}]}, token)
    first = None
    for start in range(0, n, 1000):
        reqs = [{"method": "POST", "url": "/api/collections/posts/records", "body": {"title": f"post {i}", "score": i % 1000}}
                for i in range(start, min(n, start + 1000))]
        out = call(port, "POST", "/api/batch", {"requests": reqs}, token)
        first = first or out[0]["body"]["id"]
    return first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cairn")
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--duration", type=int, default=6)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=16)
    args = ap.parse_args()
    server = Server("cairn", args.cairn)
    try:
        token = server.token()
        rid = seed(server.port, token, args.records)
        loads = {"view": f"/api/collections/posts/records/{rid}", "list": "/api/collections/posts/records?perPage=20&sort=-score"}
        results = {(load, mode): [] for load in loads for mode in ("on", "off")}
        for _ in range(args.rounds):
            for mode, days in (("on", 5), ("off", 0)):
                call(server.port, "PATCH", "/api/settings", {"logs": {"maxDays": days}}, token)
                for load, path in loads.items():
                    results[(load, mode)].append(wrk(server.port, path, args.duration, args.connections)["rps"])
        logged = call(server.port, "GET", "/api/logs?perPage=1", None, token)["totalItems"]
        print("| load | logs on req/s | logs off req/s | cost |")
        print("|---|---|---|---|")
        for load in loads:
            on, off = statistics.median(results[(load, "on")]), statistics.median(results[(load, "off")])
            print(f"| {load} | {on:,.0f} | {off:,.0f} | {100 * (off - on) / off:+.1f}% |")
        print(f"\n{logged:,} entries logged; medians of {args.rounds} alternating rounds of {args.duration} s, {args.connections} connections")
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
