#!/usr/bin/env python3
"""Generate reference FSRS scheduling cases from the real Anki library.

Usage (from the repository root):

    python3 tests/reference/anki_reference.py --out tests/reference/anki_cases.json

The script needs:
  * the `anki` PyPI package (it re-executes itself with the interpreter given by
    --python, default: /work/anki-venv/bin/python if it exists, else the current
    interpreter), and
  * libfaketime (Debian package `faketime`), used to control the clock that
    Anki's Rust backend reads.

How it works (see tests/reference/README.md for the long version):

  1. The parent process starts a child ("fuzzed" run) under libfaketime with
     TZ=UTC. The child creates one fresh temporary collection per case, enables
     FSRS, configures the deck preset and drives one card through the scripted
     answers. Before every answer it writes the intended wall-clock time into
     libfaketime's timestamp file (time is frozen at that instant), so both
     Python and Anki's Rust backend see exactly that time. Times that depend on
     the card ("on its due day", "3x its interval later") are resolved from the
     card as real Anki scheduled it (i.e. with fuzz).
  2. The parent then starts a second child ("unfuzzed" run) with the
     environment variable ANKI_TEST_MODE=1 set. In that mode Anki's backend
     disables interval fuzz (its fuzz seed becomes None), and the child
     replays exactly the same answers at exactly the same timestamps. The
     interval Anki computes there is the UNFUZZED interval. ANKI_TEST_MODE
     also shifts the backend clock back 2h while local time is 02:00-03:59,
     so this run uses a UTC+7 zone with the rollover at 11:00 local (the same
     04:00 UTC day boundaries), keeping every answer out of that window.
  3. The parent checks that both runs agree on everything fuzz cannot change
     (memory states, reps, lapses, card type), checks the fake clock against
     Anki's own view (day number, card.last_review_time, revlog ids), checks
     every memory state against an independent Python implementation of the
     FSRS-6 formulas fed with the intended elapsed days, and writes the JSON.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import math
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))

FAKETIME_CANDIDATES = [
    "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib/faketime/libfaketime.so.1",
    "/usr/local/lib/faketime/libfaketime.so.1",
]
DEFAULT_VENV_PYTHON = "/work/anki-venv/bin/python"

ROLLOVER_HOUR = 4
UNFUZZED_UTC_OFFSET_H = 7
DESIRED_RETENTION = 0.9
LEARN_STEPS_MINS = [1.0, 10.0]
RELEARN_STEPS_MINS = [10.0]
MAX_IVL = 36500
# Every case gets its own collection, created at this instant (+ case index
# seconds, so each case's card has a different id and hence a different fuzz
# seed). Anki's day 0 therefore starts 2026-01-05T04:00:00Z.
COLLECTION_CREATED_AT = "2026-01-05T09:00:00Z"

RATING_NAMES = {1: "again", 2: "hard", 3: "good", 4: "easy"}
A, H, G, E = 1, 2, 3, 4

# ---------------------------------------------------------------------------
# Case definitions.
#
# Each step is (time_spec, rating). time_spec is one of:
#   ("at", "2026-01-05T10:00:00Z")   absolute UTC time
#   ("after", secs)                   secs after the previous answer
#   ("due",)                          learning/relearning card: exactly at
#                                     card.due (a timestamp, incl. Anki's
#                                     learning-step fuzz)
#   ("due_day", "HH:MM")              review card: on its due day (card.due,
#                                     an Anki day number) at local HH:MM
#   ("due_day", "HH:MM", k)           ... k calendar days after the calendar
#                                     date on which that Anki day starts
#                                     (used for the 03:30 vs 04:30 cases)
#   ("late", factor, "HH:MM")         review card: on Anki day
#                                     last_review_day + round(factor * ivl)
#   ("early", frac, "HH:MM")          review card: on Anki day
#                                     last_review_day + max(1, floor(frac*ivl))
# "HH:MM" is local (= UTC) wall-clock time; a time before the 04:00 rollover
# belongs to the previous Anki day, so for ("due_day", "HH:MM") an HH:MM before
# 04:00 is placed on the next calendar date (still inside the same Anki day).
# ---------------------------------------------------------------------------

T0 = ("at", "2026-01-05T10:00:00Z")
GRADUATE = [(T0, G), (("due",), G)]  # new -> 10m step -> review

CASES = [
    {
        "name": "new_again",
        "description": "New card answered Again (goes to the first 1m learning step).",
        "steps": [(T0, A)],
    },
    {
        "name": "new_hard",
        "description": "New card answered Hard (stays on first step, delay = avg of 1m and 10m).",
        "steps": [(T0, H)],
    },
    {
        "name": "new_good",
        "description": "New card answered Good (advances to the 10m step).",
        "steps": [(T0, G)],
    },
    {
        "name": "new_easy",
        "description": "New card answered Easy (graduates immediately to review).",
        "steps": [(T0, E)],
    },
    {
        "name": "learn_good_good",
        "description": "Full learning sequence: Good, then Good when the 10m step is due -> review.",
        "steps": GRADUATE,
    },
    {
        "name": "learn_again_good_good",
        "description": "Again (1m step), Good when due (-> 10m step), Good when due (graduates).",
        "steps": [(T0, A), (("due",), G), (("due",), G)],
    },
    {
        "name": "learn_hard_first_step",
        "description": "Hard on the first step, Hard again on the first step, then Good, Good.",
        "steps": [(T0, H), (("due",), H), (("due",), G), (("due",), G)],
    },
    {
        "name": "learn_easy_from_step",
        "description": "Good (-> 10m step), then Easy when due (graduates with the easy interval).",
        "steps": [(T0, G), (("due",), E)],
    },
    {
        "name": "review_good_on_time",
        "description": "Graduated card reviewed on its due day at 10:00 five times with Good.",
        "steps": GRADUATE + [(("due_day", "10:00"), G)] * 5,
    },
    {
        "name": "review_hard_and_easy",
        "description": "Graduated card reviewed on time: Hard, Easy, Hard, Easy, Good.",
        "steps": GRADUATE
        + [
            (("due_day", "10:00"), H),
            (("due_day", "10:00"), E),
            (("due_day", "10:00"), H),
            (("due_day", "10:00"), E),
            (("due_day", "10:00"), G),
        ],
    },
    {
        "name": "lapse_then_relearn",
        "description": "Graduated card, Good x2 on time, Again on time (lapse -> relearning 10m), "
        "Good when the relearning step is due (-> review), then Good on time.",
        "steps": GRADUATE
        + [
            (("due_day", "10:00"), G),
            (("due_day", "10:00"), G),
            (("due_day", "10:00"), A),
            (("due",), G),
            (("due_day", "10:00"), G),
        ],
    },
    {
        "name": "lapse_again_in_relearning",
        "description": "Lapse, Again on the relearning step, then Good (-> review), then Good on time.",
        "steps": GRADUATE
        + [
            (("due_day", "10:00"), G),
            (("due_day", "10:00"), A),
            (("due",), A),
            (("due",), G),
            (("due_day", "10:00"), G),
        ],
    },
    {
        "name": "overdue_3x",
        "description": "Graduated, Good on time twice, then reviewed 3x its interval after the last "
        "review (Good), then Good on time.",
        "steps": GRADUATE
        + [
            (("due_day", "10:00"), G),
            (("due_day", "10:00"), G),
            (("late", 3.0, "10:00"), G),
            (("due_day", "10:00"), G),
        ],
    },
    {
        "name": "overdue_3x_again",
        "description": "Graduated, Good on time twice, then reviewed 3x its interval late with Again, "
        "relearning Good, then Good on time.",
        "steps": GRADUATE
        + [
            (("due_day", "10:00"), G),
            (("due_day", "10:00"), G),
            (("late", 3.0, "10:00"), A),
            (("due",), G),
            (("due_day", "10:00"), G),
        ],
    },
    {
        "name": "early_half_interval",
        "description": "Graduated, Good on time twice, then reviewed at half its interval (Good), "
        "then Good on time.",
        "steps": GRADUATE
        + [
            (("due_day", "10:00"), G),
            (("due_day", "10:00"), G),
            (("early", 0.5, "10:00"), G),
            (("due_day", "10:00"), G),
        ],
    },
    {
        "name": "same_day_second_review",
        "description": "Graduated, Good on time, then Good on time at 10:00 and again the same day "
        "at 15:00 (Good), then Hard 16:00 same day, then Good on time.",
        "steps": GRADUATE
        + [
            (("due_day", "10:00"), G),
            (("due_day", "10:00"), G),
            (("after", 5 * 3600), G),
            (("after", 3600), H),
            (("due_day", "10:00"), G),
        ],
    },
    {
        "name": "long_mixed_sequence",
        "description": "About ten reviews mixing ratings, including a lapse, an early and a late review.",
        "steps": GRADUATE
        + [
            (("due_day", "10:00"), G),
            (("due_day", "09:00"), G),
            (("due_day", "18:00"), H),
            (("due_day", "10:00"), G),
            (("due_day", "10:00"), A),
            (("due",), G),
            (("due_day", "07:30"), G),
            (("due_day", "10:00"), E),
            (("late", 1.5, "12:00"), G),
            (("early", 0.6, "10:00"), H),
            (("due_day", "10:00"), G),
            (("due_day", "10:00"), A),
            (("due",), G),
            (("due_day", "10:00"), G),
        ],
    },
    {
        "name": "rollover_0330",
        "description": "Graduated, Good on time twice, then reviewed at 03:30 on the calendar day "
        "after its due day started: still the due Anki day (rollover is 04:00), so on time.",
        "steps": GRADUATE
        + [
            (("due_day", "10:00"), G),
            (("due_day", "10:00"), G),
            (("due_day", "03:30", 1), G),
            (("due_day", "10:00"), G),
        ],
    },
    {
        "name": "rollover_0430",
        # same creation time as rollover_0330 -> same card id -> same fuzz, so
        # the history up to the 03:30/04:30 answer is identical in both cases
        "card_slot": "rollover_0330",
        "description": "Same history as rollover_0330, but the review is at 04:30, i.e. after the "
        "rollover: the next Anki day, one day overdue.",
        "steps": GRADUATE
        + [
            (("due_day", "10:00"), G),
            (("due_day", "10:00"), G),
            (("due_day", "04:30", 1), G),
            (("due_day", "10:00"), G),
        ],
    },
    {
        "name": "learning_across_rollover",
        "description": "New card Good at 03:45 (10m step stays before the 04:00 rollover), Good at 04:05 "
        "(past the rollover, so a new Anki day: FSRS sees 1 elapsed day, not a same-day review), then Good on time.",
        "steps": [
            (("at", "2026-01-06T03:45:00Z"), G),
            (("at", "2026-01-06T04:05:00Z"), G),
            (("due_day", "10:00"), G),
        ],
    },
    {
        "name": "learning_step_crosses_rollover",
        "description": "New card Good at 03:55: the 10m step would end after the 04:00 rollover, so Anki "
        "moves the card to the interday learning queue (due = next Anki day). Answered Good that day at 10:00 "
        "(graduates), then Good on time.",
        "steps": [
            (("at", "2026-01-06T03:55:00Z"), G),
            (("due_day", "10:00"), G),
            (("due_day", "10:00"), G),
        ],
    },
    {
        "name": "learning_step_overdue_next_day",
        "description": "New card Good at 10:00, then the 10m step answered the next day at 10:00 "
        "(Good), then Good on time.",
        "steps": [(T0, G), (("at", "2026-01-06T10:00:00Z"), G), (("due_day", "10:00"), G)],
    },
]

# ---------------------------------------------------------------------------
# Small helpers shared by parent and child.
# ---------------------------------------------------------------------------


def parse_utc(s: str) -> int:
    """ISO 8601 'YYYY-MM-DDTHH:MM:SSZ' -> unix seconds."""
    return calendar.timegm(dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").timetuple())


def fmt_utc(secs: int) -> str:
    return dt.datetime.fromtimestamp(secs, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def f32(x: float) -> float:
    """Round a double to the nearest f32, returned as the shortest decimal that
    round-trips through f32 (Anki stores FSRS values as f32)."""
    if x is None:
        return None
    y = struct.unpack("<f", struct.pack("<f", x))[0]
    for p in range(1, 18):
        s = float(f"{y:.{p}g}")
        if struct.unpack("<f", struct.pack("<f", s))[0] == y:
            return s
    return y


# ---------------------------------------------------------------------------
# Child: runs inside libfaketime with the anki package importable.
# ---------------------------------------------------------------------------


def child_main(mode: str, timeline_in: str | None, out_path: str) -> None:
    from anki.collection import Collection
    from anki.config import Config
    from anki.scheduler.v3 import CardAnswer  # noqa: F401  (rating enum)
    import anki.buildinfo
    import time

    tsf = os.environ["FAKETIME_TIMESTAMP_FILE"]
    utc_offset_h = int(os.environ["ANKI_REF_UTC_OFFSET_HOURS"])

    def settime(secs: int) -> None:
        # libfaketime "absolute, frozen" format, interpreted in the local
        # time zone (TZ is set by the parent).
        with open(tsf + ".tmp", "w") as f:
            f.write(time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(secs)) + "\n")
        os.replace(tsf + ".tmp", tsf)
        got = time.time()
        if abs(got - secs) > 0.5:
            raise SystemExit(f"fake clock not effective: wanted {secs}, python sees {got}")

    given_timeline = None
    if timeline_in:
        with open(timeline_in) as f:
            given_timeline = json.load(f)

    tmpdir = tempfile.mkdtemp(prefix="anki_ref_")
    result = {"mode": mode, "anki_version": anki.buildinfo.version, "anki_buildhash": anki.buildinfo.buildhash, "cases": {}}

    for case_idx, case in enumerate(CASES):
        created = case_created_at(case)
        settime(created)
        col = Collection(os.path.join(tmpdir, f"{mode}_{case_idx}.anki2"))

        # ---- configuration -------------------------------------------------
        # Anki's rollover hour is local time. The fuzzed run uses TZ=UTC; the
        # unfuzzed run uses TZ=UTC+UTC_OFFSET (see run_child) with the rollover
        # shifted by the same amount, so day boundaries are the same instants.
        col.set_config("rollover", (ROLLOVER_HOUR + utc_offset_h) % 24)
        if given_timeline is not None:
            col.crt = given_timeline["__crt__"][case["name"]]
        col.set_config("fsrs", True)  # BoolKey::Fsrs -> FSRS scheduling on
        col.set_config_bool(Config.Bool.LOAD_BALANCER_ENABLED, False)
        col.set_config_bool(Config.Bool.FSRS_SHORT_TERM_WITH_STEPS_ENABLED, False)
        conf = col.decks.config_dict_for_deck_id(1)
        conf["new"]["delays"] = list(LEARN_STEPS_MINS)
        conf["lapse"]["delays"] = list(RELEARN_STEPS_MINS)
        conf["rev"]["maxIvl"] = MAX_IVL
        conf["desiredRetention"] = DESIRED_RETENTION
        conf["fsrsParams6"] = []  # empty -> Anki's built-in FSRS-6 defaults
        conf["fsrsParams5"] = []
        conf["fsrsWeights"] = []
        conf["easyDaysPercentages"] = [1.0] * 7  # 100% every weekday = no easy days
        conf["new"]["perDay"] = 9999
        conf["rev"]["perDay"] = 99999
        col.decks.update_config(conf)

        if case_idx == 0:
            dcfu = col.decks.get_deck_configs_for_update(1)
            cfg = dcfu.all_config[0].config.config
            result["config_readback"] = {
                "fsrs_enabled": col.get_config("fsrs"),
                "fsrs_in_deck_options": dcfu.fsrs,
                "rollover": col.get_config("rollover"),
                "creation_offset_mins_west": col.get_config("creationOffset", None),
                "load_balancer_enabled": col.get_config_bool(Config.Bool.LOAD_BALANCER_ENABLED),
                "fsrs_short_term_with_steps_enabled": col.get_config_bool(
                    Config.Bool.FSRS_SHORT_TERM_WITH_STEPS_ENABLED
                ),
                "learn_steps_mins": list(cfg.learn_steps),
                "relearn_steps_mins": list(cfg.relearn_steps),
                "maximum_review_interval": cfg.maximum_review_interval,
                "desired_retention": f32(cfg.desired_retention),
                "fsrs_params_6_configured": list(cfg.fsrs_params_6),
                "easy_days_percentages": [f32(x) for x in cfg.easy_days_percentages],
                # the parameters Anki uses when the preset's list is empty
                "default_fsrs_params_6": [f32(x) for x in dcfu.defaults.config.fsrs_params_6],
                "collection_crt": col.crt,
            }

        model = col.models.by_name("Basic")
        note = col.new_note(model)
        note["Front"] = f"case {case['name']}"
        note["Back"] = "back"
        col.add_note(note, 1)
        cid = note.cards()[0].id

        rows = []
        prev_at = None
        last_review_day = None
        for step_idx, (spec, rating) in enumerate(case["steps"]):
            card = col.get_card(cid)
            if given_timeline is not None:
                at = given_timeline[case["name"]][step_idx]
            else:
                at = resolve_time(spec, card, col.crt, prev_at, last_review_day)
            if prev_at is not None and at < prev_at:
                raise SystemExit(f"{case['name']}: step {step_idx} goes back in time")
            settime(at)

            card = col.get_card(cid)
            card.start_timer()
            today = col.sched.today
            day_cutoff = col.sched.day_cutoff
            states = col._backend.get_scheduling_states(cid)
            options = {
                RATING_NAMES[r]: describe_state(getattr(states, RATING_NAMES[r])) for r in (1, 2, 3, 4)
            }
            chosen = getattr(states, RATING_NAMES[rating])
            ans = col.sched.build_answer(card=card, states=states, rating=rating - 1)
            assert ans.rating + 1 == rating
            col.sched.answer_card(ans)

            card = col.get_card(cid)
            revlog = col.db.all(
                "select id, ease, ivl, lastIvl, type from revlog where cid=? order by id desc limit 1", cid
            )[0]
            row = {
                "at": at,
                "rating": rating,
                "today": today,
                "day_cutoff": day_cutoff,
                "type": card.type,
                "queue": card.queue,
                "due": card.due,
                "ivl": card.ivl,
                "left": card.left,
                "reps": card.reps,
                "lapses": card.lapses,
                "stability": f32(card.memory_state.stability) if card.memory_state else None,
                "difficulty": f32(card.memory_state.difficulty) if card.memory_state else None,
                "card_decay": f32(card.decay) if card.decay is not None else None,
                "last_review_time": card.last_review_time,
                "chosen": describe_state(chosen),
                "options": options,
                "revlog": {"id": revlog[0], "ease": revlog[1], "ivl": revlog[2], "lastIvl": revlog[3], "type": revlog[4]},
            }
            rows.append(row)
            prev_at = at
            last_review_day = today
        # Anki's own recomputation of the memory state from the revlog history.
        try:
            cms = col._backend.compute_memory_state(cid)
            recomputed = (
                {"stability": f32(cms.state.stability), "difficulty": f32(cms.state.difficulty)}
                if cms.HasField("state")
                else None
            )
        except Exception as e:  # pragma: no cover - informational only
            recomputed = {"error": repr(e)}
        result["cases"][case["name"]] = {"card_id": cid, "crt": col.crt, "rows": rows, "recomputed_from_revlog": recomputed}
        col.close()

    with open(out_path, "w") as f:
        json.dump(result, f)


def describe_state(st) -> dict:
    """Flatten a SchedulingState protobuf (normal states only; no filtered decks here)."""
    kind = st.WhichOneof("kind")
    assert kind == "normal", kind
    n = st.normal
    k = n.WhichOneof("kind")
    out = {"kind": k}
    if k == "learning":
        inner = n.learning
        out["scheduled_secs"] = inner.scheduled_secs
        out["remaining_steps"] = inner.remaining_steps
        ms = inner.memory_state if inner.HasField("memory_state") else None
    elif k == "review":
        inner = n.review
        out["scheduled_days"] = inner.scheduled_days
        ms = inner.memory_state if inner.HasField("memory_state") else None
    elif k == "relearning":
        inner = n.relearning
        out["scheduled_secs"] = inner.learning.scheduled_secs
        out["remaining_steps"] = inner.learning.remaining_steps
        out["scheduled_days"] = inner.review.scheduled_days
        ms = inner.learning.memory_state if inner.learning.HasField("memory_state") else None
    else:
        ms = None
    out["stability"] = f32(ms.stability) if ms is not None else None
    out["difficulty"] = f32(ms.difficulty) if ms is not None else None
    return out


def case_created_at(case) -> int:
    """Collection/card creation time of a case: COLLECTION_CREATED_AT plus the
    index of the case (or of the case named by its "card_slot") in seconds.
    The card id is this time in ms, and Anki's fuzz is seeded by card id + reps."""
    slot = case.get("card_slot", case["name"])
    idx = [c["name"] for c in CASES].index(slot)
    return parse_utc(COLLECTION_CREATED_AT) + idx


