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

/// The names listed under `Commands:` in a help text (without `help`).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// Argument lines with no description (`  --deck <DECK>` and nothing after,
/// on its line or, in clap's long format, indented on the next).
fn undescribed(help: &str) -> Vec<String> {
    let lines: Vec<&str> = help.lines().collect();
    let mut found = Vec::new();
    let mut in_args = false;
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("Options:") || line.starts_with("Arguments:") {
            in_args = true;
            continue;
        }
        if !line.starts_with(' ') && !line.is_empty() {
            in_args = false;
        }
        let spec = line.trim();
        let indent = line.len() - line.trim_start().len();
        // Specs start at column 2 (`-h`, `<DECK>`) or 6 (`--deck`); deeper lines are descriptions.
        let is_spec =
            (2..=6).contains(&indent) && (spec.starts_with('-') || spec.starts_with('[') || spec.starts_with('<'));
        if !in_args || !is_spec || spec.contains("  ") {
            continue;
        }
        let described_below = lines
            .get(i + 1)
            .is_some_and(|next| !next.trim().is_empty() && next.len() - next.trim_start().len() > indent);
        if !described_below {
            found.push(spec.to_string());
        }
    }
    found
}

#[test]
fn every_command_has_examples_and_every_argument_a_description() {
    let s = Scratch::new();
    let top = s.run(&["--help"]).ok().stdout;
    let mut queue: Vec<Vec<String>> = subcommands(&top).into_iter().map(|c| vec![c]).collect();
    assert!(queue.len() >= 18, "{top}");
    let mut checked = 0;
    let mut missing = Vec::new();
    while let Some(path) = queue.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = s.run(&args).ok().stdout;
        let nested = subcommands(&help);
        for sub in &nested {
            let mut deeper = path.clone();
            deeper.push(sub.clone());
            queue.push(deeper);
        }
        if !help.contains("\nExamples:\n") {
            missing.push(format!("iskra {}: no Examples:", path.join(" ")));
        }
        for arg in undescribed(&help) {
            missing.push(format!("iskra {}: {arg} has no description", path.join(" ")));
        }
        checked += 1;
    }
    assert!(checked >= 24, "{checked} commands checked");
    assert!(missing.is_empty(), "{missing:#?}");
    // The checker itself: an argument with no description is found.
    assert_eq!(
        undescribed("Options:\n      --deck <DECK>\n  -h, --help  Print help\n"),
        ["--deck <DECK>"]
    );
    assert!(undescribed("Options:\n      --deck <DECK>\n          One deck\n").is_empty());
}
