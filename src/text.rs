//! Text shared by every layer: making users' text inert for a terminal
//! ([`escape_control`], [`escape_json`]) and short human formats
//! ([`short_interval`]). Ground floor: imports nothing from the crate.

/// Makes text inert for a terminal: control characters (C0 and C1, including
/// ESC, CR and BEL), bidirectional overrides and other invisible formatting
/// characters are shown as `\u{..}` escapes. Newlines and tabs are kept.
pub fn escape_control(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\n' || c == '\t' || !is_dangerous(c) {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    out
}

/// Makes JSON text inert for a terminal: serde escapes C0 controls but
/// writes C1 controls and bidirectional overrides raw; those become `\uXXXX`
/// escapes, which read back as the same strings. (Outside strings JSON
/// holds only ASCII punctuation and whitespace, which is left alone.)
pub fn escape_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c == '\n' || c == '\t' || !is_dangerous(c) {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// [`escape_control`] for text shown on one line (a path, a name in a
/// message): line breaks and tabs are escaped too, so it cannot start a line.
pub fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_dangerous(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// [`escape_control`] for text whose lines end in CRLF (CSV, Anki text
/// files): the CRLF line ends are kept, every other control character is
/// escaped.
pub fn escape_control_crlf(text: &str) -> String {
    text.split("\r\n").map(escape_control).collect::<Vec<_>>().join("\r\n")
}

/// A name or tag from someone else's file made fit for one line: each run of
/// control characters (line breaks, tabs, escapes, C1 controls) becomes one
/// space, and the ends are trimmed. Names, tags and keys never hold control
/// characters, so they cannot forge a line of output wherever they are shown.
pub fn clean_name(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_control = false;
    for c in text.chars() {
        if c.is_control() {
            if !in_control {
                out.push(' ');
            }
            in_control = true;
        } else {
            out.push(c);
            in_control = false;
        }
    }
    out.trim().to_string()
}

/// Whether a character must not reach a terminal raw: control characters
/// (C0, DEL, C1), bidirectional overrides and other invisible formatting.
pub fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{0600}'..='\u{0605}' | '\u{061c}' | '\u{06dd}' | '\u{070f}' | '\u{180e}'
            | '\u{200b}'..='\u{200f}' // zero-width and directional marks
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{202a}'..='\u{202e}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}' // bidi isolates and deprecated format controls
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e0000}'..='\u{e007f}' // tag characters
        )
}

/// Formats an interval for the grade buttons: `1m`, `10m`, `3h`, `4d`, `2.1mo`, `1.5y`.
pub fn short_interval(secs: i64) -> String {
    let secs = secs.max(0) as f64;
    let minutes = secs / 60.0;
    let hours = minutes / 60.0;
    let days = hours / 24.0;
    if minutes < 1.0 {
        format!("{}s", secs.round())
    } else if hours < 1.0 {
        format!("{}m", minutes.round())
    } else if days < 1.0 {
        format!("{}h", hours.round())
    } else if days < 30.0 {
        format!("{}d", days.round())
    } else if days < 365.0 {
        format!("{:.1}mo", days / 30.0)
    } else {
        format!("{:.1}y", days / 365.0)
    }
}

/// `1h 05m`, `3m 20s`.
pub fn duration(ms: i64) -> String {
    let secs = ms.max(0) / 1000;
    if secs >= 3600 {
        format!("{}h {:02}m", secs / 3600, secs % 3600 / 60)
    } else {
        format!("{}m {:02}s", secs / 60, secs % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_sequences() {
        let hostile = "a\u{1b}[31mred\u{7}\r\u{9b}2J\u{202e}evil\u{1b}]0;title\u{7}";
        let shown = escape_control(hostile);
        assert!(!shown.chars().any(is_dangerous), "{shown:?}");
        assert_eq!(
            shown,
            "a\\u{1b}[31mred\\u{7}\\u{d}\\u{9b}2J\\u{202e}evil\\u{1b}]0;title\\u{7}"
        );
        assert_eq!(escape_control("line\nnext\tZinóviev"), "line\nnext\tZinóviev");
    }

    #[test]
    fn json_is_escaped_and_reads_back_the_same() {
        let value = serde_json::json!({"name": "a\u{1b}]0;t\u{7}\u{9b}\u{202e}\u{e0041}\nb"});
        let text = escape_json(&serde_json::to_string_pretty(&value).unwrap());
        assert!(!text.chars().any(|c| c != '\n' && is_dangerous(c)), "{text}");
        assert!(text.contains(r"\u009b\u202e\udb40\udc41"), "{text}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
    }

    #[test]
    fn inline_text_cannot_break_a_line_and_names_hold_no_controls() {
        assert_eq!(escape_inline("a\nb\tc\u{1b}d"), "a\\u{a}b\\u{9}c\\u{1b}d");
        assert_eq!(escape_control_crlf("a\u{7}\r\nb\rc\r\n"), "a\\u{7}\r\nb\\u{d}c\r\n");
        assert_eq!(
            clean_name("  Maths\nanswered: Good\u{7}\u{1b}x \t"),
            "Maths answered: Good x"
        );
        assert_eq!(
            clean_name("\u{202e}kept"),
            "\u{202e}kept",
            "bidi marks are escaped on output, not removed"
        );
    }

    #[test]
    fn intervals_read_naturally() {
        assert_eq!(short_interval(60), "1m");
        assert_eq!(short_interval(600), "10m");
        assert_eq!(short_interval(4 * 86_400), "4d");
        assert_eq!(short_interval(90 * 86_400), "3.0mo");
        assert_eq!(short_interval(730 * 86_400), "2.0y");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(200_000), "3m 20s");
        assert_eq!(duration(3_900_000), "1h 05m");
    }
}
