//! `iskra card ID`: one card's story, as Anki's Card Info: where it comes
//! from, its schedule and memory now, the options it is studied with
//! (its deck's own or the collection's), and its review history. Text from
//! deck files is escaped.

use std::io::Write;

use chrono::{DateTime, TimeZone};

use crate::clock::{Clock, date_of_day};
use crate::manage::info::{CardInfo, CardLogRow, Source};
use crate::settings::format_steps;
use crate::store::{DAY_DUE_LIMIT, DeckOptions, Origin, queue};
use crate::text::{duration, escape_control, plural, short_interval};

/// Anki's flag colours, by number.
const FLAGS: [&str; 8] = ["none", "red", "orange", "green", "blue", "pink", "turquoise", "purple"];

/// FSRS difficulty (1-10) as Anki shows it: 0-100%.
fn difficulty(d: f64) -> String {
    format!("{:.0}%", (d - 1.0) / 9.0 * 100.0)
}

/// Where the card's fact is written, in words.
pub fn source_text(source: &Source) -> String {
    match source {
        Source::File { path, line: Some(line) } => format!("{}:{line}", escape_control(path)),
        Source::File { path, line: None } => format!("{} (the fact is no longer in it)", escape_control(path)),
        Source::Missing { path } => format!("{} (the file is gone)", escape_control(path)),
        Source::Bundled => "bundled (compiled into iskra)".into(),
        Source::None => "no file (imported)".into(),
    }
}

/// The kind of a log entry: `learn`, `review`, `relearn`, `filtered`, or
/// for a manual entry without a rating what it did.
pub fn entry_kind(row: &CardLogRow) -> &'static str {
    match (row.kind, row.rating) {
        (0, _) => "learn",
        (1, _) => "review",
        (2, _) => "relearn",
        (3, _) => "filtered",
        (_, 0) if row.state_after == 0 => "reset",
        (_, 0) => "set due",
        _ => "manual",
    }
}

/// The rating of a log entry: Again … Easy, or `-` for a manual entry.
pub fn rating_name(rating: u8) -> &'static str {
    match rating {
        1 => "Again",
        2 => "Hard",
        3 => "Good",
        4 => "Easy",
        _ => "-",
    }
}

/// The interval a log entry set: days for a review, the step for a
/// learning card (in days for a day-long step), `-` for a card made new.
fn entry_interval(row: &CardLogRow, clock: &Clock<impl TimeZone>) -> String {
    match row.state_after {
        0 => "-".into(),
        2 => format!("{}d", row.interval_after),
        1 | 3 if row.due_after < DAY_DUE_LIMIT => format!("{}d", row.due_after - clock.day_of_ms(row.reviewed_at_ms)),
        _ => short_interval((row.due_after - row.reviewed_at_ms) / 1000),
    }
}

/// Where the card is and when it is due.
fn state_line(info: &CardInfo, clock: &Clock<impl TimeZone>) -> String {
    let c = &info.card;
    let s = &c.schedule;
    let state = crate::sched::CardState::from_i64(s.state).name();
    let held = match c.queue {
        _ if c.retired => " · retired (not studied)",
        queue::SUSPENDED => " · suspended",
        queue::BURIED => " · buried until the next study day",
        _ => "",
    };
    let due = match s.state {
        0 => format!("new card #{}", s.due),
        2 => {
            let days = s.due - clock.today();
            format!("due {} ({})", date_of_day(s.due), relative_days(days))
        }
        _ if s.due < DAY_DUE_LIMIT => {
            let days = s.due - clock.today();
            format!("due {} ({}, a day-long step)", date_of_day(s.due), relative_days(days))
        }
        _ => match DateTime::from_timestamp_millis(s.due) {
            Some(at) => format!("due {}", clock.local_string(at)),
            None => "due ?".into(),
        },
    };
    let interval = if s.state == 0 {
        String::new()
    } else {
        format!(" · interval {}d", s.interval)
    };
    format!("{state}{held} · {due}{interval}")
}

fn relative_days(days: i64) -> String {
    match days {
        0 => "today".into(),
        1 => "tomorrow".into(),
        d if d < 0 => format!("{} overdue", plural(d.unsigned_abs(), "day")),
        d => format!("in {d} days"),
    }
}

