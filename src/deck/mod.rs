//! Deck files: the text format authors write (see `docs/deck-format.md`),
//! its parser with `file:line:column` diagnostics, and the cards each fact
//! yields. Nothing here touches the collection; `build` does that.

pub mod build;
mod cards;
mod parse;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use cards::CardText;
pub use parse::{MAX_DECK_BYTES, MAX_FIELD_CHARS, parse_deck};

/// Whether a cloze text is well formed; the problem in words if not.
pub fn check_cloze(text: &str) -> Result<(), &'static str> {
    cards::cloze_deletions(text).map(|_| ()).map_err(|e| e.describe().0)
}

/// Desired retention a deck may ask for.
pub const RETENTION_RANGE: std::ops::RangeInclusive<f32> = 0.70..=0.99;

/// A parsed deck file.
#[derive(Debug, Clone, PartialEq)]
pub struct Deck {
    /// Stable identity of the deck: the file name without `.deck`.
    pub key: String,
    pub name: String,
    pub description: String,
    pub retention: Option<f32>,
    pub new_per_day: Option<u32>,
    pub reviews_per_day: Option<u32>,
    pub facts: Vec<Fact>,
}

/// What an author writes: one block starting with `## id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub id: String,
    #[serde(flatten)]
    pub body: FactBody,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The shape of a fact, which decides its cards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum FactBody {
    /// Question and answer; yields `basic` and/or `reverse` cards.
    Qa {
        question: String,
        answer: String,
        kinds: Vec<QaKind>,
    },
    /// A statement with `{{deletions}}`; one card per deletion.
    Cloze { text: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QaKind {
    Basic,
    Reverse,
}

impl QaKind {
    pub fn name(self) -> &'static str {
        match self {
            QaKind::Basic => "basic",
            QaKind::Reverse => "reverse",
        }
    }
}

/// One problem in a deck file, located for the author.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The offending line as written (control characters escaped when shown).
    pub source_line: String,
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}:{}:{}: error: {}",
            self.file, self.line, self.column, self.message
        )?;
        let shown = crate::ui::escape_control(&self.source_line);
        let gutter = self.line.to_string();
        writeln!(f, "{gutter} | {shown}")?;
        let pad: String = crate::ui::escape_control(
            &self
                .source_line
                .chars()
                .take(self.column.saturating_sub(1))
                .collect::<String>(),
        )
        .chars()
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
        write!(f, "{} | {pad}^", " ".repeat(gutter.len()))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}
