//! Anki's text format ("Notes in Plain Text", `.txt`/`.csv`/`.tsv`): header
//! lines (`#separator:`, `#html:`, `#columns:`, `#deck:`, `#notetype:`,
//! `#tags:`, `#tags column:`, `#guid column:`, `#deck column:`,
//! `#notetype column:`) then one note per record, fields split by the
//! separator, quoted with `"` when they hold a separator, a quote (doubled)
//! or a newline. Lines starting with `#` in the body are comments, as in
//! Anki. Parsing reports every malformed line at once, with `file:line:column`.

mod quoting;
mod rows;

pub use rows::Rows;

use crate::deck::Diagnostic;
use quoting::{QuotingError, quoting_errors, shown_line};

/// The largest text file imported, in bytes: a file holds one note per line,
/// so this is far past any real export (100,000 notes of a few fields are
/// ~20 MiB) and bounds what a file can make the import hold in memory.
pub const MAX_FILE_BYTES: u64 = 128 << 20;

/// The most fields one row may have. Note types take a few dozen fields at
/// most (iskra reads three field columns and four meta columns); a row with
/// more is refused where its first extra field starts, before it is read,
/// so a line of separators cannot make the import hold a field each.
pub const MAX_ROW_FIELDS: usize = 1_000;

/// The most bytes of one field the `csv` reader is given: the rest of a
/// longer field is skipped as the file is read (see `quoting.rs`), so a
/// row is held at most this much a field, however long the file's. One
/// byte more than [`MAX_RAW_FIELD_BYTES`](super::MAX_RAW_FIELD_BYTES), so a
/// field cut here is still refused by its length, before any work on it.
pub const KEPT_FIELD_BYTES: usize = super::MAX_RAW_FIELD_BYTES + 1;

/// Problems reported per text file; past this they are only counted (the
/// cap deck files have).
pub use crate::diagnostic::MAX_DIAGNOSTICS;

/// Field separators, in the order Anki tries them when a file does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    Tab,
    Pipe,
    Semicolon,
    Colon,
    Comma,
    Space,
}

impl Separator {
    const ALL: [Separator; 6] = [
        Separator::Tab,
        Separator::Pipe,
        Separator::Semicolon,
        Separator::Colon,
        Separator::Comma,
        Separator::Space,
    ];

    pub fn char(self) -> char {
        match self {
            Separator::Tab => '\t',
            Separator::Pipe => '|',
            Separator::Semicolon => ';',
            Separator::Colon => ':',
            Separator::Comma => ',',
            Separator::Space => ' ',
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Separator::Tab => "tab",
            Separator::Pipe => "pipe",
            Separator::Semicolon => "semicolon",
            Separator::Colon => "colon",
            Separator::Comma => "comma",
            Separator::Space => "space",
        }
    }

    /// `#separator:` values: a name (`tab`, `Comma`) or the character itself.
    fn parse(value: &str) -> Option<Separator> {
        let name = value.trim().to_ascii_lowercase();
        Separator::ALL
            .into_iter()
            .find(|s| name == s.name() || value == s.char().to_string())
    }
}

/// A parsed text file: its header, and its body, whose records are read one
/// at a time ([`TextFile::rows`]) so that a record is held only while it is
/// converted.
#[derive(Debug, Clone, PartialEq)]
pub struct TextFile<'a> {
    pub separator: Separator,
    /// Whether `#separator:` named it (otherwise it was guessed).
    pub separator_given: bool,
    /// Whether fields are HTML (`#html:`, else guessed from the fields).
    pub html: bool,
    /// `#columns:` labels, if given.
    pub columns: Vec<String>,
    pub deck: Option<String>,
    pub notetype: Option<String>,
    /// Tags added to every note (`#tags:`).
    pub tags: Vec<String>,
    /// 1-based column numbers of the meta columns.
    pub guid_column: Option<usize>,
    pub notetype_column: Option<usize>,
    pub deck_column: Option<usize>,
    pub tags_column: Option<usize>,
    /// The file's name, for diagnostics.
    label: String,
    /// The records, after the header lines.
    body: &'a str,
    /// The file's line the body starts on.
    body_line: usize,
    /// What the reader skips of overlong fields (byte ranges of the body).
    cuts: Vec<std::ops::Range<usize>>,
}

/// One record, with the line it starts on; its fields are one buffer.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub fields: csv::StringRecord,
}

