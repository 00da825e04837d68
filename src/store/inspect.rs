//! Looking at a collection as a whole, for backups, `check` and `restore`:
//! what it holds, a consistent copy of it (`VACUUM INTO`, or a [`Snapshot`]
//! copied in the background), and the
//! integrity and consistency checks, which run on a plain read-only
//! connection because the file they look at may be damaged or from another
//! version.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{APPLICATION_ID, SCHEMA_VERSION, Store, wal_sync};
use crate::error::Result;

/// Writes a consistent, compact copy of the database `conn` reads into
/// `target` (which must not exist): `VACUUM INTO` reads every row in one read
/// transaction, so other processes may go on writing meanwhile, and a damaged
/// page fails the copy instead of being copied. The copy is in rollback-journal
/// mode and keeps `application_id` and `user_version`. What it copied is
/// durable in the collection when this returns: `VACUUM` runs only outside a
/// transaction, so the log is synced after it ([`wal_sync::sync_log`]), which
/// covers every commit its snapshot saw; the caller publishes the copy (a
/// rename or link of `target`) only after this returns.
pub(crate) fn vacuum_into(conn: &Connection, target: &Path) -> Result<()> {
    conn.execute("VACUUM INTO ?1", [target.to_string_lossy()])?;
    wal_sync::sync_log(conn)
}

/// A read-only view of a collection as it was when [`Snapshot::take`]
/// returned: it holds a read transaction, so what others write after is not
/// in it, and what it holds is durable ([`wal_sync::make_snapshot_durable`]).
/// Taking one costs a file open and a sync of the log; copying it can then
/// happen on another thread while the collection is written (the daily backup).
pub struct Snapshot(Connection);

impl Snapshot {
    pub fn take(path: &Path) -> Result<Snapshot> {
        let conn = open_for_inspection(path)?;
        conn.execute_batch("BEGIN")?;
        wal_sync::make_snapshot_durable(&conn)?;
        Ok(Snapshot(conn))
    }

    /// Copies the snapshot into `target` (which must not exist) with SQLite's
    /// online backup, as one step inside the snapshot's read transaction,
    /// then leaves the copy in rollback-journal mode and checks that it reads
    /// whole (`quick_check`), so a damaged page fails the copy instead of
    /// being kept. The copy keeps `application_id` and `user_version`.
    pub fn copy_into(&self, target: &Path) -> rusqlite::Result<()> {
        let mut copy = Connection::open(target)?;
        {
            let backup = rusqlite::backup::Backup::new(&self.0, &mut copy)?;
            while backup.step(-1)? != rusqlite::backup::StepResult::Done {}
        }
        copy.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        let verdict: String = copy.query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
        if verdict != "ok" {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(format!("the copy does not read whole: {verdict}")),
            ));
        }
        Ok(())
    }
}

impl Store {
    /// Copies the collection into `target` (see [`vacuum_into`]).
    pub fn copy_into(&self, target: &Path) -> Result<()> {
        vacuum_into(self.conn(), target)
    }

    /// Whether the collection holds any card (an empty one is not worth a backup).
    pub fn has_cards(&self) -> Result<bool> {
        Ok(self
            .conn()
            .query_row("SELECT EXISTS (SELECT 1 FROM cards)", [], |r| r.get(0))?)
    }

    /// How many decks, cards and review-log rows the collection holds.
    pub fn content_counts(&self) -> Result<(i64, i64, i64)> {
        Ok(self.conn().query_row(
            "SELECT (SELECT count(*) FROM decks), (SELECT count(*) FROM cards), (SELECT count(*) FROM review_log)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    }
}

/// Opens a collection file for looking only: nothing is written to it and
/// nothing is migrated, so it works on damaged or newer files.
pub fn open_for_inspection(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // A collection in WAL mode on a read-only file system cannot get its
    // `-shm` file; with no write-ahead log to read, it opens as immutable.
    match conn.query_row("PRAGMA schema_version", [], |_| Ok(())) {
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly)
            ) && !super::wal_path(path).exists() =>
        {
            open_immutable(path)
        }
        _ => Ok(conn),
    }
}

/// The key and title of each deck of the collection at `path`, by key,
/// read without changing anything (what shell completion offers).
pub fn deck_names(path: &Path) -> rusqlite::Result<Vec<(String, String)>> {
    let conn = open_for_inspection(path)?;
    let mut statement = conn.prepare("SELECT key, name FROM decks ORDER BY key")?;
    let names = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names)
}

