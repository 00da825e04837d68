//! Wording: counts of one are singular, nothing says `fact(s)`, in every
//! snapshot the tests keep and in the output of the commands that count
//! things, run on a collection where the counts are one.

mod common;

use std::path::Path;

use common::{NOW, Scratch};

/// Nouns iskra counts; `1 <noun>s` is a slip.
const NOUNS: &[&str] = &[
    "fact",
    "card",
    "day",
    "answer",
    "review",
    "note",
    "deck",
    "question",
    "backup",
    "log row",
    "check",
    "typo",
    "draft",
    "reviewed card",
    "new card",
    "new fact",
    "studied card",
    "more new card",
    "lapse",
    "row",
    "event",
];

/// A count of one with the verb of many: `1 more new card wait`.
const VERB_SLIPS: &[&str] = &["1 more new card wait "];

/// The slips in `text`: `1 cards`, `(s)`.
fn slips(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for noun in NOUNS {
        for plural in [format!("{noun}s"), format!("{noun}es")] {
            let wrong = format!(" 1 {plural}");
            let at_start = format!("\n1 {plural}");
            if text.contains(&wrong) || text.contains(&at_start) || text.starts_with(&format!("1 {plural}")) {
                found.push(format!("1 {plural}"));
            }
        }
    }
    for slip in VERB_SLIPS {
        if text.contains(slip) {
            found.push(slip.trim_end().to_string());
        }
    }
    for marker in ["(s)", "(es)"] {
        if text.contains(marker) {
            found.push(marker.to_string());
        }
    }
    found
}

#[test]
fn the_checker_finds_slips() {
    assert_eq!(slips("deck: 1 facts · 2 cards"), ["1 facts"]);
    assert_eq!(slips("1 days"), ["1 days"]);
    assert_eq!(slips("3 fact(s) added"), ["(s)"]);
    assert_eq!(slips("(means over 1 studied cards)"), ["1 studied cards"]);
    assert_eq!(slips("1 more new card wait for a later day"), ["1 more new card wait"]);
    assert!(slips("1 more new card waits for a later day").is_empty());
    assert!(slips("1 fact · 2 cards · 11 days · 21 answers").is_empty());
}

fn snapshot_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            snapshot_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn no_snapshot_says_one_of_something_in_the_plural() {
    let mut files = Vec::new();
    snapshot_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"),
        &mut files,
    );
    assert!(files.len() >= 10, "the snapshots are where they were: {files:?}");
    let mut found = Vec::new();
    for file in files {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        for slip in slips(&text) {
            found.push(format!("{}: {slip}", file.display()));
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn commands_count_one_thing_in_the_singular() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("decks")).unwrap();
    s.write(
        "decks/one.deck",
        "# One\nnew-per-day: 1\n\n## only\nq: What is the only question?\na: This one\n",
    );
    let mut outputs = vec![s.build(&["decks/one.deck"]).ok().stdout];
    outputs.push(s.run(&["deck", "list"]).ok().stdout);
    outputs.push(s.run(&["deck", "show", "one"]).ok().stdout);
    outputs.push(
        s.run(&[
            "add",
            "--deck",
            "one",
            "--question",
            "What is the second question?",
            "--answer",
            "That one",
        ])
        .ok()
        .stdout,
    );
    outputs.push(s.review_at(NOW, "3\nq\n").ok().stdout);
    outputs.push(s.run(&["stats", "--days", "1"]).ok().stdout);
    let report = s.path("report.html");
    s.run(&["report", "--out", report.to_str().unwrap(), "--days", "1"])
        .ok();
    outputs.push(std::fs::read_to_string(&report).unwrap());
    outputs.push(
        s.run_at(NOW, &["quiz", "--count", "1", "--mode", "typed", "--seed", "1"], "x\n")
            .ok()
            .stdout,
    );
    outputs.push(s.run(&["status"]).ok().stdout);
    outputs.push(s.run(&["deck", "delete", "one", "--yes"]).ok().stdout);
    let found: Vec<String> = outputs
        .iter()
        .flat_map(|o| {
            slips(o).into_iter().map(|slip| {
                let at = o.find(&slip).unwrap_or(0);
                let start = o[..at].rfind('\n').map_or(0, |i| i + 1);
                let end = o[at..].find('\n').map_or(o.len(), |i| at + i);
                format!("{slip}: {}", &o[start..end])
            })
        })
        .collect();
    assert!(found.is_empty(), "{found:#?}");
    // The counts were one where it matters.
    assert!(outputs[1].contains("1 fact · 1 card"), "{}", outputs[1]);
    assert!(outputs[3].contains("(1 card: basic)"), "{}", outputs[3]);
    assert!(
        outputs[4].contains("Session done: 1 answer on 1 card, ")
            && outputs[4].contains("\n1 more new card waits for a later day (daily limit).\n"),
        "{}",
        outputs[4]
    );
    assert!(outputs[5].contains("(means over 1 studied card)"), "{}", outputs[5]);
    assert!(outputs[6].contains("mean over 1 studied card<"), "report");
    assert!(outputs[9].contains(": 2 facts, 2 cards, 1 review.\n"), "{}", outputs[9]);
}
