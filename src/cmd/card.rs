//! `iskra card ID [--json]`: one card's story ([`crate::manage::info`]):
//! deck, fact, the file and line it is written at, its schedule and memory
//! now, flag, leech, when it was added and its whole review history.

use std::io::Write;

use serde::Serialize;

use crate::clock::Clock;
use crate::cmd::export::format::{due_text, instant_text, memory, queue_name, round4, state_name};
use crate::error::{Error, Result};
use crate::manage::info::{CardInfo, Source, card_info};
use crate::store::{DeckOptions, Origin, Store};
use crate::text::escape_json;
use crate::ui::card_info::{entry_kind, rating_name, render};

/// `iskra card` options.
#[derive(Debug, clap::Args)]
pub struct CardArgs {
    /// The card's id (as `iskra search` shows it)
    #[arg(value_name = "ID")]
    pub id: i64,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    /// The deck file, if the deck was built from one.
    path: Option<&'a str>,
    /// The line of the fact's heading, if the file holds it now.
    line: Option<usize>,
    bundled: bool,
    /// The file is gone.
    missing: bool,
}

#[derive(Serialize)]
struct EntryJson {
    reviewed_at: Option<String>,
    /// 1-4; 0 for a manual entry.
    rating: u8,
    rating_name: &'static str,
    /// learn, review, relearn, filtered, reset, set due, manual.
    kind: &'static str,
    state_after: &'static str,
    due_after: Option<String>,
    interval_after: i64,
    stability_after: Option<f64>,
    difficulty_after: Option<f64>,
    duration_ms: i64,
}

#[derive(Serialize)]
struct CardJson<'a> {
    id: i64,
    deck: &'a str,
    deck_key: &'a str,
    fact: &'a str,
    kind: &'a str,
    template: &'a str,
    question: &'a str,
    answer: &'a str,
    source: SourceJson<'a>,
    state: &'static str,
    queue: &'static str,
    retired: bool,
    due: Option<String>,
    interval: u32,
    stability: Option<f64>,
    /// FSRS difficulty, 1-10.
    difficulty: Option<f64>,
    retrievability: Option<f64>,
    reps: u32,
    lapses: u32,
    flag: u8,
    leech: bool,
    added: Option<String>,
    options: OptionsJson,
    history: Vec<EntryJson>,
}

/// The options the card is studied with.
#[derive(serde::Serialize)]
struct OptionsJson {
    /// Whether the deck has options of its own.
    own: bool,
    retention: f64,
    new_per_day: u32,
    reviews_per_day: u32,
    learn_steps_secs: Vec<u32>,
    relearn_steps_secs: Vec<u32>,
    max_interval: u32,
    /// `collection`, `deck` or `deck-fit`.
    parameters_from: &'static str,
    parameters: Vec<f32>,
    bury_new: bool,
    bury_reviews: bool,
    bury_interday: bool,
}

fn options_json(o: &DeckOptions) -> OptionsJson {
    let s = &o.scheduler;
    OptionsJson {
        own: !o.own.is_empty(),
        retention: round4(f64::from(s.desired_retention)),
        new_per_day: o.new_per_day,
        reviews_per_day: o.reviews_per_day,
        learn_steps_secs: s.learn_steps_secs.clone(),
        relearn_steps_secs: s.relearn_steps_secs.clone(),
        max_interval: s.max_interval,
        parameters_from: match o.parameters_from {
            Origin::Collection => "collection",
            Origin::Deck => "deck",
            Origin::DeckFit => "deck-fit",
        },
        parameters: s.parameters.clone(),
        bury_new: o.bury.new,
        bury_reviews: o.bury.review,
        bury_interday: o.bury.interday,
    }
}

fn card_json(info: &CardInfo) -> CardJson<'_> {
    let c = &info.card;
    let s = &c.schedule;
    let (stability, difficulty) = memory(s.stability, s.difficulty);
    let source = match &info.source {
        Source::File { path, line } => SourceJson {
            path: Some(path),
            line: *line,
            bundled: false,
            missing: false,
        },
        Source::Missing { path } => SourceJson {
            path: Some(path),
            line: None,
            bundled: false,
            missing: true,
        },
        Source::Bundled | Source::None => SourceJson {
            path: None,
            line: None,
            bundled: info.source == Source::Bundled,
            missing: false,
        },
    };
    CardJson {
        id: c.id,
        deck: &c.deck_name,
        deck_key: &c.deck_key,
        fact: &c.fact_key,
        kind: &c.fact_kind,
        template: &c.template,
        question: &c.front,
        answer: &c.back,
        source,
        state: state_name(s.state),
        queue: queue_name(c.queue),
        retired: c.retired,
        due: due_text(s.state, s.due),
        interval: s.interval,
        stability,
        difficulty,
        retrievability: info.retrievability.map(round4),
        reps: s.reps,
        lapses: s.lapses,
        flag: c.flag,
        leech: c.leech,
        added: c.added_ms.and_then(instant_text),
        options: options_json(&info.options),
        history: info
            .log
            .iter()
            .map(|row| {
                let (stability_after, difficulty_after) = memory(row.stability_after, row.difficulty_after);
                EntryJson {
                    reviewed_at: instant_text(row.reviewed_at_ms),
                    rating: row.rating,
                    rating_name: rating_name(row.rating),
                    kind: entry_kind(row),
                    state_after: state_name(row.state_after),
                    due_after: due_text(row.state_after, row.due_after),
                    interval_after: row.interval_after,
                    stability_after,
                    difficulty_after,
                    duration_ms: row.duration_ms,
                }
            })
            .collect(),
    }
}

/// Runs `iskra card`.
pub fn run(store: &mut Store, args: CardArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    let info = card_info(store, args.id, clock)?;
    if args.json {
        let text = serde_json::to_string_pretty(&card_json(&info)).map_err(|e| Error::Internal(e.to_string()))?;
        writeln!(out, "{}", escape_json(&text)).map_err(Error::stdout)?;
    } else {
        render(out, &info, clock).map_err(Error::stdout)?;
    }
    Ok(0)
}
