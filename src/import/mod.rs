//! `iskra import`: Anki text files and packages (.apkg) into the collection,
//! in one transaction, with a report of what was imported, updated and skipped.

use std::io::Write;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// `iskra import` options.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {}

/// Runs `iskra import`.
pub fn run(_store: &mut Store, _args: ImportArgs, _clock: &Clock, _out: &mut impl Write) -> Result<i32> {
    Err(Error::Usage("import: not built yet".into()))
}
