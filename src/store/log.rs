//! The review log: append-only, one row per answer, each with a globally
//! unique id so logs from several devices can be merged. Undo is the one
//! deletion: it removes the entry it made together with restoring the card.

use rusqlite::{Connection, OptionalExtension, params};

use super::Store;
use super::cards::{due_value, read_card, write_schedule};
use crate::card::{Rating, ReviewKind, Schedule};
use crate::error::Result;

/// One answer, as logged.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub card_id: i64,
    pub reviewed_at_ms: i64,
    pub rating: Rating,
    pub duration_ms: i64,
    pub kind: ReviewKind,
    pub elapsed_days: u32,
    pub before: Schedule,
    pub after: Schedule,
}

/// A new globally unique id: 128 random bits, hex.
fn new_uid() -> String {
    format!("{:032x}", rand::random::<u128>())
}

impl Store {
    /// Stores an answer to the card as it is at the moment of writing: in one
    /// write transaction, reads the card's schedule, lets `answer` turn it
    /// into the log entry (plus anything the caller wants back), and stores
    /// the entry with the new schedule. An answer another process stored
    /// meanwhile is the starting point, never overwritten, and two processes
    /// answering one card never have to retry. `None` when the card is gone.
    pub fn record_answer_to_current<T>(
        &mut self,
        card_id: i64,
        answer: impl FnOnce(&Schedule) -> Result<(LogEntry, T)>,
    ) -> Result<Option<(i64, LogEntry, T)>> {
        self.transaction(|tx| {
            let Some(card) = read_card(tx, card_id)? else {
                return Ok(None);
            };
            let (entry, extra) = answer(&card.schedule)?;
            write_schedule(tx, card_id, &entry.after)?;
            let log_id = insert_log(tx, &new_uid(), &entry)?;
            Ok(Some((log_id, entry, extra)))
        })
    }

    /// Undoes an answer: removes its log entry and restores the card to
    /// `before`. Returns false, changing nothing, when the card's review count
    /// is no longer `answered_reps` (another process answered it since).
    pub fn undo_answer(&mut self, log_id: i64, card_id: i64, before: &Schedule, answered_reps: u32) -> Result<bool> {
        self.transaction(|tx| {
            let reps: Option<u32> = tx
                .prepare_cached("SELECT reps FROM cards WHERE id = ?1")?
                .query_row([card_id], |r| r.get(0))
                .optional()?;
            if reps != Some(answered_reps) {
                return Ok(false);
            }
            tx.execute(
                "DELETE FROM review_log WHERE id = ?1 AND card_id = ?2",
                params![log_id, card_id],
            )?;
            write_schedule(tx, card_id, before)?;
            Ok(true)
        })
    }

    /// Number of log entries (for tests and checks).
    pub fn log_len(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM review_log", [], |r| r.get(0))?)
    }
}

/// Appends one log row with the given uid; returns its row id.
pub(crate) fn insert_log(conn: &Connection, uid: &str, entry: &LogEntry) -> Result<i64> {
    insert_log_row(conn, "INSERT", uid, entry)?;
    Ok(conn.last_insert_rowid())
}

/// Appends one log row unless its uid is logged already (an entry imported
/// before); true when added.
pub(crate) fn insert_log_if_new(conn: &Connection, uid: &str, entry: &LogEntry) -> Result<bool> {
    Ok(insert_log_row(conn, "INSERT OR IGNORE", uid, entry)? == 1)
}

/// The one INSERT of a log row; `verb` is `INSERT` or `INSERT OR IGNORE`.
fn insert_log_row(conn: &Connection, verb: &str, uid: &str, entry: &LogEntry) -> Result<usize> {
    let (b, a) = (&entry.before, &entry.after);
    let sql = format!(
        "{verb} INTO review_log (uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
           state_before, due_before, stability_before, difficulty_before, interval_before,
           state_after, due_after, stability_after, difficulty_after, interval_after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
    );
    Ok(conn.prepare_cached(&sql)?.execute(params![
        uid,
        entry.card_id,
        entry.reviewed_at_ms,
        entry.rating.number(),
        entry.duration_ms,
        entry.kind as i64,
        entry.elapsed_days,
        b.state as i64,
        due_value(b.due),
        b.memory.map(|m| f64::from(m.stability)),
        b.memory.map(|m| f64::from(m.difficulty)),
        b.interval,
        a.state as i64,
        due_value(a.due),
        a.memory.map(|m| f64::from(m.stability)),
        a.memory.map(|m| f64::from(m.difficulty)),
        a.interval,
    ])?)
}
