//! The `undo` table: the changes of the card commands that `iskra undo` can
//! take back, newest last, and the changes it cannot take back (a deck
//! deleted), recorded so that undo stops there instead of reaching past
//! them. One row mapper ([`UndoStep`]), one insert ([`Tx::push_undo`] for a
//! change of cards, [`Tx::push_undo_barrier`] for a change undo cannot take
//! back; both drop the oldest steps beyond a limit).
//!
//! A barrier is the row with no cards (a change of cards always has one):
//! `cards` and `log_ids` are `[]`, and `action` holds the command, then,
//! after a line break, the backup made before it, if any.
//!
//! No step names a card that is not in the collection: a deck deleted takes
//! its cards out of every step ([`Tx::drop_cards_from_undo`]), and a step
//! left with no card goes.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};

use super::Tx;
use super::card_changes::CardSnapshot;
use crate::error::{Error, Result};

/// A card a step changed, as it was before and after.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UndoCard {
    pub id: i64,
    pub before: CardSnapshot,
    pub after: CardSnapshot,
}

/// Undo steps kept (Anki keeps 30 steps of undo).
pub const UNDO_STEPS: usize = 30;

/// One change that can be undone, or a barrier.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoStep {
    pub id: i64,
    /// The command, as shown (`suspend`, `flag 3`, `deck delete drafts`).
    pub action: String,
    pub made_at_ms: i64,
    /// The cards changed; none for a barrier.
    pub cards: Vec<UndoCard>,
    /// Review-log rows the change added.
    pub log_ids: Vec<i64>,
    /// Set when the change is one undo cannot take back.
    pub barrier: Option<Barrier>,
}

/// A change `iskra undo` cannot take back (`deck delete`).
#[derive(Debug, Clone, PartialEq)]
pub struct Barrier {
    /// The backup made just before the change (its path), if one was.
    pub backup: Option<String>,
}

fn json_error(e: serde_json::Error) -> Error {
    Error::Internal(format!("an undo step does not read back: {e}"))
}

