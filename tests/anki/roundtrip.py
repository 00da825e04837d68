#!/usr/bin/env python3
"""The Anki side of tests/anki_interop.rs's round trip (issue 16), with the
real `anki` library. Every command prints the collection's state as JSON
(notes with their fields and note type, cards with their schedules, flags
and revlog ids, the ids `is:due` finds, the deck's counts, empty cards).

Usage:
  roundtrip.py create DIR            creates DIR/original.anki2 (its notes)
  roundtrip.py study DIR             one day of study of its `studied` notes
                                     (run under faketime, days before today)
  roundtrip.py make DIR              today's answers, buries, flags…, then
                                     exports it as DIR/anki.apkg
  roundtrip.py import COLLECTION PKG imports an .apkg into COLLECTION
  roundtrip.py export COLLECTION PKG [legacy]
                                     re-exports COLLECTION as PKG (schema 18,
                                     or schema 11 with `legacy`)
  roundtrip.py state COLLECTION      the state only
"""

import json
import os
import sys

from anki.collection import (
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)

DECK = "History::Comintern"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def answer(col, card_id, ease):
    card = col.get_card(card_id)
    card.start_timer()
    states = col._backend.get_scheduling_states(card.id)
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=ease - 1))


def person_notetype(col):
    mm = col.models
    m = mm.new("Person")
    for name in ["Name", "Born", "Role", "Notes"]:
        mm.add_field(m, mm.new_field(name))
    who = mm.new_template("Who")
    who["qfmt"] = "Who was {{Name}}?"
    who["afmt"] = "{{FrontSide}}<hr id=answer>{{Role}}<br>{{Born}}"
    mm.add_template(m, who)
    which = mm.new_template("Which")
    which["qfmt"] = "Which person: {{Role}}?"
    which["afmt"] = "{{FrontSide}}<hr id=answer>{{Name}}{{#Notes}}<br>({{Notes}}){{/Notes}}"
    mm.add_template(m, which)
    mm.add(m)
    return mm.by_name("Person")


def create(out_dir):
    """The collection, its preset and notes (run days before `make`)."""
    col = Collection(os.path.join(out_dir, "original.anki2"))
    try:
        col.set_config("fsrs", True)
        did = col.decks.id(DECK)
        conf_id = col.decks.add_config_returning_id("Iskra round trip")
        conf = col.decks.get_config(conf_id)
        conf["new"]["perDay"] = 15
        conf["rev"]["perDay"] = 9999
        conf["desiredRetention"] = 0.85
        col.decks.update_config(conf)
        deck = col.decks.get(did)
        deck["conf"] = conf_id
        col.decks.save(deck)
        col.media.write_data("map.png", PNG)

        def add(notetype, fields, tags=()):
            note = col.new_note(col.models.by_name(notetype) if isinstance(notetype, str) else notetype)
            for name, value in fields.items():
                note[name] = value
            note.tags = list(tags)
            col.add_note(note, did)
            return note

        basic = add(
            "Basic",
            {
                "Front": "Where did the <b>Second Congress</b> open?",
                "Back": 'Petrograd &amp; then <i>Moscow</i><br><img src="map.png">',
            },
            ["congress"],
        )
        swapped = add("Cloze", {"Text": "{{c2::Reed}} caught {{c1::typhus}}", "Back Extra": "In Baku."})
        gaps = add("Cloze", {"Text": "{{c1::Radek}} and {{c3::Bukharin}} spoke"})
        repeated = add("Cloze", {"Text": "{{c1::Zinoviev}}, {{c1::Kamenev}} and {{c2::Trotsky}}"})
        nested = add("Cloze", {"Text": "Nested {{c1::outer {{c2::inner}} text}} and {{c4::four}}"})
        person = add(
            person_notetype(col),
            {"Name": "Alfred Rosmer", "Born": "1877", "Role": "French delegate", "Notes": "<u>Syndicalist</u>"},
        )
        person2 = add("Person", {"Name": "Clara Zetkin", "Born": "1857", "Role": "German delegate", "Notes": ""})
        reversed_ = add("Basic (and reversed card)", {"Front": "Serge", "Back": "Victor"})
        fillers = [add("Basic", {"Front": f"Delegate {i}", "Back": f"Country {i}"}) for i in range(20)]
        # iskra cannot import a note without an answer: its reviews are reported once.
        unanswered = add("Basic", {"Front": "An unanswered question", "Back": ""})
        # Studied for weeks before today: what a real collection has.
        for i in range(60):
            add("Basic", {"Front": f"Studied {i}", "Back": f"Answer {i}"}, ["studied"])
        ids = {
            "basic": basic.id,
            "swapped": swapped.id,
            "gaps": gaps.id,
            "repeated": repeated.id,
            "nested": nested.id,
            "person": person.id,
            "person2": person2.id,
            "reversed": reversed_.id,
            "fillers": [f.id for f in fillers],
            "unanswered": unanswered.id,
        }
        with open(os.path.join(out_dir, "notes.json"), "w") as f:
            json.dump(ids, f)
        return ids
    finally:
        col.close()


