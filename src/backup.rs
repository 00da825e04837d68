//! Backups of the collection (before a migration and once per study day, the
//! last N kept), `iskra check` (integrity and consistency) and `iskra restore`.

use std::io::Write;
use std::path::Path;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// `iskra restore` options.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {}

/// Once per study day, keeps a copy of the collection.
pub fn daily(_store: &Store, _clock: &Clock) -> Result<()> {
    Ok(())
}

/// Runs `iskra check` on the collection at `path` (which may be damaged).
pub fn run_check(_path: &Path, _out: &mut impl Write) -> Result<i32> {
    Err(Error::Usage("check: not built yet".into()))
}

/// Runs `iskra restore`.
pub fn run_restore(_path: &Path, _args: RestoreArgs, _out: &mut impl Write) -> Result<i32> {
    Err(Error::Usage("restore: not built yet".into()))
}
