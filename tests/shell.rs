//! The shell around iskra: completion scripts that shells accept and that
//! complete deck names from the collection, and the manual page.

mod common;

use std::process::Command;

use common::Scratch;

fn iskra() -> &'static str {
    env!("CARGO_BIN_EXE_iskra")
}

/// Runs a bash script; returns its stdout, failing on a non-zero exit.
fn bash(script: &str, collection: &std::path::Path) -> String {
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("ISKRA_COLLECTION", collection)
        .env("NO_COLOR", "1")
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "bash failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_shells_script_is_written_and_bash_accepts_its_own() {
    let s = Scratch::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = s.run(&["completions", shell]).ok();
        assert!(run.stdout.contains("ISKRA_COMPLETE"), "{shell}: {}", run.stdout);
        assert!(run.stdout.contains(iskra()), "{shell} calls this binary back");
    }
    bash(&format!("{} completions bash | bash -n", iskra()), &s.db);
    // Unknown shells are a usage error.
    assert_eq!(s.run(&["completions", "cmd.exe"]).code, 2);
}

#[test]
fn bash_completes_commands_options_and_the_decks_of_the_collection() {
    let s = Scratch::new();
    s.run(&["status"]).ok();
    let script = format!(
        r#"source <({iskra} completions bash)
complete_words() {{ COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_TYPE=9
  _clap_complete_iskra iskra "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
  printf '%s\n' "${{COMPREPLY[@]}}"; echo --; }}
complete_words iskra rev
complete_words iskra review --de
complete_words iskra review --deck pe
complete_words iskra review --deck ''
complete_words iskra deck show lenin
"#,
        iskra = iskra()
    );
    let out = bash(&script, &s.db);
    let answers: Vec<Vec<&str>> = out
        .split("--\n")
        .map(|a| a.lines().map(str::trim).filter(|l| !l.is_empty()).collect())
        .collect();
    assert_eq!(answers[0], ["review"], "{out}");
    assert_eq!(answers[1], ["--deck"], "{out}");
    assert_eq!(answers[2], ["people"], "{out}");
    assert_eq!(
        answers[3],
        [
            "comintern-1920s",
            "journey-1920",
            "lenins-moscow",
            "people",
            "serge-memoirs"
        ],
        "{out}"
    );
    assert_eq!(answers[4], ["lenins-moscow"], "{out}");

    // No collection yet: nothing to offer, and nothing is created.
    let empty = Scratch::new();
    let out = bash(&script, &empty.db);
    assert!(out.contains("review\n"), "{out}");
    assert!(!empty.db.exists(), "completion does not create a collection");
}

#[test]
fn the_manual_page_has_a_name_section_and_a_page_per_command() {
    let s = Scratch::new();
    let page = s.run(&["man"]).ok().stdout;
    assert!(page.contains(".TH iskra 1"), "{page}");
    assert!(page.contains(".SH NAME"), "{page}");
    assert!(page.contains("review"), "the subcommands are listed: {page}");
    let review = s.run(&["man", "review"]).ok().stdout;
    assert!(review.contains(".TH iskra-review 1"), "{review}");
    assert!(review.contains("\\-\\-deck"), "{review}");
    let unknown = s.run(&["man", "reviw"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("there is no command \"reviw\""),
        "{}",
        unknown.stderr
    );

    // Rendered as a reader would see it (man-db is on Debian by default).
    if std::path::Path::new("/usr/bin/man").exists() {
        let shown = bash(&format!("{} man | man -l - | head -5", iskra()), &s.db);
        assert!(shown.contains("NAME"), "{shown}");
        assert!(shown.contains("iskra - "), "{shown}");
    } else {
        eprintln!("man is not installed: the roff was checked, not its rendering");
    }
}
