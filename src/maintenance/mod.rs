//! Keeping the collection safe: backup files ([`backup`]), `iskra check`
//! ([`check`]) and `iskra restore` ([`restore`]). Built on the store's
//! integrity queries (`store::inspect`); no clap, no prompts: `cmd::check`
//! and `cmd::restore` run the commands and `ui::maintenance` prints them.

pub mod backup;
pub mod check;
pub mod restore;
