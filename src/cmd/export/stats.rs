//! `iskra export stats`: the per-day statistics of `iskra stats` (one row
//! per study day of the period) and, with `--cards`, one row per card, as
//! CSV or JSON. Columns are documented in README "Exporting".

use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::format::{
    Format, OutputArgs, csv_writer, deliver, due_text, instant_text, memory, opt, queue_name, round4, state_name,
    write_error,
};
use crate::clock::Clock;
use crate::cmd::stats::PeriodArgs;
use crate::error::Result;
use crate::stats::{DayStats, FORMAT_VERSION, compute, decay, retrievability, scope};
use crate::store::Store;
use crate::store::stats::CardDetail;

/// `iskra export stats` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra export stats --days 365 --out days.csv      one row per study day
  iskra export stats --cards --out cards.csv        one row per card
  iskra export stats --format json | jq .days"#)]
pub struct StatsExportArgs {
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// One row per card (CSV: instead of the days; JSON: as well)
    #[arg(long)]
    pub cards: bool,
}

/// CSV columns of the per-day table.
pub const DAY_COLUMNS: [&str; 12] = [
    "date",
    "reviews",
    "new",
    "learning",
    "review",
    "relearn",
    "again",
    "time_ms",
    "retention",
    "retention_passed",
    "retention_failed",
    "due",
];

/// CSV columns of the per-card table.
pub const CARD_COLUMNS: [&str; 21] = [
    "id",
    "deck",
    "fact",
    "kind",
    "template",
    "question",
    "state",
    "queue",
    "due",
    "interval",
    "stability",
    "difficulty",
    "retrievability",
    "reps",
    "lapses",
    "answer",
    "deck_key",
    "tags",
    "flag",
    "leech",
    "added",
];

/// One study day, flat (the same fields in CSV and JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayRow {
    pub date: NaiveDate,
    pub reviews: u32,
    pub new: u32,
    pub learning: u32,
    pub review: u32,
    pub relearn: u32,
    pub again: u32,
    pub time_ms: i64,
    /// True retention of the day (4 decimals), none without review answers.
    pub retention: Option<f64>,
    pub retention_passed: u32,
    pub retention_failed: u32,
    pub due: u32,
}

/// One card (the same fields in CSV and JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardExportRow {
    pub id: i64,
    pub deck: String,
    pub fact: String,
    /// The fact's kind: qa, cloze, sequence, timeline.
    pub kind: String,
    pub template: String,
    pub question: String,
    /// new, learning, review, relearning.
    pub state: &'static str,
    /// new, learning, review, suspended, buried.
    pub queue: &'static str,
    /// A study day (review), an instant in UTC (learning), none (new).
    pub due: Option<String>,
    pub interval: i64,
    pub stability: Option<f64>,
    pub difficulty: Option<f64>,
    /// Probability of recall now (4 decimals).
    pub retrievability: Option<f64>,
    pub reps: i64,
    pub lapses: i64,
    /// The card's back.
    pub answer: String,
    /// The deck's key (its file name without `.deck`).
    pub deck_key: String,
    /// The fact's tags (CSV: separated by spaces).
    pub tags: Vec<String>,
    /// 0 none, 1 red, 2 orange, 3 green, 4 blue, 5 pink, 6 turquoise, 7 purple.
    pub flag: u8,
    /// Marked a leech (`leech-lapses`).
    pub leech: bool,
    /// When the card was added (UTC); none if unknown.
    pub added: Option<String>,
}

/// The JSON document.
#[derive(Serialize)]
struct Document<'a> {
    format_version: u32,
    kind: &'static str,
    exported_at: DateTime<Utc>,
    study_day: NaiveDate,
    day_start_hour: u32,
    deck: Option<&'a str>,
    days: &'a [DayRow],
    #[serde(skip_serializing_if = "Option::is_none")]
    cards: Option<&'a [CardExportRow]>,
}

impl From<&DayStats> for DayRow {
    fn from(d: &DayStats) -> DayRow {
        DayRow {
            date: d.date,
            reviews: d.reviews,
            new: d.new,
            learning: d.learning,
            review: d.review,
            relearn: d.relearn,
            again: d.again,
            time_ms: d.time_ms,
            retention: d.retention.rate.map(round4),
            retention_passed: d.retention.passed,
            retention_failed: d.retention.failed,
            due: d.due,
        }
    }
}

