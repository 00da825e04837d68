//! `iskra check`: the collection's integrity and consistency, as a list of
//! named checks each with the problems it found; a file SQLite cannot read
//! is reported too. `cmd::check` prints them.

use std::path::Path;

use crate::error::{Error, Result};
use crate::progress::{self, Progress};
use crate::store::SCHEMA_VERSION;
use crate::store::inspect::{self as sql, open_for_inspection};

/// The check that fails when a rollback journal lies beside the file: a
/// write in progress or stopped midway, which the next iskra to open the
/// file settles; no other check runs then.
pub const NO_INTERRUPTED_WRITE: &str = "no write was stopped midway";

/// Whether the check named `name` looks at what `iskra check --repair`
/// counts again (a count triggers keep, the search index).
pub fn repairable(name: &str) -> bool {
    sql::is_kept_rule(name)
}

/// `iskra check --repair`'s write: counts again, in one transaction, what
/// triggers keep (each deck's card and new counts, the cards due per day,
/// the deck of each answer) and indexes the cards again where the search
/// index is off. What the learner wrote and answered is not changed. The
/// command runs it only when the read-only checks found nothing else wrong.
pub fn repair(store: &mut crate::store::Store) -> Result<crate::store::Recounted> {
    store.recount_kept()
}

/// The checks after `iskra check --repair`: `before` (the read-only
/// checks that let the repair through, every one passed or repairable)
/// with the rules the repair changes ([`repairable`]) checked again on the
/// file at `path`. The others looked at what a repair does not write, so
/// the whole file is not read a second time; unless the collection was
/// at an older schema before (opening it to repair migrated it: tables
/// rewritten, rules added), when every check is made again.
pub fn recheck_repaired(path: &Path, before: Vec<Check>, progress: &dyn Progress) -> Result<Vec<Check>> {
    let current = identity_check(SCHEMA_VERSION);
    if !before.iter().any(|check| check.name == current) {
        return inspect_showing(path, progress);
    }
    let conn = open_for_inspection(path)?;
    let again = sql::kept_consistency(&conn)?;
    Ok(before
        .into_iter()
        .map(|check| match again.iter().find(|f| f.name == check.name) {
            Some(finding) => Check {
                name: check.name,
                problems: finding.problems.clone(),
            },
            None => check,
        })
        .collect())
}

/// The name of the check that the file is an iskra collection at `schema`.
fn identity_check(schema: i64) -> String {
    format!("it is an iskra collection (schema version {schema})")
}

/// One check and what it found (nothing when it passed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub problems: Vec<String>,
}

impl Check {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The checks made so far.
#[derive(Debug, Default)]
struct Checks(Vec<Check>);

impl Checks {
    fn check(&mut self, name: &str, problems: &[String]) {
        self.0.push(Check {
            name: name.to_string(),
            problems: problems.to_vec(),
        });
    }

    /// The value, or `None` after recording that `name` could not be read.
    fn result<T>(&mut self, name: &str, result: rusqlite::Result<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.check(name, &[format!("cannot be read: {e}")]);
                None
            }
        }
    }
}

/// Whether the file starts with SQLite's header.
pub(crate) fn looks_like_sqlite(path: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path)?;
    let read = file.read(&mut header)?;
    Ok(read == 16 && &header == b"SQLite format 3\0")
}

/// [`inspect`], reporting to `progress` how much of the file the checks
/// have read (they read all of it, some pages more than once: no total).
pub fn inspect_showing(path: &Path, progress: &dyn Progress) -> Result<Vec<Check>> {
    let start = progress::mib_read();
    progress::watching(
        progress,
        "MiB read",
        0,
        || progress::mib_read().saturating_sub(start),
        || inspect(path),
    )
}

/// Checks the collection at `path` (which may be damaged): opened
/// read-only, never changed. Later checks are skipped when an earlier one
/// shows the file cannot be read as an iskra collection.
pub fn inspect(path: &Path) -> Result<Vec<Check>> {
    let mut report = Checks::default();
    inspect_into(path, &mut report)?;
    Ok(report.0)
}

fn inspect_into(path: &Path, report: &mut Checks) -> Result<()> {
    let sqlite = looks_like_sqlite(path).map_err(Error::io(path))?;
    let not = if sqlite {
        Vec::new()
    } else {
        vec!["it is not".to_string()]
    };
    report.check("the file is a SQLite database", &not);
    if !sqlite {
        return Ok(());
    }
    // Half-written pages and the journal that puts them back: reading them
    // would report damage that the next iskra to open the file undoes.
    if crate::store::has_rollback_journal(path) {
        let journal = format!(
            "a build or import is writing to it now, or was stopped while it wrote ({} lies beside it)",
            crate::error::shown(&crate::store::rollback_journal(path))
        );
        report.check(NO_INTERRUPTED_WRITE, &[journal]);
        return Ok(());
    }
    let Some(conn) = report.result("the file opens", open_for_inspection(path)) else {
        return Ok(());
    };
    let Some(identity) = report.result("it is an iskra collection", sql::identity(&conn)) else {
        return Ok(());
    };
    let version = match identity {
        id if !id.is_iskra => vec!["it is a SQLite database of another program".to_string()],
        id if id.schema > SCHEMA_VERSION => vec![format!(
            "schema version {} is newer than this iskra knows ({SCHEMA_VERSION}); upgrade iskra",
            id.schema
        )],
        id if id.schema < 1 => vec![format!("schema version {} is not one iskra wrote", id.schema)],
        _ => Vec::new(),
    };
    report.check(&identity_check(identity.schema), &version);
    let Some(integrity) = report.result("SQLite integrity", sql::integrity_problems(&conn, 20)) else {
        return Ok(());
    };
    report.check("SQLite integrity", &integrity);
    if let Some(keys) = report.result("references between tables", sql::foreign_key_problems(&conn)) {
        report.check("references between tables", &keys);
    }
    if !identity.usable() || !integrity.is_empty() {
        return Ok(());
    }
    if let Some(findings) = report.result("consistency", sql::consistency(&conn)) {
        for finding in findings {
            report.check(finding.name, &finding.problems);
        }
    }
    Ok(())
}
