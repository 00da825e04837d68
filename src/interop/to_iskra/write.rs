//! Writing an import (from Anki) into the collection, in ONE transaction:
//! decks created as needed (with no source file), facts added or updated in
//! place (their cards keep their ids and so their history), cards given the
//! schedule they had in Anki, and review-log rows added once each (an
//! answer is known by its uid and by its card and instant, so importing the
//! same history again, through any path, adds none). Facts of decks built
//! from deck files keep the file's text, and get their cards' schedules and
//! history. A dry run does all of it and rolls back, so its report is
//! exactly what a real run would do.

use std::collections::HashMap;

use super::batch::{
    AnkiOrigin, DeckOutcome, Identity, ImportBatch, ImportDeck, ImportOutcome, ImportedCard, ImportedFact,
};
use super::reviews::{self, LogOrder};
use crate::card::CardText;
use crate::clock::DayNumber;
use crate::deck::Fact;
use crate::error::{Error, Result};
use crate::interop::anki::media;
use crate::interop::keys;
use crate::progress::{self, Progress, Silent};
use crate::sched::Schedule;
use crate::settings::RETENTION_RANGE;
use crate::store::{AnkiNoteRow, DeckRow, FactRow, NewCard, Store, Tx};

/// A stored deck as the import sees it.
struct TargetDeck {
    id: i64,
    /// The file the deck is built from, if any: its facts belong to it.
    source: Option<String>,
    /// Facts by first field, and every key in use (loaded on first use).
    by_first_field: Option<HashMap<String, StoredFact>>,
    keys: keys::UniqueKeys,
}

#[derive(Debug, Clone)]
pub(super) struct StoredFact {
    pub(super) id: i64,
    deck: usize,
    key: String,
    content: String,
}

/// Imports a batch in one transaction; with `commit` false everything is
/// rolled back at the end and only the outcome is kept.
pub fn write_batch(store: &mut Store, batch: &ImportBatch, commit: bool) -> Result<ImportOutcome> {
    write_batch_with(store, batch, commit, reviews::MANY_REVIEWS, &Silent)
}

/// [`write_batch`], reporting the notes and then the reviews written to
/// `progress`.
pub fn write_batch_showing(
    store: &mut Store,
    batch: &ImportBatch,
    commit: bool,
    progress: &dyn Progress,
) -> Result<ImportOutcome> {
    write_batch_with(store, batch, commit, reviews::MANY_REVIEWS, progress)
}

/// The page cache of an import's transaction (MiB). Rows are written
/// mostly in order, so a larger cache saves little (8 to 64 MiB took the
/// same CPU time within the noise on the 100k-card package) but adds to the
/// import's peak memory: 364 MiB with 16, 360 with 12, Anki's 361
/// (BENCHMARKS.md, "Performance, round two (issue 21)").
const IMPORT_CACHE_MIB: i64 = 12;

/// [`write_batch`], with the log's indexes set aside from `many_reviews`
/// reviews on (tests take both paths with small batches).
pub(super) fn write_batch_with(
    store: &mut Store,
    batch: &ImportBatch,
    commit: bool,
    many_reviews: usize,
    progress: &dyn Progress,
) -> Result<ImportOutcome> {
    // Media files first (content-addressed: a file no row names is harmless),
    // so the rows committed below never name a missing one.
    let media_dir = media::folder(store.path());
    if commit && let Some(dir) = &media_dir {
        write_media_files(dir, &batch.media)?;
    }
    // A bulk transaction: the insert triggers' bookkeeping is kept by it.
    // One that adds more reviews than the log holds mostly appends to the
    // file: written once with the rollback journal, not twice through the
    // write-ahead log, and with foreign keys checked once before the commit
    // rather than on every log row (`Store::begin_bulk_import`).
    let reviews: usize = batch.facts.iter().flat_map(|f| &f.cards).map(|c| c.reviews.len()).sum();
    let appends = commit && reviews >= many_reviews && reviews as i64 > store.log_len()?;
    let tx = if appends {
        store.begin_bulk_import(IMPORT_CACHE_MIB)?
    } else {
        store.begin_bulk(IMPORT_CACHE_MIB)?
    };
    for file in &batch.media {
        tx.write_media(&file.name, &media::content_name(&file.data), file.data.len() as i64)?;
    }
    let outcome = Writer::new(&tx, batch)?.run(batch, many_reviews, progress)?;
    if commit {
        tx.commit()?;
    } // else dropped: rolled back
    Ok(outcome)
}

