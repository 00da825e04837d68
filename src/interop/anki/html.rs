//! Anki's fields are HTML; iskra's are plain text. `to_text` turns a field
//! into what a reader sees: entities decoded, `<br>` and block boundaries
//! made newlines, every other tag dropped (with the contents of `<style>` and
//! `<script>`), sound tags removed, each line trimmed and blank lines
//! dropped (as the deck format holds values). `from_text` goes back for
//! export: the text escaped, newlines as `<br>`.

use crate::deck::write::clean_value;

/// Tags that end a line of text where they open or close.
const BLOCK_TAGS: &[&str] = &[
    "div",
    "p",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "hr",
];

/// A field's HTML as plain text.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => rest = tag(rest, &mut out),
            '&' => rest = entity(rest, &mut out),
            '[' if rest.starts_with("[sound:") => match rest.find(']') {
                Some(end) => {
                    out.push_str(&format!("[sound: {}]", rest["[sound:".len()..end].trim()));
                    rest = &rest[end + 1..];
                }
                None => {
                    out.push('[');
                    rest = &rest[1..];
                }
            },
            _ => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    clean_text(&out)
}

/// Plain text with Windows or old Mac line ends made `\n`, then cleaned as
/// the deck format holds values (lines trimmed, blank lines dropped).
pub fn clean_text(text: &str) -> String {
    clean_value(&text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Whether a text field looks like HTML (a tag or an entity), as Anki
/// guesses when a text file does not say.
pub fn looks_like_html(text: &str) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find(['<', '&']) {
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix('<') {
            let name = after.trim_start_matches('/');
            if name.starts_with(|c: char| c.is_ascii_alphabetic()) && tail.contains('>') {
                return true;
            }
        } else if decode_entity(tail).is_some() {
            return true;
        }
        rest = &tail[1..];
    }
    false
}

/// Plain text as an HTML field: `&`, `<`, `>` escaped, newlines as `<br>`.
pub fn from_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>"),
            _ => out.push(c),
        }
    }
    out
}

/// Handles the tag at the start of `rest`; returns what follows it.
fn tag<'a>(rest: &'a str, out: &mut String) -> &'a str {
    let Some(end) = rest.find('>') else {
        out.push('<');
        return &rest[1..];
    };
    let inner = &rest[1..end];
    let closing = inner.starts_with('/');
    let name: String = inner
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if name.is_empty() && !inner.starts_with('!') {
        // Not a tag: "a < b > c".
        out.push('<');
        return &rest[1..];
    }
    let after = &rest[end + 1..];
    match name.as_str() {
        "br" => out.push('\n'),
        "img" if !closing => {
            if let Some(source) = attribute(inner, "src").filter(|s| !s.is_empty()) {
                out.push_str(&format!("[image: {source}]"));
            }
        }
        "style" | "script" if !closing => {
            let close = format!("</{name}");
            return match after.to_ascii_lowercase().find(&close) {
                Some(at) => after[at..].find('>').map_or("", |gt| &after[at + gt + 1..]),
                None => "",
            };
        }
        n if BLOCK_TAGS.contains(&n) => out.push('\n'),
        _ => {}
    }
    after
}

/// The value of attribute `name` in a tag's inside (`img src="a.png"`,
/// quoted with `"` or `'`, or bare), entities decoded.
fn attribute(inner: &str, name: &str) -> Option<String> {
    let lower = inner.to_ascii_lowercase();
    let mut from = 0;
    let start = loop {
        let at = from + lower[from..].find(name)?;
        let before = lower[..at].chars().next_back();
        let after = lower[at + name.len()..].trim_start();
        if before.is_some_and(char::is_whitespace) && after.starts_with('=') {
            break at + name.len() + (lower[at + name.len()..].len() - after.len()) + 1;
        }
        from = at + name.len();
    };
    let value = inner[start..].trim_start();
    let raw = match value.chars().next()? {
        quote @ ('"' | '\'') => value[1..].split(quote).next()?,
        _ => value.split(|c: char| c.is_whitespace() || c == '/').next()?,
    };
    let mut out = String::new();
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        if c == '&' {
            rest = entity(rest, &mut out);
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Some(out.trim().to_string())
}

/// Decodes the entity at the start of `rest`; returns what follows it.
fn entity<'a>(rest: &'a str, out: &mut String) -> &'a str {
    match decode_entity(rest) {
        Some((c, len)) => {
            out.push(c);
            &rest[len..]
        }
        None => {
            out.push('&');
            &rest[1..]
        }
    }
}

/// The character an entity at the start of `text` stands for, and its length.
fn decode_entity(text: &str) -> Option<(char, usize)> {
    let end = text.char_indices().take(12).find(|&(_, c)| c == ';')?.0;
    let body = &text[1..end];
    let c = if let Some(number) = body.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        char::from_u32(code)?
    } else {
        named_entity(body)?
    };
    Some((c, end + 1))
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "middot" => '·',
        "bull" => '•',
        "deg" => '°',
        "times" => '×',
        "divide" => '÷',
        "copy" => '©',
        "reg" => '®',
        "euro" => '€',
        "pound" => '£',
        "sect" => '§',
        "shy" => '\u{ad}',
        "eacute" => 'é',
        "egrave" => 'è',
        "aacute" => 'á',
        "agrave" => 'à',
        "uuml" => 'ü',
        "ouml" => 'ö',
        "auml" => 'ä',
        "szlig" => 'ß',
        "ccedil" => 'ç',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_dropped_entities_decoded_breaks_kept() {
        assert_eq!(
            to_text("Paris &amp; <b>more</b><br>line&nbsp;2 &#233;t&#xE9; &lt;x&gt;"),
            "Paris & more\nline 2 été <x>"
        );
        assert_eq!(to_text("<div>one</div><div>two</div>"), "one\ntwo");
        assert_eq!(to_text("a<br/><br />  b  "), "a\nb");
        assert_eq!(to_text("<style>.x{}</style>kept<SCRIPT>evil()</script>!"), "kept!");
        assert_eq!(
            to_text("x [sound:a.mp3]<img src=\"y.png\"> z"),
            "x [sound: a.mp3][image: y.png] z"
        );
        assert_eq!(to_text("<IMG class=x SRC='a&amp;b.jpg' />"), "[image: a&b.jpg]");
        assert_eq!(to_text("<img data-src=\"no\" src=bare.gif>"), "[image: bare.gif]");
        assert_eq!(to_text("<img alt=\"none\">"), "");
    }

    #[test]
    fn stray_brackets_and_ampersands_are_text() {
        assert_eq!(
            to_text("1 < 2 and 3 > 2 & 4 &unknown; <"),
            "1 < 2 and 3 > 2 & 4 &unknown; <"
        );
        assert_eq!(to_text("&#99999999;"), "&#99999999;");
    }

    #[test]
    fn guesses_html() {
        assert!(looks_like_html("a <b>bold</b>"));
        assert!(looks_like_html("fish &amp; chips"));
        assert!(!looks_like_html("1 < 2 & 3 > 2"));
    }

    #[test]
    fn text_round_trips_through_html() {
        let text = "a < b & c\nsecond line";
        assert_eq!(from_text(text), "a &lt; b &amp; c<br>second line");
        assert_eq!(to_text(&from_text(text)), text);
    }
}
