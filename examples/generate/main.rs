//! The benchmark generator: fills a new, empty collection with a realistic
//! one (N cards, M review-log rows), deterministically from a seed and
//! `ISKRA_NOW`, where its history ends. `bench/run.sh` and `tests/scale.rs`
//! run it; it is not part of the shipped binary. It links the iskra library
//! and writes through the store's bulk API (`Store::bulk_write`).
//!
//! ```sh
//! cargo build --release --example generate
//! target/release/examples/generate --collection /tmp/big.sqlite3 --cards 100000 --reviews 1000000 [--decks 8] [--seed 1] [--years 3]
//! ```
//!
//! Reads the options, runs the generator ([`generator`]) and prints what it
//! made; an error is printed once and decides the exit code, as in `iskra`.

mod draw;
mod generator;
mod timeline;

use std::io::Write;
use std::path::PathBuf;

use clap::Parser;
use iskra::clock::{Clock, DayNumber};
use iskra::error::{Error, Result};
use iskra::store::Store;

/// The generator's options.
#[derive(Debug, Parser)]
#[command(
    name = "generate",
    about = "Generate a realistic collection for benchmarks (N cards, M review-log rows)"
)]
struct Args {
    /// The collection file, new or empty [default: $ISKRA_COLLECTION, else $XDG_DATA_HOME/iskra/collection.sqlite3]
    #[arg(long, value_name = "PATH")]
    collection: Option<PathBuf>,
    /// Cards to create
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    cards: u32,
    /// Review-log rows to create
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=100_000_000))]
    reviews: u64,
    /// Decks to spread the cards over
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=1000))]
    decks: u32,
    /// The same seed (and ISKRA_NOW) gives the same collection
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Years the review history spans, ending now
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=30))]
    years: u32,
}

fn main() {
    let args = Args::parse();
    let code = match run(args, &mut std::io::stdout().lock()) {
        Ok(()) => 0,
        Err(err) => {
            eprintln!("error: {}", iskra::text::escape_control(&err.to_string()));
            err.exit_code()
        }
    };
    std::process::exit(code);
}

/// Opens the collection as `iskra` does, generates into it and prints the summary.
fn run(args: Args, out: &mut impl Write) -> Result<()> {
    let path = iskra::paths::collection_path(args.collection, |k| std::env::var(k).ok())?;
    let mut store = Store::open_with(&path, &iskra::maintenance::backup::before_migration)?;
    let clock = Clock::from_env(store.settings()?.day_start_hour)?;
    let plan = generator::Plan {
        cards: args.cards,
        reviews: args.reviews,
        decks: args.decks,
        seed: args.seed,
        years: args.years,
    };
    let summary = {
        // Cleared before the summary is printed.
        let bar = iskra::ui::progress::Bar::on_stderr();
        generator::generate(&mut store, &plan, &clock, &bar)?
    };
    let day = |d: Option<DayNumber>| d.map_or_else(|| "-".into(), |d| iskra::clock::date_of_day(d).to_string());
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
    .map_err(Error::stdout)
}
