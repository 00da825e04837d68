//! An Anki package's notes, cards and review log as an import batch.
//!
//! - Note types (`notetype.rs`): Cloze → cloze facts in Anki's numbered
//!   syntax (numbers, gaps and nesting kept: card `cloze:N` is Anki's card
//!   N); Basic and its variants → q/a facts with `basic` and, where the note
//!   has that card, `reverse`; a custom type → a note fact with every field
//!   and template, card `card:N` for Anki's card of ordinal N - 1; Image
//!   Occlusion (or a custom type iskra cannot hold) → a q/a fact from its
//!   first two fields and its first template's card, reported. A field named
//!   `Extra` or `Back Extra` becomes the fact's `extra:`; fields holding no
//!   part of a q/a or cloze fact are shown there as `Name: text` lines.
//! - Each fact keeps its note ([`AnkiOrigin`]: id, guid, note type, every
//!   field's HTML, which field holds what) and each card its Anki id and
//!   ordinal, so an export goes back to the same note and cards; decks get
//!   their options preset.
//! - Cards keep their Anki schedule: state, due date (review days counted
//!   from the collection's creation day), interval, reps, lapses, the FSRS
//!   memory state from the card's `data` (or estimated from its SM-2 ease and
//!   interval), suspension.
//! - Revlog rows become log entries: types 0/1/2 → learning/review/
//!   relearning, 3 (filtered deck) → review, as Anki's FSRS counts them, 4
//!   (manual) with a rating → manual; rows without a rating (set due date,
//!   forget, reschedule) are left out, since iskra's log has only answers.
//!   The states and dues before and after each answer are rebuilt from the
//!   revlog's intervals; memory states are only known for the last answer.

use std::collections::HashMap;

use chrono::DateTime;
use fsrs::MemoryState;
use serde_json::Value;

use super::batch::{
    AnkiCard, AnkiOrigin, Identity, ImportBatch, ImportDeck, ImportedCard, ImportedFact, ImportedNotetype,
    ImportedReview, LoggedSchedule, Roles,
};
use super::convert::{self, Notice, Notices};
use super::notetype::{NoteKind, Shape, note_body, plan};
use super::revlog::{Runs, skip_reviews};
use crate::clock::{Clock, DayNumber};
use crate::deck::{CardKind, Fact, FactBody, QaKind};
use crate::error::Result;
use crate::interop::anki::{Card, Collection, Note, Revlog, html, package::Package};
use crate::interop::keys;
use crate::sched::{CardState, Due, Rating, ReviewKind, Schedule};

