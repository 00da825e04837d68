//! Times `iskra search` in-process (see BENCHMARKS.md, "Search"), for the
//! side-by-side with Anki's `col.find_cards`, which is timed in-process too:
//!
//! - ids: the query parsed, made the store's filter and run, the matching
//!   card ids read (what Anki's `find_cards` returns, and what the card
//!   commands' `--search` needs);
//! - rows: the same with every found card's row (deck, fact, text, schedule)
//!   and its retrievability now, as `iskra search` prints them (the table
//!   itself not drawn).
//!
//! ```sh
//! cargo run --release --example search_latency -- COLLECTION RUNS QUERY...
//! ```
//! Prints, per query, the number of cards found and the median and min of
//! RUNS runs after one warm-up. The time is `ISKRA_NOW` (RFC 3339) if set,
//! else the system clock. Opens the collection read-only in effect (nothing
//! is written).

use std::time::Instant;

use iskra::clock::Clock;
use iskra::search::{find, search_ids};
use iskra::store::Store;

fn median_and_min(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[0])
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: search_latency COLLECTION RUNS QUERY...";
    let path = args.next().ok_or(usage)?;
    let runs: usize = args.next().ok_or(usage)?.parse()?;
    let queries: Vec<String> = args.collect();
    let store = Store::open(std::path::Path::new(&path))?;
    let clock = Clock::from_env(store.settings()?.day_start_hour)?;
    for query in &queries {
        let found = search_ids(&store, query, &clock)?.len();
        let time = |f: &dyn Fn() -> Result<usize, iskra::Error>| -> Result<(f64, f64), iskra::Error> {
            f()?;
            let mut times = Vec::with_capacity(runs);
            for _ in 0..runs {
                let start = Instant::now();
                f()?;
                times.push(start.elapsed().as_secs_f64() * 1000.0);
            }
            Ok(median_and_min(times))
        };
        let ids = time(&|| search_ids(&store, query, &clock).map(|ids| ids.len()))?;
        let rows = time(&|| find(&store, query, &clock).map(|rows| rows.len()))?;
        println!(
            "{query} ({found} cards): ids median {:.1} ms (min {:.1}); rows median {:.1} ms (min {:.1}); {runs} runs",
            ids.0, ids.1, rows.0, rows.1
        );
    }
    Ok(())
}
