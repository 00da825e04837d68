#!/usr/bin/env python3
"""Which pages each commit writes to the write-ahead log (BENCHMARKS.md,
"Issue 21: the answer's commit"): reads an strace of a run and counts, per
commit (an fsync of the log, by SQLite or by the review's helper thread,
which opens the log itself), the frames written, named by table or index.

  cp COLLECTION c.sqlite3
  strace -f -y -e trace=pwrite64,fsync -xx -s 4 -o t.trace target/release/examples/answer_latency c.sqlite3 60
  python3 bench/wal_frames.py t.trace c.sqlite3

The first half of the commits are answer_latency's review steps, the second
its commits alone. The log's fds are named by `-y` (`<...-wal>`); a frame's
24-byte header starts with its page number, mapped to a name with `dbstat`
on the collection after the run (pages split during the run are named by
what they hold at the end).
"""
import collections
import re
import sqlite3
import sys

# How `-y` names the log's fd: `-xx` writes the path in hex too.
WAL = r"(?:-wal|\\x2d\\x77\\x61\\x6c)>"

trace, db = sys.argv[1], sys.argv[2]
commits, frames = [], []
for line in open(trace):
    if re.search(r"fsync\(\d+<[^>]*" + WAL, line):
        commits.append(frames)
        frames = []
    m = re.search(r'pwrite64\(\d+<[^>]*' + WAL + r', "((?:\\x[0-9a-f]{2}){4})"\.*, 24,', line)
    if m:
        frames.append(int.from_bytes(bytes(int(x, 16) for x in m.group(1).split("\\x")[1:]), "big"))
commits = [c for c in commits if c]
names = dict(sqlite3.connect(db).execute("SELECT pageno, name FROM dbstat"))
half = len(commits) // 2
for label, part in (("review steps", commits[:half]), ("commits alone", commits[half:])):
    counts = collections.Counter(names.get(p, "?") for c in part for p in c)
    print(f"{label}: {len(part)} commits, {sum(counts.values()) / len(part):.1f} frames per commit")
    for name, n in counts.most_common():
        print(f"  {name:32} {n / len(part):.2f}")
