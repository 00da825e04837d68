//! Distractor tests: the same kind and form, never the answer in disguise,
//! never what the question shows, typed rather than invented, reproducible
//! with a seed.

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::*;
use crate::deck::date::month_number;
use crate::quiz::kind::{Opening, classify};

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|t| t.to_string()).collect()
}

fn candidate(fact: &str, question: Option<&str>, answer: &str, alternatives: &[&str], tags: &[&str]) -> Candidate {
    Candidate {
        fact: fact.to_string(),
        expected: Expected::new(answer, &strings(alternatives)),
        class: classify(question, answer, &strings(tags)),
    }
}

fn q(fact: &str, question: &str, answer: &str) -> Candidate {
    candidate(fact, Some(question), answer, &[], &[])
}

/// A deck's worth of answers of mixed kinds.
fn pool() -> Vec<Candidate> {
    vec![
        q("born", "In which year was Rosmer born?", "1877"),
        q("died", "In which year did Lenin die?", "1924"),
        q("nep", "In which year did NEP begin?", "1921"),
        q("kron", "When was Kronstadt?", "March 1921"),
        candidate(
            "chair",
            Some("Who chaired the Comintern?"),
            "Grigory Zinoviev",
            &["Zinoviev"],
            &[],
        ),
        candidate("army", Some("Who led the Red Army?"), "Leon Trotsky", &["Trotsky"], &[]),
        q("whirl", "Which Bolshevik leader spoke of a whirlwind?", "Lenin"),
        q("radek", "Who was sent to Germany in 1923?", "Karl Radek"),
        q("camus", "Which writer spoke of the difficulty?", "Albert Camus"),
        q("baku", "In which city did the congress of the East meet?", "Baku"),
        q("leg2", "Where did Rosmer go after Catalonia?", "Paris"),
        q("capital", "Which city became the capital in 1918?", "Moscow"),
        candidate("leg4", None, "Vienna", &[], &["journey", "route"]),
        q(
            "famine",
            "Which disaster followed war communism?",
            "The famine of 1921–1922",
        ),
        q("typhus", "What did Reed die of?", "Typhus"),
        q("ruins", "What did Rosmer find?", "An accumulation of ruins"),
        q("museum", "What had the ground floor become?", "A museum"),
        q("hut", "Where did the delegates wait?", "The guard hut"),
        q("policy", "What replaced war communism?", "New Economic Policy"),
        q(
            "fourth",
            "The founding of which International did Serge oppose?",
            "The Fourth International",
        ),
        q(
            "third",
            "Of which body was Rosmer a member?",
            "The Communist International",
        ),
        q(
            "rilu",
            "Which body did Rosmer help found?",
            "The Red International of Trade Unions",
        ),
        q("once", "How many times did he go?", "One"),
        q("ten", "How many delegates came?", "ten"),
    ]
}

fn by_fact<'a>(pool: &'a [Candidate], fact: &str) -> &'a Candidate {
    pool.iter().find(|c| c.fact == fact).unwrap()
}

fn sources<'p>(deck: &'p [Candidate], question: &'p str) -> Sources<'p> {
    Sources {
        deck,
        others: &[],
        question,
    }
}

fn run(right: &Candidate, pool: &[Candidate], want: usize, seed: u64) -> Vec<String> {
    distractors(right, sources(pool, ""), want, &mut StdRng::seed_from_u64(seed))
}

fn class_of(pool: &[Candidate], answer: &str) -> Option<Class> {
    pool.iter()
        .find(|c| c.expected.text() == answer)
        .map(|c| c.class.clone())
}

#[test]
fn distractors_share_the_answers_kind_and_form() {
    let pool = pool();
    for fact in ["born", "chair", "leg2", "third", "ruins"] {
        let right = by_fact(&pool, fact);
        for seed in 0..20 {
            let wrong = run(right, &pool, 3, seed);
            assert!(wrong.len() >= MIN_DISTRACTORS, "{fact}: {wrong:?}");
            for w in &wrong {
                // Made-up years are years too, though no fact has them.
                let class = class_of(&pool, w).unwrap_or_else(|| classify(None, w, &[]));
                assert_eq!(class.kind, right.class.kind, "{fact}: {w:?}");
            }
        }
    }
}

#[test]
fn no_number_or_phrase_stands_in_for_an_international() {
    // Issue 15: "The founding of which International did Serge oppose?
    // 1) The Fourth International 2) One 3) ten".
    let pool = pool();
    let mut right = by_fact(&pool, "fourth").clone();
    // Not an ordinal (those make their own neighbours, see below).
    right.expected = Expected::new("The Trotskyist International", &[]);
    let right = &right;
    for seed in 0..20 {
        let wrong = run(right, &pool, 3, seed);
        let mut sorted = wrong.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            ["The Communist International", "The Red International of Trade Unions"],
            "{wrong:?}"
        );
    }
    // With one other organisation only, nothing is invented: too few to ask.
    let small: Vec<Candidate> = pool.iter().filter(|c| c.fact != "rilu").cloned().collect();
    let wrong = run(right, &small, 3, 1);
    assert_eq!(wrong, ["The Communist International"]);
    assert_eq!(
        shuffled(right.expected.text(), wrong, &mut StdRng::seed_from_u64(1)),
        None
    );
}

