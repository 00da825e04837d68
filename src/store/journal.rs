//! The collection's journal: the write-ahead log (WAL) always, except for
//! the length of a bulk transaction that mostly appends to the file
//! ([`super::Store::begin_bulk_appending`]), which uses SQLite's rollback
//! journal: it holds only the pages the file had before, so appended pages
//! are written once instead of twice (log, then checkpoint). Leaving the
//! log needs the collection to be open in no other connection; when it is,
//! the log stays. Such a transaction also keeps its statement journals in
//! memory.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result, is_busy};

/// How long a connection waits for another's lock (`Store::open`).
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// What [`start_appending`] changed, for [`end_appending`] to put back.
#[derive(Debug, Clone, Copy)]
pub(super) struct Appending {
    /// The connection left the write-ahead log for the rollback journal.
    left_wal: bool,
}

/// Prepares `conn` (outside a transaction) for a transaction that mostly
/// appends: statement journals in memory, and the rollback journal instead
/// of the write-ahead log unless another connection has the collection open
/// (then it does not wait for it).
pub(super) fn start_appending(conn: &Connection) -> Result<Appending> {
    // A statement that fires triggers (a card or fact inserted, a schedule
    // written) keeps the pages it changes in a statement journal, which
    // otherwise went to a temporary file once one had spilled: 1.9 million
    // writes for the 100k-card package.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.busy_timeout(Duration::ZERO)?;
    let mode = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0));
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let left_wal = match mode {
        Ok(mode) => mode.eq_ignore_ascii_case("delete"),
        Err(e) if is_busy(&e) => false,
        Err(e) => {
            end_appending(conn, Appending { left_wal: false });
            return Err(e.into());
        }
    };
    Ok(Appending { left_wal })
}

/// Puts back what [`start_appending`] changed, once the transaction has
/// ended. The write-ahead log is left as it is if taking it up again fails:
/// the next `Store::open` takes it up (a committed transaction is durable
/// either way).
pub(super) fn end_appending(conn: &Connection, appending: Appending) {
    if appending.left_wal {
        let _ = conn.pragma_update(None, "journal_mode", "WAL");
    }
    let _ = conn.pragma_update(None, "temp_store", "DEFAULT");
}

/// Runs `build` (the rebuild of indexes set aside, inside the appending
/// transaction) with SQLite's sorter on temporary files and a second
/// thread, then puts the in-memory statement journals back. With
/// `temp_store = MEMORY` SQLite keeps a sort's runs in memory and never
/// hands one to a worker thread: rebuilding the log's indexes after the
/// 100k-card package's million rows took ~65 MiB more memory and a third
/// more CPU in memory than on disk (BENCHMARKS.md, "Import, fifth pass").
/// The sort's files are SQLite's own temporary files (deleted as they are
/// closed), the size of the index keys. If temporary storage cannot be
/// switched (a temporary table is open) the indexes are built in memory;
/// if the directory SQLite sorts in is full (a small `/tmp`), `build` runs
/// again in memory, as it did before temporary files were used (it must
/// start where the failed attempt stopped: a failed statement is undone).
/// Putting the settings back is best effort: the indexes are built.
pub(super) fn sorting_on_disk<T>(conn: &Connection, mut build: impl FnMut() -> Result<T>) -> Result<T> {
    let switched = conn.pragma_update(None, "temp_store", "FILE").is_ok();
    if !switched {
        return build();
    }
    let _ = conn.pragma_update(None, "threads", SORT_THREADS);
    let built = build();
    let _ = conn.pragma_update(None, "threads", 0);
    let in_memory = conn.pragma_update(None, "temp_store", "MEMORY").is_ok();
    match built {
        Err(Error::DiskFull { .. }) if in_memory && !conn.is_autocommit() => build(),
        built => built,
    }
}

/// Worker threads SQLite's sorter may use beside the connection's own
/// while indexes are rebuilt ([`sorting_on_disk`]).
const SORT_THREADS: i64 = 1;

/// The rollback journal beside the collection at `path` (`<path>-journal`).
pub fn rollback_journal(path: &Path) -> PathBuf {
    crate::files::sidecar(path, "-journal")
}

/// Whether a rollback journal with content lies beside `path`: either a
/// large build or import is writing (its transaction's journal), or one was
/// stopped midway (a hot journal, which SQLite rolls back at the next read).
pub fn has_rollback_journal(path: &Path) -> bool {
    std::fs::metadata(rollback_journal(path)).is_ok_and(|m| m.len() > 0)
}

