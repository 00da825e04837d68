#!/usr/bin/env python3
"""Writes the FSRS reference review log into a collection, for timing `optimize`.

Usage: python3 bench/fsrs_ref_log.py SEQ2SEQ.TSV COLLECTION

The collection must already hold at least as many cards as the file has rows
(9,161 for ../shared/ref/fsrs-data/seq2seq.tsv: build
`python3 bench/gen_deck.py 7634 big.deck` into it). Row i becomes the history
of the i-th card by id, laid out exactly as tests/optimize.rs lays it out: a
learning answer then review answers at noon UTC, cards one after another in
time. The file is not ours to ship: read it from ../shared, never copy it.
"""
import csv
import sqlite3
import sys

tsv, collection = sys.argv[1], sys.argv[2]
db = sqlite3.connect(collection)
card_ids = [r[0] for r in db.execute("SELECT id FROM cards ORDER BY id")]
rows = list(csv.DictReader(open(tsv, encoding="utf-8"), delimiter="\t"))
if len(card_ids) < len(rows):
    sys.exit(f"{collection} has {len(card_ids)} cards; {len(rows)} are needed")

NOON_MS = 12 * 3600 * 1000
day = 0
count = 0
with db:
    for i, row in enumerate(rows):
        t_history = [int(x) for x in row["t_history"].split(",")]
        ratings = [int(x) for x in row["r_history"].split(",")]
        last_delta = int(row["delta_ts"].split(",")[-1])
        ratings.append(3 if row["ys"].split(",")[-1] == "1" else 1)
        days = []
        for delta in t_history + [last_delta]:
            day += delta
            days.append(day)
        for k, (d, rating) in enumerate(zip(days, ratings)):
            db.execute(
                "INSERT INTO review_log (uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,"
                " state_before, due_before, interval_before, state_after, due_after, interval_after)"
                " VALUES (?, ?, ?, ?, 8000, ?, 0, 0, 0, 0, 2, 0, 0)",
                (f"ref-{i}-{k}", card_ids[i], d * 86_400_000 + NOON_MS, rating, 0 if k == 0 else 1),
            )
            count += 1
        day += 1
print(f"{count} reviews of {len(rows)} cards written")
