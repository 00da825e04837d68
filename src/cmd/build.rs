//! `iskra build [PATH...]`: builds deck files into the collection
//! ([`crate::deck::build`]) and prints what each deck gained and lost.

use std::io::Write;
use std::path::PathBuf;

use crate::deck::build::{build, collect_sources};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::ui::build_report::render_reports;

/// `iskra build` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra build                       the deck files in ./decks
  iskra build decks/kronstadt.deck  one file
  iskra build ~/notes/decks         every .deck file in a folder"#)]
pub struct BuildArgs {
    /// Deck files, or folders whose `.deck` files are all built [default: decks]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Runs `iskra build`.
pub fn run(store: &mut Store, args: BuildArgs, out: &mut impl Write) -> Result<i32> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("decks")]
    } else {
        args.paths
    };
    let sources = collect_sources(&paths)?;
    let reports = build(store, &sources)?;
    render_reports(out, &reports).map_err(Error::stdout)?;
    Ok(0)
}
