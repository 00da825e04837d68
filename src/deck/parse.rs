//! The deck-file parser. It never stops at the first problem: every line is
//! checked and every problem is returned, each located by line and column.
//! Here: the parser's state, its diagnostics, and the deck and facts made
//! when the file is read; `lines.rs` reads each line (headings, `key: value`,
//! continuations), `body.rs` checks each fact's kind and keys.

mod body;
mod lines;
mod note;
mod options;

/// The parser's maps, one or two small ones per fact: a fast hash (the
/// standard one was 4% of building 100,000 facts), resistant enough for
/// keys from a file the user chose.
pub(super) type HashMap<K, V> = foldhash::HashMap<K, V>;

use super::{Deck, Diagnostic, Fact, Problem, RETENTION_RANGE};
use body::FactFields;
pub use lines::check_fact_id;

/// Largest deck file accepted, in bytes.
pub const MAX_DECK_BYTES: usize = 64 * 1024 * 1024;
/// Longest value accepted for one field, in characters.
pub const MAX_FIELD_CHARS: usize = 20_000;
pub use crate::diagnostic::MAX_DIAGNOSTICS;

const DECK_KEYS: &[&str] = &[
    "description",
    "retention",
    "new-per-day",
    "reviews-per-day",
    "learn-steps",
    "relearn-steps",
    "max-interval",
    "fsrs-parameters",
    "bury",
];
const FACT_KEYS: &[&str] = &[
    "q", "a", "alt", "hint", "extra", "tags", "source", "cards", "cloze", "sequence", "item", "timeline", "event",
    "note", "field", "template", "front", "back",
];
/// Keys a fact may give more than once.
const REPEATABLE_KEYS: &[&str] = &["alt", "item", "field", "template", "front", "back"];

