//! The `sync_devices` and `sync_chunks` tables: this collection's device
//! (the one row with `local = 1`) and every other whose chunks were read,
//! and each chunk read or written, by its file name. Also the folder the
//! collection syncs with: the `sync-dir` and `sync-shared` rows of the
//! settings table.

use std::collections::HashSet;
use std::path::PathBuf;

use rusqlite::{Connection, OptionalExtension, params};

use super::super::settings::{read_value, write_value};
use super::super::{Store, Tx};
use crate::error::{Error, Result};

/// The settings row holding the folder (a JSON string, or null).
const SYNC_DIR_KEY: &str = "sync-dir";
/// The settings row holding the shared settings as the last sync left them.
const SHARED_KEY: &str = "sync-shared";

/// This collection as a device of the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDevice {
    /// Its row id (what events and chunks name).
    pub id: i64,
    /// Its id in the folder: 32 hex digits.
    pub device: String,
    /// The host and collection file it was made for.
    pub home: String,
    /// Review-log rows up to this id predate sync …
    pub history_upto: i64,
    /// … and those up to this id are written to its chunks.
    pub history_done: i64,
}

/// A device as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    pub id: i64,
    pub device: String,
    pub local: bool,
}

/// A chunk read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkRow {
    pub device: i64,
    pub name: String,
    pub seq: i64,
    pub checksum: String,
    pub events: i64,
    pub created_ms: i64,
}

/// What `sync --status` says of a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSummary {
    pub device: String,
    pub local: bool,
    pub chunks: i64,
    pub events: i64,
    /// When its newest chunk was written (its clock).
    pub last_chunk_ms: Option<i64>,
}

fn sync_dir(conn: &Connection) -> Result<Option<PathBuf>> {
    match read_value(conn, SYNC_DIR_KEY)? {
        None => Ok(None),
        Some(json) => serde_json::from_str::<Option<PathBuf>>(&json)
            .map_err(|e| Error::Usage(format!("the collection's sync-dir setting is unreadable ({e})"))),
    }
}

fn local_device(conn: &Connection) -> Result<Option<LocalDevice>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, device, coalesce(home, ''), coalesce(history_upto, 0), coalesce(history_done, 0)
             FROM sync_devices WHERE local = 1",
        )?
        .query_row([], |r| {
            Ok(LocalDevice {
                id: r.get(0)?,
                device: r.get(1)?,
                home: r.get(2)?,
                history_upto: r.get(3)?,
                history_done: r.get(4)?,
            })
        })
        .optional()?)
}

fn device_summaries(conn: &Connection) -> Result<Vec<DeviceSummary>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.device, d.local, count(c.name), coalesce(sum(c.events), 0), max(c.created_ms)
         FROM sync_devices d LEFT JOIN sync_chunks c ON c.device = d.id
         GROUP BY d.id ORDER BY d.local DESC, d.device",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(DeviceSummary {
                device: r.get(0)?,
                local: r.get(1)?,
                chunks: r.get(2)?,
                events: r.get(3)?,
                last_chunk_ms: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

impl Store {
    /// The folder this collection syncs with, if any.
    pub fn sync_dir(&self) -> Result<Option<PathBuf>> {
        sync_dir(self.conn())
    }

    /// This collection's device, once it has synced.
    pub fn local_device(&self) -> Result<Option<LocalDevice>> {
        local_device(self.conn())
    }

    /// The chunks read or written, by device id: their file names.
    pub fn chunks_read(&self) -> Result<std::collections::HashMap<String, HashSet<String>>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT d.device, c.name FROM sync_chunks c JOIN sync_devices d ON d.id = c.device")?;
        let mut read: std::collections::HashMap<String, HashSet<String>> = std::collections::HashMap::new();
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (device, name) = row?;
            read.entry(device).or_default().insert(name);
        }
        Ok(read)
    }

    /// Every device, this one first, with its chunks.
    pub fn device_summaries(&self) -> Result<Vec<DeviceSummary>> {
        device_summaries(self.conn())
    }

    /// Events made here and not yet written to the folder (history that
    /// predates sync included).
    pub fn unwritten_count(&self) -> Result<i64> {
        let events: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM sync_events WHERE chunk IS NULL", [], |r| r.get(0))?;
        let history = match local_device(self.conn())? {
            Some(local) => self.conn().query_row(
                "SELECT count(*) FROM review_log WHERE id > ?1 AND id <= ?2",
                [local.history_done, local.history_upto],
                |r| r.get(0),
            )?,
            None => 0,
        };
        Ok(events + history)
    }
}

