-- Schema version 9 (issue 21, ten times the scale): the study queue's index
-- holds each card's id and fact. (Its number is its place in `MIGRATIONS`;
-- if another migration lands first, this file moves up one and keeps its
-- text.) Nothing but one index changes.
--
-- With bury rules on (the default), a session header counts a deck's due
-- reviews once per fact: `SELECT DISTINCT fact_id … LIMIT` the review limit,
-- i.e. up to 200 cards a deck at every step. Through `(deck_id, queue, due)`
-- each of them was a random read of its row in the cards table for its fact
-- (1,600 rows a step with eight decks; 50% of a session's time at a million
-- cards: BENCHMARKS.md, "Ten times the scale"). With the fact in the index
-- the count reads the index alone, as do the queue's `fact_id != ?` (a
-- sibling of the card just answered) checks; the id keeps the index in the
-- order the queue takes cards (`ORDER BY due, id`).
DROP INDEX cards_by_queue;
CREATE INDEX cards_by_queue ON cards (deck_id, queue, due, id, fact_id);
