//! The line protocol, used when stdin is not a terminal (scripts, tests):
//! one command per input line, plain text out. End of input quits.
//!
//! Review (`iskra review`): `1`–`4` grade the card shown (revealing it first
//! if needed), an empty line or `r` reveals, `h` shows the hint (hints are
//! hidden until asked for), `u` undoes the last answer, bury or suspend
//! (again for the one before), `s` buries the card, `!` suspends it, `e`
//! edits its fact in the deck file with `$VISUAL` (else `$EDITOR`, else `vi`;
//! run without input, its output on stderr) and builds the file again, `?`
//! lists the commands, `q` quits. Output: the header (scope and counts), the
//! card's deck and `Q:` line of each card (the hint under it once asked
//! for), `A:` and the grade buttons when revealed, `answered: …` once an
//! answer is committed, a line for what other commands did, and the summary
//! at the end.
//!
//! Quizzes (`iskra quiz`, `iskra review --mode`): one response per line: an
//! option's number for a multiple-choice question, `t` or `f` (also
//! `true`/`false`, `y`/`n`) for true/false, the answer's text for a typed
//! question (an empty line means "don't know"). `:q` quits anywhere (`q`
//! too, except where an answer is typed). In `review --mode`, the line
//! after an answer confirms its grade: empty keeps the automatic grade,
//! `1`–`4` replace it. Output: each question with its options, then one
//! line of feedback.

use std::io::{BufRead, Lines, Write};

use chrono::TimeZone;

use super::editor::{EditorIo, edit_at};
use super::escape_control;
use super::frontend::Frontend;
use super::screen::quiz::{
    Marks, render_auto_grade, render_outcome, render_prompt_lines, render_question_text, render_quiz_question,
    render_quiz_summary,
};
use super::screen::{
    render_answer, render_editing, render_header, render_question, render_summary, render_view_notice,
};
use crate::clock::Clock;
use crate::deck::hint_line;
use crate::error::{Error, Result};
use crate::quiz::{Prompt, Question, Response};
use crate::sched::Rating;
use crate::session::view::{Heading, Screen};
use crate::session::{Action, Expects, View};

/// The line protocol over an input and an output.
pub struct LineProtocol<R, W> {
    lines: Lines<R>,
    out: W,
    /// A grade read before the answer was shown: the answer is revealed
    /// (and drawn) first, then the grade given.
    pending: Option<Action>,
    /// The card whose hint was written.
    hint_written: Option<i64>,
}

impl<R: BufRead, W: Write> LineProtocol<R, W> {
    pub fn new(input: R, out: W) -> Self {
        LineProtocol {
            lines: input.lines(),
            out,
            pending: None,
            hint_written: None,
        }
    }

    /// Writes a line that says why the last input line was not taken.
    fn refuse(&mut self, message: &str) -> Result<()> {
        writeln!(self.out, "{message}").map_err(Error::terminal)
    }
}

impl<R: BufRead, W: Write> Frontend for LineProtocol<R, W> {
    fn draw<Tz: TimeZone>(&mut self, view: &View, clock: &Clock<Tz>) -> Result<()> {
        let out = &mut self.out;
        for notice in &view.notices {
            render_view_notice(out, notice, Marks::Plain).map_err(Error::terminal)?;
        }
        match &view.screen {
            Screen::Card {
                header,
                card,
                answer: None,
                hint_shown,
            } => {
                render_header(out, header, card, false).map_err(Error::terminal)?;
                render_question(out, card, *hint_shown).map_err(Error::terminal)?;
                self.hint_written = hint_shown.then_some(card.card_id);
            }
            // Below the question already written: the answer only (and
            // the hint, when it was asked for).
            Screen::Card {
                card,
                answer: Some(buttons),
                hint_shown,
                ..
            } => {
                if let (true, Some(hint)) = (*hint_shown, &card.hint)
                    && self.hint_written != Some(card.card_id)
                {
                    writeln!(out, "   {}", hint_line(hint)).map_err(Error::terminal)?;
                    self.hint_written = Some(card.card_id);
                }
                render_answer(out, card, buttons).map_err(Error::terminal)?
            }
            Screen::Question { heading, question } => {
                match heading {
                    Heading::Review(header) => {
                        render_header(out, header, &question.card, false).map_err(Error::terminal)?;
                        render_question_text(out, question).map_err(Error::terminal)?;
                    }
                    Heading::Quiz { number, total, round } => {
                        render_quiz_question(out, *number, *total, *round, question).map_err(Error::terminal)?
                    }
                }
                render_prompt_lines(out, question).map_err(Error::terminal)?;
            }
            Screen::Judged {
                question,
                outcome,
                auto,
                buttons,
            } => {
                render_outcome(out, question, outcome, Marks::Plain).map_err(Error::terminal)?;
                render_auto_grade(out, *auto, buttons).map_err(Error::terminal)?;
            }
            Screen::EditFile(location) => render_editing(out, location).map_err(Error::terminal)?,
            // The notices only (an answer stored): the next card follows.
            Screen::Next => {}
            Screen::ReviewSummary(summary) => render_summary(out, summary, clock).map_err(Error::terminal)?,
            Screen::QuizSummary { summary, recording } => {
                render_quiz_summary(out, summary, *recording).map_err(Error::terminal)?
            }
        }
        out.flush().map_err(Error::terminal)
    }

