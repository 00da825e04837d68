//! Writing an import (from Anki) into the collection, in ONE transaction:
//! decks created as needed (with no source file), facts added or updated in
//! place (their cards keep their ids and so their history), cards given the
//! schedule they had in Anki, and review-log rows added once each (their
//! uids are derived from Anki's revlog ids, so importing again adds none).
//! Decks built from deck files are left to their files. A dry run does all
//! of it and rolls back, so its report is exactly what a real run would do.

use std::collections::{HashMap, HashSet};

use crate::card::{Rating, ReviewKind, Schedule};
use crate::deck::{Fact, FactBody};
use crate::error::Result;
use crate::store::{DeckRow, FactRow, LogEntry, Store, Tx};

/// A deck the batch imports into.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportDeck {
    pub key: String,
    pub name: String,
}

/// How an imported fact is found again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// By its key, in any deck: the key is derived from the Anki guid.
    Key,
    /// By its first field (question or cloze text) in its deck; the fact's
    /// id is a suggestion, made unique in the deck when the fact is new.
    FirstField,
}

/// One fact (an Anki note) to import.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedFact {
    /// Index into [`ImportBatch::decks`].
    pub deck: usize,
    pub identity: Identity,
    pub fact: Fact,
    pub cards: Vec<ImportedCard>,
}

/// What Anki knew of one of the fact's cards.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedCard {
    /// The iskra template it becomes (`basic`, `reverse`, `cloze:N`).
    pub template: String,
    /// Its schedule; `None` for a new card (it gets the next new position).
    pub schedule: Option<Schedule>,
    pub suspended: bool,
    /// Its id in Anki, kept for it when free (its fuzz is then Anki's, and
    /// every device that imports it or syncs with one that did agrees).
    pub anki_id: Option<i64>,
    /// When it was last reviewed in Anki (UTC ms), if ever.
    pub last_review_ms: Option<i64>,
    pub reviews: Vec<ImportedReview>,
}

/// One Anki revlog row, as an iskra log entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedReview {
    pub uid: String,
    pub reviewed_at_ms: i64,
    pub rating: Rating,
    pub duration_ms: i64,
    pub kind: ReviewKind,
    pub elapsed_days: u32,
    pub before: Schedule,
    pub after: Schedule,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportBatch {
    pub decks: Vec<ImportDeck>,
    pub facts: Vec<ImportedFact>,
}

impl ImportBatch {
    /// Makes the deck names and tags from someone else's file fit for one
    /// line ([`crate::text::clean_name`]): a line break or an escape in a
    /// deck name would otherwise forge a line of `review`'s output wherever
    /// the name is shown. A tag is split where a control character was.
    pub fn clean_names(&mut self) {
        for deck in &mut self.decks {
            deck.name = crate::text::clean_name(&deck.name);
            if deck.name.is_empty() {
                deck.name = deck.key.clone();
            }
        }
        for imported in &mut self.facts {
            let tags = &mut imported.fact.tags;
            if tags.iter().any(|t| t.chars().any(char::is_control)) {
                *tags = tags
                    .iter()
                    .flat_map(|t| {
                        crate::text::clean_name(t)
                            .split_whitespace()
                            .map(str::to_string)
                            .collect::<Vec<_>>()
                    })
                    .collect();
            }
        }
    }
}

/// What one deck got.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeckOutcome {
    pub name: String,
    pub key: String,
    pub created: bool,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub decks: Vec<DeckOutcome>,
    pub cards_added: usize,
    /// Cards given their Anki schedule.
    pub cards_scheduled: usize,
    /// Cards whose iskra schedule was kept because iskra has newer reviews.
    pub cards_kept: usize,
    pub reviews_added: usize,
    pub reviews_present: usize,
    /// Reasons facts were skipped, with how many each.
    pub skipped: Vec<(String, usize)>,
}

impl ImportOutcome {
    fn skip(&mut self, reason: String) {
        match self.skipped.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => self.skipped.push((reason, 1)),
        }
    }
}

/// A stored deck as the import sees it.
struct TargetDeck {
    id: i64,
    /// The file the deck is built from, if any: its facts belong to it.
    source: Option<String>,
    /// Facts by first field, and every key in use (loaded on first use).
    by_first_field: Option<HashMap<String, StoredFact>>,
    keys: UniqueKeys,
}

/// The fact keys in use in a deck, and for each suggested key the next
/// number to try after it: making a key unique costs the same however many
/// facts share a suggestion (thousands of rows of one script once did).
#[derive(Debug, Default)]
struct UniqueKeys {
    taken: HashSet<String>,
    next: HashMap<String, u64>,
}

impl UniqueKeys {
    fn insert(&mut self, key: String) {
        self.taken.insert(key);
    }

