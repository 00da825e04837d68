//! Scheduler tests: learning steps, lapses, overdue and early reviews, the
//! study-day boundary and a daylight-saving change. Values of S and D are
//! compared against the `fsrs` crate's own next_states (the maths is the
//! crate's; what is tested here is the step and interval logic around it).

use super::*;
use crate::clock::Clock;
use chrono::{DateTime, Utc};

fn sched(fuzz: bool) -> Scheduler {
    Scheduler::new(SchedConfig {
        fuzz,
        ..SchedConfig::default()
    })
    .unwrap()
}

fn utc(text: &str) -> DateTime<Utc> {
    crate::clock::parse_now(text).unwrap()
}

fn at(text: &str) -> Moment {
    Moment::of(&Clock::new(utc(text), Utc, 4))
}

fn answer(s: &Scheduler, card: &Schedule, rating: Rating, when: &str) -> Answered {
    s.answer(card, 7, rating, at(when), None).unwrap()
}

fn defaults() -> FSRS {
    FSRS::new(&[]).unwrap()
}

#[test]
fn new_card_buttons_follow_anki_learning_steps() {
    let s = sched(false);
    let card = Schedule::new_card(1);
    let [again, hard, good, easy] = s.preview(&card, 7, at("2026-01-10T10:00:00Z"), None).unwrap();
    assert_eq!(again.next_in, NextIn::Seconds(60));
    assert_eq!(
        hard.next_in,
        NextIn::Seconds(330),
        "hard on the first step waits halfway to the second"
    );
    assert_eq!(good.next_in, NextIn::Seconds(600));
    assert_eq!((good.next.state, good.next.remaining_steps), (CardState::Learning, 1));
    assert_eq!(again.kind, ReviewKind::Learning);
    // Easy graduates at once, with FSRS's easy interval (8.2956 days -> 8).
    assert_eq!(easy.next_in, NextIn::Days(8));
    assert_eq!(easy.next.state, CardState::Review);
    // Memory state is the crate's first-review state, stored to 3 decimals.
    let first = defaults().next_states(None, 0.9, 0).unwrap();
    assert_eq!(good.next.memory.unwrap(), stored_memory(first.good.memory));
    assert_eq!(easy.next.memory.unwrap(), stored_memory(first.easy.memory));
}

#[test]
fn good_good_graduates_with_the_fsrs_good_interval() {
    let s = sched(false);
    let step1 = answer(&s, &Schedule::new_card(1), Rating::Good, "2026-01-10T10:00:00Z");
    assert_eq!(step1.next.due, Due::At(at("2026-01-10T10:10:00Z").now_ms));
    let graduated = answer(&s, &step1.next, Rating::Good, "2026-01-10T10:10:00Z");
    let same_day = defaults().next_states(step1.next.memory, 0.9, 0).unwrap();
    let expected = same_day.good.interval.round().max(1.0) as u32;
    assert_eq!(graduated.next_in, NextIn::Days(expected));
    assert_eq!(graduated.next.state, CardState::Review);
    assert_eq!(
        graduated.next.due,
        Due::Day(at("2026-01-10T10:10:00Z").today + i64::from(expected))
    );
    assert_eq!(graduated.next.reps, 2);
    assert_eq!(graduated.elapsed_days, 0);
}

#[test]
fn hard_on_second_step_repeats_it_and_again_restarts() {
    let s = sched(false);
    let step1 = answer(&s, &Schedule::new_card(1), Rating::Good, "2026-01-10T10:00:00Z");
    let hard = answer(&s, &step1.next, Rating::Hard, "2026-01-10T10:10:00Z");
    assert_eq!((hard.next_in, hard.next.remaining_steps), (NextIn::Seconds(600), 1));
    let again = answer(&s, &hard.next, Rating::Again, "2026-01-10T10:20:00Z");
    assert_eq!((again.next_in, again.next.remaining_steps), (NextIn::Seconds(60), 2));
}

/// A graduated review card: S 10, D 5, interval 10 days, last reviewed on
/// 2026-01-10.
fn review_card() -> Schedule {
    Schedule {
        state: CardState::Review,
        remaining_steps: 0,
        memory: Some(MemoryState {
            stability: 10.0,
            difficulty: 5.0,
        }),
        interval: 10,
        due: Due::Day(at("2026-01-20T10:00:00Z").today),
        last_review_day: Some(at("2026-01-10T10:00:00Z").today),
        reps: 3,
        lapses: 0,
    }
}

