//! The bundled content: every fact cites an existing fact of a seed sheet,
//! nothing in the project copies the source reviews' sentences
//! (`../shared/tools/copycheck.py`, skipped with a message when `../shared`
//! is not next to the project), and every fact keeps the editorial rules of
//! issue 19 (`content_problems`): short answers, prompts that do not give
//! their answer away, no two identical prompts, `alt:` lines that add
//! something, a source that resolves, and retired ids never reused.
//! `content_rules_catch_what_they_should` feeds a deck breaking each rule
//! through the same checks, so every rule is shown to fail when it should.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use iskra::deck::build::{bundled_sources, parse_sources};
use iskra::deck::{Deck, Fact, FactBody, parse_deck};
use iskra::quiz::normalize::Folded;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Longest answer, in words, that a card may expect (list answers excepted).
const MAX_ANSWER_WORDS: usize = 8;

/// The fact numbers (`N.` at the start of a line) of a seed sheet.
fn fact_numbers(sheet: &str) -> HashSet<u32> {
    sheet
        .lines()
        .filter_map(|line| line.split_once(". ").and_then(|(n, _)| n.parse().ok()))
        .collect()
}

/// What is wrong with a fact's `source:`, if anything: it must name a seed
/// sheet under `seeds/` of the project at `root` and one of its fact numbers
/// (`seeds/002-rosmer-essay.md#6`).
fn source_problem(root: &Path, source: Option<&str>) -> Option<String> {
    let Some(source) = source else {
        return Some("no source".into());
    };
    let Some((file, number)) = source.split_once('#') else {
        return Some(format!("source {source:?} names no fact number"));
    };
    let sheet_name = file.strip_prefix("seeds/").unwrap_or_default();
    if sheet_name.is_empty() || sheet_name.contains('/') || !sheet_name.ends_with(".md") {
        return Some(format!("source {source:?} is not a fact sheet in seeds/"));
    }
    let Ok(sheet) = std::fs::read_to_string(root.join(file)) else {
        return Some(format!("{file} does not exist"));
    };
    if !number.parse().is_ok_and(|n| fact_numbers(&sheet).contains(&n)) {
        return Some(format!("{file} has no fact {number}"));
    }
    None
}

/// The prompt a fact shows, for comparing facts: the question, the cloze
/// text, the sequence title or the timeline event.
fn prompt_of(body: &FactBody) -> &str {
    body.first_text()
}

/// Whether `needle`'s folded words occur, in order and next to each other,
/// among `haystack`'s.
fn contains_words(haystack: &Folded, needle: &Folded) -> bool {
    let (hay, words) = (haystack.tokens(), needle.tokens());
    !words.is_empty() && hay.windows(words.len()).any(|w| w == words)
}

/// A list answer enumerates three or more short items ("Bukharin, Kamenev
/// and Stalin", "1922, 1923 and 1924"); a clause that merely holds a comma
/// and an "and" is not a list.
fn is_list_answer(answer: &str) -> bool {
    let items: Vec<&str> = answer
        .split([',', ';'])
        .flat_map(|part| part.split(" and "))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect();
    items.len() >= 3 && items.iter().all(|item| item.split_whitespace().count() <= 3)
}

/// Whether a card of this template expects a short answer: a q/a answer
/// (`basic`), a cloze deletion or a sequence item (`after:…`, `before:…`).
/// A reverse card expects the question, an order card the whole list, an
/// event card the event.
fn expects_short_answer(template: &str) -> bool {
    template == "basic" || ["cloze:", "after:", "before:"].iter().any(|p| template.starts_with(p))
}

/// The ids a deck file lists as retired (`// retired: ID` comments).
fn retired_ids(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("// retired:"))
        .map(|id| id.trim().to_string())
        .collect()
}

