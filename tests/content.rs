//! The bundled content: every fact cites an existing fact of a seed sheet,
//! and nothing in the project copies the source reviews' sentences
//! (`../shared/tools/copycheck.py`, skipped with a message when `../shared`
//! is not next to the project).

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use iskra::deck::build::{bundled_sources, parse_sources};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The fact numbers (`N.` at the start of a line) of a seed sheet.
fn fact_numbers(sheet: &str) -> HashSet<u32> {
    sheet
        .lines()
        .filter_map(|line| line.split_once(". ").and_then(|(n, _)| n.parse().ok()))
        .collect()
}

#[test]
fn every_fact_cites_an_existing_seed_fact() {
    let decks = parse_sources(&bundled_sources()).expect("bundled decks parse");
    let total: usize = decks.iter().map(|d| d.facts.len()).sum();
    assert!(total >= 200, "only {total} facts in the bundled decks");
    let mut problems = Vec::new();
    for deck in &decks {
        for fact in &deck.facts {
            let Some(source) = &fact.source else {
                problems.push(format!("{}/{}: no source", deck.key, fact.id));
                continue;
            };
            let Some((file, number)) = source.split_once('#') else {
                problems.push(format!(
                    "{}/{}: source {source:?} names no fact number",
                    deck.key, fact.id
                ));
                continue;
            };
            let Ok(sheet) = std::fs::read_to_string(Path::new(ROOT).join(file)) else {
                problems.push(format!("{}/{}: {file} does not exist", deck.key, fact.id));
                continue;
            };
            if !number.parse().is_ok_and(|n| fact_numbers(&sheet).contains(&n)) {
                problems.push(format!("{}/{}: {file} has no fact {number}", deck.key, fact.id));
            }
            if fact.tags.is_empty() {
                problems.push(format!("{}/{}: no tags", deck.key, fact.id));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn seed_sheets_cover_all_five_sources() {
    for name in [
        "000-rosmer-newspaper-review.md",
        "001-rosmer-reader-comments.md",
        "002-rosmer-essay.md",
        "003-serge-reading-group.md",
        "004-serge-review.md",
    ] {
        let sheet = std::fs::read_to_string(Path::new(ROOT).join("seeds").join(name)).unwrap();
        assert!(fact_numbers(&sheet).len() >= 10, "{name} has few facts");
    }
}

#[test]
fn nothing_is_copied_from_the_source_reviews() {
    let tool = Path::new(ROOT).join("../shared/tools/copycheck.py");
    if !tool.exists() {
        eprintln!(
            "skipped: {} is absent (the seeds are not next to this checkout)",
            tool.display()
        );
        return;
    }
    let output = Command::new("python3")
        .arg(&tool)
        .arg(ROOT)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "copycheck found copied runs:\n{stdout}");
    assert!(
        stdout.contains("no copied runs"),
        "unexpected copycheck output:\n{stdout}"
    );
}
