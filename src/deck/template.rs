//! The cards of a note fact ([`FactBody::Note`]): Anki's card templates
//! rendered to text. The syntax is Anki's: `{{Field}}` (with filters,
//! `{{hint:Field}}`, `{{type:Field}}`; the field name is the last part),
//! `{{#Field}}…{{/Field}}` shown when the field has text, `{{^Field}}…{{/Field}}`
//! when it has none, and the special fields `{{FrontSide}}`, `{{Tags}}`,
//! `{{Type}}` (the note type) and `{{Card}}` (the template's name).
//!
//! Templates and fields are held as text (an import turns Anki's HTML into
//! text, images and sounds into `[image: …]` / `[sound: …]` placeholders),
//! so a side is rendered by substitution alone, then cleaned as every value
//! is (lines trimmed, blank lines dropped). The back leaves out a leading
//! `{{FrontSide}}`, since the front is shown above it. Fields neither side
//! uses are shown under the answer as `Name: text` lines. The answer a quiz
//! checks is the field a `{{type:Field}}` box asks for, else the rendered
//! back. A rendered side holds at most [`MAX_SIDE_CHARS`] characters (a
//! template may name a field, or `{{FrontSide}}`, any number of times: the
//! text is cut there, marked with `…`), so a card costs work bounded by its
//! template's length and that cap. A card's template name is `card:N`, N the template's number
//! (Anki's ordinal + 1), so its identity, like a cloze card's, survives
//! edits of the wording.

use std::collections::HashSet;

use super::{NoteField, NoteTemplate, Problem};
use crate::card::CardText;
use crate::text::clean_value;

/// Names Anki fills in itself.
const SPECIAL: &[&str] = &["FrontSide", "Tags", "Type", "Card", "Deck", "Subdeck", "CardFlag"];

/// The most characters a rendered side holds (two fields of the longest a
/// deck file allows); what would follow is cut and marked with `…`.
pub const MAX_SIDE_CHARS: usize = 2 * super::MAX_FIELD_CHARS;

/// The most fields a note fact has. Real note types have a few dozen at
/// most; the cap keeps the checks and the lines under an answer small.
pub const MAX_NOTE_FIELDS: usize = 100;

/// The most templates (so cards) a note fact has: each card renders up to
/// two sides of [`MAX_SIDE_CHARS`], so this bounds a fact's card text.
pub const MAX_NOTE_TEMPLATES: usize = 100;

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Text(String),
    /// `at`: the byte offset of its tag in the template.
    Field {
        name: String,
        filters: Vec<String>,
        at: usize,
    },
    Section {
        name: String,
        negated: bool,
        body: Vec<Node>,
        at: usize,
    },
}

/// The template name of card number `number` (`card:N`).
pub fn card_template(number: u32) -> String {
    format!("card:{number}")
}

/// The card number of a `card:N` template name.
pub fn card_number(template: &str) -> Option<u32> {
    template.strip_prefix("card:")?.parse().ok().filter(|n| *n > 0)
}

/// Checks one side of a template against the note's fields: well formed,
/// every field it names a field of the note (or a special one).
pub fn check_side(side: &str, fields: &[NoteField]) -> Result<(), Problem> {
    let nodes = parse(side)?;
    let mut names = Vec::new();
    referenced(&nodes, &mut names);
    let known: HashSet<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    for (name, offset) in names {
        if !SPECIAL.contains(&name.as_str()) && !known.contains(name.as_str()) {
            let known: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
            return Err(Problem {
                offset,
                message: format!("the template names a field `{name}` that the note does not have"),
                hint: format!("its fields: {}", known.join(", ")),
            });
        }
    }
    Ok(())
}

/// Checks a field's name: not empty, no `:` or braces (Anki's rule), one line.
pub fn check_field_name(name: &str) -> Result<(), Problem> {
    let bad = name.is_empty()
        || name.trim() != name
        || name
            .chars()
            .any(|c| c.is_control() || matches!(c, ':' | '{' | '}' | '"'))
        || name.starts_with(['#', '/', '^']);
    if bad {
        return Err(Problem {
            offset: 0,
            message: format!("`{name}` is not a field name"),
            hint: "write `field: NAME: TEXT`; a name has no `:`, `{`, `}` or `\"` and does not start with #, / or ^"
                .into(),
        });
    }
    Ok(())
}

