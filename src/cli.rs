//! Command-line interface: the clap types (`Args`, `Command`) and the one
//! dispatch function, [`run`]. Each command's options and handler live in
//! [`crate::cmd`].

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cmd;
use crate::error::Result;

#[derive(Debug, Parser)]
#[command(
    name = "iskra",
    version,
    about = "Spaced-repetition flashcards for the terminal (FSRS)"
)]
pub struct Args {
    /// The collection file [default: $ISKRA_COLLECTION, else $XDG_DATA_HOME/iskra/collection.sqlite3]
    #[arg(long, global = true, value_name = "PATH")]
    pub collection: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Review the cards that are due (Space reveals, 1-4 grade, u undo, s bury, q quit)
    ///
    /// Keys: Space or Enter shows the answer; then 1 Again, 2 Hard, 3 Good, 4 Easy,
    /// and Space or Enter is Good. u undoes the last answer or bury (several levels),
    /// s buries the card until the next study day, q, Esc or Ctrl-C end the session
    /// with a summary of what is still waiting.
    ///
    /// Siblings (cards of one fact) are never shown back to back while another card
    /// is left; answering a card buries its new and review siblings until the next
    /// study day (settings bury-new, bury-review, bury-interday).
    ///
    /// Limits: new-per-day (20) and reviews-per-day (200) hold for the whole
    /// collection and for each deck (a deck file may set its own); a session obeys both.
    Review(cmd::review::ReviewArgs),
    /// Quiz yourself: multiple choice, true/false or typed answers, checked by iskra
    Quiz(cmd::quiz::QuizArgs),
    /// Show what is due and left today, per deck
    Status(cmd::status::StatusArgs),
    /// Propose cloze drafts from prose (a review, notes): accept, edit, skip or stop each
    Extract(cmd::extract::ExtractArgs),
    /// Show or change settings: `config`, `config KEY`, `config KEY VALUE`
    Config(cmd::config::ConfigArgs),
    /// Build deck files into the collection (files or directories; default decks/)
    Build(cmd::build::BuildArgs),
    /// Add facts to a deck's file: one q/a fact from the options, or interactively without them
    Add(cmd::add::AddArgs),
    /// List decks, show one deck's facts and cards, or create a deck interactively
    Deck {
        #[command(subcommand)]
        command: cmd::deck::DeckCommand,
    },
    /// Progress at a glance: today, streaks, retention, heatmap, reviews and forecast
    Stats(cmd::stats::StatsArgs),
    /// Write a self-contained HTML report with charts
    Report(cmd::stats::ReportArgs),
    /// Export statistics, the review log, or a deck
    Export {
        #[command(subcommand)]
        command: cmd::export::ExportCommand,
    },
    /// Import an Anki text file (.txt/.csv/.tsv) or package (.apkg), with its review history
    Import(cmd::import::ImportArgs),
    /// Fit the FSRS parameters to your own review history
    Optimize(cmd::optimize::OptimizeArgs),
    /// Simulate workload and recall for a range of desired retentions
    Simulate(cmd::optimize::SimulateArgs),
    /// Check the collection's integrity and consistency
    Check,
    /// List the collection's backups, or restore one
    Restore(cmd::restore::RestoreArgs),
}

/// Runs a command; returns the process exit code.
pub fn run(args: Args) -> Result<i32> {
    let mut out = std::io::stdout().lock();
    // Extracting drafts needs no collection.
    let command = match args.command {
        Command::Extract(extract) => return cmd::extract::run(extract, &mut out),
        command => command,
    };
    // A time outside the range iskra works with is refused before anything is opened.
    crate::clock::Clock::from_env(0)?;
    let path = crate::paths::collection_path(args.collection, |k| std::env::var(k).ok())?;
    let path = crate::paths::resolve_collection(&path)?;
    // Checking and restoring work on collections that may not open.
    let command = match command {
        Command::Check => return cmd::check::run(&path, &mut out),
        Command::Restore(restore) => return cmd::restore::run(&path, restore, &mut out),
        command => command,
    };
    let (mut store, clock, daily_backup) = cmd::open_collection(&path)?;
    let store = &mut store;
    let result = match command {
        Command::Review(review) => cmd::review::run(store, review, &clock),
        Command::Quiz(quiz) => cmd::quiz::run(store, quiz, &clock),
        Command::Status(status) => cmd::status::run(store, status, &clock, &mut out),
        Command::Build(build) => cmd::build::run(store, build, &mut out),
        Command::Add(add) => cmd::add::run(store, add, &mut out),
        Command::Deck { command } => cmd::deck::run(store, command, &clock, &mut out),
        Command::Config(config) => cmd::config::run(store, config, &mut out),
        Command::Stats(stats) => cmd::stats::run_stats(store, stats, &clock, &mut out),
        Command::Report(report) => cmd::stats::run_report(store, report, &clock, &mut out),
        Command::Export { command } => cmd::export::run(store, command, &clock, &mut out),
        Command::Import(import) => cmd::import::run(store, import, &clock, &mut out),
        Command::Optimize(optimize) => cmd::optimize::run_optimize(store, optimize, &clock, &mut out),
        Command::Simulate(simulate) => cmd::optimize::run_simulate(store, simulate, &clock, &mut out),
        // Run above, before the collection is opened.
        Command::Extract(_) | Command::Check | Command::Restore(_) => Ok(0),
    };
    // Damage found by today's check (which refused the command's writes)
    // outranks whatever the command made of it.
    match (result, daily_backup.finish()) {
        (_, Err(damage)) => Err(damage),
        (result, Ok(())) => result,
    }
}
