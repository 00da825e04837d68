//! The cards a fact yields. Each card has a template name that is stable
//! under edits of the wording (`basic`, `reverse`, `cloze:N`, `order`,
//! `date`, `event`, `card:N`), so a card's identity is (fact id, template) and its
//! history survives rewording. A sequence's pair cards are named after the
//! two items they connect (`after:paris>italy`), so inserting or moving an
//! item leaves every other pair's history alone (see docs/deck-format.md).

use super::cloze::{ClozeError, MAX_CARD_TEXT, most_cards};
use super::date::parse_date;
use super::{CardKind, Fact, FactBody, Problem, SequenceKind, TimelineKind, slug_words};

/// The text of one card (plain data the store persists).
pub use crate::card::CardText;

/// The most items one sequence may have (it makes about two cards per item).
pub const MAX_SEQUENCE_ITEMS: usize = 500;

/// One `{{deletion}}` of a cloze text, as byte ranges into the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Deletion {
    /// The whole `{{...}}` span.
    pub span: std::ops::Range<usize>,
    pub answer: String,
    pub hint: Option<String>,
}

/// Checks a cloze text: `Ok` when it has at least one well-formed deletion
/// (unnumbered, `{{answer}}`, or Anki's numbered `{{c1::answer}}`, see
/// `cloze.rs`) and no more cards than its length allows
/// ([`super::cloze::MAX_CARD_TEXT`]), else the problem, located.
pub fn check_cloze(text: &str) -> Result<(), Problem> {
    check_cloze_hinted(text, None)
}

/// [`check_cloze`] for a fact with a hint, which every card's front repeats.
pub fn check_cloze_hinted(text: &str, hint: Option<&str>) -> Result<(), Problem> {
    let repeated = repeated_chars(hint);
    let checked = if super::cloze::is_numbered(text) {
        super::cloze::check(text, repeated)
    } else {
        cloze_deletions(text, repeated).map(|_| ())
    };
    checked.map_err(|err| {
        let (message, hint) = err.describe();
        Problem {
            offset: err.offset(),
            message,
            hint: hint.to_string(),
        }
    })
}

/// Characters a fact's hint adds to each card's front.
fn repeated_chars(hint: Option<&str>) -> usize {
    hint.map_or(0, |hint| hint_line(hint).chars().count() + 1)
}

/// Finds the deletions of a cloze text whose cards each repeat `repeated`
/// more characters (the fact's hint): at most [`most_cards`] of them.
pub(crate) fn cloze_deletions(text: &str, repeated: usize) -> Result<Vec<Deletion>, ClozeError> {
    let most = most_cards(text.chars().count(), repeated);
    let mut deletions = Vec::new();
    let mut rest = 0;
    while rest < text.len() {
        let open = text[rest..].find("{{").map(|i| i + rest);
        let close = text[rest..].find("}}").map(|i| i + rest);
        match (open, close) {
            (None, None) => break,
            (None, Some(c)) => return Err(ClozeError::UnexpectedClose(c)),
            (Some(o), Some(c)) if c < o => return Err(ClozeError::UnexpectedClose(c)),
            (Some(o), None) => return Err(ClozeError::Unclosed(o)),
            (Some(o), Some(c)) => {
                let inner = &text[o + 2..c];
                if let Some(nested) = inner.find("{{") {
                    return Err(ClozeError::Nested(o + 2 + nested));
                }
                let (answer, hint) = match inner.split_once("::") {
                    Some((a, h)) => (a.trim(), Some(h.trim().to_string()).filter(|h| !h.is_empty())),
                    None => (inner.trim(), None),
                };
                if answer.is_empty() {
                    return Err(ClozeError::Empty(o));
                }
                if deletions.len() == most {
                    return Err(ClozeError::TooMany(o, most));
                }
                deletions.push(Deletion {
                    span: o..c + 2,
                    answer: answer.to_string(),
                    hint,
                });
                rest = c + 2;
            }
        }
    }
    if deletions.is_empty() {
        return Err(ClozeError::NoDeletion);
    }
    Ok(deletions)
}

