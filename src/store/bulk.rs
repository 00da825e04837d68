//! Bulk writes (building a large deck, the benchmark generator): per-row
//! triggers and secondary indexes are set aside for the length of one
//! transaction and put back, from their own stored definitions, before it
//! commits. A per-row trigger costs about as much as the insert it follows,
//! and an index built once from sorted rows is far cheaper than one grown by
//! random inserts. The transaction keeps the triggers' bookkeeping itself
//! ([`Bookkeeping`]), so the collection is the same as with them.

use rusqlite::{Connection, params};

use crate::error::Result;

/// The per-row triggers a bulk transaction sets aside: they keep
/// `decks.card_count` and forget `decks.source_hash` when cards and facts
/// are added.
const INSERT_TRIGGERS: &str = "type = 'trigger' AND name IN ('cards_insert_count', 'facts_insert_forget_hash')";

/// The secondary indexes of cards and the review log.
pub(super) const CARD_AND_LOG_INDEXES: &str =
    "type = 'index' AND tbl_name IN ('cards', 'review_log') AND sql IS NOT NULL";

/// The secondary indexes of the review log (its uid stays: it is unique).
pub(super) const LOG_INDEXES: &str = "type = 'index' AND tbl_name = 'review_log' AND sql IS NOT NULL";

/// Schema objects dropped for the transaction, to be created again.
#[must_use = "what is set aside must be restored before the commit"]
pub(super) struct SetAside(Vec<String>);

/// Drops the triggers or indexes of `sqlite_master` matching `condition`
/// (one of the constants above) and keeps their definitions.
pub(super) fn set_aside(conn: &Connection, condition: &str) -> Result<SetAside> {
    let objects: Vec<(String, String, String)> = conn
        .prepare(&format!(
            "SELECT type, name, sql FROM sqlite_master WHERE {condition} ORDER BY name"
        ))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut definitions = Vec::with_capacity(objects.len());
    for (kind, name, sql) in objects {
        let kind = if kind == "index" { "INDEX" } else { "TRIGGER" };
        conn.execute_batch(&format!("DROP {kind} \"{}\"", name.replace('"', "\"\"")))?;
        definitions.push(sql);
    }
    Ok(SetAside(definitions))
}

impl SetAside {
    /// Creates everything set aside again.
    pub(super) fn restore(self, conn: &Connection) -> Result<()> {
        for sql in self.0 {
            conn.execute_batch(&sql)?;
        }
        Ok(())
    }
}

/// What the insert triggers do, kept by a bulk transaction while they are
/// set aside: the card count of each deck cards were inserted into is
/// recounted at the commit, and a deck's fingerprint is forgotten when a
/// fact is inserted into it (once, until the fingerprint is set again).
pub(super) struct Bookkeeping {
    triggers: SetAside,
    /// Decks cards were inserted into.
    counted: Vec<i64>,
    /// Decks whose fingerprint is forgotten, with no fingerprint set since.
    forgotten: Vec<i64>,
}

impl Bookkeeping {
    /// Sets the insert triggers aside.
    pub(super) fn start(conn: &Connection) -> Result<Bookkeeping> {
        Ok(Bookkeeping {
            triggers: set_aside(conn, INSERT_TRIGGERS)?,
            counted: Vec::new(),
            forgotten: Vec::new(),
        })
    }

    /// A card was inserted into `deck_id` (`cards_insert_count`).
    pub(super) fn card_inserted(&mut self, deck_id: i64) {
        if !self.counted.contains(&deck_id) {
            self.counted.push(deck_id);
        }
    }

    /// A fact was inserted into `deck_id` (`facts_insert_forget_hash`).
    pub(super) fn fact_inserted(&mut self, conn: &Connection, deck_id: i64) -> Result<()> {
        if !self.forgotten.contains(&deck_id) {
            conn.prepare_cached("UPDATE decks SET source_hash = NULL WHERE id = ?1 AND source_hash IS NOT NULL")?
                .execute([deck_id])?;
            self.forgotten.push(deck_id);
        }
        Ok(())
    }

    /// The deck's fingerprint was set: the next fact inserted forgets it.
    pub(super) fn fingerprint_set(&mut self, deck_id: i64) {
        self.forgotten.retain(|&id| id != deck_id);
    }

