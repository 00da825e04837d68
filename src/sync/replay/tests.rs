use super::*;
use crate::card::{CardState as State, Due};
use crate::sched::Scheduler;
use crate::settings::SchedConfig;
use crate::sync::event::{SetSchedule, What};

const CARD: i64 = 4_503_599_627_370_497;
const T0: i64 = 1_773_136_800_000; // 2026-03-10 10:00 UTC
const DAY: i64 = 20_522;

fn config(retention: f32, leech_lapses: u32, leech_suspend: bool) -> GradeConfig {
    GradeConfig {
        scheduler: SchedConfig {
            desired_retention: retention,
            ..SchedConfig::default()
        },
        leech_lapses,
        leech_suspend,
    }
}

fn graders(configs: &[GradeConfig]) -> Graders<'static> {
    let configs = configs.to_vec();
    Graders::new(move |hash| Ok(configs.iter().find(|c| c.hash() == hash).cloned()))
}

fn state(schedule: Schedule) -> CardState {
    CardState {
        schedule: StoredSchedule::of(&schedule),
        suspended: false,
        buried_day: None,
        flag: 0,
        leech: false,
    }
}

/// An answer as a device records it: graded from `before` with `config`.
fn answer(uid: &str, at_ms: i64, day: i64, before: &StoredSchedule, rating: Rating, config: &GradeConfig) -> CardEvent {
    let graded = Scheduler::new(config.scheduler.clone())
        .unwrap()
        .answer(
            &before.schedule(),
            CARD,
            rating,
            Moment {
                now_ms: at_ms,
                today: day,
                next_day_ms: i64::MAX,
            },
            None,
        )
        .unwrap();
    CardEvent {
        uid: uid.into(),
        at_ms,
        what: What::Answer(Answer {
            rating: rating.number(),
            ms: 5_000,
            day,
            kind: graded.kind as i64,
            elapsed: graded.elapsed_days,
            config: config.hash(),
            before: before.clone(),
            after: StoredSchedule::of(&graded.next),
            leech: false,
            leech_suspend: false,
        }),
    }
}

fn after_of(event: &CardEvent) -> StoredSchedule {
    match &event.what {
        What::Answer(a) => a.after.clone(),
        other => panic!("not an answer: {other:?}"),
    }
}

fn event(uid: &str, at_ms: i64, what: What) -> CardEvent {
    CardEvent {
        uid: uid.into(),
        at_ms,
        what,
    }
}

#[test]
fn an_answer_that_saw_the_one_before_is_taken_as_recorded() {
    let cfg = config(0.9, 8, false);
    // The later device grades with other settings: its result is kept as it is.
    let other = config(0.8, 8, false);
    let base = state(Schedule::new_card(1));
    let a = answer("a", T0, DAY, &base.schedule, Rating::Good, &cfg);
    let b = answer("b", T0 + 600_000, DAY, &after_of(&a), Rating::Good, &other);
    let out = replay(&base, &[a.clone(), b.clone()], CARD, &mut graders(&[cfg, other])).unwrap();
    assert_eq!(out.regraded, 0);
    assert_eq!(out.state.schedule, after_of(&b));
    assert_eq!(out.log.len(), 2);
    assert_eq!(StoredSchedule::of(&out.log[1].1.before).state, after_of(&a).state);
}

#[test]
fn concurrent_answers_both_count_and_the_later_is_graded_from_the_earlier() {
    let cfg = config(0.9, 8, false);
    let review = Schedule {
        state: State::Review,
        memory: Some(fsrs::MemoryState {
            stability: 12.0,
            difficulty: 5.0,
        }),
        interval: 10,
        due: Due::Day(DAY),
        last_review_day: Some(DAY - 10),
        reps: 4,
        ..Schedule::new_card(0)
    };
    let base = state(review);
    // Both devices answered the review card offline, from the same state.
    let a = answer("a", T0, DAY, &base.schedule, Rating::Again, &cfg);
    let b = answer("b", T0 + 3_600_000, DAY, &base.schedule, Rating::Good, &cfg);
    let out = replay(
        &base,
        &[a.clone(), b.clone()],
        CARD,
        &mut graders(std::slice::from_ref(&cfg)),
    )
    .unwrap();
    assert_eq!(out.regraded, 1, "only the later answer is graded again");
    // As if the Good had been given on the device that answered Again.
    let expected = answer("x", T0 + 3_600_000, DAY, &after_of(&a), Rating::Good, &cfg);
    assert_eq!(out.state.schedule, after_of(&expected));
    assert_ne!(
        out.state.schedule,
        after_of(&b),
        "the recorded outcome ignored the lapse"
    );
    assert_eq!(
        (out.state.schedule.reps, out.state.schedule.lapses),
        (6, 1),
        "both answers count"
    );
    assert_eq!(out.log.len(), 2);
    assert_eq!(
        StoredSchedule::of(&out.log[1].1.before).state,
        3,
        "graded from relearning"
    );
    // With no grader for the config named, nothing is guessed.
    assert!(replay(&base, &[a, b], CARD, &mut graders(&[])).is_err());
}

