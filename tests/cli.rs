//! End-to-end tests of the `iskra` binary: small deck files in a temporary
//! directory, a temporary collection, a fixed clock (`ISKRA_NOW`, `TZ=UTC`)
//! and the line protocol `review` speaks when stdin is not a terminal.

mod common;

use common::{NOW, Run, Scratch, checkpoint, num, open_read_only, shifted};

const LIFE_V1: &str = "\
# Life
description: a small deck for the lifecycle test

## a
q: Who chaired the Comintern in 1920?
a: Zinoviev

## b
q: Which city was the capital in 1920?
a: Moscow
cards: basic reverse

## c
cloze: Reed fell ill with {{typhus}} after {{Baku}}.
";

/// Card ids, fronts and queues of one fact, by the fact's id in the deck file.
fn cards_of(s: &Scratch, fact: &str) -> Vec<(i64, String, i64, i64)> {
    s.db()
        .prepare(
            "SELECT c.id, c.front, c.queue, c.retired FROM cards c JOIN facts f ON f.id = c.fact_id
             WHERE f.key = ?1 ORDER BY c.id",
        )
        .unwrap()
        .query_map([fact], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Review-log rows of one card.
fn log_rows(s: &Scratch, card_id: i64) -> i64 {
    s.db()
        .query_row("SELECT count(*) FROM review_log WHERE card_id = ?1", [card_id], |r| {
            r.get(0)
        })
        .unwrap()
}

fn report_line(run: &Run) -> &str {
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one report line per deck expected:\n{}", run.stdout);
    lines[0]
}

// a. build → status → review → status → reword → remove → restore.
#[test]
fn build_review_reword_remove_restore() {
    let s = Scratch::new();
    s.write("life.deck", LIFE_V1);

    let built = s.build(&["life.deck"]);
    assert_eq!(report_line(&built), "Life: 3 added, 0 updated, 0 unchanged, 0 removed");

    let st = s.deck_status_at(NOW, "life");
    assert_eq!(st["name"], "Life");
    // Five new cards of three facts: with `bury-new` on (the default) a
    // session gives one per fact today (the others are buried by its
    // answer), and counts so, as Anki does; with it off, all five (below).
    assert_eq!((num(&st, "new"), num(&st, "total")), (3, 5), "{st:#}");
    assert_eq!(
        (num(&st, "learning"), num(&st, "due_now"), num(&st, "suspended")),
        (0, 0, 0),
        "{st:#}"
    );

    // Answer three cards: Good, Good, Again; then quit. With sibling
    // burying off, b's reverse comes after one other card (c's first
    // cloze, buried by hand with `s`), never straight after b's forward card.
    for key in ["bury-new", "bury-review"] {
        s.run(&["config", key, "off"]).ok();
    }
    let review = s.review_at(NOW, "3\n3\ns\n1\nq\n");
    assert!(
        review
            .stdout
            .starts_with("All decks · new 5 · learning 0 · due 0\nDeck: Life\n"),
        "{}",
        review.stdout
    );
    assert_eq!(
        review.lines_starting("answered: "),
        [
            "answered: Good · next in 10m",
            "answered: Good · next in 10m",
            "answered: Again · next in 1m"
        ],
        "{}",
        review.stdout
    );
    // Each grade reveals first: an `A:` line and the buttons before each answer.
    assert_eq!(review.lines_starting("A: ").len(), 3, "{}", review.stdout);
    assert_eq!(review.lines_starting("1 Again ").len(), 3, "{}", review.stdout);
    assert_eq!(
        &review.questions()[..4],
        [
            "Who chaired the Comintern in 1920?",
            "Which city was the capital in 1920?",
            "Reed fell ill with [...] after Baku.",
            "Moscow"
        ],
        "{}",
        review.stdout
    );
    assert!(
        review.stdout.contains("Session done: 3 answers on 3 cards, again 33%"),
        "{}",
        review.stdout
    );

    // The log holds exactly the acknowledged answers, in order.
    assert_eq!(s.count("SELECT count(*) FROM review_log"), review.answered() as i64);
    let ratings: Vec<i64> = s
        .db()
        .prepare("SELECT rating FROM review_log ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ratings, [3, 3, 1]);

    let st = s.deck_status_at(NOW, "life");
    assert_eq!(
        (num(&st, "new"), num(&st, "learning"), num(&st, "total")),
        (1, 3, 5),
        "{st:#}"
    );
    assert_eq!(num(&st, "due_now"), 0, "no learning step is due yet: {st:#}");
    // A quarter of an hour later every learning step is due.
    let later = s.deck_status_at(&shifted(NOW, 15), "life");
    assert_eq!(num(&later, "due_now"), 3, "{later:#}");

    // Reword fact a: same card, same history, new text.
    let a_before = cards_of(&s, "a");
    assert_eq!(a_before.len(), 1);
    assert_eq!(log_rows(&s, a_before[0].0), 1);
    s.write(
        "life.deck",
        LIFE_V1.replace("the Comintern", "the Communist International"),
    );
    let rebuilt = s.build(&["life.deck"]);
    assert_eq!(
        report_line(&rebuilt),
        "Life: 0 added, 1 updated, 2 unchanged, 0 removed"
    );
    let a_after = cards_of(&s, "a");
    assert_eq!(a_after.len(), 1);
    assert_eq!(a_after[0].0, a_before[0].0, "the card keeps its id");
    assert_eq!(a_after[0].1, "Who chaired the Communist International in 1920?");
    assert_eq!(a_after[0].2, 1, "still in learning");
    assert_eq!(log_rows(&s, a_after[0].0), 1, "history kept");

    // Remove fact b: its two cards are suspended, their history kept.
    let v2 = LIFE_V1.replace("the Comintern", "the Communist International");
    let without_b = v2.replace(
        "## b\nq: Which city was the capital in 1920?\na: Moscow\ncards: basic reverse\n",
        "",
    );
    assert_ne!(without_b, v2);
    let b_before = cards_of(&s, "b");
    assert_eq!(b_before.len(), 2);
    assert!(b_before.iter().all(|c| c.2 == 1), "{b_before:?}");
    s.write("life.deck", &without_b);
    let removed = s.build(&["life.deck"]);
    assert_eq!(
        report_line(&removed),
        "Life: 0 added, 0 updated, 2 unchanged, 1 removed"
    );
    let b_gone = cards_of(&s, "b");
    assert_eq!(
        b_gone.iter().map(|c| c.0).collect::<Vec<_>>(),
        b_before.iter().map(|c| c.0).collect::<Vec<_>>()
    );
    assert!(
        b_gone.iter().all(|c| c.2 == -1 && c.3 == 1),
        "suspended and retired: {b_gone:?}"
    );
    assert!(b_gone.iter().all(|c| log_rows(&s, c.0) == 1), "history kept");
    assert_eq!(s.count("SELECT removed FROM facts WHERE key = 'b'"), 1);
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 3);
    let st = s.deck_status_at(NOW, "life");
    assert_eq!(
        (num(&st, "suspended"), num(&st, "learning"), num(&st, "total")),
        (2, 1, 5),
        "{st:#}"
    );
    // Suspended cards are not reviewed: answer everything that comes up.
    let review = s.review_at(&shifted(NOW, 15), &"3\n".repeat(12));
    assert!(review.answered() >= 3, "{}", review.stdout);
    assert!(
        !review.stdout.contains("capital") && !review.stdout.contains("Moscow"),
        "{}",
        review.stdout
    );
    let answered_while_removed = review.answered() as i64;
    assert!(b_gone.iter().all(|c| log_rows(&s, c.0) == 1), "history kept");

    // Put b back: restored, back in the learning queue.
    s.write("life.deck", &v2);
    let restored = s.build(&["life.deck"]);
    assert_eq!(
        report_line(&restored),
        "Life: 0 added, 0 updated, 2 unchanged, 0 removed, 1 restored"
    );
    let b_back = cards_of(&s, "b");
    assert_eq!(
        b_back.iter().map(|c| c.0).collect::<Vec<_>>(),
        b_before.iter().map(|c| c.0).collect::<Vec<_>>()
    );
    assert!(b_back.iter().all(|c| c.2 == 1 && c.3 == 0), "{b_back:?}");
    assert_eq!(s.count("SELECT removed FROM facts WHERE key = 'b'"), 0);
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 3 + answered_while_removed);
    let st = s.deck_status_at(NOW, "life");
    assert_eq!(num(&st, "suspended"), 0, "{st:#}");
}

// b. Building an unchanged file again changes nothing.
#[test]
fn rebuilding_an_unchanged_file_writes_nothing() {
    let s = Scratch::new();
    s.write("life.deck", LIFE_V1);
    s.build(&["life.deck"]);
    s.review_at(NOW, "3\n2\n");
    checkpoint(&s.db);
    let bytes_before = std::fs::read(&s.db).unwrap();
    let rows_before = s.dump();

    let again = s.build(&["life.deck"]);
    assert_eq!(report_line(&again), "Life: 0 added, 0 updated, 3 unchanged, 0 removed");
    let wal = s.db.with_extension("sqlite3-wal");
    assert!(
        std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
        "the rebuild left frames in the WAL"
    );
    assert_eq!(
        std::fs::read(&s.db).unwrap(),
        bytes_before,
        "the collection file changed"
    );
    assert_eq!(s.dump(), rows_before);

    // The same holds when the file is named through its directory.
    let again = s.run_at(NOW, &["build", "."], "").ok();
    assert_eq!(report_line(&again), "Life: 0 added, 0 updated, 3 unchanged, 0 removed");
}

const BAD_DECK: &str = "\
# Bad
retention: 1.5

## one
q: First?
a: 1

## one
q: First again?
a: 2

## two
q:
a: 3

## three
cloze: Reed caught {{typhus after Baku.

## four
q: Four?
a: 4
tgas: oops
";

/// Checks one rendered diagnostic: `file:line:col: error: message`, the
/// source line, a caret under the column and a hint.
#[track_caller]
fn assert_diagnostic(stderr: &str, file: &str, line: usize, column: usize, message: &str, source: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    let head = format!("{file}:{line}:{column}: error: {message}");
    let at = lines
        .iter()
        .position(|l| l.contains(&head))
        .unwrap_or_else(|| panic!("no diagnostic `{head}` in:\n{stderr}"));
    assert_eq!(lines[at + 1], format!("{line} | {source}"), "source line of {head}");
    let gutter = " ".repeat(line.to_string().len());
    assert_eq!(
        lines[at + 2],
        format!("{gutter} | {}^", " ".repeat(column - 1)),
        "caret of {head}"
    );
    assert!(
        lines[at + 3].starts_with("  hint: "),
        "hint of {head}: {:?}",
        lines[at + 3]
    );
}

// c. Every error of a file is reported, and nothing is written.
#[test]
fn five_errors_are_all_reported_and_nothing_is_written() {
    let s = Scratch::new();
    s.write("good.deck", "# Good\n## g\nq: Fine?\na: yes\n");
    s.write("bad.deck", BAD_DECK);

    let run = s.run(&["build", "good.deck", "bad.deck"]).fails();
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let e = &run.stderr;
    assert_diagnostic(
        e,
        "bad.deck",
        2,
        12,
        "retention `1.5` is not a number from 0.70 to 0.99",
        "retention: 1.5",
    );
    assert_diagnostic(
        e,
        "bad.deck",
        8,
        4,
        "duplicate fact id `one` (first used on line 4)",
        "## one",
    );
    assert_diagnostic(e, "bad.deck", 13, 3, "`q:` has no value", "q:");
    assert_diagnostic(
        e,
        "bad.deck",
        17,
        20,
        "this `{{` is never closed",
        "cloze: Reed caught {{typhus after Baku.",
    );
    assert_diagnostic(e, "bad.deck", 22, 1, "unknown key `tgas`", "tgas: oops");
    assert!(e.contains("did you mean `tags`?"), "{e}");
    assert_eq!(e.matches(": error: ").count(), 5, "exactly five errors:\n{e}");
    assert!(e.trim_end().ends_with("5 errors in 1 file; nothing was written"), "{e}");
    assert!(!e.contains("good.deck"), "{e}");

    // Nothing reached the collection, not even the good deck.
    for table in ["decks", "facts", "cards", "review_log"] {
        assert_eq!(s.count(&format!("SELECT count(*) FROM {table}")), 0, "{table}");
    }

    // On a collection with data, a failing build leaves every row alone.
    s.build(&["good.deck"]);
    s.review_at(NOW, "3\n");
    let before = s.dump();
    s.write(
        "good.deck",
        "# Good, renamed\n## g\nq: Still fine?\na: yes\n## h\nq: New?\na: no\n",
    );
    let run = s.run(&["build", "good.deck", "bad.deck"]).fails();
    assert!(
        run.stderr.contains("5 errors in 1 file; nothing was written"),
        "{}",
        run.stderr
    );
    assert_eq!(s.dump(), before);

    // Errors in two files are counted per file.
    s.write("bad2.deck", "# Bad two\n## x\nq: no answer\n");
    let run = s.run(&["build", "bad.deck", "bad2.deck"]).fails();
    assert!(
        run.stderr.contains("bad2.deck:2:1: error: fact `x` has no answer"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .trim_end()
            .ends_with("6 errors in 2 files; nothing was written"),
        "{}",
        run.stderr
    );
    assert_eq!(s.dump(), before);
}

// d. Files that are not (healthy, current) iskra collections are refused untouched.
#[test]
fn another_programs_sqlite_file_is_refused_untouched() {
    let s = Scratch::new();
    {
        let conn = rusqlite::Connection::open(&s.db).unwrap();
        conn.execute_batch(
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('mine');",
        )
        .unwrap();
    }
    let before = std::fs::read(&s.db).unwrap();
    for args in [&["status"][..], &["review"], &["build", "x.deck"]] {
        s.write("x.deck", "# X\n## x\nq: x\na: y\n");
        let run = s.run(args).fails();
        assert_eq!(run.code, 1, "{args:?}");
        assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
        assert!(run.stderr.contains("is not an iskra collection"), "{}", run.stderr);
        assert!(run.stderr.contains("hint:"), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
    assert_eq!(std::fs::read(&s.db).unwrap(), before, "the file was changed");
    assert!(!s.db.with_extension("sqlite3-wal").exists());
}

#[test]
fn a_truncated_collection_is_reported_as_damaged() {
    let s = Scratch::new();
    // Enough data for several pages.
    let mut deck = String::from("# Big\n");
    for i in 0..300 {
        deck.push_str(&format!(
            "## f{i}\nq: Question number {i} with some padding text to fill pages?\na: answer {i}\n"
        ));
    }
    s.write("big.deck", deck);
    s.build(&["big.deck"]);
    checkpoint(&s.db);
    let bytes = std::fs::read(&s.db).unwrap();
    assert!(bytes.len() >= 8 * 4096, "{} bytes", bytes.len());
    let half = &bytes[..bytes.len() / 2];
    std::fs::write(&s.db, half).unwrap();

    for args in [&["status"][..], &["review"], &["build", "big.deck"]] {
        let run = s.run(args).fails();
        assert_eq!(run.code, 1);
        assert!(run.stderr.contains("is damaged"), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("hint:"), "{}", run.stderr);
    }
    assert_eq!(std::fs::read(&s.db).unwrap(), half, "the file was changed");
}

#[test]
fn random_bytes_are_not_a_collection() {
    let s = Scratch::new();
    // Deterministic "random" bytes (a small LCG), including a few that look like text.
    let mut x: u32 = 0x1234_5678;
    let bytes: Vec<u8> = (0..10_000)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (x >> 24) as u8
        })
        .collect();
    std::fs::write(&s.db, &bytes).unwrap();
    let run = s.run(&["status"]).fails();
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("is not an iskra collection"), "{}", run.stderr);
    assert_eq!(std::fs::read(&s.db).unwrap(), bytes);

    // A short text file too.
    std::fs::write(&s.db, "not a database\n").unwrap();
    let run = s.run(&["review"]).fails();
    assert!(run.stderr.contains("is not an iskra collection"), "{}", run.stderr);
    assert_eq!(std::fs::read(&s.db).unwrap(), b"not a database\n");
}

#[test]
fn a_collection_from_a_newer_iskra_is_refused() {
    let s = Scratch::new();
    s.write("one.deck", "# One\n## a\nq: x\na: y\n");
    s.build(&["one.deck"]);
    let version = {
        let conn = rusqlite::Connection::open(&s.db).unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert!(version >= 1);
        conn.pragma_update(None, "user_version", version + 1).unwrap();
        version
    };
    checkpoint(&s.db);
    let before = std::fs::read(&s.db).unwrap();
    for args in [&["status"][..], &["review"], &["build", "one.deck"]] {
        let run = s.run(args).fails();
        assert_eq!(run.code, 1);
        assert!(run.stderr.contains("newer iskra"), "{}", run.stderr);
        assert!(
            run.stderr.contains(&format!("schema version {}", version + 1)),
            "{}",
            run.stderr
        );
    }
    assert_eq!(std::fs::read(&s.db).unwrap(), before, "the file was changed");
}

#[test]
fn an_empty_file_becomes_a_new_collection() {
    let s = Scratch::new();
    std::fs::write(&s.db, b"").unwrap();
    s.write("one.deck", "# One\n## a\nq: x\na: y\n");
    s.build(&["one.deck"]);
    assert_eq!(s.count("SELECT count(*) FROM cards"), 1);
}

const THREE: &str = "# Three\n## a\nq: alpha?\na: A\n## b\nq: beta?\na: B\n## c\nq: gamma?\na: C\n";

// e. Undo takes the last answer back; a buried card waits for the next study day.
#[test]
fn undo_removes_the_last_answer() {
    let s = Scratch::new();
    s.write("three.deck", THREE);
    s.build(&["three.deck"]);

    let run = s.review_at(NOW, "3\n3\nu\nq\n");
    assert_eq!(run.answered(), 2);
    assert!(
        run.stdout.contains("undone: the last answer was taken back"),
        "{}",
        run.stdout
    );
    // After the undo the same card is asked again.
    assert_eq!(
        run.questions(),
        ["alpha?", "beta?", "gamma?", "beta?"],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Session done: 1 answer on 1 card"),
        "{}",
        run.stdout
    );
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 1, "two answers, one undone");
    assert_eq!(
        s.count(
            "SELECT f.key = 'a' FROM review_log l JOIN cards c ON c.id = l.card_id JOIN facts f ON f.id = c.fact_id"
        ),
        1
    );
    // The undone card is new again.
    assert_eq!(
        s.count("SELECT c.state FROM cards c JOIN facts f ON f.id = c.fact_id WHERE f.key = 'b'"),
        0
    );
    let st = s.deck_status_at(NOW, "three");
    assert_eq!((num(&st, "new"), num(&st, "learning")), (2, 1), "{st:#}");

    // Undo with nothing to undo says so and changes nothing.
    let run = s.review_at(NOW, "u\nq\n");
    assert!(run.stdout.contains("nothing to undo"), "{}", run.stdout);
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 1);

    // Undo right after revealing, then two undos in a row.
    let run = s.review_at(NOW, "3\n3\nu\nu\nq\n");
    assert_eq!(run.answered(), 2);
    assert_eq!(run.lines_starting("undone:").len(), 2, "{}", run.stdout);
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 1);
}