/// The card, then its history.
/// A deck's effective options, on two lines: whose they are, retention,
/// limits and parameters; then steps, longest interval and buries.
pub fn options_text(o: &DeckOptions) -> String {
    let s = &o.scheduler;
    let steps = |secs: &[u32]| {
        if secs.is_empty() {
            "none".to_string()
        } else {
            format_steps(secs)
        }
    };
    let parameters = match o.parameters_from {
        Origin::Collection if s.parameters.is_empty() => "FSRS defaults",
        Origin::Collection => "the collection's FSRS parameters",
        Origin::Deck => "the deck's own FSRS parameters",
        Origin::DeckFit => "the deck's own FSRS fit",
    };
    let buried: Vec<&str> = [
        (o.bury.new, "new"),
        (o.bury.review, "reviews"),
        (o.bury.interday, "interday"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, name)| name)
    .collect();
    format!(
        "{} · retention {:.2} · {} new, {} a day · {parameters}\n\
         steps {} · relearning {} · max interval {}d · buries {}",
        match o.own.as_slice() {
            [] => "the collection's".to_string(),
            own if own.len() == DeckOptions::KINDS => "the deck's own".to_string(),
            own => format!("the deck's own {}, else the collection's", own.join(", ")),
        },
        s.desired_retention,
        o.new_per_day,
        crate::text::plural(o.reviews_per_day, "review"),
        steps(&s.learn_steps_secs),
        steps(&s.relearn_steps_secs),
        s.max_interval,
        if buried.is_empty() {
            "no siblings".to_string()
        } else {
            format!("{} siblings", buried.join(", "))
        },
    )
}

pub fn render(out: &mut impl Write, info: &CardInfo, clock: &Clock<impl TimeZone>) -> std::io::Result<()> {
    let c = &info.card;
    let s = &c.schedule;
    let field = |out: &mut dyn Write, name: &str, value: &str| writeln!(out, "{name:<9} {value}");
    writeln!(out, "Card {} · {}", c.id, escape_control(&c.template))?;
    field(
        out,
        "deck",
        &format!("{} ({})", escape_control(&c.deck_name), escape_control(&c.deck_key)),
    )?;
    field(
        out,
        "fact",
        &format!("{} ({})", escape_control(&c.fact_key), escape_control(&c.fact_kind)),
    )?;
    field(out, "source", &source_text(&info.source))?;
    field(out, "question", &escape_control(&c.front).replace('\n', "\n          "))?;
    field(out, "answer", &escape_control(&c.back).replace('\n', "\n          "))?;
    field(out, "state", &state_line(info, clock))?;
    let memory = match (s.stability, s.difficulty) {
        (Some(stability), Some(d)) => format!(
            "stability {stability:.1}d · difficulty {} ({d:.2} of 1-10) · retrievability {}",
            difficulty(d),
            info.retrievability.map_or("-".into(), |r| format!("{:.0}%", r * 100.0))
        ),
        _ => "none yet (new)".into(),
    };
    field(out, "memory", &memory)?;
    field(out, "reviews", &format!("{} · lapses {}", s.reps, s.lapses))?;
    field(out, "flag", FLAGS[usize::from(c.flag.min(7))])?;
    field(out, "leech", if c.leech { "yes" } else { "no" })?;
    let added = c
        .added_ms
        .and_then(DateTime::from_timestamp_millis)
        .map_or("unknown".into(), |at| clock.local_string(at));
    field(out, "added", &added)?;
    field(
        out,
        "options",
        &options_text(&info.options).replace('\n', "\n          "),
    )?;
    if info.log.is_empty() {
        return writeln!(out, "\nNo reviews yet.");
    }
    writeln!(
        out,
        "\nHistory ({}, oldest first)",
        plural(info.log.len() as u64, "entry")
    )?;
    writeln!(
        out,
        "{:<16}  {:<6}  {:<8}  {:>8}  {:>8}  {:>4}  {:>7}",
        "when", "rating", "kind", "interval", "S", "D", "time"
    )?;
    for row in &info.log {
        let when = DateTime::from_timestamp_millis(row.reviewed_at_ms).map_or("?".into(), |at| clock.local_string(at));
        writeln!(
            out,
            "{when:<16}  {:<6}  {:<8}  {:>8}  {:>8}  {:>4}  {:>7}",
            rating_name(row.rating),
            entry_kind(row),
            entry_interval(row, clock),
            row.stability_after.map_or("-".into(), |s| format!("{s:.1}d")),
            row.difficulty_after.map_or("-".into(), difficulty),
            if row.kind == 4 {
                "-".into()
            } else {
                duration(row.duration_ms)
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::relative_days;

    #[test]
    fn days_from_today_are_counted_in_words() {
        assert_eq!(relative_days(-1), "1 day overdue");
        assert_eq!(relative_days(-3), "3 days overdue");
        assert_eq!(relative_days(0), "today");
        assert_eq!(relative_days(1), "tomorrow");
        assert_eq!(relative_days(5), "in 5 days");
    }
}
