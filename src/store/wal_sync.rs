//! Commits whose sync to disk runs beside other work: a review session's
//! answer is committed without SQLite syncing it ([`Tx::commit_unsynced`]),
//! a helper thread syncs the write-ahead log, and the session picks the next
//! card meanwhile; the answer is acknowledged only once [`Unsynced::wait`]
//! returns, i.e. once it is durable.
//!
//! Why this is `synchronous=FULL`'s durability: in WAL mode, FULL is NORMAL
//! plus one sync of the log after each commit (SQLite's `walFrames`; the
//! log's header is synced at a restart, and the log before every checkpoint,
//! in both modes). Here that one sync is an `fsync` of the log file, as
//! SQLite's own (`unixSync`: `fsync`, this build has no `HAVE_FDATASYNC`),
//! made after the commit instead of inside it, and waited for before anything
//! is acknowledged. The log is opened by its path at each sync: while this
//! connection is open the path names the log SQLite writes (in WAL mode a
//! connection keeps a shared lock on the collection, and a log is deleted
//! only under an exclusive one, by the last connection to close; this
//! connection changes its journal mode only in bulk writes, which a review
//! does not make). A later writer's sync or a checkpoint (which syncs the
//! log before copying it) makes the answer durable too, never less. A killed
//! process loses nothing it wrote (the pages are the kernel's). What differs:
//! another process may read the answer in the ~0.2 ms before it is durable.
//!
//! So the rule for readers that copy what they read out of the collection
//! (exports, the report, backups, sync's chunks and deck files) lives here
//! too: [`make_snapshot_durable`] fsyncs the log after their read
//! transaction has taken its snapshot and before they write anything out,
//! so nothing they copy can outlive, in the copy, a power loss that the
//! collection would not survive. Readers that only show what they read
//! (`status`, `stats`, a review in another terminal) need not: they copy
//! nothing, and their next write syncs the whole log first (FULL).

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use rusqlite::Connection;

use super::Store;
use super::tx::{ReadSpan, Tx};
use crate::error::{Error, Result};

/// The write-ahead log of the database `conn` has open, by the name SQLite
/// gives it (the database's full path, links resolved, and `-wal`); none for
/// a database in memory.
pub(super) fn log_path(conn: &Connection) -> Option<PathBuf> {
    conn.path()
        .filter(|path| !path.is_empty())
        .map(|path| super::wal_path(Path::new(path)))
}

/// Makes durable everything the read transaction open on `conn` sees: its
/// snapshot is taken (by its first read, if none was made yet), then the log
/// is fsynced, as SQLite syncs it. A commit another process made without
/// syncing (a review's answer, [`Tx::commit_unsynced`]) is then on disk
/// before a reader copies it anywhere. Without a log (not in WAL mode, or
/// the log emptied and deleted by the checkpoint of the last connection to
/// close, which synced the file) every commit is durable already.
pub(super) fn make_snapshot_durable(conn: &Connection) -> Result<()> {
    if conn.is_autocommit() {
        return Err(Error::Internal(
            "a snapshot is made durable inside its read transaction".into(),
        ));
    }
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
    sync_log(conn)
}

/// Fsyncs the log of the database `conn` has open, if it has one.
pub(super) fn sync_log(conn: &Connection) -> Result<()> {
    let Some(wal) = log_path(conn) else {
        return Ok(());
    };
    match std::fs::File::open(&wal) {
        Ok(log) => log.sync_all().map_err(Error::io(&wal)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(&wal)(e)),
    }
}

impl Store {
    /// Begins a read transaction for a reader that copies what it reads out
    /// of the collection (an export, the report, sync's deck files): what it
    /// sees is durable before this returns ([`make_snapshot_durable`]). End
    /// it with [`ReadSpan::end`] once the copy is written.
    pub fn begin_read_to_copy(&self) -> Result<ReadSpan> {
        let span = self.begin_read()?;
        match make_snapshot_durable(&self.conn) {
            Ok(()) => Ok(span),
            Err(e) => span.end(self, Err(e)),
        }
    }
}

impl Tx<'_> {
    /// Makes durable what this transaction reads (its snapshot is the
    /// collection as it began), for one that copies it out before it
    /// commits: sync writes a chunk file, then marks its events written.
    pub fn make_snapshot_durable(&self) -> Result<()> {
        make_snapshot_durable(self.conn())
    }
}

