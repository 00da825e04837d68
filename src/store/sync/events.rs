//! The `sync_events` table — every event that changes a card or a setting,
//! made here or read from the folder, added once per uid — and
//! `sync_configs`, the grading settings answers name by hash. One row
//! mapper ([`EventRow`]), one insert each.

use rusqlite::{OptionalExtension, Row, params};

use super::super::Tx;
use crate::error::Result;

/// An event as stored: its identity and order, and the rest as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub uid: String,
    /// The device that made it (row id).
    pub device: i64,
    /// The sequence number of the chunk it travels in; `None`: made here
    /// and not yet written.
    pub chunk: Option<i64>,
    pub at_ms: i64,
    /// The card identity it names (row id of `sync_cards`), if any.
    pub card: Option<i64>,
    /// Its type, as the chunk names it (`answer`, `suspend`…).
    pub kind: String,
    /// An undo's uid taken back, a setting's key.
    pub target: Option<String>,
    pub body: String,
}

const COLUMNS: &str = "uid, device, chunk, at_ms, card, type, target, body";
/// [`COLUMNS`] of `sync_events e` in a join.
const COLUMNS_OF_E: &str = "e.uid, e.device, e.chunk, e.at_ms, e.card, e.type, e.target, e.body";

fn event_from_row(r: &Row) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        uid: r.get(0)?,
        device: r.get(1)?,
        chunk: r.get(2)?,
        at_ms: r.get(3)?,
        card: r.get(4)?,
        kind: r.get(5)?,
        target: r.get(6)?,
        body: r.get(7)?,
    })
}

