//! Reading one deck whole for `export deck`: its cards with their
//! schedules (through the `cards` table's row mapper) and the review log of
//! those cards. Its facts are `Store::facts_of_deck`.

use rusqlite::params;

use crate::card::{CardState, Rating, ReviewKind};
use crate::error::Result;
use crate::store::cards::{card_from_row, select_cards};
use crate::store::{CardRow, Store};

/// A card of the deck, with its schedule.
pub type ExportCard = CardRow;

/// A review-log row of one of the deck's cards.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportReview {
    pub card_id: i64,
    pub reviewed_at_ms: i64,
    /// The answer's rating; none for a manual entry (forget, reschedule).
    pub rating: Option<Rating>,
    pub duration_ms: i64,
    pub kind: ReviewKind,
    pub state_before: CardState,
    /// Due before the answer: UTC ms for a step, a study day for a review.
    pub due_before: i64,
    pub interval_before: u32,
    pub state_after: CardState,
    /// Due after the answer: UTC ms for a step, a study day for a review.
    pub due_after: i64,
    pub interval_after: u32,
    /// Imported from an Anki package (its uid is `anki-<revlog id>-<card
    /// id>`): its time is that revlog row's id.
    pub from_anki: bool,
}

impl Store {
    /// The deck's cards that are not retired, of facts in its file, by fact
    /// then card.
    pub fn deck_export_cards(&self, deck_id: i64) -> Result<Vec<ExportCard>> {
        let mut stmt = self.conn().prepare(&select_cards(
            "c.deck_id = ?1 AND c.retired = 0 AND f.removed = 0 ORDER BY c.fact_id, c.id",
        ))?;
        let cards = stmt
            .query_map([deck_id], card_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(cards)
    }

    /// The review log of the deck's cards, oldest first.
    pub fn deck_export_log(&self, deck_id: i64) -> Result<Vec<ExportReview>> {
        let mut stmt = self.conn().prepare(
            "SELECT l.card_id, l.reviewed_at_ms, l.rating, l.duration_ms, l.kind, l.state_before, l.interval_before,
                    l.state_after, l.due_after, l.interval_after, l.due_before, l.uid LIKE 'anki-%'
             FROM review_log l JOIN cards c ON c.id = l.card_id
             WHERE c.deck_id = ?1 ORDER BY l.reviewed_at_ms, l.id",
        )?;
        let rows = stmt
            .query_map(params![deck_id], |r| {
                Ok(ExportReview {
                    card_id: r.get(0)?,
                    reviewed_at_ms: r.get(1)?,
                    rating: Rating::from_number(r.get(2)?),
                    duration_ms: r.get(3)?,
                    kind: ReviewKind::from_i64(r.get(4)?),
                    state_before: CardState::from_i64(r.get(5)?),
                    interval_before: r.get(6)?,
                    state_after: CardState::from_i64(r.get(7)?),
                    due_after: r.get(8)?,
                    interval_after: r.get(9)?,
                    due_before: r.get(10)?,
                    from_anki: r.get(11)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
