-- Schema version 4 (issue 18, sync): studying on several machines through a
-- shared folder. (Its number is its place in `MIGRATIONS`; if another
-- migration lands first, this file moves up one and keeps its text.)

-- 1. Card ids every device agrees on (src/ids.rs): a card gets the id derived
-- from its deck's key, its fact's id and its template
-- (`iskra_card_id(deck, fact, template, attempt)`, registered on every
-- connection); a card imported from Anki gets Anki's card id back, which
-- its imported review-log uids (`anki-REVLOG-CARD`) still name. Every table
-- naming card ids follows: the review log, the undo steps, the last quiz's
-- misses. History is kept row by row.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE anki_card_ids AS
SELECT card_id AS old, max(CAST(substr(uid, instr(substr(uid, 6), '-') + 6) AS INTEGER)) AS anki
FROM review_log WHERE uid GLOB 'anki-[0-9]*-[0-9]*' GROUP BY card_id;

CREATE TEMP TABLE card_ids (
    old      INTEGER PRIMARY KEY,
    new      INTEGER NOT NULL,
    deck_key TEXT NOT NULL,
    fact_key TEXT NOT NULL,
    template TEXT NOT NULL
);

-- Indexed, so that the lookups below are not a scan per card (quadratic:
-- hours at 100,000 cards).
CREATE INDEX temp.anki_card_ids_by_anki ON anki_card_ids (anki, old);

INSERT INTO card_ids (old, new, deck_key, fact_key, template)
SELECT c.id,
       CASE WHEN a.anki BETWEEN 1 AND 4503599627370495
                 AND NOT EXISTS (SELECT 1 FROM anki_card_ids b WHERE b.anki = a.anki AND b.old < a.old)
            THEN a.anki
            ELSE iskra_card_id(d.key, f.key, c.template, 0) END,
       d.key, f.key, c.template
FROM cards c JOIN facts f ON f.id = c.fact_id JOIN decks d ON d.id = f.deck_id
LEFT JOIN anki_card_ids a ON a.old = c.id;

-- Two identities whose derived ids collide: the later one (in key order)
-- takes its next attempt, as a build that finds the id taken does.
CREATE INDEX temp.card_ids_by_new ON card_ids (new);
UPDATE card_ids SET new = iskra_card_id(deck_key, fact_key, template, 1)
WHERE EXISTS (SELECT 1 FROM card_ids o WHERE o.new = card_ids.new
              AND (o.deck_key, o.fact_key, o.template) < (card_ids.deck_key, card_ids.fact_key, card_ids.template));
UPDATE card_ids SET new = iskra_card_id(deck_key, fact_key, template, 2)
WHERE EXISTS (SELECT 1 FROM card_ids o WHERE o.new = card_ids.new
              AND (o.deck_key, o.fact_key, o.template) < (card_ids.deck_key, card_ids.fact_key, card_ids.template));
-- Fails the migration (nothing changed) in the unheard-of case of a third collision.
CREATE UNIQUE INDEX temp.card_ids_new ON card_ids (new);

-- Negative first, so no new id meets an old one on the way.
UPDATE cards SET id = -id;
UPDATE cards SET id = (SELECT new FROM card_ids WHERE old = -cards.id);
UPDATE review_log SET card_id = (SELECT new FROM card_ids WHERE old = review_log.card_id)
WHERE card_id IN (SELECT old FROM card_ids WHERE new != old);
UPDATE undo SET cards = (
    SELECT json_group_array(json_set(j.value, '$.id',
        coalesce((SELECT new FROM card_ids WHERE old = j.value ->> 'id'), j.value ->> 'id')))
    FROM json_each(undo.cards) j)
WHERE json_valid(cards);
UPDATE settings SET value = json_set(value, '$.questions', json((
    SELECT json_group_array(json_set(q.value, '$.card_id',
        coalesce((SELECT new FROM card_ids WHERE old = q.value ->> 'card_id'), q.value ->> 'card_id')))
    FROM json_each(settings.value, '$.questions') q)))
WHERE key = 'quiz-misses' AND json_valid(value) AND json_type(value, '$.questions') = 'array';

DROP TABLE temp.card_ids;
DROP TABLE temp.anki_card_ids;

-- 2. What sync keeps (src/store/sync/, src/sync/).

