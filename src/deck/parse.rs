//! The deck-file parser. It never stops at the first problem: every line is
//! checked and every problem is returned, each located by line and column.

mod body;

use std::collections::HashMap;

use super::{Deck, Diagnostic, Fact, Problem, RETENTION_RANGE};
use body::FactFields;

/// Largest deck file accepted, in bytes.
pub const MAX_DECK_BYTES: usize = 64 * 1024 * 1024;
/// Longest value accepted for one field, in characters.
pub const MAX_FIELD_CHARS: usize = 20_000;
/// Problems reported per file; past this they are only counted, so that a
/// file of garbage costs neither gigabytes of diagnostics nor a flood of them.
pub const MAX_DIAGNOSTICS: usize = 1_000;

const DECK_KEYS: &[&str] = &["description", "retention", "new-per-day", "reviews-per-day"];
const FACT_KEYS: &[&str] = &[
    "q", "a", "alt", "hint", "extra", "tags", "source", "cards", "cloze", "sequence", "item", "timeline", "event",
];
/// Keys a fact may give more than once.
const REPEATABLE_KEYS: &[&str] = &["alt", "item"];

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
            fact_lines: HashMap::new(),
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
        for (index, raw_line) in text.split('\n').enumerate() {
            let line_no = index + 1;
            let raw = raw_line.strip_suffix('\r').unwrap_or(raw_line);
            self.lines = line_no;
            self.line(line_no, raw);
        }
    }

    fn line(&mut self, line_no: usize, raw: &str) {
        if raw.starts_with(' ') || raw.starts_with('\t') {
            if raw.trim().is_empty() {
                self.open_field = None;
            } else {
                self.continuation(line_no, raw);
            }
            return;
        }
        let line = raw.trim_end();
        if line.is_empty() || line.starts_with("//") {
            self.open_field = None;
            return;
        }
        self.open_field = None;
        if let Some(rest) = line.strip_prefix("## ") {
            self.fact_heading(line_no, raw, rest);
        } else if let Some(rest) = line.strip_prefix("# ") {
            self.deck_heading(line_no, raw, rest);
        } else if line.starts_with('#') {
            self.error_at(
                line_no,
                1,
                raw,
                "a heading must be `# deck name` or `## fact-id`".to_string(),
                Some("put a space after the #; deeper headings are not used"),
            );
        } else {
            self.key_value(line_no, raw, line);
        }
    }

    fn deck_heading(&mut self, line_no: usize, raw: &str, rest: &str) {
        let name = rest.trim();
        if name.is_empty() {
            self.error_at(
                line_no,
                3,
                raw,
                "the deck name is empty".into(),
                Some("write `# Deck name`"),
            );
        } else if self.name.is_some() || !self.facts.is_empty() {
            self.error_at(
                line_no,
                1,
                raw,
                "a second deck heading".into(),
                Some("a file holds one deck; fact headings start with `## `"),
            );
        } else {
            self.name = Some(name.to_string());
        }
    }

    fn fact_heading(&mut self, line_no: usize, raw: &str, rest: &str) {
        if self.name.is_none() && self.facts.is_empty() {
            self.error_at(
                line_no,
                1,
                raw,
                "a fact before the deck heading".into(),
                Some("start the file with `# Deck name`"),
            );
        }
        let id = rest.trim();
        let id_column = 4 + (rest.chars().count() - rest.trim_start().chars().count());
        if let Err(problem) = check_fact_id(id) {
            let column = if id.is_empty() {
                3
            } else {
                id_column + id[..problem.offset].chars().count()
            };
            self.error_at(line_no, column, raw, problem.message, Some(&problem.hint));
        } else if let Some(&first_line) = self.fact_lines.get(id) {
            self.error_at(
                line_no,
                id_column,
                raw,
                format!("duplicate fact id `{id}` (first used on line {first_line})"),
                Some("every fact in a deck needs its own id; history follows the id"),
            );
        }
        self.fact_lines.entry(id.to_string()).or_insert(line_no);
        self.facts.push(FactDraft {
            id: id.to_string(),
            line: line_no,
            raw: raw.to_string(),
            fields: Vec::new(),
        });
    }

    fn key_value(&mut self, line_no: usize, raw: &str, line: &str) {
        let Some((key, value)) = line.split_once(':') else {
            self.error_at(
                line_no,
                1,
                raw,
                "expected `key: value`".into(),
                Some("continue a value on the next line by indenting it; comments start with //"),
            );
            return;
        };
        let value_column = key.chars().count() + 2 + (value.chars().count() - value.trim_start().chars().count());
        let value = value.trim();
        let field = Field {
            line: line_no,
            column: value_column,
            raw: raw.to_string(),
            value: value.to_string(),
            chars: value.chars().count(),
        };
        let in_fact = !self.facts.is_empty();
        let known = if in_fact { FACT_KEYS } else { DECK_KEYS };
        if !known.contains(&key) {
            let other = if in_fact { DECK_KEYS } else { FACT_KEYS };
            let hint = if other.contains(&key) {
                Some(if in_fact {
                    format!("`{key}` belongs in the deck header, before the first `## fact`")
                } else {
                    format!("`{key}` belongs to a fact; start one with `## fact-id` first")
                })
            } else {
                closest(key, known).map(|k| format!("did you mean `{k}`? known keys: {}", known.join(", ")))
            };
            let hint = hint.unwrap_or_else(|| format!("known keys: {}", known.join(", ")));
            self.error_at(line_no, 1, raw, format!("unknown key `{key}`"), Some(&hint));
            return;
        }
        if field.chars > MAX_FIELD_CHARS {
            self.field_error(&field, too_long(), Some(TOO_LONG_HINT));
            return;
        }
        if in_fact {
            let fact = self.facts.last_mut().map(|f| {
                f.fields.push((key.to_string(), field));
                f.fields.len() - 1
            });
            self.open_field = fact.map(|i| (true, i));
        } else {
            self.deck_fields.push((key.to_string(), field));
            self.open_field = Some((false, self.deck_fields.len() - 1));
        }
    }

    fn continuation(&mut self, line_no: usize, raw: &str) {
        let target = match self.open_field {
            Some((true, i)) => self.facts.last_mut().and_then(|f| f.fields.get_mut(i)),
            Some((false, i)) => self.deck_fields.get_mut(i),
            None => None,
        };
        match target {
            Some((_, field)) => {
                let more = raw.trim();
                let was = field.chars;
                field.chars += 1 + more.chars().count();
                if field.chars <= MAX_FIELD_CHARS {
                    field.value.push('\n');
                    field.value.push_str(more);
                } else if was <= MAX_FIELD_CHARS {
                    // Reported once, at the line that goes past the limit; the
                    // value is not grown further.
                    let column = 1 + raw.chars().count() - raw.trim_start().chars().count();
                    self.error_at(line_no, column, raw, too_long(), Some(TOO_LONG_HINT));
                }
            }
            None => self.error_at(
                line_no,
                1,
                raw,
                "an indented line that continues nothing".into(),
                Some("indented lines continue the value of the `key:` line just above"),
            ),
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
            facts: Vec::new(),
        };
        let deck_fields = std::mem::take(&mut self.deck_fields);
        let mut seen = HashMap::new();
        for (key, field) in &deck_fields {
            if self.repeated(&mut seen, key, field) {
                continue;
            }
            match key.as_str() {
                "description" => deck.description = field.value.clone(),
                "retention" => deck.retention = self.retention(field),
                "new-per-day" => deck.new_per_day = self.count(field),
                "reviews-per-day" => deck.reviews_per_day = self.count(field),
                _ => {}
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
                    message: format!("and {} more problems in this file, not shown", self.unreported),
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
                Some("keep one; only `alt:` and `item:` may repeat"),
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
        let mut seen = HashMap::new();
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
        Some(Fact {
            id: draft.id,
            body,
            alternatives: fields.alternatives,
            hint: text("hint"),
            extra: text("extra"),
            tags: text("tags")
                .map(|t| t.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default(),
            source: text("source"),
        })
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

const TOO_LONG_HINT: &str = "cards should be short; split the fact";

fn too_long() -> String {
    format!("the value is longer than {MAX_FIELD_CHARS} characters")
}

/// Checks a fact id: lowercase ASCII letters, digits and `-`, not starting
/// with `-`.
pub fn check_fact_id(id: &str) -> Result<(), Problem> {
    if id.is_empty() {
        return Err(Problem {
            offset: 0,
            message: "the fact id is empty".into(),
            hint: "write `## some-id`".into(),
        });
    }
    match id
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_lowercase() || c.is_ascii_digit() || (c == '-' && i > 0)))
    {
        Some((offset, bad)) => Err(Problem {
            offset,
            message: format!("{bad:?} is not allowed in a fact id"),
            hint: "ids use lowercase letters, digits and `-`, e.g. `reed-typhus`".into(),
        }),
        None => Ok(()),
    }
}

/// The known key closest to a misspelt one, if any is close.
fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (edit_distance(key, k), *k))
        .filter(|(d, k)| *d <= 2 && *d < k.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb)).min(row[j] + 1).min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::FactBody;

    fn parse(text: &str) -> Result<Deck, Vec<Diagnostic>> {
        parse_deck("t.deck", "t", text.as_bytes())
    }

    fn errors(text: &str) -> Vec<(usize, usize, String)> {
        parse(text)
            .unwrap_err()
            .into_iter()
            .map(|d| (d.line, d.column, d.message))
            .collect()
    }

    const GOOD: &str = "// a comment\n# Lenin's Moscow\ndescription: Rosmer's memoir\nretention: 0.85\n\n## rosmer-born\nq: When was Rosmer born?\na: 1877\nalt: in 1877\ntags: rosmer life\nsource: seeds/000.md#1\ncards: basic reverse\n\n## reed\ncloze: Reed caught {{typhus}}\n  after {{Baku}}.\nextra: He died in Moscow.\n";

    #[test]
    fn parses_a_complete_deck() {
        let deck = parse(GOOD).unwrap();
        assert_eq!(deck.name, "Lenin's Moscow");
        assert_eq!(deck.retention, Some(0.85));
        assert_eq!(deck.facts.len(), 2);
        let born = &deck.facts[0];
        assert_eq!(born.alternatives, vec!["in 1877"]);
        assert_eq!(born.tags, vec!["rosmer", "life"]);
        assert_eq!(born.cards().len(), 2);
        assert_eq!(
            deck.facts[1].body,
            FactBody::Cloze {
                text: "Reed caught {{typhus}}\nafter {{Baku}}.".into()
            }
        );
        assert_eq!(deck.facts[1].extra.as_deref(), Some("He died in Moscow."));
    }

    #[test]
    fn duplicate_id_points_at_second_heading() {
        let errs = errors("# D\n## a\nq: x\na: y\n## a\nq: z\na: w\n");
        assert_eq!(errs.len(), 1);
        assert_eq!((errs[0].0, errs[0].1), (5, 4));
        assert!(errs[0].2.contains("first used on line 2"), "{errs:?}");
    }

    #[test]
    fn empty_question_and_missing_answer() {
        let errs = errors("# D\n## a\nq:\na: y\n## b\nq: x\n");
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!((errs[0].0, errs[0].1), (3, 3));
        assert!(errs[0].2.contains("no value"));
        assert_eq!(errs[1].0, 5);
        assert!(errs[1].2.contains("no answer"));
    }

    #[test]
    fn unknown_key_suggests_the_right_one() {
        let result = parse("# D\n## a\nq: x\na: y\ntgas: p\n").unwrap_err();
        assert_eq!((result[0].line, result[0].column), (5, 1));
        assert!(result[0].hint.as_deref().unwrap().contains("did you mean `tags`"));
    }

    #[test]
    fn cloze_errors_point_at_the_braces() {
        let errs = errors("# D\n## a\ncloze: Reed {{typhus\n## b\ncloze: no gaps\n## c\ncloze: x {{}} y\n");
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert_eq!((errs[0].0, errs[0].1), (3, 13));
        assert!(errs[0].2.contains("never closed"));
        assert_eq!((errs[1].0, errs[1].1), (5, 8));
        assert_eq!((errs[2].0, errs[2].1), (7, 10));
    }

    #[test]
    fn bad_retention_is_located() {
        let errs = errors("# D\nretention: 1.5\n");
        assert_eq!(
            errs,
            vec![(2, 12, "retention `1.5` is not a number from 0.70 to 0.99".to_string())]
        );
    }

    #[test]
    fn invalid_utf8_is_located() {
        let mut bytes = b"# D\n## a\nq: caf".to_vec();
        bytes.push(0xff);
        bytes.extend_from_slice(b"\na: y\n");
        let errs = parse_deck("t.deck", "t", &bytes).unwrap_err();
        assert_eq!((errs[0].line, errs[0].column), (3, 7));
        assert_eq!(errs[0].message, "invalid UTF-8");
    }

    #[test]
    fn bad_fact_id_and_card_kind() {
        let errs = errors("# D\n## Reed_1\nq: x\na: y\n## b\nq: x\na: y\ncards: basic revers\n");
        assert_eq!((errs[0].0, errs[0].1), (2, 4));
        assert_eq!((errs[1].0, errs[1].1), (8, 14));
    }

    #[test]
    fn deck_key_inside_fact_and_missing_name() {
        let errs = errors("## a\nq: x\na: y\nretention: 0.9\n");
        assert!(errs.iter().any(|e| e.2.contains("before the deck heading")));
        assert!(errs.iter().any(|e| e.0 == 4 && e.2.contains("unknown key `retention`")));
        assert!(errs.iter().any(|e| e.2.contains("no name")));
    }

    #[test]
    fn repeated_single_key_is_an_error_but_alt_may_repeat() {
        let errs = errors("# D\n## a\nq: x\nq: z\na: y\nalt: 1\nalt: 2\n");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, 4);
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let deck = parse("\u{feff}# D\r\n## a\r\nq: x\r\na: y\r\n").unwrap();
        assert_eq!(deck.facts[0].cards()[0].back, "y");
    }

    #[test]
    fn a_value_too_long_is_located_also_when_continued() {
        let long = "x".repeat(MAX_FIELD_CHARS + 1);
        let errs = errors(&format!("# D\n## a\nq: {long}\na: y\n"));
        assert!(errs.contains(&(3, 4, too_long())), "{errs:?}");
        // Continuation lines add up; the line that crosses the limit is reported once.
        let half = "y".repeat(MAX_FIELD_CHARS / 2);
        let errs = errors(&format!("# D\n## a\nq: x\na: {half}\n  {half}\n    {half}\n  {half}\n"));
        assert_eq!(errs, vec![(5, 3, too_long())]);
        let exactly = format!("# D\n## a\nq: x\na: {}\n  {}\n", "z".repeat(9_999), "z".repeat(10_000));
        assert!(parse(&exactly).is_ok(), "20000 characters with the line break");
    }

    #[test]
    fn problems_past_the_cap_are_counted_not_kept() {
        let errs = parse(&format!("# D\n{}", "   stray\n".repeat(MAX_DIAGNOSTICS + 234))).unwrap_err();
        assert_eq!(errs.len(), MAX_DIAGNOSTICS + 1);
        assert_eq!(
            (errs[MAX_DIAGNOSTICS - 1].line, errs[MAX_DIAGNOSTICS - 1].column),
            (MAX_DIAGNOSTICS + 1, 1)
        );
        let last = &errs[MAX_DIAGNOSTICS];
        assert_eq!(last.message, "and 234 more problems in this file, not shown");
        assert_eq!(last.line, MAX_DIAGNOSTICS + 236, "the end of the file");
    }

    #[test]
    fn long_lines_are_quoted_around_the_column() {
        let line = format!("cloze: {}{{{{oops", "w".repeat(5_000));
        let errs = parse(&format!("# D\n## a\n{line}\n")).unwrap_err();
        let shown = errs[0].to_string();
        assert!(
            shown.starts_with("t.deck:3:5008: error: this `{{` is never closed"),
            "{shown}"
        );
        let quoted = shown.lines().nth(1).unwrap();
        let caret = shown.lines().nth(2).unwrap();
        assert_eq!(quoted, format!("3 | …{}{{{{oops", "w".repeat(50)));
        assert_eq!(caret.find('^'), Some(quoted.chars().position(|c| c == '{').unwrap()));
        let (before, after) = crate::diagnostic::source_window(&"a".repeat(300), 150);
        assert_eq!((before.chars().count(), after.chars().count()), (1 + 50, 50 + 1));
        assert!(before.starts_with('…') && after.ends_with('…'));
    }

    #[test]
    fn diagnostic_shows_line_and_caret() {
        let errs = parse("# D\n## a\nq: x\na: y\ncards: basic bogus\n").unwrap_err();
        let shown = errs[0].to_string();
        assert!(
            shown.starts_with("t.deck:5:14: error: unknown card kind `bogus`"),
            "{shown}"
        );
        assert!(shown.contains("5 | cards: basic bogus\n  |              ^"), "{shown}");
    }
}
