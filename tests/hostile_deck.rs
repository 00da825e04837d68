//! Hostile decks and answers: the work a deck file or a typed answer can
//! cause is bounded. Two long answers are compared without a matrix of their
//! lengths; cloze deletions nest a bounded depth; a fact makes a bounded
//! number of cards; the learning steps `config` keeps are the ones sync
//! shares. Each refusal says where (file:line:column) and what to do.

mod common;

use common::Scratch;

/// A memory cap for one run of the binary (address space, KiB): far more
/// than a run needs, far less than an (n+1)(m+1) matrix of two 19,000-letter
/// answers (2.9 GB).
const MEMORY_CAP_KB: u32 = 1_000_000;

/// The fact numbers of the questions a quiz asked, in order.
fn asked(stdout: &str) -> Vec<usize> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Q: Question "))
        .filter_map(|l| l.trim_end_matches('?').parse().ok())
        .collect()
}

/// Five facts whose answers are 19,000 letters long, all of one length.
fn long_answers() -> (String, Vec<String>) {
    let mut state = 7u32;
    let mut letter = || {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        char::from(b'a' + ((state >> 16) % 10) as u8)
    };
    let answers: Vec<String> = (0..5)
        .map(|_| {
            (0..2000)
                .map(|_| (0..9).map(|_| letter()).collect::<String>())
                .collect::<Vec<_>>()
                .join(" ")[..19_000]
                .to_string()
        })
        .collect();
    let deck = answers.iter().enumerate().fold("# Long\n".to_string(), |deck, (i, a)| {
        deck + &format!("\n## f{i}\nq: Question {i}?\na: {a}\n")
    });
    (deck, answers)
}

#[test]
fn long_answers_of_one_length_are_compared_within_a_small_memory_cap() {
    let s = Scratch::new();
    let (deck, answers) = long_answers();
    s.write("long.deck", deck);
    s.build(&["long.deck"]);
    // Choice: the distractors are other facts' answers, each compared with
    // the right one (no typing needed).
    let quiz = |mode: &str, input: &str| {
        let run = s.run_capped(
            MEMORY_CAP_KB,
            &["quiz", "--mode", mode, "--count", "5", "--seed", "1"],
            input,
        );
        assert_eq!(run.code, 0, "{}", &run.stderr[..run.stderr.len().min(2000)]);
        run
    };
    let choice = quiz("choice", &"1\n".repeat(5));
    assert_eq!(asked(&choice.stdout).len(), 5, "five questions asked");
    // Typed: each expected answer with two neighbouring letters swapped, in
    // the order the seed asks them (a first run, answered wrong, shows it).
    let order = asked(&quiz("typed", &"no\n".repeat(5)).stdout);
    assert_eq!(order.len(), 5);
    let input: String = order
        .iter()
        .map(|&i| {
            let mut letters: Vec<char> = answers[i].chars().collect();
            letters.swap(5, 6);
            letters.into_iter().collect::<String>() + "\n"
        })
        .collect();
    let typed = quiz("typed", &input);
    assert_eq!(asked(&typed.stdout)[..5], order[..]);
    assert_eq!(
        typed.stdout.matches("almost (1 typo)").count(),
        5,
        "a swap is one typo: {}",
        &typed.stdout[typed.stdout.len().saturating_sub(600)..]
    );
}

