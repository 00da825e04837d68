//! Studying on several machines: two and three collections, each with its
//! own copy of the shared folder (a syncer carries the files between
//! them), answer the same and other cards offline, undo, suspend, bury,
//! flag, forget and reschedule; synced in several orders, every collection
//! ends with the same cards and review log (row by row, but for local row
//! ids), no answer missing or doubled, and `check` passes. Then the same
//! through a real git remote (a bare repository on disk), a collection
//! migrated from schema 3 whose imported deck and Anki ids travel, and the
//! shared settings.

mod common;

use std::collections::BTreeSet;

use common::shifted;
use common::sync::{Device, T0, assert_same, card, carry, sync_in_order};

/// Answers the due cards of a review session at `now`: one line each.
fn review(device: &Device, now: &str, lines: &str) {
    device.run(now, &["review"], lines);
}

/// The uids a device logged since `before`.
fn new_uids(device: &Device, before: &BTreeSet<String>) -> BTreeSet<String> {
    device.log_uids().difference(before).cloned().collect()
}

#[test]
fn two_devices_answer_offline_and_converge_in_either_order() {
    let (a, b) = (Device::new("A"), Device::new("B"));
    let start = a.log_uids();
    assert!(start.is_empty());
    // Offline: both answer the first new cards (the same cards: same deck,
    // same order), one answer undone in the session; B a bit later.
    review(&a, &shifted(T0, 5), "3\n1\nu\n3\n3\n3\n");
    review(&b, &shifted(T0, 20), "4\n3\n3\n");
    // Other changes, on other cards and the same.
    a.run(&shifted(T0, 30), &["flag", "2", &card("fortress")], "");
    b.run(&shifted(T0, 31), &["suspend", &card("nep")], "");
    b.run(&shifted(T0, 32), &["flag", "4", &card("year")], "");
    let (made_a, made_b) = (new_uids(&a, &start), new_uids(&b, &start));
    assert_eq!((made_a.len(), made_b.len()), (4, 3), "A's undone answer is gone");
    assert_ne!(a.tables(), b.tables());

    sync_in_order(&[&a, &b], &[0, 1, 0], &shifted(T0, 40));
    assert_same(&[&a, &b]);
    let all: BTreeSet<String> = made_a.union(&made_b).cloned().collect();
    assert_eq!(a.log_uids(), all, "every answer once, none lost");
    // Both answers to the first card count: its reps are the two devices' together.
    let reps =
        a.s.count(&format!("SELECT reps FROM cards WHERE id = {}", card("year")));
    assert_eq!(reps, 2, "A's Good and B's Easy on `year`");
    assert_eq!(
        a.s.count(&format!("SELECT flag FROM cards WHERE id = {}", card("year"))),
        4
    );
    assert_eq!(
        a.s.count(&format!("SELECT queue FROM cards WHERE id = {}", card("nep"))),
        -1
    );

    // The next day, offline again: reviews on both, a forget and a reschedule
    // on B, an unsuspend on A; synced B A B.
    let day2 = "2026-03-11T09:00:00Z";
    let before = a.log_uids();
    review(&a, day2, &"3\n".repeat(10));
    review(&b, &shifted(day2, 15), &"2\n".repeat(10));
    b.run(&shifted(day2, 30), &["forget", &card("demands")], "");
    b.run(&shifted(day2, 31), &["reschedule", "--days", "3", &card("year")], "");
    a.run(&shifted(day2, 32), &["unsuspend", &card("nep")], "");
    let made = new_uids(&a, &before).len() + new_uids(&b, &before).len();
    assert!(made >= 6, "{made} new log rows");
    sync_in_order(&[&a, &b], &[1, 0, 1], &shifted(day2, 40));
    assert_same(&[&a, &b]);
    assert_eq!(a.log_uids().len(), before.len() + made, "no answer missing or doubled");
    assert_eq!(
        a.s.count(&format!("SELECT queue FROM cards WHERE id = {}", card("nep"))),
        0
    );
    assert_eq!(
        a.s.count(&format!("SELECT state FROM cards WHERE id = {}", card("demands"))),
        0
    );
    a.check();
    b.check();

    // Nothing new: a sync is a no-op and changes nothing.
    let tables = a.tables();
    let run = a.sync(&shifted(day2, 50));
    assert!(run.stdout.starts_with("sync: up to date"), "{}", run.stdout);
    assert_eq!(a.tables(), tables);
}

