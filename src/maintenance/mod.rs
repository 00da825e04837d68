//! Keeping the collection safe: backup files ([`backup`]), `iskra check`
//! ([`check`]) and `iskra restore` ([`restore`]). Built on the store's
//! integrity queries (`store::inspect`); no clap, no terminal drawing beyond
//! the reports these commands print.

pub mod backup;
pub mod check;
pub mod restore;
