//! The collection: one SQLite file (WAL, foreign keys, STRICT tables),
//! versioned with `PRAGMA user_version` and numbered migrations. All SQL lives
//! in this module and its children, next to the code that runs it:
//!
//! - this file opens and migrates the collection;
//! - one file per table (`decks`, `facts`, `cards`, `review_log`,
//!   `settings`), each with its row mapper, its one insert and its writes;
//! - [`Tx`] (`tx.rs`): the write transaction a caller owns, on which the
//!   tables' functions run;
//! - `bulk.rs`: bulk transactions, with triggers and indexes set aside;
//!   `bulk_writer.rs` writes a whole collection in one (the generator);
//! - `card_changes.rs`: a card's snapshot, what the card commands, their
//!   undo and leeches change; `undo.rs`: the `undo` table;
//! - `read/`: read models for the study queue, statistics, authors' views,
//!   FSRS training and deck exports;
//! - `search/`: the filter tree of `iskra search`, compiled to SQL with
//!   bound values;
//! - `inspect.rs`: what backups, `check` and `restore` look at;
//! - `sync/`: what syncing through a shared folder keeps (devices, chunks,
//!   events, card identities).
//!
//! The store imports only the ground floor (`card`, `clock`, `error`,
//! `settings`): it takes and returns rows, and the domain turns them into
//! its own types.

mod anki;
mod bulk;
mod bulk_writer;
mod card_changes;
mod cards;
mod deck_options;
mod decks;
mod facts;
mod foreign_keys;
mod guard;
pub mod inspect;
mod journal;
mod new_cards;
pub mod read;
mod repair;
mod review_log;
pub mod search;
mod settings;
pub mod sync;
mod tx;
mod undo;
mod wal_sync;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, ffi::ErrorCode};

use crate::error::{Error, Result};

pub use anki::{AnkiCard, AnkiNoteRow};
pub use bulk_writer::BulkWriter;
pub use card_changes::CardSnapshot;
pub use cards::{BuryRules, CardRow, DAY_DUE_LIMIT, NewCard, StoredSchedule, queue};
pub use deck_options::{DeckOptions, Origin};
pub use decks::{DeckRow, DeckTotals, RenumberedCloze, SyncReport};
pub use facts::FactRow;
pub use guard::{DamageGate, Verdict};
pub use journal::{has_rollback_journal, rollback_journal, settle_interrupted_write};
pub use new_cards::FileCard;
pub use read::overview::{DeckSummary, ShownCard};
pub use read::queue::{DeckCounts, QueueQuery, StudiedToday, WaitingCounts};
pub use read::training::{SimulationCard, TrainingRow};
pub use read::{deck_export, stats};
pub use repair::Recounted;
pub use review_log::{LogAppender, LogEntry, LoggedAnswer, ManualEntry};
pub use settings::{FsrsFit, FsrsFits, Settings};
pub use tx::{ReadSpan, Tx};
pub use undo::{Barrier, UNDO_STEPS, UndoCard, UndoStep};
pub use wal_sync::Unsynced;

/// `PRAGMA application_id` of an iskra collection ("ISKR").
const APPLICATION_ID: i64 = 0x4953_4b52;

/// How many compiled statements a connection keeps (see `Store::prepare`).
const STATEMENT_CACHE: usize = 64;

/// Migrations, in order; migration `i` brings the schema to version `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("schema_v1.sql"),
    include_str!("schema_v2.sql"),
    include_str!("schema_v3.sql"),
    include_str!("schema_v4_sync.sql"),
    include_str!("schema_v5_sched.sql"),
    include_str!("schema_v6_anki.sql"),
    include_str!("schema_v7_counts.sql"),
    include_str!("schema_v8_search.sql"),
    include_str!("schema_v9_queue.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// A step run before an existing collection is migrated, given the open
/// collection and the schema versions from and to; an error stops the
/// migration. `maintenance` passes one that backs the old version up, so
/// the store does not depend on backups.
pub type PreMigration<'a> = &'a dyn Fn(&Store, i64, i64) -> Result<()>;

/// An open collection.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The time new rows are stamped with (cards' `added_ms`), UTC ms: the
    /// command's clock ([`Store::set_now`]); none, nothing is stamped.
    now_ms: Option<i64>,
    /// The helper thread that syncs the log of unsynced commits
    /// ([`Store::overlap_syncs`]).
    wal_sync: Option<wal_sync::Syncer>,
}

