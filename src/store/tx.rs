//! A write transaction the domain owns: a caller opens one with
//! [`Store::begin`], reads and writes rows through the table functions on
//! [`Tx`] (each defined next to its SQL, in its table's file), and commits.
//! It is IMMEDIATE: the write lock is taken when it begins, so what it reads
//! is what its writes apply to, and two processes never retry. A `Tx`
//! dropped without [`Tx::commit`] is rolled back.

use std::cell::RefCell;

use rusqlite::Connection;

use super::{Store, bulk, foreign_keys, journal};
use crate::error::Result;

/// An open write transaction on the collection (see the module comment).
pub struct Tx<'a> {
    conn: &'a Connection,
    /// The page cache size to put back when the transaction ends.
    cache_before: Option<i64>,
    /// For a bulk write: the insert triggers set aside and the bookkeeping
    /// the transaction keeps in their place.
    bulk: Option<RefCell<bulk::Bookkeeping>>,
    /// Indexes set aside until the commit ([`Tx::set_log_indexes_aside`]).
    indexes: RefCell<Option<bulk::SetAside>>,
    /// The store's time for stamping new rows ([`Store::set_now`]).
    now_ms: Option<i64>,
    /// A transaction that mostly appends ([`Store::begin_bulk_appending`]):
    /// what it changed in the connection, put back when it ends.
    appending: Option<journal::Appending>,
    /// Foreign keys off for the transaction ([`Store::begin_bulk_import`]):
    /// the checks it owes before its commit.
    deferred: Option<foreign_keys::Deferred>,
}

impl Store {
    /// Begins a write transaction.
    pub fn begin(&mut self) -> Result<Tx<'_>> {
        Tx::begin(&self.conn, None, self.now_ms)
    }

    /// Begins a write transaction with a page cache of `cache_mib` MiB (for
    /// one that touches many pages of large tables: a sync), so pages are not
    /// spilled to the WAL before the commit and read back.
    pub fn begin_with_cache(&mut self, cache_mib: i64) -> Result<Tx<'_>> {
        Tx::begin(&self.conn, Some(cache_mib), self.now_ms)
    }

    /// Begins a write transaction for writes of many rows (builds of large
    /// decks, the generator): with a page cache of `cache_mib` MiB, so no page
    /// is spilled to the WAL before the commit (and written again after), and
    /// with the per-row insert triggers set aside; the transaction keeps
    /// their bookkeeping itself (see [`bulk`]), so the collection is the same
    /// as with them.
    pub fn begin_bulk(&mut self, cache_mib: i64) -> Result<Tx<'_>> {
        let mut tx = Tx::begin(&self.conn, Some(cache_mib), self.now_ms)?;
        tx.bulk = Some(RefCell::new(bulk::Bookkeeping::start(tx.conn)?));
        Ok(tx)
    }

    /// [`Store::begin_bulk`] for a write that mostly appends to the file (an
    /// import several times the size of the collection): statement journals
    /// in memory, and SQLite's rollback journal instead of the write-ahead
    /// log while no other connection has the collection open. The journal keeps only the pages
    /// the file had, so the appended pages are written once, where the log
    /// writes every page twice (into the log, then into the file at the
    /// checkpoint); commits are as atomic and as durable. The log is taken
    /// up again when the transaction ends. With another connection open
    /// (a review in another terminal) this is [`Store::begin_bulk`].
    pub fn begin_bulk_appending(&mut self, cache_mib: i64) -> Result<Tx<'_>> {
        Tx::begin_appending(&self.conn, cache_mib, self.now_ms, false)
    }

    /// [`Store::begin_bulk_appending`] for an import that logs many answers:
    /// foreign keys are checked once before the commit instead of on every
    /// row ([`foreign_keys`]; a log row's card was a random page read each),
    /// and the commit fails if anything written names a missing row.
    pub fn begin_bulk_import(&mut self, cache_mib: i64) -> Result<Tx<'_>> {
        Tx::begin_appending(&self.conn, cache_mib, self.now_ms, true)
    }
}

/// A read transaction on the collection, begun by [`Store::begin_read`]
/// and ended by [`ReadSpan::end`]: the reads in between see one snapshot
/// and take the write-ahead log's read lock once, instead of once per
/// statement (a review step makes ~35 reads: picking the next card in each
/// deck, the header counts). It holds no borrow of the store, so a caller
/// can read through `&mut` methods in between; nothing may be written in it.
#[must_use = "a read transaction must be ended (ReadSpan::end)"]
pub struct ReadSpan {
    /// Whether this span began the transaction (not when one was open).
    began: bool,
}

