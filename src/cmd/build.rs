//! `iskra build [PATH...]`: builds deck files into the collection
//! ([`crate::deck::build`]) and prints what each deck gained and lost. With
//! no path it builds `decks/`, and names the decks built from a file in a
//! folder it builds that is not there any more (their facts kept, not
//! retired); where there is no `decks/` folder, every deck
//! built from a file is built again from the file it was built from (and
//! the new files of `decks-dir`), and decks whose file is gone are named and
//! left as they are ([`crate::deck::rebuild`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::deck::build::{Source, build_showing, collect_sources, holds_deck_files};
use crate::deck::rebuild::{missing_in, recorded_sources};
use crate::error::{Error, Result};
use crate::store::{DeckRow, Store};
use crate::ui::build_report::{render_missing, render_recorded, render_reports};

/// The folder `iskra build` builds when given no path.
const DEFAULT_DIR: &str = "decks";

/// `iskra build` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra build                       the deck files in ./decks
  iskra build decks/kronstadt.deck  one file
  iskra build ~/notes/decks         every .deck file in a folder"#)]
pub struct BuildArgs {
    /// Deck files or folders of them [default: decks/; where there is none,
    /// the files the collection's decks were built from, and new files in decks-dir]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Runs `iskra build`.
pub fn run(store: &mut Store, args: BuildArgs, out: &mut impl Write) -> Result<i32> {
    merge_freed_blocks_at_once();
    if args.paths.is_empty() && !Path::new(DEFAULT_DIR).exists() {
        return rebuild_recorded(store, out);
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(DEFAULT_DIR)]
    } else {
        args.paths
    };
    // The decks whose file was in a folder built here and is gone; a folder
    // whose every deck file is gone builds nothing but names them.
    let mut missing: Vec<DeckRow> = Vec::new();
    let mut built = Vec::with_capacity(paths.len());
    for path in paths {
        let gone = match path.is_dir() {
            true => missing_in(store, &path)?,
            false => Vec::new(),
        };
        if gone.is_empty() || holds_deck_files(&path) {
            built.push(path);
        }
        for deck in gone {
            if !missing.iter().any(|m| m.id == deck.id) {
                missing.push(deck);
            }
        }
    }
    let reports = match built.is_empty() {
        true => Vec::new(),
        false => build_with_bar(store, &collect_sources(&built)?)?,
    };
    render_reports(out, &reports).map_err(Error::stdout)?;
    render_missing(out, &missing).map_err(Error::stdout)?;
    Ok(0)
}

/// Has glibc's allocator merge each small block as it is freed, for the rest
/// of the process (a command is one process). By default it keeps small freed
/// blocks in "fast bins" and merges them all when a large block is next
/// asked for: a build frees millions of small blocks (the parsed deck, the
/// rows' values) between SQLite's page-sized requests, and each such sweep
/// walks them cold (7% of a 100k-fact build's CPU; BENCHMARKS.md, "Build,
/// fourth pass"). Elsewhere nothing changes.
fn merge_freed_blocks_at_once() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a parameter of glibc's allocator (which
    // merges the fast bins first); M_MXFAST 0 is in its range and turns
    // fast bins off.
    unsafe {
        libc::mallopt(libc::M_MXFAST, 0);
    }
}

/// Builds every deck again from its recorded file (see the module comment).
fn rebuild_recorded(store: &mut Store, out: &mut impl Write) -> Result<i32> {
    let decks_dir = store.settings()?.decks_dir;
    let recorded = recorded_sources(store, decks_dir.as_deref())?;
    if recorded.is_empty() {
        return Err(Error::Usage(
            "there is no decks/ folder here, and no deck of the collection was built from a file.\n  hint: run `iskra build` where your decks/ folder is, or name deck files or folders: `iskra build PATH…`".into(),
        ));
    }
    let reports = if recorded.sources.is_empty() {
        Vec::new()
    } else {
        build_with_bar(store, &recorded.sources)?
    };
    render_recorded(out, &recorded, &reports).map_err(Error::stdout)?;
    Ok(0)
}

/// Builds with a progress bar on stderr for a long build (cleared before
/// the report is printed).
fn build_with_bar(store: &mut Store, sources: &[Source]) -> Result<Vec<crate::store::SyncReport>> {
    build_showing(store, sources, &crate::ui::progress::Bar::on_stderr())
}
