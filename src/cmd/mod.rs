//! The command layer: one file per command. Each reads its arguments (clap
//! types from [`crate::cli`]), calls the domain and hands the results to
//! [`crate::ui`] to print. Nothing below this layer imports it.

pub mod check;
pub mod export;
pub mod generate;
pub mod import;
pub mod optimize;
pub mod restore;
pub mod stats;

use std::io::IsTerminal;

/// True when prompts can be asked: they are read from stdin and drawn on stderr.
pub fn can_prompt() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}
