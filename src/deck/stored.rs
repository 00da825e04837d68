//! A fact as the collection stores it: its content is the [`Fact`] as JSON
//! (the store keeps it as text; this is the one place it is written and
//! read back).

use super::Fact;
use crate::error::{Error, Result};
use crate::store::Store;

impl Fact {
    /// The fact's content as stored (`facts.content`).
    pub fn to_content(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Internal(format!("fact {}: {e}", self.id)))
    }

    /// A fact from its stored content.
    pub fn from_content(content: &str) -> serde_json::Result<Fact> {
        serde_json::from_str(content)
    }
}

/// The deck's facts that are in its file (or were imported), in the order
/// they were added, with their row ids.
pub fn stored_facts(store: &Store, deck_id: i64) -> Result<Vec<(i64, Fact)>> {
    store
        .facts_of_deck(deck_id)?
        .into_iter()
        .filter(|row| !row.removed)
        .map(|row| {
            Fact::from_content(&row.content)
                .map(|fact| (row.id, fact))
                .map_err(|e| Error::Corrupt {
                    path: store.path().to_path_buf(),
                    detail: format!("fact {} is unreadable ({e})", row.key),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::build::{Source, build};

    #[test]
    fn stored_facts_come_back_as_written_without_the_removed_ones() {
        let mut store = Store::open_in_memory().unwrap();
        let source = |text: &str| Source {
            label: "d.deck".into(),
            key: "d".into(),
            bytes: text.as_bytes().to_vec(),
        };
        let both = "# D\n## a\nq: one?\na: 1\nalt: uno\ntags: x y\n## b\ncloze: The {{Neva}} flows.\n";
        build(&mut store, &[source(both)]).unwrap();
        let parsed = crate::deck::parse_deck("d.deck", "d", both.as_bytes()).unwrap();
        let deck = store.find_deck("d").unwrap();
        let facts: Vec<Fact> = stored_facts(&store, deck.id)
            .unwrap()
            .into_iter()
            .map(|(_, f)| f)
            .collect();
        assert_eq!(facts, parsed.facts);

        build(&mut store, &[source("# D\n## b\ncloze: The {{Neva}} flows.\n")]).unwrap();
        let left: Vec<String> = stored_facts(&store, deck.id)
            .unwrap()
            .into_iter()
            .map(|(_, f)| f.id)
            .collect();
        assert_eq!(left, ["b"]);

        store
            .conn()
            .execute("UPDATE facts SET content = 'not json' WHERE key = 'b'", [])
            .unwrap();
        let err = stored_facts(&store, deck.id).unwrap_err();
        assert!(
            matches!(&err, Error::Corrupt { detail, .. } if detail.contains("fact b")),
            "{err}"
        );
    }
}
