//! The load balancer of a study session, kept as Anki keeps it with its
//! study queue (rslib `scheduler/queue/builder` and `answering`): the cards
//! due on each of the next days are counted once, when the session starts
//! (or when a new study day begins during it); each answer that leaves a
//! card in review adds it on its new day, and nothing is taken away when a
//! card leaves a day (an undo takes the card off every day it is counted
//! on). With `bury-review` on, an interval also keeps away from the days the
//! card's siblings are counted on (the card itself included, as in Anki).
//! Used by every session that answers cards (`review`, `review --mode`,
//! `quiz`) and by `examples/answer_latency`.

use std::collections::HashMap;

use crate::clock::DayNumber;
use crate::error::Result;
use crate::sched::balance::LOAD_BALANCE_DAYS;
use crate::sched::{CardState, Due, LoadBalancer, Schedule, Workload};
use crate::store::{CardRow, Settings, Store, Tx};

/// Where the balancer counts a card answered in the session.
#[derive(Debug, Clone)]
struct Counted {
    fact_id: i64,
    /// One entry per time the card is counted on a day.
    days: Vec<DayNumber>,
}

/// A session's load balancer (see the module comment).
#[derive(Debug, Clone)]
pub struct SessionWorkload {
    balancer: LoadBalancer,
    spread_siblings: bool,
    /// The cards answered this session, by id.
    answered: HashMap<i64, Counted>,
}

impl SessionWorkload {
    /// The balancer for a session starting on `today`, if the settings use
    /// one (`load-balancer` on, and `fuzz`, without which Anki neither
    /// fuzzes nor balances).
    pub fn start(store: &Store, settings: &Settings, today: DayNumber) -> Result<Option<SessionWorkload>> {
        let config = &settings.scheduler;
        if !(config.load_balancer && config.fuzz) {
            return Ok(None);
        }
        let counts = store.due_per_day(today, today + LOAD_BALANCE_DAYS as i64)?;
        Ok(Some(SessionWorkload {
            balancer: LoadBalancer::new(today, counts, config.easy_days),
            spread_siblings: settings.bury_review,
            answered: HashMap::new(),
        }))
    }

    /// Counts again from the collection when `today` is a later study day
    /// than the counts were taken on (Anki rebuilds its queue then).
    pub fn follow_day(&mut self, tx: &Tx, today: DayNumber) -> Result<()> {
        if today != self.balancer.today() {
            let counts = tx.due_per_day(today, today + LOAD_BALANCE_DAYS as i64)?;
            self.balancer = LoadBalancer::new(today, counts, self.balancer.easy_days());
            self.answered.clear();
        }
        Ok(())
    }

    /// The days the balancer avoids for `card`: the days the cards of its
    /// fact are counted on (none when siblings are not spread apart).
    /// `due_days` are the fact's cards due in the balancer's range as the
    /// collection has them ([`Self::range`]).
    pub fn sibling_days(&self, card: &CardRow, due_days: &[(i64, DayNumber)]) -> Vec<DayNumber> {
        if !self.spread_siblings {
            return Vec::new();
        }
        let mut days: Vec<DayNumber> = due_days
            .iter()
            .filter(|(id, _)| !self.answered.contains_key(id))
            .map(|&(_, day)| day)
            .collect();
        for counted in self.answered.values().filter(|c| c.fact_id == card.fact_id) {
            days.extend(&counted.days);
        }
        days
    }

    /// The study days the balancer counts: `from..until`.
    pub fn range(&self) -> (DayNumber, DayNumber) {
        let today = self.balancer.today();
        (today, today + LOAD_BALANCE_DAYS as i64)
    }

    /// What the scheduler weighs an answer of a card against.
    pub fn workload<'a>(&'a self, sibling_days: &'a [DayNumber]) -> Workload<'a> {
        Workload {
            balancer: &self.balancer,
            sibling_days,
        }
    }

    /// The days of `card`'s fact, read in `tx`, as [`Self::sibling_days`].
    pub fn sibling_days_in(&self, tx: &Tx, card: &CardRow) -> Result<Vec<DayNumber>> {
        if !self.spread_siblings {
            return Ok(Vec::new());
        }
        let (from, until) = self.range();
        Ok(self.sibling_days(card, &tx.fact_due_days(card.fact_id, from, until)?))
    }

    /// The days of `card`'s fact, read from the store, as [`Self::sibling_days`].
    pub fn sibling_days_of(&self, store: &Store, card: &CardRow) -> Result<Vec<DayNumber>> {
        if !self.spread_siblings {
            return Ok(Vec::new());
        }
        let (from, until) = self.range();
        Ok(self.sibling_days(card, &store.fact_due_days(card.fact_id, from, until)?))
    }

    /// Counts an answer that took `card` (as it was) to `after`: a card is
    /// first counted where it was when the counts were taken, then on the
    /// day each answer puts it in review.
    pub fn count_answer(&mut self, card: &CardRow, after: &Schedule) {
        let (from, until) = self.range();
        let counted = self.answered.entry(card.id).or_insert_with(|| Counted {
            fact_id: card.fact_id,
            days: due_day(&card.schedule)
                .filter(|d| (from..until).contains(d))
                .into_iter()
                .collect(),
        });
        if let (CardState::Review, Due::Day(day)) = (after.state, after.due)
            && (from..until).contains(&day)
        {
            counted.days.push(day);
            self.balancer.add(day);
        }
    }

    /// Takes an undone answer's card off the days it is counted on (once on
    /// each, as Anki's `remove_card`).
    pub fn count_undo(&mut self, card_id: i64) {
        let Some(counted) = self.answered.get_mut(&card_id) else {
            return;
        };
        let mut days = counted.days.clone();
        days.sort_unstable();
        days.dedup();
        for day in days {
            self.balancer.remove(day);
            if let Some(i) = counted.days.iter().position(|&d| d == day) {
                counted.days.remove(i);
            }
        }
    }
}

/// The study day a card is due on, if it is a review or a day-long step.
fn due_day(s: &Schedule) -> Option<DayNumber> {
    match (s.state, s.due) {
        (CardState::New, _) => None,
        (_, Due::Day(day)) => Some(day),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
