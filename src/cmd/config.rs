//! `iskra config [KEY [VALUE]]`: every setting with its value and meaning,
//! one setting's value, or a setting changed ([`crate::config`] knows the keys).

use std::io::Write;

use crate::clock::Clock;
use crate::config::{KEYS, get, set};
use crate::error::{Error, Result};
use crate::store::{Settings, Store};

/// `iskra config` options.
#[derive(Debug, clap::Args)]
#[command(after_help = crate::config::keys_help())]
pub struct ConfigArgs {
    /// The setting to show or change (the list below); without it, every setting with its value
    pub key: Option<String>,
    /// Its new value; several words are one value with spaces between
    /// them (`learn-steps 1m 10m 1h` is `learn-steps "1m 10m 1h"`)
    #[arg(num_args = 1..)]
    pub value: Vec<String>,
}

/// Runs `iskra config`.
pub fn run(store: &mut Store, args: ConfigArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    let mut settings = store.settings()?;
    let value = (!args.value.is_empty()).then(|| args.value.join(" "));
    match (args.key.as_deref(), value.as_deref()) {
        (None, _) => {
            for (key, help) in KEYS {
                let value = get(&settings, key)?;
                writeln!(out, "{key:<17} {value:<10} {help}").map_err(Error::stdout)?;
            }
        }
        (Some(key), None) => writeln!(out, "{}", get(&settings, key)?).map_err(Error::stdout)?,
        (Some(key), Some(value)) => {
            set(&mut settings, key, value)?;
            store.save_settings(&settings)?;
            // A shared setting's change carries its time (the last change wins).
            crate::sync::share_changes(store, clock.now_ms())?;
            writeln!(out, "{key} = {}", get(&settings, key)?).map_err(Error::stdout)?;
            let own = decks_with_their_own(store, &settings, key)?;
            if !own.is_empty() {
                writeln!(
                    out,
                    "note: {}, which this does not change: {}\n  hint: a deck's own options are in its deck file's header (`iskra card ID` shows what a card is studied with)",
                    match own.len() {
                        1 => format!("1 deck keeps its own {key}"),
                        n => format!("{n} decks keep their own {key}"),
                    },
                    own.join(", ")
                )
                .map_err(Error::stdout)?;
            }
        }
    }
    Ok(0)
}

/// The keys (escaped) of the decks whose own option overrides setting `key`.
fn decks_with_their_own(store: &Store, settings: &Settings, key: &str) -> Result<Vec<String>> {
    let option = if key.starts_with("bury-") { "burying" } else { key };
    Ok(store
        .decks()?
        .iter()
        .filter(|deck| settings.deck_options(deck).own.contains(&option))
        .map(|deck| crate::text::escape_control(&deck.key))
        .collect())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use crate::cli::Args;
    use crate::config::KEYS;

    #[test]
    fn the_help_names_every_setting() {
        let mut command = Args::command();
        let help = command
            .find_subcommand_mut("config")
            .expect("config command")
            .render_long_help()
            .to_string();
        for (key, _) in KEYS {
            assert!(help.contains(key), "{key} missing from:\n{help}");
        }
    }
}
