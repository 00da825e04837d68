//! `iskra status [--deck NAME] [--json]`: what is due and left today, per
//! deck ([`crate::status`]), as a table or JSON.

use std::io::Write;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::text::escape_json;

use super::bundled_if_empty;

/// `iskra status` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra status
  iskra status --deck people
  iskra status --json | jq '.decks[] | {name, due_now}'"#)]
pub struct StatusArgs {
    /// Only this deck (its key, its title or a prefix of either)
    #[arg(long, add = crate::cmd::completions::deck_names())]
    pub deck: Option<String>,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// Runs `iskra status`.
pub fn run(store: &mut Store, args: StatusArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    bundled_if_empty(store)?;
    let status = crate::status::status(store, args.deck.as_deref(), clock)?;
    if args.json {
        let text = serde_json::to_string_pretty(&status).map_err(|e| Error::Internal(e.to_string()))?;
        writeln!(out, "{}", escape_json(&text)).map_err(Error::stdout)?;
    } else {
        crate::ui::render_status(out, &status, clock).map_err(Error::stdout)?;
    }
    Ok(0)
}
