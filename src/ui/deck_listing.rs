//! `iskra deck list` (every deck with its counts) and `iskra deck show NAME`
//! (one deck's facts and cards), drawn from what `cmd::deck` read. Text from
//! deck files is escaped.

use std::io::Write;

use chrono::{DateTime, TimeZone};

use crate::clock::{Clock, date_of_day};
use crate::store::{DeckRow, DeckSummary, ShownCard, queue};
use crate::text::{escape_control, plural};

/// Every deck with its facts, cards, new cards and cards due now, and the totals.
pub fn render_list(out: &mut impl Write, rows: &[(&DeckRow, DeckSummary)]) -> std::io::Result<()> {
    if rows.is_empty() {
        return writeln!(
            out,
            "No decks yet: `iskra deck new` starts one, `iskra build decks/` builds files."
        );
    }
    let name_width = column_width(rows.iter().map(|(d, _)| d.name.as_str()), "deck");
    let key_width = column_width(rows.iter().map(|(d, _)| d.key.as_str()), "key");
    writeln!(
        out,
        "{:<name_width$}  {:<key_width$}  {:>5}  {:>5}  {:>6}  {:>5}",
        "deck", "key", "facts", "cards", "unseen", "due"
    )?;
    let mut total = DeckSummary::default();
    for (deck, s) in rows {
        writeln!(
            out,
            "{:<name_width$}  {:<key_width$}  {:>5}  {:>5}  {:>6}  {:>5}",
            cell(&deck.name, name_width),
            cell(&deck.key, key_width),
            s.facts,
            s.cards,
            s.new,
            s.due
        )?;
        total.facts += s.facts;
        total.cards += s.cards;
        total.new += s.new;
        total.due += s.due;
    }
    writeln!(
        out,
        "{} · {} · {} · {} unseen · {} due",
        plural(rows.len() as u64, "deck"),
        plural(total.facts as u64, "fact"),
        plural(total.cards as u64, "card"),
        total.new,
        total.due
    )
}

/// Width of a column of escaped text, between its heading and 40.
fn column_width<'a>(values: impl Iterator<Item = &'a str>, heading: &str) -> usize {
    values
        .map(|v| escape_control(v).chars().count())
        .max()
        .unwrap_or(0)
        .clamp(heading.len(), 40)
}

/// Escaped text cut to `width` characters.
fn cell(text: &str, width: usize) -> String {
    escape_control(text).chars().take(width).collect()
}

/// One deck: its header, then each fact with its cards (question, answer, state).
pub fn render_show(
    out: &mut impl Write,
    deck: &DeckRow,
    summary: &DeckSummary,
    cards: &[ShownCard],
    clock: &Clock<impl TimeZone>,
) -> std::io::Result<()> {
    write_show(deck, summary, cards, &|card| state(card, clock), out)
}

fn write_show(
    deck: &DeckRow,
    s: &DeckSummary,
    cards: &[ShownCard],
    state: &dyn Fn(&ShownCard) -> String,
    out: &mut impl Write,
) -> std::io::Result<()> {
    writeln!(out, "{} ({})", escape_control(&deck.name), escape_control(&deck.key))?;
    if !deck.description.is_empty() {
        writeln!(out, "{}", escape_control(&deck.description))?;
    }
    if let Some(path) = &deck.source_path {
        writeln!(out, "file: {}", escape_control(path))?;
    }
    writeln!(
        out,
        "{} · {} · {} unseen · {} due",
        plural(s.facts as u64, "fact"),
        plural(s.cards as u64, "card"),
        s.new,
        s.due
    )?;
    let mut fact = None;
    for card in cards {
        if fact != Some(&card.fact_key) {
            fact = Some(&card.fact_key);
            writeln!(
                out,
                "\n## {} · {}",
                escape_control(&card.fact_key),
                kind_name(&card.fact_kind)
            )?;
        }
        writeln!(out, "  {} · {}", escape_control(&card.template), state(card))?;
        writeln!(out, "    Q: {}", indented(&card.front))?;
        writeln!(out, "    A: {}", indented(&card.back))?;
    }
    Ok(())
}

fn kind_name(kind: &str) -> &str {
    if kind == "qa" { "q/a" } else { kind }
}

fn indented(text: &str) -> String {
    escape_control(text).replace('\n', "\n       ")
}

/// `new`, `learning, due 10:20`, `review, due 2026-03-14`, `suspended`, `buried`.
fn state(card: &ShownCard, clock: &Clock<impl TimeZone>) -> String {
    match card.queue {
        queue::NEW => "new".to_string(),
        queue::LEARNING => match DateTime::from_timestamp_millis(card.due) {
            Some(at) => format!("learning, due {}", clock.local_string(at)),
            None => "learning".to_string(),
        },
        queue::REVIEW => format!("review, due {}", date_of_day(card.due)),
        queue::DAY_LEARNING => format!("learning, due {}", date_of_day(card.due)),
        queue::BURIED => "buried until tomorrow".to_string(),
        _ => "suspended".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, key: &str) -> DeckRow {
        DeckRow {
            id: 1,
            key: key.into(),
            name: name.into(),
            description: "about\u{1b}[2J".into(),
            source_path: Some("decks/x.deck".into()),
            retention: None,
            new_per_day: None,
            reviews_per_day: None,
            preset: None,
        }
    }

    #[test]
    fn list_aligns_columns_and_totals() {
        let a = row("Lenin's Moscow", "lenins-moscow");
        let b = row("Evil\u{1b}]0;x", "evil");
        let s = |facts, cards| DeckSummary {
            facts,
            cards,
            new: cards,
            due: 1,
        };
        let mut out = Vec::new();
        render_list(&mut out, &[(&a, s(2, 3)), (&b, s(1, 1))]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "deck            key            facts  cards  unseen    due\n\
             Lenin's Moscow  lenins-moscow      2      3       3      1\n\
             Evil\\u{1b}]0;x  evil               1      1       1      1\n\
             2 decks · 3 facts · 4 cards · 4 unseen · 2 due\n"
        );
    }

    #[test]
    fn show_groups_cards_by_fact_and_escapes() {
        let card = |fact: &str, template: &str, front: &str| ShownCard {
            fact_key: fact.into(),
            fact_kind: "sequence".into(),
            template: template.into(),
            front: front.into(),
            back: "1. a\n2. b".into(),
            queue: 0,
            due: 0,
        };
        let cards = [card("s", "after:a>b", "S: after a?"), card("s", "order", "S\u{7}")];
        let summary = DeckSummary {
            facts: 1,
            cards: 2,
            new: 2,
            due: 0,
        };
        let mut out = Vec::new();
        write_show(&row("D", "d"), &summary, &cards, &|_| "new".into(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "D (d)\nabout\\u{1b}[2J\nfile: decks/x.deck\n1 fact · 2 cards · 2 unseen · 0 due\n\n\
             ## s · sequence\n  after:a>b · new\n    Q: S: after a?\n    A: 1. a\n       2. b\n\
             \x20 order · new\n    Q: S\\u{7}\n    A: 1. a\n       2. b\n"
        );
    }
}
