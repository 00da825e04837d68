//! Renders facts and decks back to the deck format, the same way people
//! write it by hand: `key: value` lines, continuation lines indented by two
//! spaces, a `cards:` line only when it differs from the default (a note
//! fact's always: its default follows its fields' text, and emptying a field
//! must not drop a card with a history). Parsing
//! what this writes gives the same fact back, for every kind of fact whose
//! values are [`clean_value`]s.

use std::fmt::Write as _;

use super::{CardKind, Deck, DeckPreset, Fact, FactBody};

pub use crate::text::clean_value;

/// One fact block, starting with `## id` and ending with a newline.
pub fn write_fact(fact: &Fact) -> String {
    let mut out = format!("## {}\n", fact.id);
    match &fact.body {
        FactBody::Qa {
            question,
            answer,
            kinds,
        } => {
            field(&mut out, "q", question);
            field(&mut out, "a", answer);
            cards_line(&mut out, kinds);
        }
        FactBody::Cloze { text } => field(&mut out, "cloze", text),
        FactBody::Sequence { title, items, kinds } => {
            field(&mut out, "sequence", title);
            for item in items {
                field(&mut out, "item", item);
            }
            cards_line(&mut out, kinds);
        }
        FactBody::Timeline { date, event, kinds } => {
            field(&mut out, "timeline", date);
            field(&mut out, "event", event);
            cards_line(&mut out, kinds);
        }
        FactBody::Note {
            notetype,
            fields,
            templates,
            cards,
        } => {
            field(&mut out, "note", notetype);
            for note_field in fields {
                let value = format!("{}: {}", note_field.name, note_field.text);
                field(&mut out, "field", value.trim_end());
            }
            for template in templates {
                field(&mut out, "template", &template.name);
                field(&mut out, "front", &template.front);
                field(&mut out, "back", &template.back);
            }
            let numbers: Vec<String> = cards.iter().map(u32::to_string).collect();
            field(&mut out, "cards", &numbers.join(" "));
        }
    }
    for alternative in &fact.alternatives {
        field(&mut out, "alt", alternative);
    }
    optional(&mut out, "hint", fact.hint.as_deref());
    optional(&mut out, "extra", fact.extra.as_deref());
    if !fact.tags.is_empty() {
        field(&mut out, "tags", &fact.tags.join(" "));
    }
    optional(&mut out, "source", fact.source.as_deref());
    out
}

/// The deck header: `# name` and the deck keys that are set.
pub fn write_header(deck: &Deck) -> String {
    let mut out = format!("# {}\n", deck.name);
    if !deck.description.is_empty() {
        field(&mut out, "description", &deck.description);
    }
    let numbers = [
        ("retention", deck.retention.map(|r| r.to_string())),
        ("new-per-day", deck.new_per_day.map(|n| n.to_string())),
        ("reviews-per-day", deck.reviews_per_day.map(|n| n.to_string())),
    ];
    for (key, value) in numbers {
        optional(&mut out, key, value.as_deref());
    }
    for (key, value) in deck.preset.as_ref().map(option_lines).unwrap_or_default() {
        if value.is_empty() {
            let _ = writeln!(out, "{key}:");
        } else {
            field(&mut out, key, &value);
        }
    }
    out
}

/// The header lines of a deck's scheduling options (read back by the
/// parser's `options`).
fn option_lines(preset: &DeckPreset) -> Vec<(&'static str, String)> {
    let steps = |minutes: &[f32]| crate::settings::format_steps(&crate::settings::steps_secs(minutes));
    let mut lines = Vec::new();
    if let Some(m) = &preset.learn_steps {
        lines.push(("learn-steps", steps(m)));
    }
    if let Some(m) = &preset.relearn_steps {
        lines.push(("relearn-steps", steps(m)));
    }
    if let Some(days) = preset.max_interval {
        lines.push(("max-interval", days.to_string()));
    }
    if !preset.fsrs_params.is_empty() {
        let shown: Vec<String> = preset.fsrs_params.iter().map(f32::to_string).collect();
        lines.push(("fsrs-parameters", shown.join(" ")));
    }
    if preset.bury_new.is_some() || preset.bury_reviews.is_some() || preset.bury_interday.is_some() {
        let words: Vec<&str> = [
            (preset.bury_new, "new"),
            (preset.bury_reviews, "reviews"),
            (preset.bury_interday, "interday"),
        ]
        .into_iter()
        .filter(|(on, _)| *on == Some(true))
        .map(|(_, word)| word)
        .collect();
        lines.push((
            "bury",
            if words.is_empty() {
                "none".to_string()
            } else {
                words.join(" ")
            },
        ));
    }
    lines
}

/// A whole deck file: the header, then each fact after a blank line.
pub fn write_deck(deck: &Deck) -> String {
    let mut out = write_header(deck);
    for fact in &deck.facts {
        out.push('\n');
        out.push_str(&write_fact(fact));
    }
    out
}

fn field(out: &mut String, key: &str, value: &str) {
    let mut lines = value.lines();
    let _ = writeln!(out, "{key}: {}", lines.next().unwrap_or_default());
    for line in lines {
        let _ = writeln!(out, "  {line}");
    }
}

fn optional(out: &mut String, key: &str, value: Option<&str>) {
    if let Some(value) = value {
        field(out, key, value);
    }
}

