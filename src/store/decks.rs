//! The `decks` table: a deck's identity (its key, the file stem), its name
//! and settings, the file it is built from and that file's fingerprint. One
//! row mapper ([`DeckRow`]), one insert. `decks.card_count` is kept by
//! triggers (or by a bulk transaction, see `bulk.rs`).

use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, Tx};
use crate::error::{Error, Result};
use crate::names::{Lookup, lookup, same_up_to_case};
use crate::settings::DeckPreset;

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
    /// Its own scheduling options (its Anki preset or its deck file's
    /// keys; `decks.anki_preset`), if any.
    pub preset: Option<DeckPreset>,
}

impl DeckRow {
    /// A new deck (no id yet) with no description, file or options of its own.
    pub fn new(key: &str, name: &str) -> Self {
        DeckRow {
            id: 0,
            key: key.to_string(),
            name: name.to_string(),
            description: String::new(),
            source_path: None,
            retention: None,
            new_per_day: None,
            reviews_per_day: None,
            preset: None,
        }
    }
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
    /// The bundled copy (`bundled:NAME.deck`) the built file took over, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub took_over: Option<String>,
    /// Cards of clozes written with plain `{{deletions}}` whose deletion
    /// moved or was removed: each such card is its place, so its history
    /// now belongs to another answer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub renumbered: Vec<RenumberedCloze>,
}

/// A studied card of a cloze with plain `{{deletions}}` (numbered by place)
/// that now asks for another answer: the answer it was studied for is now
/// asked by another card of the fact, or its new answer was another
/// card's (a deletion before it was removed).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RenumberedCloze {
    pub fact: String,
    /// The card's number (`cloze:N`).
    pub card: String,
    /// The answer it was studied for.
    pub was: String,
    /// The answer it asks for now.
    pub now: String,
}

/// What a deck holds (and deleting it takes out of the collection): its
/// facts, retired ones too, their cards and the cards' review log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeckTotals {
    pub facts: usize,
    pub cards: usize,
    pub reviews: usize,
}

/// The ids of deck `?1`'s cards and of its facts' cards (in any deck).
const DECK_CARDS: &str =
    "SELECT id FROM cards WHERE deck_id = ?1 OR fact_id IN (SELECT id FROM facts WHERE deck_id = ?1)";

const DECK_COLUMNS: &str =
    "id, key, name, description, source_path, retention, new_per_day, reviews_per_day, anki_preset";

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
        // Written by iskra as JSON: what does not read is no preset.
        preset: row
            .get::<_, Option<String>>(8)?
            .and_then(|json| serde_json::from_str(&json).ok()),
    })
}

/// A deck's preset as its column holds it.
fn preset_json(preset: Option<&DeckPreset>) -> Option<String> {
    preset.and_then(|p| serde_json::to_string(p).ok())
}

/// The deck `condition` selects (with `?1` bound to `arg`), if any.
fn deck_where(conn: &Connection, condition: &str, arg: impl rusqlite::ToSql) -> Result<Option<DeckRow>> {
    let sql = format!("SELECT {DECK_COLUMNS} FROM decks WHERE {condition}");
    Ok(conn.prepare_cached(&sql)?.query_row([arg], deck_from_row).optional()?)
}

