//! Decks and their files where a terminal is involved, driven through a
//! real pseudo-terminal: `iskra edit` with `EDITOR` set to a script (an
//! edit that keeps the card's history, a broken file reopened or left),
//! and the questions `add`, `deck delete`, `deck new` and `extract` ask.

mod common;

use std::path::Path;
use std::process::Command;

use common::{NOW, PTY_TIMEOUT_MS, Scratch, pty_expect as expect, pty_key as key};
use rexpect::session::{Options, PtySession, spawn_with_options};

const DECK: &str = "# Kronstadt 1921\n## rising\nq: When did Kronstadt rise?\na: March 1921\n## demands\nq: What did the sailors demand?\na: Free soviets\n";

/// `iskra ARGS…` in a pseudo-terminal, as `common::spawn_pty`, with `env` set
/// (and `VISUAL` unset, so `EDITOR` decides).
fn spawn(s: &Scratch, args: &[&str], env: &[(&str, &Path)]) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iskra"));
    cmd.current_dir(s.dir.path())
        .env("ISKRA_COLLECTION", &s.db)
        .env("ISKRA_NOW", NOW)
        .env("NO_COLOR", "1")
        .env("TZ", "UTC")
        .env("TERM", "xterm")
        .env("COLUMNS", "200")
        .env("LINES", "30")
        .env_remove("VISUAL")
        .args(args);
    for (name, value) in env {
        cmd.env(name, value);
    }
    spawn_with_options(
        cmd,
        Options::new()
            .timeout_ms(Some(PTY_TIMEOUT_MS))
            .strip_ansi_escape_codes(true),
    )
    .expect("spawn iskra in a pty")
}

/// Waits for the end and returns the exit code.
fn exit_code(p: &mut PtySession) -> i32 {
    p.exp_eof().expect("iskra exits");
    match p.process_mut().wait().expect("wait for iskra") {
        rexpect::process::WaitStatus::Exited(_, code) => code,
        other => panic!("iskra did not exit: {other:?}"),
    }
}

