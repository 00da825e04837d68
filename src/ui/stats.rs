//! The `iskra stats` dashboard: a summary, the year heatmap, bar charts of
//! reviews per day and of the forecast, and tables of retention and answer
//! buttons, in at most 100 columns. Colour only when asked for (a terminal);
//! without it the heatmap is drawn with plain shading.

use std::io::{self, Write};

use chrono::Datelike;
use console::{StyledObject, style};

use super::escape_control;
use crate::stats::{DayCount, Grades, Stats, Tally};
pub use crate::text::duration;
use crate::text::plural;

/// The widest line the dashboard prints.
pub const WIDTH: usize = 100;
/// Rows of a bar chart.
const BAR_ROWS: usize = 6;
/// Most columns a bar chart's bars take.
const BAR_COLUMNS: usize = 90;
/// Leeches listed.
const LEECHES_SHOWN: usize = 5;
/// Heatmap shades by level, without colour: no answers, then four levels.
const SHADES: [char; 5] = ['·', '░', '▒', '▓', '█'];
/// Heatmap colours by level (xterm 256 colours, greens).
const GREENS: [u8; 5] = [238, 22, 28, 34, 46];

/// Draws the dashboard; `color` turns ANSI colours on.
pub fn render(out: &mut impl Write, stats: &Stats, color: bool) -> io::Result<()> {
    let paint = Paint(color);
    summary(out, stats, paint)?;
    writeln!(out)?;
    heatmap(out, &stats.heatmap, paint)?;
    writeln!(out)?;
    let period = &stats.reviews;
    let total: u32 = period.iter().map(|d| d.reviews).sum();
    let time: i64 = period.iter().map(|d| d.time_ms).sum();
    let title = format!(
        "Reviews per day, last {} · {} · {:.1} a day · {}",
        plural(stats.days, "day"),
        plural(total, "answer"),
        f64::from(total) / f64::from(stats.days.max(1)),
        duration(time)
    );
    let counts: Vec<DayCount> = period
        .iter()
        .map(|d| DayCount {
            date: d.date,
            count: d.reviews,
        })
        .collect();
    bar_chart(out, &title, &counts, paint, Color::Blue)?;
    writeln!(out)?;
    let due: u32 = stats.forecast.iter().map(|d| d.count).sum();
    let title = format!(
        "Forecast, next {} · {} due",
        plural(stats.forecast.len() as u64, "day"),
        plural(due, "card")
    );
    bar_chart(out, &title, &stats.forecast, paint, Color::Yellow)?;
    writeln!(out)?;
    retention(out, stats, paint)?;
    writeln!(out)?;
    buttons(out, stats, paint)?;
    writeln!(out)?;
    leeches(out, stats, paint)
}

#[derive(Clone, Copy)]
struct Paint(bool);

#[derive(Clone, Copy)]
enum Color {
    Blue,
    Yellow,
}

impl Paint {
    fn styled<D>(self, text: D) -> StyledObject<D> {
        style(text).force_styling(self.0)
    }

    fn heading(self, text: &str) -> String {
        self.styled(text).bold().to_string()
    }

    fn bar(self, text: &str, color: Color) -> String {
        match color {
            Color::Blue => self.styled(text).blue().to_string(),
            Color::Yellow => self.styled(text).yellow().to_string(),
        }
    }

    fn cell(self, level: usize) -> String {
        if self.0 {
            let c = if level == 0 { '·' } else { '█' };
            self.styled(c).color256(GREENS[level]).to_string()
        } else {
            SHADES[level].to_string()
        }
    }
}

fn summary(out: &mut impl Write, stats: &Stats, paint: Paint) -> io::Result<()> {
    let scope = match &stats.deck {
        Some(name) => escape_control(name),
        None => "all decks".to_string(),
    };
    let title = format!(
        "Statistics · {scope} · study day {} (starts {:02}:00)",
        stats.study_day, stats.day_start_hour
    );
    writeln!(out, "{}", paint.heading(&fit(&title, WIDTH)))?;
    let t = &stats.today;
    let today = format!(
        "Today     {} on {} · {} · again {} ({})",
        plural(t.answers, "answer"),
        plural(t.cards, "card"),
        duration(t.time_ms),
        t.again,
        percent(t.again_rate)
    );
    writeln!(out, "{}", fit(&today, WIDTH))?;
    writeln!(
        out,
        "Streak    {} · longest {}",
        days(stats.streak.current),
        days(stats.streak.longest)
    )?;
    let c = &stats.cards;
    let cards = format!(
        "Cards     {} in all · {} new · {} learning · {} relearning",
        c.total, c.new, c.learning, c.relearning
    );
    writeln!(out, "{}", fit(&cards, WIDTH))?;
    let cards = format!(
        "          {} young · {} mature · {} suspended · {} buried",
        c.young, c.mature, c.suspended, c.buried
    );
    writeln!(out, "{}", fit(&cards, WIDTH))?;
    let d = &stats.distributions;
    let memory = format!(
        "Memory    recall now {} · difficulty {} · stability {} (means over {})",
        percent(d.retrievability.mean.map(|m| m / 100.0)),
        percent(d.difficulty.mean.map(|m| m / 100.0)),
        d.stability.mean.map_or_else(|| "–".to_string(), |s| format!("{s:.1}d")),
        plural(d.stability.count, "studied card")
    );
    writeln!(out, "{}", fit(&memory, WIDTH))
}

