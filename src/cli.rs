//! Command-line interface: arguments (clap) and one small function per command.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::clock::Clock;
use crate::deck::build;
use crate::error::{Error, Result};
use crate::review::Session;
use crate::store::{Store, SyncReport};
use crate::ui;

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
    Review {
        /// Only this deck (its name or file name)
        #[arg(long)]
        deck: Option<String>,
        /// Stop after this many answers
        #[arg(long)]
        limit: Option<u32>,
        /// Ask the due cards as a quiz and grade the answers automatically
        #[arg(long)]
        mode: Option<ReviewModeArg>,
    },
    /// Quiz yourself: multiple choice, true/false or typed answers, checked by iskra
    Quiz {
        /// Only this deck (its name or file name)
        #[arg(long)]
        deck: Option<String>,
        /// How many questions
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
        count: u32,
        #[arg(long, value_enum, default_value_t = ModeArg::Mixed)]
        mode: ModeArg,
        /// Only facts with this tag
        #[arg(long)]
        tag: Option<String>,
        /// Make the run reproducible (the header shows the seed used)
        #[arg(long)]
        seed: Option<u64>,
        /// Grade the answers into the schedule, as a review would
        #[arg(long)]
        record: bool,
    },
    /// Show what is due and left today, per deck
    Status {
        #[arg(long)]
        deck: Option<String>,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Propose cloze drafts from prose (a review, notes): accept, edit, skip or stop each
    Extract {
        /// A UTF-8 text file
        file: PathBuf,
        /// The deck file accepted drafts are appended to [default: decks/drafts.deck], or with
        /// --non-interactive the file all drafts are written to [default: FILE-STEM.drafts.deck]
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Write every draft to the --out file without asking
        #[arg(long)]
        non_interactive: bool,
        /// At most this many drafts, best first
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Show or change settings: `config`, `config KEY`, `config KEY VALUE`
    Config { key: Option<String>, value: Option<String> },
    /// Build deck files into the collection (files or directories; default decks/)
    Build {
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Add facts to a deck's file: one q/a fact from the options, or interactively without them
    Add(crate::author::AddArgs),
    /// List decks, show one deck's facts and cards, or create a deck interactively
    Deck {
        #[command(subcommand)]
        command: crate::author::DeckCommand,
    },
    /// Progress at a glance: today, streaks, retention, heatmap, reviews and forecast
    Stats(crate::cmd::stats::StatsArgs),
    /// Write a self-contained HTML report with charts
    Report(crate::cmd::stats::ReportArgs),
    /// Export statistics, the review log, or a deck
    Export {
        #[command(subcommand)]
        command: crate::cmd::export::ExportCommand,
    },
    /// Import an Anki text file (.txt/.csv/.tsv) or package (.apkg), with its review history
    Import(crate::cmd::import::ImportArgs),
    /// Fit the FSRS parameters to your own review history
    Optimize(crate::cmd::optimize::OptimizeArgs),
    /// Simulate workload and recall for a range of desired retentions
    Simulate(crate::cmd::optimize::SimulateArgs),
    /// Check the collection's integrity and consistency
    Check,
    /// List the collection's backups, or restore one
    Restore(crate::cmd::restore::RestoreArgs),
}

/// Runs a command; returns the process exit code.
pub fn run(args: Args) -> Result<i32> {
    // Extracting drafts needs no collection.
    if let Command::Extract {
        file,
        out,
        non_interactive,
        limit,
    } = &args.command
    {
        return extract(file, out.clone(), *non_interactive, *limit);
    }
    let path = crate::paths::collection_path(args.collection, |k| std::env::var(k).ok())?;
    // Checking and restoring work on collections that may not open.
    match args.command {
        Command::Check => return crate::maintenance::check::run(&path, &mut std::io::stdout().lock()),
        Command::Restore(restore) => return crate::cmd::restore::run(&path, restore, &mut std::io::stdout().lock()),
        _ => {}
    }
    let mut store = Store::open_with(&path, &crate::maintenance::backup::before_migration)?;
    let settings = store.settings()?;
    let clock = Clock::from_env(settings.day_start_hour)?;
    // Today's backup is copied in the background; the command waits for it at the end.
    let _daily_backup = crate::maintenance::backup::daily(&store, settings.backups_keep, &clock)?;
    // Cards buried on an earlier study day are back in their queues.
    store.unbury(clock.today())?;
    let mut out = std::io::stdout().lock();
    match args.command {
        Command::Review {
            deck,
            limit,
            mode: None,
        } => {
            bundled_if_empty(&mut store)?;
            review(&mut store, deck.as_deref(), limit, &clock)
        }
        Command::Review {
            deck,
            limit,
            mode: Some(mode),
        } => {
            bundled_if_empty(&mut store)?;
            let mode = crate::quiz::ReviewMode::from(mode);
            quiz_review(&mut store, deck.as_deref(), limit, mode.into(), &clock)
        }
        Command::Quiz {
            deck,
            count,
            mode,
            tag,
            seed,
            record,
        } => {
            bundled_if_empty(&mut store)?;
            let options = crate::quiz::QuizOptions {
                deck,
                count: count as usize,
                mode: mode.into(),
                tag,
                seed: seed.unwrap_or_else(rand::random),
                record,
            };
            quiz(&mut store, &options, &clock)
        }
        Command::Status { deck, json } => {
            bundled_if_empty(&mut store)?;
            let status = crate::status::status(&store, deck.as_deref(), &clock)?;
            if json {
                let text = serde_json::to_string_pretty(&status).map_err(|e| Error::Internal(e.to_string()))?;
                writeln!(out, "{}", ui::escape_json(&text)).map_err(Error::stdout)?;
            } else {
                ui::render_status(&mut out, &status, &clock).map_err(Error::stdout)?;
            }
            Ok(0)
        }
        Command::Extract { .. } => Ok(0),
        Command::Add(add) => {
            bundled_if_empty(&mut store)?;
            crate::author::add(&mut store, add, &mut out)?;
            Ok(0)
        }
        Command::Deck { command } => {
            // A new author's own deck does not need the bundled ones first.
            if !matches!(command, crate::author::DeckCommand::New { .. }) {
                bundled_if_empty(&mut store)?;
            }
            crate::author::deck(&mut store, command, &clock, &mut out)?;
            Ok(0)
        }
        Command::Config { key, value } => {
            config(&mut store, key.as_deref(), value.as_deref(), &mut out)?;
            Ok(0)
        }
        Command::Stats(stats) => {
            bundled_if_empty(&mut store)?;
            crate::cmd::stats::run_stats(&mut store, stats, &clock, &mut out)
        }
        Command::Report(report) => {
            bundled_if_empty(&mut store)?;
            crate::cmd::stats::run_report(&mut store, report, &clock, &mut out)
        }
        Command::Export { command } => crate::cmd::export::run(&mut store, command, &clock, &mut out),
        Command::Import(import) => crate::cmd::import::run(&mut store, import, &clock, &mut out),
        Command::Optimize(optimize) => crate::cmd::optimize::run_optimize(&mut store, optimize, &clock, &mut out),
        Command::Simulate(simulate) => crate::cmd::optimize::run_simulate(&mut store, simulate, &clock, &mut out),
        Command::Check | Command::Restore(_) => Ok(0),
        Command::Build { paths } => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from("decks")]
            } else {
                paths
            };
            let sources = build::collect_sources(&paths)?;
            let reports = build::build(&mut store, &sources)?;
            print_reports(&mut out, &reports).map_err(Error::stdout)?;
            Ok(0)
        }
    }
}

