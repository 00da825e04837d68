//! Statistics end to end: `iskra stats`, `report`, `export stats` and
//! `export log` on a history made by driving the real binary over 90
//! simulated study days (`ISKRA_NOW` set per session) in a time zone with a
//! daylight-saving switch. Every figure is checked against a computation of
//! its own, written here, from the raw `review_log` and `cards` tables;
//! the dashboard and the exports are compared with snapshots; the HTML
//! report is rendered in headless Chromium.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use chrono::{DateTime, Duration, NaiveDate};
use common::{Run, Scratch, checkpoint};
use serde_json::Value;

/// Europe/Berlin as a POSIX rule (no tz database needed): UTC+1, and UTC+2
/// from the last Sunday of March (01:00 UTC) to the last Sunday of October.
const TZ: &str = "CET-1CEST,M3.5.0,M10.5.0/3";
/// When the statistics are taken: 2026-04-10 12:00 in Berlin (summer time).
const NOW: &str = "2026-04-10T12:00:00+02:00";
/// The answer that tests the day boundary: 03:30 local on 2026-04-10,
/// before the 04:00 day start, so it belongs to study day 2026-04-09.
const AT_0330: &str = "2026-04-10T03:30:00+02:00";
/// An hour later: the new study day, 2026-04-10.
const AT_0430: &str = "2026-04-10T04:30:00+02:00";
/// The first simulated study day.
const FIRST_DAY: &str = "2026-01-10";
const SIMULATED_DAYS: i64 = 90;
/// Built from the deck below.
const FACTS: usize = 160;

// ---------------------------------------------------------------------------
// The history.

fn deck_text() -> String {
    let mut text = String::from("# Stats history\ndescription: generated for the statistics tests\n\n");
    for i in 0..FACTS {
        let question = if i == 1 {
            // A long question, to be cut to the dashboard's width.
            format!("Question {i}: {}?", "why did the long question go on and on ".repeat(5))
        } else {
            format!("Question {i}, with a comma?")
        };
        text.push_str(&format!("## f{i:03}\nq: {question}\na: Answer {i}\n"));
        if i % 4 == 0 {
            text.push_str("cards: basic reverse\n");
        }
        text.push('\n');
    }
    text
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Berlin's UTC offset (hours) at a local date and hour, for `ISKRA_NOW`
/// values (the switch in this range: 2026-03-29 at 02:00 local).
fn offset_on(day: NaiveDate, hour: u32) -> i32 {
    let switch = date("2026-03-29");
    if day > switch || (day == switch && hour >= 3) {
        2
    } else {
        1
    }
}

/// An `ISKRA_NOW` value for a local time in Berlin.
fn local(day: NaiveDate, hour: u32, minute: u32) -> String {
    format!("{day}T{hour:02}:{minute:02}:00+{:02}:00", offset_on(day, hour))
}

/// Grades for a session: a fixed pattern, shifted by the day.
fn grades(day: i64, count: usize) -> String {
    const PATTERN: [u8; 17] = [3, 3, 1, 3, 4, 3, 2, 3, 3, 1, 3, 3, 4, 2, 3, 1, 3];
    let mut input: String = (0..count)
        .map(|i| format!("{}\n", PATTERN[(day as usize * 13 + i) % PATTERN.len()]))
        .collect();
    input.push_str("q\n");
    input
}

/// Runs the binary on the scratch collection in Berlin time.
fn run(s: &Scratch, now: &str, args: &[&str], stdin: &str) -> Run {
    let output = s
        .command(now)
        .env("TZ", TZ)
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("run iskra");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        stdout_bytes: output.stdout,
    }
}

fn session(s: &Scratch, now: &str, limit: usize, day: i64) {
    let limit_arg = limit.to_string();
    run(s, now, &["review", "--limit", &limit_arg], &grades(day, limit)).ok();
}

fn ms_of(rfc3339: &str) -> i64 {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().timestamp_millis()
}

fn day_number(d: NaiveDate) -> i64 {
    d.signed_duration_since(date("1970-01-01")).num_days()
}

