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

use serde_json::Value;

use crate::deck::template::{check_field_name, check_side};
use crate::deck::{FactBody, NoteField, NoteTemplate};
use crate::interop::anki::{Note, Notetype, html};

/// The most text a note type's templates may hold together, each note
/// fact keeping a copy.
const MAX_TEMPLATE_CHARS: usize = 8_000;

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

/// A note of a custom type as a note fact, with every card Anki made of it
/// (`ords`, its cards' ordinals); the reason when it cannot be one.
pub(super) fn note_body(notetype: &Notetype, note: &Note, ords: &[i64]) -> Result<FactBody, String> {
    let unfit = |what: &str| Err(what.to_string());
    if note.fields.len() != notetype.fields.len() {
        return unfit("its fields do not match its note type's");
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
    for (i, field) in fields.iter().enumerate() {
        if check_field_name(&field.name).is_err() || fields[..i].iter().any(|f| f.name == field.name) {
            return unfit("a field name iskra cannot write");
        }
    }
    let templates = templates(&notetype.definition);
    // Each note fact holds its templates: a note type's are kept small, so
    // that a package cannot multiply a large one by its number of notes.
    let template_chars: usize = templates
        .iter()
        .map(|t| t.name.chars().count() + t.front.chars().count() + t.back.chars().count())
        .sum();
    if template_chars > MAX_TEMPLATE_CHARS {
        return unfit(&format!(
            "its card templates are longer than {MAX_TEMPLATE_CHARS} characters as text"
        ));
    }
    let sides_ok = templates.iter().all(|t| {
        ![&t.name, &t.front, &t.back].iter().any(|s| s.is_empty())
            && check_side(&t.front, &fields).is_ok()
            && check_side(&t.back, &fields).is_ok()
    });
    if templates.is_empty() || !sides_ok {
        return unfit("a card template iskra cannot read");
    }
    let mut cards: Vec<u32> = ords
        .iter()
        .filter(|&&ord| (0..templates.len() as i64).contains(&ord))
        .filter_map(|&ord| u32::try_from(ord + 1).ok())
        .collect();
    cards.sort_unstable();
    cards.dedup();
    if cards.is_empty() {
        return unfit("no card of a template its note type has");
    }
    Ok(FactBody::Note {
        notetype: crate::text::clean_name(&notetype.name),
        fields,
        templates,
        cards,
    })
}

/// The note type's templates by ordinal, their sides as text.
fn templates(definition: &Value) -> Vec<NoteTemplate> {
    let mut listed: Vec<(i64, NoteTemplate)> = definition
        .get("tmpls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|t| {
            let text = |key: &str| html::to_text(t.get(key).and_then(Value::as_str).unwrap_or_default());
            let name = t.get("name").and_then(Value::as_str).unwrap_or_default();
            (
                t.get("ord").and_then(Value::as_i64).unwrap_or(i64::MAX),
                NoteTemplate {
                    name: crate::text::clean_name(name),
                    front: text("qfmt"),
                    back: text("afmt"),
                },
            )
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
        let body = note_body(&person, &rosmer, &[1, 0, 7]).unwrap();
        let FactBody::Note {
            fields,
            templates,
            cards,
            ..
        } = &body
        else {
            panic!("{body:?}")
        };
        assert_eq!(fields[2].text, "French & delegate");
        assert_eq!(fields[3].text, "Syndicalist");
        assert_eq!(templates[0].back, "{{FrontSide}}\n{{Role}}\n{{Born}}");
        assert_eq!(cards, &[1, 2]);
        let bad = notetype(&["Na:me", "B"], &[("1", "{{Na:me}}", "x")]);
        assert!(note_body(&bad, &note(&["a", "b"]), &[0]).is_err());
        let unknown = notetype(&["A", "B"], &[("1", "{{C}}", "x")]);
        assert!(note_body(&unknown, &note(&["a", "b"]), &[0]).is_err());
        assert!(
            note_body(&person, &note(&["a"]), &[0]).is_err(),
            "fields that do not match"
        );
    }
}