/// Opens a file that nobody writes as it is on disk: no lock, no `-wal` or
/// `-shm` file made, no write-ahead log read.
pub(crate) fn open_immutable(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    Connection::open_with_flags(crate::files::sqlite_uri(path, "immutable=1"), flags)
}

/// What identifies a file as an iskra collection, read from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    pub is_iskra: bool,
    pub schema: i64,
}

impl Identity {
    /// True for an iskra collection this build can open (maybe after migrating it).
    pub fn usable(&self) -> bool {
        self.is_iskra && (1..=SCHEMA_VERSION).contains(&self.schema)
    }
}

pub fn identity(conn: &Connection) -> rusqlite::Result<Identity> {
    let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let schema: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(Identity {
        is_iskra: app_id == APPLICATION_ID,
        schema,
    })
}

/// `PRAGMA integrity_check`: every problem SQLite reports (at most `limit`);
/// empty when the file is sound.
pub fn integrity_problems(conn: &Connection, limit: u32) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA integrity_check({limit})"))?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut problems = Vec::new();
    for row in rows {
        let row = row?;
        if row != "ok" {
            problems.push(row);
        }
    }
    Ok(problems)
}

/// `PRAGMA foreign_key_check`: rows that point at nothing, as "table row N → parent".
pub fn foreign_key_problems(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let rows = stmt.query_map([], |r| {
        Ok(format!(
            "{} row {} points at a missing {}",
            r.get::<_, String>(0)?,
            r.get::<_, Option<i64>>(1)?.unwrap_or(0),
            r.get::<_, String>(2)?
        ))
    })?;
    rows.collect()
}

/// One consistency rule: a name, and a query selecting the ids of the rows
/// that break it.
struct Rule {
    name: &'static str,
    what: &'static str,
    offenders: &'static str,
}

/// Learning cards are due at a UTC millisecond time in 2000–2200, review
/// cards on a study day in the same years.
const RULES: &[Rule] = &[
    Rule {
        name: "cards are in their fact's deck",
        what: "card",
        offenders: "SELECT c.id FROM cards c JOIN facts f ON f.id = c.fact_id WHERE c.deck_id != f.deck_id",
    },
    Rule {
        name: "cards' facts and decks exist",
        what: "card",
        offenders:
            "SELECT c.id FROM cards c LEFT JOIN facts f ON f.id = c.fact_id LEFT JOIN decks d ON d.id = c.deck_id
                    WHERE f.id IS NULL OR d.id IS NULL",
    },
    Rule {
        name: "card states and queues agree",
        what: "card",
        offenders: "SELECT id FROM cards WHERE state NOT IN (0, 1, 2, 3) OR queue NOT IN (0, 1, 2, 3, -1, -2)
                    OR (queue = 0 AND state != 0) OR (queue = 1 AND (state NOT IN (1, 3) OR due < 1000000000))
                    OR (queue = 3 AND (state NOT IN (1, 3) OR due >= 1000000000))
                    OR (queue = 2 AND state != 2)",
    },
    Rule {
        name: "reviewed cards have stability and difficulty",
        what: "card",
        offenders: "SELECT id FROM cards WHERE state IN (2, 3) AND (stability IS NULL OR difficulty IS NULL
                    OR stability <= 0 OR difficulty < 1 OR difficulty > 10)",
    },
    Rule {
        name: "due dates, intervals and counts are in range",
        what: "card",
        offenders: "SELECT id FROM cards WHERE
                    (state = 0 AND due < 0)
                    OR (state IN (1, 3) AND due NOT BETWEEN 946684800000 AND 7258118400000
                        AND due NOT BETWEEN 10957 AND 84006)
                    OR (state = 2 AND due NOT BETWEEN 10957 AND 84006)
                    OR interval NOT BETWEEN 0 AND 36500 OR reps < 0 OR lapses NOT BETWEEN 0 AND reps",
    },
    Rule {
        name: "buried cards say when they were buried",
        what: "card",
        offenders: "SELECT id FROM cards WHERE queue = -2 AND buried_day IS NULL",
    },
    Rule {
        name: "review-log values are valid",
        what: "log row",
        offenders: "SELECT id FROM review_log WHERE (rating NOT BETWEEN 1 AND 4 AND NOT (rating = 0 AND kind = 4))
                    OR kind NOT IN (0, 1, 2, 3, 4)
                    OR state_before NOT IN (0, 1, 2, 3) OR state_after NOT IN (0, 1, 2, 3)
                    OR duration_ms < 0 OR elapsed_days < 0",
    },
    Rule {
        name: "review-log rows belong to existing cards",
        what: "log row",
        offenders: "SELECT l.id FROM review_log l LEFT JOIN cards c ON c.id = l.card_id WHERE c.id IS NULL",
    },
];

