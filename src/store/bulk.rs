//! Bulk writes (building a large deck, the benchmark generator): per-row
//! triggers and secondary indexes are set aside for the length of one
//! transaction and put back, from their own stored definitions, before it
//! commits. A per-row trigger costs about as much as the insert it follows,
//! and an index built once from sorted rows is far cheaper than one grown by
//! random inserts. The transaction keeps the triggers' bookkeeping itself
//! ([`Bookkeeping`]), so the collection is the same as with them.

use std::collections::HashSet;

use rusqlite::{Connection, params};

use crate::error::Result;

/// The per-row triggers a bulk transaction sets aside: every trigger on
/// inserts into cards and facts, and the one that indexes a card's new text
/// or id. They keep `decks.card_count`, `decks.new_count`,
/// `cards_due_per_day` and the search's `card_trigrams`, forget
/// `decks.source_hash` and mark the deck's written sync file stale when
/// cards and facts are added. (FTS5 writes what it holds in memory to the
/// file at every statement savepoint: a trigger's insert into
/// `card_trigrams` costs a segment of the index per card, merged again and
/// again; 2.5 times the whole build of 100,000 facts.) Besides their own
/// cost, a trigger on a table makes each insert into it open a statement
/// journal (a copy of every page it changes, to undo the statement alone):
/// 15% of a 100k-fact build.
const INSERT_TRIGGERS: &str = "type = 'trigger' AND name IN ('cards_insert_count', 'cards_new_insert', \
     'facts_insert_forget_hash', 'cards_due_day_insert', 'sync_deck_files_fact_insert', 'card_trigrams_insert', \
     'card_trigrams_update')";

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
    /// Creates everything set aside again. What was created is forgotten
    /// as it is, so after a failure a second call goes on from the object
    /// that failed (its statement was undone).
    pub(super) fn restore(&mut self, conn: &Connection) -> Result<()> {
        while let Some(sql) = self.0.first() {
            conn.execute_batch(sql)?;
            self.0.remove(0);
        }
        Ok(())
    }
}

/// What the insert triggers do, kept by a bulk transaction while they are
/// set aside: the card count and the new-card count of each deck cards were
/// inserted into are recounted at the commit; a card due on a day is counted in
/// `cards_due_per_day` as it is inserted (later updates of the card count
/// from there); the cards inserted, reworded or given another id are
/// indexed in `card_trigrams` at the commit, all in one statement, with
/// the text and id they have then (a deleted one is not; deletes keep their
/// trigger); a deck's fingerprint is forgotten and its written sync file
/// marked stale when a fact is inserted into it (once, until the fingerprint
/// is set or a sync file recorded again).
pub(super) struct Bookkeeping {
    triggers: SetAside,
    /// Decks cards were inserted into.
    counted: Vec<i64>,
    /// Decks whose fingerprint is forgotten, with no fingerprint set since.
    forgotten: Vec<i64>,
    /// Decks whose written sync file is marked stale, with no sync file
    /// recorded since.
    stale_files: Vec<i64>,
    /// Cards to index in `card_trigrams` at the commit.
    unindexed: Unindexed,
}

/// The cards a bulk transaction indexes in `card_trigrams` at its commit.
enum Unindexed {
    /// The collection had no cards when the transaction began (so the
    /// index was empty): every card there is at the commit was inserted
    /// or renumbered in it, and all are indexed in one scan of the table.
    Every,
    /// The cards inserted, reworded or renumbered, by id.
    These(HashSet<i64>),
}

impl Bookkeeping {
    /// Sets the insert triggers aside.
    pub(super) fn start(conn: &Connection) -> Result<Bookkeeping> {
        Ok(Bookkeeping {
            triggers: set_aside(conn, INSERT_TRIGGERS)?,
            counted: Vec::new(),
            forgotten: Vec::new(),
            stale_files: Vec::new(),
            unindexed: match conn.query_row("SELECT EXISTS (SELECT 1 FROM cards)", [], |r| r.get(0))? {
                true => Unindexed::These(HashSet::new()),
                false => Unindexed::Every,
            },
        })
    }

