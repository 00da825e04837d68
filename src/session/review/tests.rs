//! ReviewSession tests, without a terminal: a deck built into an in-memory
//! collection, answers given with explicit times.

use super::*;
use crate::deck::build::{Source, build};
use chrono::{Duration, Utc};

/// A first study day, and a day about seven weeks on (every card studied
/// on the first is due by then).
const DAY1: &str = "2026-01-10T10:00:00Z";
const LATER: &str = "2026-03-01T10:00:00Z";

fn clock(text: &str) -> Clock<Utc> {
    Clock::new(crate::clock::parse_now(text).unwrap(), Utc, 4)
}

fn source(key: &str, deck: &str) -> Source {
    Source {
        label: format!("{key}.deck"),
        key: key.into(),
        bytes: deck.as_bytes().to_vec(),
    }
}

fn store_with(deck: &str) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    build(&mut store, &[source("t", deck)]).unwrap();
    store
}

fn deck_of(n: usize, header: &str) -> String {
    let mut text = format!("# T\n{header}\n");
    for i in 0..n {
        text.push_str(&format!("## f{i}\nq: question {i}?\na: answer {i}\n"));
    }
    text
}

fn front(screen: &Screen) -> &str {
    match screen {
        Screen::Question { card, .. } | Screen::Answer { card, .. } => &card.front,
        Screen::Finished(_) => panic!("session finished early: {screen:?}"),
    }
}

/// Reveals and grades the card shown; returns the notice.
fn grade(session: &mut ReviewSession, rating: Rating, c: &Clock<Utc>) -> Notice {
    session.handle(Input::Reveal, c).unwrap();
    session.handle(Input::Grade(rating), c).unwrap().0.unwrap()
}

/// Shows and answers Easy the next `n` cards.
fn answer_easy(session: &mut ReviewSession, n: usize, c: &Clock<Utc>) {
    for _ in 0..n {
        session.current(c).unwrap();
        grade(session, Rating::Easy, c);
    }
}

/// The question and state of every card shown until the session is done,
/// each answered Easy.
fn shown_until_done(session: &mut ReviewSession, c: &Clock<Utc>) -> Vec<(String, &'static str)> {
    let mut shown = Vec::new();
    loop {
        let screen = session.current(c).unwrap();
        let Screen::Question { card, .. } = &screen else { break };
        shown.push((card.front.clone(), card.state));
        grade(session, Rating::Easy, c);
    }
    shown
}

/// What a session started at `at` shows until done, each card answered
/// Easy (see [`shown_until_done`]).
fn study_until_done(store: &mut Store, at: &str) -> Vec<(String, &'static str)> {
    let c = clock(at);
    let mut session = ReviewSession::start(store, None, None, &c).unwrap();
    shown_until_done(&mut session, &c)
}

/// Answers Easy the first `n` cards of a session started at `at`.
fn study_easy(store: &mut Store, n: usize, at: &str) {
    let c = clock(at);
    let mut session = ReviewSession::start(store, None, None, &c).unwrap();
    answer_easy(&mut session, n, &c);
}

