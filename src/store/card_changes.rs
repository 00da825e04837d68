//! What the card commands (`suspend`, `forget`, `flag`, …), their undo and
//! leeches change on a card: a [`CardSnapshot`] of every column they may
//! change, read and written whole, so a command is a change of snapshot and
//! its undo writes the snapshot back. The `cards` table's other writes are
//! in `cards.rs`.

use rusqlite::{OptionalExtension, params};

use super::Tx;
use super::cards::StoredSchedule;
use crate::clock::DayNumber;
use crate::error::Result;

/// The columns of a card the card commands change, as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CardSnapshot {
    pub schedule: StoredSchedule,
    /// 0 new, 1 learning, 2 review, -1 suspended, -2 buried.
    pub queue: i64,
    pub buried_day: Option<DayNumber>,
    /// 0-7 (Anki's flag colours; 0 none).
    pub flag: u8,
    pub leech: bool,
    /// Its fact or template left the deck file (never written from a
    /// snapshot: `build` decides it).
    pub retired: bool,
}

impl Tx<'_> {
    /// A card's snapshot, if the card exists.
    pub fn card_snapshot(&self, card_id: i64) -> Result<Option<CardSnapshot>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT state, remaining_steps, stability, difficulty, interval, due, last_review_day, reps, lapses,
                        queue, buried_day, flag, leech, retired
                 FROM cards WHERE id = ?1",
            )?
            .query_row([card_id], |r| {
                Ok(CardSnapshot {
                    schedule: StoredSchedule {
                        state: r.get(0)?,
                        remaining_steps: r.get(1)?,
                        stability: r.get(2)?,
                        difficulty: r.get(3)?,
                        interval: r.get(4)?,
                        due: r.get(5)?,
                        last_review_day: r.get(6)?,
                        reps: r.get(7)?,
                        lapses: r.get(8)?,
                    },
                    queue: r.get(9)?,
                    buried_day: r.get(10)?,
                    flag: r.get(11)?,
                    leech: r.get(12)?,
                    retired: r.get(13)?,
                })
            })
            .optional()?)
    }

    /// Writes a card's snapshot (all but `retired`).
    pub fn write_card_snapshot(&self, card_id: i64, snapshot: &CardSnapshot) -> Result<()> {
        let s = &snapshot.schedule;
        self.conn()
            .prepare_cached(
                "UPDATE cards SET state = ?2, remaining_steps = ?3, stability = ?4, difficulty = ?5, interval = ?6,
                   due = ?7, last_review_day = ?8, reps = ?9, lapses = ?10, queue = ?11, buried_day = ?12,
                   flag = ?13, leech = ?14
                 WHERE id = ?1",
            )?
            .execute(params![
                card_id,
                s.state,
                s.remaining_steps,
                s.stability,
                s.difficulty,
                s.interval,
                s.due,
                s.last_review_day,
                s.reps,
                s.lapses,
                snapshot.queue,
                snapshot.buried_day,
                snapshot.flag,
                snapshot.leech,
            ])?;
        Ok(())
    }

    /// Marks a card a leech (or no longer one).
    pub fn set_leech(&self, card_id: i64, leech: bool) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE cards SET leech = ?2 WHERE id = ?1")?
            .execute(params![card_id, leech])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::build::{Source, build};
    use crate::store::Store;

    #[test]
    fn a_snapshot_written_back_is_read_back_the_same() {
        let mut store = Store::open_in_memory().unwrap();
        let source = Source {
            label: "d.deck".into(),
            key: "d".into(),
            bytes: b"# D\n## x\nq: x?\na: 1\n".to_vec(),
        };
        build(&mut store, &[source]).unwrap();
        let id = crate::ids::card_id("d", "x", "basic", 0);
        let tx = store.begin().unwrap();
        let before = tx.card_snapshot(id).unwrap().unwrap();
        assert_eq!(
            (before.queue, before.flag, before.leech, before.retired),
            (0, 0, false, false)
        );
        let after = CardSnapshot {
            schedule: StoredSchedule {
                state: 2,
                remaining_steps: 0,
                // Not representable in single precision: kept as stored.
                stability: Some(12.345_678_901_234),
                difficulty: Some(5.25),
                interval: 9,
                due: 20_500,
                last_review_day: Some(20_491),
                reps: 4,
                lapses: 1,
            },
            queue: -2,
            buried_day: Some(20_495),
            flag: 7,
            leech: true,
            retired: false,
        };
        tx.write_card_snapshot(id, &after).unwrap();
        assert_eq!(tx.card_snapshot(id).unwrap().unwrap(), after);
        tx.set_leech(id, false).unwrap();
        assert!(!tx.card_snapshot(id).unwrap().unwrap().leech);
        assert_eq!(tx.card_snapshot(2).unwrap(), None);
        let card = tx.card(id).unwrap().unwrap();
        assert_eq!(card.schedule, after.schedule.schedule());
    }
}
