//! Terminal rendering and input: the front ends a session runs on
//! ([`terminal`], [`line_protocol`]) and the one loop they share
//! ([`frontend`]), the screens they draw ([`screen`]), and the output of the
//! other commands (stats dashboard, listings, prompts, reports). Everything
//! printed from users' files goes through [`escape_control`] first, so a
//! deck cannot take over the terminal.

pub mod authoring;
pub mod build_report;
pub mod card_info;
pub mod chart;
pub mod deck_listing;
pub mod drafts;
pub mod editor;
pub mod frontend;
pub mod line_protocol;
pub mod maintenance;
pub mod screen;
pub mod search;
pub mod stats;
pub mod terminal;

use std::io::{self, Write};

use crate::clock::Clock;
use crate::status::Status;
pub use crate::text::{escape_control, escape_json, short_interval};
use screen::when;

pub fn render_status(out: &mut impl Write, status: &Status, clock: &Clock<impl chrono::TimeZone>) -> io::Result<()> {
    writeln!(
        out,
        "Study day {} · now {}",
        status.study_day,
        clock.local_string(status.now)
    )?;
    let width = status
        .decks
        .iter()
        .map(|d| escape_control(&d.name).chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 40);
    writeln!(
        out,
        "{:<width$}  {:>5}  {:>8}  {:>7}  {:>9}  {:>6}  {:>9}  next due",
        "deck", "new", "learning", "due now", "due today", "total", "suspended"
    )?;
    for d in &status.decks {
        let name: String = escape_control(&d.name).chars().take(width).collect();
        let next = d.next_due.map_or_else(|| "-".to_string(), |at| when(at, clock));
        writeln!(
            out,
            "{name:<width$}  {:>5}  {:>8}  {:>7}  {:>9}  {:>6}  {:>9}  {next}",
            d.new, d.learning, d.due_now, d.due_today, d.total, d.suspended
        )?;
    }
    let new: u32 = status.decks.iter().map(|d| d.new).sum();
    let due: u32 = status.decks.iter().map(|d| d.due_now).sum();
    if new + due > 0 {
        writeln!(out, "Ready now: {new} new and {due} due: run `iskra review`.")
    } else if let Some(at) = status.next_due {
        writeln!(out, "Nothing is due now; next card: {}.", when(at, clock))
    } else if status.decks.is_empty() {
        writeln!(out, "No decks yet: run `iskra build decks/`.")
    } else {
        writeln!(out, "No cards are scheduled.")
    }
}
