//! Distractor tests: kinds, same-kind options, no duplicates, never an
//! alternative spelling of the right answer, reproducible with a seed.

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::*;

fn tags(list: &[&str]) -> Vec<String> {
    list.iter().map(|t| t.to_string()).collect()
}

fn candidate(fact: &str, question: Option<&str>, answer: &str, alternatives: &[&str], tag_list: &[&str]) -> Candidate {
    let alternatives = tags(alternatives);
    Candidate {
        fact: fact.to_string(),
        expected: Expected::new(answer, &alternatives),
        kind: classify(question, answer, &tags(tag_list)),
    }
}

/// A deck's worth of answers of mixed kinds.
fn pool() -> Vec<Candidate> {
    vec![
        candidate(
            "born",
            Some("In which year was Rosmer born?"),
            "1877",
            &[],
            &["biography"],
        ),
        candidate("died", Some("In which year did Lenin die?"), "1924", &[], &[]),
        candidate("nep", Some("In which year did NEP begin?"), "1921", &[], &[]),
        candidate("kron", Some("When was Kronstadt?"), "March 1921", &[], &[]),
        candidate(
            "chair",
            Some("Who chaired the Comintern?"),
            "Grigory Zinoviev",
            &["Zinoviev"],
            &[],
        ),
        candidate("army", Some("Who led the Red Army?"), "Leon Trotsky", &["Trotsky"], &[]),
        candidate(
            "whirl",
            Some("Which Bolshevik leader spoke of a whirlwind?"),
            "Lenin",
            &[],
            &[],
        ),
        candidate(
            "radek",
            Some("Who was sent to Germany in 1923?"),
            "Karl Radek",
            &[],
            &[],
        ),
        candidate(
            "baku",
            Some("Where was the congress of the peoples of the East?"),
            "Baku",
            &[],
            &[],
        ),
        candidate("leg2", Some("Where did Rosmer go after Catalonia?"), "Paris", &[], &[]),
        candidate(
            "capital",
            Some("Which city became the capital in 1918?"),
            "Moscow",
            &[],
            &[],
        ),
        candidate("leg4", None, "Vienna", &[], &["journey", "route"]),
        candidate(
            "famine",
            Some("What followed war communism?"),
            "The famine of 1921–1922",
            &[],
            &[],
        ),
        candidate("typhus", Some("What did Reed die of?"), "Typhus", &[], &[]),
        candidate(
            "ruins",
            Some("What did Rosmer find?"),
            "An accumulation of ruins",
            &[],
            &[],
        ),
        candidate(
            "policy",
            Some("What replaced war communism?"),
            "New Economic Policy",
            &["NEP"],
            &[],
        ),
    ]
}

fn by_fact<'a>(pool: &'a [Candidate], fact: &str) -> &'a Candidate {
    pool.iter().find(|c| c.fact == fact).unwrap()
}

fn kind_of(pool: &[Candidate], answer: &str) -> Option<Kind> {
    pool.iter().find(|c| c.expected.text() == answer).map(|c| c.kind)
}

