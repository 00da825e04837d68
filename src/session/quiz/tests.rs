//! Quiz session tests on an in-memory collection, with explicit times.

use chrono::{Duration, Utc};

use super::*;
use crate::deck::build::{Source, build};
use crate::quiz::question::Prompt;

const DECK: &str = "# People
## chair
q: Who chaired the Communist International in 1920?
a: Grigory Zinoviev
alt: Zinoviev
tags: people comintern
cards: basic reverse

## army
q: Who built the Red Army?
a: Leon Trotsky
alt: Trotsky
tags: people

## radek
q: Who was sent to Germany in 1923?
a: Karl Radek
tags: people germany

## born
q: In which year was Alfred Rosmer born?
a: 1877
tags: rosmer

## reed
cloze: John Reed fell ill with {{typhus}} after the congress at {{Baku}}.
tags: reed
";

fn store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let source = Source {
        label: "people.deck".into(),
        key: "people".into(),
        bytes: DECK.as_bytes().to_vec(),
    };
    build(&mut store, &[source]).unwrap();
    store
}

fn clock(secs: i64) -> Clock<Utc> {
    let start = crate::clock::parse_now("2026-03-10T10:00:00Z").unwrap();
    Clock::new(start + Duration::seconds(secs), Utc, 4)
}

fn options(mode: Mode, seed: u64, record: bool) -> QuizOptions {
    QuizOptions {
        deck: Some("people".into()),
        count: 10,
        mode,
        tag: None,
        seed,
        record,
        misses: false,
    }
}

fn right(question: &Question) -> Response {
    match &question.prompt {
        Prompt::Choice(o) => Response::Choice(o.correct),
        Prompt::TrueFalse { truth, .. } => Response::TrueFalse(*truth),
        Prompt::Typed => Response::Typed(question.expected.text().to_string()),
    }
}

fn wrong(question: &Question) -> Response {
    match &question.prompt {
        Prompt::Choice(o) => Response::Choice((o.correct + 1) % o.options.len()),
        Prompt::TrueFalse { truth, .. } => Response::TrueFalse(!*truth),
        Prompt::Typed => Response::Typed("no idea".into()),
    }
}

fn ask_now(quiz: &mut QuizSession, c: &Clock<Utc>) -> Question {
    match quiz.current(c) {
        QuizScreen::Ask { question, .. } => *question,
        QuizScreen::Finished(s) => panic!("finished early: {s:?}"),
    }
}

/// The fronts asked, in order, answering each right.
fn fronts(store: &mut Store, opts: &QuizOptions) -> Vec<String> {
    let mut quiz = QuizSession::start(store, opts).unwrap();
    let mut fronts = Vec::new();
    while let QuizScreen::Ask { question, .. } = quiz.current(&clock(0)) {
        fronts.push(question.card.front.clone());
        quiz.handle(QuizInput::Answer(right(&question)), &clock(1)).unwrap();
    }
    fronts
}

/// Every card's schedule, for before/after comparisons.
fn schedules(store: &Store) -> Vec<(i64, crate::sched::Schedule)> {
    let deck = store.find_deck("people").unwrap();
    store
        .active_cards(deck.id)
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.schedule))
        .collect()
}

#[test]
fn one_question_per_fact_never_a_reverse_card() {
    let mut store = store();
    let asked = fronts(&mut store, &options(Mode::Mixed, 7, false));
    assert_eq!(asked.len(), 5, "{asked:?}");
    assert!(!asked.iter().any(|f| f == "Grigory Zinoviev"), "{asked:?}");
    let clozes = asked.iter().filter(|f| f.starts_with("John Reed")).count();
    assert_eq!(clozes, 1, "{asked:?}");
    let mut opts = options(Mode::Mixed, 7, false);
    opts.count = 2;
    assert_eq!(fronts(&mut store, &opts).len(), 2);
}

#[test]
fn the_same_seed_asks_the_same_quiz() {
    let mut store = store();
    let run = |store: &mut Store, seed| {
        let mut quiz = QuizSession::start(store, &options(Mode::Choice, seed, false)).unwrap();
        let mut asked = Vec::new();
        while let QuizScreen::Ask { question, .. } = quiz.current(&clock(0)) {
            asked.push((question.card.front.clone(), question.prompt.clone()));
            quiz.handle(QuizInput::Answer(wrong(&question)), &clock(1)).unwrap();
        }
        asked
    };
    assert_eq!(run(&mut store, 11), run(&mut store, 11));
    let first = run(&mut store, 0);
    assert!(
        (1..5).any(|seed| run(&mut store, seed) != first),
        "five seeds gave one quiz"
    );
}

