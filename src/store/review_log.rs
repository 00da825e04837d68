//! The `review_log` table: append-only, one row per answer, each with a
//! globally unique id so logs from several devices can be merged. An entry
//! is an answer ([`LogEntry`], rated 1-4) or a manual change of schedule
//! ([`ManualEntry`]: `iskra forget` and `reschedule`; rating 0, kind
//! manual, as Anki's revlog logs them). Its one insert is [`insert`]; undo
//! is the one deletion (it removes the entry it made together with
//! restoring the card). Reads of the log for statistics,
//! training and exports are read models (`read/`).

use rusqlite::{Connection, OptionalExtension, params};

use super::cards::due_value;
use super::{Store, Tx};
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

/// A change of a card's schedule made without an answer (forgetting or
/// rescheduling it), logged with rating 0 and kind manual: left out of
/// statistics and FSRS training.
#[derive(Debug, Clone, PartialEq)]
pub struct ManualEntry {
    pub card_id: i64,
    pub at_ms: i64,
    pub before: Schedule,
    pub after: Schedule,
}

/// One row as the insert writes it.
pub(super) struct Row<'a> {
    pub(super) card_id: i64,
    pub(super) at_ms: i64,
    /// 1-4, or 0 for a manual entry.
    pub(super) rating: u8,
    pub(super) duration_ms: i64,
    pub(super) kind: ReviewKind,
    pub(super) elapsed_days: u32,
    pub(super) before: &'a Schedule,
    pub(super) after: &'a Schedule,
}

impl Row<'_> {
    /// Runs `statement` with `uid` as ?1 and the row's columns as ?2-?17, in
    /// the log's column order (card_id, reviewed_at_ms, rating, duration_ms,
    /// kind, elapsed_days, then state, due, stability, difficulty and
    /// interval before and after): the one binding of a log row, for the
    /// insert here and sync's rewrite of a row.
    pub(super) fn execute(&self, statement: &mut rusqlite::CachedStatement<'_>, uid: &str) -> Result<usize> {
        let (b, a) = (self.before, self.after);
        Ok(statement.execute(params![
            uid,
            self.card_id,
            self.at_ms,
            self.rating,
            self.duration_ms,
            self.kind as i64,
            self.elapsed_days,
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
}

impl<'a> From<&'a LogEntry> for Row<'a> {
    fn from(e: &'a LogEntry) -> Row<'a> {
        Row {
            card_id: e.card_id,
            at_ms: e.reviewed_at_ms,
            rating: e.rating.number(),
            duration_ms: e.duration_ms,
            kind: e.kind,
            elapsed_days: e.elapsed_days,
            before: &e.before,
            after: &e.after,
        }
    }
}

impl<'a> From<&'a ManualEntry> for Row<'a> {
    fn from(e: &'a ManualEntry) -> Row<'a> {
        Row {
            card_id: e.card_id,
            at_ms: e.at_ms,
            rating: 0,
            duration_ms: 0,
            kind: ReviewKind::Manual,
            elapsed_days: 0,
            before: &e.before,
            after: &e.after,
        }
    }
}

/// A logged answer as the import's same-answer rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoggedAnswer {
    pub card_id: i64,
    pub at_ms: i64,
    /// 1-4, or 0 for a manual entry.
    pub rating: Option<u8>,
    /// Imported from Anki (its uid starts with `anki-`).
    pub imported: bool,
}

/// Appends one log row with the given uid; `if_new`: unless a row with that
/// uid is logged already (an entry imported or synced before). Returns the
/// number of rows added (0 or 1). The one `INSERT INTO review_log`
/// (answers, `import`, sync, the generator) is [`insert_unless`].
pub(super) fn insert(conn: &Connection, uid: &str, entry: Row, if_new: bool) -> Result<usize> {
    let unless = if if_new { Unless::Uid } else { Unless::Never };
    insert_unless(conn, uid, entry, unless)
}

/// When a log row is not added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unless {
    Never,
    /// A row with its uid is logged.
    Uid,
    /// The same answer is logged, under any uid: a row of the same card at
    /// the same instant, or an answer given here (not imported) up to a
    /// second before with the same rating (an export moves answers of one
    /// instant a millisecond apart each, as Anki's revlog ids must differ).
    /// An answer's identity whichever program exported it, for imports.
    SameAnswer,
}

/// The insert of a log row: `$verb` (INSERT, INSERT OR IGNORE) with the
/// columns bound as [`Row::execute`] binds them, then `$rest` (by default
/// the values of one row).
macro_rules! insert_sql {
    ($verb:literal) => {
        insert_sql!(
            $verb,
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
        )
    };
    ($verb:literal, $rest:literal) => {
        concat!(
            $verb,
            " INTO review_log (uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
               state_before, due_before, stability_before, difficulty_before, interval_before,
               state_after, due_after, stability_after, difficulty_after, interval_after) ",
            $rest
        )
    };
}

