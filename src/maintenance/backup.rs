//! Backups of the collection: before a migration, before a deck is deleted
//! and once per study day, the last N kept. `check` and `restore` live next
//! door.
//!
//! Backups live next to the collection, in `backups/`, named
//! `<stem>-YYYYMMDD-HHMMSS-<reason>.sqlite3` (the time in UTC; reasons
//! `daily`, `schema-vN` before migrating from schema N, `before-restore`,
//! `before-deck-delete`, and `damaged` for a raw copy of a file SQLite could
//! not read). Each is a `VACUUM INTO` copy written under a temporary name,
//! flushed and renamed, so a half-written backup is never listed. Whether today's backup exists is
//! read from the file names, so a command that makes none writes nothing.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::inspect::Snapshot;
use crate::store::{DamageGate, Store, Verdict};
use crate::text::escape_control;

pub use crate::settings::DEFAULT_KEEP;

/// Temporary files older than this in the backup folder are leftovers of a
/// process that was killed while writing one.
const STALE_TEMP_SECS: u64 = 3600;

/// One backup file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub path: PathBuf,
    pub name: String,
    /// When it was taken (from its name).
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// The folder a collection's backups are kept in.
pub fn backups_dir(collection: &Path) -> PathBuf {
    collection
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("backups")
}

pub(crate) fn stem(collection: &Path) -> String {
    collection
        .file_stem()
        .map_or_else(|| "collection".to_string(), |s| s.to_string_lossy().into_owned())
}

pub(crate) fn backup_name(stem: &str, at: DateTime<Utc>, reason: &str) -> String {
    format!("{stem}-{}-{reason}.sqlite3", at.format("%Y%m%d-%H%M%S"))
}

/// Reads `<stem>-YYYYMMDD-HHMMSS-<reason>.sqlite3`.
pub(crate) fn parse_name(stem: &str, name: &str) -> Option<(DateTime<Utc>, String)> {
    let rest = name.strip_prefix(stem)?.strip_prefix('-')?.strip_suffix(".sqlite3")?;
    let (stamp, reason) = (rest.get(..15)?, rest.get(15..)?.strip_prefix('-')?);
    let at = NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S").ok()?;
    (!reason.is_empty()).then(|| (Utc.from_utc_datetime(&at), reason.to_string()))
}

/// The collection's backups, newest first. A missing folder means none.
pub fn list(collection: &Path) -> Result<Vec<Backup>> {
    let dir = backups_dir(collection);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(Error::Io { path: dir, source }),
    };
    let stem = stem(collection);
    let mut backups: Vec<Backup> = entries
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            let (at, reason) = parse_name(&stem, &name)?;
            Some(Backup {
                path: dir.join(&name),
                name,
                at,
                reason,
            })
        })
        .collect();
    backups.sort_by(|a, b| (b.at, &b.name).cmp(&(a.at, &a.name)));
    Ok(backups)
}

/// Flushes a directory entry change (a rename) to disk; not every platform can.
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

/// Writes a new backup of `collection`: `copy` fills a temporary file in the
/// backup folder, which is flushed and then linked in under the first free
/// name. A hard link fails when the name exists, so two processes backing up
/// in the same second never replace each other's backup. Returns the new
/// backup's path.
pub(crate) fn write_backup(
    collection: &Path,
    at: DateTime<Utc>,
    reason: &str,
    copy: impl FnOnce(&Path) -> Result<()>,
) -> Result<PathBuf> {
    let dir = backups_dir(collection);
    std::fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
    let stem = stem(collection);
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        backup_name(&stem, at, reason),
        std::process::id()
    ));
    let _ = std::fs::remove_file(&temp);
    let result = copy(&temp)
        .and_then(|()| {
            std::fs::File::open(&temp)
                .and_then(|f| f.sync_all())
                .map_err(Error::io(&temp))
        })
        .and_then(|()| {
            link_under_free_name(&dir, &temp, |n| match n {
                1 => backup_name(&stem, at, reason),
                n => backup_name(&stem, at, &format!("{reason}-{n}")),
            })
        });
    let _ = std::fs::remove_file(&temp);
    let target = result?;
    sync_dir(&dir);
    Ok(target)
}

