//! The body of a note fact (an Anki note of a type iskra has no shape
//! for): `note: TYPE`, its fields as `field: NAME: TEXT` lines, its
//! templates as `template: NAME` lines each followed by `front:` and
//! `back:`, and an optional `cards:` line of template numbers. Every
//! problem is reported, located.

use std::collections::HashSet;

use super::body::FactFields;
use super::{FactDraft, Field, Parser};
use crate::deck::template::{MAX_NOTE_FIELDS, MAX_NOTE_TEMPLATES, check_field_name, check_side, generated};
use crate::deck::{FactBody, NoteField, NoteTemplate, Problem};

/// A template as its lines give it.
struct TemplateLines<'f> {
    name: &'f Field,
    front: Option<&'f Field>,
    back: Option<&'f Field>,
}

impl Parser<'_> {
    pub(super) fn note(&mut self, draft: &FactDraft, fields: &FactFields) -> Option<FactBody> {
        let hint = "a note fact needs `note: TYPE`, `field: NAME: TEXT` lines and `template:` lines";
        let notetype = fields.values.get("note").copied();
        if notetype.is_none() && !fields.has("note") {
            self.missing(draft, "note type (`note:`)", hint);
        }
        let note_fields = self.note_fields(fields);
        let templates = self.templates(fields);
        let (notetype, note_fields, templates) = (notetype?, note_fields?, templates?);
        if note_fields.is_empty() || templates.is_empty() {
            let what = if note_fields.is_empty() {
                "fields (`field:`)"
            } else {
                "templates (`template:`)"
            };
            self.missing(draft, what, hint);
            return None;
        }
        let mut ok = true;
        let mut checked = Vec::new();
        for lines in &templates {
            for side in [lines.front, lines.back].into_iter().flatten() {
                if let Err(problem) = check_side(&side.value, &note_fields) {
                    self.value_error(side, problem);
                    ok = false;
                }
            }
            checked.push(NoteTemplate {
                name: lines.name.value.clone(),
                front: lines.front.map(|f| f.value.clone()).unwrap_or_default(),
                back: lines.back.map(|f| f.value.clone()).unwrap_or_default(),
            });
        }
        let cards = match fields.values.get("cards") {
            Some(field) => self.card_numbers(field, checked.len()),
            None => Some(generated(&note_fields, &checked)),
        };
        if cards.as_ref().is_some_and(Vec::is_empty) {
            self.missing(
                draft,
                "card (no template's front shows a field with text)",
                "give a field text, or name the cards with `cards: 1 2`",
            );
            return None;
        }
        (ok && templates.iter().all(|t| t.front.is_some() && t.back.is_some())).then_some(())?;
        let cards = cards?;
        Some(FactBody::Note {
            notetype: notetype.value.clone(),
            fields: note_fields,
            templates: checked,
            cards,
        })
    }

    /// The `field: NAME: TEXT` lines, in order; names unique; at most
    /// [`MAX_NOTE_FIELDS`] (the first line past it is reported, the rest not read).
    fn note_fields(&mut self, fields: &FactFields) -> Option<Vec<NoteField>> {
        let mut out: Vec<NoteField> = Vec::new();
        let mut names = HashSet::new();
        let mut ok = true;
        for (i, &(key, field)) in fields
            .given
            .iter()
            .filter(|(k, f)| *k == "field" && !f.value.is_empty())
            .enumerate()
        {
            if i == MAX_NOTE_FIELDS {
                let message = format!("a note has at most {MAX_NOTE_FIELDS} fields");
                self.field_error(
                    field,
                    message,
                    Some("keep the fields the cards show; put the rest in one field"),
                );
                return None;
            }
            let Some((name, text)) = field.value.split_once(':') else {
                let message = format!("`{key}:` needs a name and a text: `field: NAME: TEXT`");
                self.field_error(field, message, Some("e.g. `field: Born: 1877` (the text may be empty)"));
                ok = false;
                continue;
            };
            let name = name.trim_end();
            if let Err(problem) = check_field_name(name) {
                self.value_error(field, problem);
                ok = false;
            } else if !names.insert(name) {
                let message = format!("the field `{name}` is given twice");
                self.field_error(field, message, Some("each field of a note has its own name"));
                ok = false;
            } else {
                out.push(NoteField {
                    name: name.to_string(),
                    text: text.trim_start().to_string(),
                });
            }
        }
        ok.then_some(out)
    }

    /// The `template:` lines with their `front:` and `back:`, in order; at
    /// most [`MAX_NOTE_TEMPLATES`] (the first past it is reported, the rest not read).
    fn templates<'f>(&mut self, fields: &FactFields<'f>) -> Option<Vec<TemplateLines<'f>>> {
        let mut out: Vec<TemplateLines> = Vec::new();
        let mut ok = true;
        for &(key, field) in &fields.given {
            if field.value.is_empty() {
                continue;
            }
            match key {
                "template" if out.len() == MAX_NOTE_TEMPLATES => {
                    let message = format!("a note has at most {MAX_NOTE_TEMPLATES} templates");
                    self.field_error(field, message, Some("split the note into several notes"));
                    return None;
                }
                "template" => out.push(TemplateLines {
                    name: field,
                    front: None,
                    back: None,
                }),
                "front" | "back" => {
                    let slot = out
                        .last_mut()
                        .map(|t| if key == "front" { &mut t.front } else { &mut t.back });
                    match slot {
                        Some(slot @ None) => *slot = Some(field),
                        Some(Some(first)) => {
                            let message = format!(
                                "`{key}:` is given twice for one template (first on line {})",
                                first.line
                            );
                            self.field_error(field, message, Some("start the next template with `template: NAME`"));
                            ok = false;
                        }
                        None => {
                            let message = format!("`{key}:` before any `template:`");
                            self.field_error(field, message, Some("name the template first: `template: NAME`"));
                            ok = false;
                        }
                    }
                }
                _ => {}
            }
        }
        for lines in &out {
            let absent: Vec<&str> = [("front", lines.front), ("back", lines.back)]
                .into_iter()
                .filter(|(_, f)| f.is_none())
                .map(|(k, _)| k)
                .collect();
            if !absent.is_empty() {
                let message = format!("template `{}` has no `{}:`", lines.name.value, absent.join(":` or `"));
                self.field_error(
                    lines.name,
                    message,
                    Some("follow `template: NAME` with a `front:` and a `back:` line"),
                );
                ok = false;
            }
        }
        ok.then_some(out)
    }

    /// A note's `cards:` line: template numbers from 1 to `templates`, ascending.
    fn card_numbers(&mut self, field: &Field, templates: usize) -> Option<Vec<u32>> {
        let mut numbers = Vec::new();
        let mut offset = 0;
        for word in field.value.split_whitespace() {
            let at = field.value[offset..].find(word).map_or(offset, |i| i + offset);
            offset = at + word.len();
            match word.parse::<u32>() {
                Ok(n) if (1..=templates).contains(&(n as usize)) => numbers.push(n),
                _ => {
                    let problem = Problem {
                        offset: at,
                        message: format!("`{word}` is not a template number of this note"),
                        hint: format!("a note's cards are its templates' numbers, 1 to {templates}: e.g. `cards: 1 2`"),
                    };
                    self.value_error(field, problem);
                    return None;
                }
            }
        }
        numbers.sort_unstable();
        numbers.dedup();
        Some(numbers)
    }
}