/// Builds the history once per test run and returns its collection file.
fn fixture() -> &'static Path {
    static FIXTURE: OnceLock<Scratch> = OnceLock::new();
    let s = FIXTURE.get_or_init(|| {
        remove_stale_fixtures();
        let dir = tempfile::Builder::new()
            .prefix("stats-history")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .expect("temp dir");
        let db = dir.path().join("collection.sqlite3");
        let s = Scratch { dir, db };
        s.write("history.deck", deck_text());
        run(&s, &local(date(FIRST_DAY), 8, 0), &["build", "history.deck"], "").ok();
        run(&s, &local(date(FIRST_DAY), 8, 0), &["config", "new-per-day", "6"], "").ok();
        // The history buries exactly one card by hand (below), none by sibling burying.
        for key in ["bury-new", "bury-review"] {
            run(&s, &local(date(FIRST_DAY), 8, 0), &["config", key, "off"], "").ok();
        }
        for d in 0..SIMULATED_DAYS {
            let day = date(FIRST_DAY) + Duration::days(d);
            // Days off, for the streaks.
            if d % 11 == 5 || (50..=53).contains(&d) {
                continue;
            }
            if d % 10 == 2 {
                // Just after the day starts: early in the study day, late in a UTC one.
                session(&s, &local(day, 4, 20), 3, d);
            }
            // The last day stops early, leaving cards for the 03:30 session.
            let limit = if d == SIMULATED_DAYS - 1 { 3 } else { 12 + (d % 9) as usize };
            session(&s, &local(day, 9, (d % 5) as u32 * 7), limit, d);
            if d % 3 == 0 {
                session(&s, &local(day, 23, 40), 5, d);
            }
            if d % 10 == 7 {
                // Half past midnight: still the same study day.
                session(&s, &local(day + Duration::days(1), 0, 30), 4, d);
            }
        }
        session(&s, AT_0330, 2, 100);
        session(&s, AT_0430, 2, 102);
        session(&s, &local(date("2026-04-10"), 9, 0), 6, 101);
        let conn = rusqlite::Connection::open(&s.db).unwrap();
        let today = day_number(date("2026-04-10"));
        conn.execute_batch(&format!(
            "UPDATE review_log SET duration_ms = 1000 + (id * 7919) % 30000;
             -- A manual reschedule: not an answer.
             INSERT INTO review_log (uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
                 state_before, due_before, interval_before, state_after, due_after, interval_after)
             SELECT 'manual-entry', id, {manual_ms}, 3, 5000, 4, 0, state, due, interval, state, due, interval
             FROM cards WHERE state = 2 ORDER BY id LIMIT 1;
             -- Answers from a second device an hour later, graded the other way: only
             -- the first review of a card on a study day counts for retention.
             INSERT INTO review_log (uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
                 state_before, due_before, interval_before, state_after, due_after, interval_after)
             SELECT 'second-device-' || id, card_id, reviewed_at_ms + 3600000, CASE rating WHEN 1 THEN 3 ELSE 1 END,
                 4000, 1, 0, 2, due_before, interval_before, state_after, due_after, interval_after
             FROM review_log WHERE kind = 1 AND id % 7 = 0;
             -- Leeches (one with the long question), a suspended and a buried review card.
             UPDATE cards SET lapses = 8 WHERE template = 'basic' AND fact_id = (SELECT id FROM facts WHERE key = 'f001');
             UPDATE cards SET lapses = 11 WHERE id = (SELECT id FROM cards ORDER BY id LIMIT 1 OFFSET 4);
             UPDATE cards SET queue = -1 WHERE id = (SELECT max(id) FROM cards WHERE state = 2);
             UPDATE cards SET queue = -2, buried_day = {today}
               WHERE id = (SELECT min(id) FROM cards WHERE state = 2 AND queue = 2);",
            manual_ms = ms_of("2026-04-08T10:00:00+02:00"),
        ))
        .unwrap();
        drop(conn);
        checkpoint(&s.db);
        s
    });
    &s.db
}

/// The fixture lives in a static, never dropped, so each run leaves its
/// directory behind: remove those of runs that ended long ago.
fn remove_stale_fixtures() {
    let Ok(entries) = std::fs::read_dir(env!("CARGO_TARGET_TMPDIR")) else {
        return;
    };
    for entry in entries.flatten() {
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() > 3600));
        if stale && entry.file_name().to_string_lossy().starts_with("stats-history") {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A scratch collection holding a copy of the history.
fn scratch() -> Scratch {
    let s = Scratch::new();
    std::fs::copy(fixture(), &s.db).unwrap();
    s
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.stdout))
}

// ---------------------------------------------------------------------------
// The independent computation, from the raw tables.

#[derive(Debug, Clone)]
struct Answer {
    ms: i64,
    card: i64,
    rating: i64,
    kind: i64,
    duration: i64,
    state_before: i64,
    due_before: i64,
    interval_before: i64,
}

#[derive(Debug, Clone)]
struct Card {
    id: i64,
    state: i64,
    queue: i64,
    due: i64,
    interval: i64,
    stability: Option<f64>,
    difficulty: Option<f64>,
    last_review_day: Option<i64>,
    lapses: i64,
}

/// The study day (days since 1970-01-01) of a UTC instant in Berlin with
/// the day starting at 04:00, for instants between the two switches
/// around the history (2025-10-26 and 2026-10-25).
fn study_day(ms: i64) -> i64 {
    let (summer_from, summer_to) = (ms_of("2026-03-29T01:00:00Z"), ms_of("2026-10-25T01:00:00Z"));
    assert!(
        (ms_of("2025-10-26T01:00:00Z")..summer_to).contains(&ms),
        "{ms} is outside the range this test's time-zone rule covers"
    );
    let offset_hours = if (summer_from..summer_to).contains(&ms) { 2 } else { 1 };
    (ms + (offset_hours - 4) * 3_600_000).div_euclid(86_400_000)
}

fn answers(s: &Scratch) -> Vec<Answer> {
    s.db()
        .prepare(
            "SELECT reviewed_at_ms, card_id, rating, kind, duration_ms, state_before, due_before, interval_before
             FROM review_log ORDER BY reviewed_at_ms, id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok(Answer {
                ms: r.get(0)?,
                card: r.get(1)?,
                rating: r.get(2)?,
                kind: r.get(3)?,
                duration: r.get(4)?,
                state_before: r.get(5)?,
                due_before: r.get(6)?,
                interval_before: r.get(7)?,
            })
        })
        .unwrap()
        .map(Result::unwrap)
        .filter(|a| a.kind != 4) // manual entries are not answers
        .collect()
}