    /// Recounts the decks' cards and puts the triggers back.
    pub(super) fn finish(self, conn: &Connection) -> Result<()> {
        for &deck_id in &self.counted {
            recount_cards(conn, deck_id)?;
        }
        self.triggers.restore(conn)
    }
}

/// Sets `decks.card_count` of one deck from its cards (what the
/// `cards_insert_count` trigger keeps while it is in place).
fn recount_cards(conn: &Connection, deck_id: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE decks SET card_count = (SELECT count(*) FROM cards WHERE deck_id = ?1)
         WHERE id = ?1 AND card_count IS NOT (SELECT count(*) FROM cards WHERE deck_id = ?1)",
    )?
    .execute(params![deck_id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::{CardText, Schedule};
    use crate::store::{DeckRow, NewCard, Store};

    fn schema(store: &Store) -> Vec<String> {
        let mut stmt = store
            .conn()
            .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn what_is_set_aside_comes_back_as_it_was() {
        let mut store = Store::open_in_memory().unwrap();
        let before = schema(&store);
        store
            .transaction(|tx| {
                let triggers = set_aside(tx, INSERT_TRIGGERS)?;
                let indexes = set_aside(tx, CARD_AND_LOG_INDEXES)?;
                assert_eq!((triggers.0.len(), indexes.0.len()), (2, 5));
                let left: i64 = tx.query_row(
                    &format!(
                        "SELECT count(*) FROM sqlite_master WHERE ({INSERT_TRIGGERS}) OR ({CARD_AND_LOG_INDEXES})"
                    ),
                    [],
                    |r| r.get(0),
                )?;
                assert_eq!(left, 0);
                indexes.restore(tx)?;
                triggers.restore(tx)
            })
            .unwrap();
        assert_eq!(schema(&store), before);
    }

    /// (card_count, source_hash) of deck 1.
    fn deck_state(store: &Store) -> (i64, Option<String>) {
        store
            .conn()
            .query_row("SELECT card_count, source_hash FROM decks WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap()
    }

    /// Inserts a fact with one card into deck 1 (`hash`: then sets the
    /// deck's fingerprint) in a bulk transaction or a plain one.
    fn add_fact(store: &mut Store, bulk: bool, n: i64, hash: Option<&str>) {
        let tx = if bulk { store.begin_bulk(1) } else { store.begin() }.unwrap();
        let fact = tx.insert_fact(None, 1, &format!("f{n}"), "{}").unwrap();
        let text = CardText {
            template: "basic".into(),
            front: "q".into(),
            back: "a".into(),
            answer: "a".into(),
        };
        let schedule = Schedule::new_card(n);
        tx.insert_card(&NewCard {
            id: 0,
            fact_id: fact,
            deck_id: 1,
            text: &text,
            schedule: &schedule,
            suspended: false,
        })
        .unwrap();
        if let Some(hash) = hash {
            tx.set_deck_source(1, hash, n).unwrap();
        }
        tx.commit().unwrap();
    }

    #[test]
    fn a_bulk_transaction_keeps_the_triggers_bookkeeping() {
        let mut stores = [true, false].map(|bulk| {
            let mut store = Store::open_in_memory().unwrap();
            let tx = store.begin().unwrap();
            tx.insert_deck(&DeckRow {
                id: 0,
                key: "d".into(),
                name: "D".into(),
                description: String::new(),
                source_path: None,
                retention: None,
                new_per_day: None,
                reviews_per_day: None,
                preset: None,
            })
            .unwrap();
            tx.set_deck_source(1, "old", 0).unwrap();
            tx.commit().unwrap();
            (bulk, store)
        });
        for (bulk, store) in &mut stores {
            add_fact(store, *bulk, 1, None);
            assert_eq!(
                deck_state(store),
                (1, None),
                "bulk {bulk}: counted, fingerprint forgotten"
            );
            add_fact(store, *bulk, 2, Some("new"));
            assert_eq!(deck_state(store), (2, Some("new".into())), "bulk {bulk}");
        }
        // Forgotten, set, then another fact in the same transaction: forgotten again.
        let (_, store) = &mut stores[0];
        let tx = store.begin_bulk(1).unwrap();
        tx.insert_fact(None, 1, "f3", "{}").unwrap();
        tx.set_deck_source(1, "newer", 3).unwrap();
        tx.insert_fact(None, 1, "f4", "{}").unwrap();
        tx.commit().unwrap();
        assert_eq!(deck_state(store), (2, None));
    }
}
