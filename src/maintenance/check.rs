//! `iskra check`: the collection's integrity and consistency, each check
//! printed as `ok` or `PROBLEM`; a file SQLite cannot read is reported too.

use std::io::Write;
use std::path::Path;

use super::backup::*;
use crate::error::{Error, Result};
use crate::store::SCHEMA_VERSION;
use crate::store::inspect::{self as sql, open_for_inspection};
use crate::text::escape_control;

/// Prints each check as `ok` or `PROBLEM`, counting problems.
struct Report<'w, W: Write> {
    out: &'w mut W,
    checks: u32,
    problems: u32,
}

impl<W: Write> Report<'_, W> {
    fn check(&mut self, name: &str, problems: &[String]) -> Result<()> {
        self.checks += 1;
        let io = Error::stdout;
        if problems.is_empty() {
            return writeln!(self.out, "  ok       {name}").map_err(io);
        }
        self.problems += 1;
        writeln!(self.out, "  PROBLEM  {name}").map_err(io)?;
        for problem in problems {
            writeln!(self.out, "           {}", escape_control(problem)).map_err(io)?;
        }
        Ok(())
    }

    fn result<T>(&mut self, name: &str, result: rusqlite::Result<T>) -> Result<Option<T>> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(e) => {
                self.check(name, &[format!("cannot be read: {e}")])?;
                Ok(None)
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

/// Runs `iskra check` on the collection at `path` (which may be damaged):
/// opened read-only, never changed. Exit code 0 when every check passes.
pub fn run(path: &Path, out: &mut impl Write) -> Result<i32> {
    if !path.is_file() {
        return Err(Error::Usage(format!(
            "there is no collection at {}.\n  hint: pass --collection PATH (or set ISKRA_COLLECTION)",
            path.display()
        )));
    }
    let stdout = |source| Error::Io {
        path: "<stdout>".into(),
        source,
    };
    writeln!(out, "Checking {}", path.display()).map_err(stdout)?;
    let mut report = Report {
        out,
        checks: 0,
        problems: 0,
    };
    inspect(path, &mut report)?;
    let Report { out, checks, problems } = report;
    if problems == 0 {
        writeln!(out, "All {checks} checks passed.").map_err(stdout)?;
        return Ok(0);
    }
    let backups = list(path).map(|b| b.len()).unwrap_or(0);
    let hint = match backups {
        0 => "no backups of it were found; `iskra export` what still reads, or rebuild the decks".to_string(),
        n => format!("`iskra restore` lists the {n} backup(s); `iskra restore 1` restores the newest"),
    };
    writeln!(out, "{problems} of {checks} checks found problems.\n  hint: {hint}").map_err(stdout)?;
    Ok(1)
}

fn inspect<W: Write>(path: &Path, report: &mut Report<W>) -> Result<()> {
    let sqlite = looks_like_sqlite(path).map_err(Error::io(path))?;
    let not = if sqlite {
        Vec::new()
    } else {
        vec!["it is not".to_string()]
    };
    report.check("the file is a SQLite database", &not)?;
    if !sqlite {
        return Ok(());
    }
    let Some(conn) = report.result("the file opens", open_for_inspection(path))? else {
        return Ok(());
    };
    let Some(identity) = report.result("it is an iskra collection", sql::identity(&conn))? else {
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
    let name = format!("it is an iskra collection (schema version {})", identity.schema);
    report.check(&name, &version)?;
    let Some(integrity) = report.result("SQLite integrity", sql::integrity_problems(&conn, 20))? else {
        return Ok(());
    };
    report.check("SQLite integrity", &integrity)?;
    if let Some(keys) = report.result("references between tables", sql::foreign_key_problems(&conn))? {
        report.check("references between tables", &keys)?;
    }
    if !identity.usable() || !integrity.is_empty() {
        return Ok(());
    }
    if let Some(findings) = report.result("consistency", sql::consistency(&conn))? {
        for finding in findings {
            report.check(finding.name, &finding.problems)?;
        }
    }
    Ok(())
}
