//! Ctrl-C in every interactive command leaves the terminal as it found it
//! (issue 12): the cursor-show sequence `ESC[?25h` is written after the
//! key, and the terminal's mode is restored (`stty -a`, run in the same
//! pseudo-terminal right before and right after iskra, shows the same mode,
//! with line editing and signals on).
//! Sessions end like `q`, with their summary (exit 0); prompts of the
//! authoring commands stop with exit code 130, keeping what was confirmed.

mod common;

use std::process::Command;

use common::{Scratch, pty_command, pty_expect as expect, pty_key as key, spawn_pty_command};

const DECK: &str = "# Pty\n## a\nq: alpha?\na: A\n## b\nq: beta?\na: B\n## c\nq: gamma?\na: C\n";
const CTRL_C: &str = "\u{3}";

fn scratch() -> Scratch {
    let s = Scratch::new();
    s.write("pty.deck", DECK);
    s.build(&["pty.deck"]);
    s
}

/// `iskra ARGS…` in a shell that shows the terminal's mode, runs iskra,
/// reports its exit code and shows the mode again, all in one
/// pseudo-terminal.
fn in_shell(s: &Scratch, args: &[&str]) -> Command {
    let inner = pty_command(s, args);
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(r#"stty -a; echo stty-before; "$0" "$@"; printf '\nexit=%s\n' "$?"; stty -a; echo stty-done"#)
        .arg(inner.get_program())
        .args(inner.get_args());
    for (name, value) in inner.get_envs() {
        if let Some(value) = value {
            cmd.env(name, value);
        }
    }
    if let Some(dir) = inner.get_current_dir() {
        cmd.current_dir(dir);
    }
    cmd
}

/// Waits for `ready`, sends Ctrl-C, and checks what followed: the cursor
/// shown, `after` printed, the exit code, and the terminal's mode.
#[track_caller]
fn ctrl_c_restores_the_terminal(s: &Scratch, args: &[&str], ready: &str, after: &str, code: i32) {
    let mut p = spawn_pty_command(in_shell(s, args), false);
    let before = expect(&mut p, "stty-before");
    expect(&mut p, ready);
    key(&mut p, CTRL_C);
    let output = expect(&mut p, "\nexit=");
    assert!(
        output.contains("\u{1b}[?25h"),
        "{args:?}: no cursor-show sequence after Ctrl-C in {output:?}"
    );
    assert!(output.contains(after), "{args:?}: no {after:?} in {output:?}");
    let rest = expect(&mut p, "stty-done");
    let (exit, after) = rest.split_once('\n').unwrap_or_default();
    assert_eq!(exit.trim(), code.to_string(), "{args:?}: exit code in {rest:?}");
    let modes = |stty: &str| stty.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(modes(after), modes(&before), "{args:?}: the terminal's mode changed");
    for mode in ["icanon", "isig"] {
        assert!(
            modes(after).contains(&mode.to_string()),
            "{args:?}: {mode} is off: {after}"
        );
    }
}

#[test]
fn ctrl_c_in_a_review() {
    let s = scratch();
    ctrl_c_restores_the_terminal(
        &s,
        &["review"],
        "q: quit",
        "Stopped with 3 new and 0 due still waiting today.",
        0,
    );
}

#[test]
fn ctrl_c_in_a_quiz_menu() {
    let s = scratch();
    ctrl_c_restores_the_terminal(
        &s,
        &["quiz", "--mode", "choice", "--seed", "1"],
        "answer",
        "Score: 0/0 right",
        0,
    );
}

#[test]
fn ctrl_c_at_a_typed_review_prompt() {
    let s = scratch();
    ctrl_c_restores_the_terminal(
        &s,
        &["review", "--mode", "typed"],
        "answer (:q quits)",
        "Stopped with 3 new and 0 due still waiting today.",
        0,
    );
}

#[test]
fn ctrl_c_in_deck_new() {
    let s = Scratch::new();
    ctrl_c_restores_the_terminal(&s, &["deck", "new"], "Deck name", "interrupted (Ctrl-C)", 130);
}

#[test]
fn ctrl_c_in_add() {
    let s = scratch();
    ctrl_c_restores_the_terminal(
        &s,
        &["add", "--deck", "Pty"],
        "Add a fact of which kind?",
        "interrupted (Ctrl-C)",
        130,
    );
}

#[test]
fn ctrl_c_in_extract() {
    let s = Scratch::new();
    s.write(
        "notes.txt",
        "Victor Serge reached Petrograd in 1919. Alfred Rosmer came to Moscow in 1920.\n",
    );
    ctrl_c_restores_the_terminal(
        &s,
        &["extract", "notes.txt", "--out", "mine.deck"],
        "Keep it?",
        "interrupted (Ctrl-C)",
        130,
    );
}