#[test]
fn status_says_a_learning_card_within_the_learn_ahead_window_is_shown_now() {
    // Two new cards answered Good at NOW are in a 10-minute learning step;
    // a minute later status said only "next card: in 9m" while review
    // showed one at once.
    let s = Scratch::new();
    s.write("three.deck", "# Two\n## a\nq: alpha?\na: A\n## b\nq: beta?\na: B\n");
    s.build(&["three.deck"]);
    let run = s.review_at(NOW, "3\n3\nq\n");
    assert_eq!(run.questions()[..2], ["alpha?", "beta?"], "{}", run.stdout);
    let later = shifted(NOW, 1);
    let status = s.run_at(&later, &["status"], "").ok().stdout;
    assert!(
        status.contains("Nothing is due now; next card: ")
            && status.contains(", which `iskra review` shows now, early (learn-ahead-mins)."),
        "{status}"
    );
    assert_eq!(s.review_at(&later, "q\n").questions().len(), 1);
    // Out of the window, it is only said when.
    let status = s.run_at(&later, &["config", "learn-ahead-mins", "0"], "").ok();
    assert!(status.stdout.contains("learn-ahead-mins = 0"));
    let status = s.run_at(&later, &["status"], "").ok().stdout;
    assert!(
        status.contains("Nothing is due now; next card: ") && !status.contains("shows now"),
        "{status}"
    );
}

