//! Quizzes on a terminal: dialoguer's `Select` for multiple-choice and
//! true/false questions (arrows or j/k, Enter; Esc or q quits) and `Input`
//! for typed answers (`:q` quits). In `review --mode`, a key after the
//! feedback keeps the automatic grade (Enter) or replaces it (1–4).

use chrono::{DateTime, Utc};
use console::{Key, Term, style};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Input, Select};

use super::{
    render_auto_grade, render_outcome, render_question_text, render_quiz_header, render_quiz_question,
    render_quiz_summary,
};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::quiz::{Prompt, Question, Response};
use crate::sched::Rating;
use crate::session::quiz::{QuizInput, QuizScreen, QuizSession};
use crate::session::quiz_review::{QuizReviewSession, ReviewInput, ReviewScreen};
use crate::ui::escape_control;
use crate::ui::lines::{render_header, render_notice, render_summary};

fn io_error(source: std::io::Error) -> Error {
    Error::Io {
        path: "<terminal>".into(),
        source,
    }
}

/// A prompt that failed (Ctrl-C among others) may leave the cursor hidden:
/// it is shown again before the error ends the command.
fn prompt_error(err: dialoguer::Error) -> Error {
    let _ = Term::stdout().show_cursor();
    match err {
        dialoguer::Error::IO(source) => io_error(source),
    }
}

/// Colours only where the terminal takes them (never with `NO_COLOR`).
fn theme() -> Box<dyn Theme> {
    if console::colors_enabled() {
        Box::new(ColorfulTheme::default())
    } else {
        Box::new(SimpleTheme)
    }
}

const GRADE_KEYS: &str = "q: quit";

/// Asks for a response; none when the learner quits.
fn read_response(term: &Term, theme: &dyn Theme, question: &Question) -> Result<Option<Response>> {
    let select = |items: Vec<String>| {
        Select::with_theme(theme)
            .with_prompt("answer")
            .items(items)
            .default(0)
            .interact_on_opt(term)
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
            let text: String = Input::with_theme(theme)
                .with_prompt("answer (:q quits)")
                .allow_empty(true)
                .interact_text_on(term)
                .map_err(prompt_error)?;
            Ok((text.trim() != ":q").then_some(Response::Typed(text)))
        }
    }
}

/// Runs a quiz on the terminal.
pub fn run_quiz<Tz: chrono::TimeZone>(
    quiz: &mut QuizSession,
    clock: &Clock<Tz>,
    now: impl Fn() -> DateTime<Utc>,
) -> Result<()> {
    // Ctrl-C ends the quiz through the prompt's error, which shows the cursor again.
    let _ctrl_c = crate::ui::interactive::CtrlCEndsSession::install();
    let term = Term::stdout();
    let mut out = term.clone();
    let theme = theme();
    render_quiz_header(&mut out, quiz).map_err(io_error)?;
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
        writeln_blank(&term)?;
        render_quiz_question(&mut out, *number, *total, question).map_err(io_error)?;
        let input = match read_response(&term, theme.as_ref(), question)? {
            Some(response) => QuizInput::Answer(response),
            None => QuizInput::Quit,
        };
        let (feedback, _) = quiz.handle(input, &clock.at(now()))?;
        if let Some(feedback) = feedback {
            render_outcome(&mut out, question, &feedback.outcome).map_err(io_error)?;
            if let Some((rating, next_in)) = feedback.recorded {
                render_notice(&mut out, &crate::session::review::Notice::Answered { rating, next_in })
                    .map_err(io_error)?;
            }
        }
    }
    writeln_blank(&term)?;
    if let QuizScreen::Finished(summary) = quiz.current(&clock.at(now())) {
        render_quiz_summary(&mut out, &summary, quiz.options().record).map_err(io_error)?;
    }
    Ok(())
}

fn writeln_blank(term: &Term) -> Result<()> {
    term.write_line("").map_err(io_error)
}

/// Runs a review in quiz form on the terminal.
pub fn run_review<Tz: chrono::TimeZone>(
    review: &mut QuizReviewSession,
    clock: &Clock<Tz>,
    now: impl Fn() -> DateTime<Utc>,
) -> Result<()> {
    // Ctrl-C ends the quiz through the prompt's error, which shows the cursor again.
    let _ctrl_c = crate::ui::interactive::CtrlCEndsSession::install();
    let term = Term::stdout();
    let mut out = term.clone();
    let theme = theme();
    let mut screen = review.current(&clock.at(now()))?;
    loop {
        let input = match &screen {
            ReviewScreen::Finished(summary) => return render_summary(&mut out, summary, clock).map_err(io_error),
            ReviewScreen::Ask { question, counts } => {
                writeln_blank(&term)?;
                render_header(&mut out, review.scope(), &question.card, counts).map_err(io_error)?;
                render_question_text(&mut out, question).map_err(io_error)?;
                match read_response(&term, theme.as_ref(), question)? {
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
                render_outcome(&mut out, question, outcome).map_err(io_error)?;
                render_auto_grade(&mut out, *auto, buttons).map_err(io_error)?;
                term.write_line(&style(GRADE_KEYS).dim().to_string())
                    .map_err(io_error)?;
                read_grade_key(&term)
            }
        };
        let (notice, next) = review.handle(input, &clock.at(now()))?;
        if let Some(notice) = &notice {
            render_notice(&mut out, notice).map_err(io_error)?;
        }
        screen = next;
    }
}

/// Maps a key on the feedback screen to an input.
pub fn grade_key(key: &Key) -> Option<ReviewInput> {
    match key {
        Key::Enter | Key::Char(' ') => Some(ReviewInput::Accept),
        Key::Char(c @ '1'..='4') => Rating::from_number(*c as u8 - b'0').map(ReviewInput::Grade),
        Key::Char('q') | Key::Escape | Key::CtrlC => Some(ReviewInput::Quit),
        _ => None,
    }
}

fn read_grade_key(term: &Term) -> ReviewInput {
    loop {
        match term.read_key() {
            // A closed terminal ends the session; the automatic grade is kept.
            Err(_) => return ReviewInput::Quit,
            Ok(key) => {
                if let Some(input) = grade_key(&key) {
                    return input;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade_keys() {
        assert_eq!(grade_key(&Key::Enter), Some(ReviewInput::Accept));
        assert_eq!(grade_key(&Key::Char('2')), Some(ReviewInput::Grade(Rating::Hard)));
        assert_eq!(grade_key(&Key::Char('q')), Some(ReviewInput::Quit));
        assert_eq!(grade_key(&Key::Char('5')), None);
    }
}