impl Tx<'_> {
    /// Adds an event unless one with its uid is stored; true when added.
    /// The one `INSERT INTO sync_events`.
    pub fn insert_event(&self, event: &EventRow) -> Result<bool> {
        let added = self
            .conn()
            .prepare_cached(&format!(
                "INSERT OR IGNORE INTO sync_events ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
            ))?
            .execute(params![
                event.uid,
                event.device,
                event.chunk,
                event.at_ms,
                event.card,
                event.kind,
                event.target,
                event.body
            ])?;
        Ok(added == 1)
    }

    /// Whether an event with this uid is stored: `Some(chunk)` if so.
    pub fn event_chunk(&self, uid: &str) -> Result<Option<Option<i64>>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT chunk FROM sync_events WHERE uid = ?1")?
            .query_row([uid], |r| r.get(0))
            .optional()?)
    }

    /// The card identity an event names, if the event is stored.
    pub fn event_card(&self, uid: &str) -> Result<Option<Option<i64>>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT card FROM sync_events WHERE uid = ?1")?
            .query_row([uid], |r| r.get(0))
            .optional()?)
    }

    /// Removes an event never written to the folder (undone before any
    /// other device could see it); true when removed.
    pub fn delete_unwritten_event(&self, uid: &str) -> Result<bool> {
        let removed = self
            .conn()
            .prepare_cached("DELETE FROM sync_events WHERE uid = ?1 AND chunk IS NULL")?
            .execute([uid])?;
        Ok(removed == 1)
    }

    /// The events naming card identity `card`, in replay order: time, then
    /// the device's id, then the order the device made them in (its chunks
    /// in sequence, those not yet written last; within a chunk, its order,
    /// which is the order of insertion here). The same on every device,
    /// and a device's own events at one instant keep the order they
    /// happened in.
    pub fn events_of_card(&self, card: i64) -> Result<Vec<EventRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {} FROM sync_events e JOIN sync_devices d ON d.id = e.device WHERE e.card = ?1
             ORDER BY e.at_ms, d.device, e.chunk IS NULL, e.chunk, e.id",
            COLUMNS_OF_E
        ))?;
        let rows = stmt
            .query_map([card], event_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The setting events of `key`, newest (by time, then uid) first: the
    /// one that decides the setting.
    pub fn newest_setting_event(&self, key: &str) -> Result<Option<EventRow>> {
        Ok(self
            .conn()
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM sync_events WHERE type = 'setting' AND target = ?1
                 ORDER BY at_ms DESC, uid DESC LIMIT 1"
            ))?
            .query_row([key], event_from_row)
            .optional()?)
    }

    /// Events made here and not yet written, oldest first, after row id
    /// `after`: at most `limit`, with their row ids.
    pub fn unwritten_events(&self, after: i64, limit: usize) -> Result<Vec<(i64, EventRow)>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT id, {COLUMNS} FROM sync_events WHERE chunk IS NULL AND id > ?1 ORDER BY id LIMIT ?2"
        ))?;
        let rows = stmt
            .query_map(params![after, limit as i64], |r| {
                let id: i64 = r.get(0)?;
                let event = EventRow {
                    uid: r.get(1)?,
                    device: r.get(2)?,
                    chunk: r.get(3)?,
                    at_ms: r.get(4)?,
                    card: r.get(5)?,
                    kind: r.get(6)?,
                    target: r.get(7)?,
                    body: r.get(8)?,
                };
                Ok((id, event))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Marks events (by row id) as written in chunk `seq`.
    pub fn mark_written(&self, ids: &[i64], seq: i64) -> Result<()> {
        let mut stmt = self
            .conn()
            .prepare_cached("UPDATE sync_events SET chunk = ?2 WHERE id = ?1")?;
        for id in ids {
            stmt.execute(params![id, seq])?;
        }
        Ok(())
    }

    /// Marks the event with this uid, made here, as written in chunk `seq`
    /// (found in a chunk of this device a killed sync wrote).
    pub fn mark_written_uid(&self, uid: &str, seq: i64) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE sync_events SET chunk = ?2 WHERE uid = ?1 AND chunk IS NULL")?
            .execute(params![uid, seq])?;
        Ok(())
    }

    /// Stores grading settings under their hash (once).
    pub fn insert_config(&self, hash: &str, json: &str) -> Result<()> {
        self.conn()
            .prepare_cached("INSERT OR IGNORE INTO sync_configs (hash, config) VALUES (?1, ?2)")?
            .execute(params![hash, json])?;
        Ok(())
    }

    /// The grading settings stored under `hash`, as JSON.
    pub fn config(&self, hash: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT config FROM sync_configs WHERE hash = ?1")?
            .query_row([hash], |r| r.get(0))
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn event(uid: &str, at_ms: i64, card: Option<i64>) -> EventRow {
        EventRow {
            uid: uid.into(),
            device: 1,
            chunk: None,
            at_ms,
            card,
            kind: "flag".into(),
            target: None,
            body: "{}".into(),
        }
    }

    #[test]
    fn events_are_stored_once_per_uid_and_read_in_replay_order() {
        let mut store = Store::open_in_memory().unwrap();
        let tx = store.begin().unwrap();
        let device = tx.device_id(&"a".repeat(32)).unwrap();
        tx.conn()
            .execute(
                "INSERT INTO sync_cards (deck_key, fact_key, template) VALUES ('d', 'f', 'basic')",
                [],
            )
            .unwrap();
        assert!(
            tx.insert_event(&EventRow {
                device,
                ..event("b", 20, Some(1))
            })
            .unwrap()
        );
        assert!(
            tx.insert_event(&EventRow {
                device,
                ..event("a", 20, Some(1))
            })
            .unwrap()
        );
        assert!(
            tx.insert_event(&EventRow {
                device,
                ..event("c", 10, Some(1))
            })
            .unwrap()
        );
        assert!(
            !tx.insert_event(&EventRow {
                device,
                ..event("c", 99, None)
            })
            .unwrap(),
            "a uid once"
        );
        let other = tx.device_id(&"0".repeat(32)).unwrap();
        tx.insert_event(&EventRow {
            device: other,
            chunk: Some(3),
            ..event("z", 20, Some(1))
        })
        .unwrap();
        let order: Vec<String> = tx.events_of_card(1).unwrap().into_iter().map(|e| e.uid).collect();
        assert_eq!(
            order,
            ["c", "z", "b", "a"],
            "time, then device, then the order each device made them in (not the uids)"
        );
        let unwritten = tx.unwritten_events(0, 2).unwrap();
        assert_eq!(unwritten.len(), 2);
        tx.mark_written(&[unwritten[0].0], 7).unwrap();
        assert_eq!(tx.event_chunk("b").unwrap(), Some(Some(7)));
        assert!(!tx.delete_unwritten_event("b").unwrap(), "a written event stays");
        assert!(tx.delete_unwritten_event("a").unwrap());
        assert_eq!(tx.event_chunk("a").unwrap(), None);
        tx.insert_config("00ff", "{}").unwrap();
        tx.insert_config("00ff", "{\"x\":1}").unwrap();
        assert_eq!(tx.config("00ff").unwrap().as_deref(), Some("{}"));
    }
}