#[test]
fn a_regraded_lapse_can_make_a_leech_with_the_rule_it_names() {
    let cfg = config(0.9, 1, true);
    let review = Schedule {
        state: State::Review,
        memory: Some(fsrs::MemoryState {
            stability: 3.0,
            difficulty: 7.0,
        }),
        interval: 3,
        due: Due::Day(DAY),
        last_review_day: Some(DAY - 3),
        reps: 2,
        ..Schedule::new_card(0)
    };
    let base = state(review);
    let first = answer("a", T0, DAY, &base.schedule, Rating::Good, &cfg);
    let lapse = answer("b", T0 + 1_000, DAY, &base.schedule, Rating::Again, &cfg);
    let out = replay(&base, &[first, lapse], CARD, &mut graders(std::slice::from_ref(&cfg))).unwrap();
    assert_eq!(out.regraded, 1);
    assert!(out.state.leech && out.state.suspended, "{:?}", out.state);
}

#[test]
fn an_answer_taken_back_leaves_no_trace() {
    let cfg = config(0.9, 8, false);
    let base = state(Schedule::new_card(3));
    let a = answer("a", T0, DAY, &base.schedule, Rating::Easy, &cfg);
    let undo = event("u", T0 + 5, What::Undo { target: "a".into() });
    let out = replay(&base, &[a, undo], CARD, &mut graders(std::slice::from_ref(&cfg))).unwrap();
    assert_eq!(out.state, base);
    assert!(out.log.is_empty());
    assert_eq!(out.retracted, ["a"]);
}

#[test]
fn a_new_cards_position_is_not_a_conflict() {
    let cfg = config(0.9, 8, false);
    // Recorded on a device where the card was 5th; here it is 9th.
    let a = answer(
        "a",
        T0,
        DAY,
        &StoredSchedule::of(&Schedule::new_card(5)),
        Rating::Good,
        &cfg,
    );
    let out = replay(
        &state(Schedule::new_card(9)),
        std::slice::from_ref(&a),
        CARD,
        &mut graders(&[]),
    )
    .unwrap();
    assert_eq!((out.regraded, out.state.schedule.clone()), (0, after_of(&a)));
}

#[test]
fn suspension_burial_and_flags_follow_their_events() {
    let base = state(Schedule::new_card(1));
    let forgotten = StoredSchedule {
        due: 77,
        reps: 3,
        ..base.schedule.clone()
    };
    let events = [
        event("1", T0, What::Flag { flag: 3 }),
        event("2", T0 + 1, What::Bury { day: DAY }),
        event("3", T0 + 2, What::Suspend),
        event("4", T0 + 3, What::Bury { day: DAY }),
    ];
    let out = replay(&base, &events, CARD, &mut graders(&[])).unwrap();
    assert_eq!(
        (out.state.flag, out.state.suspended, out.state.buried_day),
        (3, true, None),
        "suspending unburies, and a suspended card is not buried"
    );
    let set = What::Set(SetSchedule {
        op: "forget".into(),
        before: base.schedule.clone(),
        after: forgotten.clone(),
    });
    let more = [events.to_vec(), vec![event("5", T0 + 4, set)]].concat();
    let out = replay(&base, &more, CARD, &mut graders(&[])).unwrap();
    assert_eq!((out.state.suspended, &out.state.schedule), (false, &forgotten));
    assert_eq!((out.log.len(), out.log[0].1.rating), (1, 0), "a manual log row");
}
