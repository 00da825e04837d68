//! `iskra search QUERY [--cards|--facts] [--json]`: the cards (or facts)
//! a query in Anki's search syntax matches ([`crate::search`]), as a table
//! sized to the terminal or as JSON. Nothing matched is no error: it is
//! said, and the exit code is 0 (`--json`: an empty list).

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::clock::Clock;
use crate::cmd::export::format::{due_text, instant_text, memory, queue_name, round4, state_name};
use crate::error::{Error, Result};
use crate::search::{Search, find};
use crate::store::Store;
use crate::text::escape_json;
use crate::ui::search::{FoundFact, render_cards, render_facts, render_nothing, table_width};

/// `iskra search` options.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The query, e.g. `deck:kron* is:due`, `"sailors' revolt" -tag:draft`, `prop:lapses>3 or is:leech`
    /// (README "Managing your collection" lists the syntax; no query: every card; a query that starts
    /// with `-` goes after `--`: `iskra search -- -tag:draft`)
    #[arg(num_args = 0.., value_name = "QUERY")]
    pub query: Vec<String>,
    /// One row per card (the default)
    #[arg(long, conflicts_with = "facts")]
    pub cards: bool,
    /// One row per fact, with the ids of its cards found
    #[arg(long)]
    pub facts: bool,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// A card in the JSON output (fields as in `export stats --cards`).
#[derive(Debug, Serialize)]
struct CardJson<'a> {
    id: i64,
    deck: &'a str,
    deck_key: &'a str,
    fact: &'a str,
    kind: &'a str,
    template: &'a str,
    question: &'a str,
    /// new, learning, review, relearning.
    state: &'static str,
    /// new, learning, review, suspended, buried.
    queue: &'static str,
    /// A study day (review), an instant in UTC (learning), none (new).
    due: Option<String>,
    interval: i64,
    stability: Option<f64>,
    /// FSRS difficulty, 1-10.
    difficulty: Option<f64>,
    retrievability: Option<f64>,
    reps: i64,
    lapses: i64,
    flag: u8,
    leech: bool,
    added: Option<String>,
}

/// A fact in the JSON output of `--facts`.
#[derive(Debug, Serialize)]
struct FactJson<'a> {
    deck: &'a str,
    deck_key: &'a str,
    fact: &'a str,
    kind: &'a str,
    question: &'a str,
    cards: Vec<i64>,
}

#[derive(Debug, Serialize)]
struct Document<'a> {
    query: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cards: Option<Vec<CardJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    facts: Option<Vec<FactJson<'a>>>,
}

fn card_json(s: &Search) -> CardJson<'_> {
    let c = &s.card;
    let (stability, difficulty) = memory(c.stability, c.difficulty);
    CardJson {
        id: c.id,
        deck: &c.deck_name,
        deck_key: &c.deck_key,
        fact: &c.fact_key,
        kind: &c.fact_kind,
        template: &c.template,
        question: &c.front,
        state: state_name(c.state),
        queue: queue_name(c.queue),
        due: due_text(c.state, c.due),
        interval: c.interval,
        stability,
        difficulty,
        retrievability: s.retrievability.map(round4),
        reps: c.reps,
        lapses: c.lapses,
        flag: c.flag,
        leech: c.leech,
        added: c.added_ms.and_then(instant_text),
    }
}

/// The facts of the cards found, in the order of their first card.
fn by_fact(found: &[Search]) -> Vec<FoundFact<'_>> {
    let mut order: Vec<i64> = Vec::new();
    let mut facts: BTreeMap<i64, FoundFact> = BTreeMap::new();
    for s in found {
        facts
            .entry(s.card.fact_id)
            .or_insert_with(|| {
                order.push(s.card.fact_id);
                FoundFact { cards: Vec::new() }
            })
            .cards
            .push(s);
    }
    order.iter().filter_map(|id| facts.remove(id)).collect()
}

/// Runs `iskra search`.
pub fn run(store: &mut Store, args: SearchArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    let query = args.query.join(" ");
    let found = find(store, &query, clock)?;
    if args.json {
        let facts = args.facts.then(|| by_fact(&found));
        let document = Document {
            query: &query,
            cards: (!args.facts).then(|| found.iter().map(card_json).collect()),
            facts: facts.map(|facts| {
                facts
                    .iter()
                    .filter_map(|f| {
                        let first = &f.cards.first()?.card;
                        Some(FactJson {
                            deck: &first.deck_name,
                            deck_key: &first.deck_key,
                            fact: &first.fact_key,
                            kind: &first.fact_kind,
                            question: &first.front,
                            cards: f.cards.iter().map(|s| s.card.id).collect(),
                        })
                    })
                    .collect()
            }),
        };
        let text = serde_json::to_string_pretty(&document).map_err(|e| Error::Internal(e.to_string()))?;
        writeln!(out, "{}", escape_json(&text)).map_err(Error::stdout)?;
        return Ok(0);
    }
    if found.is_empty() {
        render_nothing(out, &query).map_err(Error::stdout)?;
        return Ok(0);
    }
    let width = table_width();
    // One write per 8 KiB, not per line (stdout writes each line at once):
    // 312,686 lines took 9.1 s.
    let mut out = std::io::BufWriter::new(out);
    if args.facts {
        render_facts(&mut out, &by_fact(&found), width)
    } else {
        render_cards(&mut out, &found, width, clock)
    }
    .and_then(|()| out.flush())
    .map_err(Error::stdout)?;
    Ok(0)
}