fn cards(s: &Scratch) -> Vec<Card> {
    s.db()
        .prepare(
            "SELECT id, state, queue, due, interval, stability, difficulty, last_review_day, lapses
             FROM cards WHERE retired = 0 ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok(Card {
                id: r.get(0)?,
                state: r.get(1)?,
                queue: r.get(2)?,
                due: r.get(3)?,
                interval: r.get(4)?,
                stability: r.get(5)?,
                difficulty: r.get(6)?,
                last_review_day: r.get(7)?,
                lapses: r.get(8)?,
            })
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// What one study day should show.
#[derive(Debug, Default, PartialEq)]
struct Expected {
    reviews: i64,
    new: i64,
    learning: i64,
    review: i64,
    relearn: i64,
    again: i64,
    time_ms: i64,
    young: (i64, i64),
    mature: (i64, i64),
    due: i64,
}

/// Every study day's figures, from the log and the cards.
fn expected_days(answers: &[Answer], cards: &[Card], today: i64) -> BTreeMap<i64, Expected> {
    let mut days: BTreeMap<i64, Expected> = BTreeMap::new();
    let mut seen: HashSet<(i64, i64)> = HashSet::new();
    for a in answers {
        let day = study_day(a.ms);
        let e = days.entry(day).or_default();
        e.reviews += 1;
        e.time_ms += a.duration;
        e.new += i64::from(a.state_before == 0);
        e.learning += i64::from(a.kind == 0);
        e.review += i64::from(a.kind == 1);
        e.relearn += i64::from(a.kind == 2);
        e.again += i64::from(a.rating == 1);
        if a.kind == 1 && seen.insert((a.card, day)) {
            let pair = if a.interval_before < 21 {
                &mut e.young
            } else {
                &mut e.mature
            };
            if a.rating > 1 {
                pair.0 += 1;
            } else {
                pair.1 += 1;
            }
            if a.state_before == 2 && a.due_before <= day {
                days.entry(a.due_before).or_default().due += 1;
            }
        }
    }
    for c in cards {
        if c.state == 2 && c.queue != -1 && c.due <= today {
            days.entry(c.due).or_default().due += 1;
        }
    }
    days
}

fn n(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn rate(passed: i64, failed: i64) -> Option<f64> {
    (passed + failed > 0).then(|| passed as f64 / (passed + failed) as f64)
}

fn assert_rate(actual: &Value, expected: Option<f64>, what: &str) {
    match expected {
        None => assert!(actual.is_null(), "{what}: expected no rate, got {actual}"),
        Some(r) => assert!((f(actual) - r).abs() < 1e-9, "{what}: {actual} != {r}"),
    }
}

fn check_tally(actual: &Value, passed: i64, failed: i64, what: &str) {
    assert_eq!((n(&actual["passed"]), n(&actual["failed"])), (passed, failed), "{what}");
    assert_rate(&actual["rate"], rate(passed, failed), what);
}

/// FSRS-6 retrievability with the default decay, written out.
fn recall(stability: f64, elapsed_days: f64) -> f64 {
    let decay = 0.1542_f64;
    let factor = 0.9_f64.powf(-1.0 / decay) - 1.0;
    (1.0 + factor * elapsed_days / stability).powf(-decay)
}

fn check_histogram(actual: &Value, values: &[f64], edges: &[f64], what: &str) {
    let bins = actual["bins"].as_array().unwrap();
    assert_eq!(bins.len(), edges.len(), "{what}");
    let mut expected = vec![0; edges.len()];
    for &v in values {
        let i = edges.iter().rposition(|&e| v >= e).unwrap_or(0);
        expected[i] += 1;
    }
    let counts: Vec<i64> = bins.iter().map(|b| n(&b["count"])).collect();
    assert_eq!(counts, expected, "{what} bins");
    assert_eq!(n(&actual["count"]), values.len() as i64, "{what} count");
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    assert!(
        (f(&actual["mean"]) - mean).abs() < 1e-4,
        "{what} mean {} != {mean}",
        actual["mean"]
    );
}

// ---------------------------------------------------------------------------
// The tests.

#[test]
fn every_figure_matches_a_computation_from_the_raw_log() {
    let s = scratch();
    let stats = json(&run(&s, NOW, &["stats", "--json", "--days", "90"], "").ok());
    let answers = answers(&s);
    let cards = cards(&s);
    let today = day_number(date("2026-04-10"));
    assert!(
        answers.len() > 1000,
        "the history is too thin: {} answers",
        answers.len()
    );
    let days = expected_days(&answers, &cards, today);
    let empty = Expected::default();
    let on = |day: i64| days.get(&day).unwrap_or(&empty);

    assert_eq!(stats["format_version"], 1);
    assert_eq!(stats["study_day"], "2026-04-10");

    // Reviews per day over the period.
    let period = stats["reviews"].as_array().unwrap();
    assert_eq!(period.len(), 90);
    for (i, row) in period.iter().enumerate() {
        let day = today - 89 + i as i64;
        let e = on(day);
        let what = format!("day {}", row["date"]);
        assert_eq!(row["date"], (date("1970-01-01") + Duration::days(day)).to_string());
        let got = [
            "reviews", "new", "learning", "review", "relearn", "again", "time_ms", "due",
        ]
        .map(|k| n(&row[k]));
        assert_eq!(
            got,
            [
                e.reviews, e.new, e.learning, e.review, e.relearn, e.again, e.time_ms, e.due
            ],
            "{what}"
        );
        check_tally(&row["retention"], e.young.0 + e.mature.0, e.young.1 + e.mature.1, &what);
    }
    assert!(period.iter().any(|d| n(&d["relearn"]) > 0 && n(&d["due"]) > 0));

    // The heatmap: answers on each of the last 365 days.
    let heatmap = stats["heatmap"].as_array().unwrap();
    assert_eq!(heatmap.len(), 365);
    for (i, cell) in heatmap.iter().enumerate() {
        assert_eq!(n(&cell["count"]), on(today - 364 + i as i64).reviews, "{cell}");
    }

    // Today, and the streaks.
    let today_answers: Vec<&Answer> = answers.iter().filter(|a| study_day(a.ms) == today).collect();
    let t = &stats["today"];
    assert_eq!(n(&t["answers"]), today_answers.len() as i64);
    assert_eq!(
        n(&t["cards"]),
        today_answers.iter().map(|a| a.card).collect::<HashSet<_>>().len() as i64
    );
    assert_eq!(n(&t["time_ms"]), today_answers.iter().map(|a| a.duration).sum::<i64>());
    let again = today_answers.iter().filter(|a| a.rating == 1).count() as i64;
    assert_eq!(n(&t["again"]), again);
    assert_rate(
        &t["again_rate"],
        rate(again, today_answers.len() as i64 - again),
        "again rate",
    );
    let active: HashSet<i64> = answers.iter().map(|a| study_day(a.ms)).collect();
    let start = if active.contains(&today) { today } else { today - 1 };
    let current = (0..).take_while(|k| active.contains(&(start - k))).count() as i64;
    let mut longest = 0;
    for &d in &active {
        if !active.contains(&(d - 1)) {
            longest = longest.max((0..).take_while(|k| active.contains(&(d + k))).count() as i64);
        }
    }
    assert_eq!(
        (n(&stats["streak"]["current"]), n(&stats["streak"]["longest"])),
        (current, longest)
    );
    assert!(
        longest > current,
        "the history has a gap: longest {longest}, current {current}"
    );

    // True retention over 7, 30 and 365 days.
    let retention = stats["retention"].as_array().unwrap();
    for (period, row) in [7, 30, 365].iter().zip(retention) {
        assert_eq!(n(&row["days"]), *period);
        let (mut young, mut mature) = ((0, 0), (0, 0));
        for day in today - period + 1..=today {
            let e = on(day);
            young = (young.0 + e.young.0, young.1 + e.young.1);
            mature = (mature.0 + e.mature.0, mature.1 + e.mature.1);
        }
        let what = format!("retention over {period} days");
        check_tally(&row["young"], young.0, young.1, &what);
        check_tally(&row["mature"], mature.0, mature.1, &what);
        check_tally(&row["all"], young.0 + mature.0, young.1 + mature.1, &what);
    }
    assert!(
        n(&retention[2]["mature"]["passed"]) > 0,
        "the history reaches mature cards"
    );

    // Answer buttons over the period.
    let mut buttons: HashMap<&str, [i64; 4]> = HashMap::new();
    for a in answers.iter().filter(|a| study_day(a.ms) > today - 90) {
        let group = match (a.kind, a.interval_before < 21) {
            (0 | 2, _) => "learning",
            (1, true) => "young",
            (1, false) => "mature",
            _ => continue,
        };
        buttons.entry(group).or_default()[a.rating as usize - 1] += 1;
    }
    for group in ["learning", "young", "mature"] {
        let counts: Vec<i64> = stats["buttons"][group]["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(n)
            .collect();
        assert_eq!(
            counts,
            buttons.get(group).copied().unwrap_or_default(),
            "{group} buttons"
        );
    }

    // Cards by state.
    let count = |p: &dyn Fn(&Card) -> bool| cards.iter().filter(|c| p(c)).count() as i64;
    let active_card = |c: &Card| c.queue >= 0;
    let expected = [
        ("new", count(&|c| active_card(c) && c.state == 0)),
        ("learning", count(&|c| active_card(c) && c.state == 1)),
        ("relearning", count(&|c| active_card(c) && c.state == 3)),
        ("young", count(&|c| active_card(c) && c.state == 2 && c.interval < 21)),
        ("mature", count(&|c| active_card(c) && c.state == 2 && c.interval >= 21)),
        ("suspended", count(&|c| c.queue == -1)),
        ("buried", count(&|c| c.queue == -2)),
        ("total", cards.len() as i64),
    ];
    for (name, value) in expected {
        assert_eq!(n(&stats["cards"][name]), value, "cards {name}");
    }
    assert_eq!((n(&stats["cards"]["suspended"]), n(&stats["cards"]["buried"])), (1, 1));

    // The forecast.
    let mut forecast = [0i64; 30];
    for c in cards.iter().filter(|c| c.queue != -1 && c.state != 0) {
        let day = if c.state == 2 { c.due } else { study_day(c.due) };
        let earliest = if c.queue == -2 { today + 1 } else { today };
        let i = day.max(earliest) - today;
        if i < 30 {
            forecast[i as usize] += 1;
        }
    }
    let got: Vec<i64> = stats["forecast"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| n(&d["count"]))
        .collect();
    assert_eq!(got, forecast);
    assert!(forecast[1..].iter().sum::<i64>() > 0);

    // Distributions.
    let day_edges = [
        0.0, 1.0, 2.0, 3.0, 4.0, 7.0, 14.0, 21.0, 30.0, 60.0, 90.0, 180.0, 365.0, 730.0,
    ];
    let percent_edges: Vec<f64> = (0..10).map(|i| f64::from(i * 10)).collect();
    let studied: Vec<&Card> = cards
        .iter()
        .filter(|c| c.stability.is_some() && c.difficulty.is_some())
        .collect();
    let d = &stats["distributions"];
    let intervals: Vec<f64> = cards
        .iter()
        .filter(|c| c.state == 2 || c.state == 3)
        .map(|c| c.interval as f64)
        .collect();
    check_histogram(&d["intervals"], &intervals, &day_edges, "intervals");
    let stability: Vec<f64> = studied.iter().map(|c| c.stability.unwrap()).collect();
    check_histogram(&d["stability"], &stability, &day_edges, "stability");
    let difficulty: Vec<f64> = studied
        .iter()
        .map(|c| ((c.difficulty.unwrap() - 1.0) / 9.0 * 100.0).clamp(0.0, 100.0))
        .collect();
    check_histogram(&d["difficulty"], &difficulty, &percent_edges, "difficulty");
    let recalls: Vec<f64> = studied
        .iter()
        .map(|c| 100.0 * recall(c.stability.unwrap(), (today - c.last_review_day.unwrap()).max(0) as f64))
        .collect();
    check_histogram(&d["retrievability"], &recalls, &percent_edges, "retrievability");

    // Leeches and the hardest cards.
    let mut leeches: Vec<&Card> = cards.iter().filter(|c| c.lapses >= 8).collect();
    leeches.sort_by(|a, b| {
        (b.lapses, b.difficulty.unwrap_or(0.0))
            .partial_cmp(&(a.lapses, a.difficulty.unwrap_or(0.0)))
            .unwrap()
            .then(a.id.cmp(&b.id))
    });
    let ids = |v: &Value| -> Vec<i64> { v.as_array().unwrap().iter().map(|c| n(&c["id"])).collect() };
    assert!(leeches.len() >= 2, "the two leeches made by hand");
    assert_eq!(n(&stats["leeches"]["count"]), leeches.len() as i64);
    assert_eq!(
        ids(&stats["leeches"]["cards"]),
        leeches.iter().map(|c| c.id).collect::<Vec<_>>()
    );
    let mut hardest = studied.clone();
    hardest.sort_by(|a, b| {
        (b.difficulty, b.lapses)
            .partial_cmp(&(a.difficulty, a.lapses))
            .unwrap()
            .then(a.id.cmp(&b.id))
    });
    assert_eq!(
        ids(&stats["hardest"]),
        hardest.iter().take(10).map(|c| c.id).collect::<Vec<_>>()
    );
}

#[test]
fn export_stats_rows_match_the_log_and_the_cards() {
    let s = scratch();
    let exported = json(
        &run(
            &s,
            NOW,
            &["export", "stats", "--format", "json", "--days", "90", "--cards"],
            "",
        )
        .ok(),
    );
    let answers = answers(&s);
    let cards = cards(&s);
    let today = day_number(date("2026-04-10"));
    let days = expected_days(&answers, &cards, today);
    assert_eq!(exported["format_version"], 1);
    let rows = exported["days"].as_array().unwrap();
    assert_eq!(rows.len(), 90);
    let empty = Expected::default();
    for (i, row) in rows.iter().enumerate() {
        let e = days.get(&(today - 89 + i as i64)).unwrap_or(&empty);
        let (passed, failed) = (e.young.0 + e.mature.0, e.young.1 + e.mature.1);
        assert_eq!(
            [
                "reviews",
                "new",
                "learning",
                "review",
                "relearn",
                "again",
                "time_ms",
                "due",
                "retention_passed",
                "retention_failed"
            ]
            .map(|k| n(&row[k])),
            [
                e.reviews, e.new, e.learning, e.review, e.relearn, e.again, e.time_ms, e.due, passed, failed
            ],
            "{row}"
        );
        match rate(passed, failed) {
            Some(r) => assert!((f(&row["retention"]) - r).abs() <= 0.00005, "{row}"),
            None => assert!(row["retention"].is_null()),
        }
    }
    // One row per live card, with its recall now.
    let exported_cards = exported["cards"].as_array().unwrap();
    assert_eq!(exported_cards.len(), cards.len());
    for (row, card) in exported_cards.iter().zip(&cards) {
        assert_eq!(n(&row["id"]), card.id);
        assert_eq!(n(&row["lapses"]), card.lapses);
        match (card.stability, card.last_review_day) {
            (Some(s), Some(last)) => {
                let r = recall(s, (today - last).max(0) as f64);
                assert!((f(&row["retrievability"]) - r).abs() <= 0.00006, "{row}");
            }
            _ => assert!(row["retrievability"].is_null()),
        }
    }
    let csv = run(&s, NOW, &["export", "stats", "--days", "90", "--cards"], "").ok();
    assert_eq!(csv.stdout.lines().count(), cards.len() + 1);
}

#[test]
fn leeches_follow_the_leech_lapses_setting() {
    let s = scratch();
    let lapses: Vec<i64> = cards(&s).iter().map(|c| c.lapses).collect();
    let with_at_least = |n: i64| lapses.iter().filter(|&&l| l >= n).count() as i64;
    assert!(
        with_at_least(10) < with_at_least(8),
        "the fixture has leeches between 8 and 9 lapses"
    );
    run(&s, NOW, &["config", "leech-lapses", "10"], "").ok();
    let stats = json(&run(&s, NOW, &["stats", "--json"], "").ok());
    assert_eq!(n(&stats["leeches"]["lapses"]), 10);
    assert_eq!(n(&stats["leeches"]["count"]), with_at_least(10));
    run(&s, NOW, &["config", "leech-lapses", "0"], "").ok();
    let stats = json(&run(&s, NOW, &["stats", "--json"], "").ok());
    assert_eq!(n(&stats["leeches"]["count"]), 0, "0 turns leeches off");
}

#[test]
fn an_answer_at_0330_counts_for_the_previous_study_day() {
    let s = scratch();
    let at_0330 = ms_of(AT_0330);
    // The two answers of the 03:30 session are in the log at 03:30 local.
    let at: Vec<i64> = s
        .db()
        .prepare("SELECT reviewed_at_ms FROM review_log WHERE reviewed_at_ms = ?1")
        .unwrap()
        .query_map([at_0330], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(at.len(), 2, "the 03:30 session answered two cards");
    assert_eq!(
        s.count(&format!(
            "SELECT count(*) FROM review_log WHERE reviewed_at_ms = {} AND uid NOT LIKE 'second-device-%'",
            ms_of(AT_0430)
        )),
        2,
        "the 04:30 session answered two cards"
    );
    let log = run(&s, NOW, &["export", "log", "--format", "json"], "").ok();
    let log = json(&log);
    let entries: Vec<&Value> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["reviewed_at"] == "2026-04-10T01:30:00.000Z")
        .collect();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e["study_day"] == "2026-04-09"), "{entries:?}");
    // In the statistics they count for 2026-04-09, not for today.
    let stats = json(&run(&s, NOW, &["stats", "--json", "--days", "2"], "").ok());
    let (yesterday, today) = (&stats["reviews"][0], &stats["reviews"][1]);
    assert_eq!(yesterday["date"], "2026-04-09");
    let ms_on = |from: &str, to: &str| {
        s.count(&format!(
            "SELECT count(*) FROM review_log WHERE kind != 4 AND reviewed_at_ms >= {} AND reviewed_at_ms < {}",
            ms_of(from),
            ms_of(to)
        ))
    };
    assert_eq!(
        n(&yesterday["reviews"]),
        ms_on("2026-04-09T04:00:00+02:00", "2026-04-10T04:00:00+02:00")
    );
    assert_eq!(n(&today["reviews"]), ms_on("2026-04-10T04:00:00+02:00", NOW));
    assert_eq!(n(&stats["today"]["answers"]), n(&today["reviews"]));
    assert!(n(&yesterday["reviews"]) >= 2);
    // A minute later than 04:00 would be today: the same answers at UTC
    // midnight-based days would land elsewhere, so the check above can fail.
    assert_ne!(
        ms_on("2026-04-09T00:00:00Z", "2026-04-10T00:00:00Z"),
        n(&yesterday["reviews"]),
        "the fixture should distinguish study days from UTC days"
    );
}

// ---------------------------------------------------------------------------
// Snapshots: expected output under tests/snapshots/stats/, compared byte for
// byte; `ISKRA_UPDATE_SNAPSHOTS=1 cargo test --test stats` rewrites them.

#[track_caller]
fn assert_snapshot(name: &str, actual: &str) {
    common::assert_snapshot("stats", name, actual);
}

#[test]
fn dashboard_matches_its_snapshot_and_fits_100_columns() {
    let s = scratch();
    let dashboard = run(&s, NOW, &["stats"], "").ok();
    assert!(
        !dashboard.stdout.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
    for line in dashboard.stdout.lines() {
        let width = console::measure_text_width(line);
        assert!(width <= 100, "{width} columns: {line}");
    }
    for needle in [
        "Today",
        "Streak",
        "Answers per day",
        "Reviews per day",
        "Forecast",
        "True retention",
    ] {
        assert!(
            dashboard.stdout.contains(needle),
            "{needle} missing:\n{}",
            dashboard.stdout
        );
    }
    assert_snapshot("dashboard.txt", &dashboard.stdout);
    let deck = run(&s, NOW, &["stats", "--deck", "history", "--days", "120"], "").ok();
    assert!(
        deck.stdout
            .starts_with("Statistics · Stats history · study day 2026-04-10")
    );
    assert!(deck.stdout.lines().all(|l| console::measure_text_width(l) <= 100));
    assert_snapshot("dashboard-120-days.txt", &deck.stdout);
}

#[test]
fn json_and_csv_exports_match_their_snapshots() {
    let s = scratch();
    let stats = run(&s, NOW, &["stats", "--json"], "").ok();
    assert_snapshot("stats.json", &stats.stdout);
    let days = run(&s, NOW, &["export", "stats"], "").ok();
    assert!(days.stdout.starts_with(
        "date,reviews,new,learning,review,relearn,again,time_ms,retention,retention_passed,retention_failed,due\r\n"
    ));
    assert_snapshot("export-stats.csv", &days.stdout);
    let cards = run(
        &s,
        NOW,
        &["export", "stats", "--format", "json", "--cards", "--days", "7"],
        "",
    )
    .ok();
    assert_snapshot("export-stats-cards.json", &cards.stdout);
    let cards_csv = run(&s, NOW, &["export", "stats", "--cards"], "").ok();
    // Quoted per RFC 4180: the questions hold commas.
    assert!(
        cards_csv.stdout.contains(",\"Question 0, with a comma?\","),
        "{}",
        cards_csv.stdout
    );
    assert_snapshot("export-stats-cards.csv", &cards_csv.stdout);
    let log = run(&s, NOW, &["export", "log"], "").ok();
    let head: String = log.stdout.split_inclusive('\n').take(40).collect();
    assert_snapshot("export-log-head.csv", &head);
    let log_json = run(&s, NOW, &["export", "log", "--format", "json"], "").ok();
    let value = json(&log_json);
    let entries = value["entries"].as_array().unwrap();
    assert_eq!(entries.len() as i64, s.count("SELECT count(*) FROM review_log"));
    assert_eq!(log.stdout.lines().count(), entries.len() + 1);
    let head: Vec<&Value> = entries.iter().take(12).collect();
    assert_snapshot(
        "export-log-head.json",
        &format!(
            "format_version {} kind {}\n{}\n",
            value["format_version"],
            value["kind"],
            serde_json::to_string_pretty(&head).unwrap()
        ),
    );
}

#[test]
fn log_export_reads_like_ankis_revlog() {
    let s = scratch();
    let value = json(
        &run(
            &s,
            NOW,
            &["export", "log", "--format", "json", "--deck", "Stats history"],
            "",
        )
        .ok(),
    );
    let entries = value["entries"].as_array().unwrap();
    let raw: Vec<[i64; 8]> = s
        .db()
        .prepare(
            "SELECT reviewed_at_ms, card_id, rating, duration_ms, kind, interval_after, state_after, due_after
             FROM review_log ORDER BY reviewed_at_ms, id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok([
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ])
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(entries.len(), raw.len());
    let mut ids = HashSet::new();
    for (e, r) in entries.iter().zip(&raw) {
        assert!(ids.insert(n(&e["id"])), "ids are unique");
        // Answers of one session share a millisecond here (the clock is fixed).
        assert!(n(&e["id"]) >= r[0] && n(&e["id"]) < r[0] + 1000, "{e}");
        assert_eq!(
            [n(&e["card"]), n(&e["rating"]), n(&e["time_ms"]), n(&e["kind"])],
            r[1..5]
        );
        // Review intervals in days; learning steps in negative seconds.
        let interval = match r[6] {
            2 => r[5],
            _ => -((r[7] - r[0]).max(0) / 1000),
        };
        assert_eq!(n(&e["interval"]), interval, "{e}");
        if e["state_before"] == "new" {
            assert_eq!(n(&e["last_interval"]), 0);
        }
    }
    // A first answer Good on a new card waits for the 10-minute step.
    assert!(
        entries
            .iter()
            .any(|e| e["state_before"] == "new" && e["rating"] == 3 && e["interval"] == -600),
        "no new card answered Good"
    );
}

#[test]
fn exports_to_files_are_atomic_and_bad_input_is_refused() {
    let s = scratch();
    let out = s.path("out/days.csv");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&out, "old contents").unwrap();
    let written = run(&s, NOW, &["export", "stats", "--out", out.to_str().unwrap()], "").ok();
    assert_eq!(written.stdout, format!("30 rows written to {}\n", out.display()));
    let to_stdout = run(&s, NOW, &["export", "stats"], "").ok();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), to_stdout.stdout);
    let names: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["days.csv"], "no temporary file left");

    let before = s.dump();
    let unknown = run(&s, NOW, &["export", "log", "--deck", "nope", "--out", "log.csv"], "").fails();
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("no deck named \"nope\""), "{}", unknown.stderr);
    assert!(!s.path("log.csv").exists());
    let days = run(&s, NOW, &["stats", "--days", "0"], "").fails();
    assert!(days.stderr.contains("--days"), "{}", days.stderr);
    let format = run(&s, NOW, &["export", "log", "--format", "xml"], "").fails();
    assert!(
        format.stderr.contains("csv") && format.stderr.contains("json"),
        "{}",
        format.stderr
    );
    // A report cannot replace a directory.
    std::fs::create_dir(s.path("report.html")).unwrap();
    let report = run(&s, NOW, &["report", "--out", "report.html"], "").fails();
    assert!(report.stderr.contains("report.html"), "{}", report.stderr);
    assert_eq!(s.dump(), before, "nothing in the collection changed");
}

