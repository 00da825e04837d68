//! The one transaction of a sync: this collection's device (made at the
//! first sync, made anew when the collection was copied to another host
//! or path), the chunks not yet read — each checked whole before any of it
//! is stored, the card identities and ids they announce taken first — the
//! other devices' deck files built, every event added once by uid, the
//! shared settings merged, and every card with new events replayed
//! ([`super::replay`]) into its row and its review-log rows.

use std::collections::{BTreeSet, HashMap};

use super::Report;
use super::chunk::{self, Header};
use super::event::{Event, GradeConfig, What};
use super::folder::{ChunkFile, DeviceFolder, Folder};
use super::record::{self, state_of};
use super::replay::{CardEvent, CardState, Graders, log_values, replay};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::progress::{Progress, Steps};
use crate::store::sync::{CardIdentity, ChunkRow, EventRow, LocalDevice};

use crate::store::{CardSnapshot, Store, Tx, queue};

/// Unread chunks over this many bytes make the transaction a bulk one
/// ([`is_bulk`]; a real sync's threshold).
pub(super) const BULK_BYTES: u64 = 4 << 20;
/// The page cache of a sync's transaction: every event touches pages of
/// indexes keyed by random uids, and a smaller cache spills them to the WAL
/// and reads them back (grows only as pages are used).
const SYNC_CACHE_MIB: i64 = 64;
/// Events of read chunks kept in memory between checking and applying
/// them; past this, chunks are read again (memory stays bounded).
const KEPT_EVENTS: usize = 50_000;
/// Compressed bytes per event in chunks of history rows (about 100): unread
/// chunks of `bytes` hold about `bytes / this` events or more. An estimate
/// that decides only how the log's indexes are kept up to date.
const BYTES_PER_EVENT: u64 = 128;

/// A chunk to read: its device and file.
struct Unread<'a> {
    device: &'a str,
    file: &'a ChunkFile,
}

/// A chunk read and checked.
struct Checked<'a> {
    unread: Unread<'a>,
    header: Header,
    events: Option<Vec<Event>>,
}

/// Whether unread chunks of `bytes` make the sync's transaction a bulk one
/// (insert triggers set aside, a large page cache): over `bulk_bytes`.
fn is_bulk(bytes: u64, bulk_bytes: u64) -> bool {
    bytes > bulk_bytes
}

/// Whether the log's indexes by card and time are set aside while the
/// chunks are applied and built again after: a bulk sync of history of
/// about the log's size or more (a first sync of a whole history), whose
/// rows would otherwise grow those indexes row by row in random order.
fn log_aside(bytes: u64, bulk_bytes: u64, log_rows_at_most: i64) -> bool {
    is_bulk(bytes, bulk_bytes) && i64::try_from(bytes / BYTES_PER_EVENT).unwrap_or(i64::MAX) >= log_rows_at_most
}