/// The last year as 7 rows (Monday to Sunday) of week columns.
fn heatmap(out: &mut impl Write, days: &[DayCount], paint: Paint) -> io::Result<()> {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(());
    };
    let active = days.iter().filter(|d| d.count > 0).count();
    let max = days.iter().map(|d| d.count).max().unwrap_or(0);
    writeln!(
        out,
        "{}",
        paint.heading(&format!(
            "Answers per day, {} – {} · {} studied · busiest {max}",
            first.date,
            last.date,
            self::days(active as u32)
        ))
    )?;
    // Column 0 is the week (Monday first) holding the first day.
    let lead = first.date.weekday().num_days_from_monday() as usize;
    let weeks = (lead + days.len()).div_ceil(7);
    let mut months = vec![' '; weeks + 3];
    let mut free_from = 0;
    for (i, d) in days.iter().enumerate() {
        let week = (lead + i) / 7;
        if (i == 0 || d.date.day() == 1) && week >= free_from {
            let name = d.date.format("%b").to_string();
            for (j, ch) in name.chars().enumerate() {
                months[week + j] = ch;
            }
            free_from = week + name.chars().count() + 1;
        }
    }
    writeln!(out, "    {}", months.iter().collect::<String>().trim_end())?;
    for (row, name) in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].iter().enumerate() {
        let mut line = format!("{name} ");
        for week in 0..weeks {
            let cell = (week * 7 + row).checked_sub(lead).and_then(|i| days.get(i));
            match cell {
                Some(d) => line.push_str(&paint.cell(level(d.count, max))),
                None => line.push(' '),
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    let legend: Vec<String> = (0..SHADES.len()).map(|l| paint.cell(l)).collect();
    writeln!(out, "    less {} more", legend.join(" "))
}

/// 0 for no answers, else 1–4 in quarters of the busiest day.
fn level(count: u32, max: u32) -> usize {
    if count == 0 || max == 0 {
        0
    } else {
        (4 * count).div_ceil(max).clamp(1, 4) as usize
    }
}

/// A vertical bar chart of daily counts; long periods are summed into
/// groups of days so it fits.
fn bar_chart(out: &mut impl Write, title: &str, days: &[DayCount], paint: Paint, color: Color) -> io::Result<()> {
    let group = days.len().div_ceil(BAR_COLUMNS).max(1);
    let title = match group {
        1 => title.to_string(),
        _ => format!("{title} · each bar {group} days"),
    };
    writeln!(out, "{}", paint.heading(&fit(&title, WIDTH)))?;
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(());
    };
    let columns: Vec<u32> = days.chunks(group).map(|c| c.iter().map(|d| d.count).sum()).collect();
    let spaced = columns.len() * 2 <= BAR_COLUMNS;
    let max = columns.iter().copied().max().unwrap_or(0);
    if max == 0 {
        return writeln!(out, "  (none from {} to {})", first.date, last.date);
    }
    let label_width = max.to_string().len().max(1);
    for row in (0..BAR_ROWS).rev() {
        let label = match row {
            _ if row == BAR_ROWS - 1 => max.to_string(),
            0 => "0".to_string(),
            _ => String::new(),
        };
        let mut bars = String::new();
        for &count in &columns {
            bars.push(bar_cell(count, max, row));
            if spaced {
                bars.push(' ');
            }
        }
        writeln!(
            out,
            "{label:>label_width$} │{}",
            paint.bar(bars.trim_end(), color).trim_end()
        )?;
    }
    let width = if spaced { columns.len() * 2 - 1 } else { columns.len() };
    writeln!(out, "{:>label_width$} └{}", "", "─".repeat(width))?;
    // Month and day, or the full date when the chart spans more than a year.
    let format = if days.len() > 366 { "%Y-%m-%d" } else { "%m-%d" };
    let (from, to) = (
        first.date.format(format).to_string(),
        last.date.format(format).to_string(),
    );
    let gap = (width + 1).saturating_sub(from.len() + to.len()).max(1);
    writeln!(out, "{:>label_width$}  {from}{}{to}", "", " ".repeat(gap))
}

/// One character of a bar: full, partial (eighths) or empty at `row`.
fn bar_cell(count: u32, max: u32, row: usize) -> char {
    const EIGHTHS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if max == 0 {
        return ' ';
    }
    let height = (u64::from(count) * (BAR_ROWS as u64) * 8).div_ceil(u64::from(max));
    let filled = height.saturating_sub(row as u64 * 8).min(8);
    EIGHTHS[filled as usize]
}

fn retention(out: &mut impl Write, stats: &Stats, paint: Paint) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        paint.heading(&format!(
            "{:<18}{:>18}{:>18}{:>18}",
            "True retention", "young", "mature", "all"
        ))
    )?;
    for period in &stats.retention {
        writeln!(
            out,
            "  {:<16}{:>18}{:>18}{:>18}",
            format!("last {}", plural(period.days, "day")),
            tally(&period.young),
            tally(&period.mature),
            tally(&period.all)
        )?;
    }
    Ok(())
}

