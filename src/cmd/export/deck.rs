//! `iskra export deck`: one deck as an iskra deck file (`--format iskra`,
//! so an imported deck joins the text-file workflow), an Anki text file
//! (`--format csv`) or an Anki package (`--format apkg`, with
//! `--with-history` its scheduling and review log too).
//!
//! In Anki, q/a facts become notes of the type `iskra Basic` (or `iskra
//! Basic (and reversed card)` when they have a reverse card) with fields
//! Front, Back and Extra; cloze facts `iskra Cloze` notes (Text, Extra) with
//! deletions numbered in order (`{{c1::…}}`, `{{c2::…}}`); sequences and
//! timelines one `iskra Basic` note per card. A fact imported from Anki gets
//! its Anki guid back (from its `anki-…` key), so Anki updates the note it
//! came from instead of adding a copy; other facts get the guid
//! `iskra:DECK/FACT`. Alternatives, hints and sources have no place in
//! Anki's note types and are left out.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::clock::Clock;
use crate::deck::{Deck, Fact, FactBody, QaKind, parse_deck, write::write_deck};
use crate::error::{Error, Result};
use crate::interop::anki::Card;
use crate::interop::anki::write::{ExportDeck, ExportNote, NoteKind};
use crate::interop::anki::{Revlog, html, text};
use crate::sched::{CardState, Due};
use crate::store::deck_export::{ExportCard as StoredCard, ExportReview};
use crate::store::{DeckRow, Store};
use crate::text::escape_control;

/// What `export deck` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An iskra deck file (`decks/NAME.deck`)
    Iskra,
    /// An Anki text file (tab-separated, with Anki's header lines)
    Csv,
    /// An Anki package that Anki imports
    Apkg,
}

/// `iskra export deck` options.
#[derive(Debug, clap::Args)]
pub struct DeckExportArgs {
    /// The deck, by name or key
    pub deck: String,
    /// iskra, csv or apkg [default: from --out's extension, else iskra]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Where to write [default: decks/KEY.deck, KEY.txt or KEY.apkg]; `-` is
    /// standard output (iskra and csv)
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// With --format apkg: include the cards' scheduling and the review log
    #[arg(long)]
    pub with_history: bool,
    /// Replace the --out file if it exists
    #[arg(long)]
    pub force: bool,
}

/// Runs `iskra export deck`.
pub fn run(store: &mut Store, args: DeckExportArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    let deck = store.find_deck(&args.deck)?;
    let format =
        args.format.unwrap_or_else(
            || match args.out.as_ref().and_then(|p| p.extension()).and_then(|e| e.to_str()) {
                Some("apkg") => Format::Apkg,
                Some("txt" | "csv" | "tsv") => Format::Csv,
                _ => Format::Iskra,
            },
        );
    if args.with_history && format != Format::Apkg {
        return Err(Error::Usage(
            "--with-history goes with --format apkg.\n  hint: deck files and text files hold no scheduling".into(),
        ));
    }
    let target = args.out.clone().unwrap_or_else(|| match format {
        Format::Iskra => Path::new("decks").join(format!("{}.deck", deck.key)),
        Format::Csv => PathBuf::from(format!("{}.txt", deck.key)),
        Format::Apkg => PathBuf::from(format!("{}.apkg", deck.key)),
    });
    let to_stdout = target.as_os_str() == "-";
    if to_stdout && format == Format::Apkg {
        return Err(Error::Usage(
            "an .apkg package cannot go to standard output.\n  hint: pass --out FILE.apkg".into(),
        ));
    }
    if !to_stdout && target.exists() && !args.force {
        return Err(Error::Usage(format!(
            "{} exists.\n  hint: pass --force to replace it, or choose another --out",
            target.display()
        )));
    }
    let facts = store.deck_facts(deck.id)?;
    let summary = match format {
        Format::Iskra => {
            let text = iskra_text(&deck, &facts)?;
            emit(&target, to_stdout, text.as_bytes(), out)?;
            let mut summary = format!("{} facts", facts.len());
            if target.file_stem().is_some_and(|s| s != deck.key.as_str()) && !to_stdout {
                summary.push_str(&format!(
                    ".\nNote: a deck's identity is its file name: built from this file it becomes deck `{}`, without this deck's history; name it {}.deck to keep it",
                    escape_control(&target.file_stem().unwrap_or_default().to_string_lossy()),
                    escape_control(&deck.key)
                ));
            } else if !to_stdout {
                summary.push_str(&format!(
                    ".\nBuild it to make the file the deck's source: iskra build {}",
                    target.display()
                ));
            }
            summary
        }
        Format::Csv => {
            let cards = store.deck_export_cards(deck.id)?;
            let rows = csv_rows(&deck, &facts, &cards);
            let text = text::write(
                &text::Header {
                    html: false,
                    guid_column: Some(1),
                    notetype_column: Some(2),
                    deck_column: Some(3),
                    tags_column: Some(6),
                },
                &rows,
            );
            emit(&target, to_stdout, text.as_bytes(), out)?;
            format!("{} notes", rows.len())
        }
        Format::Apkg => {
            let settings = store.settings()?;
            let cards = store.deck_export_cards(deck.id)?;
            let log = if args.with_history {
                store.deck_export_log(deck.id)?
            } else {
                Vec::new()
            };
            let package = Package::build(
                &deck,
                &facts,
                &cards,
                &log,
                args.with_history,
                clock,
                settings.scheduler.desired_retention,
            );
            write_package(&target, &package, clock, settings.day_start_hour)?;
            format!(
                "{} notes, {} cards, {} reviews",
                package.notes.len(),
                package.cards.len(),
                package.revlog.len()
            )
        }
    };
    if !to_stdout {
        writeln!(out, "Wrote {}: {summary}", target.display()).map_err(Error::stdout)?;
    }
    Ok(0)
}