    /// `base`, or `base-2`, `base-3`… (the first not taken).
    fn unique(&mut self, base: &str) -> String {
        if !self.taken.contains(base) {
            return base.to_string();
        }
        let next = self.next.entry(base.to_string()).or_insert(2);
        loop {
            let key = format!("{base}-{next}");
            *next += 1;
            if !self.taken.contains(&key) {
                return key;
            }
        }
    }
}

#[derive(Debug, Clone)]
struct StoredFact {
    id: i64,
    deck: usize,
    key: String,
    content: String,
}

/// Imports a batch in one transaction; with `commit` false everything is
/// rolled back at the end and only the outcome is kept.
pub fn write_batch(store: &mut Store, batch: &ImportBatch, commit: bool) -> Result<ImportOutcome> {
    let tx = store.begin()?;
    let outcome = import(&tx, batch)?;
    if commit {
        tx.commit()?;
    } // else dropped: rolled back
    Ok(outcome)
}

fn import(tx: &Tx, batch: &ImportBatch) -> Result<ImportOutcome> {
    let mut settings = tx.settings()?;
    let start_position = settings.next_new_position;
    let mut outcome = ImportOutcome::default();
    let mut decks = Vec::with_capacity(batch.decks.len());
    for deck in &batch.decks {
        let (target, created) = target_deck(tx, deck)?;
        decks.push(target);
        outcome.decks.push(DeckOutcome {
            name: deck.name.clone(),
            key: deck.key.clone(),
            created,
            ..DeckOutcome::default()
        });
    }
    let mut by_key = facts_by_key(tx, &mut decks, &mut outcome.decks)?;
    for imported in &batch.facts {
        let deck_index = imported.deck;
        let existing = match imported.identity {
            Identity::Key => by_key.get(&imported.fact.id).cloned(),
            Identity::FirstField => {
                let deck = &mut decks[deck_index];
                load_deck_facts(tx, deck, deck_index)?;
                deck.by_first_field
                    .as_ref()
                    .and_then(|m| m.get(first_field(&imported.fact)))
                    .cloned()
            }
        };
        let home = existing.as_ref().map_or(deck_index, |e| e.deck);
        if let Some(source) = &decks[home].source {
            outcome.skip(format!(
                "in deck {:?}, which is built from {source}: edit that file, or import into another deck with --deck",
                outcome.decks[home].name
            ));
            continue;
        }
        let mut fact = imported.fact.clone();
        let content;
        let fact_id = match existing {
            Some(stored) => {
                fact.id = stored.key.clone();
                content = fact.to_content()?;
                if content == stored.content {
                    outcome.decks[home].unchanged += 1;
                } else {
                    tx.write_fact_content(stored.id, &content)?;
                    outcome.decks[home].updated += 1;
                }
                stored.id
            }
            None => {
                let deck = &mut decks[deck_index];
                load_deck_facts(tx, deck, deck_index)?;
                if imported.identity == Identity::FirstField {
                    fact.id = deck.keys.unique(&fact.id);
                }
                content = fact.to_content()?;
                let id = tx.insert_fact(None, deck.id, &fact.id, &content)?;
                outcome.decks[deck_index].added += 1;
                id
            }
        };
        let stored = StoredFact {
            id: fact_id,
            deck: home,
            key: fact.id.clone(),
            content,
        };
        if imported.identity == Identity::Key {
            by_key.insert(fact.id.clone(), stored.clone());
        }
        let deck = &mut decks[home];
        deck.keys.insert(fact.id.clone());
        if let Some(map) = deck.by_first_field.as_mut() {
            map.insert(first_field(&fact).to_string(), stored);
        }
        import_cards(
            tx,
            fact_id,
            decks[home].id,
            &fact,
            &imported.cards,
            &mut settings.next_new_position,
            &mut outcome,
        )?;
    }
    if settings.next_new_position != start_position {
        tx.save_settings(&settings)?;
    }
    Ok(outcome)
}

/// Finds or creates a deck; returns it and whether it was created.
fn target_deck(tx: &Tx, deck: &ImportDeck) -> Result<(TargetDeck, bool)> {
    let (id, source, created) = match tx.deck_by_key(&deck.key)? {
        Some(found) => (found.id, found.source_path, false),
        None => {
            let row = DeckRow {
                id: 0,
                key: deck.key.clone(),
                name: deck.name.clone(),
                description: String::new(),
                source_path: None,
                retention: None,
                new_per_day: None,
                reviews_per_day: None,
            };
            (tx.insert_deck(&row)?, None, true)
        }
    };
    let target = TargetDeck {
        id,
        source,
        by_first_field: None,
        keys: UniqueKeys::default(),
    };
    Ok((target, created))
}