/// Rules on what triggers keep, each from the schema version that added it
/// (`check` looks at older collections without migrating them): the kept
/// counts must equal a count of the cards made from scratch.
const KEPT_COUNTS: &[(i64, Rule)] = &[
    (
        2,
        Rule {
            name: "decks count their cards",
            what: "deck",
            offenders: "SELECT d.id FROM decks d WHERE d.card_count != (SELECT count(*) FROM cards c WHERE c.deck_id = d.id)",
        },
    ),
    (
        5,
        Rule {
            name: "the cards due per day are counted",
            what: "day",
            offenders: DUE_DAY_OFFENDERS,
        },
    ),
    (
        7,
        Rule {
            name: "log rows name their card's deck",
            what: "log row",
            offenders: "SELECT l.id FROM review_log l JOIN cards c ON c.id = l.card_id
                        WHERE l.deck_id IS NOT NULL AND l.deck_id != c.deck_id",
        },
    ),
    (
        7,
        Rule {
            name: "decks count their new cards",
            what: "deck",
            offenders: "SELECT d.id FROM decks d
                        WHERE d.new_count != (SELECT count(*) FROM cards c WHERE c.deck_id = d.id AND c.queue = 0)",
        },
    ),
    (
        8,
        Rule {
            name: "the search index holds every card and no other",
            what: "card",
            offenders: SEARCH_INDEX_OFFENDERS,
        },
    ),
];

/// Whether `name` is one of the rules on what triggers keep, which
/// [`Store::recount_kept`](super::Store::recount_kept) puts right.
pub fn is_kept_rule(name: &str) -> bool {
    KEPT_COUNTS.iter().any(|(_, rule)| rule.name == name)
}

/// The study days whose count in `cards_due_per_day` is not the count
/// from scratch ([`DUE_PER_DAY`]).
pub(super) const DUE_DAY_OFFENDERS: &str =
    "SELECT day FROM (SELECT day, cards FROM cards_due_per_day WHERE cards != 0 EXCEPT SELECT * FROM due)
     UNION SELECT day FROM (SELECT * FROM due EXCEPT SELECT day, cards FROM cards_due_per_day)";

/// The cards missing from the search index, and what it holds of cards
/// that are gone: it keeps one row of sizes per card it holds, and a card
/// missing from it would never be found by a search for words.
pub(super) const SEARCH_INDEX_OFFENDERS: &str =
    "SELECT id FROM cards WHERE id NOT IN (SELECT id FROM card_trigrams_docsize)
     UNION ALL SELECT id FROM card_trigrams_docsize WHERE id NOT IN (SELECT id FROM cards)";

/// The cards due per day counted from scratch (what `cards_due_per_day`
/// holds, but its zeros), as the common table `due (day, cards)`.
pub(super) const DUE_PER_DAY: &str = "WITH due (day, cards) AS (SELECT due, count(*) FROM cards
    WHERE queue IN (2, 3) OR (queue IN (-1, -2) AND (state = 2 OR (state IN (1, 3) AND due < 1000000000)))
    GROUP BY due)";

/// The result of one consistency rule: its name and what breaks it (empty when none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub name: &'static str,
    pub problems: Vec<String>,
}