/// An executable shell script in the scratch folder.
fn script(s: &Scratch, name: &str, body: &str) -> std::path::PathBuf {
    let path = s.write(name, format!("#!/bin/sh\n{body}"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path
}

/// (card id, front, back, reviews) of every card.
fn cards(s: &Scratch) -> Vec<(i64, String, String, i64)> {
    s.db()
        .prepare(
            "SELECT id, front, back, (SELECT count(*) FROM review_log WHERE card_id = cards.id) FROM cards ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The Kronstadt deck built, its first card answered once.
fn studied(s: &Scratch) {
    s.write("kronstadt.deck", DECK);
    s.build(&["kronstadt.deck"]);
    s.run_at(NOW, &["review", "--limit", "1"], "3\n").ok();
}

#[test]
fn edit_opens_the_fact_and_the_card_keeps_its_history() {
    let s = Scratch::new();
    studied(&s);
    let before = cards(&s);
    let editor = script(
        &s,
        "editor.sh",
        "echo \"$@\" >> \"$(dirname \"$0\")/editor.log\"\nsed -i 's/^a: Free soviets$/a: Soviets without parties/' \"$2\"\n",
    );
    let mut p = spawn(&s, &["edit", "kron/demands"], &[("EDITOR", &editor)]);
    expect(&mut p, "Kronstadt 1921: 0 added, 1 updated, 1 unchanged, 0 removed");
    assert_eq!(exit_code(&mut p), 0);

    let log = std::fs::read_to_string(s.path("editor.log")).unwrap();
    let file = std::fs::canonicalize(s.path("kronstadt.deck")).unwrap();
    assert_eq!(log, format!("+5 {}\n", file.display()), "opened at the fact's heading");
    let after = cards(&s);
    assert_eq!(after.len(), before.len());
    for (old, new) in before.iter().zip(&after) {
        assert_eq!((old.0, old.3), (new.0, new.3), "same card, same history");
    }
    assert!(
        after.iter().any(
            |c| c.2 == "Soviets without parties" && c.0 == before.iter().find(|b| b.2 == "Free soviets").unwrap().0
        ),
        "{after:?}"
    );
    assert_eq!(before.iter().map(|c| c.3).sum::<i64>(), 1);
}

/// An editor that breaks the file the first time and mends it the second.
fn breaking_editor(s: &Scratch) -> std::path::PathBuf {
    script(
        s,
        "breaks.sh",
        "count=\"$(dirname \"$0\")/runs\"\necho x >> \"$count\"\necho \"$1\" >> \"$(dirname \"$0\")/lines\"\n\
         if [ \"$(wc -l < \"$count\")\" -eq 1 ]; then printf 'q: broken twice\\n' >> \"$2\"; \
         else sed -i '$d' \"$2\"; sed -i 's/^a: March 1921$/a: 1 March 1921/' \"$2\"; fi\n",
    )
}

#[test]
fn a_broken_file_is_offered_again_and_mended() {
    let s = Scratch::new();
    studied(&s);
    let before = cards(&s);
    let editor = breaking_editor(&s);
    let mut p = spawn(&s, &["edit", "kronstadt/rising"], &[("EDITOR", &editor)]);
    expect(&mut p, "error: `q` is given twice");
    expect(&mut p, "Reopen");
    key(&mut p, "y");
    expect(&mut p, "Kronstadt 1921: 0 added, 1 updated, 1 unchanged, 0 removed");
    assert_eq!(exit_code(&mut p), 0);
    // Reopened at the line of the error.
    assert_eq!(std::fs::read_to_string(s.path("lines")).unwrap(), "+2\n+8\n");
    assert_eq!(
        std::fs::read_to_string(s.path("kronstadt.deck")).unwrap(),
        DECK.replace("a: March", "a: 1 March")
    );
    let after = cards(&s);
    assert_eq!(
        after.iter().map(|c| (c.0, c.3)).collect::<Vec<_>>(),
        before.iter().map(|c| (c.0, c.3)).collect::<Vec<_>>()
    );
}

#[test]
fn a_broken_file_left_so_is_said_and_the_collection_keeps_the_last_good_one() {
    let s = Scratch::new();
    studied(&s);
    let dump = s.dump();
    let editor = breaking_editor(&s);
    let mut p = spawn(&s, &["edit", "kronstadt"], &[("EDITOR", &editor)]);
    expect(&mut p, "Reopen");
    key(&mut p, "n");
    expect(
        &mut p,
        "does not build, so the collection still has the last version of deck `kronstadt` that did",
    );
    assert_eq!(exit_code(&mut p), 1);
    assert_eq!(s.dump(), dump);
    assert!(
        std::fs::read_to_string(s.path("kronstadt.deck"))
            .unwrap()
            .ends_with("q: broken twice\n")
    );
}

#[test]
fn edit_of_a_bundled_deck_offers_the_users_copy() {
    let s = Scratch::new();
    s.run(&["status"]).ok();
    let before = cards(&s);
    let editor = script(&s, "noop.sh", "true\n");
    // Without a terminal it says how to get one.
    let out = s.run(&["edit", "people"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is bundled into iskra and has no file to edit"),
        "{}",
        out.stderr
    );
    let mut p = spawn(&s, &["edit", "people"], &[("EDITOR", &editor)]);
    expect(&mut p, "is bundled into iskra and has no file of yours");
    key(&mut p, "y");
    expect(&mut p, "Wrote your copy of the bundled deck to decks/people.deck");
    expect(&mut p, "unchanged, 0 removed");
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(cards(&s), before);
    let bundled = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/decks/people.deck")).unwrap();
    assert_eq!(std::fs::read_to_string(s.path("decks/people.deck")).unwrap(), bundled);
}

#[test]
fn add_asks_before_adding_a_question_the_deck_has() {
    let s = Scratch::new();
    studied(&s);
    let args = [
        "add",
        "--deck",
        "kronstadt",
        "--question",
        "when did kronstadt RISE",
        "--answer",
        "1921",
    ];
    let mut p = spawn(&s, &args, &[]);
    expect(
        &mut p,
        "deck `kronstadt` already asks \"When did Kronstadt rise?\" (fact `rising`). Add this one too?",
    );
    key(&mut p, "n");
    expect(&mut p, "Nothing was added.");
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(std::fs::read_to_string(s.path("kronstadt.deck")).unwrap(), DECK);
    let mut p = spawn(&s, &args, &[]);
    expect(&mut p, "Add this one too?");
    key(&mut p, "y");
    expect(&mut p, "Added `kronstadt-rise`");
    assert_eq!(exit_code(&mut p), 0);
}

#[test]
fn deck_delete_asks_first() {
    let s = Scratch::new();
    studied(&s);
    let dump = s.dump();
    let mut p = spawn(&s, &["deck", "delete", "kronstadt"], &[]);
    expect(
        &mut p,
        "Delete deck `kronstadt` (Kronstadt 1921) with its 2 facts, 2 cards and 1 review?",
    );
    key(&mut p, "n");
    expect(&mut p, "Nothing was deleted.");
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(s.dump(), dump);
    let mut p = spawn(&s, &["deck", "delete", "kronstadt"], &[]);
    expect(&mut p, "Delete deck");
    key(&mut p, "y");
    expect(&mut p, "Deleted deck `kronstadt`");
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(s.count("SELECT count(*) FROM decks"), 0);
}

#[test]
fn deck_new_and_extract_write_to_decks_dir() {
    let s = Scratch::new();
    s.run(&["config", "decks-dir", "mine"]).ok();
    let dir = s.path("mine");
    let mut p = spawn(&s, &["deck", "new", "Small Deck"], &[]);
    expect(&mut p, "Description");
    key(&mut p, "\r");
    expect(&mut p, "Add a fact of which kind?");
    key(&mut p, "q");
    expect(&mut p, "Write");
    key(&mut p, "y");
    expect(&mut p, &format!("written to {}", dir.join("small-deck.deck").display()));
    assert_eq!(exit_code(&mut p), 0);
    assert!(dir.join("small-deck.deck").is_file());

    // A `drafts` deck built from another file: the drafts go to drafts-2.deck.
    s.write(
        "notes.txt",
        "Lenin spoke to the Fourth Congress in November 1922 for the last time.\n",
    );
    std::fs::create_dir(s.path("far")).unwrap();
    s.write("far/drafts.deck", "# Not these drafts\n## d\nq: d?\na: d\n");
    s.build(&["far/drafts.deck"]);
    let mut p = spawn(&s, &["extract", "notes.txt", "--limit", "1"], &[]);
    expect(&mut p, "Keep it?");
    key(&mut p, "\r");
    let wrote = dir.join("drafts-2.deck");
    expect(&mut p, &format!("appended to {}", wrote.display()));
    assert_eq!(exit_code(&mut p), 0);
    assert!(std::fs::read_to_string(&wrote).unwrap().contains("cloze: "));
    assert!(!dir.join("drafts.deck").exists());
}
