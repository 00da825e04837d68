-- Schema version 1 of the iskra collection.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE decks (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,      -- file stem: the deck's identity
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    source_path     TEXT,                      -- file it was last built from
    retention       REAL,                      -- desired retention, NULL = global
    new_per_day     INTEGER,                   -- NULL = global default
    reviews_per_day INTEGER
) STRICT;

CREATE TABLE facts (
    id      INTEGER PRIMARY KEY,
    deck_id INTEGER NOT NULL REFERENCES decks(id),
    key     TEXT NOT NULL,                     -- the id written in the deck file
    content TEXT NOT NULL,                     -- the parsed fact, as JSON
    removed INTEGER NOT NULL DEFAULT 0,        -- 1 when gone from its file
    UNIQUE (deck_id, key)
) STRICT;

CREATE TABLE cards (
    id              INTEGER PRIMARY KEY,
    fact_id         INTEGER NOT NULL REFERENCES facts(id),
    deck_id         INTEGER NOT NULL REFERENCES decks(id),
    template        TEXT NOT NULL,             -- basic | reverse | cloze:N
    front           TEXT NOT NULL,
    back            TEXT NOT NULL,
    answer          TEXT NOT NULL,
    state           INTEGER NOT NULL DEFAULT 0, -- 0 new 1 learning 2 review 3 relearning
    queue           INTEGER NOT NULL DEFAULT 0, -- 0 new 1 learning 2 review -1 suspended -2 buried
    due             INTEGER NOT NULL,          -- new: position; learning: UTC ms; review: study day
    remaining_steps INTEGER NOT NULL DEFAULT 0,
    stability       REAL,
    difficulty      REAL,
    interval        INTEGER NOT NULL DEFAULT 0, -- days
    last_review_day INTEGER,
    reps            INTEGER NOT NULL DEFAULT 0,
    lapses          INTEGER NOT NULL DEFAULT 0,
    buried_day      INTEGER,                   -- study day it was buried on
    retired         INTEGER NOT NULL DEFAULT 0, -- 1 when its fact or template left the file
    UNIQUE (fact_id, template)
) STRICT;

CREATE INDEX cards_by_queue ON cards (deck_id, queue, due);
CREATE INDEX cards_buried ON cards (buried_day) WHERE queue = -2;

CREATE TABLE review_log (
    id                INTEGER PRIMARY KEY,
    uid               TEXT NOT NULL UNIQUE,    -- globally unique, for merging devices
    card_id           INTEGER NOT NULL REFERENCES cards(id),
    reviewed_at_ms    INTEGER NOT NULL,        -- UTC
    rating            INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    duration_ms       INTEGER NOT NULL,
    kind              INTEGER NOT NULL,        -- 0 learning 1 review 2 relearning 4 manual
    elapsed_days      INTEGER NOT NULL,
    state_before      INTEGER NOT NULL,
    due_before        INTEGER NOT NULL,
    stability_before  REAL,
    difficulty_before REAL,
    interval_before   INTEGER NOT NULL,
    state_after       INTEGER NOT NULL,
    due_after         INTEGER NOT NULL,
    stability_after   REAL,
    difficulty_after  REAL,
    interval_after    INTEGER NOT NULL
) STRICT;

CREATE INDEX review_log_by_card ON review_log (card_id, reviewed_at_ms);
CREATE INDEX review_log_by_time ON review_log (reviewed_at_ms);
