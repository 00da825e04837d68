//! `iskra export deck`.

use std::io::Write;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// `iskra export deck` options.
#[derive(Debug, clap::Args)]
pub struct DeckExportArgs {}

/// Runs `iskra export deck`.
pub fn run(_store: &mut Store, _args: DeckExportArgs, _clock: &Clock, _out: &mut impl Write) -> Result<i32> {
    Err(Error::Usage("export deck: not built yet".into()))
}