// ---------------------------------------------------------------------------
// The HTML report in headless Chromium.

/// Runs headless Chromium on a file; returns (stdout, stderr). Chromium
/// missing is a failure, not a skip: `.ci/run` installs it.
fn chromium(args: &[&str], page: &Path) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let output = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap_or_else(|e| panic!("cannot run chromium ({e}): install Debian's chromium package (.ci/run does it)"));
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Lines of Chromium's log that report a page's console messages or errors.
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect()
}

#[test]
fn report_renders_in_headless_chromium() {
    let s = scratch();
    let written = run(&s, NOW, &["report", "--out", "report.html"], "").ok();
    assert_eq!(written.stdout, "Report written to report.html\n");
    let page = s.path("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: nothing to fetch, nothing to run.
    for forbidden in [
        "http:", "https:", "<script", "src=", "href=", "url(", "@import", "<link",
    ] {
        assert!(!html.contains(forbidden), "the report contains {forbidden}");
    }

    let (dom, stderr) = chromium(&["--dump-dom"], &page);
    assert!(
        console_lines(&stderr).is_empty(),
        "console output: {:?}",
        console_lines(&stderr)
    );
    for id in [
        "heatmap-chart",
        "reviews-chart",
        "forecast-chart",
        "intervals-chart",
        "difficulty-chart",
    ] {
        assert!(
            dom.contains(&format!("<svg id=\"{id}\"")),
            "no SVG {id} in the rendered page"
        );
    }
    assert_eq!(
        dom.matches("<rect class=\"day ").count(),
        365,
        "one heatmap cell per day"
    );
    assert!(dom.contains("<table id=\"retention-table\">"));
    assert!(dom.contains("<table id=\"leeches-table\">"));
    assert!(
        dom.contains("why did the long question go on"),
        "the leech's question is shown"
    );
    // Reviews per day: a bar group per day of the period; bars drawn.
    let reviews = dom
        .split("<svg id=\"reviews-chart\"")
        .nth(1)
        .unwrap()
        .split("</svg>")
        .next()
        .unwrap();
    assert_eq!(reviews.matches("<g>").count(), 30);
    assert!(reviews.matches("<rect ").count() > 20);

    let png = s.path("report.png");
    let (_, stderr) = chromium(
        &[&format!("--screenshot={}", png.display()), "--window-size=1000,2600"],
        &page,
    );
    assert!(
        console_lines(&stderr).is_empty(),
        "console output: {:?}",
        console_lines(&stderr)
    );
    let bytes = std::fs::read(&png).expect("a screenshot");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        bytes.len() > 20_000,
        "the screenshot is suspiciously small: {} bytes",
        bytes.len()
    );
    // Also on a phone-sized window.
    let phone = s.path("phone.png");
    chromium(
        &[&format!("--screenshot={}", phone.display()), "--window-size=390,3000"],
        &page,
    );
    assert!(std::fs::read(&phone).unwrap().starts_with(b"\x89PNG"));
    if let Some(dir) = std::env::var_os("ISKRA_KEEP_SCREENSHOTS") {
        std::fs::copy(&png, Path::new(&dir).join("report.png")).unwrap();
        std::fs::copy(&phone, Path::new(&dir).join("report-phone.png")).unwrap();
    }
}

