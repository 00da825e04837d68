//! `iskra export deck`: one deck as an iskra deck file (`--format iskra`),
//! an Anki text file (`--format csv`) or an Anki package (`--format apkg`,
//! with `--with-history` its scheduling and review log too). Reads the
//! options, has [`crate::interop::from_iskra`] write the deck, and says what
//! was written.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::files::Kind;
use crate::interop::from_iskra;
use crate::store::Store;
use crate::text::{escape_control, plural};

/// What `export deck` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An iskra deck file (`decks/NAME.deck`)
    Iskra,
    /// An Anki text file (tab-separated, with Anki's header lines)
    Csv,
    /// An Anki package that Anki imports
    Apkg,
}

/// `iskra export deck` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra export deck people --out people.deck
  iskra export deck people --format apkg --with-history --out people.apkg
  iskra export deck people --format csv --out people.csv"#)]
pub struct DeckExportArgs {
    /// The deck, by name or key
    #[arg(add = crate::cmd::completions::deck_names())]
    pub deck: String,
    /// iskra, csv or apkg [default: from --out's extension, else iskra]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Where to write [default: decks/KEY.deck, KEY.txt or KEY.apkg]; `-` is
    /// standard output (iskra and csv)
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// With --format apkg: include the cards' scheduling and the review log
    #[arg(long)]
    pub with_history: bool,
    /// Replace the --out file if it exists
    #[arg(long)]
    pub force: bool,
}

/// Runs `iskra export deck`.
pub fn run(store: &mut Store, args: DeckExportArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    let deck = store.find_deck(&args.deck)?;
    let format =
        args.format.unwrap_or_else(
            || match args.out.as_ref().and_then(|p| p.extension()).and_then(|e| e.to_str()) {
                Some("apkg") => Format::Apkg,
                Some("txt" | "csv" | "tsv") => Format::Csv,
                _ => Format::Iskra,
            },
        );
    if args.with_history && format != Format::Apkg {
        return Err(Error::Usage(
            "--with-history goes with --format apkg.\n  hint: deck files and text files hold no scheduling".into(),
        ));
    }
    let target = args.out.clone().unwrap_or_else(|| match format {
        Format::Iskra => Path::new("decks").join(format!("{}.deck", deck.key)),
        Format::Csv => PathBuf::from(format!("{}.txt", deck.key)),
        Format::Apkg => PathBuf::from(format!("{}.apkg", deck.key)),
    });
    let to_stdout = target.as_os_str() == "-";
    if to_stdout && format == Format::Apkg {
        return Err(Error::Usage(
            "an .apkg package cannot go to standard output.\n  hint: pass --out FILE.apkg".into(),
        ));
    }
    // A regular file is replaced only with --force; a FIFO or device is
    // written into (never replaced); a directory is refused.
    match crate::files::kind(&target).map_err(Error::io(&target))? {
        _ if to_stdout => {}
        Kind::Directory => return Err(crate::files::is_a_directory(&target)),
        Kind::Regular if !args.force => {
            return Err(Error::Usage(format!(
                "{} exists.\n  hint: pass --force to replace it, or choose another --out",
                crate::error::shown(&target)
            )));
        }
        _ => {}
    }
    let summary = match format {
        Format::Iskra => {
            let file = from_iskra::deck_file(store, &deck)?;
            emit(&target, to_stdout, file.text.as_bytes(), out)?;
            let mut summary = plural(file.count as u64, "fact");
            if target.file_stem().is_some_and(|s| s != deck.key.as_str()) && !to_stdout {
                summary.push_str(&format!(
                    ".\nNote: a deck's identity is its file name: built from this file it becomes deck `{}`, without this deck's history; name it {}.deck to keep it",
                    escape_control(&target.file_stem().unwrap_or_default().to_string_lossy()),
                    escape_control(&deck.key)
                ));
            } else if !to_stdout {
                summary.push_str(&format!(
                    ".\nBuild it to make the file the deck's source: iskra build {}",
                    crate::error::shown(&target)
                ));
            }
            summary
        }
        Format::Csv => {
            let file = from_iskra::anki_text(store, &deck)?;
            emit(&target, to_stdout, file.text.as_bytes(), out)?;
            plural(file.count as u64, "note")
        }
        Format::Apkg => {
            // The bar is cleared before the summary is printed.
            let bar = crate::ui::progress::Bar::on_stderr();
            let counts = from_iskra::write_anki_package(store, &deck, &target, args.with_history, clock, &bar)?;
            drop(bar);
            format!(
                "{}, {}, {}",
                plural(counts.notes as u64, "note"),
                plural(counts.cards as u64, "card"),
                plural(counts.reviews as u64, "review")
            )
        }
    };
    if !to_stdout {
        writeln!(out, "Wrote {}: {summary}", crate::error::shown(&target)).map_err(Error::stdout)?;
    }
    Ok(0)
}

/// Writes a text export to its file, or to stdout: on a terminal with its
/// control characters shown escaped (card text comes from files people
/// share), into a pipe exactly.
fn emit(target: &Path, to_stdout: bool, bytes: &[u8], out: &mut impl Write) -> Result<()> {
    if to_stdout && std::io::stdout().is_terminal() {
        let text = crate::text::escape_control(&String::from_utf8_lossy(bytes));
        out.write_all(text.as_bytes()).map_err(Error::stdout)
    } else if to_stdout {
        out.write_all(bytes).map_err(Error::stdout)
    } else {
        crate::files::write_atomic(target, bytes)
    }
}
