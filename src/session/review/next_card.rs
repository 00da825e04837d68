//! Which card a review session shows next: learning cards due now, then
//! cards in day-long learning steps and due reviews (earliest first) with
//! new cards spread evenly among them, then learning cards due within the
//! learn-ahead window; never a sibling of the card just answered while any
//! other card is left. A learning card due after the next study day starts
//! is not today's (Anki's queue).

use super::{DeckScope, ReviewSession};
use crate::clock::Clock;
use crate::error::Result;
use crate::sched::Schedule;
use crate::store::{CardRow, Store, queue};

impl ReviewSession<'_> {
    /// Picks the next card, or none when the session is done.
    pub(super) fn pick(&mut self, clock: &Clock<impl chrono::TimeZone>) -> Result<Option<CardRow>> {
        if self.limit.is_some_and(|limit| self.summary.answers >= limit) {
            return Ok(None);
        }
        let Some((fact, card_id)) = self.last_fact else {
            return self.pick_not_of(0, true, clock);
        };
        // A sibling of the card just answered only when nothing else is
        // left, and then only one that is due now: a sibling is never shown
        // early (learn-ahead) right after its sibling; the card itself may be.
        if let Some(card) = self.pick_not_of(fact, true, clock)? {
            return Ok(Some(card));
        }
        if let Some(card) = self.pick_not_of(0, false, clock)? {
            return Ok(Some(card));
        }
        let ahead = self.learning_until(clock.now_ms() + self.learn_ahead_ms, clock);
        Ok(self.store.card(card_id)?.filter(|card| {
            card.queue == queue::LEARNING && card.schedule.due_key() <= ahead && self.scope_of(card.deck_id).is_ok()
        }))
    }

    /// The last instant a learning card due by `until_ms` is shown today.
    fn learning_until(&self, until_ms: i64, clock: &Clock<impl chrono::TimeZone>) -> i64 {
        until_ms.min(clock.end_of_today().timestamp_millis() - 1)
    }

    /// The next card not of fact `not_fact` (0: any); learning cards due
    /// within the learn-ahead window when nothing else is left and `ahead`.
    fn pick_not_of(&self, not_fact: i64, ahead: bool, clock: &Clock<impl chrono::TimeZone>) -> Result<Option<CardRow>> {
        let now = clock.now_ms();
        if let Some(card) = self.first_learning(self.learning_until(now, clock), not_fact)? {
            return Ok(Some(card));
        }
        let review = self.first_review(not_fact)?;
        // The header's new count: within the new-card limits and what the
        // due cards leave of the review limit (`DailyLimits`).
        let counts = self.counts(clock)?;
        let new_card = if counts.new > 0 {
            self.first_new(not_fact, clock)?
        } else {
            None
        };
        let card = match (review, new_card) {
            (Some(review), Some(new)) => {
                // New cards spread evenly over the reviews the header
                // counts: one after every `every` reviews, by the cards
                // there are (not by the limit: 20 new cards allowed and 3
                // left spread over all of today's reviews, not the first).
                let every = counts.due.max(1) / counts.new.max(1);
                if self.answered_since_new >= every {
                    Some(new)
                } else {
                    Some(review)
                }
            }
            (review, new) => review.or(new),
        };
        match card {
            Some(card) => Ok(Some(card)),
            None if ahead => self.first_learning(self.learning_until(now + self.learn_ahead_ms, clock), not_fact),
            None => Ok(None),
        }
    }

    fn first_learning(&self, until_ms: i64, not_fact: i64) -> Result<Option<CardRow>> {
        self.earliest(|_| true, |store, deck| store.next_learning(deck, until_ms, not_fact))
    }

    /// A card in a day-long step due today, else a due review (Anki gathers
    /// day-long steps first under the review limit).
    fn first_review(&self, not_fact: i64) -> Result<Option<CardRow>> {
        let within_limit = |d: &DeckScope| self.limits.reviews_left(d.row.id) > 0;
        if let Some(card) = self.earliest(within_limit, |store, deck| {
            store.next_day_learning(deck, self.today, not_fact)
        })? {
            return Ok(Some(card));
        }
        self.earliest(within_limit, |store, deck| {
            store.next_review(deck, self.today, not_fact)
        })
    }

    /// The first new card of the decks with new cards left today and room
    /// left by their due cards under their review limit (as the header
    /// counted just before: `DeckScope::review_room`); none of a fact with
    /// a card due today that the session shows first (and whose answer
    /// buries the new one: `QueueQuery::sibling_due_by`).
    fn first_new(&self, not_fact: i64, clock: &Clock<impl chrono::TimeZone>) -> Result<Option<CardRow>> {
        self.earliest(
            |d| self.limits.new_left(d.row.id) > 0 && d.review_room.get() > 0,
            |store, deck| {
                let sibling_due_by = self.limits.query(deck, clock).sibling_due_by();
                store.next_new(deck, not_fact, sibling_due_by)
            },
        )
    }

    /// The card due first among the decks that `include` allows, each deck's
    /// candidate fetched by `fetch` (one indexed query per deck).
    fn earliest(
        &self,
        include: impl Fn(&DeckScope) -> bool,
        fetch: impl Fn(&Store, i64) -> Result<Option<CardRow>>,
    ) -> Result<Option<CardRow>> {
        let mut best: Option<CardRow> = None;
        for scope in self.decks.iter().filter(|d| include(d)) {
            let Some(card) = fetch(self.store, scope.row.id)? else {
                continue;
            };
            if best
                .as_ref()
                .is_none_or(|b| (card.schedule.due_key(), card.id) < (b.schedule.due_key(), b.id))
            {
                best = Some(card);
            }
        }
        Ok(best)
    }
}

impl Schedule {
    /// The raw due value, for ordering cards of one queue.
    pub(super) fn due_key(&self) -> i64 {
        match self.due {
            crate::sched::Due::New(n) | crate::sched::Due::At(n) | crate::sched::Due::Day(n) => n,
        }
    }
}
