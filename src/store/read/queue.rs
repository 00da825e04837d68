//! The study queue's reads: the next card of each queue of a deck, the
//! counts a session header and `status` show, how much of the daily limits
//! is used, and the cards due on each of the next days (for the load
//! balancer). Queue queries run per deck on the `(deck_id, queue, due, id,
//! fact_id)` index (schema 9: counts once per fact and sibling checks read
//! it alone) and fetch one card at a time, so a session never loads a deck
//! into memory; cards come through the `cards` table's one row mapper.
//!
//! As Anki's queue (v3): learning cards due at an instant (queue 1) are
//! today's only while due before the next study day starts; cards in
//! day-long steps (queue 3) are due on their day, count against the review
//! limit (before reviews) and in the learning count.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use crate::clock::DayNumber;
use crate::error::Result;
use crate::store::cards::{DAY_DUE_LIMIT, card_from_row, queue, select_cards};
use crate::store::{BuryRules, CardRow, Store, Tx};

/// How much of a deck's daily limits has been used today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StudiedToday {
    pub new: u32,
    pub reviews: u32,
}

/// The moment and limits queue counts are taken for.
#[derive(Debug, Clone, Copy)]
pub struct QueueQuery {
    pub now_ms: i64,
    /// Learning cards due by this instant count (now plus the learn-ahead
    /// window).
    pub learn_ahead_until_ms: i64,
    pub end_of_day_ms: i64,
    pub today: DayNumber,
    pub new_left: u32,
    pub reviews_left: u32,
    /// The deck's bury rules: as in Anki, a card whose sibling a session
    /// gives first (it would be buried by that answer) is not counted.
    pub bury: BuryRules,
}

impl QueueQuery {
    /// The last instant a learning card due at `until_ms` is today's.
    fn today_until(&self, until_ms: i64) -> i64 {
        until_ms.min(self.end_of_day_ms - 1)
    }

    /// The day by which a card of its fact, due for review or in a
    /// day-long step, holds a new card back (the session shows that card
    /// first, and its answer buries the new one): today, where the deck
    /// buries new siblings. (Where today's review limit is spent, no new
    /// card is shown at all: `DailyLimits`.)
    pub fn sibling_due_by(&self) -> Option<DayNumber> {
        self.bury.new.then_some(self.today)
    }
}

/// A deck's cards waiting today, within its limits (Anki's v3 counts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WaitingCounts {
    /// New cards available (within the new-card limit).
    pub new: u32,
    /// Learning cards due within the learn-ahead window, before the day ends.
    pub intraday: u32,
    /// Cards in day-long steps due by today (within the review limit, first).
    pub day_learning: u32,
    /// Reviews due by today (within what the review limit leaves).
    pub review: u32,
}

impl WaitingCounts {
    /// The learning count of a session header: learning cards due within
    /// the learn-ahead window and cards in day-long steps due today.
    pub fn learning(&self) -> u32 {
        self.intraday + self.day_learning
    }
}

/// A deck's counts, as `status` shows them.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct DeckCounts {
    /// New cards available today (within the deck's limit).
    pub new: u32,
    /// Learning cards due before the study day ends (day-long steps due
    /// today included).
    pub learning: u32,
    /// Review cards due now (within the deck's limit).
    pub due_now: u32,
    /// Learning cards due now (day-long steps due today included).
    pub learning_now: u32,
    /// Cards in day-long steps due today (within the deck's review limit;
    /// part of `learning` and `learning_now`).
    pub day_learning: u32,
    pub total: u32,
    pub suspended: u32,
    /// Earliest due of a learning card (UTC ms) and of a review card or a
    /// day-long step (day).
    pub next_learning_ms: Option<i64>,
    pub next_review_day: Option<DayNumber>,
}

/// The condition a new card of fact `$alias.fact_id` meets when no card of
/// its fact is due by day `?3` for review or in a day-long step (answering
/// that card buries the new one): one rule for what the header counts and
/// what the session shows.
macro_rules! no_sibling_due {
    ($alias:literal) => {
        concat!(
            "NOT EXISTS (SELECT 1 FROM cards s WHERE s.fact_id = ",
            $alias,
            ".fact_id AND s.queue IN (2, 3) AND s.due <= ?3)"
        )
    };
}