fn cards_line<K: CardKind>(out: &mut String, kinds: &[K]) {
    if kinds != K::DEFAULT {
        let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
        field(out, "cards", &names.join(" "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::{QaKind, SequenceKind, TimelineKind, parse_deck};

    fn fact(id: &str, body: FactBody) -> Fact {
        Fact {
            id: id.into(),
            body,
            alternatives: vec![],
            hint: None,
            extra: None,
            tags: vec![],
            source: None,
        }
    }

    /// A note of Anki's type "Person": four fields (one empty), two templates.
    fn person(cards: Vec<u32>) -> FactBody {
        let field = |name: &str, text: &str| crate::deck::NoteField {
            name: name.into(),
            text: text.into(),
        };
        FactBody::Note {
            notetype: "Person".into(),
            fields: vec![
                field("Name", "Alfred Rosmer"),
                field("Born", ""),
                field("Role", "French delegate: Paris"),
                field("Notes", "Syndicalist\n[image: rosmer.png]"),
            ],
            templates: vec![
                crate::deck::NoteTemplate {
                    name: "Who".into(),
                    front: "Who was {{Name}}?".into(),
                    back: "{{FrontSide}}\n{{Role}}{{#Born}}, born {{Born}}{{/Born}}".into(),
                },
                crate::deck::NoteTemplate {
                    name: "Which: the role".into(),
                    front: "Which person: {{Role}}?".into(),
                    back: "{{FrontSide}}\n{{Name}}".into(),
                },
            ],
            cards,
        }
    }

    /// One fact of every kind, plain and with every optional field.
    fn every_kind() -> Vec<Fact> {
        let bodies = [
            FactBody::Qa {
                question: "Who chaired the Comintern?".into(),
                answer: "Zinoviev".into(),
                kinds: vec![QaKind::Basic],
            },
            FactBody::Qa {
                question: "Capital in 1920?\nAfter the move".into(),
                answer: "Moscow".into(),
                kinds: vec![QaKind::Reverse, QaKind::Basic],
            },
            FactBody::Cloze {
                text: "Reed caught {{typhus}}\nafter {{Baku::a city}}.".into(),
            },
            FactBody::Sequence {
                title: "Rosmer's route, 1920".into(),
                items: vec!["Catalonia".into(), "Paris".into(), "Italy: Rome".into()],
                kinds: SequenceKind::ALL.to_vec(),
            },
            FactBody::Sequence {
                title: "Two steps".into(),
                items: vec!["one".into(), "two // not a comment".into()],
                kinds: vec![SequenceKind::Order, SequenceKind::After],
            },
            FactBody::Timeline {
                date: "1922-11-13".into(),
                event: "Lenin's last speech to the Comintern".into(),
                kinds: TimelineKind::ALL.to_vec(),
            },
            FactBody::Timeline {
                date: "1920".into(),
                event: "Rosmer goes to Moscow".into(),
                kinds: vec![TimelineKind::Event],
            },
            person(vec![1, 2]),
            person(vec![2]),
        ];
        let mut facts = Vec::new();
        for (i, body) in bodies.into_iter().enumerate() {
            facts.push(fact(&format!("plain-{i}"), body.clone()));
            facts.push(Fact {
                alternatives: vec!["an alt".into(), "another: with colon".into()],
                hint: Some("a hint".into()),
                extra: Some("extra, over\ntwo lines".into()),
                tags: vec!["t1".into(), "t-2".into()],
                source: Some("seeds/002-rosmer-essay.md#65".into()),
                ..fact(&format!("full-{i}"), body)
            });
        }
        facts
    }

    #[test]
    fn every_kind_of_fact_round_trips() {
        for fact in every_kind() {
            let text = format!("# D\n{}", write_fact(&fact));
            let deck = parse_deck("t.deck", "t", text.as_bytes()).unwrap_or_else(|e| panic!("{text}\n{e:?}"));
            assert_eq!(deck.facts, vec![fact], "{text}");
        }
    }

    #[test]
    fn whole_deck_round_trips() {
        let deck = Deck {
            key: "t".into(),
            name: "Lenin's Moscow".into(),
            description: "Rosmer's memoir".into(),
            retention: Some(0.85),
            new_per_day: Some(10),
            reviews_per_day: None,
            preset: None,
            facts: every_kind(),
        };
        let text = write_deck(&deck);
        assert_eq!(parse_deck("t.deck", "t", text.as_bytes()), Ok(deck));
    }

    #[test]
    fn writes_what_people_write() {
        let f = Fact {
            tags: vec!["route".into()],
            ..fact(
                "route",
                FactBody::Sequence {
                    title: "Route".into(),
                    items: vec!["Paris".into(), "Italy".into()],
                    kinds: vec![SequenceKind::After],
                },
            )
        };
        assert_eq!(
            write_fact(&f),
            "## route\nsequence: Route\nitem: Paris\nitem: Italy\ncards: after\ntags: route\n"
        );
    }

    #[test]
    fn writes_a_note_as_its_fields_and_templates() {
        let text = write_fact(&fact("rosmer", person(vec![1, 2])));
        assert_eq!(
            text,
            "## rosmer\nnote: Person\nfield: Name: Alfred Rosmer\nfield: Born:\nfield: Role: French delegate: Paris\n\
             field: Notes: Syndicalist\n  [image: rosmer.png]\ntemplate: Who\nfront: Who was {{Name}}?\n\
             back: {{FrontSide}}\n  {{Role}}{{#Born}}, born {{Born}}{{/Born}}\ntemplate: Which: the role\n\
             front: Which person: {{Role}}?\nback: {{FrontSide}}\n  {{Name}}\ncards: 1 2\n"
        );
        assert!(write_fact(&fact("rosmer", person(vec![2]))).ends_with("cards: 2\n"));
    }

    #[test]
    fn clean_value_drops_what_the_format_cannot_hold() {
        assert_eq!(clean_value("  one \n\n   two\r\n "), "one\ntwo");
    }
}