/// The helper thread that syncs the write-ahead log, one per store that
/// asked for it ([`super::Store::overlap_syncs`]). It ends when the store
/// is dropped.
pub(super) struct Syncer {
    wal: PathBuf,
    requests: mpsc::Sender<Request>,
}

/// One sync to make; the result goes back on `done`.
struct Request {
    wal: PathBuf,
    done: mpsc::Sender<std::io::Result<()>>,
}

impl Syncer {
    pub(super) fn start(wal: PathBuf) -> Result<Syncer> {
        let (requests, incoming) = mpsc::channel::<Request>();
        std::thread::Builder::new()
            .name("iskra-wal-sync".into())
            .spawn(move || {
                for request in incoming {
                    let synced = std::fs::File::open(&request.wal).and_then(|log| log.sync_all());
                    let _ = request.done.send(synced);
                }
            })
            .map_err(|e| Error::Internal(format!("cannot start the thread that syncs the log: {e}")))?;
        Ok(Syncer { wal, requests })
    }

    /// Asks the helper to sync the log now.
    fn sync(&self) -> Result<Unsynced> {
        let (done, result) = mpsc::channel();
        let request = Request {
            wal: self.wal.clone(),
            done,
        };
        self.requests
            .send(request)
            .map_err(|_| Error::Internal("the thread that syncs the log has stopped".into()))?;
        Ok(Unsynced {
            wal: self.wal.clone(),
            result: Some(result),
        })
    }
}

/// A committed transaction not yet known to be durable
/// ([`Tx::commit_unsynced`]): nothing it did may be acknowledged before
/// [`Unsynced::wait`] returns. Dropped without waiting (on an error path),
/// it still waits, so syncs never pile up.
#[must_use = "a commit is durable only once Unsynced::wait returns"]
pub struct Unsynced {
    wal: PathBuf,
    /// The helper's answer; none once waited for, or for a commit SQLite synced.
    result: Option<mpsc::Receiver<std::io::Result<()>>>,
}

impl Unsynced {
    /// A commit that is durable already (SQLite synced it).
    fn durable() -> Unsynced {
        Unsynced {
            wal: PathBuf::new(),
            result: None,
        }
    }

    /// Waits until the commit is durable; an error if the sync failed (the
    /// commit is then visible but may not survive a power loss).
    pub fn wait(mut self) -> Result<()> {
        match self.result.take() {
            None => Ok(()),
            Some(result) => match result.recv() {
                Ok(Ok(())) => Ok(()),
                Ok(Err(source)) => Err(Error::Io {
                    path: self.wal.clone(),
                    source,
                }),
                Err(_) => Err(Error::Internal("the thread that syncs the log has stopped".into())),
            },
        }
    }
}

impl Drop for Unsynced {
    fn drop(&mut self) {
        if let Some(result) = self.result.take() {
            let _ = result.recv();
        }
    }
}

impl Store {
    /// Begins a write transaction whose commit SQLite does not sync
    /// (`synchronous=NORMAL`, set outside the transaction as SQLite requires,
    /// and FULL again when it ends): commit it with [`Tx::commit_unsynced`].
    /// A store without the helper ([`Store::overlap_syncs`]) begins as
    /// [`Store::begin`].
    pub fn begin_unsynced(&mut self) -> Result<Tx<'_>> {
        if self.wal_sync.is_none() {
            return self.begin();
        }
        set_synchronous(&self.conn, "NORMAL")?;
        match Tx::begin(&self.conn, None, self.now_ms) {
            Ok(mut tx) => {
                tx.syncer = self.wal_sync.as_ref();
                tx.unsynced = true;
                Ok(tx)
            }
            Err(e) => {
                set_synchronous(&self.conn, "FULL")?;
                Err(e)
            }
        }
    }
}

/// `PRAGMA synchronous = level`. Not a cached statement: two more in the
/// connection's cache of 16 pushed the review step's own statements out, and
/// each step compiled them again (28% of its time, perf).
pub(super) fn set_synchronous(conn: &Connection, level: &str) -> Result<()> {
    conn.execute_batch(&format!("PRAGMA synchronous = {level}"))?;
    Ok(())
}