impl Store {
    /// Begins a read transaction (see [`ReadSpan`]), unless a transaction
    /// is open already (then the span is part of it).
    pub fn begin_read(&self) -> Result<ReadSpan> {
        let began = self.conn.is_autocommit();
        if began {
            self.conn.execute_batch("BEGIN DEFERRED")?;
        }
        Ok(ReadSpan { began })
    }
}

impl ReadSpan {
    /// Ends the read transaction and passes `result` on (the first error
    /// wins: an error of the reads, else one of ending).
    pub fn end<T>(self, store: &Store, result: Result<T>) -> Result<T> {
        if self.began && !store.conn.is_autocommit() {
            let ended = store.conn.execute_batch("COMMIT");
            let value = result?;
            ended?;
            return Ok(value);
        }
        result
    }
}

impl<'a> Tx<'a> {
    fn begin(conn: &'a Connection, cache_mib: Option<i64>, now_ms: Option<i64>) -> Result<Tx<'a>> {
        let cache_before = match cache_mib {
            Some(mib) => {
                let before: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
                conn.pragma_update(None, "cache_size", -mib * 1024)?;
                Some(before)
            }
            None => None,
        };
        // Made first, so that the cache size is put back if BEGIN fails.
        let tx = Tx {
            conn,
            cache_before,
            bulk: None,
            indexes: RefCell::new(None),
            now_ms,
            appending: None,
            deferred: None,
        };
        conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(tx)
    }

    /// [`Store::begin_bulk_appending`], with foreign keys checked at the
    /// commit if `defer_keys` ([`Store::begin_bulk_import`]). Whatever it
    /// changed in the connection is put back if it fails.
    fn begin_appending(conn: &'a Connection, cache_mib: i64, now_ms: Option<i64>, defer_keys: bool) -> Result<Tx<'a>> {
        if defer_keys {
            foreign_keys::enforce(conn, false)?;
        }
        let begun = journal::start_appending(conn).and_then(|appending| {
            Tx::begin(conn, Some(cache_mib), now_ms)
                .inspect_err(|_| journal::end_appending(conn, appending))
                .map(|tx| (tx, appending))
        });
        let (mut tx, appending) = match begun {
            Ok(begun) => begun,
            Err(e) => {
                if defer_keys {
                    let _ = foreign_keys::enforce(conn, true);
                }
                return Err(e);
            }
        };
        // From here on, dropping `tx` puts everything back.
        tx.appending = Some(appending);
        if defer_keys {
            // Marked first, so that dropping `tx` turns the keys back on
            // even if noting the violations already there fails.
            tx.deferred = Some(foreign_keys::Deferred::default());
            tx.deferred = Some(foreign_keys::Deferred::start(tx.conn)?);
        }
        tx.bulk = Some(RefCell::new(bulk::Bookkeeping::start(tx.conn)?));
        Ok(tx)
    }

    /// The connection, for the table functions of the store.
    pub(super) fn conn(&self) -> &'a Connection {
        self.conn
    }

    /// The time new rows are stamped with, if the store has one.
    pub fn now_ms(&self) -> Option<i64> {
        self.now_ms
    }

    /// A log row naming `card_id` was inserted: checked at the commit when
    /// foreign keys are off ([`Store::begin_bulk_import`]).
    pub(super) fn card_logged(&self, card_id: i64) {
        if let Some(deferred) = &self.deferred {
            deferred.card_logged(card_id);
        }
    }

    /// The bookkeeping of a bulk write, if this is one.
    pub(super) fn bulk(&self) -> Option<std::cell::RefMut<'_, bulk::Bookkeeping>> {
        self.bulk.as_ref().map(RefCell::borrow_mut)
    }

    /// Sets the review log's secondary indexes aside until the commit, which
    /// builds them again: for logging many rows (an import), in uid order.
    pub fn set_log_indexes_aside(&self) -> Result<()> {
        let mut indexes = self.indexes.borrow_mut();
        if indexes.is_none() {
            *indexes = Some(bulk::set_aside(self.conn, bulk::LOG_INDEXES)?);
        }
        Ok(())
    }

    /// Builds the review log's indexes set aside ([`Tx::set_log_indexes_aside`])
    /// again now, before the commit: for reads by card or time that follow.
    pub fn restore_log_indexes(&self) -> Result<()> {
        if let Some(mut indexes) = self.indexes.borrow_mut().take() {
            indexes.restore(self.conn)?;
        }
        Ok(())
    }

    /// Stores everything written in the transaction.
    pub fn commit(mut self) -> Result<()> {
        if let Some(mut indexes) = self.indexes.take() {
            match self.appending {
                Some(_) => journal::sorting_on_disk(self.conn, || indexes.restore(self.conn))?,
                None => indexes.restore(self.conn)?,
            }
        }
        if let Some(bookkeeping) = self.bulk.take() {
            bookkeeping.into_inner().finish(self.conn)?;
        }
        if let Some(deferred) = &self.deferred {
            deferred.check(self.conn)?;
        }
        self.conn.execute_batch("COMMIT")?;
        self.put_settings_back();
        Ok(())
    }

