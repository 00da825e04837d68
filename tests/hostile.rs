//! Hostile input: card text full of terminal escape sequences, control and
//! bidirectional characters must reach the terminal inert from every command
//! that prints it; huge deck files and fields meet a clear limit; the parser
//! stays linear on pathological input.

mod common;

use common::{NOW, Run, Scratch, pty_expect};

/// Every kind of text that could drive a terminal: CSI (clear screen, SGR),
/// OSC (window title, clipboard, hyperlink) ended by BEL or ST, CR (overwrite
/// the line), backspace, DEL, NUL, other C0 and C1 controls (8-bit CSI U+009B,
/// NEL U+0085), bidirectional overrides, embeddings and isolates, and
/// invisible marks. Each payload carries a marker so a test can find it.
const HOSTILE: &str = "\
# Evil \u{1b}]0;DECKTITLE\u{7} \u{202e}deck\u{202c}
description: \u{1b}[2J\u{1b}[Hwiped \u{9b}2J

## a
q: Q1 \u{1b}[2J\u{1b}[H clear \u{1b}]0;PWNED\u{7} title \u{1b}]52;c;cHduZWQ=\u{7} clip \r over \u{202e}RLO \u{2066}LRI\u{2069} \u{0}nul \u{1}\u{8}\u{7f} \u{85}nel \u{9b}31m csi
a: A1 \u{1b}[31mRED\u{1b}[0m \u{7}bell \u{2067}RLI\u{2068}FSI\u{2069} \u{202a}\u{202b}\u{202d}
alt: \u{1b}[5mblink
extra: E \u{1b}]8;;http://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\ \u{200e}\u{200f}\u{61c}marks
tags: \u{1b}[7mtag

## b
q: Q2 \u{1b}P+q544e\u{1b}\\ dcs?
a: A2 \u{1b}]52;c;Y2xpcA==\u{7}

## c
q: Q3 plain?
a: Answer three

## d
cloze: Reed fell ill with {{typhus \u{1b}[8m}} in {{Baku\u{202e}}}.

## e
sequence: Route \u{1b}[1m
item: Paris \u{7}
item: Moscow \u{202e}
";

/// Control characters (C0 but newline and tab, DEL, C1) and the bidi and
/// invisible formatting characters that must never reach a terminal raw.
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c,
            '\u{200e}' | '\u{200f}' | '\u{61c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Checks the bytes a command wrote: valid UTF-8 without a single forbidden character.
#[track_caller]
fn assert_inert(what: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8 ({e})"));
    if let Some((at, c)) = text.char_indices().find(|&(_, c)| forbidden(c)) {
        let start = text.floor_char_boundary(at.saturating_sub(60));
        panic!("{what}: raw {c:?} at byte {at}, after {:?}", &text[start..at]);
    }
}

/// Runs a command on the hostile collection; checks stdout and stderr.
#[track_caller]
fn inert_run(s: &Scratch, args: &[&str], input: &str) -> Run {
    let run = s.run_at(NOW, args, input);
    assert_inert(&format!("{args:?} stdout"), &run.stdout_bytes);
    assert_inert(&format!("{args:?} stderr"), run.stderr.as_bytes());
    run
}

fn hostile_collection() -> Scratch {
    let s = Scratch::new();
    s.write("evil.deck", HOSTILE);
    let built = s.build(&["evil.deck"]);
    assert_inert("build", &built.stdout_bytes);
    assert!(
        built.stdout.contains("Evil  ]0;DECKTITLE  \\u{202e}deck"),
        "{}",
        built.stdout
    );
    s
}

#[test]
fn every_command_that_prints_card_text_renders_it_inert() {
    let s = hostile_collection();
    // The text is stored as written: escaping is for display only. Deck
    // names and tags hold no control characters (each run became a space).
    assert_eq!(
        s.count("SELECT count(*) FROM decks WHERE name = 'Evil  ]0;DECKTITLE  ' || char(8238) || 'deck' || char(8236)"),
        1
    );
    assert_eq!(
        s.count("SELECT count(*) FROM cards WHERE instr(front, char(27) || ']0;PWNED' || char(7)) > 0"),
        1
    );

    let review = inert_run(&s, &["review"], "r\n3\n3\n3\n3\n3\n3\n3\nq\n").ok();
    for shown in [
        "Deck: Evil  ]0;DECKTITLE  \\u{202e}deck\\u{202c}\n",
        // A lone CR ends a line of a deck file: the rest continues the question.
        "Q: Q1 \\u{1b}[2J\\u{1b}[H clear \\u{1b}]0;PWNED\\u{7} title \\u{1b}]52;c;cHduZWQ=\\u{7} clip\n   over \\u{202e}RLO \\u{2066}LRI\\u{2069} \\u{0}nul \\u{1}\\u{8}\\u{7f} \\u{85}nel \\u{9b}31m csi",
        "A: A1 \\u{1b}[31mRED\\u{1b}[0m \\u{7}bell \\u{2067}RLI\\u{2068}FSI\\u{2069} \\u{202a}\\u{202b}\\u{202d}",
        "E \\u{1b}]8;;http://evil.example\\u{1b}\\link\\u{1b}]8;;\\u{1b}\\ \\u{200e}\\u{200f}\\u{61c}marks",
        "Q2 \\u{1b}P+q544e\\u{1b}\\ dcs?",
    ] {
        assert!(review.stdout.contains(shown), "{shown:?} not in\n{}", review.stdout);
    }

    let choice = inert_run(
        &s,
        &["quiz", "--mode", "choice", "--count", "5", "--seed", "1"],
        "1\n2\n1\n2\n1\n",
    )
    .ok();
    assert!(
        choice.stdout.contains("\\u{1b}]52;c;Y2xpcA==\\u{7}"),
        "{}",
        choice.stdout
    );
    inert_run(
        &s,
        &["quiz", "--mode", "truefalse", "--count", "5", "--seed", "2"],
        "t\nf\nt\nf\nt\n",
    )
    .ok();
    // Typed answers are echoed back in the misses: hostile input from the learner too.
    let typed = inert_run(
        &s,
        &["quiz", "--mode", "typed", "--count", "5", "--seed", "3", "--record"],
        "\u{1b}]0;TYPED\u{7}\n\u{202e}x\nx\r\nx\nx\n",
    )
    .ok();
    assert!(typed.stdout.contains("\\u{1b}]0;TYPED\\u{7}"), "{}", typed.stdout);
    inert_run(&s, &["review", "--mode", "typed"], "\u{1b}[2J\n\n\u{7}\n\nq\n").ok();
    inert_run(&s, &["review", "--mode", "choice"], "1\n\n2\n\nq\n").ok();

    let show = inert_run(&s, &["deck", "show", "evil"], "").ok();
    assert!(show.stdout.contains("Q: Q1 \\u{1b}[2J"), "{}", show.stdout);
    let list = inert_run(&s, &["deck", "list"], "").ok();
    assert!(list.stdout.contains("Evil  ]0;DECKTITLE"), "{}", list.stdout);
    let status = inert_run(&s, &["status"], "").ok();
    assert!(status.stdout.contains("Evil  ]0;DECKTITLE"), "{}", status.stdout);
    inert_run(&s, &["status", "--json"], "").ok();
    inert_run(&s, &["stats"], "").ok();
    inert_run(&s, &["stats", "--deck", "evil"], "").ok();
    inert_run(&s, &["check"], "").ok();
    inert_run(&s, &["restore"], "").ok();

    // Errors quoting the user's words are inert too.
    let unknown = inert_run(&s, &["review", "--deck", "\u{1b}]0;NODECK\u{7}"], "");
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("\\u{1b}]0;NODECK\\u{7}"), "{}", unknown.stderr);
    s.write(
        "bad.deck",
        "# Bad \u{1b}[2J\n## a\nq: \u{1b}]0;x\u{7}\nq: twice \u{202e}\n\u{1b}[31m: key\n",
    );
    let bad = inert_run(&s, &["build", "bad.deck"], "");
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("bad.deck:4:1: error:"), "{}", bad.stderr);
}

#[test]
fn the_terminal_review_renders_card_text_inert() {
    let s = hostile_collection();
    // Raw bytes, without rexpect's escape stripping: the UI's own escape
    // sequences are allowed, the card's payloads are not.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_iskra"));
    cmd.current_dir(s.dir.path())
        .env("ISKRA_COLLECTION", &s.db)
        .env("ISKRA_NOW", NOW)
        .env("NO_COLOR", "1")
        .env("TZ", "UTC")
        .env("TERM", "xterm")
        .env("COLUMNS", "400")
        .env("LINES", "50")
        .arg("review");
    let mut p = rexpect::session::spawn_with_options(
        cmd,
        rexpect::session::Options::new()
            .timeout_ms(Some(common::PTY_TIMEOUT_MS))
            .strip_ansi_escape_codes(false),
    )
    .expect("spawn iskra in a pty");
    // rexpect hands over each byte as one char: compare as bytes.
    let bytes = |text: String| -> Vec<u8> { text.chars().map(|c| c as u32 as u8).collect() };
    let mut screen = bytes(pty_expect(&mut p, "csi"));
    common::pty_key(&mut p, " ");
    screen.extend(bytes(pty_expect(&mut p, "\\u{202d}")));
    common::pty_key(&mut p, "q");
    screen.extend(bytes(p.exp_eof().expect("iskra exits")));
    let text = String::from_utf8_lossy(&screen);
    for payload in [
        &b"\x1b]0;PWNED"[..],
        b"\x1b]52;",
        b"\x1b]0;DECKTITLE",
        b"\x1b[2J\x1b[H clear",
        b"\x1b[31mRED",
        b"\x07bell",
        b"\r over",
        b"\x00nul",
        "\u{202e}".as_bytes(),
        "\u{2066}".as_bytes(),
        "\u{9b}".as_bytes(),
        "\u{85}".as_bytes(),
    ] {
        assert!(
            !screen.windows(payload.len()).any(|w| w == payload),
            "raw {:?} reached the terminal:\n{text}",
            String::from_utf8_lossy(payload)
        );
    }
    assert!(text.contains("\\u{1b}]0;PWNED\\u{7}"), "{text}");
    assert!(text.contains("A1 \\u{1b}[31mRED"), "{text}");
}

// ---------------------------------------------------------------------------
// Very large inputs

#[test]
fn a_field_of_100000_characters_is_refused_where_it_is() {
    let s = Scratch::new();
    let long = "ж".repeat(100_000);
    s.write(
        "long.deck",
        format!("# Long\n\n## a\nq: short?\na: {long}\n\n## b\nq: one\n  {long}\na: x\n"),
    );
    let run = s.run(&["build", "long.deck"]).fails();
    assert_eq!(run.code, 1);
    // The one-line value, at its first character; the continued one at the
    // line that takes it past the limit.
    assert!(
        run.stderr
            .contains("long.deck:5:4: error: the value is longer than 20000 characters"),
        "{}",
        &run.stderr[..run.stderr.len().min(2000)]
    );
    assert!(
        run.stderr
            .contains("long.deck:9:3: error: the value is longer than 20000 characters"),
        "{}",
        &run.stderr[..run.stderr.len().min(2000)]
    );
    assert!(
        run.stderr.contains("hint: cards should be short"),
        "{}",
        run.stderr.len()
    );
    assert!(
        run.stderr.len() < 4000,
        "the diagnostics quote a window of the line, not all of it: {} bytes",
        run.stderr.len()
    );
    assert_eq!(s.count("SELECT count(*) FROM facts"), 0);
}

/// The longest card side iskra renders (`deck::template::MAX_SIDE_CHARS`), its cut marked with `…`.
const MAX_SIDE_CHARS: i64 = 40_000;

/// Card sides of a note fact whose template names a 20,000-character field
/// 1,000 times and its front 230 times (20 million and 4.6 billion characters
/// uncut): each is cut at the cap, and the build is quick.
fn assert_sides_capped(s: &Scratch, template: &str) {
    let longest = s.count("SELECT max(max(length(front), length(back), length(answer))) FROM cards");
    assert_eq!(longest, MAX_SIDE_CHARS + 1, "each side cut at the cap, `…` after it");
    let marked = s.count(&format!(
        "SELECT count(*) FROM cards WHERE template = '{template}' AND front LIKE '%…' AND back LIKE '%…'"
    ));
    assert_eq!(marked, 1);
}

#[test]
fn a_note_fact_repeating_a_long_field_renders_capped_sides() {
    let s = Scratch::new();
    // As long as a value may be, `A: ` included.
    let a = "x".repeat(19_997);
    let front = "{{A}}".repeat(1000);
    let back = "{{FrontSide}}".repeat(230);
    s.write(
        "big.deck",
        format!(
            "# Big

## big
note: Big
field: A: {a}
field: B: b
template: One
front: {front}
back: {back}
"
        ),
    );
    let built = s.build(&["big.deck"]);
    assert!(built.stdout.contains("Big: 1 added"), "{}", built.stdout);
    assert_sides_capped(&s, "card:1");
}

#[test]
fn an_imported_note_type_repeating_a_long_field_renders_capped_sides() {
    let s = Scratch::new();
    let entries = common::package::entries(&common::package::exported(&s));
    let a = "x".repeat(20_000);
    let front = "{{A}}".repeat(1000);
    let back = "{{FrontSide}}".repeat(230);
    let sql = format!("UPDATE notes SET flds = '{a}' || char(31) || 'b' WHERE id = (SELECT min(id) FROM notes);");
    let package = common::package::with_notetype(&entries, "Hostile", &["A", "B"], &[("One", &front, &back)], &sql);
    s.write("big.apkg", package);
    let fresh = Scratch::new();
    fresh.write("big.apkg", std::fs::read(s.path("big.apkg")).expect("read"));
    let run = fresh.run(&["import", "big.apkg"]).ok();
    assert!(run.stdout.contains("3 added"), "{}", run.stdout);
    assert_sides_capped(&fresh, "card:1");
}

#[test]
fn a_50_mb_deck_is_built_and_a_larger_one_refused_clearly() {
    let s = Scratch::new();
    // 50 MB in 2,800 facts, each answer just under the field limit.
    let answer = "Moscow 1920 ".repeat(1_500);
    let mut deck = String::with_capacity(51 << 20);
    deck.push_str("# Huge\n");
    let mut i = 0;
    while deck.len() < 50_000_000 {
        deck.push_str(&format!("\n## h{i}\nq: Huge question {i}?\na: {answer}{i}\n"));
        i += 1;
    }
    s.write("huge.deck", &deck);
    let run = s.build(&["huge.deck"]);
    assert!(run.stdout.starts_with(&format!("Huge: {i} added")), "{}", run.stdout);
    assert_eq!(s.count("SELECT count(*) FROM cards"), i as i64);
    assert_eq!(
        s.count("SELECT max(length(back)) FROM cards"),
        (answer.len() + 4) as i64
    );

    // Past the limit (64 MiB): one clear error, read no further than the limit.
    deck.push_str(&"// padding comment line to push the file past the size limit\n".repeat(300_000));
    assert!(deck.len() > iskra::deck::MAX_DECK_BYTES);
    s.write("huge.deck", &deck);
    let run = s.run(&["build", "huge.deck"]).fails();
    assert!(
        run.stderr
            .contains("huge.deck:1:1: error: the file is larger than the limit of 64 MiB"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("hint: split it into several deck files"),
        "{}",
        run.stderr
    );
    assert_eq!(s.count("SELECT count(*) FROM cards"), i as i64, "nothing changed");
}

#[test]
fn pathological_decks_parse_in_one_pass_with_the_errors_located() {
    // About 1 MB each: the parser must answer (correctly) without blowing up.
    // Past 1,000 problems in a file the rest are counted, not kept.
    let more = |errors: &[iskra::deck::Diagnostic]| errors.last().map(|e| e.message.clone()).unwrap_or_default();
    let mut unclosed = String::from("# P\n");
    for i in 0..20_000 {
        unclosed.push_str(&format!("## c{i}\ncloze: {}\n", "{{".repeat(20)));
    }
    let errors = iskra::deck::parse_deck("p.deck", "p", unclosed.as_bytes()).unwrap_err();
    assert_eq!(errors.len(), 1_001);
    assert_eq!((errors[999].line, errors[999].column), (2_001, 8));
    assert_eq!(errors[999].message, "this `{{` is never closed");
    assert_eq!(more(&errors), "and 19000 more problems in this file, not shown");

    // Deletions nested 4,000 deep (within the field limit), 60 times over.
    let mut deep = String::from("# P\n");
    for i in 0..60 {
        deep.push_str(&format!(
            "## d{i}\ncloze: {}x{}\n",
            "{{".repeat(4_000),
            "}}".repeat(4_000)
        ));
    }
    let errors = iskra::deck::parse_deck("p.deck", "p", deep.as_bytes()).unwrap_err();
    assert_eq!(errors.len(), 60);
    assert_eq!((errors[59].line, errors[59].column), (121, 10));
    assert_eq!(errors[59].message, "a cloze deletion inside another");

    // Many deletions in continuation lines of one cloze within the value's
    // length: each card holds the whole text (~18,000 characters joined),
    // so the one past the 11 cards it may make (the 12th, on line 9) is
    // located; 11 of them make 11 cards.
    let mut many = String::from("# P\n## m\ncloze: start {{a}}\n");
    while many.len() < 19_000 {
        many.push_str("  and {{b::hint}} then {{c}}\n");
    }
    let errors = iskra::deck::parse_deck("p.deck", "p", many.as_bytes()).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.contains("at most 11 cards"), "{:?}", errors[0]);
    assert_eq!((errors[0].line, errors[0].column), (9, 6), "{:?}", errors[0]);
    let most: String = many
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            ..8 => format!("{l}\n"),
            _ => format!("{}\n", l.replace("{{", "").replace("::hint", "").replace("}}", "")),
        })
        .collect();
    let deck = iskra::deck::parse_deck("p.deck", "p", most.as_bytes()).unwrap();
    assert_eq!(deck.facts[0].cards().len(), 11);

    // A megabyte-long key, a megabyte of headings and of stray indented lines.
    let key = format!("# P\n## k\n{}: v\n", "q".repeat(1 << 20));
    let errors = iskra::deck::parse_deck("p.deck", "p", key.as_bytes()).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| (e.line, e.column) == (3, 1) && e.message.starts_with("unknown key")),
        "{errors:?}"
    );
    let headings = "## x\n".repeat(200_000);
    let errors = iskra::deck::parse_deck("p.deck", "p", headings.as_bytes()).unwrap_err();
    assert!(errors[1].message.contains("duplicate fact id"), "{:?}", errors[1]);
    assert_eq!(more(&errors), "and 399001 more problems in this file, not shown");
    let stray = format!("# P\n{}", "   stray\n".repeat(100_000));
    let errors = iskra::deck::parse_deck("p.deck", "p", stray.as_bytes()).unwrap_err();
    assert_eq!(errors.len(), 1_001);
    assert_eq!(more(&errors), "and 99000 more problems in this file, not shown");
}

