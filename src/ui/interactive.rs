//! The interactive review on a terminal: one key per action, colour when
//! the terminal allows it (never with `NO_COLOR`).

use chrono::{DateTime, Utc};
use console::{Key, Term, style};

use super::lines::{render_header, render_notice, render_summary};
use super::{render_answer, render_question};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::sched::Rating;
use crate::session::review::{Input, ReviewSession, Screen};

fn io_error(source: std::io::Error) -> Error {
    Error::Io {
        path: "<terminal>".into(),
        source,
    }
}

/// While alive, Ctrl-C does not kill the process: the terminal library
/// turns the key into SIGINT, which then only interrupts the key being read,
/// so the session ends as with `q` (summary printed, cursor shown). The
/// previous handler is put back on drop.
pub struct CtrlCEndsSession {
    #[cfg(unix)]
    previous: libc::sigaction,
}

#[cfg(unix)]
extern "C" fn ignore_sigint(_: libc::c_int) {}

impl CtrlCEndsSession {
    pub fn install() -> CtrlCEndsSession {
        #[cfg(unix)]
        {
            // SAFETY: sigaction with a handler that does nothing (async-signal-safe);
            // no SA_RESTART, so a blocked read returns EINTR.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = ignore_sigint as *const () as libc::sighandler_t;
                libc::sigemptyset(&mut action.sa_mask);
                let mut previous: libc::sigaction = std::mem::zeroed();
                libc::sigaction(libc::SIGINT, &action, &mut previous);
                CtrlCEndsSession { previous }
            }
        }
        #[cfg(not(unix))]
        CtrlCEndsSession {}
    }
}

impl Drop for CtrlCEndsSession {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: restores the handler saved by `install`.
        unsafe {
            libc::sigaction(libc::SIGINT, &self.previous, std::ptr::null_mut());
        }
    }
}

/// Maps a key to a session input, depending on whether the answer is shown.
pub fn key_input(key: &Key, revealed: bool) -> Option<Input> {
    match key {
        Key::Char(' ') | Key::Enter if !revealed => Some(Input::Reveal),
        // As in Anki: Space or Enter on the answer is Good.
        Key::Char(' ') | Key::Enter => Some(Input::Grade(Rating::Good)),
        Key::Char(c @ '1'..='4') => Rating::from_number(*c as u8 - b'0').map(Input::Grade),
        Key::Char('u') => Some(Input::Undo),
        Key::Char('s') => Some(Input::Bury),
        Key::Char('q') | Key::Escape | Key::CtrlC => Some(Input::Quit),
        _ => None,
    }
}

const QUESTION_KEYS: &str = "Space/Enter: show answer · u: undo · s: bury · q: quit";
const ANSWER_KEYS: &str = "1-4: grade (Space/Enter: Good) · u: undo · s: bury · q: quit";

/// Runs a session on the terminal.
pub fn run<Tz: chrono::TimeZone>(
    session: &mut ReviewSession,
    clock: &Clock<Tz>,
    now: impl Fn() -> DateTime<Utc>,
) -> Result<()> {
    let _ctrl_c = CtrlCEndsSession::install();
    let term = Term::stdout();
    let mut out = term.clone();
    let mut screen = session.current(&clock.at(now()))?;
    let scope = session.scope().map(str::to_string);
    let scope = scope.as_deref();
    let mut notice = None;
    // The first screen is drawn below what was printed before (the notice of
    // a new collection, with its path), not over it.
    let mut first = true;
    loop {
        if !first {
            term.clear_screen().map_err(io_error)?;
        }
        first = false;
        if let Some(notice) = &notice {
            render_notice(&mut out, notice).map_err(io_error)?;
        }
        let revealed = match &screen {
            Screen::Question { card, counts } => {
                render_header(&mut out, scope, card, counts).map_err(io_error)?;
                render_question(&mut out, card).map_err(io_error)?;
                term.write_line(&style(QUESTION_KEYS).dim().to_string())
                    .map_err(io_error)?;
                false
            }
            Screen::Answer { card, counts, buttons } => {
                render_header(&mut out, scope, card, counts).map_err(io_error)?;
                render_question(&mut out, card).map_err(io_error)?;
                render_answer(&mut out, card, buttons).map_err(io_error)?;
                term.write_line(&style(ANSWER_KEYS).dim().to_string())
                    .map_err(io_error)?;
                true
            }
            Screen::Finished(summary) => {
                // Whatever hid the cursor before, the terminal is left with it shown.
                let _ = term.show_cursor();
                return render_summary(&mut out, summary, clock).map_err(io_error);
            }
        };
        let input = loop {
            let key = match term.read_key() {
                Ok(key) => key,
                // A closed terminal or an interrupted read ends the session cleanly.
                Err(_) => break Input::Quit,
            };
            if let Some(input) = key_input(&key, revealed) {
                break input;
            }
        };
        let (next_notice, next) = session.handle(input, &clock.at(now()))?;
        notice = next_notice;
        screen = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_inputs() {
        assert_eq!(key_input(&Key::Char(' '), false), Some(Input::Reveal));
        assert_eq!(key_input(&Key::Enter, false), Some(Input::Reveal));
        assert_eq!(key_input(&Key::Enter, true), Some(Input::Grade(Rating::Good)));
        assert_eq!(key_input(&Key::Char(' '), true), Some(Input::Grade(Rating::Good)));
        assert_eq!(key_input(&Key::Char('3'), true), Some(Input::Grade(Rating::Good)));
        assert_eq!(key_input(&Key::CtrlC, true), Some(Input::Quit));
        assert_eq!(key_input(&Key::Char('x'), true), None);
    }
}
