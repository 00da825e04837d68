//! What came from Anki with an import (schema 6): the `anki_notetypes` and
//! `anki_notes` tables, the Anki identity of cards (`cards.anki_id`,
//! `cards.anki_ord`), decks' Anki presets (`decks.anki_preset`) and the
//! `media` index.
//! JSON columns are text here; `interop` reads and writes them. One row
//! mapper and one insert (an upsert) per table.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Row, params};

use super::{Store, Tx};
use crate::error::Result;

/// An Anki note as it was imported, kept for a fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnkiNoteRow {
    pub fact_id: i64,
    pub guid: String,
    pub note_id: i64,
    pub notetype_id: i64,
    /// Anki's modification time, seconds.
    pub mtime: i64,
    /// JSON array of the fields' HTML.
    pub fields: String,
    /// The fact's content as imported.
    pub imported: String,
    /// JSON: which field holds which part of the fact.
    pub roles: String,
}

/// A card's Anki identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnkiCard {
    pub id: i64,
    pub ord: i64,
}

fn note_from_row(row: &Row) -> rusqlite::Result<AnkiNoteRow> {
    Ok(AnkiNoteRow {
        fact_id: row.get(0)?,
        guid: row.get(1)?,
        note_id: row.get(2)?,
        notetype_id: row.get(3)?,
        mtime: row.get(4)?,
        fields: row.get(5)?,
        imported: row.get(6)?,
        roles: row.get(7)?,
    })
}

const NOTE_COLUMNS: &str = "n.fact_id, n.guid, n.note_id, n.notetype_id, n.mtime, n.fields, n.imported, n.roles";

impl Store {
    /// The Anki notes of a deck's facts, by fact id.
    pub fn anki_notes_of_deck(&self, deck_id: i64) -> Result<HashMap<i64, AnkiNoteRow>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {NOTE_COLUMNS} FROM anki_notes n JOIN facts f ON f.id = n.fact_id WHERE f.deck_id = ?1"
        ))?;
        let rows = stmt
            .query_map([deck_id], note_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows.into_iter().map(|r| (r.fact_id, r)).collect())
    }

    /// The Anki identities of a deck's cards, by card id.
    pub fn anki_cards_of_deck(&self, deck_id: i64) -> Result<HashMap<i64, AnkiCard>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, anki_id, anki_ord FROM cards WHERE deck_id = ?1 AND anki_id IS NOT NULL AND anki_ord IS NOT NULL",
        )?;
        let rows = stmt
            .query_map([deck_id], |r| {
                Ok((
                    r.get(0)?,
                    AnkiCard {
                        id: r.get(1)?,
                        ord: r.get(2)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<(i64, AnkiCard)>>>()?;
        Ok(rows.into_iter().collect())
    }

    /// The content address (SHA-1, hex) of the media file notes call `name`.
    pub fn media_file(&self, name: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT sha1 FROM media WHERE name = ?1")?
            .query_row([name], |r| r.get(0))
            .optional()?)
    }

    /// An Anki note type's definition (JSON), if one was imported.
    pub fn anki_notetype(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT definition FROM anki_notetypes WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }
}

impl Tx<'_> {
    /// Stores (or replaces) an Anki note type.
    pub fn write_anki_notetype(&self, id: i64, name: &str, definition: &str) -> Result<()> {
        self.conn()
            .prepare_cached("INSERT OR REPLACE INTO anki_notetypes (id, name, definition) VALUES (?1, ?2, ?3)")?
            .execute(params![id, name, definition])?;
        Ok(())
    }

    /// Stores (or replaces) the Anki note of a fact.
    pub fn write_anki_note(&self, note: &AnkiNoteRow) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT OR REPLACE INTO anki_notes (fact_id, guid, note_id, notetype_id, mtime, fields, imported, roles)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                note.fact_id,
                note.guid,
                note.note_id,
                note.notetype_id,
                note.mtime,
                note.fields,
                note.imported,
                note.roles
            ])?;
        Ok(())
    }

    /// The card of a fact that stands for Anki's card `anki_id`, with its template.
    pub fn card_of_anki_card(&self, fact_id: i64, anki_id: i64) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT id, template FROM cards WHERE fact_id = ?1 AND anki_id = ?2")?
            .query_row(params![fact_id, anki_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// Gives a card another template name, keeping its id and history: an
    /// Anki card that an import of an older iskra named otherwise. The
    /// identity sync knows it by is renamed with it.
    pub fn rename_card_template(&self, card_id: i64, template: &str) -> Result<()> {
        super::sync::identities::rename_template(self.conn(), card_id, template)?;
        self.conn()
            .prepare_cached("UPDATE cards SET template = ?2 WHERE id = ?1")?
            .execute(params![card_id, template])?;
        Ok(())
    }

    /// Sets the Anki identity of a card.
    pub fn set_anki_card(&self, card_id: i64, anki: AnkiCard) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE cards SET anki_id = ?2, anki_ord = ?3 WHERE id = ?1")?
            .execute(params![card_id, anki.id, anki.ord])?;
        Ok(())
    }

    /// Indexes a media file by the name notes use (its content is `media/SHA1`).
    pub fn write_media(&self, name: &str, sha1: &str, size: i64) -> Result<()> {
        self.conn()
            .prepare_cached("INSERT OR REPLACE INTO media (name, sha1, size) VALUES (?1, ?2, ?3)")?
            .execute(params![name, sha1, size])?;
        Ok(())
    }

    /// Keeps a deck's Anki preset.
    pub fn set_deck_anki_preset(&self, deck_id: i64, preset: &str) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE decks SET anki_preset = ?2 WHERE id = ?1")?
            .execute(params![deck_id, preset])?;
        Ok(())
    }
}
