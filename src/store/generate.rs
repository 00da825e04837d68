//! Bulk writes for `iskra generate`: a whole collection (decks, facts, cards
//! with their schedules, review log) in one transaction through prepared
//! statements, with explicit ids so the result depends only on the seed.

use rusqlite::{Transaction, params};

use super::cards::{due_value, queue, queue_for_state};
use super::log::{LogEntry, insert_log};
use super::settings::{read_settings, write_settings};
use super::{Store, bulk};
use crate::card::CardText;
use crate::card::Schedule;
use crate::error::Result;

/// One card to store, with the schedule its history left it in.
pub struct NewCard<'a> {
    pub id: i64,
    pub fact_id: i64,
    pub deck_id: i64,
    pub text: &'a CardText,
    pub schedule: &'a Schedule,
    pub suspended: bool,
}

/// Writes into the open transaction of [`Store::bulk_write`].
pub struct BulkWriter<'t> {
    tx: &'t Transaction<'t>,
    /// The decks written, whose cards are counted at the end.
    decks: Vec<i64>,
}

impl Store {
    /// How many decks, cards and review-log rows the collection holds.
    pub fn content_counts(&self) -> Result<(i64, i64, i64)> {
        Ok(self.conn().query_row(
            "SELECT (SELECT count(*) FROM decks), (SELECT count(*) FROM cards), (SELECT count(*) FROM review_log)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    }

    /// Runs `f` with a writer, in ONE transaction: all of it is stored, or none.
    /// The per-row triggers and the secondary indexes of cards and the review
    /// log are set aside meanwhile (see [`bulk`]).
    pub fn bulk_write<T>(&mut self, f: impl FnOnce(&mut BulkWriter) -> Result<T>) -> Result<T> {
        // A large page cache keeps the random-order uid index in memory.
        self.large_transaction(256, |tx| {
            let triggers = bulk::set_aside(tx, bulk::INSERT_TRIGGERS)?;
            let indexes = bulk::set_aside(tx, bulk::CARD_AND_LOG_INDEXES)?;
            let mut writer = BulkWriter { tx, decks: Vec::new() };
            let value = f(&mut writer)?;
            indexes.restore(tx)?;
            for &deck_id in &writer.decks {
                bulk::recount_cards(tx, deck_id)?;
            }
            triggers.restore(tx)?;
            Ok(value)
        })
    }
}

impl BulkWriter<'_> {
    pub fn deck(&mut self, id: i64, key: &str, name: &str, description: &str) -> Result<()> {
        let row = super::DeckRow {
            id,
            key: key.to_string(),
            name: name.to_string(),
            description: description.to_string(),
            source_path: None,
            retention: None,
            new_per_day: None,
            reviews_per_day: None,
        };
        super::decks::insert_deck(self.tx, &row)?;
        self.decks.push(id);
        Ok(())
    }

    /// A fact; `content` is its JSON, as `build` stores it.
    pub fn fact(&mut self, id: i64, deck_id: i64, key: &str, content: &str) -> Result<()> {
        super::decks::insert_fact(self.tx, Some(id), deck_id, key, content)?;
        Ok(())
    }

    pub fn card(&mut self, card: &NewCard) -> Result<()> {
        let s = card.schedule;
        let queue = if card.suspended {
            queue::SUSPENDED
        } else {
            queue_for_state(s.state)
        };
        self.tx
            .prepare_cached(
                "INSERT INTO cards (id, fact_id, deck_id, template, front, back, answer, state, queue, due,
                   remaining_steps, stability, difficulty, interval, last_review_day, reps, lapses)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            )?
            .execute(params![
                card.id,
                card.fact_id,
                card.deck_id,
                card.text.template,
                card.text.front,
                card.text.back,
                card.text.answer,
                s.state as i64,
                queue,
                due_value(s.due),
                s.remaining_steps,
                s.memory.map(|m| f64::from(m.stability)),
                s.memory.map(|m| f64::from(m.difficulty)),
                s.interval,
                s.last_review_day,
                s.reps,
                s.lapses,
            ])?;
        Ok(())
    }

    /// One review-log row with the given uid.
    pub fn log(&mut self, uid: &str, entry: &LogEntry) -> Result<()> {
        insert_log(self.tx, uid, entry).map(|_| ())
    }

    /// Where the next new card goes in the introduction order.
    pub fn set_next_new_position(&mut self, position: i64) -> Result<()> {
        let mut settings = read_settings(self.tx)?;
        settings.next_new_position = position;
        write_settings(self.tx, &settings)
    }
}