impl Tx<'_> {
    /// Commits a transaction begun by [`Store::begin_unsynced`] without
    /// SQLite syncing the write-ahead log, and has the store's helper thread
    /// sync it (see the module comment): the commit is durable when the
    /// returned [`Unsynced::wait`] returns. Any other transaction commits as
    /// [`Tx::commit`], durable on return.
    pub fn commit_unsynced(self) -> Result<Unsynced> {
        match (self.unsynced, self.syncer()) {
            (true, Some(syncer)) => {
                // Commits, then sets FULL again (Tx::commit).
                self.commit()?;
                syncer.sync()
            }
            _ => {
                self.commit()?;
                Ok(Unsynced::durable())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synchronous(store: &Store) -> i64 {
        store.conn().query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap()
    }

    fn settings_rows(store: &Store) -> i64 {
        store
            .conn()
            .query_row("SELECT count(*) FROM settings", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn only_the_unsynced_commit_skips_sqlites_sync_and_it_is_synced_before_wait_returns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let mut store = Store::open(&path).unwrap();
        assert_eq!(synchronous(&store), 2, "FULL");
        // Without the helper, an unsynced transaction is an ordinary one.
        let tx = store.begin_unsynced().unwrap();
        assert!(tx.syncer().is_none());
        tx.commit_unsynced().unwrap().wait().unwrap();

        store.overlap_syncs().unwrap();
        let before = settings_rows(&store);
        let tx = store.begin_unsynced().unwrap();
        let level: i64 = tx.conn().query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        assert_eq!(level, 1, "NORMAL inside the transaction");
        tx.conn()
            .execute("INSERT INTO settings (key, value) VALUES ('x-test', '1')", [])
            .unwrap();
        let unsynced = tx.commit_unsynced().unwrap();
        assert_eq!(synchronous(&store), 2, "FULL again once committed");
        assert_eq!(settings_rows(&store), before + 1);
        unsynced.wait().unwrap();

        // Rolled back: FULL again too, nothing stored.
        {
            let tx = store.begin_unsynced().unwrap();
            tx.conn()
                .execute("INSERT INTO settings (key, value) VALUES ('y-test', '1')", [])
                .unwrap();
        }
        assert_eq!((synchronous(&store), settings_rows(&store)), (2, before + 1));
        // Every other transaction commits as before, synced by SQLite.
        let tx = store.begin().unwrap();
        assert!(tx.syncer().is_none());
        tx.commit().unwrap();
        assert_eq!(synchronous(&store), 2);
    }

    #[test]
    fn a_failed_sync_is_an_error_naming_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let syncer = Syncer::start(dir.path().join("missing.sqlite3-wal")).unwrap();
        let err = syncer.sync().unwrap().wait().expect_err("no log to sync");
        assert!(
            matches!(&err, Error::Io { path, .. } if path.ends_with("missing.sqlite3-wal")),
            "{err}"
        );
    }

    /// SQLite's automatic checkpoint runs inside the commit that fills the
    /// log, so with `synchronous=NORMAL`: it copies the unsynced answer into
    /// the collection file. It syncs the log before and the file after
    /// (`walCheckpoint`, with the checkpoint's sync flags, which NORMAL keeps;
    /// the order is shown by tracing this test: BENCHMARKS.md, issue 21's
    /// overlap). Here: the checkpoint fires and copies everything, and the
    /// commit is whole and FULL set again.
    #[test]
    fn a_checkpoint_inside_an_unsynced_commit_copies_it_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let mut store = Store::open(&path).unwrap();
        store.overlap_syncs().unwrap();
        store.conn().pragma_update(None, "wal_autocheckpoint", 1).unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        let tx = store.begin_unsynced().unwrap();
        for i in 0..200 {
            tx.conn()
                .execute(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                    (format!("x-{i}"), "v".repeat(400)),
                )
                .unwrap();
        }
        tx.commit_unsynced().unwrap().wait().unwrap();
        assert_eq!(synchronous(&store), 2, "FULL again");
        // The checkpoint ran inside the commit: the file holds the rows, and
        // nothing is left in the log to copy.
        assert!(std::fs::metadata(&path).unwrap().len() > before + 50_000);
        let (busy, log, copied): (i64, i64, i64) = store
            .conn()
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!((busy, log), (0, copied), "everything in the log was copied");
        let file = crate::store::inspect::open_immutable(&path).unwrap();
        let rows: i64 = file
            .query_row("SELECT count(*) FROM settings WHERE key LIKE 'x-%'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 200, "the collection file alone holds the commit");
    }

    #[test]
    fn a_store_in_memory_has_no_helper() {
        let mut store = Store::open_in_memory().unwrap();
        store.overlap_syncs().unwrap();
        assert!(store.wal_sync.is_none());
    }
}
