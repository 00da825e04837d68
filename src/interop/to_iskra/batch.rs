//! An import batch: what a file read from Anki becomes before it is
//! written (`write.rs`): decks, facts with their cards, the cards' Anki
//! schedules and answers; and what writing it did ([`ImportOutcome`]).

use fsrs::MemoryState;

use crate::card::{CardState, Due, Rating, ReviewKind, Schedule};
use crate::deck::Fact;
use crate::interop::anki::Preset;
use crate::interop::keys;
pub use crate::store::AnkiCard;

/// A deck the batch imports into.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportDeck {
    pub key: String,
    pub name: String,
    /// Its Anki options preset: a new deck takes its limits and retention.
    pub preset: Option<Preset>,
}

/// An Anki note as it came, kept beside the fact it became, so that an
/// export goes back to the same note: its identity, note type and every
/// field's HTML, and which field holds which part of the fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnkiOrigin {
    pub note_id: i64,
    pub guid: String,
    pub notetype_id: i64,
    /// Anki's `notes.mod`, seconds.
    pub mtime: i64,
    /// The fields' HTML, in the note type's order.
    pub fields: Vec<String>,
    pub roles: Roles,
}

/// Which Anki field (by index) holds which part of a fact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Roles {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<usize>,
}

/// An Anki note type the batch's notes use, kept whole (schema-11 JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedNotetype {
    pub id: i64,
    pub name: String,
    pub definition: String,
}

/// How an imported fact is found again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// By its key, in any deck: the key is derived from the Anki guid.
    Key,
    /// By its first field (question or cloze text) in its deck; the fact's
    /// id is a suggestion, made unique in the deck when the fact is new.
    FirstField,
    /// A fact born in iskra and exported to Anki (guid `iskra:DECK/FACT`):
    /// the fact of that key in the deck of that key, made there when it is
    /// not. `template`: the note stood for that one card of the fact (a
    /// sequence's or timeline's card); such a note brings the card's
    /// schedule and history, never the fact's text.
    Iskra {
        deck: String,
        fact: String,
        template: Option<String>,
    },
}

impl Identity {
    /// The key and identity of a note with `guid`: an iskra fact's own
    /// ([`keys::iskra_guid`]), else the key made from the guid.
    pub fn of_guid(guid: &str) -> (String, Identity) {
        match keys::iskra_guid(guid) {
            Some((deck, fact, None)) => (
                fact.clone(),
                Identity::Iskra {
                    deck,
                    fact,
                    template: None,
                },
            ),
            Some((deck, fact, template)) => (keys::guid_key(guid), Identity::Iskra { deck, fact, template }),
            None => (keys::guid_key(guid), Identity::Key),
        }
    }

    /// The deck key an iskra fact's note names.
    pub fn iskra_deck(&self) -> Option<&str> {
        match self {
            Identity::Iskra { deck, .. } => Some(deck),
            _ => None,
        }
    }
}

/// One fact (an Anki note) to import.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedFact {
    /// Index into [`ImportBatch::decks`].
    pub deck: usize,
    pub identity: Identity,
    pub fact: Fact,
    pub cards: Vec<ImportedCard>,
    /// The Anki note it came from (packages only).
    pub anki: Option<AnkiOrigin>,
}

/// What Anki knew of one of the fact's cards.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedCard {
    /// The iskra template it becomes (`basic`, `reverse`, `cloze:N`).
    pub template: String,
    /// Its schedule; `None` for a new card (it gets the next new position).
    pub schedule: Option<Schedule>,
    pub suspended: bool,
    /// Buried in Anki (by the user or as a sibling): buried here until the
    /// next study day, as Anki unburies at its next day.
    pub buried: bool,
    /// Anki's flag colour, 0 none.
    pub flag: u8,
    /// Anki's card id and template ordinal (packages only).
    pub anki: Option<AnkiCard>,
    /// When it was last reviewed in Anki (UTC ms), if ever.
    pub last_review_ms: Option<i64>,
    pub reviews: Vec<ImportedReview>,
}

