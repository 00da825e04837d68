//! `iskra optimize` and `iskra simulate`: the FSRS fit checked against the
//! `fsrs` crate's reference results on a real review log, and both commands
//! end to end on small collections.

mod common;

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use iskra::clock::Clock;
use iskra::optimize::fit::{evaluate, fit, health_check};
use iskra::optimize::items::training_set;
use iskra::store::TrainingRow;

/// `../shared/ref/fsrs-data/`: a real review log (Jarrett Ye's
/// `seq2seq.tsv`, not ours to ship) and a README with the crate's results on it.
fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/ref/fsrs-data")
}

fn numbers(field: &str) -> Vec<i64> {
    field
        .split(',')
        .map(|n| n.trim().parse().unwrap_or_else(|e| panic!("{n:?}: {e}")))
        .collect()
}

/// One card of the TSV: the days before each review (`t_history`, then the
/// last of `delta_ts`) and the ratings (`r_history`, then Good or Again by
/// the last of `ys`).
fn tsv_cards(tsv: &str) -> Vec<(Vec<i64>, Vec<i64>)> {
    tsv.lines()
        .skip(1)
        .enumerate()
        .map(|(i, line)| {
            let fields: Vec<&str> = line.split('\t').collect();
            let [t_history, r_history, delta_ts, ys] = fields[..] else {
                panic!("line {}: {line:?}", i + 2)
            };
            let (mut deltas, mut ratings) = (numbers(t_history), numbers(r_history));
            let (delta_ts, ys) = (numbers(delta_ts), numbers(ys));
            deltas.push(delta_ts[delta_ts.len() - 1]);
            ratings.push(if ys[ys.len() - 1] == 1 { 3 } else { 1 });
            (deltas, ratings)
        })
        .collect()
}

fn row(card_id: i64, at_ms: i64, rating: i64, first: bool) -> TrainingRow {
    TrainingRow {
        card_id,
        reviewed_at_ms: at_ms,
        rating: rating as u8,
        kind: if first { 0 } else { 1 },
        duration_ms: 0,
    }
}

const DAY_MS: i64 = 86_400_000;
const NOON_MS: i64 = 12 * 3_600_000;

/// The TSV as review-log rows, card after card in time (each card's answers
/// at noon UTC, the next card's first a day after the last): time order is
/// file order, the order the README's reference results were computed in.
fn reference_rows(tsv: &str) -> Vec<TrainingRow> {
    let mut rows = Vec::new();
    let mut day = 0;
    for (card_id, (deltas, ratings)) in tsv_cards(tsv).into_iter().enumerate() {
        for (i, (delta, rating)) in deltas.iter().zip(&ratings).enumerate() {
            day += delta;
            rows.push(row(card_id as i64, day * DAY_MS + NOON_MS, *rating, i == 0));
        }
        day += 1;
    }
    rows
}

/// The TSV as review-log rows that fit in Anki's clock (the layout above
/// spans 22,000 years): card k first answered on day 16,436 (2015-01-01)
/// plus k mod 1,000, each answer at noon UTC plus k seconds, so no two
/// answers share a time. `tests/reference/anki_optimizer.py` lays it out
/// the same way for Anki.
fn interleaved_rows(tsv: &str) -> Vec<TrainingRow> {
    let mut rows = Vec::new();
    for (card_id, (deltas, ratings)) in tsv_cards(tsv).into_iter().enumerate() {
        let k = card_id as i64;
        let mut day = 16_436 + k % 1000;
        for (i, (delta, rating)) in deltas.iter().zip(&ratings).enumerate() {
            day += delta;
            rows.push(row(k, day * DAY_MS + NOON_MS + k * 1000, *rating, i == 0));
        }
    }
    rows.sort_by_key(|r| (r.card_id, r.reviewed_at_ms));
    rows
}

#[track_caller]
fn close(what: &str, got: f32, want: f32) {
    assert!(
        (got - want).abs() <= 1e-4,
        "{what}: got {got}, the reference says {want}"
    );
}

/// What `tests/reference/anki_optimizer.py` recorded from Anki 26.9.3's
/// `compute_fsrs_params` for a log.
#[derive(serde::Deserialize)]
struct AnkiFit {
    name: String,
    fsrs_items: usize,
    fitted: Vec<f32>,
    chosen: Vec<f32>,
    health_check_passed: Option<bool>,
}

