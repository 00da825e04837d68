//! A session's load balancer: what it counts when it starts, how answers
//! and undos change the counts, and the sibling days it avoids.

use super::*;
use crate::deck::build::{Source, build};
use crate::sched::CardState;

const TODAY: DayNumber = 20_458;

/// Fact x with two cards (1, 2), fact y with one (3), fact z with one (4).
fn store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let source = Source {
        label: "d.deck".into(),
        key: "d".into(),
        bytes: b"# D\n## x\nq: x?\na: 1\ncards: basic reverse\n## y\nq: y?\na: 2\n## z\nq: z?\na: 3\n".to_vec(),
    };
    build(&mut store, &[source]).unwrap();
    store
}

/// The id of card `n` of [`store`]: 1 and 2 fact x's basic and reverse, 3
/// fact y's, 4 fact z's.
fn id(n: i64) -> i64 {
    let (fact, template) = match n {
        1 => ("x", "basic"),
        2 => ("x", "reverse"),
        3 => ("y", "basic"),
        _ => ("z", "basic"),
    };
    crate::ids::card_id("d", fact, template, 0)
}

fn review(due: DayNumber) -> Schedule {
    Schedule {
        state: CardState::Review,
        memory: Some(fsrs::MemoryState {
            stability: 5.0,
            difficulty: 5.0,
        }),
        interval: 5,
        due: Due::Day(due),
        last_review_day: Some(due - 5),
        reps: 3,
        ..Schedule::new_card(0)
    }
}

fn set(store: &mut Store, card: i64, s: &Schedule) {
    let tx = store.begin().unwrap();
    tx.write_schedule(card, s).unwrap();
    tx.commit().unwrap();
}

fn settings(load_balancer: bool, fuzz: bool, bury_review: bool) -> Settings {
    let mut settings = Settings::default();
    settings.scheduler.load_balancer = load_balancer;
    settings.scheduler.fuzz = fuzz;
    settings.bury_review = bury_review;
    settings
}

#[test]
fn no_balancer_without_the_setting_or_without_fuzz() {
    let store = store();
    assert!(
        SessionWorkload::start(&store, &settings(false, true, true), TODAY)
            .unwrap()
            .is_none()
    );
    assert!(
        SessionWorkload::start(&store, &settings(true, false, true), TODAY)
            .unwrap()
            .is_none()
    );
    assert!(
        SessionWorkload::start(&store, &settings(true, true, true), TODAY)
            .unwrap()
            .is_some()
    );
}

#[test]
fn the_counts_are_taken_once_and_answers_add_to_them() {
    let mut store = store();
    set(&mut store, id(1), &review(TODAY));
    set(&mut store, id(2), &review(TODAY + 3));
    set(&mut store, id(3), &review(TODAY + 3));
    // A day-long step counts; a suspended review too (as in Anki); a card
    // due before today or beyond the range does not.
    let day_long = Schedule {
        state: CardState::Relearning,
        due: Due::Day(TODAY + 2),
        ..review(TODAY)
    };
    set(&mut store, id(4), &day_long);
    let mut w = SessionWorkload::start(&store, &settings(true, true, true), TODAY)
        .unwrap()
        .unwrap();
    let counts = |w: &SessionWorkload| (0..5).map(|d| w.balancer.count(TODAY + d)).collect::<Vec<_>>();
    assert_eq!(counts(&w), [1, 0, 1, 2, 0]);
    let tx = store.begin().unwrap();
    tx.suspend_card(id(4)).unwrap();
    tx.commit().unwrap();
    let again = SessionWorkload::start(&store, &settings(true, true, true), TODAY)
        .unwrap()
        .unwrap();
    assert_eq!(counts(&again), [1, 0, 1, 2, 0], "a suspended card still counts");

    // Card 1 (due today) answered into review in 4 days: counted on both days.
    let card = store.card(id(1)).unwrap().unwrap();
    w.count_answer(&card, &review(TODAY + 4));
    assert_eq!(counts(&w), [1, 0, 1, 2, 1]);
    // Answered again the same day, into relearning: nothing added or taken.
    let relearning = Schedule {
        state: CardState::Relearning,
        due: Due::At(1_771_000_000_000),
        ..review(TODAY)
    };
    w.count_answer(&card, &relearning);
    assert_eq!(counts(&w), [1, 0, 1, 2, 1]);
    // The undo takes it off every day it was counted on.
    w.count_undo(id(1));
    assert_eq!(counts(&w), [0, 0, 1, 2, 0]);
}

#[test]
fn siblings_days_come_from_the_collection_and_the_sessions_answers() {
    let mut store = store();
    set(&mut store, id(1), &review(TODAY + 1));
    set(&mut store, id(2), &review(TODAY + 6));
    set(&mut store, id(3), &review(TODAY + 2));
    let card = store.card(id(1)).unwrap().unwrap();
    let mut w = SessionWorkload::start(&store, &settings(true, true, true), TODAY)
        .unwrap()
        .unwrap();
    // Both cards of fact x, the card itself included; not fact y's.
    assert_eq!(w.sibling_days_of(&store, &card).unwrap(), [TODAY + 1, TODAY + 6]);
    // Card 2 answered in the session: where the session counts it, not where
    // the collection has it now.
    let sibling = store.card(id(2)).unwrap().unwrap();
    w.count_answer(&sibling, &review(TODAY + 9));
    set(&mut store, id(2), &review(TODAY + 9));
    let mut days = w.sibling_days_of(&store, &card).unwrap();
    days.sort_unstable();
    assert_eq!(days, [TODAY + 1, TODAY + 6, TODAY + 9]);
    let tx = store.begin().unwrap();
    assert_eq!(w.sibling_days_in(&tx, &card).unwrap().len(), 3);
    drop(tx);
    // Not spread apart without bury-review.
    let plain = SessionWorkload::start(&store, &settings(true, true, false), TODAY)
        .unwrap()
        .unwrap();
    assert!(plain.sibling_days_of(&store, &card).unwrap().is_empty());
}

#[test]
fn a_new_study_day_counts_again() {
    let mut store = store();
    set(&mut store, id(3), &review(TODAY + 1));
    let mut w = SessionWorkload::start(&store, &settings(true, true, true), TODAY)
        .unwrap()
        .unwrap();
    w.count_answer(&store.card(id(1)).unwrap().unwrap(), &review(TODAY + 5));
    assert_eq!(w.balancer.count(TODAY + 5), 1);
    let tx = store.begin().unwrap();
    w.follow_day(&tx, TODAY).unwrap();
    assert_eq!(w.balancer.count(TODAY + 5), 1, "the same day: kept");
    w.follow_day(&tx, TODAY + 1).unwrap();
    assert_eq!(
        (w.range().0, w.balancer.count(TODAY + 1), w.balancer.count(TODAY + 5)),
        (TODAY + 1, 1, 0)
    );
}
