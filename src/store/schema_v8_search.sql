-- Schema version 8 (issue 21, ten times the scale): what `iskra search`
-- reads without going through every card's row. (Its number is its place
-- in `MIGRATIONS`; if another migration lands first, this file moves up one
-- and keeps its text.) Nothing existing changes: one full-text index, its
-- triggers, one index.

-- `card_trigrams`: every three consecutive characters of each card's
-- `search_text` (SQLite's FTS5 with its trigram tokenizer), so that a search
-- for words finds the few cards holding all of their trigrams instead of
-- reading every card's text (293 MB at a million cards). It only narrows:
-- the search then checks those cards' `search_text` with the same `LIKE` as
-- before, so what is found does not change (store/search/sql.rs). It keeps
-- no copy of the text (`content=''`) and no positions (`detail=none`);
-- rows are deleted by id (`contentless_delete`). The rowid is the card's id.
CREATE VIRTUAL TABLE card_trigrams USING fts5(
    search_text, tokenize = 'trigram', content = '', detail = none, contentless_delete = 1
);

-- It writes what it holds in memory to the file every 16 MiB (rather than
-- every 1 MiB): fewer, larger segments to merge when many cards are indexed
-- in one statement (this fill; the commit of a build or import).
INSERT INTO card_trigrams (card_trigrams, rank) VALUES ('hashsize', 16777216);

INSERT INTO card_trigrams (rowid, search_text) SELECT id, search_text FROM cards ORDER BY id;

-- Kept by triggers, so every write of a card's text or id keeps it: the
-- writes of build, edit, import, sync and undo, and the deletes of decks.
-- Bulk transactions set the insert and update triggers aside and index
-- the cards they wrote at their commit (store/bulk.rs).
CREATE TRIGGER card_trigrams_insert AFTER INSERT ON cards BEGIN
    INSERT INTO card_trigrams (rowid, search_text) VALUES (NEW.id, NEW.search_text);
END;

CREATE TRIGGER card_trigrams_delete AFTER DELETE ON cards BEGIN
    DELETE FROM card_trigrams WHERE rowid = OLD.id;
END;

CREATE TRIGGER card_trigrams_update AFTER UPDATE OF id, search_text ON cards
WHEN NEW.id != OLD.id OR NEW.search_text != OLD.search_text BEGIN
    DELETE FROM card_trigrams WHERE rowid = OLD.id;
    INSERT INTO card_trigrams (rowid, search_text) VALUES (NEW.id, NEW.search_text);
END;

-- `cards_schedule`: every column of a card that `is:`, `prop:`, `flag:`,
-- `added:` and `deck:` test, and the card's fact for `tag:`, in id order: a
-- search of those reads this index (~75 bytes a card) instead of the whole
-- rows with their text (~300 bytes). Led by the id, so that an answer's
-- change of schedule rewrites the card's entry in place.
CREATE INDEX cards_schedule ON cards (id, deck_id, fact_id, retired, state, queue, due, interval, stability,
    difficulty, last_review_day, reps, lapses, flag, leech, added_ms);
