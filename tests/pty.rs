//! The interactive review, driven through a real pseudo-terminal: single
//! keys in raw mode (Space reveals, 1-4 grade, u undoes, q quits).

mod common;

use std::process::Command;

use common::{NOW, Scratch};
use rexpect::session::{Options, PtySession, spawn_with_options};

const TIMEOUT_MS: u64 = 10_000;

const DECK: &str = "# Pty\n## a\nq: alpha?\na: A\n## b\nq: beta?\na: B\n## c\nq: gamma?\na: C\n";

fn spawn_review(s: &Scratch) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iskra"));
    cmd.current_dir(s.dir.path())
        .env("ISKRA_COLLECTION", &s.db)
        .env("ISKRA_NOW", NOW)
        .env("NO_COLOR", "1")
        .env("TZ", "UTC")
        .env("TERM", "xterm")
        .env("COLUMNS", "100")
        .env("LINES", "30")
        .arg("review");
    spawn_with_options(
        cmd,
        Options::new()
            .timeout_ms(Some(TIMEOUT_MS))
            .strip_ansi_escape_codes(true),
    )
    .expect("spawn iskra in a pty")
}

/// Sends one key press (no newline: the UI reads single keys).
fn key(p: &mut PtySession, k: &str) {
    p.send(k).expect("send key");
    p.flush().expect("flush key");
}

/// Waits for `needle` in the output. rexpect turns each byte it reads into
/// one `char` (Latin-1), so the needle is matched in that form.
#[track_caller]
fn expect(p: &mut PtySession, needle: &str) -> String {
    let as_read: String = needle.bytes().map(char::from).collect();
    p.exp_string(&as_read)
        .unwrap_or_else(|e| panic!("waiting for {needle:?}: {e}"))
}

#[test]
fn interactive_review_reveal_grade_undo_quit() {
    let s = Scratch::new();
    s.write("pty.deck", DECK);
    s.build(&["pty.deck"]);

    let mut p = spawn_review(&s);

    // First card: reveal with Space, grade Good with `3`.
    expect(&mut p, "Q: alpha?");
    expect(&mut p, "Space/Enter: show answer");
    key(&mut p, " ");
    expect(&mut p, "A: A");
    expect(&mut p, "3 Good 10m");
    expect(&mut p, "1-4: grade");
    key(&mut p, "3");
    expect(&mut p, "answered: Good · next in 10m");
    expect(&mut p, "Q: beta?");

    // A grade before revealing only asks to reveal first.
    expect(&mut p, "Space/Enter: show answer");
    key(&mut p, "3");
    expect(&mut p, "reveal the answer first");
    expect(&mut p, "Q: beta?");

    // Second card: Enter reveals this time; Again.
    expect(&mut p, "Space/Enter: show answer");
    key(&mut p, "\r");
    expect(&mut p, "A: B");
    expect(&mut p, "1-4: grade");
    key(&mut p, "1");
    expect(&mut p, "answered: Again · next in 1m");
    expect(&mut p, "Q: gamma?");

    // Undo the second answer: beta comes back, unrevealed.
    expect(&mut p, "Space/Enter: show answer");
    key(&mut p, "u");
    expect(&mut p, "undone: the last answer was taken back");
    expect(&mut p, "Q: beta?");
    expect(&mut p, "Space/Enter: show answer");

    key(&mut p, "q");
    expect(&mut p, "Session done: 1 card reviewed, again 0%");
    expect(&mut p, "Next card due:");
    p.exp_eof().expect("iskra exits after the summary");
    let status = p.process_mut().wait().expect("wait for iskra");
    assert!(
        matches!(status, rexpect::process::WaitStatus::Exited(_, 0)),
        "iskra did not exit cleanly: {status:?}"
    );

    // Exactly the one answer that was not undone is logged: Good on alpha.
    let conn = s.db();
    let rows: Vec<(String, i64)> = conn
        .prepare(
            "SELECT f.key, l.rating FROM review_log l JOIN cards c ON c.id = l.card_id
             JOIN facts f ON f.id = c.fact_id ORDER BY l.id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows, [("a".to_string(), 3)]);
    let beta_state: i64 = conn
        .query_row(
            "SELECT c.state FROM cards c JOIN facts f ON f.id = c.fact_id WHERE f.key = 'b'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(beta_state, 0, "the undone card is new again");
}