    /// Puts back the connection settings a bulk transaction changed, once it
    /// has ended. Best effort: after a COMMIT the change is stored, and a
    /// setting that could not be put back must not report it as failed.
    fn put_settings_back(&mut self) {
        if let Some(before) = self.cache_before.take() {
            let _ = self.conn.pragma_update(None, "cache_size", before);
        }
        if let Some(appending) = self.appending.take() {
            journal::end_appending(self.conn, appending);
        }
        if self.deferred.take().is_some() {
            let _ = foreign_keys::enforce(self.conn, true);
        }
    }
}

impl Drop for Tx<'_> {
    /// Rolls back what was not committed (nothing after a commit).
    fn drop(&mut self) {
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        self.put_settings_back();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_rows(store: &Store) -> i64 {
        store
            .conn()
            .query_row("SELECT count(*) FROM settings", [], |r| r.get(0))
            .unwrap()
    }

    fn cache_size(store: &Store) -> i64 {
        store.conn().query_row("PRAGMA cache_size", [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn a_dropped_transaction_stores_nothing_and_a_committed_one_everything() {
        let mut store = Store::open_in_memory().unwrap();
        let before = settings_rows(&store);
        let mut settings = store.settings().unwrap();
        settings.new_per_day = 7;
        {
            let tx = store.begin().unwrap();
            tx.save_settings(&settings).unwrap();
            assert_eq!(
                tx.settings().unwrap().new_per_day,
                7,
                "a transaction reads its own writes"
            );
        }
        assert_eq!(settings_rows(&store), before);
        assert_eq!(store.settings().unwrap().new_per_day, 20);
        let tx = store.begin().unwrap();
        tx.save_settings(&settings).unwrap();
        tx.commit().unwrap();
        assert_eq!(store.settings().unwrap().new_per_day, 7);
        assert!(store.conn().is_autocommit());
    }

    #[test]
    fn a_bulk_transaction_puts_the_cache_size_and_triggers_back() {
        let mut store = Store::open_in_memory().unwrap();
        let cache = cache_size(&store);
        let triggers = |store: &Store| -> i64 {
            store
                .conn()
                .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'", [], |r| {
                    r.get(0)
                })
                .unwrap()
        };
        let all = triggers(&store);
        {
            let tx = store.begin_bulk(8).unwrap();
            let (size, set): (i64, i64) = (
                tx.conn().query_row("PRAGMA cache_size", [], |r| r.get(0)).unwrap(),
                tx.conn()
                    .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'", [], |r| {
                        r.get(0)
                    })
                    .unwrap(),
            );
            assert_eq!((size, set), (-8 * 1024, all - 7));
        }
        assert_eq!((cache_size(&store), triggers(&store)), (cache, all), "rolled back");
        store.begin_bulk(8).unwrap().commit().unwrap();
        assert_eq!((cache_size(&store), triggers(&store)), (cache, all), "committed");
    }

    #[test]
    fn a_read_span_sees_one_snapshot_and_ends_its_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let reader = Store::open(&path).unwrap();
        let mut writer = Store::open(&path).unwrap();
        let before = settings_rows(&reader);
        let span = reader.begin_read().unwrap();
        assert_eq!(settings_rows(&reader), before);
        writer
            .transaction(|conn| {
                conn.execute("INSERT INTO settings (key, value) VALUES ('x-test', '1')", [])?;
                Ok(())
            })
            .unwrap();
        assert_eq!(settings_rows(&reader), before, "the snapshot of the span's first read");
        assert_eq!(span.end(&reader, Ok(7)).unwrap(), 7);
        assert!(reader.conn().is_autocommit());
        assert_eq!(settings_rows(&reader), before + 1, "a new snapshot after the span");
        let err: Result<()> = reader
            .begin_read()
            .unwrap()
            .end(&reader, Err(crate::error::Error::Internal("x".into())));
        assert!(err.is_err());
        assert!(reader.conn().is_autocommit(), "ended on an error too");
    }

    #[test]
    fn a_second_writer_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let mut first = Store::open(&path).unwrap();
        let mut second = Store::open(&path).unwrap();
        second
            .conn()
            .busy_timeout(std::time::Duration::from_millis(50))
            .unwrap();
        let tx = first.begin().unwrap();
        let err = second.begin().err().expect("the write lock is taken at BEGIN");
        assert!(matches!(err, crate::error::Error::Busy), "{err}");
        tx.commit().unwrap();
        second.begin().unwrap().commit().unwrap();
    }
}
