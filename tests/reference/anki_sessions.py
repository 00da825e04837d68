#!/usr/bin/env python3
"""Generate reference study sessions from the real Anki library.

Usage (from the repository root):

    python3 tests/reference/anki_sessions.py --out tests/reference/anki_sessions.json.gz

Where `anki_reference.py` drives one card at a time, this script studies whole
collections the way Anki's reviewer does: it asks the study queue for its
next card (`col.sched.get_queued_cards()`), answers it with the scheduling
state the queue offers, and goes on until the session's answers are given or
the queue is empty. That brings in what only a queue has:

  * interday learning (a step reaching the next day goes to queue 3) and the
    random extra delay of learning steps, with sessions shortly before and
    across the 04:00 rollover;
  * learn-ahead, and the counts the queue shows (new, learning, review);
  * the load balancer (on, as Anki's default), which the queue builds when
    it is first asked on a study day and keeps up to date with each answer,
    with siblings spread apart when reviews bury their siblings;
  * easy days.

It needs the `anki` PyPI package (re-executed with --python, default
target/anki-venv/bin/python, which tests/anki_interop.rs creates) and
libfaketime (Debian package `faketime`): as in anki_reference.py, Anki's
backend reads the system clock, so every answer is given at an instant
written into libfaketime's timestamp file (time frozen there).

Collections with review history are seeded by writing the cards' columns
(type 2, queue 2, due, ivl, reps, lapses, and `data` with the FSRS memory
state and last review time) before the first session: Anki reads its memory
states and last review times from there. The collection's creation time is
set 3,000 days back, so Anki's day numbers never collide with new cards'
positions, which Anki's load balancer would count as due on those days.

Output: gzip'd JSON, deterministic for a given Anki version (two runs are
byte-identical). See tests/reference/README.md for the fields and
tests/anki_sessions.rs for the replay.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import gzip
import json
import os
import random
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
    "/usr/local/lib/faketime/libfaketime.so.1",
]

ROLLOVER_HOUR = 4
# Anki day 3000 starts at 2026-01-05T04:00:00Z (a Monday).
FIRST_DAY = "2026-01-05"
FIRST_ANKI_DAY = 3000

NORMAL, REDUCED, MINIMUM = 1.0, 0.5, 0.0

# Each scenario: one collection, studied in sessions. A session starts at a
# day offset and a UTC time, gives at most `answers` answers, each `gap`
# seconds (a random pick from the range) after the previous one.
SCENARIOS = [
    {
        "name": "steps_across_the_rollover",
        "description": "60 new cards, steps 1m 10m / 10m, 25 new a day; for eight days a short session at "
        "12:00 and a long one from 03:44 running past the 04:00 rollover: interday learning, step delays, "
        "learn-ahead, counts; the load balancer on.",
        "seed": 11,
        "new_notes": 60,
        "reversed_notes": 0,
        "seeded_reviews": 0,
        "learn_steps": [1.0, 10.0],
        "relearn_steps": [10.0],
        "new_per_day": 25,
        "bury": False,
        "easy_days": [NORMAL] * 7,
        "sessions": [(day, t, n) for day in range(8) for (t, n) in (("03:44", 90), ("12:00", 10))],
        "gap": (10, 35),
    },
    {
        "name": "long_steps",
        "description": "30 new cards, steps 10m 1d 3d / 10m 1d: steps of days, Hard on the first step "
        "(rounded to whole days), sessions at 03:55, 09:00 and 21:00 for ten days.",
        "seed": 12,
        "new_notes": 30,
        "reversed_notes": 0,
        "seeded_reviews": 0,
        "learn_steps": [10.0, 1440.0, 4320.0],
        "relearn_steps": [10.0, 1440.0],
        "new_per_day": 8,
        "bury": False,
        "easy_days": [NORMAL] * 7,
        "sessions": [(day, t, n) for day in range(10) for (t, n) in (("03:55", 30), ("09:00", 60), ("21:00", 40))],
        "gap": (15, 60),
    },
    {
        "name": "load_balancer",
        "description": "2,500 review cards (200 of them in sibling pairs a few days apart), 2,200 due over "
        "the next 90 days and 300 overdue, and 60 new cards; reviews bury their siblings (so the balancer "
        "spreads them apart); everything due answered from 10:00 for eight days.",
        "seed": 13,
        "new_notes": 60,
        "reversed_notes": 100,
        "seeded_reviews": 2400,
        "learn_steps": [1.0, 10.0],
        "relearn_steps": [10.0],
        "new_per_day": 10,
        "bury": True,
        "easy_days": [NORMAL] * 7,
        "sessions": [(day, "10:00", 600) for day in range(8)],
        "gap": (4, 12),
    },
    {
        "name": "easy_days",
        "description": "The load_balancer collection with easy days (Wednesday reduced, Saturday and Sunday "
        "minimum) and no burying (no sibling spreading).",
        "seed": 13,
        "new_notes": 60,
        "reversed_notes": 100,
        "seeded_reviews": 2400,
        "learn_steps": [1.0, 10.0],
        "relearn_steps": [10.0],
        "new_per_day": 10,
        "bury": False,
        "easy_days": [NORMAL, NORMAL, REDUCED, NORMAL, NORMAL, MINIMUM, MINIMUM],
        "sessions": [(day, "10:00", 600) for day in range(8)],
        "gap": (4, 12),
    },
]


def parse_utc(s: str) -> int:
    return calendar.timegm(dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").timetuple())


def day_start(anki_day: int) -> int:
    """The instant Anki day `anki_day` starts (04:00 UTC)."""
    return parse_utc(f"{FIRST_DAY}T04:00:00Z") + (anki_day - FIRST_ANKI_DAY) * 86400


def session_start(day_offset: int, hhmm: str) -> int:
    """UTC wall clock `hhmm` on the calendar date FIRST_DAY + day_offset."""
    h, m = (int(x) for x in hhmm.split(":"))
    return parse_utc(f"{FIRST_DAY}T00:00:00Z") + day_offset * 86400 + h * 3600 + m * 60


def rating_for(rng: random.Random, queue: int) -> int:
    """A learner's button: learning cards mostly Good, reviews too."""
    u = rng.random()
    if queue in (1, 3, 0):
        return 1 if u < 0.15 else 2 if u < 0.25 else 4 if u > 0.92 else 3
    return 1 if u < 0.10 else 2 if u < 0.20 else 4 if u > 0.91 else 3


