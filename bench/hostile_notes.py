#!/usr/bin/env python3
"""Inputs for the note-fact hardening measurements (issue 16, BENCHMARKS.md):
an Anki package of N notes of one custom note type whose two template sides
are ~63 KB of HTML each (nearly nothing as text), and the hostile deck files
of the review (a note with 50,000 fields; one with 20,000 templates; one whose
template repeats a 19,997-character field 1,000 times and its front 230 times).

    python3 bench/hostile_notes.py ISKRA OUT_DIR [NOTES]
"""
import json, os, sqlite3, subprocess, sys, tempfile, zipfile

iskra, out = sys.argv[1], sys.argv[2]
notes = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
os.makedirs(out, exist_ok=True)

with tempfile.TemporaryDirectory() as tmp:
    col = os.path.join(tmp, "c.sqlite3")
    with open(os.path.join(tmp, "v.txt"), "w") as f:
        f.write("#deck:Verbs\nhablar\tto speak\n")
    run = lambda *a: subprocess.run([iskra, "--collection", col, *a], cwd=tmp, check=True, capture_output=True)
    run("import", "v.txt")
    run("export", "deck", "verbs", "--format", "apkg", "--out", "p.apkg")
    with zipfile.ZipFile(os.path.join(tmp, "p.apkg")) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    db = os.path.join(tmp, "anki.db")
    with open(db, "wb") as f:
        f.write(entries["collection.anki21"])
    conn = sqlite3.connect(db)
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    pad = "<i></i>" * 9000
    for m in models.values():
        names = ["Word", "Meaning", "Extra"]
        m["flds"] = [dict(m["flds"][0], name=n, ord=i) for i, n in enumerate(names)]
        t = m["tmpls"][0]
        m["tmpls"] = [dict(t, name="Which", ord=0, qfmt="Which word: {{Meaning}}?" + pad, afmt="{{Word}}" + pad)]
        m["name"] = "Verb"
    conn.execute("UPDATE col SET models = ?", (json.dumps(models),))
    note = conn.execute("SELECT id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data FROM notes").fetchone()
    card = conn.execute("SELECT id, did, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data FROM cards").fetchone()
    conn.execute("DELETE FROM notes")
    conn.execute("DELETE FROM cards")
    for i in range(notes):
        nid = note[0] + i
        conn.execute("INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                     (nid, f"g{i}", note[2], note[3], note[4], note[5], f"w{i}\x1fm{i}\x1f", f"w{i}", note[8], note[9], note[10]))
        conn.execute("INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data) VALUES (?,?,?,0,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                     (card[0] + i, nid, card[1], *card[2:6], i, *card[7:]))
    conn.commit()
    conn.close()
    entries["collection.anki21"] = open(db, "rb").read()
    with zipfile.ZipFile(os.path.join(out, f"notes{notes}.apkg"), "w") as z:
        for n, b in entries.items():
            z.writestr(n, b)


def deck(name, lines):
    with open(os.path.join(out, name), "w") as f:
        f.write("\n".join(lines) + "\n")


deck("fields50000.deck", ["# Many", "", "## many", "note: Many"] + [f"field: F{i}: x" for i in range(50000)]
     + ["template: T", "front: {{F0}}", "back: {{F1}}"])
deck("templates20000.deck", ["# Tpl", "", "## tpl", "note: Tpl", "field: A: a"]
     + [l for i in range(20000) for l in (f"template: T{i}", "front: {{A}}", "back: {{A}}")])
deck("repeat.deck", ["# Big", "", "## big", "note: Big", "field: A: " + "x" * 19997, "field: B: b",
                     "template: One", "front: " + "{{A}}" * 1000, "back: " + "{{FrontSide}}" * 230])
