//! A deck as an Anki package: its notes and cards, and with its history the
//! cards' schedules (FSRS memory state in the card's `data`) and the review
//! log as revlog rows; written as a legacy schema-11 package.

use std::collections::HashMap;
use std::path::Path;

use super::notes::{cards_by_fact, drafts};
use super::origin::{Kept, NoteCards};
use crate::clock::Clock;
use crate::deck::Fact;
use crate::error::{Error, Result};
use crate::interop::anki::media::{self, MediaFile};
use crate::interop::anki::write::{ExportDeck, ExportNote};
use crate::interop::anki::{Card, Revlog, html};
use crate::progress::Progress;
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
    progress: &dyn Progress,
) -> Result<PackageCounts> {
    let facts = crate::deck::stored_facts(store, deck.id)?;
    let settings = store.settings()?;
    let cards = store.deck_export_cards(deck.id)?;
    let log = if with_history {
        store.deck_export_log(deck.id)?
    } else {
        Vec::new()
    };
    let kept = Kept::load(store, deck.id)?;
    let package = Package::build(
        deck,
        &facts,
        &cards,
        &log,
        &kept,
        with_history.then_some(settings.scheduler.desired_retention),
        clock,
    );
    let media = media_of(store, &package.notes)?;
    package.write(target, clock, settings.day_start_hour, &media, progress)?;
    Ok(PackageCounts {
        notes: package.notes.len(),
        cards: package.cards.len(),
        reviews: package.revlog.len(),
    })
}

/// Everything an exported package holds.
struct Package {
    deck: ExportDeck,
    /// Note types kept from Anki that its notes use.
    notetypes: Vec<serde_json::Value>,
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
        kept: &Kept,
        // With the cards' scheduling: the desired retention of decks without their own.
        history: Option<f32>,
        clock: &Clock,
    ) -> Package {
        let with_history = history.is_some();
        let mut package = Package {
            deck: ExportDeck {
                id: DECK_ID_BASE + deck.id,
                name: deck.name.clone(),
                description: deck.description.clone(),
            },
            notetypes: kept.notetypes(),
            notes: Vec::new(),
            cards: Vec::new(),
            revlog: Vec::new(),
        };
        // The Anki card id each exported iskra card got.
        let mut anki_ids: HashMap<i64, i64> = HashMap::new();
        let retention = deck.retention.or(history).unwrap_or_default();
        let by_fact = cards_by_fact(cards);
        let mut last_review: HashMap<i64, i64> = HashMap::new();
        // Manual entries (forget, reschedule) are no reviews.
        for entry in log.iter().filter(|e| e.rating.is_some()) {
            let last = last_review.entry(entry.card_id).or_insert(entry.reviewed_at_ms);
            *last = (*last).max(entry.reviewed_at_ms);
        }
        let mut position = 0;
        let now_secs = clock.now().timestamp();
        for (fact_id, fact) in facts {
            let fact_cards = by_fact.get(fact_id).map_or(&[][..], Vec::as_slice);
            let notes: Vec<(ExportNote, NoteCards)> = match kept.note(*fact_id, fact, fact_cards, now_secs) {
                Some(note) => vec![(
                    ExportNote {
                        id: note.id,
                        guid: note.guid,
                        notetype: note.notetype,
                        fields: note.fields,
                        tags: fact.tags.clone(),
                        mtime: note.mtime,
                    },
                    note.cards,
                )],
                None => drafts(deck, fact, fact_cards)
                    .into_iter()
                    .enumerate()
                    .map(|(i, draft)| {
                        let note = ExportNote {
                            id: NOTE_ID_BASE + package.notes.len() as i64 + i as i64 + 1,
                            guid: draft.guid,
                            notetype: draft.kind.id(),
                            fields: draft.fields.iter().map(|f| html::from_text(f)).collect(),
                            tags: draft.tags,
                            mtime: now_secs,
                        };
                        let cards = draft.cards.into_iter().map(|(id, ord)| (id, None, ord)).collect();
                        (note, cards)
                    })
                    .collect(),
            };
            for (note, note_cards) in notes {
                for (card_id, anki_id, ord) in note_cards {
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
                    row.id = anki_id.unwrap_or(CARD_ID_BASE + card.id);
                    anki_ids.insert(card.id, row.id);
                    row.note_id = note.id;
                    row.ord = ord;
                    package.cards.push(row);
                }
                package.notes.push(note);
            }
        }
        if with_history {
            let mut previous: HashMap<i64, i64> = HashMap::new();
            for (entry, id) in log.iter().zip(revlog_ids(log)) {
                let before = previous.insert(entry.card_id, entry.reviewed_at_ms);
                package.revlog.push(revlog_row(entry, id, before, &anki_ids, clock));
            }
        }
        package
    }

    /// Writes the package at `target`: a collection of schema 11 in a
    /// temporary directory, zipped.
    fn write(
        &self,
        target: &Path,
        clock: &Clock,
        rollover_hour: u32,
        media: &[MediaFile],
        progress: &dyn Progress,
    ) -> Result<()> {
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
                notetypes: &self.notetypes,
                created_secs: clock.day_start(clock.today()).timestamp(),
                rollover_hour,
                now_secs: clock.now().timestamp(),
            },
            progress,
        )?;
        crate::interop::anki::package::write(target, &db, media, progress)
    }
}

