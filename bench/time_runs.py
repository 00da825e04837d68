#!/usr/bin/env python3
"""Times a command: `bench/time_runs.py RUNS LABEL -- CMD ARGS...`.

Runs it once to warm up, then RUNS times with its output sent to
/dev/null, and prints `LABEL: median X ms (min A, max B; N runs)` of the
wall-clock time of the whole process (hyperfine's number, for machines
without hyperfine)."""
import statistics
import subprocess
import sys
import time

runs = int(sys.argv[1])
label = sys.argv[2]
command = sys.argv[sys.argv.index("--") + 1:]
subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
times = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    times.append((time.perf_counter() - start) * 1000)
print(f"{label}: median {statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f}; {runs} runs)")