/// Links `temp` into `dir` under `name(1)`, else `name(2)`, … (never over
/// an existing file).
pub(crate) fn link_under_free_name(dir: &Path, temp: &Path, name: impl Fn(u32) -> String) -> Result<PathBuf> {
    for n in 1..100 {
        let target = dir.join(name(n));
        match std::fs::hard_link(temp, &target) {
            Ok(()) => return Ok(target),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&target)(e)),
        }
    }
    Err(Error::Storage(format!(
        "too many backups with one name in {}",
        crate::error::shown(dir)
    )))
}

/// Keeps the newest `keep` backups (at least one, and never `protect`), and
/// clears temporary files left by killed processes.
pub(crate) fn prune(collection: &Path, keep: u32, protect: &Path) -> Result<()> {
    let keep = keep.max(1) as usize;
    for old in list(collection)?.iter().skip(keep).filter(|b| b.path != protect) {
        for suffix in ["", "-wal", "-shm"] {
            let path = crate::files::sidecar(&old.path, suffix);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::io(&old.path)(e)),
                _ => {}
            }
        }
    }
    let dir = backups_dir(collection);
    let prefix = format!(".{}-", stem(collection));
    for entry in std::fs::read_dir(&dir).map_err(Error::io(&dir))?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > STALE_TEMP_SECS);
        if name.starts_with(&prefix) && crate::files::pid_of_temp(&name).is_some() && stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(())
}

/// Removes the temporary files of backups whose process has ended (killed
/// while copying: `.<stem>-…-<reason>.sqlite3.<pid>.tmp` and its SQLite
/// journal), and of restores (`.<name>.restore.<pid>.tmp` beside the
/// collection). Every command that opens the collection does this first.
pub fn remove_dead_temps(collection: &Path) {
    let prefix = format!(".{}-", stem(collection));
    let ours = |name: &str| {
        name.starts_with(&prefix)
            .then(|| crate::files::pid_of_temp(name))
            .flatten()
    };
    crate::files::remove_dead_temps(&backups_dir(collection), ours);
    let restore = format!(
        ".{}.restore.",
        collection
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    );
    let restores = |name: &str| {
        name.starts_with(&restore)
            .then(|| crate::files::pid_of_temp(name))
            .flatten()
    };
    if let Some(dir) = collection.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::files::remove_dead_temps(dir, restores);
    }
}

/// Once per study day (on the first command that finds no backup taken
/// today), keeps a copy of the collection and drops the oldest beyond
/// `backups-keep`. The copy is made on a second, read-only connection in a
/// background thread, so the command (the first card of the day) does not
/// wait for it; the returned guard waits for it when dropped, at the end of
/// the command. The copy is checked (`quick_check`): until it is, the
/// store's writes wait ([`Store::guard_writes`]), and if it finds the
/// collection damaged they are refused and [`PendingBackup::finish`] says
/// so. Any other failure of the backup does not stop the command: it is
/// reported on stderr and tried again by the next command.
/// `keep` is the `backups-keep` setting (0: no daily backups).
pub fn daily<Tz: TimeZone>(store: &mut Store, keep: u32, clock: &Clock<Tz>) -> Result<PendingBackup> {
    let collection = store.path().to_path_buf();
    let none = |collection: PathBuf| PendingBackup {
        collection,
        copy: None,
        gate: DamageGate::default(),
    };
    if keep == 0 || collection == Path::new(":memory:") {
        return Ok(none(collection));
    }
    let today = clock.today();
    let taken_today = list(&collection).is_ok_and(|all| all.iter().any(|b| clock.day_of(b.at) == today));
    if taken_today || !store.has_cards()? {
        return Ok(none(collection));
    }
    // The snapshot is taken before the command writes anything, so the
    // backup holds the collection as the day found it, however long the copy.
    let snapshot = match Snapshot::take(&collection) {
        Ok(snapshot) => snapshot,
        Err(e @ Error::Corrupt { .. }) => return Err(e),
        Err(e) => {
            warn_no_daily_backup(&collection, &e);
            return Ok(none(collection));
        }
    };
    let gate = DamageGate::default();
    store.guard_writes(&gate)?;
    let at = clock.now();
    let (path, verdict) = (collection.clone(), gate.clone());
    let copy = std::thread::spawn(move || {
        // Settled however the copy ends, so that no write waits forever.
        let settle = SettleOnDrop(verdict);
        let made = write_backup(&path, at, "daily", |temp| Ok(snapshot.copy_into(temp)?))
            .and_then(|made| prune(&path, keep, &made));
        match made {
            Err(Error::Corrupt { detail, .. }) => settle.0.settle(Verdict::Damaged(detail)),
            Err(e) => warn_no_daily_backup(&path, &e),
            Ok(()) => {}
        }
    });
    Ok(PendingBackup {
        collection,
        copy: Some(copy),
        gate,
    })
}

