//! `iskra export log`.

use std::io::Write;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// `iskra export log` options.
#[derive(Debug, clap::Args)]
pub struct LogExportArgs {}

/// Runs `iskra export log`.
pub fn run(_store: &mut Store, _args: LogExportArgs, _clock: &Clock, _out: &mut impl Write) -> Result<i32> {
    Err(Error::Usage("export log: not built yet".into()))
}
