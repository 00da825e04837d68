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
    clean_text(&Reader::new(html).read().0)
}

/// One pass over a field's HTML. Every look ahead (the next `>`, the next
/// `]`, the end of a `<style>`) is remembered or skipped past, so no byte is
/// looked at more than a few times: a field of stray `<`, of `[sound:`
/// without `]` or of `<style>` tags costs linear time, not quadratic.
struct Reader<'a> {
    html: &'a str,
    out: String,
    next_gt: NextByte,
    next_bracket: NextByte,
    /// Bytes looked at ahead of the reading point, over the whole pass.
    looked_ahead: usize,
}

impl<'a> Reader<'a> {
    fn new(html: &'a str) -> Self {
        Reader {
            html,
            out: String::with_capacity(html.len()),
            next_gt: NextByte::new(b'>'),
            next_bracket: NextByte::new(b']'),
            looked_ahead: 0,
        }
    }

    /// The text, not yet cleaned, and the bytes looked at ahead.
    fn read(mut self) -> (String, usize) {
        let html = self.html;
        let mut at = 0;
        while let Some(c) = html[at..].chars().next() {
            at = match c {
                '<' => self.tag(at),
                '&' => at + entity(&html[at..], &mut self.out),
                '[' if html[at..].starts_with("[sound:") => {
                    match self.next_bracket.after(html, at, &mut self.looked_ahead) {
                        Some(end) => {
                            let name = html[at + "[sound:".len()..end].trim();
                            self.out.push_str(&format!("[sound: {name}]"));
                            end + 1
                        }
                        None => {
                            self.out.push('[');
                            at + 1
                        }
                    }
                }
                _ => {
                    self.out.push(c);
                    at + c.len_utf8()
                }
            };
        }
        (self.out, self.looked_ahead)
    }

    /// Handles the tag at `at` (a `<`); returns where what follows it starts.
    fn tag(&mut self, at: usize) -> usize {
        let html = self.html;
        let Some(end) = self.next_gt.after(html, at, &mut self.looked_ahead) else {
            self.out.push('<');
            return at + 1;
        };
        let inner = &html[at + 1..end];
        let closing = inner.starts_with('/');
        let name: String = inner
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() && !inner.starts_with('!') {
            // Not a tag: "a < b > c".
            self.out.push('<');
            return at + 1;
        }
        let after = end + 1;
        match name.as_str() {
            "br" => self.out.push('\n'),
            "img" if !closing => {
                if let Some(source) = attribute(inner, "src").filter(|s| !s.is_empty()) {
                    self.out.push_str(&format!("[image: {source}]"));
                }
            }
            "style" | "script" if !closing => {
                // Its contents are dropped, up to its closing tag or the end;
                // the search is skipped past, so it is not repeated.
                let close = format!("</{name}");
                return match find_ignoring_case(&html[after..], &close) {
                    Some(start) => {
                        self.looked_ahead += start + close.len();
                        let gt = self.next_gt.after(html, after + start, &mut self.looked_ahead);
                        gt.map_or(html.len(), |gt| gt + 1)
                    }
                    None => {
                        self.looked_ahead += html.len() - after;
                        html.len()
                    }
                };
            }
            n if BLOCK_TAGS.contains(&n) => self.out.push('\n'),
            _ => {}
        }
        after
    }
}

/// The next position of one ASCII byte at or after a point that only moves
/// forward, remembered: each byte is searched once.
struct NextByte {
    byte: u8,
    /// The last search: where it started and what it found.
    last: Option<(usize, Option<usize>)>,
}

impl NextByte {
    fn new(byte: u8) -> Self {
        NextByte { byte, last: None }
    }

    /// The first position of the byte at or after `from` in `text` (`from`
    /// never smaller than in the call before); adds the bytes it looked at
    /// to `looked`.
    fn after(&mut self, text: &str, from: usize, looked: &mut usize) -> Option<usize> {
        if let Some((start, found)) = self.last
            && start <= from
            && found.is_none_or(|f| f >= from)
        {
            return found;
        }
        let found = text.as_bytes()[from..].iter().position(|&b| b == self.byte);
        *looked += found.map_or(text.len() - from, |i| i + 1);
        let found = found.map(|i| from + i);
        self.last = Some((from, found));
        found
    }
}

/// Plain text with Windows or old Mac line ends made `\n`, then cleaned as
/// the deck format holds values (lines trimmed, blank lines dropped).
pub fn clean_text(text: &str) -> String {
    clean_value(&text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Whether a text field looks like HTML (a tag or an entity), as Anki
/// guesses when a text file does not say.
pub fn looks_like_html(text: &str) -> bool {
    // A `<` after the last `>` opens no tag (found once: linear).
    let last_gt = text.rfind('>');
    let mut rest = text;
    while let Some(at) = rest.find(['<', '&']) {
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix('<') {
            let name = after.trim_start_matches('/');
            let offset = text.len() - tail.len();
            if name.starts_with(|c: char| c.is_ascii_alphabetic()) && last_gt.is_some_and(|gt| gt > offset) {
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

/// Where ASCII `needle` first occurs in `haystack`, ASCII case ignored,
/// without copying the haystack.
fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (haystack.as_bytes(), needle.as_bytes());
    hay.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
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
            rest = &rest[entity(rest, &mut out)..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Some(out.trim().to_string())
}

/// Decodes the entity at the start of `rest`; returns its length (1 for a
/// `&` that starts none).
fn entity(rest: &str, out: &mut String) -> usize {
    match decode_entity(rest) {
        Some((c, len)) => {
            out.push(c);
            len
        }
        None => {
            out.push('&');
            1
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
    fn hostile_fields_are_read_in_one_pass() {
        // Each `<` without a `>` after it, each `[sound:` without `]`, each
        // `<style>`: before, each looked at (or copied) the rest of the field.
        let n = 5_000;
        for html in [
            "<".repeat(n),
            "< ".repeat(n) + ">",
            "[sound:".repeat(n),
            "<style></style>".repeat(n),
            "<STYLE>x</Style >y".repeat(n),
            "<script>".repeat(n),
        ] {
            let (_, looked_ahead) = Reader::new(&html).read();
            assert!(
                looked_ahead <= 2 * html.len(),
                "{} bytes looked at for {} bytes of {:?}…",
                looked_ahead,
                html.len(),
                &html[..20]
            );
        }
        assert_eq!(to_text(&"<".repeat(3)), "<<<");
        assert_eq!(to_text(&"[sound:".repeat(2)), "[sound:[sound:");
        assert_eq!(to_text(&"<style></style>a".repeat(3)), "aaa");
        assert_eq!(to_text("<STYLE>x</Style >y<script>z"), "y");
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