/// Gives a sound verdict when dropped, unless one was given.
struct SettleOnDrop(DamageGate);

impl Drop for SettleOnDrop {
    fn drop(&mut self) {
        self.0.settle(Verdict::Sound);
    }
}

/// A daily backup being written; dropping it waits until it is done.
pub struct PendingBackup {
    collection: PathBuf,
    copy: Option<std::thread::JoinHandle<()>>,
    gate: DamageGate,
}

impl PendingBackup {
    /// Waits for the backup; an error when its check found the collection damaged.
    pub fn finish(mut self) -> Result<()> {
        self.wait();
        match self.gate.now() {
            Verdict::Damaged(detail) => Err(Error::Corrupt {
                path: self.collection.clone(),
                detail,
            }),
            _ => Ok(()),
        }
    }

    /// `err`, or the damage today's check found if it found any (a write the
    /// check refused fails with a less telling error).
    pub fn explain(self, err: Error) -> Error {
        self.finish().err().unwrap_or(err)
    }

    fn wait(&mut self) {
        if let Some(copy) = self.copy.take() {
            // A panic in the copy has already been reported by the thread.
            let _ = copy.join();
        }
    }
}

impl Drop for PendingBackup {
    fn drop(&mut self) {
        self.wait();
    }
}

pub(crate) fn warn_no_daily_backup(collection: &Path, e: &Error) {
    eprintln!(
        "warning: could not back up the collection ({}); carrying on without today's backup.\n  hint: free some disk space or make {} writable; `iskra config backups-keep 0` turns daily backups off",
        escape_control(&e.to_string()),
        crate::error::shown(&backups_dir(collection))
    );
}

/// Backs up the collection before a change that takes something out of it
/// (`deck delete`): a copy named for `reason`, taken at `at`; its path. It
/// is not pruned here (the next daily backup prunes), so making it never
/// costs another backup. If it cannot be made, the change must not run.
pub fn before_change(store: &Store, reason: &str, at: DateTime<Utc>) -> Result<PathBuf> {
    let collection = store.path();
    write_backup(collection, at, reason, |temp| store.copy_into(temp)).map_err(|e| {
        Error::Storage(format!(
            "making a backup of {} first failed ({e}); nothing was changed.\n  hint: free some disk space or make {} writable, then try again",
            collection.display(),
            backups_dir(collection).display()
        ))
    })
}

