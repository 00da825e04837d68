//! The command layer: one file per command. Each reads its arguments (its
//! clap options struct lives next to it), calls the domain and hands the
//! results to [`crate::ui`] to print; [`crate::cli::run`] dispatches to them.
//! Nothing below this layer imports it.
//!
//! The helpers every command shares are here: opening the collection
//! ([`open_collection`]), building the bundled decks for a newcomer
//! ([`bundled_if_empty`]), running a session on the terminal or the line
//! protocol ([`run_session`], on the clock of [`session_now`]) and whether
//! there is a terminal to draw or prompt on.

pub mod add;
pub mod build;
pub mod card;
pub mod cards;
pub mod check;
pub mod completions;
pub mod config;
pub mod deck;
pub mod edit;
pub mod export;
pub mod extract;
pub mod import;
pub mod optimize;
pub mod quiz;
pub mod restore;
pub mod review;
pub mod search;
pub mod stats;
pub mod status;
pub mod sync;

use std::io::IsTerminal;
use std::path::Path;

use crate::clock::Clock;
use crate::deck::build::ensure_bundled;
use crate::error::{Error, Result};
use crate::maintenance::backup::{self, PendingBackup};
use crate::session::Interactive;
use crate::store::Store;
use crate::ui;

/// Opens the collection for a command: migrated (backed up first), today's
/// backup started in the background (it is waited for when the returned
/// [`PendingBackup`] is dropped, at the end of the command), cards buried on
/// an earlier study day back in their queues, new rows stamped with the
/// clock's time. Temporary files of backups killed midway are removed
/// first. Today's backup also checks the collection: until it has, writes
/// wait, and if it finds damage they are refused ([`PendingBackup::finish`]
/// says so).
pub fn open_collection(path: &Path) -> Result<(Store, Clock, PendingBackup)> {
    backup::remove_dead_temps(path);
    let mut store = Store::open_with(path, &backup::before_migration)?;
    let settings = store.settings()?;
    let clock = Clock::from_env(settings.day_start_hour)?;
    store.set_now(clock.now_ms());
    let daily_backup = backup::daily(&mut store, settings.backups_keep, &clock)?;
    if let Err(e) = store.unbury(clock.today()) {
        return Err(daily_backup.explain(e));
    }
    Ok((store, clock, daily_backup))
}

/// A newcomer's first `review`/`status` builds the bundled decks.
/// The note goes to stderr so that `status --json` stays pure JSON.
pub fn bundled_if_empty(store: &mut Store) -> Result<()> {
    if let Some(reports) = ensure_bundled(store)? {
        let facts: usize = reports.iter().map(|r| r.added).sum();
        eprintln!(
            "New collection at {}: added {} bundled decks ({facts} facts).",
            crate::error::shown(store.path()),
            reports.len()
        );
    }
    Ok(())
}

/// The time as a session goes on: fixed when `ISKRA_NOW` is set, else the system clock.
pub fn session_now(clock: &Clock) -> impl Fn() -> chrono::DateTime<chrono::Utc> + '_ {
    let fixed_now = std::env::var_os("ISKRA_NOW").is_some();
    move || if fixed_now { clock.now() } else { chrono::Utc::now() }
}

/// Runs a session to its end: on the terminal when there is one, else over
/// the line protocol on stdin and stdout.
pub fn run_session(session: &mut impl Interactive, clock: &Clock) -> Result<()> {
    let now = session_now(clock);
    if is_interactive() {
        ui::frontend::run(session, &mut ui::terminal::Terminal::new(), clock, now)
    } else {
        let (stdin, stdout) = (std::io::stdin().lock(), std::io::stdout().lock());
        ui::frontend::run(
            session,
            &mut ui::line_protocol::LineProtocol::new(stdin, stdout),
            clock,
            now,
        )
    }
}

/// True when a session can be drawn on a terminal (stdin and stdout are
/// one); else it speaks the line protocol.
pub fn is_interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// True when prompts can be asked: they are read from stdin and drawn on stderr.
pub fn can_prompt() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Refuses an authoring command that has no terminal to ask its questions on.
pub fn require_terminal(command: &str) -> Result<()> {
    if can_prompt() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "`iskra {command}` asks its questions on a terminal.\n  hint: for scripts, use `iskra add --deck NAME --question Q --answer A`, or write the deck file and `iskra build` it"
    )))
}
