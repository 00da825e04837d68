//! A deck as an Anki package: its notes and cards, and with its history the
//! cards' schedules (FSRS memory state in the card's `data`) and the review
//! log as revlog rows; written as a legacy schema-11 package.

use std::collections::HashMap;
use std::path::Path;

use super::notes::{cards_by_fact, drafts};
use crate::clock::Clock;
use crate::deck::Fact;
use crate::error::{Error, Result};
use crate::interop::anki::write::{ExportDeck, ExportNote};
use crate::interop::anki::{Card, Revlog, html};
use crate::sched::{CardState, Due};
use crate::store::deck_export::{ExportCard as StoredCard, ExportReview};
use crate::store::{DeckRow, Store};

/// What an exported package holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackageCounts {
    pub notes: usize,
    pub cards: usize,
    pub reviews: usize,
}

/// Writes the deck as an Anki package at `target`; `with_history` adds the
/// cards' scheduling and the review log.
pub fn write_anki_package(
    store: &Store,
    deck: &DeckRow,
    target: &Path,
    with_history: bool,
    clock: &Clock,
) -> Result<PackageCounts> {
    let facts = crate::deck::stored_facts(store, deck.id)?;
    let settings = store.settings()?;
    let cards = store.deck_export_cards(deck.id)?;
    let log = if with_history {
        store.deck_export_log(deck.id)?
    } else {
        Vec::new()
    };
    let package = Package::build(
        deck,
        &facts,
        &cards,
        &log,
        with_history,
        clock,
        settings.scheduler.desired_retention,
    );
    package.write(target, clock, settings.day_start_hour)?;
    Ok(PackageCounts {
        notes: package.notes.len(),
        cards: package.cards.len(),
        reviews: package.revlog.len(),
    })
}

/// Everything an exported package holds.
struct Package {
    deck: ExportDeck,
    notes: Vec<ExportNote>,
    cards: Vec<Card>,
    revlog: Vec<Revlog>,
}

/// Offsets that keep exported ids apart from each other and look like
/// Anki's (millisecond timestamps).
const NOTE_ID_BASE: i64 = 1_600_000_000_000;
const CARD_ID_BASE: i64 = 1_650_000_000_000;
const DECK_ID_BASE: i64 = 1_690_000_000_000;

impl Package {
    fn build(
        deck: &DeckRow,
        facts: &[(i64, Fact)],
        cards: &[StoredCard],
        log: &[ExportReview],
        with_history: bool,
        clock: &Clock,
        default_retention: f32,
    ) -> Package {
        let mut package = Package {
            deck: ExportDeck {
                id: DECK_ID_BASE + deck.id,
                name: deck.name.clone(),
                description: deck.description.clone(),
            },
            notes: Vec::new(),
            cards: Vec::new(),
            revlog: Vec::new(),
        };
        let retention = deck.retention.unwrap_or(default_retention);
        let by_fact = cards_by_fact(cards);
        let mut last_review: HashMap<i64, i64> = HashMap::new();
        // Manual entries (forget, reschedule) are no reviews.
        for entry in log.iter().filter(|e| e.rating.is_some()) {
            let last = last_review.entry(entry.card_id).or_insert(entry.reviewed_at_ms);
            *last = (*last).max(entry.reviewed_at_ms);
        }
        let mut position = 0;
        for (fact_id, fact) in facts {
            let fact_cards = by_fact.get(fact_id).map_or(&[][..], Vec::as_slice);
            for draft in drafts(deck, fact, fact_cards) {
                let note_id = NOTE_ID_BASE + package.notes.len() as i64 + 1;
                package.notes.push(ExportNote {
                    id: note_id,
                    guid: draft.guid,
                    kind: draft.kind,
                    fields: draft.fields.iter().map(|f| html::from_text(f)).collect(),
                    tags: draft.tags,
                });
                for (card_id, ord) in draft.cards {
                    let Some(card) = fact_cards.iter().find(|c| c.id == card_id) else {
                        continue;
                    };
                    position += 1;
                    let mut row = if with_history {
                        scheduled_card(card, clock, retention, last_review.get(&card_id).copied())
                    } else {
                        Card::default()
                    };
                    if row.ctype == 0 {
                        row.due = position;
                    }
                    row.id = CARD_ID_BASE + card.id;
                    row.note_id = note_id;
                    row.ord = ord;
                    package.cards.push(row);
                }
            }
        }
        if with_history {
            let mut used = std::collections::HashSet::new();
            for entry in log {
                let mut id = entry.reviewed_at_ms;
                while !used.insert(id) {
                    id += 1; // Anki's revlog id is unique
                }
                package.revlog.push(revlog_row(entry, id, clock));
            }
        }
        package
    }