/// Converts a package into a batch; `deck` puts every note in one deck.
pub fn batch(
    package: Package,
    deck: Option<&ImportDeck>,
    clock: &Clock,
    parameters: &[f32],
    notices: &mut Notices,
) -> Result<ImportBatch> {
    let Package {
        mut collection, media, ..
    } = package;
    // Notes are taken apart (their fields move into the batch, not copied)
    // and the log is sorted in place: a large package is not held twice.
    let mut notes = std::mem::take(&mut collection.notes);
    let mut revlog = std::mem::take(&mut collection.revlog);
    let collection = &collection;
    notices.add_n(Notice::MediaFiles, media.skipped);
    let ctx = Context {
        collection,
        clock,
        fsrs: fsrs::FSRS::new(parameters)?,
        plans: collection.notetypes.iter().map(|(id, nt)| (*id, plan(nt))).collect(),
        // Anki's day 0 is the day of the collection's creation (noon, clear of any rollover).
        base_day: clock.day_of(
            Some(collection.created_secs)
                .filter(|secs| plausible_secs(*secs))
                .and_then(|secs| DateTime::from_timestamp(secs + 12 * 3600, 0))
                .unwrap_or(clock.now()),
        ),
    };
    let mut cards: HashMap<i64, Vec<&Card>> = HashMap::new();
    for card in &collection.cards {
        cards.entry(card.note_id).or_default().push(card);
    }
    let mut runs = Runs::sort(&mut revlog);
    // Anki introduces new cards by position (`due`); keep that order.
    let position = |note: &Note| {
        cards
            .get(&note.id)
            .and_then(|cs| cs.iter().filter(|c| c.ctype == 0).map(|c| c.due).min())
            .unwrap_or(i64::MAX)
    };
    notes.sort_by_key(|n| (position(n), n.id));
    let mut batch = ImportBatch {
        media: media.files,
        ..ImportBatch::default()
    };
    if let Some(deck) = deck {
        batch.decks.push(deck.clone());
    }
    // Deck keys to their index in `batch.decks`.
    let mut deck_index_of: HashMap<String, usize> = HashMap::new();
    let mut used_notetypes = std::collections::BTreeSet::new();
    for mut note in notes {
        let mut note_cards = cards.remove(&note.id).unwrap_or_default();
        note_cards.sort_by_key(|c| c.ord);
        let converted = match ctx.note(&mut note, &note_cards, notices) {
            Ok(converted) => converted,
            Err(reason) => {
                notices.add(Notice::SkippedNote(reason));
                skip_reviews(&note_cards, &mut runs, notices);
                continue;
            }
        };
        let (key, identity) = Identity::of_guid(&note.guid);
        let deck_index = match deck {
            Some(_) => 0,
            None => {
                let name = ctx.deck_name(note_cards.first().copied());
                if note_cards.iter().any(|c| ctx.deck_of(c) != ctx.deck_of(note_cards[0])) {
                    notices.add(Notice::SplitDecks);
                }
                let key = identity
                    .iskra_deck()
                    .map_or_else(|| keys::deck_key(&name), str::to_string);
                match deck_index_of.get(&key) {
                    Some(&i) => i,
                    None => {
                        deck_index_of.insert(key.clone(), batch.decks.len());
                        let preset = note_cards.first().and_then(|c| collection.presets.get(&ctx.deck_of(c)));
                        batch.decks.push(ImportDeck {
                            key,
                            name,
                            preset: preset.cloned(),
                        });
                        batch.decks.len() - 1
                    }
                }
            }
        };
        let mut fact_cards = Vec::new();
        for card in &note_cards {
            let Some(template) = converted.template(card.ord) else {
                notices.add(Notice::SkippedCard(converted.card_skip_reason()));
                skip_reviews(std::slice::from_ref(card), &mut runs, notices);
                continue;
            };
            let entries = runs.take(&revlog, card.id);
            fact_cards.push(ctx.card(card, template, entries, notices));
        }
        let mut origin = Some(converted.origin);
        if let Identity::Iskra {
            template: Some(template),
            ..
        } = &identity
        {
            // A note that stood for one card of an iskra fact: exported as before.
            origin = None;
            for card in &mut fact_cards {
                card.template = template.clone();
                card.anki = None;
            }
        }
        if let Some(origin) = &origin {
            used_notetypes.insert(origin.notetype_id);
        }
        let mut fact = converted.fact;
        fact.id = key;
        if let FactBody::Qa { kinds, .. } = &mut fact.body {
            let mut present: Vec<QaKind> = <QaKind as CardKind>::ALL
                .iter()
                .copied()
                .filter(|k| fact_cards.iter().any(|c| c.template == k.name()))
                .collect();
            if present.is_empty() {
                present.push(QaKind::Basic);
            }
            *kinds = present;
        }
        batch.facts.push(ImportedFact {
            deck: deck_index,
            identity,
            fact,
            cards: fact_cards,
            anki: origin,
        });
    }
    for id in used_notetypes {
        if let Some(notetype) = collection.notetypes.get(&id) {
            batch.notetypes.push(ImportedNotetype {
                id,
                name: notetype.name.clone(),
                definition: notetype.definition.to_string(),
            });
        }
    }
    let orphans = runs.left();
    notices.add_n(
        Notice::SkippedReview("their card is not in the package".into()),
        orphans,
    );
    Ok(batch)
}

