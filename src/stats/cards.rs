//! Statistics from the cards as they are now: counts by state, the forecast,
//! histograms of intervals, stability, difficulty and retrievability, and the
//! review cards still waiting since the day they fell due. One pass over the
//! live cards of the scope.

use chrono::TimeZone;

use std::cmp::Ordering;

use super::{
    Bin, CardCounts, DayCount, Distributions, FORECAST_DAYS, HARDEST, Histogram, LEECHES_LISTED, MATURE_DAYS,
    retrievability,
};
use crate::clock::{Clock, DayNumber, date_of_day};
use crate::error::Result;
use crate::store::stats::{Scope, StatsCardRow};
use crate::store::{DAY_DUE_LIMIT, Store, queue};

/// Lower bounds of the day bins (intervals and stability).
const DAY_EDGES: [f64; 14] = [
    0.0, 1.0, 2.0, 3.0, 4.0, 7.0, 14.0, 21.0, 30.0, 60.0, 90.0, 180.0, 365.0, 730.0,
];
const DAY_LABELS: [&str; 14] = [
    "<1",
    "1",
    "2",
    "3",
    "4–6",
    "7–13",
    "14–20",
    "21–29",
    "30–59",
    "60–89",
    "90–179",
    "180–364",
    "365–729",
    "730+",
];

/// `cards.state` values.
mod state {
    pub const NEW: i64 = 0;
    pub const LEARNING: i64 = 1;
    pub const REVIEW: i64 = 2;
    pub const RELEARNING: i64 = 3;
}

/// The cards' statistics.
#[derive(Debug, Clone)]
pub(super) struct CardStats {
    pub counts: CardCounts,
    /// Cards due on each of the forecast's days, today first.
    forecast: Vec<u32>,
    pub distributions: Distributions,
    /// Review cards due today or earlier, by the day they fell due.
    pub waiting: Vec<(DayNumber, u32)>,
    /// How many cards are leeches, and the ids of those with the most lapses.
    pub leech_count: u32,
    pub leeches: Vec<i64>,
    /// Ids of the cards with the highest difficulty.
    pub hardest: Vec<i64>,
}

/// A card as the leech and hardest lists rank it.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    id: i64,
    lapses: i64,
    difficulty: Option<f64>,
}

/// Most lapses first, then the most difficult (unstudied last), then by id.
fn by_lapses(a: &Ranked, b: &Ranked) -> Ordering {
    b.lapses
        .cmp(&a.lapses)
        .then_with(|| by_difficulty_only(a, b))
        .then(a.id.cmp(&b.id))
}

/// The most difficult first, then most lapses, then by id.
fn by_difficulty(a: &Ranked, b: &Ranked) -> Ordering {
    by_difficulty_only(a, b)
        .then(b.lapses.cmp(&a.lapses))
        .then(a.id.cmp(&b.id))
}

