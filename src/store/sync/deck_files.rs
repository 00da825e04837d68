//! The `sync_deck_files` table: the folder's deck files this collection
//! wrote (decks with no file of their own; a change to such a deck or its
//! facts removes its row, by trigger, so the file is written again) and
//! those it built, with their size and time when it did.

use rusqlite::{OptionalExtension, params};

use super::super::Tx;
use crate::error::Result;

/// A deck file of the folder, as last written or built here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckFileRow {
    /// Relative to the folder's `iskra-sync/`.
    pub path: String,
    pub deck_key: String,
    /// Written here (else built here from another device's file).
    pub written: bool,
    pub size: i64,
    pub mtime_ns: i64,
}

impl Tx<'_> {
    /// The row of a deck file, if it was written or built here.
    pub fn deck_file(&self, path: &str) -> Result<Option<DeckFileRow>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT path, deck_key, written, size, mtime_ns FROM sync_deck_files WHERE path = ?1")?
            .query_row([path], |r| {
                Ok(DeckFileRow {
                    path: r.get(0)?,
                    deck_key: r.get(1)?,
                    written: r.get(2)?,
                    size: r.get(3)?,
                    mtime_ns: r.get(4)?,
                })
            })
            .optional()?)
    }

    /// Records a deck file written or built.
    pub fn put_deck_file(&self, row: &DeckFileRow) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT OR REPLACE INTO sync_deck_files (path, deck_key, written, size, mtime_ns)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![row.path, row.deck_key, row.written, row.size, row.mtime_ns])?;
        if let Some(mut bulk) = self.bulk() {
            bulk.deck_file_recorded();
        }
        Ok(())
    }

    /// Keys of the decks with no file (no source path): what this collection
    /// writes to the folder; with whether their file is up to date.
    pub fn fileless_decks(&self) -> Result<Vec<(String, bool)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT d.key, EXISTS (SELECT 1 FROM sync_deck_files s WHERE s.written = 1 AND s.deck_key = d.key)
             FROM decks d WHERE d.source_path IS NULL ORDER BY d.key",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
