//! The generator (the `generate` example) at small scale (5,000 cards,
//! 50,000 log rows): the collection it makes is sound and consistent with its
//! own log and the scheduler, the other commands work on it, and the same seed
//! makes the same collection. Timings are in BENCHMARKS.md, never here.
//!
//! The example is built by a plain `cargo test` (and `cargo build
//! --examples`), not by `cargo test --test scale` alone.

mod common;

// The generator's pure draws, with their unit tests: cargo builds examples
// for `cargo test` but runs none of their tests, so they run here.
#[allow(dead_code)]
#[path = "../examples/generate/draw.rs"]
mod draw;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use common::{NOW, Scratch, num};
use iskra::clock::Clock;
use iskra::sched::{CardState, Due, Moment, Rating, SchedConfig, Schedule, Scheduler};

const CARDS: i64 = 5_000;
const REVIEWS: i64 = 50_000;

/// The generator example's binary, next to this test's executable: tests
/// run from `target/PROFILE/deps/`, examples are built into
/// `target/PROFILE/examples/`.
fn generator() -> PathBuf {
    let exe = std::env::current_exe().expect("the path of the test executable");
    let name = format!("generate{}", std::env::consts::EXE_SUFFIX);
    let path = exe
        .parent()
        .and_then(Path::parent)
        .map(|profile| profile.join("examples").join(name));
    match path {
        Some(path) if path.is_file() => path,
        _ => panic!(
            "the generator example is not built (looked for {}).\n  hint: run `cargo build --example generate` \
             (a plain `cargo test` builds it too), then this test again",
            path.map_or_else(
                || "target/PROFILE/examples/generate".into(),
                |p| p.display().to_string()
            )
        ),
    }
}

fn generate(s: &Scratch, cards: i64, reviews: i64, seed: u64) -> common::Run {
    s.run_program(
        &generator(),
        &[
            "--cards",
            &cards.to_string(),
            "--reviews",
            &reviews.to_string(),
            "--seed",
            &seed.to_string(),
        ],
    )
}

/// One log row, as stored.
#[derive(Debug)]
struct LogRow {
    card_id: i64,
    at_ms: i64,
    rating: u8,
    kind: i64,
    elapsed_days: u32,
    before: (i64, i64, Option<f64>, Option<f64>, i64),
    after: (i64, i64, Option<f64>, Option<f64>, i64),
}

fn log_rows(s: &Scratch) -> Vec<LogRow> {
    let db = s.db();
    let mut stmt = db
        .prepare(
            "SELECT card_id, reviewed_at_ms, rating, kind, elapsed_days,
                    state_before, due_before, stability_before, difficulty_before, interval_before,
                    state_after, due_after, stability_after, difficulty_after, interval_after
             FROM review_log ORDER BY card_id, reviewed_at_ms",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok(LogRow {
            card_id: r.get(0)?,
            at_ms: r.get(1)?,
            rating: r.get(2)?,
            kind: r.get(3)?,
            elapsed_days: r.get(4)?,
            before: (r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?),
            after: (r.get(10)?, r.get(11)?, r.get(12)?, r.get(13)?, r.get(14)?),
        })
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// A schedule as the log stores it: state, due, stability, difficulty, interval.
fn logged(s: &Schedule) -> (i64, i64, Option<f64>, Option<f64>, i64) {
    let due = match s.due {
        Due::New(n) | Due::At(n) | Due::Day(n) => n,
    };
    (
        s.state as i64,
        due,
        s.memory.map(|m| f64::from(m.stability)),
        s.memory.map(|m| f64::from(m.difficulty)),
        i64::from(s.interval),
    )
}

