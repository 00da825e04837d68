//! One card asked in quiz form: multiple choice, true/false or typed, and
//! the check of a response against it.
//!
//! Cards are grouped by what their answer is: a short answer (`basic`,
//! `cloze:N`, sequence neighbours, timeline dates), a question (`reverse`),
//! an event (timeline `event`) or a whole list (`order`). Distractors come
//! from the same group ([`super::distractors`]: the same kind, the same
//! deck first); a sequence's `after`/`before` card offers the other items of
//! its own list, and a list's distractors are other orders of its items.
//! A choice or true/false question without enough plausible distractors is
//! asked typed. Only `basic` cards accept the fact's `alt:` answers (they
//! are alternatives of its answer, not of its question).

use std::collections::HashMap;

use rand::Rng;

use super::distractors::{
    self, Candidate, MAX_OPTIONS, MIN_DISTRACTORS, Options, Sources, list_items, reorderings, shuffled,
};
use super::kind::{Kind, classify};
use super::matcher::{Expected, Verdict};
use crate::deck::CardView;

/// How questions are asked (`--mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Pick the answer among up to four options.
    Choice,
    /// Say whether the answer shown is the right one.
    TrueFalse,
    /// Type the answer; checked leniently.
    Typed,
    /// Typed for short answers, choice otherwise.
    Mixed,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Choice => "choice",
            Mode::TrueFalse => "truefalse",
            Mode::Typed => "typed",
            Mode::Mixed => "mixed",
        }
    }
}

/// What a card's answer is, which decides its distractors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    Answer,
    Reverse,
    Event,
    Order,
}

impl Group {
    pub fn of(template: &str) -> Group {
        match template.split(':').next() {
            Some("reverse") => Group::Reverse,
            Some("event") => Group::Event,
            Some("order") => Group::Order,
            _ => Group::Answer,
        }
    }
}

/// How the learner answers one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    Choice(Options),
    /// Is `claim` the answer?
    TrueFalse {
        claim: String,
        truth: bool,
    },
    Typed,
}

/// A card asked in quiz form.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub card: CardView,
    pub prompt: Prompt,
    pub expected: Expected,
}

/// The learner's response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// An option, counted from 0.
    Choice(usize),
    TrueFalse(bool),
    Typed(String),
}

/// A checked response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub verdict: Verdict,
    /// What the learner said, as text.
    pub given: String,
    /// The right answer.
    pub expected: String,
}

/// Answers longer than this (in words or characters) are not asked typed in `mixed`.
const SHORT_WORDS: usize = 3;
const SHORT_CHARS: usize = 24;

/// The answers of some decks' cards, by deck and group, ready to serve as
/// distractors, and the items of their sequences.
#[derive(Debug, Default)]
pub struct Pool {
    groups: HashMap<(i64, Group), Vec<Candidate>>,
    /// The same group's answers in the other decks.
    others: HashMap<(i64, Group), Vec<Candidate>>,
    lists: HashMap<(i64, String), Vec<String>>,
}

/// A sequence's items as its cards show them.
#[derive(Debug, Default)]
struct ListParts {
    order: Option<Vec<String>>,
    after: Vec<String>,
    before: Vec<String>,
}

impl ListParts {
    /// The items in order: the `order` card's, else the first item (the
    /// first `before` answer) and the `after` answers.
    fn items(self) -> Vec<String> {
        if let Some(order) = self.order {
            return order;
        }
        let mut items: Vec<String> = self.before.iter().take(1).cloned().collect();
        items.extend(self.after);
        if items.len() < 2 {
            items = self.before;
        }
        items
    }
}

/// A sequence's card asking for a neighbour (`after:a>b`, `before:a>b`).
fn is_neighbour(template: &str) -> bool {
    template.starts_with("after:") || template.starts_with("before:")
}