/// A newcomer's first `review`/`status` builds the bundled decks.
/// The note goes to stderr so that `status --json` stays pure JSON.
fn bundled_if_empty(store: &mut Store) -> Result<()> {
    if let Some(reports) = build::ensure_bundled(store)? {
        let facts: usize = reports.iter().map(|r| r.added).sum();
        eprintln!(
            "New collection at {}: added {} bundled decks ({facts} facts).",
            store.path().display(),
            reports.len()
        );
    }
    Ok(())
}

fn print_reports(out: &mut impl Write, reports: &[SyncReport]) -> std::io::Result<()> {
    for r in reports {
        write!(
            out,
            "{}: {} added, {} updated, {} unchanged, {} removed",
            ui::escape_control(&r.deck),
            r.added,
            r.updated,
            r.unchanged,
            r.removed
        )?;
        if r.restored > 0 {
            write!(out, ", {} restored", r.restored)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn config(store: &mut Store, key: Option<&str>, value: Option<&str>, out: &mut impl Write) -> Result<()> {
    let mut settings = store.settings()?;
    match (key, value) {
        (None, _) => {
            for (key, help) in crate::config::KEYS {
                let value = crate::config::get(&settings, key)?;
                writeln!(out, "{key:<17} {value:<10} {help}").map_err(Error::stdout)?;
            }
        }
        (Some(key), None) => writeln!(out, "{}", crate::config::get(&settings, key)?).map_err(Error::stdout)?,
        (Some(key), Some(value)) => {
            crate::config::set(&mut settings, key, value)?;
            store.save_settings(&settings)?;
            writeln!(out, "{key} = {}", crate::config::get(&settings, key)?).map_err(Error::stdout)?;
        }
    }
    Ok(())
}

fn extract(file: &std::path::Path, out: Option<PathBuf>, non_interactive: bool, limit: Option<usize>) -> Result<i32> {
    let bytes = std::fs::read(file).map_err(|source| Error::Io {
        path: file.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::Usage(format!(
            "{} is not UTF-8 text.\n  hint: convert it to UTF-8 first",
            file.display()
        ))
    })?;
    let mut drafts = crate::extract::extract(&text);
    drafts.truncate(limit.unwrap_or(usize::MAX));
    let source = file
        .file_name()
        .map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    if non_interactive {
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "notes".into());
        let out = out.unwrap_or_else(|| PathBuf::from(format!("{stem}.drafts.deck")));
        crate::files::write_atomic(&out, crate::extract::render_deck(&drafts, &source).as_bytes())?;
        println!("{} drafts written to {}", drafts.len(), out.display());
        return Ok(0);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Usage(
            "extract asks about each draft on a terminal.\n  hint: pass --non-interactive to write all drafts to a file".into(),
        ));
    }
    let out = out.unwrap_or_else(|| PathBuf::from("decks/drafts.deck"));
    let accepted = ui::drafts::walk(&drafts, |draft| {
        crate::extract::append_to_deck_file(&out, std::slice::from_ref(draft), &source)
    })?;
    println!("{accepted} of {} drafts appended to {}", drafts.len(), out.display());
    Ok(0)
}

/// The time as a session goes on: fixed when `ISKRA_NOW` is set, else the system clock.
fn session_now(clock: &Clock) -> impl Fn() -> chrono::DateTime<chrono::Utc> + '_ {
    let fixed_now = std::env::var_os("ISKRA_NOW").is_some();
    move || if fixed_now { clock.now() } else { chrono::Utc::now() }
}