#[test]
fn a_generated_collection_is_sound_consistent_and_reproducible() {
    let s = Scratch::new();
    let made = generate(&s, CARDS, REVIEWS, 1).ok();
    assert!(made.stdout.starts_with("Generated 5000 cards"), "{}", made.stdout);

    // Sound: SQLite's own checks.
    assert_eq!(
        s.db()
            .query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
            .unwrap(),
        "ok"
    );
    assert_eq!(s.count("SELECT count(*) FROM pragma_foreign_key_check"), 0);
    assert_eq!(s.count("SELECT count(*) FROM cards"), CARDS);
    assert_eq!(s.count("SELECT count(*) FROM review_log"), REVIEWS);
    assert_eq!(s.count("SELECT count(DISTINCT uid) FROM review_log"), REVIEWS);
    assert_eq!(s.count("SELECT count(*) FROM decks"), 8);

    // A plausible mix: new, young and mature review cards, a few suspended.
    let new = s.count("SELECT count(*) FROM cards WHERE state = 0");
    let young = s.count("SELECT count(*) FROM cards WHERE state = 2 AND interval < 21");
    let mature = s.count("SELECT count(*) FROM cards WHERE state = 2 AND interval >= 21");
    let suspended = s.count("SELECT count(*) FROM cards WHERE queue = -1");
    assert!((CARDS / 5 - 8..CARDS * 3 / 4).contains(&new), "new {new}");
    assert!(young > 50 && mature > young, "young {young}, mature {mature}");
    assert!((CARDS / 100..CARDS / 25).contains(&suspended), "suspended {suspended}");
    let again_share = s.count("SELECT 1000 * sum(rating = 1) / count(*) FROM review_log WHERE kind = 1");
    assert!((80..=180).contains(&again_share), "Again in {again_share}‰ of reviews");

    // Within the three years before now, spread over them.
    let now_ms = DateTime::parse_from_rfc3339(NOW).unwrap().timestamp_millis();
    let (first, last) = s
        .db()
        .query_row(
            "SELECT min(reviewed_at_ms), max(reviewed_at_ms) FROM review_log",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        )
        .unwrap();
    assert!(
        last < now_ms && first >= now_ms - 3 * 366 * 86_400_000,
        "{first}..{last}"
    );
    assert!(last - first > 2 * 365 * 86_400_000, "{first}..{last}");
    // Log ids follow time, as they do when the log is written by use.
    assert_eq!(
        s.count(
            "SELECT count(*) FROM review_log a JOIN review_log b ON b.id = a.id + 1
             WHERE b.reviewed_at_ms < a.reviewed_at_ms"
        ),
        0
    );

    // Each card agrees with its log: reps, lapses, and the last after-state.
    assert_eq!(
        s.count(
            "SELECT count(*) FROM cards c
             WHERE reps != (SELECT count(*) FROM review_log WHERE card_id = c.id AND kind != 4)
                OR lapses != (SELECT count(*) FROM review_log WHERE card_id = c.id AND state_before = 2 AND rating = 1)"
        ),
        0
    );
    assert_eq!(
        s.count(
            "SELECT count(*) FROM cards c JOIN review_log l ON l.id =
               (SELECT id FROM review_log WHERE card_id = c.id ORDER BY reviewed_at_ms DESC LIMIT 1)
             WHERE (l.state_after, l.due_after, l.stability_after, l.difficulty_after, l.interval_after)
                IS NOT (c.state, c.due, c.stability, c.difficulty, c.interval)"
        ),
        0
    );
    assert_eq!(
        s.count("SELECT count(*) FROM cards WHERE state = 0 AND (reps != 0 OR due != id)"),
        0
    );

    // Replaying the log through the scheduler gives every after-state.
    replay_matches_the_log(&s);

    // Other commands work on it: `check` finds nothing wrong, status counts every card.
    s.run(&["check"]).ok();
    let status = s.status_at(NOW);
    let decks = status["decks"].as_array().unwrap();
    assert_eq!(decks.iter().map(|d| num(d, "total")).sum::<i64>(), CARDS);
    assert_eq!(decks.iter().map(|d| num(d, "suspended")).sum::<i64>(), suspended);
    assert!(decks.iter().map(|d| num(d, "due_today")).sum::<i64>() > 0, "{status:#}");

    // A review session adds exactly its answers to the log.
    let session = s.review_at(NOW, "3\n1\n3\n4\n2\nq\n");
    assert_eq!(session.answered(), 5, "{}", session.stdout);
    assert_eq!(s.count("SELECT count(*) FROM review_log"), REVIEWS + 5);
    assert_eq!(
        s.count(&format!(
            "SELECT count(*) FROM review_log WHERE reviewed_at_ms = {now_ms}"
        )),
        5
    );
}

