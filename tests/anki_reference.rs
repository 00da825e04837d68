//! Scheduler against real Anki: replays every case of
//! `tests/reference/anki_cases.json` (made by `tests/reference/anki_reference.py`
//! with Anki 26.x, FSRS on) through iskra's scheduler and checks, after each
//! answer, the card state, stability, difficulty, elapsed days, reps and
//! lapses, the unfuzzed review interval and learning-step delay, and — with
//! fuzz on — the fuzzed interval Anki really scheduled; in both runs the
//! card's due as Anki stored it: the exact instant of a learning step (with
//! Anki's extra step delay when fuzzed), or the study day of a review or of
//! a step that reached the next study day (Anki's interday learning queue).

use chrono::{DateTime, Utc};
use iskra::clock::Clock;
use iskra::sched::{CardState, Due, Moment, NextIn, Rating, SchedConfig, Schedule, Scheduler};
use serde::Deserialize;

#[derive(Deserialize)]
struct Reference {
    anki_version: String,
    params: Vec<f32>,
    desired_retention: f32,
    learning_steps_secs: Vec<u32>,
    relearning_steps_secs: Vec<u32>,
    maximum_interval_days: u32,
    rollover_hour: u32,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    card_id: i64,
    reviews: Vec<Review>,
}

#[derive(Deserialize)]
struct Review {
    at: DateTime<Utc>,
    rating: u8,
    state: String,
    stability: f32,
    difficulty: f32,
    interval_days: Option<u32>,
    unfuzzed_interval_days: Option<u32>,
    unfuzzed_step_delay_secs: Option<u32>,
    elapsed_days: Option<u32>,
    reps: u32,
    lapses: u32,
    /// Anki's day number at the answer.
    anki_day: i64,
    /// `cards.queue` and `cards.due` after the answer (1: a timestamp in
    /// seconds; 2 and 3: an Anki day number), in the real and the unfuzzed run.
    card_queue: i64,
    card_due: i64,
    unfuzzed_card_queue: i64,
    unfuzzed_card_due: i64,
}

fn load() -> Reference {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/anki_cases.json");
    let text = std::fs::read_to_string(path).expect("tests/reference/anki_cases.json is in the repository");
    serde_json::from_str(&text).expect("reference cases parse")
}

fn scheduler(reference: &Reference, fuzz: bool) -> Scheduler {
    Scheduler::new(SchedConfig {
        parameters: reference.params.clone(),
        desired_retention: reference.desired_retention,
        max_interval: reference.maximum_interval_days,
        learn_steps_secs: reference.learning_steps_secs.clone(),
        relearn_steps_secs: reference.relearning_steps_secs.clone(),
        fuzz,
        // The reference runs had Anki's load balancer off.
        load_balancer: false,
        ..SchedConfig::default()
    })
    .unwrap()
}

/// Replays all cases; returns one line per mismatch.
fn replay(reference: &Reference, fuzz: bool) -> (usize, Vec<String>) {
    let sched = scheduler(reference, fuzz);
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for case in &reference.cases {
        let mut card = Schedule::new_card(1);
        for (i, review) in case.reviews.iter().enumerate() {
            let clock = Clock::new(review.at, Utc, reference.rollover_hour);
            let at = Moment::of(&clock);
            let rating = Rating::from_number(review.rating).expect("rating 1-4");
            let answered = sched.answer(&card, case.card_id, rating, at, None).unwrap();
            let next = &answered.next;
            let memory = next.memory.expect("answered cards have a memory state");
            let mut check = |what: &str, ok: bool, ours: String, anki: String| {
                checked += 1;
                if !ok {
                    mismatches.push(format!("{} #{} ({what}): iskra {ours}, Anki {anki}", case.name, i + 1));
                }
            };
            let state = match next.state {
                CardState::New => "new",
                CardState::Learning => "learning",
                CardState::Review => "review",
                CardState::Relearning => "relearning",
            };
            check("state", state == review.state, state.into(), review.state.clone());
            check(
                "stability",
                (memory.stability - review.stability).abs() <= 1e-4 * review.stability.max(1.0),
                memory.stability.to_string(),
                review.stability.to_string(),
            );
            check(
                "difficulty",
                (memory.difficulty - review.difficulty).abs() <= 1e-4,
                memory.difficulty.to_string(),
                review.difficulty.to_string(),
            );
            check(
                "reps",
                next.reps == review.reps,
                next.reps.to_string(),
                review.reps.to_string(),
            );
            check(
                "lapses",
                next.lapses == review.lapses,
                next.lapses.to_string(),
                review.lapses.to_string(),
            );
            if let Some(elapsed) = review.elapsed_days {
                check(
                    "elapsed days",
                    answered.elapsed_days == elapsed,
                    answered.elapsed_days.to_string(),
                    elapsed.to_string(),
                );
            }
            let expected_days = if fuzz {
                review.interval_days
            } else {
                review.unfuzzed_interval_days
            };
            match (answered.next_in, expected_days, review.unfuzzed_step_delay_secs) {
                (NextIn::Days(ours), Some(anki), _) => {
                    check("interval", ours == anki, format!("{ours}d"), format!("{anki}d"))
                }
                (NextIn::Seconds(ours), None, Some(anki)) if !fuzz => {
                    check("step delay", ours == anki, format!("{ours}s"), format!("{anki}s"))
                }
                (NextIn::Seconds(_), None, _) => {}
                // A step that reaches the next study day: checked by its due below.
                (NextIn::Days(_), None, None) => {}
                (ours, anki_days, anki_secs) => check(
                    "next",
                    false,
                    format!("{ours:?}"),
                    format!("{anki_days:?}d / {anki_secs:?}s"),
                ),
            }
            let (queue, due) = if fuzz {
                (review.card_queue, review.card_due)
            } else {
                (review.unfuzzed_card_queue, review.unfuzzed_card_due)
            };
            let anki_due = match queue {
                1 => Due::At(due * 1000),
                2 | 3 => Due::Day(at.today + (due - review.anki_day)),
                other => panic!("{} #{}: Anki queue {other}", case.name, i + 1),
            };
            check(
                "due",
                next.due == anki_due,
                format!("{:?}", next.due),
                format!("{anki_due:?} (queue {queue})"),
            );
            card = next.clone();
        }
    }
    (checked, mismatches)
}

#[test]
fn reference_file_is_from_anki_26() {
    let reference = load();
    assert!(reference.anki_version.starts_with("26."), "{}", reference.anki_version);
    assert!(reference.cases.len() >= 12);
    let names: Vec<_> = reference.cases.iter().map(|c| c.name.as_str()).collect();
    for needed in [
        "lapse_then_relearn",
        "overdue_3x",
        "early_half_interval",
        "rollover_0330",
        "learn_hard_first_step",
    ] {
        assert!(names.contains(&needed), "missing case {needed}");
    }
}

#[test]
fn unfuzzed_schedule_matches_anki() {
    let (checked, mismatches) = replay(&load(), false);
    assert!(checked > 500, "only {checked} checks ran");
    assert!(
        mismatches.is_empty(),
        "{} of {checked} checks differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn fuzzed_intervals_match_anki() {
    let (checked, mismatches) = replay(&load(), true);
    assert!(checked > 500, "only {checked} checks ran");
    assert!(
        mismatches.is_empty(),
        "{} of {checked} checks differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
