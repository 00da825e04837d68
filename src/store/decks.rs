//! Decks and facts: syncing parsed deck files into the collection. A fact's
//! id is its identity: rewording updates the fact and its cards in place
//! (history kept); a fact gone from its file has its cards suspended
//! (`retired`), and a fact that comes back gets them back.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::cards::queue;
use super::settings::{read_settings, write_settings};
use super::{Store, bulk};
use crate::card::CardText;
use crate::deck::{Deck, Fact};
use crate::error::{Error, Result};

/// A deck as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct DeckRow {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub description: String,
    pub source_path: Option<String>,
    pub retention: Option<f32>,
    pub new_per_day: Option<u32>,
    pub reviews_per_day: Option<u32>,
}

/// What a build changed in one deck.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncReport {
    pub deck: String,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub removed: usize,
    pub restored: usize,
}

/// One parsed deck and the path it came from, ready to sync.
pub struct FactSync<'a> {
    pub deck: &'a Deck,
    pub source_path: &'a str,
    /// The file's fingerprint: a rebuild with the same one is skipped.
    pub source_hash: &'a str,
}

const DECK_COLUMNS: &str = "id, key, name, description, source_path, retention, new_per_day, reviews_per_day";

fn deck_from_row(row: &rusqlite::Row) -> rusqlite::Result<DeckRow> {
    Ok(DeckRow {
        id: row.get(0)?,
        key: row.get(1)?,
        name: row.get(2)?,
        description: row.get(3)?,
        source_path: row.get(4)?,
        retention: row.get::<_, Option<f64>>(5)?.map(|r| r as f32),
        new_per_day: row.get(6)?,
        reviews_per_day: row.get(7)?,
    })
}

impl Store {
    pub fn decks(&self) -> Result<Vec<DeckRow>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("SELECT {DECK_COLUMNS} FROM decks ORDER BY name"))?;
        let rows = stmt
            .query_map([], deck_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// A deck by its key or its name (case-insensitive).
    pub fn find_deck(&self, name: &str) -> Result<DeckRow> {
        self.conn()
            .query_row(
                &format!(
                    "SELECT {DECK_COLUMNS} FROM decks WHERE key = ?1 COLLATE NOCASE OR name = ?1 COLLATE NOCASE
                     ORDER BY key = ?1 DESC LIMIT 1"
                ),
                [name],
                deck_from_row,
            )
            .optional()?
            .ok_or_else(|| Error::UnknownDeck(name.to_string()))
    }

    /// The report of a deck whose file was last built with fingerprint
    /// `source_hash` and not changed since (nothing to parse or write), or
    /// `None` when the file must be synced.
    pub fn unchanged_deck(&self, key: &str, source_hash: &str) -> Result<Option<SyncReport>> {
        let found = self
            .conn()
            .prepare_cached("SELECT name, source_facts FROM decks WHERE key = ?1 AND source_hash = ?2")?
            .query_row(params![key, source_hash], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?)))
            .optional()?;
        Ok(found.map(|(deck, facts)| SyncReport {
            deck,
            unchanged: usize::try_from(facts).unwrap_or(0),
            ..SyncReport::default()
        }))
    }

    /// Syncs parsed decks into the collection in ONE transaction.
    pub fn sync_decks(&mut self, decks: &[FactSync]) -> Result<Vec<SyncReport>> {
        // A page cache a little over what a 100k-fact deck writes.
        self.large_transaction(64, |tx| {
            // The sync keeps the insert triggers' bookkeeping itself.
            let triggers = bulk::set_aside(tx, bulk::INSERT_TRIGGERS)?;
            let mut settings = read_settings(tx)?;
            let start_position = settings.next_new_position;
            let mut reports = Vec::with_capacity(decks.len());
            for sync in decks {
                reports.push(sync_deck(tx, sync, &mut settings.next_new_position)?);
            }
            if settings.next_new_position != start_position {
                write_settings(tx, &settings)?;
            }
            triggers.restore(tx)?;
            Ok(reports)
        })
    }
}

