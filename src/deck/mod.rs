//! Deck files: the text format authors write (see `docs/deck-format.md`),
//! its parser with `file:line:column` diagnostics, the cards each fact
//! yields (and [`CardView`], a card as sessions show it), and a writer that
//! renders facts back to the format. Nothing here touches the collection but
//! `build`; `author`, which appends to deck files and builds them; and
//! `stored`, which turns a fact into the content the collection keeps, and back.

pub mod author;
pub mod build;
mod card_view;
mod cards;
mod cloze;
pub mod date;
pub mod identity;
pub mod locate;
pub mod manage;
mod parse;
pub mod rebuild;
mod stored;
pub mod template;
pub mod write;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::diagnostic::Diagnostic;
pub use crate::settings::DeckPreset;
pub use card_view::CardView;
pub use cards::{CardText, MAX_SEQUENCE_ITEMS, check_cloze, check_cloze_hinted, hint_line, item_key, without_hint};
pub use cloze::MAX_CARD_TEXT;
pub use cloze::is_numbered as is_numbered_cloze;
pub use parse::{MAX_DECK_BYTES, MAX_FIELD_CHARS, check_fact_id, parse_deck};
pub use stored::stored_facts;

pub use crate::settings::RETENTION_RANGE;

/// One deck file's text and where it came from.
pub struct Source {
    /// Shown in diagnostics and stored as the deck's source.
    pub label: String,
    /// The deck's identity: its file name without `.deck`.
    pub key: String,
    pub bytes: Vec<u8>,
}

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
    /// Its own scheduling options (`learn-steps:`, `relearn-steps:`,
    /// `max-interval:`, `fsrs-parameters:`, `bury:`), if it gives any; in
    /// the form [`DeckPreset::file_options`] gives.
    pub preset: Option<DeckPreset>,
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
    /// An ordered list: "what comes after/before" cards for each neighbouring
    /// pair and one card asking for the whole list.
    Sequence {
        title: String,
        items: Vec<String>,
        kinds: Vec<SequenceKind>,
    },
    /// A date (`1920`, `1924-06`, `1922-11-13`) and what happened then.
    Timeline {
        date: String,
        event: String,
        kinds: Vec<TimelineKind>,
    },
    /// A note of an Anki note type iskra has no shape of its own for: its
    /// named fields and its card templates (Anki's template syntax, as text);
    /// one card per template number in `cards` (see `template.rs`).
    Note {
        notetype: String,
        fields: Vec<NoteField>,
        templates: Vec<NoteTemplate>,
        /// The templates that yield a card, by number (ordinal + 1), ascending.
        cards: Vec<u32>,
    },
}

impl FactBody {
    /// The text that stands for the fact where one text is needed (an id
    /// suggested from it, a note matched by its first field): the question,
    /// the cloze text, the sequence's title, the event, a note's first field.
    pub fn first_text(&self) -> &str {
        match self {
            FactBody::Qa { question, .. } => question,
            FactBody::Cloze { text } => text,
            FactBody::Sequence { title, .. } => title,
            FactBody::Timeline { event, .. } => event,
            FactBody::Note { fields, .. } => fields.first().map_or("", |f| f.text.as_str()),
        }
    }
}

/// One named field of a [`FactBody::Note`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteField {
    pub name: String,
    pub text: String,
}

/// One card template of a [`FactBody::Note`]: its name and its two sides in
/// Anki's template syntax (`{{Field}}`, `{{#Field}}…{{/Field}}`, `{{FrontSide}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteTemplate {
    pub name: String,
    pub front: String,
    pub back: String,
}

/// The card kinds one kind of fact can ask for in its `cards:` line.
pub trait CardKind: Copy + PartialEq + 'static {
    /// Every kind, in the order cards are written.
    const ALL: &'static [Self];
    /// The kinds a fact yields without a `cards:` line.
    const DEFAULT: &'static [Self];
    /// The word used in `cards:`.
    fn name(self) -> &'static str;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QaKind {
    Basic,
    Reverse,
}

impl CardKind for QaKind {
    const ALL: &'static [Self] = &[QaKind::Basic, QaKind::Reverse];
    const DEFAULT: &'static [Self] = &[QaKind::Basic];
    fn name(self) -> &'static str {
        match self {
            QaKind::Basic => "basic",
            QaKind::Reverse => "reverse",
        }
    }
}

/// Cards of a sequence: `after` (what comes after X?), `before` (what comes
/// before Y?) and `order` (the whole list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SequenceKind {
    After,
    Before,
    Order,
}

impl CardKind for SequenceKind {
    const ALL: &'static [Self] = &[SequenceKind::After, SequenceKind::Before, SequenceKind::Order];
    const DEFAULT: &'static [Self] = Self::ALL;
    fn name(self) -> &'static str {
        match self {
            SequenceKind::After => "after",
            SequenceKind::Before => "before",
            SequenceKind::Order => "order",
        }
    }
}

/// Cards of a timeline fact: `date` (when did it happen?) and `event` (what
/// happened then?).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimelineKind {
    Date,
    Event,
}

impl CardKind for TimelineKind {
    const ALL: &'static [Self] = &[TimelineKind::Date, TimelineKind::Event];
    const DEFAULT: &'static [Self] = Self::ALL;
    fn name(self) -> &'static str {
        match self {
            TimelineKind::Date => "date",
            TimelineKind::Event => "event",
        }
    }
}

/// The lowercase words (runs of letters and digits) of a text, e.g.
/// `"St. Petersburg"` → `["st", "petersburg"]`. Sequence items are identified
/// by their words joined with `-`, and fact ids are suggested from them.
pub fn slug_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A problem with one value (a cloze text, a date, a fact id), located by
/// the byte offset in the value where it starts. The parser turns it into a
/// [`Diagnostic`]; authoring prompts show it as the user types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub offset: usize,
    pub message: String,
    pub hint: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.hint)
    }
}