impl Tx<'_> {
    pub fn sync_dir(&self) -> Result<Option<PathBuf>> {
        sync_dir(self.conn())
    }

    /// Sets (or, with `None`, forgets) the folder this collection syncs with.
    pub fn set_sync_dir(&self, dir: Option<&std::path::Path>) -> Result<()> {
        let json = serde_json::to_string(&dir).map_err(|e| Error::Internal(e.to_string()))?;
        write_value(self.conn(), SYNC_DIR_KEY, &json)
    }

    /// The shared settings as the last sync left them (JSON), if it left any.
    pub fn synced_settings(&self) -> Result<Option<String>> {
        read_value(self.conn(), SHARED_KEY)
    }

    pub fn set_synced_settings(&self, json: &str) -> Result<()> {
        write_value(self.conn(), SHARED_KEY, json)
    }

    pub fn local_device(&self) -> Result<Option<LocalDevice>> {
        local_device(self.conn())
    }

    /// Makes `device` this collection's device (any earlier one becomes
    /// another device of the folder); the review log up to
    /// `history_upto` predates it.
    pub fn create_local_device(&self, device: &str, home: &str, history_upto: i64) -> Result<LocalDevice> {
        let conn = self.conn();
        conn.execute("UPDATE sync_devices SET local = 0, home = NULL WHERE local = 1", [])?;
        conn.execute(
            "INSERT INTO sync_devices (device, local, home, history_upto, history_done) VALUES (?1, 1, ?2, ?3, 0)
             ON CONFLICT (device) DO UPDATE SET local = 1, home = ?2, history_upto = ?3, history_done = 0",
            params![device, home, history_upto],
        )?;
        local_device(conn)?.ok_or_else(|| Error::Internal("the new device was not stored".into()))
    }

    /// Starts writing this device's history again from the beginning (a new folder).
    pub fn restart_history(&self, id: i64) -> Result<()> {
        self.conn()
            .execute("UPDATE sync_devices SET history_done = 0 WHERE id = ?1", [id])?;
        Ok(())
    }

    /// The row id of a device, added if new.
    pub fn device_id(&self, device: &str) -> Result<i64> {
        let conn = self.conn();
        conn.prepare_cached("INSERT OR IGNORE INTO sync_devices (device) VALUES (?1)")?
            .execute([device])?;
        Ok(conn
            .prepare_cached("SELECT id FROM sync_devices WHERE device = ?1")?
            .query_row([device], |r| r.get(0))?)
    }

    /// Every device, by row id.
    pub fn devices(&self) -> Result<Vec<DeviceRow>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, device, local FROM sync_devices ORDER BY id")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(DeviceRow {
                    id: r.get(0)?,
                    device: r.get(1)?,
                    local: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Records that this device's history is written up to log row `upto`.
    pub fn set_history_done(&self, id: i64, upto: i64) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE sync_devices SET history_done = ?2 WHERE id = ?1")?
            .execute(params![id, upto])?;
        Ok(())
    }

    /// The names of the chunks of a device read or written here.
    pub fn chunk_names(&self, device: i64) -> Result<HashSet<String>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT name FROM sync_chunks WHERE device = ?1")?;
        let names = stmt
            .query_map([device], |r| r.get(0))?
            .collect::<rusqlite::Result<HashSet<String>>>()?;
        Ok(names)
    }

    /// The highest sequence number of a device's chunks known here (0: none).
    pub fn max_seq(&self, device: i64) -> Result<i64> {
        Ok(self.conn().query_row(
            "SELECT coalesce(max(seq), 0) FROM sync_chunks WHERE device = ?1",
            [device],
            |r| r.get(0),
        )?)
    }

    /// Records a chunk read or written.
    pub fn record_chunk(&self, chunk: &ChunkRow) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT OR REPLACE INTO sync_chunks (device, name, seq, checksum, events, created_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                chunk.device,
                chunk.name,
                chunk.seq,
                chunk.checksum,
                chunk.events,
                chunk.created_ms
            ])?;
        self.conn()
            .prepare_cached(
                "UPDATE sync_devices SET last_chunk_ms = max(coalesce(last_chunk_ms, 0), ?2) WHERE id = ?1",
            )?
            .execute(params![chunk.device, chunk.created_ms])?;
        Ok(())
    }

    /// Forgets every chunk read or written (syncing with another folder).
    pub fn forget_chunks(&self) -> Result<()> {
        self.conn().execute("DELETE FROM sync_chunks", [])?;
        self.conn().execute(
            "UPDATE sync_events SET chunk = NULL WHERE device IN (SELECT id FROM sync_devices WHERE local = 1)",
            [],
        )?;
        Ok(())
    }
}
