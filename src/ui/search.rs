//! `iskra search`: the cards (or facts) found, as a table sized to the
//! terminal (100 columns when standard output is not one). Text from deck
//! files is escaped and cut to its column; the question takes what is left.

use std::borrow::Cow;
use std::io::Write;

use chrono::{DateTime, TimeZone};

use crate::clock::{Clock, date_of_day};
use crate::search::Search;
use crate::store::queue;
use crate::text::{escape_control, plural};

/// The width tables are drawn to: the terminal's, else 100 columns.
pub fn table_width() -> usize {
    let term = console::Term::stdout();
    if term.is_term() {
        usize::from(term.size().1).max(40)
    } else {
        100
    }
}

/// One fact of a `--facts` listing: its cards found, in id order.
pub struct FoundFact<'a> {
    pub cards: Vec<&'a Search>,
}

/// A column: its heading, whether it is right-aligned, the widest it may
/// get, the narrowest it may be made (text; equal to `max`: never) and
/// when it is left out on a narrow terminal (0: never; higher first).
struct Column {
    heading: &'static str,
    right: bool,
    max: usize,
    min: usize,
    drop: u8,
}

const fn column(heading: &'static str, right: bool, max: usize, min: usize, drop: u8) -> Column {
    Column {
        heading,
        right,
        max,
        min,
        drop,
    }
}

/// The cards found, one per line, then how many.
pub fn render_cards(
    out: &mut impl Write,
    found: &[Search],
    width: usize,
    clock: &Clock<impl TimeZone>,
) -> std::io::Result<()> {
    let columns = [
        // Never cut: the card commands take these ids (16 digits, see crate::ids).
        column("card", true, 16, 16, 0),
        column("deck", false, 16, 8, 0),
        column("fact", false, 28, 12, 1),
        column("kind", false, 12, 7, 6),
        column("due", false, 10, 10, 0),
        column("ivl", true, 6, 6, 2),
        column("S", true, 7, 7, 5),
        column("D", true, 4, 4, 4),
        column("R", true, 4, 4, 0),
        column("lapses", true, 6, 6, 3),
        column("question", false, usize::MAX, 10, 0),
    ];
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|s| {
            let c = &s.card;
            vec![
                c.id.to_string(),
                escape_control(&c.deck_key),
                escape_control(&c.fact_key),
                escape_control(&c.template),
                due(c.state, c.queue, c.due, clock),
                if c.state == 0 {
                    "-".into()
                } else {
                    format!("{}d", c.interval)
                },
                c.stability.map_or("-".into(), |s| format!("{s:.1}d")),
                c.difficulty
                    .map_or("-".into(), |d| format!("{:.0}%", anki_difficulty(d) * 100.0)),
                s.retrievability.map_or("-".into(), |r| format!("{:.0}%", r * 100.0)),
                c.lapses.to_string(),
                first_line(&c.front),
            ]
        })
        .collect();
    write_table(out, &columns, &rows, width)?;
    writeln!(out, "{}", plural(found.len() as u64, "card"))
}

/// The facts of the cards found, one per line, then how many.
pub fn render_facts(out: &mut impl Write, facts: &[FoundFact], width: usize) -> std::io::Result<()> {
    let columns = [
        column("deck", false, 20, 8, 0),
        column("fact", false, 28, 12, 0),
        column("kind", false, 9, 5, 2),
        column("cards", false, 24, 8, 1),
        column("question", false, usize::MAX, 10, 0),
    ];
    let rows: Vec<Vec<String>> = facts
        .iter()
        .filter_map(|fact| {
            let first = &fact.cards.first()?.card;
            let ids: Vec<String> = fact.cards.iter().map(|s| s.card.id.to_string()).collect();
            Some(vec![
                escape_control(&first.deck_key),
                escape_control(&first.fact_key),
                escape_control(&first.fact_kind),
                ids.join(" "),
                first_line(&first.front),
            ])
        })
        .collect();
    write_table(out, &columns, &rows, width)?;
    let cards: usize = facts.iter().map(|f| f.cards.len()).sum();
    writeln!(
        out,
        "{} ({})",
        plural(facts.len() as u64, "fact"),
        plural(cards as u64, "card")
    )
}

/// Nothing matched.
pub fn render_nothing(out: &mut impl Write, query: &str) -> std::io::Result<()> {
    writeln!(out, "No card matches {}.", crate::search::quoted(query))
}

/// FSRS difficulty (1-10) on Anki's scale (0-1), as `prop:d` takes it.
pub fn anki_difficulty(d: f64) -> f64 {
    (d - 1.0) / 9.0
}

/// The first line of a card's text, escaped.
fn first_line(text: &str) -> String {
    escape_control(text.lines().next().unwrap_or(""))
}

/// `new`, `suspended`, `buried`, a learning step's time (`10:30`, or its
/// date when not today) or a review's date.
fn due(state: i64, queue: i64, due: i64, clock: &Clock<impl TimeZone>) -> String {
    match queue {
        queue::SUSPENDED => "suspended".into(),
        queue::BURIED => "buried".into(),
        _ if state == 0 => "new".into(),
        queue::LEARNING => match DateTime::from_timestamp_millis(due) {
            Some(at) if clock.day_of(at) == clock.today() => clock.local_string(at)[11..].to_string(),
            Some(at) => clock.local_string(at)[..10].to_string(),
            None => "learning".into(),
        },
        _ => date_of_day(due).to_string(),
    }
}

/// Cuts `text` to `width` characters, marking a cut with `…`.
fn cut(text: &str, width: usize) -> Cow<'_, str> {
    if text.chars().nth(width).is_none() {
        return Cow::Borrowed(text);
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    Cow::Owned(cut)
}

