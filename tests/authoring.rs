//! End-to-end tests of authoring: `iskra add` (non-interactive) appending to
//! deck files byte for byte and keeping history, `iskra edit` with `EDITOR`
//! set to a script (what its build says), `deck list`, `deck show`,
//! sequence and timeline facts built and reviewed through the line
//! protocol, and `deck new` driven through a real pseudo-terminal.

mod common;

use std::process::Command;

use common::{NOW, Scratch, num};
use rexpect::session::{Options, PtySession, spawn_with_options};

/// A deck file with comments, odd spacing and no final newline, which
/// `add` must keep exactly.
const HAND_WRITTEN: &str = "\
// Written by hand.   Trailing spaces stay.   \n\
# Hand
description: kept as is

//  ---- first part ----
## rosmer-born
q: When was Rosmer born?
a: 1877

## reed
cloze: Reed caught {{typhus}}
  after {{Baku}}.
// the last line has no newline";

/// (card id, state, reps) of every card of a fact.
fn cards_of(s: &Scratch, fact: &str) -> Vec<(i64, String, i64, i64, i64)> {
    s.db()
        .prepare(
            "SELECT c.id, c.template, c.state, c.reps, c.queue FROM cards c JOIN facts f ON f.id = c.fact_id
             WHERE f.key = ?1 ORDER BY c.id",
        )
        .unwrap()
        .query_map([fact], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn file_text(s: &Scratch, name: &str) -> String {
    std::fs::read_to_string(s.path(name)).expect("deck file")
}

#[test]
fn add_appends_byte_for_byte_and_keeps_history() {
    let s = Scratch::new();
    s.write("hand.deck", HAND_WRITTEN);
    s.build(&["hand.deck"]);
    let review = s.review_at(NOW, "3\nq\n");
    assert_eq!(review.answered(), 1, "{}", review.stdout);
    let before = cards_of(&s, "rosmer-born");
    let log_before = s.count("SELECT count(*) FROM review_log");

    let run = s
        .run(&[
            "add",
            "--deck",
            "Hand",
            "--question",
            "Who chaired the Comintern in 1920?",
            "--answer",
            "Zinoviev",
            "--alt",
            "Zinovyev",
            "--tag",
            "people",
            "--tag",
            "comintern",
            "--source",
            "seeds/002-rosmer-essay.md#31",
        ])
        .ok();
    let path = std::fs::canonicalize(s.path("hand.deck")).unwrap();
    assert_eq!(
        run.stdout,
        format!(
            "Added `chaired-comintern-1920` to {} (1 card: basic).\nHand: 1 added, 0 updated, 2 unchanged, 0 removed\n",
            path.display()
        )
    );
    let text = file_text(&s, "hand.deck");
    assert!(text.starts_with(HAND_WRITTEN), "existing text changed:\n{text}");
    assert_eq!(
        &text[HAND_WRITTEN.len()..],
        "\n\n## chaired-comintern-1920\nq: Who chaired the Comintern in 1920?\na: Zinoviev\nalt: Zinovyev\ntags: people comintern\nsource: seeds/002-rosmer-essay.md#31\n"
    );

    // The reviewed card is the same card with the same history.
    assert_eq!(cards_of(&s, "rosmer-born"), before);
    assert_eq!(before[0].3, 1, "one review recorded");
    assert_eq!(s.count("SELECT count(*) FROM review_log"), log_before);
    let added = cards_of(&s, "chaired-comintern-1920");
    assert_eq!(added.len(), 1);
    assert_eq!((added[0].1.as_str(), added[0].2), ("basic", 0));

    // The same question again is refused without a terminal; with --force
    // it gets the next free id; a rebuild changes nothing.
    let again = [
        "add",
        "--deck",
        "hand",
        "--question",
        "who chaired the  Comintern in 1920",
        "--answer",
        "Z",
    ];
    let dump = s.dump();
    let refused = s.run(&again);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(s.dump(), dump);
    s.run(&[&again[..], &["--force"]].concat()).ok();
    assert!(file_text(&s, "hand.deck").contains("\n## chaired-comintern-1920-2\n"));
    let rebuilt = s.build(&["hand.deck"]);
    assert_eq!(rebuilt.stdout, "Hand: 0 added, 0 updated, 4 unchanged, 0 removed\n");
}

#[test]
fn add_never_gives_a_new_fact_the_id_of_a_removed_one() {
    // rosmer-born is studied, then removed from the file: its card keeps
    // its history, retired, and a new question must not take it over.
    let s = Scratch::new();
    s.write("hand.deck", HAND_WRITTEN);
    s.build(&["hand.deck"]);
    assert_eq!(s.review_at(NOW, "3\nq\n").answered(), 1);
    let studied = cards_of(&s, "rosmer-born");
    assert_eq!(studied[0].3, 1);
    let without = HAND_WRITTEN.replace("## rosmer-born\nq: When was Rosmer born?\na: 1877\n", "");
    s.write("hand.deck", &without);
    s.build(&["hand.deck"]);
    let retired = cards_of(&s, "rosmer-born");
    assert_eq!(retired[0].0, studied[0].0);

    let run = s
        .run(&[
            "add",
            "--deck",
            "hand",
            "--question",
            "When was Rosmer born?",
            "--answer",
            "1877",
        ])
        .ok();
    assert!(run.stdout.contains("Added `rosmer-born-2`"), "{}", run.stdout);
    assert_eq!(cards_of(&s, "rosmer-born-2")[0].3, 0, "a new card, no history");
    assert_eq!(
        cards_of(&s, "rosmer-born"),
        retired,
        "the removed fact's card is as it was"
    );

    let dump = s.dump();
    let refused = s.run(&[
        "add",
        "--deck",
        "hand",
        "--id",
        "rosmer-born",
        "--question",
        "Where was Rosmer born?",
        "--answer",
        "Saint-Georges",
    ]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("`rosmer-born` is the id of a fact removed from this deck's file"),
        "{}",
        refused.stderr
    );
    assert_eq!(s.dump(), dump, "nothing written");
}

#[test]
fn add_refuses_a_bad_result_with_a_located_error_and_writes_nothing() {
    let s = Scratch::new();
    s.write("hand.deck", HAND_WRITTEN);
    s.build(&["hand.deck"]);
    let dump = s.dump();
    let run = s
        .run(&[
            "add",
            "--deck",
            "hand",
            "--id",
            "reed",
            "--question",
            "Q?",
            "--answer",
            "A",
        ])
        .fails();
    // A taken id is refused before the fact is written anywhere (it was
    // located at line 15 of a file never written).
    assert!(
        run.stderr
            .contains("--id \"reed\": `reed` is already a fact of this deck (")
            && run.stderr.contains("hand.deck)."),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 2, "a usage error");
    assert_eq!(file_text(&s, "hand.deck"), HAND_WRITTEN);
    assert_eq!(s.dump(), dump);

    let run = s
        .run(&["add", "--deck", "nope", "--question", "Q?", "--answer", "A"])
        .fails();
    assert!(run.stderr.contains("no deck named \"nope\""), "{}", run.stderr);
    let run = s.run(&["add", "--deck", "hand", "--question", "Q?"]).fails();
    assert!(run.stderr.contains("`--answer` is missing"), "{}", run.stderr);
    let run = s.run(&["add", "--deck", "hand"]).fails();
    assert!(
        run.stderr.contains("asks its questions on a terminal"),
        "{}",
        run.stderr
    );
}

#[test]
fn add_to_a_bundled_deck_uses_the_users_copy_in_decks() {
    let s = Scratch::new();
    s.run(&["status"]).ok(); // builds the bundled decks
    let args = [
        "add",
        "--deck",
        "people",
        "--question",
        "Who wrote the memoir?",
        "--answer",
        "Rosmer",
    ];
    std::fs::create_dir(s.path("decks")).unwrap();
    let bundled = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/decks/people.deck")).unwrap();
    s.write("decks/people.deck", &bundled);
    let run = s.run(&args).ok();
    assert!(
        run.stdout.starts_with("Added `wrote-memoir` to decks/people.deck"),
        "{}",
        run.stdout
    );
    assert!(file_text(&s, "decks/people.deck").starts_with(&bundled));
    // The deck now remembers its file, found from any directory.
    let elsewhere = Scratch::new();
    let run = s
        .command(NOW)
        .current_dir(elsewhere.dir.path())
        .args([
            "add",
            "--deck",
            "people",
            "--question",
            "Who else?",
            "--answer",
            "Serge",
        ])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(file_text(&s, "decks/people.deck").contains("## else\n"));
}

/// An executable shell script in the scratch folder, for `EDITOR`.
fn script(s: &Scratch, name: &str, body: &str) -> std::path::PathBuf {
    let path = s.write(name, format!("#!/bin/sh\n{body}"));
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// `iskra ARGS…` with `EDITOR` set to `editor` (and `VISUAL` empty, so
/// `EDITOR` decides), without a terminal.
fn run_editing(s: &Scratch, editor: &std::path::Path, args: &[&str]) -> common::Run {
    s.run_with_env(args, &[("VISUAL", "".as_ref()), ("EDITOR", editor.as_os_str())])
}

#[test]
fn edit_says_what_its_build_says_about_a_studied_cloze_card() {
    let s = Scratch::new();
    s.write(
        "reed.deck",
        "# Reed\n\n## reed\ncloze: John Reed caught typhus on the trip to {{Baku}}.\n",
    );
    s.build(&["reed.deck"]);
    assert_eq!(s.review_at(NOW, "3\nq\n").answered(), 1);
    // A deletion in front of Baku: card 1, studied for Baku, asks for typhus.
    let editor = script(&s, "editor.sh", "sed -i 's/caught typhus/caught {{typhus}}/' \"$2\"\n");
    let run = run_editing(&s, &editor, &["edit", "reed"]).ok();
    assert_eq!(
        run.stdout,
        "Reed: 0 added, 1 updated, 0 unchanged, 0 removed\n  \
         reed: card 1 of the cloze now asks for `typhus` with the history of `Baku`: \
         plain {{deletions}} are numbered by place; write them {{c1::…}} to keep each card with its answer\n"
    );
}

const FINE: &str = "# Fine\n\n## a\nq: x?\na: y\n";

/// `fine.deck` built, then broken on disk: its fact `broken` (line 7) has
/// no answer.
fn broken_fine(s: &Scratch) {
    s.write("fine.deck", FINE);
    s.build(&["fine.deck"]);
    s.write("fine.deck", format!("{FINE}\n## broken\nq: no answer\n"));
}

#[test]
fn edit_opens_a_file_that_does_not_parse_at_its_first_error_and_builds_it_mended() {
    let s = Scratch::new();
    broken_fine(&s);
    let editor = script(
        &s,
        "mends.sh",
        "echo \"$@\" >> \"$(dirname \"$0\")/editor.log\"\nprintf 'a: mended\\n' >> \"$2\"\n",
    );
    let run = run_editing(&s, &editor, &["edit", "fine"]).ok();
    let file = std::fs::canonicalize(s.path("fine.deck")).unwrap();
    assert_eq!(
        std::fs::read_to_string(s.path("editor.log")).unwrap(),
        format!("+7 {}\n", file.display()),
        "opened at the error's line"
    );
    assert!(
        run.stderr.contains("error: fact `broken` has no answer")
            && run.stderr.contains("does not build (1 error): opening it at line 7"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "Fine: 1 added, 0 updated, 1 unchanged, 0 removed\n");
}

#[test]
fn edit_of_a_file_left_broken_keeps_the_collection_and_its_hint_works() {
    let s = Scratch::new();
    broken_fine(&s);
    let dump = s.dump();
    let editor = script(&s, "looks.sh", "echo \"$@\" >> \"$(dirname \"$0\")/editor.log\"\n");
    // Named with a fact, which cannot be found in a file that does not parse.
    let run = run_editing(&s, &editor, &["edit", "fine/a"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("does not build, so the collection still has the last version of deck `fine` that did")
            && run.stderr.contains("hint: fix the file, then `iskra edit fine`"),
        "{}",
        run.stderr
    );
    assert_eq!(s.dump(), dump);
    // The hint's command opens the file again.
    run_editing(&s, &editor, &["edit", "fine"]).fails();
    let file = std::fs::canonicalize(s.path("fine.deck")).unwrap();
    assert_eq!(
        std::fs::read_to_string(s.path("editor.log")).unwrap(),
        format!("+7 {0}\n+7 {0}\n", file.display())
    );
}

const KINDS_DECK: &str = "\
# Kinds
## route
sequence: Route
item: Catalonia
item: Paris
item: Italy

## speech
timeline: 1922-11-13
event: Lenin's last speech to the Comintern
";

#[test]
fn sequence_and_timeline_cards_are_reviewed_through_the_line_protocol() {
    let s = Scratch::new();
    s.write("kinds.deck", KINDS_DECK);
    let built = s.build(&["kinds.deck"]);
    // Every card of one fact on one day, each once: sibling burying and
    // learning ahead off.
    for (key, value) in [("bury-new", "off"), ("bury-review", "off"), ("learn-ahead-mins", "0")] {
        s.run(&["config", key, value]).ok();
    }
    assert_eq!(built.stdout, "Kinds: 2 added, 0 updated, 0 unchanged, 0 removed\n");
    let review = s.run_at(NOW, &["review", "--limit", "7"], &"3\n".repeat(7)).ok();
    // Each question with its answer; the route's cards come in their order,
    // with the speech's cards between them (siblings never back to back
    // while another card is left).
    let pairs: Vec<(&str, &str)> = review
        .questions()
        .into_iter()
        .zip(review.lines_starting("A: "))
        .collect();
    let route: Vec<(&str, &str)> = pairs.iter().copied().filter(|(q, _)| q.starts_with("Route")).collect();
    assert_eq!(
        route,
        [
            ("Route: what comes after Catalonia?", "A: Paris"),
            ("Route: what comes after Paris?", "A: Italy"),
            ("Route: what comes before Paris?", "A: Catalonia"),
            ("Route: what comes before Italy?", "A: Paris"),
            ("Route: all 3 in order?", "A: 1. Catalonia"),
        ],
        "{}",
        review.stdout
    );
    let speech: Vec<(&str, &str)> = pairs.iter().copied().filter(|(q, _)| !q.starts_with("Route")).collect();
    assert_eq!(
        speech,
        [
            ("When did this happen (day, month and year)?", "A: 13 November 1922"),
            (
                "What happened on 13 November 1922?",
                "A: Lenin's last speech to the Comintern"
            ),
        ]
    );
    assert_eq!(
        pairs
            .iter()
            .take(4)
            .map(|(q, _)| q.starts_with("Route"))
            .collect::<Vec<_>>(),
        [true, false, true, false],
        "{}",
        review.stdout
    );
    assert!(
        review.stdout.contains("A: 1. Catalonia\n   2. Paris\n   3. Italy\n"),
        "{}",
        review.stdout
    );
    assert!(
        review
            .stdout
            .contains("Q: When did this happen (day, month and year)?\n   Lenin's last speech to the Comintern\n"),
        "{}",
        review.stdout
    );
    assert_eq!(review.answered(), 7);
    let templates: Vec<String> = cards_of(&s, "speech").into_iter().map(|c| c.1).collect();
    assert_eq!(templates, ["date", "event"]);
}

#[test]
fn sequence_pairs_keep_their_history_when_an_item_is_inserted() {
    let s = Scratch::new();
    s.write("kinds.deck", KINDS_DECK);
    s.build(&["kinds.deck"]);
    // Every card of one fact on one day, each once: sibling burying and
    // learning ahead off.
    for (key, value) in [("bury-new", "off"), ("bury-review", "off"), ("learn-ahead-mins", "0")] {
        s.run(&["config", key, value]).ok();
    }
    s.run_at(NOW, &["review", "--deck", "kinds", "--limit", "7"], &"3\n".repeat(7))
        .ok();
    let before = cards_of(&s, "route");
    assert!(before.iter().all(|c| c.3 == 1), "{before:?}");

    // Insert Berlin between Paris and Italy.
    s.write(
        "kinds.deck",
        KINDS_DECK.replace("item: Paris\n", "item: Paris\nitem: Berlin\n"),
    );
    let report = s.build(&["kinds.deck"]);
    assert_eq!(report.stdout, "Kinds: 0 added, 1 updated, 1 unchanged, 0 removed\n");
    let after = cards_of(&s, "route");
    let find = |cards: &[(i64, String, i64, i64, i64)], t: &str| {
        cards
            .iter()
            .find(|c| c.1 == t)
            .cloned()
            .unwrap_or_else(|| panic!("no card {t} in {cards:?}"))
    };
    // Untouched pairs and the order card: same card, same history, in their queue.
    for template in ["after:catalonia>paris", "before:catalonia>paris", "order"] {
        assert_eq!(find(&after, template), find(&before, template), "{template}");
    }
    // The broken pair is retired with its history; the new pairs are new.
    for template in ["after:paris>italy", "before:paris>italy"] {
        let card = find(&after, template);
        assert_eq!(
            (card.0, card.3, card.4),
            (find(&before, template).0, 1, -1),
            "{template}"
        );
    }
    for template in [
        "after:paris>berlin",
        "after:berlin>italy",
        "before:paris>berlin",
        "before:berlin>italy",
    ] {
        let card = find(&after, template);
        assert_eq!((card.3, card.4), (0, 0), "{template}");
    }

    // Taking Berlin out again restores the Paris → Italy cards as they were.
    s.write("kinds.deck", KINDS_DECK);
    s.build(&["kinds.deck"]);
    let restored = cards_of(&s, "route");
    assert_eq!(find(&restored, "after:paris>italy"), find(&before, "after:paris>italy"));
    assert_eq!(find(&restored, "after:paris>berlin").4, -1);
}

#[test]
fn bad_timeline_dates_and_short_sequences_are_reported_by_build() {
    let s = Scratch::new();
    s.write(
        "bad.deck",
        "# Bad\n## a\ntimeline: 1924-13\nevent: e\n## b\nsequence: S\nitem: only one\n",
    );
    let run = s.run(&["build", "bad.deck"]).fails();
    assert!(
        run.stderr
            .contains("bad.deck:3:16: error: `13` is not a month (01 to 12)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("bad.deck:7:7: error: a sequence needs at least two items"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("2 errors in 1 file; nothing was written"),
        "{}",
        run.stderr
    );
}

#[test]
fn deck_list_shows_counts_per_deck() {
    let s = Scratch::new();
    s.write("kinds.deck", KINDS_DECK);
    s.write("hand.deck", HAND_WRITTEN);
    s.build(&["kinds.deck", "hand.deck"]);
    // Every card of one fact on one day: sibling burying off.
    for key in ["bury-new", "bury-review"] {
        s.run(&["config", key, "off"]).ok();
    }
    s.run_at(NOW, &["review", "--deck", "kinds"], "1\nq\n").ok();
    let list = s.run(&["deck", "list"]).ok();
    assert_eq!(
        list.stdout,
        "deck   key    facts  cards  unseen    due\n\
         Hand   hand       2      3       3      0\n\
         Kinds  kinds      2      7       6      0\n\
         2 decks · 4 facts · 10 cards · 9 unseen · 0 due\n"
    );
    // A minute later the card answered Again is due.
    let later = s.run_at(&common::shifted(NOW, 2), &["deck", "list"], "").ok();
    assert!(
        later.stdout.contains("Kinds  kinds      2      7       6      1\n"),
        "{}",
        later.stdout
    );
    let status = s.deck_status_at(NOW, "kinds");
    assert_eq!(num(&status, "total"), 7);
}

#[test]
fn deck_list_on_a_new_collection_shows_the_bundled_decks() {
    let s = Scratch::new();
    let list = s.run(&["deck", "list"]).ok();
    let total = list.stdout.lines().last().unwrap_or_default();
    let facts: u32 = total
        .split(" · ")
        .find_map(|p| p.strip_suffix(" facts"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no fact total in {total:?}"));
    assert!(facts >= 200, "{}", list.stdout);
    assert!(list.stdout.contains("journey-1920"), "{}", list.stdout);
}

#[test]
fn deck_show_lists_facts_and_cards_escaped() {
    let s = Scratch::new();
    s.write(
        "show.deck",
        "# Show\ndescription: for show\n## evil\nq: Who \u{1b}[2Jwrote it?\na: Rosmer\n## speech\ntimeline: 1920\nevent: Rosmer travels\ncards: event\n",
    );
    s.build(&["show.deck"]);
    // Without Anki's random step delay the 10-minute step ends at 10:10.
    s.run(&["config", "learn-step-delay", "off"]).ok();
    s.review_at(NOW, "3\nq\n");
    let show = s.run(&["deck", "show", "show"]).ok();
    assert!(!show.stdout.contains('\u{1b}'), "raw escape in:\n{}", show.stdout);
    let expected_file = std::fs::canonicalize(s.path("show.deck")).unwrap();
    assert_eq!(
        show.stdout,
        format!(
            "Show (show)\nfor show\nfile: {}\n2 facts · 2 cards · 1 unseen · 0 due\n\n\
             ## evil · q/a\n  basic · learning, due 2026-03-10 10:10\n    Q: Who \\u{{1b}}[2Jwrote it?\n    A: Rosmer\n\n\
             ## speech · timeline\n  event · new\n    Q: What happened in 1920?\n    A: Rosmer travels\n",
            expected_file.display()
        )
    );
    let run = s.run(&["deck", "show", "nope"]).fails();
    assert!(run.stderr.contains("no deck named \"nope\""), "{}", run.stderr);
}

// ---- `deck new` through a pseudo-terminal ----

const TIMEOUT_MS: u64 = 15_000;
const DOWN: &str = "\u{1b}[B";

/// Waits for `needle`; rexpect reads bytes as Latin-1 chars, so match that form.
#[track_caller]
fn expect(p: &mut PtySession, needle: &str) {
    let as_read: String = needle.bytes().map(char::from).collect();
    if let Err(e) = p.exp_string(&as_read) {
        panic!("waiting for {needle:?}: {e}");
    }
}

fn send(p: &mut PtySession, keys: &str) {
    p.send(keys).expect("send keys");
    p.flush().expect("flush keys");
}

/// Answers a text prompt once it is shown.
#[track_caller]
fn answer(p: &mut PtySession, prompt: &str, text: &str) {
    expect(p, prompt);
    send(p, &format!("{text}\r"));
}

#[test]
fn deck_new_creates_builds_and_lists_a_deck_in_a_terminal() {
    let s = Scratch::new();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iskra"));
    cmd.current_dir(s.dir.path())
        .env("ISKRA_COLLECTION", &s.db)
        .env("ISKRA_NOW", NOW)
        .env("NO_COLOR", "1")
        .env("TZ", "UTC")
        .env("TERM", "xterm")
        .env("COLUMNS", "120")
        .env("LINES", "40")
        .args(["deck", "new"]);
    let mut p = spawn_with_options(
        cmd,
        Options::new()
            .timeout_ms(Some(TIMEOUT_MS))
            .strip_ansi_escape_codes(true),
    )
    .expect("spawn iskra in a pty");

    answer(&mut p, "Deck name", "Small Deck");
    answer(&mut p, "Description", "Two facts made in a terminal");

    // A basic fact: the first kind, chosen with Enter.
    expect(&mut p, "Add a fact of which kind?");
    send(&mut p, "\r");
    answer(&mut p, "Question", "What is two plus two?");
    answer(&mut p, "Answer", "four");
    answer(&mut p, "Another accepted answer", "4");
    answer(&mut p, "Another accepted answer", "");
    answer(&mut p, "Tags", "arithmetic");
    answer(&mut p, "Source", "");
    answer(&mut p, "Fact id", "");
    expect(&mut p, "`two-plus-two` yields 1 card:");
    expect(&mut p, "Add it to decks/small-deck.deck?");
    send(&mut p, "y");
    expect(&mut p, "Added `two-plus-two`. Small Deck: 1 added");

    // A timeline fact, four down the menu; a bad date is refused at once.
    expect(&mut p, "Add a fact of which kind?");
    send(&mut p, &format!("{}\r", DOWN.repeat(4)));
    answer(&mut p, "Date", "June 1920");
    expect(&mut p, "`June 1920` is not a date");
    answer(&mut p, "Date", "1920-06");
    answer(&mut p, "What happened", "Rosmer settles in Moscow");
    answer(&mut p, "Tags", "");
    answer(&mut p, "Source", "");
    answer(&mut p, "Fact id", "");
    expect(&mut p, "yields 2 cards:");
    expect(&mut p, "What happened in June 1920?");
    expect(&mut p, "Add it to");
    send(&mut p, "y");
    expect(&mut p, "Added `rosmer-settles-moscow`.");

    // Done.
    expect(&mut p, "Add a fact of which kind?");
    send(&mut p, "q");
    expect(
        &mut p,
        "Deck Small Deck written to decks/small-deck.deck with 2 new facts",
    );
    p.exp_eof().expect("iskra exits");
    let status = p.process_mut().wait().expect("wait for iskra");
    assert!(
        matches!(status, rexpect::process::WaitStatus::Exited(_, 0)),
        "iskra did not exit cleanly: {status:?}"
    );

    assert_eq!(
        file_text(&s, "decks/small-deck.deck"),
        "# Small Deck\ndescription: Two facts made in a terminal\n\n\
         ## two-plus-two\nq: What is two plus two?\na: four\nalt: 4\ntags: arithmetic\n\n\
         ## rosmer-settles-moscow\ntimeline: 1920-06\nevent: Rosmer settles in Moscow\n"
    );
    let list = s.run(&["deck", "list"]).ok();
    assert!(
        list.stdout
            .contains("Small Deck  small-deck      2      3       3      0\n"),
        "{}",
        list.stdout
    );
}