/// Writes a text export to its file, or to stdout: on a terminal with its
/// control characters shown escaped (card text comes from files people
/// share), into a pipe exactly.
fn emit(target: &Path, to_stdout: bool, bytes: &[u8], out: &mut impl Write) -> Result<()> {
    if to_stdout && std::io::stdout().is_terminal() {
        let text = crate::text::escape_control(&String::from_utf8_lossy(bytes));
        out.write_all(text.as_bytes()).map_err(Error::stdout)
    } else if to_stdout {
        out.write_all(bytes).map_err(Error::stdout)
    } else {
        crate::files::write_atomic(target, bytes)
    }
}

/// The deck file, checked to read back as the same facts.
fn iskra_text(deck: &DeckRow, facts: &[(i64, Fact)]) -> Result<String> {
    let parsed = Deck {
        key: deck.key.clone(),
        name: deck.name.clone(),
        description: deck.description.clone(),
        retention: deck.retention,
        new_per_day: deck.new_per_day,
        reviews_per_day: deck.reviews_per_day,
        facts: facts.iter().map(|(_, f)| f.clone()).collect(),
    };
    let text = write_deck(&parsed);
    match parse_deck(&format!("{}.deck", deck.key), &deck.key, text.as_bytes()) {
        Ok(back) if back == parsed => Ok(text),
        Ok(back) => {
            let differs = parsed
                .facts
                .iter()
                .zip(&back.facts)
                .find(|(a, b)| a != b)
                .map_or_else(|| "the deck header".to_string(), |(a, _)| format!("fact {}", a.id));
            Err(Error::Usage(format!(
                "{differs} would not read back as stored, so nothing was written.\n  hint: please report this"
            )))
        }
        Err(diagnostics) => Err(Error::Deck(diagnostics)),
    }
}

/// The Anki guid of a fact: its own when it came from Anki, else `iskra:DECK/FACT`.
fn guid(deck: &DeckRow, fact: &Fact, template: Option<&str>) -> String {
    match (crate::interop::keys::guid_of_key(&fact.id), template) {
        (Some(guid), None) => guid,
        (_, None) => format!("iskra:{}/{}", deck.key, fact.id),
        (_, Some(template)) => format!("iskra:{}/{}/{template}", deck.key, fact.id),
    }
}

/// A cloze text in Anki's syntax: deletions numbered in order.
fn anki_cloze(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    let mut number = 0;
    while let (Some(open), Some(close)) = (rest.find("{{"), rest.find("}}")) {
        if close < open {
            break;
        }
        number += 1;
        out.push_str(&rest[..open]);
        out.push_str(&format!("{{{{c{number}::{}}}}}", &rest[open + 2..close]));
        rest = &rest[close + 2..];
    }
    out.push_str(rest);
    out
}

/// One Anki note for a fact (or for one card of a sequence or timeline).
struct NoteDraft {
    guid: String,
    kind: NoteKind,
    /// Plain-text fields in the note type's order.
    fields: Vec<String>,
    tags: Vec<String>,
    /// The iskra cards it stands for, with their Anki ordinals.
    cards: Vec<(i64, i64)>,
}

