//! Writing a whole collection (decks, facts, cards with their schedules,
//! review log) with explicit ids, in one bulk transaction (see `bulk.rs`),
//! through each table's one insert, so the benchmark generator's result
//! depends only on its seed.

use super::bulk::{CARD_AND_LOG_INDEXES, set_aside};
use super::cards::NewCard;
use super::review_log::{self, LogEntry};
use super::{DeckRow, Store, Tx};
use crate::error::Result;

/// Writes into the open transaction of [`Store::bulk_write`].
pub struct BulkWriter<'t> {
    tx: &'t Tx<'t>,
}

impl Store {
    /// Runs `f` with a writer, in ONE bulk transaction ([`Store::begin_bulk`]):
    /// all of it is stored, or none. The secondary indexes of cards and the
    /// review log are set aside meanwhile too.
    pub fn bulk_write<T>(&mut self, f: impl FnOnce(&mut BulkWriter) -> Result<T>) -> Result<T> {
        // A large page cache keeps the random-order uid index in memory.
        let tx = self.begin_bulk(256)?;
        let mut indexes = set_aside(tx.conn(), CARD_AND_LOG_INDEXES)?;
        let value = f(&mut BulkWriter { tx: &tx })?;
        indexes.restore(tx.conn())?;
        tx.commit()?;
        Ok(value)
    }
}

impl BulkWriter<'_> {
    pub fn deck(&mut self, id: i64, key: &str, name: &str, description: &str) -> Result<()> {
        let row = DeckRow {
            id,
            description: description.to_string(),
            ..DeckRow::new(key, name)
        };
        self.tx.insert_deck(&row).map(|_| ())
    }

    /// A fact; `content` is its JSON, as `build` stores it.
    pub fn fact(&mut self, id: i64, deck_id: i64, key: &str, content: &str) -> Result<()> {
        self.tx.insert_fact(Some(id), deck_id, key, content).map(|_| ())
    }

    /// A card with its id and schedule.
    pub fn card(&mut self, card: &NewCard) -> Result<()> {
        self.tx.insert_card(card).map(|_| ())
    }

    /// One review-log row with the given uid.
    pub fn log(&mut self, uid: &str, entry: &LogEntry) -> Result<()> {
        review_log::insert(self.tx.conn(), uid, entry.into(), false).map(|_| ())
    }

    /// Where the next new card goes in the introduction order.
    pub fn set_next_new_position(&mut self, position: i64) -> Result<()> {
        let mut settings = self.tx.settings()?;
        settings.next_new_position = position;
        self.tx.save_settings(&settings)
    }
}
