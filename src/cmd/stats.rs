//! `iskra stats` and `iskra report`: read the period, compute the
//! statistics ([`crate::stats`]), then draw the dashboard ([`crate::ui::stats`]),
//! print JSON or write the HTML report.

use std::io::Write;
use std::path::PathBuf;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::stats::{MAX_DAYS, Period, compute, to_json};
use crate::store::Store;

/// `--deck` and `--days`, shared by `stats`, `report` and `export stats`.
#[derive(Debug, Clone, clap::Args)]
pub struct PeriodArgs {
    /// Only this deck (its name or file name)
    #[arg(long, add = crate::cmd::completions::deck_names())]
    pub deck: Option<String>,
    /// How many days back the reviews per day and the answer buttons go
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_DAYS)))]
    pub days: u32,
}

/// `iskra stats` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra stats
  iskra stats --deck people --days 90
  iskra stats --json | jq .streak"#)]
pub struct StatsArgs {
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Print the whole computation as JSON instead of the dashboard
    #[arg(long)]
    pub json: bool,
}

/// `iskra report` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra report --out progress.html
  iskra report --deck serge-memoirs --days 90 --out serge.html
  iskra report --curve --out progress.html    with the workload by desired retention"#)]
pub struct ReportArgs {
    #[command(flatten)]
    pub period: PeriodArgs,
    /// The HTML file to write (replaced atomically)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Add the workload by desired retention (0.70 to 0.99), as `iskra simulate --curve` draws it: it runs
    /// the simulator 30 times over a year, over a minute of CPU on a collection of 100,000 cards
    #[arg(long)]
    pub curve: bool,
}

impl PeriodArgs {
    /// The period these options ask for.
    pub fn period(&self) -> Period {
        Period {
            deck: self.deck.clone(),
            days: self.days,
        }
    }
}

/// `iskra stats`.
pub fn run_stats(store: &mut Store, args: StatsArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    let stats = compute(store, &args.period.period(), clock)?;
    if args.json {
        // Lossless: control characters in card text become \u escapes.
        writeln!(out, "{}", crate::text::escape_json(&to_json(&stats)?)).map_err(Error::stdout)?;
    } else {
        crate::ui::stats::render(out, &stats, console::colors_enabled()).map_err(Error::stdout)?;
    }
    Ok(0)
}

/// Days the report's workload curve simulates (as `simulate --curve` by default).
const CURVE_DAYS: u32 = 365;

/// `iskra report`.
pub fn run_report(store: &mut Store, args: ReportArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    // A copy of the collection's figures: read from a durable snapshot.
    let span = store.begin_read_to_copy()?;
    let html = report_html(store, &args, clock);
    let html = span.end(store, html)?;
    crate::files::write_atomic(&args.out, html.as_bytes())?;
    writeln!(out, "Report written to {}", args.out.display()).map_err(Error::stdout)?;
    Ok(0)
}

/// The report's HTML.
fn report_html(store: &mut Store, args: &ReportArgs, clock: &Clock) -> Result<String> {
    let stats = compute(store, &args.period.period(), clock)?;
    let curve = match args.curve {
        true => Some(crate::cmd::optimize::workload_curve(
            store,
            args.period.deck.as_deref(),
            CURVE_DAYS,
            clock,
        )?),
        false => None,
    };
    Ok(crate::stats::report::render(&stats, curve.as_ref()))
}
