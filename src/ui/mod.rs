//! Terminal rendering and input. Everything printed from users' files goes
//! through [`escape_control`] first, so a deck cannot take over the terminal.

pub mod authoring;
pub mod build_report;
pub mod deck_listing;
pub mod drafts;
pub mod editor;
pub mod interactive;
pub mod lines;
pub mod maintenance;
pub mod quiz;
pub mod stats;

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use console::style;

use crate::clock::Clock;
use crate::review::{CardView, Notice, QueueCounts, Screen, Summary};
use crate::sched::{NextIn, Rating};
use crate::status::Status;
pub use crate::text::{escape_control, escape_json, short_interval};

/// Card text made safe, with continuation lines indented under a label.
fn indented(text: &str, indent: &str) -> String {
    escape_control(text).replace('\n', &format!("\n{indent}"))
}

pub fn render_header(out: &mut impl Write, card: &CardView, counts: &QueueCounts) -> io::Result<()> {
    writeln!(
        out,
        "{} · new {} · learning {} · due {}",
        style(escape_control(&card.deck)).bold(),
        style(counts.new).blue(),
        style(counts.learning).red(),
        style(counts.due).green(),
    )
}

pub fn render_question(out: &mut impl Write, card: &CardView) -> io::Result<()> {
    writeln!(out, "Q: {}", style(indented(&card.front, "   ")).bold())
}

pub fn render_answer(out: &mut impl Write, card: &CardView, buttons: &[(Rating, NextIn); 4]) -> io::Result<()> {
    writeln!(out, "A: {}", style(indented(&card.back, "   ")).green())?;
    if let Some(extra) = &card.extra {
        writeln!(out, "   {}", style(indented(extra, "   ")).dim())?;
    }
    let shown: Vec<String> = buttons
        .iter()
        .map(|(rating, next)| {
            format!(
                "{} {} {}",
                rating.number(),
                rating.name(),
                short_interval(next.seconds())
            )
        })
        .collect();
    writeln!(out, "{}", shown.join(" · "))
}

pub fn render_notice(out: &mut impl Write, notice: &Notice) -> io::Result<()> {
    match notice {
        Notice::Answered { rating, next_in } => {
            writeln!(
                out,
                "answered: {} · next in {}",
                rating.name(),
                short_interval(next_in.seconds())
            )
        }
        Notice::Undone => writeln!(out, "undone: the last answer was taken back"),
        Notice::NothingToUndo => writeln!(out, "nothing to undo"),
        Notice::ChangedElsewhere => writeln!(out, "not undone: another iskra session answered this card after you"),
        Notice::Buried => writeln!(out, "buried until the next study day"),
        Notice::Unburied => writeln!(out, "undone: the buried card is back"),
        Notice::RevealFirst => writeln!(out, "reveal the answer first (Space or Enter)"),
    }
}

/// "in 5h" / "now", for a due time.
fn when(at: DateTime<Utc>, clock: &Clock<impl chrono::TimeZone>) -> String {
    let secs = (at - clock.now()).num_seconds();
    if secs <= 0 {
        "now".to_string()
    } else {
        format!("{} (in {})", clock.local_string(at), short_interval(secs))
    }
}

pub fn render_summary(out: &mut impl Write, summary: &Summary, clock: &Clock<impl chrono::TimeZone>) -> io::Result<()> {
    if summary.reviewed == 0 {
        writeln!(out, "Nothing is due now.")?;
    } else {
        let secs = summary.time_ms / 1000;
        writeln!(
            out,
            "Session done: {} card{} reviewed, again {:.0}%, time {}m {:02}s.",
            summary.reviewed,
            if summary.reviewed == 1 { "" } else { "s" },
            summary.again_rate() * 100.0,
            secs / 60,
            secs % 60
        )?;
    }
    match summary.next_due {
        Some(at) => writeln!(out, "Next card due: {}.", when(at, clock))?,
        None => writeln!(out, "No cards are scheduled.")?,
    }
    if summary.new_waiting > 0 {
        writeln!(out, "{} new cards wait for tomorrow's limit.", summary.new_waiting)?;
    }
    Ok(())
}

/// Draws a session screen (used by both front ends).
pub fn render_screen(out: &mut impl Write, screen: &Screen, clock: &Clock<impl chrono::TimeZone>) -> io::Result<()> {
    match screen {
        Screen::Question { card, counts } => {
            render_header(out, card, counts)?;
            render_question(out, card)
        }
        Screen::Answer { card, buttons, .. } => render_answer(out, card, buttons),
        Screen::Finished(summary) => render_summary(out, summary, clock),
    }
}

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