impl Pool {
    pub fn new(cards: &[CardView]) -> Pool {
        let mut groups: HashMap<(i64, Group), Vec<Candidate>> = HashMap::new();
        let mut lists: HashMap<(i64, String), ListParts> = HashMap::new();
        for card in cards {
            let group = Group::of(&card.template);
            let candidate = candidate(card);
            // A list's items are labels for the list (`Anarchist years`);
            // only its people and places make sense elsewhere.
            let label = is_neighbour(&card.template) && !matches!(candidate.class.kind, Kind::Person | Kind::Place);
            if !label {
                groups.entry((card.deck_id, group)).or_default().push(candidate);
            }
            let parts = || ListParts::default();
            let key = (card.deck_id, card.fact_key.clone());
            if group == Group::Order {
                lists.entry(key).or_insert_with(parts).order =
                    Some(card.answer.split("; ").map(str::to_string).collect());
            } else if card.template.starts_with("after:") {
                lists.entry(key).or_insert_with(parts).after.push(card.answer.clone());
            } else if card.template.starts_with("before:") {
                lists.entry(key).or_insert_with(parts).before.push(card.answer.clone());
            }
        }
        let lists = lists.into_iter().map(|(key, parts)| (key, parts.items())).collect();
        let others = groups
            .keys()
            .map(|&(deck_id, group)| {
                let others: Vec<Candidate> = groups
                    .iter()
                    .filter(|((deck, g), _)| *deck != deck_id && *g == group)
                    .flat_map(|(_, candidates)| candidates.iter().cloned())
                    .collect();
                ((deck_id, group), others)
            })
            .collect();
        Pool { groups, others, lists }
    }

    fn candidates(&self, deck_id: i64, group: Group) -> &[Candidate] {
        self.groups.get(&(deck_id, group)).map_or(&[], Vec::as_slice)
    }

    /// The same group's answers in the other decks.
    fn others(&self, deck_id: i64, group: Group) -> &[Candidate] {
        self.others.get(&(deck_id, group)).map_or(&[], Vec::as_slice)
    }

    fn list(&self, deck_id: i64, fact: &str) -> &[String] {
        self.lists.get(&(deck_id, fact.to_string())).map_or(&[], Vec::as_slice)
    }
}

/// A card's answer as a distractor candidate, classified with the question
/// it answers (a question card's or a timeline's; none in running text).
pub fn candidate(card: &CardView) -> Candidate {
    let alternatives: &[String] = if card.template == "basic" {
        &card.alternatives
    } else {
        &[]
    };
    let question = matches!(card.template.as_str(), "basic" | "event").then_some(card.front.as_str());
    Candidate {
        fact: card.fact_key.clone(),
        expected: Expected::new(&card.answer, alternatives),
        class: classify(question, &card.answer, &card.tags),
    }
}

fn is_short(answer: &str) -> bool {
    answer.split_whitespace().count() <= SHORT_WORDS && answer.chars().count() <= SHORT_CHARS
}

/// The format a card is asked in before any fallback: typed answers only
/// for answers one can type (not a question or an event).
fn preferred(mode: Mode, card: &CardView, group: Group) -> Mode {
    let typeable = matches!(group, Group::Answer | Group::Order);
    match mode {
        Mode::Typed if !typeable => Mode::Choice,
        Mode::Mixed if group == Group::Answer && is_short(&card.answer) => Mode::Typed,
        Mode::Mixed => Mode::Choice,
        other => other,
    }
}

/// Up to `want` wrong answers for a card.
fn wrong_answers(card: &CardView, right: &Candidate, pool: &Pool, want: usize, rng: &mut impl Rng) -> Vec<String> {
    let group = Group::of(&card.template);
    if group == Group::Order {
        return reorderings(right.expected.text(), want, rng);
    }
    if is_neighbour(&card.template) {
        let items = pool.list(card.deck_id, &card.fact_key);
        return list_items(right, items, &card.front, want, rng);
    }
    let sources = Sources {
        deck: pool.candidates(card.deck_id, group),
        others: pool.others(card.deck_id, group),
        question: &card.front,
    };
    distractors::distractors(right, sources, want, rng)
}

/// Asks `card` in `mode`. A choice or true/false question with fewer than
/// [`MIN_DISTRACTORS`] plausible distractors is asked typed instead.
pub fn ask(card: CardView, mode: Mode, pool: &Pool, rng: &mut impl Rng) -> Question {
    let right = candidate(&card);
    let group = Group::of(&card.template);
    let prompt = match preferred(mode, &card, group) {
        Mode::Choice => {
            let wrong = wrong_answers(&card, &right, pool, MAX_OPTIONS - 1, rng);
            shuffled(right.expected.text(), wrong, rng).map(Prompt::Choice)
        }
        Mode::TrueFalse => {
            let wrong = wrong_answers(&card, &right, pool, MIN_DISTRACTORS, rng);
            (wrong.len() >= MIN_DISTRACTORS)
                .then(|| wrong.into_iter().next())
                .flatten()
                .map(|wrong| {
                    let truth = distractors::coin(rng);
                    Prompt::TrueFalse {
                        claim: if truth {
                            right.expected.text().to_string()
                        } else {
                            wrong
                        },
                        truth,
                    }
                })
        }
        Mode::Typed | Mode::Mixed => None,
    };
    Question {
        card,
        prompt: prompt.unwrap_or(Prompt::Typed),
        expected: right.expected,
    }
}

