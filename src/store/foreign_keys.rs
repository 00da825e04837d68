//! Foreign keys checked once at the commit instead of on every row, for a
//! transaction that logs many more answers than the collection holds (a
//! large import: [`super::Store::begin_bulk_import`]). A log row's
//! `card_id` checked as it is inserted is a lookup in the cards table in
//! time order, a random page each: 619,000 page reads and 14% of the CPU of
//! importing a package of a million reviews. With SQLite's checks off for
//! the transaction (they can only be switched between transactions), the
//! transaction records the cards its log rows name ([`Deferred::card_logged`])
//! and [`Deferred::check`] looks each up once, in id order, before the commit;
//! every other table with a foreign key is checked whole
//! (`PRAGMA foreign_key_check`). A violation the transaction made fails the
//! commit, so nothing dangling is ever stored; one the file already had
//! before it began (`iskra check` reports those) is not the transaction's
//! and does not refuse it, as SQLite's own checks would not.
//!
//! Only appends may happen in such a transaction: a parent row deleted or
//! renumbered would leave log rows dangling that this check does not look at.

use std::cell::RefCell;
use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};

/// A row naming a missing row: (table, rowid, parent table).
type Violation = (String, i64, String);

/// The checks a transaction with foreign keys off owes before its commit.
#[derive(Debug, Default)]
pub(super) struct Deferred {
    /// The cards the transaction's log rows name.
    logged_cards: RefCell<HashSet<i64>>,
    /// The violations the file had when the transaction began.
    before: HashSet<Violation>,
}

impl Deferred {
    /// Starts the checks of a transaction that has just begun, noting the
    /// violations already in the file (none, unless it was damaged).
    pub(super) fn start(conn: &Connection) -> Result<Deferred> {
        Ok(Deferred {
            logged_cards: RefCell::default(),
            before: violations(conn)?.into_iter().collect(),
        })
    }

    /// A log row naming `card_id` was inserted.
    pub(super) fn card_logged(&self, card_id: i64) {
        self.logged_cards.borrow_mut().insert(card_id);
    }

    /// Fails if a row written in the transaction names a row that does not
    /// exist: each card a log row names, and every row of the other tables
    /// with foreign keys that was not already dangling when it began.
    pub(super) fn check(&self, conn: &Connection) -> Result<()> {
        let mut cards: Vec<i64> = self.logged_cards.borrow().iter().copied().collect();
        cards.sort_unstable();
        let mut exists = conn.prepare_cached("SELECT 1 FROM cards WHERE id = ?1")?;
        for id in cards {
            if exists.query_row([id], |_| Ok(())).optional()?.is_none() {
                return Err(broken(format!(
                    "a review-log row names card {id}, which does not exist"
                )));
            }
        }
        let made = violations(conn)?.into_iter().find(|v| !self.before.contains(v));
        match made {
            Some((table, row, parent)) => Err(broken(format!("{table} row {row} names a missing row of {parent}"))),
            None => Ok(()),
        }
    }
}

