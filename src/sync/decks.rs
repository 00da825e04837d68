//! Deck content travels as deck files. Decks built from a file are shared
//! by sharing their files (git, the same folder); a deck with no file of
//! its own (imported from Anki) is written by its device into the folder,
//! `iskra-sync/decks/<device>/<key>.deck`, and rewritten when it changes.
//! Another device builds those files where they are — never copying them
//! among the user's own deck files, never into a deck of that key that has
//! another source (the user's file, a bundled deck, its own import) — and
//! rebuilds one when its size or time changes. The first device to offer a
//! key (by id) is the one built.

use std::collections::BTreeSet;

use super::Report;
use super::folder::{DECKS_FOLDER, Folder, is_device_id};
use crate::deck::{MAX_DECK_BYTES, parse_deck};
use crate::error::{Error, Result};
use crate::store::sync::{DeckFileRow, LocalDevice};
use crate::store::{Store, Tx};
use crate::text::escape_control;

/// Most deck files read from one device's folder.
const MAX_DECK_FILES: usize = 10_000;

/// Whether a deck key can name a file of the folder: ASCII letters,
/// digits, `.`, `_` and `-`, not starting with a dot, at most 100 bytes.
pub fn is_file_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 100
        && !key.starts_with('.')
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn size_and_time(meta: &std::fs::Metadata) -> (i64, i64) {
    use std::os::unix::fs::MetadataExt;
    (meta.len() as i64, meta.mtime() * 1_000_000_000 + meta.mtime_nsec())
}

/// A deck file of another device not built here as it is now.
pub struct Pending {
    path: std::path::PathBuf,
    /// Relative to the folder's `iskra-sync/`.
    relative: String,
    key: String,
    size: i64,
    mtime_ns: i64,
}

/// The deck files other devices wrote that are new or changed since they
/// were built (or passed over) here; the first device (by id) to offer a
/// key is the one taken.
pub fn pending(tx: &Tx, folder: &Folder, local: &LocalDevice) -> Result<Vec<Pending>> {
    let root = folder.root().join(DECKS_FOLDER);
    let Ok(entries) = std::fs::read_dir(&root) else {
        return Ok(Vec::new());
    };
    let mut devices: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| is_device_id(name) && *name != local.device)
        .collect();
    devices.sort();
    let mut offered = BTreeSet::new();
    let mut pending = Vec::new();
    for device in devices {
        let dir = folder.decks_dir(&device);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.strip_suffix(".deck").is_some_and(is_file_key))
            .take(MAX_DECK_FILES)
            .collect();
        files.sort();
        for name in files {
            let key = name.trim_end_matches(".deck").to_string();
            if !offered.insert(key.clone()) {
                continue; // an earlier device offers this deck
            }
            let path = dir.join(&name);
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if !meta.is_file() {
                continue; // a link or a folder is never followed
            }
            let (size, mtime_ns) = size_and_time(&meta);
            let relative = format!("{DECKS_FOLDER}/{device}/{name}");
            if tx
                .deck_file(&relative)?
                .is_some_and(|row| (row.size, row.mtime_ns) == (size, mtime_ns))
            {
                continue;
            }
            pending.push(Pending {
                path,
                relative,
                key,
                size,
                mtime_ns,
            });
        }
    }
    Ok(pending)
}

/// Builds the pending deck files, in the sync's transaction.
pub fn build(tx: &Tx, pending: &[Pending], report: &mut Report) -> Result<()> {
    for file in pending {
        build_one(tx, file, report)?;
    }
    Ok(())
}

fn build_one(tx: &Tx, file: &Pending, report: &mut Report) -> Result<()> {
    let (path, relative, key) = (&file.path, file.relative.as_str(), file.key.as_str());
    let stored = std::fs::canonicalize(path).map_or_else(|_| path.display().to_string(), |p| p.display().to_string());
    let seen = DeckFileRow {
        path: relative.to_string(),
        deck_key: key.to_string(),
        written: false,
        size: file.size,
        mtime_ns: file.mtime_ns,
    };
    if let Some(deck) = tx.deck_by_key(key)?
        && deck.source_path.as_deref() != Some(stored.as_str())
    {
        let source = deck.source_path.as_deref().unwrap_or("imported here, no file");
        report.notes.push(format!(
            "deck `{}` of the folder ({relative}) is not built: this collection has its own ({})",
            escape_control(key),
            escape_control(source)
        ));
        return tx.put_deck_file(&seen);
    }
    if file.size as u64 > MAX_DECK_BYTES as u64 {
        report
            .warnings
            .push(format!("{relative}: over {MAX_DECK_BYTES} bytes; not built"));
        return tx.put_deck_file(&seen);
    }
    let bytes = match crate::deck::build::read_deck_file(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            report.warnings.push(format!(
                "{relative}: cannot be read ({e}); tried again at the next sync"
            ));
            return Ok(());
        }
    };
    match parse_deck(&stored, key, &bytes) {
        Ok(deck) => {
            crate::deck::build::build_in(tx, &deck, &stored, &stored, &bytes)?;
            report.decks_built.push(key.to_string());
        }
        Err(diagnostics) => {
            let first = diagnostics
                .first()
                .map(|d| format!("line {}: {}", d.line, escape_control(&d.message)))
                .unwrap_or_default();
            report
                .warnings
                .push(format!("{relative}: not a deck file iskra reads ({first}); not built"));
        }
    }
    tx.put_deck_file(&seen)
}

/// Writes this device's decks that have no file of their own into the
/// folder, those changed since they were written last.
pub fn write_own(store: &mut Store, folder: &Folder, local: &LocalDevice, report: &mut Report) -> Result<()> {
    let stale: Vec<crate::store::DeckRow> = {
        let tx = store.begin()?;
        let mut rows = Vec::new();
        for (key, fresh) in tx.fileless_decks()? {
            if let (false, Some(deck)) = (fresh, tx.deck_by_key(&key)?) {
                rows.push(deck);
            }
        }
        rows
    };
    for deck in stale {
        let key = deck.key.clone();
        if !is_file_key(&key) {
            report.warnings.push(format!(
                "deck `{}` is not written to the folder: its key cannot be a file name there (rename it with letters, digits and -)",
                escape_control(&key)
            ));
            continue;
        }
        // A copy of the deck as stored: read from a durable snapshot.
        let span = store.begin_read_to_copy()?;
        let text = crate::interop::from_iskra::deck_file(store, &deck);
        let text = match span.end(store, text) {
            Ok(text) => text.text,
            Err(e) => {
                report.warnings.push(format!(
                    "deck `{}` is not written to the folder: {e}",
                    escape_control(&key)
                ));
                continue;
            }
        };
        let relative = format!("{DECKS_FOLDER}/{}/{key}.deck", local.device);
        let path = folder.decks_dir(&local.device).join(format!("{key}.deck"));
        crate::files::write_atomic(&path, text.as_bytes())?;
        let meta = std::fs::metadata(&path).map_err(Error::io(&path))?;
        let (size, mtime_ns) = size_and_time(&meta);
        let tx = store.begin()?;
        tx.put_deck_file(&DeckFileRow {
            path: relative,
            deck_key: key.clone(),
            written: true,
            size,
            mtime_ns,
        })?;
        tx.commit()?;
        report.decks_written.push(key);
    }
    Ok(())
}
