//! `iskra export stats`.

use std::io::Write;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// `iskra export stats` options.
#[derive(Debug, clap::Args)]
pub struct StatsExportArgs {}

/// Runs `iskra export stats`.
pub fn run(_store: &mut Store, _args: StatsExportArgs, _clock: &Clock, _out: &mut impl Write) -> Result<i32> {
    Err(Error::Usage("export stats: not built yet".into()))
}
