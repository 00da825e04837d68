#!/usr/bin/env python3
"""Times `iskra review` (line protocol) from spawning it to reading its
first `Q:` line, then to its exit after `q` (BENCHMARKS.md, "Damage stops
the day"). Each run works on a fresh copy of COLLECTION with its backups
folder removed, so every run is the first command of a study day (it
copies and checks the collection in the background) unless --later, which
runs it once first so the runs that are timed find today's backup.

Usage: first_card.py ISKRA COLLECTION RUNS [--later] [--answer] [--in-place]
  --in-place: run on COLLECTION itself (`q` only, which writes nothing; once
              unmeasured first, for today's backup): for a collection too
              large to copy for every run.
  --answer: answer the first card (`3`) before `q`, timing the answer line
            too (a write, which waits for the day's check).
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def run_once(iskra, db, answer):
    env = dict(os.environ, NO_COLOR="1")
    started = time.perf_counter()
    p = subprocess.Popen([iskra, "--collection", db, "review"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    first = answered = None
    for line in p.stdout:
        if line.startswith("Q: ") and first is None:
            first = time.perf_counter() - started
            p.stdin.write("3\n" if answer else "q\n")
            p.stdin.flush()
        elif line.startswith("answered: ") and answered is None:
            answered = time.perf_counter() - started
            p.stdin.write("q\n")
            p.stdin.flush()
    p.wait()
    return first, answered, time.perf_counter() - started


def main():
    iskra, source, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    later, answer = "--later" in sys.argv, "--answer" in sys.argv
    results = []
    if "--in-place" in sys.argv:
        run_once(iskra, source, False)  # today's backup, not measured
        results = [run_once(iskra, source, False) for _ in range(runs)]
    else:
        results = fresh_copies(iskra, source, runs, later, answer)
    for name, i in [("first card", 0), ("answered", 1), ("exit", 2)]:
        values = [r[i] * 1000 for r in results if r[i] is not None]
        if values:
            print(f"{name}: median {statistics.median(values):.1f} ms (min {min(values):.1f}, "
                  f"max {max(values):.1f}; {len(values)} runs)")


def fresh_copies(iskra, source, runs, later, answer):
    results = []
    with tempfile.TemporaryDirectory() as work:
        for _ in range(runs):
            db = os.path.join(work, "c.sqlite3")
            for leftover in [db, db + "-wal", db + "-shm"]:
                if os.path.exists(leftover):
                    os.remove(leftover)
            shutil.rmtree(os.path.join(work, "backups"), ignore_errors=True)
            shutil.copy(source, db)
            if later:
                run_once(iskra, db, False)
            results.append(run_once(iskra, db, answer))
    return results


if __name__ == "__main__":
    main()
