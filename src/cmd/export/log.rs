//! `iskra export log`: the raw review log, oldest first, as CSV or JSON.
//! The first columns mean what Anki's revlog columns mean (id in ms, card,
//! rating, interval and last interval — days, or negative seconds for
//! learning steps —, time in ms, kind); iskra's own columns follow. See
//! README "Exporting".

use std::collections::HashMap;
use std::io::Write;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

use super::format::{Format, OutputArgs, csv_writer, deliver, memory, opt, write_error};
use crate::clock::{Clock, date_of_day};
use crate::error::{Error, Result};
use crate::stats::{DayCursor, FORMAT_VERSION, scope};
use crate::store::Store;
use crate::store::stats::ExportLogRow;

/// `iskra export log` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra export log --out log.csv
  iskra export log --format json --deck people | jq length"#)]
pub struct LogExportArgs {
    /// Only this deck (its name or file name)
    #[arg(long, add = crate::cmd::completions::deck_names())]
    pub deck: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// CSV columns, in order.
pub const COLUMNS: [&str; 17] = [
    "id",
    "card",
    "rating",
    "interval",
    "last_interval",
    "time_ms",
    "kind",
    "reviewed_at",
    "study_day",
    "deck",
    "fact",
    "elapsed_days",
    "state_before",
    "state_after",
    "due_after",
    "stability",
    "difficulty",
];

/// One log entry (the same fields in CSV and JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogExportRow {
    /// The answer's time in UTC milliseconds, made unique as Anki does
    /// (one more than the previous id when two answers share a millisecond).
    pub id: i64,
    pub card: i64,
    /// 1 Again, 2 Hard, 3 Good, 4 Easy; 0 for a manual entry (kind 4
    /// without an answer: `forget`, `reschedule`), as Anki's revlog.
    pub rating: u8,
    /// The interval after the answer: days, or negative seconds until the
    /// next learning step.
    pub interval: i64,
    /// The interval before the answer, likewise (0 for a new card).
    pub last_interval: i64,
    pub time_ms: i64,
    /// 0 learning, 1 review, 2 relearning, 4 manual.
    pub kind: i64,
    pub reviewed_at: String,
    pub study_day: NaiveDate,
    pub deck: String,
    pub fact: String,
    pub elapsed_days: i64,
    pub state_before: &'static str,
    pub state_after: &'static str,
    /// A study day (review) or an instant in UTC (learning steps).
    pub due_after: Option<String>,
    /// Memory state after the answer.
    pub stability: Option<f64>,
    pub difficulty: Option<f64>,
}

fn state_name(state: i64) -> &'static str {
    crate::sched::CardState::from_i64(state).name()
}

fn utc(ms: i64) -> Option<String> {
    DateTime::<Utc>::from_timestamp_millis(ms).map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// An interval as Anki's revlog writes it: review days, or negative seconds
/// from `since_ms` to a learning step due at `due`.
fn anki_interval(state: i64, interval_days: i64, due: i64, since_ms: Option<i64>) -> i64 {
    match (state, since_ms) {
        (2, _) => interval_days,
        (1 | 3, Some(since)) => -((due - since).max(0) / 1000),
        _ => 0,
    }
}

/// Turns stored rows, taken in time order, into export rows: unique ids,
/// study days, and intervals measured from each card's previous answer.
pub struct Rows<'a, Tz: chrono::TimeZone> {
    days: DayCursor<'a, Tz>,
    last_id: i64,
    /// When each card was last answered (UTC ms).
    previous: HashMap<i64, i64>,
}

impl<'a, Tz: chrono::TimeZone> Rows<'a, Tz> {
    pub fn new(clock: &'a Clock<Tz>) -> Self {
        Rows {
            days: DayCursor::new(clock),
            last_id: i64::MIN,
            previous: HashMap::new(),
        }
    }

    pub fn row(&mut self, r: &ExportLogRow) -> LogExportRow {
        let id = r.reviewed_at_ms.max(self.last_id.saturating_add(1));
        self.last_id = id;
        let previous_ms = self.previous.insert(r.card_id, r.reviewed_at_ms);
        let (stability, difficulty) = memory(r.stability_after, r.difficulty_after);
        LogExportRow {
            id,
            card: r.card_id,
            rating: r.rating,
            interval: anki_interval(r.state_after, r.interval_after, r.due_after, Some(r.reviewed_at_ms)),
            last_interval: anki_interval(r.state_before, r.interval_before, r.due_before, previous_ms),
            time_ms: r.duration_ms,
            kind: r.kind,
            reviewed_at: utc(r.reviewed_at_ms).unwrap_or_default(),
            study_day: date_of_day(self.days.day_of(r.reviewed_at_ms)),
            deck: r.deck.to_string(),
            fact: r.fact_key.to_string(),
            elapsed_days: r.elapsed_days,
            state_before: state_name(r.state_before),
            state_after: state_name(r.state_after),
            due_after: match r.state_after {
                0 => None,
                2 => Some(date_of_day(r.due_after).to_string()),
                _ => utc(r.due_after),
            },
            stability,
            difficulty,
        }
    }
}

