//! The study queue's reads: the next card of each queue of a deck, the
//! counts a session header and `status` show, and how much of the daily
//! limits is used. Queue queries run per deck on the `(deck_id, queue, due)`
//! index and fetch one card at a time, so a session never loads a deck into
//! memory; cards come through the `cards` table's one row mapper.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use crate::clock::DayNumber;
use crate::error::Result;
use crate::store::cards::{card_from_row, queue, select_cards};
use crate::store::{CardRow, Store};

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
    pub end_of_day_ms: i64,
    pub today: DayNumber,
    pub new_left: u32,
    pub reviews_left: u32,
}

/// A deck's counts, as `status` shows them.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct DeckCounts {
    /// New cards available today (within the deck's limit).
    pub new: u32,
    /// Learning cards due before the study day ends.
    pub learning: u32,
    /// Review cards due now (within the deck's limit).
    pub due_now: u32,
    /// Learning cards due now.
    pub learning_now: u32,
    pub total: u32,
    pub suspended: u32,
    /// Earliest due of a learning card (UTC ms) and of a review card (day).
    pub next_learning_ms: Option<i64>,
    pub next_review_day: Option<DayNumber>,
}

impl Store {
    /// The learning card of a deck due first, if due by `until_ms`, not of
    /// the fact `not_fact` (the card just answered: siblings never follow
    /// each other; pass 0 for none).
    pub fn next_learning(&self, deck_id: i64, until_ms: i64, not_fact: i64) -> Result<Option<CardRow>> {
        self.one_card(
            "c.deck_id = ?1 AND c.queue = 1 AND c.due <= ?2 AND c.fact_id != ?3 ORDER BY c.due, c.id",
            params![deck_id, until_ms, not_fact],
        )
    }

    /// The review card of a deck due first, if due by `today`, not of `not_fact`.
    pub fn next_review(&self, deck_id: i64, today: DayNumber, not_fact: i64) -> Result<Option<CardRow>> {
        self.one_card(
            "c.deck_id = ?1 AND c.queue = 2 AND c.due <= ?2 AND c.fact_id != ?3 ORDER BY c.due, c.id",
            params![deck_id, today, not_fact],
        )
    }

    /// The next new card of a deck, in its introduction order, not of `not_fact`.
    pub fn next_new(&self, deck_id: i64, not_fact: i64) -> Result<Option<CardRow>> {
        self.one_card(
            "c.deck_id = ?1 AND c.queue = 0 AND c.fact_id != ?2 ORDER BY c.due, c.id",
            params![deck_id, not_fact],
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
    /// with none are left out; manual entries, which answer nothing, too). One range scan of today's log rows: the
    /// CROSS JOIN keeps SQLite from starting at the deck's cards and probing
    /// each one's history instead (100k probes on a large deck).
    pub fn studied_today_by_deck(&self, day_start_ms: i64) -> Result<HashMap<i64, StudiedToday>> {
        let sql = "SELECT c.deck_id, coalesce(sum(l.state_before = 0), 0), coalesce(sum(l.state_before = 2), 0)
             FROM review_log l CROSS JOIN cards c ON c.id = l.card_id
             WHERE l.reviewed_at_ms >= ?1 AND l.rating > 0
             GROUP BY c.deck_id";
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt.query_map([day_start_ms], |r| {
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

    /// The counts a session header needs: new (up to `new_left`), learning
    /// due before `end_of_day_ms`, reviews due by `today` (up to `reviews_left`).
    /// Each is an index range scan bounded by the deck's limits.
    pub fn queue_counts(&self, deck_id: i64, q: &QueueQuery) -> Result<(u32, u32, u32)> {
        let count = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<u32> {
            Ok(self.conn().prepare_cached(sql)?.query_row(p, |r| r.get(0))?)
        };
        let new = count(
            "SELECT count(*) FROM (SELECT 1 FROM cards WHERE deck_id = ?1 AND queue = 0 LIMIT ?2)",
            &[&deck_id, &q.new_left],
        )?;
        let learning = count(
            "SELECT count(*) FROM cards WHERE deck_id = ?1 AND queue = 1 AND due < ?2",
            &[&deck_id, &q.end_of_day_ms],
        )?;
        let due = count(
            "SELECT count(*) FROM (SELECT 1 FROM cards WHERE deck_id = ?1 AND queue = 2 AND due <= ?2 LIMIT ?3)",
            &[&deck_id, &q.today, &q.reviews_left],
        )?;
        Ok((new, learning, due))
    }

    /// Everything `status` shows for one deck.
    pub fn deck_counts(&self, deck_id: i64, q: &QueueQuery) -> Result<DeckCounts> {
        let conn = self.conn();
        let count = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<u32> {
            Ok(conn.prepare_cached(sql)?.query_row(p, |r| r.get(0))?)
        };
        let (new, learning, due_now) = self.queue_counts(deck_id, q)?;
        let learning_now = self.learning_due_by(deck_id, q.now_ms)?;
        let total = count("SELECT card_count FROM decks WHERE id = ?1", &[&deck_id])?;
        let suspended = count(
            "SELECT count(*) FROM cards WHERE deck_id = ?1 AND queue = -1",
            &[&deck_id],
        )?;
        Ok(DeckCounts {
            new,
            learning,
            due_now,
            learning_now,
            total,
            suspended,
            next_learning_ms: self.min_due(deck_id, queue::LEARNING)?,
            next_review_day: self.min_due(deck_id, queue::REVIEW)?,
        })
    }

    /// How many learning cards of a deck are due by `until_ms`.
    pub fn learning_due_by(&self, deck_id: i64, until_ms: i64) -> Result<u32> {
        Ok(self
            .conn()
            .prepare_cached("SELECT count(*) FROM cards WHERE deck_id = ?1 AND queue = 1 AND due <= ?2")?
            .query_row(params![deck_id, until_ms], |r| r.get(0))?)
    }

    /// The earliest due value in one queue of a deck.
    pub fn min_due(&self, deck_id: i64, queue: i64) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT min(due) FROM cards WHERE deck_id = ?1 AND queue = ?2")?
            .query_row(params![deck_id, queue], |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::{CardState, Due, Rating, ReviewKind, Schedule};
    use crate::deck::build::{Source, build};
    use crate::store::LogEntry;

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
    }
}