impl Fact {
    /// The cards this fact yields, in a stable order.
    pub fn cards(&self) -> Vec<CardText> {
        self.each_card().collect()
    }

    /// Whether the fact's cards are numbered by their place: a cloze with
    /// plain `{{deletions}}` (`cloze:2` is the second, whichever it is). A
    /// numbered cloze's (`{{c2::…}}`) number is the writer's.
    pub fn numbered_by_place(&self) -> bool {
        matches!(&self.body, FactBody::Cloze { text } if !super::cloze::is_numbered(text))
    }

    /// [`Fact::cards`] one at a time: a sequence's and a note's are made
    /// as they are asked for, so [`Fact::check_card_text`] stops at the
    /// card that passes the budget.
    fn each_card(&self) -> Box<dyn Iterator<Item = CardText> + '_> {
        let hint = self.hint.as_deref();
        match &self.body {
            FactBody::Qa {
                question,
                answer,
                kinds,
            } => Box::new(kinds.iter().map(move |kind| {
                let (front, back) = match kind {
                    super::QaKind::Basic => (question, answer),
                    super::QaKind::Reverse => (answer, question),
                };
                CardText {
                    template: CardKind::name(*kind).to_string(),
                    front: with_hint(front, hint),
                    back: back.clone(),
                    answer: back.clone(),
                }
            })),
            FactBody::Cloze { text } => Box::new(cloze_cards(text, hint).into_iter()),
            FactBody::Sequence { title, items, kinds } => Box::new(sequence_cards(title, items, kinds, hint)),
            FactBody::Timeline { date, event, kinds } => Box::new(timeline_cards(date, event, kinds, hint).into_iter()),
            FactBody::Note {
                notetype,
                fields,
                templates,
                cards,
            } => {
                // Joined once for all the cards, each made on its own.
                let tags = self.tags.join(" ");
                Box::new(cards.iter().flat_map(move |&number| {
                    let mut card = super::template::note_cards(notetype, fields, templates, &[number], &tags);
                    for card in &mut card {
                        card.front = with_hint(&card.front, hint);
                    }
                    card
                }))
            }
        }
    }

    /// Checks that this fact's cards hold at most [`MAX_CARD_TEXT`]
    /// characters between them, fronts and backs as [`Fact::cards`] makes
    /// them: the one rule for every kind of fact, from deck files and
    /// imports alike. The cards are made one at a time, stopping at the one
    /// that passes it (a cloze's are made together: their count is bounded
    /// before, by [`most_cards`]).
    pub fn check_card_text(&self) -> Result<(), Problem> {
        let mut total = 0;
        let fits = self.each_card().all(|card| {
            total += card.front.chars().count() + card.back.chars().count();
            total <= MAX_CARD_TEXT
        });
        if fits {
            return Ok(());
        }
        Err(Problem {
            offset: 0,
            message: format!(
                "this fact's cards would hold more than {MAX_CARD_TEXT} characters between them \
                 (fronts and backs; the hint is on every front, and a note's tags on every card that shows them)"
            ),
            hint: "shorten its text, hint or tags, or split it into several facts".into(),
        })
    }
}

/// The identity of a sequence item: its lowercase words joined with `-`, so
/// changes of case, spacing or punctuation keep it (`St Petersburg` and
/// `st. petersburg` are the same item). Empty for an item with no letters
/// or digits.
pub fn item_key(item: &str) -> String {
    slug_words(item).join("-")
}

