//! `iskra generate` (hidden): reads the options, runs the benchmark
//! generator ([`crate::generate`]) and prints what it made.

use std::io::Write;

use crate::clock::{Clock, DayNumber};
use crate::error::{Error, Result};
use crate::store::Store;

/// `iskra generate` options.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Cards to create
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub cards: u32,
    /// Review-log rows to create
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=100_000_000))]
    pub reviews: u64,
    /// Decks to spread the cards over
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub decks: u32,
    /// The same seed (and ISKRA_NOW) gives the same collection
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Years the review history spans, ending now
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=30))]
    pub years: u32,
}

/// Runs `iskra generate`.
pub fn run(store: &mut Store, args: GenerateArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    let plan = crate::generate::Plan {
        cards: args.cards,
        reviews: args.reviews,
        decks: args.decks,
        seed: args.seed,
        years: args.years,
    };
    let summary = crate::generate::generate(store, &plan, clock)?;
    let day = |d: Option<DayNumber>| d.map_or_else(|| "-".into(), |d| crate::clock::date_of_day(d).to_string());
    writeln!(
        out,
        "Generated {} cards ({} facts) in {} decks: {} new, {} learning, {} relearning, {} young, {} mature; {} suspended\n\
         {} review-log rows, {} to {} (seed {})",
        summary.cards,
        summary.facts,
        summary.decks,
        summary.new,
        summary.learning,
        summary.relearning,
        summary.young,
        summary.mature,
        summary.suspended,
        summary.reviews,
        day(summary.first_day),
        day(summary.last_day),
        plan.seed
    )
    .map_err(Error::stdout)?;
    Ok(0)
}
