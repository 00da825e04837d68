//! Drawing a session's views, shared by the terminal and the line protocol
//! where they look the same: the review header, a card's question (with its
//! hint when asked for) and answer, the grade buttons, notices and the
//! end-of-session summary; the quiz's parts are in [`quiz`]. Card text goes
//! through [`escape_control`] first, so a deck cannot take over the
//! terminal, and is indented under its label (`Q: `, `A: `). The terminal
//! also wraps what it draws at word boundaries ([`wrap`]).

pub mod quiz;

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use console::style;

use super::build_report::render_report;
use super::{escape_control, short_interval};
use crate::clock::Clock;
use crate::deck::CardView;
use crate::deck::hint_line;
use crate::session::review::{FactLocation, Notice, Summary};
use crate::session::view::{self, Buttons, Header};
use crate::text::{agree, plural};

/// Card text made safe, with continuation lines indented under a label.
pub(crate) fn indented(text: &str, indent: &str) -> String {
    escape_control(text).replace('\n', &format!("\n{indent}"))
}

/// The header: the session's scope and its counts, then (with `progress`)
/// how far the session is, then the card's deck on a line of its own.
pub fn render_header(out: &mut impl Write, header: &Header, card: &CardView, progress: bool) -> io::Result<()> {
    let scope = header
        .scope
        .as_deref()
        .map_or_else(|| "All decks".to_string(), escape_control);
    let counts = &header.counts;
    writeln!(
        out,
        "{} · new {} · learning {} · due {}",
        style(scope).bold(),
        style(counts.new).blue(),
        style(counts.learning).red(),
        style(counts.due).green(),
    )?;
    if progress {
        writeln!(
            out,
            "Progress: {} answered · {} left in this session",
            header.answered, header.left
        )?;
    }
    writeln!(out, "Deck: {}", escape_control(&card.deck))
}

/// The `Q:` line, and under it the hint when `show_hint` (and there is one).
pub fn render_question(out: &mut impl Write, card: &CardView, show_hint: bool) -> io::Result<()> {
    writeln!(out, "Q: {}", style(indented(&card.front, "   ")).bold())?;
    match &card.hint {
        Some(hint) if show_hint => writeln!(out, "   {}", style(indented(&hint_line(hint), "   ")).bold()),
        _ => Ok(()),
    }
}

/// The `A:` line, the extra text, and the grade buttons.
pub fn render_answer(out: &mut impl Write, card: &CardView, buttons: &Buttons) -> io::Result<()> {
    writeln!(out, "A: {}", style(indented(&card.back, "   ")).green())?;
    if let Some(extra) = &card.extra {
        writeln!(out, "   {}", style(indented(extra, "   ")).dim())?;
    }
    writeln!(out, "{}", buttons_line(buttons))
}

/// `1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy 4d`.
pub fn buttons_line(buttons: &Buttons) -> String {
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
    shown.join(" · ")
}

/// A notice of a view: a review's, a quiz's title, or a quiz answer's outcome.
pub fn render_view_notice(out: &mut impl Write, notice: &view::Notice, marks: quiz::Marks) -> io::Result<()> {
    match notice {
        view::Notice::QuizTitle {
            questions,
            mode,
            seed,
            repeating,
        } => quiz::render_quiz_title(out, *questions, (!repeating).then_some(*mode), *seed),
        view::Notice::Outcome { question, outcome } => quiz::render_outcome(out, question, outcome, marks),
        view::Notice::Review(notice) => render_notice(out, notice),
    }
}

