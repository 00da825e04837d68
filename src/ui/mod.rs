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
pub mod progress;
pub mod screen;
pub mod search;
pub mod stats;
pub mod sync;
pub mod terminal;

use std::io::{self, Write};

use crate::clock::Clock;
use crate::status::Status;
pub use crate::text::{escape_control, escape_json, short_interval};
use screen::when;

/// Each deck's name as `status` lists it: with its key, `Russian (russian-2)`,
/// where another deck has the same name (as `--deck` takes the key then).
fn shown_names(status: &Status) -> Vec<String> {
    status
        .decks
        .iter()
        .map(|d| {
            let shared = status.decks.iter().filter(|o| o.name == d.name).count() > 1;
            match shared {
                true => format!("{} ({})", escape_control(&d.name), escape_control(&d.key)),
                false => escape_control(&d.name),
            }
        })
        .collect()
}

pub fn render_status(out: &mut impl Write, status: &Status, clock: &Clock<impl chrono::TimeZone>) -> io::Result<()> {
    writeln!(
        out,
        "Study day {} · now {}",
        status.study_day,
        clock.local_string(status.now)
    )?;
    let names = shown_names(status);
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(4).clamp(4, 40);
    writeln!(
        out,
        "{:<width$}  {:>5}  {:>8}  {:>7}  {:>9}  {:>6}  {:>9}  next due",
        "deck", "new", "learning", "due now", "due today", "total", "suspended"
    )?;
    for (d, name) in status.decks.iter().zip(&names) {
        let name: String = name.chars().take(width).collect();
        let next = d.next_due.map_or_else(|| "-".to_string(), |at| when(at, clock));
        writeln!(
            out,
            "{name:<width$}  {:>5}  {:>8}  {:>7}  {:>9}  {:>6}  {:>9}  {next}",
            d.new, d.learning, d.due_now, d.due_today, d.total, d.suspended
        )?;
    }
    // What a review gives now: the decks' counts capped by the collection's
    // own daily limits (each deck's column shows that deck's allowance).
    let (new, due) = (status.new_today, status.due_now);
    let listed: u32 = status.decks.iter().map(|d| d.new).sum();
    if new + due > 0 {
        writeln!(out, "Ready now: {new} new and {due} due: run `iskra review`.")?;
        if listed > new {
            writeln!(
                out,
                "(The new column is each deck's own allowance; all decks together give {new} today: the collection's new-per-day and reviews-per-day.)"
            )?;
        }
        Ok(())
    } else if status.new_waiting > 0 || status.reviews_held {
        let next = status.next_due.map_or(status.next_day, |at| at.min(status.next_day));
        let mut held = Vec::new();
        if status.reviews_held {
            held.push("reviews over today's limit".to_string());
        }
        if status.new_waiting > 0 {
            held.push(crate::text::plural(u64::from(status.new_waiting), "new card"));
        }
        let verb = if held.len() == 1 && status.new_waiting == 1 {
            "waits"
        } else {
            "wait"
        };
        writeln!(
            out,
            "Nothing is due now; {} {verb} for a later study day (daily limit); next card: {}.",
            held.join(" and "),
            next_card(status, next, clock)
        )
    } else if let Some(at) = status.next_due {
        writeln!(out, "Nothing is due now; next card: {}.", next_card(status, at, clock))
    } else if status.decks.is_empty() {
        writeln!(out, "No decks yet: run `iskra build decks/`.")
    } else {
        writeln!(out, "No cards are scheduled.")
    }
}

/// When the next card is due, and that `review` shows it now if it is a
/// learning card within the learn-ahead window.
fn next_card(status: &Status, at: chrono::DateTime<chrono::Utc>, clock: &Clock<impl chrono::TimeZone>) -> String {
    if status.next_learning == Some(at) && at <= status.learn_ahead_until {
        format!(
            "{}, which `iskra review` shows now, early (learn-ahead-mins)",
            when(at, clock)
        )
    } else {
        when(at, clock)
    }
}
