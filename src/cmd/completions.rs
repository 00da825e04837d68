//! `iskra completions SHELL` and `iskra man [COMMAND]`: shell completions
//! and the manual page, both made from the clap definition of the commands
//! so they never drift from it.
//!
//! Completions are dynamic (clap_complete's `CompleteEnv`): the script a
//! shell sources calls `iskra` back with `ISKRA_COMPLETE` set whenever Tab is
//! pressed, so `--deck` completes the names of the decks in the collection
//! as it is now. [`complete_if_asked`] answers those calls before anything
//! else runs.

use std::ffi::OsStr;
use std::io::Write;

use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

use crate::error::{Error, Result};

/// The environment variable through which a shell asks for completions.
pub const COMPLETE_VAR: &str = "ISKRA_COMPLETE";

/// Shells iskra writes completions for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  iskra completions bash > ~/.local/share/bash-completion/completions/iskra
  echo 'source <(iskra completions zsh)' >> ~/.zshrc
  iskra completions fish > ~/.config/fish/completions/iskra.fish")]
pub struct CompletionsArgs {
    /// The shell to write the completion script for
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  iskra man | man -l -
  iskra man review | man -l -
  iskra man > ~/.local/share/man/man1/iskra.1")]
pub struct ManArgs {
    /// A command's own page (e.g. `review`); without it, the page of iskra itself
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// Answers a shell's completion request (`ISKRA_COMPLETE` set) and exits;
/// does nothing otherwise. Called first thing in `main`, with the command
/// line's definition (`cli::Args::command`).
pub fn complete_if_asked(definition: fn() -> clap::Command) {
    clap_complete::CompleteEnv::with_factory(definition)
        .var(COMPLETE_VAR)
        .complete();
}

/// Writes the script that registers iskra's completions with `shell`.
pub fn run_completions(args: &CompletionsArgs, out: &mut impl Write) -> Result<i32> {
    let completer: &dyn EnvCompleter = match args.shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Elvish => &Elvish,
        Shell::Powershell => &Powershell,
    };
    // The script calls this very binary back, so it works before iskra is on PATH.
    let program = std::env::current_exe()
        .ok()
        .and_then(|p| p.to_str().map(str::to_string))
        .unwrap_or_else(|| "iskra".to_string());
    let mut script = Vec::new();
    completer
        .write_registration(COMPLETE_VAR, "iskra", "iskra", &program, &mut script)
        .map_err(Error::stdout)?;
    out.write_all(&script).map_err(Error::stdout)?;
    Ok(0)
}

/// Writes the manual page (roff) of iskra, or of one of its commands, from
/// the command line's definition.
pub fn run_man(mut command: clap::Command, args: &ManArgs, out: &mut impl Write) -> Result<i32> {
    command.build();
    let page = match &args.command {
        None => command,
        Some(name) => {
            let found = command
                .get_subcommands()
                .find(|c| c.get_name() == name || c.get_all_aliases().any(|a| a == name))
                .cloned();
            let Some(sub) = found else {
                let names: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
                return Err(Error::Usage(format!(
                    "there is no command {name:?}.\n  hint: the commands are {}",
                    names.join(", ")
                )));
            };
            // Built, the command gives its pages the title `iskra-review`.
            sub
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page).render(&mut roff).map_err(Error::stdout)?;
    out.write_all(&roff).map_err(Error::stdout)?;
    Ok(0)
}

/// Completes `--deck` with the keys of the decks in the collection (the
/// default one, or `$ISKRA_COLLECTION`), read without changing anything.
/// Any failure completes nothing: a Tab never prints an error.
pub fn deck_names() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| -> Vec<CompletionCandidate> {
        let current = current.to_string_lossy();
        let Ok(path) = crate::paths::collection_path(None, |k| std::env::var(k).ok()) else {
            return Vec::new();
        };
        let Ok(decks) = crate::store::inspect::deck_names(&path) else {
            return Vec::new();
        };
        decks
            .into_iter()
            .filter(|(key, _)| key.starts_with(current.as_ref()))
            .map(|(key, name)| CompletionCandidate::new(key).help(Some(crate::text::escape_control(&name).into())))
            .collect()
    })
}
