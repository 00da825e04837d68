//! `iskra restore [N|NAME] [--yes]`: lists the backups, or restores one
//! ([`crate::maintenance::restore`]).

use std::io::Write;
use std::path::Path;

use crate::error::Result;

/// `iskra restore` options.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup to restore: its number in the listing (1 is the newest) or its
    /// file name. Without it, the backups are listed.
    #[arg(value_name = "N|NAME")]
    pub backup: Option<String>,
    /// Restore without asking (for scripts; needed when stdin is not a terminal)
    #[arg(long)]
    pub yes: bool,
}

/// Runs `iskra restore`.
pub fn run(path: &Path, args: RestoreArgs, out: &mut impl Write) -> Result<i32> {
    crate::maintenance::restore::run(path, args.backup, args.yes, out)
}
