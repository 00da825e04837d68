//! The review log as sync sees it: rows by uid (added through the log's
//! one insert, rewritten when a replay grades an answer again, removed when
//! an answer is taken back) and the history that predates sync, read in
//! row order for the folder.

use rusqlite::{OptionalExtension, Row, params};

use super::super::Tx;
use super::super::cards::due_value;
use super::super::review_log::{LogEntry, ManualEntry, Row as LogRow, insert};
use super::identities::CardIdentity;
use crate::card::{CardState, Due, Rating, ReviewKind, Schedule};
use crate::error::{Error, Result};

/// A log row's values (its card aside). Of the schedules only what the log
/// keeps counts: state, due, memory and interval.
#[derive(Debug, Clone)]
pub struct LogValues {
    pub at_ms: i64,
    /// 1-4; 0 for a manual entry (kind manual).
    pub rating: u8,
    pub duration_ms: i64,
    pub kind: ReviewKind,
    pub elapsed_days: u32,
    pub before: Schedule,
    pub after: Schedule,
}

/// What the log keeps of a schedule.
fn logged(s: &Schedule) -> (CardState, i64, Option<(f32, f32)>, u32) {
    (
        s.state,
        due_value(s.due),
        s.memory.map(|m| (m.stability, m.difficulty)),
        s.interval,
    )
}

impl PartialEq for LogValues {
    fn eq(&self, other: &Self) -> bool {
        (self.at_ms, self.rating, self.duration_ms, self.kind, self.elapsed_days)
            == (
                other.at_ms,
                other.rating,
                other.duration_ms,
                other.kind,
                other.elapsed_days,
            )
            && logged(&self.before) == logged(&other.before)
            && logged(&self.after) == logged(&other.after)
    }
}

/// A row of the history that predates sync, with its card's identity.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    pub log_id: i64,
    pub uid: String,
    pub card_id: i64,
    pub identity: CardIdentity,
    pub values: LogValues,
}

/// A schedule as the log holds it (the rest zero).
fn schedule_of(state: i64, due: i64, stability: Option<f64>, difficulty: Option<f64>, interval: u32) -> Schedule {
    let state = CardState::from_i64(state);
    Schedule {
        state,
        remaining_steps: 0,
        memory: match (stability, difficulty) {
            (Some(s), Some(d)) => Some(fsrs::MemoryState {
                stability: s as f32,
                difficulty: d as f32,
            }),
            _ => None,
        },
        interval,
        due: match state {
            CardState::New => Due::New(due),
            CardState::Learning | CardState::Relearning => Due::At(due),
            CardState::Review => Due::Day(due),
        },
        last_review_day: None,
        reps: 0,
        lapses: 0,
    }
}

/// An answer's log values as the log's entry.
fn answer_entry(card_id: i64, values: &LogValues) -> Result<LogEntry> {
    let rating =
        Rating::from_number(values.rating).ok_or_else(|| Error::Internal(format!("log rating {}", values.rating)))?;
    Ok(LogEntry {
        card_id,
        reviewed_at_ms: values.at_ms,
        rating,
        duration_ms: values.duration_ms,
        kind: values.kind,
        elapsed_days: values.elapsed_days,
        before: values.before.clone(),
        after: values.after.clone(),
    })
}

const VALUES: &str = "reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
    state_before, due_before, stability_before, difficulty_before, interval_before,
    state_after, due_after, stability_after, difficulty_after, interval_after";

/// Reads [`VALUES`] starting at column `at`.
fn values_from_row(r: &Row, at: usize) -> rusqlite::Result<LogValues> {
    Ok(LogValues {
        at_ms: r.get(at)?,
        rating: r.get(at + 1)?,
        duration_ms: r.get(at + 2)?,
        kind: ReviewKind::from_i64(r.get(at + 3)?),
        elapsed_days: r.get(at + 4)?,
        before: schedule_of(
            r.get(at + 5)?,
            r.get(at + 6)?,
            r.get(at + 7)?,
            r.get(at + 8)?,
            r.get(at + 9)?,
        ),
        after: schedule_of(
            r.get(at + 10)?,
            r.get(at + 11)?,
            r.get(at + 12)?,
            r.get(at + 13)?,
            r.get(at + 14)?,
        ),
    })
}