impl<'a> TextFile<'a> {
    /// The records, read one at a time (their quoting and field counts were
    /// checked by [`parse`]).
    pub fn rows(&self) -> Rows<'a> {
        Rows::new(self.body, &self.cuts, self.separator, &self.label, self.body_line)
    }

    /// Column numbers (1-based) that hold guid, notetype, deck or tags.
    pub fn meta_columns(&self) -> Vec<usize> {
        [
            self.guid_column,
            self.notetype_column,
            self.deck_column,
            self.tags_column,
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// Parses a text file. `preferred` is the separator its extension suggests
/// (`,` for `.csv`, tab for `.tsv`), tried first when guessing.
pub fn parse<'a>(label: &str, bytes: &'a [u8], preferred: Option<Separator>) -> Result<TextFile<'a>, Vec<Diagnostic>> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            let shown = bytes[line_start..]
                .split(|&b| b == b'\n')
                .next()
                .map(|l| String::from_utf8_lossy(l).into_owned())
                .unwrap_or_default();
            return Err(vec![diagnostic(
                label,
                (line, column),
                &shown,
                "invalid UTF-8",
                "save the file as UTF-8",
            )]);
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parser = Parser {
        label,
        text,
        diagnostics: Vec::new(),
    };
    let (mut file, body_start, body_line) = parser.header();
    if !file.separator_given {
        file.separator = guess_separator(&text[body_start..], preferred);
    }
    if let Some(raw) = file.columns.first().cloned().filter(|_| file.columns.len() == 1) {
        // `#columns:` came before `#separator:`, or the guess: split it now.
        file.columns = split_simple(&raw, file.separator);
    }
    file.cuts = parser.check_records(body_start, body_line, file.separator);
    (file.body, file.body_line) = (&text[body_start..], body_line);
    if !parser.diagnostics.is_empty() {
        return Err(parser.diagnostics);
    }
    Ok(file)
}

struct Parser<'l, 'a> {
    label: &'l str,
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Parser<'_, 'a> {
    /// Reads the header lines; returns the file so far, the byte offset of
    /// the body and its first line number.
    fn header(&mut self) -> (TextFile<'a>, usize, usize) {
        let mut file = TextFile {
            separator: Separator::Tab,
            separator_given: false,
            html: false,
            columns: Vec::new(),
            deck: None,
            notetype: None,
            tags: Vec::new(),
            guid_column: None,
            notetype_column: None,
            deck_column: None,
            tags_column: None,
            label: self.label.to_string(),
            body: "",
            body_line: 1,
            cuts: Vec::new(),
        };
        let mut html = None;
        let mut offset = 0;
        let mut line_no = 1;
        for raw in self.text.split_inclusive('\n') {
            let line = raw.trim_end_matches(['\n', '\r']);
            if line_no == 1
                && let Some(tags) = line.strip_prefix("tags:")
            {
                file.tags = tags.split_whitespace().map(str::to_string).collect();
            } else if let Some(rest) = line.strip_prefix('#') {
                if let Some((key, value)) = rest.split_once(':') {
                    self.header_value(&mut file, &mut html, (line_no, line), key, value);
                }
            } else {
                break;
            }
            offset += raw.len();
            line_no += 1;
        }
        file.html = html.unwrap_or_else(|| super::html::looks_like_html(&self.text[offset..]));
        (file, offset, line_no)
    }

    fn header_value(
        &mut self,
        file: &mut TextFile,
        html: &mut Option<bool>,
        (line_no, line): (usize, &str),
        key: &str,
        value: &str,
    ) {
        let column = line.find(':').map_or(1, |i| line[..i].chars().count() + 2);
        let mut error = |message: String, hint: &str| {
            self.diagnostics
                .push(diagnostic(self.label, (line_no, column), line, &message, hint));
        };
        let trimmed = value.trim();
        let column_number = |error: &mut dyn FnMut(String, &str)| match trimmed.parse::<usize>() {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                error(
                    format!("`{}` is not a column number", trimmed),
                    "columns are numbered from 1",
                );
                None
            }
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "separator" => match Separator::parse(value) {
                Some(separator) => {
                    file.separator = separator;
                    file.separator_given = true;
                }
                None => error(
                    format!("unknown separator `{trimmed}`"),
                    "use tab, comma, semicolon, pipe, colon or space",
                ),
            },
            "html" => match trimmed.to_ascii_lowercase().as_str() {
                "true" => *html = Some(true),
                "false" => *html = Some(false),
                _ => error(
                    format!("`#html:` must be true or false, not `{trimmed}`"),
                    "write `#html:true`",
                ),
            },
            "tags" => file.tags = trimmed.split_whitespace().map(str::to_string).collect(),
            "columns" => {
                file.columns = if file.separator_given {
                    split_simple(value, file.separator)
                } else {
                    vec![value.to_string()]
                }
            }
            "deck" => file.deck = Some(trimmed.to_string()).filter(|d| !d.is_empty()),
            "notetype" => file.notetype = Some(trimmed.to_string()).filter(|n| !n.is_empty()),
            "guid column" => file.guid_column = column_number(&mut error),
            "notetype column" => file.notetype_column = column_number(&mut error),
            "deck column" => file.deck_column = column_number(&mut error),
            "tags column" => file.tags_column = column_number(&mut error),
            _ => {} // other comments, as in Anki
        }
    }

