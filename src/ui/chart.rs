//! Text charts: a series of values drawn as columns of block characters
//! over a labelled axis, for `iskra simulate --curve` (the workload and the
//! cards remembered against desired retention).

use std::fmt::Write;

use crate::optimize::simulate::{Outcome, WorkloadCurve};

/// Eighths of a character cell, bottom up.
const BLOCKS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One chart: a title, the values of a series over labelled x positions,
/// and the position to mark (`▲` under it), if any.
pub struct Chart<'a> {
    pub title: &'a str,
    /// (x label, value), left to right.
    pub points: &'a [(String, f32)],
    pub mark: Option<usize>,
    /// Rows of the plot.
    pub height: usize,
}

impl Chart<'_> {
    /// The chart as lines of text: the y axis labelled with the largest and
    /// the smallest value, one column of blocks (two characters wide) per
    /// point, then the x labels that fit, each under its column.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.title);
        if self.points.is_empty() {
            return out;
        }
        let values: Vec<f32> = self.points.iter().map(|p| p.1).collect();
        let max = values.iter().copied().fold(f32::MIN, f32::max);
        let min = values.iter().copied().fold(f32::MAX, f32::min);
        // From a little under the smallest value, so every column shows.
        let floor = (min - (max - min) * 0.1).max(0.0);
        let span = (max - floor).max(f32::EPSILON);
        let eighths: Vec<usize> = values
            .iter()
            .map(|v| (((v - floor) / span) * (self.height * 8) as f32).round() as usize)
            .collect();
        let top = number(max);
        let bottom = number(floor);
        let margin = top.chars().count().max(bottom.chars().count());
        for row in (0..self.height).rev() {
            let label = match row {
                r if r == self.height - 1 => top.as_str(),
                0 => bottom.as_str(),
                _ => "",
            };
            let cells: String = eighths
                .iter()
                .map(|&e| {
                    let block = BLOCKS[e.saturating_sub(row * 8).min(8)];
                    [block, block].iter().collect::<String>()
                })
                .collect();
            let _ = writeln!(out, "{label:>margin$} │{}", cells.trim_end());
        }
        let _ = writeln!(out, "{:>margin$} └{}", "", "─".repeat(2 * self.points.len()));
        if let Some(mark) = self.mark {
            let _ = writeln!(out, "{:>margin$}  {}▲", "", " ".repeat(2 * mark));
        }
        let _ = writeln!(out, "{:>margin$}  {}", "", self.x_labels());
        out
    }

    /// The x labels, each starting under its column, as many as fit with a
    /// space between: the first, the last, and those in between with room.
    fn x_labels(&self) -> String {
        let last = self.points.len() - 1;
        let mut line = vec![' '; 2 * self.points.len() + 8];
        let mut free_from = 0;
        for (i, (label, _)) in self.points.iter().enumerate() {
            let (start, len) = (2 * i, label.chars().count());
            let room = i == last || start + len < 2 * last;
            if start >= free_from && room && start + len <= line.len() {
                line.splice(start..start + len, label.chars());
                free_from = start + len + 1;
            }
        }
        line.iter().collect::<String>().trim_end().to_string()
    }
}

/// `simulate --curve`: study time and cards remembered for each simulated
/// retention, the retention that costs least study time per card
/// remembered marked, and the one in use named.
pub fn workload_curve(curve: &WorkloadCurve) -> String {
    let label = |o: &Outcome| format!("{:.2}", o.retention);
    let outcomes = &curve.outcomes;
    let minutes: Vec<(String, f32)> = outcomes.iter().map(|o| (label(o), o.minutes_per_day)).collect();
    let remembered: Vec<(String, f32)> = outcomes.iter().map(|o| (label(o), o.remembered)).collect();
    let mut out = Chart {
        title: "Study time, minutes a day (by desired retention)",
        points: &minutes,
        mark: curve.cheapest,
        height: 8,
    }
    .render();
    let title = format!("Cards remembered on day {}", curve.days);
    out += &Chart {
        title: &title,
        points: &remembered,
        mark: curve.cheapest,
        height: 6,
    }
    .render();
    if let Some(best) = curve.cheapest_outcome() {
        let _ = writeln!(
            out,
            "▲ {:.2} costs least study time per card remembered ({:.1} minutes a day, {:.0} cards); in use: {:.2}.",
            best.retention, best.minutes_per_day, best.remembered, curve.in_use
        );
    }
    let _ = writeln!(out, "Change the retention with `iskra config retention R`.");
    out
}

/// A value as the axis shows it: no decimals from 100 on, one below.
fn number(v: f32) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(values: &[f32]) -> Vec<(String, f32)> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("0.{}", 70 + i * 5), *v))
            .collect()
    }

    #[test]
    fn columns_grow_with_the_values_and_the_axis_names_the_extremes() {
        let points = points(&[10.0, 20.0, 40.0, 80.0]);
        let chart = Chart {
            title: "minutes a day",
            points: &points,
            mark: Some(2),
            height: 4,
        }
        .render();
        let lines: Vec<&str> = chart.lines().collect();
        assert_eq!(lines[0], "minutes a day");
        assert!(lines[1].starts_with("80.0 │"), "{chart}");
        assert!(lines[4].starts_with(" 3.0 │"), "{chart}");
        // The last column is full to the top; the first barely shows.
        assert!(lines[1].ends_with("██"), "{chart}");
        assert_eq!(lines[1].matches('█').count(), 2, "{chart}");
        assert!(lines[4].starts_with(" 3.0 │▃▃"), "{chart}");
        // Each column is at least as tall as the one before.
        let height = |col: usize| -> usize {
            lines[1..5]
                .iter()
                .map(|l| {
                    let cell = l.split('│').nth(1).unwrap_or("").chars().nth(2 * col).unwrap_or(' ');
                    BLOCKS.iter().position(|&b| b == cell).unwrap_or(0)
                })
                .sum()
        };
        assert!((1..4).all(|c| height(c) >= height(c - 1)), "{chart}");
        assert_eq!(lines[5], "     └────────");
        assert_eq!(lines[6], "          ▲", "under the third column");
        assert!(
            lines[7].trim_start().starts_with("0.70") && lines[7].ends_with("0.85"),
            "{chart}"
        );
    }

    #[test]
    fn labels_that_do_not_fit_are_left_out() {
        let points: Vec<(String, f32)> = (70..=99).map(|r| (format!("0.{r}"), r as f32)).collect();
        let chart = Chart {
            title: "t",
            points: &points,
            mark: None,
            height: 3,
        }
        .render();
        let labels = chart.lines().last().unwrap();
        assert!(labels.trim_start().starts_with("0.70 "), "{chart}");
        assert!(labels.ends_with("0.99"), "{chart}");
        assert!(
            labels.contains("0.73") && !labels.contains("0.71"),
            "every third fits: {labels}"
        );
        assert!(!chart.contains('▲'));
    }
}
