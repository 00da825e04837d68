//! Interop with real Anki, through the `anki` Python package (PyPI):
//! a package iskra exports is imported by Anki (notes, fields, cloze
//! numbering, tags, deck, and with `--with-history` the revlog), and
//! packages Anki makes — with reviewed cards, a cloze note and a reversed
//! note — import into iskra with matching counts, schedules and history;
//! and a whole collection made by Anki goes into iskra, back into the same
//! Anki collection and into iskra again, losing and duplicating nothing
//! (issue 16, `tests/anki/roundtrip.py`).
//!
//! The library lives in a virtual environment under `target/anki-venv`,
//! created (and the `anki` version pinned in `tests/anki/requirements.txt`
//! installed with pip) when missing; `ISKRA_ANKI_PYTHON`
//! may name another interpreter that has it. If PyPI cannot be reached the
//! test fails and says so: it never passes without running Anki.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{NOW, Scratch, shifted};
use serde_json::Value;

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// The pinned `anki` requirement (`anki==X.Y.Z`), kept in one place:
/// `tests/anki/requirements.txt`.
fn anki_requirement() -> &'static str {
    include_str!("anki/requirements.txt")
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("anki=="))
        .unwrap_or_else(|| panic!("tests/anki/requirements.txt has no `anki==` line"))
}

/// Whether `python` can import the pinned version of `anki`.
fn has_anki(python: &Path) -> bool {
    let pinned = anki_requirement().trim_start_matches("anki==");
    let check = "import importlib.metadata as m, anki.collection; print(m.version('anki'))";
    Command::new(python)
        .args(["-c", check])
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == pinned)
}

/// Holds `target/anki-venv.lock` while the environment is made, so that two
/// test runs never install into it at once.
struct VenvLock(PathBuf);

impl VenvLock {
    fn take(path: PathBuf) -> VenvLock {
        let started = std::time::Instant::now();
        loop {
            match std::fs::create_dir(&path) {
                Ok(()) => return VenvLock(path),
                Err(_) => {
                    let stale = std::fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| t.elapsed().is_ok_and(|e| e.as_secs() > 1800));
                    if stale {
                        let _ = std::fs::remove_dir(&path);
                    }
                    assert!(
                        started.elapsed().as_secs() < 1200,
                        "waited 20 minutes for {} (another test run installing anki?)",
                        path.display()
                    );
                    std::thread::sleep(std::time::Duration::from_millis(500));
                }
            }
        }
    }
}

impl Drop for VenvLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// A Python interpreter with the `anki` package, installing it if needed.
fn anki_python() -> PathBuf {
    if let Some(python) = std::env::var_os("ISKRA_ANKI_PYTHON") {
        let python = PathBuf::from(python);
        assert!(
            has_anki(&python),
            "ISKRA_ANKI_PYTHON={} cannot import {} (tests/anki/requirements.txt)",
            python.display(),
            anki_requirement()
        );
        return python;
    }
    let venv = Path::new(MANIFEST).join("target/anki-venv");
    let python = venv.join("bin/python");
    if has_anki(&python) {
        return python;
    }
    let _lock = VenvLock::take(Path::new(MANIFEST).join("target/anki-venv.lock"));
    if has_anki(&python) {
        return python;
    }
    let run = |cmd: &mut Command, what: &str| {
        let output = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot run ({e})"));
        assert!(
            output.status.success(),
            "{what} failed; the Anki interop test needs the `anki` package from PyPI and cannot run without it.\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    };
    if !python.exists() {
        run(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv target/anki-venv",
        );
    }
    run(
        Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            anki_requirement(),
        ]),
        "pip install of the pinned anki (tests/anki/requirements.txt; is PyPI reachable?)",
    );
    assert!(
        has_anki(&python),
        "anki was installed into {} but cannot be imported",
        venv.display()
    );
    python
}

/// Runs one of `tests/anki/*.py` in UTC; returns its JSON output.
fn anki_script(python: &Path, script: &str, args: &[&Path]) -> Value {
    anki_script_days_ago(python, 0, script, args)
}

