//! The terminal front end: a review is one key per action on a screen
//! redrawn for each card, with a short key line under it (`?` lists every
//! key); a quiz asks with its own menu for multiple-choice and true/false
//! questions ([`choice`]: a number key picks at once, or arrows or j/k and
//! Enter; Esc or q quits) and dialoguer's `Input` for typed answers (`:q`
//! quits), echoed without a success mark; the verdict is marked (`✓ right`,
//! `✗ wrong` in red); in `review --mode`, a key after the
//! feedback keeps the automatic grade (Enter) or replaces it (1–4). Ctrl-C
//! ends any of them like `q`. Text is wrapped at word boundaries to the
//! terminal's width; colour when the terminal allows it (never with
//! `NO_COLOR`).

pub mod choice;
pub mod guard;

use chrono::TimeZone;
use console::{Key, Term, style};
use dialoguer::Input;
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};

use super::editor::{EditorIo, edit_at};
use super::escape_control;
use super::frontend::Frontend;
use super::screen::quiz::{
    Marks, render_auto_grade, render_outcome, render_question_text, render_quiz_question, render_quiz_summary,
};
use super::screen::{
    render_answer, render_editing, render_header, render_question, render_summary, render_view_notice, wrap,
};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::quiz::{Prompt, Question, Response};
use crate::sched::Rating;
use crate::session::view::{Heading, Screen};
use crate::session::{Action, Expects, View};
use choice::Menu;
pub use guard::{CtrlCEndsSession, TerminalGuard};
use guard::{interrupted, prompt_error};

/// Maps a key on a review card to an action, depending on whether the
/// answer is shown. (`?`, the key list, is the front end's own.)
pub fn key_action(key: &Key, revealed: bool) -> Option<Action> {
    match key {
        Key::Char(' ') | Key::Enter if !revealed => Some(Action::Reveal),
        // As in Anki: Space or Enter on the answer is Good.
        Key::Char(' ') | Key::Enter => Some(Action::Grade(Rating::Good)),
        Key::Char(c @ '1'..='4') => Rating::from_number(*c as u8 - b'0').map(Action::Grade),
        Key::Char('h') => Some(Action::Hint),
        Key::Char('u') => Some(Action::Undo),
        Key::Char('s') => Some(Action::Bury),
        Key::Char('!') => Some(Action::Suspend),
        Key::Char('e') => Some(Action::Edit),
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

/// The keys shown under a review card (`h` while a hint is hidden).
pub fn shown_keys(revealed: bool, hint_hidden: bool) -> Vec<&'static str> {
    let mut keys = vec![if revealed {
        "1-4: grade (Space/Enter: Good)"
    } else {
        "Space/Enter: show answer"
    }];
    if hint_hidden {
        keys.push("h: hint");
    }
    keys.extend(["u: undo", "s: bury", "!: suspend", "e: edit", "?: keys", "q: quit"]);
    keys
}

/// Keys joined with ` · `, on as few lines of `width` columns as they fit,
/// never splitting a key from what it does.
pub fn key_lines(keys: &[&str], width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for key in keys {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 3 + key.chars().count() <= width => {
                line.push_str(" · ");
                line.push_str(key);
            }
            _ => lines.push(key.to_string()),
        }
    }
    lines.join("\n")
}

/// Every key of a review, for `?`.
pub const REVIEW_KEYS_HELP: &str = "\
Keys:
  Space, Enter    show the answer; on the answer: grade Good
  1 2 3 4         grade Again, Hard, Good, Easy (on the answer)
  h               show the hint (hidden until asked for)
  u               undo the last answer, bury or suspend; again for the one before
  s               bury the card until the next study day
  !               suspend the card
  e               edit the card's fact in its deck file ($EDITOR), then rebuild
  ?               this list
  q, Esc, Ctrl-C  end the session and see what is left
";

/// The key line under a checked answer in `review --mode`.
const GRADE_KEYS: &[&str] = &[
    "Enter/Space: keep the grade",
    "1-4: grade instead",
    "q: keep it and quit",
];

/// The terminal front end.
pub struct Terminal {
    term: Term,
    theme: Box<dyn Theme>,
    /// Set once a review card was drawn: later screens replace it.
    redraws: bool,
    /// The screen was cleared for notices drawn ahead of the next screen
    /// ([`Screen::Next`]), which goes below them.
    notices_ahead: bool,
    _guard: TerminalGuard,
}