#[test]
fn lapse_goes_to_relearning_and_back() {
    let s = sched(false);
    let card = review_card();
    let lapse = answer(&s, &card, Rating::Again, "2026-01-20T10:00:00Z");
    assert_eq!(lapse.kind, ReviewKind::Review);
    assert_eq!(lapse.next.state, CardState::Relearning);
    assert_eq!(lapse.next.lapses, 1);
    assert_eq!(lapse.next_in, NextIn::Seconds(600));
    let states = defaults().next_states(card.memory, 0.9, 10).unwrap();
    assert_eq!(lapse.next.interval, states.again.interval.round().max(1.0) as u32);

    let hard = answer(&s, &lapse.next, Rating::Hard, "2026-01-20T10:10:00Z");
    assert_eq!(hard.kind, ReviewKind::Relearning);
    assert_eq!(hard.next_in, NextIn::Seconds(900), "hard on a single step waits 1.5x");
    let again = answer(&s, &hard.next, Rating::Again, "2026-01-20T10:25:00Z");
    assert_eq!(
        (again.next_in, again.next.lapses),
        (NextIn::Seconds(600), 1),
        "no second lapse in relearning"
    );

    let back = answer(&s, &again.next, Rating::Good, "2026-01-20T10:35:00Z");
    let same_day = defaults().next_states(again.next.memory, 0.9, 0).unwrap();
    assert_eq!(back.next.state, CardState::Review);
    assert_eq!(
        back.next_in,
        NextIn::Days(same_day.good.interval.round().max(1.0) as u32)
    );
}

#[test]
fn review_intervals_are_ordered_and_use_elapsed_study_days() {
    let s = sched(false);
    let card = review_card();
    let [_, hard, good, easy] = s.preview(&card, 7, at("2026-01-20T10:00:00Z"), None).unwrap();
    let states = defaults().next_states(card.memory, 0.9, 10).unwrap();
    let days = |a: &Answered| match a.next_in {
        NextIn::Days(d) => d,
        NextIn::Seconds(_) => panic!("not a review interval"),
    };
    assert_eq!(days(&hard), states.hard.interval.round() as u32);
    assert_eq!(days(&good), (states.good.interval.round() as u32).max(days(&hard) + 1));
    assert_eq!(days(&easy), (states.easy.interval.round() as u32).max(days(&good) + 1));
    assert_eq!(good.elapsed_days, 10);
    assert_eq!(good.next.memory.unwrap(), stored_memory(states.good.memory));
}

#[test]
fn overdue_and_early_reviews_pass_the_real_elapsed_days() {
    let s = sched(false);
    let card = review_card();
    let on_time = answer(&s, &card, Rating::Good, "2026-01-20T10:00:00Z");
    let overdue = answer(&s, &card, Rating::Good, "2026-02-09T10:00:00Z");
    let early = answer(&s, &card, Rating::Good, "2026-01-15T10:00:00Z");
    assert_eq!(
        (early.elapsed_days, on_time.elapsed_days, overdue.elapsed_days),
        (5, 10, 30)
    );
    let s_of = |a: &Answered| a.next.memory.unwrap().stability;
    assert!(s_of(&early) < s_of(&on_time) && s_of(&on_time) < s_of(&overdue));
    let overdue_states = defaults().next_states(card.memory, 0.9, 30).unwrap();
    assert_eq!(s_of(&overdue), stored_memory(overdue_states.good.memory).stability);
}

#[test]
fn study_day_boundary_at_four_am() {
    let s = sched(false);
    let card = review_card(); // last reviewed on the study day of 2026-01-10
    // 03:30 on the 11th still belongs to the 10th: a same-day review.
    assert_eq!(answer(&s, &card, Rating::Good, "2026-01-11T03:30:00Z").elapsed_days, 0);
    assert_eq!(answer(&s, &card, Rating::Good, "2026-01-11T04:30:00Z").elapsed_days, 1);
}

