//! `iskra export`: statistics, the review log and decks, written to files
//! (atomically) or to stdout.

pub mod deck;
pub mod format;
pub mod log;
pub mod stats;

use std::io::Write;

use crate::clock::Clock;
use crate::error::Result;
use crate::store::Store;

/// What `iskra export` writes.
#[derive(Debug, clap::Subcommand)]
pub enum ExportCommand {
    /// Per-day statistics (and with --cards one row per card) as CSV or JSON
    Stats(stats::StatsExportArgs),
    /// The raw review log as CSV or JSON
    Log(log::LogExportArgs),
    /// One deck as an Anki package, Anki text file, or iskra deck file
    Deck(deck::DeckExportArgs),
}

/// Runs one `iskra export` command, its reads in one read transaction
/// whose snapshot is durable before anything is written out
/// ([`Store::begin_read_to_copy`]).
pub fn run(store: &mut Store, command: ExportCommand, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    let span = store.begin_read_to_copy()?;
    let written = match command {
        ExportCommand::Stats(args) => stats::run(store, args, clock, out),
        ExportCommand::Log(args) => log::run(store, args, clock, out),
        ExportCommand::Deck(args) => deck::run(store, args, clock, out),
    };
    span.end(store, written)
}