    /// Reports malformed quoting and rows of more than [`MAX_ROW_FIELDS`]
    /// fields, located ([`quoting_errors`]), before the `csv` crate reads
    /// any record (it would read on past bad quoting, and hold every field
    /// of a row). Returns what the reader is to skip of overlong fields.
    fn check_records(&mut self, start: usize, first_line: usize, separator: Separator) -> Vec<std::ops::Range<usize>> {
        let body = &self.text[start..];
        let errors = quoting_errors(body, separator);
        let cuts = errors.cuts;
        if !errors.found.is_empty() {
            for QuotingError {
                at,
                line,
                line_start,
                message,
                hint,
            } in errors.found
            {
                let column = body[line_start..at].chars().count() + 1;
                let shown = shown_line(&body[line_start..], at - line_start);
                self.diagnostics.push(diagnostic(
                    self.label,
                    (first_line + line - 1, column),
                    shown,
                    message,
                    hint,
                ));
            }
            if let Some(line) = errors.more_last_line {
                self.diagnostics.push(diagnostic(
                    self.label,
                    (first_line + line - 1, 1),
                    "",
                    &format!(
                        "and {} with quoting or fields in this file, not shown",
                        crate::text::plural(errors.more as u64, "more problem")
                    ),
                    "fix the ones above (one per line is shown) and import again",
                ));
            }
        }
        cuts
    }
}

/// The `csv` reader of a body with `separator`, configured as Anki's.
fn csv_reader<R: std::io::Read>(body: R, separator: Separator) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator.char() as u8)
        .comment(Some(b'#'))
        .from_reader(body)
}

fn diagnostic(label: &str, (line, column): (usize, usize), source: &str, message: &str, hint: &str) -> Diagnostic {
    Diagnostic {
        file: label.to_string(),
        line,
        column,
        message: message.to_string(),
        source_line: source.trim_end_matches(['\r', '\n']).to_string(),
        hint: Some(hint.to_string()),
    }
}

/// Splits one header value by the separator (no quoting in headers).
fn split_simple(value: &str, separator: Separator) -> Vec<String> {
    value
        .trim_end_matches(['\r', '\n'])
        .split(separator.char())
        .map(|s| s.trim().to_string())
        .collect()
}

/// The separator of a file that does not name one: the first (the
/// extension's, then Anki's order) that splits every sampled record (read
/// with it by the `csv` reader, so a quoted field may span lines) into the
/// same number of fields, at least two; failing that, as Anki does, the
/// first that occurs at all (the extension's first), else space.
fn guess_separator(body: &str, preferred: Option<Separator>) -> Separator {
    let sample = GuessSample::of(body);
    let order: Vec<Separator> = preferred
        .into_iter()
        .chain(Separator::ALL.into_iter().filter(|s| Some(*s) != preferred))
        .collect();
    order
        .iter()
        .copied()
        .find(|&sep| sample.splits_evenly(sep))
        .or_else(|| {
            let head: String = body.chars().take(8 * 1024).collect();
            order.iter().copied().find(|s| head.contains(s.char()))
        })
        .unwrap_or(Separator::Space)
}

/// The start of a body the separator is guessed from: its first
/// [`GUESS_SAMPLE_BYTES`] (all of a shorter body), so that a first record
/// of many fields is not read whole, for each separator tried, before its
/// fields are counted. A record the cut ends (a line, or a quoted field
/// spanning lines, not finished) is not counted.
struct GuessSample<'b> {
    text: &'b str,
    cut: bool,
}

