//! The terminal front end: a review is one key per action on a screen
//! redrawn for each card; a quiz asks with dialoguer's `Select` for
//! multiple-choice and true/false questions (arrows or j/k, Enter; Esc or q
//! quits) and `Input` for typed answers (`:q` quits); in `review --mode`, a
//! key after the feedback keeps the automatic grade (Enter) or replaces it
//! (1–4). Colour when the terminal allows it (never with `NO_COLOR`).
//!
//! The terminal's state is kept in one place, [`TerminalGuard`]: while a
//! session runs, Ctrl-C ends it like `q`, and the cursor is shown again
//! however it ends.

use chrono::TimeZone;
use console::{Key, Term, style};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Input, Select};

use super::escape_control;
use super::frontend::Frontend;
use super::screen::quiz::{render_auto_grade, render_question_text, render_quiz_question, render_quiz_summary};
use super::screen::{render_answer, render_header, render_question, render_summary, render_view_notice};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::quiz::{Prompt, Question, Response};
use crate::sched::Rating;
use crate::session::view::{Heading, Screen};
use crate::session::{Action, Expects, View};

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

/// The terminal as a session leaves it: Ctrl-C ends the session rather than
/// the process while the guard lives, and on drop (whatever the exit) the
/// cursor is shown again.
pub struct TerminalGuard {
    _ctrl_c: CtrlCEndsSession,
}

impl TerminalGuard {
    pub fn install() -> TerminalGuard {
        TerminalGuard {
            _ctrl_c: CtrlCEndsSession::install(),
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = Term::stdout().show_cursor();
    }
}

const QUESTION_KEYS: &str = "Space/Enter: show answer · u: undo · s: bury · q: quit";
const ANSWER_KEYS: &str = "1-4: grade (Space/Enter: Good) · u: undo · s: bury · q: quit";
const GRADE_KEYS: &str = "q: quit";

/// Maps a key to an action, depending on whether the answer is shown.
pub fn key_action(key: &Key, revealed: bool) -> Option<Action> {
    match key {
        Key::Char(' ') | Key::Enter if !revealed => Some(Action::Reveal),
        // As in Anki: Space or Enter on the answer is Good.
        Key::Char(' ') | Key::Enter => Some(Action::Grade(Rating::Good)),
        Key::Char(c @ '1'..='4') => Rating::from_number(*c as u8 - b'0').map(Action::Grade),
        Key::Char('u') => Some(Action::Undo),
        Key::Char('s') => Some(Action::Bury),
        Key::Char('q') | Key::Escape | Key::CtrlC => Some(Action::Quit),
        _ => None,
    }
}

/// Maps a key on the feedback screen of `review --mode` to an action.
pub fn grade_key(key: &Key) -> Option<Action> {
    match key {
        Key::Enter | Key::Char(' ') => Some(Action::Accept),
        Key::Char(c @ '1'..='4') => Rating::from_number(*c as u8 - b'0').map(Action::Grade),
        Key::Char('q') | Key::Escape | Key::CtrlC => Some(Action::Quit),
        _ => None,
    }
}

/// The terminal front end.
pub struct Terminal {
    term: Term,
    theme: Box<dyn Theme>,
    /// Set once a review card was drawn: later screens replace it.
    redraws: bool,
    _guard: TerminalGuard,
}

impl Terminal {
    pub fn new() -> Terminal {
        Terminal {
            term: Term::stdout(),
            theme: theme(),
            redraws: false,
            _guard: TerminalGuard::install(),
        }
    }

    fn line(&self, text: &str) -> Result<()> {
        self.term.write_line(text).map_err(Error::terminal)
    }

    /// Reads keys until one maps to an action; a closed terminal or an
    /// interrupted read (Ctrl-C) quits.
    fn read_key(&self, map: impl Fn(&Key) -> Option<Action>) -> Action {
        loop {
            match self.term.read_key() {
                Ok(key) => {
                    if let Some(action) = map(&key) {
                        return action;
                    }
                }
                Err(_) => return Action::Quit,
            }
        }
    }

    /// Asks for the answer to `question`; none when the learner quits.
    fn read_answer(&self, question: &Question) -> Result<Option<Response>> {
        let select = |items: Vec<String>| {
            Select::with_theme(self.theme.as_ref())
                .with_prompt("answer")
                .items(items)
                .default(0)
                .interact_on_opt(&self.term)
                .map_err(prompt_error)
        };
        match &question.prompt {
            Prompt::Choice(options) => {
                let items = options
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| format!("{}) {}", i + 1, escape_control(o).replace('\n', " ")))
                    .collect();
                Ok(select(items)?.map(Response::Choice))
            }
            Prompt::TrueFalse { .. } => {
                let picked = select(vec!["true".to_string(), "false".to_string()])?;
                Ok(picked.map(|i| Response::TrueFalse(i == 0)))
            }
            Prompt::Typed => {
                let text: String = Input::with_theme(self.theme.as_ref())
                    .with_prompt("answer (:q quits)")
                    .allow_empty(true)
                    .interact_text_on(&self.term)
                    .map_err(prompt_error)?;
                Ok((text.trim() != ":q").then_some(Response::Typed(text)))
            }
        }
    }
}