/// Facts whose keys come from Anki guids (`anki-…`), in any deck; decks not
/// in the batch are added to `decks` (and `outcomes`) so a fact can be
/// updated where it is.
fn facts_by_key(
    tx: &Tx,
    decks: &mut Vec<TargetDeck>,
    outcomes: &mut Vec<DeckOutcome>,
) -> Result<HashMap<String, StoredFact>> {
    let mut map = HashMap::new();
    for FactRow {
        id,
        deck_id,
        key,
        content,
        ..
    } in tx.facts_with_key_prefix("anki-")?
    {
        let deck = match decks.iter().position(|d| d.id == deck_id) {
            Some(index) => index,
            None => {
                let Some(row) = tx.deck(deck_id)? else {
                    continue; // a fact of no deck: `check` reports it
                };
                decks.push(TargetDeck {
                    id: deck_id,
                    source: row.source_path,
                    by_first_field: None,
                    keys: UniqueKeys::default(),
                });
                outcomes.push(DeckOutcome {
                    name: row.name,
                    key: row.key,
                    ..DeckOutcome::default()
                });
                decks.len() - 1
            }
        };
        map.entry(key.clone()).or_insert(StoredFact { id, deck, key, content });
    }
    Ok(map)
}

/// Loads a deck's facts by first field, once.
fn load_deck_facts(tx: &Tx, deck: &mut TargetDeck, index: usize) -> Result<()> {
    if deck.by_first_field.is_some() {
        return Ok(());
    }
    let mut map = HashMap::new();
    for FactRow { id, key, content, .. } in tx.facts_of_deck(deck.id)? {
        deck.keys.insert(key.clone());
        if let Ok(fact) = Fact::from_content(&content) {
            map.entry(first_field(&fact).to_string()).or_insert(StoredFact {
                id,
                deck: index,
                key,
                content,
            });
        }
    }
    deck.by_first_field = Some(map);
    Ok(())
}

/// The text a note is matched by when it has no guid: the question or the
/// cloze text (what Anki's first field holds).
fn first_field(fact: &Fact) -> &str {
    match &fact.body {
        FactBody::Qa { question, .. } => question,
        FactBody::Cloze { text } => text,
        FactBody::Sequence { title, .. } => title,
        FactBody::Timeline { event, .. } => event,
    }
}

/// Adds or updates the fact's cards, their schedules and their reviews.
fn import_cards(
    tx: &Tx,
    fact_id: i64,
    deck_id: i64,
    fact: &Fact,
    imported: &[ImportedCard],
    next_position: &mut i64,
    outcome: &mut ImportOutcome,
) -> Result<()> {
    let existing = tx.card_templates(fact_id)?;
    for text in fact.cards() {
        let card_id = match existing.iter().find(|(template, ..)| *template == text.template) {
            Some(&(_, id, _)) => {
                tx.write_card_text(id, &text)?;
                id
            }
            None => {
                let anki_id = imported
                    .iter()
                    .find(|c| c.template == text.template)
                    .and_then(|c| c.anki_id)
                    .filter(|id| (1..crate::ids::DERIVED_MIN).contains(id));
                let id = match anki_id {
                    Some(id) if !tx.card_exists(id)? => {
                        tx.insert_new_card_as(id, fact_id, deck_id, &text, next_position)?
                    }
                    _ => tx.insert_new_card(fact_id, deck_id, &text, next_position)?,
                };
                outcome.cards_added += 1;
                id
            }
        };
        let Some(card) = imported.iter().find(|c| c.template == text.template) else {
            continue;
        };
        // Answers given in iskra since the Anki export win over Anki's schedule.
        let anki_is_newer = match (tx.newest_review_ms(card_id, "anki-")?, card.last_review_ms) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(here), Some(there)) => there >= here,
        };
        if anki_is_newer {
            if let Some(schedule) = &card.schedule {
                tx.write_schedule(card_id, schedule)?;
                outcome.cards_scheduled += 1;
            }
            if card.suspended {
                tx.suspend_card(card_id)?;
            }
            if card.schedule.is_some() || card.suspended {
                crate::sync::record::snapshot(tx, card_id, tx.now_ms().unwrap_or_default())?;
            }
        } else {
            outcome.cards_kept += 1;
        }
        for review in &card.reviews {
            if insert_review(tx, card_id, review)? {
                crate::sync::record::history(tx, &review.uid)?;
                outcome.reviews_added += 1;
            } else {
                outcome.reviews_present += 1;
            }
        }
    }
    Ok(())
}

/// Adds a log row unless one with its uid is there; true when added.
fn insert_review(tx: &Tx, card_id: i64, r: &ImportedReview) -> Result<bool> {
    let entry = LogEntry {
        card_id,
        reviewed_at_ms: r.reviewed_at_ms,
        rating: r.rating,
        duration_ms: r.duration_ms,
        kind: r.kind,
        elapsed_days: r.elapsed_days,
        before: r.before.clone(),
        after: r.after.clone(),
    };
    tx.insert_log_if_new(&r.uid, &entry)
}