impl Tx<'_> {
    /// The uid of log row `log_id`.
    pub fn log_uid(&self, log_id: i64) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT uid FROM review_log WHERE id = ?1")?
            .query_row([log_id], |r| r.get(0))
            .optional()?)
    }

    /// The log row with this uid: its card and values.
    pub fn log_by_uid(&self, uid: &str) -> Result<Option<(i64, LogValues)>> {
        Ok(self
            .conn()
            .prepare_cached(&format!("SELECT card_id, {VALUES} FROM review_log WHERE uid = ?1"))?
            .query_row([uid], |r| Ok((r.get(0)?, values_from_row(r, 1)?)))
            .optional()?)
    }

    /// Adds the history row `uid` of card `card_id` unless a row has that
    /// uid; true when added.
    pub fn add_history(&self, uid: &str, card_id: i64, values: &LogValues) -> Result<bool> {
        let added = if values.rating == 0 {
            let entry = ManualEntry {
                card_id,
                at_ms: values.at_ms,
                before: values.before.clone(),
                after: values.after.clone(),
            };
            insert(self.conn(), uid, (&entry).into(), true)?
        } else {
            insert(self.conn(), uid, (&answer_entry(card_id, values)?).into(), true)?
        };
        Ok(added == 1)
    }

    /// Writes the log row `uid` of card `card_id`: added (through the
    /// log's one insert) if missing, rewritten if its values differ.
    pub fn put_log(&self, uid: &str, card_id: i64, values: &LogValues) -> Result<()> {
        match self.log_by_uid(uid)? {
            Some((card, ref stored)) if card == card_id && stored == values => Ok(()),
            Some(_) => self.rewrite_log(uid, card_id, values),
            None => {
                let conn = self.conn();
                if values.rating == 0 {
                    let entry = ManualEntry {
                        card_id,
                        at_ms: values.at_ms,
                        before: values.before.clone(),
                        after: values.after.clone(),
                    };
                    insert(conn, uid, (&entry).into(), true)?;
                } else {
                    insert(conn, uid, (&answer_entry(card_id, values)?).into(), true)?;
                }
                Ok(())
            }
        }
    }

    fn rewrite_log(&self, uid: &str, card_id: i64, v: &LogValues) -> Result<()> {
        let row = LogRow {
            card_id,
            at_ms: v.at_ms,
            rating: v.rating,
            duration_ms: v.duration_ms,
            kind: v.kind,
            elapsed_days: v.elapsed_days,
            before: &v.before,
            after: &v.after,
        };
        let mut statement = self.conn().prepare_cached(
            "UPDATE review_log SET card_id = ?2, reviewed_at_ms = ?3, rating = ?4, duration_ms = ?5, kind = ?6,
               elapsed_days = ?7, state_before = ?8, due_before = ?9, stability_before = ?10,
               difficulty_before = ?11, interval_before = ?12, state_after = ?13, due_after = ?14,
               stability_after = ?15, difficulty_after = ?16, interval_after = ?17
             WHERE uid = ?1",
        )?;
        row.execute(&mut statement, uid)?;
        Ok(())
    }

    /// Removes the log row with this uid (an answer taken back); true when removed.
    pub fn delete_log_uid(&self, uid: &str) -> Result<bool> {
        Ok(self
            .conn()
            .prepare_cached("DELETE FROM review_log WHERE uid = ?1")?
            .execute([uid])?
            == 1)
    }

    /// The highest log row id (0: none).
    pub fn max_log_id(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT coalesce(max(id), 0) FROM review_log", [], |r| r.get(0))?)
    }

    /// Log rows with ids in `after+1 ..= upto`, in row order, at most `limit`.
    pub fn history_rows(&self, after: i64, upto: i64, limit: usize) -> Result<Vec<HistoryRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT l.id, l.uid, l.card_id, d.key, f.key, c.template, {VALUES}
             FROM review_log l JOIN cards c ON c.id = l.card_id JOIN facts f ON f.id = c.fact_id
             JOIN decks d ON d.id = f.deck_id
             WHERE l.id > ?1 AND l.id <= ?2 ORDER BY l.id LIMIT ?3"
        ))?;
        let rows = stmt
            .query_map(params![after, upto, limit as i64], |r| {
                Ok(HistoryRow {
                    log_id: r.get(0)?,
                    uid: r.get(1)?,
                    card_id: r.get(2)?,
                    identity: CardIdentity {
                        deck: r.get(3)?,
                        fact: r.get(4)?,
                        template: r.get(5)?,
                    },
                    values: values_from_row(r, 6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