/// One Anki revlog row, as an iskra log entry. The card's schedule before
/// it is the one after the card's previous review (a new card's before the
/// first), so it is not kept twice: a large package has millions.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedReview {
    /// The Anki card's id: with the answer's time, the log row's uid
    /// ([`keys::review_uid`]).
    pub anki_card_id: i64,
    pub reviewed_at_ms: i64,
    pub rating: Rating,
    pub duration_ms: i64,
    pub kind: ReviewKind,
    pub elapsed_days: u32,
    pub after: LoggedSchedule,
}

/// What the review log keeps of a card's schedule: its state, due date,
/// memory and interval. A review's steps, reps and lapses are not logged,
/// so an import does not hold them for each of its (millions of) reviews:
/// 72 bytes a review instead of 96.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoggedSchedule {
    pub state: CardState,
    pub interval: u32,
    pub due: Due,
    pub memory: Option<MemoryState>,
}

impl LoggedSchedule {
    /// What the log keeps of `schedule`.
    pub fn of(schedule: &Schedule) -> LoggedSchedule {
        LoggedSchedule {
            state: schedule.state,
            interval: schedule.interval,
            due: schedule.due,
            memory: schedule.memory,
        }
    }

    /// As a schedule for a log entry (what the log does not keep is zero).
    pub fn schedule(&self) -> Schedule {
        Schedule {
            state: self.state,
            remaining_steps: 0,
            memory: self.memory,
            interval: self.interval,
            due: self.due,
            last_review_day: None,
            reps: 0,
            lapses: 0,
        }
    }
}

impl ImportedReview {
    /// The uid of the log row it becomes.
    pub fn uid(&self) -> String {
        keys::review_uid(self.reviewed_at_ms, self.anki_card_id)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportBatch {
    pub decks: Vec<ImportDeck>,
    pub facts: Vec<ImportedFact>,
    /// The note types of the notes kept with their facts.
    pub notetypes: Vec<ImportedNotetype>,
    /// The package's media files, kept beside the collection.
    pub media: Vec<crate::interop::anki::media::MediaFile>,
    /// The study day of the import (cards Anki had buried stay buried on it).
    pub today: crate::clock::DayNumber,
}

impl ImportBatch {
    /// Makes the deck names and tags from someone else's file fit for one
    /// line ([`crate::text::clean_name`]): a line break or an escape in a
    /// deck name would otherwise forge a line of `review`'s output wherever
    /// the name is shown. A tag is split where a control character was.
    pub fn clean_names(&mut self) {
        for deck in &mut self.decks {
            deck.name = crate::text::clean_name(&deck.name);
            if deck.name.is_empty() {
                deck.name = deck.key.clone();
            }
        }
        for imported in &mut self.facts {
            let tags = &mut imported.fact.tags;
            if tags.iter().any(|t| t.chars().any(char::is_control)) {
                *tags = tags
                    .iter()
                    .flat_map(|t| {
                        crate::text::clean_name(t)
                            .split_whitespace()
                            .map(str::to_string)
                            .collect::<Vec<_>>()
                    })
                    .collect();
            }
        }
    }
}

/// What one deck got.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeckOutcome {
    pub name: String,
    pub key: String,
    pub created: bool,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub decks: Vec<DeckOutcome>,
    pub cards_added: usize,
    /// Cards given their Anki schedule.
    pub cards_scheduled: usize,
    /// Cards whose iskra schedule was kept because iskra has newer reviews.
    pub cards_kept: usize,
    pub reviews_added: usize,
    pub reviews_present: usize,
    /// Reasons facts were skipped, with how many each.
    pub skipped: Vec<(String, usize)>,
    /// Facts of decks built from files whose text differs in the file read:
    /// their text is the file's (edit it there); their cards' schedules
    /// and history were imported.
    pub left_to_files: usize,
}

impl ImportOutcome {
    pub(super) fn skip(&mut self, reason: String) {
        match self.skipped.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => self.skipped.push((reason, 1)),
        }
    }
}