impl Tx<'_> {
    /// Records a change as the newest undo step, keeping at most `keep`
    /// steps (the oldest go); returns its id. The one `INSERT INTO undo`.
    pub fn push_undo(
        &self,
        action: &str,
        made_at_ms: i64,
        cards: &[UndoCard],
        log_ids: &[i64],
        keep: usize,
    ) -> Result<i64> {
        if cards.is_empty() {
            return Err(Error::Internal(format!(
                "an undo step of `{action}` with no cards (that is a barrier)"
            )));
        }
        let cards = serde_json::to_string(cards).map_err(json_error)?;
        let log_ids = serde_json::to_string(log_ids).map_err(json_error)?;
        self.insert_undo_row(action, made_at_ms, &cards, &log_ids, keep)
    }

    /// Records a change undo cannot take back (`action`, made after the
    /// backup `backup`) as the newest step, keeping at most `keep` steps;
    /// returns its id.
    pub fn push_undo_barrier(&self, action: &str, made_at_ms: i64, backup: Option<&str>, keep: usize) -> Result<i64> {
        let action = match backup {
            Some(backup) => format!("{action}\n{backup}"),
            None => action.to_string(),
        };
        self.insert_undo_row(&action, made_at_ms, "[]", "[]", keep)
    }

    /// The one `INSERT INTO undo`.
    fn insert_undo_row(&self, action: &str, made_at_ms: i64, cards: &str, log_ids: &str, keep: usize) -> Result<i64> {
        self.conn()
            .prepare_cached("INSERT INTO undo (action, made_at_ms, cards, log_ids) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![action, made_at_ms, cards, log_ids])?;
        let id = self.conn().last_insert_rowid();
        self.conn()
            .prepare_cached("DELETE FROM undo WHERE id <= ?1 - ?2")?
            .execute(params![id, keep as i64])?;
        Ok(id)
    }

    /// Takes the cards `gone` (about to be deleted, with their log rows) out
    /// of every undo step, with the log rows of theirs a step added; a step
    /// left with no card goes. Before the cards' log rows are deleted.
    pub(crate) fn drop_cards_from_undo(&self, gone: &HashSet<i64>) -> Result<()> {
        if gone.is_empty() {
            return Ok(());
        }
        let rows = self
            .conn()
            .prepare_cached("SELECT id, cards, log_ids FROM undo WHERE cards != '[]' ORDER BY id")?
            .query_map([], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (id, cards, log_ids) in rows {
            let cards: Vec<UndoCard> = serde_json::from_str(&cards).map_err(json_error)?;
            if !cards.iter().any(|c| gone.contains(&c.id)) {
                continue;
            }
            let kept: Vec<UndoCard> = cards.into_iter().filter(|c| !gone.contains(&c.id)).collect();
            if kept.is_empty() {
                self.delete_undo(id)?;
                continue;
            }
            let mut logs = Vec::new();
            for log_id in serde_json::from_str::<Vec<i64>>(&log_ids).map_err(json_error)? {
                let card: Option<i64> = self
                    .conn()
                    .prepare_cached("SELECT card_id FROM review_log WHERE id = ?1")?
                    .query_row([log_id], |r| r.get(0))
                    .optional()?;
                if !card.is_some_and(|card| gone.contains(&card)) {
                    logs.push(log_id);
                }
            }
            let kept = serde_json::to_string(&kept).map_err(json_error)?;
            let logs = serde_json::to_string(&logs).map_err(json_error)?;
            self.conn()
                .prepare_cached("UPDATE undo SET cards = ?2, log_ids = ?3 WHERE id = ?1")?
                .execute(params![id, kept, logs])?;
        }
        Ok(())
    }

    /// The newest undo step, if any.
    pub fn last_undo(&self) -> Result<Option<UndoStep>> {
        let row = self
            .conn()
            .prepare_cached("SELECT id, action, made_at_ms, cards, log_ids FROM undo ORDER BY id DESC LIMIT 1")?
            .query_row([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .optional()?;
        let Some((id, action, made_at_ms, cards, log_ids)) = row else {
            return Ok(None);
        };
        let cards: Vec<UndoCard> = serde_json::from_str(&cards).map_err(json_error)?;
        let (action, barrier) = if cards.is_empty() {
            let (action, backup) = match action.split_once('\n') {
                Some((action, backup)) => (action.to_string(), Some(backup.to_string())),
                None => (action, None),
            };
            (action, Some(Barrier { backup }))
        } else {
            (action, None)
        };
        Ok(Some(UndoStep {
            id,
            action,
            made_at_ms,
            cards,
            log_ids: serde_json::from_str(&log_ids).map_err(json_error)?,
            barrier,
        }))
    }

    /// Removes an undo step (it was undone).
    pub fn delete_undo(&self, id: i64) -> Result<()> {
        self.conn()
            .prepare_cached("DELETE FROM undo WHERE id = ?1")?
            .execute([id])?;
        Ok(())
    }

    /// Removes a review-log row a change added (its undo).
    pub fn delete_log_row(&self, log_id: i64) -> Result<()> {
        self.conn()
            .prepare_cached("DELETE FROM review_log WHERE id = ?1")?
            .execute([log_id])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::cards::StoredSchedule;

    fn snapshot(flag: u8) -> CardSnapshot {
        CardSnapshot {
            schedule: StoredSchedule {
                state: 0,
                remaining_steps: 0,
                stability: None,
                difficulty: None,
                interval: 0,
                due: 1,
                last_review_day: None,
                reps: 0,
                lapses: 0,
            },
            queue: 0,
            buried_day: None,
            flag,
            leech: false,
            retired: false,
        }
    }

    #[test]
    fn steps_come_back_newest_first_and_only_the_newest_are_kept() {
        let mut store = Store::open_in_memory().unwrap();
        let tx = store.begin().unwrap();
        assert_eq!(tx.last_undo().unwrap(), None);
        for n in 1..=4u8 {
            let mut before = snapshot(0);
            // Read back to the last bit (a value float parsing may round).
            before.schedule.stability = Some(2.1110000610351563);
            before.schedule.difficulty = Some(0.1 + 0.2);
            let card = UndoCard {
                id: i64::from(n),
                before,
                after: snapshot(n),
            };
            tx.push_undo(
                &format!("flag {n}"),
                1000 + i64::from(n),
                &[card],
                &[i64::from(n) * 10],
                3,
            )
            .unwrap();
        }
        let last = tx.last_undo().unwrap().unwrap();
        assert_eq!(
            (last.action.as_str(), last.made_at_ms, last.log_ids.as_slice()),
            ("flag 4", 1004, &[40][..])
        );
        assert_eq!(last.cards[0].after, snapshot(4));
        assert_eq!(last.cards[0].before.schedule.stability, Some(2.1110000610351563));
        assert_eq!(last.cards[0].before.schedule.difficulty, Some(0.1 + 0.2));
        let count: i64 = tx
            .conn()
            .query_row("SELECT count(*) FROM undo", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 3, "the oldest step went");
        tx.delete_undo(last.id).unwrap();
        assert_eq!(tx.last_undo().unwrap().unwrap().action, "flag 3");
    }

    #[test]
    fn a_barrier_reads_back_as_one_and_a_step_of_cards_always_has_cards() {
        let mut store = Store::open_in_memory().unwrap();
        let tx = store.begin().unwrap();
        assert!(tx.push_undo("flag 1", 1, &[], &[], 3).is_err());
        tx.push_undo_barrier(
            "deck delete a",
            2,
            Some("/b/c-20261207-090000-before-deck-delete.sqlite3"),
            3,
        )
        .unwrap();
        let step = tx.last_undo().unwrap().unwrap();
        assert_eq!(
            (step.action.as_str(), step.made_at_ms, step.cards.len()),
            ("deck delete a", 2, 0)
        );
        assert_eq!(
            step.barrier,
            Some(Barrier {
                backup: Some("/b/c-20261207-090000-before-deck-delete.sqlite3".into())
            })
        );
        tx.push_undo_barrier("deck delete b", 3, None, 3).unwrap();
        let step = tx.last_undo().unwrap().unwrap();
        assert_eq!(step.action, "deck delete b");
        assert_eq!(step.barrier, Some(Barrier { backup: None }));
    }
}
