//! The scheduler: FSRS-6 through the `fsrs` crate, with Anki's learning and
//! relearning steps, interval fuzz and load balancer around it. Pure: no
//! database, no clock reads — the caller passes the card's state, the
//! rating, "now" (with today's study day and when the next one starts) and,
//! for the load balancer, the workload of the days ahead, and gets the next
//! state back.
//!
//! A (re)learning step that would end at or after the start of the next
//! study day becomes a day-long step (Anki's `IntervalKind::maybe_as_days`):
//! the card is due on a study day, not at an instant. A step that stays
//! within the day gets Anki's random extra delay (`learn-step-delay`).

pub mod balance;
pub mod fuzz;
pub mod leech;

use fsrs::{FSRS, MemoryState, NextStates};

pub use crate::card::{CardState, Due, Rating, ReviewKind, Schedule};
use crate::clock::{Clock, DayNumber};
use crate::error::Result;
pub use crate::settings::{MAX_INTERVAL_DAYS, SchedConfig};
pub use balance::{EasyDay, EasyDays, LoadBalancer};

const DAY_SECS: u32 = 86_400;

/// When the next review will be, as shown on a grade button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextIn {
    Seconds(u32),
    Days(u32),
}

impl NextIn {
    pub fn seconds(self) -> i64 {
        match self {
            NextIn::Seconds(s) => i64::from(s),
            NextIn::Days(d) => i64::from(d) * 86_400,
        }
    }
}

/// The result of answering a card.
#[derive(Debug, Clone, PartialEq)]
pub struct Answered {
    pub next: Schedule,
    pub kind: ReviewKind,
    /// Study days since the previous review (0 for a new card).
    pub elapsed_days: u32,
    pub next_in: NextIn,
}

/// What the scheduler needs to know about "now".
#[derive(Debug, Clone, Copy)]
pub struct Moment {
    pub now_ms: i64,
    pub today: DayNumber,
    /// When the next study day starts (UTC ms).
    pub next_day_ms: i64,
}

impl Moment {
    /// The clock's "now".
    pub fn of(clock: &Clock<impl chrono::TimeZone>) -> Moment {
        Moment {
            now_ms: clock.now_ms(),
            today: clock.today(),
            next_day_ms: clock.end_of_today().timestamp_millis(),
        }
    }

    /// Whole seconds until the next study day, counted from the whole second
    /// of "now" as Anki counts them.
    fn secs_until_next_day(&self) -> u32 {
        let secs = self.next_day_ms.div_euclid(1000) - self.now_ms.div_euclid(1000);
        u32::try_from(secs.max(0)).unwrap_or(u32::MAX)
    }
}

/// What the load balancer weighs an interval against: the cards due on the
/// days ahead, and the days the card's siblings are due on (empty when
/// siblings are not spread apart).
#[derive(Debug, Clone, Copy)]
pub struct Workload<'a> {
    pub balancer: &'a LoadBalancer,
    pub sibling_days: &'a [DayNumber],
}

/// The scheduler for one deck's settings.
pub struct Scheduler {
    fsrs: FSRS,
    config: SchedConfig,
}

impl Scheduler {
    pub fn new(config: SchedConfig) -> Result<Self> {
        let fsrs = FSRS::new(&config.parameters)?;
        Ok(Scheduler { fsrs, config })
    }

    pub fn config(&self) -> &SchedConfig {
        &self.config
    }

    /// The outcome of each of the four buttons, for previews.
    pub fn preview(
        &self,
        card: &Schedule,
        card_id: i64,
        at: Moment,
        workload: Option<Workload>,
    ) -> Result<[Answered; 4]> {
        let states = self.next_states(card, at)?;
        Ok(Rating::ALL.map(|rating| self.apply(card, card_id, at, workload, &states, rating)))
    }

    /// Answers a card; `workload` balances its review interval (Anki's load
    /// balancer), if given.
    pub fn answer(
        &self,
        card: &Schedule,
        card_id: i64,
        rating: Rating,
        at: Moment,
        workload: Option<Workload>,
    ) -> Result<Answered> {
        let states = self.next_states(card, at)?;
        Ok(self.apply(card, card_id, at, workload, &states, rating))
    }

    fn elapsed_days(card: &Schedule, today: DayNumber) -> u32 {
        match card.last_review_day {
            // A clock that moved backwards counts as a same-day review.
            Some(day) => u32::try_from(today.saturating_sub(day)).unwrap_or(0),
            None => 0,
        }
    }