/// Runs the transaction, a bulk one when the unread chunks are over
/// `bulk_bytes` ([`BULK_BYTES`] but in tests); returns this collection's device.
#[allow(clippy::too_many_arguments)]
pub fn run(
    store: &mut Store,
    folder: &Folder,
    devices: &[DeviceFolder],
    home: &str,
    clock: &Clock,
    report: &mut Report,
    progress: &dyn Progress,
    bulk_bytes: u64,
) -> Result<LocalDevice> {
    let read = store.chunks_read()?;
    let unread: Vec<Unread> = devices
        .iter()
        .flat_map(|d| {
            d.chunks.iter().map(move |file| Unread {
                device: &d.device,
                file,
            })
        })
        .filter(|u| !read.get(u.device).is_some_and(|names| names.contains(&u.file.name)))
        .collect();
    let bytes: u64 = unread.iter().map(|u| u.file.size).sum();
    let tx = if is_bulk(bytes, bulk_bytes) {
        store.begin_bulk(256)?
    } else {
        store.begin_with_cache(SYNC_CACHE_MIB)?
    };
    let log_aside = log_aside(bytes, bulk_bytes, tx.log_rows_at_most()?);
    report.log_indexes_rebuilt = log_aside;
    let local = local_device(&tx, home, clock, report, progress)?;
    let mut chunks = Steps::start(progress, "chunks", unread.len());
    let mut cache = Identities::default();
    let mut settings = BTreeSet::new();
    let decks = super::decks::pending(&tx, folder, &local)?;
    if decks.is_empty() {
        if log_aside {
            tx.set_log_indexes_aside()?;
        }
        for unread in unread {
            chunks.step();
            if let Some((header, events)) = read_chunk(folder, &unread, report) {
                apply_chunk(
                    &tx,
                    &local,
                    &unread,
                    &header,
                    &events,
                    &mut cache,
                    &mut settings,
                    report,
                )?;
            }
        }
    } else {
        // The ids the chunks announce first: the deck files build their cards with them.
        let mut checked = Vec::new();
        let mut kept = 0;
        for unread in unread {
            let Some((header, events)) = read_chunk(folder, &unread, report) else {
                continue;
            };
            for event in &events {
                cache.announce(&tx, event)?;
            }
            kept += events.len();
            let events = (kept <= KEPT_EVENTS).then_some(events);
            checked.push(Checked { unread, header, events });
        }
        super::decks::build(&tx, &decks, report)?;
        if log_aside {
            tx.set_log_indexes_aside()?;
        }
        for chunk in checked {
            chunks.step();
            let events = match chunk.events {
                Some(events) => events,
                None => match read_chunk(folder, &chunk.unread, report) {
                    Some((_, events)) => events,
                    None => continue,
                },
            };
            apply_chunk(
                &tx,
                &local,
                &chunk.unread,
                &chunk.header,
                &events,
                &mut cache,
                &mut settings,
                report,
            )?;
        }
    }
    tx.restore_log_indexes()?;
    let merged = super::shared_settings::merge(&tx, local.id, clock.now_ms(), &settings)?;
    report.settings_shared = merged.shared;
    report.settings_taken = merged.taken;
    replay_dirty(&tx, &cache.touched, clock.today(), report, progress)?;
    tx.commit()?;
    Ok(local)
}

/// This collection's device: made at the first sync (which snapshots every
/// studied card and leaves the older log as history to write), or anew when
/// the collection is not where its device was made.
fn local_device(
    tx: &Tx,
    home: &str,
    clock: &Clock,
    report: &mut Report,
    progress: &dyn Progress,
) -> Result<LocalDevice> {
    let existing = tx.local_device()?;
    if let Some(local) = &existing
        && local.home == home
    {
        return Ok(local.clone());
    }
    let device = format!("{:032x}", rand::random::<u128>());
    let local = match &existing {
        Some(old) => {
            let local = tx.create_local_device(&device, home, old.history_upto)?;
            tx.set_history_done(local.id, old.history_done)?;
            report.notes.push(format!(
                "this collection was device {} elsewhere; here it is device {device}",
                old.device
            ));
            LocalDevice {
                history_done: old.history_done,
                ..local
            }
        }
        None => {
            let local = tx.create_local_device(&device, home, tx.max_log_id()?)?;
            report.snapshots = record::snapshot_studied(tx, clock.now_ms(), progress)?;
            // A card's snapshot is the card as it is: nothing to replay.
            tx.clear_dirty()?;
            local
        }
    };
    report.new_device = true;
    Ok(local)
}

/// Reads and checks a chunk whole; a chunk refused is a warning.
fn read_chunk(folder: &Folder, unread: &Unread, report: &mut Report) -> Option<(Header, Vec<Event>)> {
    let path = folder.device_dir(unread.device).join(&unread.file.name);
    let shown = format!(
        "chunk {}/{}",
        unread.device,
        crate::text::escape_control(&unread.file.name)
    );
    let bytes = match folder.read(&path, chunk::MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(e) => {
            report.warnings.push(format!(
                "{shown}: cannot be read ({e}); it is read again at the next sync"
            ));
            return None;
        }
    };
    match chunk::decode(&bytes, unread.device, unread.file.seq) {
        Ok(read) => Some(read),
        Err(refusal) => {
            report.warnings.push(format!("{shown}: {refusal}"));
            None
        }
    }
}