#[test]
fn the_console_check_catches_a_page_with_errors() {
    // The detector above must be able to fail: a page with a script error.
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bad.html");
    std::fs::write(&page, "<!DOCTYPE html><p>x</p><script>missing_function();</script>").unwrap();
    let (_, stderr) = chromium(&["--dump-dom"], &page);
    assert_eq!(console_lines(&stderr).len(), 1, "{stderr}");
}

#[test]
fn hostile_card_text_stays_inert() {
    let s = Scratch::new();
    let evil = "Who wrote \u{1b}[31mred\u{1b}[0m and \u{202e}this?";
    s.write(
        "evil.deck",
        format!("# Evil \u{1b}]0;title\u{7}\n## e\nq: {evil}\na: me\n"),
    );
    run(&s, NOW, &["build", "evil.deck"], "").ok();
    run(&s, NOW, &["review"], "3\nq\n").ok();
    rusqlite::Connection::open(&s.db)
        .unwrap()
        .execute("UPDATE cards SET lapses = 9", [])
        .unwrap();
    let raw = |text: &str| text.contains('\u{1b}') || text.contains('\u{202e}') || text.contains('\u{7}');

    let dashboard = run(&s, NOW, &["stats"], "").ok();
    assert!(!raw(&dashboard.stdout), "{}", dashboard.stdout);
    assert!(dashboard.stdout.contains("\\u{1b}[31mred"), "{}", dashboard.stdout);
    // JSON escapes them losslessly, wherever it goes.
    for args in [
        &["stats", "--json"][..],
        &["export", "stats", "--cards", "--format", "json"],
        &["export", "log", "--format", "json"],
    ] {
        let out = run(&s, NOW, args, "").ok();
        assert!(!raw(&out.stdout), "{args:?}: {}", out.stdout);
        // Deck names hold no control characters (each run became a space).
        assert!(
            json(&out).to_string().contains("\"Evil  ]0;title\""),
            "{args:?}: the deck name reads back"
        );
    }
    let stats = json(&run(&s, NOW, &["stats", "--json"], "").ok());
    assert_eq!(stats["leeches"]["cards"][0]["question"], evil);
    // CSV into a pipe is data, written as it is...
    let csv = run(&s, NOW, &["export", "stats", "--cards"], "").ok();
    assert!(csv.stdout.contains(evil), "{}", csv.stdout);
    // ...and shown escaped on a terminal (raw escapes would be stripped here).
    let mut pty = common::spawn_pty(&s, &["export", "stats", "--cards"]);
    common::pty_expect(&mut pty, "Who wrote \\u{1b}[31mred\\u{1b}[0m and \\u{202e}this?");
    common::pty_exits_cleanly(&mut pty);
}

