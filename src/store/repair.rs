//! Counting again what triggers keep, for `iskra check --repair`: each
//! deck's card and new-card counts, the cards due per study day, the deck
//! a log row names, and the search index. All of it is derived from the
//! cards and the log, so putting it right changes nothing the learner
//! wrote; one transaction, so a killed repair leaves the file as it was.
//! The rules it puts right are `check`'s (the queries are shared with
//! [`super::inspect`]); the counting and indexing are the bulk
//! transactions' own ([`super::bulk`]).

use rusqlite::Connection;

use super::inspect::{DUE_DAY_OFFENDERS, DUE_PER_DAY, SEARCH_INDEX_OFFENDERS};
use super::{Store, bulk};
use crate::error::Result;

/// What a repair put right: how many of each were wrong.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Recounted {
    /// Decks whose card or new-card count was wrong.
    pub decks: usize,
    /// Study days whose count of due cards was wrong.
    pub due_days: usize,
    /// Log rows that named a deck other than their card's.
    pub log_rows: usize,
    /// Cards missing from the search index, or gone but still in it.
    pub indexed_cards: usize,
}

impl Recounted {
    /// Whether anything was wrong.
    pub fn any(&self) -> bool {
        *self != Recounted::default()
    }
}

impl Store {
    /// Counts again everything triggers keep and indexes the cards again
    /// where the search index does not hold them as it should.
    pub fn recount_kept(&mut self) -> Result<Recounted> {
        self.transaction(|conn| {
            Ok(Recounted {
                decks: recount_decks(conn)?,
                due_days: recount_due_days(conn)?,
                log_rows: rename_log_decks(conn)?,
                indexed_cards: reindex_cards(conn)?,
            })
        })
    }
}

/// The count `sql` selects.
fn count(conn: &Connection, sql: &str) -> Result<usize> {
    let count: i64 = conn.query_row(sql, [], |r| r.get(0))?;
    Ok(usize::try_from(count).unwrap_or(0))
}

fn recount_decks(conn: &Connection) -> Result<usize> {
    let decks: Vec<i64> = conn
        .prepare("SELECT id FROM decks ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut wrong = 0;
    for deck_id in decks {
        if bulk::recount_cards(conn, deck_id)? {
            wrong += 1;
        }
    }
    Ok(wrong)
}

fn recount_due_days(conn: &Connection) -> Result<usize> {
    let wrong = count(
        conn,
        &format!("{DUE_PER_DAY} SELECT count(*) FROM ({DUE_DAY_OFFENDERS})"),
    )?;
    if wrong > 0 {
        conn.execute("DELETE FROM cards_due_per_day", [])?;
        conn.execute(
            &format!("{DUE_PER_DAY} INSERT INTO cards_due_per_day (day, cards) SELECT day, cards FROM due"),
            [],
        )?;
    }
    Ok(wrong)
}

fn rename_log_decks(conn: &Connection) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE review_log SET deck_id = c.deck_id FROM cards c
         WHERE c.id = review_log.card_id AND review_log.deck_id IS NOT NULL AND review_log.deck_id != c.deck_id",
        [],
    )?)
}

fn reindex_cards(conn: &Connection) -> Result<usize> {
    let wrong = count(conn, &format!("SELECT count(*) FROM ({SEARCH_INDEX_OFFENDERS})"))?;
    if wrong > 0 {
        conn.execute("INSERT INTO card_trigrams (card_trigrams) VALUES ('delete-all')", [])?;
        bulk::index_every_card(conn)?;
    }
    Ok(wrong)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_cards() -> Store {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO decks (id, key, name) VALUES (1, 'd', 'D'), (2, 'e', 'E');
                 INSERT INTO facts (id, deck_id, key, content) VALUES (1, 1, 'f', '{}');
                 INSERT INTO cards (id, fact_id, deck_id, template, front, back, answer, state, queue, due,
                                    stability, difficulty, interval, search_text)
                 VALUES (7, 1, 1, 'basic', 'q', 'a', 'a', 0, 0, 0, NULL, NULL, 0, 'q a'),
                        (8, 1, 1, 'reverse', 'kronstadt', 'b', 'b', 2, 2, 20400, 5.0, 5.0, 3, 'kronstadt b');
                 INSERT INTO review_log (uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
                   state_before, due_before, interval_before, state_after, due_after, interval_after, deck_id)
                 VALUES ('u', 8, 0, 3, 0, 0, 0, 0, 0, 0, 2, 20400, 3, 1);",
            )
            .unwrap();
        store
    }

    fn problems(store: &Store) -> Vec<&'static str> {
        let findings = crate::store::inspect::consistency(store.conn()).unwrap();
        findings
            .into_iter()
            .filter(|f| !f.problems.is_empty())
            .map(|f| f.name)
            .collect()
    }

    #[test]
    fn a_sound_collection_is_left_as_it_is() {
        let mut store = store_with_cards();
        assert!(problems(&store).is_empty());
        assert!(!store.recount_kept().unwrap().any());
        assert!(problems(&store).is_empty());
    }

    #[test]
    fn what_triggers_keep_is_counted_again_and_check_passes() {
        let mut store = store_with_cards();
        store
            .conn()
            .execute_batch(
                "UPDATE decks SET card_count = 5, new_count = 3 WHERE id = 1;
                 UPDATE decks SET new_count = 1 WHERE id = 2;
                 UPDATE cards_due_per_day SET cards = 4;
                 INSERT INTO cards_due_per_day (day, cards) VALUES (20999, 2);
                 UPDATE review_log SET deck_id = 2;
                 DELETE FROM card_trigrams WHERE rowid = 8;
                 INSERT INTO card_trigrams (rowid, search_text) VALUES (99, 'gone');",
            )
            .unwrap();
        assert_eq!(problems(&store).len(), 5, "{:?}", problems(&store));
        let recounted = store.recount_kept().unwrap();
        assert_eq!(
            recounted,
            Recounted {
                decks: 2,
                due_days: 2,
                log_rows: 1,
                indexed_cards: 2
            }
        );
        assert!(problems(&store).is_empty(), "{:?}", problems(&store));
        let found: i64 = store
            .conn()
            .query_row(
                "SELECT rowid FROM card_trigrams WHERE card_trigrams MATCH '\"kro\"'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, 8, "the card is found by its words again");
    }
}
