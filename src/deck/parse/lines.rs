//! One line at a time: deck and fact headings, `key: value` lines and the
//! indented lines that continue them; fact ids, and the known key a
//! misspelt one was meant to be.

use super::{DECK_KEYS, FACT_KEYS, FactDraft, Field, MAX_FIELD_CHARS, Parser};
use crate::deck::Problem;

impl Parser<'_> {
    /// Reads one line (without its line end) in the light of those before.
    pub(super) fn line(&mut self, line_no: usize, raw: &str) {
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
        // A deck name holds no control character (an escape would reach
        // every screen that names the deck).
        let name = crate::text::clean_name(rest);
        let name = name.as_str();
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
}

const TOO_LONG_HINT: &str = "cards should be short; split the fact";

pub(super) fn too_long() -> String {
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

/// The lines of a file: ended by `\n`, `\r\n` or a lone `\r` (old Mac
/// files), without their line ends.
pub(super) fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.find(['\n', '\r']) {
            None => {
                rest = None;
                Some(text)
            }
            Some(at) => {
                let end = if text[at..].starts_with("\r\n") { at + 2 } else { at + 1 };
                rest = Some(&text[end..]);
                Some(&text[..at])
            }
        }
    })
}

/// Characters a deck key (a deck file's name without `.deck`) may not hold
/// besides control and invisible formatting characters: those file systems
/// and shells give a meaning to.
const KEY_FORBIDDEN: &[char] = &['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

/// The longest deck key, in characters.
const MAX_KEY_CHARS: usize = 100;

/// Checks a deck key: 1 to 100 letters, digits, spaces and punctuation, not
/// starting with `.` or a space nor ending with a space, without control
/// or invisible formatting characters (line breaks, escapes, direction
/// marks) and without `/ \ : * ? " < > |`. Keys are shown on every screen
/// that names a deck, and typed as `--deck` values.
pub fn check_deck_key(key: &str) -> Result<(), Problem> {
    let shown = crate::text::escape_inline(key);
    let problem = |why: String| {
        Problem {
        offset: 0,
        message: format!("the file name `{shown}` is not a valid deck key: {why}"),
        hint: "a deck's key is its file name without .deck: letters, digits, spaces and punctuation, without control or invisible characters and without / \\ : * ? \" < > |; rename the file".into(),
    }
    };
    if key.is_empty() {
        return Err(problem("it is empty".into()));
    }
    if key.chars().count() > MAX_KEY_CHARS {
        return Err(problem(format!("it is longer than {MAX_KEY_CHARS} characters")));
    }
    if key.starts_with(['.', ' ']) || key.ends_with(' ') {
        return Err(problem("it starts with a dot or a space, or ends with a space".into()));
    }
    if let Some(c) = key
        .chars()
        .find(|&c| crate::text::is_dangerous(c) || KEY_FORBIDDEN.contains(&c))
    {
        return Err(problem(format!(
            "it holds {}",
            crate::text::escape_inline(&format!("{c:?}"))
        )));
    }
    Ok(())
}

/// The known key closest to a misspelt one, if any is close: at most two
/// edits, and fewer than the key has letters.
fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .filter_map(|k| Some((crate::distance::within(key, k, 2)?, *k)))
        .filter(|(d, k)| *d < k.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}