/// The SVG element `id` of a rendered page, from its opening tag to its end.
fn svg_of<'a>(dom: &'a str, id: &str) -> &'a str {
    dom.split(&format!("<svg id=\"{id}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no SVG {id} in the rendered page"))
        .split("</svg>")
        .next()
        .unwrap()
}

#[test]
fn report_curve_draws_the_workload_by_retention_as_simulate_does() {
    let s = scratch();
    run(&s, NOW, &["report", "--out", "plain.html"], "").ok();
    let plain = std::fs::read_to_string(s.path("plain.html")).unwrap();
    assert!(
        !plain.contains("id=\"workload\""),
        "the curve is drawn only with --curve"
    );

    let written = run(&s, NOW, &["report", "--curve", "--out", "curve.html"], "").ok();
    assert_eq!(written.stdout, "Report written to curve.html\n");
    let (dom, stderr) = chromium(&["--dump-dom"], &s.path("curve.html"));
    assert!(
        console_lines(&stderr).is_empty(),
        "console output: {:?}",
        console_lines(&stderr)
    );

    // The same computation and the same rule as `simulate --curve`.
    let simulated = run(&s, NOW, &["simulate", "--curve"], "").ok();
    let marked = simulated
        .stdout
        .lines()
        .find(|l| l.starts_with("▲ "))
        .unwrap_or_else(|| panic!("simulate --curve marks no retention:\n{}", simulated.stdout));
    let best = marked.split_whitespace().nth(1).unwrap();
    let minutes = marked.split('(').nth(1).unwrap().split(" minutes").next().unwrap();
    assert!(
        dom.contains(&format!(
            "▲ {best} costs least study time per card remembered ({minutes} minutes a day"
        )),
        "the report's note names simulate's optimum ({marked})"
    );
    let expected: Vec<String> = (70..=99).map(|r| format!("0.{r}")).collect();
    for id in ["workload-minutes-chart", "workload-remembered-chart"] {
        let svg = svg_of(&dom, id);
        let retentions: Vec<String> = svg
            .split("<title>retention ")
            .skip(1)
            .map(|t| t.split(':').next().unwrap().to_string())
            .collect();
        assert_eq!(retentions, expected, "{id}: one point per retention, 0.70 to 0.99");
        assert_eq!(svg.matches("<circle ").count(), 30, "{id}");
        assert_eq!(
            svg.matches("<circle class=\"best\"").count(),
            1,
            "{id}: one optimum marked"
        );
        let best_title = svg
            .split("<circle class=\"best\"")
            .nth(1)
            .unwrap()
            .split("</title>")
            .next()
            .unwrap();
        assert!(
            best_title.contains(&format!("<title>retention {best}: {minutes} minutes a day")),
            "{id}: the marked point is simulate's optimum {best}: {best_title}"
        );
        assert_eq!(svg.matches("<polyline class=\"curve\"").count(), 1, "{id}");
        assert_eq!(svg.matches("class=\"best-line\"").count(), 1, "{id}");
    }
}