/// A sequence's cards, made one at a time: its pairs' `after` cards, their
/// `before` cards, then the `order` card, as `kinds` has them.
fn sequence_cards<'a>(
    title: &'a str,
    items: &'a [String],
    kinds: &'a [SequenceKind],
    hint: Option<&'a str>,
) -> impl Iterator<Item = CardText> + 'a {
    let pairs = move || items.iter().zip(items.iter().skip(1));
    let pair_template =
        |kind: SequenceKind, a: &str, b: &str| format!("{}:{}>{}", kind.name(), item_key(a), item_key(b));
    SequenceKind::ALL.iter().filter(move |k| kinds.contains(k)).flat_map(
        move |&kind| -> Box<dyn Iterator<Item = CardText> + 'a> {
            match kind {
                SequenceKind::After => Box::new(pairs().map(move |(a, b)| CardText {
                    template: pair_template(kind, a, b),
                    front: with_hint(&format!("{title}: what comes after {a}?"), hint),
                    back: b.clone(),
                    answer: b.clone(),
                })),
                SequenceKind::Before => Box::new(pairs().map(move |(a, b)| CardText {
                    template: pair_template(kind, a, b),
                    front: with_hint(&format!("{title}: what comes before {b}?"), hint),
                    back: a.clone(),
                    answer: a.clone(),
                })),
                SequenceKind::Order => Box::new(std::iter::once_with(move || CardText {
                    template: kind.name().to_string(),
                    front: with_hint(&format!("{title}: all {} in order?", items.len()), hint),
                    back: items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| format!("{}. {item}", i + 1))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    answer: items.join("; "),
                })),
            }
        },
    )
}

fn timeline_cards(date: &str, event: &str, kinds: &[TimelineKind], hint: Option<&str>) -> Vec<CardText> {
    // The parser rejects bad dates; should one get here, it is shown as written.
    let parsed = parse_date(date).ok();
    let shown = parsed.map_or_else(|| date.to_string(), |d| d.display());
    let precision = parsed.map_or("date", |d| d.precision());
    let when = parsed.map_or_else(|| format!("in {date}"), |d| d.with_preposition());
    TimelineKind::ALL
        .iter()
        .filter(|k| kinds.contains(k))
        .map(|kind| match kind {
            TimelineKind::Date => CardText {
                template: kind.name().to_string(),
                front: with_hint(&format!("When did this happen ({precision})?\n{event}"), hint),
                back: shown.clone(),
                answer: shown.clone(),
            },
            TimelineKind::Event => CardText {
                template: kind.name().to_string(),
                front: with_hint(&format!("What happened {when}?"), hint),
                back: event.to_string(),
                answer: event.to_string(),
            },
        })
        .collect()
}

/// A fact's `hint:` as it is shown: on a line of its own under the question.
pub fn hint_line(hint: &str) -> String {
    format!("(hint: {hint})")
}

fn with_hint(front: &str, hint: Option<&str>) -> String {
    match hint {
        Some(hint) => format!("{front}\n{}", hint_line(hint)),
        None => front.to_string(),
    }
}

/// A card's front without its fact's hint line, if the front ends with it.
pub fn without_hint<'a>(front: &'a str, hint: &str) -> Option<&'a str> {
    front.strip_suffix(&hint_line(hint))?.strip_suffix('\n')
}

