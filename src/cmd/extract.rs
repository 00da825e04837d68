//! `iskra extract FILE`: cloze drafts from prose ([`crate::extract`]), each
//! accepted, edited, skipped or stopped at on the terminal
//! ([`crate::ui::drafts`]), or with `--non-interactive` all written to a file;
//! either way appended, their ids numbered after the file's last `draft-N`.
//!
//! Needs no collection, but reads one that exists: accepted drafts go to
//! `drafts.deck` in `decks-dir` (else `./decks`), and a drafts file is never
//! one whose name is a deck built from another file (building it would
//! take that deck over): the default becomes `drafts-2.deck`, … and an
//! `--out` of such a name is refused.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::deck::author::decks_dir;
use crate::deck::identity::{free_path, owner_elsewhere};
use crate::error::{Error, Result};
use crate::extract::{append_to_deck_file, extract};
use crate::maintenance::backup;
use crate::store::{DeckRow, Settings, Store};
use crate::text::plural;

/// `iskra extract` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra extract notes.txt                 walk through the drafts on a terminal
  iskra extract notes.txt --limit 20 --out decks/notes.deck
  iskra extract notes.txt --non-interactive   every draft to notes.drafts.deck"#)]
pub struct ExtractArgs {
    /// A UTF-8 text file
    pub file: PathBuf,
    /// The deck file accepted drafts are appended to [default: DECKS-DIR/drafts.deck; decks-dir,
    /// else ./decks], or with --non-interactive the file all drafts are appended to [default:
    /// FILE-STEM.drafts.deck]; a name another file's deck has is refused
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Write every draft to the --out file without asking
    #[arg(long)]
    pub non_interactive: bool,
    /// At most this many drafts, best first
    #[arg(long)]
    pub limit: Option<usize>,
}

/// Runs `iskra extract`; `collection` is read if it exists.
pub fn run(collection: Option<&Path>, args: ExtractArgs, out: &mut impl Write) -> Result<i32> {
    // Said before anything is opened or read (the collection may need an
    // upgrade; the text may be a pipe that never ends).
    if !args.non_interactive && !super::can_prompt() {
        return Err(Error::Usage(
            "extract asks about each draft on a terminal.\n  hint: pass --non-interactive to write all drafts to a file".into(),
        ));
    }
    let store = match collection.filter(|c| c.exists()) {
        Some(collection) => Some(Store::open_with(collection, &backup::before_migration)?),
        None => None,
    };
    let (decks, settings) = match &store {
        Some(store) => (store.decks()?, store.settings()?),
        None => (Vec::new(), Settings::default()),
    };
    if let Some(path) = &args.out {
        check_out(&decks, path)?;
    }
    let file = &args.file;
    let bytes = crate::files::read_limited_stream(file, crate::extract::MAX_SOURCE_BYTES, "a text to extract from")?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::Usage(format!(
            "{} is not UTF-8 text.\n  hint: convert it to UTF-8 first",
            file.display()
        ))
    })?;
    let mut drafts = extract(&text);
    drafts.truncate(args.limit.unwrap_or(usize::MAX));
    let source = file
        .file_name()
        .map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    if args.non_interactive {
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "notes".into());
        let path = args
            .out
            .unwrap_or_else(|| free_path(&decks, Path::new(""), &format!("{stem}.drafts")));
        append_to_deck_file(&path, &drafts, &source, &deck_fact_ids(store.as_ref(), &path)?)?;
        writeln!(
            out,
            "{} written to {}",
            plural(drafts.len() as u64, "draft"),
            path.display()
        )
        .map_err(Error::stdout)?;
        return Ok(0);
    }
    let path = args
        .out
        .unwrap_or_else(|| free_path(&decks, &decks_dir(&settings), "drafts"));
    let taken = deck_fact_ids(store.as_ref(), &path)?;
    let accepted = crate::ui::drafts::walk(&drafts, |draft| {
        append_to_deck_file(&path, std::slice::from_ref(draft), &source, &taken)
    })?;
    writeln!(
        out,
        "{accepted} of {} appended to {}",
        plural(drafts.len() as u64, "draft"),
        path.display()
    )
    .map_err(Error::stdout)?;
    Ok(0)
}

/// The ids of every fact of the deck the drafts file builds into (in the
/// file, removed from it, or in a file since deleted): their history stays
/// with them, so a new draft must not take one.
fn deck_fact_ids(store: Option<&Store>, path: &Path) -> Result<Vec<String>> {
    let Some(store) = store else { return Ok(Vec::new()) };
    match store.deck_by_key(&crate::deck::author::file_key(path))? {
        Some(deck) => Ok(store.facts_of_deck(deck.id)?.into_iter().map(|f| f.key).collect()),
        None => Ok(Vec::new()),
    }
}

/// Refuses an `--out` whose name is a deck built from another file.
fn check_out(decks: &[DeckRow], path: &Path) -> Result<()> {
    match owner_elsewhere(decks, path) {
        None => Ok(()),
        Some(deck) => Err(Error::Usage(format!(
            "{} would be deck `{}` when built, and that deck is built from {}.\n  hint: choose another --out, or leave it out for a free name",
            path.display(),
            deck.key,
            deck.source_path.as_deref().unwrap_or("no file (it was imported)")
        ))),
    }
}
