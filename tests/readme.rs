//! The README's examples are the binary's real output: every fenced
//! ```console block is run, in order, and what it shows is compared with
//! what the current binary prints.
//!
//! In a console block, a line starting with `$ ` is a command, run with
//! `sh -c` in a scratch folder (HOME; the default collection lives under
//! it) with `iskra` on PATH, `TZ=UTC`, `NO_COLOR=1` and a fixed
//! `ISKRA_NOW`; the lines after it, up to the next command, are what it
//! prints (stdout, then stderr). A line `...` stands for any number of
//! lines. The scratch folder's path prints as `~`.
//!
//! An HTML comment just before a block sets up what it needs:
//! `<!-- readme: file=PATH -->` writes the next fenced block (of any
//! language) to PATH instead of running it, `<!-- readme: now=RFC3339 -->`
//! moves the clock for the blocks after it, `<!-- readme: fresh -->`
//! starts again in a new scratch folder, and `<!-- readme: setup: CMD -->`
//! runs CMD there without showing it (to make what an example needs).
//! A block in a list item may be indented; its lines are read without the
//! fence's indentation.
//!
//! A command (`$ `) shown in any other fenced block is an error: nothing
//! would check it.

use std::path::{Path, PathBuf};
use std::process::Command;

const START: &str = "2026-12-07T08:30:00Z";

#[derive(Debug)]
enum Step {
    Fresh,
    Setup(String),
    Now(String),
    File {
        path: String,
        text: String,
    },
    Run {
        line: usize,
        command: String,
        expected: Vec<String>,
    },
}

/// The steps of a README, in order.
fn steps(readme: &str) -> Vec<Step> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut steps = Vec::new();
    let mut pending_file: Option<String> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if let Some(directive) = line.strip_prefix("<!-- readme:").and_then(|d| d.strip_suffix("-->")) {
            if let Some(command) = directive.trim().strip_prefix("setup:") {
                steps.push(Step::Setup(command.trim().to_string()));
                i += 1;
                continue;
            }
            for word in directive.split_whitespace() {
                if word == "fresh" {
                    steps.push(Step::Fresh);
                } else if let Some(now) = word.strip_prefix("now=") {
                    steps.push(Step::Now(now.to_string()));
                } else if let Some(path) = word.strip_prefix("file=") {
                    pending_file = Some(path.to_string());
                } else {
                    panic!("README line {}: unknown readme directive {word:?}", i + 1);
                }
            }
            i += 1;
            continue;
        }
        if let Some(Fence { lang, start, end, body }) = fence_at(&lines, i) {
            if let Some(path) = pending_file.take() {
                let mut text = body.join("\n");
                text.push('\n');
                steps.push(Step::File { path, text });
            } else if lang == "console" {
                let mut current: Option<(usize, String, Vec<String>)> = None;
                for (k, l) in body.iter().enumerate() {
                    if let Some(command) = l.strip_prefix("$ ") {
                        if let Some((line, command, expected)) = current.take() {
                            steps.push(Step::Run {
                                line,
                                command,
                                expected,
                            });
                        }
                        current = Some((start + k + 1, command.to_string(), Vec::new()));
                    } else if let Some((_, _, expected)) = current.as_mut() {
                        expected.push(l.to_string());
                    } else {
                        panic!(
                            "README line {}: a console block starts with a command (`$ `)",
                            start + k + 1
                        );
                    }
                }
                if let Some((line, command, expected)) = current {
                    steps.push(Step::Run {
                        line,
                        command,
                        expected,
                    });
                }
            }
            i = end + 1;
            continue;
        }
        i += 1;
    }
    steps
}

/// A fenced block: its language, the index of its first body line and of
/// its closing fence (or the end of the text), and its body lines without
/// the fence's own indentation (a block in a list item is indented).
struct Fence<'a> {
    lang: &'a str,
    start: usize,
    end: usize,
    body: Vec<&'a str>,
}

/// The fenced block opening at line `i`, if one does.
fn fence_at<'a>(lines: &[&'a str], i: usize) -> Option<Fence<'a>> {
    let lang = lines[i].trim().strip_prefix("```")?;
    let indent = lines[i].len() - lines[i].trim_start().len();
    let start = i + 1;
    let end = (start..lines.len())
        .find(|&k| lines[k].trim() == "```")
        .unwrap_or(lines.len());
    let body = lines[start..end]
        .iter()
        .map(|l| match l.get(..indent) {
            Some(lead) if lead.trim().is_empty() => &l[indent..],
            _ => l.trim_start(),
        })
        .collect();
    Some(Fence { lang, start, end, body })
}

