#!/usr/bin/env python3
"""Bare fsync latency of a disk, for comparison with iskra's answer commits.
A commit in WAL mode with synchronous=FULL appends the pages it changed to
the log and syncs it once; answering a card changes 12 pages (48 KiB with
their frame headers, counted with strace on a 100k-card collection).

Usage: python3 bench/fsync_probe.py DIR [N] [KIB]   (N appends of KIB KiB, default
2000 of 48, each followed by one fsync)
"""
import os
import statistics
import sys
import time

directory = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
kib = int(sys.argv[3]) if len(sys.argv) > 3 else 48
path = os.path.join(directory, "fsync-probe.tmp")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
times = []
try:
    for _ in range(n):
        os.write(fd, b"x" * (kib * 1024))
        start = time.perf_counter()
        os.fsync(fd)
        times.append((time.perf_counter() - start) * 1000)
finally:
    os.close(fd)
    os.unlink(path)
times.sort()
p99 = times[max(0, -(-len(times) * 99 // 100) - 1)]
print(f"bare fsync of a {kib} KiB append: n={n} median {statistics.median(times):.3f} ms, "
      f"p99 {p99:.3f} ms, max {times[-1]:.3f} ms")
