//! The `facts` table: a fact's key (the id written in its deck file), its
//! content as JSON (the store does not read it: `deck` turns it into a
//! `Fact` and back) and whether it is gone from its file. One row mapper
//! ([`FactRow`]), one insert.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Store, Tx};
use crate::error::Result;

/// A fact as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactRow {
    pub id: i64,
    pub deck_id: i64,
    pub key: String,
    /// The parsed fact, as JSON.
    pub content: String,
    /// Gone from its deck file (its cards are retired).
    pub removed: bool,
}

const FACT_COLUMNS: &str = "id, deck_id, key, content, removed";

/// `facts.tags_folded` of a fact's content: each tag of its `tags` folded
/// ([`crate::text::fold`]), between line breaks ("\nrevolt\nnavy\n"); ''
/// without tags. What search matches `tag:` in. (Schema 3 filled the column
/// with the same in SQL; folding here spares each insert SQLite's parse of
/// the whole content: 5% of building 100,000 facts.)
fn tags_folded(content: &str) -> Result<String> {
    #[derive(serde::Deserialize)]
    struct Tags<'a> {
        #[serde(default, borrow)]
        tags: Option<Vec<std::borrow::Cow<'a, str>>>,
    }
    let parsed: Tags = serde_json::from_str(content)
        .map_err(|e| crate::error::Error::Internal(format!("a fact's content is not what the store expects: {e}")))?;
    let tags = parsed.tags.unwrap_or_default();
    if tags.is_empty() {
        return Ok(String::new());
    }
    let mut folded = String::from("\n");
    for tag in tags {
        folded.push_str(&crate::text::fold(&tag));
        folded.push('\n');
    }
    Ok(folded)
}

fn fact_from_row(row: &Row) -> rusqlite::Result<FactRow> {
    Ok(FactRow {
        id: row.get(0)?,
        deck_id: row.get(1)?,
        key: row.get(2)?,
        content: row.get(3)?,
        removed: row.get(4)?,
    })
}

/// The facts `condition` selects (with `?1` bound to `arg`), in id order.
fn facts_where(conn: &Connection, condition: &str, arg: impl rusqlite::ToSql) -> Result<Vec<FactRow>> {
    let sql = format!("SELECT {FACT_COLUMNS} FROM facts WHERE {condition} ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([arg], fact_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

impl Store {
    /// The facts of a deck (removed ones too), in the order they were added.
    pub fn facts_of_deck(&self, deck_id: i64) -> Result<Vec<FactRow>> {
        facts_where(self.conn(), "deck_id = ?1", deck_id)
    }
}

impl Tx<'_> {
    /// The facts of a deck (removed ones too), in the order they were added.
    pub fn facts_of_deck(&self, deck_id: i64) -> Result<Vec<FactRow>> {
        facts_where(self.conn(), "deck_id = ?1", deck_id)
    }

    /// The facts, of any deck, whose keys start with `prefix` (ASCII letters
    /// in any case, as SQL's `LIKE`), in the order they were added.
    pub fn facts_with_key_prefix(&self, prefix: &str) -> Result<Vec<FactRow>> {
        let pattern = format!("{}%", super::escape_like(prefix));
        facts_where(self.conn(), "key LIKE ?1 ESCAPE '\\'", pattern)
    }

    /// The fact of key `key` in deck `deck_id` (removed or not), if any.
    pub fn fact_by_key(&self, deck_id: i64, key: &str) -> Result<Option<FactRow>> {
        Ok(self
            .conn()
            .prepare_cached(&format!(
                "SELECT {FACT_COLUMNS} FROM facts WHERE deck_id = ?1 AND key = ?2"
            ))?
            .query_row(params![deck_id, key], fact_from_row)
            .optional()?)
    }

    /// Inserts a fact (`id` None: the next free id); returns its id. The
    /// one `INSERT INTO facts` (`build`, `import`, the generator).
    pub fn insert_fact(&self, id: Option<i64>, deck_id: i64, key: &str, content: &str) -> Result<i64> {
        self.conn()
            .prepare_cached("INSERT INTO facts (id, deck_id, key, content, tags_folded) VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![id, deck_id, key, content, tags_folded(content)?])?;
        let id = self.conn().last_insert_rowid();
        if let Some(mut bulk) = self.bulk() {
            bulk.fact_inserted(self.conn(), deck_id)?;
        }
        Ok(id)
    }

    /// Replaces a fact's content; a removed fact is back in its file.
    pub fn write_fact_content(&self, fact_id: i64, content: &str) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE facts SET content = ?2, removed = 0, tags_folded = ?3 WHERE id = ?1")?
            .execute(params![fact_id, content, tags_folded(content)?])?;
        Ok(())
    }

    /// Marks a fact as gone from its file (its cards are retired apart).
    pub fn mark_fact_removed(&self, fact_id: i64) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE facts SET removed = 1 WHERE id = ?1")?
            .execute([fact_id])?;
        Ok(())
    }
}

impl Store {
    /// Number of facts, of every deck (removed ones too).
    pub fn fact_len(&self) -> Result<i64> {
        Ok(self.conn().query_row("SELECT count(*) FROM facts", [], |r| r.get(0))?)
    }