fn drafts(deck: &DeckRow, fact: &Fact, cards: &[&StoredCard]) -> Vec<NoteDraft> {
    let extra = fact.extra.clone().unwrap_or_default();
    let ord_of = |template: &str| -> Option<i64> {
        match template {
            "basic" => Some(0),
            "reverse" => Some(1),
            t => t
                .strip_prefix("cloze:")
                .and_then(|n| n.parse::<i64>().ok())
                .map(|n| n - 1),
        }
    };
    let mapped = || {
        cards
            .iter()
            .filter_map(|c| ord_of(&c.template).map(|ord| (c.id, ord)))
            .collect()
    };
    match &fact.body {
        FactBody::Qa {
            question,
            answer,
            kinds,
        } => vec![NoteDraft {
            guid: guid(deck, fact, None),
            kind: if kinds.contains(&QaKind::Reverse) {
                NoteKind::BasicReversed
            } else {
                NoteKind::Basic
            },
            fields: vec![question.clone(), answer.clone(), extra],
            tags: fact.tags.clone(),
            cards: mapped(),
        }],
        FactBody::Cloze { text } => vec![NoteDraft {
            guid: guid(deck, fact, None),
            kind: NoteKind::Cloze,
            fields: vec![anki_cloze(text), extra],
            tags: fact.tags.clone(),
            cards: mapped(),
        }],
        FactBody::Sequence { .. } | FactBody::Timeline { .. } => cards
            .iter()
            .map(|card| NoteDraft {
                guid: guid(deck, fact, Some(&card.template)),
                kind: NoteKind::Basic,
                fields: vec![card.front.clone(), card.back.clone(), extra.clone()],
                tags: fact.tags.clone(),
                cards: vec![(card.id, 0)],
            })
            .collect(),
    }
}

/// The cards of each fact, grouped in one pass.
fn cards_by_fact(cards: &[StoredCard]) -> HashMap<i64, Vec<&StoredCard>> {
    let mut by_fact: HashMap<i64, Vec<&StoredCard>> = HashMap::new();
    for card in cards {
        by_fact.entry(card.fact_id).or_default().push(card);
    }
    by_fact
}

/// Rows of an Anki text file: guid, note type, deck, two fields, tags.
/// Stock note types (Basic, Basic (and reversed card), Cloze), so the file
/// imports into any Anki collection.
fn csv_rows(deck: &DeckRow, facts: &[(i64, Fact)], cards: &[StoredCard]) -> Vec<Vec<String>> {
    let by_fact = cards_by_fact(cards);
    let mut rows = Vec::new();
    for (fact_id, fact) in facts {
        let fact_cards = by_fact.get(fact_id).map_or(&[][..], Vec::as_slice);
        for draft in drafts(deck, fact, fact_cards) {
            let notetype = match draft.kind {
                NoteKind::Basic => "Basic",
                NoteKind::BasicReversed => "Basic (and reversed card)",
                NoteKind::Cloze => "Cloze",
            };
            // Front and Back, or Text and Extra: the stock types' first two fields.
            rows.push(vec![
                draft.guid,
                notetype.to_string(),
                deck.name.clone(),
                draft.fields[0].clone(),
                draft.fields[1].clone(),
                draft.tags.join(" "),
            ]);
        }
    }
    rows
}

/// Everything an exported package holds.
struct Package {
    deck: ExportDeck,
    notes: Vec<ExportNote>,
    cards: Vec<Card>,
    revlog: Vec<Revlog>,
}

/// Offsets that keep exported ids apart from each other and look like
/// Anki's (millisecond timestamps).
const NOTE_ID_BASE: i64 = 1_600_000_000_000;
const CARD_ID_BASE: i64 = 1_650_000_000_000;
const DECK_ID_BASE: i64 = 1_690_000_000_000;

