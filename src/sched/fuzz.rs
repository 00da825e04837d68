//! Interval fuzz as Anki applies it: review intervals of 2.5 days or more
//! are spread over a range that grows by 15% of the part of the interval
//! between 2.5 and 7 days, 10% of the part between 7 and 20 days and 5% of
//! the part above 20 days (plus one day). The point in the range comes from a
//! factor in [0, 1) seeded by the card id and its review count, so the same
//! answer always gets the same interval. A learning step gets a random extra
//! delay from the same seed: up to 25% of the step, at most 5 minutes
//! (Anki's `learning_ivl_with_fuzz`).

use rand::{RngExt, SeedableRng, rngs::StdRng};

struct FuzzRange {
    start: f32,
    end: f32,
    factor: f32,
}

const FUZZ_RANGES: [FuzzRange; 3] = [
    FuzzRange {
        start: 2.5,
        end: 7.0,
        factor: 0.15,
    },
    FuzzRange {
        start: 7.0,
        end: 20.0,
        factor: 0.1,
    },
    FuzzRange {
        start: 20.0,
        end: f32::MAX,
        factor: 0.05,
    },
];

/// The seed of a card's fuzz at a given review count (its reviews before
/// the answer), as Anki seeds it: the card id plus the count.
pub fn fuzz_seed(card_id: i64, reps: u32) -> u64 {
    (card_id as u64).wrapping_add(u64::from(reps))
}

/// The reproducible fuzz factor of a card at a given review count.
pub fn fuzz_factor(card_id: i64, reps: u32) -> f32 {
    StdRng::seed_from_u64(fuzz_seed(card_id, reps)).random_range(0.0..1.0)
}

/// A learning step of `secs` with its extra delay drawn with `seed`: up to
/// 25% of the step, at most 300 seconds, whole seconds.
pub fn step_with_delay(secs: u32, seed: u64) -> u32 {
    let upper_exclusive = secs + ((secs as f32) * 0.25).min(300.0).floor() as u32;
    if secs >= upper_exclusive {
        secs
    } else {
        StdRng::seed_from_u64(seed).random_range(secs..upper_exclusive)
    }
}

fn fuzz_delta(interval: f32) -> f32 {
    if interval < 2.5 {
        return 0.0;
    }
    FUZZ_RANGES.iter().fold(1.0, |delta, range| {
        delta + range.factor * (interval.min(range.end) - range.start).max(0.0)
    })
}

/// The top of an interval's fuzz range before any minimum or maximum applies.
pub fn unconstrained_upper_bound(interval: f32) -> u32 {
    (interval + fuzz_delta(interval)).round() as u32
}

/// The range of days a fuzzed interval may fall in, kept within
/// `minimum..=maximum`.
pub fn fuzz_bounds(interval: f32, minimum: u32, maximum: u32) -> (u32, u32) {
    let minimum = minimum.min(maximum);
    let interval = interval.clamp(minimum as f32, maximum as f32);
    let delta = fuzz_delta(interval);
    let lower = ((interval - delta).round() as u32).clamp(minimum, maximum);
    let mut upper = ((interval + delta).round() as u32).clamp(minimum, maximum);
    if upper == lower && upper > 2 && upper < maximum {
        upper = lower + 1;
    }
    (lower, upper)
}

/// Applies fuzz to an interval in days; without a factor only the bounds apply.
pub fn fuzzed_interval(interval: f32, minimum: u32, maximum: u32, factor: Option<f32>) -> u32 {
    match factor {
        Some(factor) => {
            let (lower, upper) = fuzz_bounds(interval, minimum, maximum);
            lower + (factor * (1 + upper - lower) as f32).floor() as u32
        }
        None => (interval.round() as u32).clamp(minimum.min(maximum), maximum),
    }
    .min(maximum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_intervals_are_not_fuzzed() {
        assert_eq!(fuzz_bounds(1.0, 1, 36_500), (1, 1));
        assert_eq!(fuzz_bounds(2.0, 1, 36_500), (2, 2));
        for seed in 0..50 {
            assert_eq!(fuzzed_interval(2.0, 1, 36_500, Some(fuzz_factor(seed, 3))), 2);
        }
    }

    #[test]
    fn fuzz_ranges_grow_per_band() {
        // 5 days: delta = 1 + 0.15 * 2.5 = 1.375 -> 3.6..6.4 -> 4..6
        assert_eq!(fuzz_bounds(5.0, 1, 36_500), (4, 6));
        // 10 days: 1 + 0.15*4.5 + 0.1*3 = 1.975 -> 8..12
        assert_eq!(fuzz_bounds(10.0, 1, 36_500), (8, 12));
        // 100 days: 1 + 0.675 + 1.3 + 0.05*80 = 6.975 -> 93..107
        assert_eq!(fuzz_bounds(100.0, 1, 36_500), (93, 107));
        // the maximum caps the range
        assert_eq!(fuzz_bounds(100.0, 1, 100), (93, 100));
        // the minimum lifts the interval and its range; a collapsed range is widened
        assert_eq!(fuzz_bounds(5.0, 6, 36_500), (6, 8));
        assert_eq!(fuzz_bounds(2.0, 3, 36_500), (3, 4));
        // Anki's own test values (lower/upper)
        assert_eq!(fuzz_bounds(2.5, 1, 36_500), (2, 4));
        assert_eq!(fuzz_bounds(7.0, 1, 36_500), (5, 9));
        assert_eq!(fuzz_bounds(17.0, 1, 36_500), (14, 20));
        assert_eq!(fuzz_bounds(37.0, 1, 36_500), (33, 41));
        assert_eq!(fuzz_bounds(100.0, 101, 36_500), (101, 108));
    }

    #[test]
    fn step_delays_stay_within_a_quarter_and_five_minutes() {
        let delays = |secs: u32| -> (u32, u32) {
            let all: Vec<u32> = (0..2_000).map(|seed| step_with_delay(secs, seed)).collect();
            (*all.iter().min().unwrap(), *all.iter().max().unwrap())
        };
        // Anki's measured ranges: 1m +0-14 s, 10m +0-149 s, 15m +0-224 s.
        assert_eq!(delays(60), (60, 74));
        assert_eq!(delays(600), (600, 749));
        assert_eq!(delays(900), (900, 1_124));
        assert_eq!(delays(86_400), (86_400, 86_699), "at most 5 minutes");
        assert_eq!(delays(3), (3, 3), "too short for a delay");
        assert_eq!(step_with_delay(600, 42), step_with_delay(600, 42));
    }

    #[test]
    fn fuzz_covers_the_range_and_is_reproducible() {
        let seen: std::collections::BTreeSet<u32> = (0..200)
            .map(|id| fuzzed_interval(10.0, 1, 36_500, Some(fuzz_factor(id, 4))))
            .collect();
        assert_eq!(seen.iter().copied().collect::<Vec<_>>(), vec![8, 9, 10, 11, 12]);
        assert_eq!(fuzz_factor(42, 7), fuzz_factor(42, 7));
        assert_ne!(fuzz_factor(42, 7), fuzz_factor(42, 8));
    }
}