fn anki_fit(name: &str) -> AnkiFit {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/anki_optimizer.json");
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(
        doc["anki_version"].as_str().unwrap().starts_with("26."),
        "{}",
        doc["anki_version"]
    );
    let logs: Vec<AnkiFit> = serde_json::from_value(doc["logs"].clone()).unwrap();
    logs.into_iter().find(|l| l.name == name).unwrap()
}

/// Fits `rows` as `iskra optimize` does and checks the result against
/// Anki's: the same training items, every parameter within 1e-4, the same
/// choice against the defaults, and the same health check.
fn fit_as_anki(rows: &[TrainingRow], anki: &AnkiFit) {
    let clock = Clock::new(Utc::now(), Utc, 4);
    let set = training_set(rows, &clock);
    assert_eq!(set.items.len(), anki.fsrs_items, "{}: training items", anki.name);
    let fitted = fit(&set, &[], 1, None).unwrap();
    assert_eq!(fitted.parameters.len(), 21);
    let off: Vec<String> = fitted
        .parameters
        .iter()
        .zip(&anki.fitted)
        .enumerate()
        .filter(|(_, (got, want))| (*got - *want).abs() > 1e-4)
        .map(|(i, (got, want))| format!("w{i}: iskra {got}, Anki {want}"))
        .collect();
    assert!(off.is_empty(), "{}: {}", anki.name, off.join("; "));
    // Anki returns the fitted parameters when they beat the defaults.
    assert_eq!(fitted.better, anki.chosen == anki.fitted, "{}", anki.name);
    let health = health_check(&set, 1).unwrap().map(|h| h.passed);
    assert_eq!(health, anki.health_check_passed, "{}: health check", anki.name);
}

/// `tests/reference/optimizer_log.tsv.gz` (ours: 25,000 answers written by
/// the benchmark generator; card id, time, rating, kind) fitted by iskra and
/// by Anki 26.9.3.
#[test]
fn fit_matches_anki_on_the_reference_log() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/optimizer_log.tsv.gz");
    let mut tsv = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()),
        &mut tsv,
    )
    .unwrap();
    let rows: Vec<TrainingRow> = tsv
        .lines()
        .map(|line| {
            let f: Vec<i64> = line.split('\t').map(|n| n.parse().unwrap()).collect();
            TrainingRow {
                card_id: f[0],
                reviewed_at_ms: f[1],
                rating: f[2] as u8,
                kind: f[3],
                duration_ms: 0,
            }
        })
        .collect();
    assert_eq!(rows.len(), 25_000);
    fit_as_anki(&rows, &anki_fit("generated"));
}

/// The README's §2.4: the same conversion with `fsrs` 6.6.2 gave log loss
/// 0.3188213 / RMSE(bins) 0.04455733 with the default parameters; and the
/// fit on it as Anki 26.9.3 fits it.
#[test]
fn fit_on_the_shared_reference_log_matches_the_crate_and_anki() {
    let path = reference_dir().join("seq2seq.tsv");
    let Ok(tsv) = std::fs::read_to_string(&path) else {
        println!("skipped: {} is absent (the shared reference data)", path.display());
        return;
    };
    let rows = reference_rows(&tsv);
    assert_eq!(rows.len(), 92_759, "review events in the README");
    let clock = Clock::new(Utc::now(), Utc, 4);
    let set = training_set(&rows, &clock);
    assert_eq!(set.items.len(), 83_598);
    assert_eq!((set.cards, set.reviews), (9_161, 92_759));
    let defaults = evaluate(&[], &set).unwrap();
    close("log loss, default parameters", defaults.log_loss, 0.3188213);
    close("RMSE(bins), default parameters", defaults.rmse_bins, 0.04455733);

    fit_as_anki(&interleaved_rows(&tsv), &anki_fit("seq2seq"));
}

/// A xorshift generator, so the synthetic history is the same on every run.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Reviews per card in the synthetic history, after its learning answer.
const REVIEWS_PER_CARD: usize = 8;

