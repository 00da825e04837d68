//! `iskra report`: one self-contained HTML file drawn from [`Stats`]: inline
//! CSS and inline SVG, no scripts, no fonts, nothing fetched. Charts scale
//! with the page (phones) and sections keep together in print.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

pub use super::svg::escape;
use super::svg::{BOTTOM, CHART_HEIGHT, CHART_WIDTH, LEFT, TOP, format_tick, nice_max};
use super::{CardBrief, DayCount, DayStats, Grades, Histogram, Stats, Tally};
use crate::optimize::simulate::WorkloadCurve;
use crate::text::{duration, plural};

/// Width of a histogram's, shown two to a row on wide screens.
const HALF_WIDTH: f64 = 360.0;
/// Heatmap cell size and gap.
const CELL: f64 = 11.0;
const GAP: f64 = 2.0;

const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff;
  --learn: #4c8eda; --review: #3a9a5b; --relearn: #d9822b; --due: #c9a227; --bar: #4c8eda;
  --l0: #ebedf0; --l1: #9be9a8; --l2: #40c463; --l3: #30a14e; --l4: #216e39; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
header p, .note { color: var(--muted); margin: 0; }
section { margin: 1.5rem 0; break-inside: avoid; page-break-inside: avoid; }
.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .5rem; }
.summary div { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; }
.summary b { display: block; font-size: 1.25rem; }
.summary span { color: var(--muted); font-size: .85rem; }
svg { display: block; width: 100%; height: auto; }
svg text { font-size: 11px; fill: var(--muted); }
#heatmap-chart { min-width: 640px; }
.end { direction: rtl; } .end > svg { direction: ltr; }
@media (max-width: 40rem) { svg.wide text { font-size: 18px; } }
.axis { stroke: var(--line); stroke-width: 1; }
.learn { fill: var(--learn); } .review { fill: var(--review); } .relearn { fill: var(--relearn); }
.due { fill: var(--due); } .bar { fill: var(--bar); }
.curve { fill: none; stroke: var(--bar); stroke-width: 2; } .point { fill: var(--bar); }
.best { fill: var(--relearn); } .best-line { stroke: var(--relearn); stroke-dasharray: 4 3; }
h3.note { font-size: .9rem; font-weight: normal; margin: .75rem 0 .25rem; }
.l0 { fill: var(--l0); } .l1 { fill: var(--l1); } .l2 { fill: var(--l2); } .l3 { fill: var(--l3); }
.l4 { fill: var(--l4); }
.legend { display: flex; flex-wrap: wrap; gap: .75rem; color: var(--muted); font-size: .85rem; margin-top: .25rem; }
.legend i { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .25rem;
  vertical-align: -1px; }