/// Card identities seen in this sync: their row ids, and their cards here.
#[derive(Default)]
struct Identities {
    rows: HashMap<CardIdentity, (i64, Option<i64>)>,
    /// The card here of an identity (by row id), once looked up: no card
    /// is made or renumbered while chunks are applied.
    cards: HashMap<i64, Option<i64>>,
    /// Identities with events new in this sync: replayed with those marked
    /// dirty in the collection, in the same transaction (kept here, not
    /// marked on their rows: a write per card for nothing).
    touched: BTreeSet<i64>,
}

impl Identities {
    /// Stores the identity an event names with the id it announces (and a
    /// config it carries); returns the identity's row id.
    fn announce(&mut self, tx: &Tx, event: &Event) -> Result<Option<i64>> {
        if let What::Config { hash, config } = &event.what {
            let json = serde_json::to_string(config).map_err(|e| Error::Internal(e.to_string()))?;
            tx.insert_config(hash, &json)?;
        }
        let Some(card) = &event.card else {
            return Ok(None);
        };
        let identity = card.identity();
        if let Some(&(row, announced)) = self.rows.get(&identity)
            && announced.is_some_and(|id| id <= card.id)
        {
            return Ok(Some(row));
        }
        let row = tx.identity_id(&identity, Some(card.id))?;
        let smallest = self
            .rows
            .get(&identity)
            .and_then(|r| r.1)
            .map_or(card.id, |id| id.min(card.id));
        self.rows.insert(identity, (row, Some(smallest)));
        Ok(Some(row))
    }
}

/// Adds a checked chunk's events: each once by uid; a history row of a
/// card here goes straight into the log.
#[allow(clippy::too_many_arguments)]
fn apply_chunk(
    tx: &Tx,
    local: &LocalDevice,
    unread: &Unread,
    header: &Header,
    events: &[Event],
    cache: &mut Identities,
    settings: &mut BTreeSet<String>,
    report: &mut Report,
) -> Result<()> {
    let device = tx.device_id(unread.device)?;
    let mut added = 0;
    for event in events {
        let identity = cache.announce(tx, event)?;
        if device == local.id {
            tx.mark_written_uid(&event.uid, header.seq)?;
        }
        match (&event.what, identity) {
            (What::Config { .. }, _) => continue,
            (What::Log(log), Some(identity)) => {
                let card = match cache.cards.get(&identity) {
                    Some(card) => *card,
                    None => {
                        let card = match &event.card {
                            Some(card) => tx.card_of_identity(&card.identity())?.map(|(id, _)| id),
                            None => None,
                        };
                        cache.cards.insert(identity, card);
                        card
                    }
                };
                if let Some(card) = card {
                    added += usize::from(tx.add_history(&event.uid, card, &log_values(event.at, log))?);
                    continue;
                }
            }
            _ => {}
        }
        let row = EventRow {
            uid: event.uid.clone(),
            device,
            chunk: Some(header.seq),
            at_ms: event.at,
            card: identity,
            kind: event.what.kind().to_string(),
            target: match &event.what {
                What::Undo { target } => Some(target.clone()),
                What::Setting { key, .. } => Some(key.clone()),
                _ => None,
            },
            body: serde_json::to_string(&event.what).map_err(|e| Error::Internal(e.to_string()))?,
        };
        if tx.insert_event(&row)? {
            added += 1;
            if let Some(identity) = identity {
                cache.touched.insert(identity);
            }
            if let What::Setting { key, .. } = &event.what {
                settings.insert(key.clone());
            }
        }
    }
    tx.record_chunk(&ChunkRow {
        device,
        name: unread.file.name.clone(),
        seq: header.seq,
        checksum: header.checksum.clone(),
        events: header.count as i64,
        created_ms: header.created,
    })?;
    if unread.file.copy {
        report.notes.push(format!(
            "chunk {}/{} is a syncer's copy of chunk {}: read ({}); it may be deleted",
            unread.device,
            crate::text::escape_control(&unread.file.name),
            header.seq,
            crate::text::plural(added as u64, "new event")
        ));
    }
    report.chunks_read += 1;
    report.events_in += added;
    Ok(())
}

/// The queue a card's replayed state puts it in.
fn queue_of(state: &CardState, retired: bool, today: i64) -> (i64, Option<i64>) {
    if retired || state.suspended {
        return (queue::SUSPENDED, None);
    }
    match state.buried_day {
        Some(day) if day >= today => (queue::BURIED, Some(day)),
        _ => (
            match state.schedule.state {
                0 => queue::NEW,
                2 => queue::REVIEW,
                _ => queue::LEARNING,
            },
            None,
        ),
    }
}

