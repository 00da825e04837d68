//! The line protocol, used when stdin is not a terminal (scripts, tests).
//!
//! Each input line is one command: `1`–`4` grade the card shown (revealing
//! it first if needed), an empty line or `r` reveals, `u` undoes the last
//! answer, `s` buries the card, `q` quits. End of input quits. Output is
//! plain text: the header and `Q:` line of each card, `A:` and the grade
//! buttons when revealed, and `answered: …` once an answer is committed.

use std::io::{BufRead, Write};

use chrono::{DateTime, Utc};

use super::{render_notice, render_screen};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::review::{Input, Screen, Session};
use crate::sched::Rating;

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
    session: &mut Session,
    clock: &Clock<Tz>,
    now: impl Fn() -> DateTime<Utc>,
    input: impl BufRead,
    mut out: impl Write,
) -> Result<()> {
    let mut screen = session.current(&clock.at(now()))?;
    render_screen(&mut out, &screen, clock).map_err(io_error)?;
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
                            super::escape_control(&line)
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
            render_screen(&mut out, &revealed, clock).map_err(io_error)?;
        }
        let (notice, next) = session.handle(command, &at)?;
        if let Some(notice) = &notice {
            render_notice(&mut out, notice).map_err(io_error)?;
        }
        render_screen(&mut out, &next, clock).map_err(io_error)?;
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
