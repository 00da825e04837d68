//! Command-line interface: the clap types (`Args`, `Command`) and the one
//! dispatch function, [`run`]. Each command's options and handler live in
//! [`crate::cmd`].

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cmd;
use crate::cmd::check::RepairGate;
use crate::error::Result;
use crate::manage::Action;

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
    /// Review the cards that are due (Space reveals, 1-4 grade, ? lists the keys)
    ///
    /// Keys: Space or Enter shows the answer; then 1 Again, 2 Hard, 3 Good, 4 Easy,
    /// and Space or Enter is Good. h shows the hint (hidden until asked for). u undoes
    /// the last answer, bury or suspend (several levels). s buries the card until the
    /// next study day, ! suspends it. e opens the fact in $VISUAL (else $EDITOR, else
    /// vi) at its line in its deck file and builds that file again when the editor
    /// ends (history kept). ? lists the keys. q, Esc or Ctrl-C end the session with a
    /// summary of what is still waiting. Without a terminal the same commands are
    /// read one per line (r or an empty line reveals).
    ///
    /// Siblings (cards of one fact) are never shown back to back while another card
    /// is left; answering a card buries its new and review siblings until the next
    /// study day (settings bury-new, bury-review, bury-interday).
    ///
    /// Limits: new-per-day (20) and reviews-per-day (200) hold for the whole
    /// collection and for each deck (a deck file may set its own); a session obeys
    /// both: a deck gives at most what is left of its own limit and of the
    /// collection's.
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
    /// Edit a deck's file in $VISUAL or $EDITOR (else vi) at a fact's line, then build it
    ///
    /// `iskra edit people/rosmer-born` opens the file of deck `people` at the
    /// heading of fact `rosmer-born` (the editor is given `+LINE`), and builds the
    /// file when the editor exits: reworded facts keep their cards and history. If
    /// the file no longer builds, its errors are shown and, on a terminal, it can be
    /// reopened; the collection keeps the last version that built.
    Edit(cmd::edit::EditArgs),
    /// List decks, show one deck's facts and cards, or create a deck interactively
    #[command(after_help = r#"Examples:
  iskra deck list
  iskra deck show people
  iskra deck new "Kronstadt 1921"        asks for a description, then facts"#)]
    Deck {
        #[command(subcommand)]
        command: cmd::deck::DeckCommand,
    },
    /// Progress at a glance: today, streaks, retention, heatmap, reviews and forecast
    Stats(cmd::stats::StatsArgs),
    /// Write a self-contained HTML report with charts
    Report(cmd::stats::ReportArgs),
    /// Export statistics, the review log, or a deck
    #[command(after_help = r#"Examples:
  iskra export deck people --out people.deck
  iskra export log --out log.csv
  iskra export stats --cards --format json"#)]
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
    #[command(after_help = r#"Examples:
  iskra check                       each check ok or PROBLEM; exit code 1 on any problem
  iskra check --repair              count again what iskra keeps counted, then check
  iskra --collection copy.sqlite3 check"#)]
    Check(cmd::check::CheckArgs),
    /// List the collection's backups, or restore one
    Restore(cmd::restore::RestoreArgs),
    /// Find cards with Anki's search syntax: words, "phrases", deck:, tag:, card:, is:, flag:, prop:, rated:, added:, -, or
    #[command(after_help = r#"Examples:
  iskra search kronstadt                       cards whose question or answer holds the word
  iskra search 'deck:lenin* is:due'            due cards of decks whose key or title starts with lenin
  iskra search '"sailors revolt" or tag:navy'
  iskra search 'prop:lapses>3 -is:suspended' --facts
  iskra search 'prop:r<0.8' --json
  iskra search '"deck:Journey to Moscow, 1920" card:2'   a deck's second cards (reverse, cloze:2, before, event)
  iskra search -- -tag:draft                   a query that starts with - goes after --"#)]
    Search(cmd::search::SearchArgs),
    /// Show one card: deck, fact, file:line, state, memory, flag, and its whole review history
    #[command(after_help = r#"Examples:
  iskra card 12
  iskra card 12 --json"#)]
    Card(cmd::card::CardArgs),
    /// Suspend cards (by id, or --search QUERY): they are not studied until unsuspended
    #[command(after_help = r#"Examples:
  iskra suspend 12 13 40
  iskra suspend --search 'is:leech'
  iskra undo                                   takes it back"#)]
    Suspend(cmd::cards::Selection),
    /// Bring suspended cards back into their queues
    #[command(after_help = r#"Examples:
  iskra unsuspend 12
  iskra unsuspend --search 'deck:kronstadt-1921 is:suspended'"#)]
    Unsuspend(cmd::cards::Selection),
    /// Bury cards until the next study day
    #[command(after_help = r#"Examples:
  iskra bury 12 13
  iskra bury --search 'tag:draft'"#)]
    Bury(cmd::cards::Selection),
    /// Bring buried cards back now
    #[command(after_help = r#"Examples:
  iskra unbury 12
  iskra unbury --search is:buried"#)]
    Unbury(cmd::cards::Selection),
    /// Make cards new again, at the end of the new cards; their review history is kept (Anki's "Reset")
    #[command(after_help = r#"Examples:
  iskra forget 12
  iskra forget --reset-counts --search 'deck:drafts'"#)]
    Forget(cmd::cards::ForgetArgs),
    /// Set when cards are next due: --days N, or a random day of A-B (Anki's "Set due date"), logged as a manual entry
    #[command(after_help = r#"Examples:
  iskra reschedule --days 7 12                 due in a week; interval from the last review
  iskra reschedule --days 3-10 --search 'deck:people is:due'   spread over days 3 to 10
  iskra reschedule --days 30! 12               interval set to 30 days"#)]
    Reschedule(cmd::cards::RescheduleArgs),
    /// Flag cards: 1 red, 2 orange, 3 green, 4 blue, 5 pink, 6 turquoise, 7 purple; 0 clears
    #[command(after_help = r#"Examples:
  iskra flag 1 12 13
  iskra flag 0 --search flag:1                 clears the red flags
  iskra search flag:1"#)]
    Flag(cmd::cards::FlagArgs),
    /// Take back the last suspend, unsuspend, bury, unbury, forget, reschedule or flag (several levels)
    #[command(after_help = r#"Examples:
  iskra flag 3 12 && iskra undo                the flag is gone again
  iskra undo                                   again for the change before"#)]
    Undo,
    /// Sync with a shared folder (Syncthing, Dropbox, a git clone): `sync DIR` once, then `sync`
    ///
    /// Each collection writes only its own files into DIR/iskra-sync/ (chunks of
    /// answers and changes, and the decks it has no file for) and reads the others';
    /// answers given on two machines are merged, none lost. The folder is remembered:
    /// every review and quiz --record syncs at its start and end.
    Sync(cmd::sync::SyncArgs),
    /// Print a script that makes your shell complete iskra's commands, options and deck names
    Completions(cmd::completions::CompletionsArgs),
    /// Print iskra's manual page (roff), or one command's
    Man(cmd::completions::ManArgs),
}