fn tally(t: &Tally) -> String {
    match t.rate {
        Some(_) => format!("{} of {}", percent(t.rate), t.total()),
        None => "–".to_string(),
    }
}

fn buttons(out: &mut impl Write, stats: &Stats, paint: Paint) -> io::Result<()> {
    let title = format!("Answer buttons, last {}", plural(stats.days, "day"));
    writeln!(
        out,
        "{}",
        paint.heading(&format!(
            "{title:<32}{:>9}{:>9}{:>9}{:>9}{:>10}",
            "Again", "Hard", "Good", "Easy", "answers"
        ))
    )?;
    let b = &stats.buttons;
    for (name, grades) in [("learning", &b.learning), ("young", &b.young), ("mature", &b.mature)] {
        writeln!(out, "  {name:<30}{}", grade_cells(grades))?;
    }
    Ok(())
}

fn grade_cells(g: &Grades) -> String {
    let shares: Vec<String> = (0..4)
        .map(|i| format!("{:>9}", percent(g.shares.map(|s| s[i]))))
        .collect();
    format!("{}{:>10}", shares.concat(), g.total)
}

fn leeches(out: &mut impl Write, stats: &Stats, paint: Paint) -> io::Result<()> {
    let l = &stats.leeches;
    let title = format!("Leeches · {} with {} or more lapses", plural(l.count, "card"), l.lapses);
    writeln!(out, "{}", paint.heading(&title))?;
    for card in l.cards.iter().take(LEECHES_SHOWN) {
        let line = format!(
            "  {:>3} {:<6}  {} · {}",
            card.lapses,
            if card.lapses == 1 { "lapse" } else { "lapses" },
            escape_control(&card.deck).replace('\n', " "),
            escape_control(&card.question).replace('\n', " ")
        );
        writeln!(out, "{}", fit(&line, WIDTH))?;
    }
    if l.count as usize > LEECHES_SHOWN {
        writeln!(out, "  … and {} more", l.count as usize - LEECHES_SHOWN)?;
    }
    Ok(())
}

/// Text cut to `width` display columns.
fn fit(text: &str, width: usize) -> String {
    console::truncate_str(text, width, "…").into_owned()
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".to_string(), |r| format!("{:.1}%", r * 100.0))
}

fn days(n: u32) -> String {
    plural(n, "day")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heat_levels_split_the_busiest_day_in_quarters() {
        assert_eq!(level(0, 40), 0);
        assert_eq!(level(1, 40), 1);
        assert_eq!(level(10, 40), 1);
        assert_eq!(level(11, 40), 2);
        assert_eq!(level(40, 40), 4);
    }

    #[test]
    fn bars_fill_in_eighths() {
        // 6 rows of 8 eighths: half of max is 24 eighths = 3 full rows.
        let col: Vec<char> = (0..BAR_ROWS).map(|r| bar_cell(5, 10, r)).collect();
        assert_eq!(col, ['█', '█', '█', ' ', ' ', ' ']);
        assert_eq!(bar_cell(1, 48, 0), '▁');
        assert_eq!(bar_cell(0, 48, 0), ' ');
    }

    fn store_with_a_deck() -> crate::store::Store {
        let mut store = crate::store::Store::open_in_memory().unwrap();
        let deck = "# D\n## a\nq: one?\na: 1\n## b\nq: two?\na: 2\n";
        let source = crate::deck::build::Source {
            label: "d.deck".into(),
            key: "d".into(),
            bytes: deck.as_bytes().to_vec(),
        };
        crate::deck::build::build(&mut store, &[source]).unwrap();
        store
    }

    #[test]
    fn the_dashboard_is_coloured_only_when_asked() {
        let store = store_with_a_deck();
        let clock = crate::clock::Clock::new(crate::clock::parse_now("2026-03-10T10:00:00Z").unwrap(), chrono::Utc, 4);
        let stats = crate::stats::compute(&store, &crate::stats::Period { deck: None, days: 30 }, &clock).unwrap();
        let mut plain = Vec::new();
        render(&mut plain, &stats, false).unwrap();
        let plain = String::from_utf8(plain).unwrap();
        assert!(!plain.contains('\u{1b}'));
        assert!(plain.contains("Tue ·······"), "{plain}");
        let mut coloured = Vec::new();
        render(&mut coloured, &stats, true).unwrap();
        let coloured = String::from_utf8(coloured).unwrap();
        assert!(coloured.contains("\u{1b}[38;5;"), "256-colour heatmap cells");
        assert_eq!(
            console::strip_ansi_codes(&coloured).lines().count(),
            plain.lines().count()
        );
    }
}