/// The states of the cards [`study_until_done`] shows.
fn states(shown: Vec<(String, &'static str)>) -> Vec<&'static str> {
    shown.into_iter().map(|(_, state)| state).collect()
}

#[test]
fn grade_needs_a_revealed_answer() {
    let mut store = store_with(&deck_of(2, ""));
    let c = clock(DAY1);
    let mut session = ReviewSession::start(&mut store, None, None, &c).unwrap();
    session.current(&c).unwrap();
    let (notice, screen) = session.handle(Input::Grade(Rating::Good), &c).unwrap();
    assert_eq!(notice, Some(Notice::RevealFirst));
    assert!(matches!(screen, Screen::Question { .. }));
    let (_, screen) = session.handle(Input::Reveal, &c).unwrap();
    let Screen::Answer { buttons, card, .. } = screen else {
        panic!("{screen:?}")
    };
    assert_eq!(card.back, "answer 0");
    assert_eq!(buttons[2], (Rating::Good, NextIn::Seconds(600)));
    drop(session);
    assert_eq!(store.log_len().unwrap(), 0);
}

#[test]
fn new_cards_respect_the_daily_limit() {
    let mut store = store_with(&deck_of(5, "new-per-day: 3"));
    let c = clock(DAY1);
    let mut session = ReviewSession::start(&mut store, None, None, &c).unwrap();
    let mut fronts = Vec::new();
    let mut screen = session.current(&c).unwrap();
    while !matches!(screen, Screen::Finished(_)) {
        fronts.push(front(&screen).to_string());
        grade(&mut session, Rating::Easy, &c);
        screen = session.current(&c).unwrap();
    }
    assert_eq!(fronts, vec!["question 0?", "question 1?", "question 2?"]);
    let Screen::Finished(summary) = screen else {
        unreachable!()
    };
    assert_eq!((summary.answers, summary.new_waiting), (3, 2));
    // A new session the same day still honours the limit (counted from the log).
    drop(session);
    let mut again = ReviewSession::start(&mut store, None, None, &c).unwrap();
    assert!(matches!(again.current(&c).unwrap(), Screen::Finished(_)));
}

#[test]
fn learning_cards_come_back_within_the_learn_ahead_window() {
    let mut store = store_with(&deck_of(1, ""));
    let c = clock(DAY1);
    let mut session = ReviewSession::start(&mut store, None, None, &c).unwrap();
    session.current(&c).unwrap();
    assert_eq!(
        grade(&mut session, Rating::Good, &c),
        Notice::Answered {
            rating: Rating::Good,
            next_in: NextIn::Seconds(600)
        }
    );
    // Due in 10 minutes: within the 20-minute learn-ahead, so shown again.
    assert_eq!(front(&session.current(&c).unwrap()), "question 0?");
    let Notice::Answered { next_in, .. } = grade(&mut session, Rating::Good, &c) else {
        panic!()
    };
    assert!(matches!(next_in, NextIn::Days(d) if d >= 1));
    let Screen::Finished(summary) = session.current(&c).unwrap() else {
        panic!()
    };
    // Two answers on one card.
    assert_eq!((summary.answers, summary.cards), (2, 1));
    assert!(summary.next_due.unwrap() > c.now());
}

#[test]
fn undo_restores_the_card_and_removes_the_log_entry() {
    let mut store = store_with(&deck_of(2, ""));
    let c = clock(DAY1);
    let mut session = ReviewSession::start(&mut store, None, None, &c).unwrap();
    session.current(&c).unwrap();
    grade(&mut session, Rating::Easy, &c);
    let (notice, screen) = session.handle(Input::Undo, &c).unwrap();
    assert_eq!(notice, Some(Notice::Undone));
    assert_eq!(front(&screen), "question 0?");
    let (notice, _) = session.handle(Input::Undo, &c).unwrap();
    assert_eq!(notice, Some(Notice::NothingToUndo));
    drop(session);
    assert_eq!(store.log_len().unwrap(), 0);
    let card = store.card(crate::ids::card_id("t", "f0", "basic", 0)).unwrap().unwrap();
    assert_eq!(card.schedule, crate::sched::Schedule::new_card(card.schedule.due_key()));
    assert_eq!(card.queue, 0);
}

#[test]
fn buried_cards_wait_for_the_next_study_day() {
    let mut store = store_with(&deck_of(1, ""));
    let c = clock(DAY1);
    let mut session = ReviewSession::start(&mut store, None, None, &c).unwrap();
    session.current(&c).unwrap();
    let (notice, screen) = session.handle(Input::Bury, &c).unwrap();
    assert_eq!(notice, Some(Notice::Buried));
    assert!(matches!(screen, Screen::Finished(_)));
    drop(session);
    let late = clock("2026-01-11T03:59:00Z");
    store.unbury(late.today()).unwrap();
    assert!(matches!(
        ReviewSession::start(&mut store, None, None, &late)
            .unwrap()
            .current(&late)
            .unwrap(),
        Screen::Finished(_)
    ));
    let tomorrow = clock("2026-01-11T04:01:00Z");
    store.unbury(tomorrow.today()).unwrap();
    let mut session = ReviewSession::start(&mut store, None, None, &tomorrow).unwrap();
    assert_eq!(front(&session.current(&tomorrow).unwrap()), "question 0?");
}

#[test]
fn answer_time_is_measured_from_the_question_and_capped() {
    let mut store = store_with(&deck_of(2, ""));
    let c = clock(DAY1);
    let mut session = ReviewSession::start(&mut store, None, None, &c).unwrap();
    session.current(&c).unwrap();
    let later = c.at(c.now() + Duration::seconds(7));
    grade(&mut session, Rating::Good, &later);
    session.current(&later).unwrap();
    let much_later = c.at(c.now() + Duration::minutes(5));
    grade(&mut session, Rating::Good, &much_later);
    drop(session);
    let durations: Vec<i64> = store
        .conn()
        .prepare("SELECT duration_ms FROM review_log ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(durations, vec![7_000, MAX_ANSWER_MS]);
}

#[test]
fn due_reviews_come_before_new_cards_and_new_ones_are_spread() {
    // 4 cards graduate today; on a later day they are due with 6 new cards.
    let mut store = store_with(&deck_of(10, "new-per-day: 4"));
    study_easy(&mut store, 4, DAY1);
    let order = states(study_until_done(&mut store, LATER));
    assert_eq!(order.len(), 8);
    assert_eq!(order[0], "review", "a due review comes first: {order:?}");
    // 4 reviews and 4 new: new cards are interleaved, not all at the end.
    assert!(order[..6].contains(&"new"), "{order:?}");
}

#[test]
fn session_limit_stops_early() {
    let mut store = store_with(&deck_of(5, ""));
    let c = clock(DAY1);
    let mut session = ReviewSession::start(&mut store, None, Some(2), &c).unwrap();
    session.current(&c).unwrap();
    grade(&mut session, Rating::Easy, &c);
    session.current(&c).unwrap();
    grade(&mut session, Rating::Easy, &c);
    assert!(matches!(
        session.current(&c).unwrap(),
        Screen::Finished(Summary { answers: 2, .. })
    ));
}

#[test]
fn the_hint_is_shown_when_asked_for_and_hidden_again_on_the_next_card() {
    let mut store = store_with("# T\n## a\nq: alpha?\na: A\nhint: first\n## b\nq: beta?\na: B\nhint: second\n");
    let c = clock(DAY1);
    let mut session = ReviewSession::start(&mut store, None, None, &c).unwrap();
    let hint = |screen: &Screen| match screen {
        Screen::Question { card, hint_shown, .. } | Screen::Answer { card, hint_shown, .. } => {
            (card.front.clone(), card.hint.clone(), *hint_shown)
        }
        Screen::Finished(_) => panic!("finished early"),
    };
    let screen = session.current(&c).unwrap();
    assert_eq!(hint(&screen), ("alpha?".into(), Some("first".into()), false));
    let (notice, screen) = session.handle(Input::Hint, &c).unwrap();
    assert_eq!((notice, hint(&screen).2), (None, true));
    grade(&mut session, Rating::Good, &c);
    let screen = session.current(&c).unwrap();
    assert_eq!(hint(&screen), ("beta?".into(), Some("second".into()), false));
}

#[test]
fn suspend_is_undone_like_a_bury() {
    let mut store = store_with(&deck_of(2, ""));
    let c = clock(DAY1);
    let mut session = ReviewSession::start(&mut store, None, None, &c).unwrap();
    assert_eq!(front(&session.current(&c).unwrap()), "question 0?");
    let (notice, screen) = session.handle(Input::Suspend, &c).unwrap();
    assert_eq!((notice, front(&screen)), (Some(Notice::Suspended), "question 1?"));
    let (notice, screen) = session.handle(Input::Undo, &c).unwrap();
    assert_eq!((notice, front(&screen)), (Some(Notice::Unsuspended), "question 0?"));
    let (notice, _) = session.handle(Input::Hint, &c).unwrap();
    assert_eq!(notice, Some(Notice::NoHint));
    drop(session);
    assert_eq!(store.log_len().unwrap(), 0);
}

#[test]
fn a_new_card_never_comes_before_a_due_card_of_its_fact() {
    // Day one: the question side of `a` is learned (its reverse, new, is
    // buried for the day), then `d`; `b`, `c` and `e` are added to the file
    // after. When `a` and `d` are due again, `a`'s reverse is the first new
    // card, beside the new `b`, `c` and `e`. The header counts two reviews
    // and three new cards (answering `a` buries its reverse); with more new
    // cards than reviews a new one comes first: `b`, never `a`'s reverse,
    // whose answer would bury `a`'s due review until tomorrow.
    let ad = "# T\n## a\nq: Capital of France?\na: Paris\ncards: basic reverse\n## d\nq: Capital of Peru?\na: Lima\n";
    let mut store = store_with(ad);
    let day1 = clock(DAY1);
    let mut session = ReviewSession::start(&mut store, None, None, &day1).unwrap();
    for question in ["Capital of France?", "Capital of Peru?"] {
        assert_eq!(front(&session.current(&day1).unwrap()), question);
        grade(&mut session, Rating::Easy, &day1);
    }
    drop(session);
    let more = "## b\nq: Capital of Italy?\na: Rome\n## c\nq: Capital of Spain?\na: Madrid\n## e\nq: Capital of Chad?\na: N'Djamena\n";
    let source = Source {
        label: "t.deck".into(),
        key: "t".into(),
        bytes: format!("{ad}{more}").into_bytes(),
    };
    build(&mut store, &[source]).unwrap();
    let reverse_first = store
        .conn()
        .execute("UPDATE cards SET due = -1 WHERE template = 'reverse' AND state = 0", [])
        .unwrap();
    assert_eq!(reverse_first, 1);

    let later = clock(LATER);
    store.unbury(later.today()).unwrap();
    let mut session = ReviewSession::start(&mut store, None, None, &later).unwrap();
    let Screen::Question { counts, .. } = session.current(&later).unwrap() else {
        panic!("nothing to study")
    };
    assert_eq!((counts.new, counts.due), (3, 2), "{counts:?}");
    let shown = shown_until_done(&mut session, &later);
    assert_eq!(shown.len(), 5, "{shown:?}");
    assert_eq!(shown[0].0, "Capital of Italy?", "{shown:?}");
    assert!(shown.contains(&("Capital of France?".into(), "review")), "{shown:?}");
    assert!(!shown.iter().any(|(front, _)| front == "Paris"), "{shown:?}");
}

#[test]
fn new_cards_are_spread_by_the_new_cards_left_not_by_the_limit() {
    // 8 reviews due and 2 new cards left under a limit of 8: new cards
    // come after several reviews each, not one after every review.
    let mut store = store_with(&deck_of(10, "new-per-day: 8"));
    study_easy(&mut store, 8, DAY1);
    let order = states(study_until_done(&mut store, LATER));
    assert_eq!(order.len(), 10, "{order:?}");
    let new: Vec<usize> = (0..10).filter(|&i| order[i] == "new").collect();
    assert_eq!(new.len(), 2, "{order:?}");
    // Spread over what is left as the session goes: R R R N R R R N R R
    // (with the limit it was R N R N R R …).
    assert!(new[0] >= 3 && new[1] - new[0] >= 3 && new[1] < 9, "{order:?}");
}

#[test]
fn the_review_limit_holds_new_cards_back() {
    // Anki's default ("New cards ignore review limit" off): new cards count
    // against the review limit, and get only what the due cards leave of it.
    let mut store = store_with(&deck_of(5, "reviews-per-day: 3"));
    let shown = study_until_done(&mut store, DAY1);
    assert_eq!(shown.len(), 3, "as many new cards as the review limit: {shown:?}");
    assert!(shown.iter().all(|(_, state)| *state == "new"), "{shown:?}");

    // A month on, the three studied are due and take the whole limit: the
    // two cards still new wait.
    let later = clock(LATER);
    let mut session = ReviewSession::start(&mut store, None, None, &later).unwrap();
    let Screen::Question { counts, .. } = session.current(&later).unwrap() else {
        panic!("nothing to study")
    };
    assert_eq!((counts.new, counts.due), (0, 3), "{counts:?}");
    let shown = shown_until_done(&mut session, &later);
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert!(shown.iter().all(|(_, state)| *state == "review"), "{shown:?}");
}

#[test]
fn a_deck_whose_due_cards_take_its_review_limit_gives_no_new_card_in_a_session_over_all_decks() {
    // Deck t gives 3 reviews a day; b has the collection's limits. A month
    // on, t's three studied cards are due: its three new ones wait, while b
    // gives its new cards.
    let mut store = store_with(&deck_of(6, "reviews-per-day: 3"));
    assert_eq!(study_until_done(&mut store, DAY1).len(), 3);
    let b = deck_of(2, "").replace("question", "other").replace("## f", "## g");
    build(&mut store, &[source("b", &b)]).unwrap();

    let shown = study_until_done(&mut store, LATER);
    let new_of_a = shown
        .iter()
        .filter(|(front, state)| *state == "new" && front.starts_with("question"))
        .count();
    assert_eq!(new_of_a, 0, "{shown:?}");
    assert_eq!(
        shown.iter().filter(|(_, state)| *state == "review").count(),
        3,
        "{shown:?}"
    );
    assert_eq!(
        shown.iter().filter(|(f, _)| f.starts_with("other")).count(),
        2,
        "{shown:?}"
    );
}

#[test]
fn a_buried_review_is_the_next_card_on_the_next_study_day() {
    let mut store = store_with(&deck_of(2, ""));
    let day1 = clock(DAY1);
    let mut session = ReviewSession::start(&mut store, None, None, &day1).unwrap();
    answer_easy(&mut session, 2, &day1);
    drop(session);
    // Both due; one buried, the other answered for weeks ahead.
    let later = clock(LATER);
    let mut session = ReviewSession::start(&mut store, None, None, &later).unwrap();
    session.current(&later).unwrap();
    session.handle(Input::Bury, &later).unwrap();
    grade(&mut session, Rating::Easy, &later);
    let Screen::Finished(summary) = session.current(&later).unwrap() else {
        panic!("the session goes on")
    };
    assert_eq!(
        summary.next_due,
        Some(later.day_start(later.today() + 1)),
        "{summary:?}"
    );
}