impl Default for Terminal {
    fn default() -> Self {
        Terminal::new()
    }
}

impl Frontend for Terminal {
    fn draw<Tz: TimeZone>(&mut self, view: &View, clock: &Clock<Tz>) -> Result<()> {
        let replaces = matches!(view.screen, Screen::Card { .. } | Screen::ReviewSummary(_));
        // The first screen is drawn below what was printed before (the
        // notice of a new collection, with its path), not over it.
        if replaces && self.redraws {
            self.term.clear_screen().map_err(Error::terminal)?;
        }
        let mut out = self.term.clone();
        for notice in &view.notices {
            render_view_notice(&mut out, notice).map_err(Error::terminal)?;
        }
        match &view.screen {
            Screen::Card { header, card, answer } => {
                self.redraws = true;
                render_header(&mut out, header, card).map_err(Error::terminal)?;
                render_question(&mut out, card).map_err(Error::terminal)?;
                let keys = match answer {
                    Some(buttons) => {
                        render_answer(&mut out, card, buttons).map_err(Error::terminal)?;
                        ANSWER_KEYS
                    }
                    None => QUESTION_KEYS,
                };
                self.line(&style(keys).dim().to_string())
            }
            Screen::Question { heading, question } => {
                self.line("")?;
                match heading {
                    Heading::Review(header) => {
                        render_header(&mut out, header, &question.card).map_err(Error::terminal)?;
                        render_question_text(&mut out, question).map_err(Error::terminal)
                    }
                    Heading::Quiz { number, total } => {
                        render_quiz_question(&mut out, *number, *total, question).map_err(Error::terminal)
                    }
                }
            }
            Screen::Judged {
                question,
                outcome,
                auto,
                buttons,
            } => {
                super::screen::quiz::render_outcome(&mut out, question, outcome).map_err(Error::terminal)?;
                render_auto_grade(&mut out, *auto, buttons).map_err(Error::terminal)?;
                self.line(&style(GRADE_KEYS).dim().to_string())
            }
            Screen::ReviewSummary(summary) => {
                // Whatever hid the cursor before, the summary is drawn with it shown.
                let _ = self.term.show_cursor();
                render_summary(&mut out, summary, clock).map_err(Error::terminal)
            }
            Screen::QuizSummary { summary, recording } => {
                self.line("")?;
                render_quiz_summary(&mut out, summary, *recording).map_err(Error::terminal)
            }
        }
    }

    fn read(&mut self, view: &View) -> Result<Action> {
        Ok(match view.expects() {
            Expects::Key { revealed } => self.read_key(|key| key_action(key, revealed)),
            Expects::Answer(question) => match self.read_answer(question)? {
                Some(response) => Action::Answer(response),
                None => Action::Quit,
            },
            // A closed terminal ends the session; the automatic grade is kept.
            Expects::GradeConfirmation => self.read_key(grade_key),
            Expects::Nothing => Action::Quit,
        })
    }
}

/// A prompt that failed (Ctrl-C among others) ends the command with its
/// error; the guard shows the cursor again.
fn prompt_error(err: dialoguer::Error) -> Error {
    let _ = Term::stdout().show_cursor();
    match err {
        dialoguer::Error::IO(source) => Error::terminal(source),
    }
}

/// Colours only where the terminal takes them (never with `NO_COLOR`).
pub(crate) fn theme() -> Box<dyn Theme> {
    if console::colors_enabled() {
        Box::new(ColorfulTheme::default())
    } else {
        Box::new(SimpleTheme)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_actions() {
        assert_eq!(key_action(&Key::Char(' '), false), Some(Action::Reveal));
        assert_eq!(key_action(&Key::Enter, false), Some(Action::Reveal));
        assert_eq!(key_action(&Key::Enter, true), Some(Action::Grade(Rating::Good)));
        assert_eq!(key_action(&Key::Char(' '), true), Some(Action::Grade(Rating::Good)));
        assert_eq!(key_action(&Key::Char('3'), true), Some(Action::Grade(Rating::Good)));
        assert_eq!(key_action(&Key::CtrlC, true), Some(Action::Quit));
        assert_eq!(key_action(&Key::Char('x'), true), None);
    }

    #[test]
    fn grade_keys() {
        assert_eq!(grade_key(&Key::Enter), Some(Action::Accept));
        assert_eq!(grade_key(&Key::Char('2')), Some(Action::Grade(Rating::Hard)));
        assert_eq!(grade_key(&Key::Char('q')), Some(Action::Quit));
        assert_eq!(grade_key(&Key::Char('5')), None);
    }
}
