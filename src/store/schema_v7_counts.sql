-- Schema version 7 (issue 21, ten times the scale): what `status`, the
-- first card and `stats` read without going through every card or every
-- log row. (Its number is its place in `MIGRATIONS`; if another migration
-- lands first, this file moves up one and keeps its text.) Nothing existing
-- changes: two columns and their triggers, one index widened.

-- `decks.new_count`: how many of the deck's cards are in the new queue
-- (queue 0, retired ones too): the "N more new cards wait" of `status` and
-- of a session's summary, which counted 306,496 index entries at a million
-- cards. Kept by the triggers below, as `decks.card_count` is; bulk
-- transactions that set the insert trigger aside recount it
-- (`store/bulk.rs`).
ALTER TABLE decks ADD COLUMN new_count INTEGER NOT NULL DEFAULT 0;
UPDATE decks SET new_count = (SELECT count(*) FROM cards WHERE deck_id = decks.id AND queue = 0);

CREATE TRIGGER cards_new_insert AFTER INSERT ON cards
WHEN NEW.queue = 0 BEGIN
    UPDATE decks SET new_count = new_count + 1 WHERE id = NEW.deck_id;
END;

CREATE TRIGGER cards_new_delete AFTER DELETE ON cards
WHEN OLD.queue = 0 BEGIN
    UPDATE decks SET new_count = new_count - 1 WHERE id = OLD.deck_id;
END;

CREATE TRIGGER cards_new_leave AFTER UPDATE OF queue, deck_id ON cards
WHEN OLD.queue = 0 AND (NEW.queue != 0 OR NEW.deck_id != OLD.deck_id) BEGIN
    UPDATE decks SET new_count = new_count - 1 WHERE id = OLD.deck_id;
END;

CREATE TRIGGER cards_new_enter AFTER UPDATE OF queue, deck_id ON cards
WHEN NEW.queue = 0 AND (OLD.queue != 0 OR NEW.deck_id != OLD.deck_id) BEGIN
    UPDATE decks SET new_count = new_count + 1 WHERE id = NEW.deck_id;
END;

-- `review_log.deck_id`: the deck of the answer's card, so that today's
-- answers per deck (the daily limits, `status` and the first card) are
-- read from the time index alone instead of looking up each answer's card
-- (one random page of the cards table per answer: 3,674 pages of 293 MB
-- at a million cards). NULL means "look at the card": rows logged before
-- this version (but the last two days' answers, filled here), rows
-- imported or synced (their inserts stay as cheap as they were), rows whose
-- card moved to another deck or whose card changed (the triggers below).
-- A value, when there is one, is always the card's deck.
ALTER TABLE review_log ADD COLUMN deck_id INTEGER;
UPDATE review_log SET deck_id = (SELECT deck_id FROM cards WHERE id = review_log.card_id)
WHERE reviewed_at_ms >= (SELECT max(reviewed_at_ms) FROM review_log) - 2 * 86400000;

CREATE TRIGGER cards_move_forget_log_deck AFTER UPDATE OF deck_id ON cards
WHEN NEW.deck_id IS NOT OLD.deck_id BEGIN
    UPDATE review_log SET deck_id = NULL WHERE card_id = NEW.id AND deck_id IS NOT NULL;
END;

CREATE TRIGGER review_log_card_forget_deck AFTER UPDATE OF card_id ON review_log
WHEN NEW.card_id IS NOT OLD.card_id AND NEW.deck_id IS NOT NULL BEGIN
    UPDATE review_log SET deck_id = NULL WHERE id = NEW.id;
END;

-- `review_log_by_time` holds every column statistics and today's counts
-- read, after the time and the id they are read in order of: a year of
-- answers is read from the index alone, not row by row from the table
-- (4.5 million table lookups at ten million rows).
DROP INDEX review_log_by_time;
CREATE INDEX review_log_by_time ON review_log (reviewed_at_ms, id, card_id, rating, kind, state_before,
    interval_before, due_before, duration_ms, deck_id);