def hhmm(s: str) -> int:
    h, m = s.split(":")
    return int(h) * 3600 + int(m) * 60


def day_time(crt: int, day: int, clock: str, extra_calendar_days: int = 0) -> int:
    """Unix time at local (UTC) wall clock `clock` inside Anki day `day`.

    Anki day n runs from crt + n*86400 (04:00) to the next 04:00. A clock time
    before the rollover hour is therefore on the next calendar date. With
    extra_calendar_days=k the result is moved k calendar days further (so it
    may leave day n, which is the point of the rollover cases)."""
    day_start = crt + day * 86400  # 04:00 UTC on the day's first calendar date
    date_midnight = day_start - ROLLOVER_HOUR * 3600
    t = date_midnight + hhmm(clock)
    if hhmm(clock) < ROLLOVER_HOUR * 3600 and extra_calendar_days == 0:
        t += 86400
    return t + extra_calendar_days * 86400


def resolve_time(spec, card, crt, prev_at, last_review_day) -> int:
    kind = spec[0]
    if kind == "at":
        return parse_utc(spec[1])
    if kind == "after":
        return prev_at + spec[1]
    if kind == "due":
        if card.queue not in (1,):
            raise SystemExit(f"('due',) used for a card in queue {card.queue}")
        return max(card.due, prev_at)
    if kind == "due_day":
        if card.queue not in (2, 3):
            raise SystemExit(f"('due_day',...) used for a card in queue {card.queue}")
        extra = spec[2] if len(spec) > 2 else 0
        return day_time(crt, card.due, spec[1], extra)
    if kind == "late":
        if card.queue != 2:
            raise SystemExit("('late',...) needs a review card")
        day = last_review_day + int(round(spec[1] * card.ivl))
        return day_time(crt, day, spec[2])
    if kind == "early":
        if card.queue != 2:
            raise SystemExit("('early',...) needs a review card")
        day = last_review_day + max(1, int(math.floor(spec[1] * card.ivl)))
        return day_time(crt, day, spec[2])
    raise SystemExit(f"unknown time spec {spec!r}")


