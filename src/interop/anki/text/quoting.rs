//! The quoting problems of an Anki text file's body, its rows of too many
//! fields and the rest of its fields too long to keep, found in one linear
//! pass before the `csv` crate reads it (the crate would read on past bad
//! quoting, and hold every field of a row whole): where each is, bounded in
//! number and in what each keeps.

use std::ops::Range;

use super::{KEPT_FIELD_BYTES, MAX_DIAGNOSTICS, MAX_ROW_FIELDS, Separator};

/// A quoted field the file gets wrong, or a row with too many fields: where (byte offset in the body, its
/// line and the offset of that line's start), what and what to do.
pub(super) struct QuotingError {
    pub at: usize,
    pub line: usize,
    pub line_start: usize,
    pub message: &'static str,
    pub hint: &'static str,
}

/// The quoting problems of a body: the first of each line, up to
/// [`MAX_DIAGNOSTICS`] lines, and how many more there are (a long line of
/// them made one diagnostic, with the whole line, each).
#[derive(Default)]
pub(super) struct QuotingErrors {
    pub found: Vec<QuotingError>,
    pub more: usize,
    /// The line of the last problem not shown.
    pub more_last_line: Option<usize>,
    /// The rest of each field longer than [`KEPT_FIELD_BYTES`] (byte
    /// ranges of the body, in order): not given to the `csv` reader, so a
    /// row is never held whole however long its fields (the importer
    /// refuses such a field by its length).
    pub cuts: Vec<Range<usize>>,
}

impl QuotingErrors {
    /// Ends the cut of an unquoted field at `at`, if it has one.
    fn end_cut(&mut self, cut_from: &mut Option<usize>, at: usize) {
        if let Some(from) = cut_from.take() {
            self.cuts.push(from..at);
        }
    }

    fn push(&mut self, error: QuotingError) {
        if self.found.len() >= MAX_DIAGNOSTICS || self.found.last().is_some_and(|e| e.line == error.line) {
            self.more += 1;
            self.more_last_line = Some(error.line);
        } else {
            self.found.push(error);
        }
    }
}

/// Quoted fields never closed, or with text after their closing quote, in
/// one linear pass (the quoting rules the `csv` crate reads by: a field
/// is quoted when `"` opens it; `""` inside is a quote). Comment records
/// (`#` at a record's start) are skipped, as the reader skips them. Lines
/// and their starts are counted on the way, and each record's fields: the
/// separator that starts field [`MAX_ROW_FIELDS`] + 1 is a problem.
pub(super) fn quoting_errors(body: &str, separator: Separator) -> QuotingErrors {
    let sep = separator.char();
    let mut errors = QuotingErrors::default();
    let mut chars = body.char_indices().peekable();
    let mut line = 1;
    let mut line_start = 0;
    let mut field_start = true;
    let mut record_start = true;
    // Fields of this record so far (reported once when too many).
    let mut fields = 1;
    // Where the current unquoted field starts, and where its cut starts
    // once it is longer than a field may be kept.
    let mut field_begin = 0;
    let mut cut_from: Option<usize> = None;
    while let Some((at, c)) = chars.next() {
        match c {
            '#' if record_start => {
                for (at, c) in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                        line_start = at + 1;
                        break;
                    }
                }
                field_begin = line_start;
                continue;
            }
            '"' if field_start => {
                let (open_line, open_line_start) = (line, line_start);
                let mut closed = false;
                // The field's bytes as the reader gives them (`""` is one).
                let mut kept = 0;
                let mut cut: Option<usize> = None;
                while let Some((at, c)) = chars.next() {
                    if kept >= KEPT_FIELD_BYTES && cut.is_none() {
                        cut = Some(at);
                    }
                    kept += c.len_utf8();
                    match c {
                        '"' if chars.peek().map(|&(_, c)| c) == Some('"') => {
                            chars.next();
                        }
                        '"' => {
                            closed = true;
                            if let Some(from) = cut {
                                errors.cuts.push(from..at);
                            }
                            field_begin = at + 1;
                            break;
                        }
                        '\n' => {
                            line += 1;
                            line_start = at + 1;
                        }
                        _ => {}
                    }
                }
                if !closed {
                    errors.push(QuotingError {
                        at,
                        line: open_line,
                        line_start: open_line_start,
                        message: "this quoted field is never closed",
                        hint: "end it with `\"`; a quote inside a quoted field is written twice (`\"\"`)",
                    });
                    return errors;
                }
                match chars.peek() {
                    None => {}
                    Some(&(_, c)) if c == sep || c == '\n' || c == '\r' => {}
                    Some(&(after, _)) => errors.push(QuotingError {
                        at: after,
                        line,
                        line_start,
                        message: "text after the closing quote of a field",
                        hint: "a quote inside a quoted field is written twice (`\"\"`); or quote the whole field",
                    }),
                }
                field_start = false;
                record_start = false;
                continue;
            }
            '\n' => {
                errors.end_cut(&mut cut_from, at);
                field_begin = at + 1;
                line += 1;
                line_start = at + 1;
                field_start = true;
                record_start = true;
                fields = 1;
                continue;
            }
            '\r' => {
                // A line end too (the reader's, alone or before `\n`).
                errors.end_cut(&mut cut_from, at);
                field_begin = at + 1;
                field_start = true;
                record_start = true;
                fields = 1;
                continue;
            }
            c if c == sep => {
                errors.end_cut(&mut cut_from, at);
                field_begin = at + c.len_utf8();
                fields += 1;
                if fields == MAX_ROW_FIELDS + 1 {
                    errors.push(QuotingError {
                        at,
                        line,
                        line_start,
                        message: TOO_MANY_FIELDS,
                        hint: "check the separator (`#separator:`); a note takes a few dozen fields at most",
                    });
                }
                field_start = true;
                record_start = false;
                continue;
            }
            _ => {
                if at - field_begin >= KEPT_FIELD_BYTES && cut_from.is_none() {
                    cut_from = Some(at);
                }
            }
        }
        field_start = false;
        record_start = false;
    }
    errors.end_cut(&mut cut_from, body.len());
    errors
}

