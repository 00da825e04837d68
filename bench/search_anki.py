#!/usr/bin/env python3
"""Times Anki's own search (`col.find_cards`) on the cards of the generated
collection, for the side-by-side in BENCHMARKS.md ("Search").

Usage: search_anki.py WORKDIR RUNS PACKAGE.apkg... -- QUERY...

Imports the packages (`iskra export deck NAME --format apkg --with-history`)
into a fresh collection in WORKDIR (kept there: a second run reuses it),
then runs each query RUNS times after one warm-up and prints, per query, the
median and min in ms and the number of cards found, as JSON lines. The time
is Anki's search alone, in-process (the Rust backend's SQL and the transfer
of the card ids to Python), without starting a process or opening the
collection; iskra's figures are whole processes.
"""

import json
import os
import statistics
import sys
import time

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest


def main() -> None:
    workdir, runs = sys.argv[1], int(sys.argv[2])
    split = sys.argv.index("--")
    packages, queries = sys.argv[3:split], sys.argv[split + 1 :]
    path = os.path.join(workdir, "anki-search.anki2")
    fresh = not os.path.exists(path)
    col = Collection(path)
    try:
        if fresh:
            for package in packages:
                request = ImportAnkiPackageRequest(
                    package_path=package,
                    options=ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True),
                )
                col.import_anki_package(request)
            col.set_config("fsrs", True)
        print(json.dumps({"cards": col.card_count(), "anki": __import__("anki.buildinfo").buildinfo.version}))
        for query in queries:
            found = col.find_cards(query, order=False)
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                col.find_cards(query, order=False)
                times.append((time.perf_counter() - start) * 1000)
            print(
                json.dumps(
                    {
                        "query": query,
                        "found": len(found),
                        "median_ms": round(statistics.median(times), 1),
                        "min_ms": round(min(times), 1),
                    }
                )
            )
    finally:
        col.close()


if __name__ == "__main__":
    main()