impl Package {
    fn build(
        deck: &DeckRow,
        facts: &[(i64, Fact)],
        cards: &[StoredCard],
        log: &[ExportReview],
        with_history: bool,
        clock: &Clock,
        default_retention: f32,
    ) -> Package {
        let mut package = Package {
            deck: ExportDeck {
                id: DECK_ID_BASE + deck.id,
                name: deck.name.clone(),
                description: deck.description.clone(),
            },
            notes: Vec::new(),
            cards: Vec::new(),
            revlog: Vec::new(),
        };
        let retention = deck.retention.unwrap_or(default_retention);
        let by_fact = cards_by_fact(cards);
        let mut last_review: HashMap<i64, i64> = HashMap::new();
        for entry in log {
            let last = last_review.entry(entry.card_id).or_insert(entry.reviewed_at_ms);
            *last = (*last).max(entry.reviewed_at_ms);
        }
        let mut position = 0;
        for (fact_id, fact) in facts {
            let fact_cards = by_fact.get(fact_id).map_or(&[][..], Vec::as_slice);
            for draft in drafts(deck, fact, fact_cards) {
                let note_id = NOTE_ID_BASE + package.notes.len() as i64 + 1;
                package.notes.push(ExportNote {
                    id: note_id,
                    guid: draft.guid,
                    kind: draft.kind,
                    fields: draft.fields.iter().map(|f| html::from_text(f)).collect(),
                    tags: draft.tags,
                });
                for (card_id, ord) in draft.cards {
                    let Some(card) = fact_cards.iter().find(|c| c.id == card_id) else {
                        continue;
                    };
                    position += 1;
                    let mut row = if with_history {
                        scheduled_card(card, clock, retention, last_review.get(&card_id).copied())
                    } else {
                        Card::default()
                    };
                    if row.ctype == 0 {
                        row.due = position;
                    }
                    row.id = CARD_ID_BASE + card.id;
                    row.note_id = note_id;
                    row.ord = ord;
                    package.cards.push(row);
                }
            }
        }
        if with_history {
            let mut used = std::collections::HashSet::new();
            for entry in log {
                let mut id = entry.reviewed_at_ms;
                while !used.insert(id) {
                    id += 1; // Anki's revlog id is unique
                }
                package.revlog.push(revlog_row(entry, id));
            }
        }
        package
    }
}

/// A card's schedule in Anki's columns; review days relative to today
/// (the package's creation day).
fn scheduled_card(card: &StoredCard, clock: &Clock, retention: f32, last_review_ms: Option<i64>) -> Card {
    let s = &card.schedule;
    let today = clock.today();
    let (queue, due) = match s.due {
        Due::New(position) => (0, position),
        Due::At(ms) => (1, ms.div_euclid(1000)),
        Due::Day(day) => (2, day - today),
    };
    let data = match s.memory {
        Some(m) => {
            let mut data = serde_json::json!({"s": m.stability, "d": m.difficulty, "dr": retention});
            if let Some(ms) = last_review_ms {
                data["lrt"] = serde_json::json!(ms.div_euclid(1000));
            }
            data.to_string()
        }
        None => String::new(),
    };
    Card {
        ctype: s.state as i64,
        queue: if card.queue == -1 { -1 } else { queue },
        due,
        interval: i64::from(s.interval),
        factor: if s.state == CardState::New { 0 } else { 2500 },
        reps: i64::from(s.reps),
        lapses: i64::from(s.lapses),
        left: i64::from(s.remaining_steps),
        data,
        ..Card::default()
    }
}

/// A log entry as an Anki revlog row: intervals in days, or negative
/// seconds for learning steps.
fn revlog_row(entry: &ExportReview, id: i64) -> Revlog {
    let interval = if entry.state_after == CardState::Review {
        i64::from(entry.interval_after)
    } else {
        -((entry.due_after - entry.reviewed_at_ms) / 1000).max(0)
    };
    let last_interval = match entry.state_before {
        CardState::Review | CardState::Relearning => i64::from(entry.interval_before),
        _ => 0,
    };
    Revlog {
        id,
        card_id: CARD_ID_BASE + entry.card_id,
        ease: i64::from(entry.rating.number()),
        interval,
        last_interval,
        factor: if entry.state_after == CardState::Review {
            2500
        } else {
            0
        },
        time_ms: entry.duration_ms,
        kind: entry.kind as i64,
    }
}

fn write_package(target: &Path, package: &Package, clock: &Clock, rollover_hour: u32) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|source| Error::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let db = dir.path().join("collection.anki21");
    crate::interop::anki::write::write_collection(
        &db,
        &crate::interop::anki::write::Export {
            deck: &package.deck,
            notes: &package.notes,
            cards: &package.cards,
            revlog: &package.revlog,
            created_secs: clock.day_start(clock.today()).timestamp(),
            rollover_hour,
            now_secs: clock.now().timestamp(),
        },
    )?;
    crate::interop::anki::package::write(target, &db)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clozes_are_numbered_in_order() {
        assert_eq!(
            anki_cloze("Reed caught {{typhus}} after {{Baku::a city}}."),
            "Reed caught {{c1::typhus}} after {{c2::Baku::a city}}."
        );
        assert_eq!(anki_cloze("none"), "none");
    }
}
