//! `iskra import`: Anki text files and packages (.apkg) into the collection,
//! in one transaction, with a report of what was imported, updated and skipped.
//!
//! The format is told by the extension (`.apkg`/`.colpkg`; `.txt`, `.csv`,
//! `.tsv`), else by the content (a zip is a package). Notes become facts in
//! decks with no source file (`iskra export deck NAME --format iskra`
//! writes one); their keys come from the Anki guid (`anki-` + hex), so
//! importing again updates them in place and keeps their history.

mod convert;
mod package;
mod text;

use std::io::Write;
use std::path::PathBuf;

pub use convert::{guid_key, guid_of_key};

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::import::{ImportDeck, ImportOutcome};
use crate::text::escape_control;

/// `iskra import` options.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// An Anki package (.apkg) or text file (.txt, .csv, .tsv)
    pub path: PathBuf,
    /// Put every note in this deck (by default each keeps its Anki deck)
    #[arg(long)]
    pub deck: Option<String>,
    /// Report what would be imported without writing anything
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs `iskra import`.
pub fn run(store: &mut Store, args: ImportArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    let path = &args.path;
    if !path.is_file() {
        let problem = if path.exists() {
            "is not a file"
        } else {
            "does not exist"
        };
        return Err(Error::Usage(format!(
            "{} {problem}.\n  hint: name an Anki package (.apkg) or text file (.txt, .csv, .tsv)",
            path.display()
        )));
    }
    let deck = args.deck.as_deref().map(|name| target_deck(store, name)).transpose()?;
    let mut notices = convert::Notices::default();
    let (batch, source) = if is_package(path)? {
        let package = crate::anki::package::read(path)?;
        let parameters = store.settings()?.scheduler.parameters;
        let batch = package::batch(&package, deck.as_ref(), clock, &parameters, &mut notices)?;
        let c = &package.collection;
        let source = format!(
            "{}: {} notes, {} cards, {} reviews ({}, Anki collection schema {})",
            path.display(),
            c.notes.len(),
            c.cards.len(),
            c.revlog.len(),
            package.entry,
            c.schema
        );
        (batch, source)
    } else {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let batch = text::batch(path, &bytes, deck.as_ref(), &mut notices)?;
        let source = format!("{}: {} notes (Anki text file)", path.display(), batch.facts.len());
        (batch, source)
    };
    let outcome = store.import_batch(&batch, !args.dry_run)?;
    report(out, &source, &outcome, &notices, args.dry_run).map_err(|source| Error::Io {
        path: PathBuf::from("<stdout>"),
        source,
    })?;
    Ok(0)
}

/// The deck `--deck` names: an existing deck without a file, or a new one.
fn target_deck(store: &Store, name: &str) -> Result<ImportDeck> {
    match store.find_deck(name) {
        Ok(deck) => match deck.source_path {
            Some(source) => Err(Error::Usage(format!(
                "deck {:?} is built from {source}, so imported notes would be removed by its next build.\n  hint: import into a deck of its own (--deck NEW-NAME), then copy what you want into the file",
                escape_control(&deck.name)
            ))),
            None => Ok(ImportDeck {
                key: deck.key,
                name: deck.name,
            }),
        },
        Err(Error::UnknownDeck(_)) => Ok(ImportDeck {
            key: convert::deck_key(name),
            name: name.trim().to_string(),
        }),
        Err(e) => Err(e),
    }
}

/// Packages by extension, text by extension, else a zip's magic bytes.
fn is_package(path: &std::path::Path) -> Result<bool> {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("apkg" | "colpkg" | "zip") => return Ok(true),
        Some("txt" | "csv" | "tsv") => return Ok(false),
        _ => {}
    }
    use std::io::Read;
    let mut magic = [0u8; 4];
    let read = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut magic))
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(read == 4 && magic == *b"PK\x03\x04")
}

fn report(
    out: &mut impl Write,
    source: &str,
    outcome: &ImportOutcome,
    notices: &convert::Notices,
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
            convert::plural(deck.added, "fact"),
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
    lines.extend(
        outcome
            .skipped
            .iter()
            .map(|(reason, n)| format!("{} not imported: {reason}", convert::plural(*n, "note"))),
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