fn by_difficulty_only(a: &Ranked, b: &Ranked) -> Ordering {
    match (a.difficulty, b.difficulty) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The first `n` of `items` in `order`, sorted.
fn top(mut items: Vec<Ranked>, n: usize, order: fn(&Ranked, &Ranked) -> Ordering) -> Vec<i64> {
    if items.len() > n && n > 0 {
        items.select_nth_unstable_by(n - 1, order);
        items.truncate(n);
    }
    items.sort_by(order);
    items.iter().take(n).map(|r| r.id).collect()
}

/// Values collected for the histograms.
#[derive(Default)]
struct Values {
    intervals: Vec<f64>,
    stability: Vec<f64>,
    difficulty: Vec<f64>,
    retrievability: Vec<f64>,
}

impl CardStats {
    pub fn compute(
        store: &Store,
        scope: Scope,
        today: DayNumber,
        decay: f32,
        leech_lapses: u32,
        clock: &Clock<impl TimeZone>,
    ) -> Result<CardStats> {
        let mut stats = CardStats {
            counts: CardCounts::default(),
            forecast: vec![0; FORECAST_DAYS as usize],
            distributions: Distributions::empty(),
            waiting: Vec::new(),
            leech_count: 0,
            leeches: Vec::new(),
            hardest: Vec::new(),
        };
        let mut values = Values::default();
        let mut waiting = std::collections::BTreeMap::new();
        let (mut leeches, mut studied) = (Vec::new(), Vec::new());
        store.stats_cards(scope, |card| {
            stats.count(card);
            stats.add_to_forecast(card, today, clock);
            if card.state == state::REVIEW && card.queue != queue::SUSPENDED && card.due <= today {
                *waiting.entry(card.due).or_insert(0) += 1;
            }
            values.add(card, today, decay);
            let ranked = Ranked {
                id: card.id,
                lapses: card.lapses,
                difficulty: card.difficulty,
            };
            if crate::sched::leech::is_leech(card.lapses, leech_lapses) {
                leeches.push(ranked);
            }
            if card.difficulty.is_some() {
                studied.push(ranked);
            }
        })?;
        stats.waiting = waiting.into_iter().collect();
        stats.distributions = values.distributions();
        stats.leech_count = leeches.len() as u32;
        stats.leeches = top(leeches, LEECHES_LISTED, by_lapses);
        stats.hardest = top(studied, HARDEST, by_difficulty);
        Ok(stats)
    }

    fn count(&mut self, card: &StatsCardRow) {
        let c = &mut self.counts;
        c.total += 1;
        let slot = match (card.queue, card.state) {
            (queue::SUSPENDED, _) => &mut c.suspended,
            (queue::BURIED, _) => &mut c.buried,
            (_, state::NEW) => &mut c.new,
            (_, state::LEARNING) => &mut c.learning,
            (_, state::RELEARNING) => &mut c.relearning,
            _ if card.interval < MATURE_DAYS => &mut c.young,
            _ => &mut c.mature,
        };
        *slot += 1;
    }

    /// Adds a card to the day it is due on (overdue cards today; buried
    /// cards no earlier than tomorrow; suspended and new cards not at all).
    fn add_to_forecast(&mut self, card: &StatsCardRow, today: DayNumber, clock: &Clock<impl TimeZone>) {
        let day = match (card.queue, card.state) {
            (queue::SUSPENDED, _) | (_, state::NEW) => return,
            (_, state::REVIEW) => card.due,
            // A day-long learning step is due on its day.
            _ if card.due < DAY_DUE_LIMIT => card.due,
            _ => clock.day_of_ms(card.due),
        };
        let earliest = if card.queue == queue::BURIED { today + 1 } else { today };
        if let Ok(i) = usize::try_from(day.max(earliest) - today)
            && let Some(count) = self.forecast.get_mut(i)
        {
            *count += 1;
        }
    }

    /// The forecast as dated counts.
    pub fn forecast(&self, today: DayNumber) -> Vec<DayCount> {
        self.forecast
            .iter()
            .enumerate()
            .map(|(i, &count)| DayCount {
                date: date_of_day(today + i as DayNumber),
                count,
            })
            .collect()
    }
}

impl Values {
    fn add(&mut self, card: &StatsCardRow, today: DayNumber, decay: f32) {
        if matches!(card.state, state::REVIEW | state::RELEARNING) {
            self.intervals.push(card.interval as f64);
        }
        if let (Some(s), Some(d)) = (card.stability, card.difficulty) {
            self.stability.push(s);
            self.difficulty.push(difficulty_percent(d));
            if let Some(r) = retrievability(card.stability, card.difficulty, card.last_review_day, today, decay) {
                self.retrievability.push(r * 100.0);
            }
        }
    }

    fn distributions(&self) -> Distributions {
        Distributions {
            intervals: Histogram::of_days(&self.intervals),
            stability: Histogram::of_days(&self.stability),
            difficulty: Histogram::of_percent(&self.difficulty),
            retrievability: Histogram::of_percent(&self.retrievability),
        }
    }
}

/// FSRS difficulty (1–10) as Anki shows it: 0–100%.
pub fn difficulty_percent(difficulty: f64) -> f64 {
    ((difficulty - 1.0) / 9.0 * 100.0).clamp(0.0, 100.0)
}

impl Distributions {
    fn empty() -> Distributions {
        Distributions {
            intervals: Histogram::of_days(&[]),
            stability: Histogram::of_days(&[]),
            difficulty: Histogram::of_percent(&[]),
            retrievability: Histogram::of_percent(&[]),
        }
    }
}

impl Histogram {
    /// Day values in the bins `<1, 1, 2, 3, 4–6, 7–13, …, 730+`.
    fn of_days(values: &[f64]) -> Histogram {
        let bins = DAY_EDGES
            .iter()
            .zip(DAY_LABELS)
            .enumerate()
            .map(|(i, (&from, label))| Bin {
                label: label.to_string(),
                from,
                to: DAY_EDGES.get(i + 1).copied(),
                count: 0,
            })
            .collect();
        Histogram::fill(bins, values)
    }

    /// Percentages in ten bins `0–10%, …, 90–100%` (100 goes in the last).
    fn of_percent(values: &[f64]) -> Histogram {
        let bins = (0..10)
            .map(|i| Bin {
                label: format!("{}–{}%", i * 10, i * 10 + 10),
                from: f64::from(i * 10),
                to: Some(f64::from(i * 10 + 10)),
                count: 0,
            })
            .collect();
        Histogram::fill(bins, values)
    }

    fn fill(mut bins: Vec<Bin>, values: &[f64]) -> Histogram {
        for &value in values {
            // The last bin whose lower bound the value reaches (values below
            // the first bound go in the first bin).
            let i = bins.iter().rposition(|b| value >= b.from).unwrap_or(0);
            bins[i].count += 1;
        }
        let count = values.len() as u32;
        let mean = (count > 0).then(|| values.iter().sum::<f64>() / f64::from(count));
        Histogram { bins, count, mean }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_bins_split_young_from_mature() {
        let h = Histogram::of_days(&[0.0, 1.0, 1.5, 20.0, 21.0, 800.0]);
        let counts: Vec<(&str, u32)> = h.bins.iter().map(|b| (b.label.as_str(), b.count)).collect();
        assert_eq!(&counts[..3], &[("<1", 1), ("1", 2), ("2", 0)]);
        assert_eq!(counts[6], ("14–20", 1));
        assert_eq!(counts[7], ("21–29", 1));
        assert_eq!(counts[13], ("730+", 1));
        assert_eq!(h.bins[13].to, None);
        assert_eq!(h.count, 6);
    }

    #[test]
    fn percent_bins_include_both_ends() {
        let h = Histogram::of_percent(&[0.0, 9.99, 10.0, 100.0]);
        assert_eq!(h.bins[0].count, 2);
        assert_eq!(h.bins[1].count, 1);
        assert_eq!(h.bins[9].count, 1);
        assert!((h.mean.unwrap() - 29.9975).abs() < 1e-9);
        assert_eq!(Histogram::of_percent(&[]).mean, None);
    }

    #[test]
    fn leeches_and_the_hardest_cards_are_ranked() {
        let r = |id, lapses, difficulty| Ranked { id, lapses, difficulty };
        let cards = vec![
            r(1, 9, Some(5.0)),
            r(2, 12, None),
            r(3, 9, Some(7.0)),
            r(4, 9, Some(7.0)),
            r(5, 8, None),
        ];
        assert_eq!(top(cards.clone(), 100, by_lapses), [2, 3, 4, 1, 5]);
        assert_eq!(top(cards.clone(), 2, by_lapses), [2, 3]);
        let studied: Vec<Ranked> = cards.into_iter().filter(|c| c.difficulty.is_some()).collect();
        assert_eq!(top(studied.clone(), 2, by_difficulty), [3, 4]);
        assert_eq!(top(studied, 10, by_difficulty), [3, 4, 1]);
        assert!(top(Vec::new(), 10, by_difficulty).is_empty());
    }

    #[test]
    fn difficulty_reads_as_anki_shows_it() {
        assert_eq!(difficulty_percent(1.0), 0.0);
        assert_eq!(difficulty_percent(10.0), 100.0);
        assert!((difficulty_percent(5.5) - 50.0).abs() < 1e-9);
    }
}
