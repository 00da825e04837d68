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
        built.stdout.contains("Evil \\u{1b}]0;DECKTITLE\\u{7}"),
        "{}",
        built.stdout
    );
    s
}

#[test]
fn every_command_that_prints_card_text_renders_it_inert() {
    let s = hostile_collection();
    // The text is stored as written: escaping is for display only.
    assert_eq!(
        s.count("SELECT count(*) FROM cards WHERE instr(front, char(27) || ']0;PWNED' || char(7)) > 0"),
        1
    );

    let review = inert_run(&s, &["review"], "r\n3\n3\n3\n3\n3\n3\n3\nq\n").ok();
    for shown in [
        "Deck: Evil \\u{1b}]0;DECKTITLE\\u{7} \\u{202e}deck\\u{202c}\n",
        "Q: Q1 \\u{1b}[2J\\u{1b}[H clear \\u{1b}]0;PWNED\\u{7} title \\u{1b}]52;c;cHduZWQ=\\u{7} clip \\u{d} over \\u{202e}RLO \\u{2066}LRI\\u{2069} \\u{0}nul \\u{1}\\u{8}\\u{7f} \\u{85}nel \\u{9b}31m csi",
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
    assert!(list.stdout.contains("Evil \\u{1b}]0;DECKTITLE"), "{}", list.stdout);
    let status = inert_run(&s, &["status"], "").ok();
    assert!(status.stdout.contains("Evil \\u{1b}]0;DECKTITLE"), "{}", status.stdout);
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

    // Many deletions in continuation lines of one (long but legal) cloze.
    let mut many = String::from("# P\n## m\ncloze: start {{a}}\n");
    while many.len() < 19_000 {
        many.push_str("  and {{b::hint}} then {{c}}\n");
    }
    let deck = iskra::deck::parse_deck("p.deck", "p", many.as_bytes()).unwrap();
    assert!(deck.facts[0].cards().len() > 1_000);

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