/// Intervals and day offsets beyond this (about a century) come from a
/// damaged or hostile package, never from studying.
const MAX_DAYS: i64 = 36_600;

/// A time in seconds since 1970 between 1970 and the year 3000.
fn plausible_secs(secs: i64) -> bool {
    (0..=32_503_680_000).contains(&secs)
}

/// A revlog row whose time and interval a real review could have logged.
fn plausible_revlog(r: &Revlog) -> bool {
    plausible_secs(r.id / 1000) && (-MAX_DAYS * 86_400..=MAX_DAYS).contains(&r.interval)
}

/// A card whose due value and interval a real schedule could hold: review
/// due dates are day offsets, learning ones times in seconds or day offsets.
fn plausible_schedule(card: &Card, due: i64) -> bool {
    let due_ok = match card.ctype {
        1 | 3 if due > 1_000_000_000 => plausible_secs(due),
        _ => (-MAX_DAYS..=MAX_DAYS).contains(&due),
    };
    due_ok && (0..=MAX_DAYS).contains(&card.interval)
}

/// FSRS memory a real card could have: finite stability over 0, difficulty 1–10.
fn plausible_memory(stability: f64, difficulty: f64) -> bool {
    stability.is_finite() && stability > 0.0 && stability <= 1e6 && (1.0..=10.0).contains(&difficulty)
}

/// What kind of answer a revlog row is in iskra's log.
fn review_kind(r: &Revlog) -> ReviewKind {
    match r.kind {
        0 => ReviewKind::Learning,
        2 => ReviewKind::Relearning,
        4 => ReviewKind::Manual,
        // A filtered-deck answer that left the schedule alone (a preview or
        // cram, logged with ease factor 0): kept in the log, but not as a
        // review, as Anki's FSRS leaves it out of training.
        3 if r.factor == 0 => ReviewKind::Manual,
        _ => ReviewKind::Review,
    }
}

struct Context<'a> {
    collection: &'a Collection,
    clock: &'a Clock,
    fsrs: fsrs::FSRS,
    /// iskra's study day for Anki's day 0 (the collection's creation day).
    base_day: DayNumber,
    /// Each note type's shape (and note facts' kind), worked out once.
    plans: HashMap<i64, (Shape, Option<Result<NoteKind, String>>)>,
}

/// A note as a fact, and how its cards map to templates.
struct Converted {
    fact: Fact,
    cloze: Option<convert::Cloze>,
    /// For q/a facts: whether the second template is a reverse card.
    reverse: bool,
    /// For note facts: the templates that have cards, by number.
    numbers: Option<Vec<u32>>,
    origin: AnkiOrigin,
}

impl Converted {
    fn template(&self, ord: i64) -> Option<String> {
        if let Some(numbers) = &self.numbers {
            let number = u32::try_from(ord + 1).ok()?;
            return numbers
                .contains(&number)
                .then(|| crate::deck::template::card_template(number));
        }
        match &self.cloze {
            Some(cloze) => cloze.template(ord),
            None => match ord {
                0 => Some("basic".into()),
                1 if self.reverse => Some("reverse".into()),
                _ => None,
            },
        }
    }

    fn card_skip_reason(&self) -> String {
        if self.cloze.is_some() {
            "cloze cards whose number is no longer in the text".into()
        } else if self.numbers.is_some() {
            "cards of templates their note type no longer has".into()
        } else {
            "cards of note types iskra does not know, past the first".into()
        }
    }
}