    /// The `hint:` of a fact, if it has one.
    pub fn fact_hint(&self, fact_id: i64) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT json_extract(content, '$.hint') FROM facts WHERE id = ?1")?
            .query_row([fact_id], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DeckRow;

    #[test]
    fn tags_are_folded_as_the_schema_3_migration_folded_them() {
        let store = Store::open_in_memory().unwrap();
        // What schema_v3.sql filled `tags_folded` with.
        let in_sql = |content: &str| -> String {
            store
                .conn()
                .query_row(
                    "SELECT coalesce((SELECT char(10) || group_concat(iskra_fold(value), char(10)) || char(10)
                     FROM json_each(?1, '$.tags')), '')",
                    [content],
                    |r| r.get(0),
                )
                .unwrap()
        };
        for content in [
            "{}",
            r#"{"tags":[]}"#,
            r#"{"tags":null}"#,
            r#"{"q":"x","tags":["Revolt","NAVY"],"a":"y"}"#,
            r#"{"tags":["Ünïcödé-Straße","!!!","","ﬁ İ","a\"b\\c\u00e9"]}"#,
            r#"{"tags":["one"],"nested":{"tags":["not these"]}}"#,
        ] {
            assert_eq!(tags_folded(content).unwrap(), in_sql(content), "{content}");
        }
        assert_eq!(tags_folded(r#"{"tags":["A b","c"]}"#).unwrap(), "\na b\nc\n");
        assert!(tags_folded("not json").is_err());
    }

    #[test]
    fn facts_are_found_by_deck_and_key_prefix_and_keep_their_content() {
        let mut store = Store::open_in_memory().unwrap();
        let tx = store.begin().unwrap();
        for key in ["a", "b"] {
            tx.insert_deck(&DeckRow::new(key, key)).unwrap();
        }
        assert_eq!(tx.insert_fact(Some(10), 2, "anki-1f", "{\"x\":1}").unwrap(), 10);
        assert_eq!(tx.insert_fact(None, 1, "anki_2", "{}").unwrap(), 11);
        assert_eq!(tx.insert_fact(None, 1, "ANKI-3", "{}").unwrap(), 12);
        assert_eq!(tx.insert_fact(None, 1, "plain", "{}").unwrap(), 13);
        let keys = |rows: Vec<FactRow>| rows.into_iter().map(|f| f.key).collect::<Vec<_>>();
        assert_eq!(keys(tx.facts_with_key_prefix("anki-").unwrap()), ["anki-1f", "ANKI-3"]);
        assert_eq!(
            keys(tx.facts_with_key_prefix("anki_").unwrap()),
            ["anki_2"],
            "`_` is no wildcard"
        );
        tx.mark_fact_removed(11).unwrap();
        tx.write_fact_content(10, "{\"x\":2}").unwrap();
        tx.commit().unwrap();
        assert_eq!(keys(store.facts_of_deck(1).unwrap()), ["anki_2", "ANKI-3", "plain"]);
        let removed: Vec<bool> = store.facts_of_deck(1).unwrap().iter().map(|f| f.removed).collect();
        assert_eq!(removed, [true, false, false]);
        assert_eq!(
            store.facts_of_deck(2).unwrap(),
            vec![FactRow {
                id: 10,
                deck_id: 2,
                key: "anki-1f".into(),
                content: "{\"x\":2}".into(),
                removed: false,
            }]
        );
    }
}

#[cfg(test)]
mod key_tests {

    use crate::deck::build::{Source, build};
    use crate::store::{Store, queue};

    fn store() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let source = Source {
            label: "t.deck".into(),
            key: "t".into(),
            bytes: b"# T\n## a\nq: alpha?\na: A\nhint: the first\n## b\nq: beta?\na: B\n".to_vec(),
        };
        build(&mut store, &[source]).unwrap();
        store
    }

    fn queue_of(store: &Store, card_id: i64) -> i64 {
        store
            .conn()
            .query_row("SELECT queue FROM cards WHERE id = ?1", [card_id], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_suspended_card_goes_back_to_the_queue_of_its_state() {
        let mut store = store();
        let card = store.next_new(store.decks().unwrap()[0].id, 0, None).unwrap().unwrap();
        let tx = store.begin().unwrap();
        tx.suspend_card(card.id).unwrap();
        tx.commit().unwrap();
        assert_eq!(queue_of(&store, card.id), queue::SUSPENDED);
        let tx = store.begin().unwrap();
        tx.unsuspend_card(card.id).unwrap();
        tx.commit().unwrap();
        assert_eq!(queue_of(&store, card.id), queue::NEW);
    }

    #[test]
    fn hints_are_read_from_the_fact() {
        let store = store();
        let hints: Vec<Option<String>> = store
            .conn()
            .prepare("SELECT id FROM facts ORDER BY key")
            .unwrap()
            .query_map([], |r| r.get::<_, i64>(0))
            .unwrap()
            .map(|id| store.fact_hint(id.unwrap()).unwrap())
            .collect();
        assert_eq!(hints, [Some("the first".to_string()), None]);
        assert_eq!(store.fact_hint(999).unwrap(), None);
    }
}