impl<'b> GuessSample<'b> {
    fn of(body: &'b str) -> GuessSample<'b> {
        if body.len() <= GUESS_SAMPLE_BYTES {
            return GuessSample { text: body, cut: false };
        }
        let mut end = GUESS_SAMPLE_BYTES;
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        GuessSample {
            text: &body[..end],
            cut: true,
        }
    }

    /// Whether the sample's first 20 whole records all have the same number
    /// of fields (two or more) when read with `sep`.
    fn splits_evenly(&self, sep: Separator) -> bool {
        let mut reader = csv_reader(self.text.as_bytes(), sep);
        let mut record = csv::StringRecord::new();
        let mut first = None;
        for _ in 0..20 {
            match reader.read_record(&mut record) {
                // Read up to the cut: perhaps not the whole record.
                Ok(true) if self.cut && reader.position().byte() as usize >= self.text.len() => break,
                Ok(true) if record.iter().all(|f| f.trim().is_empty()) => {}
                Ok(true) => match first {
                    None if record.len() >= 2 => first = Some(record.len()),
                    None => return false,
                    Some(n) if n != record.len() => return false,
                    Some(_) => {}
                },
                Ok(false) => break,
                Err(_) => return false,
            }
        }
        first.is_some()
    }
}

/// Bytes of a body the separator guess reads at most.
const GUESS_SAMPLE_BYTES: usize = 1 << 20;

/// The header of a file iskra writes: tab-separated, plain text, with the
/// meta columns named.
pub struct Header {
    pub html: bool,
    pub guid_column: Option<usize>,
    pub notetype_column: Option<usize>,
    pub deck_column: Option<usize>,
    pub tags_column: Option<usize>,
}

/// Writes a text file Anki imports: header lines, then one tab-separated
/// record per row, written by the `csv` crate (a field is quoted when it
/// holds a tab, a quote, a line break or a `#`, so that no record reads as
/// a comment).
pub fn write(header: &Header, rows: &[Vec<String>]) -> Result<String, String> {
    let mut out = String::from("#separator:tab\n");
    out.push_str(&format!("#html:{}\n", header.html));
    for (name, column) in [
        ("guid", header.guid_column),
        ("notetype", header.notetype_column),
        ("deck", header.deck_column),
        ("tags", header.tags_column),
    ] {
        if let Some(column) = column {
            out.push_str(&format!("#{name} column:{column}\n"));
        }
    }
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .comment(Some(b'#'))
        .flexible(true)
        .from_writer(out.into_bytes());
    for row in rows {
        writer.write_record(row).map_err(|e| e.to_string())?;
    }
    let bytes = writer.into_inner().map_err(|e| e.error().to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(file: &TextFile) -> Vec<Vec<String>> {
        file.rows()
            .map(|r| r.unwrap().fields.iter().map(str::to_string).collect())
            .collect()
    }

    fn lines(file: &TextFile) -> Vec<usize> {
        file.rows().map(|r| r.unwrap().line).collect()
    }

    #[test]
    fn reads_headers_and_quoted_fields() {
        let text = "#separator:Semicolon\n#html:true\n#deck:Geo::Europe\n#notetype:Basic\n#tags:a b\n#tags column:3\n#guid column:4\nQ1;\"A; with \"\"quotes\"\"\nand a newline\";t1 t2;g1\n# a comment\n\nQ2;A2;;g2\n";
        let file = parse("f.txt", text.as_bytes(), None).unwrap();
        assert_eq!(file.separator, Separator::Semicolon);
        assert!(file.html);
        assert_eq!(file.deck.as_deref(), Some("Geo::Europe"));
        assert_eq!(file.notetype.as_deref(), Some("Basic"));
        assert_eq!(file.tags, vec!["a", "b"]);
        assert_eq!((file.tags_column, file.guid_column), (Some(3), Some(4)));
        assert_eq!(
            rows(&file),
            vec![
                vec!["Q1", "A; with \"quotes\"\nand a newline", "t1 t2", "g1"],
                vec!["Q2", "A2", "", "g2"]
            ]
        );
        assert_eq!(lines(&file), vec![8, 12]);
    }

    /// Problem 9: a quoted field holding a line break does not split its
    /// record when the separator is guessed.
    #[test]
    fn the_separator_guess_reads_records() {
        let text = "front,back\n\"Reed caught\ntyphus, in Baku\",answer: 1920\nlast,one\n";
        let file = parse("hand.csv", text.as_bytes(), None).unwrap();
        assert_eq!(file.separator, Separator::Comma);
        assert_eq!(
            rows(&file),
            vec![
                vec!["front", "back"],
                vec!["Reed caught\ntyphus, in Baku", "answer: 1920"],
                vec!["last", "one"]
            ]
        );
    }

    /// Read by the `csv` crate: a lone carriage return ends a record, fields
    /// keep their spaces, `#` starts a comment only at a record's start.
    #[test]
    fn records_are_read_as_the_csv_crate_reads_them() {
        let file = parse("mac.csv", b"a, b \r\"c\rd\",e#f\r#skipped\r\n\r\ng,h\n", None).unwrap();
        assert_eq!(file.separator, Separator::Comma);
        assert_eq!(rows(&file), vec![vec!["a", " b "], vec!["c\rd", "e#f"], vec!["g", "h"]]);
        assert_eq!(lines(&file)[2], 3);
    }

    #[test]
    fn guesses_the_separator() {
        let guess = |text: &str, preferred| parse("f", text.as_bytes(), preferred).unwrap().separator;
        assert_eq!(guess("a\tb\nc\td\n", None), Separator::Tab);
        // Anki alone would pick the colon; it does not split every line.
        assert_eq!(guess("capital?,Paris: the city\nx,y\n", None), Separator::Comma);
        assert_eq!(guess("a;b,c\nd;e,f\n", Some(Separator::Comma)), Separator::Comma);
        assert_eq!(guess("a;b,c\nd;e,f\n", None), Separator::Semicolon);
        assert_eq!(guess("one two\n", None), Separator::Space);
        assert_eq!(guess("\"a,b\";c\n", None), Separator::Semicolon);
    }

    #[test]
    fn the_guess_past_its_sample_counts_whole_records_only() {
        let guess = |text: &str, preferred| parse("f", text.as_bytes(), preferred).unwrap().separator;
        // Quoted answers spanning lines: the sample's cut falls inside one.
        let answer = vec!["é".repeat(90); 200].join("\n");
        let notes: Vec<String> = (0..20)
            .map(|i| format!("Capital: q{i},\"{answer}\",\"{answer}\",geo"))
            .collect();
        let text = notes.join("\n") + "\n";
        assert!(text.len() > GUESS_SAMPLE_BYTES);
        assert_eq!(guess(&text, None), Separator::Comma);
        // Old Mac line ends: no `\n` in the sample at all.
        let rows: Vec<String> = (0..12_000)
            .map(|i| format!("q{i}{},a{i},{}", if i == 0 { "; note" } else { "" }, "x".repeat(100)))
            .collect();
        let text = rows.join("\r") + "\r";
        assert!(text.len() > GUESS_SAMPLE_BYTES);
        assert_eq!(guess(&text, None), Separator::Comma);
        // No whole record in the sample: the extension's separator first.
        let big = "x".repeat(300_000);
        let text = format!("q0; see,a0,{big},{big},{big},{big}\nq1,a1,b,c,d,e\n");
        assert_eq!(guess(&text, Some(Separator::Comma)), Separator::Comma);
    }

    #[test]
    fn columns_before_separator_are_split_by_it() {
        let file = parse("f", b"#columns:Front,Back\n#separator:comma\nq,a\n", None).unwrap();
        assert_eq!(file.columns, vec!["Front", "Back"]);
        let file = parse("f", b"#columns:Front\tBack\nq\ta\n", None).unwrap();
        assert_eq!(file.columns, vec!["Front", "Back"]);
    }

    #[test]
    fn malformed_rows_are_located() {
        let errors = parse(
            "f.csv",
            b"#separator:comma\nok,row\n\"bad\"x,row\nfine,row\n\"never closed,row\n",
            None,
        )
        .unwrap_err();
        let shown: Vec<(usize, usize, &str)> = errors.iter().map(|d| (d.line, d.column, d.message.as_str())).collect();
        assert_eq!(
            shown,
            vec![
                (3, 6, "text after the closing quote of a field"),
                (5, 1, "this quoted field is never closed")
            ]
        );
        let errors = parse("f.txt", b"#separator:nope\n#html:maybe\n#tags column:x\na\tb\n", None).unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        let errors = parse("f.txt", b"a\tb\nc\t\xff\n", None).unwrap_err();
        assert_eq!((errors[0].line, errors[0].column), (2, 3));
    }

    #[test]
    fn written_files_read_back() {
        let header = Header {
            html: false,
            guid_column: Some(1),
            notetype_column: Some(2),
            deck_column: Some(3),
            tags_column: Some(6),
        };
        let rows = vec![
            vec!["g1", "Basic", "D", "# not a comment", "tab\there \"q\"\nline", "t"]
                .into_iter()
                .map(String::from)
                .collect(),
            vec!["g2", "Cloze", "D", "{{c1::x}}", "", ""]
                .into_iter()
                .map(String::from)
                .collect(),
        ];
        let text = write(&header, &rows).unwrap();
        let file = parse("f", text.as_bytes(), None).unwrap();
        assert_eq!(file.separator, Separator::Tab);
        assert!(!file.html);
        assert_eq!((file.guid_column, file.tags_column), (Some(1), Some(6)));
        assert_eq!(super::tests::rows(&file), rows);
    }
}