/// New cards counted once per fact, leaving out facts with a card due today
/// in day-long steps or for review (?1 deck, ?2 limit, ?3 today). The
/// distinct facts come first and the sibling test runs once per fact, not
/// once per new card: a fact with N new cards costs N, not N² (each test
/// walks the fact's cards).
const NEW_ONCE_PER_FACT: &str = concat!(
    "SELECT count(*) FROM (
    SELECT f.fact_id FROM (SELECT DISTINCT fact_id FROM cards WHERE deck_id = ?1 AND queue = 0) f
    WHERE ",
    no_sibling_due!("f"),
    " LIMIT ?2)"
);

impl Store {
    /// The learning card of a deck due first, if due by `until_ms`, not of
    /// the fact `not_fact` (the card just answered: siblings never follow
    /// each other; pass 0 for none). The caller keeps `until_ms` before the
    /// next study day.
    pub fn next_learning(&self, deck_id: i64, until_ms: i64, not_fact: i64) -> Result<Option<CardRow>> {
        self.one_card(
            "c.deck_id = ?1 AND c.queue = 1 AND c.due <= ?2 AND c.fact_id != ?3 ORDER BY c.due, c.id",
            params![deck_id, until_ms, not_fact],
        )
    }

    /// The card in a day-long step of a deck due first, if due by `today`,
    /// not of `not_fact`.
    pub fn next_day_learning(&self, deck_id: i64, today: DayNumber, not_fact: i64) -> Result<Option<CardRow>> {
        self.one_card(
            "c.deck_id = ?1 AND c.queue = 3 AND c.due <= ?2 AND c.fact_id != ?3 ORDER BY c.due, c.id",
            params![deck_id, today, not_fact],
        )
    }

    /// The review card of a deck due first, if due by `today`, not of `not_fact`.
    pub fn next_review(&self, deck_id: i64, today: DayNumber, not_fact: i64) -> Result<Option<CardRow>> {
        self.one_card(
            "c.deck_id = ?1 AND c.queue = 2 AND c.due <= ?2 AND c.fact_id != ?3 ORDER BY c.due, c.id",
            params![deck_id, today, not_fact],
        )
    }

    /// The next new card of a deck, in its introduction order, not of
    /// `not_fact`; with `sibling_due_by` ([`QueueQuery::sibling_due_by`]),
    /// none of a fact with a card due by that day for review or in a
    /// day-long step: that card comes first and its answer buries the new
    /// one, as the header counts them ([`NEW_ONCE_PER_FACT`]). Without it
    /// (NULL) no card is due by it.
    pub fn next_new(&self, deck_id: i64, not_fact: i64, sibling_due_by: Option<DayNumber>) -> Result<Option<CardRow>> {
        self.one_card(
            concat!(
                "c.deck_id = ?1 AND c.queue = 0 AND c.fact_id != ?2 AND ",
                no_sibling_due!("c"),
                " ORDER BY c.due, c.id"
            ),
            params![deck_id, not_fact, sibling_due_by],
        )
    }

    fn one_card(&self, condition: &str, params: impl rusqlite::Params) -> Result<Option<CardRow>> {
        Ok(self
            .conn()
            .prepare_cached(&select_cards(&format!("{condition} LIMIT 1")))?
            .query_row(params, card_from_row)
            .optional()?)
    }

