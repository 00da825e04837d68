//! Writing this device's files: its decks that have no file of their own,
//! then the events made here and not yet written (and, after a first sync,
//! the review log that predates it, as history), in chunks of at most
//! [`CHUNK_EVENTS`]. A chunk is written under a hidden name, synced and
//! renamed to the next sequence number (never over a file: a number taken
//! is skipped); only then are its events marked written, in a transaction.
//! Killed in between, the next sync finds the chunk, reads it as its own
//! and marks them: nothing is lost or written twice over.

use std::collections::BTreeSet;

use super::Report;
use super::chunk;
use super::event::{CardRef, Event, GradeConfig, What};
use super::folder::{DeviceFolder, Folder, chunk_name};
use super::record::log_event;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::store::sync::{ChunkRow, LocalDevice};
use crate::store::{Store, Tx};

/// Most events in one chunk written.
pub const CHUNK_EVENTS: usize = 20_000;

/// What one chunk holds, and how to mark it written.
enum Batch {
    /// Events made here, by row id.
    Events(Vec<i64>),
    /// History, up to this log row id.
    History(i64),
}

/// Writes this device's files.
pub fn run(
    store: &mut Store,
    folder: &Folder,
    devices: &[DeviceFolder],
    local: &LocalDevice,
    clock: &Clock,
    report: &mut Report,
    progress: &dyn Progress,
) -> Result<()> {
    folder.remove_leftovers(&local.device);
    super::decks::write_own(store, folder, local, report)?;
    let in_folder = devices
        .iter()
        .filter(|d| d.device == local.device)
        .flat_map(|d| d.chunks.iter().map(|c| c.seq))
        .max()
        .unwrap_or(0);
    let mut next = in_folder.max({
        let tx = store.begin()?;
        tx.max_seq(local.id)?
    }) + 1;
    // How many events are left to write is not known ahead.
    progress.start("events written", 0);
    loop {
        let tx = store.begin()?;
        let Some((events, batch)) = next_batch(&tx, local, clock.now_ms())? else {
            break;
        };
        // The chunk is a copy of what the transaction read: durable first.
        tx.make_snapshot_durable()?;
        let (bytes, checksum) = chunk::encode(&local.device, next, clock.now_ms(), &events)
            .map_err(|e| Error::Internal(format!("a chunk does not encode: {e}")))?;
        let name = chunk_name(next);
        let path = folder.device_dir(&local.device).join(&name);
        match folder.write_new(&path, &bytes) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                next += 1; // written meanwhile by a copy of this collection: read at the next sync
                continue;
            }
            Err(e) => return Err(Error::io(&path)(e)),
        }
        match &batch {
            Batch::Events(ids) => tx.mark_written(ids, next)?,
            Batch::History(upto) => tx.set_history_done(local.id, *upto)?,
        }
        tx.record_chunk(&ChunkRow {
            device: local.id,
            name: name.clone(),
            seq: next,
            checksum,
            events: events.len() as i64,
            created_ms: clock.now_ms(),
        })?;
        tx.commit()?;
        report.chunks_written.push(name);
        report.events_out += events.iter().filter(|e| !matches!(e.what, What::Config { .. })).count();
        progress.done(report.events_out as u64);
        next += 1;
    }
    Ok(())
}

/// The next chunk's events: unwritten events first, then history.
fn next_batch(tx: &Tx, local: &LocalDevice, now_ms: i64) -> Result<Option<(Vec<Event>, Batch)>> {
    let rows = tx.unwritten_events(0, CHUNK_EVENTS)?;
    if !rows.is_empty() {
        let mut events = Vec::with_capacity(rows.len());
        let mut configs = BTreeSet::new();
        let mut ids = Vec::with_capacity(rows.len());
        for (id, row) in rows {
            let what: What = serde_json::from_str(&row.body)
                .map_err(|e| Error::Internal(format!("event {} does not read back: {e}", row.uid)))?;
            if let What::Answer(answer) = &what {
                configs.insert(answer.config.clone());
            }
            let card = match row.card {
                Some(identity) => {
                    let identity = tx
                        .identity(identity)?
                        .ok_or_else(|| Error::Internal(format!("event {} names a missing card", row.uid)))?;
                    let id = identity.card_id.unwrap_or_else(|| {
                        let i = &identity.identity;
                        crate::ids::card_id(&i.deck, &i.fact, &i.template, 0)
                    });
                    Some(CardRef {
                        deck: identity.identity.deck,
                        fact: identity.identity.fact,
                        template: identity.identity.template,
                        id,
                    })
                }
                None => None,
            };
            events.push(Event {
                uid: row.uid,
                at: row.at_ms,
                card,
                what,
            });
            ids.push(id);
        }
        let mut with_configs = Vec::with_capacity(events.len() + configs.len());
        for hash in configs {
            let json = tx
                .config(&hash)?
                .ok_or_else(|| Error::Internal(format!("grading settings {hash} are not stored")))?;
            let config: GradeConfig =
                serde_json::from_str(&json).map_err(|e| Error::Internal(format!("grading settings {hash}: {e}")))?;
            with_configs.push(Event {
                uid: format!("config-{hash}"),
                at: now_ms,
                card: None,
                what: What::Config { hash, config },
            });
        }
        with_configs.extend(events);
        return Ok(Some((with_configs, Batch::Events(ids))));
    }
    let rows = tx.history_rows(local_history_done(tx, local)?, local.history_upto, CHUNK_EVENTS)?;
    let Some(last) = rows.last().map(|r| r.log_id) else {
        return Ok(None);
    };
    let events = rows
        .into_iter()
        .map(|row| Event {
            uid: row.uid,
            at: row.values.at_ms,
            card: Some(CardRef {
                deck: row.identity.deck,
                fact: row.identity.fact,
                template: row.identity.template,
                id: row.card_id,
            }),
            what: log_event(&row.values),
        })
        .collect();
    Ok(Some((events, Batch::History(last))))
}

/// How far this device's history is written, as stored now.
fn local_history_done(tx: &Tx, local: &LocalDevice) -> Result<i64> {
    Ok(tx
        .local_device()?
        .filter(|d| d.id == local.id)
        .map_or(local.history_done, |d| d.history_done))
}
