//! The bundled content: every fact cites an existing fact of a seed sheet,
//! and nothing in the project copies the source reviews' sentences
//! (`../shared/tools/copycheck.py`, skipped with a message when `../shared`
//! is not next to the project), and the editorial rules every fact keeps
//! (`bundled_facts_follow_the_content_rules`).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use iskra::deck::FactBody;
use iskra::deck::build::{bundled_sources, parse_sources};
use iskra::quiz::normalize::Folded;

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

/// The prompt a fact shows, for comparing facts: the question, the cloze
/// text, the sequence title or the timeline event.
fn prompt_of(body: &FactBody) -> &str {
    match body {
        FactBody::Qa { question, .. } => question,
        FactBody::Cloze { text } => text,
        FactBody::Sequence { title, .. } => title,
        FactBody::Timeline { event, .. } => event,
    }
}

/// Whether `needle`'s folded words occur, in order and next to each other,
/// among `haystack`'s.
fn contains_words(haystack: &Folded, needle: &Folded) -> bool {
    let (hay, words) = (haystack.tokens(), needle.tokens());
    !words.is_empty() && hay.windows(words.len()).any(|w| w == words)
}

/// A list card's answer enumerates three or more items ("A, B and C").
fn is_list_answer(answer: &str) -> bool {
    answer
        .split([',', ';'])
        .flat_map(|part| part.split(" and "))
        .filter(|item| !item.trim().is_empty())
        .count()
        >= 3
}

/// The ids a deck file lists as retired (`// retired: ID` comments).
fn retired_ids(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("// retired:"))
        .map(|id| id.trim().to_string())
        .collect()
}

/// Editorial rules for the bundled facts (issue 19): short answers, prompts
/// that do not give their answer away, no duplicate prompts, `alt:` lines
/// that add something, and retired ids never reused.
#[test]
fn bundled_facts_follow_the_content_rules() {
    let sources = bundled_sources();
    let decks = parse_sources(&sources).expect("bundled decks parse");
    let mut problems = Vec::new();
    let mut prompts: HashMap<String, String> = HashMap::new();
    for deck in &decks {
        for fact in &deck.facts {
            let name = format!("{}/{}", deck.key, fact.id);
            let prompt = Folded::new(prompt_of(&fact.body));
            if let Some(other) = prompts.insert(prompt.key(), name.clone()) {
                problems.push(format!("{name}: same prompt as {other} once folded"));
            }
            if let FactBody::Qa { question, answer, .. } = &fact.body {
                let words = answer.split_whitespace().count();
                if words > 8 && !is_list_answer(answer) {
                    problems.push(format!("{name}: answer has {words} words (at most 8)"));
                }
                if contains_words(&Folded::new(question), &Folded::new(answer)) {
                    problems.push(format!("{name}: the question contains its answer {answer:?}"));
                }
                let folded_answer = Folded::new(answer).key();
                for alt in &fact.alternatives {
                    if Folded::new(alt).key() == folded_answer {
                        problems.push(format!("{name}: alt {alt:?} is the answer again"));
                    }
                }
            }
        }
    }
    for deck in &decks {
        let text = std::fs::read_to_string(Path::new(ROOT).join("decks").join(format!("{}.deck", deck.key)))
            .expect("deck file");
        let live: HashSet<&str> = deck.facts.iter().map(|f| f.id.as_str()).collect();
        for id in retired_ids(&text) {
            if live.contains(id.as_str()) {
                problems.push(format!("{}/{id}: a retired id is used again", deck.key));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn content_rules_catch_what_they_should() {
    assert!(contains_words(
        &Folded::new("Which city hosted the Congress of Baku?"),
        &Folded::new("Baku")
    ));
    assert!(!contains_words(
        &Folded::new("Which city hosted it?"),
        &Folded::new("Baku")
    ));
    assert!(is_list_answer("Bukharin, Kamenev and Stalin"));
    assert!(!is_list_answer("Lack of fuel and extreme cold"));
    assert_eq!(
        Folded::new("The Trade Union Educational League").key(),
        Folded::new("Trade Union Educational League").key()
    );
    assert_eq!(retired_ids("// retired: leg-6-train\n## x\n"), vec!["leg-6-train"]);
}