// ---------------------------------------------------------------------------
// Hostile packages and text files (issue 20)

/// A directory for `TMPDIR`, and what is left in it.
struct TempDir(tempfile::TempDir);

impl TempDir {
    fn new() -> TempDir {
        TempDir(tempfile::tempdir().expect("temp dir"))
    }

    fn left(&self) -> Vec<String> {
        std::fs::read_dir(self.0.path())
            .expect("read TMPDIR")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect()
    }
}

/// `iskra import ARGS…` with `TMPDIR` set to `tmp`.
fn import_with_tmp(s: &Scratch, args: &[&str], tmp: &TempDir) -> Run {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    s.run_with_env(&all, &[("TMPDIR", tmp.0.path().as_os_str())])
}

/// Imports `bytes` as a package (and as a dry run): refused with `expected`
/// in the message, nothing written, nothing left in `TMPDIR`.
#[track_caller]
fn package_refused(what: &str, bytes: &[u8], expected: &str) {
    let s = Scratch::new();
    s.write("ok.txt", "a\tb\n");
    s.run(&["import", "ok.txt"]).ok();
    let before = s.dump();
    s.write("bad.apkg", bytes);
    let tmp = TempDir::new();
    for args in [&["bad.apkg", "--dry-run"][..], &["bad.apkg"]] {
        let run = import_with_tmp(&s, args, &tmp);
        assert_ne!(run.code, 0, "{what} {args:?}: imported\n{}", run.stdout);
        assert!(
            run.stderr.contains(expected) && run.stderr.contains("nothing was imported"),
            "{what} {args:?}: expected {expected:?} in:\n{}",
            run.stderr
        );
        assert_eq!(s.dump(), before, "{what} {args:?}");
        assert!(tmp.left().is_empty(), "{what} {args:?}: left {:?}", tmp.left());
    }
}

