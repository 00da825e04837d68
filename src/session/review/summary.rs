//! The end of a review session: what was done, what is still waiting
//! today within the limits, and when the next card comes.

use super::{QueueCounts, ReviewSession};
use crate::clock::Clock;
use crate::error::Result;
use crate::store::queue;

/// The end of a session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub reviewed: u32,
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
}

impl Summary {
    pub fn again_rate(&self) -> f64 {
        if self.reviewed == 0 {
            0.0
        } else {
            f64::from(self.again) / f64::from(self.reviewed)
        }
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
