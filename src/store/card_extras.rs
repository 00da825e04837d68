//! Small additions for the review session's keys, kept apart until the
//! store is sliced by table: suspending one card and taking it back (`!`
//! and `u`), and a fact's hint (`h`).

use rusqlite::{OptionalExtension, params};

use super::Store;
use super::cards::queue;
use crate::error::Result;

impl Store {
    /// Suspends a card (it leaves every queue until unsuspended).
    pub fn suspend_card(&mut self, card_id: i64) -> Result<()> {
        self.conn().execute(
            "UPDATE cards SET queue = ?2, buried_day = NULL WHERE id = ?1",
            params![card_id, queue::SUSPENDED],
        )?;
        Ok(())
    }

    /// Puts a card suspended by [`Store::suspend_card`] back in the queue
    /// of its state (a card retired from its deck file stays suspended).
    pub fn unsuspend_card(&mut self, card_id: i64) -> Result<()> {
        self.conn().execute(
            "UPDATE cards SET queue = CASE state WHEN 0 THEN 0 WHEN 2 THEN 2 ELSE 1 END
             WHERE id = ?1 AND queue = ?2 AND retired = 0",
            params![card_id, queue::SUSPENDED],
        )?;
        Ok(())
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
        let card = store.next_new(store.decks().unwrap()[0].id, 0).unwrap().unwrap();
        store.suspend_card(card.id).unwrap();
        assert_eq!(queue_of(&store, card.id), queue::SUSPENDED);
        store.unsuspend_card(card.id).unwrap();
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