/// The lines that show a command (`$ …`) in a fenced block other than
/// ```console, which nothing runs: (line number, line).
fn unchecked_commands(readme: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(fence) = fence_at(&lines, i) else {
            i += 1;
            continue;
        };
        if fence.lang != "console" {
            for (k, line) in fence.body.iter().enumerate() {
                if line.trim_start().starts_with("$ ") {
                    found.push((fence.start + k + 1, line.to_string()));
                }
            }
        }
        i = fence.end + 1;
    }
    found
}

/// Whether `actual` lines match `expected`, where a `...` line matches any
/// run of lines (the shortest that lets the rest match).
fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first.trim() == "..." => (0..=actual.len()).any(|skip| matches(rest, &actual[skip..])),
        Some((first, rest)) => {
            actual.first().is_some_and(|a| a.trim_end() == first.trim_end()) && matches(rest, &actual[1..])
        }
    }
}

struct Scenario {
    dir: tempfile::TempDir,
    now: String,
}

impl Scenario {
    fn new(now: &str) -> Scenario {
        Scenario {
            dir: tempfile::tempdir().unwrap(),
            now: now.to_string(),
        }
    }

    fn run(&self, command: &str) -> String {
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_iskra")).parent().unwrap();
        let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
        let out = Command::new("sh")
            .arg("-c")
            .arg(command)
            .current_dir(self.dir.path())
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.dir.path())
            .env("ISKRA_NOW", &self.now)
            .env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .env("LANG", "C.UTF-8")
            .output()
            .expect("sh runs");
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        text.replace(&self.dir.path().display().to_string(), "~")
    }
}

fn readme() -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

#[test]
fn the_matcher_skips_with_dots() {
    let e = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(matches(&e(&["a", "...", "d"]), &["a", "b", "c", "d"]));
    assert!(matches(&e(&["a", "..."]), &["a"]));
    assert!(!matches(&e(&["a", "d"]), &["a", "b", "d"]));
    assert!(!matches(&e(&["a", "...", "e"]), &["a", "b", "d"]));
}

#[test]
fn commands_outside_console_blocks_are_found() {
    let text = "```console\n$ iskra status\n```\n\n```sh\niskra review\n```\n\n```\n$ iskra stats\n```\n\n  ```sh\n  $ iskra undo\n  ```\n";
    assert_eq!(
        unchecked_commands(text),
        [(10, "$ iskra stats".to_string()), (14, "$ iskra undo".to_string())]
    );
}

#[test]
fn every_command_in_the_readme_is_in_a_console_block() {
    let (path, text) = readme();
    let found = unchecked_commands(&text);
    assert!(
        found.is_empty(),
        "commands in fenced blocks that are not ```console, so no test runs them; make the block ```console with \
         the real output, or show the command without `$ `:\n{}",
        found
            .iter()
            .map(|(line, text)| format!("{}:{line}: {text}", path.display()))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_console_example_in_the_readme_is_what_iskra_prints() {
    let (path, text) = readme();
    let steps = steps(&text);
    let runs = steps.iter().filter(|s| matches!(s, Step::Run { .. })).count();
    let mut scenario = Scenario::new(START);
    let mut failures = Vec::new();
    for step in steps {
        match step {
            Step::Fresh => scenario = Scenario::new(START),
            Step::Setup(command) => {
                scenario.run(&command);
            }
            Step::Now(now) => scenario.now = now,
            Step::File { path, text } => {
                let target = scenario.dir.path().join(&path);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::write(target, text).unwrap();
            }
            Step::Run {
                line,
                command,
                expected,
            } => {
                let actual = scenario.run(&command);
                let actual_lines: Vec<&str> = actual.lines().collect();
                if !matches(&expected, &actual_lines) {
                    failures.push(format!(
                        "{}:{line}: $ {command}\n--- README shows:\n{}\n--- iskra prints:\n{actual}",
                        path.display(),
                        expected.join("\n")
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(runs >= 34, "the README's examples are found ({runs})");
}
