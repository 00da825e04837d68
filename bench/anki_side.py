#!/usr/bin/env python3
"""The Anki side of the side-by-side benchmarks (BENCHMARKS.md, "Side by
side with Anki"), with the pinned `anki` library (target/anki-venv, which
tests/anki_interop.rs installs). Each subcommand does what the iskra command
it is compared with does; bench/side_by_side.py runs both in one run.

  anki_side.py import PACKAGE... COLLECTION  import .apkg files (with scheduling) into a new collection
  anki_side.py first-card COLLECTION         open, take the first card, print its question
  anki_side.py status COLLECTION             open, the queue counts and the deck tree with counts
  anki_side.py stats COLLECTION              open, the graphs of the last 365 days
  anki_side.py add-notes COLLECTION N        add N basic notes to a new collection (one request)
  anki_side.py optimize COLLECTION           fit FSRS parameters on every review
  anki_side.py answer COLLECTION N           N answers: Good on each card shown, timed
                                             answerCard + getCard, and the disk settings
  anki_side.py fsrs COLLECTION               turn FSRS on (as iskra schedules with it) and select the
                                             deck with the most cards (before first-card, status, answer)

Whole-process times (start-up included, as iskra's) are taken outside by
the caller; `answer` times in-process and prints JSON. Anki reads the system
clock: run iskra with ISKRA_NOW at the same instant.
"""

import json
import os
import statistics
import sys
import time

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest


def percentile(sorted_ms, q):
    index = max(0, min(len(sorted_ms) - 1, -(-len(sorted_ms) * q // 1) - 1))
    return sorted_ms[int(index)]


def import_package(packages, path):
    if os.path.exists(path):
        sys.exit(f"{path} exists: the import goes into a new collection")
    col = Collection(path)
    try:
        start = time.perf_counter()
        for package in packages:
            request = ImportAnkiPackageRequest(
                package_path=package,
                options=ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True),
            )
            col.import_anki_package(request)
        seconds = time.perf_counter() - start
        print(json.dumps({"import_s": round(seconds, 3), "cards": col.card_count(),
                          "reviews": col.db.scalar("select count() from revlog")}))
    finally:
        col.close()


def first_card(path):
    col = Collection(path)
    card = col.sched.getCard()
    print("Q:", card.question()[:60] if card else "(none)")
    col.close(downgrade=False)


def status(path):
    col = Collection(path)
    counts = col.sched.counts()
    tree = col.sched.deck_due_tree()
    print(json.dumps({"counts": list(counts), "decks": len(tree.children)}))
    col.close(downgrade=False)


def stats(path):
    col = Collection(path)
    graphs = col._backend.graphs(search="", days=365)
    print(len(graphs.SerializeToString()), "bytes of graphs")
    col.close(downgrade=False)


def add_notes(path, n):
    if os.path.exists(path):
        sys.exit(f"{path} exists: notes are added to a new collection")
    col = Collection(path)
    from anki.collection import AddNoteRequest

    model = col.models.by_name("Basic")
    deck = col.decks.id("Benchmark")
    requests = []
    for i in range(n):
        note = col.new_note(model)
        note["Front"] = f"Generated question {i}: which word comes next?"
        note["Back"] = f"answer {i}"
        requests.append(AddNoteRequest(note=note, deck_id=deck))
    start = time.perf_counter()
    col.add_notes(requests)
    print(json.dumps({"add_notes_s": round(time.perf_counter() - start, 3), "notes": col.note_count()}))
    col.close(downgrade=False)


def optimize(path):
    col = Collection(path)
    reviews = col.db.scalar("select count() from revlog")
    start = time.perf_counter()
    result = col._backend.compute_fsrs_params(
        search="", current_params=[], ignore_revlogs_before_ms=0, num_of_relearning_steps=1, health_check=False
    )
    print(json.dumps({"optimize_s": round(time.perf_counter() - start, 3), "reviews": reviews,
                      "fsrs_items": result.fsrs_items, "params": len(result.params)}))
    col.close(downgrade=False)


def fsrs(path):
    col = Collection(path)
    col.set_config("fsrs", True)
    # Study the deck holding the most cards from now on (a new collection's
    # current deck is the empty Default): first-card, status and answer
    # then take their cards from it, as iskra's take every deck's.
    col.decks.select(col.db.scalar("select did from cards group by did order by count() desc limit 1"))
    col.close(downgrade=False)


def answer(path, n):
    col = Collection(path)
    pragmas = {p: col.db.scalar(f"pragma {p}") for p in ("journal_mode", "synchronous")}
    # Study the deck the package's cards are in (a new collection's current
    # deck is the empty Default), as iskra's review takes every deck.
    col.decks.select(col.db.scalar("select did from cards group by did order by count() desc limit 1"))
    steps, answers = [], 0
    card = col.sched.getCard()
    while card is not None and answers < n:
        start = time.perf_counter()
        col.sched.answerCard(card, 3)
        card = col.sched.getCard()
        steps.append((time.perf_counter() - start) * 1000)
        answers += 1
    col.close(downgrade=False)
    steps.sort()
    print(json.dumps({
        "answers": answers,
        "pragmas": pragmas,
        "step_median_ms": round(statistics.median(steps), 3) if steps else None,
        "step_p99_ms": round(percentile(steps, 0.99), 3) if steps else None,
        "step_max_ms": round(steps[-1], 3) if steps else None,
    }))


def main():
    command, args = sys.argv[1], sys.argv[2:]
    match command:
        case "import":
            import_package(args[:-1], args[-1])
        case "first-card":
            first_card(args[0])
        case "status":
            status(args[0])
        case "stats":
            stats(args[0])
        case "add-notes":
            add_notes(args[0], int(args[1]))
        case "optimize":
            optimize(args[0])
        case "fsrs":
            fsrs(args[0])
        case "answer":
            answer(args[0], int(args[1]))
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main()