#[test]
fn daylight_saving_day_counts_as_one_day() {
    use crate::clock::tests::SpringForward;
    let tz = SpringForward {
        switch: utc("2026-03-29T01:00:00Z"),
    };
    let sat = Clock::new(utc("2026-03-28T11:00:00Z"), tz, 4); // 12:00 local (+1)
    let sun = sat.at(utc("2026-03-29T03:00:00Z")); // 05:00 local (+2), 16 h later
    let mut card = review_card();
    card.last_review_day = Some(sat.today());
    let answered = sched(false)
        .answer(&card, 7, Rating::Good, Moment::of(&sun), None)
        .unwrap();
    assert_eq!(answered.elapsed_days, 1);
    assert_eq!(
        answered.next.due,
        Due::Day(sun.today() + i64::from(answered.next.interval))
    );
}

#[test]
fn clock_moving_backwards_is_a_same_day_review() {
    let mut card = review_card();
    card.last_review_day = Some(at("2026-01-12T10:00:00Z").today);
    assert_eq!(
        answer(&sched(false), &card, Rating::Good, "2026-01-11T10:00:00Z").elapsed_days,
        0
    );
}

#[test]
fn fuzz_is_reproducible_and_within_range() {
    let s = sched(true);
    let mut card = review_card();
    card.memory = Some(MemoryState {
        stability: 40.0,
        difficulty: 5.0,
    });
    card.interval = 40;
    let when = at("2026-02-19T10:00:00Z");
    let unfuzzed = sched(false)
        .answer(&card, 7, Rating::Good, when, None)
        .unwrap()
        .next
        .interval;
    let (lower, upper) = fuzz::fuzz_bounds(unfuzzed as f32, 41, MAX_INTERVAL_DAYS);
    let mut seen = std::collections::BTreeSet::new();
    for card_id in 0..100 {
        let a = s.answer(&card, card_id, Rating::Good, when, None).unwrap();
        let b = s.answer(&card, card_id, Rating::Good, when, None).unwrap();
        assert_eq!(a, b);
        assert!(
            (lower - 1..=upper + 1).contains(&a.next.interval),
            "{} not near {unfuzzed}",
            a.next.interval
        );
        seen.insert(a.next.interval);
    }
    assert!(seen.len() > 3, "fuzz should spread intervals: {seen:?}");
}

#[test]
fn learning_card_that_crosses_the_day_uses_one_elapsed_day() {
    let s = sched(false);
    let step1 = answer(&s, &Schedule::new_card(1), Rating::Good, "2026-01-10T03:55:00Z");
    let next = answer(&s, &step1.next, Rating::Good, "2026-01-10T04:05:00Z");
    assert_eq!(next.elapsed_days, 1);
}

/// Anki 26.09 lifts a passing interval to the card's current interval when
/// that lies within the fuzz range of FSRS's interval. Rows measured on real
/// Anki with fuzz off: (current interval, S, D, elapsed days) -> Hard/Good/Easy.
#[test]
fn passing_intervals_lift_to_the_current_interval_as_anki_26() {
    let rows: [(u32, f32, f32, i64, [u32; 3]); 13] = [
        (45, 43.9676, 5.0, 0, [45, 46, 62]),
        (45, 40.5, 5.0, 0, [45, 46, 57]),
        (100, 90.0, 5.0, 0, [90, 91, 121]),
        (100, 97.0, 5.0, 0, [100, 101, 130]),
        (45, 40.5, 9.5, 3, [45, 46, 47]),
        (100, 90.0, 5.0, 3, [100, 101, 102]),
        (100, 90.0, 9.5, 3, [91, 92, 100]),
        (10, 6.0, 9.5, 3, [7, 10, 11]),
        (100, 60.0, 9.5, 99, [81, 100, 124]),
        (100, 30.0, 5.0, 100, [100, 145, 245]),
        (45, 27.0, 9.5, 90, [45, 53, 76]),
        (45, 13.5, 9.5, 44, [22, 28, 45]),
        (45, 45.0, 9.5, 1, [45, 46, 47]),
    ];
    let s = sched(false);
    let now = at("2026-03-01T10:00:00Z");
    for (last, stability, difficulty, elapsed, expected) in rows {
        let card = Schedule {
            memory: Some(MemoryState { stability, difficulty }),
            interval: last,
            last_review_day: Some(now.today - elapsed),
            ..review_card()
        };
        let [_, hard, good, easy] = s.preview(&card, 7, now, None).unwrap();
        let got = [hard, good, easy].map(|a| a.next.interval);
        assert_eq!(
            got, expected,
            "last {last}, S {stability}, D {difficulty}, elapsed {elapsed}"
        );
    }
}