/// Writes a synthetic history into the collection, as an importer would:
/// every card learned once, then reviewed at growing intervals, forgetting
/// with the probability of a power forgetting curve. Cards of `hard_deck`
/// are forgotten much sooner. Returns the number of cards.
fn write_history(s: &common::Scratch, hard_deck: &str) -> usize {
    let mut db = rusqlite::Connection::open(&s.db).unwrap();
    let cards: Vec<(i64, String)> = db
        .prepare("SELECT c.id, d.key FROM cards c JOIN decks d ON d.id = c.deck_id ORDER BY c.id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let start = DateTime::parse_from_rfc3339("2021-01-04T09:00:00Z").unwrap().to_utc();
    let tx = db.transaction().unwrap();
    let mut insert = tx
        .prepare(
            "INSERT INTO review_log (uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
               state_before, due_before, interval_before, state_after, due_after, interval_after)
             VALUES (?1, ?2, ?3, ?4, 8000, ?5, ?6, 0, 0, 0, 2, 0, 0)",
        )
        .unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (n, (card_id, deck)) in cards.iter().enumerate() {
        let hard = deck == hard_deck;
        let mut day = (n % 60) as i64;
        let mut stability: f64 = if hard { 1.0 } else { 4.0 };
        let mut answer = |day: i64, rating: u8, kind: i64, elapsed: i64, index: usize| {
            let at = start + Duration::days(day) + Duration::minutes(n as i64);
            let uid = format!("synthetic-{card_id}-{index}");
            insert
                .execute(rusqlite::params![
                    uid,
                    card_id,
                    at.timestamp_millis(),
                    rating,
                    kind,
                    elapsed
                ])
                .unwrap();
        };
        answer(day, 3, 0, 0, 0);
        for index in 1..=REVIEWS_PER_CARD {
            let interval = (stability * 1.5).round().clamp(1.0, 300.0);
            day += interval as i64;
            let recalled = rng.unit() < 0.9f64.powf(interval / stability);
            let rating = match (recalled, rng.unit()) {
                (false, _) => 1,
                (true, x) if x < 0.1 => 2,
                (true, x) if x < 0.2 => 4,
                _ => 3,
            };
            answer(day, rating, 1, interval as i64, index);
            stability = match (recalled, hard) {
                (false, _) => (stability * 0.3).max(0.5),
                (true, true) => stability * 1.4,
                (true, false) => stability * 2.8,
            };
        }
    }
    drop(insert);
    tx.commit().unwrap();
    cards.len()
}

/// The collection's settings document.
fn settings(s: &common::Scratch) -> serde_json::Value {
    let json: String = s
        .db()
        .query_row("SELECT value FROM settings WHERE key = 'config'", [], |r| r.get(0))
        .unwrap();
    serde_json::from_str(&json).unwrap()
}

fn parameters_of(value: &serde_json::Value) -> Vec<f64> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list of parameters: {value}"))
        .iter()
        .map(|w| w.as_f64().unwrap())
        .collect()
}

/// The comma-separated parameter line of `optimize --show`.
fn shown_parameters(stdout: &str) -> Vec<f64> {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("  ") && l.matches(", ").count() == 20)
        .unwrap_or_else(|| panic!("no parameter line in:\n{stdout}"));
    line.split(", ").map(|w| w.trim().parse().unwrap()).collect()
}

