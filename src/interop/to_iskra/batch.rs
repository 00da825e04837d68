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
use crate::interop::keys;
use crate::progress::{self, Progress, Silent};
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

/// One Anki revlog row, as an iskra log entry. The card's schedule before
/// it is the one after the card's previous review (a new card's before the
/// first), so it is not kept twice: a large package has millions.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedReview {
    /// The Anki card's id: with the answer's time, the log row's uid
    /// ([`keys::review_uid`]).
    pub anki_card_id: i64,
    pub reviewed_at_ms: i64,
    pub rating: Rating,
    pub duration_ms: i64,
    pub kind: ReviewKind,
    pub elapsed_days: u32,
    pub after: Schedule,
}

impl ImportedReview {
    /// The uid of the log row it becomes.
    pub fn uid(&self) -> String {
        keys::review_uid(self.reviewed_at_ms, self.anki_card_id)
    }
}

/// A review to log, with the iskra card it belongs to and the schedule
/// before it; written once every card is (see [`insert_reviews`]).
struct PendingReview<'b> {
    card_id: i64,
    before: &'b Schedule,
    review: &'b ImportedReview,
}

/// At least this many reviews, and at least half as many as the log holds,
/// and the log's secondary indexes are set aside while they are written:
/// built again once from sorted rows, they cost less than grown row by row
/// (BENCHMARKS.md, "Performance, round two (issue 21)").
const MANY_REVIEWS: usize = 50_000;

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

/// The page cache of an import's transaction (MiB). Rows are written
/// mostly in order, so a larger cache saves little (8 to 64 MiB took the
/// same CPU time within the noise on the 100k-card package) but adds to the
/// import's peak memory: 364 MiB with 16, 360 with 12, Anki's 361
/// (BENCHMARKS.md, "Performance, round two (issue 21)").
const IMPORT_CACHE_MIB: i64 = 12;

/// Imports a batch in one transaction; with `commit` false everything is
/// rolled back at the end and only the outcome is kept. A bulk transaction
/// ([`Store::begin_bulk`]): the insert triggers' bookkeeping is kept by it,
/// and many reviews are logged in uid order with the log's secondary
/// indexes set aside.
pub fn write_batch(store: &mut Store, batch: &ImportBatch, commit: bool) -> Result<ImportOutcome> {
    write_batch_with(store, batch, commit, MANY_REVIEWS, &Silent)
}

/// [`write_batch`], reporting the notes and then the reviews written to
/// `progress`.
pub fn write_batch_showing(
    store: &mut Store,
    batch: &ImportBatch,
    commit: bool,
    progress: &dyn Progress,
) -> Result<ImportOutcome> {
    write_batch_with(store, batch, commit, MANY_REVIEWS, progress)
}

/// [`write_batch`], with the log's indexes set aside from `many_reviews`
/// reviews on (tests take both paths with small batches).
fn write_batch_with(
    store: &mut Store,
    batch: &ImportBatch,
    commit: bool,
    many_reviews: usize,
    progress: &dyn Progress,
) -> Result<ImportOutcome> {
    let tx = store.begin_bulk(IMPORT_CACHE_MIB)?;
    let outcome = import(&tx, batch, many_reviews, progress)?;
    if commit {
        tx.commit()?;
    } // else dropped: rolled back
    Ok(outcome)
}

fn import(tx: &Tx, batch: &ImportBatch, many_reviews: usize, progress: &dyn Progress) -> Result<ImportOutcome> {
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
    let mut reviews = Vec::new();
    progress.start("notes", batch.facts.len() as u64);
    for (i, imported) in batch.facts.iter().enumerate() {
        progress::tick(progress, i, batch.facts.len());
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
        let new_fact = existing.is_none();
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
            new_fact,
            &mut settings.next_new_position,
            &mut outcome,
            &mut reviews,
        )?;
    }
    insert_reviews(tx, reviews, many_reviews, progress, &mut outcome)?;
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

/// Adds or updates the fact's cards and their schedules; their reviews go
/// to `reviews`, to be logged after every card. A fact added just now
/// (`new_fact`) has no cards and no log to look up yet.
#[allow(clippy::too_many_arguments)]
fn import_cards<'b>(
    tx: &Tx,
    fact_id: i64,
    deck_id: i64,
    fact: &Fact,
    imported: &'b [ImportedCard],
    new_fact: bool,
    next_position: &mut i64,
    outcome: &mut ImportOutcome,
    reviews: &mut Vec<PendingReview<'b>>,
) -> Result<()> {
    let existing = if new_fact {
        Vec::new()
    } else {
        tx.card_templates(fact_id)?
    };
    for text in fact.cards() {
        let (card_id, added) = match existing.iter().find(|(template, ..)| *template == text.template) {
            Some(&(_, id, _)) => {
                tx.write_card_text(id, &text)?;
                (id, false)
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
                (id, true)
            }
        };
        let Some(card) = imported.iter().find(|c| c.template == text.template) else {
            continue;
        };
        // Answers given in iskra since the Anki export win over Anki's schedule.
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
        let mut before: &Schedule = &NEW_CARD;
        for review in &card.reviews {
            reviews.push(PendingReview {
                card_id,
                before,
                review,
            });
            before = &review.after;
        }
    }
    Ok(())
}