/// Runs every consistency rule, plus whether the settings can be read.
pub fn consistency(conn: &Connection) -> rusqlite::Result<Vec<Finding>> {
    let kept = kept_rules(conn)?;
    let mut findings = Vec::new();
    for rule in RULES.iter().chain(kept) {
        findings.push(finding(conn, rule)?);
    }
    let settings = match super::settings::read_settings(conn) {
        Ok(_) => Vec::new(),
        Err(e) => vec![e.to_string()],
    };
    findings.push(Finding {
        name: "settings are readable",
        problems: settings,
    });
    Ok(findings)
}

/// Runs only the rules on what triggers keep ([`is_kept_rule`]): what
/// `check --repair` changes, checked again after it.
pub fn kept_consistency(conn: &Connection) -> rusqlite::Result<Vec<Finding>> {
    kept_rules(conn)?.map(|rule| finding(conn, rule)).collect()
}

/// The rules on kept counts that the collection's schema version has.
fn kept_rules(conn: &Connection) -> rusqlite::Result<impl Iterator<Item = &'static Rule>> {
    let schema: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(KEPT_COUNTS
        .iter()
        .filter(move |(since, _)| schema >= *since)
        .map(|(_, rule)| rule))
}

/// What breaks `rule`: how many rows, and the ids of the first five.
fn finding(conn: &Connection, rule: &Rule) -> rusqlite::Result<Finding> {
    let count: i64 = conn.query_row(
        &format!("{DUE_PER_DAY} SELECT count(*) FROM ({})", rule.offenders),
        [],
        |r| r.get(0),
    )?;
    let mut problems = Vec::new();
    if count > 0 {
        let mut stmt = conn.prepare(&format!("{DUE_PER_DAY} {} LIMIT 5", rule.offenders))?;
        let ids = stmt
            .query_map([], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
        let more = if count > 5 { ", …" } else { "" };
        problems.push(format!(
            "{count} {}{} ({} {}{more})",
            rule.what,
            if count == 1 { "" } else { "s" },
            rule.what,
            ids.join(", ")
        ));
    }
    Ok(Finding {
        name: rule.name,
        problems,
    })
}

/// The settings of a collection opened with [`open_for_inspection`].
pub fn settings(conn: &Connection) -> Result<super::Settings> {
    super::settings::read_settings(conn)
}

/// Cards and review-log rows, for listings.
pub fn sizes(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    let cards = conn.query_row("SELECT count(*) FROM cards", [], |r| r.get(0))?;
    let log = conn.query_row("SELECT count(*) FROM review_log", [], |r| r.get(0))?;
    Ok((cards, log))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection(dir: &Path) -> Store {
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

    fn broken(conn: &Connection) -> Vec<&'static str> {
        consistency(conn)
            .unwrap()
            .into_iter()
            .filter(|f| !f.problems.is_empty())
            .map(|f| f.name)
            .collect()
    }

    #[test]
    fn a_snapshot_copies_the_collection_as_it_was_when_taken() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = collection(dir.path());
        let snapshot = Snapshot::take(store.path()).unwrap();
        store
            .transaction(|tx| {
                tx.execute_batch("UPDATE cards SET reps = 5; DELETE FROM decks WHERE id = 2")?;
                Ok(())
            })
            .unwrap();
        let target = dir.path().join("copy.sqlite3");
        snapshot.copy_into(&target).unwrap();
        let copy = open_for_inspection(&target).unwrap();
        assert_eq!(sizes(&copy).unwrap(), (2, 0), "{target:?}");
        let reps: i64 = copy.query_row("SELECT sum(reps) FROM cards", [], |r| r.get(0)).unwrap();
        assert_eq!(reps, 0);
        assert_eq!(identity(&copy).unwrap().schema, SCHEMA_VERSION);
        assert!(!super::super::wal_path(&target).exists(), "the copy is not in WAL mode");
    }

    #[test]
    fn a_sound_collection_passes_and_each_rule_can_fail() {
        let dir = tempfile::tempdir().unwrap();
        let store = collection(dir.path());
        let conn = store.conn();
        assert!(broken(conn).is_empty());
        assert!(integrity_problems(conn, 10).unwrap().is_empty());
        assert!(foreign_key_problems(conn).unwrap().is_empty());

        let cases: &[(&str, &str)] = &[
            (
                "UPDATE cards SET deck_id = 2 WHERE id = 1",
                "cards are in their fact's deck",
            ),
            (
                "UPDATE cards SET queue = 2 WHERE id = 1",
                "card states and queues agree",
            ),
            (
                "UPDATE cards SET state = 2, queue = 2, due = 20000 WHERE id = 1",
                "reviewed cards have stability and difficulty",
            ),
            (
                "UPDATE cards SET state = 1, queue = 3, due = 5 WHERE id = 1",
                "due dates, intervals and counts are in range",
            ),
            (
                "UPDATE cards SET state = 1, queue = 1, due = 20000 WHERE id = 1",
                "card states and queues agree",
            ),
            (
                "UPDATE cards SET state = 1, queue = 3, due = 1771000000000 WHERE id = 1",
                "card states and queues agree",
            ),
            (
                "UPDATE cards SET queue = -2 WHERE id = 1",
                "buried cards say when they were buried",
            ),
            (
                "INSERT INTO review_log (uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
                   state_before, due_before, interval_before, state_after, due_after, interval_after)
                 VALUES ('u', 1, 0, 3, 0, 9, 0, 0, 0, 0, 0, 0, 0)",
                "review-log values are valid",
            ),
            (
                "INSERT INTO review_log (uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
                   state_before, due_before, interval_before, state_after, due_after, interval_after)
                 VALUES ('v', 99, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0)",
                "review-log rows belong to existing cards",
            ),
            (
                "UPDATE settings SET value = 'not json' WHERE key = 'config'",
                "settings are readable",
            ),
            (
                "UPDATE decks SET card_count = 3 WHERE id = 1",
                "decks count their cards",
            ),
            (
                "UPDATE decks SET new_count = 1 WHERE id = 1",
                "decks count their new cards",
            ),
            (
                "INSERT INTO review_log (uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
                   state_before, due_before, interval_before, state_after, due_after, interval_after, deck_id)
                 VALUES ('w', 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2)",
                "log rows name their card's deck",
            ),
            (
                "INSERT INTO cards_due_per_day (day, cards) VALUES (20000, 1)",
                "the cards due per day are counted",
            ),
            (
                "DELETE FROM card_trigrams WHERE rowid = 1",
                "the search index holds every card and no other",
            ),
            (
                "INSERT INTO card_trigrams (rowid, search_text) VALUES (77, 'lost')",
                "the search index holds every card and no other",
            ),
            (
                "DROP TRIGGER cards_due_day_enter; UPDATE cards SET state = 2, queue = 2, due = 20000, stability = 1,
                 difficulty = 5 WHERE id = 1",
                "the cards due per day are counted",
            ),
        ];
        conn.execute(
            "INSERT OR IGNORE INTO settings (key, value) VALUES ('config', '{}')",
            [],
        )
        .unwrap();
        conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
        for (sql, rule) in cases {
            conn.execute_batch("SAVEPOINT s").unwrap();
            conn.execute_batch(sql).unwrap();
            assert_eq!(broken(conn), vec![*rule], "{sql}");
            conn.execute_batch("ROLLBACK TO s; RELEASE s").unwrap();
        }
        assert!(broken(conn).is_empty());
    }

    #[test]
    fn a_copy_keeps_the_version_and_contents() {
        let dir = tempfile::tempdir().unwrap();
        let store = collection(dir.path());
        let target = dir.path().join("copy.sqlite3");
        store.copy_into(&target).unwrap();
        let copy = open_for_inspection(&target).unwrap();
        assert_eq!(
            identity(&copy).unwrap(),
            Identity {
                is_iskra: true,
                schema: SCHEMA_VERSION
            }
        );
        assert_eq!(sizes(&copy).unwrap(), (2, 0));
        let journal: String = copy.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(journal, "delete", "a backup needs no -wal file next to it");
        assert!(store.copy_into(&target).is_err(), "never overwrites");
    }
}
