-- Schema version 6 (issue 16, Anki round trips): what came from Anki, kept
-- so that a deck goes back to the same Anki collection as it came. (Its
-- number is its place in `MIGRATIONS`; if another migration lands first,
-- this file moves up one and keeps its text.) Nothing existing changes:
-- facts and cards imported before have no Anki record, and are exported
-- as before until they are imported again.

-- `anki_notetypes`: the note types of imported notes, by Anki's id, as
-- Anki's schema-11 JSON (name, `type`, `mod`, `flds` and `tmpls` with their
-- names, ordinals and formats, `css`, `sortf`, …): written back as they were.
CREATE TABLE anki_notetypes (
    id         INTEGER PRIMARY KEY,         -- Anki's note type id
    name       TEXT NOT NULL,
    definition TEXT NOT NULL                -- JSON (schema 11)
) STRICT;

-- `anki_notes`: for a fact imported from an Anki note, the note as Anki had
-- it: its guid, id, note type and modification time, every field's HTML,
-- the fact as it was imported (an edit made in iskra is told by comparing
-- with it) and which field holds which part of the fact.
CREATE TABLE anki_notes (
    fact_id     INTEGER PRIMARY KEY REFERENCES facts(id),
    guid        TEXT NOT NULL,
    note_id     INTEGER NOT NULL,
    notetype_id INTEGER NOT NULL,
    mtime       INTEGER NOT NULL,            -- seconds, Anki's `notes.mod`
    fields      TEXT NOT NULL,               -- JSON array of the fields' HTML
    imported    TEXT NOT NULL,               -- the fact's content when imported
    roles       TEXT NOT NULL                -- JSON {"question": 0, "answer": 1, "extra": 2, "text": 0}
) STRICT;
CREATE INDEX anki_notes_by_guid ON anki_notes (guid);

-- A card imported from Anki: Anki's card id and template ordinal (for a
-- cloze, its number − 1), so it goes back as the same card.
ALTER TABLE cards ADD COLUMN anki_id INTEGER;
ALTER TABLE cards ADD COLUMN anki_ord INTEGER;

-- The Anki options preset of an imported deck (JSON: limits, desired
-- retention, steps, FSRS parameters, bury options): its limits and
-- retention are the deck's own settings; the whole preset is kept.
ALTER TABLE decks ADD COLUMN anki_preset TEXT;

-- `media`: the media files of imported packages, by the name notes use;
-- the file itself is `media/SHA1` beside the collection (content-addressed,
-- so a name never reaches the file system).
CREATE TABLE media (
    name TEXT PRIMARY KEY,
    sha1 TEXT NOT NULL,
    size INTEGER NOT NULL
) STRICT;
