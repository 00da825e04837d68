//! What an Anki note type becomes in iskra ([`Shape`]), and a note of a
//! custom type as a note fact: every field (its HTML as text), every
//! template (its two sides as text, `{{…}}` kept), and the templates Anki
//! generated cards of.
//!
//! Basic and its variants — a type whose first template's front shows only
//! its first field (a type-in box aside) and whose second, if any, only its
//! second (or, in Anki's optional reverse, its second when the third has
//! text) — are q/a facts; Cloze is a cloze fact; Image
//! Occlusion and any type whose note cannot be held as a note fact (a field
//! name iskra's deck format cannot write, an empty template side) are q/a
//! facts from their first two fields and first template, reported.

use std::collections::HashSet;

use serde_json::Value;

use crate::deck::template::{MAX_NOTE_FIELDS, MAX_NOTE_TEMPLATES, check_field_name, check_side};
use crate::deck::{FactBody, NoteField, NoteTemplate};
use crate::interop::anki::{Note, Notetype, html};

/// The most text a note type's templates may hold together, each note
/// fact keeping a copy.
const MAX_TEMPLATE_CHARS: usize = 8_000;

/// The longest template side (its HTML) read: longer ones are not
/// converted to text (the type's notes become q/a facts, reported).
const MAX_RAW_TEMPLATE_BYTES: usize = 64 * 1024;

/// What a note type becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Shape {
    Cloze,
    /// Basic and its variants; whether its second template is a reverse card.
    Basic {
        reverse: bool,
    },
    /// A custom type: a note fact, one card per template.
    Note,
    /// Image Occlusion: a q/a fact from the first two fields.
    Other,
}

pub(super) fn shape(notetype: &Notetype) -> Shape {
    // The stock kind tells where a type came from, not what it became
    // (Anki makes every new type from Basic): only the cloze kinds are
    // taken from it; the others are told by their templates.
    match notetype.stock_kind {
        Some(5) => return Shape::Cloze,
        Some(6) => return Shape::Other,
        _ if notetype.cloze => return Shape::Cloze,
        _ => {}
    }
    let (Some(first), Some(second)) = (notetype.fields.first(), notetype.fields.get(1)) else {
        return Shape::Note;
    };
    // Too long to read: not converted here; refused as a note fact, reported.
    if notetype.templates.iter().any(|t| t.len() > MAX_RAW_TEMPLATE_BYTES) {
        return Shape::Note;
    }
    // A front that shows one field and nothing else (a type-in box aside).
    let only = |ord: usize, field: &str| {
        notetype.templates.get(ord).is_some_and(|front| {
            let text = html::to_text(front);
            let shown: String = text
                .split("{{type:")
                .enumerate()
                .map(|(i, part)| {
                    if i == 0 {
                        part
                    } else {
                        part.split_once("}}").map_or("", |(_, rest)| rest)
                    }
                })
                .collect();
            shown.trim() == format!("{{{{{field}}}}}")
        })
    };
    // Anki's optional reverse: a second card when the third field has text.
    let optional_reverse = notetype.stock_kind == Some(3)
        && notetype.templates.get(1).is_some_and(|back| {
            let third = notetype.fields.get(2).map_or("", String::as_str);
            html::to_text(back).trim() == format!("{{{{#{third}}}}}{{{{{second}}}}}{{{{/{third}}}}}")
        });
    match notetype.templates.len() {
        1 if only(0, first) => Shape::Basic { reverse: false },
        2 if only(0, first) && (only(1, second) || optional_reverse) => Shape::Basic { reverse: true },
        _ => Shape::Note,
    }
}

/// A custom note type as its note facts take it, worked out once per type:
/// its name and its templates as text, checked against its field names.
#[derive(Debug)]
pub(super) struct NoteKind {
    name: String,
    templates: Vec<NoteTemplate>,
}

/// What a note type becomes and, for a custom type, its [`NoteKind`] or
/// the reason it cannot have note facts (its notes are then q/a facts).
pub(super) fn plan(notetype: &Notetype) -> (Shape, Option<Result<NoteKind, String>>) {
    let shape = shape(notetype);
    let kind = (shape == Shape::Note).then(|| note_kind(notetype));
    (shape, kind)
}

