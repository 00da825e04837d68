//! The review's keys of issue 12 in a real pseudo-terminal: `h` shows the
//! hint, `!` suspends and `u` takes it back, `e` edits the fact in its deck
//! file with `$EDITOR` and shows the card as the file now makes it, with its
//! history kept.

mod common;

use common::{
    Scratch, pty_command, pty_exits_cleanly, pty_expect as expect, pty_key as key, spawn_pty, spawn_pty_command,
};

const DECK: &str = "# Pty\n## a\nq: alpha?\na: A\nhint: the first letter\n## b\nq: beta?\na: B\n";

fn scratch(deck: &str) -> Scratch {
    let s = Scratch::new();
    s.write("pty.deck", deck);
    s.build(&["pty.deck"]);
    s
}

/// What rexpect read (one `char` per byte) as the UTF-8 text it was.
fn utf8(read: &str) -> String {
    let bytes: Vec<u8> = read.chars().map(|c| c as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn queue_of(s: &Scratch, fact: &str) -> i64 {
    s.count(&format!(
        "SELECT c.queue FROM cards c JOIN facts f ON f.id = c.fact_id WHERE f.key = '{fact}'"
    ))
}

#[test]
fn h_shows_the_hint_that_was_hidden() {
    let s = scratch(DECK);
    let mut p = spawn_pty(&s, &["review"]);
    let shown = expect(&mut p, "q: quit");
    assert!(shown.contains("Q: alpha?"), "{shown}");
    assert!(
        !shown.contains("the first letter"),
        "the hint is hidden until asked for: {shown}"
    );
    assert!(shown.contains("h: hint"), "the key line offers the hint: {shown}");
    key(&mut p, "h");
    let shown = expect(&mut p, "q: quit");
    assert!(shown.contains("Q: alpha?\r\n   (hint: the first letter)"), "{shown}");
    assert!(!shown.contains("h: hint"), "{shown}");
    // A card without a hint says so.
    key(&mut p, "s");
    expect(&mut p, "Q: beta?");
    expect(&mut p, "q: quit");
    key(&mut p, "h");
    expect(&mut p, "this card has no hint");
    expect(&mut p, "q: quit");
    key(&mut p, "q");
    pty_exits_cleanly(&mut p);
}

#[test]
fn suspend_then_undo_puts_the_card_back() {
    let s = scratch(DECK);
    let mut p = spawn_pty(&s, &["review"]);
    expect(&mut p, "Q: alpha?");
    expect(&mut p, "!: suspend");
    key(&mut p, "!");
    expect(&mut p, "suspended: the card is out of the reviews");
    expect(&mut p, "Q: beta?");
    expect(&mut p, "q: quit");
    assert_eq!(queue_of(&s, "a"), -1, "alpha is suspended in the collection");
    key(&mut p, "u");
    expect(&mut p, "undone: the suspended card is back");
    expect(&mut p, "Q: alpha?");
    expect(&mut p, "q: quit");
    assert_eq!(queue_of(&s, "a"), 0, "alpha is new again");
    // Several levels: bury beta after answering alpha, then undo both.
    key(&mut p, " ");
    expect(&mut p, "1-4: grade");
    key(&mut p, "3");
    expect(&mut p, "Q: beta?");
    expect(&mut p, "q: quit");
    key(&mut p, "s");
    expect(&mut p, "buried until the next study day");
    expect(&mut p, "q: quit");
    key(&mut p, "u");
    expect(&mut p, "undone: the buried card is back");
    expect(&mut p, "q: quit");
    key(&mut p, "u");
    expect(&mut p, "undone: the last answer was taken back");
    expect(&mut p, "Q: alpha?");
    expect(&mut p, "q: quit");
    key(&mut p, "q");
    expect(&mut p, "Stopped with 2 new and 0 due still waiting today.");
    pty_exits_cleanly(&mut p);
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 0);
    assert_eq!(s.count("SELECT count(*) FROM cards WHERE queue < 0"), 0);
}

#[test]
fn e_edits_the_fact_in_its_deck_file_and_keeps_the_history() {
    // One card, so that after Again it comes back in the same session.
    let s = scratch("# Pty\n\n## a\nq: alpha?\na: A\n");
    let editor = s.write(
        "editor.sh",
        "#!/bin/sh\necho \"$@\" > editor-args\nsed -i 's/^a: A$/a: Alpha, edited/' \"$2\"\n",
    );
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let card_id = s.count("SELECT id FROM cards");
    let mut cmd = pty_command(&s, &["review"]);
    cmd.env("EDITOR", &editor).env_remove("VISUAL");
    let mut p = spawn_pty_command(cmd, true);
    expect(&mut p, "Q: alpha?");
    expect(&mut p, "q: quit");
    key(&mut p, " ");
    expect(&mut p, "A: A");
    expect(&mut p, "e: edit");
    key(&mut p, "1");
    expect(&mut p, "answered: Again");
    expect(&mut p, "Q: alpha?");
    expect(&mut p, "q: quit");
    key(&mut p, "e");
    expect(
        &mut p,
        "edited and built: Pty: 0 added, 1 updated, 0 unchanged, 0 removed",
    );
    expect(&mut p, "Q: alpha?");
    expect(&mut p, "q: quit");
    key(&mut p, " ");
    expect(&mut p, "A: Alpha, edited");
    expect(&mut p, "q: quit");
    key(&mut p, "3");
    expect(&mut p, "answered: Good");
    key(&mut p, "q");
    pty_exits_cleanly(&mut p);

    let path = s.path("pty.deck").canonicalize().unwrap();
    assert_eq!(
        std::fs::read_to_string(s.path("editor-args")).unwrap().trim(),
        format!("+3 {}", path.display()),
        "the editor opens the deck file at the fact's line"
    );
    assert!(std::fs::read_to_string(&path).unwrap().contains("a: Alpha, edited"));
    assert_eq!(s.count("SELECT id FROM cards"), card_id, "the same card");
    assert_eq!(
        s.count(&format!("SELECT count(*) FROM review_log WHERE card_id = {card_id}")),
        2,
        "the answer before the edit is kept, and the one after added"
    );
    assert_eq!(s.count("SELECT reps FROM cards"), 2);
    assert_eq!(
        s.db()
            .query_row("SELECT back FROM cards", [], |r| r.get::<_, String>(0))
            .unwrap(),
        "Alpha, edited"
    );
}

#[test]
fn e_on_a_bundled_deck_says_there_is_no_file() {
    let s = Scratch::new();
    let mut p = spawn_pty(&s, &["review"]);
    expect(&mut p, "q: quit");
    key(&mut p, "e");
    expect(&mut p, "nothing to edit: deck");
    expect(&mut p, "is the copy bundled into iskra");
    expect(&mut p, "hint: build the deck from a file of yours");
    expect(&mut p, "q: quit");
    key(&mut p, "q");
    pty_exits_cleanly(&mut p);
}

#[test]
fn a_typed_review_asks_for_the_grade_once_and_never_gives_a_first_answer_easy() {
    let s = scratch(DECK);
    let mut p = spawn_pty(&s, &["review", "--mode", "typed"]);
    expect(&mut p, "answer (:q quits)");
    key(&mut p, "A\r");
    let judged = utf8(&expect(&mut p, "q: keep it and quit"));
    assert_eq!(judged.matches("grade: ").count(), 1, "{judged}");
    // Right at once would be Easy, but a first answer follows the learning steps.
    assert!(judged.contains("grade: Good · Enter keeps it"), "{judged}");
    key(&mut p, "\r");
    expect(&mut p, "answered: Good · next in 10m");
    expect(&mut p, "answer (:q quits)");
    key(&mut p, ":q\r");
    expect(&mut p, "Session done: 1 answer on 1 card");
    pty_exits_cleanly(&mut p);
}
