//! The line protocol, used when stdin is not a terminal (scripts, tests).
//!
//! Each input line is one command: `1`–`4` grade the card shown (revealing
//! it first if needed), an empty line or `r` reveals, `u` undoes the last
//! answer or bury, `s` buries the card, `q` quits. End of input quits.
//! Output is plain text: the header (scope and counts), the card's deck and
//! `Q:` line of each card, `A:` and the grade buttons when revealed,
//! `answered: …` once an answer is committed, and the summary at the end.
//!
//! The review screens' pieces shared with the terminal front end (header,
//! summary) are drawn here.

use std::io::{BufRead, Write};

use chrono::{DateTime, Utc};

use console::style;

pub use super::render_notice;
use super::{escape_control, render_answer, render_question, short_interval};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::sched::Rating;
use crate::session::review::{CardView, Input, QueueCounts, ReviewSession, Screen, Summary};

/// The header: the session's scope and its counts, then the card's deck on
/// a line of its own.
pub fn render_header(
    out: &mut impl Write,
    scope: Option<&str>,
    card: &CardView,
    counts: &QueueCounts,
) -> std::io::Result<()> {
    let scope = scope.map_or_else(|| "All decks".to_string(), escape_control);
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

/// "2026-03-10 10:10 (in 10m)" / "now".
fn when(at: DateTime<Utc>, clock: &Clock<impl chrono::TimeZone>) -> String {
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
pub fn render_summary(
    out: &mut impl Write,
    summary: &Summary,
    clock: &Clock<impl chrono::TimeZone>,
) -> std::io::Result<()> {
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

/// Draws a session screen in the line protocol.
pub fn render_screen(
    out: &mut impl Write,
    scope: Option<&str>,
    screen: &Screen,
    clock: &Clock<impl chrono::TimeZone>,
) -> std::io::Result<()> {
    match screen {
        Screen::Question { card, counts } => {
            render_header(out, scope, card, counts)?;
            render_question(out, card)
        }
        Screen::Answer { card, buttons, .. } => render_answer(out, card, buttons),
        Screen::Finished(summary) => render_summary(out, summary, clock),
    }
}

fn io_error(source: std::io::Error) -> Error {
    Error::Io {
        path: "<terminal>".into(),
        source,
    }
}

/// Parses one protocol line.
pub fn parse_line(line: &str) -> Option<Input> {
    match line.trim() {
        "" | "r" | " " => Some(Input::Reveal),
        "u" => Some(Input::Undo),
        "s" => Some(Input::Bury),
        "q" => Some(Input::Quit),
        other => other.parse::<u8>().ok().and_then(Rating::from_number).map(Input::Grade),
    }
}

/// Runs a session over the line protocol.
pub fn run<Tz: chrono::TimeZone>(
    session: &mut ReviewSession,
    clock: &Clock<Tz>,
    now: impl Fn() -> DateTime<Utc>,
    input: impl BufRead,
    mut out: impl Write,
) -> Result<()> {
    let mut screen = session.current(&clock.at(now()))?;
    let scope = session.scope().map(str::to_string);
    let scope = scope.as_deref();
    render_screen(&mut out, scope, &screen, clock).map_err(io_error)?;
    let mut lines = input.lines();
    while !matches!(screen, Screen::Finished(_)) {
        out.flush().map_err(io_error)?;
        let command = match lines.next() {
            None => Input::Quit,
            Some(line) => {
                let line = line.map_err(io_error)?;
                match parse_line(&line) {
                    Some(input) => input,
                    None => {
                        writeln!(
                            out,
                            "unknown command {:?}: use 1-4, r, u, s or q",
                            escape_control(&line)
                        )
                        .map_err(io_error)?;
                        continue;
                    }
                }
            }
        };
        let at = clock.at(now());
        if matches!(command, Input::Grade(_)) && matches!(screen, Screen::Question { .. }) {
            let (_, revealed) = session.handle(Input::Reveal, &at)?;
            render_screen(&mut out, scope, &revealed, clock).map_err(io_error)?;
        }
        let (notice, next) = session.handle(command, &at)?;
        if let Some(notice) = &notice {
            render_notice(&mut out, notice).map_err(io_error)?;
        }
        render_screen(&mut out, scope, &next, clock).map_err(io_error)?;
        screen = next;
    }
    out.flush().map_err(io_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_lines() {
        assert_eq!(parse_line("3"), Some(Input::Grade(Rating::Good)));
        assert_eq!(parse_line(" 1 "), Some(Input::Grade(Rating::Again)));
        assert_eq!(parse_line(""), Some(Input::Reveal));
        assert_eq!(parse_line("u"), Some(Input::Undo));
        assert_eq!(parse_line("s"), Some(Input::Bury));
        assert_eq!(parse_line("q"), Some(Input::Quit));
        assert_eq!(parse_line("5"), None);
        assert_eq!(parse_line("good"), None);
    }
}