/// The minimal case (Anki 26.9.3): a new card answered Hard at
/// 03:58:29 with the rollover at 04:00 is due on the next study day, not
/// 5½ minutes later.
#[test]
fn a_step_that_reaches_the_next_study_day_becomes_a_day_long_step() {
    for fuzz in [false, true] {
        let s = sched(fuzz);
        let card = Schedule::new_card(1);
        let when = "2026-01-06T03:58:29Z";
        let hard = answer(&s, &card, Rating::Hard, when);
        let today = at(when).today;
        assert_eq!(hard.next_in, NextIn::Days(1));
        assert_eq!(hard.next.due, Due::Day(today + 1));
        assert_eq!((hard.next.state, hard.next.remaining_steps), (CardState::Learning, 2));
        assert_eq!(hard.next.interval, 0, "a learning card has no review interval");
    }
    let s = sched(false);
    let card = Schedule::new_card(1);
    // 600 s before the rollover a 10 minute step reaches it; a second earlier it does not.
    let good = answer(&s, &card, Rating::Good, "2026-01-06T03:50:00Z");
    assert_eq!(
        (good.next_in, good.next.due),
        (NextIn::Days(1), Due::Day(at("2026-01-06T03:50:00Z").today + 1))
    );
    let good = answer(&s, &card, Rating::Good, "2026-01-06T03:49:59Z");
    assert_eq!(good.next_in, NextIn::Seconds(600));
    assert_eq!(good.next.due, Due::At(at("2026-01-06T03:49:59Z").now_ms + 600_000));
    // Fractions of a second count as Anki counts them: from the whole second.
    let good = answer(&s, &card, Rating::Good, "2026-01-06T03:50:00.900Z");
    assert_eq!(good.next_in, NextIn::Days(1));
}

#[test]
fn steps_of_days_count_whole_days_from_the_next_study_day() {
    let s = Scheduler::new(SchedConfig {
        fuzz: false,
        learn_steps_secs: vec![2 * 86_400, 5 * 86_400],
        ..SchedConfig::default()
    })
    .unwrap();
    let when = "2026-01-06T10:00:00Z"; // 18 h before the rollover
    let today = at(when).today;
    let [again, hard, good, _] = s.preview(&Schedule::new_card(1), 7, at(when), None).unwrap();
    assert_eq!((again.next_in, again.next.due), (NextIn::Days(2), Due::Day(today + 2)));
    // Hard: halfway, 3.5 days, rounded to 4 whole days.
    assert_eq!((hard.next_in, hard.next.due), (NextIn::Days(4), Due::Day(today + 4)));
    assert_eq!((good.next_in, good.next.due), (NextIn::Days(5), Due::Day(today + 5)));
}

#[test]
fn a_lapse_before_the_rollover_relearns_the_next_day() {
    let s = sched(true);
    let card = review_card();
    let when = "2026-01-21T03:55:00Z";
    let again = answer(&s, &card, Rating::Again, when);
    assert_eq!(again.next.state, CardState::Relearning);
    assert_eq!(again.next.due, Due::Day(at(when).today + 1));
    assert_eq!(again.next.lapses, card.lapses + 1);
    assert!(again.next.interval >= 1, "the interval it returns to is kept");
}

#[test]
fn steps_within_the_day_get_the_extra_delay_with_fuzz_on() {
    let when = "2026-01-06T10:00:00Z";
    let now = at(when).now_ms;
    let card = Schedule::new_card(1);
    let seed = fuzz::fuzz_seed(7, 0);
    let good = answer(&sched(true), &card, Rating::Good, when);
    assert_eq!(good.next_in, NextIn::Seconds(600), "the button shows the step");
    assert_eq!(
        good.next.due,
        Due::At(now + i64::from(fuzz::step_with_delay(600, seed)) * 1000)
    );
    let Due::At(due) = good.next.due else { unreachable!() };
    assert!((600_000..750_000).contains(&(due - now)));
    // Off with fuzz, and with `learn-step-delay off`.
    assert_eq!(
        answer(&sched(false), &card, Rating::Good, when).next.due,
        Due::At(now + 600_000)
    );
    let no_delay = Scheduler::new(SchedConfig {
        learn_step_delay: false,
        ..SchedConfig::default()
    })
    .unwrap();
    assert_eq!(
        answer(&no_delay, &card, Rating::Good, when).next.due,
        Due::At(now + 600_000)
    );
}