/// What a review action did.
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
        Notice::Leech { rating, next_in, leech } => {
            render_notice(
                out,
                &Notice::Answered {
                    rating: *rating,
                    next_in: *next_in,
                },
            )?;
            let action = if leech.suspended {
                "suspended"
            } else {
                "marked (is:leech)"
            };
            writeln!(out, "leech: {}; the card is {action}", plural(leech.lapses, "lapse"))
        }
        Notice::Undone => writeln!(out, "undone: the last answer was taken back"),
        Notice::NothingToUndo => writeln!(out, "nothing to undo"),
        Notice::ChangedElsewhere => writeln!(out, "not undone: another iskra session answered this card after you"),
        Notice::Buried => writeln!(out, "buried until the next study day"),
        Notice::Unburied => writeln!(out, "undone: the buried card is back"),
        Notice::RevealFirst => writeln!(out, "reveal the answer first (Space or Enter)"),
        Notice::Suspended => writeln!(out, "suspended: the card is out of the reviews (u takes it back)"),
        Notice::Unsuspended => writeln!(out, "undone: the suspended card is back"),
        Notice::NoHint => writeln!(out, "this card has no hint"),
        Notice::NoDeckFile { deck } => writeln!(
            out,
            "nothing to edit: deck {:?} is the copy bundled into iskra and has no deck file\n  hint: build the deck from a file of yours (`iskra build decks/`) to edit its cards",
            escape_control(deck)
        ),
        Notice::Rebuilt(report) => writeln!(out, "edited and built: {}", render_report(report)),
        Notice::NotRebuilt(reason) => writeln!(out, "not edited: {}", escape_control(reason)),
        Notice::EditedCardGone => writeln!(out, "edited and built: the card is no longer in its deck file"),
    }
}

/// Where the card's fact is being edited.
pub fn render_editing(out: &mut impl Write, location: &FactLocation) -> io::Result<()> {
    writeln!(
        out,
        "editing {} at line {}",
        escape_control(&location.path.display().to_string()),
        location.line
    )
}

/// Text wrapped at word boundaries to `width` columns, measured in display
/// width (a wide character takes two, escape sequences none). A wrapped
/// line goes on under its label (`Q: `, `A: `) or its own indentation.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let indent = continuation_indent(line);
        let options = textwrap::Options::new(width.max(20)).subsequent_indent(&indent);
        for part in textwrap::wrap(line, options) {
            out.push_str(&part);
            out.push('\n');
        }
    }
    out
}

fn continuation_indent(line: &str) -> String {
    let spaces = line.len() - line.trim_start_matches(' ').len();
    if spaces > 0 {
        " ".repeat(spaces)
    } else if ["Q: ", "A: "].iter().any(|label| line.starts_with(label)) {
        "   ".to_string()
    } else {
        String::new()
    }
}

/// "2026-03-10 10:10 (in 10m)" / "now", for a due time.
pub(crate) fn when(at: DateTime<Utc>, clock: &Clock<impl chrono::TimeZone>) -> String {
    let secs = (at - clock.now()).num_seconds();
    if secs <= 0 {
        "now".to_string()
    } else {
        format!("{} (in {})", clock.local_string(at), short_interval(secs))
    }
}

/// The end of a session: what was done, what is still waiting today, and
/// what comes next and when. Never "nothing is due" while something is.
pub fn render_summary(out: &mut impl Write, summary: &Summary, clock: &Clock<impl chrono::TimeZone>) -> io::Result<()> {
    let left = &summary.left;
    let waiting_now = left.new + left.due + summary.learning_now;
    if summary.answers > 0 {
        let secs = summary.time_ms / 1000;
        writeln!(
            out,
            "Session done: {} on {}, again {:.0}%, time {}m {:02}s.",
            plural(summary.answers, "answer"),
            plural(summary.cards, "card"),
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
    if summary.reviews_held {
        writeln!(out, "More reviews are due: they wait for a later day (daily limit).")?;
    }
    if summary.new_waiting > 0 {
        writeln!(
            out,
            "{} {} for a later day (daily limit).",
            plural(summary.new_waiting, "more new card"),
            agree(summary.new_waiting, "waits", "wait")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_at_words_under_their_label() {
        let text = "Q: the quick brown fox jumps over the lazy dog\nshort\n   extra words that go on and on\n";
        assert_eq!(
            wrap(text, 20),
            "Q: the quick brown\n   fox jumps over\n   the lazy dog\nshort\n   extra words that\n   go on and on\n"
        );
    }

    #[test]
    fn wide_characters_count_double_and_escapes_not_at_all() {
        // Ten CJK characters are twenty columns wide.
        let text = "A: 一二三四五 六七八九十 一二三四五\n";
        assert_eq!(wrap(text, 20), "A: 一二三四五\n   六七八九十\n   一二三四五\n");
        // Nineteen columns of text in bold fit twenty columns.
        let styled = format!("{}\n", style("alpha beta gamma de").bold().force_styling(true));
        let wrapped = wrap(&styled, 20);
        assert_eq!(wrapped.lines().count(), 1, "{wrapped:?}");
    }
}
