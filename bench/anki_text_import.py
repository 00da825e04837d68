#!/usr/bin/env python3
"""Times Anki's own import of an Anki text file (the `anki` Python package
pinned in tests/anki/requirements.txt; tests/anki_interop.rs installs it into
target/anki-venv): a new collection, then `import_csv` of FILE as Basic
notes into one deck, as File > Import does. Prints the notes added and the
seconds the import took (the collection's creation not counted).

Usage: target/anki-venv/bin/python bench/anki_text_import.py FILE WORK_DIR
"""

import os
import sys
import time

from anki.collection import Collection, ImportCsvRequest


def main() -> None:
    path, work = os.path.abspath(sys.argv[1]), sys.argv[2]
    os.makedirs(work, exist_ok=True)
    col_path = os.path.join(work, f"anki-{os.getpid()}.anki2")
    col = Collection(col_path)
    try:
        started = time.perf_counter()
        metadata = col.get_csv_metadata(path=path, delimiter=None)
        metadata.deck_id = col.decks.id("Japanese")
        metadata.global_notetype.id = col.models.by_name("Basic")["id"]
        del metadata.global_notetype.field_columns[:]
        metadata.global_notetype.field_columns.extend([1, 2])
        request = ImportCsvRequest(path=path, metadata=metadata)
        result = col.import_csv(request)
        elapsed = time.perf_counter() - started
        print(f"anki {len(result.log.new)} notes added in {elapsed:.3f} s")
    finally:
        col.close()
        for suffix in ["", "-wal", "-shm"]:
            try:
                os.remove(col_path + suffix)
            except FileNotFoundError:
                pass


if __name__ == "__main__":
    main()