    /// Card `card_id` was inserted into `deck_id` (`cards_insert_count`,
    /// `cards_new_insert`), due on `due_day` if it counts in
    /// `cards_due_per_day` (`cards_due_day_insert`); it is indexed at the
    /// commit (`card_trigrams_insert`).
    pub(super) fn card_inserted(
        &mut self,
        conn: &Connection,
        card_id: i64,
        deck_id: i64,
        due_day: Option<i64>,
    ) -> Result<()> {
        if !self.counted.contains(&deck_id) {
            self.counted.push(deck_id);
        }
        if let Unindexed::These(ids) = &mut self.unindexed {
            ids.insert(card_id);
        }
        if let Some(day) = due_day {
            conn.prepare_cached(
                "INSERT INTO cards_due_per_day (day, cards) VALUES (?1, 1)
                 ON CONFLICT (day) DO UPDATE SET cards = cards + 1",
            )?
            .execute([day])?;
        }
        Ok(())
    }

    /// A fact was inserted into `deck_id` (`facts_insert_forget_hash`,
    /// `sync_deck_files_fact_insert`).
    pub(super) fn fact_inserted(&mut self, conn: &Connection, deck_id: i64) -> Result<()> {
        if !self.forgotten.contains(&deck_id) {
            conn.prepare_cached("UPDATE decks SET source_hash = NULL WHERE id = ?1 AND source_hash IS NOT NULL")?
                .execute([deck_id])?;
            self.forgotten.push(deck_id);
        }
        if !self.stale_files.contains(&deck_id) {
            conn.prepare_cached(
                "DELETE FROM sync_deck_files WHERE written = 1 AND deck_key = (SELECT key FROM decks WHERE id = ?1)",
            )?
            .execute([deck_id])?;
            self.stale_files.push(deck_id);
        }
        Ok(())
    }

    /// Card `old_id` was reworded or is now `new_id` (`card_trigrams_update`):
    /// it leaves the index now, unless it was not indexed yet, and is
    /// indexed at the commit.
    pub(super) fn card_text_changed(&mut self, conn: &Connection, old_id: i64, new_id: i64) -> Result<()> {
        if let Unindexed::These(ids) = &mut self.unindexed {
            if !ids.remove(&old_id) {
                conn.prepare_cached("DELETE FROM card_trigrams WHERE rowid = ?1")?
                    .execute([old_id])?;
            }
            ids.insert(new_id);
        }
        Ok(())
    }

    /// A sync file was recorded: the next fact inserted marks its deck's
    /// written file stale again.
    pub(super) fn deck_file_recorded(&mut self) {
        self.stale_files.clear();
    }

    /// The deck's fingerprint was set: the next fact inserted forgets it.
    pub(super) fn fingerprint_set(&mut self, deck_id: i64) {
        self.forgotten.retain(|&id| id != deck_id);
    }

    /// Recounts the decks' cards, indexes the cards' text and puts the
    /// triggers back.
    pub(super) fn finish(mut self, conn: &Connection) -> Result<()> {
        for &deck_id in &self.counted {
            recount_cards(conn, deck_id)?;
        }
        index_text(conn, self.unindexed)?;
        self.triggers.restore(conn)
    }
}

impl super::Tx<'_> {
    /// Tells a bulk transaction (its trigger set aside) to index card
    /// `old_id`, now `new_id`, at its commit; nothing otherwise.
    pub(super) fn text_changed(&self, old_id: i64, new_id: i64) -> Result<()> {
        match self.bulk() {
            Some(mut bulk) => bulk.card_text_changed(self.conn(), old_id, new_id),
            None => Ok(()),
        }
    }
}