# ---------------------------------------------------------------------------
# Independent FSRS-6 check (parent side). Not used to produce any output value;
# it only confirms that Anki used the elapsed days the script intended.
# ---------------------------------------------------------------------------


class Fsrs6:
    def __init__(self, w):
        self.w = list(w)
        self.decay = self.w[20]
        self.factor = 0.9 ** (-1.0 / self.decay) - 1.0

    def init_d(self, g):
        return self.w[4] - math.exp(self.w[5] * (g - 1)) + 1.0

    def next(self, s, d, elapsed, g):
        """Return (S, D) after answering with grade g. s/d None = new card."""
        w = self.w
        if s is None:
            return w[g - 1], min(max(self.init_d(g), 1.0), 10.0)
        # difficulty
        delta = -w[6] * (g - 3)
        d2 = d + delta * (10.0 - d) / 9.0
        d2 = w[7] * self.init_d(4) + (1.0 - w[7]) * d2
        d2 = min(max(d2, 1.0), 10.0)
        # stability
        if elapsed == 0:
            sinc = math.exp(w[17] * (g - 3 + w[18])) * s ** (-w[19])
            if g >= 2:  # fsrs-rs clamps sinc >= 1 for Hard/Good/Easy
                sinc = max(sinc, 1.0)
            s2 = s * sinc
        else:
            r = (1.0 + self.factor * elapsed / s) ** (-self.decay)
            if g == 1:
                s2 = w[11] * d ** (-w[12]) * ((s + 1.0) ** w[13] - 1.0) * math.exp(w[14] * (1.0 - r))
                s2 = min(s2, s / math.exp(w[17] * w[18]))
            else:
                hp = w[15] if g == 2 else 1.0
                eb = w[16] if g == 4 else 1.0
                s2 = s * (
                    1.0
                    + math.exp(w[8]) * (11.0 - d) * s ** (-w[9]) * (math.exp(w[10] * (1.0 - r)) - 1.0) * hp * eb
                )
        s2 = min(max(s2, 0.001), 36500.0)
        return s2, d2