fn insert_unless(conn: &Connection, uid: &str, entry: Row, unless: Unless) -> Result<usize> {
    entry.execute(&mut conn.prepare_cached(insert_sql(unless))?, uid)
}

/// Logs entries with given uids unless the uid is logged already
/// ([`Tx::log_appender`]), with one prepared statement.
pub struct LogAppender<'t> {
    tx: &'t Tx<'t>,
    statement: rusqlite::CachedStatement<'t>,
}

impl LogAppender<'_> {
    /// [`Tx::insert_log_if_uid_new`].
    pub fn insert_if_uid_new(&mut self, uid: &str, entry: &LogEntry) -> Result<bool> {
        self.tx.card_logged(entry.card_id);
        Ok(Row::from(entry).execute(&mut self.statement, uid)? == 1)
    }
}

/// The SQL of a log row's insert, `unless` as it says.
fn insert_sql(unless: Unless) -> &'static str {
    // Constant text: the statement cache finds it without a string built per
    // row (an import logs a million). One row's VALUES where no WHERE is
    // needed: SQLite checks that row's foreign key on the spot, where an
    // INSERT … SELECT counts violations to fail at its end and so takes a
    // statement journal, which spilled to a temporary file on every row of
    // an import (6.4 million one-byte writes for a million rows).
    match unless {
        // An answer given here (or a generated one) names its card's deck
        // (schema 7: today's answers per deck are read without the cards);
        // imported and synced rows leave it to be looked up.
        Unless::Never => concat!(
            "INSERT INTO review_log (uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
               state_before, due_before, stability_before, difficulty_before, interval_before,
               state_after, due_after, stability_after, difficulty_after, interval_after, deck_id) ",
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                     (SELECT deck_id FROM cards WHERE id = ?2))"
        ),
        Unless::Uid => insert_sql!(
            "INSERT OR IGNORE",
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
        ),
        Unless::SameAnswer => insert_sql!(
            "INSERT OR IGNORE",
            "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17
             WHERE NOT EXISTS (SELECT 1 FROM review_log WHERE card_id = ?2 AND (reviewed_at_ms = ?3
               OR (reviewed_at_ms BETWEEN ?3 - 999 AND ?3 AND rating IS ?4 AND uid NOT LIKE 'anki-%')))"
        ),
    }
}

impl Store {
    /// Number of log entries (for tests and checks).
    pub fn log_len(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM review_log", [], |r| r.get(0))?)
    }

    /// The fact and card of the answer logged last (manual entries are no
    /// answers), if any (a new session does not start with its sibling).
    pub fn last_answered(&self) -> Result<Option<(i64, i64)>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT c.fact_id, c.id FROM review_log l JOIN cards c ON c.id = l.card_id
                 WHERE l.rating > 0 ORDER BY l.reviewed_at_ms DESC, l.id DESC LIMIT 1",
            )?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }
}

