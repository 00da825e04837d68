//! The quiz line protocol, used when stdin is not a terminal (scripts, tests).
//!
//! One response per line: an option's number for a multiple-choice
//! question, `t` or `f` (also `true`/`false`, `y`/`n`) for true/false, the
//! answer's text for a typed question (an empty line means "don't know").
//! `:q` quits anywhere (`q` too, except where an answer is typed); end of
//! input quits. In `review --mode`, the line after an answer confirms its
//! grade: empty keeps the automatic grade, `1`–`4` replace it. Output is
//! plain text: each question with its options, then one line of feedback.

use std::io::{BufRead, Lines, Write};

use chrono::{DateTime, Utc};

use super::{
    render_auto_grade, render_outcome, render_prompt_lines, render_question_text, render_quiz_header,
    render_quiz_question, render_quiz_summary,
};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::quiz::{Prompt, Question, Response};
use crate::sched::Rating;
use crate::session::quiz::{QuizInput, QuizScreen, QuizSession};
use crate::session::quiz_review::{QuizReviewSession, ReviewInput, ReviewScreen};
use crate::ui::escape_control;
use crate::ui::lines::{render_header, render_notice, render_summary};

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
pub fn parse_grade(line: &str) -> Option<ReviewInput> {
    match line.trim() {
        "" => Some(ReviewInput::Accept),
        "q" | ":q" => Some(ReviewInput::Quit),
        other => other
            .parse::<u8>()
            .ok()
            .and_then(Rating::from_number)
            .map(ReviewInput::Grade),
    }
}

/// Reads lines until one answers `question`; none at the end of input or on quit.
fn read_response<B: BufRead>(
    lines: &mut Lines<B>,
    question: &Question,
    out: &mut impl Write,
) -> Result<Option<Response>> {
    loop {
        out.flush().map_err(Error::terminal)?;
        let Some(line) = lines.next() else {
            return Ok(None);
        };
        match parse_response(question, &line.map_err(Error::terminal)?) {
            Parsed::Response(response) => return Ok(Some(response)),
            Parsed::Quit => return Ok(None),
            Parsed::Invalid(hint) => writeln!(out, "{hint}").map_err(Error::terminal)?,
        }
    }
}

/// Runs a quiz over the line protocol.
pub fn run_quiz<Tz: chrono::TimeZone>(
    quiz: &mut QuizSession,
    clock: &Clock<Tz>,
    now: impl Fn() -> DateTime<Utc>,
    input: impl BufRead,
    mut out: impl Write,
) -> Result<()> {
    render_quiz_header(&mut out, quiz).map_err(Error::terminal)?;
    let mut lines = input.lines();
    loop {
        let screen = quiz.current(&clock.at(now()));
        let QuizScreen::Ask {
            number,
            total,
            question,
        } = &screen
        else {
            break;
        };
        render_quiz_question(&mut out, *number, *total, question).map_err(Error::terminal)?;
        render_prompt_lines(&mut out, question).map_err(Error::terminal)?;
        let input = match read_response(&mut lines, question, &mut out)? {
            Some(response) => QuizInput::Answer(response),
            None => QuizInput::Quit,
        };
        let (feedback, _) = quiz.handle(input, &clock.at(now()))?;
        if let Some(feedback) = feedback {
            render_outcome(&mut out, question, &feedback.outcome).map_err(Error::terminal)?;
            if let Some((rating, next_in)) = feedback.recorded {
                render_notice(&mut out, &crate::session::review::Notice::Answered { rating, next_in })
                    .map_err(Error::terminal)?;
            }
        }
    }
    if let QuizScreen::Finished(summary) = quiz.current(&clock.at(now())) {
        render_quiz_summary(&mut out, &summary, quiz.options().record).map_err(Error::terminal)?;
    }
    out.flush().map_err(Error::terminal)
}

/// Runs a review in quiz form over the line protocol.
pub fn run_review<Tz: chrono::TimeZone>(
    review: &mut QuizReviewSession,
    clock: &Clock<Tz>,
    now: impl Fn() -> DateTime<Utc>,
    input: impl BufRead,
    mut out: impl Write,
) -> Result<()> {
    let mut lines = input.lines();
    let mut screen = review.current(&clock.at(now()))?;
    loop {
        let input = match &screen {
            ReviewScreen::Finished(summary) => {
                return render_summary(&mut out, summary, clock).map_err(Error::terminal);
            }
            ReviewScreen::Ask { question, counts } => {
                render_header(&mut out, review.scope(), &question.card, counts).map_err(Error::terminal)?;
                render_question_text(&mut out, question).map_err(Error::terminal)?;
                render_prompt_lines(&mut out, question).map_err(Error::terminal)?;
                match read_response(&mut lines, question, &mut out)? {
                    Some(response) => ReviewInput::Answer(response),
                    None => ReviewInput::Quit,
                }
            }
            ReviewScreen::Judged {
                question,
                outcome,
                auto,
                buttons,
            } => {
                render_outcome(&mut out, question, outcome).map_err(Error::terminal)?;
                render_auto_grade(&mut out, *auto, buttons).map_err(Error::terminal)?;
                read_grade(&mut lines, &mut out)?
            }
        };
        let (notice, next) = review.handle(input, &clock.at(now()))?;
        if let Some(notice) = &notice {
            render_notice(&mut out, notice).map_err(Error::terminal)?;
        }
        screen = next;
    }
}

/// Reads lines until one confirms or replaces the grade; quit at the end of input.
fn read_grade<B: BufRead>(lines: &mut Lines<B>, out: &mut impl Write) -> Result<ReviewInput> {
    loop {
        out.flush().map_err(Error::terminal)?;
        let Some(line) = lines.next() else {
            return Ok(ReviewInput::Quit);
        };
        let line = line.map_err(Error::terminal)?;
        match parse_grade(&line) {
            Some(input) => return Ok(input),
            None => writeln!(
                out,
                "unknown grade {:?}: an empty line keeps it, 1-4 change it, q quits",
                escape_control(&line)
            )
            .map_err(Error::terminal)?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::distractors::Options;
    use crate::quiz::matcher::Expected;
    use crate::session::review::CardView;

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
        assert_eq!(parse_grade(""), Some(ReviewInput::Accept));
        assert_eq!(parse_grade("2"), Some(ReviewInput::Grade(Rating::Hard)));
        assert_eq!(parse_grade(":q"), Some(ReviewInput::Quit));
        assert_eq!(parse_grade("5"), None);
    }
}