#[test]
fn a_buried_card_comes_back_the_next_study_day() {
    let s = Scratch::new();
    s.write("three.deck", THREE);
    s.build(&["three.deck"]);

    let run = s.review_at(NOW, "s\nq\n");
    assert!(run.stdout.contains("buried until the next study day"), "{}", run.stdout);
    assert_eq!(run.questions(), ["alpha?", "beta?"]);
    assert_eq!(
        s.count("SELECT count(*) FROM review_log"),
        0,
        "burying is not an answer"
    );
    assert_eq!(
        s.count("SELECT c.queue FROM cards c JOIN facts f ON f.id = c.fact_id WHERE f.key = 'a'"),
        -2
    );

    // Later the same study day: still buried.
    let run = s.review_at(&shifted(NOW, 60), "");
    assert_eq!(run.questions(), ["beta?"], "{}", run.stdout);
    // Past midnight but before 04:00 is still the same study day.
    let late = "2026-03-11T03:59:00Z";
    let run = s.review_at(late, "s\ns\n");
    assert_eq!(run.questions(), ["beta?", "gamma?"], "{}", run.stdout);
    assert!(run.stdout.contains("Nothing is due now."), "{}", run.stdout);
    assert_eq!(s.count("SELECT count(*) FROM cards WHERE queue = -2"), 3);
    let st = s.deck_status_at(late, "three");
    assert_eq!(num(&st, "new"), 0, "all three are buried: {st:#}");

    // The next study day everything is back, in order.
    let tomorrow = "2026-03-11T04:00:00Z";
    let run = s.review_at(tomorrow, "3\nq\n");
    assert_eq!(run.questions()[0], "alpha?", "{}", run.stdout);
    assert_eq!(run.answered(), 1);
    assert_eq!(s.count("SELECT count(*) FROM cards WHERE queue = -2"), 0);
}