#[test]
fn kinds_from_shape_question_and_tags() {
    let cases: &[(Option<&str>, &str, &[&str], Kind)] = &[
        (Some("In which year was Rosmer born?"), "1877", &[], Kind::Year),
        (None, "Early 1920", &[], Kind::Year),
        (None, "13 November 1922", &[], Kind::Date),
        (None, "June 1924", &[], Kind::Date),
        (None, "1918 to 1921", &[], Kind::Date),
        (None, "1921–1922", &[], Kind::Date),
        (None, "October", &[], Kind::Month),
        (None, "Four", &[], Kind::Number),
        (None, "six weeks", &[], Kind::Number),
        (
            Some("Who chaired the Comintern?"),
            "Grigory Zinoviev",
            &[],
            Kind::Person,
        ),
        (
            Some("According to Rosmer, who forced war communism?"),
            "The Whites and the Entente",
            &[],
            Kind::Person,
        ),
        (
            Some("Which Bolshevik leader remarked on it?"),
            "Lenin",
            &[],
            Kind::Person,
        ),
        (Some("Where did the ship take him?"), "St. Petersburg", &[], Kind::Place),
        (Some("To which city did he go?"), "Paris", &[], Kind::Place),
        (None, "Vienna", &["journey", "route"], Kind::Place),
        (None, "Karl Radek", &["people"], Kind::Person),
        (
            None,
            "Because the Second International had betrayed them",
            &["people"],
            Kind::Other,
        ),
        (
            Some("What replaced war communism?"),
            "New Economic Policy",
            &[],
            Kind::Name,
        ),
        (Some("What did Reed die of?"), "Typhus", &[], Kind::Other),
        (None, "Zinoviev", &[], Kind::Name),
        (None, "semi-lethargy", &[], Kind::Other),
        (
            Some("What was the famine?"),
            "The famine of 1921–1922",
            &[],
            Kind::Other,
        ),
    ];
    for (question, answer, tag_list, want) in cases {
        assert_eq!(classify(*question, answer, &tags(tag_list)), *want, "{answer:?}");
    }
}

#[test]
fn distractors_share_the_answers_kind() {
    let pool = pool();
    for (fact, kinds) in [
        ("born", &[Kind::Year][..]),
        ("chair", &[Kind::Person, Kind::Name][..]),
        ("leg2", &[Kind::Place, Kind::Name][..]),
    ] {
        let right = by_fact(&pool, fact);
        for seed in 0..20 {
            let wrong = distractors(right, &pool, 3, &mut StdRng::seed_from_u64(seed));
            assert_eq!(wrong.len(), 3, "{fact}: {wrong:?}");
            for w in &wrong {
                // Made-up years are years too, though no fact has them.
                let kind = kind_of(&pool, w).unwrap_or_else(|| classify(None, w, &[]));
                assert!(kinds.contains(&kind), "{fact}: {w:?} is {kind:?}");
            }
        }
    }
}

#[test]
fn same_kind_answers_come_before_made_up_ones() {
    let pool = pool();
    let wrong = distractors(by_fact(&pool, "born"), &pool, 2, &mut StdRng::seed_from_u64(3));
    let mut sorted = wrong.clone();
    sorted.sort();
    assert_eq!(sorted, ["1921", "1924"]);
    let wrong = distractors(by_fact(&pool, "born"), &pool, 3, &mut StdRng::seed_from_u64(3));
    let made_up: Vec<&String> = wrong
        .iter()
        .filter(|w| !["1921", "1924"].contains(&w.as_str()))
        .collect();
    assert_eq!(made_up.len(), 1, "{wrong:?}");
    let year: i64 = made_up[0].parse().unwrap();
    assert!((1871..=1883).contains(&year) && year != 1877, "{year}");
}

#[test]
fn options_are_distinct_and_never_the_answer_in_disguise() {
    let mut pool = pool();
    // Spellings of the right answer, a duplicate pair, and a fact whose
    // alternatives accept the right answer.
    pool.push(candidate("short", Some("Who spoke first?"), "Zinoviev", &[], &[]));
    pool.push(candidate("translit", Some("Who spoke next?"), "Zinovyev", &[], &[]));
    pool.push(candidate("typo", Some("Who spoke last?"), "Zinovev", &[], &[]));
    pool.push(candidate(
        "accents",
        Some("Who presided?"),
        "Grigóry Zinóviev",
        &[],
        &[],
    ));
    pool.push(candidate(
        "full",
        Some("Who else?"),
        "G. Zinoviev",
        &["Grigory Zinoviev"],
        &[],
    ));
    pool.push(candidate("dup1", Some("Who wrote it?"), "Victor Serge", &[], &[]));
    pool.push(candidate("dup2", Some("Who translated it?"), "victor serge", &[], &[]));
    let right = by_fact(&pool, "chair").clone();
    for seed in 0..50 {
        let opts = options(&right, &pool, &mut StdRng::seed_from_u64(seed)).unwrap();
        assert_eq!(opts.options.len(), MAX_OPTIONS);
        assert_eq!(opts.options[opts.correct], "Grigory Zinoviev");
        let folded: Vec<String> = opts.options.iter().map(|o| Folded::new(o).key()).collect();
        for (i, a) in folded.iter().enumerate() {
            assert!(!folded[i + 1..].contains(a), "duplicate {a:?} in {:?}", opts.options);
        }
        for (i, option) in opts.options.iter().enumerate().filter(|(i, _)| *i != opts.correct) {
            assert!(!right.expected.accepts(option), "{option:?} is the answer (option {i})");
            assert!(
                !["Zinovyev", "Zinovev", "Grigóry Zinóviev", "G. Zinoviev"].contains(&option.as_str()),
                "{option:?}"
            );
        }
    }
}

