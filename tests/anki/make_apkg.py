#!/usr/bin/env python3
"""Builds Anki packages with the real `anki` library, for tests/anki_interop.rs:
a deck with a Basic note whose card was answered several times through
Anki's own scheduler (FSRS on), a Cloze note with two deletions (one card
answered), and a "Basic (and reversed card)" note (its reverse card
answered). Writes OUT_DIR/modern.apkg (collection.anki21b) and
OUT_DIR/legacy.apkg (collection.anki21) and prints what they hold as JSON.

Usage: make_apkg.py OUT_DIR
"""

import datetime as dt
import json
import os
import sys

from anki.collection import Collection, ExportAnkiPackageOptions

DECK = "Interop::Reviewed"


def answer(col, card_id, ease):
    card = col.get_card(card_id)
    card.start_timer()
    states = col._backend.get_scheduling_states(card.id)
    # CardAnswer.Rating counts from 0 (Again) to 3 (Easy).
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=ease - 1))


def main() -> None:
    out_dir = sys.argv[1]
    col = Collection(os.path.join(out_dir, "source.anki2"))
    try:
        col.set_config("fsrs", True)
        did = col.decks.id(DECK)
        basic = col.new_note(col.models.by_name("Basic"))
        basic["Front"] = "Where did the <b>Second Congress</b> open?"
        basic["Back"] = "Petrograd &amp; then Moscow<br>July 1920"
        basic.tags = ["comintern", "congress::second"]
        col.add_note(basic, did)
        cloze = col.new_note(col.models.by_name("Cloze"))
        cloze["Text"] = "{{c1::Reed}} caught {{c2::typhus::an illness}} after Baku."
        cloze["Back Extra"] = "He died in Moscow."
        col.add_note(cloze, did)
        reversed_ = col.new_note(col.models.by_name("Basic (and reversed card)"))
        reversed_["Front"] = "Rosmer"
        reversed_["Back"] = "Alfred"
        col.add_note(reversed_, did)

        basic_card = basic.cards()[0].id
        for ease in [3, 3, 4, 1, 3, 2]:
            answer(col, basic_card, ease)
        cloze_cards = sorted(cloze.cards(), key=lambda c: c.ord)
        answer(col, cloze_cards[1].id, 3)
        reverse_card = sorted(reversed_.cards(), key=lambda c: c.ord)[1]
        answer(col, reverse_card.id, 4)

        for legacy, name in [(False, "modern.apkg"), (True, "legacy.apkg")]:
            options = ExportAnkiPackageOptions(
                with_scheduling=True, with_deck_configs=True, with_media=True, legacy=legacy
            )
            col.export_anki_package(out_path=os.path.join(out_dir, name), options=options, limit=None)

        rollover = col.get_config("rollover", 4)
        local = dt.datetime.now() - dt.timedelta(hours=rollover)
        notes = []
        for note in (basic, cloze, reversed_):
            cards = []
            for card in sorted(col.get_note(note.id).cards(), key=lambda c: c.ord):
                memory = card.memory_state
                cards.append(
                    {
                        "id": card.id,
                        "ord": card.ord,
                        "type": card.type,
                        "queue": card.queue,
                        "due": card.due,
                        "ivl": card.ivl,
                        "reps": card.reps,
                        "lapses": card.lapses,
                        "stability": memory.stability if memory else None,
                        "difficulty": memory.difficulty if memory else None,
                    }
                )
            notes.append(
                {
                    "guid": note.guid,
                    "notetype": note.note_type()["name"],
                    "fields": list(note.fields),
                    "tags": sorted(note.tags),
                    "cards": cards,
                }
            )
        revlog = [
            {"id": r[0], "cid": r[1], "ease": r[2], "ivl": r[3], "type": r[4]}
            for r in col.db.all("SELECT id, cid, ease, ivl, type FROM revlog ORDER BY id")
        ]
        print(
            json.dumps(
                {
                    "deck": DECK,
                    "today": col.sched.today,
                    "today_date": local.date().isoformat(),
                    "notes": notes,
                    "revlog": revlog,
                },
                indent=1,
            )
        )
    finally:
        col.close()


if __name__ == "__main__":
    main()
