//! `iskra sync --status`: the folder, this device, every device seen with
//! its chunks and when its newest was written, what waits to be written
//! here, what waits to be read, and the cards events name that are not
//! here. Read only: it syncs nothing.

use std::path::PathBuf;

use super::folder::Folder;
use crate::error::Result;
use crate::store::Store;
use crate::store::sync::DeviceSummary;

/// The state of sync.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    pub dir: Option<PathBuf>,
    /// This collection's device, once it has synced.
    pub device: Option<String>,
    pub devices: Vec<DeviceSummary>,
    /// Events made here and not yet written to the folder.
    pub unwritten: i64,
    /// Chunks in the folder not yet read (device, file name).
    pub unread: Vec<(String, String)>,
    /// Card identities events name that have no card here.
    pub orphans: i64,
    /// Why the folder could not be looked at, if it could not.
    pub folder_problem: Option<String>,
}

/// Gathers the state of sync.
pub fn status(store: &Store) -> Result<Status> {
    let dir = store.sync_dir()?;
    let mut status = Status {
        device: store.local_device()?.map(|d| d.device),
        devices: store.device_summaries()?,
        unwritten: store.unwritten_count()?,
        orphans: store.orphan_count()?,
        dir: dir.clone(),
        ..Status::default()
    };
    if let Some(dir) = dir {
        let read = store.chunks_read()?;
        match Folder::open(&dir).and_then(|f| f.scan()) {
            Ok((devices, _)) => {
                for device in devices {
                    for chunk in device.chunks {
                        if !read
                            .get(&device.device)
                            .is_some_and(|names| names.contains(&chunk.name))
                        {
                            status.unread.push((device.device.clone(), chunk.name));
                        }
                    }
                }
            }
            Err(e) => status.folder_problem = Some(e.to_string()),
        }
    }
    Ok(status)
}
