//! Anki's load balancer and easy days (rslib `scheduler/states/load_balancer.rs`,
//! on by default since Anki 24.11): a review interval of at most 90 days is
//! placed, within its fuzz range, on the day that weighs least, drawn at
//! random by weight with the card's fuzz seed, so the same answer always
//! lands on the same day. A day's weight is 1 when nothing is due on it,
//! else (1 / cards due)^2.15 × (1 / interval)^3 × the sibling factor × the
//! easy-day factor. Pure: the caller counts the cards due on each of the
//! next [`LOAD_BALANCE_DAYS`] days (and says on which days the card's
//! siblings are due); [`LoadBalancer`] keeps the counts as Anki's queue
//! keeps them for a study session.

use super::fuzz::fuzz_bounds;
use crate::clock::DayNumber;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::{SeedableRng, rngs::StdRng};

/// Longest interval the balancer places (longer ones are only fuzzed).
pub const MAX_BALANCED_INTERVAL: u32 = 90;

/// Days counted from today on: 10% more than the longest balanced interval,
/// as the fuzz range may reach past it.
pub const LOAD_BALANCE_DAYS: usize = (MAX_BALANCED_INTERVAL as f32 * 1.1) as usize;

/// How a day near a sibling's weighs: the sibling's day itself next to
/// nothing, one day off 0.2, … five days off 1.
const SIBLING_MODIFIERS: [(i64, f32); 11] = [
    (-5, 1.0),
    (-4, 0.8),
    (-3, 0.6),
    (-2, 0.4),
    (-1, 0.2),
    (0, 0.000_001),
    (1, 0.2),
    (2, 0.4),
    (3, 0.6),
    (4, 0.8),
    (5, 1.0),
];

/// A day's weight factor for its easy-day setting (never 0, so days that
/// are all Minimum still balance).
fn load_modifier(day: EasyDay) -> f32 {
    match day {
        EasyDay::Minimum => 0.0001,
        EasyDay::Reduced => 0.5,
        EasyDay::Normal => 1.0,
    }
}

pub use crate::settings::{EasyDay, EasyDays};

/// The weekday of a study day, Monday 0 (days are local calendar dates
/// counted from Thursday 1970-01-01).
pub fn weekday(day: DayNumber) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// The cards due on each of the next [`LOAD_BALANCE_DAYS`] days, as Anki's
/// queue counts them when it is built and as each answer of the session
/// adds to them.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancer {
    today: DayNumber,
    /// Cards due on today + i; `None` when no card was due in the range when
    /// the counts were taken (Anki then only fuzzes, all session long).
    counts: Option<Vec<u32>>,
    easy_days: EasyDays,
}

impl LoadBalancer {
    /// The balancer on `today`, from the due days of the cards due from
    /// today on (days outside the range are ignored).
    pub fn new(today: DayNumber, due_days: impl IntoIterator<Item = (DayNumber, u32)>, easy_days: EasyDays) -> Self {
        let mut counts = vec![0_u32; LOAD_BALANCE_DAYS];
        let mut any = false;
        for (day, count) in due_days {
            if let Some(slot) = Self::index(today, day).and_then(|i| counts.get_mut(i)) {
                *slot += count;
                any |= count > 0;
            }
        }
        LoadBalancer {
            today,
            counts: any.then_some(counts),
            easy_days,
        }
    }

    /// The study day the counts start on.
    pub fn today(&self) -> DayNumber {
        self.today
    }

    /// The easy-day settings it weighs days by.
    pub fn easy_days(&self) -> EasyDays {
        self.easy_days
    }

    fn index(today: DayNumber, day: DayNumber) -> Option<usize> {
        usize::try_from(day - today).ok().filter(|&i| i < LOAD_BALANCE_DAYS)
    }

    /// Counts a card now due on `day` (an answer of the session).
    pub fn add(&mut self, day: DayNumber) {
        if let Some(counts) = &mut self.counts
            && let Some(slot) = Self::index(self.today, day).and_then(|i| counts.get_mut(i))
        {
            *slot += 1;
        }
    }

    /// Stops counting a card on `day` (an answer undone).
    pub fn remove(&mut self, day: DayNumber) {
        if let Some(counts) = &mut self.counts
            && let Some(slot) = Self::index(self.today, day).and_then(|i| counts.get_mut(i))
        {
            *slot = slot.saturating_sub(1);
        }
    }

    /// The cards counted on `day`.
    pub fn count(&self, day: DayNumber) -> u32 {
        match (&self.counts, Self::index(self.today, day)) {
            (Some(counts), Some(i)) => counts[i],
            _ => 0,
        }
    }