# ---------------------------------------------------------------------------
# Child: runs under libfaketime with `anki` importable.
# ---------------------------------------------------------------------------


def child_main(out_path: str) -> None:
    import time

    import anki.buildinfo
    from anki.collection import Collection  # before anki.cards (import cycle)
    from anki.cards import Card
    from anki.config import Config

    tsf = os.environ["FAKETIME_TIMESTAMP_FILE"]

    def settime(secs: int) -> None:
        with open(tsf + ".tmp", "w") as f:
            f.write(time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(secs)) + "\n")
        os.replace(tsf + ".tmp", tsf)
        if abs(time.time() - secs) > 0.5:
            raise SystemExit(f"fake clock not effective: wanted {secs}, python sees {time.time()}")

    def card_row(col, cid):
        r = col.db.first("select id, nid, ord, type, queue, due, ivl, left, reps, lapses, data from cards where id = ?", cid)
        return row_of(r)

    def row_of(r):
        data = json.loads(r[10]) if r[10] else {}
        return [r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], data.get("s"), data.get("d"), data.get("lrt")]

    tmpdir = tempfile.mkdtemp(prefix="anki_sessions_")
    result = {"anki_version": anki.buildinfo.version, "anki_buildhash": anki.buildinfo.buildhash, "scenarios": []}
    crt = day_start(0)
    for index, sc in enumerate(SCENARIOS):
        rng = random.Random(sc["seed"])
        created = session_start(0, "00:00") - 86400 + index
        settime(created)
        col = Collection(os.path.join(tmpdir, f"{sc['name']}.anki2"))
        col.crt = crt
        col.set_config("rollover", ROLLOVER_HOUR)
        col.set_config("fsrs", True)
        col.set_config_bool(Config.Bool.LOAD_BALANCER_ENABLED, True)
        col.set_config_bool(Config.Bool.FSRS_SHORT_TERM_WITH_STEPS_ENABLED, False)
        conf = col.decks.config_dict_for_deck_id(1)
        conf["new"]["delays"] = sc["learn_steps"]
        conf["lapse"]["delays"] = sc["relearn_steps"]
        conf["rev"]["maxIvl"] = 36500
        conf["desiredRetention"] = 0.9
        conf["fsrsParams6"] = []
        conf["fsrsParams5"] = []
        conf["fsrsWeights"] = []
        conf["easyDaysPercentages"] = sc["easy_days"]
        conf["new"]["perDay"] = sc["new_per_day"]
        conf["rev"]["perDay"] = 9999
        conf["new"]["bury"] = sc["bury"]
        conf["rev"]["bury"] = sc["bury"]
        conf["buryInterdayLearning"] = sc["bury"]
        col.decks.update_config(conf)
        readback = col.decks.get_deck_configs_for_update(1).all_config[0].config.config
        config = {
            "learn_steps_mins": list(readback.learn_steps),
            "relearn_steps_mins": list(readback.relearn_steps),
            "new_per_day": readback.new_per_day,
            "reviews_per_day": readback.reviews_per_day,
            "bury_new": readback.bury_new,
            "bury_reviews": readback.bury_reviews,
            "bury_interday_learning": readback.bury_interday_learning,
            "easy_days_percentages": list(readback.easy_days_percentages),
            "desired_retention": round(readback.desired_retention, 6),
            "load_balancer": col.get_config_bool(Config.Bool.LOAD_BALANCER_ENABLED),
            "learn_ahead_secs": col.get_preferences().scheduling.learn_ahead_secs,
            "rollover": col.get_config("rollover"),
        }

        basic = col.models.by_name("Basic")
        reversed_type = col.models.by_name("Basic (and reversed card)")
        notes = sc["seeded_reviews"] - sc["reversed_notes"] + sc["new_notes"]
        for n in range(notes):
            note = col.new_note(basic)
            note["Front"], note["Back"] = f"{sc['name']} question {n}", f"answer {n}"
            col.add_note(note, 1)
        for n in range(sc["reversed_notes"]):
            note = col.new_note(reversed_type)
            note["Front"], note["Back"] = f"{sc['name']} pair {n}", f"other side {n}"
            col.add_note(note, 1)
        seed_reviews(col, sc, rng)
        initial = [row_of(r) for r in col.db.all("select id, nid, ord, type, queue, due, ivl, left, reps, lapses, data from cards order by id")]

        answers = []
        for day, hhmm, most in sc["sessions"]:
            at = session_start(day, hhmm)
            for _ in range(most):
                settime(at)
                queued = col.sched.get_queued_cards(fetch_limit=1)
                if not queued.cards:
                    break
                qc = queued.cards[0]
                before = card_row(col, qc.card.id)
                rating = rating_for(rng, before[4])
                card = Card(col, backend_card=qc.card)
                card.start_timer()
                answer = col.sched.build_answer(card=card, states=qc.states, rating=rating - 1)
                col.sched.answer_card(answer)
                after = card_row(col, qc.card.id)
                revlog = col.db.first("select id, ivl, type from revlog where cid = ? order by id desc limit 1", qc.card.id)
                assert revlog[0] == at * 1000, (revlog, at)
                counts = col.sched.get_queued_cards(fetch_limit=1)
                answers.append(
                    {
                        "at": at,
                        "anki_day": col.sched.today,
                        "card": qc.card.id,
                        "rating": rating,
                        "before": before[3:10],
                        "after": after[3:12],
                        "revlog": [revlog[1], revlog[2]],
                        "counts": [counts.new_count, counts.learning_count, counts.review_count],
                    }
                )
                at += rng.randint(*sc["gap"])
        result["scenarios"].append(
            {
                "name": sc["name"],
                "description": sc["description"],
                "crt": crt,
                "config": config,
                "cards": initial,
                "answers": answers,
            }
        )
        col.close()
    with open(out_path, "w") as f:
        json.dump(result, f)