impl Store {
    /// Opens (or creates, with its parent directories) the collection at `path`.
    /// A file that is not an iskra collection, is damaged, or comes from a newer
    /// iskra is refused before anything is written to it.
    ///
    /// No step runs before a migration; the command layer opens with
    /// [`Store::open_with`] and a hook that backs the old version up.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, &|_, _, _| Ok(()))
    }

    /// [`Store::open`], calling `before_migration` before an existing
    /// collection is migrated (if it fails, nothing is migrated).
    pub fn open_with(path: &Path, before_migration: PreMigration) -> Result<Store> {
        let exists = match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => true,
            Ok(_) => return Err(crate::files::not_a_regular_file(path, "a collection is a file")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(source) => return Err(Error::io(path)(source)),
        };
        if exists {
            check_before_writing(path)?;
        } else if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| open_error(path, e))?;
        // SQLite falls back to read-only for a file it cannot write: refuse it
        // now, before a command half-runs and fails at its first write.
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            return Err(Error::Usage(format!(
                "cannot open {} for writing (the file or its file system is read-only).\n  hint: check the file's and its directory's permissions, or choose another --collection",
                crate::error::shown(path)
            )));
        }
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            now_ms: None,
            wal_sync: None,
        };
        store.prepare(before_migration).map_err(|e| store.classify(e))?;
        Ok(store)
    }

    /// A fresh collection in memory, for tests.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store {
            conn,
            path: PathBuf::from(":memory:"),
            now_ms: None,
            wal_sync: None,
        };
        store.prepare(&|_, _, _| Ok(()))?;
        Ok(store)
    }

    /// The SQL of every table, index and trigger, by name: for tests that
    /// check what a bulk write set aside came back as it was.
    #[cfg(test)]
    pub(crate) fn schema_sql(&self) -> Vec<String> {
        let mut stmt = self
            .conn
            .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            .expect("sqlite_master is readable");
        stmt.query_map([], |r| r.get(0))
            .expect("sqlite_master is readable")
            .map(|row| row.expect("sqlite_master is readable"))
            .collect()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Sets the time the rows written from now on are stamped with (when a
    /// card was added): the injected clock's, never the wall clock read here.
    pub fn set_now(&mut self, now_ms: i64) {
        self.now_ms = Some(now_ms);
    }

    /// Runs `f` in one write transaction ([`Store::begin`]): all of it is
    /// stored, or none.
    pub fn transaction<T>(&mut self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let tx = self.begin()?;
        let value = f(tx.conn())?;
        tx.commit()?;
        Ok(value)
    }

    fn prepare(&mut self, before_migration: PreMigration) -> Result<()> {
        // A review step alone runs ~16 distinct statements; rusqlite's
        // default cache of 16 then evicts and compiles them again.
        self.conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        self.conn.busy_timeout(journal::BUSY_TIMEOUT)?;
        plan_independent_of_bound_values(&self.conn)?;
        let app_id: i64 = self.conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        identify(&self.path, app_id, version, tables)?;
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        register_fold(&self.conn)?;
        register_card_id(&self.conn)?;
        self.migrate_with(version, MIGRATIONS, before_migration)
    }

    /// Applies `migrations` from version `from` on. An existing collection is
    /// handed to `before_migration` first (which backs it up); if that fails,
    /// nothing is migrated.
    pub(crate) fn migrate_with(
        &mut self,
        from: i64,
        migrations: &[&str],
        before_migration: PreMigration,
    ) -> Result<()> {
        if from > 0 && (from as usize) < migrations.len() {
            before_migration(self, from, migrations.len() as i64)?;
        }
        for (index, sql) in migrations.iter().enumerate().skip(from as usize) {
            let version = index as i64 + 1;
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
            // Another process may have migrated while we waited for the lock.
            let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if now >= version {
                continue;
            }
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Turns low-level errors on this file into errors that say what is wrong.
    fn classify(&self, err: Error) -> Error {
        match err {
            Error::Sqlite(e) => open_error(&self.path, e),
            other => other,
        }
    }

    /// Keeps checkpoints (copying the write-ahead log into the collection
    /// file, every 1000 pages by default) out of commits from now on: a
    /// review session asks for this so that no answer waits for one (at 12
    /// pages an answer, one answer in 80 did: the p99 of a commit). The log
    /// is checkpointed when the collection is closed. Durability is the same:
    /// every commit is synced to the log. The price: the log grows through
    /// the session instead of being rewritten in place, which makes a typical
    /// commit ~0.1 ms slower (BENCHMARKS.md).
    pub fn defer_checkpoints(&mut self) -> Result<()> {
        self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        Ok(())
    }

    /// Lets [`Tx::commit_unsynced`] commit without SQLite syncing and sync
    /// the write-ahead log on a helper thread (`wal_sync.rs`), so that a
    /// review session picks its next card while its answer is made durable.
    /// Nothing changes for a collection in memory or not in WAL mode.
    pub fn overlap_syncs(&mut self) -> Result<()> {
        if self.wal_sync.is_some() || self.path == Path::new(":memory:") {
            return Ok(());
        }
        let mode: String = self.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if let (true, Some(wal)) = (mode.eq_ignore_ascii_case("wal"), wal_sync::log_path(&self.conn)) {
            self.wal_sync = Some(wal_sync::Syncer::start(wal)?);
        }
        Ok(())
    }

    /// `PRAGMA integrity_check`: `ok`, or what is wrong.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// Turns on SQLite's query planner stability guarantee (QPSG): a statement's
/// plan never depends on the values bound to it, so a cached statement is
/// never compiled again because a value changed. Without it the bundled
/// SQLite (3.54) marks every statement with a bound `LIMIT ?` (the queue
/// counts) to be re-prepared whenever that value is bound anew, and would do
/// the same for values compared with indexed columns if the collection had
/// STAT4 statistics: re-preparing was 75% of a review session's
/// instructions (BENCHMARKS.md, "Performance, round two (issue
/// 21)", STAT4 and ANALYZE). The plans our queries need come from the indexes alone.
pub(crate) fn plan_independent_of_bound_values(conn: &Connection) -> Result<()> {
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

fn open_error(path: &Path, err: rusqlite::Error) -> Error {
    match err.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => Error::NotACollection {
            path: path.to_path_buf(),
            detail: "not a SQLite database".into(),
        },
        Some(ErrorCode::DatabaseCorrupt) => Error::Corrupt {
            path: path.to_path_buf(),
            detail: err.to_string(),
        },
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => Error::Usage(format!(
            "cannot open {} for writing ({err}).\n  hint: check the file's and its directory's permissions, or choose another --collection",
            crate::error::shown(path)
        )),
        _ => Error::from(err),
    }
}

/// Registers `iskra_fold(text)`, [`crate::text::fold`] in SQL: what the
/// folded search columns are made with (schema 3 fills them with it).
fn register_fold(conn: &Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("iskra_fold", 1, flags, |ctx| {
        Ok(match ctx.get_raw(0).as_str_or_null() {
            Ok(Some(text)) => Some(crate::text::fold(text)),
            _ => None,
        })
    })?;
    Ok(())
}

/// Registers `iskra_card_id(deck_key, fact_key, template, attempt)`,
/// [`crate::ids::card_id`] in SQL: what schema 4 gives every card.
fn register_card_id(conn: &Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("iskra_card_id", 4, flags, |ctx| {
        let text = |i: usize| {
            ctx.get_raw(i)
                .as_str()
                .map_err(|e| rusqlite::Error::UserFunctionError(e.into()))
        };
        let attempt = u32::try_from(ctx.get::<i64>(3)?).map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?;
        Ok(crate::ids::card_id(text(0)?, text(1)?, text(2)?, attempt))
    })?;
    Ok(())
}

/// `text` as a literal in a `LIKE` pattern with `ESCAPE '\'`.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// The checks of an existing file before it is opened for writing
/// ([`check_file_header`], [`refuse_before_writing`]), which read it without
/// SQLite's locks. A rollback journal is settled first (a write stopped
/// midway rolled back; one still committing is [`Error::Busy`]); if one
/// appears while the file is read, a large build or import has started
/// committing, which is the same busy collection, never a damaged one.
fn check_before_writing(path: &Path) -> Result<()> {
    let check = || {
        journal::settle_interrupted_write(path)?;
        check_file_header(path).and_then(|truncated| refuse_before_writing(path, truncated))
    };
    match check() {
        Err(Error::Corrupt { .. } | Error::NotACollection { .. } | Error::Sqlite(_))
            if journal::has_rollback_journal(path) =>
        {
            check()
        }
        checked => checked,
    }
}

fn wal_path(path: &Path) -> PathBuf {
    crate::files::sidecar(path, "-wal")
}

/// Checks the SQLite header of an existing file without SQLite: a file that
/// is not SQLite at all, or is shorter than its header says (truncated), is
/// refused before SQLite could try to recover it by writing. Returns true
/// when the file is shorter than its header says but has a write-ahead log,
/// which may hold the missing pages (a crash in a checkpoint): such a file
/// must be checked before it is written.
fn check_file_header(path: &Path) -> Result<bool> {
    use std::io::Read;
    let io = Error::io(path);
    let mut file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len == 0 {
        return Ok(false); // an empty file becomes a new collection
    }
    let mut header = [0u8; 100];
    let read = file.read(&mut header).map_err(io)?;
    if read < 100 || &header[..16] != b"SQLite format 3\0" {
        return Err(Error::NotACollection {
            path: path.to_path_buf(),
            detail: "not a SQLite database".into(),
        });
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let page_count = u64::from(u32::from_be_bytes([header[28], header[29], header[30], header[31]]));
    let change_counter = &header[24..28];
    let valid_for = &header[92..96];
    let short = change_counter == valid_for && page_count > 0 && len < page_size * page_count;
    if !short {
        return Ok(false);
    }
    let wal_len = std::fs::metadata(wal_path(path)).map(|m| m.len()).unwrap_or(0);
    if wal_len > 0 {
        return Ok(true);
    }
    Err(Error::Corrupt {
        path: path.to_path_buf(),
        detail: format!(
            "the file is truncated ({len} bytes; its header says {})",
            page_size * page_count
        ),
    })
}

/// Looks at an existing file read-only before it is opened for writing: a
/// file of another program, of a newer iskra, or damaged is refused without
/// a byte written (a read-write connection would checkpoint its write-ahead
/// log into it, or roll back a journal, when closed). With no write-ahead
/// log beside it, the file is read as it is on disk (immutable), which
/// makes no `-wal` or `-shm` file either; with one, it is read through the
/// log. `verify` (a file shorter than its header says, with a log) runs
/// `quick_check` first.
fn refuse_before_writing(path: &Path, verify: bool) -> Result<()> {
    let conn = if wal_path(path).exists() {
        inspect::open_for_inspection(path)
    } else {
        inspect::open_immutable(path)
    }
    .map_err(|e| open_error(path, e))?;
    let read = |e: rusqlite::Error| open_error(path, e);
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(read)?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(read)?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(read)?;
    identify(path, app_id, version, tables)?;
    if verify {
        let verdict: String = conn
            .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
            .map_err(read)?;
        if verdict != "ok" {
            return Err(Error::Corrupt {
                path: path.to_path_buf(),
                detail: format!("the file is shorter than its header says, and does not read whole ({verdict})"),
            });
        }
    }
    Ok(())
}

/// Refuses a database that is not an iskra collection this build can open;
/// true for a fresh (empty) one.
fn identify(path: &Path, app_id: i64, version: i64, tables: i64) -> Result<bool> {
    let fresh = app_id == 0 && version == 0 && tables == 0;
    if !fresh && app_id != APPLICATION_ID {
        return Err(Error::NotACollection {
            path: path.to_path_buf(),
            detail: "a SQLite database written by another program".into(),
        });
    }
    if version > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(fresh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_schema_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/collection.sqlite3");
        drop(Store::open(&path).unwrap());
        let store = Store::open(&path).unwrap();
        let version: i64 = store.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }

    #[test]
    fn refuses_other_sqlite_files_without_writing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE x (y INTEGER)").unwrap();
        drop(conn);
        let before = std::fs::read(&path).unwrap();
        let err = Store::open(&path).err().unwrap();
        assert!(matches!(err, Error::NotACollection { .. }), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn refuses_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        drop(Store::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        drop(conn);
        let err = Store::open(&path).err().unwrap();
        assert!(
            matches!(err, Error::NewerSchema { found, .. } if found == SCHEMA_VERSION + 1),
            "{err}"
        );
    }

    #[test]
    fn refuses_truncated_and_garbage_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        {
            let mut store = Store::open(&path).unwrap();
            store.conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
            store
                .transaction(|tx| {
                    for i in 0..2000 {
                        tx.execute(
                            "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                            (format!("k{i}"), "x".repeat(100)),
                        )?;
                    }
                    Ok(())
                })
                .unwrap();
        }
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        assert!(matches!(Store::open(&path).err().unwrap(), Error::Corrupt { .. }));
        std::fs::write(&path, b"hello, this is not a database at all, not even close to one................................................").unwrap();
        assert!(matches!(
            Store::open(&path).err().unwrap(),
            Error::NotACollection { .. }
        ));
    }
}