def fsrs_elapsed_days(at: int, prev_at: int | None, crt: int) -> int | None:
    """Days since the previous review as Anki computes it for FSRS:
    floor((start of the next Anki day after `at` - previous review time) / 86400)."""
    if prev_at is None:
        return None
    day = (at - crt) // 86400
    next_day_at = crt + (day + 1) * 86400
    return (next_day_at - prev_at) // 86400


# ---------------------------------------------------------------------------
# Parent.
# ---------------------------------------------------------------------------

STATE_NAMES = {0: "new", 1: "learning", 2: "review", 3: "relearning"}


def find_faketime() -> str:
    env = os.environ.get("ANKI_REF_FAKETIME_LIB")
    if env:
        return env
    for c in FAKETIME_CANDIDATES:
        if os.path.exists(c):
            return c
    raise SystemExit("libfaketime not found: apt-get install faketime (or set ANKI_REF_FAKETIME_LIB)")


def run_child(python: str, lib: str, mode: str, workdir: str, timeline: str | None) -> dict:
    tsf = os.path.join(workdir, f"faketime_{mode}")
    with open(tsf, "w") as f:
        f.write(COLLECTION_CREATED_AT.replace("T", " ").rstrip("Z") + "\n")
    out = os.path.join(workdir, f"child_{mode}.json")
    env = {k: v for k, v in os.environ.items() if k not in ("ANKI_TEST_MODE", "FAKETIME")}
    # The unfuzzed run sets ANKI_TEST_MODE, which also makes Anki's backend
    # subtract 2h from its clock whenever *local* time is 02:00-03:59. To keep
    # that hack away from the 03:xx answers, that run uses a UTC+7 zone with the
    # rollover hour moved to 11:00 local (= 04:00 UTC); the window then falls
    # on 19:00-20:59 UTC, where the timeline has no answers (checked).
    offset = UNFUZZED_UTC_OFFSET_H if mode == "unfuzzed" else 0
    env.update(
        {
            # POSIX TZ string (no tzdata needed): "<+07>-7" is UTC+7
            "TZ": "UTC" if offset == 0 else f"<+{offset:02d}>-{offset}",
            "ANKI_REF_UTC_OFFSET_HOURS": str(offset),
            "LD_PRELOAD": lib,
            "FAKETIME_TIMESTAMP_FILE": tsf,
            "FAKETIME_NO_CACHE": "1",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            "PYTHONHASHSEED": "0",
        }
    )
    if mode == "unfuzzed":
        env["ANKI_TEST_MODE"] = "1"
    cmd = [python, os.path.abspath(__file__), "--child", mode, "--child-out", out]
    if timeline:
        cmd += ["--timeline", timeline]
    subprocess.run(cmd, env=env, check=True)
    with open(out) as f:
        return json.load(f)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(HERE, "anki_cases.json"))
    ap.add_argument(
        "--python",
        default=DEFAULT_VENV_PYTHON if os.path.exists(DEFAULT_VENV_PYTHON) else sys.executable,
        help="interpreter that has the `anki` package installed",
    )
    ap.add_argument("--child", choices=["fuzzed", "unfuzzed"], help=argparse.SUPPRESS)
    ap.add_argument("--child-out", help=argparse.SUPPRESS)
    ap.add_argument("--timeline", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        child_main(args.child, args.timeline, args.child_out)
        return

    lib = find_faketime()
    with tempfile.TemporaryDirectory(prefix="anki_ref_parent_") as workdir:
        fuzzed = run_child(args.python, lib, "fuzzed", workdir, None)
        timeline = {name: [r["at"] for r in c["rows"]] for name, c in fuzzed["cases"].items()}
        timeline["__crt__"] = {name: c["crt"] for name, c in fuzzed["cases"].items()}
        tl_path = os.path.join(workdir, "timeline.json")
        with open(tl_path, "w") as f:
            json.dump(timeline, f)
        unfuzzed = run_child(args.python, lib, "unfuzzed", workdir, tl_path)

    doc = build_output(fuzzed, unfuzzed)
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    n_reviews = sum(len(c["reviews"]) for c in doc["cases"])
    print(f"wrote {args.out}: anki {doc['anki_version']}, {len(doc['cases'])} cases, {n_reviews} answers")
    print("verification:", json.dumps(doc["verification"]))


def build_output(fuzzed: dict, unfuzzed: dict) -> dict:
    cfg = fuzzed["config_readback"]
    params = cfg["default_fsrs_params_6"]
    assert len(params) == 21, params
    assert cfg["fsrs_enabled"] is True and cfg["fsrs_in_deck_options"] is True
    assert cfg["load_balancer_enabled"] is False
    assert cfg["rollover"] == ROLLOVER_HOUR
    assert cfg["fsrs_params_6_configured"] == []
    assert cfg["learn_steps_mins"] == LEARN_STEPS_MINS and cfg["relearn_steps_mins"] == RELEARN_STEPS_MINS
    assert cfg["maximum_review_interval"] == MAX_IVL
    assert abs(cfg["desired_retention"] - DESIRED_RETENTION) < 1e-6
    assert fuzzed["anki_version"] == unfuzzed["anki_version"]

    model = Fsrs6(params)
    checks = {
        "answers": 0,
        "fake_clock_day_number_matches": 0,
        "fake_clock_last_review_time_matches": 0,
        "revlog_id_equals_answer_time": 0,
        "unfuzzed_run_same_memory_state": 0,
        "persisted_state_is_chosen_state_rounded_s4_d3": 0,
        "python_fsrs6_matches_anki_memory_state": 0,
        "python_fsrs6_max_rel_error_stability": 0.0,
        "python_fsrs6_max_rel_error_difficulty": 0.0,
        "learning_step_fuzz_within_anki_bounds": 0,
        "fuzzed_interval_within_fuzz_range_of_unfuzzed": 0,
        "anki_recompute_from_revlog_matches_final_state": 0,
        "learning_queue_differs_because_of_step_fuzz": [],
    }
    out_cases = []
    for case in CASES:
        name = case["name"]
        fc = fuzzed["cases"][name]
        uc = unfuzzed["cases"][name]
        crt = fc["crt"]
        assert uc["crt"] == crt
        reviews = []
        prev_at = None
        prev_s = prev_d = None
        for i, (fr, ur) in enumerate(zip(fc["rows"], uc["rows"], strict=True)):
            at = fr["at"]
            assert ur["at"] == at
            checks["answers"] += 1
            # -- the fake clock really drives Anki ---------------------------
            expected_day = (at - crt) // 86400
            assert fr["today"] == expected_day, (name, i, fr["today"], expected_day)
            assert fr["day_cutoff"] == crt + (expected_day + 1) * 86400
            assert ur["today"] == expected_day, (name, i, "unfuzzed", ur["today"], expected_day)
            checks["fake_clock_day_number_matches"] += 1
            assert fr["last_review_time"] == at, (name, i, fr["last_review_time"], at)
            # ANKI_TEST_MODE clock hack window (local 02:00-03:59) in the unfuzzed run
            local_hour = (dt.datetime.fromtimestamp(at, dt.timezone.utc).hour + UNFUZZED_UTC_OFFSET_H) % 24
            assert not (2 <= local_hour < 4), (name, i, "answer inside ANKI_TEST_MODE clock-shift window")
            assert ur["last_review_time"] == at, (name, i, ur["last_review_time"], at)
            checks["fake_clock_last_review_time_matches"] += 1
            assert fr["revlog"]["id"] == at * 1000 and ur["revlog"]["id"] == at * 1000
            checks["revlog_id_equals_answer_time"] += 1
            # -- fuzz cannot change memory state, reps, lapses, type ----------
            for k in ("stability", "difficulty", "reps", "lapses", "type"):
                assert fr[k] == ur[k], (name, i, k, fr[k], ur[k])
            assert fr["chosen"]["stability"] == ur["chosen"]["stability"]
            assert fr["chosen"]["difficulty"] == ur["chosen"]["difficulty"]
            checks["unfuzzed_run_same_memory_state"] += 1
            # -- persisted values are the f32-rounded chosen state -------------
            assert fr["stability"] == round_places_f32(fr["chosen"]["stability"], 4), (name, i, fr["stability"])
            assert fr["difficulty"] == round_places_f32(fr["chosen"]["difficulty"], 3), (name, i, fr["difficulty"])
            checks["persisted_state_is_chosen_state_rounded_s4_d3"] += 1
            # -- independent FSRS-6 computation with the intended elapsed days -
            elapsed = fsrs_elapsed_days(at, prev_at, crt)
            ps, pd = model.next(prev_s, prev_d, elapsed, fr["rating"])
            es = abs(ps - fr["chosen"]["stability"]) / max(1.0, ps)
            ed = abs(pd - fr["chosen"]["difficulty"]) / max(1.0, pd)
            assert es <= 2e-5 and ed <= 2e-5, (
                name, i, "python fsrs", ps, pd, fr["chosen"], elapsed,
            )
            checks["python_fsrs6_matches_anki_memory_state"] += 1
            checks["python_fsrs6_max_rel_error_stability"] = max(checks["python_fsrs6_max_rel_error_stability"], es)
            checks["python_fsrs6_max_rel_error_difficulty"] = max(checks["python_fsrs6_max_rel_error_difficulty"], ed)

            state = STATE_NAMES[fr["type"]]
            in_steps = fr["queue"] in (1, 3)
            step_delay = None
            step_delay_unfuzzed = None
            step_scheduled = None
            if state in ("learning", "relearning"):
                step_scheduled = fr["chosen"]["scheduled_secs"]
                assert ur["chosen"]["scheduled_secs"] == step_scheduled
                # intraday learning (queue 1): card.due is a unix timestamp.
                # If the step ends after the next day rollover, Anki moves the
                # card to the interday learning queue (3) and card.due is a day.
                assert fr["queue"] in (1, 3) and ur["queue"] in (1, 3), (name, i, fr["queue"], ur["queue"])
                if ur["queue"] == 1:
                    step_delay_unfuzzed = ur["due"] - ur["last_review_time"]
                    assert step_delay_unfuzzed == step_scheduled, (name, i, step_delay_unfuzzed, step_scheduled)
                if fr["queue"] == 1:
                    step_delay = fr["due"] - at
                    upper = step_scheduled + min(int(step_scheduled * 0.25), 300)
                    assert step_scheduled <= step_delay <= max(upper, step_scheduled), (name, i, step_delay, upper)
                    checks["learning_step_fuzz_within_anki_bounds"] += 1
                if fr["queue"] != ur["queue"]:
                    checks["learning_queue_differs_because_of_step_fuzz"].append(f"{name}#{i}")
            interval = unfuzzed_interval = None
            if state == "review":
                assert fr["queue"] == 2
                interval = fr["ivl"]
                unfuzzed_interval = ur["ivl"]
                assert fr["due"] == fr["today"] + interval
                assert ur["due"] == ur["today"] + unfuzzed_interval
                assert fr["chosen"]["scheduled_days"] == interval and ur["chosen"]["scheduled_days"] == unfuzzed_interval
                # Anki's fuzz range around an interval of that size (loose check:
                # the exact range is built around the unrounded interval).
                delta = fuzz_delta(unfuzzed_interval)
                assert abs(interval - unfuzzed_interval) <= math.ceil(delta) + 1, (name, i, interval, unfuzzed_interval)
                checks["fuzzed_interval_within_fuzz_range_of_unfuzzed"] += 1
            reviews.append(
                {
                    "at": fmt_utc(at),
                    "at_ms": at * 1000,
                    "rating": fr["rating"],
                    "state": state,
                    "stability": fr["stability"],
                    "difficulty": fr["difficulty"],
                    "interval_days": interval,
                    "unfuzzed_interval_days": unfuzzed_interval,
                    "step_delay_secs": step_delay,
                    "unfuzzed_step_delay_secs": step_delay_unfuzzed,
                    "step_scheduled_secs": step_scheduled,
                    "reps": fr["reps"],
                    "lapses": fr["lapses"],
                    # --- extra detail ---------------------------------------
                    "anki_day": fr["today"],
                    "elapsed_days": elapsed,
                    "stability_unrounded": fr["chosen"]["stability"],
                    "difficulty_unrounded": fr["chosen"]["difficulty"],
                    "card_type": fr["type"],
                    "card_queue": fr["queue"],
                    "card_due": fr["due"],
                    "unfuzzed_card_due": ur["due"],
                    "unfuzzed_card_queue": ur["queue"],
                    "card_ivl": fr["ivl"],
                    "unfuzzed_card_ivl": ur["ivl"],
                    "card_left": fr["left"],
                    "revlog_type": fr["revlog"]["type"],
                    "revlog_last_ivl": fr["revlog"]["lastIvl"],
                    "options_unfuzzed": ur["options"],
                    "options": fr["options"],
                }
            )
            prev_at = at
            # Anki reloads the card from the database before the next answer,
            # so the next step starts from the rounded, persisted values.
            prev_s, prev_d = fr["stability"], fr["difficulty"]
        rec = fc["recomputed_from_revlog"]
        last = fc["rows"][-1]
        if rec and "stability" in rec:
            if abs(rec["stability"] - last["stability"]) <= 0.01 * max(1, last["stability"]) and abs(
                rec["difficulty"] - last["difficulty"]
            ) <= 0.01:
                checks["anki_recompute_from_revlog_matches_final_state"] += 1
        out_cases.append(
            {
                "name": name,
                "description": case["description"],
                "card_id": fc["card_id"],
                "collection_crt": crt,
                "collection_created_at": fmt_utc(case_created_at(case)),
                "reviews": reviews,
            }
        )
    checks["python_fsrs6_max_rel_error_stability"] = float(f"{checks['python_fsrs6_max_rel_error_stability']:.3g}")
    checks["python_fsrs6_max_rel_error_difficulty"] = float(f"{checks['python_fsrs6_max_rel_error_difficulty']:.3g}")

    return {
        "anki_version": fuzzed["anki_version"],
        "anki_buildhash": fuzzed["anki_buildhash"],
        "generated_by": "tests/reference/anki_reference.py",
        "params": params,
        "desired_retention": DESIRED_RETENTION,
        "learning_steps_secs": [int(m * 60) for m in LEARN_STEPS_MINS],
        "relearning_steps_secs": [int(m * 60) for m in RELEARN_STEPS_MINS],
        "maximum_interval_days": MAX_IVL,
        "rollover_hour": ROLLOVER_HOUR,
        "timezone": "UTC",
        "anki_config": cfg,
        "notes": NOTES,
        "verification": checks,
        "cases": out_cases,
    }


def _f32(x: float) -> float:
    return struct.unpack("<f", struct.pack("<f", x))[0]


def round_places_f32(x: float, places: int) -> float:
    """(x * 10^places).round() / 10^places, evaluated in f32 like Anki does
    when it writes the card's data column (round half away from zero)."""
    m = _f32(10.0**places)
    y = _f32(_f32(x) * m)
    r = math.floor(abs(y) + 0.5) * (1 if y >= 0 else -1)
    return f32(_f32(r / m))


def fuzz_delta(interval: float) -> float:
    """Anki's fuzz half-width (rslib scheduler/states/fuzz.rs)."""
    if interval < 2.5:
        return 0.0
    delta = 1.0
    for start, end, factor in ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05)):
        delta += factor * max(0.0, min(interval, end) - start)
    return delta