/// The state of one import's transaction.
struct Writer<'a, 'c> {
    tx: &'a Tx<'c>,
    /// The iskra card each of the batch's cards became, by its place among
    /// them ([`LogOrder`]), if imported: its reviews are logged after all.
    card_ids: Vec<Option<i64>>,
    /// The place of the first card of the fact being imported.
    first_card: usize,
    today: DayNumber,
    next_position: i64,
    decks: Vec<TargetDeck>,
    /// Facts with `anki-` keys, in any deck.
    by_key: HashMap<String, StoredFact>,
    /// The decks iskra facts' notes name, by key, once looked up (`None`:
    /// no such deck; the import creates no deck but the batch's).
    by_deck_key: HashMap<String, Option<usize>>,
    outcome: ImportOutcome,
}

impl<'a, 'c> Writer<'a, 'c> {
    fn new(tx: &'a Tx<'c>, batch: &ImportBatch) -> Result<Self> {
        let mut writer = Writer {
            tx,
            card_ids: vec![None; batch.facts.iter().map(|f| f.cards.len()).sum()],
            first_card: 0,
            today: batch.today,
            next_position: tx.settings()?.next_new_position,
            decks: Vec::with_capacity(batch.decks.len()),
            by_key: HashMap::new(),
            by_deck_key: HashMap::new(),
            outcome: ImportOutcome::default(),
        };
        for deck in &batch.decks {
            let created = writer.target_deck(deck)?;
            writer.outcome.decks.push(DeckOutcome {
                name: deck.name.clone(),
                key: deck.key.clone(),
                created,
                ..DeckOutcome::default()
            });
        }
        writer.load_facts_by_key()?;
        Ok(writer)
    }

    /// Writes the batch's facts and their cards, in order.
    fn import_facts(&mut self, batch: &ImportBatch, progress: &dyn Progress) -> Result<()> {
        progress.start("notes", batch.facts.len() as u64);
        for (i, imported) in batch.facts.iter().enumerate() {
            progress::tick(progress, i, batch.facts.len());
            self.import_fact(imported)?;
            self.first_card += imported.cards.len();
        }
        Ok(())
    }

    fn run(mut self, batch: &ImportBatch, many_reviews: usize, progress: &dyn Progress) -> Result<ImportOutcome> {
        let start_position = self.next_position;
        for notetype in &batch.notetypes {
            self.tx
                .write_anki_notetype(notetype.id, &notetype.name, &notetype.definition)?;
        }
        // The reviews' log order is sorted on another core meanwhile (a
        // million reviews: 0.2 s of the writer's time otherwise).
        std::thread::scope(|scope| {
            let order = scope.spawn(|| LogOrder::of(batch));
            let facts = self.import_facts(batch, progress);
            // Joined before a writer's error is returned: the scope would
            // otherwise join it itself, and turn a panic there into ours.
            let order = order
                .join()
                .map_err(|_| Error::Internal("sorting the reviews to log failed".into()));
            facts?;
            let order = order?;
            reviews::insert_reviews(
                self.tx,
                &order,
                &self.card_ids,
                many_reviews,
                progress,
                &mut self.outcome,
            )
        })?;
        if self.next_position != start_position {
            let mut settings = self.tx.settings()?;
            settings.next_new_position = self.next_position;
            self.tx.save_settings(&settings)?;
        }
        Ok(self.outcome)
    }

    fn import_fact(&mut self, imported: &ImportedFact) -> Result<()> {
        let existing = self.find(imported)?;
        let new_fact = existing.is_none();
        let home = existing.as_ref().map_or(imported.deck, |e| e.deck);
        let file = self.decks[home].source.clone();
        let (stored, fact) = match (existing, &file) {
            (None, Some(source)) => {
                self.outcome.skip(format!(
                    "in deck {:?}, which is built from {source}: edit that file, or import into another deck with --deck",
                    self.outcome.decks[home].name
                ));
                return Ok(());
            }
            (None, None) => self.insert_fact(imported)?,
            (Some(stored), _) => {
                let fact = self.update_fact(imported, &stored, file.is_some())?;
                (stored, fact)
            }
        };
        if imported.identity == Identity::Key {
            self.by_key.insert(stored.key.clone(), stored.clone());
        }
        let deck = &mut self.decks[home];
        deck.keys.insert(stored.key.clone());
        if let Some(map) = deck.by_first_field.as_mut() {
            map.insert(first_field(&fact).to_string(), stored.clone());
        }
        let deck_id = deck.id;
        if let Some(origin) = &imported.anki {
            self.keep_anki_note(stored.id, imported, origin)?;
        }
        self.import_cards(stored.id, deck_id, &fact, &imported.cards, new_fact)
    }