#[test]
fn an_ordinal_name_gets_its_neighbours_first() {
    let pool = pool();
    let right = by_fact(&pool, "fourth");
    let wrong = run(right, &pool, 3, 3);
    assert_eq!(
        wrong,
        [
            "The Fifth International",
            "The Third International",
            "The Sixth International"
        ]
    );
}

#[test]
fn phrases_keep_their_opening() {
    let pool = pool();
    let right = by_fact(&pool, "ruins");
    assert_eq!(right.class.form, Form::Phrase(Opening::NounPhrase));
    for seed in 0..10 {
        let wrong = run(right, &pool, 3, seed);
        let mut sorted = wrong.clone();
        sorted.sort();
        // Not `Typhus` (bare), not a year: the other noun phrases.
        assert_eq!(sorted, ["A museum", "The guard hut"], "{wrong:?}");
    }
}

#[test]
fn possessives_and_lists_are_made_from_the_decks_names() {
    let mut pool = pool();
    pool.push(q("theory", "Whose theory was the united front?", "Trotsky's"));
    pool.push(q(
        "giants",
        "Which two Bolsheviks were the giants?",
        "Lenin and Trotsky",
    ));
    let theory = by_fact(&pool, "theory").clone();
    assert_eq!(theory.class.form, Form::Possessive);
    let wrong = run(&theory, &pool, 3, 4);
    assert_eq!(wrong.len(), 3, "{wrong:?}");
    assert!(wrong.iter().all(|w| w.ends_with("'s")), "{wrong:?}");
    assert!(!wrong.iter().any(|w| w.contains("Trotsky")), "{wrong:?}");
    let giants = by_fact(&pool, "giants").clone();
    assert_eq!(giants.class.form, Form::List(2));
    for seed in 0..10 {
        let wrong = run(&giants, &pool, 3, seed);
        assert_eq!(wrong.len(), 3, "{wrong:?}");
        for w in &wrong {
            assert_eq!(w.matches(" and ").count(), 1, "{w:?}");
            assert_eq!(classify(None, w, &[]).form, Form::List(2), "{w:?}");
        }
    }
}

#[test]
fn options_are_distinct_and_never_the_answer_in_disguise() {
    let mut pool = pool();
    // Spellings of the right answer, a duplicate pair, a fact whose
    // alternatives accept the right answer, and one that contains it.
    pool.push(q("short", "Who spoke first?", "Zinoviev"));
    pool.push(q("translit", "Who spoke next?", "Zinovyev"));
    pool.push(q("typo", "Who spoke last?", "Zinovev"));
    pool.push(q("accents", "Who presided?", "Grigóry Zinóviev"));
    pool.push(candidate(
        "full",
        Some("Who else?"),
        "G. Zinoviev",
        &["Grigory Zinoviev"],
        &[],
    ));
    pool.push(q("longer", "Who chaired it in 1919?", "Grigory Zinoviev Radomyslsky"));
    pool.push(q("dup1", "Who wrote it?", "Victor Serge"));
    pool.push(q("dup2", "Who translated it?", "victor serge"));
    let right = by_fact(&pool, "chair").clone();
    for seed in 0..50 {
        let wrong = run(&right, &pool, 3, seed);
        let opts = shuffled(right.expected.text(), wrong, &mut StdRng::seed_from_u64(seed)).unwrap();
        assert_eq!(opts.options.len(), MAX_OPTIONS);
        assert_eq!(opts.options[opts.correct], "Grigory Zinoviev");
        let folded: Vec<String> = opts.options.iter().map(|o| Folded::new(o).key()).collect();
        for (i, a) in folded.iter().enumerate() {
            assert!(!folded[i + 1..].contains(a), "duplicate {a:?} in {:?}", opts.options);
        }
        for (i, option) in opts.options.iter().enumerate().filter(|(i, _)| *i != opts.correct) {
            assert!(!right.expected.accepts(option), "{option:?} is the answer (option {i})");
            assert!(!overlaps(option, "Grigory Zinoviev"), "{option:?}");
        }
    }
}

#[test]
fn an_option_containing_the_answer_is_never_offered() {
    // Issue 15: `St. Petersburg (Petrograd)` next to `St. Petersburg`.
    let pool = vec![
        candidate("a", None, "St. Petersburg", &[], &["route"]),
        candidate("b", None, "St. Petersburg (Petrograd)", &[], &["route"]),
        candidate("c", None, "Prague", &[], &["route"]),
        candidate("d", None, "Berlin", &[], &["route"]),
    ];
    for seed in 0..20 {
        let wrong = run(&pool[0], &pool, 3, seed);
        let mut sorted = wrong.clone();
        sorted.sort();
        assert_eq!(sorted, ["Berlin", "Prague"], "{wrong:?}");
        assert!(run(&pool[1], &pool, 3, seed).iter().all(|w| !w.contains("Petersburg")));
    }
    assert!(overlaps("St. Petersburg", "st petersburg (petrograd)"));
    assert!(!overlaps("Paris", "Prague"));
}