/// Lets SQLite settle a rollback journal beside the collection at `path`
/// before anything looks at the file without SQLite's locks: a build or
/// import killed while it committed leaves the file half-written and the
/// journal that puts it back (SQLite rolls it back under its lock at the
/// first read; that is the recovery, not damage), and one still committing
/// holds the lock, which is [`Error::Busy`], not damage. Does nothing when
/// there is no journal. The file is read, not checked: a file that is not a
/// collection is refused by the checks that follow.
pub fn settle_interrupted_write(path: &Path) -> Result<()> {
    if !has_rollback_journal(path) {
        return Ok(());
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let Ok(conn) = Connection::open_with_flags(path, flags) else {
        return Ok(()); // not writable or not there: the checks that follow say why
    };
    conn.busy_timeout(BUSY_TIMEOUT)?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Err(e) if is_busy(&e) => Err(Error::Busy),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn journal_mode(conn: &Connection) -> String {
        conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap()
    }

    /// 2: temporary files (statement journals) in memory; 0: the default.
    fn temp_store(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA temp_store", [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn an_appending_transaction_uses_the_rollback_journal_then_the_log_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let mut store = Store::open(&path).unwrap();
        let tx = store.begin_bulk_appending(1).unwrap();
        assert_eq!((journal_mode(tx.conn()).as_str(), temp_store(tx.conn())), ("delete", 2));
        tx.conn().execute_batch("CREATE TABLE t (x)").unwrap();
        tx.commit().unwrap();
        assert_eq!(
            (journal_mode(store.conn()).as_str(), temp_store(store.conn())),
            ("wal", 0)
        );

        // Rolled back (dropped): the log is taken up again as well.
        let tx = store.begin_bulk_appending(1).unwrap();
        tx.conn().execute_batch("INSERT INTO t VALUES (1)").unwrap();
        drop(tx);
        assert_eq!(
            (journal_mode(store.conn()).as_str(), temp_store(store.conn())),
            ("wal", 0)
        );
        let rows: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0);
    }

    #[test]
    fn indexes_are_sorted_on_disk_with_a_worker_then_statement_journals_are_in_memory_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("c.sqlite3")).unwrap();
        let tx = store.begin_bulk_appending(1).unwrap();
        let threads = |conn: &Connection| -> i64 { conn.query_row("PRAGMA threads", [], |r| r.get(0)).unwrap() };
        let inside = sorting_on_disk(tx.conn(), || Ok((temp_store(tx.conn()), threads(tx.conn())))).unwrap();
        assert_eq!(
            inside,
            (1, SORT_THREADS),
            "temporary files, and a worker for the sorter"
        );
        assert_eq!((temp_store(tx.conn()), threads(tx.conn())), (2, 0), "back in memory");
        let failed: Result<()> = sorting_on_disk(tx.conn(), || Err(Error::Internal("x".into())));
        assert!(failed.is_err());
        assert_eq!(
            (temp_store(tx.conn()), threads(tx.conn())),
            (2, 0),
            "back after an error too"
        );
        // A full temporary directory: the same work again, in memory.
        let mut attempts = Vec::new();
        let built = sorting_on_disk(tx.conn(), || {
            attempts.push(temp_store(tx.conn()));
            match attempts.len() {
                1 => Err(Error::DiskFull {
                    detail: "database or disk is full".into(),
                }),
                _ => Ok("built"),
            }
        });
        assert_eq!(built.unwrap(), "built");
        assert_eq!(attempts, [1, 2], "on disk first, then in memory");
        tx.commit().unwrap();
    }

    #[test]
    fn with_another_connection_open_the_log_stays_and_nothing_waits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let mut store = Store::open(&path).unwrap();
        let other = Store::open(&path).unwrap();
        let _ = other.log_len().unwrap();
        let started = std::time::Instant::now();
        let tx = store.begin_bulk_appending(1).unwrap();
        assert_eq!(journal_mode(tx.conn()), "wal");
        assert!(
            started.elapsed() < BUSY_TIMEOUT / 2,
            "did not wait for the other connection"
        );
        tx.commit().unwrap();
        assert_eq!(journal_mode(store.conn()), "wal");
        drop(other);
    }
}