fn is_interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

fn quiz(store: &mut Store, options: &crate::quiz::QuizOptions, clock: &Clock) -> Result<i32> {
    let mut quiz = crate::quiz::Quiz::start(store, options)?;
    if is_interactive() {
        ui::quiz::interactive::run_quiz(&mut quiz, clock, session_now(clock))?;
    } else {
        let (stdin, stdout) = (std::io::stdin().lock(), std::io::stdout().lock());
        ui::quiz::lines::run_quiz(&mut quiz, clock, session_now(clock), stdin, stdout)?;
    }
    Ok(0)
}

fn quiz_review(
    store: &mut Store,
    deck: Option<&str>,
    limit: Option<u32>,
    mode: crate::quiz::Mode,
    clock: &Clock,
) -> Result<i32> {
    let mut review = crate::quiz::QuizReview::start(store, deck, limit, mode, rand::random(), clock)?;
    if is_interactive() {
        ui::quiz::interactive::run_review(&mut review, clock, session_now(clock))?;
    } else {
        let (stdin, stdout) = (std::io::stdin().lock(), std::io::stdout().lock());
        ui::quiz::lines::run_review(&mut review, clock, session_now(clock), stdin, stdout)?;
    }
    Ok(0)
}

fn review(store: &mut Store, deck: Option<&str>, limit: Option<u32>, clock: &Clock) -> Result<i32> {
    let now = session_now(clock);
    let mut session = Session::start(store, deck, limit, clock)?;
    if is_interactive() {
        ui::interactive::run(&mut session, clock, now)?;
    } else {
        let stdin = std::io::stdin().lock();
        let stdout = std::io::stdout().lock();
        ui::lines::run(&mut session, clock, now, stdin, stdout)?;
    }
    Ok(0)
}

/// `quiz --mode`: clap's face of [`crate::quiz::Mode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModeArg {
    /// Pick the answer among up to four options.
    Choice,
    /// Say whether the answer shown is the right one.
    #[value(name = "truefalse")]
    TrueFalse,
    /// Type the answer; checked leniently.
    Typed,
    /// Typed for short answers, choice otherwise.
    Mixed,
}

impl From<ModeArg> for crate::quiz::Mode {
    fn from(mode: ModeArg) -> Self {
        match mode {
            ModeArg::Choice => Self::Choice,
            ModeArg::TrueFalse => Self::TrueFalse,
            ModeArg::Typed => Self::Typed,
            ModeArg::Mixed => Self::Mixed,
        }
    }
}

/// `review --mode`: clap's face of [`crate::quiz::ReviewMode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewModeArg {
    /// Type each answer (cards whose answer is a question or an event are multiple choice).
    Typed,
    /// Pick each answer among up to four options.
    Choice,
}

impl From<ReviewModeArg> for crate::quiz::ReviewMode {
    fn from(mode: ReviewModeArg) -> Self {
        match mode {
            ReviewModeArg::Typed => Self::Typed,
            ReviewModeArg::Choice => Self::Choice,
        }
    }
}