#[test]
fn answers_a_device_gives_at_one_instant_replay_in_the_order_given() {
    // ISKRA_NOW stands still: every card failed in the session comes back
    // (learn-ahead) and is answered again at the same millisecond. The
    // review's own sync, and every sync after, must replay a card's answers
    // in the order they were given (not by their random uids, which graded
    // half of them again from the wrong state).
    let (a, b) = (Device::new("A"), Device::new("B"));
    let run = a.run(&shifted(T0, 5), &["review"], &"1\n".repeat(30));
    assert!(
        run.stdout.matches("answered: ").count() > 9,
        "cards came back:\n{}",
        run.stdout
    );
    assert!(!run.stderr.contains("graded again"), "{}", run.stderr);
    let studied = a.tables();
    sync_in_order(&[&a, &b], &[0, 1, 0], &shifted(T0, 6));
    assert_same(&[&a, &b]);
    assert_eq!(a.tables(), studied, "no sync changed what the session did");
}

#[test]
fn three_devices_converge_synced_a_b_c_a_b_c() {
    let (a, b, c) = (Device::new("A"), Device::new("B"), Device::new("C"));
    // Each answers the first cards offline (every device the same ones),
    // C with a clock 40 minutes behind the others.
    review(&a, &shifted(T0, 10), "3\n3\n1\n");
    review(&b, &shifted(T0, 12), "1\n4\n");
    review(&c, &shifted(T0, -30), "2\n3\n3\n3\n");
    c.run(&shifted(T0, -29), &["bury", &card("congress")], "");
    a.run(&shifted(T0, 11), &["suspend", &card("petrichenko")], "");
    let made: usize = [&a, &b, &c].iter().map(|d| d.log_uids().len()).sum();
    sync_in_order(&[&a, &b, &c], &[0, 1, 2, 0, 1, 2], &shifted(T0, 60));
    assert_same(&[&a, &b, &c]);
    assert_eq!(a.log_uids().len(), made, "no answer missing or doubled");
    for device in [&a, &b, &c] {
        device.check();
    }
    // Three answers on `year` (a Good, an Again, a Hard), all counted.
    assert_eq!(
        a.s.count(&format!("SELECT reps FROM cards WHERE id = {}", card("year"))),
        3
    );
}

#[test]
fn undone_changes_travel_once_written() {
    let (a, b) = (Device::new("A"), Device::new("B"));
    review(&a, &shifted(T0, 5), &"3\n".repeat(9));
    review(&a, &shifted(T0, 20), &"3\n".repeat(9));
    sync_in_order(&[&a, &b], &[0, 1], &shifted(T0, 30));
    assert_same(&[&a, &b]);
    // A forgets a card and suspends another; both changes reach B…
    a.run(&shifted(T0, 40), &["forget", &card("leader")], "");
    a.run(&shifted(T0, 41), &["suspend", &card("congress")], "");
    sync_in_order(&[&a, &b], &[0, 1], &shifted(T0, 45));
    assert_same(&[&a, &b]);
    assert_eq!(
        b.s.count(&format!("SELECT state FROM cards WHERE id = {}", card("leader"))),
        0
    );
    let with_forget = b.log_uids().len();
    // …and so do their undos: the suspend is taken back, then the forget
    // (its manual log row goes everywhere).
    a.run(&shifted(T0, 50), &["undo"], "");
    a.run(&shifted(T0, 51), &["undo"], "");
    sync_in_order(&[&a, &b], &[0, 1, 0], &shifted(T0, 55));
    assert_same(&[&a, &b]);
    assert_eq!(b.log_uids().len(), with_forget - 1, "the forget's log row is gone");
    assert_eq!(
        b.s.count(&format!("SELECT state FROM cards WHERE id = {}", card("leader"))),
        2
    );
    assert_eq!(
        b.s.count(&format!("SELECT queue FROM cards WHERE id = {}", card("congress"))),
        2
    );
    a.check();
    b.check();
}

