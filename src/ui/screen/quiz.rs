//! Quizzes on screen: titles, questions, feedback and scores, shared by the
//! line protocol and the terminal. Card text goes through
//! [`escape_control`] like everywhere else.

use std::io::{self, Write};

use console::style;

use super::{buttons_line, indented, render_question};
use crate::quiz::matcher::Verdict;
use crate::quiz::{Mode, Outcome, Prompt, Question};
use crate::sched::Rating;
use crate::session::quiz::QuizSummary;
use crate::session::view::Buttons;
use crate::text::escape_control;

use crate::text::plural;

/// `Quiz · 10 questions · mixed · seed 42`; a repeat of misses (no mode:
/// each question keeps its format) `Quiz · 3 missed questions again · seed 42`.
pub fn render_quiz_title(out: &mut impl Write, questions: usize, mode: Option<Mode>, seed: u64) -> io::Result<()> {
    let what = match mode {
        Some(mode) => format!("{} · {}", plural(questions as u64, "question"), mode.name()),
        None => format!("{} again", plural(questions as u64, "missed question")),
    };
    writeln!(out, "{} · {what} · seed {seed}", style("Quiz").bold())
}

/// `3/10 · DECK` (`3/10 · round 2 · DECK` in a repeat of misses) and the `Q:` line.
pub fn render_quiz_question(
    out: &mut impl Write,
    number: usize,
    total: usize,
    round: u32,
    question: &Question,
) -> io::Result<()> {
    let round = if round > 1 {
        format!("round {round} · ")
    } else {
        String::new()
    };
    writeln!(
        out,
        "{number}/{total} · {round}{}",
        style(escape_control(&question.card.deck)).bold()
    )?;
    render_question_text(out, question)
}

/// The `Q:` line with the hint (a quiz shows it at once), and the claim of
/// a true/false question.
pub fn render_question_text(out: &mut impl Write, question: &Question) -> io::Result<()> {
    render_question(out, &question.card, true)?;
    if let Prompt::TrueFalse { claim, .. } = &question.prompt {
        writeln!(out, "Claim: {}", style(indented(claim, "       ")).cyan())?;
    }
    Ok(())
}

/// What the line protocol expects: numbered options, `t`/`f`, or text.
pub fn render_prompt_lines(out: &mut impl Write, question: &Question) -> io::Result<()> {
    match &question.prompt {
        Prompt::Choice(options) => {
            for (i, option) in options.options.iter().enumerate() {
                writeln!(out, "  {}) {}", i + 1, indented(option, "     "))?;
            }
            writeln!(out, "(answer with 1-{})", options.options.len())
        }
        Prompt::TrueFalse { .. } => writeln!(out, "true or false? (t/f)"),
        Prompt::Typed => writeln!(out, "(type the answer)"),
    }
}

/// How a verdict is written: the terminal marks it (`✓`, `≈`, `✗`, in
/// colour where the terminal takes it); the line protocol writes the word
/// alone (`right`, `almost`, `wrong`), which scripts read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marks {
    Shown,
    Plain,
}

/// One line on a checked answer: how it was judged and the right answer.
pub fn render_outcome(out: &mut impl Write, question: &Question, outcome: &Outcome, marks: Marks) -> io::Result<()> {
    let (mark, word) = match &outcome.verdict {
        Verdict::Exact => ("✓", "right".to_string()),
        Verdict::Alternative { form } => ("✓", format!("right (accepted alternative {:?})", escape_control(form))),
        Verdict::Close { typos, .. } => ("≈", format!("almost ({})", plural(*typos as u64, "typo"))),
        Verdict::Wrong => ("✗", "wrong".to_string()),
    };
    let text = match marks {
        Marks::Shown => format!("{mark} {word}"),
        Marks::Plain => word,
    };
    let head = match &outcome.verdict {
        Verdict::Exact | Verdict::Alternative { .. } => style(text).green(),
        Verdict::Close { .. } => style(text).yellow(),
        Verdict::Wrong => style(text).red().bold(),
    };
    let claim = match &question.prompt {
        Prompt::TrueFalse { truth, .. } => format!(" · the claim is {truth}"),
        _ => String::new(),
    };
    writeln!(
        out,
        "{head}{claim} · answer: {}",
        style(indented(&outcome.expected, "   ")).bold()
    )
}

/// The automatic grade and the buttons that would replace it.
pub fn render_auto_grade(out: &mut impl Write, auto: Rating, buttons: &Buttons) -> io::Result<()> {
    writeln!(
        out,
        "grade: {} · Enter keeps it, or {}",
        style(auto.name()).bold(),
        buttons_line(buttons)
    )
}

/// Score, time, and every miss with its right answer.
pub fn render_quiz_summary(out: &mut impl Write, summary: &QuizSummary, recording: bool) -> io::Result<()> {
    let percent = crate::text::percent(u64::from(summary.right), u64::from(summary.asked));
    let secs = summary.time_ms / 1000;
    writeln!(
        out,
        "Score: {}/{} right ({percent}) · {} close · time {}m {:02}s",
        summary.right,
        summary.asked,
        summary.close,
        secs / 60,
        secs % 60
    )?;
    if !summary.misses.is_empty() {
        writeln!(out, "Missed:")?;
        for miss in &summary.misses {
            writeln!(out, "  Q: {}", indented(&miss.question, "     "))?;
            let given = if miss.given.is_empty() {
                "(nothing)"
            } else {
                &miss.given
            };
            writeln!(
                out,
                "     you: {} · answer: {}",
                indented(given, "     "),
                style(indented(&miss.expected, "     ")).bold()
            )?;
        }
    }
    match (summary.repeating, summary.still_missed) {
        (true, 0) => writeln!(out, "Every missed question is now answered right.")?,
        (_, 0) => {}
        (_, n) => writeln!(
            out,
            "{} still missed: `iskra quiz --misses` asks {} again.",
            plural(n as u64, "question"),
            if n == 1 { "it" } else { "them" }
        )?,
    }
    if recording {
        writeln!(out, "{} recorded in the schedule.", plural(summary.recorded, "answer"))
    } else {
        writeln!(
            out,
            "The schedule was not changed (add --record to grade quiz answers)."
        )
    }
}
