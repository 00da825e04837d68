//! The command layer: one file per command. Each reads its arguments (clap
//! types from [`crate::cli`]), calls the domain and hands the results to
//! [`crate::ui`] to print. Nothing below this layer imports it.

pub mod export;
pub mod import;
pub mod optimize;
pub mod restore;
pub mod stats;
