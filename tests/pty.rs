//! The interactive review, driven through a real pseudo-terminal: single
//! keys in raw mode (Space reveals, 1-4 grade, u undoes, q quits).

mod common;

use common::{Scratch, pty_exits_cleanly, pty_expect as expect, pty_key as key, spawn_pty};
use rexpect::session::PtySession;

const DECK: &str = "# Pty\n## a\nq: alpha?\na: A\n## b\nq: beta?\na: B\n## c\nq: gamma?\na: C\n";

fn spawn_review(s: &Scratch) -> PtySession {
    spawn_pty(s, &["review"])
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
    expect(&mut p, "Session done: 1 answer on 1 card, again 0%");
    expect(&mut p, "Stopped with 2 new and 0 due still waiting today.");
    // The 10-minute step with Anki's extra delay (seeded by the card: under a minute here).
    expect(&mut p, "Next learning card: 2026-03-10 10:10 (in 10m).");
    pty_exits_cleanly(&mut p);

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

/// A long import shows a bar with its counts on a terminal (once it has run
/// for about half a second) and clears it before the report; with stderr
/// piped nothing but the report is written.
#[test]
fn a_long_import_shows_its_progress_on_a_terminal_only() {
    let s = Scratch::new();
    let rows: String = (0..20_000).map(|i| format!("question {i}\tanswer {i}\n")).collect();
    s.write("many.tsv", &rows);

    let mut p = spawn_pty(&s, &["import", "many.tsv", "--deck", "many"]);
    expect(&mut p, "notes [");
    expect(&mut p, "/20,000");
    expect(&mut p, "20000 facts added");
    pty_exits_cleanly(&mut p);

    let piped = s.run(&["import", "many.tsv", "--deck", "many"]).ok();
    assert!(piped.stdout.contains("20000 unchanged"), "{}", piped.stdout);
    assert_eq!(piped.stderr, "", "no bar when stderr is not a terminal");
}

/// A long build shows the facts it writes as a bar on a terminal, cleared
/// before the report; with stderr piped nothing but the report is written.
#[test]
fn a_long_build_shows_its_progress_on_a_terminal_only() {
    let s = Scratch::new();
    let facts: String = (0..20_000)
        .map(|i| format!("## f{i}\nq: question {i}?\na: answer {i}\n"))
        .collect();
    s.write("many.deck", format!("# Many\n{facts}"));

    let mut p = spawn_pty(&s, &["build", "many.deck"]);
    expect(&mut p, "facts [");
    expect(&mut p, "/20,000");
    expect(&mut p, "20000 added");
    pty_exits_cleanly(&mut p);

    s.write("many.deck", format!("# Many again\n{facts}"));
    let piped = s.run(&["build", "many.deck"]).ok();
    assert!(piped.stdout.contains("20000 unchanged"), "{}", piped.stdout);
    assert_eq!(piped.stderr, "", "no bar when stderr is not a terminal");
}