/// Runs a command; returns the process exit code.
pub fn run(args: Args) -> Result<i32> {
    let mut out = std::io::stdout().lock();
    let path = crate::paths::collection_path(args.collection, |k| std::env::var(k).ok());
    // Extracting drafts needs no collection, but reads one that exists.
    let command = match args.command {
        Command::Extract(extract) => return cmd::extract::run(path.ok().as_deref(), extract, &mut out),
        Command::Completions(completions) => return cmd::completions::run_completions(&completions, &mut out),
        Command::Man(man) => {
            return cmd::completions::run_man(<Args as clap::CommandFactory>::command(), &man, &mut out);
        }
        command => command,
    };
    // A time outside the range iskra works with is refused before anything is opened.
    crate::clock::Clock::from_env(0)?;
    let path = crate::paths::resolve_collection(&path?)?;
    // Checking and restoring work on collections that may not open.
    let mut checked_before_repair = Vec::new();
    let command = match command {
        Command::Check(check) if !check.repair => return cmd::check::run(&path, &mut out),
        Command::Check(check) => match cmd::check::refuse_repair(&path, &mut out)? {
            RepairGate::Refused(code) => return Ok(code),
            RepairGate::Cleared(checks) => {
                checked_before_repair = checks;
                Command::Check(check)
            }
        },
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
        Command::Edit(edit) => cmd::edit::run(store, edit, &mut out),
        Command::Deck { command } => cmd::deck::run(store, command, &clock, &mut out),
        Command::Config(config) => cmd::config::run(store, config, &clock, &mut out),
        Command::Stats(stats) => cmd::stats::run_stats(store, stats, &clock, &mut out),
        Command::Report(report) => cmd::stats::run_report(store, report, &clock, &mut out),
        Command::Export { command } => cmd::export::run(store, command, &clock, &mut out),
        Command::Import(import) => cmd::import::run(store, import, &clock, &mut out),
        Command::Optimize(optimize) => cmd::optimize::run_optimize(store, optimize, &clock, &mut out),
        Command::Simulate(simulate) => cmd::optimize::run_simulate(store, simulate, &clock, &mut out),
        Command::Search(search) => cmd::search::run(store, search, &clock, &mut out),
        Command::Card(card) => cmd::card::run(store, card, &clock, &mut out),
        Command::Suspend(cards) => cmd::cards::run(store, Action::Suspend, cards, &clock, &mut out),
        Command::Unsuspend(cards) => cmd::cards::run(store, Action::Unsuspend, cards, &clock, &mut out),
        Command::Bury(cards) => cmd::cards::run(store, Action::Bury, cards, &clock, &mut out),
        Command::Unbury(cards) => cmd::cards::run(store, Action::Unbury, cards, &clock, &mut out),
        Command::Forget(forget) => cmd::cards::run_forget(store, forget, &clock, &mut out),
        Command::Reschedule(reschedule) => cmd::cards::run_reschedule(store, reschedule, &clock, &mut out),
        Command::Flag(flag) => cmd::cards::run_flag(store, flag, &clock, &mut out),
        Command::Undo => cmd::cards::run_undo(store, &clock, &mut out),
        Command::Sync(sync) => cmd::sync::run(store, sync, &clock, &mut out),
        Command::Check(_) => cmd::check::run_repair(store, &path, std::mem::take(&mut checked_before_repair), &mut out),
        // Run above, before the collection is opened.
        Command::Extract(_) | Command::Completions(_) | Command::Man(_) | Command::Restore(_) => Ok(0),
    };
    // Damage found by today's check (which refused the command's writes)
    // outranks whatever the command made of it.
    match (result, daily_backup.finish()) {
        (_, Err(damage)) => Err(damage),
        (result, Ok(())) => result,
    }
}