/// SQL making `table` of the package's collection a view that never ends.
fn endless_view(table: &str, columns: &str) -> String {
    format!(
        "DROP TABLE {table};
         CREATE VIEW {table} AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r)
           SELECT {columns} FROM r ORDER BY x DESC;"
    )
}

#[test]
fn packages_with_views_triggers_or_foreign_tables_are_refused_before_any_query() {
    let good = common::package::entries(&common::package::exported(&Scratch::new()));
    let notes = endless_view(
        "notes",
        "x AS id, 'g' || x AS guid, 1 AS mid, 0 AS mod, 0 AS usn, '' AS tags, 'a' || char(31) || 'b' AS flds, \
         0 AS sfld, 0 AS csum, 0 AS flags, '' AS data",
    );
    let revlog = endless_view(
        "revlog",
        "x AS id, 1 AS cid, 0 AS usn, 3 AS ease, 1 AS ivl, 0 AS lastIvl, 2500 AS factor, 1000 AS time, 1 AS type",
    );
    let cases: &[(&str, &str, &str)] = &[
        ("an endless view as notes", &notes, "a view \"notes\""),
        ("an endless view as revlog", &revlog, "a view \"revlog\""),
        (
            "a trigger",
            "CREATE TRIGGER t AFTER INSERT ON notes BEGIN SELECT 1; END;",
            "a trigger \"t\"",
        ),
        (
            "a virtual table",
            "CREATE VIRTUAL TABLE v USING fts5(a);",
            "a virtual table \"v\"",
        ),
        ("a table Anki never makes", "CREATE TABLE evil (x);", "a table \"evil\""),
        (
            "a computed column",
            "ALTER TABLE notes ADD COLUMN g INTEGER AS (length(flds)) VIRTUAL;",
            "a computed column in \"notes\"",
        ),
    ];
    for (what, sql, expected) in cases {
        package_refused(what, &common::package::patched(&good, sql), expected);
    }
}

