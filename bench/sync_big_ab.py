#!/usr/bin/env python3
"""The first sync of bench/sync.sh (an empty collection reads a whole
history), for binaries side by side (BENCHMARKS.md, issue 18):

    bench/sync_big_ab.py WORK RUNS BIN...

WORK is a directory bench/sync.sh left (WORK/folder holds A's chunks and
deck files). Each run syncs a new, empty collection WORK/big/collection.sqlite3
from WORK/folder with `BIN` (the whole process); the binaries alternate run
by run (ABBA...), so the machine's load falls on each alike. Prints, for
each, the wall time's median, min and max, the median CPU time (user +
system) and the largest peak RSS.
"""
import os, shutil, statistics, subprocess, sys, time
work, runs, bins = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
env = dict(os.environ, ISKRA_NOW="2026-11-22T10:00:00Z", TZ="UTC", NO_COLOR="1")
env.pop("ISKRA_COLLECTION", None)
big = f"{work}/big"
wall = {x: [] for x in bins}
cpu = {x: [] for x in bins}
rss = {x: [] for x in bins}
for i in range(runs):
    for x in (bins if i % 2 == 0 else bins[::-1]):
        shutil.rmtree(big, ignore_errors=True)
        os.makedirs(big)
        os.sync()
        t = time.perf_counter()
        p = subprocess.Popen([x, "--collection", f"{big}/collection.sqlite3", "sync", f"{work}/folder"],
                             env=env, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        wall[x].append(time.perf_counter() - t)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{x} failed")
        cpu[x].append(usage.ru_utime + usage.ru_stime)
        rss[x].append(usage.ru_maxrss / 1024)
        print(f"run {i + 1}: {x}: {wall[x][-1]:.2f} s, CPU {cpu[x][-1]:.2f} s, peak RSS {rss[x][-1]:.0f} MiB",
              flush=True)
shutil.rmtree(big, ignore_errors=True)
for x in bins:
    t = sorted(wall[x])
    print(f"{x}: median {statistics.median(t):.2f} s (min {t[0]:.2f}, max {t[-1]:.2f}; {len(t)} runs); "
          f"CPU median {statistics.median(cpu[x]):.2f} s; peak RSS at most {max(rss[x]):.0f} MiB")