impl Context<'_> {
    fn deck_of(&self, card: &Card) -> i64 {
        if card.original_deck_id != 0 {
            card.original_deck_id
        } else {
            card.deck_id
        }
    }

    fn deck_name(&self, card: Option<&Card>) -> String {
        card.and_then(|c| self.collection.decks.get(&self.deck_of(c)))
            .cloned()
            .unwrap_or_else(|| "Default".into())
    }

    /// The note as a fact; its fields and tags move into it (a note skipped
    /// keeps them).
    fn note(&self, note: &mut Note, cards: &[&Card], notices: &mut Notices) -> Result<Converted, String> {
        let notetype = self
            .collection
            .notetypes
            .get(&note.notetype_id)
            .ok_or_else(|| "their note type is missing from the package".to_string())?;
        // No work on a field too long to keep (its HTML is read below).
        convert::check_raw_fields(&note.fields)?;
        let field = |i: usize| note.fields.get(i).map(|f| html::to_text(f)).unwrap_or_default();
        let named = |names: &[&str], skip: usize| {
            notetype
                .fields
                .iter()
                .enumerate()
                .skip(skip)
                .find(|(_, n)| names.iter().any(|w| n.eq_ignore_ascii_case(w)))
                .map(|(i, _)| i)
        };
        let text_of = |index: Option<usize>| index.map(field).filter(|t| !t.is_empty());
        let (mut shape, kind) = self
            .plans
            .get(&note.notetype_id)
            .map_or((Shape::Other, None), |(s, k)| (s.clone(), k.as_ref()));
        let mut custom = None;
        if shape == Shape::Note {
            let ords: Vec<i64> = cards.iter().map(|c| c.ord).collect();
            let body = kind.map_or(Err("its note type cannot be read".into()), |kind| {
                kind.as_ref()
                    .map_err(String::clone)
                    .and_then(|kind| note_body(kind, notetype, note, &ords))
            });
            match body {
                Ok(body) => custom = Some(body),
                Err(reason) => {
                    notices.add(Notice::UnreadableNotetype(notetype.name.clone(), reason));
                    shape = Shape::Other;
                }
            }
        } else if shape == Shape::Other {
            notices.add(Notice::OtherNotetype(notetype.name.clone()));
        }
        let (body, cloze, reverse, extra, roles) = match shape {
            Shape::Cloze => {
                let cloze = convert::convert_cloze(&field(0))?;
                let extra_field =
                    named(&["Back Extra", "Extra"], 1).or_else(|| (notetype.fields.len() > 1).then_some(1));
                let roles = Roles {
                    text: Some(0),
                    extra: extra_field,
                    ..Roles::default()
                };
                let body = FactBody::Cloze {
                    text: cloze.text.clone(),
                };
                (body, Some(cloze), false, text_of(extra_field), roles)
            }
            Shape::Basic { reverse } => {
                let body = convert::qa_body(field(0), field(1), vec![QaKind::Basic])?;
                let extra_field = named(&["Extra", "Back Extra"], 2);
                let roles = Roles {
                    question: Some(0),
                    answer: Some(1),
                    extra: extra_field,
                    ..Roles::default()
                };
                (body, None, reverse, text_of(extra_field), roles)
            }
            Shape::Note => {
                let body = custom.ok_or_else(|| "its note type cannot be read".to_string())?;
                (body, None, false, None, Roles::default())
            }
            Shape::Other => {
                let body = convert::qa_body(field(0), field(1), vec![QaKind::Basic])?;
                let roles = Roles {
                    question: Some(0),
                    answer: Some(1),
                    ..Roles::default()
                };
                (body, None, false, None, roles)
            }
        };
        // Fields that hold no part of the fact are shown under the answer
        // (`Name: text` lines; a note fact holds all of them and shows them
        // itself); the note keeps them whole for Anki. An extra made of
        // several fields is not written back to one of them.
        let held = [roles.question, roles.answer, roles.text, roles.extra];
        let others: Vec<String> = (0..note.fields.len())
            .filter(|i| shape != Shape::Note && !held.contains(&Some(*i)))
            .filter_map(|i| {
                let text = field(i);
                let name = notetype.fields.get(i).map_or("", String::as_str);
                (!text.is_empty()).then(|| format!("{name}: {text}"))
            })
            .collect();
        let (extra, roles) = if others.is_empty() {
            (extra, roles)
        } else {
            let lines: Vec<String> = extra.into_iter().chain(others).collect();
            (Some(lines.join("\n")), Roles { extra: None, ..roles })
        };
        convert::check_lengths(&body, extra.as_deref())?;
        let numbers = match &body {
            FactBody::Note { cards, .. } => Some(cards.clone()),
            _ => None,
        };
        let fact = Fact {
            id: keys::guid_key(&note.guid),
            body,
            alternatives: Vec::new(),
            hint: None,
            extra,
            tags: std::mem::take(&mut note.tags),
            source: None,
        };
        // Checked after the tags are on it: a note's templates may show them.
        fact.check_card_text().map_err(|problem| problem.message)?;
        Ok(Converted {
            numbers,
            fact,
            cloze,
            reverse,
            origin: AnkiOrigin {
                note_id: note.id,
                guid: note.guid.clone(),
                notetype_id: note.notetype_id,
                mtime: note.mtime,
                fields: std::mem::take(&mut note.fields),
                roles,
            },
        })
    }

    /// An Anki day number (days since the collection's creation day) as an iskra study day.
    fn day(&self, anki_day: i64) -> DayNumber {
        self.base_day + anki_day
    }

    fn card(&self, card: &Card, template: String, revlog: &[Revlog], notices: &mut Notices) -> ImportedCard {
        let data: Value = serde_json::from_str(&card.data).unwrap_or(Value::Null);
        let memory = match (
            data.get("s").and_then(Value::as_f64),
            data.get("d").and_then(Value::as_f64),
        ) {
            (Some(s), Some(d)) if plausible_memory(s, d) => Some(MemoryState {
                stability: s as f32,
                difficulty: d as f32,
            }),
            _ if matches!(card.ctype, 2 | 3) && (1..=100_000).contains(&card.factor) => self
                .fsrs
                .memory_state_from_sm2(
                    card.factor as f32 / 1000.0,
                    card.interval.clamp(1, MAX_DAYS) as f32,
                    0.9,
                )
                .ok(),
            _ => None,
        };
        let rated: Vec<&Revlog> = revlog.iter().filter(|r| (1..=4).contains(&r.ease)).collect();
        notices.add_n(
            Notice::SkippedReview("rescheduling entries without an answer (set due date, forget)".into()),
            revlog.len() - rated.len(),
        );
        let answers: Vec<&Revlog> = rated.iter().copied().filter(|r| plausible_revlog(r)).collect();
        notices.add_n(
            Notice::SkippedReview("entries with an impossible time or interval (a damaged package?)".into()),
            rated.len() - answers.len(),
        );
        let last_review_ms = data
            .get("lrt")
            .and_then(Value::as_i64)
            .filter(|secs| plausible_secs(*secs))
            .map(|secs| secs * 1000)
            .into_iter()
            .chain(answers.last().map(|r| r.id))
            .max();
        let due = if card.original_deck_id != 0 && card.original_due != 0 {
            card.original_due
        } else {
            card.due
        };
        let state = match card.ctype {
            _ if card.ctype != 0 && !plausible_schedule(card, due) => {
                notices.add(Notice::ImpossibleSchedule);
                CardState::New
            }
            1 => CardState::Learning,
            2 => CardState::Review,
            3 => CardState::Relearning,
            _ => CardState::New,
        };
        let schedule = (state != CardState::New).then(|| {
            let due = match state {
                CardState::Review => Due::Day(self.day(due)),
                // Learning steps are due at a time; day-long steps (Anki's
                // queue 3) on a day.
                _ if due > 1_000_000_000 => Due::At(due * 1000),
                _ => Due::Day(self.day(due)),
            };
            let last_review_day = last_review_ms.map(|ms| self.clock.day_of_ms(ms)).or(match due {
                Due::Day(day) => Some(day - card.interval.max(0)),
                _ => None,
            });
            Schedule {
                state,
                remaining_steps: u32::try_from(card.left.rem_euclid(1000)).unwrap_or(0),
                memory,
                interval: u32::try_from(card.interval.max(0)).unwrap_or(0),
                due,
                last_review_day,
                reps: u32::try_from(card.reps.max(0)).unwrap_or(0),
                lapses: u32::try_from(card.lapses.max(0)).unwrap_or(0),
            }
        });
        let mut reviews = self.reviews(card, &answers);
        if let (Some(last), Some(memory)) = (reviews.last_mut(), memory) {
            last.after.memory = Some(memory);
        }
        ImportedCard {
            template,
            schedule,
            suspended: card.queue == -1,
            buried: matches!(card.queue, -2 | -3),
            flag: u8::try_from(card.flags & 7).unwrap_or(0),
            anki: Some(AnkiCard {
                id: card.id,
                ord: card.ord,
            }),
            last_review_ms,
            reviews,
        }
    }

    /// The card's answers as log entries, with the states between them
    /// rebuilt from the intervals Anki logged.
    fn reviews(&self, card: &Card, answers: &[&Revlog]) -> Vec<ImportedReview> {
        let mut before = Schedule::new_card(0);
        let mut last_day: Option<DayNumber> = None;
        let mut out = Vec::with_capacity(answers.len());
        for r in answers {
            let Some(rating) = u8::try_from(r.ease).ok().and_then(Rating::from_number) else {
                continue;
            };
            let kind = review_kind(r);
            let day = self.clock.day_of_ms(r.id);
            let state = if r.interval > 0 {
                CardState::Review
            } else if kind == ReviewKind::Relearning || (kind == ReviewKind::Review && rating == Rating::Again) {
                CardState::Relearning
            } else if before.state == CardState::Review && kind == ReviewKind::Manual {
                CardState::Review
            } else {
                CardState::Learning
            };
            let after = Schedule {
                state,
                remaining_steps: 0,
                memory: None,
                interval: if r.interval > 0 {
                    r.interval as u32
                } else {
                    before.interval
                },
                due: if r.interval > 0 {
                    Due::Day(day + r.interval)
                } else {
                    Due::At(r.id + (-r.interval) * 1000)
                },
                last_review_day: Some(day),
                reps: before.reps + 1,
                lapses: before.lapses + u32::from(kind == ReviewKind::Review && rating == Rating::Again),
            };
            out.push(ImportedReview {
                anki_card_id: card.id,
                reviewed_at_ms: r.id,
                rating,
                duration_ms: r.time_ms.clamp(0, 3_600_000),
                kind,
                elapsed_days: last_day.map_or(0, |d| u32::try_from(day - d).unwrap_or(0)),
                after: LoggedSchedule::of(&after),
            });
            last_day = Some(day);
            before = after;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revlog(kind: i64, factor: i64) -> Revlog {
        Revlog {
            id: 1_700_000_000_000,
            card_id: 1,
            ease: 3,
            interval: 3,
            last_interval: 1,
            factor,
            time_ms: 4000,
            kind,
        }
    }

    #[test]
    fn revlog_types_map_to_review_kinds() {
        assert_eq!(review_kind(&revlog(0, 2500)), ReviewKind::Learning);
        assert_eq!(review_kind(&revlog(1, 2500)), ReviewKind::Review);
        assert_eq!(review_kind(&revlog(2, 2500)), ReviewKind::Relearning);
        assert_eq!(review_kind(&revlog(4, 0)), ReviewKind::Manual);
        // Filtered decks: rescheduling answers are reviews, previews are not.
        assert_eq!(review_kind(&revlog(3, 2500)), ReviewKind::Review);
        assert_eq!(review_kind(&revlog(3, 0)), ReviewKind::Manual);
    }
}