impl Terminal {
    pub fn new() -> Terminal {
        Terminal {
            term: Term::stdout(),
            theme: theme(),
            redraws: false,
            notices_ahead: false,
            _guard: TerminalGuard::install(),
        }
    }

    /// The width text is wrapped to: the terminal's, else `COLUMNS`, else 80.
    fn width(&self) -> usize {
        self.term
            .size_checked()
            .map(|(_, columns)| usize::from(columns))
            .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
            .filter(|&columns| columns > 0)
            .unwrap_or(80)
    }

    /// Writes drawn text, wrapped to the terminal's width.
    fn write(&self, drawn: &[u8]) -> Result<()> {
        let text = wrap(&String::from_utf8_lossy(drawn), self.width());
        self.term.write_str(&text).map_err(Error::terminal)
    }

    /// Reads keys until one maps to an action; `?` shows every key first.
    /// A closed terminal or an interrupted read (Ctrl-C) quits.
    fn read_key(&self, map: impl Fn(&Key) -> Option<Action>, help: Option<&str>) -> Result<Action> {
        loop {
            match self.term.read_key() {
                Ok(Key::Char('?')) if help.is_some() => self.write(help.unwrap_or_default().as_bytes())?,
                Ok(key) => {
                    if let Some(action) = map(&key) {
                        return Ok(action);
                    }
                }
                Err(_) => return Ok(Action::Quit),
            }
        }
    }