#[test]
fn a_zstd_bomb_stops_at_the_size_its_header_gives() {
    // A real collection's first 100 bytes (a SQLite header saying how long
    // the file is), then 1.5 GiB of zeros in a 50 KB frame.
    let good = common::package::entries(&common::package::exported(&Scratch::new()));
    let header = common::package::collection(&good)[..100].to_vec();
    let bomb = common::package::zstd_bomb(&header, 3 << 29);
    assert!(bomb.len() < 100_000, "{}", bomb.len());
    let entries = [
        ("meta".to_string(), vec![0x08, 0x03]),
        ("collection.anki21b".to_string(), bomb),
        ("media".to_string(), Vec::new()),
    ];
    package_refused(
        "a zstd bomb",
        &common::package::zip_of(&entries),
        "collection.anki21b is longer than its SQLite header says",
    );
    // Zeros from the start: refused at the header.
    let zeros = [
        ("meta".to_string(), vec![0x08, 0x03]),
        (
            "collection.anki21b".to_string(),
            common::package::zstd_bomb(&[], 3 << 29),
        ),
    ];
    package_refused(
        "zeros",
        &common::package::zip_of(&zeros),
        "collection.anki21b is not a SQLite database",
    );
}

#[test]
fn a_temp_dir_with_uri_characters_in_its_name_imports_packages() {
    let s = Scratch::new();
    let bytes = common::package::exported(&s);
    let other = Scratch::new();
    other.write("p.apkg", &bytes);
    let tmp = other.path("tmp #1?x=%41&mode=rw");
    std::fs::create_dir(&tmp).expect("make the temp dir");
    let run = other
        .run_with_env(&["import", "p.apkg"], &[("TMPDIR", tmp.as_os_str())])
        .ok();
    assert!(run.stdout.contains("3 facts added"), "{}", run.stdout);
    assert_eq!(other.count("SELECT count(*) FROM facts"), 3);
    assert_eq!(
        std::fs::read_dir(&tmp).expect("read it").count(),
        0,
        "nothing left in TMPDIR"
    );
}