/// The schedule before a card's first review.
static NEW_CARD: std::sync::LazyLock<Schedule> = std::sync::LazyLock::new(|| Schedule::new_card(0));

/// Logs the reviews, each unless a row with its uid is there, in uid order
/// (time, then card): the uid index grows at its end. Many of them are
/// logged with the log's other indexes set aside (`many`: [`MANY_REVIEWS`]).
fn insert_reviews(
    tx: &Tx,
    mut reviews: Vec<PendingReview>,
    many: usize,
    progress: &dyn Progress,
    outcome: &mut ImportOutcome,
) -> Result<()> {
    reviews.sort_unstable_by_key(|p| (p.review.reviewed_at_ms, p.review.anki_card_id));
    if reviews.len() >= many && reviews.len() as i64 * 2 >= tx.log_rows_at_most()? {
        tx.set_log_indexes_aside()?;
    }
    // Each review added is recorded for sync if the collection syncs
    // (`sync::record::history`); asked once, not once per review.
    let syncs = tx.local_device()?.is_some();
    let total = reviews.len();
    progress.start("reviews", total as u64);
    for (
        i,
        PendingReview {
            card_id,
            before,
            review,
        },
    ) in reviews.into_iter().enumerate()
    {
        progress::tick(progress, i, total);
        let entry = LogEntry {
            card_id,
            reviewed_at_ms: review.reviewed_at_ms,
            rating: review.rating,
            duration_ms: review.duration_ms,
            kind: review.kind,
            elapsed_days: review.elapsed_days,
            before: before.clone(),
            after: review.after.clone(),
        };
        let uid = review.uid();
        if tx.insert_log_if_new(&uid, &entry)? {
            if syncs {
                crate::sync::record::history(tx, &uid)?;
            }
            outcome.reviews_added += 1;
        } else {
            outcome.reviews_present += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::{CardState, Due};
    use crate::deck::QaKind;

    fn review(at_ms: i64, reps: u32) -> ImportedReview {
        let mut after = Schedule::new_card(0);
        after.state = CardState::Review;
        after.interval = reps;
        after.due = Due::Day(20_000 + i64::from(reps));
        after.reps = reps;
        ImportedReview {
            anki_card_id: 7,
            reviewed_at_ms: at_ms,
            rating: Rating::Good,
            duration_ms: 1000,
            kind: ReviewKind::Review,
            elapsed_days: 1,
            after,
        }
    }

    /// One deck, one fact, one card with three reviews.
    fn batch() -> ImportBatch {
        ImportBatch {
            decks: vec![ImportDeck {
                key: "d".into(),
                name: "D".into(),
            }],
            facts: vec![ImportedFact {
                deck: 0,
                identity: Identity::Key,
                fact: Fact {
                    id: "anki-01".into(),
                    body: FactBody::Qa {
                        question: "q".into(),
                        answer: "a".into(),
                        kinds: vec![QaKind::Basic],
                    },
                    alternatives: Vec::new(),
                    hint: None,
                    extra: None,
                    tags: Vec::new(),
                    source: None,
                },
                cards: vec![ImportedCard {
                    template: "basic".into(),
                    schedule: None,
                    suspended: false,
                    anki_id: None,
                    last_review_ms: Some(1_700_000_300_000),
                    reviews: vec![
                        review(1_700_000_100_000, 1),
                        review(1_700_000_200_000, 2),
                        review(1_700_000_300_000, 3),
                    ],
                }],
            }],
        }
    }

    fn schema(store: &Store) -> Vec<String> {
        let mut stmt = store
            .conn()
            .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    }

    /// (uid, interval before, interval after) of every log row, by time.
    fn log(store: &Store) -> Vec<(String, i64, i64)> {
        let mut stmt = store
            .conn()
            .prepare(
                "SELECT uid, interval_before, interval_after FROM review_log
                 ORDER BY reviewed_at_ms",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn reviews_are_logged_alike_with_the_log_indexes_in_place_or_set_aside() {
        let mut logs = Vec::new();
        for many in [1, usize::MAX] {
            let mut store = Store::open_in_memory().unwrap();
            let before = schema(&store);
            let dry = write_batch_with(&mut store, &batch(), false, many, &Silent).unwrap();
            assert_eq!(
                dry.reviews_added, 3,
                "many {many}: a dry run reports what a real one does"
            );
            assert_eq!(
                schema(&store),
                before,
                "many {many}: a dry run leaves the schema as it was"
            );
            assert!(log(&store).is_empty());
            let outcome = write_batch_with(&mut store, &batch(), true, many, &Silent).unwrap();
            assert_eq!((outcome.reviews_added, outcome.reviews_present), (3, 0), "many {many}");
            assert_eq!(schema(&store), before, "many {many}: the log's indexes are back");
            let again = write_batch_with(&mut store, &batch(), true, many, &Silent).unwrap();
            assert_eq!((again.reviews_added, again.reviews_present), (0, 3), "many {many}");
            logs.push(log(&store));
        }
        let expected: Vec<(String, i64, i64)> =
            (1..=3).map(|n| (format!("anki-1700000{n}00000-7"), n - 1, n)).collect();
        assert_eq!(logs[0], expected, "each review's before is the previous one's after");
        assert_eq!(logs[1], expected);
    }
}