#[test]
fn clozes_nested_too_deep_are_refused_where_they_go_too_deep() {
    let s = Scratch::new();
    let deep = format!("{}x{}", "{{c1::".repeat(40), "}}".repeat(40));
    s.write(
        "deep.deck",
        format!("# Deep\n\n## ok\nq: a?\na: b\n\n## n\ncloze: {deep}\n"),
    );
    let run = s.run(&["build", "deep.deck"]).fails();
    // The 33rd `{{c1::` starts 32 × 6 bytes into the value, at column 8 + 192.
    assert!(
        run.stderr
            .contains("deep.deck:8:200: error: cloze deletions nested more than 32 deep"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("split the fact"), "{}", run.stderr);
    assert_eq!(s.count("SELECT count(*) FROM facts"), 0, "nothing half-built");
    // 32 levels are fine.
    let fine = format!("{}x{}", "{{c1::".repeat(32), "}}".repeat(32));
    s.write("fine.deck", format!("# Fine\n\n## n\ncloze: {fine}\n"));
    s.build(&["fine.deck"]);
    assert_eq!(s.count("SELECT count(*) FROM cards"), 1);
}

#[test]
fn a_fact_with_more_cards_than_its_text_allows_is_refused_with_a_hint_to_split_it() {
    let s = Scratch::new();
    // Review 5 F1: 20 facts, each a cloze of 500 deletions in 19,896
    // characters (a 398 KB file): before, a 777 MB collection (452 MB of
    // memory, 30 s). Each card holds the whole text, so 19,896 characters
    // make at most 10 cards: the 11th deletion of each fact is refused.
    let parts = (0..500)
        .map(|i| format!("{{{{x{i}}}}} {}", "y".repeat(30)))
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(parts.chars().count() + "cloze: ".len(), 19_896);
    let facts = (0..20)
        .map(|f| format!("## f{f}\ncloze: {parts}\n"))
        .collect::<Vec<_>>();
    s.write("amp.deck", format!("# Amp\n\n{}", facts.join("\n")));
    let run = s.run(&["build", "amp.deck"]).fails();
    let col = |offset: usize| offset + "cloze: ".len() + 1;
    let eleventh = parts.find("{{x10}}").unwrap();
    for line in [4, 4 + 3 * 19] {
        let expected = format!(
            "amp.deck:{line}:{}: error: a cloze this long may make at most 10 cards",
            col(eleventh)
        );
        assert!(run.stderr.contains(&expected), "{expected}\n{}", &run.stderr[..2_000]);
    }
    assert_eq!(run.stderr.matches("split the fact").count(), 20);
    assert_eq!(s.count("SELECT count(*) FROM cards"), 0, "nothing built");
    // A numbered cloze, and a sequence past its item cap, are refused too.
    let numbered = (1..=200).map(|n| format!("{{{{c{n}::w}}}} ")).collect::<String>();
    let items: String = (1..=501).map(|i| format!("item: stop {i}\n")).collect();
    s.write(
        "many.deck",
        format!("# Many\n\n## b\ncloze: {numbered}\n\n## c\nsequence: Route\n{items}"),
    );
    let run = s.run(&["build", "many.deck"]).fails();
    // 200 numbers in 2,292 characters: 87 cards.
    let extra = numbered.find("{{c88::").unwrap();
    for expected in [
        format!(
            "many.deck:4:{}: error: a cloze this long may make at most 87 cards",
            col(extra)
        ),
        "many.deck:508:7: error: a sequence with more than 500 items".to_string(),
    ] {
        assert!(run.stderr.contains(&expected), "{expected}\n{}", run.stderr);
    }
    assert_eq!(run.stderr.matches("split the fact").count(), 2, "{}", run.stderr);
    assert_eq!(s.count("SELECT count(*) FROM cards"), 0);
    // A 20-deletion cloze of a 10,000-character text builds, as do 100
    // numbered deletions in a short text.
    let paragraph = format!("{}{}", "{{w}} ".repeat(20), "y".repeat(10_000 - 120));
    let hundred = (1..=100).map(|n| format!("{{{{c{n}::w}}}} ")).collect::<String>();
    s.write(
        "most.deck",
        format!("# Most\n\n## a\ncloze: {paragraph}\n\n## b\ncloze: {hundred}\n"),
    );
    s.build(&["most.deck"]);
    assert_eq!(s.count("SELECT count(*) FROM cards"), 120);
}

#[test]
fn config_keeps_no_more_learning_steps_than_sync_shares() {
    let s = Scratch::new();
    let twenty = vec!["1m"; 20].join(" ");
    s.run(&["config", "learn-steps", &twenty]).ok();
    let many = vec!["1m"; 40_000].join(" ");
    for key in ["learn-steps", "relearn-steps"] {
        let run = s.run(&["config", key, &many]).fails();
        assert!(
            run.stderr.contains("at most 20 steps"),
            "{}",
            &run.stderr[..run.stderr.len().min(500)]
        );
        assert!(
            run.stderr.len() < 500,
            "the error quotes the value's start: {} bytes",
            run.stderr.len()
        );
    }
    assert_eq!(s.run(&["config", "learn-steps"]).ok().stdout.trim(), twenty);
}