#[test]
fn shared_settings_follow_the_last_change() {
    let (a, b) = (Device::new("A"), Device::new("B"));
    a.run(&shifted(T0, 1), &["config", "retention", "0.85"], "");
    a.run(&shifted(T0, 1), &["config", "backups-keep", "3"], "");
    sync_in_order(&[&a, &b], &[0, 1], &shifted(T0, 2));
    let get = |d: &Device, key: &str| d.run(&shifted(T0, 3), &["config", key], "").stdout;
    assert_eq!(get(&b, "retention"), "0.85\n");
    assert_eq!(
        get(&b, "backups-keep"),
        "7\n",
        "where backups go and how many stay local"
    );
    // Both change a setting offline: the later change wins everywhere.
    a.run(&shifted(T0, 10), &["config", "new-per-day", "5"], "");
    b.run(&shifted(T0, 20), &["config", "new-per-day", "9"], "");
    b.sync(&shifted(T0, 21));
    a.sync(&shifted(T0, 30));
    sync_in_order(&[&a, &b], &[1, 0], &shifted(T0, 31));
    assert_eq!(get(&a, "new-per-day"), "9\n", "B changed it last");
    assert_eq!(get(&b, "new-per-day"), "9\n");
}

#[test]
fn a_git_remote_carries_the_folder() {
    if std::process::Command::new("git").arg("--version").output().is_err() {
        panic!("git is needed for this test");
    }
    let remote = tempfile::tempdir().unwrap();
    let bare = remote.path().join("iskra.git");
    let git = |dir: &std::path::Path, args: &[&str]| {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.org")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    git(remote.path(), &["init", "--quiet", "--bare", "iskra.git"]);
    let (a, b) = (Device::new("A"), Device::new("B"));
    let clone = |d: &Device| {
        let path = d.s.path("clone");
        git(
            d.s.dir.path(),
            &["clone", "--quiet", &bare.display().to_string(), "clone"],
        );
        path.display().to_string()
    };
    let (clone_a, clone_b) = (clone(&a), clone(&b));
    review(&a, &shifted(T0, 5), "3\n3\n3\n");
    review(&b, &shifted(T0, 6), "1\n3\n");
    // A pushes first; B pulls A's chunks, merges, pushes its own; A pulls B's.
    a.run(&shifted(T0, 10), &["sync", "--git", &clone_a], "");
    b.run(&shifted(T0, 11), &["sync", "--git", &clone_b], "");
    a.run(&shifted(T0, 12), &["sync", "--git"], "");
    assert_same(&[&a, &b]);
    assert_eq!(a.log_uids().len(), 5);
    // Each commit holds one device's files only.
    let log = git(std::path::Path::new(&clone_a), &["log", "--name-only", "--format=%s"]);
    assert!(
        log.contains(&format!("iskra-sync/{}/000001.jsonl.zst", a.id())),
        "{log}"
    );
    assert!(
        log.contains(&format!("iskra-sync/{}/000001.jsonl.zst", b.id())),
        "{log}"
    );
    assert_eq!(git(std::path::Path::new(&clone_b), &["status", "--porcelain"]), "");
    // Nothing new: no commit.
    let commits = git(std::path::Path::new(&clone_b), &["rev-list", "--count", "HEAD"]);
    b.run(&shifted(T0, 13), &["sync", "--git"], "");
    assert_eq!(
        git(std::path::Path::new(&clone_b), &["rev-list", "--count", "HEAD"]),
        commits
    );
    a.check();
    b.check();
}

#[test]
fn an_old_collection_migrates_and_its_imported_deck_and_anki_ids_travel() {
    // The schema-3 fixture: bundled decks, `mine` from a file, and
    // `spanish-verbs` imported from Anki (no file), with history.
    let a = Device::schema_3_fixture("A");
    std::fs::create_dir(a.folder()).unwrap();
    let first = a.run(T0, &["sync", &a.folder().display().to_string()], "");
    assert!(
        first.stdout.contains("decks written to the folder: spanish-verbs"),
        "{}",
        first.stdout
    );
    // A new machine: the bundled decks (every iskra has them) and the
    // collection's `mine` deck file, shared by the user.
    let b = Device::with_mine("B");
    carry(&[&a, &b]);
    let run = b.run(T0, &["sync", &b.folder().display().to_string()], "");
    assert!(
        run.stdout.contains("decks built from the folder: spanish-verbs"),
        "{}",
        run.stdout
    );
    // The imported cards have Anki's ids here too, and the whole history.
    let anki_ids = |d: &Device| -> Vec<i64> {
        let conn = d.s.db();
        let mut stmt = conn
            .prepare(
                "SELECT c.id FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.key = 'spanish-verbs' ORDER BY c.id",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(anki_ids(&b), [1_650_000_000_001, 1_650_000_000_002, 1_650_000_000_003]);
    assert_eq!(b.log_uids(), a.log_uids());
    for key in ["people", "mine", "spanish-verbs"] {
        let state = |d: &Device| -> Vec<(i64, i64, i64, i64, i64)> {
            let conn = d.s.db();
            let mut stmt = conn
                .prepare(
                    "SELECT c.id, c.state, c.queue, c.reps, c.flag FROM cards c JOIN decks d ON d.id = c.deck_id
                     WHERE d.key = ?1 ORDER BY c.id",
                )
                .unwrap();
            stmt.query_map([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        assert_eq!(state(&a), state(&b), "deck {key}");
    }
    a.check();
    b.check();
}

/// Issue 16, point 4: an imported deck's own options (its Anki preset:
/// steps, longest interval, burying) travel in the deck file its device
/// writes into the folder; another device builds the deck with them,
/// grades the deck's cards with them, and both devices end the same.
#[test]
fn an_imported_decks_options_travel_in_its_deck_file() {
    let a = Device::schema_3_fixture("A");
    a.run(T0, &["status"], "");
    // What an import of an Anki deck with this preset keeps.
    rusqlite::Connection::open(&a.s.db)
        .unwrap()
        .execute(
            "UPDATE decks SET anki_preset = ?1 WHERE key = 'spanish-verbs'",
            [
                r#"{"name":"Travelling","learn_steps":[3.0,25.0],"relearn_steps":[7.0],"fsrs_params":[],
                "bury_new":false,"bury_reviews":false,"bury_interday":true,"max_interval":2}"#,
            ],
        )
        .unwrap();
    std::fs::create_dir(a.folder()).unwrap();
    a.run(T0, &["sync", &a.folder().display().to_string()], "");
    let file = std::fs::read_to_string(
        a.folder()
            .join(format!("iskra-sync/decks/{}/spanish-verbs.deck", a.id())),
    )
    .unwrap();
    assert!(
        file.contains("learn-steps: 3m 25m\nrelearn-steps: 7m\nmax-interval: 2\nbury: interday\n"),
        "{file}"
    );

    let b = Device::blank("B");
    b.run(T0, &["status"], "");
    std::fs::create_dir(b.folder()).unwrap();
    carry(&[&a, &b]);
    b.run(T0, &["sync", &b.folder().display().to_string()], "");
    let options = |d: &Device| -> serde_json::Value {
        let id =
            d.s.count("SELECT min(c.id) FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.key = 'spanish-verbs'");
        let run = d.run(T0, &["card", &id.to_string(), "--json"], "");
        serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap()["options"].clone()
    };
    let on_b = options(&b);
    assert_eq!(on_b, options(&a));
    assert_eq!(on_b["own"], true);
    assert_eq!(on_b["learn_steps_secs"], serde_json::json!([180, 1500]));
    assert_eq!(on_b["relearn_steps_secs"], serde_json::json!([420]));
    assert_eq!(on_b["max_interval"], 2);
    assert_eq!(on_b["bury_interday"], true);

    // B studies the deck: with its options (no interval over 2 days).
    let logged = b.s.count("SELECT count(*) FROM review_log");
    b.run(&shifted(T0, 5), &["review", "--deck", "spanish-verbs"], "3\n4\n3\n");
    assert_eq!(b.s.count("SELECT count(*) FROM review_log") - logged, 3);
    assert_eq!(
        b.s.count(&format!(
            "SELECT count(*) FROM review_log WHERE id > {logged} AND state_after = 2 AND interval_after > 2"
        )),
        0
    );
    assert!(
        b.s.count(&format!(
            "SELECT count(*) FROM review_log WHERE id > {logged} AND state_after = 2"
        )) > 0,
        "an answer graduated a card"
    );
    // Synced back, A replays B's answers to the same states.
    sync_in_order(&[&b, &a], &[0, 1], &shifted(T0, 10));
    let state = |d: &Device| -> Vec<(i64, i64, i64, i64, i64, i64)> {
        let conn = d.s.db();
        let mut stmt = conn
            .prepare(
                "SELECT c.id, c.state, c.queue, c.due, c.interval, c.reps FROM cards c
                 JOIN decks d ON d.id = c.deck_id WHERE d.key = 'spanish-verbs' ORDER BY c.id",
            )
            .unwrap();
        stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    assert_eq!(state(&a), state(&b));
    assert_eq!(a.log_uids(), b.log_uids());
    a.check();
    b.check();
}