    /// Keeps the Anki note a fact came from, with the fact as Anki has it
    /// (an edit made in iskra is told from it at export).
    fn keep_anki_note(&mut self, fact_id: i64, imported: &ImportedFact, origin: &AnkiOrigin) -> Result<()> {
        let row = AnkiNoteRow {
            fact_id,
            guid: origin.guid.clone(),
            note_id: origin.note_id,
            notetype_id: origin.notetype_id,
            mtime: origin.mtime,
            fields: to_json(&origin.fields)?,
            imported: imported.fact.to_content()?,
            roles: to_json(&origin.roles)?,
        };
        self.tx.write_anki_note(&row)
    }

    /// The stored fact an imported one is, if any.
    fn find(&mut self, imported: &ImportedFact) -> Result<Option<StoredFact>> {
        Ok(match &imported.identity {
            Identity::Key => self.by_key.get(&imported.fact.id).cloned(),
            Identity::FirstField => {
                let index = imported.deck;
                self.load_deck_facts(index)?;
                self.decks[index]
                    .by_first_field
                    .as_ref()
                    .and_then(|m| m.get(first_field(&imported.fact)))
                    .cloned()
            }
            Identity::Iskra { deck, fact, .. } => {
                let index = match self.by_deck_key.get(deck) {
                    Some(&index) => index,
                    None => {
                        let index = self.tx.deck_by_key(deck)?.map(|row| self.deck_index(row));
                        self.by_deck_key.insert(deck.clone(), index);
                        index
                    }
                };
                let Some(index) = index else {
                    return Ok(None);
                };
                self.tx.fact_by_key(self.decks[index].id, fact)?.map(|row| StoredFact {
                    id: row.id,
                    deck: index,
                    key: row.key,
                    content: row.content,
                })
            }
        })
    }

    /// Adds a fact that is not in the collection.
    fn insert_fact(&mut self, imported: &ImportedFact) -> Result<(StoredFact, Fact)> {
        let index = imported.deck;
        self.load_deck_facts(index)?;
        let mut fact = imported.fact.clone();
        if imported.identity != Identity::Key {
            fact.id = self.decks[index].keys.unique(&fact.id);
        }
        let content = fact.to_content()?;
        let id = self.tx.insert_fact(None, self.decks[index].id, &fact.id, &content)?;
        self.outcome.decks[index].added += 1;
        let stored = StoredFact {
            id,
            deck: index,
            key: fact.id.clone(),
            content,
        };
        Ok((stored, fact))
    }

    /// Updates a fact found in the collection with the note's text: what
    /// iskra alone has (accepted alternatives, a hint, a source) is kept. A
    /// fact of a deck built from a file (`file_owned`), or a note that stood
    /// for one card of an iskra fact, keeps the text it has. Returns the
    /// fact as it now is.
    fn update_fact(&mut self, imported: &ImportedFact, stored: &StoredFact, file_owned: bool) -> Result<Fact> {
        let current = Fact::from_content(&stored.content).ok();
        let mut fact = imported.fact.clone();
        fact.id = stored.key.clone();
        if let Some(current) = &current {
            if fact.alternatives.is_empty() {
                fact.alternatives = current.alternatives.clone();
            }
            fact.hint = fact.hint.take().or_else(|| current.hint.clone());
            fact.source = fact.source.take().or_else(|| current.source.clone());
        }
        let one_card = matches!(&imported.identity, Identity::Iskra { template: Some(_), .. });
        let content = fact.to_content()?;
        let deck = &mut self.outcome.decks[stored.deck];
        if content == stored.content || one_card {
            deck.unchanged += 1;
        } else if file_owned {
            deck.unchanged += 1;
            self.outcome.left_to_files += 1;
        } else {
            self.tx.write_fact_content(stored.id, &content)?;
            deck.updated += 1;
            return Ok(fact);
        }
        Ok(current.unwrap_or(fact))
    }

