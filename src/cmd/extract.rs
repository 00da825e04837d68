//! `iskra extract FILE`: cloze drafts from prose ([`crate::extract`]), each
//! accepted, edited, skipped or stopped at on the terminal
//! ([`crate::ui::drafts`]), or with `--non-interactive` all written to a file;
//! either way appended, their ids numbered after the file's last `draft-N`.
//! Needs no collection.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::extract::{append_to_deck_file, extract};

/// `iskra extract` options.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// A UTF-8 text file
    pub file: PathBuf,
    /// The deck file accepted drafts are appended to [default: decks/drafts.deck], or with
    /// --non-interactive the file all drafts are appended to [default: FILE-STEM.drafts.deck]
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Write every draft to the --out file without asking
    #[arg(long)]
    pub non_interactive: bool,
    /// At most this many drafts, best first
    #[arg(long)]
    pub limit: Option<usize>,
}

/// Runs `iskra extract`.
pub fn run(args: ExtractArgs, out: &mut impl Write) -> Result<i32> {
    let file = &args.file;
    let bytes = std::fs::read(file).map_err(Error::io(file))?;
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
        let path = args.out.unwrap_or_else(|| PathBuf::from(format!("{stem}.drafts.deck")));
        append_to_deck_file(&path, &drafts, &source)?;
        writeln!(out, "{} drafts written to {}", drafts.len(), path.display()).map_err(Error::stdout)?;
        return Ok(0);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Usage(
            "extract asks about each draft on a terminal.\n  hint: pass --non-interactive to write all drafts to a file".into(),
        ));
    }
    let path = args.out.unwrap_or_else(|| PathBuf::from("decks/drafts.deck"));
    let accepted = crate::ui::drafts::walk(&drafts, |draft| {
        append_to_deck_file(&path, std::slice::from_ref(draft), &source)
    })?;
    writeln!(
        out,
        "{accepted} of {} drafts appended to {}",
        drafts.len(),
        path.display()
    )
    .map_err(Error::stdout)?;
    Ok(0)
}