-- Devices: this collection's (`local`, written as in the folder) and every
-- other whose chunks were read.
CREATE TABLE sync_devices (
    id            INTEGER PRIMARY KEY,
    device        TEXT NOT NULL UNIQUE,          -- 32 lowercase hex digits: its folder's name
    local         INTEGER NOT NULL DEFAULT 0 CHECK (local IN (0, 1)),
    home          TEXT,                          -- local: the host and collection file it was made for
    history_upto  INTEGER,                       -- local: review_log rows up to this id predate sync …
    history_done  INTEGER,                       -- … and those up to this id are in its chunks
    last_chunk_ms INTEGER                        -- when its newest chunk read here was written (its clock)
) STRICT;
CREATE UNIQUE INDEX sync_devices_local ON sync_devices (local) WHERE local = 1;

-- Chunks read from the folder or written to it, by file name.
CREATE TABLE sync_chunks (
    device     INTEGER NOT NULL REFERENCES sync_devices(id),
    name       TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    checksum   TEXT NOT NULL,
    events     INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (device, name)
) STRICT;

-- The card identities events name, with the id every device gives the card
-- (the smallest any event announces), the card as it was here before its
-- first event (the start of a replay), and whether it is to be replayed.
CREATE TABLE sync_cards (
    id       INTEGER PRIMARY KEY,
    deck_key TEXT NOT NULL,
    fact_key TEXT NOT NULL,
    template TEXT NOT NULL,
    card_id  INTEGER,
    base     TEXT,
    dirty    INTEGER NOT NULL DEFAULT 0,
    orphan   INTEGER NOT NULL DEFAULT 0,       -- 1: no such card here (yet)
    UNIQUE (deck_key, fact_key, template)
) STRICT;
CREATE INDEX sync_cards_dirty ON sync_cards (id) WHERE dirty = 1;
CREATE INDEX sync_cards_orphan ON sync_cards (id) WHERE orphan = 1;

-- Every event that changes a card or a setting, made here or read from the
-- folder, by uid (an answer's is its review_log uid).
CREATE TABLE sync_events (
    id     INTEGER PRIMARY KEY,
    uid    TEXT NOT NULL UNIQUE,
    device INTEGER NOT NULL REFERENCES sync_devices(id),
    chunk  INTEGER,                              -- seq of the chunk carrying it; NULL: not yet written
    at_ms  INTEGER NOT NULL,
    card   INTEGER REFERENCES sync_cards(id),
    type   TEXT NOT NULL,
    target TEXT,                                 -- undo: the uid it takes back; setting: its key
    body   TEXT NOT NULL                         -- the rest of the event (JSON, as in the chunk)
) STRICT;
CREATE INDEX sync_events_by_card ON sync_events (card, at_ms, uid) WHERE card IS NOT NULL;
CREATE INDEX sync_events_by_target ON sync_events (target) WHERE target IS NOT NULL;
CREATE INDEX sync_events_unwritten ON sync_events (id) WHERE chunk IS NULL;

-- The scheduler settings answers were graded with, by hash: what a replay
-- grades a concurrent answer again with.
CREATE TABLE sync_configs (
    hash   TEXT PRIMARY KEY,
    config TEXT NOT NULL
) STRICT;

-- Deck files of the folder: those this collection wrote (decks without a
-- file of their own) and those it built, with what they were then.
CREATE TABLE sync_deck_files (
    path     TEXT PRIMARY KEY,                   -- relative to the folder's iskra-sync/
    deck_key TEXT NOT NULL,
    written  INTEGER NOT NULL CHECK (written IN (0, 1)),
    size     INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL
) STRICT;

-- A change to a deck or its facts makes its written deck file stale.
CREATE TRIGGER sync_deck_files_fact_insert AFTER INSERT ON facts BEGIN
    DELETE FROM sync_deck_files WHERE written = 1
        AND deck_key = (SELECT key FROM decks WHERE id = NEW.deck_id);
END;
CREATE TRIGGER sync_deck_files_fact_update AFTER UPDATE OF deck_id, key, content, removed ON facts BEGIN
    DELETE FROM sync_deck_files WHERE written = 1
        AND deck_key IN (SELECT key FROM decks WHERE id IN (OLD.deck_id, NEW.deck_id));
END;
CREATE TRIGGER sync_deck_files_fact_delete AFTER DELETE ON facts BEGIN
    DELETE FROM sync_deck_files WHERE written = 1
        AND deck_key = (SELECT key FROM decks WHERE id = OLD.deck_id);
END;
CREATE TRIGGER sync_deck_files_deck_update
AFTER UPDATE OF key, name, description, source_path, retention, new_per_day, reviews_per_day ON decks BEGIN
    DELETE FROM sync_deck_files WHERE written = 1 AND deck_key IN (OLD.key, NEW.key);
END;
