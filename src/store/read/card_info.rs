//! Reading one card whole for `iskra card ID`: the card with its deck and
//! fact ([`CardInfoRow`]) and its review log, oldest first ([`CardLogRow`]).

use rusqlite::OptionalExtension;

use crate::error::Result;
use crate::store::Store;
use crate::store::cards::StoredSchedule;

/// A card with where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct CardInfoRow {
    pub id: i64,
    pub deck_key: String,
    pub deck_name: String,
    /// The file the deck was last built from (`bundled:NAME` for a bundled deck).
    pub source_path: Option<String>,
    pub fact_key: String,
    /// The fact's kind: qa, cloze, sequence, timeline.
    pub fact_kind: String,
    /// The fact is gone from its file.
    pub fact_removed: bool,
    pub template: String,
    pub front: String,
    pub back: String,
    pub schedule: StoredSchedule,
    pub queue: i64,
    pub flag: u8,
    pub leech: bool,
    pub retired: bool,
    pub added_ms: Option<i64>,
}

/// One review-log row of the card.
#[derive(Debug, Clone, PartialEq)]
pub struct CardLogRow {
    pub reviewed_at_ms: i64,
    /// 1-4; 0 for a manual entry.
    pub rating: u8,
    /// 0 learning, 1 review, 2 relearning, 3 filtered, 4 manual.
    pub kind: i64,
    pub duration_ms: i64,
    pub state_before: i64,
    pub state_after: i64,
    pub due_after: i64,
    pub interval_after: i64,
    pub stability_after: Option<f64>,
    pub difficulty_after: Option<f64>,
}

impl Store {
    /// One card with its deck and fact, if it exists.
    pub fn card_info(&self, card_id: i64) -> Result<Option<CardInfoRow>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT c.id, d.key, d.name, d.source_path, f.key, coalesce(json_extract(f.content, '$.kind'), ''),
                        f.removed, c.template, c.front, c.back, c.state, c.remaining_steps, c.stability,
                        c.difficulty, c.interval, c.due, c.last_review_day, c.reps, c.lapses, c.queue, c.flag,
                        c.leech, c.retired, c.added_ms
                 FROM cards c JOIN facts f ON f.id = c.fact_id JOIN decks d ON d.id = c.deck_id
                 WHERE c.id = ?1",
            )?
            .query_row([card_id], |r| {
                Ok(CardInfoRow {
                    id: r.get(0)?,
                    deck_key: r.get(1)?,
                    deck_name: r.get(2)?,
                    source_path: r.get(3)?,
                    fact_key: r.get(4)?,
                    fact_kind: r.get(5)?,
                    fact_removed: r.get(6)?,
                    template: r.get(7)?,
                    front: r.get(8)?,
                    back: r.get(9)?,
                    schedule: StoredSchedule {
                        state: r.get(10)?,
                        remaining_steps: r.get(11)?,
                        stability: r.get(12)?,
                        difficulty: r.get(13)?,
                        interval: r.get(14)?,
                        due: r.get(15)?,
                        last_review_day: r.get(16)?,
                        reps: r.get(17)?,
                        lapses: r.get(18)?,
                    },
                    queue: r.get(19)?,
                    flag: r.get(20)?,
                    leech: r.get(21)?,
                    retired: r.get(22)?,
                    added_ms: r.get(23)?,
                })
            })
            .optional()?)
    }

    /// The card's review log, oldest first.
    pub fn card_log(&self, card_id: i64) -> Result<Vec<CardLogRow>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT reviewed_at_ms, rating, kind, duration_ms, state_before, state_after, due_after, interval_after,
                    stability_after, difficulty_after
             FROM review_log WHERE card_id = ?1 ORDER BY reviewed_at_ms, id",
        )?;
        let rows = stmt
            .query_map([card_id], |r| {
                Ok(CardLogRow {
                    reviewed_at_ms: r.get(0)?,
                    rating: r.get(1)?,
                    kind: r.get(2)?,
                    duration_ms: r.get(3)?,
                    state_before: r.get(4)?,
                    state_after: r.get(5)?,
                    due_after: r.get(6)?,
                    interval_after: r.get(7)?,
                    stability_after: r.get(8)?,
                    difficulty_after: r.get(9)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
