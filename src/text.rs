//! Text shared by every layer: making users' text inert for a terminal
//! ([`escape_control`], [`escape_json`]), folding it for lenient
//! comparison ([`fold`]: the quiz matcher and search) and short human
//! formats ([`short_interval`]). Ground floor: imports nothing from the crate.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A value as the deck format holds it (and its parser reads it back):
/// each line trimmed, blank lines dropped (the format ends a value at a
/// blank line).
pub fn clean_value(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first `max_chars` characters of `text`, with `…` when there is more:
/// what an error message quotes of a value a user gave (which may be long).
pub fn clip(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

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

/// Text folded for lenient comparison, in any script: Unicode compatibility
/// decomposition (NFKD: `ﬁ` → `fi`, `①` → `1`, full-width → plain),
/// diacritics dropped (the combining marks of Latin, Greek, Cyrillic,
/// Hebrew and Arabic; the vowel signs of Indic and other scripts stay, they
/// are letters), letters with no decomposition spelled plainly (`ł` → `l`,
/// `ø` → `o`, `ß` → `ss`, `æ` → `ae`, `þ` → `th`…), case folded by Unicode
/// rules (`Σ`, `σ` and `ς` are one letter; `Зиновьев` = `зиновьев`),
/// apostrophes dropped, thousands separators (`36,500`) removed, and every
/// other character that is not a letter or digit turned into a space; words
/// are separated by single spaces, with none at either end. The quiz matcher
/// compares answers so folded (and then turns number words into digits);
/// search matches words and phrases in folded card text.
pub fn fold(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // True after a space (or at the start): a separator adds nothing.
    let mut after_space = true;
    let mut push = |out: &mut String, c: char| {
        if c == ' ' {
            if !after_space {
                out.push(' ');
                after_space = true;
            }
        } else {
            out.push(c);
            after_space = false;
        }
    };
    for (i, c) in text.char_indices() {
        if (c == ',' && is_thousands_separator(bytes, i)) || is_apostrophe(c) {
            continue;
        }
        if c.is_ascii() {
            push(
                &mut out,
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    ' '
                },
            );
            continue;
        }
        for part in std::iter::once(c).nfkd() {
            for lower in part.to_lowercase() {
                let lower = case_fold(lower);
                if is_diacritic(lower) || is_apostrophe(lower) {
                    continue;
                }
                match plain_letters(lower) {
                    Some(plain) => plain.chars().for_each(|p| push(&mut out, p)),
                    None if lower.is_alphanumeric() || is_combining_mark(lower) => push(&mut out, lower),
                    None => push(&mut out, ' '),
                }
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02bc}' | '`' | '\u{b4}')
}

/// A combining mark that only decorates a letter (an accent, a breathing, a
/// Hebrew or Arabic vowel point), so the letter without it is the same
/// answer. Marks that are letters of their script (Devanagari vowel signs,
/// Japanese voicing marks) are not in these ranges and stay.
fn is_diacritic(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036f}'   // combining diacritical marks (Latin, Greek, Cyrillic)
        | '\u{0483}'..='\u{0489}' // Cyrillic titlo and signs
        | '\u{0591}'..='\u{05bd}' | '\u{05bf}' | '\u{05c1}' | '\u{05c2}' | '\u{05c4}' | '\u{05c5}' | '\u{05c7}' // Hebrew points
        | '\u{0610}'..='\u{061a}' | '\u{064b}'..='\u{065f}' | '\u{0670}' // Arabic harakat
        | '\u{1ab0}'..='\u{1aff}' // combining diacritical marks extended
        | '\u{1dc0}'..='\u{1dff}' // combining diacritical marks supplement
        | '\u{20d0}'..='\u{20ff}' // combining marks for symbols
        | '\u{fe20}'..='\u{fe2f}' // combining half marks
    )
}

/// The case folding of a lower-case letter where it differs from the lower
/// case (Unicode's CaseFolding.txt, the entries NFKD does not already cover).
fn case_fold(c: char) -> char {
    match c {
        'ς' => 'σ',
        // Cherokee folds to its capitals.
        '\u{ab70}'..='\u{abbf}' => char::from_u32(c as u32 - 0xab70 + 0x13a0).unwrap_or(c),
        '\u{13f8}'..='\u{13fd}' => char::from_u32(c as u32 - 8).unwrap_or(c),
        _ => c,
    }
}

/// A `,` (at byte `i`) between a digit and exactly three digits (`36,500`).
fn is_thousands_separator(bytes: &[u8], i: usize) -> bool {
    let digit = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_digit);
    i > 0 && digit(i - 1) && (1..=3).all(|k| digit(i + k)) && !digit(i + 4)
}

/// The plain letters of a lower-case letter that has no decomposition.
fn plain_letters(c: char) -> Option<&'static str> {
    Some(match c {
        'æ' | 'ǣ' | 'ǽ' => "ae",
        'đ' | 'ð' | 'ɖ' | 'ɗ' => "d",
        'ħ' => "h",
        'ı' | 'ɨ' => "i",
        'ĸ' => "k",
        'ł' | 'ƚ' => "l",
        'ŋ' => "n",
        'ø' | 'ǿ' | 'ɵ' => "o",
        'œ' => "oe",
        'ß' => "ss",
        'ŧ' => "t",
        'þ' => "th",
        'ƀ' => "b",
        'ʉ' => "u",
        _ => return None,
    })
}

/// A count and its noun, in the singular for one and the plural otherwise:
/// `1 card`, `0 cards`, `2 entries`, `3 matches`. The one place plurals are
/// made, so no output says `1 cards` or `card(s)`.
pub fn plural(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    if n == 1 {
        return format!("{n} {noun}");
    }
    let consonant_y = noun.ends_with('y') && !noun.ends_with("ay") && !noun.ends_with("ey") && !noun.ends_with("oy");
    if consonant_y {
        format!("{n} {}ies", &noun[..noun.len() - 1])
    } else if ["s", "x", "ch", "sh"].iter().any(|end| noun.ends_with(end)) {
        format!("{n} {noun}es")
    } else {
        format!("{n} {noun}s")
    }
}

/// The form of a verb that agrees with a count: `one` for one, `many`
/// otherwise, as `plural` picks the noun (`1 card waits`, `2 cards wait`).
pub fn agree<'a>(n: impl Into<u64>, one: &'a str, many: &'a str) -> &'a str {
    if n.into() == 1 { one } else { many }
}

/// A share as a whole percentage, rounded (2 of 3 is `67%`, not `66%`).
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0%".to_string();
    }
    format!("{}%", (part as f64 * 100.0 / whole as f64).round() as u64)
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
    fn plurals_and_percentages() {
        assert_eq!(plural(1u32, "card"), "1 card");
        assert_eq!(plural(0u32, "card"), "0 cards");
        assert_eq!(plural(2u64, "entry"), "2 entries");
        assert_eq!(plural(2u64, "day"), "2 days");
        assert_eq!(plural(3u64, "match"), "3 matches");
        assert_eq!(plural(1u64, "more new card"), "1 more new card");
        assert_eq!(agree(1u32, "waits", "wait"), "waits");
        assert_eq!(agree(0u32, "waits", "wait"), "wait");
        assert_eq!(agree(2u64, "is", "are"), "are");
        assert_eq!(percent(2, 3), "67%");
        assert_eq!(percent(1, 3), "33%");
        assert_eq!(percent(0, 0), "0%");
        assert_eq!(percent(1, 8), "13%");
        assert_eq!(percent(7, 7), "100%");
        assert_eq!(percent(199, 200), "100%");
    }

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
    fn folding_keeps_letters_and_digits_in_lower_case() {
        assert_eq!(
            fold("  Zinóviev's   \"Comintern\" (1919–1943) "),
            "zinovievs comintern 1919 1943"
        );
        assert_eq!(fold("36,500 days, 1,2"), "36500 days 1 2");
        assert_eq!(fold("Œuvre STRASSE Straße e\u{301}te"), "oeuvre strasse strasse ete");
        assert_eq!(fold("Кронштадт\nВосстание"), "кронштадт восстание");
        assert_eq!(fold("a_b%c"), "a b c", "no LIKE wildcard survives folding");
        assert_eq!(fold("!?"), "");
    }

    #[test]
    fn folding_works_in_every_script() {
        let same = [
            // Cyrillic: case, and ё as е.
            ("Зиновьев", "зиновьев"),
            ("Алёша", "Алеша"),
            ("ЙОД", "иод"),
            // Greek: accents, breathings, final sigma, capitals.
            ("Σωκράτης", "ΣΩΚΡΑΤΗΣ"),
            ("Ἀθῆναι", "αθηναι"),
            ("Ὀδυσσεύς", "οδυσσευσ"),
            // Polish and German letters with and without decompositions.
            ("Łódź", "lodz"),
            ("Wałęsa", "walesa"),
            ("Straße", "STRASSE"),
            ("Müller", "muller"),
            ("ẞ", "ss"),
            // Vietnamese stacked marks, Nordic letters, ligatures.
            ("Nguyễn Đình", "nguyen dinh"),
            ("Søren Kierkegaard", "soren kierkegaard"),
            ("Æsir, Þór", "aesir thor"),
            ("ﬁnal ﬂag", "final flag"),
            // Compatibility forms: full width, circled and superscript digits.
            ("ＡＢＣ１２", "abc12"),
            ("①②", "12"),
            ("İstanbul", "istanbul"),
            ("Dağ", "dag"),
            // Hebrew and Arabic vowel points are not letters.
            ("שָׁלוֹם", "שלום"),
            ("مُحَمَّد", "محمد"),
        ];
        for (a, b) in same {
            assert_eq!(fold(a), fold(b), "{a:?} and {b:?} fold differently");
        }
        assert_eq!(fold("Зиновьев"), "зиновьев");
        assert_eq!(fold("Ἀθῆναι"), "αθηναι");
        // Letters of other scripts are kept (not turned into spaces), and
        // their vowel signs are letters, not accents.
        assert_eq!(fold("नमस्ते दुनिया"), "नमस्ते दुनिया");
        assert_ne!(fold("कमल"), fold("कमाल"));
        assert_ne!(fold("Зиновьев"), fold("Zinoviev"), "no transliteration between scripts");
        assert_ne!(fold("σ"), fold("ο"));
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