impl Tx<'_> {
    /// At least as many as the log's rows (its largest row id), at once.
    pub fn log_rows_at_most(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT coalesce(max(id), 0) FROM review_log", [], |r| r.get(0))?)
    }

    /// Logs an answer under a new uid; returns its row id.
    pub fn insert_log(&self, entry: &LogEntry) -> Result<i64> {
        self.card_logged(entry.card_id);
        insert(self.conn(), &crate::ids::uid(entry.reviewed_at_ms), entry.into(), false)?;
        Ok(self.conn().last_insert_rowid())
    }

    /// Logs a manual change of schedule under a new uid; returns its row id.
    pub fn insert_manual_log(&self, entry: &ManualEntry) -> Result<i64> {
        self.card_logged(entry.card_id);
        insert(self.conn(), &crate::ids::uid(entry.at_ms), entry.into(), false)?;
        Ok(self.conn().last_insert_rowid())
    }

    /// Whether log row `log_id` exists.
    pub fn log_exists(&self, log_id: i64) -> Result<bool> {
        Ok(self
            .conn()
            .prepare_cached("SELECT 1 FROM review_log WHERE id = ?1")?
            .query_row([log_id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Logs an entry with a given uid unless that uid is logged already
    /// (the caller has checked the answer otherwise); true when added.
    pub fn insert_log_if_uid_new(&self, uid: &str, entry: &LogEntry) -> Result<bool> {
        self.card_logged(entry.card_id);
        Ok(insert_unless(self.conn(), uid, entry.into(), Unless::Uid)? == 1)
    }

    /// A way to log many entries with given uids, one after another, with
    /// one prepared statement (an import's history).
    pub fn log_appender(&self) -> Result<LogAppender<'_>> {
        Ok(LogAppender {
            tx: self,
            statement: self.conn().prepare_cached(insert_sql(Unless::Uid))?,
        })
    }

    /// Every logged answer, for checking many new ones at once.
    pub fn logged_answers(&self) -> Result<Vec<LoggedAnswer>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT card_id, reviewed_at_ms, rating, uid LIKE 'anki-%' FROM review_log")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(LoggedAnswer {
                    card_id: r.get(0)?,
                    at_ms: r.get(1)?,
                    rating: r.get(2)?,
                    imported: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Logs an entry with a given uid unless that uid, an entry of the same
    /// card at the same instant, or an answer given here (not imported) to
    /// the same card with the same rating up to a second before it, is
    /// logged already; true when added.
    pub fn insert_log_if_new(&self, uid: &str, entry: &LogEntry) -> Result<bool> {
        self.card_logged(entry.card_id);
        Ok(insert_unless(self.conn(), uid, entry.into(), Unless::SameAnswer)? == 1)
    }

    /// When the card was last answered or its schedule changed by hand
    /// (UTC ms), leaving out the entries whose uids start with
    /// `except_uid_prefix` (ASCII letters in any case, as SQL's `LIKE`);
    /// `None` if never. Manual entries count: a card forgotten or
    /// rescheduled here since an import keeps that schedule over an older
    /// one imported again.
    pub fn newest_review_ms(&self, card_id: i64, except_uid_prefix: &str) -> Result<Option<i64>> {
        let pattern = format!("{}%", super::escape_like(except_uid_prefix));
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT max(reviewed_at_ms) FROM review_log WHERE card_id = ?1 AND uid NOT LIKE ?2 ESCAPE '\\'",
            )?
            .query_row(params![card_id, pattern], |r| r.get(0))?)
    }

    /// Removes the log row `log_id` of card `card_id` (an answer undone).
    pub fn delete_log(&self, log_id: i64, card_id: i64) -> Result<()> {
        self.conn()
            .prepare_cached("DELETE FROM review_log WHERE id = ?1 AND card_id = ?2")?
            .execute(params![log_id, card_id])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::build::{Source, build};

    fn entry(card_id: i64) -> LogEntry {
        let before = Schedule::new_card(1);
        LogEntry {
            card_id,
            reviewed_at_ms: 1_000,
            rating: Rating::Hard,
            duration_ms: 2_500,
            kind: ReviewKind::Learning,
            elapsed_days: 0,
            after: Schedule {
                reps: 1,
                ..before.clone()
            },
            before,
        }
    }

    #[test]
    fn entries_are_added_once_per_uid_and_deleted_by_id_and_card() {
        let mut store = Store::open_in_memory().unwrap();
        let source = Source {
            label: "d.deck".into(),
            key: "d".into(),
            bytes: b"# D\n## x\nq: x?\na: 1\n".to_vec(),
        };
        build(&mut store, &[source]).unwrap();
        let id = crate::ids::card_id("d", "x", "basic", 0);
        let tx = store.begin().unwrap();
        let first = tx.insert_log(&entry(id)).unwrap();
        let second = tx.insert_log(&entry(id)).unwrap();
        assert_ne!(first, second, "each answer gets its own uid");
        let at = |ms: i64| LogEntry {
            reviewed_at_ms: entry(id).reviewed_at_ms + ms,
            ..entry(id)
        };
        assert!(
            !tx.insert_log_if_new("anki-0", &entry(id)).unwrap(),
            "an answer of that card at that instant is logged (under another uid)"
        );
        assert!(
            !tx.insert_log_if_new("anki-m", &at(3)).unwrap(),
            "an answer given here, moved by an export's few milliseconds, is known"
        );
        let later = at(1000);
        assert!(tx.insert_log_if_new("anki-1", &later).unwrap());
        assert!(!tx.insert_log_if_new("anki-1", &later).unwrap());
        tx.delete_log(first, id + 1).unwrap();
        tx.commit().unwrap();
        assert_eq!(store.log_len().unwrap(), 3, "not another card's row");
        let (rating, duration, kind): (u8, i64, i64) = store
            .conn()
            .query_row(
                "SELECT rating, duration_ms, kind FROM review_log WHERE uid = 'anki-1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((rating, duration, kind), (2, 2_500, 0));
        let tx = store.begin().unwrap();
        tx.delete_log(first, id).unwrap();
        tx.commit().unwrap();
        assert_eq!(store.log_len().unwrap(), 2);
        assert_eq!(store.last_answered().unwrap(), Some((1, id)));
    }
}