/// Every way `fact` breaks the rules on its own, one line each.
fn fact_problems(root: &Path, fact: &Fact) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(problem) = source_problem(root, fact.source.as_deref()) {
        problems.push(problem);
    }
    if fact.tags.is_empty() {
        problems.push("no tags".into());
    }
    for card in fact.cards() {
        let words = card.answer.split_whitespace().count();
        if expects_short_answer(&card.template) && words > MAX_ANSWER_WORDS && !is_list_answer(&card.answer) {
            problems.push(format!(
                "{} card: answer {:?} has {words} words (at most {MAX_ANSWER_WORDS} unless a list)",
                card.template, card.answer
            ));
        }
        let (front, answer) = (Folded::new(&card.front), Folded::new(&card.answer));
        if contains_words(&front, &answer) {
            problems.push(format!(
                "{} card: the prompt contains its answer {:?}",
                card.template, card.answer
            ));
        } else if let Some(number) = answer
            .numbers()
            .into_iter()
            .find(|n| front.tokens().iter().any(|t| t == n))
        {
            problems.push(format!(
                "{} card: the prompt gives away {number} of its answer {:?}",
                card.template, card.answer
            ));
        }
    }
    if let FactBody::Qa { question, answer, .. } = &fact.body {
        let mut seen = HashSet::from([Folded::new(answer).key()]);
        let prompt = Folded::new(&format!("{question} {}", fact.hint.as_deref().unwrap_or_default()));
        for alt in &fact.alternatives {
            if !seen.insert(Folded::new(alt).key()) {
                problems.push(format!("alt {alt:?} repeats the answer or another alt once folded"));
            }
            if contains_words(&prompt, &Folded::new(alt)) {
                problems.push(format!("the prompt contains the accepted answer {alt:?}"));
            }
        }
    }
    problems
}

/// Every way the decks break the content rules, one line each, named
/// `deck/fact`. `files` holds each deck's file text by deck key, for its
/// `// retired:` list.
fn content_problems(root: &Path, decks: &[Deck], files: &HashMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut fact_prompts: HashMap<String, String> = HashMap::new();
    let mut card_prompts: HashMap<String, String> = HashMap::new();
    for deck in decks {
        for fact in &deck.facts {
            let name = format!("{}/{}", deck.key, fact.id);
            problems.extend(fact_problems(root, fact).into_iter().map(|p| format!("{name}: {p}")));
            if let Some(other) = fact_prompts.insert(Folded::new(prompt_of(&fact.body)).key(), name.clone()) {
                problems.push(format!("{name}: same prompt as {other} once folded"));
            }
            for card in fact.cards() {
                let card_name = format!("{name} ({})", card.template);
                if let Some(other) = card_prompts.insert(Folded::new(&card.front).key(), card_name.clone()) {
                    problems.push(format!("{card_name}: same card prompt as {other} once folded"));
                }
            }
        }
        let live: HashSet<&str> = deck.facts.iter().map(|f| f.id.as_str()).collect();
        for id in retired_ids(files.get(&deck.key).map_or("", String::as_str)) {
            if live.contains(id.as_str()) {
                problems.push(format!("{}/{id}: a retired id is used again", deck.key));
            }
        }
    }
    problems
}

