#!/usr/bin/env python3
"""Fit FSRS with the real Anki library, for comparing `iskra optimize` with it.

Usage (from the repository root):

    python3 tests/reference/anki_optimizer.py --out tests/reference/anki_optimizer.json

For each review log it writes the log into a fresh Anki collection's revlog
(one row per answer: id = the answer's time in ms, cid, ease = the rating,
type = the kind) and asks Anki for parameters the way its deck options do,
`compute_fsrs_params` over the whole collection (search ""), with one
relearning step:

  * `fitted`: with unusable current parameters, so Anki returns what it
    fitted whatever the comparison with the current ones;
  * `chosen`: with the default parameters as the current ones (an empty
    list), so Anki returns the parameters it would keep or adopt;
  * `health_check_passed`: Anki's health check of the fit.

The logs:

  * `generated` — `tests/reference/optimizer_log.tsv.gz`, ours: 25,000
    answers of 2,500 cards over a year, written by iskra's benchmark
    generator (`examples/generate --cards 2500 --reviews 25000 --decks 2
    --years 1 --seed 7`, ISKRA_NOW=2026-06-01T12:00:00Z, TZ=UTC) and
    exported as card id, time (UTC ms), rating, kind;
  * `seq2seq` — the shared reference log `../shared/ref/fsrs-data/seq2seq.tsv`
    (not ours to ship; skipped when absent; 9,161 cards), laid out as
    tests/optimize.rs `interleaved_rows` lays it out: card k (ids from 0)
    first answered on day 16,436 (2015-01-01) + k mod 1,000, its answers
    the file's days apart, each at noon UTC + k seconds (so every answer
    has a time of its own, as revlog ids must). Laid out card after card,
    as the crate's reference results have it, the log would span 22,000
    years.

Anki reads the clock for the start of the next study day, from which it
counts the days between answers; the run freezes it (libfaketime) after the
log's last answer, with the rollover at 04:00 UTC, as iskra counts them in
tests/optimize.rs. Needs the pinned `anki` package (target/anki-venv, made
by tests/anki_interop.rs) and libfaketime. Deterministic; a few minutes.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import gzip
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_PYTHON = os.path.join(REPO_ROOT, "target", "anki-venv", "bin", "python")
FAKETIME_CANDIDATES = [
    "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib/faketime/libfaketime.so.1",
]
GENERATED = os.path.join(HERE, "optimizer_log.tsv.gz")
SEQ2SEQ = os.path.join(REPO_ROOT, "..", "shared", "ref", "fsrs-data", "seq2seq.tsv")
NOON_MS = 12 * 3600 * 1000
DAY_MS = 86400 * 1000


def generated_rows() -> list[tuple[int, int, int, int]]:
    with gzip.open(GENERATED, "rt") as f:
        return [tuple(int(x) for x in line.split("\t")) for line in f if line.strip()]


def seq2seq_rows() -> list[tuple[int, int, int, int]]:
    """(card id, time ms, rating, kind), as tests/optimize.rs `interleaved_rows`."""
    rows = []
    with open(SEQ2SEQ, encoding="utf-8") as f:
        for card_id, row in enumerate(csv.DictReader(f, delimiter="\t")):
            t_history = [int(x) for x in row["t_history"].split(",")]
            ratings = [int(x) for x in row["r_history"].split(",")]
            last_delta = int(row["delta_ts"].split(",")[-1])
            ratings.append(3 if row["ys"].split(",")[-1].strip() == "1" else 1)
            day = 16_436 + card_id % 1000
            for k, (delta, rating) in enumerate(zip(t_history + [last_delta], ratings)):
                day += delta
                rows.append((card_id, day * DAY_MS + NOON_MS + card_id * 1000, rating, 0 if k == 0 else 1))
    return rows


def child_main(spec_path: str, out_path: str) -> None:
    import time

    import anki.buildinfo
    from anki.collection import Collection

    with open(spec_path) as f:
        spec = json.load(f)
    tsf = os.environ["FAKETIME_TIMESTAMP_FILE"]
    with open(tsf, "w") as f:
        f.write(time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(spec["now"])) + "\n")
    assert abs(time.time() - spec["now"]) < 1, (time.time(), spec["now"])
    tmp = tempfile.mkdtemp(prefix="anki_optimizer_")
    col = Collection(os.path.join(tmp, "col.anki2"))
    col.set_config("rollover", 4)
    col.db.executemany(
        "insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) values (?, ?, 0, ?, 0, 0, 0, 0, ?)",
        [(at, cid, rating, kind) for cid, at, rating, kind in spec["rows"]],
    )
    assert col.db.scalar("select count() from revlog") == len(spec["rows"])

    def fit(current, health_check=False):
        return col._backend.compute_fsrs_params(
            search="",
            current_params=current,
            ignore_revlogs_before_ms=0,
            num_of_relearning_steps=1,
            health_check=health_check,
        )

    fitted = fit([1.0], health_check=True)  # unusable current parameters
    chosen = fit([])
    out = {
        "anki_version": anki.buildinfo.version,
        "fsrs_items": fitted.fsrs_items,
        "fitted": list(fitted.params),
        "chosen": list(chosen.params),
        "health_check_passed": fitted.health_check_passed if fitted.HasField("health_check_passed") else None,
    }
    col.close()
    with open(out_path, "w") as f:
        json.dump(out, f)


def run_child(python: str, lib: str, rows, now: int, workdir: str, name: str) -> dict:
    spec = os.path.join(workdir, f"{name}.json")
    with open(spec, "w") as f:
        json.dump({"rows": rows, "now": now}, f)
    out = os.path.join(workdir, f"{name}.out.json")
    tsf = os.path.join(workdir, f"faketime_{name}")
    with open(tsf, "w") as f:
        f.write(time_text(now) + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("ANKI_TEST_MODE", "FAKETIME")}
    env.update(
        {
            "TZ": "UTC",
            "LD_PRELOAD": lib,
            "FAKETIME_TIMESTAMP_FILE": tsf,
            "FAKETIME_NO_CACHE": "1",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        }
    )
    subprocess.run([python, os.path.abspath(__file__), "--child", spec, out], env=env, check=True)
    with open(out) as f:
        return json.load(f)


def time_text(secs: int) -> str:
    return dt.datetime.fromtimestamp(secs, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def find_faketime() -> str:
    for c in [os.environ.get("ANKI_REF_FAKETIME_LIB", "")] + FAKETIME_CANDIDATES:
        if c and os.path.exists(c):
            return c
    raise SystemExit("libfaketime not found: apt-get install faketime (or set ANKI_REF_FAKETIME_LIB)")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child_main(sys.argv[2], sys.argv[3])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(HERE, "anki_optimizer.json"))
    ap.add_argument("--python", default=DEFAULT_PYTHON if os.path.exists(DEFAULT_PYTHON) else sys.executable)
    args = ap.parse_args()
    lib = find_faketime()
    logs = [("generated", generated_rows())]
    if os.path.exists(SEQ2SEQ):
        logs.append(("seq2seq", seq2seq_rows()))
    else:
        print(f"skipping seq2seq: {SEQ2SEQ} is absent")
    doc = {"logs": []}
    with tempfile.TemporaryDirectory(prefix="anki_optimizer_parent_") as workdir:
        for name, rows in logs:
            # A day after the last answer, at noon: every answer is in the past.
            now = max(at for _, at, _, _ in rows) // 1000 + 86400
            now -= now % 86400 - 12 * 3600
            result = run_child(args.python, lib, rows, now, workdir, name)
            doc["anki_version"] = result.pop("anki_version")
            doc["logs"].append({"name": name, "rows": len(rows), "now": time_text(now), **result})
            print(f"{name}: {len(rows)} answers, {result['fsrs_items']} items, health check {result['health_check_passed']}")
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
