//! `iskra deck list|show|new`: the decks with their counts, one deck's facts
//! and cards ([`crate::ui::deck_listing`]), or a new deck file made
//! interactively ([`crate::ui::authoring`], [`crate::deck::author`]).

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::text::escape_control;
use crate::ui::authoring::{TermPrompter, new_deck};
use crate::ui::deck_listing::{render_list, render_show};

use super::{bundled_if_empty, require_terminal};

/// `iskra deck …`.
#[derive(Debug, Clone, Subcommand)]
pub enum DeckCommand {
    /// The decks in the collection, with counts of facts, cards, new and due cards
    #[command(after_help = "Examples:\n  iskra deck list")]
    List,
    /// One deck's facts and their cards
    #[command(after_help = "Examples:\n  iskra deck show people\n  iskra deck show people | less -R")]
    Show {
        /// The deck (its name or file name)
        #[arg(add = crate::cmd::completions::deck_names())]
        name: String,
    },
    /// Create a deck file interactively: name, description, then facts one by one
    #[command(
        after_help = "Examples:\n  iskra deck new\n  iskra deck new \"Kronstadt 1921\" --out ~/notes/kronstadt.deck"
    )]
    New {
        /// The deck's name (asked for when absent)
        name: Option<String>,
        /// The file to write [default: decks/NAME-IN-LOWERCASE.deck]
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
}

/// Runs `iskra deck list|show|new`.
pub fn run(store: &mut Store, command: DeckCommand, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    match command {
        DeckCommand::List => list(store, clock, out),
        DeckCommand::Show { name } => show(store, &name, clock, out),
        // A new author's own deck does not need the bundled ones first.
        DeckCommand::New { name, out: path } => new(store, name, path, out),
    }
}

/// Every deck with its facts, cards, new cards and cards due now.
fn list(store: &mut Store, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    bundled_if_empty(store)?;
    let decks = store.decks()?;
    let mut rows = Vec::with_capacity(decks.len());
    for deck in &decks {
        rows.push((deck, store.deck_summary(deck.id, clock.now_ms(), clock.today())?));
    }
    render_list(out, &rows).map_err(Error::stdout)?;
    Ok(0)
}

/// One deck: its header, then each fact with its cards.
fn show(store: &mut Store, name: &str, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    bundled_if_empty(store)?;
    let deck = store.find_deck(name)?;
    let summary = store.deck_summary(deck.id, clock.now_ms(), clock.today())?;
    let cards = store.deck_cards(deck.id)?;
    render_show(out, &deck, &summary, &cards, clock).map_err(Error::stdout)?;
    Ok(0)
}

/// Asks for the new deck and its facts; the file is written with the first fact.
fn new(store: &mut Store, name: Option<String>, path: Option<PathBuf>, out: &mut impl Write) -> Result<i32> {
    require_terminal("deck new")?;
    let (file, added) = new_deck(&mut TermPrompter::new(), store, name, path)?;
    if file.is_written() {
        writeln!(
            out,
            "Deck {} written to {} with {}; `iskra review --deck {}` studies it.",
            escape_control(&file.deck().name),
            file.path.display(),
            crate::text::plural(added as u64, "new fact"),
            file.deck().key
        )
    } else {
        writeln!(out, "No facts were added; nothing was written.")
    }
    .map_err(Error::stdout)?;
    Ok(0)
}
