//! The new cards of one deck file, inserted together ([`Tx::insert_file_cards`]):
//! in the order of their ids when that gives every card the id it gets
//! inserted one by one in the file's order, so the cards table (keyed by
//! ids that are hashes, [`crate::ids`]) and its index by time added grow
//! at their ends instead of at a random page per card; and a fact's new
//! card at the next new-card position ([`Tx::insert_new_card`]).

use super::Tx;
use super::cards::{INSERT_CARD, NewCard, candidate_ids, id_taken, insert_card_row};
use crate::card::{CardText, Schedule};
use crate::error::{Error, Result};

/// A new card of a deck file, waiting to be inserted with the others of
/// its file.
pub struct FileCard<'a> {
    pub fact_id: i64,
    /// Its fact's key (the id written in the file), of which its id is derived.
    pub fact_key: &'a str,
    pub text: CardText,
    /// New, at its position in the new-card order.
    pub schedule: Schedule,
}

impl FileCard<'_> {
    fn new_card(&self, id: i64, deck_id: i64) -> NewCard<'_> {
        NewCard {
            id,
            fact_id: self.fact_id,
            deck_id,
            text: &self.text,
            schedule: &self.schedule,
            suspended: false,
        }
    }
}

impl Tx<'_> {
    /// Inserts a new card of a fact, due at the next new-card position
    /// (which advances); returns its id.
    pub fn insert_new_card(&self, fact_id: i64, deck_id: i64, text: &CardText, next_position: &mut i64) -> Result<i64> {
        self.insert_new_card_as(0, fact_id, deck_id, text, next_position)
    }

    /// [`Tx::insert_new_card`] with the card's id (0: as [`NewCard`] says).
    pub fn insert_new_card_as(
        &self,
        id: i64,
        fact_id: i64,
        deck_id: i64,
        text: &CardText,
        next_position: &mut i64,
    ) -> Result<i64> {
        let id = self.insert_card(&NewCard {
            id,
            fact_id,
            deck_id,
            text,
            schedule: &Schedule::new_card(*next_position),
            suspended: false,
        })?;
        *next_position += 1;
        Ok(id)
    }

    /// Inserts the new cards of deck `deck_id` (key `deck_key`) that one
    /// file adds, given in the file's order. Each gets the id it would get
    /// inserted alone in that order ([`Tx::insert_card`]: the first of its
    /// candidates no card has). When every card's first candidate is free
    /// and differs from the others', that is its first candidate, and the
    /// cards are inserted in the order of those ids, which appends to the
    /// table; otherwise (a collision, about one in 10^4 files of a million
    /// cards) they are inserted one by one in the file's order.
    pub fn insert_file_cards(&self, deck_id: i64, deck_key: &str, cards: &[FileCard]) -> Result<()> {
        if self.insert_in_id_order(deck_id, deck_key, cards)? {
            return Ok(());
        }
        for card in cards {
            self.insert_card(&card.new_card(0, deck_id))?;
        }
        Ok(())
    }

    /// Inserts `cards` with their first candidate ids, in id order; false,
    /// with nothing inserted, when two share it or a card has one already.
    fn insert_in_id_order(&self, deck_id: i64, deck_key: &str, cards: &[FileCard]) -> Result<bool> {
        let conn = self.conn();
        let announcing = super::sync::announces_in_deck(conn, deck_key)?;
        let mut order = Vec::with_capacity(cards.len());
        for (index, card) in cards.iter().enumerate() {
            let mut ids = candidate_ids(conn, announcing, (deck_key, card.fact_key, &card.text.template))?;
            let first = ids
                .next()
                .ok_or_else(|| Error::Internal("a card with no candidate id".into()))?;
            order.push((first, index));
        }
        order.sort_unstable();
        if order.windows(2).any(|pair| pair[0].0 == pair[1].0) {
            return Ok(false);
        }
        // A card that has an id already is found by its insert, which fails
        // the primary key before writing; what was inserted is undone. One
        // statement for all (a cached one is looked up by its text each time).
        conn.execute_batch("SAVEPOINT file_cards")?;
        let inserted = conn
            .prepare_cached(INSERT_CARD)
            .map_err(Error::from)
            .and_then(|mut insert| {
                order.iter().try_for_each(|&(id, index)| {
                    let card = cards[index].new_card(id, deck_id);
                    insert_card_row(&mut insert, &card, id, self.now_ms())?;
                    self.card_inserted(&card, id)
                })
            });
        if let Err(err) = inserted {
            conn.execute_batch("ROLLBACK TO file_cards; RELEASE file_cards")?;
            return match err {
                Error::Sqlite(e) if id_taken(&e) => Ok(false),
                other => Err(other),
            };
        }
        conn.execute_batch("RELEASE file_cards")?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::card_id;
    use crate::store::{DeckRow, Store};

    fn text(template: &str) -> CardText {
        CardText {
            template: template.into(),
            front: format!("front {template}"),
            back: "b".into(),
            answer: "a".into(),
        }
    }

    /// Deck `d` with facts `a`, `b`, `c` (ids 1, 2, 3), and the new cards
    /// of a file: a basic card of each, a reverse card of `b`, at positions
    /// 10, 11, ... in that order.
    fn file_cards() -> Vec<FileCard<'static>> {
        [
            (1, "a", "basic"),
            (2, "b", "basic"),
            (2, "b", "reverse"),
            (3, "c", "basic"),
        ]
        .into_iter()
        .zip(10..)
        .map(|((fact_id, fact_key, template), position)| FileCard {
            fact_id,
            fact_key,
            text: text(template),
            schedule: Schedule::new_card(position),
        })
        .collect()
    }

    fn store_with_facts() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let tx = store.begin().unwrap();
        tx.insert_deck(&DeckRow::new("d", "D")).unwrap();
        for key in ["a", "b", "c"] {
            tx.insert_fact(None, 1, key, "{}").unwrap();
        }
        tx.commit().unwrap();
        store
    }

    /// (id, fact, template, due) of every card, by fact and template.
    fn cards(tx: &Tx) -> Vec<(i64, i64, String, i64)> {
        tx.conn()
            .prepare("SELECT id, fact_id, template, due FROM cards ORDER BY fact_id, template")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    fn derived(fact: &str, template: &str, attempt: u32) -> i64 {
        card_id("d", fact, template, attempt)
    }

    #[test]
    fn free_distinct_ids_are_inserted_in_id_order_each_the_first_of_its_candidates() {
        let mut store = store_with_facts();
        let tx = store.begin().unwrap();
        assert!(tx.insert_in_id_order(1, "d", &file_cards()).unwrap());
        assert_eq!(
            cards(&tx),
            [
                (derived("a", "basic", 0), 1, "basic".into(), 10),
                (derived("b", "basic", 0), 2, "basic".into(), 11),
                (derived("b", "reverse", 0), 2, "reverse".into(), 12),
                (derived("c", "basic", 0), 3, "basic".into(), 13),
            ]
        );
    }

    #[test]
    fn a_first_candidate_taken_by_a_card_gives_the_ids_of_the_files_order_and_nothing_else() {
        let mut store = store_with_facts();
        let tx = store.begin().unwrap();
        // A card of another fact holds the id `c`'s basic card derives first.
        let taken = derived("c", "basic", 0);
        let other = text("cloze:9");
        let schedule = Schedule::new_card(1);
        let card = |id| NewCard {
            id,
            fact_id: 1,
            deck_id: 1,
            text: &other,
            schedule: &schedule,
            suspended: false,
        };
        tx.insert_card(&card(taken)).unwrap();
        let cards_before = cards(&tx);
        assert!(!tx.insert_in_id_order(1, "d", &file_cards()).unwrap());
        assert_eq!(cards(&tx), cards_before, "what the id order inserted is undone");

        tx.insert_file_cards(1, "d", &file_cards()).unwrap();
        assert_eq!(
            cards(&tx),
            [
                (derived("a", "basic", 0), 1, "basic".into(), 10),
                (taken, 1, "cloze:9".into(), 1),
                (derived("b", "basic", 0), 2, "basic".into(), 11),
                (derived("b", "reverse", 0), 2, "reverse".into(), 12),
                (derived("c", "basic", 1), 3, "basic".into(), 13),
            ]
        );
        tx.commit().unwrap();
        let count: i64 = store
            .conn()
            .query_row("SELECT card_count FROM decks WHERE id = 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 5, "the insert trigger counted each card once");
    }

    #[test]
    fn two_cards_announced_the_same_id_take_it_in_the_files_order() {
        let mut store = store_with_facts();
        let tx = store.begin().unwrap();
        // Events announce 77 for `b`'s reverse card and for `c`'s basic one
        // (a sync folder may: the ids came from two devices' Anki imports).
        for (fact, template) in [("b", "reverse"), ("c", "basic")] {
            tx.conn()
                .execute(
                    "INSERT INTO sync_cards (deck_key, fact_key, template, card_id) VALUES ('d', ?1, ?2, 77)",
                    [fact, template],
                )
                .unwrap();
        }
        assert!(!tx.insert_in_id_order(1, "d", &file_cards()).unwrap());
        tx.insert_file_cards(1, "d", &file_cards()).unwrap();
        assert_eq!(
            cards(&tx),
            [
                (derived("a", "basic", 0), 1, "basic".into(), 10),
                (derived("b", "basic", 0), 2, "basic".into(), 11),
                (77, 2, "reverse".into(), 12),
                (derived("c", "basic", 0), 3, "basic".into(), 13),
            ]
        );
    }

    #[test]
    fn an_announced_id_is_a_cards_first_candidate() {
        let mut store = store_with_facts();
        let tx = store.begin().unwrap();
        tx.conn()
            .execute(
                "INSERT INTO sync_cards (deck_key, fact_key, template, card_id) VALUES ('d', 'c', 'basic', 5)",
                [],
            )
            .unwrap();
        assert!(tx.insert_in_id_order(1, "d", &file_cards()).unwrap());
        assert_eq!(cards(&tx)[3], (5, 3, "basic".into(), 13));
    }
}