    /// Asks for the answer to `question`; none when the learner quits
    /// (Esc, q, `:q` or Ctrl-C). The answer is echoed without any mark: the
    /// verdict follows it.
    fn read_answer(&self, question: &Question) -> Result<Option<Response>> {
        let width = self.width();
        match &question.prompt {
            Prompt::Choice(options) => {
                let items: Vec<String> = options
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| format!("{}) {}", i + 1, escape_control(o).replace('\n', " ")))
                    .collect();
                let menu = Menu {
                    items: &items,
                    letters: &[],
                };
                Ok(choice::pick(&self.term, "answer", &menu, width)?.map(Response::Choice))
            }
            Prompt::TrueFalse { .. } => {
                let items = ["1) true".to_string(), "2) false".to_string()];
                let menu = Menu {
                    items: &items,
                    letters: &[('t', 0), ('y', 0), ('f', 1), ('n', 1)],
                };
                let picked = choice::pick(&self.term, "answer", &menu, width)?;
                Ok(picked.map(|i| Response::TrueFalse(i == 0)))
            }
            Prompt::Typed => {
                // Not reported by dialoguer (its theme would mark any answer
                // with a success sign): echoed plainly here instead.
                let text = Input::<String>::with_theme(self.theme.as_ref())
                    .with_prompt("answer (:q quits)")
                    .allow_empty(true)
                    .report(false)
                    .interact_text_on(&self.term)
                    .map(Some)
                    .or_else(quit_on_ctrl_c)?;
                let text = text.filter(|t| t.trim() != ":q");
                if let Some(text) = &text {
                    let shown = escape_control(text.trim());
                    let shown = if shown.is_empty() {
                        "(nothing)".to_string()
                    } else {
                        shown
                    };
                    self.term
                        .write_line(&format!("answer: {shown}"))
                        .map_err(Error::terminal)?;
                }
                Ok(text.map(Response::Typed))
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
        let width = self.width();
        let replaces = matches!(
            view.screen,
            Screen::Card { .. } | Screen::ReviewSummary(_) | Screen::Next
        );
        // The first screen is drawn below what was printed before (the
        // notice of a new collection, with its path), not over it; a screen
        // that follows notices drawn ahead goes below them.
        if replaces && self.redraws && !self.notices_ahead {
            self.term.clear_screen().map_err(Error::terminal)?;
        }
        self.notices_ahead = matches!(view.screen, Screen::Next);
        if matches!(view.screen, Screen::ReviewSummary(_) | Screen::QuizSummary { .. }) {
            // Whatever hid the cursor before, the summary is drawn with it shown.
            let _ = self.term.show_cursor();
        }
        let mut out = Vec::new();
        draw(&mut out, view, clock, width).map_err(Error::terminal)?;
        if let Screen::Card { .. } = view.screen {
            self.redraws = true;
        }
        self.write(&out)
    }

    fn read(&mut self, view: &View) -> Result<Action> {
        match view.expects() {
            Expects::Key { revealed } => self.read_key(|key| key_action(key, revealed), Some(REVIEW_KEYS_HELP)),
            Expects::Answer(question) => Ok(match self.read_answer(question)? {
                Some(response) => Action::Answer(response),
                None => Action::Quit,
            }),
            // A closed terminal ends the session; the automatic grade is kept.
            Expects::GradeConfirmation => self.read_key(grade_key, None),
            Expects::EditFile(location) => Ok(Action::Edited(edit_at(
                &location.path,
                location.line,
                EditorIo::Terminal,
            ))),
            Expects::Next | Expects::Nothing => Ok(Action::Quit),
        }
    }
}

/// A view as the terminal shows it (before wrapping).
fn draw(out: &mut Vec<u8>, view: &View, clock: &Clock<impl TimeZone>, width: usize) -> std::io::Result<()> {
    use std::io::Write;
    for notice in &view.notices {
        render_view_notice(out, notice, Marks::Shown)?;
    }
    match &view.screen {
        Screen::Card {
            header,
            card,
            answer,
            hint_shown,
        } => {
            render_header(out, header, card, true)?;
            writeln!(out)?;
            render_question(out, card, *hint_shown)?;
            if let Some(buttons) = answer {
                writeln!(out)?;
                render_answer(out, card, buttons)?;
            }
            writeln!(out)?;
            // The hint is offered while the question is asked.
            let hint_hidden = card.hint.is_some() && !hint_shown && answer.is_none();
            let keys = key_lines(&shown_keys(answer.is_some(), hint_hidden), width);
            writeln!(out, "{}", style(keys).dim())
        }
        Screen::Question { heading, question } => {
            writeln!(out)?;
            match heading {
                Heading::Review(header) => {
                    render_header(out, header, &question.card, true)?;
                    render_question_text(out, question)
                }
                Heading::Quiz { number, total, round } => render_quiz_question(out, *number, *total, *round, question),
            }
        }
        Screen::Judged {
            question,
            outcome,
            auto,
            buttons,
        } => {
            render_outcome(out, question, outcome, Marks::Shown)?;
            render_auto_grade(out, *auto, buttons)?;
            writeln!(out, "{}", style(key_lines(GRADE_KEYS, width)).dim())
        }
        Screen::EditFile(location) => render_editing(out, location),
        Screen::Next => Ok(()),
        Screen::ReviewSummary(summary) => render_summary(out, summary, clock),
        Screen::QuizSummary { summary, recording } => {
            writeln!(out)?;
            render_quiz_summary(out, summary, *recording)
        }
    }
}

/// Ctrl-C at a session's prompt ends the session like `q` (no answer).
fn quit_on_ctrl_c<T>(err: dialoguer::Error) -> Result<Option<T>> {
    if interrupted(&err) {
        Ok(None)
    } else {
        Err(prompt_error(err))
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
        assert_eq!(key_action(&Key::Char('h'), false), Some(Action::Hint));
        assert_eq!(key_action(&Key::Char('!'), false), Some(Action::Suspend));
        assert_eq!(key_action(&Key::Char('e'), true), Some(Action::Edit));
    }

    #[test]
    fn grade_keys() {
        assert_eq!(grade_key(&Key::Enter), Some(Action::Accept));
        assert_eq!(grade_key(&Key::Char('2')), Some(Action::Grade(Rating::Hard)));
        assert_eq!(grade_key(&Key::Char('q')), Some(Action::Quit));
        assert_eq!(grade_key(&Key::Char('5')), None);
    }

    #[test]
    fn key_lines_break_between_keys() {
        let keys = shown_keys(false, true);
        let lines = key_lines(&keys, 40);
        assert!(lines.lines().all(|l| l.chars().count() <= 40), "{lines}");
        assert_eq!(lines.replace('\n', " · "), keys.join(" · "));
        assert_eq!(key_lines(&keys, 200).lines().count(), 1);
    }

    #[test]
    fn every_key_of_the_key_line_is_in_the_help() {
        for revealed in [false, true] {
            for part in shown_keys(revealed, true) {
                let key = part.split(':').next().unwrap_or_default();
                let first = key.split('/').next().unwrap_or_default().trim();
                let first = if first == "1-4" { "1 2 3 4" } else { first };
                assert!(
                    REVIEW_KEYS_HELP.lines().any(|l| l.trim_start().starts_with(first)),
                    "{first} is not in the help"
                );
            }
        }
    }
}