#[test]
fn bundled_facts_follow_the_content_rules() {
    let sources = bundled_sources();
    let decks = parse_sources(&sources).expect("bundled decks parse");
    let total: usize = decks.iter().map(|d| d.facts.len()).sum();
    assert!(total >= 200, "only {total} facts in the bundled decks");
    let files: HashMap<String, String> = sources
        .iter()
        .map(|s| (s.key.clone(), String::from_utf8_lossy(&s.bytes).into_owned()))
        .collect();
    let problems = content_problems(Path::new(ROOT), &decks, &files);
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

/// A deck in which every fact but `clean` breaks one rule.
const BAD_DECK: &str = "\
# Bad

## clean
q: In which year was Alfred Rosmer born?
a: 1877
tags: t
source: seeds/002-rosmer-essay.md#6

## list-answer
q: Which three Bolshevik leaders did Rosmer see arriving?
a: Nikolai Ivanovich Bukharin, Lev Borisovich Kamenev and Joseph Vissarionovich Stalin
tags: t
source: seeds/001-rosmer-reader-comments.md#20

## long-answer
q: What were the new parties a mixture of?
a: Converts from the old parties and young, often ultraleft militants
tags: t
source: seeds/002-rosmer-essay.md#142

## long-deletion
cloze: The parties were {{converts from the old parties and young ultraleft militants}}.
tags: t
source: seeds/002-rosmer-essay.md#142

## answer-in-question
q: Which city hosted the Congress of Baku?
a: Baku
tags: t
source: seeds/002-rosmer-essay.md#90

## answer-in-hint
q: In which city did the Congress of the Peoples of the East meet?
a: Baku
hint: the oil city of Baku
tags: t
source: seeds/002-rosmer-essay.md#90

## year-in-event
timeline: 1924-06
event: The Fifth Congress meets in 1924
tags: t
source: seeds/002-rosmer-essay.md#173

## same-prompt-a
q: Who translated the book?
a: Ian Birchall
tags: t
source: seeds/002-rosmer-essay.md#1

## same-prompt-b
q: Who translated  the BOOK
a: Birchall
tags: t
source: seeds/002-rosmer-essay.md#1

## same-card-a
q: What does NEP stand for?
a: New Economic Policy
tags: t
source: seeds/002-rosmer-essay.md#99
cards: basic reverse

## same-card-b
q: Which policy followed war communism?
a: The New Economic Policy
tags: t
source: seeds/002-rosmer-essay.md#135
cards: basic reverse

## alt-is-answer
q: From which country did John Reed come?
a: The United States
alt: united states
tags: t
source: seeds/002-rosmer-essay.md#107

## alt-in-question
q: Who besides Stalin believed Stalin could aim for first place?
a: No one but the man himself
alt: Stalin
tags: t
source: seeds/002-rosmer-essay.md#170

## no-source
q: Who led the Left Opposition?
a: Trotsky
tags: t

## no-number
q: Which current first attracted Rosmer?
a: Anarchism
tags: t
source: seeds/002-rosmer-essay.md

## bad-number
q: What did Rosmer work as for a short time?
a: Minor civil servant
tags: t
source: seeds/002-rosmer-essay.md#999

## missing-sheet
q: In which country did Serge grow up?
a: Belgium
tags: t
source: seeds/nope.md#1

## outside-seeds
q: Which party did Serge join?
a: The Bolsheviks
tags: t
source: seeds/../Cargo.toml#1

## untagged
q: Into what kind of family was Rosmer born?
a: A worker's family
source: seeds/002-rosmer-essay.md#6

## back-again
q: What had the ground floor of the house become?
a: A museum
tags: t
source: seeds/002-rosmer-essay.md#84

// retired: back-again
";

#[test]
fn content_rules_catch_what_they_should() {
    let deck = parse_deck("bad.deck", "bad", BAD_DECK.as_bytes()).expect("the bad deck parses");
    let files = HashMap::from([("bad".to_string(), BAD_DECK.to_string())]);
    let problems = content_problems(Path::new(ROOT), &[deck], &files);
    let about = |id: &str, what: &str| {
        problems
            .iter()
            .any(|p| p.starts_with(&format!("bad/{id}")) && p.contains(what))
    };
    for (id, what) in [
        ("long-answer", "has 10 words"),
        ("long-deletion", "cloze:1 card: answer"),
        ("answer-in-question", "the prompt contains its answer"),
        ("answer-in-hint", "the prompt contains its answer"),
        ("year-in-event", "gives away 1924"),
        ("same-prompt-b", "same prompt as bad/same-prompt-a"),
        ("same-card-b", "same card prompt as bad/same-card-a (reverse)"),
        ("alt-is-answer", "repeats the answer"),
        ("alt-in-question", "the prompt contains the accepted answer \"Stalin\""),
        ("no-source", "no source"),
        ("no-number", "names no fact number"),
        ("bad-number", "has no fact 999"),
        ("missing-sheet", "seeds/nope.md does not exist"),
        ("outside-seeds", "not a fact sheet in seeds/"),
        ("untagged", "no tags"),
        ("back-again", "a retired id is used again"),
    ] {
        assert!(
            about(id, what),
            "no problem {what:?} for {id}; found:\n{}",
            problems.join("\n")
        );
    }
    let flagged: HashSet<&str> = problems
        .iter()
        .filter_map(|p| p.strip_prefix("bad/"))
        .filter_map(|p| p.split([':', ' ']).next())
        .collect();
    let bad: HashSet<&str> = BAD_DECK
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .filter(|id| !matches!(*id, "clean" | "list-answer" | "same-prompt-a" | "same-card-a"))
        .collect();
    assert_eq!(
        flagged,
        bad,
        "exactly the bad facts are flagged:\n{}",
        problems.join("\n")
    );
}

#[test]
fn list_answers_and_word_matches() {
    assert!(contains_words(
        &Folded::new("Which city hosted the Congress of Baku?"),
        &Folded::new("Baku")
    ));
    assert!(!contains_words(
        &Folded::new("Which city hosted it?"),
        &Folded::new("Baku")
    ));
    assert!(is_list_answer("Bukharin, Kamenev and Stalin"));
    assert!(is_list_answer("1922, 1923 and 1924"));
    assert!(!is_list_answer("Lack of fuel and extreme cold"));
    assert!(!is_list_answer(
        "Converts from the old parties and young, often ultraleft militants"
    ));
    assert_eq!(
        Folded::new("The Trade Union Educational League").key(),
        Folded::new("Trade Union Educational League").key()
    );
    assert_eq!(retired_ids("// retired: leg-6-train\n## x\n"), vec!["leg-6-train"]);
}
