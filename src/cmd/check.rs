//! `iskra check`: the collection's integrity and consistency
//! ([`crate::maintenance::check`]), each check printed as `ok` or `PROBLEM`.
//! Works on a collection that may not open; exits 1 when a check fails.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::maintenance::{backup, check};
use crate::ui::maintenance::{render_check_start, render_checks};

/// Runs `iskra check` on the collection at `path`: opened read-only, never
/// changed. Exit code 0 when every check passes, else 1.
pub fn run(path: &Path, out: &mut impl Write) -> Result<i32> {
    if !path.is_file() {
        return Err(Error::Usage(format!(
            "there is no collection at {}.\n  hint: pass --collection PATH (or set ISKRA_COLLECTION)",
            crate::error::shown(path)
        )));
    }
    render_check_start(out, path).map_err(Error::stdout)?;
    let checks = {
        // Cleared before the checks are printed.
        let bar = crate::ui::progress::Bar::on_stderr();
        check::inspect_showing(path, &bar)?
    };
    let failed = checks.iter().any(|c| !c.passed());
    let backups = if failed {
        backup::list(path).map(|b| b.len()).unwrap_or(0)
    } else {
        0
    };
    render_checks(out, &checks, backups).map_err(Error::stdout)?;
    Ok(if failed { 1 } else { 0 })
}