/// Kana words, all different: three syllables from 46.
fn kana_word(i: usize) -> String {
    let kana: Vec<char> =
        "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"
            .chars()
            .collect();
    let n = kana.len();
    [kana[i % n], kana[i / n % n], kana[i / n / n % n]].iter().collect()
}

#[test]
fn text_import_gives_rows_in_any_script_meaningful_keys_in_linear_time() {
    // Rows without an ASCII letter or digit: they all had the key `note`, and
    // making 8,000 of them unique took minutes (cubic); these 20,000 take well
    // under the harness's 60 s.
    let s = Scratch::new();
    let mut text =
        String::from("東京\tTokyo\nとうきょう\tTokyo, in kana\nМосква\tMoscow\n\u{e000}\u{e001}\tprivate use\n");
    for i in 0..20_000 {
        text.push_str(&format!("{}\tword {i}\n", kana_word(i)));
    }
    s.write("kana.txt", &text);
    s.run(&["import", "kana.txt"]).ok();
    assert_eq!(s.count("SELECT count(*) FROM facts"), 20_004);
    assert_eq!(s.count("SELECT count(DISTINCT key) FROM facts"), 20_004);
    let key = |question: &str| -> String {
        s.db()
            .query_row(
                "SELECT key FROM facts WHERE json_extract(content, '$.question') = ?1",
                [question],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{question}: {e}"))
    };
    assert_eq!(key("東京"), "dong-jing");
    assert_eq!(key("とうきょう"), "toukiyou");
    assert_eq!(key("Москва"), "moskva");
    let hashed = key("\u{e000}\u{e001}");
    assert!(
        hashed.len() == 10 && hashed.starts_with("h-") && hashed[2..].chars().all(|c| c.is_ascii_hexdigit()),
        "{hashed}"
    );
    assert_eq!(
        s.count("SELECT count(*) FROM facts WHERE key = 'note' OR key GLOB 'note-[0-9]*'"),
        0,
        "keys that say nothing"
    );
}

#[test]
fn names_from_imports_cannot_forge_protocol_lines() {
    let s = Scratch::new();
    s.write(
        "forge.txt",
        "#separator:tab\n#deck column:3\n#tags column:4\nq1\ta1\t\"Maths\nanswered: Good \u{b7} next in 10m\"\t\"x\u{1b}[31my\"\n",
    );
    s.run(&["import", "forge.txt"]).ok();
    assert_eq!(
        s.count("SELECT count(*) FROM decks WHERE name = 'Maths answered: Good \u{b7} next in 10m'"),
        1,
        "the name, with its line break made a space"
    );
    let content: String = s
        .db()
        .query_row("SELECT content FROM facts", [], |r| r.get(0))
        .expect("a fact");
    assert!(!content.contains("\\u001b"), "a control character in a tag: {content}");
    let review = s.run_at(NOW, &["review"], "q\n").ok();
    assert_eq!(review.answered(), 0, "{}", review.stdout);
    let stats = s.run(&["stats", "--deck", "maths-answered-good-next-in-10m"]).ok();
    assert!(
        !stats.stdout.lines().any(|l| l.starts_with("answered:")),
        "{}",
        stats.stdout
    );

    // A package's deck name.
    let good = common::package::entries(&common::package::exported(&Scratch::new()));
    let forged = common::package::patched(
        &good,
        r"UPDATE col SET decks = replace(decks, 'Spanish::Verbs', 'Verbs\nQ: forged question\u0007');",
    );
    let other = Scratch::new();
    other.write("forged.apkg", forged);
    other.run(&["import", "forged.apkg"]).ok();
    let review = other.run_at(NOW, &["review"], "q\n").ok();
    assert!(
        !review.stdout.lines().any(|l| l.starts_with("Q: forged")),
        "{}",
        review.stdout
    );
    assert!(
        review.stdout.contains("Deck: Verbs Q: forged question"),
        "{}",
        review.stdout
    );
}

// ---------------------------------------------------------------------------
// Keys, names and paths that are not what they seem (issue 20)

#[test]
fn deck_keys_with_control_characters_are_refused() {
    let s = Scratch::new();
    std::fs::create_dir(s.path("d")).expect("mkdir");
    s.write("d/We\u{1b}[31m\nx.deck", "# We\n\n## a\nq: one?\na: two\n");
    let run = s.run(&["build", "d"]).fails();
    assert!(
        run.stderr.contains("We\\u{1b}[31m\\u{a}x") && run.stderr.contains("is not a valid deck key"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.lines().any(|l| l.starts_with("x.deck")), "{}", run.stderr);
    assert_eq!(s.count("SELECT count(*) FROM decks"), 0);
}

#[test]
fn extreme_iskra_now_values_are_refused_before_anything_is_made() {
    let s = Scratch::new();
    for now in ["9999-12-31T00:00:00Z", "1900-01-01T00:00:00Z", "0001-01-01T00:00:00Z"] {
        let run = s.run_at(now, &["status"], "");
        assert_eq!(run.code, 2, "{now}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr
                .contains("is outside the times iskra works with (2000-01-01 to 2099-12-31 UTC)"),
            "{now}: {}",
            run.stderr
        );
        assert!(!s.db.exists(), "{now}: a collection was made");
    }
    s.run_at("2099-12-31T23:00:00Z", &["status"], "").ok();
}

#[test]
fn a_deck_file_with_lone_carriage_returns_reads_as_lines() {
    let s = Scratch::new();
    s.write(
        "old-mac.deck",
        "# Old Mac\r\r## a\rq: one?\ra: two\r\r## b\rq: three?\ra: four\r",
    );
    let run = s.build(&["old-mac.deck"]);
    assert!(run.stdout.starts_with("Old Mac: 2 added"), "{}", run.stdout);
    assert_eq!(s.count("SELECT count(*) FROM decks WHERE name = 'Old Mac'"), 1);
}

/// Makes a FIFO at `path`.
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn fifos_are_refused_as_collections_and_deck_files_instead_of_blocking() {
    let s = Scratch::new();
    let fifo = s.path("fifo.sqlite3");
    mkfifo(&fifo);
    let run = s.run_on(&fifo, &["status"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("fifo.sqlite3 is not a regular file"),
        "{}",
        run.stderr
    );
    mkfifo(&s.path("fifo.deck"));
    let run = s.run(&["build", "fifo.deck"]).fails();
    assert!(run.stderr.contains("fifo.deck is not a regular file"), "{}", run.stderr);
}

#[test]
fn refused_collections_are_left_exactly_as_they_were() {
    // A newer iskra's collection with a write-ahead log not yet checkpointed,
    // and a truncated one with its log: refused without a byte of the file
    // or its log changed. A newer one without a log: nothing made beside it.
    let s = Scratch::new();
    s.write("d.deck", "# D\n\n## a\nq: one?\na: two\n");
    s.build(&["d.deck"]);
    let wal_of = |path: &std::path::Path| std::path::PathBuf::from(format!("{}-wal", path.display()));
    let make = |name: &str, sql: &str, truncate: bool| -> std::path::PathBuf {
        let path = s.path(name);
        std::fs::copy(&s.db, &path).expect("copy");
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.pragma_update(None, "wal_autocheckpoint", 0)
            .expect("no checkpoints");
        conn.execute_batch(sql).expect("write");
        let wal = std::fs::read(wal_of(&path)).expect("a -wal file");
        let main = std::fs::read(&path).expect("read");
        drop(conn); // checkpoints: put back the files as they were before
        let main = if truncate {
            main[..main.len() / 2].to_vec()
        } else {
            main
        };
        std::fs::write(&path, main).expect("write main");
        std::fs::write(wal_of(&path), wal).expect("write wal");
        let _ = std::fs::remove_file(format!("{}-shm", path.display()));
        path
    };
    let newer = make("newer.sqlite3", "PRAGMA user_version = 99;", false);
    let truncated = make("truncated.sqlite3", "UPDATE cards SET reps = reps;", true);
    for (path, expected) in [(newer, "was written by a newer iskra"), (truncated, "is damaged")] {
        let before = (
            std::fs::read(&path).expect("read"),
            std::fs::read(wal_of(&path)).expect("read"),
        );
        let run = s.run_on(&path, &["status"]);
        assert_ne!(run.code, 0, "{}", run.stdout);
        assert!(run.stderr.contains(expected), "{}", run.stderr);
        let after = (
            std::fs::read(&path).expect("read"),
            std::fs::read(wal_of(&path)).expect("read"),
        );
        assert!(
            after == before,
            "{}: changed by a refused open\n{}",
            path.display(),
            run.stderr
        );
    }
    let clean = s.path("clean-newer.sqlite3");
    std::fs::copy(&s.db, &clean).expect("copy");
    rusqlite::Connection::open(&clean)
        .expect("open")
        .pragma_update(None, "user_version", 99)
        .expect("newer");
    let before = std::fs::read(&clean).expect("read");
    assert_eq!(s.run_on(&clean, &["status"]).code, 1);
    assert_eq!(std::fs::read(&clean).expect("read"), before);
    let beside: Vec<_> = std::fs::read_dir(s.dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("clean-newer.sqlite3-"))
        .collect();
    assert!(beside.is_empty(), "made beside a refused file: {beside:?}");
}

#[test]
fn a_line_break_in_the_collection_path_is_shown_escaped() {
    let s = Scratch::new();
    let dir = s.path("a\nerror: forged");
    std::fs::create_dir(&dir).expect("mkdir");
    let foreign = dir.join("c.sqlite3");
    rusqlite::Connection::open(&foreign)
        .expect("open")
        .execute_batch("CREATE TABLE x (y INTEGER);")
        .expect("a foreign database");
    let run = s.run_on(&foreign, &["status"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("a\\u{a}error: forged"), "{}", run.stderr);
    assert!(
        !run.stderr.lines().any(|l| l.starts_with("error: forged")),
        "{}",
        run.stderr
    );
}

/// Reads a FIFO in the background (opened without blocking, so a writer
/// that never comes cannot hang the test); everything one writer wrote.
fn read_fifo(path: &std::path::Path) -> std::sync::mpsc::Receiver<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let mut fifo = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .expect("open the FIFO");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut got = Vec::new();
        let mut buffer = [0u8; 4096];
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(30) {
            match fifo.read(&mut buffer) {
                Ok(0) if !got.is_empty() => break, // the writer closed it
                Ok(n) if n > 0 => got.extend_from_slice(&buffer[..n]),
                _ => std::thread::sleep(std::time::Duration::from_millis(5)),
            }
        }
        let _ = tx.send(got);
    });
    rx
}

fn is_fifo(path: &std::path::Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

fn is_symlink(path: &std::path::Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

#[test]
fn out_streams_into_special_files_and_refuses_directories() {
    let s = Scratch::new();
    s.write("k.txt", "Question one\tAnswer one\n");
    s.run(&["import", "k.txt"]).ok();

    // A FIFO: read by whoever listens, and still a FIFO after.
    for args in [
        &["export", "deck", "k", "--format", "csv", "--out", "out.fifo"][..],
        &["export", "log", "--out", "out.fifo"],
    ] {
        let fifo = s.path("out.fifo");
        let _ = std::fs::remove_file(&fifo);
        mkfifo(&fifo);
        let reader = read_fifo(&fifo);
        let run = s.run(args).ok();
        let got = reader.recv().expect("the reader");
        let expected = if args[1] == "deck" {
            "Question one"
        } else {
            "id,card,rating"
        };
        assert!(
            String::from_utf8_lossy(&got).contains(expected),
            "{args:?}: the FIFO got {:?}; stdout {}",
            String::from_utf8_lossy(&got),
            run.stdout
        );
        assert!(is_fifo(&fifo), "{args:?}: the FIFO was replaced");
    }

    // A link to the process's own standard output, and one to /dev/null:
    // written through, and still links after.
    std::os::unix::fs::symlink("/proc/self/fd/1", s.path("stdout-link")).expect("symlink");
    let run = s
        .run(&["export", "deck", "k", "--format", "csv", "--out", "stdout-link"])
        .ok();
    assert!(run.stdout.contains("Question one"), "{}", run.stdout);
    assert!(is_symlink(&s.path("stdout-link")), "the link was replaced");
    std::os::unix::fs::symlink("/dev/null", s.path("null-link")).expect("symlink");
    for args in [
        &["export", "deck", "k", "--format", "apkg", "--out", "null-link"][..],
        &["export", "stats", "--out", "null-link"],
    ] {
        s.run(args).ok();
        assert!(is_symlink(&s.path("null-link")), "{args:?}: the link was replaced");
    }

    // A directory is refused, whatever --force says.
    std::fs::create_dir(s.path("folder")).expect("mkdir");
    for args in [
        &["export", "deck", "k", "--format", "csv", "--out", "folder", "--force"][..],
        &["export", "log", "--out", "folder"],
    ] {
        let run = s.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("folder is a directory"), "{args:?}: {}", run.stderr);
        assert!(s.path("folder").is_dir());
    }
}

#[test]
fn an_export_into_a_link_to_the_terminal_is_shown_inert() {
    let s = Scratch::new();
    s.write("k.txt", "Q1 \u{1b}]52;c;cHduZWQ=\u{7} x\tA \u{1b}[31mred\u{1}\n");
    s.run(&["import", "k.txt"]).ok();
    std::os::unix::fs::symlink("/dev/tty", s.path("tty-link")).expect("symlink");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_iskra"));
    cmd.current_dir(s.dir.path())
        .env("ISKRA_COLLECTION", &s.db)
        .env("ISKRA_NOW", NOW)
        .env("TZ", "UTC")
        .env("TERM", "xterm")
        .args(["export", "deck", "k", "--format", "csv", "--out", "tty-link"]);
    let mut p = rexpect::session::spawn_with_options(
        cmd,
        rexpect::session::Options::new()
            .timeout_ms(Some(common::PTY_TIMEOUT_MS))
            .strip_ansi_escape_codes(false),
    )
    .expect("spawn iskra in a pty");
    let screen: Vec<u8> = pty_expect(&mut p, "red").chars().map(|c| c as u32 as u8).collect();
    let rest: Vec<u8> = p
        .exp_eof()
        .expect("iskra exits")
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    let all = [screen, rest].concat();
    let text = String::from_utf8_lossy(&all);
    assert!(text.contains("Q1 \\u{1b}]52;c;cHduZWQ=\\u{7} x"), "{text}");
    for raw in [&b"\x1b]52"[..], b"\x1b[31m", b"\x07", b"\x01"] {
        assert!(
            !all.windows(raw.len()).any(|w| w == raw),
            "raw {raw:?} reached the terminal: {text}"
        );
    }
    assert!(is_symlink(&s.path("tty-link")), "the link was replaced");
}