    fn next_states(&self, card: &Schedule, at: Moment) -> Result<(NextStates, u32)> {
        let elapsed = Self::elapsed_days(card, at.today);
        let states = self
            .fsrs
            .next_states(card.memory, self.config.desired_retention, elapsed)?;
        Ok((states, elapsed))
    }

    fn apply(
        &self,
        card: &Schedule,
        card_id: i64,
        at: Moment,
        workload: Option<Workload>,
        (states, elapsed): &(NextStates, u32),
        rating: Rating,
    ) -> Answered {
        let memory = match rating {
            Rating::Again => states.again.memory,
            Rating::Hard => states.hard.memory,
            Rating::Good => states.good.memory,
            Rating::Easy => states.easy.memory,
        };
        // Stored rounded, as Anki stores it: the next answer starts from the
        // rounded values.
        let memory = Some(stored_memory(memory));
        // Without fuzz (Anki's test mode) there is no seed: no fuzz, no step
        // delay, no balancing.
        let seed = self.config.fuzz.then(|| fuzz::fuzz_seed(card_id, card.reps));
        let ctx = Ctx {
            config: &self.config,
            states,
            seed,
            fuzz: seed.map(|_| fuzz::fuzz_factor(card_id, card.reps)),
            workload,
            at,
        };
        let mut next = card.clone();
        next.memory = memory;
        next.reps = card.reps.saturating_add(1);
        next.last_review_day = Some(at.today);
        let (kind, next_in) = match card.state {
            CardState::New | CardState::Learning => {
                let remaining = if card.state == CardState::New {
                    self.config.learn_steps_secs.len() as u32
                } else {
                    card.remaining_steps
                };
                (
                    ReviewKind::Learning,
                    ctx.answer_steps(&mut next, remaining, rating, Steps::Learn),
                )
            }
            CardState::Relearning => (
                ReviewKind::Relearning,
                ctx.answer_steps(&mut next, card.remaining_steps, rating, Steps::Relearn),
            ),
            CardState::Review => (ReviewKind::Review, ctx.answer_review(&mut next, rating)),
        };
        Answered {
            next,
            kind,
            elapsed_days: *elapsed,
            next_in,
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Steps {
    Learn,
    Relearn,
}

struct Ctx<'a> {
    config: &'a SchedConfig,
    states: &'a NextStates,
    seed: Option<u64>,
    fuzz: Option<f32>,
    workload: Option<Workload<'a>>,
    at: Moment,
}

impl Ctx<'_> {
    fn steps(&self, which: Steps) -> &[u32] {
        match which {
            Steps::Learn => &self.config.learn_steps_secs,
            Steps::Relearn => &self.config.relearn_steps_secs,
        }
    }

    /// An interval in days, balanced or fuzzed (when on) within
    /// `minimum..=max_interval` (Anki's `with_review_fuzz`).
    fn fuzzed(&self, days: f32, minimum: u32) -> u32 {
        let maximum = self.config.max_interval.max(1);
        let minimum = minimum.clamp(1, maximum);
        let balanced = match (self.workload, self.seed) {
            (Some(w), Some(seed)) => w.balancer.find_interval(days, minimum, maximum, seed, w.sibling_days),
            _ => None,
        };
        balanced.unwrap_or_else(|| fuzz::fuzzed_interval(days, minimum, maximum, self.fuzz))
    }

    /// `days` rounded, at least one day, then fuzzed (Anki's graduation rule).
    fn rounded_fuzzed(&self, days: f32, minimum: u32) -> u32 {
        self.fuzzed(days.round().max(1.0), minimum)
    }

    /// A (re)learning step of `delay_secs`: due later today (with the step
    /// delay, when on), or, when it reaches the next study day, due on a
    /// study day as a day-long step.
    fn to_step(&self, card: &mut Schedule, state: CardState, remaining: u32, delay_secs: u32) -> NextIn {
        card.state = state;
        card.remaining_steps = remaining;
        let until_next_day = self.at.secs_until_next_day();
        if delay_secs >= until_next_day {
            let days = (delay_secs - until_next_day) / DAY_SECS + 1;
            card.due = Due::Day(self.at.today + i64::from(days));
            return NextIn::Days(days);
        }
        let delayed = match self.seed {
            Some(seed) if self.config.learn_step_delay => fuzz::step_with_delay(delay_secs, seed),
            _ => delay_secs,
        };
        card.due = Due::At(self.at.now_ms + i64::from(delayed) * 1000);
        NextIn::Seconds(delay_secs)
    }

    fn to_review(&self, card: &mut Schedule, days: u32) -> NextIn {
        card.state = CardState::Review;
        card.remaining_steps = 0;
        card.interval = days;
        card.due = Due::Day(self.at.today + i64::from(days));
        NextIn::Days(days)
    }

    /// A card in (re)learning steps, or a new card entering them.
    fn answer_steps(&self, card: &mut Schedule, remaining: u32, rating: Rating, which: Steps) -> NextIn {
        let steps = self.steps(which);
        let state = if which == Steps::Learn {
            CardState::Learning
        } else {
            CardState::Relearning
        };
        let total = steps.len() as u32;
        let remaining = remaining.clamp(1.min(total), total);
        let index = (total - remaining) as usize;
        if steps.is_empty() {
            return self.graduate(card, rating);
        }
        match rating {
            Rating::Again => {
                if which == Steps::Relearn {
                    // Again in relearning takes FSRS's again interval as the
                    // one the card returns to (Anki's `failing_review_interval`).
                    card.interval = self.states.again.interval.round().max(1.0) as u32;
                }
                self.to_step(card, state, total, steps[0])
            }
            Rating::Hard => self.to_step(card, state, remaining, hard_delay(steps, index)),
            Rating::Good if remaining > 1 => self.to_step(card, state, remaining - 1, steps[index + 1]),
            Rating::Good | Rating::Easy => self.graduate(card, rating),
        }
    }

    /// Leaves the steps for review. Good and Easy graduate at the end of the
    /// steps; with no steps at all every button does.
    fn graduate(&self, card: &mut Schedule, rating: Rating) -> NextIn {
        let states = self.states;
        let days = match rating {
            Rating::Again => self.rounded_fuzzed(states.again.interval, 1),
            Rating::Hard => self.rounded_fuzzed(states.hard.interval, 1),
            Rating::Good => self.rounded_fuzzed(states.good.interval, 1),
            Rating::Easy => {
                let good = self.fuzzed(states.good.interval, 1);
                self.rounded_fuzzed(states.easy.interval, good + 1)
            }
        };
        self.to_review(card, days)
    }

    fn answer_review(&self, card: &mut Schedule, rating: Rating) -> NextIn {
        let states = self.states;
        if rating == Rating::Again {
            card.lapses = card.lapses.saturating_add(1);
            // Anki neither fuzzes nor caps the interval after a lapse.
            card.interval = states.again.interval.round().max(1.0) as u32;
            return match self.config.relearn_steps_secs.first() {
                Some(&first) => {
                    let total = self.config.relearn_steps_secs.len() as u32;
                    self.to_step(card, CardState::Relearning, total, first)
                }
                None => self.to_review(card, card.interval),
            };
        }
        // The minimum Anki 26 gives each passing interval: above the current
        // interval when FSRS's interval is longer; the current interval itself
        // when it lies within the fuzz range of FSRS's; otherwise none.
        let last = card.interval;
        let minimum = |days: f32| {
            if days.round() as u32 > last {
                last + 1
            } else if fuzz::unconstrained_upper_bound(days) >= last {
                last
            } else {
                0
            }
        };
        let hard = self.fuzzed(states.hard.interval, minimum(states.hard.interval).max(1));
        let good = self.fuzzed(states.good.interval, minimum(states.good.interval).max(hard + 1));
        let days = match rating {
            Rating::Hard => hard,
            Rating::Good => good,
            _ => self.fuzzed(states.easy.interval, minimum(states.easy.interval).max(good + 1)),
        };
        self.to_review(card, days)
    }
}

/// A memory state as Anki persists it: stability to 4 decimals, difficulty to 3
/// (computed in f32, as Anki does).
pub fn stored_memory(memory: MemoryState) -> MemoryState {
    let round = |x: f32, factor: f32| (x * factor).round() / factor;
    MemoryState {
        stability: round(memory.stability, 10_000.0),
        difficulty: round(memory.difficulty, 1_000.0),
    }
}

/// Hard repeats the current step; on the first step it waits halfway to the
/// second (or 1.5× the only step, at most a day longer), rounded to whole
/// days when longer than a day, as Anki does.
fn hard_delay(steps: &[u32], index: usize) -> u32 {
    if index == 0 {
        let secs = match steps {
            [first, second, ..] => first.saturating_add(*second) / 2,
            [only] => (only.saturating_mul(3) / 2).min(only.saturating_add(DAY_SECS)),
            [] => 0,
        };
        if secs > DAY_SECS {
            ((secs as f32 / DAY_SECS as f32).round() as u32).saturating_mul(DAY_SECS)
        } else {
            secs
        }
    } else {
        steps[index]
    }
}

#[cfg(test)]
mod tests;
