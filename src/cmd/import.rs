//! `iskra import FILE [--deck NAME] [--dry-run]`: read and convert the
//! file ([`crate::interop::to_iskra::prepare`]), store it, report what was added.

use std::io::Write;
use std::path::PathBuf;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::interop::to_iskra::{ImportOutcome, Notices, plural, prepare, write_batch_showing};
use crate::store::Store;
use crate::text::escape_control;

/// `iskra import` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra import ~/Downloads/History.apkg --dry-run   what would come in, changing nothing
  iskra import ~/Downloads/History.apkg
  iskra import words.tsv --deck vocabulary"#)]
pub struct ImportArgs {
    /// An Anki package (.apkg) or text file (.txt, .csv, .tsv)
    pub path: PathBuf,
    /// Put every note in this deck (by default each keeps its Anki deck)
    #[arg(long, add = crate::cmd::completions::deck_names())]
    pub deck: Option<String>,
    /// Report what would be imported without writing anything
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs `iskra import`.
pub fn run(store: &mut Store, args: ImportArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    let prepared = prepare(store, &args.path, args.deck.as_deref(), clock)?;
    let outcome = {
        // Cleared before the report is printed.
        let bar = crate::ui::progress::Bar::on_stderr();
        write_batch_showing(store, &prepared.batch, !args.dry_run, &bar)?
    };
    report(out, &prepared.source, &outcome, &prepared.notices, args.dry_run).map_err(Error::stdout)?;
    Ok(0)
}

fn report(
    out: &mut impl Write,
    source: &str,
    outcome: &ImportOutcome,
    notices: &Notices,
    dry_run: bool,
) -> std::io::Result<()> {
    writeln!(out, "Read {}", escape_control(source))?;
    for deck in &outcome.decks {
        if !deck.created && deck.added + deck.updated + deck.unchanged == 0 {
            continue;
        }
        writeln!(
            out,
            "{} ({}{}): {} added, {} updated, {} unchanged",
            escape_control(&deck.name),
            if deck.created { "new deck " } else { "deck " },
            escape_control(&deck.key),
            plural(deck.added, "fact"),
            deck.updated,
            deck.unchanged
        )?;
    }
    write!(
        out,
        "Cards: {} added, {} with their Anki schedule",
        outcome.cards_added, outcome.cards_scheduled
    )?;
    if outcome.cards_kept > 0 {
        write!(
            out,
            ", {} kept their iskra schedule (reviewed here since)",
            outcome.cards_kept
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Reviews: {} added, {} already imported",
        outcome.reviews_added, outcome.reviews_present
    )?;
    let mut lines = notices.lines();
    if outcome.left_to_files > 0 {
        lines.push(format!(
            "{} of decks built from files differ from the file read: their text is the deck file's (edit it there); their cards' schedules and history were imported",
            plural(outcome.left_to_files, "fact")
        ));
    }
    lines.extend(
        outcome
            .skipped
            .iter()
            .map(|(reason, n)| format!("{} not imported: {reason}", plural(*n, "note"))),
    );
    if !lines.is_empty() {
        writeln!(out, "Notes:")?;
        for line in lines {
            writeln!(out, "  {}", escape_control(&line))?;
        }
    }
    if dry_run {
        writeln!(out, "Dry run: nothing was written.")?;
    } else if let Some(deck) = outcome.decks.iter().find(|d| d.created) {
        writeln!(
            out,
            "Keep a deck as a text file: iskra export deck {} --format iskra",
            escape_control(&deck.key)
        )?;
    }
    Ok(())
}
