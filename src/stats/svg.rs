//! What the HTML report's SVG charts share: the coordinate system, round
//! axis tops, tick labels, and escaping text for HTML.

/// Width of a full-width chart's coordinate system (it scales to the page).
pub const CHART_WIDTH: f64 = 720.0;
pub const CHART_HEIGHT: f64 = 200.0;
/// Room for the y axis labels and the x labels.
pub const LEFT: f64 = 44.0;
pub const BOTTOM: f64 = 22.0;
pub const TOP: f64 = 8.0;

/// A round number at or above `max` for the top of an axis.
pub fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    let step = [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .into_iter()
        .find(|s| s * magnitude >= max)
        .unwrap_or(10.0);
    step * magnitude
}

/// A tick label: whole numbers without decimals, others with one.
pub fn format_tick(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// Text made safe for HTML (element content and attribute values).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}