#[test]
fn optimize_fits_a_long_history_saves_it_and_uses_it() {
    let s = common::Scratch::new();
    s.run(&["status"]).ok();
    let cards = write_history(&s, "comintern-1920s");
    let (items, reviews) = (cards * REVIEWS_PER_CARD, cards * (REVIEWS_PER_CARD + 1));

    let first = s.run(&["optimize"]).ok();
    let stdout = &first.stdout;
    assert!(
        stdout.starts_with(&format!(
            "Fitting FSRS to {items} training reviews of all decks ({reviews} reviews of {cards} cards)\n"
        )),
        "{stdout}"
    );
    assert_eq!(first.lines_starting("current (default) ").len(), 1, "{stdout}");
    assert_eq!(first.lines_starting("fitted ").len(), 1, "{stdout}");
    // Anki's health check: the synthetic history follows a forgetting curve.
    let health = first.lines_starting("Health check: ");
    assert_eq!(health.len(), 1, "{stdout}");
    assert!(
        health[0].starts_with("Health check: passed; FSRS predicts your answers well (on later answers: log loss "),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("Saved: the fitted parameters are now used for all decks.\n"),
        "{stdout}"
    );
    let saved = settings(&s);
    let fit = &saved["fsrs_fits"]["collection"];
    assert_eq!(fit["health_check"], true);
    assert_eq!(fit["items"], items);
    assert_eq!(fit["reviews"], reviews);
    let fitted = parameters_of(&fit["parameters"]);
    assert_eq!(fitted.len(), 21);
    assert_eq!(
        parameters_of(&saved["scheduler"]["parameters"]),
        fitted,
        "in use for scheduling"
    );
    assert!(
        first.stderr.is_empty(),
        "no progress bar off a terminal: {}",
        first.stderr
    );

    let show = s.run(&["optimize", "--show"]).ok();
    assert!(
        show.stdout.starts_with("FSRS parameters of all decks: fitted\n"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout.contains(&format!(
            "  fitted 2026-03-10 10:00 to {items} training reviews ({reviews} reviews); log loss 0."
        )),
        "{}",
        show.stdout
    );
    assert!(show.stdout.contains("; health check passed\n"), "{}", show.stdout);
    let shown = shown_parameters(&show.stdout);
    for (shown, stored) in shown.iter().zip(&fitted) {
        assert!((shown - stored).abs() <= 5e-5, "{shown} vs {stored}");
    }

    // The same history again: the fit is the same, so nothing is better.
    let again = s.run(&["optimize"]).ok();
    assert_eq!(again.lines_starting("current ").len(), 1, "{}", again.stdout);
    assert!(again.stdout.contains("Kept the current parameters"), "{}", again.stdout);
    assert_eq!(settings(&s), saved);

    // The deck whose cards are forgotten sooner gets its own parameters.
    let deck = s.run(&["optimize", "--deck", "comintern-1920s"]).ok();
    assert!(!deck.stdout.contains("current (default)"), "{}", deck.stdout);
    assert!(
        deck.stdout
            .ends_with("Saved: the fitted parameters are now used for deck \"The Comintern in the 1920s\".\n"),
        "{}",
        deck.stdout
    );
    let with_deck = settings(&s);
    let own = parameters_of(&with_deck["fsrs_fits"]["decks"]["comintern-1920s"]["parameters"]);
    assert_ne!(own, fitted);
    assert_eq!(
        parameters_of(&with_deck["scheduler"]["parameters"]),
        fitted,
        "the collection's are kept"
    );
    let show = s.run(&["optimize", "--show", "--deck", "comintern-1920s"]).ok();
    assert!(
        show.stdout
            .starts_with("FSRS parameters of deck \"The Comintern in the 1920s\": its own fit\n")
    );
    assert_eq!(shown_parameters(&show.stdout).len(), 21);
    let show_all = s.run(&["optimize", "--show"]).ok();
    assert!(
        show_all
            .stdout
            .contains("Deck \"comintern-1920s\" has its own fitted parameters:"),
        "{}",
        show_all.stdout
    );

    // A small deck has too little history of its own.
    let small = s.run(&["optimize", "--deck", "people"]).ok();
    assert!(
        small
            .stdout
            .starts_with("Too few reviews to fit FSRS to deck \"People of Lenin's Moscow\""),
        "{}",
        small.stdout
    );
}

#[test]
fn optimize_with_too_few_reviews_says_so_and_changes_nothing() {
    let s = common::Scratch::new();
    // Five new cards answered Good, then Good again the next day: they
    // graduate, and each second answer is one training review.
    s.review_at("2026-03-09T10:00:00Z", "3\n3\n3\n3\n3\nq\n");
    s.review_at("2026-03-10T10:00:00Z", "3\n3\n3\n3\n3\nq\n");
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 10);
    let before = s.dump();
    let run = s.run(&["optimize"]).ok();
    assert_eq!(
        run.stdout.lines().next(),
        Some(
            "Too few reviews to fit FSRS to all decks: 5 training reviews (10 reviews of 5 cards in all); at least 400 are needed."
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Nothing was changed"), "{}", run.stdout);
    assert_eq!(s.dump(), before);
    let show = s.run(&["optimize", "--show"]).ok();
    assert!(
        show.stdout
            .starts_with("FSRS parameters of all decks: default (FSRS-6)\n"),
        "{}",
        show.stdout
    );
    assert!(
        !show.stdout.contains("health check"),
        "nothing was fitted, so there is no health check: {}",
        show.stdout
    );
    let shown = shown_parameters(&show.stdout);
    for (shown, default) in shown.iter().zip(fsrs::DEFAULT_PARAMETERS) {
        assert!((shown - f64::from(default)).abs() <= 5e-5, "{shown} vs {default}");
    }
}

#[test]
fn optimize_of_an_unknown_deck_is_an_error() {
    let s = common::Scratch::new();
    s.run(&["status"]).ok();
    let run = s.run(&["optimize", "--deck", "nope"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no deck named \"nope\""), "{}", run.stderr);
}

/// The rows of the `simulate` table: (retention, reviews/day, new/day,
/// minutes/day, remembered, marked in use).
fn simulation_rows(stdout: &str) -> Vec<(f64, f64, f64, f64, f64, bool)> {
    stdout
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("retention"))
        .skip(1)
        .take_while(|l| l.starts_with(' '))
        .map(|l| {
            let v: Vec<f64> = l.split_whitespace().take(5).map(|x| x.parse().unwrap()).collect();
            (v[0], v[1], v[2], v[3], v[4], l.ends_with("(in use)"))
        })
        .collect()
}

#[test]
fn simulate_compares_retentions_on_the_collection() {
    let s = common::Scratch::new();
    s.run(&["status"]).ok();
    let cards = s.count("SELECT count(*) FROM cards");
    let run = s.run(&["simulate"]).ok();
    assert!(
        run.stdout.starts_with(&format!(
            "Simulating 365 days of all decks: {cards} cards ({cards} new) · at most 100 new and 1000 reviews a day · default parameters\n"
        )),
        "{}",
        run.stdout
    );
    let rows = simulation_rows(&run.stdout);
    let retentions: Vec<f64> = rows.iter().map(|r| r.0).collect();
    assert_eq!(retentions, vec![0.80, 0.85, 0.90, 0.95], "{}", run.stdout);
    let in_use: Vec<f64> = rows.iter().filter(|r| r.5).map(|r| r.0).collect();
    assert_eq!(in_use, vec![0.90]);
    for pair in rows.windows(2) {
        assert!(
            pair[1].1 > pair[0].1,
            "more reviews for a higher retention:\n{}",
            run.stdout
        );
        assert!(pair[1].4 > pair[0].4, "more cards remembered:\n{}", run.stdout);
    }
    for row in &rows {
        assert!(row.4 <= cards as f64 && row.3 > 0.0, "{}", run.stdout);
    }
    // The same seed every time.
    assert_eq!(s.run(&["simulate"]).ok().stdout, run.stdout);

    let one = s
        .run(&[
            "simulate",
            "--deck",
            "people",
            "--retention",
            "0.85,0.9",
            "--days",
            "30",
        ])
        .ok();
    assert!(
        one.stdout
            .starts_with("Simulating 30 days of deck \"People of Lenin's Moscow\": 40 cards (40 new)"),
        "{}",
        one.stdout
    );
    assert_eq!(simulation_rows(&one.stdout).len(), 2, "{}", one.stdout);
}

#[test]
fn simulate_refuses_retentions_out_of_range() {
    let s = common::Scratch::new();
    s.run(&["status"]).ok();
    let before = s.dump();
    let run = s.run(&["simulate", "--retention", "0.5..0.9"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("0.5 is outside 0.70..0.99") && run.stderr.contains("hint:"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    assert_eq!(s.dump(), before);
}

#[test]
fn simulate_draws_the_workload_curve_from_070_to_099() {
    let s = common::Scratch::new();
    s.run(&["status"]).ok();
    let run = s.run(&["simulate", "--curve", "--days", "30", "--deck", "people"]).ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("Simulating 30 days of deck"), "{}", run.stdout);
    assert_eq!(lines[1], "Study time, minutes a day (by desired retention)");
    assert_eq!(
        run.lines_starting("Cards remembered on day 30").len(),
        1,
        "{}",
        run.stdout
    );
    // One column, two characters wide, for each retention from 0.70 to 0.99.
    let axes: Vec<&&str> = lines.iter().filter(|l| l.contains('└')).collect();
    assert_eq!(axes.len(), 2, "{}", run.stdout);
    assert!(axes.iter().all(|l| l.ends_with(&"─".repeat(60))), "{}", run.stdout);
    let labels: Vec<&&str> = lines.iter().filter(|l| l.trim_start().starts_with("0.70")).collect();
    assert_eq!(labels.len(), 2, "{}", run.stdout);
    assert!(labels[0].ends_with("0.99"), "{}", run.stdout);
    let best = run.lines_starting("▲ 0.");
    assert_eq!(best.len(), 1, "{}", run.stdout);
    assert!(best[0].ends_with("; in use: 0.90."), "{}", run.stdout);
    // A mark in each chart, under the column of the retention named: the
    // line between the axis and the labels.
    let retention: f64 = best[0][4..8].parse().unwrap();
    let column = ((retention - 0.70) * 100.0).round() as usize;
    let marks: Vec<usize> = lines
        .windows(2)
        .filter(|w| w[0].trim() == "▲")
        .map(|w| w[0].chars().count() - 1 - w[1].find("0.70").unwrap())
        .collect();
    assert_eq!(marks, [2 * column, 2 * column], "{}", run.stdout);
    // --curve walks its own retentions.
    let both = s.run(&["simulate", "--curve", "--retention", "0.9"]);
    assert_eq!(both.code, 2, "{}", both.stderr);
}
