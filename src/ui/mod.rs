//! Terminal rendering and input. Everything printed from users' files goes
//! through [`escape_control`] first, so a deck cannot take over the terminal.

pub mod drafts;
pub mod interactive;
pub mod lines;
pub mod quiz;
pub mod stats;

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use console::style;

use crate::clock::Clock;
use crate::review::{CardView, Notice, QueueCounts, Screen, Summary};
use crate::sched::{NextIn, Rating};
use crate::status::Status;

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

/// Makes text inert for a terminal: control characters (C0 and C1, including
/// ESC, CR and BEL), bidirectional overrides and other invisible formatting
/// characters are shown as `\u{..}` escapes. Newlines and tabs are kept.
pub fn escape_control(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\n' || c == '\t' || !is_dangerous(c) {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    out
}

/// Makes JSON text inert for a terminal: serde escapes C0 controls but
/// writes C1 controls and bidirectional overrides raw; those become `\uXXXX`
/// escapes, which read back as the same strings. (Outside strings JSON
/// holds only ASCII punctuation and whitespace, which is left alone.)
pub fn escape_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c == '\n' || c == '\t' || !is_dangerous(c) {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{0600}'..='\u{0605}' | '\u{061c}' | '\u{06dd}' | '\u{070f}' | '\u{180e}'
            | '\u{200b}'..='\u{200f}' // zero-width and directional marks
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{202a}'..='\u{202e}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}' // bidi isolates and deprecated format controls
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e0000}'..='\u{e007f}' // tag characters
        )
}

/// Formats an interval for the grade buttons: `1m`, `10m`, `3h`, `4d`, `2.1mo`, `1.5y`.
pub fn short_interval(secs: i64) -> String {
    let secs = secs.max(0) as f64;
    let minutes = secs / 60.0;
    let hours = minutes / 60.0;
    let days = hours / 24.0;
    if minutes < 1.0 {
        format!("{}s", secs.round())
    } else if hours < 1.0 {
        format!("{}m", minutes.round())
    } else if days < 1.0 {
        format!("{}h", hours.round())
    } else if days < 30.0 {
        format!("{}d", days.round())
    } else if days < 365.0 {
        format!("{:.1}mo", days / 30.0)
    } else {
        format!("{:.1}y", days / 365.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_sequences() {
        let hostile = "a\u{1b}[31mred\u{7}\r\u{9b}2J\u{202e}evil\u{1b}]0;title\u{7}";
        let shown = escape_control(hostile);
        assert!(!shown.chars().any(is_dangerous), "{shown:?}");
        assert_eq!(
            shown,
            "a\\u{1b}[31mred\\u{7}\\u{d}\\u{9b}2J\\u{202e}evil\\u{1b}]0;title\\u{7}"
        );
        assert_eq!(escape_control("line\nnext\tZinóviev"), "line\nnext\tZinóviev");
    }

    #[test]
    fn json_is_escaped_and_reads_back_the_same() {
        let value = serde_json::json!({"name": "a\u{1b}]0;t\u{7}\u{9b}\u{202e}\u{e0041}\nb"});
        let text = escape_json(&serde_json::to_string_pretty(&value).unwrap());
        assert!(!text.chars().any(|c| c != '\n' && is_dangerous(c)), "{text}");
        assert!(text.contains(r"\u009b\u202e\udb40\udc41"), "{text}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
    }

    #[test]
    fn intervals_read_naturally() {
        assert_eq!(short_interval(60), "1m");
        assert_eq!(short_interval(600), "10m");
        assert_eq!(short_interval(4 * 86_400), "4d");
        assert_eq!(short_interval(90 * 86_400), "3.0mo");
        assert_eq!(short_interval(730 * 86_400), "2.0y");
    }
}
