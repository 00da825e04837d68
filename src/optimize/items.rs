//! The review log turned into FSRS training items, as Anki builds them
//! (rslib `fsrs_items_for_training` and `reviews_for_fsrs` in training mode):
//!
//! - per card, only the last block of consecutive learning entries and what
//!   follows it is kept; a card without a learning entry is left out (its
//!   history started elsewhere, e.g. imported as a review card);
//! - manual entries (kind 4, or any kind Anki does not grade) and ratings
//!   outside 1–4 are dropped; kind 3 (an early review that rescheduled the
//!   card) counts as a review;
//! - the days between two reviews are counted in study days of the
//!   collection's clock (day start hour and time zone), never taken from the
//!   stored `elapsed_days`;
//! - each review after the first gives one item: the card's history up to
//!   and including it, kept only when at least one day passed since the
//!   review before (same-day reviews are history, never targets);
//! - items of all cards are ordered by the time of their last review.

use chrono::TimeZone;
use fsrs::{FSRSItem, FSRSReview};

use crate::clock::{Clock, DayNumber};
use crate::store::TrainingRow;

/// Anki's revlog kinds, as stored in the review log.
const LEARNING: i64 = 0;
const FILTERED: i64 = 3;

/// Training items and what they were built from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainingSet {
    /// In the time order of their last review.
    pub items: Vec<FSRSItem>,
    /// The card of each item (aligned with `items`).
    pub card_ids: Vec<i64>,
    /// Log entries kept after filtering, of the cards that gave items
    /// (what Anki reports as the number of reviews).
    pub reviews: usize,
    /// Cards that gave at least one item.
    pub cards: usize,
}

/// Builds the training set from log rows in card order (time order within
/// a card), as [`crate::store::Store::training_log`] returns them.
pub fn training_set<Tz: TimeZone>(rows: &[TrainingRow], clock: &Clock<Tz>) -> TrainingSet {
    let mut keyed: Vec<(i64, i64, FSRSItem)> = Vec::new();
    let mut set = TrainingSet::default();
    for card in rows.chunk_by(|a, b| a.card_id == b.card_id) {
        let kept = kept_entries(card);
        let days: Vec<DayNumber> = kept.iter().map(|r| clock.day_of_ms(r.reviewed_at_ms)).collect();
        let before = keyed.len();
        card_items(&kept, &days, &mut keyed);
        if keyed.len() > before {
            set.reviews += kept.len();
            set.cards += 1;
        }
    }
    // Stable: items with the same time keep their card order.
    keyed.sort_by_key(|(at, _, _)| *at);
    (set.card_ids, set.items) = keyed.into_iter().map(|(_, card, item)| (card, item)).unzip();
    set
}

/// Whether an entry is an answer Anki trains on.
fn graded(row: &TrainingRow) -> bool {
    (1..=4).contains(&row.rating) && (LEARNING..=FILTERED).contains(&row.kind)
}

/// The entries of one card that training uses: from the start of the last
/// block of learning entries on, without manual entries.
fn kept_entries(card: &[TrainingRow]) -> Vec<TrainingRow> {
    let mut start = None;
    for (index, row) in card.iter().enumerate().rev() {
        if graded(row) && row.kind == LEARNING {
            start = Some(index);
        } else if start.is_some() {
            break;
        }
    }
    match start {
        Some(start) => card[start..].iter().filter(|r| graded(r)).copied().collect(),
        None => Vec::new(),
    }
}

/// One item per kept entry after the first whose day differs from the
/// previous entry's, keyed by (time, card).
fn card_items(kept: &[TrainingRow], days: &[DayNumber], out: &mut Vec<(i64, i64, FSRSItem)>) {
    let reviews: Vec<FSRSReview> = kept
        .iter()
        .enumerate()
        .map(|(i, row)| FSRSReview {
            rating: u32::from(row.rating),
            delta_t: match i {
                0 => 0,
                _ => u32::try_from(days[i] - days[i - 1]).unwrap_or(0),
            },
        })
        .collect();
    for (i, row) in kept.iter().enumerate().skip(1) {
        if reviews[i].delta_t > 0 {
            let item = FSRSItem {
                reviews: reviews[..=i].to_vec(),
            };
            out.push((row.reviewed_at_ms, row.card_id, item));
        }
    }
}

#[cfg(test)]
mod tests;