fn sync_deck(tx: &Transaction, sync: &FactSync, next_position: &mut i64) -> Result<SyncReport> {
    let deck = sync.deck;
    let deck_id = upsert_deck(tx, deck, sync.source_path)?;
    let mut report = SyncReport {
        deck: deck.name.clone(),
        ..SyncReport::default()
    };

    let mut stored: HashMap<String, (i64, String, bool)> = HashMap::new();
    {
        let mut stmt = tx.prepare_cached("SELECT id, key, content, removed FROM facts WHERE deck_id = ?1")?;
        let rows = stmt.query_map([deck_id], |r| {
            Ok((r.get::<_, String>(1)?, (r.get(0)?, r.get(2)?, r.get(3)?)))
        })?;
        for row in rows {
            let (key, value) = row?;
            stored.insert(key, value);
        }
    }

    for fact in &deck.facts {
        let content = fact_json(fact)?;
        match stored.remove(&fact.id) {
            None => {
                let fact_id = insert_fact(tx, None, deck_id, &fact.id, &content)?;
                for card in fact.cards() {
                    insert_card(tx, fact_id, deck_id, &card, next_position)?;
                }
                report.added += 1;
            }
            Some((_, old, false)) if old == content => report.unchanged += 1,
            Some((fact_id, _, removed)) => {
                tx.prepare_cached("UPDATE facts SET content = ?2, removed = 0 WHERE id = ?1")?
                    .execute(params![fact_id, content])?;
                sync_cards(tx, fact_id, deck_id, &fact.cards(), next_position)?;
                if removed {
                    report.restored += 1;
                } else {
                    report.updated += 1;
                }
            }
        }
    }

    for (fact_id, _, removed) in stored.into_values() {
        if !removed {
            tx.prepare_cached("UPDATE facts SET removed = 1 WHERE id = ?1")?
                .execute([fact_id])?;
            tx.prepare_cached("UPDATE cards SET retired = 1, queue = -1 WHERE fact_id = ?1")?
                .execute([fact_id])?;
            report.removed += 1;
        }
    }
    bulk::recount_cards(tx, deck_id)?;
    // Last, as any change to the deck's facts above forgets the fingerprint.
    tx.prepare_cached(
        "UPDATE decks SET source_hash = ?2, source_facts = ?3
         WHERE id = ?1 AND (source_hash IS NOT ?2 OR source_facts IS NOT ?3)",
    )?
    .execute(params![deck_id, sync.source_hash, deck.facts.len() as i64])?;
    Ok(report)
}

fn fact_json(fact: &Fact) -> Result<String> {
    serde_json::to_string(fact).map_err(|e| Error::Internal(format!("fact {}: {e}", fact.id)))
}

fn upsert_deck(tx: &Transaction, deck: &Deck, source_path: &str) -> Result<i64> {
    let existing = tx
        .query_row(
            &format!("SELECT {DECK_COLUMNS} FROM decks WHERE key = ?1"),
            [&deck.key],
            deck_from_row,
        )
        .optional()?;
    let wanted = DeckRow {
        id: existing.as_ref().map_or(0, |d| d.id),
        key: deck.key.clone(),
        name: deck.name.clone(),
        description: deck.description.clone(),
        source_path: Some(source_path.to_string()),
        retention: deck.retention,
        new_per_day: deck.new_per_day,
        reviews_per_day: deck.reviews_per_day,
    };
    let values = params![
        wanted.key,
        wanted.name,
        wanted.description,
        wanted.source_path,
        wanted.retention.map(f64::from),
        wanted.new_per_day,
        wanted.reviews_per_day
    ];
    match existing {
        Some(row) if row == wanted => Ok(row.id),
        Some(row) => {
            tx.execute(
                "UPDATE decks SET name = ?2, description = ?3, source_path = ?4, retention = ?5,
                 new_per_day = ?6, reviews_per_day = ?7 WHERE key = ?1",
                values,
            )?;
            Ok(row.id)
        }
        None => insert_deck(tx, &wanted),
    }
}

/// Inserts a deck row (`deck.id` 0: the next free id); returns its id. The
/// one `INSERT INTO decks` (`build`, `import`, the generator).
pub(super) fn insert_deck(tx: &Connection, deck: &DeckRow) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO decks (id, key, name, description, source_path, retention, new_per_day, reviews_per_day)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        (deck.id != 0).then_some(deck.id),
        deck.key,
        deck.name,
        deck.description,
        deck.source_path,
        deck.retention.map(f64::from),
        deck.new_per_day,
        deck.reviews_per_day
    ])?;
    Ok(tx.last_insert_rowid())
}

