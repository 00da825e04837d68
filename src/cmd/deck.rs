//! `iskra deck list|show|new|rename|delete|move`: the decks with their
//! counts, one deck's facts and cards ([`crate::ui::deck_listing`]), a new
//! deck file made interactively ([`crate::ui::authoring`],
//! [`crate::deck::author`]), and a deck renamed, deleted (after a backup)
//! or built from another file from now on ([`crate::deck::manage`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::clock::Clock;
use crate::deck::build::BUNDLED_PREFIX;
use crate::deck::manage;
use crate::error::{Error, Result};
use crate::maintenance::backup;
use crate::store::{DeckRow, Store};
use crate::text::{escape_control, plural};
use crate::ui::authoring::{Prompter, TermPrompter, new_deck};
use crate::ui::build_report::render_report;
use crate::ui::deck_listing::{render_list, render_show};

use super::{bundled_if_empty, can_prompt, require_terminal};

/// `iskra deck …`.
#[derive(Debug, Clone, Subcommand)]
pub enum DeckCommand {
    /// The decks in the collection, with counts of facts, cards, unseen cards (never studied) and cards due now
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
        /// The file to write [default: DECKS-DIR/NAME-IN-LOWERCASE.deck; decks-dir, else ./decks]
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// Give a deck a new key, and its file the matching name (history kept)
    #[command(
        after_help = "Examples:\n  iskra deck rename drafts kronstadt-1921   decks/drafts.deck becomes decks/kronstadt-1921.deck"
    )]
    Rename {
        /// The deck's key (its file name without .deck)
        key: String,
        /// The new key
        new_key: String,
    },
    /// Delete a deck with its cards and their review history (after a backup)
    #[command(
        after_help = "Examples:\n  iskra deck delete drafts          asks first, says where the backup is\n  iskra deck delete drafts --yes"
    )]
    Delete {
        /// The deck's key
        key: String,
        /// Delete without asking (required without a terminal)
        #[arg(long)]
        yes: bool,
    },
    /// Build a deck from another file from now on (history kept); the key follows the file's name
    #[command(
        after_help = "Examples:\n  iskra deck move kronstadt ~/notes/decks/kronstadt.deck   after moving the file there"
    )]
    Move {
        /// The deck's key
        key: String,
        /// The deck file (it must exist and parse)
        path: PathBuf,
    },
}

/// Runs `iskra deck list|show|new`.
pub fn run(store: &mut Store, command: DeckCommand, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    match command {
        DeckCommand::List => list(store, clock, out),
        DeckCommand::Show { name } => show(store, &name, clock, out),
        // A new author's own deck does not need the bundled ones first.
        DeckCommand::New { name, out: path } => new(store, name, path, out),
        DeckCommand::Rename { key, new_key } => rename(store, &key, &new_key, out),
        DeckCommand::Delete { key, yes } => delete(store, &key, yes, clock, out),
        DeckCommand::Move { key, path } => move_deck(store, &key, &path, out),
    }
}

/// The deck whose key is `key`: these commands change a deck, so they take
/// no title or prefix; a near miss is suggested.
fn deck_by_key(store: &Store, key: &str) -> Result<DeckRow> {
    match store.find_deck(key) {
        Ok(deck) if deck.key == key => Ok(deck),
        Ok(deck) => Err(Error::UnknownDeck {
            name: key.to_string(),
            did_you_mean: Some(format!("`{}` ({})", deck.key, deck.name)),
        }),
        Err(e) => Err(e),
    }
}

/// `deck rename KEY NEW_KEY`.
fn rename(store: &mut Store, key: &str, new_key: &str, out: &mut impl Write) -> Result<i32> {
    let deck = deck_by_key(store, key)?;
    let renamed = manage::rename(store, &deck, new_key)?;
    let (key, new_key) = (escape_control(key), escape_control(new_key));
    match renamed.file {
        Some((_, file)) => writeln!(
            out,
            "Deck `{key}` is now `{new_key}`; its file is now {}.",
            escape_control(&file.display().to_string())
        ),
        None => writeln!(out, "Deck `{key}` is now `{new_key}` (it has no file of its own).",),
    }
    .map_err(Error::stdout)?;
    Ok(0)
}

/// `deck delete KEY [--yes]`: asks (or needs --yes), backs up, deletes.
fn delete(store: &mut Store, key: &str, yes: bool, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    let deck = deck_by_key(store, key)?;
    let totals = store.deck_totals(deck.id)?;
    let key = escape_control(key);
    let what = format!(
        "deck `{key}` ({}) with its {}, {} and {}",
        escape_control(&deck.name),
        plural(totals.facts as u64, "fact"),
        plural(totals.cards as u64, "card"),
        plural(totals.reviews as u64, "review")
    );
    if !yes {
        if !can_prompt() {
            return Err(Error::Usage(format!(
                "`iskra deck delete` asks before it deletes {what}.\n  hint: pass --yes to delete without asking"
            )));
        }
        let question = format!("Delete {what}? (A backup is made first.)");
        if !TermPrompter::new().confirm(&question, false)? {
            writeln!(out, "Nothing was deleted.").map_err(Error::stdout)?;
            return Ok(0);
        }
    }
    let backup = backup::before_change(store, "before-deck-delete", clock.now())?;
    let deleted = manage::delete(store, &deck, Some(&backup), clock.now_ms())?;
    writeln!(
        out,
        "Backed up the collection to {}.\nDeleted deck `{key}` ({}): {}, {}, {}.",
        backup.display(),
        escape_control(&deck.name),
        plural(deleted.facts as u64, "fact"),
        plural(deleted.cards as u64, "card"),
        plural(deleted.reviews as u64, "review")
    )
    .map_err(Error::stdout)?;
    if let Some(file) = deck.source_path.as_deref().filter(|p| !p.starts_with(BUNDLED_PREFIX)) {
        writeln!(
            out,
            "Its file {} was left as it is: building it again makes a new deck.",
            escape_control(file)
        )
        .map_err(Error::stdout)?;
    }
    Ok(0)
}

/// `deck move KEY PATH`.
fn move_deck(store: &mut Store, key: &str, path: &Path, out: &mut impl Write) -> Result<i32> {
    let deck = deck_by_key(store, key)?;
    let moved = manage::move_to(store, &deck, path)?;
    let key = escape_control(key);
    write!(out, "Deck `{key}` is now built from {}", escape_control(&moved.path)).map_err(Error::stdout)?;
    match &moved.old_key {
        Some(_) => writeln!(
            out,
            ", and its key is now `{}` after the file's name.",
            escape_control(&moved.key)
        ),
        None => writeln!(out, "."),
    }
    .map_err(Error::stdout)?;
    writeln!(out, "{}", render_report(&moved.report)).map_err(Error::stdout)?;
    Ok(0)
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