fn replay_matches_the_log(s: &Scratch) {
    let scheduler = Scheduler::new(SchedConfig::default()).unwrap();
    let rows = log_rows(s);
    let mut replayed = 0;
    let mut card: Option<(i64, Schedule)> = None;
    for row in &rows {
        let schedule = match card.take() {
            Some((id, schedule)) if id == row.card_id => schedule,
            _ => {
                assert_eq!(
                    row.before.0, 0,
                    "first answer of card {} is not of a new card",
                    row.card_id
                );
                Schedule::new_card(row.before.1)
            }
        };
        assert_eq!(
            row.before,
            logged(&schedule),
            "card {} before {}",
            row.card_id,
            row.at_ms
        );
        let at = DateTime::<Utc>::from_timestamp_millis(row.at_ms).unwrap();
        let clock = Clock::new(at, Utc, 4);
        let moment = Moment::of(&clock);
        let rating = Rating::from_number(row.rating).unwrap();
        let answered = scheduler.answer(&schedule, row.card_id, rating, moment, None).unwrap();
        assert_eq!(
            row.after,
            logged(&answered.next),
            "card {} at {}",
            row.card_id,
            row.at_ms
        );
        assert_eq!(
            (row.kind, row.elapsed_days),
            (answered.kind as i64, answered.elapsed_days)
        );
        card = Some((row.card_id, answered.next));
        replayed += 1;
    }
    assert_eq!(replayed, REVIEWS);
    assert!(rows.iter().any(|r| r.before.0 == CardState::Relearning as i64));
}

#[test]
fn the_same_seed_makes_the_same_collection_and_another_seed_another() {
    let (one, again, other) = (Scratch::new(), Scratch::new(), Scratch::new());
    generate(&one, 1_000, 10_000, 7).ok();
    generate(&again, 1_000, 10_000, 7).ok();
    generate(&other, 1_000, 10_000, 8).ok();
    assert_eq!(one.dump(), again.dump());
    assert_ne!(one.dump(), other.dump());
    assert_eq!(other.count("SELECT count(*) FROM review_log"), 10_000);
}

#[test]
fn generate_refuses_a_collection_that_is_not_empty_and_impossible_requests() {
    let s = Scratch::new();
    generate(&s, 200, 1_000, 1).ok();
    let before = s.dump();
    let refused = generate(&s, 200, 1_000, 2).fails();
    assert!(refused.stderr.contains("is not empty"), "{}", refused.stderr);
    assert_eq!(s.dump(), before);

    let t = Scratch::new();
    let too_many = generate(&t, 10, 1_000_000, 1).fails();
    assert!(too_many.stderr.contains("do not fit"), "{}", too_many.stderr);
    assert_eq!(t.count("SELECT count(*) FROM cards"), 0);
}

#[test]
fn an_older_collection_gets_its_card_counts_on_upgrade() {
    let s = Scratch::new();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/collection-v1.sqlite3");
    std::fs::copy(fixture, &s.db).unwrap();
    let status = s.status_at(NOW);
    let decks = status["decks"].as_array().unwrap();
    assert_eq!(decks.iter().map(|d| num(d, "total")).sum::<i64>(), 289);
    assert_eq!(
        s.count(
            "SELECT count(*) FROM decks
             WHERE card_count != (SELECT count(*) FROM cards WHERE deck_id = decks.id) OR source_hash IS NOT NULL"
        ),
        0
    );
}