fn note_kind(notetype: &Notetype) -> Result<NoteKind, String> {
    let name = crate::text::clean_name(&notetype.name);
    if name.trim().is_empty() {
        return Err("its name is empty once control characters are taken out".into());
    }
    if notetype.fields.len() > MAX_NOTE_FIELDS {
        return Err(format!("more than {MAX_NOTE_FIELDS} fields"));
    }
    let mut names = HashSet::new();
    if !notetype
        .fields
        .iter()
        .all(|f| check_field_name(f).is_ok() && names.insert(f.as_str()))
    {
        return Err("a field name iskra cannot write".into());
    }
    let raw = raw_templates(&notetype.definition);
    if raw.len() > MAX_NOTE_TEMPLATES {
        return Err(format!("more than {MAX_NOTE_TEMPLATES} card templates"));
    }
    if raw
        .iter()
        .any(|t| t.front.len() > MAX_RAW_TEMPLATE_BYTES || t.back.len() > MAX_RAW_TEMPLATE_BYTES)
    {
        return Err(format!("a card template longer than {MAX_RAW_TEMPLATE_BYTES} bytes"));
    }
    let templates: Vec<NoteTemplate> = raw
        .into_iter()
        .map(|t| NoteTemplate {
            name: crate::text::clean_name(&t.name),
            front: html::to_text(&t.front),
            back: html::to_text(&t.back),
        })
        .collect();
    // Each note fact holds its templates: a note type's are kept small, so
    // that a package cannot multiply a large one by its number of notes.
    let template_chars: usize = templates
        .iter()
        .map(|t| t.name.chars().count() + t.front.chars().count() + t.back.chars().count())
        .sum();
    if template_chars > MAX_TEMPLATE_CHARS {
        return Err(format!(
            "its card templates are longer than {MAX_TEMPLATE_CHARS} characters as text"
        ));
    }
    if templates.is_empty()
        || templates
            .iter()
            .any(|t| [&t.name, &t.front, &t.back].iter().any(|s| s.is_empty()))
    {
        return Err("a card template without a name, a front or a back".into());
    }
    let fields: Vec<NoteField> = notetype
        .fields
        .iter()
        .map(|name| NoteField {
            name: name.clone(),
            text: String::new(),
        })
        .collect();
    for side in templates.iter().flat_map(|t| [&t.front, &t.back]) {
        if let Err(problem) = check_side(side, &fields) {
            return Err(format!("a card template iskra cannot read ({})", problem.message));
        }
    }
    Ok(NoteKind { name, templates })
}

/// A note of a custom type as a note fact, with every card Anki made of it
/// (`ords`, its cards' ordinals); the reason when it cannot be one.
pub(super) fn note_body(kind: &NoteKind, notetype: &Notetype, note: &Note, ords: &[i64]) -> Result<FactBody, String> {
    if note.fields.len() != notetype.fields.len() {
        return Err("its fields do not match its note type's".into());
    }
    let fields: Vec<NoteField> = notetype
        .fields
        .iter()
        .zip(&note.fields)
        .map(|(name, value)| NoteField {
            name: name.clone(),
            text: html::to_text(value),
        })
        .collect();
    let templates = kind.templates.len() as i64;
    let mut cards: Vec<u32> = ords
        .iter()
        .filter(|&&ord| (0..templates).contains(&ord))
        .filter_map(|&ord| u32::try_from(ord + 1).ok())
        .collect();
    cards.sort_unstable();
    cards.dedup();
    if cards.is_empty() {
        return Err("no card of a template its note type has".into());
    }
    Ok(FactBody::Note {
        notetype: kind.name.clone(),
        fields,
        templates: kind.templates.clone(),
        cards,
    })
}

/// A template as the package has it (HTML).
struct RawTemplate {
    name: String,
    front: String,
    back: String,
}

