//! The records of a text file's body, read one at a time with the `csv`
//! crate, without the parts of overlong fields the quoting pass cut (so
//! a row is never held whole), each with the line it starts on in the file.

use std::ops::Range;

use super::{Row, Separator, csv_reader};
use crate::deck::Diagnostic;

/// The records of a text file's body, read one at a time with the `csv`
/// crate, configured as Anki configures it (no header row, any number of
/// fields, `#` starts a comment record, empty lines skipped, fields kept as
/// written, spaces and all).
pub struct Rows<'a> {
    reader: csv::Reader<CutBody<'a>>,
    label: String,
    body: &'a str,
    first_line: usize,
    done: bool,
    /// The parts of the body the reader skips, in order.
    cuts: Vec<Cut>,
    /// The cuts before the last record read.
    passed: Passed,
}

/// A part of the body the reader skips, and the line ends in it.
struct Cut {
    range: Range<usize>,
    lines: usize,
}

/// The cuts before a place the reader has reached: how many, and the
/// bytes and line ends they hold (records come in order, so this only
/// moves on).
#[derive(Default)]
struct Passed {
    count: usize,
    bytes: usize,
    lines: usize,
}

impl Rows<'_> {
    /// The body's (line, byte) of the reader's `position`, which counts
    /// without the cuts.
    fn in_body(&mut self, position: &csv::Position) -> (usize, usize) {
        let byte = usize::try_from(position.byte()).unwrap_or(usize::MAX);
        while let Some(cut) = self.cuts.get(self.passed.count) {
            if cut.range.start - self.passed.bytes >= byte {
                break;
            }
            self.passed.count += 1;
            self.passed.bytes += cut.range.len();
            self.passed.lines += cut.lines;
        }
        let line = usize::try_from(position.line()).unwrap_or(usize::MAX);
        (
            line.saturating_add(self.passed.lines),
            byte.saturating_add(self.passed.bytes),
        )
    }
}

/// A body as the `csv` reader is given it: without its cuts.
struct CutBody<'a> {
    body: &'a [u8],
    at: usize,
    cuts: std::vec::IntoIter<Range<usize>>,
    next: Option<Range<usize>>,
}

impl std::io::Read for CutBody<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.next.is_none() {
            self.next = self.cuts.next();
        }
        while let Some(cut) = self.next.clone().filter(|cut| self.at >= cut.start) {
            self.at = self.at.max(cut.end);
            self.next = self.cuts.next();
        }
        let end = self.next.as_ref().map_or(self.body.len(), |cut| cut.start);
        let n = buf.len().min(end.saturating_sub(self.at));
        buf[..n].copy_from_slice(&self.body[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl Iterator for Rows<'_> {
    type Item = Result<Row, Diagnostic>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut fields = csv::StringRecord::new();
        match self.reader.read_record(&mut fields) {
            Ok(true) => {
                let start = fields.position().map(|p| self.in_body(p));
                Some(Ok(Row {
                    line: self.first_line + record_line(self.body, start) - 1,
                    fields,
                }))
            }
            Ok(false) => {
                self.done = true;
                None
            }
            Err(e) => {
                // The body is UTF-8 and records may differ in length:
                // nothing is left for the crate to refuse but I/O.
                self.done = true;
                let line = e.position().map_or(1, |p| self.in_body(p).0);
                Some(Err(Diagnostic {
                    file: self.label.clone(),
                    line: self.first_line + line - 1,
                    column: 1,
                    message: e.to_string(),
                    source_line: String::new(),
                    hint: Some("check the file's quoting".to_string()),
                }))
            }
        }
    }
}

/// The line (of the body, from 1) a record starts on. The reader's
/// position is where it began reading, before the comments and empty
/// lines it skipped.
fn record_line(body: &str, position: Option<(usize, usize)>) -> usize {
    let Some((mut line, at)) = position else { return 1 };
    let mut at = at.min(body.len());
    while let Some(rest) = body.get(at..) {
        let skipped = if rest.starts_with('#') || rest.starts_with('\n') || rest.starts_with("\r\n") {
            rest.find('\n')
        } else {
            None
        };
        match skipped {
            Some(end) => {
                at += end + 1;
                line += 1;
            }
            None => break,
        }
    }
    line
}

impl<'a> Rows<'a> {
    /// The rows of `body` (starting on the file's line `first_line`),
    /// read with `separator`, skipping `cuts` (in order).
    pub(super) fn new(
        body: &'a str,
        cuts: &[Range<usize>],
        separator: Separator,
        label: &str,
        first_line: usize,
    ) -> Self {
        let cuts: Vec<Cut> = cuts
            .iter()
            .map(|range| Cut {
                range: range.clone(),
                lines: body.as_bytes()[range.clone()].iter().filter(|&&b| b == b'\n').count(),
            })
            .collect();
        let reader = CutBody {
            body: body.as_bytes(),
            at: 0,
            cuts: cuts.iter().map(|c| c.range.clone()).collect::<Vec<_>>().into_iter(),
            next: None,
        };
        Rows {
            reader: csv_reader(reader, separator),
            label: label.to_string(),
            body,
            first_line,
            done: false,
            cuts,
            passed: Passed::default(),
        }
    }
}
