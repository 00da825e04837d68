#!/usr/bin/env python3
"""The daily sync of bench/sync.sh, for binaries side by side (BENCHMARKS.md, issue 18):

    bench/sync_daily_ab.py WORK RUNS BIN...

WORK is a directory bench/sync.sh left (its B before the day's answers in
WORK/b0, A's answers in WORK/folder). Each run copies B afresh and times
`BIN --collection B sync` (the whole process); the binaries alternate run by
run (ABBA...), so the machine's load falls on each alike. Prints the median,
min, max and p90 of each.
"""
import os, shutil, statistics, subprocess, sys, time
work, runs, bins = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
env = dict(os.environ, ISKRA_NOW="2026-11-23T10:00:00Z", TZ="UTC", NO_COLOR="1")
env.pop("ISKRA_COLLECTION", None)
b = f"{work}/b/collection.sqlite3"
times = {x: [] for x in bins}
for i in range(runs):
    for x in (bins if i % 2 == 0 else bins[::-1]):
        for suffix in ("-wal", "-shm"):
            if os.path.exists(b + suffix): os.remove(b + suffix)
        shutil.copy(f"{work}/b0/collection.sqlite3", b)
        t = time.perf_counter()
        subprocess.run([x, "--collection", b, "sync"], env=env, check=True, stdout=subprocess.DEVNULL)
        times[x].append((time.perf_counter() - t) * 1000)
for x in bins:
    t = sorted(times[x])
    print(f"{x}: median {statistics.median(t):.1f} ms (min {t[0]:.1f}, max {t[-1]:.1f}, p90 {t[int(len(t)*0.9)-1]:.1f}; {len(t)} runs)")
