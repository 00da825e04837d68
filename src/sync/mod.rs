//! Studying on several machines through a shared folder — Syncthing,
//! Dropbox, a git clone, a USB stick: iskra never syncs the SQLite file,
//! and never talks to a server. Each collection is a device of the folder
//! with its own random id, and writes only its own files there
//! (`iskra-sync/<device>/`, see [`folder`]): immutable chunks of events
//! ([`chunk`], [`event`]) naming cards by identity (deck key, fact id,
//! template), never by local row ids. A sync ([`sync`]):
//!
//! 1. takes the collection's sync lock;
//! 2. in ONE transaction ([`apply`]): reads every chunk not read before,
//!    each checked whole (a damaged one is skipped and read next time, one
//!    from a newer iskra refused), builds the other devices' deck files
//!    ([`decks`]), adds each event once by uid, merges the shared settings
//!    ([`shared_settings`]) and replays every card with new events ([`replay`]:
//!    union by uid, replay in time-then-uid order; only an answer given
//!    concurrently on two devices is graded again, from what it names), so
//!    after every device has synced all hold the same cards and log;
//! 3. writes this device's files ([`export`]): its own decks without a
//!    file, then the events made here since, as new chunks.
//!
//! The events are recorded as things happen ([`record`]), in the
//! transaction of the answer or change, once the collection has synced a
//! first time. [`git`] carries the folder through a git remote.

mod apply;
pub mod chunk;
mod decks;
pub mod event;
mod event_json;
mod export;
pub mod folder;
pub mod git;
pub mod record;
pub mod replay;
pub mod settings;
mod shared_settings;

pub use shared_settings::share_changes;
pub mod status;

use std::path::Path;

use crate::clock::Clock;
use crate::error::Result;
use crate::progress::Progress;
use crate::store::Store;
use folder::{Folder, Lock};

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// This collection's device id.
    pub device: String,
    /// The device was made by this sync (the first, or a copied collection).
    pub new_device: bool,
    /// Cards snapshotted at the first sync.
    pub snapshots: usize,
    pub chunks_read: usize,
    /// Events read that were new here.
    pub events_in: usize,
    pub chunks_written: Vec<String>,
    pub events_out: usize,
    /// Decks built from other devices' deck files.
    pub decks_built: Vec<String>,
    /// Decks of this device written as deck files.
    pub decks_written: Vec<String>,
    /// Cards whose row the replays changed.
    pub cards_changed: usize,
    /// Answers graded again (given concurrently on two devices).
    pub regraded: usize,
    /// Settings changed here and shared, and taken from other devices.
    pub settings_shared: Vec<String>,
    pub settings_taken: Vec<String>,
    /// What is worth knowing (escaped).
    pub notes: Vec<String>,
    /// Chunks or deck files not read (escaped); tried again next time.
    pub warnings: Vec<String>,
    /// The review log's indexes by card and time were set aside while the
    /// chunks were applied and built again (a bulk first sync of a history).
    pub log_indexes_rebuilt: bool,
}

impl Report {
    /// Whether the sync changed anything here or in the folder.
    pub fn did_something(&self) -> bool {
        self.new_device
            || self.events_in > 0
            || !self.chunks_written.is_empty()
            || !self.decks_built.is_empty()
            || !self.decks_written.is_empty()
            || self.cards_changed > 0
            || !self.settings_taken.is_empty()
    }
}

/// Syncs the collection with the folder `dir` (see the module comment).
pub fn sync(store: &mut Store, dir: &Path, clock: &Clock) -> Result<Report> {
    sync_showing(store, dir, clock, &crate::progress::Silent)
}

/// [`sync`], reporting to `progress` the cards snapshotted at a first sync,
/// the chunks read, the cards replayed and the events written.
pub fn sync_showing(store: &mut Store, dir: &Path, clock: &Clock, progress: &dyn Progress) -> Result<Report> {
    sync_with_bulk_bytes(store, dir, clock, progress, apply::BULK_BYTES)
}

/// [`sync_showing`] whose transaction is a bulk one when the unread chunks
/// are over `bulk_bytes` bytes (a real sync: 4 MiB). For tests, which reach
/// the bulk path with a few events.
pub fn sync_with_bulk_bytes(
    store: &mut Store,
    dir: &Path,
    clock: &Clock,
    progress: &dyn Progress,
    bulk_bytes: u64,
) -> Result<Report> {
    let _lock = Lock::take(store.path(), clock.now_ms())?;
    let folder = Folder::open(dir)?;
    let (devices, notes) = folder.scan()?;
    let mut report = Report {
        warnings: notes,
        ..Report::default()
    };
    let home = folder::home(store.path());
    let local = apply::run(
        store,
        &folder,
        &devices,
        &home,
        clock,
        &mut report,
        progress,
        bulk_bytes,
    )?;
    report.device = local.device.clone();
    // A card another device buried on a day that has passed here is back
    // in its queue, as opening the collection brings back every such card.
    store.unbury(clock.today())?;
    export::run(store, &folder, &devices, &local, clock, &mut report, progress)?;
    Ok(report)
}