    /// Finds or creates a deck; returns whether it was created. A deck
    /// created from an Anki deck takes its preset's limits and retention,
    /// and the whole preset as its own options; so does a deck without a
    /// file that an earlier import made (a deck file's options are the file's).
    fn target_deck(&mut self, deck: &ImportDeck) -> Result<bool> {
        let (id, source, created) = match self.tx.deck_by_key(&deck.key)? {
            Some(found) => (found.id, found.source_path, false),
            None => {
                let preset = deck.preset.as_ref();
                let row = DeckRow {
                    retention: preset
                        .and_then(|p| p.desired_retention)
                        .filter(|r| RETENTION_RANGE.contains(r)),
                    new_per_day: preset.and_then(|p| p.new_per_day),
                    reviews_per_day: preset.and_then(|p| p.reviews_per_day),
                    preset: preset.cloned(),
                    ..DeckRow::new(&deck.key, &deck.name)
                };
                (self.tx.insert_deck(&row)?, None, true)
            }
        };
        // A deck built from a file takes its options from the file.
        if let Some(preset) = deck.preset.as_ref().filter(|_| !created && source.is_none()) {
            self.tx.set_deck_anki_preset(id, &to_json(preset)?)?;
        }
        self.decks.push(TargetDeck {
            id,
            source,
            by_first_field: None,
            keys: keys::UniqueKeys::default(),
        });
        Ok(created)
    }

    /// The index of a stored deck among the import's, added (with an empty
    /// outcome) when the batch did not name it.
    fn deck_index(&mut self, row: DeckRow) -> usize {
        if let Some(index) = self.decks.iter().position(|d| d.id == row.id) {
            return index;
        }
        self.decks.push(TargetDeck {
            id: row.id,
            source: row.source_path,
            by_first_field: None,
            keys: keys::UniqueKeys::default(),
        });
        self.outcome.decks.push(DeckOutcome {
            name: row.name,
            key: row.key,
            ..DeckOutcome::default()
        });
        self.decks.len() - 1
    }

    /// Facts whose keys come from Anki guids (`anki-…`), in any deck; decks
    /// not in the batch are added so a fact can be updated where it is.
    fn load_facts_by_key(&mut self) -> Result<()> {
        for FactRow {
            id,
            deck_id,
            key,
            content,
            ..
        } in self.tx.facts_with_key_prefix("anki-")?
        {
            let Some(row) = self.tx.deck(deck_id)? else {
                continue; // a fact of no deck: `check` reports it
            };
            let deck = self.deck_index(row);
            self.by_key
                .entry(key.clone())
                .or_insert(StoredFact { id, deck, key, content });
        }
        Ok(())
    }