#[cfg(test)]
mod tests {
    use crate::deck::{Diagnostic, FactBody, parse_deck};

    const PERSON: &str = "# D\n## rosmer\nnote: Person\nfield: Name: Alfred Rosmer\nfield: Born:\nfield: Role: French delegate\ntemplate: Who\nfront: Who was {{Name}}?\nback: {{FrontSide}}\n  {{Role}}\ntemplate: Which\nfront: Which person: {{Role}}?{{#Born}} Born {{Born}}.{{/Born}}\nback: {{Name}}\n";

    /// (line, column, message) of each error.
    fn errors(text: &str) -> Vec<(usize, usize, String)> {
        parse_deck("t.deck", "t", text.as_bytes())
            .expect_err("the deck should not parse")
            .into_iter()
            .map(|d: Diagnostic| (d.line, d.column, d.message))
            .collect()
    }

    #[test]
    fn a_note_fact_reads_its_fields_templates_and_cards() {
        let deck = parse_deck("t.deck", "t", PERSON.as_bytes()).unwrap();
        let FactBody::Note {
            notetype,
            fields,
            templates,
            cards,
        } = &deck.facts[0].body
        else {
            panic!("{:?}", deck.facts[0].body)
        };
        assert_eq!(notetype, "Person");
        let named: Vec<(&str, &str)> = fields.iter().map(|f| (f.name.as_str(), f.text.as_str())).collect();
        assert_eq!(
            named,
            [("Name", "Alfred Rosmer"), ("Born", ""), ("Role", "French delegate")]
        );
        assert_eq!(templates[0].back, "{{FrontSide}}\n{{Role}}");
        assert_eq!(cards, &[1, 2], "both fronts show a field with text");
        let shown: Vec<(String, String)> = deck.facts[0]
            .cards()
            .into_iter()
            .map(|c| (c.template, c.front))
            .collect();
        assert_eq!(
            shown,
            [
                ("card:1".to_string(), "Who was Alfred Rosmer?".to_string()),
                ("card:2".to_string(), "Which person: French delegate?".to_string())
            ]
        );
        let one = parse_deck("t.deck", "t", format!("{PERSON}cards: 2\n").as_bytes()).unwrap();
        assert_eq!(one.facts[0].cards().len(), 1);
    }