.legend .learn, .legend .review, .legend .relearn, .legend .due, .legend .l0, .legend .l1, .legend .l2,
.legend .l3, .legend .l4 { background: currentColor; }
.legend .learn { color: var(--learn); } .legend .review { color: var(--review); }
.legend .relearn { color: var(--relearn); } .legend .due { color: var(--due); }
.legend .l0 { color: var(--l0); } .legend .l1 { color: var(--l1); } .legend .l2 { color: var(--l2); }
.legend .l3 { color: var(--l3); } .legend .l4 { color: var(--l4); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: .3rem .5rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
th:first-child, td:first-child, th.text, td.text { text-align: left; }
td.text { white-space: normal; min-width: 12rem; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .legend i, svg rect { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// The report as one HTML document; with `curve`, the workload by desired
/// retention too (`report --curve`).
pub fn render(stats: &Stats, curve: Option<&WorkloadCurve>) -> String {
    let mut html = String::with_capacity(64 * 1024);
    let scope = stats.deck.as_deref().unwrap_or("all decks");
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>iskra statistics · {} · {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape(scope),
        stats.study_day
    );
    let _ = writeln!(
        html,
        "<header><h1>Statistics · {}</h1><p>Study day {} (days start at {:02}:00 local time) · \
         generated {} UTC · iskra {}</p></header>",
        escape(scope),
        stats.study_day,
        stats.day_start_hour,
        stats.now.format("%Y-%m-%d %H:%M"),
        env!("CARGO_PKG_VERSION"),
    );
    summary(&mut html, stats);
    heatmap(&mut html, &stats.heatmap);
    reviews(&mut html, stats);
    forecast(&mut html, &stats.forecast);
    retention(&mut html, stats);
    if let Some(curve) = curve {
        super::report_curve::section(&mut html, curve);
    }
    buttons(&mut html, stats);
    html.push_str("<div class=\"pair\">\n");
    histogram(
        &mut html,
        "intervals",
        "Review intervals (days)",
        &stats.distributions.intervals,
    );
    histogram(&mut html, "difficulty", "Difficulty", &stats.distributions.difficulty);
    histogram(
        &mut html,
        "stability",
        "Stability (days)",
        &stats.distributions.stability,
    );
    histogram(
        &mut html,
        "retrievability",
        "Retrievability now",
        &stats.distributions.retrievability,
    );
    html.push_str("</div>\n");
    leeches(&mut html, stats);
    html.push_str("</main>\n</body>\n</html>\n");
    html
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".to_string(), |r| format!("{:.1}%", r * 100.0))
}

fn summary(html: &mut String, stats: &Stats) {
    let t = &stats.today;
    let c = &stats.cards;
    let d = &stats.distributions;
    let tiles = [
        (
            "Today".to_string(),
            plural(t.answers, "answer"),
            format!(
                "{} · {} · again {}",
                plural(t.cards, "card"),
                duration(t.time_ms),
                percent(t.again_rate)
            ),
        ),
        (
            "Streak".to_string(),
            plural(u64::from(stats.streak.current), "day"),
            format!("longest {}", plural(u64::from(stats.streak.longest), "day")),
        ),
        (
            "Cards".to_string(),
            format!("{}", c.total),
            format!(
                "new {} · learning {} · relearning {} · young {} · mature {} · suspended {} · buried {}",
                c.new, c.learning, c.relearning, c.young, c.mature, c.suspended, c.buried
            ),
        ),
        (
            "Recall now".to_string(),
            percent(d.retrievability.mean.map(|m| m / 100.0)),
            format!("mean over {}", plural(d.retrievability.count, "studied card")),
        ),
    ];
    html.push_str("<section id=\"summary\" class=\"summary\">\n");
    for (name, value, detail) in tiles {
        let _ = writeln!(
            html,
            "<div><span>{name}</span><b>{}</b><span>{}</span></div>",
            escape(&value),
            escape(&detail)
        );
    }
    html.push_str("</section>\n");
}

/// 0 for no answers, else 1–4 in quarters of the busiest day.
fn level(count: u32, max: u32) -> u32 {
    if count == 0 || max == 0 {
        0
    } else {
        (4 * count).div_ceil(max).clamp(1, 4)
    }
}

fn heatmap(html: &mut String, days: &[DayCount]) {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return;
    };
    let max = days.iter().map(|d| d.count).max().unwrap_or(0);
    let active = days.iter().filter(|d| d.count > 0).count();
    let lead = first.date.weekday().num_days_from_monday() as usize;
    let weeks = (lead + days.len()).div_ceil(7);
    let (left, top) = (30.0, 16.0);
    let width = left + weeks as f64 * (CELL + GAP);
    let height = top + 7.0 * (CELL + GAP);
    let _ = writeln!(
        html,
        "<section id=\"heatmap\"><h2>Answers per day, {} – {}</h2>\n<p class=\"note\">{} studied · \
         busiest day {}</p>\n<div class=\"scroll end\"><svg id=\"heatmap-chart\" viewBox=\"0 0 {width} {height}\" \
         role=\"img\" aria-label=\"Answers per day over the last year\">",
        first.date,
        last.date,
        plural(active as u64, "day"),
        plural(max, "answer")
    );
    for (row, name) in [(0, "Mon"), (2, "Wed"), (4, "Fri")] {
        let y = top + f64::from(row) * (CELL + GAP) + CELL - 2.0;
        let _ = write!(html, "<text x=\"0\" y=\"{y}\">{name}</text>");
    }
    let mut free_from = 0;
    for (i, d) in days.iter().enumerate() {
        let week = (lead + i) / 7;
        let row = (lead + i) % 7;
        if (i == 0 || d.date.day() == 1) && week >= free_from {
            let x = left + week as f64 * (CELL + GAP);
            let _ = write!(html, "<text x=\"{x}\" y=\"11\">{}</text>", d.date.format("%b"));
            free_from = week + 3;
        }
        let (x, y) = (left + week as f64 * (CELL + GAP), top + row as f64 * (CELL + GAP));
        let _ = write!(
            html,
            "<rect class=\"day l{}\" x=\"{x}\" y=\"{y}\" width=\"{CELL}\" height=\"{CELL}\" rx=\"2\">\
             <title>{}: {}</title></rect>",
            level(d.count, max),
            d.date,
            plural(d.count, "answer")
        );
    }
    html.push_str("</svg></div>\n<div class=\"legend\">less");
    for l in 0..5 {
        let _ = write!(html, " <i class=\"l{l}\"></i>");
    }
    html.push_str(" more</div></section>\n");
}

/// One bar: an x label, a tooltip, and stacked segments (CSS class, value).
struct Bar {
    label: String,
    title: String,
    segments: Vec<(&'static str, f64)>,
}

/// A bar chart as inline SVG, `width` units wide.
fn bar_chart(html: &mut String, id: &str, label: &str, bars: &[Bar], width: f64) {
    let max = bars
        .iter()
        .map(|b| b.segments.iter().map(|s| s.1).sum::<f64>())
        .fold(0.0, f64::max);
    let top_value = nice_max(max);
    let plot_w = width - LEFT - 4.0;
    let plot_h = CHART_HEIGHT - TOP - BOTTOM;
    let base = TOP + plot_h;
    let slot = plot_w / bars.len().max(1) as f64;
    let bar_w = (slot * 0.8).max(1.0);
    let class = if width >= CHART_WIDTH { "wide" } else { "half" };
    let _ = write!(
        html,
        "<svg id=\"{id}-chart\" class=\"{class}\" viewBox=\"0 0 {width} {CHART_HEIGHT}\" role=\"img\" \
         aria-label=\"{}\">",
        escape(label)
    );
    for tick in [0.0, 0.5, 1.0] {
        let y = base - tick * plot_h;
        let value = top_value * tick;
        let _ = write!(
            html,
            "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{width}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT - 6.0,
            y + 4.0,
            format_tick(value)
        );
    }
    // Labels every few bars, counted back from the last (today, or the
    // last bin), so they never crowd.
    let every = bars.len().div_ceil(if width >= CHART_WIDTH { 8 } else { 5 }).max(1);
    for (i, bar) in bars.iter().enumerate() {
        let x = LEFT + i as f64 * slot + (slot - bar_w) / 2.0;
        let _ = write!(html, "<g><title>{}</title>", escape(&bar.title));
        let mut y = base;
        for &(class, value) in &bar.segments {
            let h = value / top_value * plot_h;
            if h > 0.0 {
                y -= h;
                let _ = write!(
                    html,
                    "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar_w:.1}\" height=\"{h:.1}\"/>"
                );
            }
        }
        html.push_str("</g>");
        if (bars.len() - 1 - i).is_multiple_of(every) {
            // The last label ends at the chart's edge rather than past it.
            let (anchor, at) = if i + 1 == bars.len() {
                ("end", x + bar_w)
            } else {
                ("middle", x + bar_w / 2.0)
            };
            let _ = write!(
                html,
                "<text x=\"{at:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
                CHART_HEIGHT - 6.0,
                escape(&bar.label)
            );
        }
    }
    html.push_str("</svg>\n");
}

fn short(date: NaiveDate) -> String {
    date.format("%m-%d").to_string()
}

fn legend(html: &mut String, items: &[(&str, &str)]) {
    html.push_str("<div class=\"legend\">");
    for (class, name) in items {
        let _ = write!(html, "<span><i class=\"{class}\"></i>{name}</span>");
    }
    html.push_str("</div>\n");
}

fn reviews(html: &mut String, stats: &Stats) {
    let days: &[DayStats] = &stats.reviews;
    let total: u32 = days.iter().map(|d| d.reviews).sum();
    let time: i64 = days.iter().map(|d| d.time_ms).sum();
    let _ = writeln!(
        html,
        "<section id=\"reviews\"><h2>Reviews per day, last {}</h2>\n<p class=\"note\">{} · \
         {:.1} a day · {}</p>",
        plural(stats.days, "day"),
        plural(total, "answer"),
        f64::from(total) / f64::from(stats.days.max(1)),
        duration(time)
    );
    let bars: Vec<Bar> = days
        .iter()
        .map(|d| Bar {
            label: short(d.date),
            title: format!(
                "{}: {} ({} learning, {} review, {} relearning), {}",
                d.date,
                plural(d.reviews, "answer"),
                d.learning,
                d.review,
                d.relearn,
                duration(d.time_ms)
            ),
            segments: vec![
                ("review", f64::from(d.review)),
                ("learn", f64::from(d.learning)),
                ("relearn", f64::from(d.relearn)),
            ],
        })
        .collect();
    bar_chart(html, "reviews", "Answers per day by kind", &bars, CHART_WIDTH);
    legend(
        html,
        &[("review", "review"), ("learn", "learning"), ("relearn", "relearning")],
    );
    html.push_str("</section>\n");
}

fn forecast(html: &mut String, days: &[DayCount]) {
    let total: u32 = days.iter().map(|d| d.count).sum();
    let _ = writeln!(
        html,
        "<section id=\"forecast\"><h2>Forecast, next {}</h2>\n<p class=\"note\">{} due \
         (today includes overdue cards)</p>",
        plural(days.len() as u64, "day"),
        plural(total, "card")
    );
    let bars: Vec<Bar> = days
        .iter()
        .map(|d| Bar {
            label: short(d.date),
            title: format!("{}: {} due", d.date, plural(d.count, "card")),
            segments: vec![("due", f64::from(d.count))],
        })
        .collect();
    bar_chart(html, "forecast", "Cards due per day", &bars, CHART_WIDTH);
    html.push_str("</section>\n");
}

fn tally_cell(t: &Tally) -> String {
    match t.rate {
        Some(_) => format!(
            "<td>{} <span class=\"note\">of {}</span></td>",
            percent(t.rate),
            t.total()
        ),
        None => "<td>–</td>".to_string(),
    }
}

fn retention(html: &mut String, stats: &Stats) {
    html.push_str(
        "<section id=\"retention\"><h2>True retention</h2>\n<div class=\"scroll\"><table id=\"retention-table\">\
         <thead><tr><th>period</th><th>young</th><th>mature</th><th>all</th></tr></thead><tbody>\n",
    );
    for p in &stats.retention {
        let _ = writeln!(
            html,
            "<tr><td>last {}</td>{}{}{}</tr>",
            plural(p.days, "day"),
            tally_cell(&p.young),
            tally_cell(&p.mature),
            tally_cell(&p.all)
        );
    }
    html.push_str(
        "</tbody></table></div>\n<p class=\"note\">The first review of each card on a study day; it passed \
         unless graded Again. Young: interval under 21 days.</p></section>\n",
    );
}

fn buttons(html: &mut String, stats: &Stats) {
    let _ = writeln!(
        html,
        "<section id=\"buttons\"><h2>Answer buttons, last {}</h2>\n<div class=\"scroll\"><table>\
         <thead><tr><th></th><th>Again</th><th>Hard</th><th>Good</th><th>Easy</th><th>answers</th></tr></thead><tbody>",
        plural(stats.days, "day")
    );
    let b = &stats.buttons;
    for (name, grades) in [("learning", &b.learning), ("young", &b.young), ("mature", &b.mature)] {
        let _ = writeln!(html, "<tr><td>{name}</td>{}</tr>", grade_cells(grades));
    }
    html.push_str("</tbody></table></div></section>\n");
}

fn grade_cells(g: &Grades) -> String {
    let mut cells = String::new();
    for i in 0..4 {
        let _ = write!(cells, "<td>{}</td>", percent(g.shares.map(|s| s[i])));
    }
    let _ = write!(cells, "<td>{}</td>", g.total);
    cells
}

fn histogram(html: &mut String, id: &str, title: &str, h: &Histogram) {
    let mean = match h.mean {
        Some(m) if title.contains("(days)") => format!(" · mean {m:.1} days"),
        Some(m) => format!(" · mean {m:.1}%"),
        None => String::new(),
    };
    let _ = writeln!(
        html,
        "<section id=\"{id}\"><h2>{title}</h2>\n<p class=\"note\">{}{mean}</p>",
        plural(h.count, "card")
    );
    let bars: Vec<Bar> = h
        .bins
        .iter()
        .map(|b| Bar {
            label: b.label.trim_end_matches('%').to_string(),
            title: format!("{}: {}", b.label, plural(b.count, "card")),
            segments: vec![("bar", f64::from(b.count))],
        })
        .collect();
    bar_chart(html, id, title, &bars, HALF_WIDTH);
    html.push_str("</section>\n");
}

fn card_rows(html: &mut String, cards: &[CardBrief]) {
    for c in cards {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td></tr>",
            c.id,
            escape(&c.deck),
            escape(&c.question),
            c.lapses,
            c.reps,
            c.difficulty.map_or_else(
                || "–".to_string(),
                |d| format!("{:.0}%", super::cards::difficulty_percent(d))
            ),
            percent(c.retrievability)
        );
    }
}

fn card_table(html: &mut String, id: &str, cards: &[CardBrief]) {
    let _ = writeln!(
        html,
        "<div class=\"scroll\"><table id=\"{id}\"><thead><tr><th>card</th><th class=\"text\">deck</th>\
         <th class=\"text\">question</th>\
         <th>lapses</th><th>reviews</th><th>difficulty</th><th>recall now</th></tr></thead><tbody>"
    );
    card_rows(html, cards);
    html.push_str("</tbody></table></div>\n");
}

fn leeches(html: &mut String, stats: &Stats) {
    let l = &stats.leeches;
    let _ = writeln!(
        html,
        "<section id=\"leeches\"><h2>Leeches</h2>\n<p class=\"note\">{} with {} or more lapses{}</p>",
        plural(l.count, "card"),
        l.lapses,
        if (l.count as usize) > l.cards.len() {
            format!(" (the {} with the most shown)", l.cards.len())
        } else {
            String::new()
        }
    );
    if !l.cards.is_empty() {
        card_table(html, "leeches-table", &l.cards);
    }
    html.push_str("</section>\n<section id=\"hardest\"><h2>Hardest cards</h2>\n");
    if stats.hardest.is_empty() {
        html.push_str("<p class=\"note\">No card has been studied yet.</p>\n");
    } else {
        card_table(html, "hardest-table", &stats.hardest);
    }
    html.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<b>\"a\" & 'b'</b>"),
            "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;"
        );
        assert_eq!(escape("x\u{1b}[31m"), "x\u{fffd}[31m");
    }

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 8.0);
        assert_eq!(nice_max(11.0), 12.0);
        assert_eq!(nice_max(13.0), 15.0);
        assert_eq!(nice_max(240.0), 250.0);
        assert_eq!(nice_max(1370.0), 1500.0);
    }
}
