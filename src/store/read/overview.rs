//! Read-only views of a deck for authors (`deck list`, `deck show`): how
//! many facts and cards it holds, and each live card with its state.
//! Facts gone from their file and their retired cards are left out.

use rusqlite::params;

use crate::clock::DayNumber;
use crate::error::Result;
use crate::store::Store;

/// A deck's size and what waits in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeckSummary {
    /// Facts in the deck file (as last built).
    pub facts: u32,
    /// Their cards.
    pub cards: u32,
    /// Cards never studied (ignoring the daily limit).
    pub new: u32,
    /// Learning cards due now and review cards due today (ignoring limits).
    pub due: u32,
}

/// One card of a deck, as `deck show` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownCard {
    pub fact_key: String,
    /// `qa`, `cloze`, `sequence` or `timeline`.
    pub fact_kind: String,
    pub template: String,
    pub front: String,
    pub back: String,
    pub queue: i64,
    /// Meaning depends on the queue: a position, UTC ms or a study day.
    pub due: i64,
}

impl Store {
    /// Counts of one deck at `now_ms` on study day `today`.
    pub fn deck_summary(&self, deck_id: i64, now_ms: i64, today: DayNumber) -> Result<DeckSummary> {
        let sql = "SELECT
               (SELECT count(*) FROM facts WHERE deck_id = ?1 AND removed = 0),
               count(*),
               coalesce(sum(queue = 0), 0),
               coalesce(sum((queue = 1 AND due <= ?2) OR (queue IN (2, 3) AND due <= ?3)), 0)
             FROM cards WHERE deck_id = ?1 AND retired = 0";
        Ok(self
            .conn()
            .prepare_cached(sql)?
            .query_row(params![deck_id, now_ms, today], |r| {
                Ok(DeckSummary {
                    facts: r.get(0)?,
                    cards: r.get(1)?,
                    new: r.get(2)?,
                    due: r.get(3)?,
                })
            })?)
    }

    /// The live cards of a deck, fact by fact in the order facts were added.
    pub fn deck_cards(&self, deck_id: i64) -> Result<Vec<ShownCard>> {
        let sql = "SELECT f.key, coalesce(json_extract(f.content, '$.kind'), ''), c.template, c.front, c.back,
                    c.queue, c.due
             FROM cards c JOIN facts f ON f.id = c.fact_id
             WHERE f.deck_id = ?1 AND f.removed = 0 AND c.retired = 0
             ORDER BY f.id, c.id";
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt
            .query_map([deck_id], |r| {
                Ok(ShownCard {
                    fact_key: r.get(0)?,
                    fact_kind: r.get(1)?,
                    template: r.get(2)?,
                    front: r.get(3)?,
                    back: r.get(4)?,
                    queue: r.get(5)?,
                    due: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::build::{Source, build};

    #[test]
    fn counts_and_cards_leave_out_removed_facts() {
        let mut store = Store::open_in_memory().unwrap();
        let source = |text: &str| Source {
            label: "d.deck".into(),
            key: "d".into(),
            bytes: text.as_bytes().to_vec(),
        };
        let both =
            "# D\n## a\nq: one?\na: 1\ncards: basic reverse\n## b\nsequence: S\nitem: x\nitem: y\ncards: after\n";
        build(&mut store, &[source(both)]).unwrap();
        let deck = store.find_deck("d").unwrap();
        let summary = store.deck_summary(deck.id, 0, 0).unwrap();
        assert_eq!(
            summary,
            DeckSummary {
                facts: 2,
                cards: 3,
                new: 3,
                due: 0
            }
        );
        store
            .conn()
            .execute(
                "UPDATE cards SET queue = 2, state = 2, due = 5 WHERE template = 'basic'",
                [],
            )
            .unwrap();
        assert_eq!(store.deck_summary(deck.id, 0, 4).unwrap().due, 0);
        assert_eq!(store.deck_summary(deck.id, 0, 5).unwrap().due, 1);

        build(
            &mut store,
            &[source("# D\n## b\nsequence: S\nitem: x\nitem: y\ncards: after\n")],
        )
        .unwrap();
        let cards = store.deck_cards(deck.id).unwrap();
        assert_eq!(cards.len(), 1);
        assert_eq!(
            (
                cards[0].fact_key.as_str(),
                cards[0].fact_kind.as_str(),
                cards[0].template.as_str()
            ),
            ("b", "sequence", "after:x>y")
        );
        assert_eq!(store.deck_summary(deck.id, 0, 5).unwrap().facts, 1);
    }
}
