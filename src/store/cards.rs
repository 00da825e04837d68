//! Cards: reading the study queue, writing answers, burying and undoing.
//! Queue queries run per deck on the `(deck_id, queue, due)` index and fetch
//! one card at a time, so a session never loads a deck into memory.

use std::collections::HashMap;

use fsrs::MemoryState;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::Store;
use super::log::{LogEntry, insert_log};
use crate::card::{CardState, Due, Schedule};
use crate::clock::DayNumber;
use crate::error::Result;

/// `cards.queue` values.
pub mod queue {
    pub const NEW: i64 = 0;
    pub const LEARNING: i64 = 1;
    pub const REVIEW: i64 = 2;
    pub const SUSPENDED: i64 = -1;
    pub const BURIED: i64 = -2;
}

/// The queue a card in `state` belongs to when nothing holds it back.
pub(crate) fn queue_for_state(state: CardState) -> i64 {
    match state {
        CardState::New => queue::NEW,
        CardState::Learning | CardState::Relearning => queue::LEARNING,
        CardState::Review => queue::REVIEW,
    }
}

/// A card as the session needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct CardRow {
    pub id: i64,
    pub deck_id: i64,
    /// The fact's row id: cards sharing it are siblings.
    pub fact_id: i64,
    pub fact_key: String,
    pub template: String,
    pub front: String,
    pub back: String,
    pub answer: String,
    pub extra: Option<String>,
    pub queue: i64,
    pub schedule: Schedule,
    /// The fact's accepted alternative answers (`alt:`).
    pub alternatives: Vec<String>,
    /// The fact's tags.
    pub tags: Vec<String>,
}

const CARD_COLUMNS: &str = "c.id, c.deck_id, f.key, c.template, c.front, c.back, c.answer,
    json_extract(f.content, '$.extra'), c.queue, c.state, c.remaining_steps, c.stability,
    c.difficulty, c.interval, c.due, c.last_review_day, c.reps, c.lapses,
    json_extract(f.content, '$.alternatives'), json_extract(f.content, '$.tags'), c.fact_id";

/// A JSON list of strings from the fact's content (absent means empty).
fn json_list(row: &Row, index: usize) -> rusqlite::Result<Vec<String>> {
    match row.get::<_, Option<String>>(index)? {
        None => Ok(Vec::new()),
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))),
    }
}

fn card_from_row(row: &Row) -> rusqlite::Result<CardRow> {
    let state = CardState::from_i64(row.get(9)?);
    let due: i64 = row.get(14)?;
    let memory = match (row.get::<_, Option<f64>>(11)?, row.get::<_, Option<f64>>(12)?) {
        (Some(s), Some(d)) => Some(MemoryState {
            stability: s as f32,
            difficulty: d as f32,
        }),
        _ => None,
    };
    Ok(CardRow {
        id: row.get(0)?,
        deck_id: row.get(1)?,
        fact_id: row.get(20)?,
        fact_key: row.get(2)?,
        template: row.get(3)?,
        front: row.get(4)?,
        back: row.get(5)?,
        answer: row.get(6)?,
        extra: row.get(7)?,
        queue: row.get(8)?,
        schedule: Schedule {
            state,
            remaining_steps: row.get(10)?,
            memory,
            interval: row.get(13)?,
            due: match state {
                CardState::New => Due::New(due),
                CardState::Learning | CardState::Relearning => Due::At(due),
                CardState::Review => Due::Day(due),
            },
            last_review_day: row.get(15)?,
            reps: row.get(16)?,
            lapses: row.get(17)?,
        },
        alternatives: json_list(row, 18)?,
        tags: json_list(row, 19)?,
    })
}