/// Replays every card with new events (`touched` in this sync, or marked
/// dirty in the collection) into its row and log rows.
fn replay_dirty(
    tx: &Tx,
    touched: &BTreeSet<i64>,
    today: i64,
    report: &mut Report,
    progress: &dyn Progress,
) -> Result<()> {
    let mut graders = Graders::new(|hash| match tx.config(hash)? {
        Some(json) => serde_json::from_str::<GradeConfig>(&json)
            .map(Some)
            .map_err(|e| Error::Internal(format!("grading settings {hash}: {e}"))),
        None => Ok(None),
    });
    let mut dirty: BTreeSet<i64> = tx.dirty_identities()?.into_iter().collect();
    dirty.extend(touched);
    let mut cards = Steps::start(progress, "cards", dirty.len());
    for id in dirty {
        cards.step();
        let Some(row) = tx.identity(id)? else { continue };
        let Some((mut card_id, _)) = tx.card_of_identity(&row.identity)? else {
            tx.replayed(id, true)?;
            continue;
        };
        if let Some(shared) = row.card_id
            && shared != card_id
            && !tx.card_exists(shared)?
        {
            tx.renumber_card(card_id, shared)?;
            card_id = shared;
        }
        let Some(current) = tx.card_snapshot(card_id)? else {
            continue;
        };
        let base: CardState = match &row.base {
            Some(json) => serde_json::from_str(json).map_err(|e| Error::Internal(format!("a replay's start: {e}")))?,
            None => {
                let base = state_of(&current);
                let json = serde_json::to_string(&base).map_err(|e| Error::Internal(e.to_string()))?;
                tx.set_base_once(id, &json)?;
                base
            }
        };
        let mut events = Vec::new();
        for stored in tx.events_of_card(id)? {
            let what = super::event_json::what_from_json(&stored.body)
                .map_err(|e| Error::Internal(format!("event {} does not read back: {e}", stored.uid)))?;
            events.push(CardEvent {
                uid: stored.uid,
                at_ms: stored.at_ms,
                what,
            });
        }
        let replayed = replay(&base, &events, card_id, &mut graders)?;
        let (queue, buried_day) = queue_of(&replayed.state, current.retired, today);
        let after = CardSnapshot {
            schedule: replayed.state.schedule.clone(),
            queue,
            buried_day,
            flag: replayed.state.flag,
            leech: replayed.state.leech,
            retired: current.retired,
        };
        if after != current {
            tx.write_card_snapshot(card_id, &after)?;
            report.cards_changed += 1;
        }
        for (uid, values, history) in &replayed.log {
            if *history {
                tx.add_history(uid, card_id, values)?;
            } else {
                tx.put_log(uid, card_id, values)?;
            }
        }
        for uid in &replayed.retracted {
            tx.delete_log_uid(uid)?;
        }
        report.regraded += replayed.regraded;
        tx.replayed(id, false)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sync_is_a_bulk_one_only_over_the_threshold() {
        assert!(!is_bulk(0, 0));
        assert!(is_bulk(1, 0));
        assert!(!is_bulk(BULK_BYTES, BULK_BYTES));
        assert!(is_bulk(BULK_BYTES + 1, BULK_BYTES));
    }

    #[test]
    fn the_log_indexes_are_set_aside_for_bulk_history_of_the_logs_size_or_more() {
        let bytes = BULK_BYTES + 1;
        let events = (bytes / BYTES_PER_EVENT) as i64;
        assert!(log_aside(bytes, BULK_BYTES, 0), "a first sync into an empty log");
        assert!(log_aside(bytes, BULK_BYTES, events), "as many events as log rows");
        assert!(
            !log_aside(bytes, BULK_BYTES, events + 1),
            "a log larger than the history"
        );
        assert!(!log_aside(BULK_BYTES, BULK_BYTES, 0), "not a bulk sync: indexes kept");
        let most = (u64::MAX / BYTES_PER_EVENT) as i64;
        assert!(log_aside(u64::MAX, BULK_BYTES, most), "no overflow on any size");
    }
}
