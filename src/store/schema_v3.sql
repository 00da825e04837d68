-- Schema version 3: managing the collection (issue 13).
--
-- `cards.flag`: Anki's seven flag colours (0 = none), set by `iskra flag`.
-- `cards.added_ms`: when the card entered the collection (UTC ms), what
-- `added:N` searches; cards from before this version get the time of their
-- first review, or none. New rows get the wall-clock time from the trigger
-- unless the inserting code sets it.
-- `undo`: the last card command's before-image, for `iskra undo`.

ALTER TABLE cards ADD COLUMN flag INTEGER NOT NULL DEFAULT 0 CHECK (flag BETWEEN 0 AND 7);
ALTER TABLE cards ADD COLUMN added_ms INTEGER;

UPDATE cards SET added_ms = (SELECT min(reviewed_at_ms) FROM review_log WHERE card_id = cards.id);

CREATE TRIGGER cards_insert_added AFTER INSERT ON cards WHEN NEW.added_ms IS NULL BEGIN
    UPDATE cards SET added_ms = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = NEW.id;
END;

CREATE TABLE undo (
    id         INTEGER PRIMARY KEY,
    label      TEXT NOT NULL,             -- what was done ("suspend 3 cards")
    made_at_ms INTEGER NOT NULL,
    cards      TEXT NOT NULL,             -- JSON: the changed cards' columns before
    log_ids    TEXT NOT NULL DEFAULT '[]' -- JSON: review_log rows the change added
) STRICT;
