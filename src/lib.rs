//! iskra: a spaced-repetition trainer for the terminal.
//!
//! Layout: [`deck`] parses deck files and builds them into the collection;
//! [`author`] adds facts to deck files and creates decks (`add`, `deck`);
//! [`store`] owns the SQLite collection; [`sched`] is the FSRS scheduler (pure);
//! [`review`] is the session state machine; [`ui`] draws it in a terminal or
//! speaks a line protocol; [`cli`] wires commands together; [`clock`] holds
//! the injected time.

pub mod anki;
pub mod author;
pub mod backup;
pub mod cli;
pub mod clock;
pub mod config;
pub mod deck;
pub mod error;
pub mod export;
pub mod extract;
pub mod files;
pub mod generate;
pub mod import;
pub mod optimize;
pub mod paths;
pub mod quiz;
pub mod review;
pub mod sched;
pub mod stats;
pub mod status;
pub mod store;
pub mod ui;

pub use error::{Error, Result};
