//! Quiz feedback in a real pseudo-terminal, with colours on as a learner's
//! terminal has them: a wrong typed answer is never echoed with a success
//! mark and is marked wrong at once (✗, red); a number key picks and
//! confirms its option in the choice menu.

mod common;

use common::{Scratch, pty_command, pty_exits_cleanly, pty_expect, pty_key, spawn_pty, spawn_pty_command};

const DECK: &str = "\
# Quiz
## chair
q: Who chaired the Communist International in 1920?
a: Grigory Zinoviev
## army
q: Who built the Red Army?
a: Leon Trotsky
## radek
q: Who was sent to Germany in 1923?
a: Karl Radek
## serrati
q: Who led the Italian socialists in 1920?
a: Giacinto Serrati
## bordiga
q: Who led the Italian communist left?
a: Amadeo Bordiga
";

fn scratch() -> Scratch {
    let s = Scratch::new();
    s.write("quiz.deck", DECK);
    s.build(&["quiz.deck"]);
    s
}

/// What rexpect read (one `char` per byte) as the UTF-8 text it was.
fn utf8(read: &str) -> String {
    let bytes: Vec<u8> = read.chars().map(|c| c as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn a_wrong_typed_answer_is_never_marked_as_a_success() {
    let s = scratch();
    let mut cmd = pty_command(&s, &["quiz", "--mode", "typed", "--count", "2", "--seed", "1"]);
    // Colours on, as on a learner's terminal: dialoguer's colourful theme
    // is the one that marked every typed answer with ✔.
    cmd.env_remove("NO_COLOR");
    let mut p = spawn_pty_command(cmd, false);
    // Everything read, the awaited text included.
    let mut seen = String::new();
    let mut expect = |p: &mut rexpect::session::PtySession, needle: &str| {
        seen.push_str(&utf8(&pty_expect(p, needle)));
        seen.push_str(needle);
    };
    for _ in 0..2 {
        expect(&mut p, "answer (:q quits)");
        pty_key(&mut p, "nobody at all\r");
        expect(&mut p, " · answer: ");
    }
    expect(&mut p, "Score: 0/2 right (0%)");
    pty_exits_cleanly(&mut p);
    assert!(!seen.contains('✔'), "a success mark was written: {seen:?}");
    let verdicts: Vec<&str> = seen.lines().filter(|l| l.contains("✗ wrong")).collect();
    assert_eq!(verdicts.len(), 2, "{seen:?}");
    for line in verdicts {
        // Red (SGR 31) on a colour terminal.
        assert!(line.contains("\u{1b}[31m"), "not red: {line:?}");
    }
    let echoes = seen.lines().filter(|l| l.contains("answer: nobody at all")).count();
    assert_eq!(echoes, 2, "the typed answer is echoed once each: {seen:?}");
}

/// The options of the question on screen, read up to the last one.
fn options(p: &mut rexpect::session::PtySession, count: usize) -> Vec<String> {
    let (before, last) = p.exp_regex(&format!(r"{count}\) [^\r\n]+\r?\n")).expect("the options");
    utf8(&(before + &last))
        .lines()
        .filter_map(|l| l.trim_start_matches(['>', ' ']).split_once(") "))
        .filter(|(n, _)| n.trim().parse::<usize>().is_ok())
        .map(|(_, text)| text.trim().to_string())
        .collect()
}

#[test]
fn a_number_key_picks_its_option_at_once() {
    let s = scratch();
    // Five people: every question has four options (the answer and three others).
    let mut p = spawn_pty(&s, &["quiz", "--mode", "choice", "--count", "5", "--seed", "3"]);
    let (mut right, mut wrong) = (0, 0);
    for _ in 0..5 {
        pty_expect(&mut p, "Q: ");
        let (_, question) = p.exp_regex(r"[^\r\n]+\r?\n").expect("the question");
        let shown = options(&mut p, 4);
        assert_eq!(shown.len(), 4, "{question}: {shown:?}");
        // `3` alone, no Enter: it picks the third option and the verdict follows.
        pty_key(&mut p, "3");
        pty_expect(&mut p, &format!("answer: 3) {}", shown[2]));
        let verdict = pty_expect(&mut p, " · answer: ");
        let (_, answer) = p.exp_regex(r"[^\r\n]+\r?\n").expect("the right answer");
        let answer = utf8(&answer).trim().to_string();
        if shown[2] == answer {
            assert!(verdict.contains("right"), "{question}: {verdict:?}");
            right += 1;
        } else {
            assert!(
                verdict.contains("wrong"),
                "{question}: {verdict:?} ({answer} ≠ {})",
                shown[2]
            );
            wrong += 1;
        }
    }
    pty_expect(&mut p, &format!("Score: {right}/5 right"));
    pty_exits_cleanly(&mut p);
    assert!(wrong > 0, "option 3 was always right: the test shows nothing");
}
