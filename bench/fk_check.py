#!/usr/bin/env python3
"""How long the foreign-key check of a bulk transaction takes on a collection:
SQLite's `PRAGMA foreign_key_check` of every table with foreign keys (but the
review log) against one `NOT IN` query per key, as store/foreign_keys.rs runs
them now. Three rounds of each, then each key's query alone.

Usage: python3 bench/fk_check.py COLLECTION   (read only)
"""
import sqlite3
import sys
import time

c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
c.execute("PRAGMA cache_size = -65536")  # a bulk transaction's 64 MiB
keys = c.execute(
    'SELECT m.name, k."from", k."table", k."to" FROM sqlite_master m, pragma_foreign_key_list(m.name) k '
    "WHERE m.type = 'table' AND m.name != 'review_log' ORDER BY m.name"
).fetchall()
tables = sorted({k[0] for k in keys})


def query(t, f, p, to):
    return f'SELECT rowid FROM "{t}" WHERE "{f}" IS NOT NULL AND "{f}" NOT IN (SELECT "{to}" FROM "{p}")'


def pragma():
    for t in tables:
        c.execute(f'PRAGMA foreign_key_check("{t}")').fetchall()


def queries():
    for k in keys:
        c.execute(query(*k)).fetchall()


for _ in range(3):
    for name, fn in [("pragma", pragma), ("queries", queries)]:
        start = time.perf_counter()
        fn()
        print(f"{name:8} {(time.perf_counter() - start) * 1e3:7.1f} ms")
for k in keys:
    start = time.perf_counter()
    c.execute(query(*k)).fetchall()
    print(f"  {k[0]}.{k[1]}: {(time.perf_counter() - start) * 1e3:.1f} ms")
