"""Prints scripts/bench.sh's results as a table, checks the targets, exits 1 if one is missed."""
import json
import os
import platform
import sys
from datetime import date

RATIO_TARGET = 0.40  # authenticated GET /actors vs GET /healthz
READ_P99_MS = 10.0  # every GET scenario
RSS_MB = 64.0

rows = [json.loads(line) for line in open(sys.argv[1])]
connections, seconds = sys.argv[2], sys.argv[3]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"\n{date.today()} · {os.cpu_count()} cores ({cpu}) · {platform.system()} {platform.release()}")
print(f"wrk -t2 -c{connections} -d{seconds}s on loopback, same machine as the server; release build\n")

missed = []
for db in dict.fromkeys(r["database"] for r in rows):
    mine = [r for r in rows if r["database"] == db]
    base = next(r["result"]["rps"] for r in mine if r["scenario"] == "GET /healthz")
    print(f"{db}:")
    print(f"| scenario | req/s | × baseline | p50 ms | p99 ms | errors | peak RSS MB |")
    print(f"|---|---:|---:|---:|---:|---:|---:|")
    for r in mine:
        res, name = r["result"], r["scenario"]
        ratio = res["rps"] / base
        rss = r["rss_kb"] / 1024
        print(f"| {name} | {res['rps']:,.0f} | {ratio:.2f} | {res['p50_ms']:.2f} | {res['p99_ms']:.2f} "
              f"| {res['errors']} | {rss:.1f} |")
        if res["errors"]:
            missed.append(f"{db} {name}: {res['errors']} errors ({res['non_2xx']} non-2xx)")
        if name.startswith(("GET", "SSR GET")) and res["p99_ms"] > READ_P99_MS:
            missed.append(f"{db} {name}: p99 {res['p99_ms']:.2f} ms > {READ_P99_MS} ms")
        if name == "GET /actors" and ratio < RATIO_TARGET:
            missed.append(f"{db} {name}: {ratio:.2f} × baseline < {RATIO_TARGET}")
        if rss > RSS_MB:
            missed.append(f"{db} {name}: peak RSS {rss:.1f} MB > {RSS_MB} MB")
    print()

print(f"targets: GET /actors ≥ {RATIO_TARGET:.0%} of GET /healthz; reads p99 ≤ {READ_P99_MS:g} ms; "
      f"zero errors; peak RSS ≤ {RSS_MB:g} MB")
if missed:
    print("MISSED:\n  " + "\n  ".join(missed))
    sys.exit(1)
print("all targets met")
