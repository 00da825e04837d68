-- Schema version 2: a rebuild skips deck files that did not change.
--
-- `decks.source_hash` fingerprints the file a deck was last built from (its
-- bytes, stored path and the iskra version; see deck::build) and
-- `decks.source_facts` counts its facts. A rebuild of a file with the same
-- fingerprint is neither parsed nor written. Any other change to a deck's
-- facts or settings forgets the fingerprint, so the next build syncs the file
-- in full.

ALTER TABLE decks ADD COLUMN source_hash TEXT;
ALTER TABLE decks ADD COLUMN source_facts INTEGER;   -- facts in that file (what a skipped rebuild reports)

CREATE TRIGGER facts_insert_forget_hash AFTER INSERT ON facts BEGIN
    UPDATE decks SET source_hash = NULL WHERE id = NEW.deck_id AND source_hash IS NOT NULL;
END;

CREATE TRIGGER facts_update_forget_hash AFTER UPDATE ON facts BEGIN
    UPDATE decks SET source_hash = NULL
    WHERE id IN (OLD.deck_id, NEW.deck_id) AND source_hash IS NOT NULL;
END;

CREATE TRIGGER facts_delete_forget_hash AFTER DELETE ON facts BEGIN
    UPDATE decks SET source_hash = NULL WHERE id = OLD.deck_id AND source_hash IS NOT NULL;
END;

CREATE TRIGGER decks_update_forget_hash
AFTER UPDATE OF key, name, description, source_path, retention, new_per_day, reviews_per_day ON decks
WHEN NEW.source_hash IS NOT NULL BEGIN
    UPDATE decks SET source_hash = NULL WHERE id = NEW.id;
END;

-- `decks.card_count`: how many cards the deck has (retired and suspended
-- ones too), kept by triggers, so `status` need not count a large deck's
-- cards one by one.
ALTER TABLE decks ADD COLUMN card_count INTEGER NOT NULL DEFAULT 0;
UPDATE decks SET card_count = (SELECT count(*) FROM cards WHERE deck_id = decks.id);

CREATE TRIGGER cards_insert_count AFTER INSERT ON cards BEGIN
    UPDATE decks SET card_count = card_count + 1 WHERE id = NEW.deck_id;
END;

CREATE TRIGGER cards_delete_count AFTER DELETE ON cards BEGIN
    UPDATE decks SET card_count = card_count - 1 WHERE id = OLD.deck_id;
END;

CREATE TRIGGER cards_move_count AFTER UPDATE OF deck_id ON cards
WHEN NEW.deck_id IS NOT OLD.deck_id BEGIN
    UPDATE decks SET card_count = card_count - 1 WHERE id = OLD.deck_id;
    UPDATE decks SET card_count = card_count + 1 WHERE id = NEW.deck_id;
END;
