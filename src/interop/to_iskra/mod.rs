//! Anki → iskra: an Anki text file or package (.apkg) read and converted
//! into one import batch, which `iskra import` stores in one transaction
//! ([`write_batch`]) and reports (imported, updated, skipped).
//!
//! The format is told by the extension (`.apkg`/`.colpkg`; `.txt`, `.csv`,
//! `.tsv`), else by the content (a zip is a package). Notes become facts in
//! decks with no source file (`iskra export deck NAME --format iskra`
//! writes one); their keys come from the Anki guid (`anki-` + hex), so
//! importing again updates them in place and keeps their history.

mod batch;
mod convert;
mod notetype;
mod package;
mod reviews;
mod revlog;
mod text;
mod write;

use std::path::Path;

pub use batch::{
    AnkiOrigin, DeckOutcome, Identity, ImportBatch, ImportDeck, ImportOutcome, ImportedCard, ImportedFact,
    ImportedReview, LoggedSchedule, Roles,
};
pub use convert::{Notices, plural};
pub use write::{write_batch, write_batch_showing};

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::interop::keys;
use crate::store::Store;
use crate::text::escape_control;

/// A file read and converted, ready for [`write_batch`].
pub struct Prepared {
    pub batch: ImportBatch,
    /// What was read, for the report's first line.
    pub source: String,
    pub notices: Notices,
}

/// Reads the Anki package or text file at `path` and converts it, into the
/// deck named `deck` if given (an existing deck without a file, or a new one).
pub fn prepare(store: &Store, path: &Path, deck: Option<&str>, clock: &Clock) -> Result<Prepared> {
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
    // Collections extracted by imports that were killed midway.
    crate::interop::anki::package::remove_dead_extractions(&std::env::temp_dir());
    let deck = deck.map(|name| target_deck(store, name)).transpose()?;
    let mut notices = convert::Notices::default();
    let (batch, source) = if is_package(path)? {
        let package = crate::interop::anki::package::read(path)?;
        let parameters = store.settings()?.scheduler.parameters;
        let c = &package.collection;
        let source = format!(
            "{}: {}, {}, {} ({}, Anki collection schema {})",
            path.display(),
            crate::text::plural(c.notes.len() as u64, "note"),
            crate::text::plural(c.cards.len() as u64, "card"),
            crate::text::plural(c.revlog.len() as u64, "review"),
            package.entry,
            c.schema
        );
        let batch = package::batch(package, deck.as_ref(), clock, &parameters, &mut notices)?;
        (batch, source)
    } else {
        let bytes = crate::files::read_limited(path, crate::interop::anki::text::MAX_FILE_BYTES, "a text import")?;
        let batch = text::batch(path, &bytes, deck.as_ref(), &mut notices)?;
        let source = format!(
            "{}: {} (Anki text file)",
            path.display(),
            crate::text::plural(batch.facts.len() as u64, "note")
        );
        (batch, source)
    };
    let mut batch = batch;
    batch.today = clock.today();
    batch.clean_names();
    Ok(Prepared { batch, source, notices })
}

/// The deck `--deck` names: an existing deck without a file, or a new one.
fn target_deck(store: &Store, name: &str) -> Result<ImportDeck> {
    match store.deck_named(name)? {
        Some(deck) => match deck.source_path {
            Some(source) => Err(Error::Usage(format!(
                "deck {:?} is built from {source}, so imported notes would be removed by its next build.\n  hint: import into a deck of its own (--deck NEW-NAME), then copy what you want into the file",
                escape_control(&deck.name)
            ))),
            None => Ok(ImportDeck {
                key: deck.key,
                name: deck.name,
                preset: None,
            }),
        },
        None => Ok(ImportDeck {
            key: keys::deck_key(name),
            name: name.trim().to_string(),
            preset: None,
        }),
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