    fn read(&mut self, view: &View) -> Result<Action> {
        if let Some(action) = self.pending.take() {
            return Ok(action);
        }
        if let Expects::EditFile(location) = view.expects() {
            return Ok(Action::Edited(edit_at(
                &location.path,
                location.line,
                EditorIo::Detached,
            )));
        }
        loop {
            self.out.flush().map_err(Error::terminal)?;
            let Some(line) = self.lines.next() else {
                return Ok(Action::Quit);
            };
            let line = line.map_err(Error::terminal)?;
            match view.expects() {
                Expects::Key { revealed } => match parse_line(&line) {
                    Some(Action::Grade(rating)) if !revealed => {
                        self.pending = Some(Action::Grade(rating));
                        return Ok(Action::Reveal);
                    }
                    Some(action) => return Ok(action),
                    None if line.trim() == "?" => self.refuse(REVIEW_COMMANDS)?,
                    None => self.refuse(&format!(
                        "unknown command {:?}: use 1-4, r, u, s or q (? lists every command)",
                        escape_control(&line)
                    ))?,
                },
                Expects::Answer(question) => match parse_response(question, &line) {
                    Parsed::Response(response) => return Ok(Action::Answer(response)),
                    Parsed::Quit => return Ok(Action::Quit),
                    Parsed::Invalid(hint) => self.refuse(&hint)?,
                },
                Expects::GradeConfirmation => match parse_grade(&line) {
                    Some(action) => return Ok(action),
                    None => self.refuse(&format!(
                        "unknown grade {:?}: an empty line keeps it, 1-4 change it, q quits",
                        escape_control(&line)
                    ))?,
                },
                Expects::EditFile(_) | Expects::Next | Expects::Nothing => return Ok(Action::Quit),
            }
        }
    }
}

/// The review's commands, for `?`.
pub const REVIEW_COMMANDS: &str = "commands: 1-4 grade (revealing first) · r or an empty line: reveal · h: hint · u: undo · s: bury · !: suspend · e: edit in $EDITOR · ?: this list · q: quit";

/// Parses one review command (`?` is the front end's own).
pub fn parse_line(line: &str) -> Option<Action> {
    match line.trim() {
        "" | "r" | " " => Some(Action::Reveal),
        "h" => Some(Action::Hint),
        "u" => Some(Action::Undo),
        "s" => Some(Action::Bury),
        "!" => Some(Action::Suspend),
        "e" => Some(Action::Edit),
        "q" => Some(Action::Quit),
        other => other
            .parse::<u8>()
            .ok()
            .and_then(Rating::from_number)
            .map(Action::Grade),
    }
}

/// A protocol line, read against the question it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Response(Response),
    Quit,
    /// Not an answer to this question; the text says what is.
    Invalid(String),
}