#[test]
fn seeded_choices_repeat_and_seeds_differ() {
    let pool = pool();
    let right = by_fact(&pool, "leg2");
    let run = |seed| options(right, &pool, &mut StdRng::seed_from_u64(seed)).unwrap();
    assert_eq!(run(42), run(42));
    let distinct: std::collections::HashSet<Vec<String>> = (0..10).map(|s| run(s).options).collect();
    assert!(distinct.len() > 1, "ten seeds gave one order");
}

#[test]
fn small_decks_give_fewer_options_or_none() {
    let pool = vec![
        candidate("a", Some("What did Reed die of?"), "Typhus", &[], &[]),
        candidate("b", Some("What was the wooden pavement like?"), "Terrible", &[], &[]),
    ];
    let opts = options(&pool[0], &pool, &mut StdRng::seed_from_u64(1)).unwrap();
    assert_eq!(opts.options.len(), 2);
    assert_eq!(opts.options[opts.correct], "Typhus");
    assert_eq!(options(&pool[0], &pool[..1], &mut StdRng::seed_from_u64(1)), None);
    // A year needs no other fact: nearby years stand in.
    let year = candidate("y", Some("In which year?"), "1877", &[], &[]);
    let opts = options(&year, &[], &mut StdRng::seed_from_u64(1)).unwrap();
    assert_eq!(opts.options.len(), MAX_OPTIONS);
    assert!(
        opts.options.iter().all(|o| classify(None, o, &[]) == Kind::Year),
        "{opts:?}"
    );
}

#[test]
fn made_up_numbers_months_and_dates_keep_their_form() {
    let mut rng = StdRng::seed_from_u64(9);
    let four = candidate("n", None, "Four", &[], &[]);
    let wrong = distractors(&four, &[], 3, &mut rng);
    assert_eq!(wrong.len(), 3);
    assert!(
        wrong
            .iter()
            .all(|w| w.chars().next().unwrap().is_uppercase() && !has_digit(w)),
        "{wrong:?}"
    );
    let date = candidate("d", None, "13 November 1922", &[], &[]);
    let wrong = distractors(&date, &[], 3, &mut rng);
    assert!(wrong.iter().all(|w| w.starts_with("13 November 19")), "{wrong:?}");
    let huge = candidate("h", None, "18446744073709551615 roubles", &[], &[]);
    assert!(distractors(&huge, &[], 3, &mut rng).is_empty());
    let month = candidate("m", None, "October", &[], &[]);
    let wrong = distractors(&month, &[], 3, &mut rng);
    assert!(
        wrong.iter().all(|w| month_number(w).is_some() && w != "October"),
        "{wrong:?}"
    );
}

#[test]
fn reorderings_are_other_orders() {
    let mut rng = StdRng::seed_from_u64(5);
    let orders = reorderings("Catalonia; Paris; Italy; Vienna", 3, &mut rng);
    assert_eq!(orders.len(), 3);
    for order in &orders {
        assert_ne!(order, "Catalonia; Paris; Italy; Vienna");
        let mut items: Vec<&str> = order.split("; ").collect();
        items.sort();
        assert_eq!(items, ["Catalonia", "Italy", "Paris", "Vienna"]);
    }
    assert_eq!(reorderings("A; B", 3, &mut rng), ["B; A"]);
    assert!(reorderings("alone", 3, &mut rng).is_empty());
}