/// The template numbers that yield a card when a fact does not say: those
/// whose front shows some field's text (Anki's rule for generating cards).
pub fn generated(fields: &[NoteField], templates: &[NoteTemplate]) -> Vec<u32> {
    let empty: Vec<NoteField> = fields
        .iter()
        .map(|f| NoteField {
            name: f.name.clone(),
            text: String::new(),
        })
        .collect();
    (1..)
        .zip(templates)
        .filter(|(_, template)| {
            let Ok(nodes) = parse(&template.front) else {
                return false;
            };
            let side = |fields: &[NoteField]| rendered(&nodes, &Context::bare(fields), Side::Front);
            side(fields) != side(&empty)
        })
        .map(|(number, _)| number)
        .collect()
}

/// The cards of a note fact: one per number in `cards`, in that order;
/// `tags` the fact's tags joined by spaces, as `{{Tags}}` shows them.
pub fn note_cards(
    notetype: &str,
    fields: &[NoteField],
    templates: &[NoteTemplate],
    cards: &[u32],
    tags: &str,
) -> Vec<CardText> {
    cards
        .iter()
        .filter_map(|&number| {
            let template = templates.get(usize::try_from(number).ok()?.checked_sub(1)?)?;
            // The parser and the import check templates; one that does not
            // parse here shows as written.
            let front_nodes = parse(&template.front).unwrap_or_else(|_| vec![Node::Text(template.front.clone())]);
            let mut back_nodes = parse(&template.back).unwrap_or_else(|_| vec![Node::Text(template.back.clone())]);
            let mut used = Vec::new();
            referenced(&front_nodes, &mut used);
            referenced(&back_nodes, &mut used);
            drop_leading_front_side(&mut back_nodes);
            let mut ctx = Context {
                fields,
                tags,
                notetype,
                card: &template.name,
                front: String::new(),
            };
            let front = clean_value(&rendered(&front_nodes, &ctx, Side::Front));
            ctx.front = front.clone();
            let answer = clean_value(&rendered(&back_nodes, &ctx, Side::Back));
            // The field a type-in box asks for is the answer to check, as in Anki.
            let expected = typed_field(&front_nodes)
                .or_else(|| typed_field(&back_nodes))
                .map(|name| clean_value(ctx.value(&name)))
                .filter(|typed| !typed.is_empty());
            let used: HashSet<&str> = used.iter().map(|(name, _)| name.as_str()).collect();
            let mut back = Budget::new();
            back.push(&answer);
            for field in fields
                .iter()
                .filter(|f| !f.text.is_empty() && !used.contains(f.name.as_str()))
            {
                if !back.text.is_empty() {
                    back.push("\n");
                }
                for part in [field.name.as_str(), ": ", field.text.as_str()] {
                    back.push(part);
                }
            }
            let back = back.text;
            let front = if front.is_empty() {
                format!("({notetype}: {}, empty)", template.name)
            } else {
                front
            };
            Some(CardText {
                template: card_template(number),
                front,
                back,
                answer: expected.unwrap_or(answer),
            })
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Front,
    Back,
}

struct Context<'a> {
    fields: &'a [NoteField],
    tags: &'a str,
    notetype: &'a str,
    card: &'a str,
    /// The rendered front, for `{{FrontSide}}` on the back.
    front: String,
}

impl<'a> Context<'a> {
    fn bare(fields: &'a [NoteField]) -> Context<'a> {
        Context {
            fields,
            tags: "",
            notetype: "",
            card: "",
            front: String::new(),
        }
    }

    fn value(&self, name: &str) -> &str {
        match name {
            "FrontSide" => &self.front,
            "Tags" => self.tags,
            "Type" => self.notetype,
            "Card" => self.card,
            _ => self
                .fields
                .iter()
                .find(|f| f.name == name)
                .map_or("", |f| f.text.as_str()),
        }
    }
}

/// Text built up to [`MAX_SIDE_CHARS`]: what would go past is cut, marked with `…`.
struct Budget {
    text: String,
    /// Characters that may still be added.
    left: usize,
    full: bool,
}

impl Budget {
    fn new() -> Budget {
        Budget {
            text: String::new(),
            left: MAX_SIDE_CHARS,
            full: false,
        }
    }

    /// Appends `s`, or as much of it as fits; costs at most the characters
    /// that fit. False once the budget is spent.
    fn push(&mut self, s: &str) -> bool {
        if self.full {
            return false;
        }
        match s.char_indices().nth(self.left) {
            Some((cut, _)) => {
                self.text.push_str(&s[..cut]);
                self.text.push('…');
                self.left = 0;
                self.full = true;
                false
            }
            None => {
                self.text.push_str(s);
                self.left -= s.chars().count();
                true
            }
        }
    }
}

/// A side rendered, at most [`MAX_SIDE_CHARS`] characters of it.
fn rendered(nodes: &[Node], ctx: &Context, side: Side) -> String {
    let mut out = Budget::new();
    render(nodes, ctx, side, &mut out);
    out.text
}

/// Renders `nodes` into `out`; false once `out` is full (nothing more is looked at).
fn render(nodes: &[Node], ctx: &Context, side: Side, out: &mut Budget) -> bool {
    for node in nodes {
        let more = match node {
            Node::Text(text) => out.push(text),
            Node::Field { name, filters, .. } => {
                let audio = filters.iter().any(|f| f.starts_with("tts"));
                // A type-in box on the front; the answer on the back.
                let typed_front = side == Side::Front && filters.iter().any(|f| f == "type");
                audio || typed_front || out.push(ctx.value(name))
            }
            Node::Section {
                name, negated, body, ..
            } => ctx.value(name).trim().is_empty() != *negated || render(body, ctx, side, out),
        };
        if !more {
            return false;
        }
    }
    true
}

/// Takes off a `{{FrontSide}}` the back starts with (blank text before it aside).
fn drop_leading_front_side(nodes: &mut Vec<Node>) {
    let first = nodes
        .iter()
        .position(|n| !matches!(n, Node::Text(t) if t.trim().is_empty()));
    if let Some(i) = first
        && matches!(&nodes[i], Node::Field { name, filters, .. } if name == "FrontSide" && filters.is_empty())
    {
        nodes.drain(..=i);
    }
}

/// The field a `{{type:Field}}` box asks for, if the side has one.
fn typed_field(nodes: &[Node]) -> Option<String> {
    nodes.iter().find_map(|node| match node {
        Node::Field { name, filters, .. } if filters.iter().any(|f| f == "type") => Some(name.clone()),
        Node::Section { body, .. } => typed_field(body),
        _ => None,
    })
}

/// The field names a template uses, with their byte offsets.
fn referenced(nodes: &[Node], out: &mut Vec<(String, usize)>) {
    fn walk(nodes: &[Node], out: &mut Vec<(String, usize)>) {
        for node in nodes {
            match node {
                Node::Text(_) => {}
                Node::Field { name, at, .. } => out.push((name.clone(), *at)),
                Node::Section { name, body, at, .. } => {
                    out.push((name.clone(), *at));
                    walk(body, out);
                }
            }
        }
    }
    walk(nodes, out);
}

/// One `{{…}}` tag, or text.
enum Token<'a> {
    Text(&'a str),
    Open { name: &'a str, negated: bool },
    Close(&'a str),
    Field { name: &'a str, filters: Vec<&'a str> },
}

fn problem(offset: usize, message: String, hint: &str) -> Problem {
    Problem {
        offset,
        message,
        hint: hint.to_string(),
    }
}

fn tokens(template: &str) -> Result<Vec<(usize, Token<'_>)>, Problem> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < template.len() {
        let Some(open) = template[at..].find("{{").map(|i| i + at) else {
            out.push((at, Token::Text(&template[at..])));
            break;
        };
        if open > at {
            out.push((at, Token::Text(&template[at..open])));
        }
        let Some(close) = template[open + 2..].find("}}").map(|i| i + open + 2) else {
            return Err(problem(
                open,
                "`{{` is never closed".into(),
                "close it with `}}`, as in `{{Field}}`",
            ));
        };
        let inner = template[open + 2..close].trim();
        let token = if let Some(name) = inner.strip_prefix('#') {
            Token::Open {
                name: name.trim(),
                negated: false,
            }
        } else if let Some(name) = inner.strip_prefix('^') {
            Token::Open {
                name: name.trim(),
                negated: true,
            }
        } else if let Some(name) = inner.strip_prefix('/') {
            Token::Close(name.trim())
        } else {
            let mut parts: Vec<&str> = inner.split(':').map(str::trim).collect();
            let name = parts.pop().unwrap_or_default();
            Token::Field { name, filters: parts }
        };
        let name = match &token {
            Token::Open { name, .. } | Token::Close(name) | Token::Field { name, .. } => *name,
            Token::Text(_) => "",
        };
        if name.is_empty() {
            return Err(problem(
                open,
                "`{{}}` names no field".into(),
                "write a field's name between the braces",
            ));
        }
        out.push((open, token));
        at = close + 2;
    }
    Ok(out)
}

/// Sections nested deeper than this are refused (no template needs more;
/// a hostile one would only cost stack).
const MAX_DEPTH: usize = 32;

fn parse(template: &str) -> Result<Vec<Node>, Problem> {
    let tokens = tokens(template)?;
    let mut tokens = tokens.into_iter();
    parse_until(&mut tokens, None, 0)
}

/// Nodes up to the close of section `open` (its name and offset), or to the end.
fn parse_until<'a>(
    tokens: &mut impl Iterator<Item = (usize, Token<'a>)>,
    open: Option<(&'a str, usize)>,
    depth: usize,
) -> Result<Vec<Node>, Problem> {
    let mut nodes = Vec::new();
    while let Some((offset, token)) = tokens.next() {
        match token {
            Token::Text(text) => nodes.push(Node::Text(text.to_string())),
            Token::Field { name, filters } => nodes.push(Node::Field {
                name: name.to_string(),
                filters: filters.into_iter().map(str::to_string).collect(),
                at: offset,
            }),
            Token::Open { name, negated } => {
                if depth >= MAX_DEPTH {
                    return Err(problem(
                        offset,
                        format!("sections nested deeper than {MAX_DEPTH}"),
                        "close some sections before opening more",
                    ));
                }
                let body = parse_until(tokens, Some((name, offset)), depth + 1)?;
                nodes.push(Node::Section {
                    name: name.to_string(),
                    negated,
                    body,
                    at: offset,
                });
            }
            Token::Close(name) => {
                return match open {
                    Some((opened, _)) if opened == name => Ok(nodes),
                    Some((opened, _)) => Err(problem(
                        offset,
                        format!("`{{{{/{name}}}}}` closes `{{{{#{opened}}}}}`"),
                        "close sections in the order they were opened",
                    )),
                    None => Err(problem(
                        offset,
                        format!("`{{{{/{name}}}}}` closes no section"),
                        "open it first with `{{#NAME}}` or `{{^NAME}}`",
                    )),
                };
            }
        }
    }
    match open {
        Some((name, offset)) => Err(problem(
            offset,
            format!("the section `{name}` is never closed"),
            "close it with `{{/NAME}}`",
        )),
        None => Ok(nodes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<NoteField> {
        pairs
            .iter()
            .map(|(name, text)| NoteField {
                name: name.to_string(),
                text: text.to_string(),
            })
            .collect()
    }

    fn person() -> (Vec<NoteField>, Vec<NoteTemplate>) {
        let fields = fields(&[
            ("Name", "Alfred Rosmer"),
            ("Born", "1877"),
            ("Role", "French delegate"),
            ("Notes", "Syndicalist"),
        ]);
        let templates = vec![
            NoteTemplate {
                name: "Who".into(),
                front: "Who was {{Name}}?".into(),
                back: "{{FrontSide}}\n{{Role}}\n{{Born}}".into(),
            },
            NoteTemplate {
                name: "Which".into(),
                front: "Which person: {{Role}}?".into(),
                back: "{{FrontSide}}\n{{Name}}".into(),
            },
        ];
        (fields, templates)
    }

    #[test]
    fn each_template_is_a_card_with_the_unused_fields_under_its_answer() {
        let (fields, templates) = person();
        let cards = note_cards("Person", &fields, &templates, &[1, 2], "");
        let shown: Vec<(&str, &str, &str, &str)> = cards
            .iter()
            .map(|c| {
                (
                    c.template.as_str(),
                    c.front.as_str(),
                    c.back.as_str(),
                    c.answer.as_str(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "card:1",
                    "Who was Alfred Rosmer?",
                    "French delegate\n1877\nNotes: Syndicalist",
                    "French delegate\n1877"
                ),
                (
                    "card:2",
                    "Which person: French delegate?",
                    "Alfred Rosmer\nBorn: 1877\nNotes: Syndicalist",
                    "Alfred Rosmer"
                ),
            ]
        );
        let only_second = note_cards("Person", &fields, &templates, &[2], "");
        assert_eq!(only_second.len(), 1);
        assert_eq!(only_second[0].template, "card:2");
    }

    #[test]
    fn sections_filters_and_special_fields() {
        let fields = fields(&[("Front", "Moscow"), ("Note", ""), ("Back", "1918")]);
        let templates = vec![NoteTemplate {
            name: "Capital".into(),
            front:
                "{{Type}}/{{Card}}: since when is {{text:Front}} the capital?{{#Note}} ({{Note}}){{/Note}}{{type:Back}}"
                    .into(),
            back: "{{^Note}}no note;{{/Note}} {{type:Back}} [{{Tags}}]\nasked: {{FrontSide}}".into(),
        }];
        let cards = note_cards("Cities", &fields, &templates, &[1], "russia");
        assert_eq!(cards[0].front, "Cities/Capital: since when is Moscow the capital?");
        assert_eq!(
            cards[0].back,
            "no note; 1918 [russia]\nasked: Cities/Capital: since when is Moscow the capital?"
        );
        assert_eq!(cards[0].answer, "1918", "the type-in field is the answer to check");
    }

    #[test]
    fn a_side_that_repeats_a_field_or_the_front_is_cut_at_the_cap() {
        let fields = fields(&[("A", &"x".repeat(20_000)), ("B", "unused")]);
        let templates = vec![NoteTemplate {
            name: "Big".into(),
            front: "{{A}}".repeat(1000),
            back: "{{FrontSide}}".repeat(230),
        }];
        assert_eq!(generated(&fields, &templates), vec![1]);
        let cards = note_cards("Hostile", &fields, &templates, &[1], "");
        let card = &cards[0];
        let cut = format!("{}…", "x".repeat(MAX_SIDE_CHARS));
        assert_eq!(card.front, cut);
        assert_eq!(card.answer, cut, "the back: the capped front, cut again");
        assert_eq!(card.back, cut, "no room left for the unused field");
        let (fields, templates) = person();
        let whole = note_cards("Person", &fields, &templates, &[1], "");
        assert!(!whole[0].front.contains('…') && !whole[0].back.contains('…'));
    }

    #[test]
    fn a_template_yields_a_card_when_its_front_shows_a_field() {
        let (mut fields, templates) = person();
        assert_eq!(generated(&fields, &templates), vec![1, 2]);
        fields[2].text.clear();
        assert_eq!(generated(&fields, &templates), vec![1]);
    }

    #[test]
    fn bad_templates_are_located() {
        let (fields, _) = person();
        let err = |side: &str| check_side(side, &fields).unwrap_err();
        let unknown = err("Who was {{Nmae}}?");
        assert_eq!(
            unknown.message,
            "the template names a field `Nmae` that the note does not have"
        );
        assert_eq!(unknown.offset, 8);
        assert!(unknown.hint.contains("Name, Born, Role, Notes"), "{}", unknown.hint);
        assert_eq!(err("a {{Name").offset, 2);
        assert_eq!(err("{{#Name}}x").message, "the section `Name` is never closed");
        assert_eq!(err("x {{/Name}}").offset, 2);
        assert!(err("{{#Name}}{{/Role}}").message.contains("closes"));
        assert!(check_side("{{#Role}}{{Name}}{{/Role}} {{FrontSide}} {{hint:Notes}}", &fields).is_ok());
        let deep = format!("{}x{}", "{{#Name}}".repeat(40), "{{/Name}}".repeat(40));
        assert_eq!(err(&deep).message, "sections nested deeper than 32");
        let fine = format!("{}x{}", "{{#Name}}".repeat(32), "{{/Name}}".repeat(32));
        assert!(check_side(&fine, &fields).is_ok());
        assert!(check_field_name("Back Extra").is_ok());
        for bad in ["", "a:b", "{x}", "#x", " x", "a\nb"] {
            assert!(check_field_name(bad).is_err(), "{bad:?}");
        }
        assert_eq!(card_number("card:2"), Some(2));
        assert_eq!(card_number("card:0"), None);
        assert_eq!(card_number("cloze:2"), None);
    }
}
