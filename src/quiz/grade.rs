//! Automatic grades for answers checked by a quiz: wrong → Again; close
//! (a typo) or slow → Hard; right → Good; right and fast → Easy. "Fast" and
//! "slow" are [`Thresholds`], stored in the collection's settings
//! (`iskra config quiz-fast-secs 6`, `quiz-slow-secs 20`).

use super::matcher::Verdict;
use crate::sched::Rating;
pub use crate::settings::Thresholds;

/// The grade an answer earns, given how long it took.
pub fn auto_rating(verdict: &Verdict, duration_ms: i64, thresholds: &Thresholds) -> Rating {
    let secs_ms = |secs: u32| i64::from(secs) * 1000;
    match verdict {
        Verdict::Wrong => Rating::Again,
        Verdict::Close { .. } => Rating::Hard,
        _ if duration_ms > secs_ms(thresholds.slow_secs) => Rating::Hard,
        _ if duration_ms <= secs_ms(thresholds.fast_secs) => Rating::Easy,
        _ => Rating::Good,
    }
}

/// A card's first-ever answer is never graded Easy automatically: a new card
/// follows its learning steps unless the learner presses 4 themselves.
pub fn first_answer_cap(auto: Rating, first_answer: bool) -> Rating {
    if auto == Rating::Easy && first_answer {
        Rating::Good
    } else {
        auto
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_follow_verdict_and_time() {
        let t = Thresholds::default();
        let close = Verdict::Close {
            form: "x".into(),
            typos: 1,
        };
        let alternative = Verdict::Alternative { form: "x".into() };
        let cases = [
            (Verdict::Wrong, 1_000, Rating::Again),
            (Verdict::Wrong, 60_000, Rating::Again),
            (close.clone(), 1_000, Rating::Hard),
            (close, 10_000, Rating::Hard),
            (Verdict::Exact, 6_000, Rating::Easy),
            (Verdict::Exact, 6_001, Rating::Good),
            (alternative.clone(), 20_000, Rating::Good),
            (alternative, 20_001, Rating::Hard),
            (Verdict::Exact, 45_000, Rating::Hard),
        ];
        for (verdict, ms, want) in cases {
            assert_eq!(auto_rating(&verdict, ms, &t), want, "{verdict:?} in {ms} ms");
        }
        let strict = Thresholds {
            fast_secs: 2,
            slow_secs: 5,
        };
        assert_eq!(auto_rating(&Verdict::Exact, 3_000, &strict), Rating::Good);
        assert_eq!(auto_rating(&Verdict::Exact, 6_000, &strict), Rating::Hard);
    }

    #[test]
    fn a_first_answer_is_never_easy_automatically() {
        assert_eq!(first_answer_cap(Rating::Easy, true), Rating::Good);
        assert_eq!(first_answer_cap(Rating::Easy, false), Rating::Easy);
        assert_eq!(first_answer_cap(Rating::Hard, true), Rating::Hard);
    }
}
