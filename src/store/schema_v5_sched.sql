-- Schema version 5: day-long learning steps (Anki's interday learning) and
-- the cards due per day for the load balancer.
--
-- A learning or relearning step that reaches the next study day is due on a
-- study day, not at an instant, as in Anki: such a card is in `cards.queue`
-- 3 (Anki's "day learning" queue) with `cards.due` the study day; the review
-- log's `due_before`/`due_after` of a learning state hold the day too. A
-- learning card's due below 1,000,000,000 is a day, above it an instant in
-- UTC ms (Anki's own rule; it also tells a suspended or buried card's queue).
-- Before this version no card was in queue 3, so no card row changes; an
-- older iskra, which neither shows such cards nor lets `check` pass them,
-- refuses the collection instead of misreading it.
--
-- `cards_due_per_day`: how many cards are due on each study day, as the load
-- balancer counts them when a session starts (Anki counts them when it
-- builds its queue): review cards and cards in day-long steps, whatever
-- their queue (suspended and buried ones too, as Anki counts them). A
-- session reads the rows of the next 99 days instead of scanning every card
-- due in them (29,000 at 100,000 cards); the triggers below keep it, so
-- every write of a card's state, queue or due keeps it right. Rows may hold
-- 0; readers skip them.
CREATE TABLE cards_due_per_day (
    day INTEGER PRIMARY KEY,
    cards INTEGER NOT NULL
);

INSERT INTO cards_due_per_day (day, cards)
SELECT due, count(*) FROM cards
WHERE queue IN (2, 3) OR (queue IN (-1, -2) AND (state = 2 OR (state IN (1, 3) AND due < 1000000000)))
GROUP BY due;

CREATE TRIGGER cards_due_day_insert AFTER INSERT ON cards
WHEN NEW.queue IN (2, 3) OR (NEW.queue IN (-1, -2) AND (NEW.state = 2 OR (NEW.state IN (1, 3) AND NEW.due < 1000000000)))
BEGIN
    INSERT INTO cards_due_per_day (day, cards) VALUES (NEW.due, 1)
    ON CONFLICT (day) DO UPDATE SET cards = cards + 1;
END;

CREATE TRIGGER cards_due_day_delete AFTER DELETE ON cards
WHEN OLD.queue IN (2, 3) OR (OLD.queue IN (-1, -2) AND (OLD.state = 2 OR (OLD.state IN (1, 3) AND OLD.due < 1000000000)))
BEGIN
    UPDATE cards_due_per_day SET cards = cards - 1 WHERE day = OLD.due;
END;

CREATE TRIGGER cards_due_day_leave AFTER UPDATE OF state, queue, due ON cards
WHEN OLD.queue IN (2, 3) OR (OLD.queue IN (-1, -2) AND (OLD.state = 2 OR (OLD.state IN (1, 3) AND OLD.due < 1000000000)))
BEGIN
    UPDATE cards_due_per_day SET cards = cards - 1 WHERE day = OLD.due;
END;

CREATE TRIGGER cards_due_day_enter AFTER UPDATE OF state, queue, due ON cards
WHEN NEW.queue IN (2, 3) OR (NEW.queue IN (-1, -2) AND (NEW.state = 2 OR (NEW.state IN (1, 3) AND NEW.due < 1000000000)))
BEGIN
    INSERT INTO cards_due_per_day (day, cards) VALUES (NEW.due, 1)
    ON CONFLICT (day) DO UPDATE SET cards = cards + 1;
END;