/// The cards of the scope as export rows.
pub fn card_rows(
    store: &Store,
    deck: Option<&str>,
    clock: &Clock<impl chrono::TimeZone>,
) -> Result<Vec<CardExportRow>> {
    let (scope, _) = scope(store, deck)?;
    let decay = decay(store)?;
    let today = clock.today();
    let rows = store.stats_card_details(scope)?;
    Ok(rows.iter().map(|detail| card_row(detail, today, decay)).collect())
}

fn card_row(detail: &CardDetail, today: crate::clock::DayNumber, decay: f32) -> CardExportRow {
    let c = &detail.card;
    let due = due_text(c.state, c.due);
    let (stability, difficulty) = memory(c.stability, c.difficulty);
    CardExportRow {
        id: c.id,
        deck: detail.deck.clone(),
        fact: detail.fact_key.clone(),
        kind: detail.fact_kind.clone(),
        template: detail.template.clone(),
        question: detail.question.clone(),
        state: state_name(c.state),
        queue: queue_name(c.queue),
        due,
        interval: c.interval,
        stability,
        difficulty,
        retrievability: retrievability(c.stability, c.difficulty, c.last_review_day, today, decay).map(round4),
        reps: c.reps,
        lapses: c.lapses,
        answer: detail.answer.clone(),
        deck_key: detail.deck_key.clone(),
        tags: detail.tags.clone(),
        flag: detail.flag,
        leech: detail.leech,
        added: detail.added_ms.and_then(instant_text),
    }
}

fn write_days_csv(out: &mut dyn Write, days: &[DayRow]) -> std::io::Result<()> {
    let mut csv = csv_writer(out);
    csv.write_record(DAY_COLUMNS)?;
    for d in days {
        csv.write_record([
            d.date.to_string(),
            d.reviews.to_string(),
            d.new.to_string(),
            d.learning.to_string(),
            d.review.to_string(),
            d.relearn.to_string(),
            d.again.to_string(),
            d.time_ms.to_string(),
            opt(d.retention),
            d.retention_passed.to_string(),
            d.retention_failed.to_string(),
            d.due.to_string(),
        ])?;
    }
    csv.flush()
}

fn write_cards_csv(out: &mut dyn Write, cards: &[CardExportRow]) -> std::io::Result<()> {
    let mut csv = csv_writer(out);
    csv.write_record(CARD_COLUMNS)?;
    for c in cards {
        csv.write_record([
            c.id.to_string(),
            c.deck.clone(),
            c.fact.clone(),
            c.kind.clone(),
            c.template.clone(),
            c.question.clone(),
            c.state.to_string(),
            c.queue.to_string(),
            c.due.clone().unwrap_or_default(),
            c.interval.to_string(),
            opt(c.stability),
            opt(c.difficulty),
            opt(c.retrievability),
            c.reps.to_string(),
            c.lapses.to_string(),
            c.answer.clone(),
            c.deck_key.clone(),
            c.tags.join(" "),
            c.flag.to_string(),
            u8::from(c.leech).to_string(),
            c.added.clone().unwrap_or_default(),
        ])?;
    }
    csv.flush()
}

/// Runs `iskra export stats`.
pub fn run(store: &mut Store, args: StatsExportArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    let stats = compute(store, &args.period.period(), clock)?;
    let days: Vec<DayRow> = stats.reviews.iter().map(DayRow::from).collect();
    let cards = if args.cards {
        Some(card_rows(store, args.period.deck.as_deref(), clock)?)
    } else {
        None
    };
    let output = &args.output;
    deliver(output, out, |w| {
        let io = write_error(output);
        match output.format {
            Format::Csv => match &cards {
                Some(cards) => write_cards_csv(w, cards).map(|_| cards.len()),
                None => write_days_csv(w, &days).map(|_| days.len()),
            }
            .map_err(io),
            Format::Json => {
                let document = Document {
                    format_version: FORMAT_VERSION,
                    kind: "iskra-stats",
                    exported_at: stats.now,
                    study_day: stats.study_day,
                    day_start_hour: stats.day_start_hour,
                    deck: stats.deck.as_deref(),
                    days: &days,
                    cards: cards.as_deref(),
                };
                // Lossless: control characters in card text become \u escapes.
                let text = crate::text::escape_json(&crate::stats::to_json(&document)?);
                writeln!(w, "{text}").map_err(io)?;
                Ok(days.len() + cards.as_ref().map_or(0, Vec::len))
            }
        }
    })?;
    Ok(0)
}