/// Parses one deck file. `file` is the name used in diagnostics and `key`
/// the deck's stable identity (its file stem).
pub fn parse_deck(file: &str, key: &str, bytes: &[u8]) -> Result<Deck, Vec<Diagnostic>> {
    let mut parser = Parser::new(file);
    if bytes.len() > MAX_DECK_BYTES {
        parser.error_at(
            0,
            1,
            "",
            format!("the file is larger than the limit of {} MiB", MAX_DECK_BYTES >> 20),
            Some("split it into several deck files"),
        );
        return Err(parser.diagnostics);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(err) => {
            parser.report_invalid_utf8(bytes, err.valid_up_to());
            String::from_utf8_lossy(bytes)
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if let Err(problem) = lines::check_deck_key(key) {
        let first_line = text.lines().next().unwrap_or_default();
        parser.error_at(1, 1, first_line, problem.message, Some(&problem.hint));
    }
    parser.run(text);
    parser.finish(key)
}

/// A `key: value` line (or a continuation of one), located.
#[derive(Debug, Clone)]
struct Field {
    line: usize,
    /// Column (1-based, in characters) where the value starts.
    column: usize,
    raw: String,
    value: String,
    /// Characters in `value`, kept as lines are added (counting again would be quadratic).
    chars: usize,
}

#[derive(Debug, Default)]
struct FactDraft {
    id: String,
    line: usize,
    raw: String,
    fields: Vec<(String, Field)>,
}

struct Parser<'a> {
    file: &'a str,
    diagnostics: Vec<Diagnostic>,
    /// Problems past [`MAX_DIAGNOSTICS`], counted only.
    unreported: usize,
    /// Lines read.
    lines: usize,
    name: Option<String>,
    deck_fields: Vec<(String, Field)>,
    facts: Vec<FactDraft>,
    /// Line of each fact id's first heading, to report duplicates.
    fact_lines: HashMap<String, usize>,
    /// The field a continuation line would extend: (in a fact?, index).
    open_field: Option<(bool, usize)>,
}

impl<'a> Parser<'a> {
    fn new(file: &'a str) -> Self {
        Parser {
            file,
            diagnostics: Vec::new(),
            unreported: 0,
            lines: 0,
            name: None,
            deck_fields: Vec::new(),
            facts: Vec::new(),
            fact_lines: HashMap::default(),
            open_field: None,
        }
    }

    fn error_at(&mut self, line: usize, column: usize, raw: &str, message: String, hint: Option<&str>) {
        if self.diagnostics.len() >= MAX_DIAGNOSTICS {
            self.unreported += 1;
            return;
        }
        self.diagnostics.push(Diagnostic {
            file: self.file.to_string(),
            line: line.max(1),
            column: column.max(1),
            message,
            source_line: raw.to_string(),
            hint: hint.map(str::to_string),
        });
    }

    fn field_error(&mut self, field: &Field, message: String, hint: Option<&str>) {
        let (line, column, raw) = (field.line, field.column, field.raw.clone());
        self.error_at(line, column, &raw, message, hint);
    }

    fn report_invalid_utf8(&mut self, bytes: &[u8], valid_up_to: usize) {
        let before = &bytes[..valid_up_to];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        let line_end = bytes[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| i + line_start);
        let raw = String::from_utf8_lossy(&bytes[line_start..line_end]).into_owned();
        self.error_at(
            line,
            column,
            &raw,
            "invalid UTF-8".to_string(),
            Some("save the file as UTF-8"),
        );
    }

    fn run(&mut self, text: &str) {
        for (index, raw) in lines::split_lines(text).enumerate() {
            let line_no = index + 1;
            self.lines = line_no;
            self.line(line_no, raw);
        }
    }

    fn finish(mut self, key: &str) -> Result<Deck, Vec<Diagnostic>> {
        if self.name.is_none() {
            self.error_at(
                1,
                1,
                "",
                "the deck has no name".into(),
                Some("start the file with `# Deck name`"),
            );
        }
        let mut deck = Deck {
            key: key.to_string(),
            name: self.name.clone().unwrap_or_default(),
            description: String::new(),
            retention: None,
            new_per_day: None,
            reviews_per_day: None,
            preset: None,
            facts: Vec::new(),
        };
        let deck_fields = std::mem::take(&mut self.deck_fields);
        let mut seen = HashMap::default();
        for (key, field) in &deck_fields {
            if self.repeated(&mut seen, key, field) {
                continue;
            }
            match key.as_str() {
                "description" => deck.description = field.value.clone(),
                "retention" => deck.retention = self.retention(field),
                "new-per-day" => deck.new_per_day = self.count(field),
                "reviews-per-day" => deck.reviews_per_day = self.count(field),
                option => self.option(&mut deck, option, field),
            }
        }
        for draft in std::mem::take(&mut self.facts) {
            if let Some(fact) = self.fact(draft) {
                deck.facts.push(fact);
            }
        }
        if self.diagnostics.is_empty() {
            Ok(deck)
        } else {
            self.diagnostics.sort_by_key(|d| (d.line, d.column));
            if self.unreported > 0 {
                self.diagnostics.push(Diagnostic {
                    file: self.file.to_string(),
                    line: self.lines.max(1),
                    column: 1,
                    message: format!(
                        "and {} in this file, not shown",
                        crate::text::plural(self.unreported as u64, "more problem")
                    ),
                    source_line: String::new(),
                    hint: Some(format!(
                        "the first {MAX_DIAGNOSTICS} are above; fix them and build again"
                    )),
                });
            }
            Err(self.diagnostics)
        }
    }

    /// Reports a repeated single-valued key; true when it was one.
    fn repeated<'k>(&mut self, seen: &mut HashMap<&'k str, usize>, key: &'k str, field: &Field) -> bool {
        if REPEATABLE_KEYS.contains(&key) {
            return false;
        }
        if let Some(first) = seen.insert(key, field.line) {
            self.error_at(
                field.line,
                1,
                &field.raw,
                format!("`{key}` is given twice (first on line {first})"),
                Some("keep one; only `alt:`, `item:` and a note's `field:`, `template:`, `front:` and `back:` may repeat"),
            );
            return true;
        }
        false
    }

    fn retention(&mut self, field: &Field) -> Option<f32> {
        match field.value.parse::<f32>() {
            Ok(r) if RETENTION_RANGE.contains(&r) => Some(r),
            _ => {
                self.field_error(
                    field,
                    format!("retention `{}` is not a number from 0.70 to 0.99", field.value),
                    Some("e.g. `retention: 0.90` (90% recall when a card is due)"),
                );
                None
            }
        }
    }

    fn count(&mut self, field: &Field) -> Option<u32> {
        match field.value.parse::<u32>() {
            Ok(n) if n <= 100_000 => Some(n),
            _ => {
                self.field_error(
                    field,
                    format!("`{}` is not a whole number from 0 to 100000", field.value),
                    None,
                );
                None
            }
        }
    }

    fn fact(&mut self, draft: FactDraft) -> Option<Fact> {
        let mut seen = HashMap::default();
        let mut fields = FactFields::default();
        let mut ok = true;
        for (key, field) in &draft.fields {
            if self.repeated(&mut seen, key, field) {
                ok = false;
                continue;
            }
            fields.given.push((key, field));
            if field.value.is_empty() {
                self.field_error(
                    field,
                    format!("`{key}:` has no value"),
                    Some("write the value after the colon, or drop the line"),
                );
                ok = false;
                continue;
            }
            match key.as_str() {
                "alt" => fields.alternatives.push(field.value.clone()),
                "item" => fields.items.push(field),
                "field" | "template" | "front" | "back" => {}
                _ => {
                    fields.values.insert(key, field);
                }
            }
        }
        let body = self.fact_body(&draft, &fields)?;
        if !ok || draft.id.is_empty() {
            return None;
        }
        let text = |k: &str| fields.values.get(k).map(|f| f.value.clone());
        let fact = Fact {
            id: draft.id,
            body,
            alternatives: fields.alternatives,
            hint: text("hint"),
            extra: text("extra"),
            // A tag holds no control character: one splits it, as a space would.
            tags: text("tags")
                .map(|t| {
                    crate::text::clean_name(&t)
                        .split_whitespace()
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            source: text("source"),
        };
        if let Err(problem) = fact.check_card_text() {
            self.error_at(draft.line, 1, &draft.raw, problem.message, Some(&problem.hint));
            return None;
        }
        Some(fact)
    }

    /// Reports a problem inside a field's value, which may span
    /// continuation lines: `offset` is a byte offset into the value.
    fn value_error(&mut self, field: &Field, problem: Problem) {
        let before = &field.value[..problem.offset.min(field.value.len())];
        let extra_lines = before.matches('\n').count();
        let column = match before.rfind('\n') {
            Some(nl) => 2 + before[nl + 1..].chars().count(),
            None => field.column + before.chars().count(),
        };
        let raw = if extra_lines == 0 {
            field.raw.clone()
        } else {
            String::new()
        };
        self.error_at(
            field.line + extra_lines,
            column,
            &raw,
            problem.message,
            Some(&problem.hint),
        );
    }
}

#[cfg(test)]
mod tests;
