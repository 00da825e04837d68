#!/usr/bin/env python3
"""The daily sync of bench/sync.sh, for binaries side by side (BENCHMARKS.md, issue 18):

    bench/sync_daily_ab.py WORK RUNS BIN...

WORK is a directory bench/sync.sh left (its B before the day's answers in
WORK/b0, A's answers in WORK/folder). Each run copies B afresh and times
`BIN --collection B sync` (the whole process); the binaries alternate run by
run (ABBA...), so the machine's load falls on each alike. Prints, for each,
the wall time's median, min, max and p90, and the median CPU time (user +
system, from wait4) — what the process itself spent, whatever the load.
"""
import os, shutil, statistics, subprocess, sys, time
work, runs, bins = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
env = dict(os.environ, ISKRA_NOW="2026-11-23T10:00:00Z", TZ="UTC", NO_COLOR="1")
env.pop("ISKRA_COLLECTION", None)
b = f"{work}/b/collection.sqlite3"
times = {x: [] for x in bins}
cpu = {x: [] for x in bins}
for i in range(runs):
    for x in (bins if i % 2 == 0 else bins[::-1]):
        for suffix in ("-wal", "-shm"):
            if os.path.exists(b + suffix): os.remove(b + suffix)
        shutil.copy(f"{work}/b0/collection.sqlite3", b)
        # The copy on disk before the run: else the sync's fsync of the
        # collection writes the copy's 300 MB too (tens to hundreds of ms).
        os.sync()
        t = time.perf_counter()
        p = subprocess.Popen([x, "--collection", b, "sync"], env=env, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        times[x].append((time.perf_counter() - t) * 1000)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{x} failed")
        cpu[x].append((usage.ru_utime + usage.ru_stime) * 1000)
for x in bins:
    t = sorted(times[x])
    print(f"{x}: median {statistics.median(t):.1f} ms (min {t[0]:.1f}, max {t[-1]:.1f}, "
          f"p90 {t[int(len(t)*0.9)-1]:.1f}; {len(t)} runs); CPU median {statistics.median(cpu[x]):.1f} ms")
