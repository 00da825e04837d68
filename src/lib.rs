//! iskra: a spaced-repetition trainer for the terminal.
//!
//! Layout: [`deck`] parses deck files and builds them into the collection;
//! `deck::author` appends facts to deck files and starts new ones;
//! [`store`] owns the SQLite collection; [`sched`] is the FSRS scheduler (pure);
//! [`session`] holds the review, quiz and quiz-review state machines and the
//! daily limits; [`ui`] draws them in a terminal or speaks a line protocol;
//! [`quiz`] asks and checks questions; [`stats`] computes progress
//! statistics and the HTML report; [`interop`] reads and writes Anki's
//! formats and maps them to iskra's decks, cards and log; [`optimize`] fits
//! FSRS to the user's history and simulates workloads; [`maintenance`] keeps
//! daily copies and checks and restores the collection; [`search`] finds
//! cards with Anki's search syntax and [`manage`] changes them by hand
//! (suspend, forget, reschedule, flag…, undo) and tells a card's story;
//! [`cli`] parses the
//! command line and dispatches to [`cmd`], one file per command
//! (`cmd::export` and `cmd::import` move decks, statistics and history out
//! and in); [`clock`] holds the injected time.

pub mod card;
pub mod cli;
pub mod clock;
pub mod cmd;
pub mod config;
pub mod deck;
pub mod diagnostic;
pub mod distance;
pub mod error;
pub mod extract;
pub mod files;
pub mod ids;
pub mod interop;
pub mod maintenance;
pub mod manage;
pub mod names;
pub mod optimize;
pub mod paths;
pub mod progress;
pub mod quiz;
pub mod sched;
pub mod search;
pub mod session;
pub mod settings;
pub mod stats;
pub mod status;
pub mod store;
pub mod sync;
pub mod text;
pub mod ui;

pub use error::{Error, Result};