/// Runs one of `tests/anki/*.py` in UTC as if it were `days` days ago
/// (through `faketime`, which `./test` installs: Anki's library reads the
/// system clock); returns its JSON output.
fn anki_script_days_ago(python: &Path, days: u32, script: &str, args: &[&Path]) -> Value {
    let mut command = if days == 0 {
        Command::new(python)
    } else {
        let mut faketime = Command::new("faketime");
        faketime.arg("-f").arg(format!("-{days}d")).arg(python);
        faketime
    };
    let output = command
        .arg(Path::new(MANIFEST).join("tests/anki").join(script))
        .args(args)
        .env("TZ", "UTC")
        .output()
        .unwrap_or_else(|e| panic!("run {script} (faketime installed? ./test installs it): {e}"));
    assert!(
        output.status.success(),
        "{script} failed\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{script} printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap_or_else(|| panic!("not a string: {s}")))
        .collect()
}

#[test]
fn real_anki_imports_our_packages_and_we_import_theirs() {
    let python = anki_python();
    iskra_to_anki(&python);
    anki_to_iskra(&python);
}

const DECK: &str = "# Interop Export
description: written by tests/anki_interop.rs

## zinoviev
q: Who chaired the Comintern in 1920?
a: Grigory Zinoviev
extra: He presided over its executive.
tags: people comintern
cards: basic reverse

## reed
cloze: John Reed fell ill with {{typhus}} after the congress at {{Baku::a city}}.
tags: reed

## route
sequence: Rosmer's route
item: Paris
item: Berlin
cards: after
";

fn iskra_to_anki(python: &Path) {
    let s = Scratch::new();
    std::fs::create_dir(s.path("decks")).unwrap();
    s.write("decks/interop.deck", DECK);
    s.build(&["decks/interop.deck"]);
    // Four answers at distinct times, so each log entry keeps its own time.
    for (minutes, input) in [(0, "3\nq\n"), (1, "3\nq\n"), (2, "1\nq\n"), (1500, "3\nq\n")] {
        let run = s
            .run_at(&shifted(NOW, minutes), &["review", "--deck", "interop"], input)
            .ok();
        assert_eq!(run.answered(), 1, "{}", run.stdout);
    }
    let log: Vec<(i64, i64)> = {
        let db = s.db();
        let mut stmt = db
            .prepare("SELECT reviewed_at_ms, rating FROM review_log ORDER BY reviewed_at_ms")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(log.len(), 4);

    s.run(&[
        "export",
        "deck",
        "interop",
        "--format",
        "apkg",
        "--with-history",
        "--out",
        "history.apkg",
    ])
    .ok();
    let work = tempfile::tempdir().unwrap();
    let anki = anki_script(python, "import_apkg.py", &[&s.path("history.apkg"), work.path()]);
    let notes = anki["notes"].as_array().unwrap();
    assert_eq!(anki["new_notes"], 3, "{anki:#}");
    assert_eq!(notes.len(), 3, "{anki:#}");
    let zinoviev = &notes[0];
    assert_eq!(zinoviev["notetype"], "iskra Basic (and reversed card)");
    assert_eq!(
        strings(&zinoviev["fields"]),
        vec![
            "Who chaired the Comintern in 1920?",
            "Grigory Zinoviev",
            "He presided over its executive."
        ]
    );
    assert_eq!(strings(&zinoviev["tags"]), vec!["comintern", "people"]);
    assert_eq!(zinoviev["guid"], "iskra:interop/zinoviev");
    let reed = &notes[1];
    assert_eq!(reed["notetype"], "iskra Cloze");
    assert_eq!(
        reed["fields"][0],
        "John Reed fell ill with {{c1::typhus}} after the congress at {{c2::Baku::a city}}."
    );
    let reed_cards = reed["cards"].as_array().unwrap();
    assert_eq!(reed_cards.len(), 2);
    assert!(
        reed_cards[1]["question"].as_str().unwrap().contains("[a city]"),
        "{reed:#}"
    );
    assert!(
        reed_cards[0]["question"].as_str().unwrap().contains("[...]"),
        "{reed:#}"
    );
    assert_eq!(strings(&reed["tags"]), vec!["reed"]);
    let route = &notes[2];
    assert_eq!(route["notetype"], "iskra Basic");
    assert_eq!(route["fields"][1], "Berlin");
    for note in notes {
        for card in note["cards"].as_array().unwrap() {
            assert_eq!(card["deck"], "Interop Export", "{note:#}");
        }
    }
    assert_eq!(anki["checksums_ok"], true);
    // The review log came along, row for row.
    let revlog: Vec<(i64, i64)> = anki["revlog"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_i64().unwrap(), r["ease"].as_i64().unwrap()))
        .collect();
    assert_eq!(revlog, log);
    let reviewed: i64 = notes
        .iter()
        .flat_map(|n| n["cards"].as_array().unwrap())
        .map(|c| c["reps"].as_i64().unwrap())
        .sum();
    assert_eq!(reviewed, 4, "{anki:#}");
    let scheduled = notes
        .iter()
        .flat_map(|n| n["cards"].as_array().unwrap())
        .filter(|c| c["type"] != 0)
        .count();
    assert!(scheduled >= 2, "{anki:#}");

    // Problem 6: the deck sent back from Anki (its own export of what it
    // imported) finds its deck and facts: nothing is added, no second deck.
    let reexport = work.path().join("reexport.apkg");
    roundtrip(python, "export", &[&work.path().join("fresh.anki2"), &reexport]);
    let totals = || {
        (
            s.count("SELECT count(*) FROM decks"),
            s.count("SELECT count(*) FROM facts"),
            s.count("SELECT count(*) FROM cards"),
            s.count("SELECT count(*) FROM review_log"),
        )
    };
    let before = totals();
    let back = s.run(&["import", reexport.to_str().unwrap()]).ok();
    assert!(back.stdout.contains("(deck interop): 0 facts added"), "{}", back.stdout);
    assert!(back.stdout.contains("Reviews: 0 added"), "{}", back.stdout);
    assert_eq!(totals(), before, "{}", back.stdout);

    // Without --with-history: the same notes, all new, no revlog.
    s.run(&["export", "deck", "interop", "--format", "apkg", "--out", "plain.apkg"])
        .ok();
    let work = tempfile::tempdir().unwrap();
    let plain = anki_script(python, "import_apkg.py", &[&s.path("plain.apkg"), work.path()]);
    assert_eq!(plain["notes"].as_array().unwrap().len(), 3);
    assert_eq!(plain["revlog"].as_array().unwrap().len(), 0);
    assert!(
        plain["notes"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|n| n["cards"].as_array().unwrap())
            .all(|c| c["type"] == 0 && c["reps"] == 0),
        "{plain:#}"
    );
}

fn guid_key(guid: &str) -> String {
    format!("anki-{}", guid.bytes().map(|b| format!("{b:02x}")).collect::<String>())
}

fn anki_to_iskra(python: &Path) {
    let made = tempfile::tempdir().unwrap();
    let anki = anki_script(python, "make_apkg.py", &[made.path()]);
    let s = Scratch::new();
    let modern = made.path().join("modern.apkg");
    let run = s.run(&["import", modern.to_str().unwrap()]).ok();
    assert!(run.stdout.contains("collection.anki21b"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("Interop::Reviewed (new deck interop-reviewed): 3 facts added"),
        "{}",
        run.stdout
    );
    let notes = anki["notes"].as_array().unwrap();
    let revlog = anki["revlog"].as_array().unwrap();
    assert_eq!(s.count("SELECT count(*) FROM facts"), 3);
    assert_eq!(s.count("SELECT count(*) FROM cards"), 5);
    assert_eq!(s.count("SELECT count(*) FROM review_log"), revlog.len() as i64);
    assert_eq!(revlog.len(), 8);

    let db = s.db();
    let content = |guid: &str| -> Value {
        let text: String = db
            .query_row("SELECT content FROM facts WHERE key = ?1", [guid_key(guid)], |r| {
                r.get(0)
            })
            .unwrap_or_else(|e| panic!("no fact for guid {guid}: {e}"));
        serde_json::from_str(&text).unwrap()
    };
    let basic = content(notes[0]["guid"].as_str().unwrap());
    assert_eq!(basic["question"], "Where did the Second Congress open?");
    assert_eq!(basic["answer"], "Petrograd & then Moscow\nJuly 1920");
    assert_eq!(strings(&basic["tags"]), vec!["comintern", "congress::second"]);
    let cloze = content(notes[1]["guid"].as_str().unwrap());
    assert_eq!(
        cloze["text"],
        "{{c1::Reed}} caught {{c2::typhus::an illness}} after Baku."
    );
    assert_eq!(cloze["extra"], "He died in Moscow.");
    let reversed = content(notes[2]["guid"].as_str().unwrap());
    assert_eq!(strings(&reversed["kinds"]), vec!["basic", "reverse"]);

    // Every revlog row, once, with its rating and time.
    for row in revlog {
        let uid = format!("anki-{}-{}", row["id"], row["cid"]);
        let (at, rating): (i64, i64) = db
            .query_row(
                "SELECT reviewed_at_ms, rating FROM review_log WHERE uid = ?1",
                [&uid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap_or_else(|e| panic!("no log entry {uid}: {e}"));
        assert_eq!(
            (at, rating),
            (row["id"].as_i64().unwrap(), row["ease"].as_i64().unwrap())
        );
    }
    // The reviewed basic card keeps its schedule, due date and memory state.
    let card = &notes[0]["cards"][0];
    let (state, interval, reps, lapses, due, stability, difficulty): (i64, i64, i64, i64, i64, f64, f64) = db
        .query_row(
            "SELECT c.state, c.interval, c.reps, c.lapses, c.due, c.stability, c.difficulty
             FROM cards c JOIN facts f ON f.id = c.fact_id WHERE f.key = ?1 AND c.template = 'basic'",
            [guid_key(notes[0]["guid"].as_str().unwrap())],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(state, card["type"].as_i64().unwrap());
    assert_eq!((interval, reps, lapses), (card["ivl"].as_i64().unwrap(), 6, 1));
    assert!((stability - card["stability"].as_f64().unwrap()).abs() < 1e-3);
    assert!((difficulty - card["difficulty"].as_f64().unwrap()).abs() < 1e-3);
    let today = chrono::NaiveDate::parse_from_str(anki["today_date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let today_number = today
        .signed_duration_since(chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
        .num_days();
    let anki_due = card["due"].as_i64().unwrap() - anki["today"].as_i64().unwrap();
    assert_eq!(due, today_number + anki_due, "review due day");
    // The answered cloze card (c2, the second deletion) is in learning, due when Anki said.
    let cloze_card = &notes[1]["cards"][1];
    let (state, due): (i64, i64) = db
        .query_row(
            "SELECT c.state, c.due FROM cards c JOIN facts f ON f.id = c.fact_id
             WHERE f.key = ?1 AND c.template = 'cloze:2'",
            [guid_key(notes[1]["guid"].as_str().unwrap())],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // Answered within ten minutes of the day's rollover (04:00), Anki makes it
    // an interday learning card (queue 3, due a day number); iskra keeps it
    // learning, due at the start of that study day. Otherwise it is due at the
    // time Anki gives (seconds).
    let expected_due = match cloze_card["queue"].as_i64().unwrap() {
        3 => {
            let day = today_number + cloze_card["due"].as_i64().unwrap() - anki["today"].as_i64().unwrap();
            (day * 86_400 + 4 * 3_600) * 1000
        }
        _ => cloze_card["due"].as_i64().unwrap() * 1000,
    };
    assert_eq!((state, due), (1, expected_due), "Anki's card: {cloze_card}");
    drop(db);

    // The legacy package of the same collection matches it: nothing new.
    let legacy = made.path().join("legacy.apkg");
    let run = s.run(&["import", legacy.to_str().unwrap()]).ok();
    assert!(run.stdout.contains("collection.anki21,"), "{}", run.stdout);
    assert!(
        run.stdout.contains("0 facts added, 0 updated, 3 unchanged"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Reviews: 0 added, 8 already imported"),
        "{}",
        run.stdout
    );
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 8);

    // Written out as a deck file and built, the facts keep their cards and history.
    let before = s.count("SELECT sum(id * 7 + reps + state) FROM cards");
    s.run(&["export", "deck", "interop-reviewed", "--format", "iskra"]).ok();
    let built = s.build(&["decks/interop-reviewed.deck"]);
    assert!(built.stdout.contains("0 added"), "{}", built.stdout);
    assert!(built.stdout.contains("0 removed"), "{}", built.stdout);
    assert_eq!(s.count("SELECT sum(id * 7 + reps + state) FROM cards"), before);
    assert_eq!(s.count("SELECT count(*) FROM cards WHERE retired = 1"), 0);
}

/// Runs `tests/anki/roundtrip.py COMMAND ARGS...` (the Anki side of the round trip).
fn roundtrip(python: &Path, command: &str, args: &[&Path]) -> Value {
    let mut all: Vec<&Path> = vec![Path::new(command)];
    all.extend_from_slice(args);
    anki_script(python, "roundtrip.py", &all)
}

/// Every card of an Anki state, by card id.
fn anki_cards(state: &Value) -> std::collections::BTreeMap<i64, Value> {
    state["notes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["cards"].as_array().unwrap())
        .map(|c| (c["id"].as_i64().unwrap(), c.clone()))
        .collect()
}

/// The Anki note whose first field starts with `prefix`.
fn anki_note<'a>(state: &'a Value, prefix: &str) -> &'a Value {
    state["notes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["fields"][0].as_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("no note {prefix:?} in {state:#}"))
}

/// Issue 16: a collection made by real Anki (HTML and an image, clozes with
/// swapped numbers, a gap, a repeated number and nesting, a custom 4-field
/// 2-template note type, a reversed note, buried, suspended and flagged
/// cards, a preset with its own limits and retention, five weeks of FSRS
/// reviews, answers and "set due date" entries today) goes into iskra and
/// back into the same Anki collection, and again, losing and duplicating
/// nothing.
#[test]
fn anki_collection_round_trip_loses_nothing() {
    let python = anki_python();
    let work = tempfile::tempdir().unwrap();
    // Made 35 days ago and studied every other day since (FSRS on), then today.
    anki_script_days_ago(&python, 35, "roundtrip.py", &[Path::new("create"), work.path()]);
    let mut answered = 0;
    for days in (1..=34).rev().step_by(2) {
        let day = anki_script_days_ago(&python, days, "roundtrip.py", &[Path::new("study"), work.path()]);
        answered += day["answered"].as_i64().unwrap();
    }
    assert!(answered >= 100, "{answered} answers in 17 study days");
    let made = roundtrip(&python, "make", &[work.path()]);
    let original = work.path().join("original.anki2");
    let s = Scratch::new();
    // Anki runs on the real clock: so does iskra here, on the same day.
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let run = s
        .run_at(&now, &["import", work.path().join("anki.apkg").to_str().unwrap()], "")
        .ok();
    // Problem 5: a skipped note's reviews are counted once, with their reason.
    assert!(
        run.stdout
            .contains("1 review not imported: their note or card was not imported"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("not in the package"), "{}", run.stdout);
    // Problem 2: nested clozes are imported.
    assert!(!run.stdout.contains("inside one another"), "{}", run.stdout);

    let db = s.db();
    let iskra_of_anki: std::collections::HashMap<i64, (i64, String, String, i64, i64)> = {
        let mut stmt = db
            .prepare("SELECT anki_id, id, template, front, queue, flag FROM cards WHERE anki_id IS NOT NULL")
            .unwrap();
        stmt.query_map([], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    // Every Anki card has an iskra card, but the one of the note iskra cannot import.
    let cards = anki_cards(&made);
    let missing: Vec<i64> = cards
        .keys()
        .copied()
        .filter(|id| !iskra_of_anki.contains_key(id))
        .collect();
    let unanswered = anki_note(&made, "An unanswered question");
    assert_eq!(
        missing,
        vec![unanswered["cards"][0]["id"].as_i64().unwrap()],
        "Anki cards without an iskra card"
    );
    // Problem 1: the buried card is buried; flags come along.
    for (id, card) in &cards {
        let Some((_, _, _, queue, flag)) = iskra_of_anki.get(id) else {
            continue;
        };
        assert_eq!(*flag, card["flags"].as_i64().unwrap(), "flag of Anki card {card}");
        let anki_buried = matches!(card["queue"].as_i64().unwrap(), -2 | -3);
        let iskra_buried = *queue == -2; // iskra's buried queue
        assert_eq!(anki_buried, iskra_buried, "buried: Anki card {card}");
    }
    // The same day's due cards: Anki's `is:due` and iskra's `search is:due`.
    let due = s.run_at(&now, &["search", "is:due", "--json"], "").ok();
    let due: Value = serde_json::from_str(&due.stdout).unwrap();
    let mut due_anki_ids: Vec<i64> = due["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let id = c["id"].as_i64().unwrap();
            db.query_row("SELECT anki_id FROM cards WHERE id = ?1", [id], |r| r.get(0))
                .unwrap()
        })
        .collect();
    due_anki_ids.sort_unstable();
    let anki_due: Vec<i64> = made["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(due_anki_ids, anki_due, "is:due in iskra and in Anki");
    // Problem 2: the nested cloze has a card per number; the outer card shows the inner text.
    let nested = anki_note(&made, "Nested");
    let nested_cards: Vec<(String, String)> = nested["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let (_, template, front, ..) = &iskra_of_anki[&c["id"].as_i64().unwrap()];
            (template.clone(), front.clone())
        })
        .collect();
    assert_eq!(
        nested_cards.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
        vec!["cloze:1", "cloze:2", "cloze:4"]
    );
    assert_eq!(nested_cards[0].1, "Nested [...] and four");
    assert_eq!(nested_cards[1].1, "Nested outer [...] text and four");
    // Problem 3: the custom type (4 fields, 2 templates) has a card per
    // template Anki made, each rendered from its template; the fields a card
    // does not show are under its answer.
    let sides = |anki_id: i64| -> (String, String, String) {
        db.query_row(
            "SELECT template, front, back FROM cards WHERE anki_id = ?1",
            [anki_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
    };
    let person_cards = |prefix: &str| -> Vec<(String, String, String)> {
        anki_note(&made, prefix)["cards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| sides(c["id"].as_i64().unwrap()))
            .collect()
    };
    let owned = |t: &str, f: &str, b: &str| (t.to_string(), f.to_string(), b.to_string());
    assert_eq!(
        person_cards("Alfred Rosmer"),
        vec![
            owned(
                "card:1",
                "Who was Alfred Rosmer?",
                "French delegate\n1877\nNotes: Syndicalist"
            ),
            owned(
                "card:2",
                "Which person: French delegate?",
                "Alfred Rosmer\n(Syndicalist)\nBorn: 1877"
            ),
        ]
    );
    assert_eq!(
        person_cards("Clara Zetkin"),
        vec![
            owned("card:1", "Who was Clara Zetkin?", "German delegate\n1857"),
            owned("card:2", "Which person: German delegate?", "Clara Zetkin\nBorn: 1857"),
        ]
    );
    assert!(!run.stdout.contains("Person"), "no note type reported: {}", run.stdout);
    // HTML shown as text, the image as a placeholder (the note keeps its HTML).
    let answer: String = db
        .query_row(
            "SELECT json_extract(content, '$.answer') FROM facts WHERE content LIKE '%Second Congress open?%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(answer, "Petrograd & then Moscow\n[image: map.png]");
    // Problem 4: the preset's limits and retention are the deck's; today's counts match Anki's.
    let (new_per_day, reviews_per_day, retention): (i64, i64, f64) = db
        .query_row(
            "SELECT new_per_day, reviews_per_day, retention FROM decks WHERE key = 'history-comintern'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((new_per_day, reviews_per_day), (15, 9999));
    assert!((retention - 0.85).abs() < 1e-6, "{retention}");
    let status = s.deck_status_at(&now, "history-comintern");
    assert_eq!(status["new"], made["counts"]["new"], "{status:#}");
    drop(db);
    // The same from a legacy (schema 11) package: preset, kept notes, counts.
    let legacy = work.path().join("legacy.apkg");
    roundtrip(&python, "export", &[&original, &legacy, Path::new("legacy")]);
    let other = Scratch::new();
    other.run_at(&now, &["import", legacy.to_str().unwrap()], "").ok();
    assert_eq!(
        other.count("SELECT count(*) FROM decks WHERE new_per_day = 15 AND reviews_per_day = 9999"),
        1
    );
    // Every note but the one iskra cannot import is kept.
    let kept_notes = made["notes"].as_array().unwrap().len() as i64 - 1;
    assert_eq!(other.count("SELECT count(*) FROM anki_notes"), kept_notes);
    assert_eq!(other.count("SELECT count(*) FROM anki_notetypes"), 4);
    assert_eq!(
        other.deck_status_at(&now, "history-comintern")["new"],
        made["counts"]["new"]
    );
    // A collection an older iskra imported, which made the custom type's
    // first card `basic` and had none for its second: imported again, the
    // card takes its template's name with its id and history, and the
    // second card comes.
    let rosmer = anki_note(&made, "Alfred Rosmer");
    let (who, which) = (
        rosmer["cards"][0]["id"].as_i64().unwrap(),
        rosmer["cards"][1]["id"].as_i64().unwrap(),
    );
    let card_of = |anki_id: i64| -> Option<(i64, String)> {
        other
            .db()
            .query_row("SELECT id, template FROM cards WHERE anki_id = ?1", [anki_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .ok()
    };
    let (who_id, _) = card_of(who).unwrap();
    let who_log = format!("SELECT count(*) FROM review_log WHERE card_id = {who_id}");
    let answers = other.count(&who_log);
    assert!(answers >= 1, "Rosmer's first card was answered in Anki");
    rusqlite::Connection::open(&other.db)
        .unwrap()
        .execute_batch(&format!(
            "UPDATE cards SET template = 'basic' WHERE anki_id = {who}; DELETE FROM cards WHERE anki_id = {which};"
        ))
        .unwrap();
    let again = other.run_at(&now, &["import", legacy.to_str().unwrap()], "").ok();
    assert!(again.stdout.contains("Cards: 1 added"), "{}", again.stdout);
    assert_eq!(card_of(who), Some((who_id, "card:1".to_string())));
    assert_eq!(other.count(&who_log), answers);
    assert_eq!(card_of(which).map(|(_, t)| t).as_deref(), Some("card:2"));
    assert_eq!(
        other.count("SELECT count(*) FROM cards WHERE template = 'basic' AND front LIKE '%Rosmer%'"),
        0
    );

    // iskra reviews the day's cards, among them the custom type's second
    // template (due today), and one fact is reworded in its deck file.
    let reviewed = s
        .run_at(
            &now,
            &["review", "--deck", "history-comintern"],
            &format!("{}q\n", "3\n".repeat(300)),
        )
        .ok();
    let questions = reviewed.questions();
    for which in ["Which person: French delegate?", "Which person: German delegate?"] {
        assert!(questions.contains(&which), "{which:?} not asked: {questions:?}");
    }
    // The second-template cards' Anki ids, and how many answers iskra logged for each.
    let which_cards: Vec<(i64, i64)> = ["Alfred Rosmer", "Clara Zetkin"]
        .iter()
        .map(|name| {
            let id = anki_note(&made, name)["cards"][1]["id"].as_i64().unwrap();
            let answers = s.count(&format!(
                "SELECT count(*) FROM review_log l JOIN cards c ON c.id = l.card_id WHERE c.anki_id = {id}"
            ));
            assert!(answers >= 1, "card {id}");
            (id, answers)
        })
        .collect();
    std::fs::create_dir(s.path("decks")).unwrap();
    s.run_at(&now, &["export", "deck", "history-comintern", "--format", "iskra"], "")
        .ok();
    let file = s.path("decks/history-comintern.deck");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("{{c3::Bukharin}} spoke\n"), "{text}");
    // A note fact is written as its fields and templates; one field is edited.
    assert!(
        text.contains(
            "note: Person\nfield: Name: Clara Zetkin\nfield: Born: 1857\nfield: Role: German delegate\nfield: Notes:\n\
             template: Who\nfront: Who was {{Name}}?\nback: {{FrontSide}}\n  {{Role}}\n  {{Born}}\n\
             template: Which\nfront: Which person: {{Role}}?\nback: {{FrontSide}}\n  {{Name}}{{#Notes}}\n  ({{Notes}}){{/Notes}}\n"
        ),
        "{text}"
    );
    std::fs::write(
        &file,
        text.replace("{{c3::Bukharin}} spoke\n", "{{c3::Bukharin}} spoke at the congress\n")
            .replace("field: Born: 1857\n", "field: Born: 5 July 1857\n"),
    )
    .unwrap();
    let built = s.run_at(&now, &["build", "decks/history-comintern.deck"], "").ok();
    assert!(built.stdout.contains("2 updated"), "{}", built.stdout);
    let zetkin_which = anki_note(&made, "Clara Zetkin")["cards"][1]["id"].as_i64().unwrap();
    let (back_text, answers): (String, i64) = s
        .db()
        .query_row(
            "SELECT back, (SELECT count(*) FROM review_log l WHERE l.card_id = c.id) FROM cards c WHERE anki_id = ?1",
            [zetkin_which],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(back_text, "Clara Zetkin\nBorn: 5 July 1857");
    assert!(answers >= 1, "the card keeps its history");
    let reviews_before = s.count("SELECT count(*) FROM review_log");
    s.run_at(
        &now,
        &[
            "export",
            "deck",
            "history-comintern",
            "--format",
            "apkg",
            "--with-history",
            "--out",
            "back.apkg",
        ],
        "",
    )
    .ok();

    // Problem 7: imported into the original collection, Anki updates the
    // edited note in place and keeps every card with its own schedule.
    let back = roundtrip(&python, "import", &[&original, &s.path("back.apkg")]);
    assert_eq!(back["card_count"], made["card_count"], "{:#}", back["log"]);
    assert_eq!(back["empty_cards"], 0);
    assert_eq!(back["log"]["new"], 0, "{:#}", back["log"]);
    assert_eq!(back["log"]["updated"], 2, "{:#}", back["log"]);
    assert_eq!(back["notetypes"], made["notetypes"], "no note types of iskra's own");
    assert_eq!(back["media"], made["media"]);
    let after = anki_cards(&back);
    for (id, card) in &cards {
        let kept = &after[id];
        for column in [
            "ord", "type", "queue", "due", "ivl", "reps", "lapses", "flags", "revlog",
        ] {
            assert_eq!(kept[column], card[column], "{column} of Anki card {id}");
        }
    }
    let made_notes = made["notes"].as_array().unwrap();
    let back_notes = back["notes"].as_array().unwrap();
    assert_eq!(made_notes.len(), back_notes.len());
    for (before, after) in made_notes.iter().zip(back_notes) {
        assert_eq!(before["guid"], after["guid"]);
        assert_eq!(before["notetype"], after["notetype"]);
        if before["fields"][0] == "{{c1::Radek}} and {{c3::Bukharin}} spoke" {
            assert_eq!(
                after["fields"][0],
                "{{c1::Radek}} and {{c3::Bukharin}} spoke at the congress"
            );
            assert_eq!(after["fields"][1], before["fields"][1]);
        } else if before["fields"][0] == "Clara Zetkin" {
            assert_eq!(after["fields"][1], "5 July 1857");
            for i in [0, 2, 3] {
                assert_eq!(after["fields"][i], before["fields"][i]);
            }
        } else {
            assert_eq!(after["fields"], before["fields"], "fields byte for byte");
        }
    }

    // Media: kept beside the collection (content-addressed) and carried by
    // the export: a fresh Anki collection gets the image too.
    let kept_media: Vec<String> = std::fs::read_dir(s.path("media"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(kept_media.len(), 1, "{kept_media:?}");
    assert_eq!(kept_media[0].len(), 40, "a SHA-1 name: {kept_media:?}");
    let fresh = roundtrip(
        &python,
        "import",
        &[&work.path().join("fresh.anki2"), &s.path("back.apkg")],
    );
    assert_eq!(fresh["media"], made["media"]);
    assert_eq!(fresh["log"]["new"].as_i64(), Some(kept_notes));
    // There the second-template cards are new cards: they come with their
    // Anki ids and ordinals, iskra's schedule and iskra's answers.
    let fresh_cards = anki_cards(&fresh);
    for (id, answers) in &which_cards {
        let card = &fresh_cards[id];
        assert_eq!(card["ord"], 1, "{card}");
        assert_ne!(card["type"], 0, "{card}");
        assert_eq!(card["reps"].as_i64(), Some(*answers), "{card}");
        assert_eq!(card["revlog"].as_array().unwrap().len() as i64, *answers, "{card}");
    }

    // Problem 6: iskra's export imported into iskra, and Anki's re-export of
    // the collection imported into iskra, add nothing.
    let totals = || {
        (
            s.count("SELECT count(*) FROM facts"),
            s.count("SELECT count(*) FROM cards"),
            s.count("SELECT count(*) FROM review_log"),
            s.count("SELECT count(*) FROM decks"),
        )
    };
    let before = totals();
    assert_eq!(before.2, reviews_before);
    let again = s.run_at(&now, &["import", "back.apkg"], "").ok();
    assert!(again.stdout.contains("0 facts added"), "{}", again.stdout);
    assert!(again.stdout.contains("Reviews: 0 added"), "{}", again.stdout);
    assert_eq!(totals(), before);
    let reexport = work.path().join("reexport.apkg");
    roundtrip(&python, "export", &[&original, &reexport]);
    let again = s.run_at(&now, &["import", reexport.to_str().unwrap()], "").ok();
    assert!(again.stdout.contains("0 facts added"), "{}", again.stdout);
    assert!(again.stdout.contains("Reviews: 0 added"), "{}", again.stdout);
    assert_eq!(totals(), before);

    // Another machine synced with this one has the same note facts: each
    // template a card under the same identity, the answered second-template
    // cards with Anki's ids and iskra's answers.
    let folder = work.path().join("sync");
    std::fs::create_dir(&folder).unwrap();
    s.run_at(&now, &["sync", folder.to_str().unwrap()], "").ok();
    // The deck is built from its file here now: the user shares the file.
    let other_machine = Scratch::new();
    other_machine.write(
        "history-comintern.deck",
        std::fs::read(s.path("decks/history-comintern.deck")).unwrap(),
    );
    other_machine.build(&["history-comintern.deck"]);
    other_machine.run_at(&now, &["sync", folder.to_str().unwrap()], "").ok();
    let person_cards_of = |scratch: &Scratch| -> Vec<(String, String, String)> {
        let db = scratch.db();
        let mut stmt = db
            .prepare(
                "SELECT f.key, c.template, c.front FROM cards c JOIN facts f ON f.id = c.fact_id
                 WHERE c.front LIKE 'Who was %' OR c.front LIKE 'Which person: %' ORDER BY 1, 2",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let here = person_cards_of(&s);
    assert_eq!(here.len(), 4, "{here:?}");
    assert_eq!(person_cards_of(&other_machine), here);
    for (anki_id, answers) in &which_cards {
        let log = format!(
            "SELECT count(*) FROM review_log l JOIN cards c ON c.id = l.card_id WHERE c.id = {anki_id} AND c.template = 'card:2'"
        );
        assert_eq!(other_machine.count(&log), *answers, "card {anki_id}");
    }
}

/// One answer iskra logged: the card, the rating and the card after it.
#[derive(Debug)]
struct Answered {
    card: i64,
    rating: i64,
    state: i64,
    /// An instant (ms) in learning steps, else a study day.
    due: i64,
    stability: f64,
    difficulty: f64,
    interval: i64,
    at_ms: i64,
}

fn preset_script(python: &Path, days_ago: u32, command: &str, work: &Path) -> Value {
    anki_script_days_ago(python, days_ago, "preset.py", &[Path::new(command), work])
}

/// Issue 16, point 4: a deck whose Anki preset changes every scheduling
/// option (7 new a day, 500 reviews, retention 0.80, steps 3m 25m and 7m,
/// its own FSRS parameters, a 30-day longest interval, new siblings
/// buried), studied for three weeks, goes into iskra: today's counts are
/// Anki's, and the cards iskra's review answers — with Again, Hard, Good and
/// Easy, new, learning and review cards — get the state Anki gives the same
/// cards with the same ratings: kind, interval, due (a step's delay to the
/// second), stability and difficulty, and the same siblings buried.
#[test]
fn anki_deck_options_schedule_cards_in_iskra_as_in_anki() {
    let python = anki_python();
    let work = tempfile::tempdir().unwrap();
    preset_script(&python, 20, "create", work.path());
    for days in [19, 16, 13, 10, 7, 5, 3, 2] {
        preset_script(&python, days, "study", work.path());
    }
    let made = preset_script(&python, 0, "make", work.path());
    let s = Scratch::new();
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    s.run_at(&now, &["import", work.path().join("preset.apkg").to_str().unwrap()], "")
        .ok();
    // Anki's collection does not balance load (its fuzz is on, as iskra's).
    s.run_at(&now, &["config", "load-balancer", "off"], "").ok();
    let key = "options-preset";
    let status = s.deck_status_at(&now, key);
    let counts = &made["counts"];
    assert_eq!(status["new"], counts["new"], "{status:#}\nAnki: {counts}");
    assert_eq!(counts["new"], 5, "7 a day, 2 studied today");
    assert_eq!(
        status["due_now"].as_i64(),
        Some(counts["review"].as_i64().unwrap() + counts["learning"].as_i64().unwrap()),
        "{status:#}\nAnki: {counts}"
    );
    // `iskra card` shows the options the deck's cards are studied with.
    let some_card: i64 = s
        .db()
        .query_row(
            "SELECT c.id FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.key = ?1 LIMIT 1",
            [key],
            |r| r.get(0),
        )
        .unwrap();
    let info = s.run_at(&now, &["card", &some_card.to_string()], "").ok();
    assert!(
        info.stdout.contains(
            "the deck's own · retention 0.80 · 7 new, 500 reviews a day · the deck's own FSRS parameters\n          \
             steps 3m 25m · relearning 7m · max interval 30d · buries new siblings"
        ),
        "{}",
        info.stdout
    );

    // iskra reviews the deck; Anki then answers the same cards alike.
    let logged_before = s.count("SELECT count(*) FROM review_log");
    let reviewed = s
        .run_at(
            &now,
            &["review", "--deck", key],
            "3\n1\n3\n3\n4\n3\n3\n2\n3\n3\n3\n3\n3\n3\nq\n",
        )
        .ok();
    assert!(reviewed.answered() >= 6, "{}", reviewed.stdout);
    let db = s.db();
    let iskra: Vec<Answered> = db
        .prepare(
            "SELECT card_id, rating, state_after, due_after, stability_after, difficulty_after, interval_after,
                    reviewed_at_ms FROM review_log WHERE id > ?1 ORDER BY id",
        )
        .unwrap()
        .query_map([logged_before], |r| {
            Ok(Answered {
                card: r.get(0)?,
                rating: r.get(1)?,
                state: r.get(2)?,
                due: r.get(3)?,
                stability: r.get(4)?,
                difficulty: r.get(5)?,
                interval: r.get(6)?,
                at_ms: r.get(7)?,
            })
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let answers: Vec<(i64, i64)> = iskra.iter().map(|a| (a.card, a.rating)).collect();
    let kinds: std::collections::BTreeSet<i64> = iskra.iter().map(|a| a.state).collect();
    assert!(
        kinds.contains(&2) && (kinds.contains(&1) || kinds.contains(&3)),
        "answers leave learning and review cards: {iskra:?}"
    );
    let anki = anki_script(
        &python,
        "preset.py",
        &[
            Path::new("answer"),
            work.path(),
            Path::new(&serde_json::to_string(&answers).unwrap()),
        ],
    );
    // iskra's study day (the answers of review cards are due `interval` days after it).
    let iskra_today = iskra.iter().find(|a| a.state == 2).map(|a| a.due - a.interval).unwrap();
    for (answered, after) in iskra.iter().zip(anki["cards"].as_array().unwrap()) {
        let Answered {
            card,
            rating,
            state,
            due,
            stability,
            difficulty,
            interval,
            at_ms: at,
        } = answered;
        let what = format!("card {card} rated {rating}: iskra {iskra:?}\nAnki {after}");
        assert_eq!(after["id"].as_i64(), Some(*card), "{what}");
        // Anki's card types: 1 learning, 2 review, 3 relearning; iskra's states alike.
        assert_eq!(after["type"].as_i64(), Some(*state), "{what}");
        assert_eq!(after["ivl"].as_i64(), Some(*interval), "{what}");
        assert!(
            (after["stability"].as_f64().unwrap() - stability).abs() < 1e-3,
            "{what}"
        );
        assert!(
            (after["difficulty"].as_f64().unwrap() - difficulty).abs() < 1e-3,
            "{what}"
        );
        if *state == 2 {
            // Due in as many days from today in both.
            let anki_in = after["due"].as_i64().unwrap() - anki["today"].as_i64().unwrap();
            assert_eq!(anki_in, due - iskra_today, "{what}");
        } else {
            // A step's delay (with Anki's extra random delay), to the second.
            let anki_delay = after["due"].as_i64().unwrap() - after["answered_ms"].as_i64().unwrap() / 1000;
            let iskra_delay = (due - at) / 1000;
            assert!((anki_delay - iskra_delay).abs() <= 1, "{what}");
        }
    }
    // New siblings are buried (the preset's option; iskra's own default buries reviews' too).
    let buried: Vec<i64> = db
        .prepare(
            "SELECT c.id FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.key = ?1 AND c.queue = -2 ORDER BY c.id",
        )
        .unwrap()
        .query_map([key], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let anki_buried: Vec<i64> = anki["buried"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert!(!anki_buried.is_empty());
    assert_eq!(buried, anki_buried);
}