#[test]
fn a_quiz_without_record_leaves_the_schedule_alone() {
    let mut store = store();
    let before = schedules(&store);
    let mut quiz = QuizSession::start(&mut store, &options(Mode::Mixed, 3, false)).unwrap();
    let mut feedback = Vec::new();
    while let QuizScreen::Ask { question, .. } = quiz.current(&clock(0)) {
        let (f, _) = quiz.handle(QuizInput::Answer(right(&question)), &clock(2)).unwrap();
        feedback.push(f.unwrap());
    }
    assert!(
        feedback
            .iter()
            .all(|f| f.recorded.is_none() && f.outcome.verdict == Verdict::Exact)
    );
    assert_eq!(store.log_len().unwrap(), 0);
    assert_eq!(schedules(&store), before);
}

#[test]
fn record_grades_by_verdict_and_time() {
    let mut store = store();
    let mut quiz = QuizSession::start(&mut store, &options(Mode::Typed, 5, true)).unwrap();
    // (seconds taken, response, the grade it must earn) for the four answers
    // without digits; the year (where a typo is simply wrong) is answered
    // right in 10 s for Good.
    let typo = |q: &Question| Response::Typed(format!("{}x", q.expected.text()));
    type Respond = Box<dyn Fn(&Question) -> Response>;
    let mut plan: Vec<(i64, Respond, Rating)> = vec![
        (2, Box::new(right), Rating::Easy),
        (40, Box::new(right), Rating::Hard),
        (3, Box::new(wrong), Rating::Again),
        (3, Box::new(typo), Rating::Hard),
    ];
    plan.reverse();
    let mut t = 0;
    while let QuizScreen::Ask { question, .. } = quiz.current(&clock(t)) {
        let (secs, respond, want) = if question.expected.text().chars().any(|c| c.is_ascii_digit()) {
            (10, Box::new(right) as Respond, Rating::Good)
        } else {
            plan.pop().unwrap()
        };
        t += secs;
        let (feedback, _) = quiz.handle(QuizInput::Answer(respond(&question)), &clock(t)).unwrap();
        let (rating, _) = feedback.unwrap().recorded.unwrap();
        assert_eq!(rating, want, "{} after {secs}s", question.card.front);
    }
    assert!(plan.is_empty());
    let QuizScreen::Finished(summary) = quiz.current(&clock(t)) else {
        panic!("quiz not finished")
    };
    assert_eq!(
        (summary.asked, summary.right, summary.close, summary.recorded),
        (5, 4, 1, 5)
    );
    // 2 + 40 (capped at 60) + 3 + 3 + 10 seconds.
    assert_eq!(summary.time_ms, 58_000);
    assert_eq!(summary.misses.len(), 1);
    assert_eq!(summary.misses[0].given, "no idea");
    let mut logged: Vec<i64> = store
        .conn()
        .prepare("SELECT rating FROM review_log ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    logged.sort();
    assert_eq!(logged, [1, 2, 2, 3, 4]);
    // The recorded cards left the new queue.
    let new_cards: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM cards c JOIN review_log l ON l.card_id = c.id WHERE c.state = 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(new_cards, 0);
}

#[test]
fn close_answers_count_as_right_and_are_reported() {
    let mut store = store();
    let mut opts = options(Mode::Typed, 1, false);
    opts.tag = Some("PEOPLE".into());
    let mut quiz = QuizSession::start(&mut store, &opts).unwrap();
    assert_eq!(quiz.total(), 3);
    let question = ask_now(&mut quiz, &clock(0));
    let typo = format!("{}x", question.expected.text());
    let (feedback, _) = quiz
        .handle(QuizInput::Answer(Response::Typed(typo)), &clock(1))
        .unwrap();
    assert!(matches!(
        feedback.unwrap().outcome.verdict,
        Verdict::Close { typos: 1, .. }
    ));
    // A response of the wrong format is ignored.
    let (feedback, screen) = quiz.handle(QuizInput::Answer(Response::Choice(0)), &clock(2)).unwrap();
    assert!(feedback.is_none());
    assert!(matches!(screen, QuizScreen::Ask { number: 2, .. }));
    let (_, screen) = quiz.handle(QuizInput::Quit, &clock(3)).unwrap();
    let QuizScreen::Finished(summary) = screen else {
        panic!("{screen:?}")
    };
    assert_eq!((summary.asked, summary.right, summary.close), (1, 1, 1));
}

#[test]
fn nothing_to_quiz_is_a_usage_error() {
    let mut store = store();
    let mut opts = options(Mode::Mixed, 1, false);
    opts.tag = Some("nope".into());
    let err = QuizSession::start(&mut store, &opts).err().unwrap();
    assert!(matches!(err, Error::Usage(_)), "{err}");
    assert!(err.to_string().contains("with tag \"nope\""), "{err}");
}

/// Runs a quiz answering wrong the questions whose front `miss` picks, and
/// right the others; the fronts missed, in order.
fn answer_all(store: &mut Store, opts: &QuizOptions, miss: impl Fn(&str) -> bool) -> Vec<String> {
    let mut quiz = QuizSession::start(store, opts).unwrap();
    let mut missed = Vec::new();
    while let QuizScreen::Ask { question, .. } = quiz.current(&clock(0)) {
        let response = if miss(&question.card.front) {
            missed.push(question.card.front.clone());
            wrong(&question)
        } else {
            right(&question)
        };
        quiz.handle(QuizInput::Answer(response), &clock(1)).unwrap();
    }
    missed
}

#[test]
fn misses_are_kept_and_repeated_until_right() {
    let mut store = store();
    let before = schedules(&store);
    let is_person = |front: &str| front.starts_with("Who");
    let missed = answer_all(&mut store, &options(Mode::Choice, 5, false), is_person);
    assert_eq!(missed.len(), 3, "{missed:?}");
    let stored = store.quiz_misses().unwrap();
    assert_eq!(stored.questions.len(), 3, "{stored:?}");
    assert!(stored.questions.iter().all(|m| m.format == "choice"), "{stored:?}");
    assert_eq!(schedules(&store), before, "misses are kept apart from the schedule");

    // The repeat asks the three misses, in the format they were asked in;
    // one is missed again and comes back in a second round.
    let mut opts = options(Mode::Typed, 9, false);
    opts.misses = true;
    let mut quiz = QuizSession::start(&mut store, &opts).unwrap();
    assert_eq!(quiz.total(), 3);
    let mut rounds: Vec<(u32, String)> = Vec::new();
    let summary = loop {
        match quiz.current(&clock(0)) {
            QuizScreen::Ask { question, round, .. } => {
                assert!(matches!(question.prompt, Prompt::Choice(_)), "{question:?}");
                assert!(missed.contains(&question.card.front), "{question:?}");
                let again = question.card.front == missed[0] && round == 1;
                let response = if again { wrong(&question) } else { right(&question) };
                rounds.push((round, question.card.front.clone()));
                quiz.handle(QuizInput::Answer(response), &clock(1)).unwrap();
            }
            QuizScreen::Finished(summary) => break summary,
        }
    };
    assert_eq!(rounds.len(), 4, "{rounds:?}");
    assert_eq!(rounds[3], (2, missed[0].clone()), "{rounds:?}");
    assert_eq!((summary.asked, summary.right, summary.still_missed), (4, 3, 0));
    assert!(summary.repeating);
    assert!(store.quiz_misses().unwrap().questions.is_empty());
    // Nothing left to repeat.
    assert!(matches!(QuizSession::start(&mut store, &opts), Err(Error::Usage(_))));
    assert_eq!(schedules(&store), before);
}

#[test]
fn quitting_a_repeat_keeps_what_is_still_missed() {
    let mut store = store();
    let missed = answer_all(&mut store, &options(Mode::Typed, 2, false), |_| true);
    assert_eq!(missed.len(), 5);
    let mut opts = options(Mode::Typed, 2, false);
    opts.misses = true;
    let mut quiz = QuizSession::start(&mut store, &opts).unwrap();
    // One right, one wrong, then quit.
    let first = ask_now(&mut quiz, &clock(0));
    quiz.handle(QuizInput::Answer(right(&first)), &clock(1)).unwrap();
    let second = ask_now(&mut quiz, &clock(1));
    quiz.handle(QuizInput::Answer(wrong(&second)), &clock(2)).unwrap();
    let (_, screen) = quiz.handle(QuizInput::Quit, &clock(3)).unwrap();
    let QuizScreen::Finished(summary) = screen else {
        panic!("{screen:?}")
    };
    assert_eq!(summary.still_missed, 4);
    let stored: Vec<i64> = store
        .quiz_misses()
        .unwrap()
        .questions
        .iter()
        .map(|m| m.card_id)
        .collect();
    assert_eq!(stored.len(), 4);
    assert!(!stored.contains(&first.card.card_id));
    assert!(stored.contains(&second.card.card_id));
    // A new quiz's first answer replaces the misses with its own.
    answer_all(&mut store, &options(Mode::Typed, 3, false), |_| false);
    assert!(store.quiz_misses().unwrap().questions.is_empty());
}