def study(out_dir):
    """One day of study: every due card of the studied notes, and a few new ones."""
    col = Collection(os.path.join(out_dir, "original.anki2"))
    try:
        new = col.find_cards("tag:studied is:new")[:6]
        due = col.find_cards("tag:studied is:due")
        for card_id in list(due) + list(new):
            card = col.get_card(card_id)
            # A fixed mix of ratings, different per card and day.
            ease = [3, 3, 3, 1, 3, 4, 2, 3, 3, 3][(card_id // 7 + col.sched.today) % 10]
            answer(col, card_id, ease)
        return {"answered": len(due) + len(new)}
    finally:
        col.close()


def make(out_dir):
    """Today: answers, buries, a suspension, flags and set due dates; exported."""
    col = Collection(os.path.join(out_dir, "original.anki2"))
    try:
        with open(os.path.join(out_dir, "notes.json")) as f:
            ids = json.load(f)
        basic, swapped, gaps, repeated, nested, person, person2, reversed_, unanswered = (
            col.get_note(ids[k])
            for k in ["basic", "swapped", "gaps", "repeated", "nested", "person", "person2", "reversed", "unanswered"]
        )
        fillers = [col.get_note(i) for i in ids["fillers"]]

        cards = lambda note: sorted(col.get_note(note.id).cards(), key=lambda c: c.ord)
        for ease in [3, 3, 1, 3]:
            answer(col, cards(basic)[0].id, ease)
        answer(col, cards(swapped)[0].id, 4)  # c1, typhus
        answer(col, cards(gaps)[1].id, 3)  # c3, Bukharin
        answer(col, cards(repeated)[1].id, 4)  # c2, Trotsky
        answer(col, cards(nested)[1].id, 3)  # c2, inner
        answer(col, cards(person)[0].id, 4)  # Who
        answer(col, cards(reversed_)[0].id, 4)
        for filler in fillers[:3]:
            answer(col, cards(filler)[0].id, 4)
        answer(col, cards(fillers[0])[0].id, 1)  # relearning, due in minutes: then buried
        # Due today (a manual revlog entry each): what `is:due` finds.
        col.sched.set_due_date([cards(basic)[0].id, cards(reversed_)[0].id], "0")
        col.sched.set_due_date([cards(unanswered)[0].id], "3")
        # The custom type's second template ("Which"): due today, for iskra to review.
        col.sched.set_due_date([cards(person)[1].id, cards(person2)[1].id], "0")
        # The day's first queue unburies yesterday's buries (as opening Anki
        # does); what is buried after it stays buried today.
        col.sched.deck_due_tree()
        col.sched.bury_cards([cards(fillers[0])[0].id], manual=True)
        col.sched.suspend_cards([cards(fillers[1])[0].id])
        col.set_user_flag_for_cards(3, [cards(fillers[2])[0].id, cards(nested)[0].id])

        options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=True, legacy=False)
        col.export_anki_package(out_path=os.path.join(out_dir, "anki.apkg"), options=options, limit=None)
        return state(col)
    finally:
        col.close()


def import_package(path, package):
    col = Collection(path)
    try:
        request = ImportAnkiPackageRequest(
            package_path=package,
            options=ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True),
        )
        log = col.import_anki_package(request)
        out = state(col)
        out["log"] = {
            "new": len(log.log.new),
            "updated": len(log.log.updated),
            "duplicate": len(log.log.duplicate),
            "conflicting": len(log.log.conflicting),
            "first_field_match": len(log.log.first_field_match),
            "missing_notetype": len(log.log.missing_notetype),
            "missing_deck": len(log.log.missing_deck),
            "empty_first_field": len(log.log.empty_first_field),
        }
        return out
    finally:
        col.close()


def export(path, package, legacy=False):
    col = Collection(path)
    try:
        options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=True, legacy=legacy)
        col.export_anki_package(out_path=package, options=options, limit=None)
        return state(col)
    finally:
        col.close()


def notes_of(col):
    """Every note with its cards (by ordinal) as Anki has them; also used by import_apkg.py."""
    notes = []
    for nid in sorted(col.find_notes("")):
        note = col.get_note(nid)
        cards = []
        for card in sorted(note.cards(), key=lambda c: c.ord):
            memory = card.memory_state
            cards.append(
                {
                    "id": card.id,
                    "ord": card.ord,
                    "deck": col.decks.name(card.did),
                    "type": card.type,
                    "queue": card.queue,
                    "due": card.due,
                    "ivl": card.ivl,
                    "reps": card.reps,
                    "lapses": card.lapses,
                    "flags": card.user_flag(),
                    "stability": memory.stability if memory else None,
                    "difficulty": memory.difficulty if memory else None,
                    "question": card.question(),
                    "revlog": col.db.list("SELECT id FROM revlog WHERE cid = ? ORDER BY id", card.id),
                }
            )
        notes.append(
            {
                "id": note.id,
                "guid": note.guid,
                "mod": note.mod,
                "notetype": note.note_type()["name"],
                "fields": list(note.fields),
                "tags": sorted(note.tags),
                "cards": cards,
            }
        )
    return notes


def state(col):
    notes = notes_of(col)
    did = col.decks.id(DECK)
    col.decks.select(did)
    counts = col.sched.counts()
    empty = col.get_empty_cards()
    return {
        "today": col.sched.today,
        "notes": notes,
        "card_count": col.card_count(),
        "revlog_count": col.db.scalar("SELECT count(*) FROM revlog"),
        "due": sorted(col.find_cards("is:due")),
        "counts": {"new": counts[0], "learning": counts[1], "review": counts[2]},
        "empty_cards": sum(len(n.card_ids) for n in empty.notes),
        "notetypes": sorted(m["name"] for m in col.models.all()),
        "media": sorted(os.listdir(col.media.dir())),
    }


def main():
    command = sys.argv[1]
    if command == "create":
        out = create(sys.argv[2])
    elif command == "study":
        out = study(sys.argv[2])
    elif command == "make":
        out = make(sys.argv[2])
    elif command == "import":
        out = import_package(sys.argv[2], sys.argv[3])
    elif command == "export":
        out = export(sys.argv[2], sys.argv[3], legacy=sys.argv[4:] == ["legacy"])
    else:
        col = Collection(sys.argv[2])
        try:
            out = state(col)
        finally:
            col.close()
    print(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