pub(crate) fn due_value(due: Due) -> i64 {
    match due {
        Due::New(n) | Due::At(n) | Due::Day(n) => n,
    }
}

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
    /// Brings back cards buried on an earlier study day.
    pub fn unbury(&mut self, today: DayNumber) -> Result<()> {
        self.conn().execute(
            "UPDATE cards SET queue = CASE state WHEN 0 THEN 0 WHEN 2 THEN 2 ELSE 1 END, buried_day = NULL
             WHERE queue = -2 AND buried_day < ?1",
            [today],
        )?;
        Ok(())
    }

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

    /// Stores an answer as [`Store::record_answer_to_current`] does and, in
    /// the same transaction, buries the card's siblings that `bury` names
    /// until the next study day. Returns the buried siblings' ids too (undo
    /// brings them back).
    pub fn record_answer_burying<T>(
        &mut self,
        card_id: i64,
        bury: BuryRules,
        today: DayNumber,
        answer: impl FnOnce(&Schedule) -> Result<(LogEntry, T)>,
    ) -> Result<Option<BuriedAnswer<T>>> {
        self.transaction(|tx| {
            let Some(card) = read_card(tx, card_id)? else {
                return Ok(None);
            };
            let (entry, extra) = answer(&card.schedule)?;
            write_schedule(tx, card_id, &entry.after)?;
            let uid = format!("{:032x}", rand::random::<u128>());
            let log_id = insert_log(tx, &uid, &entry)?;
            let buried = bury_siblings(tx, &card, bury, today)?;
            Ok(Some((log_id, entry, extra, buried)))
        })
    }

    /// Undoes an answer: removes its log entry, restores the card to
    /// `before` and brings back the siblings the answer buried, in one
    /// transaction. False, changing nothing, when the card's review count is
    /// no longer `answered_reps` (another process answered it since).
    pub fn undo_answer_unburying(
        &mut self,
        log_id: i64,
        card_id: i64,
        before: &Schedule,
        answered_reps: u32,
        buried: &[i64],
    ) -> Result<bool> {
        self.transaction(|tx| {
            let reps: Option<u32> = tx
                .prepare_cached("SELECT reps FROM cards WHERE id = ?1")?
                .query_row([card_id], |r| r.get(0))
                .optional()?;
            if reps != Some(answered_reps) {
                return Ok(false);
            }
            tx.execute(
                "DELETE FROM review_log WHERE id = ?1 AND card_id = ?2",
                params![log_id, card_id],
            )?;
            write_schedule(tx, card_id, before)?;
            unbury_ids(tx, buried)?;
            Ok(true)
        })
    }

    /// The fact and card of the answer logged last, if any (a new session
    /// does not start with its sibling).
    pub fn last_answered(&self) -> Result<Option<(i64, i64)>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT c.fact_id, c.id FROM review_log l JOIN cards c ON c.id = l.card_id
                 ORDER BY l.reviewed_at_ms DESC, l.id DESC LIMIT 1",
            )?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// Brings buried cards back into their queues now (undo of a bury).
    pub fn unbury_cards(&mut self, ids: &[i64]) -> Result<()> {
        self.transaction(|tx| unbury_ids(tx, ids))
    }

    pub fn card(&self, card_id: i64) -> Result<Option<CardRow>> {
        read_card(self.conn(), card_id)
    }

    /// Every card of a deck that is neither suspended nor buried, in id
    /// order (what quizzes ask and draw distractors from).
    pub fn active_cards(&self, deck_id: i64) -> Result<Vec<CardRow>> {
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards c JOIN facts f ON f.id = c.fact_id
             WHERE c.deck_id = ?1 AND c.queue >= 0 ORDER BY c.id"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let cards = stmt
            .query_map([deck_id], card_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(cards)
    }

    fn one_card(&self, condition: &str, params: impl rusqlite::Params) -> Result<Option<CardRow>> {
        let sql =
            format!("SELECT {CARD_COLUMNS} FROM cards c JOIN facts f ON f.id = c.fact_id WHERE {condition} LIMIT 1");
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row(params, card_from_row)
            .optional()?)
    }

    /// New cards and reviews answered since `day_start_ms`, per deck (decks
    /// with none are left out). One range scan of today's log rows: the
    /// CROSS JOIN keeps SQLite from starting at the deck's cards and probing
    /// each one's history instead (100k probes on a large deck).
    pub fn studied_today_by_deck(&self, day_start_ms: i64) -> Result<HashMap<i64, StudiedToday>> {
        let sql = "SELECT c.deck_id, coalesce(sum(l.state_before = 0), 0), coalesce(sum(l.state_before = 2), 0)
             FROM review_log l CROSS JOIN cards c ON c.id = l.card_id
             WHERE l.reviewed_at_ms >= ?1
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
        let learning_now = count(
            "SELECT count(*) FROM cards WHERE deck_id = ?1 AND queue = 1 AND due <= ?2",
            &[&deck_id, &q.now_ms],
        )?;
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

    /// The earliest due value in one queue of a deck.
    pub fn min_due(&self, deck_id: i64, queue: i64) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT min(due) FROM cards WHERE deck_id = ?1 AND queue = ?2")?
            .query_row(params![deck_id, queue], |r| r.get(0))?)
    }

    /// Buries a card until the next study day.
    pub fn bury(&mut self, card_id: i64, today: DayNumber) -> Result<()> {
        self.conn().execute(
            "UPDATE cards SET queue = ?3, buried_day = ?2 WHERE id = ?1",
            params![card_id, today, queue::BURIED],
        )?;
        Ok(())
    }
}