fn cloze_cards(text: &str, hint: Option<&str>) -> Vec<CardText> {
    if super::cloze::is_numbered(text) {
        let mut cards = super::cloze::cards(text, repeated_chars(hint));
        for card in &mut cards {
            card.front = with_hint(&card.front, hint);
        }
        return cards;
    }
    // The parser rejects bad clozes, so an error here means no cards.
    let deletions = cloze_deletions(text, repeated_chars(hint)).unwrap_or_default();
    (0..deletions.len())
        .map(|asked| {
            let render = |reveal: bool| {
                let mut out = String::with_capacity(text.len());
                let mut last = 0;
                for (i, deletion) in deletions.iter().enumerate() {
                    out.push_str(&text[last..deletion.span.start]);
                    if i != asked {
                        out.push_str(&deletion.answer);
                    } else if reveal {
                        out.push_str(&format!("[{}]", deletion.answer));
                    } else {
                        out.push_str(&format!("[{}]", deletion.hint.as_deref().unwrap_or("...")));
                    }
                    last = deletion.span.end;
                }
                out.push_str(&text[last..]);
                out
            };
            CardText {
                template: format!("cloze:{}", asked + 1),
                front: with_hint(&render(false), hint),
                back: render(true),
                answer: deletions[asked].answer.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::QaKind;

    fn fact(body: FactBody) -> Fact {
        Fact {
            id: "x".into(),
            body,
            alternatives: vec![],
            hint: None,
            extra: None,
            tags: vec![],
            source: None,
        }
    }

    #[test]
    fn cloze_yields_one_card_per_deletion() {
        let cards = fact(FactBody::Cloze {
            text: "Reed caught {{typhus}} after {{Baku::a city}}.".into(),
        })
        .cards();
        assert_eq!(cards.len(), 2);
        assert_eq!(cards[0].template, "cloze:1");
        assert_eq!(cards[0].front, "Reed caught [...] after Baku.");
        assert_eq!(cards[0].back, "Reed caught [typhus] after Baku.");
        assert_eq!(cards[1].front, "Reed caught typhus after [a city].");
        assert_eq!(cards[1].answer, "Baku");
    }

    #[test]
    fn reverse_swaps_sides() {
        let cards = fact(FactBody::Qa {
            question: "Q".into(),
            answer: "A".into(),
            kinds: vec![QaKind::Basic, QaKind::Reverse],
        })
        .cards();
        assert_eq!(
            cards
                .iter()
                .map(|c| (c.template.as_str(), c.front.as_str()))
                .collect::<Vec<_>>(),
            vec![("basic", "Q"), ("reverse", "A")]
        );
    }

    #[test]
    fn cloze_errors_are_located() {
        assert_eq!(cloze_deletions_("a {{b").unwrap_err(), ClozeError::Unclosed(2));
        assert_eq!(cloze_deletions_("a }} b").unwrap_err(), ClozeError::UnexpectedClose(2));
        assert_eq!(cloze_deletions_("a {{ }} b").unwrap_err(), ClozeError::Empty(2));
        assert_eq!(cloze_deletions_("plain").unwrap_err(), ClozeError::NoDeletion);
        assert_eq!(cloze_deletions_("{{a {{b}} }}").unwrap_err(), ClozeError::Nested(4));
    }

    #[test]
    fn an_unnumbered_cloze_makes_at_most_the_cards_its_length_allows() {
        // 100 deletions in 600 characters: 333 cards may be made of it.
        let short = "{{w}} ".repeat(100);
        assert_eq!(fact(FactBody::Cloze { text: short }).cards().len(), 100);
        // 20 deletions of a 10,000-character text build; the 21st is refused.
        let long = |count: usize| format!("{}{}", "{{w}} ".repeat(count), "y".repeat(10_000 - 6 * count));
        assert_eq!(fact(FactBody::Cloze { text: long(20) }).cards().len(), 20);
        let too_many = long(21);
        assert_eq!(cloze_deletions_(&too_many).unwrap_err(), ClozeError::TooMany(120, 20));
        let problem = check_cloze(&too_many).unwrap_err();
        assert_eq!(problem.offset, 120);
        assert!(problem.message.contains("at most 20 cards"), "{}", problem.message);
        assert!(problem.hint.contains("split the fact"), "{}", problem.hint);
        assert!(fact(FactBody::Cloze { text: too_many }).cards().is_empty());
        // A hint is on every front: with one, the 20th is refused.
        let problem = check_cloze_hinted(&long(20), Some("h")).unwrap_err();
        assert_eq!(
            (problem.offset, problem.message.contains("at most 19 cards")),
            (114, true)
        );
        let mut hinted = fact(FactBody::Cloze { text: long(20) });
        hinted.hint = Some("h".into());
        assert!(hinted.cards().is_empty());
    }

    fn cloze_deletions_(text: &str) -> Result<Vec<Deletion>, ClozeError> {
        cloze_deletions(text, 0)
    }
}
