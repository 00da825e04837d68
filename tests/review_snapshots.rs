//! What a review says, checked against snapshots (issue 12): the header and
//! its progress line, the card, the key line, notices, the key list and the
//! summary, on the terminal (through a pseudo-terminal, escape sequences
//! dropped, so one screen follows another) and over the line protocol.
//! Quitting at once, Ctrl-C (end of input for the protocol), nothing due,
//! and a tour of the keys. `ISKRA_UPDATE_SNAPSHOTS=1` rewrites them.

mod common;

use common::{NOW, Scratch, assert_snapshot, pty_expect, pty_key, spawn_pty};
use rexpect::session::PtySession;

const DECK: &str = "# Snap\n\
## a\nq: alpha?\na: A\nhint: the first letter\n\
## b\nq: A long question that goes on and on, so that it cannot fit on one line of a terminal a hundred columns wide?\na: B\nextra: The extra text under the answer.\n\
## c\nq: gamma?\na: C\n";

fn scratch() -> Scratch {
    let s = Scratch::new();
    s.write("snap.deck", DECK);
    s.build(&["snap.deck"]);
    s
}

/// Everything a PTY session printed, screen after screen.
struct Transcript {
    p: PtySession,
    /// As rexpect reads it: one `char` per byte.
    read: String,
}

impl Transcript {
    fn review(s: &Scratch) -> Transcript {
        Transcript {
            p: spawn_pty(s, &["review"]),
            read: String::new(),
        }
    }

    #[track_caller]
    fn expect(&mut self, needle: &str) -> &mut Self {
        let before = pty_expect(&mut self.p, needle);
        self.read.push_str(&before);
        self.read.extend(needle.bytes().map(char::from));
        self
    }

    fn key(&mut self, key: &str) -> &mut Self {
        pty_key(&mut self.p, key);
        self
    }

    fn finish(mut self) -> String {
        let rest = self.p.exp_eof().expect("iskra exits");
        self.read.push_str(&rest);
        let bytes: Vec<u8> = self.read.chars().map(|c| c as u8).collect();
        String::from_utf8_lossy(&bytes).replace("\r\n", "\n")
    }
}

fn protocol(s: &Scratch, input: &str) -> String {
    s.run_at(NOW, &["review"], input).ok().stdout
}

/// Answers every card (Easy), so that nothing is due until days later.
fn all_answered(s: &Scratch) {
    s.run_at(NOW, &["review"], "4\n4\n4\n").ok();
}

#[test]
fn quitting_at_once() {
    let s = scratch();
    let mut t = Transcript::review(&s);
    t.expect("q: quit").key("q");
    assert_snapshot("review", "terminal-quit-at-once.txt", &t.finish());
    assert_snapshot("review", "protocol-quit-at-once.txt", &protocol(&s, "q\n"));
}

#[test]
fn ctrl_c_after_an_answer() {
    let s = scratch();
    let mut t = Transcript::review(&s);
    t.expect("q: quit")
        .key(" ")
        .expect("q: quit")
        .key("3")
        .expect("q: quit")
        .key("\u{3}");
    assert_snapshot("review", "terminal-ctrl-c.txt", &t.finish());
    let s = scratch();
    assert_snapshot("review", "protocol-end-of-input.txt", &protocol(&s, "\n3\n"));
}

#[test]
fn nothing_due() {
    let s = scratch();
    all_answered(&s);
    assert_snapshot("review", "terminal-nothing-due.txt", &Transcript::review(&s).finish());
    assert_snapshot("review", "protocol-nothing-due.txt", &protocol(&s, ""));
}

#[test]
fn a_tour_of_the_keys() {
    let s = scratch();
    let mut t = Transcript::review(&s);
    t.expect("q: quit").key("h");
    t.expect("q: quit").key("?");
    t.expect("see what is left").key(" ");
    t.expect("q: quit").key("1");
    t.expect("q: quit").key(" ");
    t.expect("q: quit").key("s");
    t.expect("q: quit").key("u");
    t.expect("q: quit").key("!");
    t.expect("q: quit").key("u");
    t.expect("q: quit").key("q");
    assert_snapshot("review", "terminal-keys.txt", &t.finish());
    let s = scratch();
    assert_snapshot(
        "review",
        "protocol-keys.txt",
        &protocol(&s, "h\n?\n\n1\n\ns\nu\n!\nu\nx\nq\n"),
    );
}
