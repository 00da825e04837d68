//! `iskra generate` (hidden): a realistic collection for benchmarks and scale
//! tests, deterministically from a seed.

use std::io::Write;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// `iskra generate` options.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {}

/// Runs `iskra generate`.
pub fn run(_store: &mut Store, _args: GenerateArgs, _clock: &Clock, _out: &mut impl Write) -> Result<i32> {
    Err(Error::Usage("generate: not built yet".into()))
}