def seed_reviews(col, sc, rng: random.Random) -> None:
    """Review histories written into the first `seeded_reviews` notes' cards:
    300 overdue, the rest due over the next 90 days (some days twice as busy),
    siblings a few days apart; memory states of 2 decimals (exact in f32)."""
    count = sc["seeded_reviews"]
    if count == 0:
        return
    today = FIRST_ANKI_DAY
    singles = col.db.list("select id from cards where nid in (select id from notes where mid = ?) order by id", col.models.by_name("Basic")["id"])
    pairs = col.db.all("select nid, id from cards where nid in (select id from notes where mid = ?) order by nid, ord", col.models.by_name("Basic (and reversed card)")["id"])
    single_count = count - sc["reversed_notes"]
    plan = []  # (card id, due)
    for i, cid in enumerate(singles[:single_count]):
        if i < 300:
            due = today - rng.randint(1, 12)
        else:
            due = today + (rng.randint(0, 89) if rng.random() < 0.8 else rng.choice([5, 6, 12, 13, 19, 20, 33]))
        plan.append((cid, due))
    for k in range(0, len(pairs), 2):
        first = today + rng.randint(0, 80)
        plan.append((pairs[k][1], first))
        plan.append((pairs[k + 1][1], first + rng.randint(2, 9)))
    for cid, due in plan:
        ivl = max(rng.randint(3, 40), due - today + 2)
        last_day = due - ivl
        lrt = day_start(last_day) + 6 * 3600 + rng.randint(0, 8 * 3600)
        # Stabilities well below the intervals: most answers get intervals
        # the balancer places (up to 90 days).
        s = round(rng.uniform(1.0, min(20.0, ivl * 0.8)), 2)
        d = round(rng.uniform(2.5, 8.5), 2)
        reps = rng.randint(3, 12)
        lapses = rng.randint(0, 2)
        data = json.dumps({"s": s, "d": d, "dr": 0.9, "lrt": lrt}, separators=(",", ":"))
        col.db.execute(
            "update cards set type = 2, queue = 2, due = ?, ivl = ?, reps = ?, lapses = ?, left = 0, factor = 2500, data = ? where id = ?",
            due,
            ivl,
            reps,
            lapses,
            data,
            cid,
        )