/// Every row of a table with foreign keys (but the review log, whose rows
/// are checked by card) that names a missing row, as (table, rowid, parent).
/// Every such table has a rowid (a test holds the schema to it), so a
/// violation is one row and an old one cannot hide a new one.
///
/// A table whose every key is a plain integer column naming its parent's
/// integer primary key (all of iskra's) is checked with one query per key,
/// which SQLite answers from any index holding the column: `PRAGMA
/// foreign_key_check` reads every row of the table whole (the cards of a
/// 100k-fact build: 170 ms against 18 ms). Any other table is left to the
/// pragma, with SQLite's own rules and errors.
fn violations(conn: &Connection) -> Result<Vec<Violation>> {
    let keys: Vec<Key> = conn
        .prepare(KEYS)?
        .query_map([], |r| {
            Ok(Key {
                table: r.get(0)?,
                column: r.get(1)?,
                parent: r.get(2)?,
                parent_key: r.get(3)?,
                plain: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut found = Vec::new();
    for table in keys.chunk_by(|a, b| a.table == b.table) {
        if table.iter().all(|key| key.plain) {
            for key in table {
                found.extend(missing_parents(conn, key)?);
            }
        } else {
            found.extend(pragma_check(conn, &table[0].table)?);
        }
    }
    Ok(found)
}

/// One foreign key of a table (the first column of it: `plain` keys have
/// one).
struct Key {
    table: String,
    column: String,
    parent: String,
    /// The parent's column it names.
    parent_key: String,
    /// One column of a STRICT table, declared INTEGER, naming the parent's
    /// one primary-key column, declared INTEGER.
    plain: bool,
}

/// Every foreign key of the tables but the review log, a table's keys
/// together, with whether each is [`Key::plain`].
const KEYS: &str = "SELECT m.name, k.\"from\", k.\"table\",
        coalesce(k.\"to\", (SELECT p.name FROM pragma_table_info(k.\"table\") p WHERE p.pk = 1), ''),
        (SELECT count(*) FROM pragma_foreign_key_list(m.name) o WHERE o.id = k.id) = 1
        AND (SELECT t.strict FROM pragma_table_list(m.name) t WHERE t.schema = 'main') = 1
        AND (SELECT upper(c.type) FROM pragma_table_info(m.name) c WHERE c.name = k.\"from\") = 'INTEGER'
        AND (SELECT count(*) FROM pragma_table_info(k.\"table\") p WHERE p.pk > 0) = 1
        AND (SELECT count(*) FROM pragma_table_info(k.\"table\") p
             WHERE p.pk = 1 AND upper(p.type) = 'INTEGER'
             AND p.name = coalesce(k.\"to\", p.name) COLLATE NOCASE) = 1
    FROM sqlite_master m, pragma_foreign_key_list(m.name) k
    WHERE m.type = 'table' AND m.name != 'review_log' AND k.seq = 0
    ORDER BY m.name, k.id";

/// The rows of `key`'s table whose key names no row of its parent.
fn missing_parents(conn: &Connection, key: &Key) -> Result<Vec<Violation>> {
    let sql = format!(
        "SELECT rowid FROM {table} WHERE {column} IS NOT NULL AND {column} NOT IN (SELECT {parent_key} FROM {parent})",
        table = quoted(&key.table),
        column = quoted(&key.column),
        parent = quoted(&key.parent),
        parent_key = quoted(&key.parent_key),
    );
    let rows: Vec<i64> = conn
        .prepare(&sql)?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .map(|row| (key.table.clone(), row, key.parent.clone()))
        .collect())
}

/// SQLite's own check of every foreign key of `table`.
fn pragma_check(conn: &Connection, table: &str) -> Result<Vec<Violation>> {
    let mut check = conn.prepare(&format!("PRAGMA foreign_key_check({})", quoted(table)))?;
    let rows = check.query_map([], |r| {
        Ok((r.get(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0), r.get(2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `name` as an SQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn broken(what: String) -> Error {
    Error::Internal(format!("{what}; nothing was written"))
}

/// Turns SQLite's foreign-key checks off or on (outside a transaction).
pub(super) fn enforce(conn: &Connection, on: bool) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", if on { "ON" } else { "OFF" })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    fn foreign_keys(store: &Store) -> i64 {
        store.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap()
    }

    fn foreign_keys_in(tx: &crate::store::Tx) -> i64 {
        tx.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap()
    }

    /// A deck, a fact and a card; returns the card's id.
    fn one_card(store: &Store) -> i64 {
        store
            .conn()
            .execute_batch(
                "INSERT INTO decks (id, key, name) VALUES (1, 'd', 'D');
                 INSERT INTO facts (id, deck_id, key, content) VALUES (1, 1, 'f', '{}');",
            )
            .unwrap();
        store
            .conn()
            .query_row(
                "INSERT INTO cards (id, fact_id, deck_id, template, front, back, answer, state, queue, due)
                 VALUES (7, 1, 1, 'basic', 'q', 'a', 'a', 0, 0, 0) RETURNING id",
                [],
                |r| r.get(0),
            )
            .unwrap()
    }

    fn log_row(tx: &crate::store::Tx, uid: &str, card_id: i64) -> bool {
        let entry = crate::store::LogEntry {
            card_id,
            reviewed_at_ms: 1_700_000_000_000,
            rating: crate::card::Rating::Good,
            duration_ms: 1000,
            kind: crate::card::ReviewKind::Review,
            elapsed_days: 0,
            before: crate::card::Schedule::new_card(0),
            after: crate::card::Schedule::new_card(0),
        };
        tx.insert_log_if_uid_new(uid, &entry).unwrap()
    }

    #[test]
    fn an_import_transaction_checks_its_log_rows_at_the_commit() {
        let mut store = Store::open_in_memory().unwrap();
        let card = one_card(&store);
        assert_eq!(foreign_keys(&store), 1);
        let tx = store.begin_bulk_import(1).unwrap();
        assert!(log_row(&tx, "a", card));
        tx.commit().unwrap();
        assert_eq!(
            (foreign_keys(&store), store.log_len().unwrap()),
            (1, 1),
            "checks back on"
        );

        let tx = store.begin_bulk_import(1).unwrap();
        assert_eq!(foreign_keys_in(&tx), 0, "off for the transaction");
        assert!(log_row(&tx, "b", card + 1), "not checked on the row");
        let err = tx.commit().unwrap_err().to_string();
        assert!(err.contains("card 8, which does not exist"), "{err}");
        assert_eq!(
            (foreign_keys(&store), store.log_len().unwrap()),
            (1, 1),
            "nothing stored"
        );
    }

    #[test]
    fn the_other_tables_are_checked_whole() {
        let mut store = Store::open_in_memory().unwrap();
        one_card(&store);
        let tx = store.begin_bulk_import(1).unwrap();
        assert_eq!(foreign_keys_in(&tx), 0);
        tx.conn()
            .execute(
                "INSERT INTO facts (id, deck_id, key, content) VALUES (2, 99, 'g', '{}')",
                [],
            )
            .unwrap();
        let err = tx.commit().unwrap_err().to_string();
        assert!(err.contains("facts row 2 names a missing row of decks"), "{err}");
        assert_eq!(store.fact_len().unwrap(), 1);
        assert_eq!(foreign_keys(&store), 1);
    }

    #[test]
    fn every_table_with_a_foreign_key_has_a_rowid() {
        let store = Store::open_in_memory().unwrap();
        let without: Vec<String> = store
            .conn()
            .prepare(
                "SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) k
                 WHERE m.type = 'table' AND m.sql LIKE '%WITHOUT ROWID%'",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(without.is_empty(), "violations are told apart by rowid: {without:?}");
        let tables: i64 = store
            .conn()
            .query_row(
                "SELECT count(DISTINCT m.name) FROM sqlite_master m, pragma_foreign_key_list(m.name) k WHERE m.type = 'table'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(tables >= 3, "the query sees the tables with foreign keys ({tables})");
    }

    #[test]
    fn keys_are_enforced_again_when_noting_the_old_violations_fails() {
        let mut store = Store::open_in_memory().unwrap();
        one_card(&store);
        // A foreign key to a column that is not a key: `foreign_key_check`
        // fails ("foreign key mismatch") when the transaction begins.
        store
            .conn()
            .execute_batch("CREATE TABLE parent (x); CREATE TABLE child (y REFERENCES parent (x));")
            .unwrap();
        let begun = store.begin_bulk_import(1);
        let err = begun.map(|_| ()).unwrap_err().to_string();
        assert!(err.contains("foreign key mismatch"), "{err}");
        let keys: i64 = store.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(keys, 1, "foreign keys enforced again");
    }

    #[test]
    fn a_row_dangling_before_the_transaction_does_not_refuse_it() {
        let mut store = Store::open_in_memory().unwrap();
        one_card(&store);
        store
            .conn()
            .execute_batch(
                "PRAGMA foreign_keys = OFF;
                 INSERT INTO facts (id, deck_id, key, content) VALUES (3, 4242, 'orphan', '{}');
                 PRAGMA foreign_keys = ON;",
            )
            .unwrap();
        let tx = store.begin_bulk_import(1).unwrap();
        tx.conn()
            .execute(
                "INSERT INTO facts (id, deck_id, key, content) VALUES (4, 1, 'h', '{}')",
                [],
            )
            .unwrap();
        tx.commit().expect("the old orphan is not this transaction's");
        assert_eq!(store.fact_len().unwrap(), 3);

        let tx = store.begin_bulk_import(1).unwrap();
        tx.conn()
            .execute(
                "INSERT INTO facts (id, deck_id, key, content) VALUES (5, 77, 'i', '{}')",
                [],
            )
            .unwrap();
        let err = tx.commit().unwrap_err().to_string();
        assert!(err.contains("facts row 5 names a missing row of decks"), "{err}");
        assert_eq!(store.fact_len().unwrap(), 3, "nothing of the second stored");
    }

    /// What SQLite's own check finds, every table but the review log.
    fn pragma_violations(conn: &rusqlite::Connection) -> Vec<super::Violation> {
        let mut found: Vec<super::Violation> = conn
            .prepare("PRAGMA foreign_key_check")
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0), r.get(2)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .filter(|(table, _, _): &super::Violation| table != "review_log")
            .collect();
        found.sort();
        found
    }

    fn sorted_violations(conn: &rusqlite::Connection) -> Vec<super::Violation> {
        let mut found = super::violations(conn).unwrap();
        found.sort();
        found
    }

    #[test]
    fn every_key_of_the_schema_is_checked_by_a_query() {
        let store = Store::open_in_memory().unwrap();
        let keys: Vec<(String, String, bool)> = store
            .conn()
            .prepare(super::KEYS)
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(4)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(keys.len() >= 6, "{keys:?}");
        let slow: Vec<_> = keys.iter().filter(|k| !k.2).collect();
        assert!(slow.is_empty(), "keys left to PRAGMA foreign_key_check: {slow:?}");
    }

    #[test]
    fn the_queries_find_what_sqlites_check_finds() {
        let store = Store::open_in_memory().unwrap();
        one_card(&store);
        store
            .conn()
            .execute_batch(
                "PRAGMA foreign_keys = OFF;
                 INSERT INTO facts (id, deck_id, key, content) VALUES (2, 50, 'g', '{}');
                 INSERT INTO cards (id, fact_id, deck_id, template, front, back, answer, state, queue, due)
                 VALUES (8, 60, 1, 'basic', 'q', 'a', 'a', 0, 0, 0), (9, 1, 70, 'reverse', 'q', 'a', 'a', 0, 0, 0),
                        (10, 61, 71, 'basic', 'q', 'a', 'a', 0, 0, 0);",
            )
            .unwrap();
        let found = sorted_violations(store.conn());
        assert_eq!(found.len(), 5, "{found:?}");
        assert_eq!(found, pragma_violations(store.conn()));

        // Keys the queries do not take (a text key, a key of two columns, a
        // table that is not STRICT, a parent's column that is not its
        // key) are left to SQLite's check, with its answers.
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT UNIQUE, a INTEGER, b INTEGER, UNIQUE (a, b)) STRICT;
             CREATE TABLE plain (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p (id)) STRICT;
             CREATE TABLE loose (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p (id));
             CREATE TABLE coded (id INTEGER PRIMARY KEY, code TEXT REFERENCES p (code)) STRICT;
             CREATE TABLE pair (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER,
                                FOREIGN KEY (a, b) REFERENCES p (a, b)) STRICT;
             INSERT INTO p VALUES (1, 'x', 1, 1);
             INSERT INTO plain VALUES (1, 1), (2, 2), (3, NULL);
             INSERT INTO loose VALUES (1, 1), (2, '2'), (3, 'one');
             INSERT INTO coded VALUES (1, 'x'), (2, 'y');
             INSERT INTO pair VALUES (1, 1, 1), (2, 1, 2);",
        )
        .unwrap();
        let found = sorted_violations(&conn);
        assert_eq!(found.len(), 5, "{found:?}");
        assert_eq!(found, pragma_violations(&conn));
    }
}