/// Reads one line as a response to `question`.
pub fn parse_response(question: &Question, line: &str) -> Parsed {
    let trimmed = line.trim();
    if trimmed == ":q" {
        return Parsed::Quit;
    }
    match &question.prompt {
        Prompt::Typed => Parsed::Response(Response::Typed(trimmed.to_string())),
        _ if trimmed.eq_ignore_ascii_case("q") => Parsed::Quit,
        Prompt::Choice(options) => match trimmed.parse::<usize>() {
            Ok(n) if (1..=options.options.len()).contains(&n) => Parsed::Response(Response::Choice(n - 1)),
            _ => Parsed::Invalid(format!(
                "answer with a number from 1 to {}, or q to quit",
                options.options.len()
            )),
        },
        Prompt::TrueFalse { .. } => match trimmed.to_lowercase().as_str() {
            "t" | "true" | "y" | "yes" => Parsed::Response(Response::TrueFalse(true)),
            "f" | "false" | "n" | "no" => Parsed::Response(Response::TrueFalse(false)),
            _ => Parsed::Invalid("answer t (true) or f (false), or q to quit".into()),
        },
    }
}

/// Reads one line as a grade confirmation.
pub fn parse_grade(line: &str) -> Option<Action> {
    match line.trim() {
        "" => Some(Action::Accept),
        "q" | ":q" => Some(Action::Quit),
        other => other
            .parse::<u8>()
            .ok()
            .and_then(Rating::from_number)
            .map(Action::Grade),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::CardView;
    use crate::quiz::distractors::Options;
    use crate::quiz::matcher::Expected;

    #[test]
    fn protocol_lines() {
        assert_eq!(parse_line("3"), Some(Action::Grade(Rating::Good)));
        assert_eq!(parse_line(" 1 "), Some(Action::Grade(Rating::Again)));
        assert_eq!(parse_line(""), Some(Action::Reveal));
        assert_eq!(parse_line("u"), Some(Action::Undo));
        assert_eq!(parse_line("s"), Some(Action::Bury));
        assert_eq!(parse_line("q"), Some(Action::Quit));
        assert_eq!(parse_line("h"), Some(Action::Hint));
        assert_eq!(parse_line("!"), Some(Action::Suspend));
        assert_eq!(parse_line("e"), Some(Action::Edit));
        assert_eq!(parse_line("?"), None);
        assert_eq!(parse_line("5"), None);
        assert_eq!(parse_line("good"), None);
    }

    fn question(prompt: Prompt) -> Question {
        Question {
            card: CardView {
                card_id: 1,
                deck_id: 1,
                deck: "D".into(),
                fact_key: "f".into(),
                template: "basic".into(),
                front: "Q?".into(),
                back: "A".into(),
                extra: None,
                state: "new",
                answer: "A".into(),
                alternatives: Vec::new(),
                tags: Vec::new(),
                hint: None,
            },
            prompt,
            expected: Expected::new("A", &[]),
        }
    }

    #[test]
    fn responses_are_read_per_format() {
        let choice = question(Prompt::Choice(Options {
            options: vec!["A".into(), "B".into(), "C".into()],
            correct: 0,
        }));
        assert_eq!(parse_response(&choice, " 2 "), Parsed::Response(Response::Choice(1)));
        assert!(matches!(parse_response(&choice, "4"), Parsed::Invalid(_)));
        assert!(matches!(parse_response(&choice, "0"), Parsed::Invalid(_)));
        assert_eq!(parse_response(&choice, "q"), Parsed::Quit);

        let tf = question(Prompt::TrueFalse {
            claim: "A".into(),
            truth: true,
        });
        assert_eq!(parse_response(&tf, "T"), Parsed::Response(Response::TrueFalse(true)));
        assert_eq!(
            parse_response(&tf, "false"),
            Parsed::Response(Response::TrueFalse(false))
        );
        assert!(matches!(parse_response(&tf, "maybe"), Parsed::Invalid(_)));

        let typed = question(Prompt::Typed);
        assert_eq!(
            parse_response(&typed, " q "),
            Parsed::Response(Response::Typed("q".into()))
        );
        assert_eq!(
            parse_response(&typed, ""),
            Parsed::Response(Response::Typed(String::new()))
        );
        assert_eq!(parse_response(&typed, ":q"), Parsed::Quit);
    }

    #[test]
    fn grade_lines() {
        assert_eq!(parse_grade(""), Some(Action::Accept));
        assert_eq!(parse_grade("2"), Some(Action::Grade(Rating::Hard)));
        assert_eq!(parse_grade(":q"), Some(Action::Quit));
        assert_eq!(parse_grade("5"), None);
    }
}
