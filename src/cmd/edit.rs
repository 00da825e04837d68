//! `iskra edit DECK[/FACT]`: opens the deck's file in the user's editor
//! ([`crate::ui::editor`]) at the fact's line, then builds that one file
//! ([`crate::deck::rebuild::rebuild_file`]). A file that no longer parses
//! is opened all the same, at its first error. A file that does not build
//! after the editor is shown with its diagnostics and, on a terminal,
//! offered to the editor again; the collection keeps the last version that
//! built, and the user is told so if they leave the file broken. A bundled deck has no file:
//! on a terminal iskra offers to write the user's copy first (as `iskra add`
//! does), else it says how to get one.

use std::io::Write;

use crate::deck::author::{DeckFile, DeckPath, deck_path, decks_dir};
use crate::deck::locate::{EditStart, edit_start};
use crate::deck::rebuild::rebuild_file;
use crate::error::{Error, Result};
use crate::store::{DeckRow, Store};
use crate::text::escape_control;
use crate::ui::authoring::{Prompter, TermPrompter};
use crate::ui::build_report::render_report;
use crate::ui::editor::open_at_line;

use super::can_prompt;

/// `iskra edit` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra edit kronstadt                 the deck file, at its top
  iskra edit kronstadt/petrichenko     at the fact's `## petrichenko` line (an id prefix will do)
  EDITOR=nano iskra edit people"#)]
pub struct EditArgs {
    /// The deck (key, title or a prefix), optionally with a fact id: `people/rosmer-born`
    #[arg(value_name = "DECK[/FACT]")]
    pub target: String,
}

/// Runs `iskra edit`.
pub fn run(store: &mut Store, args: EditArgs, out: &mut impl Write) -> Result<i32> {
    let (deck, fact) = target(store, &args.target)?;
    let dir = decks_dir(&store.settings()?);
    let path = match deck_path(store, &deck.key, &dir)? {
        DeckPath::File(path) => path,
        DeckPath::Unwritten => {
            let mut file = DeckFile::of_deck(store, &deck.key, &dir)?;
            write_copy(store, &mut file, out)?;
            file.path
        }
    };
    let shown = escape_control(&path.display().to_string());
    let mut line = match edit_start(&path, fact.as_deref())? {
        EditStart::Line(line) => line,
        EditStart::Broken(line, diagnostics) => {
            for diagnostic in &diagnostics {
                eprintln!("{}", escape_control(&diagnostic.to_string()));
            }
            eprintln!(
                "{shown} does not build ({} error{}): opening it at line {line}; it is built again when the editor exits.",
                diagnostics.len(),
                if diagnostics.len() == 1 { "" } else { "s" }
            );
            line
        }
    };
    loop {
        let exit = open_at_line(&path, line)?;
        if !exit.success() {
            eprintln!(
                "note: the editor ended with {}; building the file as it is now.",
                exit.code
                    .map_or_else(|| "a signal".to_string(), |c| format!("exit code {c}"))
            );
        }
        match rebuild_file(store, &path) {
            Ok(report) => {
                writeln!(out, "{}", render_report(&report)).map_err(Error::stdout)?;
                return Ok(0);
            }
            Err(Error::Deck(diagnostics)) => {
                line = diagnostics.first().map_or(line, |d| d.line);
                eprintln!("{}", escape_control(&Error::Deck(diagnostics).to_string()));
                if can_prompt() && TermPrompter::new().confirm(&format!("Reopen {shown} to fix it?"), true)? {
                    continue;
                }
                eprintln!(
                    "{shown} does not build, so the collection still has the last version of deck `{key}` that did.\n  hint: fix the file, then `iskra edit {key}` or `iskra build {shown}`",
                    key = escape_control(&deck.key)
                );
                return Ok(1);
            }
            Err(other) => return Err(other),
        }
    }
}

/// The deck (and fact id, as typed) `DECK[/FACT]` names. A title may hold a
/// `/` (a key cannot): the whole text is tried as a deck when the part
/// before the last `/` is none.
fn target(store: &Store, typed: &str) -> Result<(DeckRow, Option<String>)> {
    let Some((deck, fact)) = typed.rsplit_once('/') else {
        return Ok((store.find_deck(typed)?, None));
    };
    match store.find_deck(deck) {
        Ok(row) => Ok((row, Some(fact.to_string()).filter(|f| !f.is_empty()))),
        Err(err) => store.find_deck(typed).map(|row| (row, None)).map_err(|_| err),
    }
}

/// A bundled deck: asks to write the user's copy (and builds it, so it takes
/// the bundled deck over); without a terminal, says how to get one.
fn write_copy(store: &mut Store, file: &mut DeckFile, out: &mut impl Write) -> Result<()> {
    let key = escape_control(&file.deck().key);
    let path = escape_control(&file.path.display().to_string());
    if !can_prompt() {
        return Err(Error::Usage(format!(
            "deck `{key}` is bundled into iskra and has no file to edit.\n  hint: on a terminal, `iskra edit {key}` offers to write your copy to {path}; `iskra add --deck {key} …` writes it too"
        )));
    }
    let question = format!(
        "`{key}` is bundled into iskra and has no file of yours. Write your copy to {path} (it becomes the deck's file; history kept) and edit that?"
    );
    if !TermPrompter::new().confirm(&question, true)? {
        return Err(Error::Usage(format!(
            "deck `{key}` has no file to edit, and none was written."
        )));
    }
    let report = file.append(store, &[])?;
    writeln!(
        out,
        "Wrote your copy of the bundled deck to {path}.\n{}",
        render_report(&report)
    )
    .map_err(Error::stdout)?;
    Ok(())
}