// f. A graduated card is due at the start of the study day its interval names.
#[test]
fn graduated_card_falls_due_at_the_day_rollover() {
    let s = Scratch::new();
    s.write("one.deck", "# One\n## a\nq: one?\na: 1\n");
    s.build(&["one.deck"]);

    // Good on a new card: the 10m step; the learn-ahead window shows it again.
    let run = s.review_at(NOW, "3\n3\n");
    let answered = run.lines_starting("answered: ");
    assert_eq!(answered.len(), 2, "{}", run.stdout);
    assert_eq!(answered[0], "answered: Good · next in 10m");
    let days: i64 = answered[1]
        .strip_prefix("answered: Good · next in ")
        .and_then(|rest| rest.strip_suffix('d'))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("graduation in whole days expected: {:?}", answered[1]));
    assert!((1..=30).contains(&days), "{days}");
    assert_eq!(s.count("SELECT state FROM cards"), 2, "in review");
    assert_eq!(s.count("SELECT interval FROM cards"), days);

    // NOW is 10:00 UTC on 2026-03-10, study day 2026-03-10; the card is due
    // on study day 2026-03-10 + days, which starts at 04:00 UTC.
    let due_day = chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap() + chrono::Duration::days(days);
    let rollover = format!("{due_day}T04:00:00Z");
    let just_before = shifted(&rollover, -1);
    let eve = shifted(&rollover, -14 * 60); // 14:00 the day before

    for at in [NOW.to_string(), eve, just_before.clone()] {
        let st = s.deck_status_at(&at, "one");
        assert_eq!((num(&st, "due_now"), num(&st, "due_today")), (0, 0), "at {at}: {st:#}");
        assert_eq!(st["next_due"], rollover.as_str(), "at {at}: {st:#}");
    }
    let status = s.status_at(&just_before);
    assert_eq!(status["study_day"], (due_day - chrono::Duration::days(1)).to_string());
    let run = s.review_at(&just_before, "");
    assert!(run.stdout.contains("Nothing is due now."), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!("Next card due: {due_day} 04:00 (in 1m).")),
        "{}",
        run.stdout
    );

    for at in [rollover.clone(), shifted(&rollover, 12 * 60)] {
        let status = s.status_at(&at);
        assert_eq!(status["study_day"], due_day.to_string());
        let st = &status["decks"][0];
        assert_eq!((num(st, "due_now"), num(st, "due_today")), (1, 1), "at {at}: {st:#}");
    }
    let run = s.review_at(&rollover, "q\n");
    assert_eq!(run.questions(), ["one?"], "{}", run.stdout);
    assert!(
        run.stdout
            .starts_with("All decks · new 0 · learning 0 · due 1\nDeck: One\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_rollover_follows_the_local_time_zone() {
    // In a zone two hours east of UTC, 04:00 local is 02:00 UTC.
    let s = Scratch::new();
    s.write("one.deck", "# One\n## a\nq: one?\na: 1\n");
    s.build(&["one.deck"]);
    let status = |now: &str| {
        let run = s
            .command(now)
            .env("TZ", "UTC-2")
            .args(["status", "--json"])
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        serde_json::from_slice::<serde_json::Value>(&run.stdout).unwrap()
    };
    assert_eq!(status("2026-03-11T01:59:00Z")["study_day"], "2026-03-10");
    assert_eq!(status("2026-03-11T02:00:00Z")["study_day"], "2026-03-11");
}

// g. Text from a deck cannot drive the terminal.
#[test]
fn hostile_deck_text_is_escaped() {
    let s = Scratch::new();
    let deck = "# Evil \u{1b}[2J deck\n## a\nq: red \u{1b}[31mtext\u{1b}]0;title\u{7} car\r  riage \u{202e}evil\na: fine \u{1b}[0m\u{9b}2J\nextra: \u{200b}hidden\u{2066}\n";
    s.write("evil.deck", deck);
    let built = s.build(&["evil.deck"]);
    let review = s.review_at(NOW, "3\n");
    let status = s.run(&["status"]).ok();

    for (what, bytes) in [
        ("build", &built.stdout_bytes),
        ("review", &review.stdout_bytes),
        ("status", &status.stdout_bytes),
    ] {
        assert!(
            !bytes.contains(&0x1b),
            "{what}: raw ESC in {:?}",
            String::from_utf8_lossy(bytes)
        );
        assert!(!bytes.contains(&0x07), "{what}: raw BEL");
        assert!(!bytes.contains(&b'\r'), "{what}: raw CR");
        let text = std::str::from_utf8(bytes).unwrap();
        for c in ['\u{202e}', '\u{9b}', '\u{200b}', '\u{2066}'] {
            assert!(!text.contains(c), "{what}: raw {c:?} in {text:?}");
        }
    }
    assert!(
        // A deck name holds no control character: the escape became a space.
        built.stdout.starts_with("Evil  [2J deck: 1 added"),
        "{}",
        built.stdout
    );
    let q = review.questions();
    assert_eq!(
        // A lone CR ends a line of a deck file; the indented line continues the value.
        q[0],
        "red \\u{1b}[31mtext\\u{1b}]0;title\\u{7} car",
        "{}",
        review.stdout
    );
    assert!(
        review.stdout.contains("A: fine \\u{1b}[0m\\u{9b}2J\n"),
        "{}",
        review.stdout
    );
    assert!(review.stdout.contains("\\u{200b}hidden\\u{2066}"), "{}", review.stdout);
    assert!(
        review.stdout.contains("\n   riage \\u{202e}evil\n"),
        "{}",
        review.stdout
    );
    assert!(status.stdout.contains("Evil  [2J deck"), "{}", status.stdout);

    // The stored text is exactly what was written: escaping is for display only.
    assert_eq!(
        s.count("SELECT front = 'red ' || char(27) || '[31mtext' || char(27) || ']0;title' || char(7) ||  ' car' || char(10) || 'riage ' || char(8238) || 'evil' FROM cards"),
        1
    );

    // Diagnostics quote the offending line escaped too.
    s.write("bad.deck", "# Bad\n## a\nq: x\na: y\n\u{1b}]0;pwned\u{7}: z\n");
    let run = s.run(&["build", "bad.deck"]).fails();
    assert!(
        !run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{7}'),
        "{:?}",
        run.stderr
    );
    assert!(run.stderr.contains("\\u{1b}]0;pwned\\u{7}"), "{}", run.stderr);

    // Unknown protocol commands are echoed escaped and ignored.
    let run = s.review_at(NOW, "\u{1b}[2Jx\nq\n");
    assert!(!run.stdout_bytes.contains(&0x1b));
    assert!(
        run.stdout
            .contains("unknown command \"\\\\u{1b}[2Jx\": use 1-4, r, u, s or q"),
        "{}",
        run.stdout
    );
}

// h. An unknown deck is a usage error.
#[test]
fn unknown_deck_is_a_usage_error_with_a_hint() {
    let s = Scratch::new();
    s.write("one.deck", "# One Deck\n## a\nq: x\na: y\n");
    s.build(&["one.deck"]);
    for cmd in ["review", "status"] {
        let run = s.run(&[cmd, "--deck", "nope"]);
        assert_eq!(run.code, 2, "{cmd}: {}", run.stderr);
        assert!(run.stderr.contains("error: no deck named \"nope\""), "{}", run.stderr);
        assert!(
            run.stderr.contains("hint: `iskra status` lists the decks"),
            "{}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
    // The deck is found by its key or its name, in any case.
    for name in ["one", "One Deck", "ONE DECK"] {
        let run = s.run_at(NOW, &["review", "--deck", name], "q\n").ok();
        assert_eq!(run.questions(), ["x"], "--deck {name}");
    }
}

#[test]
fn a_fresh_collection_gets_the_bundled_decks() {
    let s = Scratch::new();
    let run = s.run(&["status", "--json"]).ok();
    // The "New collection" notice is on stdout today (see the known bug
    // below); accept it on either stream, and the JSON after it.
    let notice = format!("{}{}", run.stdout, run.stderr);
    assert!(
        notice.contains("New collection at ") && notice.contains("bundled decks"),
        "{notice}"
    );
    let json = &run.stdout[run.stdout.find('{').expect("JSON on stdout")..];
    let status: serde_json::Value = serde_json::from_str(json).unwrap();
    let decks = status["decks"].as_array().unwrap();
    let keys: Vec<&str> = decks.iter().map(|d| d["key"].as_str().unwrap()).collect();
    assert!(keys.contains(&"lenins-moscow"), "{keys:?}");
    assert!(decks.iter().all(|d| num(d, "total") > 0), "{status:#}");
    assert_eq!(status["study_day"], "2026-03-10");

    // Second run: nothing is added again.
    let run = s.run(&["status", "--json"]).ok();
    assert!(run.stdout.starts_with('{'), "{}", run.stdout);

    let review = s.review_at(NOW, "");
    assert_eq!(review.questions().len(), 1, "{}", review.stdout);
    // Quitting at once says what is waiting, never "nothing is due".
    assert!(
        review
            .stdout
            .contains("Stopped with 20 new and 0 due still waiting today.\n"),
        "{}",
        review.stdout
    );
    assert!(!review.stdout.contains("Nothing is due"), "{}", review.stdout);

    // `review` on another fresh collection builds them too, then asks.
    let t = Scratch::new();
    let review = t.review_at(NOW, "3\nq\n");
    assert!(review.stderr.starts_with("New collection at "), "{}", review.stderr);
    assert_eq!(review.answered(), 1);
    assert!(!review.questions().is_empty());
}

#[test]
fn limit_stops_after_n_answers() {
    let s = Scratch::new();
    s.write("three.deck", THREE);
    s.build(&["three.deck"]);
    let run = s.run_at(NOW, &["review", "--limit", "2"], "3\n3\n3\n3\n").ok();
    assert_eq!(run.answered(), 2);
    assert!(
        run.stdout.contains("Session done: 2 answers on 2 cards"),
        "{}",
        run.stdout
    );
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 2);
}

#[test]
fn protocol_details() {
    let s = Scratch::new();
    s.write("three.deck", THREE);
    s.build(&["three.deck"]);
    // Reveal with an empty line and with `r`; an unknown line changes nothing;
    // end of input quits without answering the card shown.
    let run = s.review_at(NOW, "\n2\nr\nbogus\n4\n5\n");
    assert_eq!(run.lines_starting("A: ").len(), 2, "{}", run.stdout);
    assert_eq!(run.lines_starting("answered: ").len(), 2, "{}", run.stdout);
    assert!(
        run.lines_starting("answered: ")[0].starts_with("answered: Hard · next in "),
        "{}",
        run.stdout
    );
    assert!(
        run.lines_starting("answered: ")[1].starts_with("answered: Easy · next in "),
        "{}",
        run.stdout
    );
    assert_eq!(run.lines_starting("unknown command").len(), 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("Session done: 2 answers on 2 cards"),
        "{}",
        run.stdout
    );
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 2);
}

#[test]
fn collection_path_from_the_environment() {
    let s = Scratch::new();
    s.write("one.deck", "# One\n## a\nq: x\na: y\n");
    let other = s.path("sub/dir/env.sqlite3");
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("iskra");
    let out = cmd
        .current_dir(s.dir.path())
        .env("ISKRA_COLLECTION", &other)
        .env("ISKRA_NOW", NOW)
        .env("TZ", "UTC")
        .args(["build", "one.deck"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(other.exists());
    assert!(!s.db.exists());
    let conn = open_read_only(&other);
    assert_eq!(
        conn.query_row("SELECT count(*) FROM cards", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        1
    );
}

#[test]
fn a_bad_iskra_now_is_a_usage_error() {
    let s = Scratch::new();
    let run = s.run_at("tomorrow", &["status"], "");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("RFC 3339"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------
// Known bugs: these tests describe the intended behaviour and fail today.
// Run them with `cargo test --test cli -- --ignored`.

#[test]
fn status_counts_cards_buried_on_an_earlier_study_day() {
    let s = Scratch::new();
    s.write("three.deck", THREE);
    s.build(&["three.deck"]);
    s.review_at(NOW, "s\ns\ns\n");
    assert_eq!(s.count("SELECT count(*) FROM cards WHERE queue = -2"), 3);
    let st = s.deck_status_at("2026-03-11T04:00:00Z", "three");
    assert_eq!(
        num(&st, "new"),
        3,
        "the buried cards are available again the next study day: {st:#}"
    );
}

#[test]
fn deck_diagnostics_start_their_lines() {
    let s = Scratch::new();
    s.write("bad.deck", BAD_DECK);
    let run = s.run(&["build", "bad.deck"]).fails();
    for line in run.stderr.lines().filter(|l| l.contains(": error: ")) {
        assert!(line.starts_with("bad.deck:"), "{line:?}");
    }
}

#[test]
fn status_json_is_only_json_on_a_fresh_collection() {
    let s = Scratch::new();
    let run = s.run(&["status", "--json"]).ok();
    let parsed: Result<serde_json::Value, _> = serde_json::from_str(&run.stdout);
    assert!(parsed.is_ok(), "stdout is not JSON:\n{}", run.stdout);
}

#[test]
fn a_damaged_page_is_reported_as_damaged() {
    let s = Scratch::new();
    let mut deck = String::from("# Big\n");
    for i in 0..300 {
        deck.push_str(&format!(
            "## f{i}\nq: Question number {i} with some padding text to fill pages?\na: answer {i}\n"
        ));
    }
    s.write("big.deck", deck);
    s.build(&["big.deck"]);
    checkpoint(&s.db);
    let mut bytes = std::fs::read(&s.db).unwrap();
    let len = bytes.len();
    for (i, b) in bytes[3 * 4096..len - 4096].iter_mut().enumerate() {
        *b = (i * 31 % 251) as u8;
    }
    std::fs::write(&s.db, &bytes).unwrap();
    let run = s.run(&["status"]).fails();
    assert!(run.stderr.contains("is damaged"), "{}", run.stderr);
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
}

#[test]
fn a_collection_interrupted_in_a_checkpoint_is_not_called_damaged() {
    let s = Scratch::new();
    s.write("one.deck", "# One\n## a\nq: x\na: y\n");
    s.build(&["one.deck"]);

    // Grow the database in the WAL only, and leave the WAL behind as a crash would.
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    conn.execute_batch("BEGIN").unwrap();
    for i in 0..2000 {
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)",
            (format!("pad{i}"), "x".repeat(500)),
        )
        .unwrap();
    }
    conn.execute_batch("COMMIT").unwrap();
    std::mem::forget(conn);

    // A checkpoint writes page 1 (with the new page count) first; stop right there.
    let wal = std::fs::read(s.db.with_extension("sqlite3-wal")).unwrap();
    let page_size = u32::from_be_bytes(wal[8..12].try_into().unwrap()) as usize;
    let mut page1 = None;
    let mut at = 32;
    while at + 24 + page_size <= wal.len() {
        if u32::from_be_bytes(wal[at..at + 4].try_into().unwrap()) == 1 {
            page1 = Some(wal[at + 24..at + 24 + page_size].to_vec());
        }
        at += 24 + page_size;
    }
    let mut db = std::fs::read(&s.db).unwrap();
    db[..page_size].copy_from_slice(&page1.expect("page 1 in the WAL"));
    std::fs::write(&s.db, &db).unwrap();

    // SQLite itself reads the collection fine: the WAL holds every page.
    let check: String = open_read_only(&s.db)
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let run = s.run(&["status"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

// Settings change the schedule: fewer new cards, other learning steps.
#[test]
fn config_changes_limits_and_steps() {
    let s = Scratch::new();
    s.write("three.deck", THREE);
    s.build(&["three.deck"]);
    s.run(&["config", "new-per-day", "2"]).ok();
    s.run(&["config", "learn-steps", "2m 15m"]).ok();
    assert_eq!(s.run(&["config", "learn-steps"]).ok().stdout.trim(), "2m 15m");
    let run = s.review_at(NOW, "3\n3\n3\n");
    assert!(
        run.stdout.contains("1 Again 2m · 2 Hard 9m · 3 Good 15m"),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.questions().iter().filter(|q| q.contains("gamma")).count(),
        0,
        "{}",
        run.stdout
    );
    let bad = s.run(&["config", "day-start-hour", "25"]).fails();
    assert!(bad.stderr.contains("not an hour from 0 to 23"), "{}", bad.stderr);
    let unknown = s.run(&["config", "colour", "red"]).fails();
    assert!(unknown.stderr.contains("no setting named"), "{}", unknown.stderr);
}

// `config`: several words are one value, numbers out of range are refused
// with the range (nothing clamped), and no steps are `none`.
#[test]
fn config_values_are_checked_and_shown_as_given() {
    let s = Scratch::new();
    let set = s.run(&["config", "learn-steps", "2m", "15m", "1h"]).ok();
    assert_eq!(set.stdout, "learn-steps = 2m 15m 1h\n");
    for (key, value, range) in [
        ("max-interval", "0", "from 1 to 36500"),
        ("max-interval", "40000", "from 1 to 36500"),
        ("learn-ahead-mins", "2000", "from 0 to 1440"),
    ] {
        let refused = s.run(&["config", key, value]);
        assert_eq!(refused.code, 2, "{key} {value}: {}", refused.stderr);
        assert!(refused.stderr.contains(range), "{}", refused.stderr);
    }
    assert_eq!(s.run(&["config", "max-interval"]).ok().stdout, "36500\n");
    let none = s.run(&["config", "relearn-steps", "none"]).ok();
    assert_eq!(none.stdout, "relearn-steps = none\n");
    let empty = s.run(&["config", "learn-steps", ""]).ok();
    assert_eq!(empty.stdout, "learn-steps = none\n");
    let all = s.run(&["config"]).ok().stdout;
    assert!(all.contains("\nlearn-steps       none "), "{all}");
    assert!(all.contains("\nrelearn-steps     none "), "{all}");
    // A deck file says `none` as config does.
    s.write(
        "none.deck",
        "# None\nlearn-steps: none\nrelearn-steps: none\n\n## a\nq: a?\na: A\n",
    );
    s.build(&["none.deck"]);
}