    /// Loads a deck's facts by first field, once.
    fn load_deck_facts(&mut self, index: usize) -> Result<()> {
        let deck = &mut self.decks[index];
        if deck.by_first_field.is_some() {
            return Ok(());
        }
        let mut map = HashMap::new();
        for FactRow { id, key, content, .. } in self.tx.facts_of_deck(deck.id)? {
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

    /// Adds or updates the fact's cards and their schedules; their reviews
    /// are logged after every card (`card_ids`). A fact added just now
    /// (`new_fact`) has no cards and no log to look up yet.
    fn import_cards(
        &mut self,
        fact_id: i64,
        deck_id: i64,
        fact: &Fact,
        imported: &[ImportedCard],
        new_fact: bool,
    ) -> Result<()> {
        let tx = self.tx;
        let existing = if new_fact {
            Vec::new()
        } else {
            tx.card_templates(fact_id)?
        };
        let texts = fact.cards();
        for text in &texts {
            let same = existing.iter().find(|(template, ..)| *template == text.template);
            // Anki's card under another name (an import by an older iskra
            // made a custom type's first card `basic`): renamed, history kept.
            let renamed = match (same, imported.iter().find(|c| c.template == text.template)) {
                (None, Some(ImportedCard { anki: Some(anki), .. })) if !new_fact => tx
                    .card_of_anki_card(fact_id, anki.id)?
                    .filter(|(_, old)| !texts.iter().any(|t| t.template == *old)),
                _ => None,
            };
            if let Some((id, _)) = &renamed {
                tx.rename_card_template(*id, &text.template)?;
            }
            let found = same.map(|(_, id, ..)| *id).or(renamed.map(|(id, _)| id));
            let place = imported.iter().position(|c| c.template == text.template);
            let card = place.map(|p| &imported[p]);
            let (card_id, added) = match found {
                Some(id) => {
                    tx.write_card_text(id, text)?;
                    (id, false)
                }
                None => (self.insert_card(fact_id, deck_id, text, card)?, true),
            };
            let (Some(card), Some(place)) = (card, place) else {
                continue;
            };
            if let Some(anki) = card.anki {
                tx.set_anki_card(card_id, anki)?;
            }
            self.import_card(card_id, card, added)?;
            self.card_ids[self.first_card + place] = Some(card_id);
        }
        Ok(())
    }

    /// Adds a card of a fact, as Anki has it (`card`: its schedule and
    /// suspension, written with it rather than after it); it takes the
    /// next new-card position either way. Returns its id.
    fn insert_card(&mut self, fact_id: i64, deck_id: i64, text: &CardText, card: Option<&ImportedCard>) -> Result<i64> {
        // Anki's card id, when free (its fuzz is then Anki's, and every
        // device that imports it or syncs with one that did agrees); else
        // (0) the one derived from the card's identity.
        let anki_id = card
            .and_then(|c| c.anki)
            .map(|a| a.id)
            .filter(|id| (1..crate::ids::DERIVED_MIN).contains(id));
        let id = match anki_id {
            Some(id) if !self.tx.card_exists(id)? => id,
            _ => 0,
        };
        let new = Schedule::new_card(self.next_position);
        let id = self.tx.insert_card(&NewCard {
            id,
            fact_id,
            deck_id,
            text,
            schedule: card.and_then(|c| c.schedule.as_ref()).unwrap_or(&new),
            suspended: card.is_some_and(|c| c.suspended),
        })?;
        self.next_position += 1;
        self.outcome.cards_added += 1;
        Ok(id)
    }

    /// Gives a card its Anki schedule (unless it was answered here since;
    /// a card `added` now has it already; a card added now has no log yet).
    fn import_card(&mut self, card_id: i64, card: &ImportedCard, added: bool) -> Result<()> {
        let tx = self.tx;
        let newest_here = if added {
            None
        } else {
            tx.newest_review_ms(card_id, "anki-")?
        };
        let anki_is_newer = match (newest_here, card.last_review_ms) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(here), Some(there)) => there >= here,
        };
        if anki_is_newer {
            if let Some(schedule) = &card.schedule {
                if !added {
                    tx.write_schedule(card_id, schedule)?;
                }
                self.outcome.cards_scheduled += 1;
            }
            if card.suspended {
                if !added {
                    tx.suspend_card(card_id)?;
                }
            } else if card.buried {
                tx.bury_card(card_id, self.today)?;
            }
            if !added || card.flag != 0 {
                tx.set_flag(card_id, card.flag)?;
            }
            if card.schedule.is_some() || card.suspended || card.buried || card.flag != 0 {
                crate::sync::record::snapshot(tx, card_id, tx.now_ms().unwrap_or_default())?;
            }
        } else {
            self.outcome.cards_kept += 1;
        }
        Ok(())
    }
}

/// Writes each media file as `DIR/SHA1` unless a file of that content is there.
fn write_media_files(dir: &std::path::Path, files: &[media::MediaFile]) -> Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(crate::error::Error::io(dir))?;
    for file in files {
        let path = dir.join(media::content_name(&file.data));
        let present = std::fs::metadata(&path).is_ok_and(|m| m.len() == file.data.len() as u64);
        if !present {
            crate::files::write_atomic(&path, &file.data)?;
        }
    }
    Ok(())
}

/// JSON for a column (what is written is plain data: this never fails).
fn to_json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| crate::error::Error::Internal(format!("JSON: {e}")))
}

/// The text a note is matched by when it has no guid: the question or the
/// cloze text (what Anki's first field holds).
fn first_field(fact: &Fact) -> &str {
    fact.body.first_text()
}