impl Question {
    /// Checks a response; none when it does not fit the question (an option
    /// out of range, or a response of another format).
    pub fn check(&self, response: &Response) -> Option<Outcome> {
        let right_if = |right: bool| if right { Verdict::Exact } else { Verdict::Wrong };
        let (verdict, given) = match (&self.prompt, response) {
            (Prompt::Choice(options), Response::Choice(i)) => {
                (right_if(*i == options.correct), options.options.get(*i)?.clone())
            }
            (Prompt::TrueFalse { truth, .. }, Response::TrueFalse(said)) => (
                right_if(said == truth),
                if *said { "true" } else { "false" }.to_string(),
            ),
            (Prompt::Typed, Response::Typed(text)) => (self.expected.judge(text).verdict, text.trim().to_string()),
            _ => return None,
        };
        Some(Outcome {
            verdict,
            given,
            expected: self.expected.text().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    fn card(fact: &str, template: &str, front: &str, answer: &str) -> CardView {
        CardView {
            card_id: 1,
            deck_id: 1,
            deck: "D".into(),
            fact_key: fact.into(),
            template: template.into(),
            front: front.into(),
            back: answer.into(),
            extra: None,
            state: "new",
            answer: answer.into(),
            alternatives: vec!["Zinovyev".into()],
            tags: Vec::new(),
            hint: None,
        }
    }

    fn deck() -> Vec<CardView> {
        vec![
            card("z", "basic", "Who chaired the Comintern?", "Grigory Zinoviev"),
            card("z", "reverse", "Grigory Zinoviev", "Who chaired the Comintern?"),
            card("t", "basic", "Who led the Red Army?", "Leon Trotsky"),
            card("t", "reverse", "Leon Trotsky", "Who led the Red Army?"),
            card("r", "basic", "Who went to Germany?", "Karl Radek"),
            card("r", "reverse", "Karl Radek", "Who went to Germany?"),
            card("c", "cloze:1", "Reed fell ill with [...]", "typhus"),
            card("o", "order", "The route: all 3 in order?", "Catalonia; Paris; Italy"),
            card(
                "w",
                "basic",
                "What did the Whites and the Entente want?",
                "To isolate revolutionary Russia",
            ),
            card(
                "k",
                "basic",
                "What did the Bolsheviks do at Kronstadt?",
                "To crush the rising by force",
            ),
            card(
                "u",
                "basic",
                "What did the syndicalists want?",
                "To build new unions of their own",
            ),
        ]
    }

    fn asked(fact: &str, template: &str, mode: Mode, seed: u64) -> Question {
        let cards = deck();
        let pool = Pool::new(&cards);
        let card = cards
            .iter()
            .find(|c| c.fact_key == fact && c.template == template)
            .unwrap()
            .clone();
        ask(card, mode, &pool, &mut StdRng::seed_from_u64(seed))
    }

    #[test]
    fn mixed_types_short_answers_and_chooses_long_ones() {
        assert_eq!(asked("z", "basic", Mode::Mixed, 1).prompt, Prompt::Typed);
        assert!(matches!(asked("w", "basic", Mode::Mixed, 1).prompt, Prompt::Choice(_)));
        // A reverse card's answer is a question: never typed.
        let reverse = asked("z", "reverse", Mode::Typed, 1);
        let Prompt::Choice(options) = &reverse.prompt else {
            panic!("{reverse:?}")
        };
        assert_eq!(options.options.len(), 3);
        assert_eq!(options.options[options.correct], "Who chaired the Comintern?");
        assert!(options.options.iter().all(|o| o.ends_with('?')), "{options:?}");
    }

    #[test]
    fn lists_offer_other_orders_of_their_items() {
        let question = asked("o", "order", Mode::Choice, 2);
        let Prompt::Choice(options) = &question.prompt else {
            panic!("{question:?}")
        };
        assert_eq!(options.options.len(), 4);
        assert!(options.options.iter().all(|o| o.split("; ").count() == 3));
        // Typed, a list is checked leniently: separators do not matter.
        let typed = asked("o", "order", Mode::Typed, 2);
        let outcome = typed.check(&Response::Typed("catalonia, paris, italy".into())).unwrap();
        assert_eq!(outcome.verdict, Verdict::Exact);
    }

    #[test]
    fn without_distractors_a_choice_is_typed() {
        // No other answer of the cloze's kind once the one phrase is gone.
        let cards: Vec<CardView> = deck().into_iter().filter(|c| c.fact_key != "w").collect();
        let pool = Pool::new(&cards);
        let cloze = cards.iter().find(|c| c.fact_key == "c").unwrap().clone();
        let mut rng = StdRng::seed_from_u64(3);
        assert_eq!(ask(cloze.clone(), Mode::Choice, &pool, &mut rng).prompt, Prompt::Typed);
        assert_eq!(ask(cloze, Mode::TrueFalse, &pool, &mut rng).prompt, Prompt::Typed);
    }

    #[test]
    fn a_neighbour_card_offers_the_lists_other_items() {
        let route = ["Catalonia", "Paris", "Italy", "Vienna", "Prague"];
        let mut cards: Vec<CardView> = route
            .windows(2)
            .map(|w| {
                let template = format!("after:{}>{}", w[0].to_lowercase(), w[1].to_lowercase());
                card("s", &template, &format!("The route: what comes after {}?", w[0]), w[1])
            })
            .collect();
        cards.push(card("o", "basic", "Where did he end?", "Moscow"));
        cards.push(card("p", "basic", "Where did he start?", "Marseille"));
        let pool = Pool::new(&cards);
        let after_paris = cards[1].clone();
        for seed in 0..10 {
            let question = ask(
                after_paris.clone(),
                Mode::Choice,
                &pool,
                &mut StdRng::seed_from_u64(seed),
            );
            let Prompt::Choice(options) = &question.prompt else {
                panic!("{question:?}")
            };
            let mut shown = options.options.clone();
            shown.sort();
            // Never Paris, which the question names, nor Moscow, of another
            // fact; Catalonia, the first item, is the answer of no card here.
            assert_eq!(shown, ["Italy", "Prague", "Vienna"], "{options:?}");
        }
    }

    #[test]
    fn responses_are_checked_per_format() {
        let choice = asked("z", "basic", Mode::Choice, 4);
        let Prompt::Choice(options) = &choice.prompt else {
            panic!("{choice:?}")
        };
        let right = choice.check(&Response::Choice(options.correct)).unwrap();
        assert_eq!(
            (right.verdict, right.given.as_str()),
            (Verdict::Exact, "Grigory Zinoviev")
        );
        let wrong = (options.correct + 1) % options.options.len();
        assert_eq!(choice.check(&Response::Choice(wrong)).unwrap().verdict, Verdict::Wrong);
        assert_eq!(choice.check(&Response::Choice(9)), None);
        assert_eq!(choice.check(&Response::Typed("x".into())), None);

        let typed = asked("z", "basic", Mode::Typed, 4);
        let alt = typed.check(&Response::Typed(" zinovyev ".into())).unwrap();
        assert_eq!(alt.given, "zinovyev");
        assert!(matches!(alt.verdict, Verdict::Alternative { .. }));
        assert_eq!(alt.expected, "Grigory Zinoviev");

        let mut seen = [false, false];
        for seed in 0..20 {
            let tf = asked("t", "basic", Mode::TrueFalse, seed);
            let Prompt::TrueFalse { claim, truth } = &tf.prompt else {
                panic!("{tf:?}")
            };
            seen[usize::from(*truth)] = true;
            assert_eq!(*truth, claim == "Leon Trotsky", "{claim}");
            assert_eq!(tf.check(&Response::TrueFalse(*truth)).unwrap().verdict, Verdict::Exact);
            assert_eq!(tf.check(&Response::TrueFalse(!*truth)).unwrap().verdict, Verdict::Wrong);
        }
        assert_eq!(seen, [true, true], "twenty seeds gave one truth value");
    }
}

#[cfg(test)]
mod bundled;