    /// Writes the package at `target`: a collection of schema 11 in a
    /// temporary directory, zipped.
    fn write(&self, target: &Path, clock: &Clock, rollover_hour: u32) -> Result<()> {
        let dir = tempfile::tempdir().map_err(|source| Error::Io {
            path: std::env::temp_dir(),
            source,
        })?;
        let db = dir.path().join("collection.anki21");
        crate::interop::anki::write::write_collection(
            &db,
            &crate::interop::anki::write::Export {
                deck: &self.deck,
                notes: &self.notes,
                cards: &self.cards,
                revlog: &self.revlog,
                created_secs: clock.day_start(clock.today()).timestamp(),
                rollover_hour,
                now_secs: clock.now().timestamp(),
            },
        )?;
        crate::interop::anki::package::write(target, &db)
    }
}

/// A card's schedule in Anki's columns; review days relative to today
/// (the package's creation day).
fn scheduled_card(card: &StoredCard, clock: &Clock, retention: f32, last_review_ms: Option<i64>) -> Card {
    let s = &card.schedule;
    let today = clock.today();
    let (queue, due) = match s.due {
        Due::New(position) => (0, position),
        Due::At(ms) => (1, ms.div_euclid(1000)),
        // A day-long (re)learning step: Anki's interday learning queue.
        Due::Day(day) if s.state != CardState::Review => (3, day - today),
        Due::Day(day) => (2, day - today),
    };
    let data = match s.memory {
        Some(m) => {
            let mut data = serde_json::json!({"s": m.stability, "d": m.difficulty, "dr": retention});
            if let Some(ms) = last_review_ms {
                data["lrt"] = serde_json::json!(ms.div_euclid(1000));
            }
            data.to_string()
        }
        None => String::new(),
    };
    Card {
        ctype: s.state as i64,
        queue: if card.queue == -1 { -1 } else { queue },
        due,
        interval: i64::from(s.interval),
        factor: if s.state == CardState::New { 0 } else { 2500 },
        reps: i64::from(s.reps),
        lapses: i64::from(s.lapses),
        left: i64::from(s.remaining_steps),
        data,
        ..Card::default()
    }
}

/// A log entry as an Anki revlog row: intervals in days, or negative
/// seconds for learning steps (days for a day-long step); a manual entry
/// (forget, reschedule) has ease 0, as Anki logs its own.
fn revlog_row(entry: &ExportReview, id: i64, clock: &Clock) -> Revlog {
    let interval = if entry.state_after == CardState::Review {
        i64::from(entry.interval_after)
    } else if entry.state_after != CardState::New && entry.due_after < crate::store::DAY_DUE_LIMIT {
        entry.due_after - clock.day_of_ms(entry.reviewed_at_ms)
    } else {
        -((entry.due_after - entry.reviewed_at_ms) / 1000).max(0)
    };
    let last_interval = match entry.state_before {
        CardState::Review | CardState::Relearning => i64::from(entry.interval_before),
        _ => 0,
    };
    Revlog {
        id,
        card_id: CARD_ID_BASE + entry.card_id,
        ease: entry.rating.map_or(0, |r| i64::from(r.number())),
        interval,
        last_interval,
        factor: if entry.state_after == CardState::Review {
            2500
        } else {
            0
        },
        time_ms: entry.duration_ms,
        kind: entry.kind as i64,
    }
}
