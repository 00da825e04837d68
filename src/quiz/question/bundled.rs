//! Every card of every bundled deck asked as a choice and as a true/false
//! question, twenty seeds each: no wrong option is the right answer in
//! disguise (accepted by the matcher for the answer or an alternative, or
//! containing the answer or contained in it once folded), and every wrong
//! option is of the answer's kind (an item of the same list for a
//! sequence's neighbour card, another order of the items for a list).

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::*;
use crate::deck::build::{bundled_sources, parse_sources};
use crate::quiz::kind::Kind;
use crate::quiz::normalize::Folded;

/// The bundled decks' cards, as the quiz sees them (deck ids by file).
fn bundled_cards() -> Vec<CardView> {
    let decks = parse_sources(&bundled_sources()).expect("the bundled decks parse");
    let mut cards = Vec::new();
    for (deck_id, deck) in decks.iter().enumerate() {
        for fact in &deck.facts {
            for card in fact.cards() {
                cards.push(CardView {
                    card_id: cards.len() as i64 + 1,
                    deck_id: deck_id as i64 + 1,
                    deck: deck.name.clone(),
                    fact_key: fact.id.clone(),
                    template: card.template,
                    front: card.front,
                    back: card.back,
                    extra: fact.extra.clone(),
                    state: "new",
                    answer: card.answer,
                    alternatives: fact.alternatives.clone(),
                    tags: fact.tags.clone(),
                    hint: None,
                });
            }
        }
    }
    cards
}

/// The wrong options a question offers.
fn wrong_options(question: &Question) -> Vec<String> {
    match &question.prompt {
        Prompt::Choice(options) => options
            .options
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != options.correct)
            .map(|(_, o)| o.clone())
            .collect(),
        Prompt::TrueFalse { claim, truth: false } => vec![claim.clone()],
        Prompt::TrueFalse { truth: true, .. } | Prompt::Typed => Vec::new(),
    }
}

fn key(text: &str) -> String {
    Folded::new(text).key()
}

#[test]
fn every_option_of_every_bundled_card_is_wrong_and_of_the_answers_kind() {
    let cards = bundled_cards();
    assert!(cards.len() > 300, "{} cards", cards.len());
    let pool = Pool::new(&cards);
    let mut problems: Vec<String> = Vec::new();
    let (mut asked, mut typed, mut options_checked) = (0, 0, 0);
    for card in &cards {
        let right = candidate(card);
        let group = Group::of(&card.template);
        let question_text = matches!(card.template.as_str(), "basic" | "event").then_some(card.front.as_str());
        // A sequence's items, from its other cards.
        let items: Vec<String> = cards
            .iter()
            .filter(|c| c.deck_id == card.deck_id && c.fact_key == card.fact_key)
            .filter(|c| is_neighbour(&c.template) || c.template == "order")
            .flat_map(|c| c.answer.split("; "))
            .map(key)
            .collect();
        for mode in [Mode::Choice, Mode::TrueFalse] {
            for seed in 0..20 {
                let question = ask(card.clone(), mode, &pool, &mut StdRng::seed_from_u64(seed));
                asked += 1;
                typed += usize::from(question.prompt == Prompt::Typed);
                for option in wrong_options(&question) {
                    options_checked += 1;
                    let mut problem = |what: &str| {
                        problems.push(format!(
                            "{} {:?}: option {option:?} for {:?} {what}",
                            card.deck, card.template, card.answer
                        ))
                    };
                    if question.expected.accepts(&option) {
                        problem("is accepted by the matcher");
                    }
                    let (a, o) = (key(&card.answer), key(&option));
                    if a.contains(&o) || o.contains(&a) {
                        problem("contains the answer or is contained in it");
                    }
                    if group == Group::Order {
                        let mut mine: Vec<String> = option.split("; ").map(key).collect();
                        let mut theirs: Vec<String> = card.answer.split("; ").map(key).collect();
                        mine.sort();
                        theirs.sort();
                        if mine != theirs {
                            problem("is not an order of the list's items");
                        }
                    } else if is_neighbour(&card.template) {
                        if !items.contains(&o) {
                            problem("is not an item of the same list");
                        }
                    } else {
                        // The class the option had as an answer of its own
                        // card, else (made from the answer) in this question.
                        let own = pool
                            .candidates(card.deck_id, group)
                            .iter()
                            .chain(pool.others(card.deck_id, group))
                            .find(|c| c.expected.text() == option)
                            .map(|c| c.class.kind);
                        let kind = own.unwrap_or_else(|| classify(question_text, &option, &card.tags).kind);
                        if kind != right.class.kind || kind == Kind::Name {
                            problem(&format!("is a {kind:?}, the answer a {:?}", right.class.kind));
                        }
                    }
                }
            }
        }
    }
    eprintln!(
        "{asked} questions asked, {typed} typed for want of plausible options, {options_checked} wrong options checked"
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // Not everything typed: the rules above must have been exercised.
    assert!(options_checked > 2000, "only {options_checked} options checked");
    assert!(typed * 2 < asked, "{typed} of {asked} questions typed");
}
