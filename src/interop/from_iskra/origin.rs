//! Facts that came from Anki, exported as the notes they were: the note's
//! id, guid and note type (kept at import, schema 6), every field's HTML as
//! Anki had it except the parts of the fact edited in iskra since, and each
//! card's own Anki id and ordinal, so that Anki updates the note in place
//! and every card keeps its schedule and history.

use std::collections::HashMap;

use serde_json::Value;

use crate::deck::{Fact, FactBody};
use crate::error::Result;
use crate::interop::anki::html;
use crate::interop::to_iskra::Roles;
use crate::store::deck_export::ExportCard as StoredCard;
use crate::store::{AnkiCard, AnkiNoteRow, Store};

/// What a deck's facts kept of Anki.
pub(super) struct Kept {
    notes: HashMap<i64, AnkiNoteRow>,
    cards: HashMap<i64, AnkiCard>,
    /// Note type definitions (schema-11 JSON) by id.
    notetypes: HashMap<i64, Value>,
}

/// A note's cards as (iskra card id, Anki card id if known, Anki ordinal).
pub(super) type NoteCards = Vec<(i64, Option<i64>, i64)>;

/// A fact's Anki note, as it goes back.
pub(super) struct KeptNote {
    pub(super) id: i64,
    pub(super) guid: String,
    pub(super) notetype: i64,
    /// HTML fields, in the note type's order.
    pub(super) fields: Vec<String>,
    /// Anki's modification time; now when the fact was edited in iskra.
    pub(super) mtime: i64,
    pub(super) cards: NoteCards,
}

impl Kept {
    pub(super) fn load(store: &Store, deck_id: i64) -> Result<Kept> {
        let notes = store.anki_notes_of_deck(deck_id)?;
        let mut notetypes = HashMap::new();
        for note in notes.values() {
            if notetypes.contains_key(&note.notetype_id) {
                continue;
            }
            if let Some(definition) = store.anki_notetype(note.notetype_id)?
                && let Ok(value) = serde_json::from_str::<Value>(&definition)
            {
                notetypes.insert(note.notetype_id, value);
            }
        }
        Ok(Kept {
            notes,
            cards: store.anki_cards_of_deck(deck_id)?,
            notetypes,
        })
    }

    /// The note types the kept notes use.
    pub(super) fn notetypes(&self) -> Vec<Value> {
        self.notetypes.values().cloned().collect()
    }

    /// The note a fact came from, with iskra's edits, if it came from one
    /// whose note type is kept and whose fields still hold the fact.
    pub(super) fn note(&self, fact_id: i64, fact: &Fact, cards: &[&StoredCard], now_secs: i64) -> Option<KeptNote> {
        let row = self.notes.get(&fact_id)?;
        let definition = self.notetypes.get(&row.notetype_id)?;
        let mut fields: Vec<String> = serde_json::from_str(&row.fields).ok()?;
        let roles: Roles = serde_json::from_str(&row.roles).ok()?;
        let imported = Fact::from_content(&row.imported).ok()?;
        let mut edited = false;
        let mut set = |index: Option<usize>, now: &str, then: &str| -> Option<()> {
            if now != then {
                *fields.get_mut(index?)? = html::from_text(now);
                edited = true;
            }
            Some(())
        };
        match (&fact.body, &imported.body) {
            (
                FactBody::Qa { question, answer, .. },
                FactBody::Qa {
                    question: q0,
                    answer: a0,
                    ..
                },
            ) => {
                set(roles.question, question, q0)?;
                set(roles.answer, answer, a0)?;
            }
            (FactBody::Cloze { text }, FactBody::Cloze { text: t0 }) => set(roles.text, text, t0)?,
            // A note fact holds every field, in the note type's order.
            (FactBody::Note { fields: now, .. }, FactBody::Note { fields: then, .. }) => {
                if now.len() != then.len() || now.iter().zip(then).any(|(a, b)| a.name != b.name) {
                    return None;
                }
                for (i, (now, then)) in now.iter().zip(then).enumerate() {
                    set(Some(i), &now.text, &then.text)?;
                }
            }
            _ => return None,
        }
        let extra = fact.extra.as_deref().unwrap_or_default();
        if roles.extra.is_some() {
            set(roles.extra, extra, imported.extra.as_deref().unwrap_or_default())?;
        }
        let cloze = definition.get("type").and_then(Value::as_i64) == Some(1);
        let cards = cards
            .iter()
            .filter_map(|card| match self.cards.get(&card.id) {
                Some(anki) => Some((card.id, Some(anki.id), anki.ord)),
                // A cloze number added in iskra: Anki makes its card.
                None if cloze => card
                    .template
                    .strip_prefix("cloze:")
                    .and_then(|n| n.parse::<i64>().ok())
                    .map(|n| (card.id, None, n - 1)),
                None => None,
            })
            .collect();
        Some(KeptNote {
            id: row.note_id,
            guid: row.guid.clone(),
            notetype: row.notetype_id,
            fields,
            mtime: if edited { now_secs.max(row.mtime + 1) } else { row.mtime },
            cards,
        })
    }
}