    /// New cards and reviews answered since `day_start_ms`, per deck (decks
    /// with none are left out; manual entries, which answer nothing, too).
    /// A card answered in a day-long step counts as a review, as in Anki.
    /// One range scan of today's log rows, from the time index alone (it
    /// holds the columns read): each row's deck is the one it names, or
    /// its card's where it names none (schema 7, `review_log.deck_id`), so
    /// the cards table, one random page per answer, is read only for rows
    /// imported, synced or logged before that version.
    pub fn studied_today_by_deck(&self, day_start_ms: i64) -> Result<HashMap<i64, StudiedToday>> {
        let sql = "SELECT coalesce(l.deck_id, (SELECT c.deck_id FROM cards c WHERE c.id = l.card_id)) AS deck,
               coalesce(sum(l.state_before = 0), 0),
               coalesce(sum(l.state_before = 2 OR (l.state_before IN (1, 3) AND l.due_before < ?2)), 0)
             FROM review_log l
             WHERE l.reviewed_at_ms >= ?1 AND l.rating > 0
             GROUP BY deck HAVING deck IS NOT NULL";
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt.query_map([day_start_ms, DAY_DUE_LIMIT], |r| {
            Ok((
                r.get(0)?,
                StudiedToday {
                    new: r.get(1)?,
                    reviews: r.get(2)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn count(&self, sql: &str, p: &[&dyn rusqlite::ToSql]) -> Result<u32> {
        Ok(self.conn().prepare_cached(sql)?.query_row(p, |r| r.get(0))?)
    }

    /// Learning cards of a deck due at an instant by `until_ms`.
    pub fn learning_due_by(&self, deck_id: i64, until_ms: i64) -> Result<u32> {
        self.count(
            "SELECT count(*) FROM cards WHERE deck_id = ?1 AND queue = 1 AND due <= ?2",
            &[&deck_id, &until_ms],
        )
    }

    /// Every new card of a deck (queue 0), siblings too, however many the
    /// limits hold back: `decks.new_count`, which triggers keep (schema 7).
    /// Counting the cards was what `status` and a session's summary spent
    /// their time on at a million cards (BENCHMARKS.md, "Ten times the
    /// scale").
    pub fn unseen(&self, deck_id: i64) -> Result<u32> {
        self.count("SELECT new_count FROM decks WHERE id = ?1", &[&deck_id])
    }

    /// The counts a session header needs (see [`WaitingCounts`]). Each is an
    /// index range scan bounded by the deck's limits. As Anki counts, with
    /// a bury rule on, the cards of that kind count once per fact, and new
    /// cards not at all for a fact with a card due today in day-long steps or
    /// for review (the answer to that card buries them).
    pub fn queue_counts(&self, deck_id: i64, q: &QueueQuery) -> Result<WaitingCounts> {
        let intraday = self.learning_due_by(deck_id, q.today_until(q.learn_ahead_until_ms))?;
        let limited = |queue: i64, limit: u32, once_per_fact: bool| {
            let sql = if once_per_fact {
                "SELECT count(*) FROM (SELECT DISTINCT fact_id FROM cards WHERE deck_id = ?1 AND queue = ?2
                 AND due <= ?3 LIMIT ?4)"
            } else {
                "SELECT count(*) FROM (SELECT 1 FROM cards WHERE deck_id = ?1 AND queue = ?2 AND due <= ?3 LIMIT ?4)"
            };
            self.count(sql, &[&deck_id, &queue, &q.today, &limit])
        };
        let day_learning = limited(queue::DAY_LEARNING, q.reviews_left, q.bury.interday)?;
        let review = limited(queue::REVIEW, q.reviews_left - day_learning, q.bury.review)?;
        // New cards get what the due cards leave of the review limit.
        let new_left = q.new_left.min(q.reviews_left - day_learning - review);
        let new = if q.bury.new {
            self.count(NEW_ONCE_PER_FACT, &[&deck_id, &new_left, &q.sibling_due_by()])?
        } else {
            self.count(
                "SELECT count(*) FROM (SELECT 1 FROM cards WHERE deck_id = ?1 AND queue = 0 LIMIT ?2)",
                &[&deck_id, &new_left],
            )?
        };
        Ok(WaitingCounts {
            new,
            intraday,
            day_learning,
            review,
        })
    }

    /// Everything `status` shows for one deck.
    pub fn deck_counts(&self, deck_id: i64, q: &QueueQuery) -> Result<DeckCounts> {
        let waiting = self.queue_counts(deck_id, q)?;
        let learning_today = self.learning_due_by(deck_id, q.today_until(i64::MAX))?;
        let learning_now = self.learning_due_by(deck_id, q.today_until(q.now_ms))?;
        let total = self.count("SELECT card_count FROM decks WHERE id = ?1", &[&deck_id])?;
        let suspended = self.count(
            "SELECT count(*) FROM cards WHERE deck_id = ?1 AND queue = -1",
            &[&deck_id],
        )?;
        let next_review_day = self.next_review_day(deck_id, q.today)?;
        Ok(DeckCounts {
            new: waiting.new,
            learning: learning_today + waiting.day_learning,
            due_now: waiting.review,
            learning_now: learning_now + waiting.day_learning,
            day_learning: waiting.day_learning,
            total,
            suspended,
            next_learning_ms: self.min_due(deck_id, queue::LEARNING)?,
            next_review_day,
        })
    }

    /// The earliest due value in one queue of a deck.
    pub fn min_due(&self, deck_id: i64, queue: i64) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT min(due) FROM cards WHERE deck_id = ?1 AND queue = ?2")?
            .query_row(params![deck_id, queue], |r| r.get(0))?)
    }

    /// The first day a deck's review or card in a day-long step is due: a
    /// buried review counts from the next study day, when it comes back.
    pub fn next_review_day(&self, deck_id: i64, today: DayNumber) -> Result<Option<DayNumber>> {
        let buried: Option<DayNumber> = self
            .conn()
            .prepare_cached("SELECT min(due) FROM cards WHERE deck_id = ?1 AND queue = -2 AND state = 2")?
            .query_row(params![deck_id], |r| r.get(0))?;
        let days = [
            self.min_due(deck_id, queue::REVIEW)?,
            self.min_due(deck_id, queue::DAY_LEARNING)?,
            buried.map(|day| day.max(today + 1)),
        ];
        Ok(days.into_iter().flatten().min())
    }

    /// The cards due on each study day in `from..until` (see [`due_per_day`]).
    pub fn due_per_day(&self, from: DayNumber, until: DayNumber) -> Result<Vec<(DayNumber, u32)>> {
        due_per_day(self.conn(), from, until)
    }

    /// The cards of a fact due on a study day in `from..until` (see [`fact_due_days`]).
    pub fn fact_due_days(&self, fact_id: i64, from: DayNumber, until: DayNumber) -> Result<Vec<(i64, DayNumber)>> {
        fact_due_days(self.conn(), fact_id, from, until)
    }
}

impl Tx<'_> {
    /// [`Store::due_per_day`], in this transaction.
    pub fn due_per_day(&self, from: DayNumber, until: DayNumber) -> Result<Vec<(DayNumber, u32)>> {
        due_per_day(self.conn(), from, until)
    }

    /// [`Store::fact_due_days`], in this transaction.
    pub fn fact_due_days(&self, fact_id: i64, from: DayNumber, until: DayNumber) -> Result<Vec<(i64, DayNumber)>> {
        fact_due_days(self.conn(), fact_id, from, until)
    }
}

/// The cards due on each study day in `from..until`: review cards and
/// cards in day-long steps, of every deck and whatever their queue
/// (suspended and buried ones too, as Anki's load balancer counts them).
/// Read from `cards_due_per_day`, which triggers keep (schema v4): at most
/// one row per day of the range, however many cards are due in it.
fn due_per_day(conn: &Connection, from: DayNumber, until: DayNumber) -> Result<Vec<(DayNumber, u32)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT day, cards FROM cards_due_per_day WHERE day >= ?1 AND day < ?2 AND cards > 0 ORDER BY day",
    )?;
    let rows = stmt.query_map(params![from, until], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The cards of a fact due on a study day in `from..until` (review cards
/// and day-long steps, in any queue), as (card id, day).
fn fact_due_days(conn: &Connection, fact_id: i64, from: DayNumber, until: DayNumber) -> Result<Vec<(i64, DayNumber)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, due FROM cards WHERE fact_id = ?1 AND due >= ?2 AND due < ?3
           AND (state = 2 OR (state IN (1, 3) AND due < ?4)) ORDER BY id",
    )?;
    let rows = stmt.query_map(params![fact_id, from, until, DAY_DUE_LIMIT], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cards due on each study day in `from..until`: review cards and
    /// cards in day-long steps, of every deck and whatever their queue
    /// (suspended and buried ones too, as Anki's load balancer counts them).
    /// Counted from the cards themselves, one index range scan per deck and
    /// queue: what `cards_due_per_day` must always equal.
    fn due_per_day_scan(conn: &Connection, from: DayNumber, until: DayNumber) -> Result<Vec<(DayNumber, u32)>> {
        let mut counts: HashMap<DayNumber, u32> = HashMap::new();
        let decks: Vec<i64> = conn
            .prepare_cached("SELECT id FROM decks")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut active = conn.prepare_cached(
            "SELECT due, count(*) FROM cards WHERE deck_id = ?1 AND queue = ?2 AND due >= ?3 AND due < ?4 GROUP BY due",
        )?;
        let mut held = conn.prepare_cached(
            "SELECT due, count(*) FROM cards WHERE deck_id = ?1 AND queue = ?2 AND due >= ?3 AND due < ?4
               AND (state = 2 OR (state IN (1, 3) AND due < ?5)) GROUP BY due",
        )?;
        let mut add = |rows: rusqlite::MappedRows<'_, _>| -> Result<()> {
            for row in rows {
                let (day, n): (DayNumber, u32) = row?;
                *counts.entry(day).or_default() += n;
            }
            Ok(())
        };
        let pair = |r: &rusqlite::Row| Ok((r.get(0)?, r.get(1)?));
        for deck in decks {
            for q in [queue::REVIEW, queue::DAY_LEARNING] {
                add(active.query_map(params![deck, q, from, until], pair)?)?;
            }
            for q in [queue::SUSPENDED, queue::BURIED] {
                add(held.query_map(params![deck, q, from, until, DAY_DUE_LIMIT], pair)?)?;
            }
        }
        let mut counts: Vec<(DayNumber, u32)> = counts.into_iter().collect();
        counts.sort_unstable();
        Ok(counts)
    }
    use crate::card::{CardState, Due, Rating, ReviewKind, Schedule};
    use crate::deck::build::{Source, build};
    use crate::store::LogEntry;

    /// `cards_due_per_day`, kept by triggers, equals a count of the cards
    /// after every kind of write: answers into review, day-long and
    /// intraday steps, suspend, bury, unbury, retire, forget, deck delete.
    #[test]
    fn the_due_per_day_table_always_equals_a_count_of_the_cards() {
        let mut store = Store::open_in_memory().unwrap();
        let source = |key: &str| Source {
            label: format!("{key}.deck"),
            key: key.into(),
            bytes: format!("# {key}\n## x\nq: x?\na: 1\ncards: basic reverse\n## y\nq: y?\na: 2\n## z\nq: z?\na: 3\n")
                .into_bytes(),
        };
        build(&mut store, &[source("a"), source("b")]).unwrap();
        let same = |store: &Store, after: &str| {
            let table = due_per_day(store.conn(), 0, DAY_DUE_LIMIT).unwrap();
            let scan = due_per_day_scan(store.conn(), 0, DAY_DUE_LIMIT).unwrap();
            assert_eq!(table, scan, "after {after}");
            table.iter().map(|(_, n)| n).sum::<u32>()
        };
        assert_eq!(same(&store, "the build"), 0, "new cards are not due on a day");
        let ids: Vec<i64> = store
            .conn()
            .prepare("SELECT id FROM cards ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let id = |n: usize| ids[n - 1];
        let schedule = |state: CardState, due: Due| Schedule {
            state,
            due,
            ..Schedule::new_card(0)
        };
        let write = |store: &mut Store, card: i64, s: Schedule| {
            let tx = store.begin().unwrap();
            tx.write_schedule(card, &s).unwrap();
            tx.commit().unwrap();
        };
        write(&mut store, id(1), schedule(CardState::Review, Due::Day(20_000)));
        write(&mut store, id(2), schedule(CardState::Review, Due::Day(20_000)));
        write(&mut store, id(3), schedule(CardState::Relearning, Due::Day(20_003)));
        write(
            &mut store,
            id(4),
            schedule(CardState::Learning, Due::At(1_771_000_000_000)),
        );
        write(&mut store, id(5), schedule(CardState::Review, Due::Day(20_010)));
        write(&mut store, id(6), schedule(CardState::Review, Due::Day(20_011)));
        assert_eq!(same(&store, "answers"), 5, "the intraday step is not due on a day");
        write(&mut store, id(1), schedule(CardState::Review, Due::Day(20_040)));
        same(&store, "a review answered again");
        let tx = store.begin().unwrap();
        tx.suspend_card(id(2)).unwrap();
        tx.suspend_card(id(4)).unwrap();
        tx.commit().unwrap();
        assert_eq!(same(&store, "suspending"), 5, "a suspended review still counts");
        store.bury(id(3), 20_000).unwrap();
        store.bury(id(5), 20_000).unwrap();
        assert_eq!(same(&store, "burying"), 5, "a buried card still counts");
        store.unbury(20_001).unwrap();
        same(&store, "unburying");
        let tx = store.begin().unwrap();
        tx.unsuspend_card(id(2)).unwrap();
        tx.retire_card(id(6)).unwrap();
        tx.commit().unwrap();
        assert_eq!(
            same(&store, "a retired card"),
            5,
            "retired is suspended: it still counts"
        );
        write(&mut store, id(2), Schedule::new_card(0));
        assert_eq!(same(&store, "forgetting"), 4);
        let deck_b = store.find_deck("b").unwrap().id;
        let tx = store.begin().unwrap();
        tx.delete_deck(deck_b).unwrap();
        tx.commit().unwrap();
        same(&store, "a deck deleted");
    }

    #[test]
    fn studied_today_counts_each_decks_new_cards_and_reviews_since_the_day_start() {
        let mut store = Store::open_in_memory().unwrap();
        let source = |key: &str| Source {
            label: format!("{key}.deck"),
            key: key.into(),
            bytes: format!("# {key}\n## x\nq: x?\na: 1\n## y\nq: y?\na: 2\n").into_bytes(),
        };
        build(&mut store, &[source("a"), source("b")]).unwrap();
        let answer = |store: &mut Store, card_id: i64, at_ms: i64, before: Schedule| {
            let mut after = before.clone();
            after.state = CardState::Review;
            after.due = Due::Day(30);
            let entry = LogEntry {
                card_id,
                reviewed_at_ms: at_ms,
                rating: Rating::Good,
                duration_ms: 1_000,
                kind: ReviewKind::Learning,
                elapsed_days: 0,
                before,
                after,
            };
            let tx = store.begin().unwrap();
            tx.write_schedule(card_id, &entry.after).unwrap();
            tx.insert_log(&entry).unwrap();
            tx.commit().unwrap();
        };
        let review = Schedule {
            state: CardState::Review,
            due: Due::Day(10),
            ..Schedule::new_card(0)
        };
        let card = |deck: &str, fact: &str| crate::ids::card_id(deck, fact, "basic", 0);
        answer(&mut store, card("a", "x"), 500, Schedule::new_card(1)); // deck a, yesterday
        answer(&mut store, card("a", "y"), 1_000, Schedule::new_card(2)); // deck a, today: new
        answer(&mut store, card("a", "x"), 1_500, review.clone()); // deck a, today: review
        answer(&mut store, card("b", "x"), 2_000, Schedule::new_card(3)); // deck b, today: new
        let studied = store.studied_today_by_deck(1_000).unwrap();
        assert_eq!(studied.get(&1), Some(&StudiedToday { new: 1, reviews: 1 }));
        assert_eq!(studied.get(&2), Some(&StudiedToday { new: 1, reviews: 0 }));
        assert!(store.studied_today_by_deck(2_001).unwrap().is_empty());
        // Answers name their card's deck; a row that names none (imported,
        // synced) is counted in its card's deck all the same.
        let named = |store: &Store| -> i64 {
            store
                .conn()
                .query_row("SELECT count(*) FROM review_log WHERE deck_id IS NOT NULL", [], |r| {
                    r.get(0)
                })
                .unwrap()
        };
        assert_eq!(named(&store), 4);
        store
            .conn()
            .execute("UPDATE review_log SET deck_id = NULL WHERE reviewed_at_ms = 1500", [])
            .unwrap();
        assert_eq!(store.studied_today_by_deck(1_000).unwrap(), studied);
        // A card moved to another deck takes its answers along: the rows
        // that named its old deck name none.
        store
            .conn()
            .execute("UPDATE cards SET deck_id = 2 WHERE id = ?1", [card("a", "y")])
            .unwrap();
        assert_eq!(named(&store), 2);
        let moved = store.studied_today_by_deck(1_000).unwrap();
        assert_eq!(moved.get(&1), Some(&StudiedToday { new: 0, reviews: 1 }));
        assert_eq!(moved.get(&2), Some(&StudiedToday { new: 2, reviews: 0 }));
    }

    #[test]
    fn unseen_counts_every_new_card_of_a_deck_and_no_other() {
        let mut store = Store::open_in_memory().unwrap();
        let source = |key: &str, facts: usize| Source {
            label: format!("{key}.deck"),
            key: key.into(),
            bytes: (0..facts)
                .map(|i| format!("## f{i}\nq: q{i}?\na: {i}\n"))
                .fold(format!("# {key}\n"), |text, fact| text + &fact)
                .into_bytes(),
        };
        build(&mut store, &[source("a", 5), source("b", 2)]).unwrap();
        let (a, b) = (store.find_deck("a").unwrap().id, store.find_deck("b").unwrap().id);
        assert_eq!((store.unseen(a).unwrap(), store.unseen(b).unwrap()), (5, 2));
        let first = store.next_new(a, 0, None).unwrap().unwrap().id;
        let tx = store.begin().unwrap();
        tx.suspend_card(first).unwrap();
        tx.commit().unwrap();
        assert_eq!(store.unseen(a).unwrap(), 4, "a suspended card is not waiting");
    }

    /// The new count with the bury rule on does work linear in a fact's
    /// cards: the sibling test runs once per fact (it ran once per new card,
    /// each walking every sibling: 3,300 cards of one fact took `status` 36 s).
    /// Measured in SQLite's virtual machine steps, which do not depend on time.
    #[test]
    fn new_cards_once_per_fact_cost_linear_work_in_the_facts_cards() {
        let steps = |deletions: usize| {
            let mut store = Store::open_in_memory().unwrap();
            let text = "{{w}} ".repeat(deletions);
            build(
                &mut store,
                &[Source {
                    label: "s.deck".into(),
                    key: "s".into(),
                    bytes: format!("# s\n## f\ncloze: {text}\n## g\nq: g?\na: g\n").into_bytes(),
                }],
            )
            .unwrap();
            let deck = store.find_deck("s").unwrap().id;
            let mut stmt = store.conn().prepare(NEW_ONCE_PER_FACT).unwrap();
            let new: u32 = stmt.query_row(params![deck, 20, 120], |r| r.get(0)).unwrap();
            assert_eq!(new, 2, "two facts with new cards");
            stmt.get_status(rusqlite::StatementStatus::VmStep)
        };
        let (small, large) = (steps(45), steps(180)); // 180 deletions: 1,080 characters, 185 cards at most
        assert!(
            large < small * 6,
            "4x the cards of one fact: {small} -> {large} steps (quadratic would be about 16x)"
        );
    }

    /// Anki's counts with bury rules on (checked with Anki 26.9.3: three
    /// reversed notes, one with a review due today, another with both cards
    /// due: new 1, review 2): a fact counts once, and a new card not at all
    /// when a sibling is due today.
    #[test]
    fn with_bury_rules_siblings_count_once_and_new_cards_yield_to_due_siblings() {
        let mut store = Store::open_in_memory().unwrap();
        let bytes = (0..3)
            .map(|i| format!("## f{i}\nq: q{i}?\na: {i}\ncards: basic reverse\n"))
            .fold("# s\n".to_string(), |deck, fact| deck + &fact)
            .into_bytes();
        build(
            &mut store,
            &[Source {
                label: "s.deck".into(),
                key: "s".into(),
                bytes,
            }],
        )
        .unwrap();
        let card = |fact: &str, template: &str| crate::ids::card_id("s", fact, template, 0);
        let due_today = Schedule {
            state: CardState::Review,
            due: Due::Day(120),
            ..Schedule::new_card(0)
        };
        let tx = store.begin().unwrap();
        for id in [card("f0", "basic"), card("f1", "basic"), card("f1", "reverse")] {
            tx.write_schedule(id, &due_today).unwrap();
        }
        tx.commit().unwrap();
        let deck = store.find_deck("s").unwrap().id;
        let query = |bury: BuryRules| QueueQuery {
            now_ms: 10_000,
            learn_ahead_until_ms: 10_000,
            end_of_day_ms: 20_000,
            today: 120,
            new_left: 20,
            reviews_left: 200,
            bury,
        };
        let counts = |bury| {
            let c = store.queue_counts(deck, &query(bury)).unwrap();
            (c.new, c.review)
        };
        assert_eq!(counts(BuryRules::default()), (3, 3));
        let all = BuryRules {
            new: true,
            review: true,
            interday: true,
        };
        assert_eq!(counts(all), (1, 2));
        assert_eq!(counts(BuryRules { review: false, ..all }), (1, 3));
        assert_eq!(counts(BuryRules { new: false, ..all }), (3, 2));
    }
}
