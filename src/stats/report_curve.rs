//! The workload-vs-retention curve in the HTML report (`report --curve`):
//! study time and cards remembered for each desired retention as inline SVG
//! line charts, the cheapest retention marked. The curve itself is computed
//! by [`crate::optimize::simulate`], as for `simulate --curve`.

use std::fmt::Write as _;

use super::svg::{BOTTOM, CHART_HEIGHT, CHART_WIDTH, LEFT, TOP, escape, format_tick, nice_max};
use crate::optimize::simulate::{Outcome, WorkloadCurve};

/// The section: a note naming the cheapest retention and the one in use,
/// then the two charts.
pub fn section(html: &mut String, curve: &WorkloadCurve) {
    html.push_str("<section id=\"workload\"><h2>Workload by desired retention</h2>\n<p class=\"note\">");
    let _ = write!(
        html,
        "Simulated over {} days with your cards, limits and parameters. ",
        curve.days
    );
    match curve.cheapest_outcome() {
        Some(best) => {
            let _ = write!(
                html,
                "▲ {:.2} costs least study time per card remembered ({:.1} minutes a day, {:.0} cards); ",
                best.retention, best.minutes_per_day, best.remembered
            );
        }
        None => html.push_str("No retention leaves a card remembered; "),
    }
    let _ = writeln!(
        html,
        "in use: {:.2}. Change it with <code>iskra config retention R</code>.</p>",
        curve.in_use
    );
    line_chart(html, "workload-minutes", "Study time, minutes a day", curve, |o| {
        o.minutes_per_day
    });
    let title = format!("Cards remembered on day {}", curve.days);
    line_chart(html, "workload-remembered", &title, curve, |o| o.remembered);
    html.push_str("</section>\n");
}

/// One series of the curve as a line with a point (and its tooltip) per
/// retention, the cheapest one drawn apart with a dashed line down to the axis.
fn line_chart(html: &mut String, id: &str, title: &str, curve: &WorkloadCurve, value: impl Fn(&Outcome) -> f32) {
    let points = &curve.outcomes;
    let top_value = nice_max(points.iter().map(|o| f64::from(value(o))).fold(0.0, f64::max));
    let plot_w = CHART_WIDTH - LEFT - 12.0;
    let plot_h = CHART_HEIGHT - TOP - BOTTOM;
    let base = TOP + plot_h;
    let step = plot_w / points.len().saturating_sub(1).max(1) as f64;
    let at = |i: usize, o: &Outcome| {
        (
            LEFT + 6.0 + i as f64 * step,
            base - f64::from(value(o)) / top_value * plot_h,
        )
    };
    let _ = write!(
        html,
        "<h3 class=\"note\">{}</h3><svg id=\"{id}-chart\" class=\"wide\" viewBox=\"0 0 {CHART_WIDTH} {CHART_HEIGHT}\" \
         role=\"img\" aria-label=\"{} by desired retention\">",
        escape(title),
        escape(title)
    );
    for tick in [0.0, 0.5, 1.0] {
        let y = base - tick * plot_h;
        let _ = write!(
            html,
            "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{CHART_WIDTH}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT - 6.0,
            y + 4.0,
            format_tick(top_value * tick)
        );
    }
    if let Some((i, best)) = curve.cheapest.map(|i| (i, &points[i])) {
        let (x, y) = at(i, best);
        let _ = write!(
            html,
            "<line class=\"best-line\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{y:.1}\" y2=\"{base:.1}\"/>"
        );
    }
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let (x, y) = at(i, o);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = write!(html, "<polyline class=\"curve\" points=\"{}\"/>", line.join(" "));
    for (i, o) in points.iter().enumerate() {
        let (x, y) = at(i, o);
        let (class, r) = match curve.cheapest == Some(i) {
            true => ("best", 5.0),
            false => ("point", 2.5),
        };
        let _ = write!(
            html,
            "<circle class=\"{class}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r}\"><title>retention {:.2}: {:.1} \
             minutes a day, {:.0} cards remembered</title></circle>",
            o.retention, o.minutes_per_day, o.remembered
        );
        if i % 5 == 0 || i + 1 == points.len() {
            // The last label ends at the chart's edge rather than past it.
            let anchor = if i + 1 == points.len() { "end" } else { "middle" };
            let x = if i + 1 == points.len() { CHART_WIDTH } else { x };
            let _ = write!(
                html,
                "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{:.2}</text>",
                CHART_HEIGHT - 6.0,
                o.retention
            );
        }
    }
    html.push_str("</svg>\n");
}
