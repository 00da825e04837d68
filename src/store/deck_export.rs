//! Reading one deck whole for `export deck`: its live facts, its cards with
//! their schedules, and the review log of those cards.

use fsrs::MemoryState;
use rusqlite::params;

use super::Store;
use crate::card::{CardState, Due, Rating, ReviewKind, Schedule};
use crate::deck::Fact;
use crate::error::{Error, Result};

/// A card of the deck, with its schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportCard {
    pub id: i64,
    pub fact_id: i64,
    pub template: String,
    pub front: String,
    pub back: String,
    /// `cards.queue` (-1 suspended).
    pub queue: i64,
    pub schedule: Schedule,
}

/// A review-log row of one of the deck's cards.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportReview {
    pub card_id: i64,
    pub reviewed_at_ms: i64,
    pub rating: Rating,
    pub duration_ms: i64,
    pub kind: ReviewKind,
    pub state_before: CardState,
    pub interval_before: u32,
    pub state_after: CardState,
    /// Due after the answer: UTC ms for a step, a study day for a review.
    pub due_after: i64,
    pub interval_after: u32,
}

impl Store {
    /// The deck's facts that are in its file (or were imported), in the
    /// order they were added, with their row ids.
    pub fn deck_facts(&self, deck_id: i64) -> Result<Vec<(i64, Fact)>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, key, content FROM facts WHERE deck_id = ?1 AND removed = 0 ORDER BY id")?;
        let rows = stmt
            .query_map([deck_id], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(id, key, content)| {
                serde_json::from_str(&content)
                    .map(|fact| (id, fact))
                    .map_err(|e| Error::Corrupt {
                        path: self.path().to_path_buf(),
                        detail: format!("fact {key} is unreadable ({e})"),
                    })
            })
            .collect()
    }

    /// The deck's cards that are not retired, by fact then card.
    pub fn deck_export_cards(&self, deck_id: i64) -> Result<Vec<ExportCard>> {
        let mut stmt = self.conn().prepare(
            "SELECT c.id, c.fact_id, c.template, c.front, c.back, c.queue, c.state, c.due, c.remaining_steps,
                    c.stability, c.difficulty, c.interval, c.last_review_day, c.reps, c.lapses
             FROM cards c JOIN facts f ON f.id = c.fact_id
             WHERE c.deck_id = ?1 AND c.retired = 0 AND f.removed = 0 ORDER BY c.fact_id, c.id",
        )?;
        let cards = stmt
            .query_map([deck_id], |r| {
                let state = CardState::from_i64(r.get(6)?);
                let due: i64 = r.get(7)?;
                let memory = match (r.get::<_, Option<f64>>(9)?, r.get::<_, Option<f64>>(10)?) {
                    (Some(s), Some(d)) => Some(MemoryState {
                        stability: s as f32,
                        difficulty: d as f32,
                    }),
                    _ => None,
                };
                Ok(ExportCard {
                    id: r.get(0)?,
                    fact_id: r.get(1)?,
                    template: r.get(2)?,
                    front: r.get(3)?,
                    back: r.get(4)?,
                    queue: r.get(5)?,
                    schedule: Schedule {
                        state,
                        remaining_steps: r.get(8)?,
                        memory,
                        interval: r.get(11)?,
                        due: match state {
                            CardState::New => Due::New(due),
                            CardState::Learning | CardState::Relearning => Due::At(due),
                            CardState::Review => Due::Day(due),
                        },
                        last_review_day: r.get(12)?,
                        reps: r.get(13)?,
                        lapses: r.get(14)?,
                    },
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(cards)
    }

    /// The review log of the deck's cards, oldest first.
    pub fn deck_export_log(&self, deck_id: i64) -> Result<Vec<ExportReview>> {
        let mut stmt = self.conn().prepare(
            "SELECT l.card_id, l.reviewed_at_ms, l.rating, l.duration_ms, l.kind, l.state_before, l.interval_before,
                    l.state_after, l.due_after, l.interval_after
             FROM review_log l JOIN cards c ON c.id = l.card_id
             WHERE c.deck_id = ?1 ORDER BY l.reviewed_at_ms, l.id",
        )?;
        let rows = stmt
            .query_map(params![deck_id], |r| {
                Ok(ExportReview {
                    card_id: r.get(0)?,
                    reviewed_at_ms: r.get(1)?,
                    rating: Rating::from_number(r.get(2)?).unwrap_or(Rating::Good),
                    duration_ms: r.get(3)?,
                    kind: ReviewKind::from_i64(r.get(4)?),
                    state_before: CardState::from_i64(r.get(5)?),
                    interval_before: r.get(6)?,
                    state_after: CardState::from_i64(r.get(7)?),
                    due_after: r.get(8)?,
                    interval_after: r.get(9)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
