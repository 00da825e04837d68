//! Reviews in quiz form, on an in-memory collection with explicit times.

use chrono::Duration;

use super::*;
use crate::deck::build::{Source, build};
use crate::quiz::matcher::Verdict;
use crate::quiz::question::Prompt;

const DECK: &str = "# Q
## a
q: Who chaired the Comintern?
a: Grigory Zinoviev
alt: Zinoviev
## b
q: Who built the Red Army?
a: Leon Trotsky
## c
q: Who went to Germany in 1923?
a: Karl Radek
";

fn store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let source = Source {
        label: "q.deck".into(),
        key: "q".into(),
        bytes: DECK.as_bytes().to_vec(),
    };
    build(&mut store, &[source]).unwrap();
    store
}

fn clock(secs: i64) -> Clock<Utc> {
    let start = crate::clock::parse_now("2026-03-10T10:00:00Z").unwrap();
    Clock::new(start + Duration::seconds(secs), Utc, 4)
}

fn asked(screen: &ReviewScreen) -> &Question {
    match screen {
        ReviewScreen::Ask { question, .. } => question,
        other => panic!("not a question: {other:?}"),
    }
}

/// (rating, duration_ms, reviewed_at_ms) of every log entry.
fn log(store: &Store) -> Vec<(i64, i64, i64)> {
    store
        .conn()
        .prepare("SELECT rating, duration_ms, reviewed_at_ms FROM review_log ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn typed_answers_are_graded_and_may_be_overridden() {
    let mut store = store();
    let mut review = QuizReviewSession::start(&mut store, None, None, Mode::Typed, 1, &clock(0)).unwrap();
    let screen = review.current(&clock(0)).unwrap();
    let question = asked(&screen).clone();
    assert_eq!(question.prompt, Prompt::Typed);

    // A grade before the answer does nothing.
    let (notice, screen) = review.handle(ReviewInput::Grade(Rating::Good), &clock(1)).unwrap();
    assert!(notice.is_none());
    assert_eq!(asked(&screen), &question);

    // Right in 3 s, but a never-seen card's first answer is never
    // automatically Easy: Good, accepted 30 s later; the log keeps the answer's time.
    let answer = Response::Typed(question.expected.text().to_lowercase());
    let (_, screen) = review.handle(ReviewInput::Answer(answer), &clock(3)).unwrap();
    let ReviewScreen::Judged { auto, outcome, .. } = &screen else {
        panic!("{screen:?}")
    };
    assert_eq!((*auto, &outcome.verdict), (Rating::Good, &Verdict::Exact));
    let (notice, screen) = review.handle(ReviewInput::Accept, &clock(33)).unwrap();
    assert!(
        matches!(
            notice,
            Some(Notice::Answered {
                rating: Rating::Good,
                ..
            })
        ),
        "{notice:?}"
    );
    let second = asked(&screen).clone();
    assert_ne!(second.card.card_id, question.card.card_id);

    // Wrong: Again, overridden to Good.
    let (_, screen) = review
        .handle(ReviewInput::Answer(Response::Typed("Bukharin".into())), &clock(40))
        .unwrap();
    assert!(
        matches!(
            screen,
            ReviewScreen::Judged {
                auto: Rating::Again,
                ..
            }
        ),
        "{screen:?}"
    );
    let (notice, _) = review.handle(ReviewInput::Grade(Rating::Good), &clock(41)).unwrap();
    assert!(
        matches!(
            notice,
            Some(Notice::Answered {
                rating: Rating::Good,
                ..
            })
        ),
        "{notice:?}"
    );

    drop(review);
    let start = clock(0).now_ms();
    assert_eq!(log(&store), [(3, 3_000, start + 3_000), (3, 7_000, start + 40_000)]);
}

#[test]
fn quitting_after_the_check_stores_the_automatic_grade() {
    let mut store = store();
    let mut review = QuizReviewSession::start(&mut store, None, None, Mode::Choice, 2, &clock(0)).unwrap();
    let screen = review.current(&clock(0)).unwrap();
    let Prompt::Choice(options) = &asked(&screen).prompt else {
        panic!("{screen:?}")
    };
    assert_eq!(options.options.len(), 3);
    let wrong = (options.correct + 1) % 3;
    review
        .handle(ReviewInput::Answer(Response::Choice(wrong)), &clock(10))
        .unwrap();
    let (notice, screen) = review.handle(ReviewInput::Quit, &clock(12)).unwrap();
    assert!(
        matches!(
            notice,
            Some(Notice::Answered {
                rating: Rating::Again,
                ..
            })
        ),
        "{notice:?}"
    );
    let ReviewScreen::Finished(summary) = screen else {
        panic!("{screen:?}")
    };
    assert_eq!((summary.answers, summary.again), (1, 1));
    drop(review);
    assert_eq!(log(&store).len(), 1);
}

#[test]
fn quitting_before_an_answer_stores_nothing() {
    let mut store = store();
    let mut review = QuizReviewSession::start(&mut store, None, Some(5), Mode::Typed, 3, &clock(0)).unwrap();
    review.current(&clock(0)).unwrap();
    let (notice, screen) = review.handle(ReviewInput::Quit, &clock(1)).unwrap();
    assert!(notice.is_none());
    assert!(matches!(screen, ReviewScreen::Finished(_)));
    drop(review);
    assert_eq!(store.log_len().unwrap(), 0);
}
