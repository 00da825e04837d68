//! The end of a review session: what was done, what is still waiting
//! today within the limits, and when the next card comes.

use std::collections::HashMap;

use super::{QueueCounts, ReviewSession};
use crate::clock::Clock;
use crate::error::Result;
use crate::store::queue;

/// The end of a session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Answers given (undone ones not counted).
    pub answers: u32,
    /// The cards those answers were given on.
    pub cards: u32,
    pub again: u32,
    pub time_ms: i64,
    /// When the next card in scope is due (UTC), if any.
    pub next_due: Option<chrono::DateTime<chrono::Utc>>,
    /// New cards left over because of today's limits.
    pub new_waiting: u32,
    /// Whether reviews (or cards in day-long steps) due today are held back
    /// by today's review limit: they come on a later study day.
    pub reviews_held: bool,
    /// What is still waiting today within the limits: new cards, reviews
    /// and learning cards due now, and learning cards due later today.
    pub left: QueueCounts,
    /// Learning cards due now (part of `left.learning`).
    pub learning_now: u32,
    /// When the next learning card is due, if one is due before the day ends.
    pub next_learning: Option<chrono::DateTime<chrono::Utc>>,
    /// Answers counted on each card, so an undo knows whether its card
    /// still counts.
    answers_by_card: HashMap<i64, u32>,
}

impl Summary {
    pub fn again_rate(&self) -> f64 {
        if self.answers == 0 {
            0.0
        } else {
            f64::from(self.again) / f64::from(self.answers)
        }
    }

    /// Counts an answer on `card_id` (`sign` +1) or its undo (-1).
    pub(super) fn count(&mut self, card_id: i64, again: bool, duration_ms: i64, sign: i32) {
        let apply = |n: u32| n.saturating_add_signed(sign);
        self.answers = apply(self.answers);
        if again {
            self.again = apply(self.again);
        }
        self.time_ms += i64::from(sign) * duration_ms;
        let on_card = self.answers_by_card.entry(card_id).or_default();
        *on_card = apply(*on_card);
        if *on_card == 0 {
            self.answers_by_card.remove(&card_id);
        }
        self.cards = u32::try_from(self.answers_by_card.len()).unwrap_or(u32::MAX);
    }
}

impl ReviewSession<'_> {
    /// The summary as of the clock's time.
    pub(super) fn finish(&mut self, clock: &Clock<impl chrono::TimeZone>) -> Result<Summary> {
        let mut next: Option<chrono::DateTime<chrono::Utc>> = None;
        let mut next_learning: Option<chrono::DateTime<chrono::Utc>> = None;
        let mut new_waiting = 0;
        let mut reviews_held = false;
        let mut learning_now = 0;
        let end_of_day = clock.end_of_today();
        for scope in &self.decks {
            let new_left = self.limits.new_left(scope.row.id);
            let learning = self
                .store
                .min_due(scope.row.id, queue::LEARNING)?
                .and_then(chrono::DateTime::from_timestamp_millis);
            let review_day = self.store.next_review_day(scope.row.id, self.today)?;
            reviews_held |= review_day.is_some_and(|day| self.limits.holds_back(scope.row.id, day, clock));
            let review = review_day.map(|day| self.limits.review_due_at(scope.row.id, day, clock));
            if let Some(at) = learning.filter(|at| *at < end_of_day) {
                if at <= clock.now() {
                    learning_now += self.store.learning_due_by(scope.row.id, clock.now_ms())?;
                }
                if next_learning.is_none_or(|n| at < n) {
                    next_learning = Some(at);
                }
            }
            let has_new = self.store.min_due(scope.row.id, queue::NEW)?.is_some();
            let new = has_new.then(|| {
                if new_left > 0 {
                    clock.now()
                } else {
                    clock.day_start(self.today + 1)
                }
            });
            if has_new {
                // Every unseen card, siblings too: they all wait for a day of their own.
                new_waiting += self.store.unseen(scope.row.id)?.saturating_sub(new_left);
            }
            for candidate in [learning, review, new].into_iter().flatten() {
                if next.is_none_or(|n| candidate < n) {
                    next = Some(candidate);
                }
            }
        }
        let left = self.counts(clock)?;
        // Over the limits means waiting for a later day; what the collection
        // limit holds back from each deck's share waits too.
        let per_deck_new: u32 = {
            let mut sum = 0;
            for scope in &self.decks {
                let query = self.limits.query(scope.row.id, clock);
                sum += self.store.queue_counts(scope.row.id, &query)?.new;
            }
            sum
        };
        self.summary.next_due = next;
        self.summary.new_waiting = new_waiting + per_deck_new.saturating_sub(left.new);
        self.summary.reviews_held = reviews_held;
        self.summary.left = left;
        self.summary.learning_now = learning_now;
        self.summary.next_learning = next_learning;
        Ok(self.summary.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::Summary;

    #[test]
    fn answers_and_the_cards_they_were_on_are_counted_through_undos() {
        let mut summary = Summary::default();
        summary.count(7, false, 1_000, 1);
        summary.count(7, true, 2_000, 1);
        summary.count(9, false, 500, 1);
        assert_eq!(
            (summary.answers, summary.cards, summary.again, summary.time_ms),
            (3, 2, 1, 3_500)
        );
        // Undoing card 9's only answer takes the card away; one of card 7's does not.
        summary.count(9, false, 500, -1);
        summary.count(7, true, 2_000, -1);
        assert_eq!(
            (summary.answers, summary.cards, summary.again, summary.time_ms),
            (1, 1, 0, 1_000)
        );
        summary.count(7, false, 1_000, -1);
        assert_eq!((summary.answers, summary.cards), (0, 0));
    }
}