/// The media files the notes' fields name that an import kept (a file
/// gone from the media folder is left out).
fn media_of(store: &Store, notes: &[ExportNote]) -> Result<Vec<MediaFile>> {
    let Some(folder) = media::folder(store.path()) else {
        return Ok(Vec::new());
    };
    let mut names: Vec<String> = notes
        .iter()
        .flat_map(|n| &n.fields)
        .flat_map(|f| media::references(f))
        .collect();
    names.sort();
    names.dedup();
    let mut files = Vec::new();
    for name in names {
        if let Some(sha1) = store.media_file(&name)?
            && let Ok(data) = std::fs::read(folder.join(&sha1))
        {
            files.push(MediaFile { name, data });
        }
    }
    Ok(files)
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

/// The revlog id of each log entry (`log` oldest first): unique, as Anki's
/// primary key must be, and the entry's time wherever it can be. An answer
/// imported from Anki claims its time first, because that is its revlog id:
/// its identity in the collection it came from and in iskra's log (`anki-<id>-
/// <card>`), by which a re-import of this package, into iskra or into that
/// collection, finds it (an identity moved is an answer added twice). Every
/// other entry, and an imported one whose time another took first, gets the
/// first free millisecond from its time on: answers at one instant (a fixed
/// clock) a millisecond apart, which iskra's same-answer rule finds again up
/// to a second later ([`crate::store::Tx::insert_log_if_new`]).
fn revlog_ids(log: &[ExportReview]) -> Vec<i64> {
    let mut used = std::collections::HashSet::new();
    let claimed: Vec<bool> = log
        .iter()
        .map(|e| e.from_anki && used.insert(e.reviewed_at_ms))
        .collect();
    log.iter()
        .zip(claimed)
        .map(|(entry, claimed)| {
            let mut id = entry.reviewed_at_ms;
            if !claimed {
                while !used.insert(id) {
                    id += 1;
                }
            }
            id
        })
        .collect()
}

/// A log entry as an Anki revlog row: intervals in days, or negative
/// seconds for learning steps (days for a day-long step); a manual entry
/// (forget, reschedule) has ease 0, as Anki logs its own. `lastIvl` is what
/// Anki writes: the interval the card was waiting out when answered, in
/// days for a review card, negative seconds for a (re)learning step (from
/// the card's previous entry at `previous_ms` to the step's due time), 0
/// for a new card.
fn revlog_row(
    entry: &ExportReview,
    id: i64,
    previous_ms: Option<i64>,
    anki_ids: &HashMap<i64, i64>,
    clock: &Clock,
) -> Revlog {
    let interval = if entry.state_after == CardState::Review {
        i64::from(entry.interval_after)
    } else if entry.state_after != CardState::New && entry.due_after < crate::store::DAY_DUE_LIMIT {
        entry.due_after - clock.day_of_ms(entry.reviewed_at_ms)
    } else {
        -((entry.due_after - entry.reviewed_at_ms) / 1000).max(0)
    };
    let last_interval = match (entry.state_before, previous_ms) {
        (CardState::Review, _) => i64::from(entry.interval_before),
        (CardState::Learning | CardState::Relearning, Some(previous)) => -((entry.due_before - previous) / 1000).max(0),
        _ => 0,
    };
    Revlog {
        id,
        card_id: anki_ids
            .get(&entry.card_id)
            .copied()
            .unwrap_or(CARD_ID_BASE + entry.card_id),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sched::{Rating, ReviewKind};

    fn entry(state_before: CardState, due_before: i64, interval_before: u32) -> ExportReview {
        ExportReview {
            card_id: 7,
            reviewed_at_ms: 1_700_000_600_000,
            rating: Some(Rating::Good),
            duration_ms: 3_000,
            kind: ReviewKind::Learning,
            state_before,
            due_before,
            interval_before,
            state_after: CardState::Review,
            due_after: 0,
            interval_after: 3,
            from_anki: false,
        }
    }

    /// Entries at these (time, imported from Anki) in log order.
    fn log(entries: &[(i64, bool)]) -> Vec<ExportReview> {
        entries
            .iter()
            .map(|&(at, from_anki)| ExportReview {
                reviewed_at_ms: at,
                from_anki,
                ..entry(CardState::New, 0, 0)
            })
            .collect()
    }

    /// Problem 6 (a flaky round trip): an answer from Anki keeps its revlog
    /// id when iskra's answers of an earlier instant run into it.
    #[test]
    fn answers_from_anki_keep_their_revlog_ids_and_the_others_take_free_ones() {
        // Three of iskra's answers at 100 (a fixed clock), Anki's at 101 and 104.
        let ids = revlog_ids(&log(&[
            (100, false),
            (100, false),
            (100, false),
            (101, true),
            (104, true),
        ]));
        assert_eq!(ids, vec![100, 102, 103, 101, 104]);
        // Two imported answers at one millisecond (two Anki collections): the
        // first keeps it, the second takes the next free one, after the
        // entries that claimed theirs.
        let ids = revlog_ids(&log(&[(200, true), (200, true), (201, true), (200, false)]));
        assert_eq!(ids, vec![200, 202, 201, 203]);
        // No collision: every id is the entry's time.
        let ids = revlog_ids(&log(&[(1, false), (2, true), (3, false)]));
        assert_eq!(ids, vec![1, 2, 3]);
    }

    /// Problem 8: `lastIvl` as Anki writes it: negative seconds of the step
    /// for learning and relearning cards, days for review cards, 0 for new.
    #[test]
    fn last_interval_is_written_as_anki_writes_it() {
        let previous = Some(1_700_000_000_000);
        let ids = HashMap::from([(7, 1_790_000_000_007)]);
        let clock = Clock::new(
            crate::clock::parse_now("2023-11-14T22:23:20Z").unwrap(),
            chrono::Local,
            4,
        );
        let learning = revlog_row(
            &entry(CardState::Learning, 1_700_000_600_000, 0),
            1,
            previous,
            &ids,
            &clock,
        );
        assert_eq!(learning.last_interval, -600);
        assert_eq!(learning.card_id, 1_790_000_000_007, "the card's Anki id");
        let relearning = revlog_row(
            &entry(CardState::Relearning, 1_700_000_600_000, 12),
            1,
            previous,
            &ids,
            &clock,
        );
        assert_eq!(relearning.last_interval, -600, "seconds, not the interval in days");
        let review = revlog_row(
            &entry(CardState::Review, 20_000, 12),
            1,
            previous,
            &HashMap::new(),
            &clock,
        );
        assert_eq!(review.last_interval, 12);
        assert_eq!(review.card_id, CARD_ID_BASE + 7);
        assert_eq!(
            revlog_row(&entry(CardState::New, 0, 0), 1, None, &ids, &clock).last_interval,
            0
        );
    }
}