fn csv_fields(r: &LogExportRow) -> [String; 17] {
    [
        r.id.to_string(),
        r.card.to_string(),
        r.rating.to_string(),
        r.interval.to_string(),
        r.last_interval.to_string(),
        r.time_ms.to_string(),
        r.kind.to_string(),
        r.reviewed_at.clone(),
        r.study_day.to_string(),
        r.deck.clone(),
        r.fact.clone(),
        r.elapsed_days.to_string(),
        r.state_before.to_string(),
        r.state_after.to_string(),
        r.due_after.clone().unwrap_or_default(),
        opt(r.stability),
        opt(r.difficulty),
    ]
}

fn json_error(e: serde_json::Error) -> Error {
    Error::Internal(format!("cannot write JSON: {e}"))
}

/// Runs `iskra export log`.
pub fn run(store: &mut Store, args: LogExportArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    let (scope, deck) = scope(store, args.deck.as_deref())?;
    let output = &args.output;
    deliver(output, out, |w| {
        let io = write_error(output);
        let mut rows = Rows::new(clock);
        let mut count = 0;
        match output.format {
            Format::Csv => {
                let mut csv = csv_writer(w);
                csv.write_record(COLUMNS).map_err(|e| io(e.into()))?;
                store.export_log_rows(scope, |r| {
                    count += 1;
                    csv.write_record(csv_fields(&rows.row(r))).map_err(|e| io(e.into()))
                })?;
                csv.flush().map_err(&io)?;
            }
            Format::Json => {
                let head = serde_json::json!({
                    "format_version": FORMAT_VERSION,
                    "kind": "iskra-review-log",
                    "exported_at": clock.now(),
                    "deck": deck,
                });
                // The header's fields, then the entries one per line.
                let head = crate::text::escape_json(&serde_json::to_string(&head).map_err(json_error)?);
                let head = head.strip_suffix('}').unwrap_or(&head);
                write!(w, "{head},\"entries\":[").map_err(&io)?;
                store.export_log_rows(scope, |r| {
                    w.write_all(if count == 0 { b"\n" } else { b",\n" }).map_err(&io)?;
                    count += 1;
                    // Lossless: control characters in card text become \u escapes.
                    let entry = serde_json::to_string(&rows.row(r)).map_err(json_error)?;
                    w.write_all(crate::text::escape_json(&entry).as_bytes()).map_err(&io)
                })?;
                w.write_all(b"\n]}\n").map_err(&io)?;
            }
        }
        Ok(count)
    })?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_read_as_anki_writes_them() {
        // A review card with a 12-day interval.
        assert_eq!(anki_interval(2, 12, 20_000, None), 12);
        // A learning step due 10 minutes after the answer.
        assert_eq!(anki_interval(1, 0, 600_000, Some(0)), -600);
        // A new card; a learning card whose previous answer is unknown.
        assert_eq!(anki_interval(0, 0, 3, None), 0);
        assert_eq!(anki_interval(3, 5, 600_000, None), 0);
    }

    #[test]
    fn ids_stay_unique_within_a_millisecond() {
        let clock = Clock::new(Utc::now(), Utc, 4);
        let mut rows = Rows::new(&clock);
        let entry = |ms| ExportLogRow {
            id: 1,
            card_id: 1,
            deck: "d",
            fact_key: "f",
            reviewed_at_ms: ms,
            rating: 3,
            duration_ms: 0,
            kind: 0,
            elapsed_days: 0,
            state_before: 0,
            due_before: 0,
            interval_before: 0,
            state_after: 1,
            due_after: ms + 60_000,
            interval_after: 0,
            stability_after: None,
            difficulty_after: None,
        };
        let ids: Vec<i64> = [1000, 1000, 1001, 5000]
            .iter()
            .map(|&ms| rows.row(&entry(ms)).id)
            .collect();
        assert_eq!(ids, [1000, 1001, 1002, 5000]);
        assert_eq!(rows.row(&entry(5000)).interval, -60);
        // A learning answer: its last interval is the step it waited for,
        // from the card's previous answer (at 5000) to when it was due.
        let mut step = entry(70_000);
        step.state_before = 1;
        step.due_before = 65_000;
        assert_eq!(rows.row(&step).last_interval, -60);
    }
}