/// The message of a row with more than [`MAX_ROW_FIELDS`] fields.
const TOO_MANY_FIELDS: &str = "a row of more than 1000 fields";

/// Characters kept after a problem's column in its quoted line: past the
/// window a diagnostic shows, so a cut line still ends in `…` there.
const SHOWN_AFTER: usize = 121;

/// The line starting `rest` as a diagnostic keeps it: up to its end, or
/// [`SHOWN_AFTER`] characters past byte `at`, whichever comes first.
pub(super) fn shown_line(rest: &str, at: usize) -> &str {
    let line = rest.split(['\n', '\r']).next().unwrap_or_default();
    if at >= line.len() {
        return line;
    }
    let end = line[at..]
        .char_indices()
        .nth(SHOWN_AFTER)
        .map_or(line.len(), |(i, _)| at + i);
    &line[..end]
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn the_rest_of_a_field_longer_than_kept_is_cut_quoted_or_not() {
        let long = "x".repeat(KEPT_FIELD_BYTES + 10);
        // `""` is one byte as the reader gives it: this field is kept whole.
        let quotes = "\"\"".repeat(KEPT_FIELD_BYTES / 2 + 5);
        let body = format!("{long}\tb\n\"{long}\"\tc\n#{long}\n\"{quotes}\"\td\n");
        let errors = quoting_errors(&body, Separator::Tab);
        assert!(errors.found.is_empty());
        let quoted = long.len() + 4; // after `\tb\n"`
        assert_eq!(
            errors.cuts,
            [
                KEPT_FIELD_BYTES..long.len(),
                quoted + KEPT_FIELD_BYTES..quoted + long.len()
            ]
        );
    }

    #[test]
    fn quoting_problems_are_capped_one_per_line_with_the_line_cut() {
        // Before: one diagnostic per problem, each holding the whole line
        // (16,000 on an 80 KB line took 1.3 GB).
        let n = 900; // fewer separators than MAX_ROW_FIELDS: quoting alone
        let text = format!("#separator:comma\n{}\n", "\"a\"b,".repeat(n));
        let errors = parse("q.csv", text.as_bytes(), None).unwrap_err();
        assert_eq!(errors.len(), 2, "{:?}", &errors[..3.min(errors.len())]);
        assert_eq!((errors[0].line, errors[0].column), (2, 4));
        assert_eq!(errors[0].source_line.chars().count(), 3 + SHOWN_AFTER);
        assert!(errors[0].to_string().contains("\"a\"b,\"a\"b,"), "{}", errors[0]);
        assert!(errors[0].to_string().contains('…'), "{}", errors[0]);
        assert_eq!(
            errors[1].message,
            format!(
                "and {} more problems with quoting or fields in this file, not shown",
                n - 1
            )
        );
        // Many lines: the first MAX_DIAGNOSTICS, then the count.
        let text = format!("#separator:comma\n{}", "\"a\"b,\"c\"d\n".repeat(MAX_DIAGNOSTICS + 10));
        let errors = parse("q.csv", text.as_bytes(), None).unwrap_err();
        assert_eq!(errors.len(), MAX_DIAGNOSTICS + 1);
        let last = &errors[MAX_DIAGNOSTICS];
        assert_eq!(
            last.message,
            format!(
                "and {} more problems with quoting or fields in this file, not shown",
                MAX_DIAGNOSTICS + 20
            )
        );
        assert_eq!(last.line, MAX_DIAGNOSTICS + 11);
    }

    #[test]
    fn a_row_of_more_fields_than_the_cap_is_refused_where_the_first_extra_starts() {
        assert!(TOO_MANY_FIELDS.contains(&MAX_ROW_FIELDS.to_string()));
        let most = format!("#separator:comma\n{}\n", "x,".repeat(MAX_ROW_FIELDS - 1) + "x");
        assert_eq!(parse("f.csv", most.as_bytes(), None).unwrap().rows().count(), 1);
        // Separators inside quotes split no field; `é` counts one column.
        let quoted = format!("#separator:comma\n\"a,b\r\nc\",é{}\nok\n", ",".repeat(MAX_ROW_FIELDS));
        let errors = parse("f.csv", quoted.as_bytes(), None).unwrap_err();
        let shown: Vec<(usize, usize, &str)> = errors.iter().map(|d| (d.line, d.column, d.message.as_str())).collect();
        assert_eq!(shown, vec![(3, 3 + MAX_ROW_FIELDS, TOO_MANY_FIELDS)]);
        // Each line counts its own fields; the guess reads a bounded start.
        let two = format!("{}\n{}\n", "\t".repeat(MAX_ROW_FIELDS), "\t".repeat(MAX_ROW_FIELDS / 2));
        let errors = parse("f.txt", two.as_bytes(), None).unwrap_err();
        assert_eq!((errors.len(), errors[0].line, errors[0].column), (1, 1, MAX_ROW_FIELDS));
    }

    #[test]
    fn columns_count_characters_from_the_line_start() {
        let errors = parse("q.csv", "#separator:comma\nok,\"x\"\né,\"a\nb\"c\n".as_bytes(), None).unwrap_err();
        assert_eq!(
            (errors[0].line, errors[0].column, errors[0].source_line.as_str()),
            (4, 3, "b\"c")
        );
    }
}
