//! What `export stats` and `export log` share: `--format` and `--out`, the
//! CSV writer (the `csv` crate's, RFC 4180) and delivering the bytes to a file (atomically) or to
//! standard output; and how a card's state, queue and due are written
//! (also by `search --json` and `card --json`).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::error::{Error, Result};

/// An export's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header row (RFC 4180)
    Csv,
    /// One JSON document with a format_version
    Json,
}

/// `--format` and `--out`.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// The file format
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// Write to this file (replaced atomically; a FIFO or device is written into) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// A CSV writer over `out`, the `csv` crate's (RFC 4180: CRLF line ends,
/// a field quoted when it holds a comma, a quote or a line break). Flush it
/// when done.
pub fn csv_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

/// An optional number as a CSV field (empty when absent).
pub fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// A fraction rounded to 4 decimals (for CSV and JSON alike).
pub fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// `new`, `learning`, `review`, `relearning` for `cards.state`.
pub fn state_name(state: i64) -> &'static str {
    crate::sched::CardState::from_i64(state).name()
}

/// `new`, `learning`, `review`, `suspended`, `buried` for `cards.queue`
/// (learning steps due at an instant and day-long steps alike).
pub fn queue_name(queue: i64) -> &'static str {
    match queue {
        0 => "new",
        1 | 3 => "learning",
        2 => "review",
        -1 => "suspended",
        -2 => "buried",
        _ => "other",
    }
}

/// A card's due: a study day (review, day-long learning step), an instant
/// in UTC (learning), none (new).
pub fn due_text(state: i64, due: i64) -> Option<String> {
    match state {
        0 => None,
        2 => Some(crate::clock::date_of_day(due).to_string()),
        _ if due < crate::store::DAY_DUE_LIMIT => Some(crate::clock::date_of_day(due).to_string()),
        _ => instant_text(due),
    }
}

/// An instant (UTC ms) in RFC 3339, to the second.
pub fn instant_text(ms: i64) -> Option<String> {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// Stability and difficulty as Anki keeps them: 4 and 3 decimals (they are
/// computed in single precision, so the stored values carry float noise).
pub fn memory(stability: Option<f64>, difficulty: Option<f64>) -> (Option<f64>, Option<f64>) {
    (stability.map(round4), difficulty.map(|d| (d * 1000.0).round() / 1000.0))
}

/// Runs `write` into the destination `--out` names: a file written
/// atomically (nothing is left behind if writing fails), or `stdout`. Says
/// where a file went, with the number `write` returns (rows written).
pub fn deliver(
    output: &OutputArgs,
    stdout: &mut impl Write,
    write: impl FnOnce(&mut dyn Write) -> Result<usize>,
) -> Result<()> {
    match &output.out {
        Some(path) => {
            let mut bytes = Vec::new();
            let rows = write(&mut bytes)?;
            crate::files::write_atomic(path, &bytes)?;
            writeln!(
                stdout,
                "{} written to {}",
                crate::text::plural(rows as u64, "row"),
                path.display()
            )
            .map_err(Error::stdout)
        }
        None => {
            let mut buffered = std::io::BufWriter::new(stdout);
            // Card text comes from files people share: on a terminal its
            // control characters are shown escaped; into a pipe it is data.
            if std::io::stdout().is_terminal() {
                let mut inert = Inert::new(&mut buffered);
                write(&mut inert)?;
                inert.flush().map_err(Error::stdout)?;
            } else {
                write(&mut buffered)?;
            }
            buffered.flush().map_err(Error::stdout)
        }
    }
}

/// A writer that passes text through `text::escape_control`, keeping CSV's
/// CRLF line ends. Writes may split a character or a CRLF (the `csv`
/// writer hands on its buffer when full): such a tail waits for the next
/// write, or for `flush`.
struct Inert<W: Write> {
    out: W,
    pending: Vec<u8>,
}

impl<W: Write> Inert<W> {
    fn new(out: W) -> Self {
        Inert {
            out,
            pending: Vec::new(),
        }
    }

    fn pass(&mut self, upto: usize) -> std::io::Result<()> {
        let text = crate::text::escape_control_crlf(&String::from_utf8_lossy(&self.pending[..upto]));
        self.out.write_all(text.as_bytes())?;
        self.pending.drain(..upto);
        Ok(())
    }
}

impl<W: Write> Write for Inert<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let mut whole = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            // A character cut short at the end: it waits.
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => self.pending.len(),
        };
        if self.pending[..whole].ends_with(b"\r") {
            whole -= 1; // perhaps a CRLF's first half
        }
        self.pass(whole)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.pass(self.pending.len())?;
        self.out.flush()
    }
}

/// Maps an error writing an export to an `Io` error on its destination.
pub fn write_error(output: &OutputArgs) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: output.out.clone().unwrap_or_else(|| PathBuf::from("<stdout>")),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it() {
        let mut out = Vec::new();
        let mut csv = csv_writer(&mut out);
        for fields in [
            ["plain text", "a, b", "x"],
            ["say \"hi\"", "two\nlines", ""],
            ["1", " spaced ", "y"],
        ] {
            csv.write_record(fields).unwrap();
        }
        csv.flush().unwrap();
        drop(csv);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "plain text,\"a, b\",x\r\n\"say \"\"hi\"\"\",\"two\nlines\",\r\n1, spaced ,y\r\n"
        );
    }

    #[test]
    fn inert_text_cannot_steer_a_terminal() {
        let mut out = Vec::new();
        let mut inert = Inert::new(&mut out);
        let mut csv = csv_writer(&mut inert);
        csv.write_record(["a\u{1b}[2J", "b\u{202e}c\rd"]).unwrap();
        csv.flush().unwrap();
        drop(csv);
        // Written a byte at a time: characters and CRLFs cut in two are whole again.
        for byte in "é\u{1b}\r\n".as_bytes() {
            inert.write_all(&[*byte]).unwrap();
        }
        inert.flush().unwrap();
        drop(inert);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\\u{1b}[2J,\"b\\u{202e}c\\u{d}d\"\r\né\\u{1b}\r\n"
        );
    }

    #[test]
    fn a_failed_file_export_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old").unwrap();
        let output = OutputArgs {
            format: Format::Csv,
            out: Some(path.clone()),
        };
        let err = deliver(&output, &mut Vec::new(), |w| {
            w.write_all(b"half").map_err(write_error(&output))?;
            Err(Error::Usage("disk on fire".into()))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
