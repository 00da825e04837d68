//! Fitting FSRS to the user's own review history (`iskra optimize`) and
//! simulating workloads for a range of desired retentions (`iskra simulate`).

use std::io::Write;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// `iskra optimize` options.
#[derive(Debug, clap::Args)]
pub struct OptimizeArgs {}

/// `iskra simulate` options.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {}

/// Runs `iskra optimize`.
pub fn run_optimize(_store: &mut Store, _args: OptimizeArgs, _clock: &Clock, _out: &mut impl Write) -> Result<i32> {
    Err(Error::Usage("optimize: not built yet".into()))
}

/// Runs `iskra simulate`.
pub fn run_simulate(_store: &mut Store, _args: SimulateArgs, _clock: &Clock, _out: &mut impl Write) -> Result<i32> {
    Err(Error::Usage("simulate: not built yet".into()))
}
