//! `iskra restore`: what each backup holds, and putting one back in place
//! of the collection after checking it (the current file is saved first as
//! a `before-restore` backup). `cmd::restore` lists, asks and reports.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::backup::*;
use super::check::looks_like_sqlite;
use crate::error::{Error, Result, is_busy};
use crate::files::sidecar;
use crate::progress::{self, Progress};
use crate::store::inspect::{self as sql, open_for_inspection};

/// Cards and review-log rows of a collection.
pub type Sizes = (i64, i64);

/// A backup file's size in bytes (0 when it cannot be read) and, if it can
/// be opened, its cards and log rows.
pub fn file_sizes(backup: &Backup) -> (u64, Option<Sizes>) {
    let size = std::fs::metadata(&backup.path).map_or(0, |m| m.len());
    let sizes = open_for_inspection(&backup.path)
        .and_then(|conn| sql::sizes(&conn))
        .ok();
    (size, sizes)
}

/// A backup chosen and checked: sound, and a collection this iskra can use.
#[derive(Debug)]
pub struct Verified {
    pub name: String,
    pub sizes: Sizes,
    conn: rusqlite::Connection,
}

/// The backup `choice` names (see [`choose`]), opened and checked,
/// reporting to `progress` how much of it the check has read.
pub fn verified(backups: &[Backup], choice: &str, progress: &dyn Progress) -> Result<Verified> {
    let (path, name) = choose(backups, choice)?;
    let start = progress::mib_read();
    let (conn, sizes) = progress::watching(
        progress,
        "MiB read",
        0,
        || progress::mib_read().saturating_sub(start),
        || verify(&path, &name),
    )?;
    Ok(Verified { name, sizes, conn })
}

/// The backup `choice` names: a number from the listing, a file name in the
/// backup folder, or a path to a backup file.
fn choose(backups: &[Backup], choice: &str) -> Result<(PathBuf, String)> {
    let unknown = |what: String| {
        Error::Usage(format!(
            "{what}.\n  hint: `iskra restore` lists the backups with their numbers"
        ))
    };
    if let Ok(n) = choice.trim().parse::<usize>() {
        return match backups.get(n.wrapping_sub(1)) {
            Some(b) => Ok((b.path.clone(), b.name.clone())),
            None => Err(unknown(format!(
                "there is no backup number {n} (there are {})",
                backups.len()
            ))),
        };
    }
    if let Some(b) = backups.iter().find(|b| b.name == choice) {
        return Ok((b.path.clone(), b.name.clone()));
    }
    let path = PathBuf::from(choice);
    if path.is_file() {
        return Ok((path, choice.to_string()));
    }
    Err(unknown(format!("no backup named {choice:?}")))
}

/// Opens a backup and makes sure it is a sound collection this iskra can use.
fn verify(path: &Path, name: &str) -> Result<(rusqlite::Connection, Sizes)> {
    let unreadable = |e: rusqlite::Error| format!("it cannot be read ({e})");
    let check = || -> std::result::Result<(rusqlite::Connection, Sizes), String> {
        if !looks_like_sqlite(path).unwrap_or(false) {
            return Err("it is not a SQLite database".into());
        }
        let conn = open_for_inspection(path).map_err(unreadable)?;
        let identity = sql::identity(&conn).map_err(unreadable)?;
        if !identity.usable() {
            return Err(format!(
                "it is not an iskra collection this version can open (schema version {})",
                identity.schema
            ));
        }
        if let Some(problem) = sql::integrity_problems(&conn, 1).map_err(unreadable)?.first() {
            return Err(format!("it is damaged ({problem})"));
        }
        let sizes = sql::sizes(&conn).map_err(unreadable)?;
        Ok((conn, sizes))
    };
    check().map_err(|why| {
        Error::Usage(format!(
            "{name} cannot be restored: {why}; nothing was changed.\n  hint: choose another backup (`iskra restore` lists them)"
        ))
    })
}

/// `VACUUM INTO temp`, reporting the copy's size so far against `total`
/// (the source's size in MiB; the copy leaves out free pages, so it may end
/// below it) as `what`.
fn copy_showing(
    source: &rusqlite::Connection,
    temp: &Path,
    total: u64,
    what: &str,
    progress: &dyn Progress,
) -> Result<()> {
    progress::watching(
        progress,
        what,
        total,
        || progress::mib_of(temp),
        || sql::vacuum_into(source, temp),
    )
}

/// Puts the verified backup in place of the collection at `path`. The
/// current collection (if any) is saved first and that copy's path returned;
/// older backups beyond the restored collection's `backups-keep` are pruned.
/// The copies' progress is reported to `progress`.
pub fn restore(path: &Path, backup: Verified, at: DateTime<Utc>, progress: &dyn Progress) -> Result<Option<PathBuf>> {
    let saved = if path.exists() {
        crate::store::settle_interrupted_write(path)?;
        Some(save_current(path, at, progress)?)
    } else {
        None
    };
    let lock = match lock_for_swap(path) {
        Ok(lock) => lock,
        Err(e) => {
            if let Some(saved) = &saved {
                let _ = std::fs::remove_file(saved);
            }
            return Err(e);
        }
    };
    install(path, &backup.conn, progress)?;
    drop(lock);
    let keep = sql_keep(&backup.conn);
    if let Some(saved) = &saved {
        let _ = prune(path, keep, saved);
    }
    Ok(saved)
}