/// The note type's templates by ordinal, as written.
fn raw_templates(definition: &Value) -> Vec<RawTemplate> {
    let mut listed: Vec<(i64, RawTemplate)> = definition
        .get("tmpls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|t| {
            let text = |key: &str| t.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
            let template = RawTemplate {
                name: text("name"),
                front: text("qfmt"),
                back: text("afmt"),
            };
            (t.get("ord").and_then(Value::as_i64).unwrap_or(i64::MAX), template)
        })
        .collect();
    listed.sort_by_key(|(ord, _)| *ord);
    listed.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notetype(fields: &[&str], templates: &[(&str, &str, &str)]) -> Notetype {
        let tmpls: Vec<Value> = templates
            .iter()
            .enumerate()
            .map(|(ord, (name, q, a))| serde_json::json!({"name": name, "ord": ord, "qfmt": q, "afmt": a}))
            .collect();
        Notetype {
            id: 7,
            name: "Person".into(),
            cloze: false,
            stock_kind: None,
            fields: fields.iter().map(|f| f.to_string()).collect(),
            templates: templates.iter().map(|t| t.1.to_string()).collect(),
            definition: serde_json::json!({ "tmpls": tmpls }),
        }
    }

    /// A note of `notetype` as a note fact, or the reason it cannot be one.
    fn body(notetype: &Notetype, note: &Note, ords: &[i64]) -> Result<FactBody, String> {
        let (shape, kind) = plan(notetype);
        assert_eq!(shape, Shape::Note);
        kind.expect("a custom type has a kind")
            .and_then(|kind| note_body(&kind, notetype, note, ords))
    }

    fn note(fields: &[&str]) -> Note {
        Note {
            id: 1,
            guid: "g".into(),
            notetype_id: 7,
            mtime: 0,
            tags: vec![],
            fields: fields.iter().map(|f| f.to_string()).collect(),
        }
    }

    #[test]
    fn basic_lookalikes_are_basic_and_other_types_notes() {
        let basic = notetype(&["Q", "A"], &[("1", "{{Q}}", "{{FrontSide}}<hr id=answer>{{A}}")]);
        assert_eq!(shape(&basic), Shape::Basic { reverse: false });
        let reversed = notetype(&["Q", "A"], &[("1", "<div>{{Q}}</div>", "x"), ("2", "{{A}}", "y")]);
        assert_eq!(shape(&reversed), Shape::Basic { reverse: true });
        let typed = notetype(&["Q", "A"], &[("1", "{{Q}}<br><br>{{type:A}}", "x")]);
        assert_eq!(shape(&typed), Shape::Basic { reverse: false });
        let optional = Notetype {
            stock_kind: Some(3),
            ..notetype(
                &["Front", "Back", "Add Reverse"],
                &[
                    ("1", "{{Front}}", "x"),
                    ("2", "{{#Add Reverse}}{{Back}}{{/Add Reverse}}", "y"),
                ],
            )
        };
        assert_eq!(shape(&optional), Shape::Basic { reverse: true });
        // Made by Anki from Basic (its stock kind says so), but not Basic.
        let person = Notetype {
            stock_kind: Some(1),
            ..notetype(
                &["Name", "Born", "Role", "Notes"],
                &[(
                    "Who",
                    "Who was {{Name}}?",
                    "{{FrontSide}}<hr id=answer>{{Role}}<br>{{Born}}",
                )],
            )
        };
        assert_eq!(shape(&person), Shape::Note);
        let third = notetype(
            &["Q", "A"],
            &[("1", "{{Q}}", "x"), ("2", "{{A}}", "y"), ("3", "{{Q}}{{A}}", "z")],
        );
        assert_eq!(shape(&third), Shape::Note);
    }

    #[test]
    fn an_imported_notes_cards_are_measured_with_its_tags() {
        // Ten templates showing the tags twice a side: 2,000 tags (11,999
        // characters) make 480,000 characters on ten cards, 96,000 on two.
        let templates: Vec<(String, String, String)> = (0..10)
            .map(|i| {
                (
                    format!("T{i}"),
                    format!("{i} {{{{Tags}}}}{{{{Tags}}}}"),
                    "{{Tags}}{{Tags}}".to_string(),
                )
            })
            .collect();
        let templates: Vec<(&str, &str, &str)> = templates
            .iter()
            .map(|(n, f, b)| (n.as_str(), f.as_str(), b.as_str()))
            .collect();
        let nt = notetype(&["F"], &templates);
        let fact = |tags: &[String], ords: &[i64]| crate::deck::Fact {
            id: "g".into(),
            body: body(&nt, &note(&["f"]), ords).expect("a note body"),
            alternatives: Vec::new(),
            hint: None,
            extra: None,
            tags: tags.to_vec(),
            source: None,
        };
        let ords: Vec<i64> = (0..10).collect();
        let many: Vec<String> = (0..2_000).map(|i| format!("t{i:04}")).collect();
        assert!(fact(&[], &ords).check_card_text().is_ok());
        let problem = fact(&many, &ords).check_card_text().unwrap_err();
        assert!(
            problem.message.contains("more than 400000 characters"),
            "{}",
            problem.message
        );
        assert!(fact(&many, &[0, 1]).check_card_text().is_ok(), "two cards fit");
    }

    #[test]
    fn a_custom_note_keeps_every_field_and_the_templates_anki_made_cards_of() {
        let person = notetype(
            &["Name", "Born", "Role", "Notes"],
            &[
                (
                    "Who",
                    "Who was {{Name}}?",
                    "{{FrontSide}}<hr id=answer>{{Role}}<br>{{Born}}",
                ),
                (
                    "Which",
                    "Which person: {{Role}}?",
                    "{{FrontSide}}<hr id=answer>{{Name}}",
                ),
            ],
        );
        let rosmer = note(&["Alfred Rosmer", "1877", "French &amp; delegate", "<u>Syndicalist</u>"]);
        let fact = body(&person, &rosmer, &[1, 0, 7]).unwrap();
        let FactBody::Note {
            fields,
            templates,
            cards,
            ..
        } = &fact
        else {
            panic!("{fact:?}")
        };
        assert_eq!(fields[2].text, "French & delegate");
        assert_eq!(fields[3].text, "Syndicalist");
        assert_eq!(templates[0].back, "{{FrontSide}}\n{{Role}}\n{{Born}}");
        assert_eq!(cards, &[1, 2]);
        assert_eq!(
            body(&person, &note(&["a"]), &[0]),
            Err("its fields do not match its note type's".into())
        );
        assert_eq!(
            body(&person, &rosmer, &[2, 9]),
            Err("no card of a template its note type has".into())
        );
    }

    /// The reason a note of `notetype` (fields `a`, `b`, …) is no note fact, or Ok.
    fn reason(notetype: &Notetype) -> Result<(), String> {
        let values: Vec<&str> = notetype.fields.iter().map(|_| "a").collect();
        body(notetype, &note(&values), &[0]).map(|_| ())
    }

    #[test]
    fn each_reason_a_type_has_no_note_facts_is_its_own() {
        // Each case beside one that differs only there and passes.
        let fine = notetype(&["Name", "B"], &[("1", "{{B}}", "{{Name}}")]);
        assert_eq!(reason(&fine), Ok(()));
        let bad_name = notetype(&["Na:me", "B"], &[("1", "{{B}}", "{{B}}")]);
        assert_eq!(reason(&bad_name), Err("a field name iskra cannot write".into()));
        let twice = notetype(&["B", "B"], &[("1", "Q {{B}}", "{{B}}")]);
        assert_eq!(reason(&twice), Err("a field name iskra cannot write".into()));
        let known = notetype(&["A", "B"], &[("1", "{{B}}", "{{A}}")]);
        assert_eq!(reason(&known), Ok(()));
        let unknown = notetype(&["A", "B"], &[("1", "{{B}}", "{{C}}")]);
        assert_eq!(
            reason(&unknown),
            Err(
                "a card template iskra cannot read (the template names a field `C` that the note does not have)".into()
            )
        );
        let unclosed = notetype(&["A", "B"], &[("1", "{{#A}}x", "x")]);
        assert_eq!(
            reason(&unclosed),
            Err("a card template iskra cannot read (the section `A` is never closed)".into())
        );
        let empty = "a card template without a name, a front or a back";
        for (name, front, back) in [
            ("1", "{{A}}", ""),
            ("1", "{{A}}", "<br><div></div>"),
            ("", "{{A}}", "x"),
        ] {
            let side = notetype(&["A", "B"], &[("1", "{{B}}", "y"), (name, front, back)]);
            assert_eq!(reason(&side), Err(empty.into()), "{name:?} {front:?} {back:?}");
        }
        let unnamed = Notetype {
            name: "\u{1}\u{7f} \u{2}".into(),
            ..known.clone()
        };
        assert_eq!(
            reason(&unnamed),
            Err("its name is empty once control characters are taken out".into())
        );
    }

    #[test]
    fn a_note_types_templates_are_capped_as_html_and_as_text() {
        // Name 1 + back 5 + front 5 + padding: exactly 8,000 characters as text, then one more.
        let sized = |chars: usize| {
            notetype(
                &["A", "B"],
                &[("1", &format!("{{{{A}}}}{}", "x".repeat(chars - 11)), "{{B}}")],
            )
        };
        assert_eq!(reason(&sized(8_000)), Ok(()));
        assert_eq!(
            reason(&sized(8_001)),
            Err("its card templates are longer than 8000 characters as text".into())
        );
        // HTML that is nearly nothing as text: 64 KiB is read, a byte more is not.
        let html = |bytes: usize| {
            notetype(
                &["A", "B"],
                &[("1", &format!("{{{{B}}}}{}", "<i></i>".repeat(bytes / 7)), "{{B}}")],
            )
        };
        assert_eq!(reason(&html(7 * (65_536 / 7) - 7)), Ok(()));
        let big = notetype(
            &["A", "B"],
            &[("1", &format!("{{{{B}}}}{}", "<i></i>".repeat(65_536 / 7)), "{{B}}")],
        );
        assert!(big.templates[0].len() > 65_536);
        assert_eq!(reason(&big), Err("a card template longer than 65536 bytes".into()));
        let names: Vec<String> = (0..=100).map(|i| format!("F{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(reason(&notetype(&names[..100], &[("1", "{{F1}}", "{{F0}}")])), Ok(()));
        assert_eq!(
            reason(&notetype(&names, &[("1", "{{F1}}", "{{F0}}")])),
            Err("more than 100 fields".into())
        );
        let templates: Vec<(&str, &str, &str)> = (0..=100).map(|_| ("t", "{{B}}", "{{A}}")).collect();
        assert_eq!(reason(&notetype(&["A", "B"], &templates[..100])), Ok(()));
        assert_eq!(
            reason(&notetype(&["A", "B"], &templates)),
            Err("more than 100 card templates".into())
        );
    }
}
