//! The `undo` table: the changes of the card commands that `iskra undo` can
//! take back, newest last. One row mapper ([`UndoStep`]), one insert
//! ([`Tx::push_undo`], which also drops the oldest steps beyond a limit).

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

/// One change that can be undone.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoStep {
    pub id: i64,
    /// The command, as shown (`suspend`, `flag 3`).
    pub action: String,
    pub made_at_ms: i64,
    pub cards: Vec<UndoCard>,
    /// Review-log rows the change added.
    pub log_ids: Vec<i64>,
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
        let cards = serde_json::to_string(cards).map_err(json_error)?;
        let log_ids = serde_json::to_string(log_ids).map_err(json_error)?;
        self.conn()
            .prepare_cached("INSERT INTO undo (action, made_at_ms, cards, log_ids) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![action, made_at_ms, cards, log_ids])?;
        let id = self.conn().last_insert_rowid();
        self.conn()
            .prepare_cached("DELETE FROM undo WHERE id <= ?1 - ?2")?
            .execute(params![id, keep as i64])?;
        Ok(id)
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
        Ok(Some(UndoStep {
            id,
            action,
            made_at_ms,
            cards: serde_json::from_str(&cards).map_err(json_error)?,
            log_ids: serde_json::from_str(&log_ids).map_err(json_error)?,
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
}
