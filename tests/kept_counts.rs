//! The counts triggers keep (schema 7's `decks.new_count`, `decks.card_count`,
//! `cards_due_per_day`), the deck a log row names (schema 7's
//! `review_log.deck_id`) and what `status` shows from them equal a count
//! made from scratch, after every kind of write: builds (bulk, with the insert triggers set
//! aside), an edit, answers, undo, suspend and bury, forget and reschedule,
//! an Anki import with history, a sync with another device, a deck moved
//! and deleted.

mod common;

use common::shifted;
use common::sync::{Device, T0, card, carry};

/// A deck's key, its kept card count and its cards counted, its kept new
/// count and its new cards counted.
type DeckCounts = (String, i64, i64, i64, i64);

/// Each deck's kept counts next to a count of its cards, and the days of
/// `cards_due_per_day` that differ from a count of the cards due on them.
fn kept_and_counted(device: &Device) -> (Vec<DeckCounts>, i64) {
    let conn = device.s.db();
    let decks = conn
        .prepare(
            "SELECT key, card_count, (SELECT count(*) FROM cards WHERE deck_id = d.id),
                    new_count, (SELECT count(*) FROM cards WHERE deck_id = d.id AND queue = 0)
             FROM decks d ORDER BY key",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let counted = "SELECT due, count(*) FROM cards
        WHERE queue IN (2, 3) OR (queue IN (-1, -2) AND (state = 2 OR (state IN (1, 3) AND due < 1000000000)))
        GROUP BY due";
    let table = "SELECT day, cards FROM cards_due_per_day WHERE cards != 0";
    let days = device.s.count(&format!(
        "SELECT (SELECT count(*) FROM ({table} EXCEPT {counted})) + (SELECT count(*) FROM ({counted} EXCEPT {table}))"
    ));
    (decks, days)
}

/// The kept counts equal the counted ones, `check` (which compares them
/// too) passes, and `status` shows the counted new cards.
fn assert_kept(device: &Device, after: &str) {
    let (decks, days) = kept_and_counted(device);
    assert!(!decks.is_empty());
    for (key, cards, counted_cards, new, counted_new) in &decks {
        assert_eq!(
            (cards, new),
            (counted_cards, counted_new),
            "{}: deck {key} after {after}",
            device.name
        );
    }
    assert_eq!(days, 0, "{}: cards_due_per_day after {after}", device.name);
    // A log row that names a deck names its card's.
    let wrong = device.s.count(
        "SELECT count(*) FROM review_log l JOIN cards c ON c.id = l.card_id
         WHERE l.deck_id IS NOT NULL AND l.deck_id != c.deck_id",
    );
    assert_eq!(wrong, 0, "{}: log rows' decks after {after}", device.name);
    let run = device.s.run_at(T0, &["check"], "");
    assert_eq!(run.code, 0, "{}: check after {after}:\n{}", device.name, run.stdout);
    // `status` says how many new cards wait beyond today's limit: every
    // unseen card, counted from scratch here.
    let status = device.s.run_at(T0, &["status", "--json"], "").ok();
    let status: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    let unseen = device.s.count("SELECT count(*) FROM cards WHERE queue = 0");
    let shown = status["new_today"].as_i64().unwrap() + status["new_waiting"].as_i64().unwrap();
    assert_eq!(shown, unseen, "{}: status after {after}: {status}", device.name);
}

#[test]
fn kept_counts_equal_a_count_from_scratch_after_every_kind_of_write() {
    let a = Device::new("A");
    assert_kept(&a, "a build and a first sync");

    // An edit: the deck file gains a fact with two cards and loses one
    // (its card is retired, not deleted), and is built again.
    let text = common::sync::DECK.replace("## nep\nq: Which policy followed the revolt?\na: The NEP\n", "")
        + "\n## sailors\nq: How many sailors were in the garrison?\na: About 27,000\ncards: basic reverse\n";
    a.s.write("kronstadt.deck", &text);
    a.run(&shifted(T0, 1), &["build", "kronstadt.deck"], "");
    assert_kept(&a, "an edit");

    // Answers (new cards into learning and review), then undo of one.
    a.run(&shifted(T0, 5), &["review"], "3\n4\n1\nu\n3\n4\n4\n");
    assert_eq!(
        a.s.count("SELECT count(*) FROM review_log"),
        5,
        "six answers, one undone"
    );
    assert_kept(&a, "answers and an undo in the session");

    // Card commands and their undo.
    a.run(&shifted(T0, 10), &["suspend", &card("congress")], "");
    a.run(&shifted(T0, 11), &["bury", &card("fortress")], "");
    assert_kept(&a, "suspend and bury");
    a.run(&shifted(T0, 12), &["undo"], "");
    a.run(&shifted(T0, 13), &["forget", &card("year")], "");
    a.run(
        &shifted(T0, 14),
        &["reschedule", "--days", "3", &card("petrichenko")],
        "",
    );
    assert_kept(&a, "undo, forget, reschedule");

    // An Anki package with history: review cards and new ones.
    let other = Device::blank("exporter");
    other.s.write(
        "verbs.txt",
        "#deck:Spanish::Verbs\nhablar\tto speak\ncomer\tto eat\nvivir\tto live\n",
    );
    other.run(T0, &["import", "verbs.txt"], "");
    other.run(&shifted(T0, 2), &["review", "--deck", "spanish-verbs"], "4\n4\n");
    let package = a.s.path("verbs.apkg").display().to_string();
    other.run(
        &shifted(T0, 3),
        &[
            "export",
            "deck",
            "spanish-verbs",
            "--format",
            "apkg",
            "--with-history",
            "--out",
            &package,
        ],
        "",
    );
    a.run(&shifted(T0, 20), &["import", &package], "");
    assert_kept(&a, "an Anki import with history");

    // A second device answers and suspends; both sync.
    let b = Device::new("B");
    b.run(&shifted(T0, 30), &["review"], "3\n3\n3\n");
    b.run(&shifted(T0, 31), &["suspend", &card("demands")], "");
    let day2 = "2026-03-11T09:00:00Z";
    for (device, minutes) in [(&a, 0), (&b, 1), (&a, 2)] {
        carry(&[&a, &b]);
        device.sync(&shifted(day2, minutes));
    }
    assert_kept(&a, "a sync");
    assert_kept(&b, "a sync");

    // The next day's reviews; a deck deleted.
    a.run(&shifted(day2, 10), &["review"], &"3\n".repeat(12));
    assert_kept(&a, "a day of reviews");
    a.run(&shifted(day2, 20), &["deck", "delete", "spanish-verbs", "--yes"], "");
    assert_kept(&a, "a deck deleted");
}

/// Counts gone wrong (written by hand here, as a fault of an older iskra or
/// of a tool would leave them) are reported by `check` with the way out,
/// and `check --repair` counts them again in one go: check passes after,
/// and the cards, facts and answers are the same rows as before.
#[test]
fn check_repair_counts_again_what_triggers_keep_and_nothing_else() {
    let a = Device::new("A");
    a.run(&shifted(T0, 5), &["review"], "3\n4\n1\n");
    let rows = |d: &Device| {
        d.s.count("SELECT sum(id * 7 + queue * 3 + due + reps) FROM cards")
            + d.s.count("SELECT sum(id + card_id) FROM review_log")
            + d.s.count("SELECT count(*) FROM facts")
    };
    let before = rows(&a);
    rusqlite::Connection::open(&a.s.db)
        .unwrap()
        .execute_batch(
            "UPDATE decks SET card_count = card_count + 2, new_count = new_count + 3;
             UPDATE cards_due_per_day SET cards = cards + 1;
             UPDATE review_log SET deck_id = (SELECT max(id) + 1 FROM decks)
                 WHERE id = (SELECT min(id) FROM review_log);
             DELETE FROM card_trigrams WHERE rowid = (SELECT min(id) FROM cards);",
        )
        .unwrap();
    let check = a.s.run_at(T0, &["check"], "");
    assert_eq!(check.code, 1, "{}", check.stdout);
    for broken in [
        "PROBLEM  decks count their cards",
        "PROBLEM  decks count their new cards",
        "PROBLEM  the cards due per day are counted",
        "PROBLEM  log rows name their card's deck",
        "PROBLEM  the search index holds every card and no other",
        "hint: these are counts iskra keeps of your cards, not your cards: `iskra check --repair` counts them again",
    ] {
        assert!(check.stdout.contains(broken), "{broken:?} in\n{}", check.stdout);
    }

    let repair = a.s.run_at(&shifted(T0, 6), &["check", "--repair"], "");
    assert_eq!(repair.code, 0, "{}{}", repair.stdout, repair.stderr);
    assert!(
        repair.stdout.starts_with("Counted again: the counts of "),
        "{}",
        repair.stdout
    );
    assert!(
        repair
            .stdout
            .contains("the deck of 1 answer, 1 card in the search index put right."),
        "{}",
        repair.stdout
    );
    assert!(repair.stdout.contains("checks passed."), "{}", repair.stdout);
    // The same checks as `iskra check` prints (those the repair changed
    // made again, the others kept from the checks before it).
    let plain = a.s.run_at(&shifted(T0, 6), &["check"], "");
    assert!(
        repair.stdout.ends_with(&plain.stdout),
        "{}\nends with\n{}",
        repair.stdout,
        plain.stdout
    );
    assert_eq!(rows(&a), before, "cards, facts and answers unchanged");
    assert_kept(&a, "check --repair");

    let again = a.s.run_at(&shifted(T0, 7), &["check", "--repair"], "");
    assert!(again.stdout.starts_with("Nothing to count again"), "{}", again.stdout);
}

#[test]
fn check_repair_writes_nothing_into_a_damaged_file_nor_makes_a_missing_one() {
    let a = Device::new("A");
    a.run(&shifted(T0, 5), &["review"], "3\n");
    common::checkpoint(&a.s.db);
    let (page_size, facts_root): (i64, i64) = {
        let conn = rusqlite::Connection::open(&a.s.db).unwrap();
        conn.execute_batch("UPDATE decks SET card_count = card_count + 2")
            .unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        let size = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
        let root = conn
            .query_row("SELECT rootpage FROM sqlite_master WHERE name = 'facts'", [], |r| {
                r.get(0)
            })
            .unwrap();
        (size, root)
    };
    // Damage on a page the repair itself would not read: the facts' B-tree
    // (its root page's cell count), beside a drifted count it would put right.
    let mut bytes = std::fs::read(&a.s.db).unwrap();
    let at = ((facts_root - 1) * page_size + 3) as usize;
    bytes[at] ^= 0x7f;
    std::fs::write(&a.s.db, &bytes).unwrap();

    let repair = a.s.run_at(&shifted(T0, 6), &["check", "--repair"], "");
    assert_eq!(repair.code, 1, "{}{}", repair.stdout, repair.stderr);
    assert!(
        repair
            .stdout
            .starts_with("Nothing was counted again: the file has problems a repair does not put right."),
        "{}",
        repair.stdout
    );
    assert!(repair.stdout.contains("PROBLEM  SQLite integrity"), "{}", repair.stdout);
    assert_eq!(std::fs::read(&a.s.db).unwrap(), bytes, "not a byte written");

    // A mistyped path: refused as `check` refuses it, and no file is made.
    let typo = a.s.path("typo.sqlite3");
    let missing = a.s.run_on(&typo, &["check", "--repair"]);
    assert_eq!(missing.code, 2, "{}{}", missing.stdout, missing.stderr);
    assert!(
        missing.stderr.contains("there is no collection at"),
        "{}",
        missing.stderr
    );
    assert!(!typo.exists(), "no collection made at a mistyped path");
}
