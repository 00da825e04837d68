//! What FSRS fitting and simulation read from the collection: the review log
//! of the chosen cards (in card order, then time) and the cards' memory
//! states. (The fitted parameters are kept in the settings.)

use rusqlite::params;

use crate::error::Result;
use crate::store::Store;

/// One review-log row, as FSRS training and simulation need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainingRow {
    pub card_id: i64,
    pub reviewed_at_ms: i64,
    /// The button: 1 Again … 4 Easy.
    pub rating: u8,
    /// Anki's revlog numbering: 0 learning, 1 review, 2 relearning,
    /// 3 filtered (an early review that rescheduled the card), 4 manual.
    pub kind: i64,
    pub duration_ms: i64,
}

/// A card as the simulator starts from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimulationCard {
    pub id: i64,
    /// 0 new, 1 learning, 2 review, 3 relearning.
    pub state: i64,
    /// Review cards: the study day it is due.
    pub due: i64,
    pub stability: Option<f32>,
    pub difficulty: Option<f32>,
    pub interval: u32,
    pub last_review_day: Option<i64>,
    pub lapses: u32,
}

impl Store {
    /// Every logged answer of the cards of `deck_id` (all decks when `None`),
    /// ordered by card, then time.
    pub fn training_log(&self, deck_id: Option<i64>) -> Result<Vec<TrainingRow>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT l.card_id, l.reviewed_at_ms, l.rating, l.kind, l.duration_ms
             FROM review_log l JOIN cards c ON c.id = l.card_id
             WHERE ?1 IS NULL OR c.deck_id = ?1
             ORDER BY l.card_id, l.reviewed_at_ms, l.id",
        )?;
        let rows = stmt
            .query_map(params![deck_id], |r| {
                Ok(TrainingRow {
                    card_id: r.get(0)?,
                    reviewed_at_ms: r.get(1)?,
                    rating: r.get(2)?,
                    kind: r.get(3)?,
                    duration_ms: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The cards of `deck_id` (all decks when `None`) that are studied:
    /// neither suspended nor retired (buried cards count).
    pub fn simulation_cards(&self, deck_id: Option<i64>) -> Result<Vec<SimulationCard>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, state, due, stability, difficulty, interval, last_review_day, lapses
             FROM cards WHERE queue != -1 AND retired = 0 AND (?1 IS NULL OR deck_id = ?1)
             ORDER BY id",
        )?;
        let cards = stmt
            .query_map(params![deck_id], |r| {
                Ok(SimulationCard {
                    id: r.get(0)?,
                    state: r.get(1)?,
                    due: r.get(2)?,
                    stability: r.get::<_, Option<f64>>(3)?.map(|s| s as f32),
                    difficulty: r.get::<_, Option<f64>>(4)?.map(|d| d as f32),
                    interval: r.get(5)?,
                    last_review_day: r.get(6)?,
                    lapses: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(cards)
    }
}
