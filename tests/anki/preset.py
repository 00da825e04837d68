#!/usr/bin/env python3
"""The Anki side of tests/anki_interop.rs's deck-options test (issue 16,
point 4), with the real `anki` library: a deck whose options preset differs
from the defaults in every scheduling option (limits, desired retention,
learning and relearning steps, FSRS parameters, longest interval, burying),
studied for weeks, exported; then the same cards answered as iskra answered
them, for a card-by-card comparison.

Usage:
  preset.py create DIR          DIR/preset.anki2 and its notes (run days ago)
  preset.py study DIR           one day of study (run under faketime)
  preset.py make DIR            today's first answers; exports DIR/preset.apkg;
                                prints today's counts of the deck
  preset.py answer DIR JSON     answers [[card id, rating], …] in order; prints
                                each card after its answer, and the buried cards
"""

import json
import os
import sys

from anki.collection import Collection, ExportAnkiPackageOptions
from anki.config import Config

DECK = "Options::Preset"
PLAIN = "Options::Plain"
# FSRS-6's defaults with other initial stabilities: not what iskra's collection uses.
PARAMS = [0.5, 2.0, 4.5, 12.0, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
          1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542]


def path(out_dir):
    return os.path.join(out_dir, "preset.anki2")


def answer(col, card_id, ease):
    card = col.get_card(card_id)
    card.start_timer()
    states = col._backend.get_scheduling_states(card.id)
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=ease - 1))


def create(out_dir):
    col = Collection(path(out_dir))
    try:
        col.set_config("fsrs", True)
        # As iskra is set up in the test: no load balancing (fuzz stays on).
        col.set_config_bool(Config.Bool.LOAD_BALANCER_ENABLED, False)
        col.set_config_bool(Config.Bool.FSRS_SHORT_TERM_WITH_STEPS_ENABLED, False)
        did = col.decks.id(DECK)
        plain = col.decks.id(PLAIN)
        conf_id = col.decks.add_config_returning_id("Every option changed")
        conf = col.decks.get_config(conf_id)
        conf["new"]["perDay"] = 7
        conf["rev"]["perDay"] = 500
        conf["new"]["delays"] = [3.0, 25.0]
        conf["lapse"]["delays"] = [7.0]
        conf["desiredRetention"] = 0.8
        conf["fsrsParams6"] = PARAMS
        conf["rev"]["maxIvl"] = 30
        conf["new"]["bury"] = True
        conf["rev"]["bury"] = False
        conf["buryInterdayLearning"] = False
        col.decks.update_config(conf)
        deck = col.decks.get(did)
        deck["conf"] = conf_id
        col.decks.save(deck)
        for i in range(60):
            for deck_id, name in [(did, "preset"), (plain, "plain")]:
                note = col.new_note(col.models.by_name("Basic"))
                note["Front"] = f"{name} question {i}"
                note["Back"] = f"{name} answer {i}"
                note.tags = [name]
                col.add_note(note, deck_id)
        # Two cards per note: a new card answered buries its new sibling.
        for i in range(6):
            note = col.new_note(col.models.by_name("Basic (and reversed card)"))
            note["Front"] = f"preset front {i}"
            note["Back"] = f"preset back {i}"
            note.tags = ["preset", "reversed"]
            col.add_note(note, did)
        return {"deck": did}
    finally:
        col.close()


def study(out_dir):
    """One day: every due card (a fixed mix of ratings; learning cards taken
    through their steps) and 7 new cards per deck."""
    col = Collection(path(out_dir))
    try:
        cards = []
        for tag in ["preset", "plain"]:
            cards += list(col.find_cards(f"tag:{tag} is:due -tag:reversed"))
            cards += list(col.find_cards(f"tag:{tag} is:new -tag:reversed"))[:7]
        for card_id in cards:
            ease = [3, 3, 1, 3, 4, 3, 2, 3][(card_id // 7 + col.sched.today) % 8]
            answer(col, card_id, ease)
            # Through the steps at once: the card is a review by tomorrow.
            for _ in range(3):
                if col.get_card(card_id).type in (1, 3):
                    answer(col, card_id, 3)
        return {"answered": len(cards)}
    finally:
        col.close()


def counts(col, deck):
    col.decks.select(col.decks.id(deck))
    new, learning, review = col.sched.counts()
    return {"new": new, "learning": learning, "review": review}


def make(out_dir):
    """Today: two new cards answered, then the package; the deck's counts."""
    col = Collection(path(out_dir))
    try:
        for card_id in list(col.find_cards("tag:preset is:new -tag:reversed"))[:2]:
            answer(col, card_id, 3)
        options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=True, legacy=False)
        col.export_anki_package(out_path=os.path.join(out_dir, "preset.apkg"), options=options, limit=None)
        return {"counts": counts(col, DECK), "due": sorted(col.find_cards(f'"deck:{DECK}" is:due'))}
    finally:
        col.close()


def card_state(col, card_id):
    card = col.get_card(card_id)
    memory = card.memory_state
    last = col.db.scalar("SELECT max(id) FROM revlog WHERE cid = ?", card_id)
    return {
        "id": card_id,
        "type": card.type,
        "queue": card.queue,
        "due": card.due,
        "ivl": card.ivl,
        "stability": memory.stability if memory else None,
        "difficulty": memory.difficulty if memory else None,
        "answered_ms": last,
    }


def answer_cards(out_dir, answers):
    col = Collection(path(out_dir))
    try:
        after = []
        for card_id, rating in answers:
            answer(col, card_id, rating)
            after.append(card_state(col, card_id))
        return {
            "cards": after,
            "buried": sorted(col.find_cards(f'"deck:{DECK}" is:buried')),
            "today": col.sched.today,
        }
    finally:
        col.close()


def main():
    command, out_dir = sys.argv[1], sys.argv[2]
    if command == "create":
        out = create(out_dir)
    elif command == "study":
        out = study(out_dir)
    elif command == "make":
        out = make(out_dir)
    elif command == "answer":
        out = answer_cards(out_dir, json.loads(sys.argv[3]))
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
