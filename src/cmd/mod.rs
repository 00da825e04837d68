//! The command layer: one file per command. Each reads its arguments (clap
//! types from [`crate::cli`]), calls the domain and hands the results to
//! [`crate::ui`] to print. Nothing below this layer imports it.

pub mod add;
pub mod check;
pub mod deck;
pub mod export;
pub mod generate;
pub mod import;
pub mod optimize;
pub mod restore;
pub mod stats;

use std::io::IsTerminal;

use crate::deck::build::ensure_bundled;
use crate::error::{Error, Result};
use crate::store::Store;

/// A newcomer's first `review`/`status` builds the bundled decks.
/// The note goes to stderr so that `status --json` stays pure JSON.
pub fn bundled_if_empty(store: &mut Store) -> Result<()> {
    if let Some(reports) = ensure_bundled(store)? {
        let facts: usize = reports.iter().map(|r| r.added).sum();
        eprintln!(
            "New collection at {}: added {} bundled decks ({facts} facts).",
            store.path().display(),
            reports.len()
        );
    }
    Ok(())
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