/// Backs up a collection about to be migrated from schema `from` to `to`. If
/// the copy cannot be made, the migration must not run: the error says so.
pub fn before_migration(store: &Store, from: i64, to: i64) -> Result<()> {
    let collection = store.path();
    let at = Clock::from_env(0)?.now();
    let made = write_backup(collection, at, &format!("schema-v{from}"), |temp| store.copy_into(temp)).map_err(|e| {
        Error::Storage(format!(
            "{} must be upgraded from schema version {from} to {to}, and making a backup first failed ({e}); nothing was changed.\n  hint: free some disk space or make {} writable, then try again",
            crate::error::shown(collection),
            crate::error::shown(&backups_dir(collection))
        ))
    })?;
    let keep = store.settings().map_or(DEFAULT_KEEP, |s| s.backups_keep);
    let _ = prune(collection, keep, &made);
    eprintln!(
        "Upgrading {} from schema version {from} to {to}; the old version is saved as {}.",
        crate::error::shown(collection),
        crate::error::shown(&made)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SCHEMA_VERSION;
    use crate::store::inspect::{self as sql, open_for_inspection};

    fn utc(text: &str) -> DateTime<Utc> {
        crate::clock::parse_now(text).unwrap()
    }

    #[test]
    fn names_round_trip_and_others_are_ignored() {
        let at = utc("2026-03-10T10:00:05Z");
        let name = backup_name("collection", at, "schema-v1");
        assert_eq!(name, "collection-20260310-100005-schema-v1.sqlite3");
        assert_eq!(parse_name("collection", &name), Some((at, "schema-v1".to_string())));
        for other in [
            "other-20260310-100005-daily.sqlite3",
            "collection-2026031-100005-daily.sqlite3",
            "collection-20260310-100005-.sqlite3",
            "collection-20260310-100005-daily.sqlite3-wal",
            ".collection-20260310-100005-daily.sqlite3.77.tmp",
        ] {
            assert_eq!(parse_name("collection", other), None, "{other}");
        }
    }

    #[test]
    fn backups_in_the_same_second_get_names_of_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let collection = dir.path().join("c.sqlite3");
        let at = utc("2026-03-10T10:00:05Z");
        let write = |bytes: &'static [u8]| {
            write_backup(&collection, at, "daily", |temp| {
                std::fs::write(temp, bytes).map_err(Error::io(temp))
            })
            .unwrap()
        };
        let (first, second) = (write(b"first"), write(b"second"));
        assert_ne!(first, second);
        assert_eq!(std::fs::read(&first).unwrap(), b"first");
        assert_eq!(std::fs::read(&second).unwrap(), b"second");
        // No temporary file is left behind.
        let names: Vec<String> = std::fs::read_dir(backups_dir(&collection))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    fn store_with_a_card(dir: &Path) -> Store {
        let mut store = Store::open(&dir.join("c.sqlite3")).unwrap();
        store
            .transaction(|tx| {
                tx.execute_batch(
                    "INSERT INTO decks (id, key, name) VALUES (1, 'd', 'D');
                     INSERT INTO facts (id, deck_id, key, content) VALUES (1, 1, 'a', '{}');
                     INSERT INTO cards (fact_id, deck_id, template, front, back, answer, due)
                       VALUES (1, 1, 'basic', 'q', 'a', 'a', 1);",
                )?;
                Ok(())
            })
            .unwrap();
        store
    }

    #[test]
    fn daily_backups_once_per_study_day_keeping_the_last_n() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_with_a_card(dir.path());
        let clock = |at: &str| Clock::new(utc(at), Utc, 4);

        daily(&mut store, 3, &clock("2026-03-10T10:00:00Z")).unwrap();
        daily(&mut store, 3, &clock("2026-03-10T23:00:00Z")).unwrap();
        daily(&mut store, 3, &clock("2026-03-11T03:59:00Z")).unwrap(); // still the 10th's study day
        assert_eq!(list(store.path()).unwrap().len(), 1);
        for day in 11..=15 {
            daily(&mut store, 3, &clock(&format!("2026-03-{day}T04:00:00Z"))).unwrap();
        }
        let kept: Vec<String> = list(store.path()).unwrap().into_iter().map(|b| b.name).collect();
        assert_eq!(
            kept,
            [
                "c-20260315-040000-daily.sqlite3",
                "c-20260314-040000-daily.sqlite3",
                "c-20260313-040000-daily.sqlite3"
            ]
        );
        let copy = open_for_inspection(&backups_dir(store.path()).join(&kept[0])).unwrap();
        assert_eq!(sql::sizes(&copy).unwrap(), (1, 0));
        assert_eq!(
            std::fs::read_dir(backups_dir(store.path())).unwrap().count(),
            3,
            "no temporary files left"
        );
    }

    #[test]
    fn the_daily_backup_holds_the_collection_as_the_command_found_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_with_a_card(dir.path());
        let clock = Clock::new(utc("2026-03-10T10:00:00Z"), Utc, 4);
        let pending = daily(&mut store, 3, &clock).unwrap();
        // The command goes on writing while the copy is made in the background.
        for _ in 0..20 {
            store
                .transaction(|tx| {
                    tx.execute_batch("UPDATE cards SET reps = reps + 1")?;
                    Ok(())
                })
                .unwrap();
        }
        drop(pending);
        let backups = list(store.path()).unwrap();
        assert_eq!(backups.len(), 1);
        let copy = open_for_inspection(&backups[0].path).unwrap();
        let reps: i64 = copy.query_row("SELECT reps FROM cards", [], |r| r.get(0)).unwrap();
        assert_eq!(reps, 0, "the backup holds none of the writes made after it was started");
        assert_eq!(sql::identity(&copy).unwrap().schema, SCHEMA_VERSION);
        let mode: String = copy.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "delete");
    }

    #[test]
    fn no_daily_backup_of_an_empty_collection_or_when_turned_off() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("c.sqlite3")).unwrap();
        daily(
            &mut store,
            DEFAULT_KEEP,
            &Clock::new(utc("2026-03-10T10:00:00Z"), Utc, 4),
        )
        .unwrap();
        assert!(list(store.path()).unwrap().is_empty());

        let mut store = store_with_a_card(&dir.path().join("two"));
        let mut settings = store.settings().unwrap();
        settings.backups_keep = 0;
        store.save_settings(&settings).unwrap();
        daily(
            &mut store,
            settings.backups_keep,
            &Clock::new(utc("2026-03-10T10:00:00Z"), Utc, 4),
        )
        .unwrap();
        assert!(!backups_dir(store.path()).exists());
    }

    #[test]
    fn a_backup_never_replaces_another() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_a_card(dir.path());
        let at = utc("2026-03-10T10:00:00Z");
        let copy = |temp: &Path| store.copy_into(temp);
        let first = write_backup(store.path(), at, "before-restore", copy).unwrap();
        let second = write_backup(store.path(), at, "before-restore", |t: &Path| store.copy_into(t)).unwrap();
        assert_ne!(first, second);
        assert!(second.to_string_lossy().ends_with("-before-restore-2.sqlite3"));
        let failed = write_backup(store.path(), at, "daily", |_| Err(Error::Busy));
        assert!(failed.is_err());
        assert_eq!(list(store.path()).unwrap().len(), 2, "a failed backup leaves nothing");
        assert_eq!(std::fs::read_dir(backups_dir(store.path())).unwrap().count(), 2);
    }

    /// A collection with one fact and its two cards.
    fn store_with_two_cards(dir: &Path) -> Store {
        let mut store = Store::open(&dir.join("c.sqlite3")).unwrap();
        store
            .transaction(|tx| {
                tx.execute_batch(
                    "INSERT INTO decks (id, key, name) VALUES (1, 'd', 'D'), (2, 'e', 'E');
                     INSERT INTO facts (id, deck_id, key, content) VALUES (1, 1, 'a', '{}');
                     INSERT INTO cards (id, fact_id, deck_id, template, front, back, answer, due)
                       VALUES (1, 1, 1, 'basic', 'q', 'a', 'a', 1), (2, 1, 1, 'reverse', 'a', 'q', 'q', 2);",
                )?;
                Ok(())
            })
            .unwrap();
        store
    }

    #[test]
    fn a_migration_is_preceded_by_a_backup_of_the_old_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        drop(store_with_two_cards(dir.path()));
        // A build with one more migration opens the file.
        let extra: Vec<&str> = crate::store::MIGRATIONS
            .iter()
            .copied()
            .chain(["CREATE TABLE later (x INTEGER) STRICT;"])
            .collect();
        let mut store = Store::open(&path).unwrap();
        store.migrate_with(SCHEMA_VERSION, &extra, &before_migration).unwrap();
        let backups = list(&path).unwrap();
        assert_eq!(backups.len(), 1);
        assert_eq!(backups[0].reason, format!("schema-v{SCHEMA_VERSION}"));
        let old = open_for_inspection(&backups[0].path).unwrap();
        assert_eq!(sql::identity(&old).unwrap().schema, SCHEMA_VERSION);
        assert_eq!(sql::sizes(&old).unwrap(), (2, 0));
        let later = |conn: &rusqlite::Connection| -> i64 {
            conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'later'", [], |r| {
                r.get(0)
            })
            .unwrap()
        };
        assert_eq!(later(&old), 0, "the backup is of the old version");
        assert_eq!(later(store.conn()), 1);
        assert_eq!(sql::identity(store.conn()).unwrap().schema, SCHEMA_VERSION + 1);
    }

    #[test]
    fn a_failed_backup_stops_the_migration() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        drop(store_with_two_cards(dir.path()));
        // A file where the backup folder should be: the backup cannot be written.
        std::fs::write(dir.path().join("backups"), "in the way").unwrap();
        let extra: Vec<&str> = crate::store::MIGRATIONS
            .iter()
            .copied()
            .chain(["CREATE TABLE later (x INTEGER) STRICT;"])
            .collect();
        let mut store = Store::open(&path).unwrap();
        let err = store
            .migrate_with(SCHEMA_VERSION, &extra, &before_migration)
            .unwrap_err()
            .to_string();
        assert!(err.contains("making a backup first failed"), "{err}");
        assert!(err.contains("nothing was changed"), "{err}");
        assert_eq!(sql::identity(store.conn()).unwrap().schema, SCHEMA_VERSION);
    }
}
