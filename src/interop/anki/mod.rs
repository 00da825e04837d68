//! Anki's formats, both ways, with nothing of iskra's collection in them:
//! packages (`.apkg`: a zip holding a SQLite collection of schema 11, or a
//! zstd-compressed one of schema 18 in `collection.anki21b`), read into the
//! plain [`Collection`] model and written as legacy schema-11 packages that
//! every Anki since 2.1 imports; Anki's text format ([`text`]); and HTML
//! fields to plain text and back ([`html`]). [`crate::interop::to_iskra`]
//! and [`crate::interop::from_iskra`] map these to iskra's decks, cards and
//! review log.

mod collection;
mod guard;
pub mod html;
pub mod media;
pub mod package;
mod proto;
pub mod text;
pub mod write;

use std::collections::HashMap;

/// The most bytes a note's field may have as a file holds it, before its
/// HTML is read: room for [`MAX_FIELD_CHARS`](crate::deck::MAX_FIELD_CHARS)
/// characters of up to 4 bytes, with as much markup again and more. A longer
/// field is refused before any work on it (its text would be too long, or it
/// is mostly markup): by the importer (`to_iskra::convert`), and a text
/// file's reader is not even given the rest of it ([`text::KEPT_FIELD_BYTES`]).
pub const MAX_RAW_FIELD_BYTES: usize = 16 * crate::deck::MAX_FIELD_CHARS;

/// Why a collection could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// A schema version iskra does not know.
    Schema(i64),
    /// Missing tables, bad rows, or SQLite's own complaint.
    Damaged(String),
    /// A schema object no Anki collection has (a view, a trigger…), named.
    Foreign(String),
    /// Reading it went past its budget (`guard::Budget`).
    TooSlow,
    /// A table with more rows than `collection::MAX_ROWS`: its name and count.
    TooLarge(&'static str, i64),
}

impl From<rusqlite::Error> for ReadError {
    fn from(err: rusqlite::Error) -> Self {
        match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::OperationInterrupted) => ReadError::TooSlow,
            _ => ReadError::Damaged(err.to_string()),
        }
    }
}

/// What iskra reads from an Anki collection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Collection {
    /// The collection's schema version (`col.ver`): 11, or 14–18.
    pub schema: i64,
    /// `col.crt`: the start (at the rollover hour) of the day the
    /// collection was created, in seconds; review due days count from it.
    pub created_secs: i64,
    /// The hour a new Anki day starts (`rollover`, default 4).
    pub rollover_hour: u32,
    pub notetypes: HashMap<i64, Notetype>,
    /// Deck names by id, levels joined with `::`.
    pub decks: HashMap<i64, String>,
    pub notes: Vec<Note>,
    pub cards: Vec<Card>,
    pub revlog: Vec<Revlog>,
    /// The options preset of each deck, by deck id.
    pub presets: HashMap<i64, Preset>,
}

/// A deck's options preset (see [`DeckPreset`]).
pub use crate::settings::DeckPreset as Preset;

/// A note type: its fields and the question format of each card template.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notetype {
    pub id: i64,
    pub name: String,
    pub cloze: bool,
    /// Anki's `originalStockKind` when known: 1 Basic, 2 Basic (and reversed
    /// card), 3 Basic (optional reversed card), 4 Basic (type in the answer),
    /// 5 Cloze, 6 Image Occlusion.
    pub stock_kind: Option<i64>,
    pub fields: Vec<String>,
    /// Question formats, by template ordinal.
    pub templates: Vec<String>,
    /// The whole note type as Anki's schema-11 JSON (`flds`, `tmpls` with
    /// names, ordinals and formats, `css`, `mod`, …), to be written back.
    pub definition: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub id: i64,
    pub guid: String,
    pub notetype_id: i64,
    /// Anki's modification time (`notes.mod`), seconds.
    pub mtime: i64,
    pub tags: Vec<String>,
    /// The fields, as HTML.
    pub fields: Vec<String>,
}

/// A card row, as Anki stores it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Card {
    pub id: i64,
    pub note_id: i64,
    pub deck_id: i64,
    pub ord: i64,
    /// 0 new, 1 learning, 2 review, 3 relearning.
    pub ctype: i64,
    /// 0 new, 1 learning (due in seconds), 2 review, 3 day learning,
    /// -1 suspended, -2/-3 buried, 4 preview.
    pub queue: i64,
    pub due: i64,
    /// Days (review cards).
    pub interval: i64,
    /// Ease in permille.
    pub factor: i64,
    pub reps: i64,
    pub lapses: i64,
    /// Learning steps left (`left % 1000`).
    pub left: i64,
    /// Due and deck before the card was moved into a filtered deck.
    pub original_due: i64,
    pub original_deck_id: i64,
    /// JSON: FSRS memory state `s`, `d`, last review time `lrt`…
    pub data: String,
    /// The flag colour (`flags & 7`): 0 none, 1 red … 7 purple.
    pub flags: i64,
}

/// A review-log row.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Revlog {
    /// The answer's time, in milliseconds since 1970.
    pub id: i64,
    pub card_id: i64,
    /// 1–4, or 0 for a manual rescheduling.
    pub ease: i64,
    /// Days when positive, seconds when negative.
    pub interval: i64,
    pub last_interval: i64,
    pub factor: i64,
    pub time_ms: i64,
    /// 0 learning, 1 review, 2 relearning, 3 filtered, 4 manual, 5 rescheduled.
    pub kind: i64,
}
