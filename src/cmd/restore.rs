//! `iskra restore [N|NAME] [--yes]`: lists the backups, or restores one
//! ([`crate::maintenance::restore`]) once confirmed. Works on a collection
//! that may not open.

use std::io::Write;
use std::path::Path;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::maintenance::backup::{backups_dir, list};
use crate::maintenance::restore::{Sizes, file_sizes, restore, verified};
use crate::ui::maintenance::{confirm_restore, render_backups, render_restored};
use crate::ui::progress::Bar;

use super::can_prompt;

/// `iskra restore` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra restore                     list the backups, newest first
  iskra restore 1                   put the newest back (asks first)
  iskra restore 2 --yes             without asking"#)]
pub struct RestoreArgs {
    /// The backup to restore: its number in the listing (1 is the newest) or its
    /// file name. Without it, the backups are listed.
    #[arg(value_name = "N|NAME")]
    pub backup: Option<String>,
    /// Restore without asking (for scripts; needed when stdin is not a terminal)
    #[arg(long)]
    pub yes: bool,
}

/// Runs `iskra restore`: lists the backups (no choice), or restores the one
/// chosen (by number or name; `--yes` skips the question).
pub fn run(path: &Path, args: RestoreArgs, out: &mut impl Write) -> Result<i32> {
    let backups = list(path)?;
    let clock = Clock::from_env(0)?;
    let Some(choice) = args.backup else {
        let described: Vec<_> = backups
            .into_iter()
            .map(|backup| {
                let sizes = file_sizes(&backup);
                (backup, sizes)
            })
            .collect();
        render_backups(out, path, &backups_dir(path), &described, &clock).map_err(Error::stdout)?;
        return Ok(0);
    };
    let backup = verified(&backups, &choice, &Bar::on_stderr())?;
    if !args.yes && !confirmed(path, &backup.name, backup.sizes)? {
        writeln!(out, "Nothing was changed.").map_err(Error::stdout)?;
        return Ok(1);
    }
    let (name, sizes) = (backup.name.clone(), backup.sizes);
    let saved = restore(path, backup, clock.now(), &Bar::on_stderr())?;
    render_restored(out, path, &name, sizes, saved.as_deref()).map_err(Error::stdout)?;
    Ok(0)
}

/// Asks before replacing the collection; without a terminal that is refused.
fn confirmed(path: &Path, name: &str, sizes: Sizes) -> Result<bool> {
    if !can_prompt() {
        return Err(Error::Usage(
            "restoring replaces the collection, and there is no terminal to confirm on.\n  hint: pass --yes to restore without asking".into(),
        ));
    }
    confirm_restore(path, name, sizes)
}