    /// The balanced interval for an FSRS interval of `interval` days within
    /// `minimum..=maximum`, or `None` when the balancer does not place it
    /// (longer than 90 days, nothing counted, or no weight to draw by): the
    /// caller then fuzzes as usual. `sibling_days` are the days the card's
    /// siblings (and the card itself) are counted on; empty when siblings are
    /// not spread.
    pub fn find_interval(
        &self,
        interval: f32,
        minimum: u32,
        maximum: u32,
        seed: u64,
        sibling_days: &[DayNumber],
    ) -> Option<u32> {
        if interval as u32 > MAX_BALANCED_INTERVAL || minimum > MAX_BALANCED_INTERVAL {
            return None;
        }
        let counts = self.counts.as_ref()?;
        let (before, after) = fuzz_bounds(interval, minimum, maximum);
        let review_counts: Vec<u32> = (before..=after)
            .map(|days| counts.get(days as usize).copied())
            .collect::<Option<_>>()?;
        let weekdays: Vec<usize> = (before..=after)
            .map(|days| weekday(self.today + i64::from(days)))
            .collect();
        let easy = easy_day_modifiers(&self.easy_days, &weekdays, &review_counts);
        let siblings = sibling_modifiers(self.today, before, after, sibling_days);
        let weights = (before..=after)
            .zip(review_counts)
            .enumerate()
            .map(|(i, (days, count))| {
                let weight = day_weight(days, count, siblings[i], easy[i]);
                (days, weight)
            });
        select_weighted(weights, seed)
    }
}

/// A day's weight: 1 with nothing due; else fewer cards and shorter
/// intervals weigh more.
pub fn day_weight(days: u32, count: u32, sibling: f32, easy: f32) -> f32 {
    if count == 0 {
        return 1.0;
    }
    let count_weight = (1.0 / count as f32).powf(2.15);
    let interval_weight = (1.0 / days as f32).powi(3);
    count_weight * interval_weight * sibling * easy
}

/// Draws one of the days by weight with a generator seeded by `seed`;
/// `None` when no weight is positive.
pub fn select_weighted(weights: impl Iterator<Item = (u32, f32)>, seed: u64) -> Option<u32> {
    let weights: Vec<(u32, f32)> = weights.collect();
    let index = WeightedIndex::new(weights.iter().map(|w| w.1)).ok()?;
    let mut rng = StdRng::seed_from_u64(seed);
    Some(weights[index.sample(&mut rng)].0)
}

/// Each day's easy-day factor. A Normal day is always a choice and a
/// Minimum day almost never; a Reduced day is a choice only while it holds
/// no more than half the reviews of an average other day of the range.
pub fn easy_day_modifiers(easy_days: &EasyDays, weekdays: &[usize], review_counts: &[u32]) -> Vec<f32> {
    let total_reviews: u32 = review_counts.iter().sum();
    let total_percents: f32 = weekdays.iter().map(|&d| load_modifier(easy_days[d])).sum();
    weekdays
        .iter()
        .zip(review_counts)
        .map(|(&weekday, &count)| {
            let day = match easy_days[weekday] {
                EasyDay::Reduced => {
                    const HALF: f32 = 0.5;
                    let other_reviews = (total_reviews - count) as f32;
                    let other_percents = total_percents - HALF;
                    let normalized = count as f32 / HALF;
                    if normalized > other_reviews / other_percents {
                        EasyDay::Minimum
                    } else {
                        EasyDay::Normal
                    }
                }
                other => other,
            };
            load_modifier(day)
        })
        .collect()
}

/// Each candidate day's sibling factor: near a sibling's day a day weighs
/// less, the product over all sibling days.
fn sibling_modifiers(today: DayNumber, before: u32, after: u32, sibling_days: &[DayNumber]) -> Vec<f32> {
    let mut modifiers = vec![1.0_f32; (after - before + 1) as usize];
    let mut days: Vec<DayNumber> = sibling_days
        .iter()
        .copied()
        .filter(|&d| LoadBalancer::index(today, d).is_some())
        .collect();
    days.sort_unstable();
    days.dedup();
    for day in days {
        for (step, factor) in SIBLING_MODIFIERS {
            let target = day - today + step - i64::from(before);
            if let Some(modifier) = usize::try_from(target).ok().and_then(|t| modifiers.get_mut(t)) {
                *modifier *= factor;
            }
        }
    }
    modifiers
}

#[cfg(test)]
mod tests;