# ---------------------------------------------------------------------------
# Parent.
# ---------------------------------------------------------------------------


def find_faketime() -> str:
    env = os.environ.get("ANKI_REF_FAKETIME_LIB")
    if env:
        return env
    for c in FAKETIME_CANDIDATES:
        if os.path.exists(c):
            return c
    raise SystemExit("libfaketime not found: apt-get install faketime (or set ANKI_REF_FAKETIME_LIB)")


def check(doc: dict) -> dict:
    """What the run shows, checked: the fake clock drove Anki's day numbers,
    every scenario's sessions answered cards, and the behaviours the replay
    is about did happen."""
    seen = {"answers": 0, "interday_steps": 0, "delayed_steps": 0, "learn_ahead": 0, "rollover_rebuilds": 0}
    for sc in doc["scenarios"]:
        assert sc["answers"], sc["name"]
        last_day = None
        for a in sc["answers"]:
            seen["answers"] += 1
            assert a["anki_day"] == (a["at"] - sc["crt"]) // 86400, (sc["name"], a)
            if last_day is not None and a["anki_day"] != last_day:
                seen["rollover_rebuilds"] += 1
            last_day = a["anki_day"]
            ctype, queue, due = a["after"][0], a["after"][1], a["after"][2]
            if ctype in (1, 3) and queue == 3:
                seen["interday_steps"] += 1
            if ctype in (1, 3) and queue == 1 and a["revlog"][0] < 0 and due - a["at"] > -a["revlog"][0]:
                seen["delayed_steps"] += 1
            if a["before"][1] == 1 and a["before"][2] > a["at"]:
                seen["learn_ahead"] += 1
    assert seen["interday_steps"] > 10 and seen["delayed_steps"] > 50 and seen["learn_ahead"] > 5, seen
    # The load balancer matters: at least 2,000 review cards due over the
    # 90 days after the first session (issue 17).
    balanced = next(sc for sc in doc["scenarios"] if sc["name"] == "load_balancer")
    first = balanced["answers"][0]["anki_day"]
    seen["balancer_due_ahead"] = sum(1 for c in balanced["cards"] if c[4] == 2 and first <= c[5] < first + 90)
    assert seen["balancer_due_ahead"] >= 2000, seen
    return seen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(HERE, "anki_sessions.json.gz"))
    ap.add_argument("--python", default=DEFAULT_PYTHON if os.path.exists(DEFAULT_PYTHON) else sys.executable)
    ap.add_argument("--child-out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_out:
        child_main(args.child_out)
        return
    lib = find_faketime()
    with tempfile.TemporaryDirectory(prefix="anki_sessions_parent_") as workdir:
        tsf = os.path.join(workdir, "faketime")
        with open(tsf, "w") as f:
            f.write(f"{FIRST_DAY} 00:00:00\n")
        out = os.path.join(workdir, "child.json")
        env = {k: v for k, v in os.environ.items() if k not in ("ANKI_TEST_MODE", "FAKETIME")}
        env.update(
            {
                "TZ": "UTC",
                "LD_PRELOAD": lib,
                "FAKETIME_TIMESTAMP_FILE": tsf,
                "FAKETIME_NO_CACHE": "1",
                "FAKETIME_DONT_FAKE_MONOTONIC": "1",
                "PYTHONHASHSEED": "0",
            }
        )
        subprocess.run([args.python, os.path.abspath(__file__), "--child-out", out], env=env, check=True)
        with open(out) as f:
            doc = json.load(f)
    doc["verification"] = check(doc)
    raw = json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()
    with open(args.out, "wb") as f:
        # mtime 0: the same run gives the same bytes.
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as gz:
            gz.write(raw)
    print(f"wrote {args.out}: anki {doc['anki_version']}, {len(doc['scenarios'])} scenarios, "
          f"{doc['verification']['answers']} answers")
    print("verification:", json.dumps(doc["verification"]))


if __name__ == "__main__":
    main()
