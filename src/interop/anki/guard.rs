//! Reading a stranger's collection file without letting it run away: the
//! file is SQLite, and SQLite runs what its schema says. Before any query,
//! every schema object must be one of Anki's own tables or an index on one
//! ([`check_schema`]): a view (a recursive one never ends, and its sort
//! fills the disk), a trigger, a virtual table, a table Anki never makes or
//! a computed column is refused. Then every query runs under a budget
//! ([`Budget`]): SQLite's progress handler stops it after a number of steps
//! that grows with the file's size, or after a time limit, and no value may
//! be longer than [`MAX_VALUE_BYTES`]. The readers in `collection` also
//! read no more rows than the tables' counts.

use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::ReadError;

/// The tables Anki's collections have (schema 11, and 14 to 18), and the
/// statistics tables SQLite's `ANALYZE` makes (Anki runs it).
const ANKI_TABLES: &[&str] = &[
    "col",
    "notes",
    "cards",
    "revlog",
    "graves",
    "deck_config",
    "config",
    "fields",
    "templates",
    "notetypes",
    "decks",
    "tags",
    "sqlite_stat1",
    "sqlite_stat4",
    "sqlite_sequence",
];

/// The longest single value (a note's fields, a config blob) read.
pub const MAX_VALUE_BYTES: i32 = 64 << 20;

/// How long reading a collection may take at most, and how many SQLite
/// steps: a fixed allowance plus an amount per byte of the file.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub time: Duration,
    pub steps: u64,
}

impl Budget {
    /// SQLite steps allowed per byte of the collection file (reading every
    /// row of a real collection takes under a hundred).
    const STEPS_PER_BYTE: u64 = 2_000;

    /// The budget for a collection file of `bytes` bytes: 10 s plus a
    /// second per 16 MiB (a minute for the largest allowed), and 10 million
    /// steps plus [`Budget::STEPS_PER_BYTE`] per byte.
    pub fn for_size(bytes: u64) -> Budget {
        Budget {
            time: Duration::from_secs(10 + bytes / (16 << 20)),
            steps: 10_000_000u64.saturating_add(bytes.saturating_mul(Self::STEPS_PER_BYTE)),
        }
    }
}

/// Refuses a collection whose schema holds anything but Anki's tables and
/// indexes on them. Reads only `sqlite_master` (and each table's columns).
pub fn check_schema(conn: &Connection) -> Result<(), ReadError> {
    let mut stmt = conn.prepare("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master")?;
    let objects = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let refuse = |what: String| Err(ReadError::Foreign(what));
    for (kind, name, table, sql) in &objects {
        let anki_table = ANKI_TABLES.contains(&table.as_str());
        match kind.as_str() {
            "table"
                if sql
                    .trim_start()
                    .get(..14)
                    .is_some_and(|s| s.eq_ignore_ascii_case("create virtual")) =>
            {
                return refuse(format!("a virtual table {name:?}"));
            }
            "table" if !anki_table => return refuse(format!("a table {name:?}")),
            "table" => {
                // Hidden columns 2 and 3 are computed (generated) ones.
                let computed: i64 = conn.query_row(
                    "SELECT count(*) FROM pragma_table_xinfo(?1) WHERE hidden IN (2, 3)",
                    [name],
                    |r| r.get(0),
                )?;
                if computed > 0 {
                    return refuse(format!("a computed column in {name:?}"));
                }
            }
            "index" if anki_table => {}
            "index" => return refuse(format!("an index {name:?} on a table Anki never makes")),
            other => return refuse(format!("a {other} {name:?}")),
        }
    }
    Ok(())
}

/// Puts every query on `conn` under `budget` (see the module comment); an
/// exhausted budget interrupts the query, which then fails with
/// `SQLITE_INTERRUPT` ([`ReadError::from`] names it).
pub fn limit(conn: &mut Connection, budget: Budget) -> Result<(), ReadError> {
    conn.set_limit(rusqlite::limits::Limit::SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)?;
    const OPS_PER_CALL: u64 = 10_000;
    let deadline = Instant::now() + budget.time;
    let calls_allowed = budget.steps / OPS_PER_CALL;
    let mut calls = 0u64;
    conn.progress_handler(
        OPS_PER_CALL as i32,
        Some(move || {
            calls += 1;
            calls > calls_allowed || Instant::now() > deadline
        }),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection(sql: &str) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE col (id INTEGER PRIMARY KEY, ver INTEGER);
             CREATE TABLE notes (id INTEGER PRIMARY KEY, flds TEXT);
             CREATE INDEX ix_notes ON notes (flds);",
        )
        .unwrap();
        conn.execute_batch(sql).unwrap();
        conn
    }

    fn refused(sql: &str) -> String {
        match check_schema(&collection(sql)) {
            Err(ReadError::Foreign(what)) => what,
            other => panic!("{sql}: {other:?}"),
        }
    }

    #[test]
    fn only_ankis_tables_and_their_indexes_pass() {
        assert!(check_schema(&collection("")).is_ok());
        assert_eq!(refused("CREATE VIEW v AS SELECT 1"), "a view \"v\"");
        assert_eq!(
            refused("CREATE TRIGGER t AFTER INSERT ON notes BEGIN SELECT 1; END"),
            "a trigger \"t\""
        );
        assert_eq!(refused("CREATE TABLE evil (x)"), "a table \"evil\"");
        assert_eq!(
            refused("CREATE VIRTUAL TABLE cards USING fts5(a)"),
            "a virtual table \"cards\""
        );
        assert_eq!(
            refused("ALTER TABLE notes ADD COLUMN g AS (length(flds))"),
            "a computed column in \"notes\""
        );
    }

    #[test]
    fn a_query_that_never_ends_is_stopped_by_its_budget() {
        let mut conn = collection("");
        let budget = Budget {
            time: Duration::from_secs(60),
            steps: 1_000_000,
        };
        limit(&mut conn, budget).unwrap();
        let endless = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT max(x) FROM r";
        let err = conn.query_row(endless, [], |r| r.get::<_, i64>(0)).unwrap_err();
        assert_eq!(err.sqlite_error_code(), Some(rusqlite::ErrorCode::OperationInterrupted));
        assert!(matches!(ReadError::from(err), ReadError::TooSlow));

        let mut conn = collection("");
        let budget = Budget {
            time: Duration::from_millis(50),
            steps: u64::MAX,
        };
        limit(&mut conn, budget).unwrap();
        let started = Instant::now();
        assert!(conn.query_row(endless, [], |r| r.get::<_, i64>(0)).is_err());
        assert!(started.elapsed() < Duration::from_secs(30));
        // A value longer than the limit.
        let mut conn = collection("");
        limit(&mut conn, Budget::for_size(0)).unwrap();
        let err = conn
            .query_row("SELECT length(zeroblob(?1))", [i64::from(MAX_VALUE_BYTES) + 1], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap_err();
        assert_eq!(err.sqlite_error_code(), Some(rusqlite::ErrorCode::TooBig));
    }
}
