//! Drawing a session's views, shared by the terminal and the line protocol
//! where they look the same: the review header, a card's question and
//! answer, the grade buttons, notices and the end-of-session summary; the
//! quiz's parts are in [`quiz`]. Card text goes through [`escape_control`]
//! first, so a deck cannot take over the terminal.

pub mod quiz;

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use console::style;

use super::{escape_control, short_interval};
use crate::clock::Clock;
use crate::deck::CardView;
use crate::session::review::{Notice, Summary};
use crate::session::view::{self, Buttons, Header};

/// Card text made safe, with continuation lines indented under a label.
pub(crate) fn indented(text: &str, indent: &str) -> String {
    escape_control(text).replace('\n', &format!("\n{indent}"))
}

/// The header: the session's scope and its counts, then the card's deck on
/// a line of its own.
pub fn render_header(out: &mut impl Write, header: &Header, card: &CardView) -> io::Result<()> {
    let scope = header
        .scope
        .as_deref()
        .map_or_else(|| "All decks".to_string(), escape_control);
    let counts = &header.counts;
    writeln!(
        out,
        "{} · new {} · learning {} · due {}",
        style(scope).bold(),
        style(counts.new).blue(),
        style(counts.learning).red(),
        style(counts.due).green(),
    )?;
    writeln!(out, "Deck: {}", escape_control(&card.deck))
}

/// The `Q:` line.
pub fn render_question(out: &mut impl Write, card: &CardView) -> io::Result<()> {
    writeln!(out, "Q: {}", style(indented(&card.front, "   ")).bold())
}

/// The `A:` line, the extra text, and the grade buttons.
pub fn render_answer(out: &mut impl Write, card: &CardView, buttons: &Buttons) -> io::Result<()> {
    writeln!(out, "A: {}", style(indented(&card.back, "   ")).green())?;
    if let Some(extra) = &card.extra {
        writeln!(out, "   {}", style(indented(extra, "   ")).dim())?;
    }
    writeln!(out, "{}", buttons_line(buttons))
}

/// `1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy 4d`.
pub fn buttons_line(buttons: &Buttons) -> String {
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
    shown.join(" · ")
}

/// A notice of a view: a review's, a quiz's title, or a quiz answer's outcome.
pub fn render_view_notice(out: &mut impl Write, notice: &view::Notice) -> io::Result<()> {
    match notice {
        view::Notice::QuizTitle { questions, mode, seed } => quiz::render_quiz_title(out, *questions, *mode, *seed),
        view::Notice::Outcome { question, outcome } => quiz::render_outcome(out, question, outcome),
        view::Notice::Review(notice) => render_notice(out, notice),
    }
}

/// What a review action did.
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

/// "2026-03-10 10:10 (in 10m)" / "now", for a due time.
pub(crate) fn when(at: DateTime<Utc>, clock: &Clock<impl chrono::TimeZone>) -> String {
    let secs = (at - clock.now()).num_seconds();
    if secs <= 0 {
        "now".to_string()
    } else {
        format!("{} (in {})", clock.local_string(at), short_interval(secs))
    }
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The end of a session: what was done, what is still waiting today, and
/// what comes next and when. Never "nothing is due" while something is.
pub fn render_summary(out: &mut impl Write, summary: &Summary, clock: &Clock<impl chrono::TimeZone>) -> io::Result<()> {
    let left = &summary.left;
    let waiting_now = left.new + left.due + summary.learning_now;
    if summary.reviewed > 0 {
        let secs = summary.time_ms / 1000;
        writeln!(
            out,
            "Session done: {} reviewed, again {:.0}%, time {}m {:02}s.",
            plural(summary.reviewed, "card", "cards"),
            summary.again_rate() * 100.0,
            secs / 60,
            secs % 60
        )?;
    } else if waiting_now == 0 && summary.next_learning.is_none() {
        writeln!(out, "Nothing is due now.")?;
    }
    if waiting_now > 0 {
        let mut parts = vec![format!("{} new", left.new), format!("{} due", left.due)];
        if summary.learning_now > 0 {
            parts.push(format!("{} learning", summary.learning_now));
        }
        let last = parts.pop().unwrap_or_default();
        writeln!(out, "Stopped with {} and {last} still waiting today.", parts.join(", "))?;
    }
    match summary.next_learning {
        Some(at) if at > clock.now() => writeln!(out, "Next learning card: {}.", when(at, clock))?,
        _ if waiting_now > 0 => {}
        _ => match summary.next_due {
            Some(at) => writeln!(out, "Next card due: {}.", when(at, clock))?,
            None => writeln!(out, "No cards are scheduled.")?,
        },
    }
    if summary.new_waiting > 0 {
        writeln!(
            out,
            "{} wait for a later day (daily limit).",
            plural(summary.new_waiting, "more new card", "more new cards")
        )?;
    }
    Ok(())
}
