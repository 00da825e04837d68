#!/usr/bin/env python3
"""Imports an .apkg into a fresh Anki collection (the real `anki` library)
and prints what Anki made of it, as JSON, for tests/anki_interop.rs.

Usage: import_apkg.py PACKAGE.apkg WORKDIR
"""

import json
import os
import sys

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from roundtrip import notes_of  # noqa: E402  (the one listing of notes and cards)


def main() -> None:
    package, workdir = sys.argv[1], sys.argv[2]
    col = Collection(os.path.join(workdir, "fresh.anki2"))
    try:
        request = ImportAnkiPackageRequest(
            package_path=package,
            options=ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True),
        )
        log = col.import_anki_package(request)
        notes = notes_of(col)
        revlog = [
            {"id": r[0], "cid": r[1], "ease": r[2], "ivl": r[3], "lastIvl": r[4], "time": r[5], "type": r[6]}
            for r in col.db.all("SELECT id, cid, ease, ivl, lastIvl, time, type FROM revlog ORDER BY id")
        ]
        out = {
            "anki_version": __import__("anki.buildinfo").buildinfo.version,
            "today": col.sched.today,
            "new_notes": len(log.log.new),
            "notes": notes,
            "revlog": revlog,
            "checksums_ok": col.db.scalar(
                "SELECT count(*) FROM notes WHERE csum != 0"
            ) == len(notes),
        }
        print(json.dumps(out, indent=1, ensure_ascii=False))
    finally:
        col.close()


if __name__ == "__main__":
    main()