#[test]
fn what_the_question_shows_is_no_option() {
    let pool: Vec<Candidate> = ["passports", "visas", "customs", "currencies", "bribes"]
        .iter()
        .enumerate()
        .map(|(i, a)| candidate(&i.to_string(), None, a, &[], &[]))
        .collect();
    let question = "Crossing the new frontiers meant new [...], entry and exit visas, customs checks and trouble changing currencies.";
    let wrong = distractors(&pool[0], sources(&pool, question), 3, &mut StdRng::seed_from_u64(2));
    assert_eq!(wrong, ["bribes"]);
}

#[test]
fn seeded_choices_repeat_and_seeds_differ() {
    let pool = pool();
    let right = by_fact(&pool, "leg2");
    let options = |seed| {
        let wrong = run(right, &pool, 3, seed);
        shuffled(right.expected.text(), wrong, &mut StdRng::seed_from_u64(seed)).unwrap()
    };
    assert_eq!(options(42), options(42));
    let distinct: std::collections::HashSet<Vec<String>> = (0..10).map(|s| options(s).options).collect();
    assert!(distinct.len() > 1, "ten seeds gave one order");
}

#[test]
fn years_dates_periods_and_numbers_are_made_up_in_their_own_form() {
    let mut rng = StdRng::seed_from_u64(9);
    let made = |c: &Candidate, rng: &mut StdRng| distractors(c, sources(&[], ""), 3, rng);
    let year = candidate("y", Some("In which year?"), "1877", &[], &[]);
    let wrong = made(&year, &mut rng);
    assert_eq!(wrong.len(), 3);
    assert!(wrong.iter().all(|w| classify(None, w, &[]) == year.class), "{wrong:?}");
    let four = candidate("n", None, "Four", &[], &[]);
    let wrong = made(&four, &mut rng);
    assert_eq!(wrong.len(), 3);
    assert!(
        wrong
            .iter()
            .all(|w| w.chars().next().unwrap().is_uppercase() && !has_digit(w)),
        "{wrong:?}"
    );
    let weeks = candidate("w", None, "About two decades", &[], &[]);
    let wrong = made(&weeks, &mut rng);
    assert!(
        wrong.iter().all(|w| w.starts_with("About ") && w.ends_with(" decades")),
        "{wrong:?}"
    );
    let date = candidate("d", None, "13 November 1922", &[], &[]);
    let wrong = made(&date, &mut rng);
    assert!(wrong.iter().all(|w| w.starts_with("13 November 19")), "{wrong:?}");
    // A period moves as a whole and stays in order.
    for period in ["1921–1922", "1918 to 1921"] {
        let right = candidate("p", None, period, &[], &[]);
        for w in made(&right, &mut rng) {
            let years: Vec<i64> = Folded::new(&w).tokens().iter().filter_map(|t| t.parse().ok()).collect();
            assert_eq!(years.len(), 2, "{w:?}");
            assert!(years[0] < years[1], "{w:?} is out of order");
            assert_eq!(classify(None, &w, &[]), right.class, "{w:?}");
        }
    }
    let decade = candidate("l", None, "In the late 1930s", &[], &[]);
    let wrong = made(&decade, &mut rng);
    assert!(
        wrong
            .iter()
            .all(|w| w.starts_with("In the late 19") && w.ends_with("0s")),
        "{wrong:?}"
    );
    let huge = candidate("h", None, "18446744073709551615 roubles", &[], &[]);
    assert!(made(&huge, &mut rng).is_empty());
    let month = candidate("m", None, "October", &[], &[]);
    let wrong = made(&month, &mut rng);
    assert!(
        wrong.iter().all(|w| month_number(w).is_some() && w != "October"),
        "{wrong:?}"
    );
}

#[test]
fn list_items_come_nearest_first_and_never_the_item_asked_about() {
    let items = strings(&[
        "Southern France",
        "Catalonia",
        "Paris",
        "Italy",
        "Vienna",
        "Prague",
        "Berlin",
        "Tallinn",
        "Petrograd",
        "Moscow",
    ]);
    let right = candidate("route", None, "Petrograd", &[], &["route"]);
    let question = "Rosmer's route to Soviet Russia in 1920: what comes after Tallinn?";
    for seed in 0..10 {
        let wrong = list_items(&right, &items, question, 3, &mut StdRng::seed_from_u64(seed));
        let mut sorted = wrong.clone();
        sorted.sort();
        assert_eq!(sorted, ["Berlin", "Moscow", "Prague"], "{wrong:?}");
    }
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