/// A stored answer: its log row id, the entry, the caller's value and the
/// siblings it buried.
pub type BuriedAnswer<T> = (i64, LogEntry, T, Vec<i64>);

/// Which siblings an answer buries until the next study day (Anki's three
/// deck options).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuryRules {
    pub new: bool,
    pub review: bool,
    /// Learning cards last answered on an earlier study day (day-long steps).
    pub interday: bool,
}

fn bury_siblings(conn: &Connection, card: &CardRow, bury: BuryRules, today: DayNumber) -> Result<Vec<i64>> {
    if !(bury.new || bury.review || bury.interday) {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM cards WHERE fact_id = ?1 AND id != ?2 AND retired = 0
         AND ((queue = 0 AND ?3) OR (queue = 2 AND ?4)
              OR (queue = 1 AND ?5 AND coalesce(last_review_day, ?6) < ?6))
         ORDER BY id",
    )?;
    let ids = stmt
        .query_map(
            params![card.fact_id, card.id, bury.new, bury.review, bury.interday, today],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    for id in &ids {
        conn.prepare_cached("UPDATE cards SET queue = ?3, buried_day = ?2 WHERE id = ?1")?
            .execute(params![id, today, queue::BURIED])?;
    }
    Ok(ids)
}

fn unbury_ids(conn: &Connection, ids: &[i64]) -> Result<()> {
    for id in ids {
        conn.prepare_cached(
            "UPDATE cards SET queue = CASE state WHEN 0 THEN 0 WHEN 2 THEN 2 ELSE 1 END, buried_day = NULL
             WHERE id = ?1 AND queue = -2",
        )?
        .execute([id])?;
    }
    Ok(())
}

/// Writes a card's schedule (and the queue it implies).
pub(crate) fn write_schedule(conn: &Connection, card_id: i64, s: &Schedule) -> Result<()> {
    conn.prepare_cached(
        "UPDATE cards SET state = ?2, queue = ?3, due = ?4, remaining_steps = ?5, stability = ?6,
         difficulty = ?7, interval = ?8, last_review_day = ?9, reps = ?10, lapses = ?11, buried_day = NULL
         WHERE id = ?1",
    )?
    .execute(params![
        card_id,
        s.state as i64,
        queue_for_state(s.state),
        due_value(s.due),
        s.remaining_steps,
        s.memory.map(|m| f64::from(m.stability)),
        s.memory.map(|m| f64::from(m.difficulty)),
        s.interval,
        s.last_review_day,
        s.reps,
        s.lapses,
    ])?;
    Ok(())
}

/// One card by id, read on `conn` (in a transaction, or not).
pub(super) fn read_card(conn: &Connection, card_id: i64) -> Result<Option<CardRow>> {
    let sql = format!("SELECT {CARD_COLUMNS} FROM cards c JOIN facts f ON f.id = c.fact_id WHERE c.id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([card_id], card_from_row)
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::build::{Source, build};
    use crate::sched::{Rating, ReviewKind};
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
            store.record_answer_to_current(card_id, |_| Ok((entry, ()))).unwrap();
        };
        let review = Schedule {
            state: CardState::Review,
            due: Due::Day(10),
            ..Schedule::new_card(0)
        };
        answer(&mut store, 1, 500, Schedule::new_card(1)); // deck a, yesterday
        answer(&mut store, 2, 1_000, Schedule::new_card(2)); // deck a, today: new
        answer(&mut store, 1, 1_500, review.clone()); // deck a, today: review
        answer(&mut store, 3, 2_000, Schedule::new_card(3)); // deck b, today: new
        let studied = store.studied_today_by_deck(1_000).unwrap();
        assert_eq!(studied.get(&1), Some(&StudiedToday { new: 1, reviews: 1 }));
        assert_eq!(studied.get(&2), Some(&StudiedToday { new: 1, reviews: 0 }));
        assert!(store.studied_today_by_deck(2_001).unwrap().is_empty());
    }
}