/// Inserts a new card of a fact, due at the next new-card position; returns
/// its id. The one `INSERT INTO cards` of a new card (`build`, `import`).
pub(super) fn insert_card(
    tx: &Connection,
    fact_id: i64,
    deck_id: i64,
    card: &CardText,
    next_position: &mut i64,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO cards (fact_id, deck_id, template, front, back, answer, due) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        fact_id,
        deck_id,
        card.template,
        card.front,
        card.back,
        card.answer,
        *next_position
    ])?;
    *next_position += 1;
    Ok(tx.last_insert_rowid())
}

/// Inserts a fact (`id` None: the next free id); returns its id. The one
/// `INSERT INTO facts` (`build`, `import`, the generator).
pub(super) fn insert_fact(tx: &Connection, id: Option<i64>, deck_id: i64, key: &str, content: &str) -> Result<i64> {
    tx.prepare_cached("INSERT INTO facts (id, deck_id, key, content) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![id, deck_id, key, content])?;
    Ok(tx.last_insert_rowid())
}

/// Brings a changed (or restored) fact's cards in line with its new text.
fn sync_cards(
    tx: &Transaction,
    fact_id: i64,
    deck_id: i64,
    wanted: &[CardText],
    next_position: &mut i64,
) -> Result<()> {
    let mut existing: HashMap<String, (i64, i64)> = HashMap::new();
    {
        let mut stmt = tx.prepare_cached("SELECT template, id, state FROM cards WHERE fact_id = ?1")?;
        for row in stmt.query_map([fact_id], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?))))? {
            let (template, value) = row?;
            existing.insert(template, value);
        }
    }
    for card in wanted {
        match existing.remove(&card.template) {
            Some((card_id, state)) => {
                let queue_back = super::cards::queue_for_state(crate::card::CardState::from_i64(state));
                tx.prepare_cached(
                    "UPDATE cards SET front = ?2, back = ?3, answer = ?4, deck_id = ?5,
                       queue = CASE WHEN retired = 1 THEN ?6 ELSE queue END, retired = 0
                     WHERE id = ?1",
                )?
                .execute(params![
                    card_id,
                    card.front,
                    card.back,
                    card.answer,
                    deck_id,
                    queue_back
                ])?;
            }
            None => {
                insert_card(tx, fact_id, deck_id, card, next_position)?;
            }
        }
    }
    for (card_id, _) in existing.into_values() {
        tx.prepare_cached("UPDATE cards SET retired = 1, queue = ?2 WHERE id = ?1")?
            .execute(params![card_id, queue::SUSPENDED])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::deck::build::{Source, build};
    use crate::store::Store;

    fn card_counts(store: &Store) -> Vec<(String, i64, i64)> {
        let mut stmt = store
            .conn()
            .prepare(
                "SELECT key, card_count, (SELECT count(*) FROM cards WHERE deck_id = decks.id) FROM decks ORDER BY key",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn each_deck_keeps_count_of_its_cards() {
        let mut store = Store::open_in_memory().unwrap();
        let source = |key: &str, text: &str| Source {
            label: format!("{key}.deck"),
            key: key.into(),
            bytes: text.as_bytes().to_vec(),
        };
        let a = source("a", "# A\n## x\nq: x?\na: 1\ncards: basic reverse\n## y\nq: y?\na: 2\n");
        let b = source("b", "# B\n## z\nq: z?\na: 3\n");
        build(&mut store, &[a, b]).unwrap();
        assert_eq!(
            card_counts(&store),
            vec![("a".to_string(), 3, 3), ("b".to_string(), 1, 1)]
        );
        // Removing a fact retires its cards: they still count.
        build(&mut store, &[source("a", "# A\n## x\nq: x?\na: 1\n")]).unwrap();
        assert_eq!(card_counts(&store)[0], ("a".to_string(), 3, 3));
        // A card that moves deck, or is deleted, moves the counts.
        let conn = store.conn();
        conn.execute("UPDATE cards SET deck_id = 2 WHERE template = 'reverse'", [])
            .unwrap();
        assert_eq!(
            card_counts(&store),
            vec![("a".to_string(), 2, 2), ("b".to_string(), 2, 2)]
        );
        conn.execute("DELETE FROM cards WHERE template = 'reverse'", [])
            .unwrap();
        assert_eq!(
            card_counts(&store),
            vec![("a".to_string(), 2, 2), ("b".to_string(), 1, 1)]
        );
    }
}