/// Indexes the text of the cards `unindexed` (those that exist) in
/// `card_trigrams`, in one statement, in id order.
fn index_text(conn: &Connection, unindexed: Unindexed) -> Result<()> {
    let ids = match unindexed {
        Unindexed::Every => return index_every_card(conn),
        Unindexed::These(ids) if ids.is_empty() => return Ok(()),
        Unindexed::These(ids) => ids,
    };
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    let list = serde_json::to_string(&ids).map_err(|e| crate::error::Error::Internal(e.to_string()))?;
    conn.execute(
        "INSERT INTO card_trigrams (rowid, search_text)
         SELECT id, search_text FROM cards WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id",
        [list],
    )?;
    Ok(())
}

/// Indexes the text of every card in `card_trigrams`, in one scan of the
/// table in id order (the index must hold none of them).
pub(super) fn index_every_card(conn: &Connection) -> Result<()> {
    conn.execute(
        "INSERT INTO card_trigrams (rowid, search_text) SELECT id, search_text FROM cards ORDER BY id",
        [],
    )?;
    Ok(())
}

/// Sets `decks.card_count` and `decks.new_count` of one deck from its
/// cards (what the `cards_insert_count` and `cards_new_insert` triggers
/// keep while they are in place; the update triggers, in place, kept the
/// new count of cards that changed queue meanwhile, from a count that
/// missed the inserts: it is recounted whole).
/// Whether they were wrong.
pub(super) fn recount_cards(conn: &Connection, deck_id: i64) -> Result<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE decks SET card_count = counted.cards, new_count = counted.new
         FROM (SELECT count(*) AS cards, count(*) FILTER (WHERE queue = 0) AS new FROM cards WHERE deck_id = ?1)
              AS counted
         WHERE id = ?1 AND (card_count, new_count) IS NOT (counted.cards, counted.new)",
        )?
        .execute(params![deck_id])?;
    Ok(changed > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::{CardText, Schedule};
    use crate::store::{DeckRow, NewCard, Store};

    #[test]
    fn what_is_set_aside_comes_back_as_it_was() {
        let mut store = Store::open_in_memory().unwrap();
        let before = store.schema_sql();
        store
            .transaction(|tx| {
                let mut triggers = set_aside(tx, INSERT_TRIGGERS)?;
                let mut indexes = set_aside(tx, CARD_AND_LOG_INDEXES)?;
                assert_eq!((triggers.0.len(), indexes.0.len()), (7, 6));
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
        assert_eq!(store.schema_sql(), before);
    }

    /// An import whose index rebuild fails part way (a full temporary
    /// directory) calls `restore` again: it goes on from the object that
    /// failed, so every index comes back, none twice and none forgotten.
    #[test]
    fn a_restore_that_failed_part_way_goes_on_from_the_object_that_failed() {
        let mut store = Store::open_in_memory().unwrap();
        let before = store.schema_sql();
        store
            .transaction(|tx| {
                let names: Vec<String> = tx
                    .prepare(&format!(
                        "SELECT name FROM sqlite_master WHERE {CARD_AND_LOG_INDEXES} ORDER BY name"
                    ))?
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                let mut indexes = set_aside(tx, CARD_AND_LOG_INDEXES)?;
                assert_eq!(names.len(), 6, "{:?}", indexes.0);
                // A table holding the third index's name: creating it fails.
                tx.execute_batch(&format!("CREATE TABLE \"{}\" (x)", names[2]))?;
                assert!(indexes.restore(tx).is_err());
                assert_eq!(indexes.0.len(), 4, "the first two are made and forgotten");
                tx.execute_batch(&format!("DROP TABLE \"{}\"", names[2]))?;
                indexes.restore(tx)?;
                assert!(indexes.0.is_empty());
                Ok(())
            })
            .unwrap();
        assert_eq!(store.schema_sql(), before);
    }

    /// A trigger added to the schema that fires on inserting a card or a
    /// fact must be set aside (and its work kept) by bulk transactions too,
    /// or it fires per row in them, with its statement journal.
    #[test]
    fn every_insert_trigger_of_cards_and_facts_is_set_aside() {
        let store = Store::open_in_memory().unwrap();
        let on_insert: Vec<String> = store
            .conn()
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'
                 AND (sql LIKE '%AFTER INSERT ON cards%' OR sql LIKE '%AFTER INSERT ON facts%')",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(on_insert.len() >= 5, "{on_insert:?}");
        for name in on_insert {
            assert!(
                INSERT_TRIGGERS.contains(&format!("'{name}'")),
                "{name} is not set aside"
            );
        }
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
            tx.insert_deck(&DeckRow::new("d", "D")).unwrap();
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

    /// The tables the set-aside triggers keep, as rows.
    fn kept_by_triggers(store: &Store) -> Vec<String> {
        let query = "SELECT 'day ' || day || ': ' || cards FROM cards_due_per_day WHERE cards != 0
                     UNION ALL SELECT 'file ' || path || ' ' || written FROM sync_deck_files
                     UNION ALL SELECT 'deck ' || card_count || ' ' || new_count || ' ' || ifnull(source_hash, '-') FROM decks";
        let mut stmt = store.conn().prepare(query).unwrap();
        let mut rows: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        rows.sort();
        rows
    }

    #[test]
    fn a_bulk_transaction_counts_due_days_and_stale_sync_files_as_the_triggers_do() {
        use crate::card::{CardState, Due};
        use crate::store::sync::DeckFileRow;
        let [bulk, plain] = [true, false].map(|bulk| {
            let mut store = Store::open_in_memory().unwrap();
            let tx = if bulk { store.begin_bulk(1) } else { store.begin() }.unwrap();
            let deck = tx.insert_deck(&DeckRow::new("d", "D")).unwrap();
            let file = |path: &str| DeckFileRow {
                path: path.into(),
                deck_key: "d".into(),
                written: true,
                size: 1,
                mtime_ns: 1,
            };
            // A file recorded, a fact, another file, another fact: both stale.
            tx.put_deck_file(&file("a.deck")).unwrap();
            let fact = tx.insert_fact(None, deck, "f1", "{}").unwrap();
            tx.put_deck_file(&file("b.deck")).unwrap();
            tx.insert_fact(None, deck, "f2", "{}").unwrap();
            tx.put_deck_file(&file("c.deck")).unwrap();
            let states = [
                CardState::New,
                CardState::Learning,
                CardState::Review,
                CardState::Relearning,
            ];
            let dues = [
                Due::New(3),
                Due::At(1_800_000_000_000),
                Due::Day(20_000),
                Due::Day(20_001),
            ];
            let mut n = 0;
            for state in states {
                for due in dues {
                    for suspended in [false, true] {
                        n += 1;
                        let text = CardText {
                            template: format!("t{n}"),
                            front: "q".into(),
                            back: "a".into(),
                            answer: "a".into(),
                        };
                        let schedule = Schedule {
                            state,
                            due,
                            ..Schedule::new_card(0)
                        };
                        let card = NewCard {
                            id: 0,
                            fact_id: fact,
                            deck_id: deck,
                            text: &text,
                            schedule: &schedule,
                            suspended,
                        };
                        let id = tx.insert_card(&card).unwrap();
                        if n % 3 == 0 {
                            // Moved to another day in the same transaction.
                            let moved = Schedule {
                                state: CardState::Review,
                                due: Due::Day(20_002),
                                ..schedule
                            };
                            tx.write_schedule(id, &moved).unwrap();
                        }
                    }
                }
            }
            tx.commit().unwrap();
            kept_by_triggers(&store)
        });
        assert_eq!(bulk, plain);
        for kept in ["day 20000: ", "day 20001: ", "day 20002: ", "file c.deck 1"] {
            assert!(plain.iter().any(|row| row.starts_with(kept)), "{kept} in {plain:?}");
        }
        assert!(
            !plain
                .iter()
                .any(|row| row.starts_with("file a") || row.starts_with("file b"))
        );
    }
}