    #[test]
    fn a_note_has_at_most_100_fields_and_100_templates() {
        let note = |fields: usize, templates: usize| {
            let mut text = String::from("# D\n## a\nnote: T\n");
            for i in 0..fields {
                text.push_str(&format!("field: F{i}: x\n"));
            }
            for i in 0..templates {
                text.push_str(&format!(
                    "template: T{i}\nfront: {{{{F0}}}}\nback: {{{{F{}}}}}\n",
                    fields - 1
                ));
            }
            text
        };
        let deck = parse_deck("t.deck", "t", note(100, 100).as_bytes()).unwrap();
        assert_eq!(deck.facts[0].cards().len(), 100);
        // The 101st field is on line 4 + 100; the 101st template on line 4 + 100 + 3 × 100.
        assert_eq!(
            errors(&note(101, 1)),
            [(104, 8, "a note has at most 100 fields".to_string())]
        );
        assert_eq!(
            errors(&note(100, 101)),
            [(404, 11, "a note has at most 100 templates".to_string())]
        );
        // 500,000 distinct names: one error (the cap), found in one pass.
        assert_eq!(
            errors(&note(500_000, 1)),
            [(104, 8, "a note has at most 100 fields".to_string())]
        );
    }

    #[test]
    fn a_notes_cards_hold_at_most_the_card_text_budget_hint_included() {
        // One field of 19,990 characters shown four times a card (79,962
        // characters, fronts and backs): five cards fit, the sixth passes
        // 400,000; the fact is refused at its header.
        let note = |templates: usize| {
            let mut text = format!("# D\n## a\nnote: T\nfield: F: {}\n", "w ".repeat(9_995));
            for i in 0..templates {
                text.push_str(&format!(
                    "template: T{i}\nfront: {i} {{{{F}}}}{{{{F}}}}\nback: {{{{F}}}}{{{{F}}}}\n"
                ));
            }
            text
        };
        let deck = parse_deck("t.deck", "t", note(5).as_bytes()).unwrap();
        assert_eq!(deck.facts[0].cards().len(), 5, "five cards fit");
        let errs = errors(&note(6));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].0, errs[0].1), (2, 1), "{errs:?}");
        assert!(errs[0].2.contains("would hold more than 400000 characters"), "{errs:?}");
        // The hint is on every front: 100 small cards with a long hint.
        let hinted = |hint: &str| {
            let mut text = format!("# D\n## a\nnote: T\nfield: F: f\n{hint}");
            for i in 0..100 {
                text.push_str(&format!("template: T{i}\nfront: {i} {{{{F}}}}\nback: {{{{F}}}}\n"));
            }
            text
        };
        assert_eq!(
            parse_deck("t.deck", "t", hinted("").as_bytes()).unwrap().facts[0]
                .cards()
                .len(),
            100
        );
        let errs = errors(&hinted(&format!("hint: {}\n", "h".repeat(19_000))));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].2.contains("the hint is on every front"), "{errs:?}");
    }

    #[test]
    fn note_mistakes_are_located() {
        let errs = errors(
            "# D\n## a\nnote: T\nfield: Name\nfield: Q: x\nfield: Q: y\nfront: {{Q}}\ntemplate: One\nfront: {{Q}} {{Nope}}\nback: {{#Q}}x\ncards: 1 3\n",
        );
        let located: Vec<(usize, usize, &str)> = errs.iter().map(|e| (e.0, e.1, e.2.as_str())).collect();
        assert_eq!(
            located,
            [
                (4, 8, "`field:` needs a name and a text: `field: NAME: TEXT`"),
                (6, 8, "the field `Q` is given twice"),
                (7, 8, "`front:` before any `template:`"),
            ],
            "{errs:?}"
        );
        let errs = errors(
            "# D\n## a\nnote: T\nfield: Q: x\ntemplate: One\nfront: {{Q}} {{Nope}}\nback: {{#Q}}x\ncards: 1 3\n",
        );
        let located: Vec<(usize, usize, &str)> = errs.iter().map(|e| (e.0, e.1, e.2.as_str())).collect();
        assert_eq!(
            located,
            [
                (6, 14, "the template names a field `Nope` that the note does not have"),
                (7, 7, "the section `Q` is never closed"),
                (8, 10, "`3` is not a template number of this note"),
            ],
            "{errs:?}"
        );
        let errs = errors("# D\n## a\nnote: T\nfield: Q:\ntemplate: One\nfront: {{Q}}\n");
        let located: Vec<(usize, usize, &str)> = errs.iter().map(|e| (e.0, e.1, e.2.as_str())).collect();
        assert_eq!(located, [(5, 11, "template `One` has no `back:`")], "{errs:?}");
        let errs = errors("# D\n## a\nnote: T\nfield: Q:\ntemplate: One\nfront: {{Q}}\nback: {{Q}}\n");
        assert_eq!(
            errs[0].2,
            "fact `a` has no card (no template's front shows a field with text)"
        );
        let errs = errors("# D\n## a\nq: x\na: z\nfield: Q: y\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].2, "a q/a fact takes no `field:`");
    }
}
