//! Bulk writes (building a large deck, `generate`): per-row triggers and
//! secondary indexes are set aside for the length of one transaction and put
//! back, from their own stored definitions, before it commits. A per-row
//! trigger costs about as much as the insert it follows, and an index built
//! once from sorted rows is far cheaper than one grown by random inserts.
//! The transaction keeps the triggers' bookkeeping itself (see
//! [`recount_cards`]), so the collection is the same as with them.

use rusqlite::{Transaction, params};

use crate::error::Result;

/// The per-row triggers of a deck sync: they keep `decks.card_count` and
/// forget `decks.source_hash` when cards and facts are added.
pub(crate) const INSERT_TRIGGERS: &str =
    "type = 'trigger' AND name IN ('cards_insert_count', 'facts_insert_forget_hash')";

/// The secondary indexes of cards and the review log.
pub(crate) const CARD_AND_LOG_INDEXES: &str =
    "type = 'index' AND tbl_name IN ('cards', 'review_log') AND sql IS NOT NULL";

/// Schema objects dropped for the transaction, to be created again.
#[must_use = "what is set aside must be restored before the commit"]
pub(crate) struct SetAside(Vec<String>);

/// Drops the triggers or indexes of `sqlite_master` matching `condition`
/// (one of the constants above) and keeps their definitions.
pub(crate) fn set_aside(tx: &Transaction, condition: &str) -> Result<SetAside> {
    let objects: Vec<(String, String, String)> = tx
        .prepare(&format!(
            "SELECT type, name, sql FROM sqlite_master WHERE {condition} ORDER BY name"
        ))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut definitions = Vec::with_capacity(objects.len());
    for (kind, name, sql) in objects {
        let kind = if kind == "index" { "INDEX" } else { "TRIGGER" };
        tx.execute_batch(&format!("DROP {kind} \"{}\"", name.replace('"', "\"\"")))?;
        definitions.push(sql);
    }
    Ok(SetAside(definitions))
}

impl SetAside {
    /// Creates everything set aside again.
    pub(crate) fn restore(self, tx: &Transaction) -> Result<()> {
        for sql in self.0 {
            tx.execute_batch(&sql)?;
        }
        Ok(())
    }
}

/// Sets `decks.card_count` of one deck from its cards (what the
/// `cards_insert_count` trigger keeps while it is in place).
pub(crate) fn recount_cards(tx: &Transaction, deck_id: i64) -> Result<()> {
    tx.prepare_cached(
        "UPDATE decks SET card_count = (SELECT count(*) FROM cards WHERE deck_id = ?1)
         WHERE id = ?1 AND card_count IS NOT (SELECT count(*) FROM cards WHERE deck_id = ?1)",
    )?
    .execute(params![deck_id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

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
                assert_eq!((triggers.0.len(), indexes.0.len()), (2, 4));
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
}
