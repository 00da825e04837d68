//! Progress statistics: computed from the review log and the cards into plain
//! serialisable structs (`iskra stats`, `iskra report`, `iskra export stats`).
//! Rendering lives in `ui` (terminal) and [`report`] (HTML).

use std::io::Write;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// `iskra stats` options.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {}

/// `iskra report` options.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {}

/// `iskra stats`.
pub fn run_stats(_store: &mut Store, _args: StatsArgs, _clock: &Clock, _out: &mut impl Write) -> Result<i32> {
    Err(Error::Usage("stats: not built yet".into()))
}

/// `iskra report`.
pub fn run_report(_store: &mut Store, _args: ReportArgs, _clock: &Clock, _out: &mut impl Write) -> Result<i32> {
    Err(Error::Usage("report: not built yet".into()))
}