fn all_decks(conn: &Connection) -> Result<Vec<DeckRow>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {DECK_COLUMNS} FROM decks ORDER BY name"))?;
    let rows = stmt
        .query_map([], deck_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

impl Store {
    /// A deck by its key.
    pub fn deck_by_key(&self, key: &str) -> Result<Option<DeckRow>> {
        deck_where(self.conn(), "key = ?1", key)
    }

    /// Every deck, by name.
    pub fn decks(&self) -> Result<Vec<DeckRow>> {
        all_decks(self.conn())
    }

    /// The deck a user named (`--deck NAME`): by its key, its name, or an
    /// unambiguous prefix of either, case-insensitive ([`crate::names`]: the
    /// one rule every command uses). An ambiguous name lists the decks it
    /// fits; an unknown one suggests the nearest.
    pub fn find_deck(&self, name: &str) -> Result<DeckRow> {
        let mut decks = self.decks()?;
        let candidates: Vec<(&str, &str)> = decks.iter().map(|d| (d.key.as_str(), d.name.as_str())).collect();
        let shown = |d: &DeckRow| format!("`{}` ({})", d.key, d.name);
        match lookup(&candidates, name) {
            Lookup::Found(i) => Ok(decks.swap_remove(i)),
            Lookup::Ambiguous(found) => Err(Error::AmbiguousDeck {
                name: name.to_string(),
                candidates: found.into_iter().map(|i| shown(&decks[i])).collect(),
            }),
            Lookup::Unknown { nearest } => Err(Error::UnknownDeck {
                name: name.to_string(),
                did_you_mean: nearest.map(|i| shown(&decks[i])),
            }),
        }
    }

    /// The deck whose key is exactly `name`, else whose key or name is
    /// `name` up to case; no prefixes (for `import --deck`, which makes a new
    /// deck of a name that is not one).
    pub fn deck_named(&self, name: &str) -> Result<Option<DeckRow>> {
        deck_where(
            self.conn(),
            "key = ?1 COLLATE NOCASE OR name = ?1 COLLATE NOCASE ORDER BY key = ?1 DESC, key = ?1 COLLATE NOCASE DESC LIMIT 1",
            name,
        )
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

    /// How many facts, cards and reviews `deck delete` would take out.
    pub fn deck_totals(&self, id: i64) -> Result<DeckTotals> {
        let count = |n: i64| usize::try_from(n).unwrap_or(0);
        let (facts, cards, reviews) = self.conn().query_row(
            &format!(
                "SELECT (SELECT count(*) FROM facts WHERE deck_id = ?1), (SELECT count(*) FROM ({DECK_CARDS})),
                        (SELECT count(*) FROM review_log WHERE card_id IN ({DECK_CARDS}))"
            ),
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        Ok(DeckTotals {
            facts: count(facts),
            cards: count(cards),
            reviews: count(reviews),
        })
    }
}

impl Tx<'_> {
    /// A deck by id.
    pub fn deck(&self, id: i64) -> Result<Option<DeckRow>> {
        deck_where(self.conn(), "id = ?1", id)
    }

    /// A deck by its key.
    pub fn deck_by_key(&self, key: &str) -> Result<Option<DeckRow>> {
        deck_where(self.conn(), "key = ?1", key)
    }

    /// Inserts a deck row (`deck.id` 0: the next free id); returns its id.
    /// The one `INSERT INTO decks` (`build`, `import`, the generator).
    pub fn insert_deck(&self, deck: &DeckRow) -> Result<i64> {
        self.conn()
            .prepare_cached(
                "INSERT INTO decks (id, key, name, description, source_path, retention, new_per_day, reviews_per_day,
                 anki_preset) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                (deck.id != 0).then_some(deck.id),
                deck.key,
                deck.name,
                deck.description,
                deck.source_path,
                deck.retention.map(f64::from),
                deck.new_per_day,
                deck.reviews_per_day,
                preset_json(deck.preset.as_ref())
            ])?;
        Ok(self.conn().last_insert_rowid())
    }

    /// Writes the name, settings and source of the deck with `deck.key`.
    pub fn write_deck(&self, deck: &DeckRow) -> Result<()> {
        self.conn()
            .prepare_cached(
                "UPDATE decks SET name = ?2, description = ?3, source_path = ?4, retention = ?5,
                 new_per_day = ?6, reviews_per_day = ?7, anki_preset = ?8 WHERE key = ?1",
            )?
            .execute(params![
                deck.key,
                deck.name,
                deck.description,
                deck.source_path,
                deck.retention.map(f64::from),
                deck.new_per_day,
                deck.reviews_per_day,
                preset_json(deck.preset.as_ref())
            ])?;
        Ok(())
    }

    /// Gives the deck `id` a new key and source (`deck rename`, `deck move`).
    pub fn rekey_deck(&self, id: i64, key: &str, source_path: Option<&str>) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE decks SET key = ?2, source_path = ?3 WHERE id = ?1")?
            .execute(params![id, key, source_path])?;
        Ok(())
    }

    /// Another deck whose key is `key` up to case (two such files cannot
    /// live in one folder on every file system).
    pub fn deck_key_taken(&self, key: &str, except_id: i64) -> Result<Option<DeckRow>> {
        Ok(all_decks(self.conn())?
            .into_iter()
            .filter(|deck| deck.id != except_id && same_up_to_case(&deck.key, key))
            .min_by(|a, b| (a.key != key, &a.key).cmp(&(b.key != key, &b.key))))
    }

    /// Deletes the deck `id` with its facts, their cards (in any deck) and
    /// the cards' review log, and takes those cards out of the undo steps.
    pub fn delete_deck(&self, id: i64) -> Result<DeckTotals> {
        let conn = self.conn();
        let gone = conn
            .prepare(DECK_CARDS)?
            .query_map([id], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<std::collections::HashSet<i64>>>()?;
        self.drop_cards_from_undo(&gone)?;
        let reviews = conn.execute(&format!("DELETE FROM review_log WHERE card_id IN ({DECK_CARDS})"), [id])?;
        let cards = conn.execute(&format!("DELETE FROM cards WHERE id IN ({DECK_CARDS})"), [id])?;
        conn.execute(
            "DELETE FROM anki_notes WHERE fact_id IN (SELECT id FROM facts WHERE deck_id = ?1)",
            [id],
        )?;
        let facts = conn.execute("DELETE FROM facts WHERE deck_id = ?1", [id])?;
        conn.execute("DELETE FROM decks WHERE id = ?1", [id])?;
        Ok(DeckTotals { facts, cards, reviews })
    }

    /// Records the fingerprint of the file the deck was just built from and
    /// its number of facts (a rebuild with the same fingerprint is skipped).
    /// Last in a sync: any change to the deck's facts forgets it.
    pub fn set_deck_source(&self, deck_id: i64, source_hash: &str, facts: i64) -> Result<()> {
        self.conn()
            .prepare_cached(
                "UPDATE decks SET source_hash = ?2, source_facts = ?3
                 WHERE id = ?1 AND (source_hash IS NOT ?2 OR source_facts IS NOT ?3)",
            )?
            .execute(params![deck_id, source_hash, facts])?;
        if let Some(mut bulk) = self.bulk() {
            bulk.fingerprint_set(deck_id);
        }
        Ok(())
    }
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
    fn a_deck_is_found_rewritten_and_fingerprinted_by_key() {
        use crate::store::DeckRow;
        let mut store = Store::open_in_memory().unwrap();
        let mut row = DeckRow {
            id: 0,
            key: "rus".into(),
            name: "Russian".into(),
            description: String::new(),
            source_path: Some("/d/rus.deck".into()),
            retention: Some(0.85),
            new_per_day: Some(5),
            reviews_per_day: None,
            preset: None,
        };
        let tx = store.begin().unwrap();
        row.id = tx.insert_deck(&row).unwrap();
        assert_eq!(tx.deck_by_key("rus").unwrap().as_ref(), Some(&row));
        assert_eq!(tx.deck(row.id).unwrap().as_ref(), Some(&row));
        assert_eq!(tx.deck_by_key("RUS").unwrap(), None, "keys are exact");
        tx.set_deck_source(row.id, "h1", 3).unwrap();
        tx.commit().unwrap();
        let report = store.unchanged_deck("rus", "h1").unwrap().unwrap();
        assert_eq!((report.deck.as_str(), report.unchanged), ("Russian", 3));
        assert_eq!(store.find_deck("RUSSIAN").unwrap(), row);

        row.name = "Русский".into();
        row.retention = None;
        let tx = store.begin().unwrap();
        tx.write_deck(&row).unwrap();
        tx.commit().unwrap();
        assert_eq!(store.find_deck("rus").unwrap(), row);
        assert_eq!(
            store.unchanged_deck("rus", "h1").unwrap(),
            None,
            "a changed deck is rebuilt"
        );
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
