-- Schema version 3: managing the collection (search, card commands, undo,
-- leeches, card info).

-- `cards.flag`: Anki's flags (0 none, 1 red, 2 orange, 3 green, 4 blue,
-- 5 pink, 6 turquoise, 7 purple), set by `iskra flag`.
ALTER TABLE cards ADD COLUMN flag INTEGER NOT NULL DEFAULT 0 CHECK (flag BETWEEN 0 AND 7);

-- `cards.leech`: 1 once the card's lapses reached the `leech-lapses`
-- setting (Anki tags such a note `leech`). Cards that lapsed that often
-- before leeches were marked (at the default of 8) are marked now.
ALTER TABLE cards ADD COLUMN leech INTEGER NOT NULL DEFAULT 0 CHECK (leech IN (0, 1));
UPDATE cards SET leech = 1 WHERE lapses >= 8;

-- `cards.added_ms`: when the card entered the collection (UTC ms), set by
-- the one card insert from the command's clock. Cards added before it was
-- kept get the time of their first logged answer; never answered, NULL.
ALTER TABLE cards ADD COLUMN added_ms INTEGER;
UPDATE cards SET added_ms = (SELECT min(reviewed_at_ms) FROM review_log WHERE card_id = cards.id);
CREATE INDEX cards_by_added ON cards (added_ms) WHERE added_ms IS NOT NULL;

-- What search matches words and tags in, folded as `text::fold` folds
-- (`iskra_fold`, registered on every connection of the store), so a search
-- reads plain columns instead of folding every card's text again:
-- `cards.search_text` is the folded front, a line break, the folded back;
-- `facts.tags_folded` each folded tag between line breaks ("\nrevolt\nnavy\n",
-- '' without tags). Both are written with the text they come from
-- (store/cards.rs, store/facts.rs).
ALTER TABLE cards ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE cards SET search_text = iskra_fold(front) || char(10) || iskra_fold(back);
ALTER TABLE facts ADD COLUMN tags_folded TEXT NOT NULL DEFAULT '';
-- Folding tags changes nothing a deck file says: the trigger that makes the
-- next build sync the deck again fires on the columns that do.
DROP TRIGGER facts_update_forget_hash;
CREATE TRIGGER facts_update_forget_hash AFTER UPDATE OF deck_id, key, content, removed ON facts BEGIN
    UPDATE decks SET source_hash = NULL
    WHERE id IN (OLD.deck_id, NEW.deck_id) AND source_hash IS NOT NULL;
END;
UPDATE facts SET tags_folded = coalesce(
    (SELECT char(10) || group_concat(iskra_fold(value), char(10)) || char(10) FROM json_each(content, '$.tags')), '');

-- The review log takes entries without a rating: rating 0, kind 4 (manual),
-- as Anki's revlog logs "set due date" and "reset" (ease 0). Every row, id
-- and index is kept.
CREATE TABLE review_log_v3 (
    id                INTEGER PRIMARY KEY,
    uid               TEXT NOT NULL UNIQUE,    -- globally unique, for merging devices
    card_id           INTEGER NOT NULL REFERENCES cards(id),
    reviewed_at_ms    INTEGER NOT NULL,        -- UTC
    rating            INTEGER NOT NULL         -- 1-4; 0: a manual entry (no answer)
                      CHECK (rating BETWEEN 1 AND 4 OR (rating = 0 AND kind = 4)),
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

INSERT INTO review_log_v3 (id, uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
    state_before, due_before, stability_before, difficulty_before, interval_before,
    state_after, due_after, stability_after, difficulty_after, interval_after)
SELECT id, uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
    state_before, due_before, stability_before, difficulty_before, interval_before,
    state_after, due_after, stability_after, difficulty_after, interval_after
FROM review_log ORDER BY id;

DROP TABLE review_log;
ALTER TABLE review_log_v3 RENAME TO review_log;
CREATE INDEX review_log_by_card ON review_log (card_id, reviewed_at_ms);
CREATE INDEX review_log_by_time ON review_log (reviewed_at_ms);

-- `undo`: the changes `iskra undo` can take back (the card commands: suspend,
-- unsuspend, bury, unbury, forget, reschedule, flag), newest last. Each
-- holds every card it changed as it was before and after (JSON), and the
-- review-log rows it added; it is undone only while its cards are as it
-- left them.
CREATE TABLE undo (
    id         INTEGER PRIMARY KEY,
    action     TEXT NOT NULL,                  -- the command, as shown ("suspend", "flag 3")
    made_at_ms INTEGER NOT NULL,
    cards      TEXT NOT NULL,                  -- JSON [{"id", "before", "after"}]
    log_ids    TEXT NOT NULL DEFAULT '[]'      -- JSON [review_log.id]
) STRICT;