/// Writes the heading and rows: each column as wide as its widest cell (up
/// to its maximum), the last one taking what is left of `width`. Text
/// columns narrow (the one with most room to spare above its minimum
/// first) to leave the last one 20 characters (or what it needs); if even
/// 10 do not fit, columns are left out in their `drop` order.
fn write_table(out: &mut impl Write, columns: &[Column], rows: &[Vec<String>], width: usize) -> std::io::Result<()> {
    let mut widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            // Characters counted only as far as a column can be wide: a
            // question is cut to what the line leaves (< width + 1), and the
            // last column wants up to 20 (see `wanted`).
            let enough = c.max.min(width.max(20)).saturating_add(1);
            let widest = rows
                .iter()
                .map(|r| r[i].chars().take(enough).count())
                .max()
                .unwrap_or(0);
            widest.max(c.heading.len()).min(c.max)
        })
        .collect();
    let last = columns.len() - 1;
    let mut shown: Vec<usize> = (0..columns.len()).collect();
    let fixed = |widths: &[usize], shown: &[usize]| {
        shown
            .iter()
            .filter(|&&i| i != last)
            .map(|&i| widths[i] + 2)
            .sum::<usize>()
    };
    let wanted = widths[last].clamp(10, 20);
    while fixed(&widths, &shown) + wanted > width {
        let narrowest = |i: usize| columns[i].heading.len().max(columns[i].min);
        let widest = shown
            .iter()
            .copied()
            .filter(|&i| i != last && widths[i] > narrowest(i))
            .max_by_key(|&i| widths[i] - narrowest(i));
        match widest {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
    while fixed(&widths, &shown) + 10 > width {
        let Some(dropped) = shown
            .iter()
            .copied()
            .filter(|&i| columns[i].drop > 0)
            .max_by_key(|&i| columns[i].drop)
        else {
            break;
        };
        shown.retain(|&i| i != dropped);
    }
    widths[last] = widths[last].min(width.saturating_sub(fixed(&widths, &shown)).max(10));
    // Each line written cell by cell (28,187 lines of `search rated:30:1`
    // at a million cards: no string is made for a line or a cell that fits).
    let mut line = |cells: &[String]| -> std::io::Result<()> {
        for (k, &i) in shown.iter().enumerate() {
            if k > 0 {
                out.write_all(b"  ")?;
            }
            let (c, w) = (&columns[i], widths[i]);
            let cell = cut(&cells[i], w);
            if c.right {
                write!(out, "{cell:>w$}")?;
            } else if i == last {
                out.write_all(cell.as_bytes())?;
            } else {
                write!(out, "{cell:<w$}")?;
            }
        }
        out.write_all(b"\n")
    };
    let headings: Vec<String> = columns.iter().map(|c| c.heading.to_string()).collect();
    line(&headings)?;
    for row in rows {
        line(row)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::search::FoundCard;

    fn found(id: i64, deck: &str, front: &str) -> Search {
        Search {
            card: FoundCard {
                id,
                deck_key: deck.into(),
                deck_name: "Deck".into(),
                fact_id: 1,
                fact_key: "sailors-demands".into(),
                fact_kind: "qa".into(),
                template: "basic".into(),
                front: front.into(),
                back: "b".into(),
                state: 2,
                queue: 2,
                due: 20_527,
                interval: 12,
                stability: Some(12.34),
                difficulty: Some(5.5),
                last_review_day: Some(20_515),
                reps: 3,
                lapses: 1,
                flag: 0,
                leech: false,
                added_ms: None,
            },
            retrievability: Some(0.912),
        }
    }

    fn clock() -> Clock<chrono::Utc> {
        Clock::new(crate::clock::parse_now("2026-03-10T10:00:00Z").unwrap(), chrono::Utc, 4)
    }

    #[test]
    fn rows_fit_the_width_and_text_is_escaped_and_cut() {
        let cards = [
            found(
                7,
                "kronstadt-1921",
                "What did the sailors of Kronstadt demand in March 1921?\nmore",
            ),
            found(1234, "evil\u{1b}]0;x", "Q\u{7}"),
        ];
        for width in [60, 100, 160] {
            let mut out = Vec::new();
            render_cards(&mut out, &cards, width, &clock()).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text}");
            for line in text.lines() {
                assert!(line.chars().count() <= width, "{width}: {line:?}");
            }
            assert!(text.ends_with("2 cards\n"), "{text}");
        }
        let mut out = Vec::new();
        render_cards(&mut out, &cards, 100, &clock()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "card  deck       fact          kind   due         ivl      S    D    R  lapses  question\n\
             \x20  7  kronstad…  sailors-dem…  basic  2026-03-15  12d  12.3d  50%  91%       1  What did the sailor…\n\
             1234  evil\\u{1…  sailors-dem…  basic  2026-03-15  12d  12.3d  50%  91%       1  Q\\u{7}\n\
             2 cards\n"
        );
    }

    #[test]
    fn due_says_where_the_card_is() {
        let c = clock();
        let today_at = c.now_ms() + 3_600_000;
        assert_eq!(due(1, queue::LEARNING, today_at, &c), "11:00");
        assert_eq!(due(1, queue::LEARNING, today_at + 86_400_000, &c), "2026-03-11");
        assert_eq!(due(0, queue::NEW, 5, &c), "new");
        assert_eq!(due(2, queue::SUSPENDED, 5, &c), "suspended");
        assert_eq!(due(2, queue::REVIEW, 20_527, &c), "2026-03-15");
    }
}
