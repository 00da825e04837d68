//! The generator's random draws and shares: how cards split over decks, the
//! grade a learner gives, how long an answer takes. Pure, and using nothing
//! of the generator's own, so `tests/scale.rs` compiles this file too and
//! runs its unit tests (cargo builds examples for `cargo test` but runs no
//! tests of theirs).

use iskra::sched::{CardState, Rating};
use iskra::session::review::MAX_ANSWER_MS;
use rand::{RngExt, rngs::StdRng};

/// Splits `total` into parts proportional to `weights`, summing exactly to it.
pub fn split(total: u64, weights: &[f64]) -> Vec<u64> {
    let mut left = total;
    let mut weight_left: f64 = weights.iter().sum();
    weights
        .iter()
        .enumerate()
        .map(|(i, &w)| {
            let part = if i + 1 == weights.len() || weight_left <= 0.0 {
                left
            } else {
                ((left as f64 * w / weight_left).round() as u64).min(left)
            };
            left -= part;
            weight_left -= w;
            part
        })
        .collect()
}

/// A realistic grade for a card in `state` whose reviews fail with `p_again`.
pub fn draw_rating(state: CardState, p_again: f64, rng: &mut StdRng) -> Rating {
    let (again, hard, easy) = match state {
        CardState::New => (0.1 + p_again, 0.07, 0.08),
        CardState::Learning | CardState::Relearning => (0.05 + p_again, 0.06, 0.03),
        CardState::Review => (p_again, 0.05, 0.07),
    };
    let u: f64 = rng.random();
    if u < again {
        Rating::Again
    } else if u < again + hard {
        Rating::Hard
    } else if u >= 1.0 - easy {
        Rating::Easy
    } else {
        Rating::Good
    }
}

/// Time to answer: mostly 2-10 s, a long tail, failures slower.
pub fn draw_duration(rating: Rating, rng: &mut StdRng) -> u32 {
    let u: f64 = rng.random();
    let ms = 1_500.0 + 18_000.0 * u * u;
    let ms = if rating == Rating::Again { ms * 1.5 } else { ms };
    ms.min(MAX_ANSWER_MS as f64) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn split_is_exact_and_proportional() {
        assert_eq!(split(10, &[1.0, 1.0]), vec![5, 5]);
        assert_eq!(split(7, &[1.0, 2.0, 4.0]), vec![1, 2, 4]);
        assert_eq!(split(0, &[1.0, 3.0]), vec![0, 0]);
        let parts = split(1_000_003, &[0.3, 1.7, 2.2, 0.01]);
        assert_eq!(parts.iter().sum::<u64>(), 1_000_003);
    }

    #[test]
    fn grades_follow_the_intended_mix() {
        let mut rng = StdRng::seed_from_u64(3);
        let mut counts = [0u32; 4];
        for _ in 0..20_000 {
            counts[draw_rating(CardState::Review, 0.12, &mut rng) as usize - 1] += 1;
        }
        let share = |n: u32| f64::from(n) / 20_000.0;
        assert!((share(counts[0]) - 0.12).abs() < 0.015, "{counts:?}");
        assert!((share(counts[1]) - 0.05).abs() < 0.01, "{counts:?}");
        assert!((share(counts[3]) - 0.07).abs() < 0.01, "{counts:?}");
    }
}