NOTES = " ".join(
    [
        "Generated with the real Anki Python library (PyPI `anki`). FSRS enabled via the collection config key 'fsrs'.",
        "Deck preset: fsrsParams6 empty, so Anki uses its built-in FSRS-6 defaults (listed in `params`, read from",
        "DeckConfigsForUpdate.defaults; fsrs crate 6.6.2 inside this Anki build); desired retention 0.9; learning",
        "steps 1m 10m; relearning steps 10m; maximum interval 36500; rollover hour 4; load balancer off (config bool",
        "loadBalancerEnabled=false); easy days all 100% (easyDaysPercentages=[1]*7, i.e. no effect); FSRS",
        "short-term-with-steps off (Anki's default). Each case uses its own fresh collection with one Basic card,",
        "created at `collection_created_at` (card_id = that time in ms; Anki day 0 starts 2026-01-05T04:00:00Z). TZ=UTC.",
        "TIME: Anki ran under libfaketime with a frozen clock, set from a timestamp file before every answer, so",
        "Python and Anki's Rust backend both saw exactly `at` (checked: Anki's day number, day cutoff,",
        "card.last_review_time and revlog ids equal the intended values, and every memory state matches an",
        "independent FSRS-6 computation that uses `elapsed_days`).",
        "FUZZ: `interval_days` is what Anki really scheduled (review fuzz applied; seeded by card_id + reps).",
        "`unfuzzed_interval_days` comes from a second Anki run of the identical timeline (same card id, same answer",
        "instants) with env ANKI_TEST_MODE=1, which makes Anki's backend use no fuzz seed: review intervals are then",
        "round(FSRS interval) subject to Anki's own constraints (>=1, hard < good < easy, maximum interval), and",
        "learning steps get no random extra delay. Because ANKI_TEST_MODE also makes the backend subtract 2h from its",
        "clock while *local* time is 02:00-03:59, that run uses TZ UTC+7 with the rollover hour at 11 local",
        "(= 04:00 UTC, same day boundaries; checked) so no answer falls in that window. Memory states, reps, lapses",
        "and card types are identical in both runs (checked). 'On time'/'late'/'early' answer times were derived from",
        "the real (fuzzed) due day, so in the unfuzzed run the same instant may be a day or more early/late relative",
        "to the unfuzzed due date; FSRS intervals in Anki do not depend on that (only on elapsed time since the",
        "previous review).",
        "LEARNING STEPS: `step_delay_secs` = card.due - answer time in the real run, which includes Anki v3's random",
        "extra delay for learning steps (up to 25% of the step, max 5 min); `unfuzzed_step_delay_secs` is the same in",
        "the ANKI_TEST_MODE run; `step_scheduled_secs` is the configured step delay Anki chose. When a step would end",
        "after the next day rollover, Anki moves the card to the interday learning queue (card_queue 3, card_due =",
        "Anki day) and both step delay fields are null.",
        "MEMORY STATE: `stability`/`difficulty` are card.memory_state as persisted after the answer: Anki rounds",
        "stability to 4 and difficulty to 3 decimal places (in f32) when writing the card, and the next answer starts",
        "from these rounded values. `stability_unrounded`/`difficulty_unrounded` are the f32 values of the chosen",
        "scheduling state before persisting. Note fsrs-rs clamps the same-day (short-term) stability increase to >= 1",
        "for Hard, Good and Easy, so same-day Hard/Good/Easy never lower stability.",
        "OTHER FIELDS: `elapsed_days` = floor((start of the next Anki day after `at` - previous answer time) / 86400),",
        "the days_elapsed Anki passes to FSRS (null for the first answer); `anki_day` = Anki's day number at the",
        "answer; `options`/`options_unfuzzed` = the four scheduling states Anki offered just before the answer",
        "(review: scheduled_days; learning/relearning: scheduled_secs; relearning also carries the post-lapse",
        "scheduled_days); card_* fields are the raw card columns after the answer.",
    ]
)


if __name__ == "__main__":
    main()