fn sql_keep(conn: &rusqlite::Connection) -> u32 {
    sql::settings(conn).map_or(DEFAULT_KEEP, |s| s.backups_keep)
}

/// Saves the collection about to be replaced: a `before-restore` backup when
/// SQLite can read it, else a raw `damaged` copy (with its write-ahead log).
/// A readable collection must not be open in another process (see
/// [`leave_wal_mode`]); then it is left without a write-ahead log, so no
/// stale `-wal` file can outlive the swap.
fn save_current(path: &Path, at: DateTime<Utc>, progress: &dyn Progress) -> Result<PathBuf> {
    let nothing_changed = |e: Error| {
        Error::Storage(format!(
            "could not save the current collection before restoring ({e}); nothing was changed.\n  hint: free some disk space or make {} writable",
            crate::error::shown(&backups_dir(path))
        ))
    };
    let readable = open_for_inspection(path)
        .ok()
        .filter(|conn| sql::identity(conn).is_ok_and(|id| id.is_iskra));
    let copied = readable.as_ref().map(|conn| {
        write_backup(path, at, "before-restore", |temp| {
            copy_showing(conn, temp, progress::mib_of(path), "MiB saved", progress)
        })
    });
    drop(readable);
    match copied {
        Some(Ok(saved)) => match leave_wal_mode(path) {
            Ok(()) => Ok(saved),
            Err(e) => {
                let _ = std::fs::remove_file(&saved);
                Err(e)
            }
        },
        Some(Err(Error::Corrupt { .. } | Error::Sqlite(_))) | None => {
            let saved = write_backup(path, at, "damaged", |temp| {
                std::fs::copy(path, temp).map_err(Error::io(path))?;
                Ok(())
            })
            .map_err(nothing_changed)?;
            for suffix in ["-wal", "-journal"] {
                let side = sidecar(path, suffix);
                if side.exists() {
                    std::fs::copy(&side, sidecar(&saved, suffix)).map_err(Error::io(&side))?;
                }
            }
            Ok(saved)
        }
        Some(Err(e)) => Err(nothing_changed(e)),
    }
}

/// Switches a healthy collection to rollback-journal mode, which SQLite
/// allows only when no other connection has it open and which folds the
/// write-ahead log into the file. A damaged file is left as it is.
fn leave_wal_mode(path: &Path) -> Result<()> {
    use rusqlite::OpenFlags;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let Ok(conn) = rusqlite::Connection::open_with_flags(path, flags) else {
        return Ok(());
    };
    conn.busy_timeout(std::time::Duration::from_secs(2))?;
    match conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0)) {
        Ok(_) => Ok(()),
        Err(e) if is_busy(&e) => Err(open_elsewhere(path)),
        Err(_) => Ok(()),
    }
}

/// Takes SQLite's exclusive lock on the collection about to be replaced and
/// holds it until the swap is done, so that no other iskra writes to it
/// meanwhile (a large build or import in rollback-journal mode, which
/// switching to that mode could not tell apart, would commit into the file
/// replaced and report its work stored). None when there is nothing to
/// lock or the file cannot be read as SQLite (a damaged file).
fn lock_for_swap(path: &Path) -> Result<Option<rusqlite::Connection>> {
    use rusqlite::OpenFlags;
    if !path.exists() {
        return Ok(None);
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let Ok(conn) = rusqlite::Connection::open_with_flags(path, flags) else {
        return Ok(None);
    };
    conn.busy_timeout(std::time::Duration::from_secs(2))?;
    match conn.execute_batch("BEGIN EXCLUSIVE") {
        Ok(()) => Ok(Some(conn)),
        Err(e) if is_busy(&e) => Err(open_elsewhere(path)),
        Err(_) => Ok(None),
    }
}

fn open_elsewhere(path: &Path) -> Error {
    Error::Storage(format!(
        "{} is open in another iskra (a review, quiz, build or import?); nothing was changed.\n  hint: let it finish, then run the restore again",
        crate::error::shown(path)
    ))
}

/// Puts a copy of the backup in place of the collection: written next to
/// it, flushed, stale `-wal`/`-shm`/`-journal` files removed (a journal
/// left would be rolled back into the restored file), then renamed over it.
fn install(path: &Path, source: &rusqlite::Connection, progress: &dyn Progress) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.restore.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&temp);
    let result = (|| -> Result<()> {
        let size = source.path().map_or(0, |p| progress::mib_of(Path::new(p)));
        copy_showing(source, &temp, size, "MiB restored", progress)?;
        std::fs::File::open(&temp)
            .and_then(|f| f.sync_all())
            .map_err(Error::io(&temp))?;
        for suffix in ["-wal", "-shm", "-journal"] {
            match std::fs::remove_file(sidecar(path, suffix)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::io(path)(e)),
                _ => {}
            }
        }
        std::fs::rename(&temp, path).map_err(Error::io(path))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result?;
    sync_dir(dir);
    Ok(())
}
