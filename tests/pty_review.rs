//! The interactive review's keys and exits in a real pseudo-terminal
//! (issue 12): Space on the answer is Good, `u` after `s` brings the buried
//! card back, Ctrl-C ends like `q` with the summary and shows the cursor;
//! a custom note type's second-template card is shown rendered and escaped
//! (issue 16).

mod common;

use common::{NOW, PTY_TIMEOUT_MS, Scratch, pty_exits_cleanly, pty_expect as expect, pty_key as key, spawn_pty};

const DECK: &str = "# Pty\n## a\nq: alpha?\na: A\n## b\nq: beta?\na: B\n## c\nq: gamma?\na: C\n";

fn scratch() -> Scratch {
    let s = Scratch::new();
    s.write("pty.deck", DECK);
    s.build(&["pty.deck"]);
    s
}

fn ratings(s: &Scratch) -> Vec<i64> {
    s.db()
        .prepare("SELECT rating FROM review_log ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn space_on_the_answer_grades_good() {
    let s = scratch();
    let mut p = spawn_pty(&s, &["review"]);
    expect(&mut p, "All decks · new 3 · learning 0 · due 0");
    expect(&mut p, "Deck: Pty");
    expect(&mut p, "Q: alpha?");
    key(&mut p, " ");
    expect(&mut p, "Space/Enter: Good");
    key(&mut p, " ");
    expect(&mut p, "answered: Good · next in 10m");
    expect(&mut p, "Q: beta?");
    key(&mut p, "\r");
    expect(&mut p, "A: B");
    key(&mut p, "\r");
    expect(&mut p, "answered: Good · next in 10m");
    key(&mut p, "q");
    expect(&mut p, "Session done: 2 answers on 2 cards");
    pty_exits_cleanly(&mut p);
    assert_eq!(ratings(&s), [3, 3]);
}

#[test]
fn undo_after_bury_restores_the_buried_card() {
    let s = scratch();
    let mut p = spawn_pty(&s, &["review"]);
    expect(&mut p, "Q: alpha?");
    expect(&mut p, "s: bury");
    key(&mut p, "s");
    expect(&mut p, "buried until the next study day");
    expect(&mut p, "Q: beta?");
    expect(&mut p, "q: quit");
    key(&mut p, "u");
    expect(&mut p, "undone: the buried card is back");
    expect(&mut p, "Q: alpha?");
    expect(&mut p, "q: quit");
    key(&mut p, "q");
    expect(&mut p, "Stopped with 3 new and 0 due still waiting today.");
    pty_exits_cleanly(&mut p);
    assert_eq!(s.count("SELECT count(*) FROM cards WHERE queue = -2"), 0);
}

/// The review in a PTY with escape sequences kept, to see the cursor-show one.
fn spawn_raw(s: &Scratch, args: &[&str]) -> rexpect::session::PtySession {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_iskra"));
    cmd.current_dir(s.dir.path())
        .env("ISKRA_COLLECTION", &s.db)
        .env("ISKRA_NOW", NOW)
        .env("NO_COLOR", "1")
        .env("TZ", "UTC")
        .env("TERM", "xterm")
        .env("COLUMNS", "100")
        .env("LINES", "30")
        .args(args);
    rexpect::session::spawn_with_options(cmd, rexpect::session::Options::new().timeout_ms(Some(PTY_TIMEOUT_MS)))
        .expect("spawn iskra in a pty")
}

#[test]
fn ctrl_c_ends_the_review_like_q_with_the_summary_and_the_cursor_shown() {
    let s = scratch();
    let mut p = spawn_raw(&s, &["review"]);
    expect(&mut p, "Q: alpha?");
    expect(&mut p, "q: quit");
    key(&mut p, " ");
    expect(&mut p, "1-4: grade");
    key(&mut p, "3");
    expect(&mut p, "Q: beta?");
    expect(&mut p, "q: quit");
    key(&mut p, "\u{3}");
    let rest = expect(&mut p, "Session done: 1 answer on 1 card");
    // The 10-minute step with Anki's extra delay (seeded by the card: under a minute here).
    let tail = expect(&mut p, "Next learning card: 2026-03-10 10:10 (in 10m).");
    assert!(
        format!("{rest}{tail}").contains("\u{1b}[?25h"),
        "no cursor-show sequence in {rest:?}{tail:?}"
    );
    assert!(
        tail.contains("Stopped with 2 new and 0 due still waiting today."),
        "{tail:?}"
    );
    p.exp_eof().expect("iskra exits");
    assert_eq!(ratings(&s), [3]);
}

/// A note of a custom Anki note type: four fields (one with an escape
/// sequence and a bidi override, one holding an image placeholder), two
/// templates; only the second yields a card here.
const NOTE_DECK: &str = "# People
## rosmer
note: Person
field: Name: Alfred \u{1b}[31mRosmer
field: Born: 1877
field: Role: French \u{202e}delegate
field: Notes: [image: rosmer.png]
template: Who
front: Who was {{Name}}?
back: {{FrontSide}}
  {{Role}}
template: Which
front: Which person: {{Role}}?
back: {{FrontSide}}
  {{Name}}{{#Born}}, born {{Born}}{{/Born}}
cards: 2
";

/// Issue 16: a card of a custom note type's second template is shown in the
/// terminal as its template renders it (the front above, `{{FrontSide}}`
/// not repeated, the fields it does not show under the answer), its
/// fields' escape sequences and bidi overrides inert.
#[test]
fn a_second_template_card_shows_its_template_rendered_and_escaped() {
    let s = Scratch::new();
    s.write("people.deck", NOTE_DECK);
    s.build(&["people.deck"]);
    let mut p = spawn_raw(&s, &["review"]);
    let before = expect(&mut p, "Q: Which person: French \\u{202e}delegate?");
    expect(&mut p, "q: quit");
    key(&mut p, " ");
    let answer = expect(&mut p, "1-4: grade");
    for shown in ["A: Alfred \\u{1b}[31mRosmer, born 1877", "Notes: [image: rosmer.png]"] {
        assert!(answer.contains(shown), "{shown:?} not in {answer:?}");
    }
    let answer_side = &answer[answer.find("A: ").unwrap()..];
    assert!(
        !answer_side.contains("Which person"),
        "the front is not repeated: {answer:?}"
    );
    // rexpect reads each byte as one char: a raw U+202E would be these three.
    let raw_bidi: String = "\u{202e}".bytes().map(char::from).collect();
    let raw = format!("{before}{answer}");
    assert!(
        !raw.contains("\u{1b}[31m") && !raw.contains(&raw_bidi),
        "a raw escape or bidi override reached the terminal: {raw:?}"
    );
    key(&mut p, "3");
    expect(&mut p, "answered: Good");
    key(&mut p, "q");
    p.exp_eof().expect("iskra exits");
    assert_eq!(ratings(&s), [3]);
    assert_eq!(
        s.count("SELECT count(*) FROM cards WHERE template = 'card:2' AND reps = 1"),
        1
    );
    assert_eq!(s.count("SELECT count(*) FROM cards"), 1);
}
