"""Prints scripts/bench.sh's results as tables, checks the targets, exits 1 if one is missed.

With several runs (BENCH_RUNS), each run gets its table, then one table of the worst figure of
each scenario over the runs (least throughput, highest p99); a target missed in any run is
missed."""
import json
import os
import platform
import sys
from datetime import date

RATIO_TARGET = 0.40  # authenticated GET /actors vs GET /healthz
SSR_RATIO_TARGET = 0.15  # each server-rendered page vs GET /healthz
READ_P99_MS = 10.0  # every GET scenario, pages included
WRITE_P99_MS = 15.0  # POST and PATCH
RSS_MB = 64.0

rows = [json.loads(line) for line in open(sys.argv[1])]
connections, seconds = sys.argv[2], sys.argv[3]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
runs = sorted({r.get("run", 1) for r in rows})
print(f"\n{date.today()} · {os.cpu_count()} cores ({cpu}) · {platform.system()} {platform.release()}")
print(f"wrk -t2 -c{connections} -d{seconds}s on loopback, same machine as the server; release build; "
      f"{len(runs)} run(s)\n")

HEADER = "| scenario | req/s | × baseline | p50 ms | p99 ms | errors | peak RSS MB |\n|---|---:|---:|---:|---:|---:|---:|"


def with_ratios(mine):
    base = next(r["result"]["rps"] for r in mine if r["scenario"] == "GET /healthz")
    return [dict(r, ratio=r["result"]["rps"] / base) for r in mine]


def check(db, run, r, missed):
    res, name, ratio, rss = r["result"], r["scenario"], r["ratio"], r["rss_kb"] / 1024
    where = f"run {run} {db} {name}"
    if res["errors"]:
        missed.append(f"{where}: {res['errors']} errors ({res['non_2xx']} non-2xx)")
    if name.startswith(("GET", "SSR GET")) and res["p99_ms"] > READ_P99_MS:
        missed.append(f"{where}: p99 {res['p99_ms']:.2f} ms > {READ_P99_MS:g} ms")
    if name.startswith(("POST", "PATCH")) and res["p99_ms"] > WRITE_P99_MS:
        missed.append(f"{where}: p99 {res['p99_ms']:.2f} ms > {WRITE_P99_MS:g} ms")
    if name == "GET /actors" and ratio < RATIO_TARGET:
        missed.append(f"{where}: {ratio:.3f} × baseline < {RATIO_TARGET}")
    if name.startswith("SSR GET") and ratio < SSR_RATIO_TARGET:
        missed.append(f"{where}: {ratio:.3f} × baseline < {SSR_RATIO_TARGET}")
    if rss > RSS_MB:
        missed.append(f"{where}: peak RSS {rss:.1f} MB > {RSS_MB:g} MB")


def line(name, rps, ratio, p50, p99, errors, rss):
    return f"| {name} | {rps:,.0f} | {ratio:.3f} | {p50:.2f} | {p99:.2f} | {errors} | {rss:.1f} |"


missed = []
worst = {}  # (db, scenario) -> figures
for run in runs:
    for db in dict.fromkeys(r["database"] for r in rows if r.get("run", 1) == run):
        mine = with_ratios([r for r in rows if r.get("run", 1) == run and r["database"] == db])
        print(f"run {run}, {db}:" if len(runs) > 1 else f"{db}:")
        print(HEADER)
        for r in mine:
            res = r["result"]
            print(line(r["scenario"], res["rps"], r["ratio"], res["p50_ms"], res["p99_ms"],
                       res["errors"], r["rss_kb"] / 1024))
            check(db, run, r, missed)
            w = worst.setdefault((db, r["scenario"]), dict(rps=res["rps"], ratio=r["ratio"],
                                 p50=res["p50_ms"], p99=res["p99_ms"], errors=0, rss=0.0))
            w["rps"] = min(w["rps"], res["rps"])
            w["ratio"] = min(w["ratio"], r["ratio"])
            w["p50"] = max(w["p50"], res["p50_ms"])
            w["p99"] = max(w["p99"], res["p99_ms"])
            w["errors"] += res["errors"]
            w["rss"] = max(w["rss"], r["rss_kb"] / 1024)
        print()

if len(runs) > 1:
    for db in dict.fromkeys(db for db, _ in worst):
        print(f"{db}, the worst of {len(runs)} runs (least req/s and × baseline, highest p50/p99/RSS, errors summed):")
        print(HEADER)
        for (d, name), w in worst.items():
            if d == db:
                print(line(name, w["rps"], w["ratio"], w["p50"], w["p99"], w["errors"], w["rss"]))
        print()

print(f"targets: GET /actors ≥ {RATIO_TARGET:.0%} and each SSR page ≥ {SSR_RATIO_TARGET:.0%} of GET /healthz; "
      f"reads p99 ≤ {READ_P99_MS:g} ms; POST/PATCH p99 ≤ {WRITE_P99_MS:g} ms; zero errors; "
      f"peak RSS ≤ {RSS_MB:g} MB; in every run")
if missed:
    print("MISSED:\n  " + "\n  ".join(missed))
    sys.exit(1)
print("all targets met")
