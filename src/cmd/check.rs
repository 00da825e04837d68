//! `iskra check`: the collection's integrity and consistency
//! ([`crate::maintenance::check`]), each check printed as `ok` or `PROBLEM`.
//! Works on a collection that may not open; exits 1 when a check fails.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::maintenance::{backup, check};
use crate::store::Store;
use crate::ui::maintenance::{render_check_start, render_checks, render_recounted};

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// First count again what iskra keeps counted (each deck's cards and new
    /// cards, the cards due per day, the deck of each answer, the search
    /// index), in one transaction; what you wrote and answered is not changed
    #[arg(long)]
    pub repair: bool,
}

/// Runs `iskra check` on the collection at `path`: opened read-only, never
/// changed. Exit code 0 when every check passes, else 1.
pub fn run(path: &Path, out: &mut impl Write) -> Result<i32> {
    must_exist(path)?;
    render_check_start(out, path).map_err(Error::stdout)?;
    let checks = inspect(path)?;
    report(path, &checks, out)
}

/// What the read-only checks before `iskra check --repair` decided.
pub enum RepairGate {
    /// A check failed that a repair does not put right; the exit code.
    Refused(i32),
    /// Every check passed or is one a repair puts right: the checks.
    Cleared(Vec<check::Check>),
}

/// Before `iskra check --repair` opens the collection to write: the same
/// checks, read-only. When any fails that a repair does not put right (the
/// file damaged, a write stopped midway, a stranger's database), they are
/// printed with their hint and nothing is written: writing into a damaged
/// file can spread the damage.
pub fn refuse_repair(path: &Path, out: &mut impl Write) -> Result<RepairGate> {
    must_exist(path)?;
    let checks = inspect(path)?;
    if checks.iter().all(|c| c.passed() || check::repairable(&c.name)) {
        return Ok(RepairGate::Cleared(checks));
    }
    writeln!(
        out,
        "Nothing was counted again: the file has problems a repair does not put right."
    )
    .map_err(Error::stdout)?;
    render_check_start(out, path).map_err(Error::stdout)?;
    report(path, &checks, out).map(RepairGate::Refused)
}

/// Runs `iskra check --repair` on the opened collection at `path`, whose
/// checks `before` [`refuse_repair`] cleared: counts again what triggers
/// keep ([`check::repair`]), says what was wrong, then prints the checks
/// as `iskra check` does, those the repair changed made again
/// ([`check::recheck_repaired`]).
pub fn run_repair(store: &mut Store, path: &Path, before: Vec<check::Check>, out: &mut impl Write) -> Result<i32> {
    let recounted = check::repair(store)?;
    render_recounted(out, &recounted).map_err(Error::stdout)?;
    render_check_start(out, path).map_err(Error::stdout)?;
    let checks = showing_progress(|bar| check::recheck_repaired(path, before, bar))?;
    report(path, &checks, out)
}

/// A mistyped path is refused, not made into a new, empty collection.
fn must_exist(path: &Path) -> Result<()> {
    if path.is_file() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "there is no collection at {}.\n  hint: pass --collection PATH (or set ISKRA_COLLECTION)",
        crate::error::shown(path)
    )))
}

/// Checks the file, showing progress.
fn inspect(path: &Path) -> Result<Vec<check::Check>> {
    showing_progress(|bar| check::inspect_showing(path, bar))
}

/// Runs `checking` with a progress bar on stderr, cleared before the checks
/// are printed.
fn showing_progress<T>(checking: impl FnOnce(&dyn crate::progress::Progress) -> Result<T>) -> Result<T> {
    let bar = crate::ui::progress::Bar::on_stderr();
    checking(&bar)
}

/// Prints the checks and their hint; the exit code: 1 when one failed.
fn report(path: &Path, checks: &[check::Check], out: &mut impl Write) -> Result<i32> {
    let failed = checks.iter().any(|c| !c.passed());
    let backups = if failed {
        backup::list(path).map(|b| b.len()).unwrap_or(0)
    } else {
        0
    };
    render_checks(out, checks, backups).map_err(Error::stdout)?;
    Ok(if failed { 1 } else { 0 })
}
