//! `iskra card ID`: one card's whole story, as Anki's Card Info: its deck
//! and fact, where the fact is written (the deck's file and the line of
//! its `## id`, found by reading the file now with `deck::locate`, as
//! `iskra edit` finds it), its schedule and memory
//! now, the options it is studied with, and every entry of its review log.

use crate::clock::Clock;
use crate::deck::build::BUNDLED_PREFIX;
use crate::deck::locate::fact_line;
use crate::error::{Error, Result};
use crate::stats;
pub use crate::store::read::card_info::{CardInfoRow, CardLogRow};
use crate::store::{DeckOptions, Store};

/// Where a card's fact is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The deck's file, and the line of the fact's heading if it is in it.
    File { path: String, line: Option<usize> },
    /// The deck's file is gone (or cannot be read).
    Missing { path: String },
    /// A bundled deck, compiled into iskra.
    Bundled,
    /// No file recorded (an imported deck).
    None,
}

/// A card, where it comes from, and its history.
#[derive(Debug, Clone, PartialEq)]
pub struct CardInfo {
    pub card: CardInfoRow,
    pub source: Source,
    /// Retrievability now, if the card has a memory state.
    pub retrievability: Option<f64>,
    /// Oldest first.
    pub log: Vec<CardLogRow>,
    /// The options the card is studied with (its deck's own, else the collection's).
    pub options: DeckOptions,
}

/// The card `id`, or a usage error naming it.
pub fn card_info(store: &Store, id: i64, clock: &Clock<impl chrono::TimeZone>) -> Result<CardInfo> {
    let Some(card) = store.card_info(id)? else {
        return Err(Error::Usage(format!(
            "no card {id}.\n  hint: `iskra search QUERY` lists the cards with their ids"
        )));
    };
    let source = source(card.source_path.as_deref(), &card.fact_key);
    let s = &card.schedule;
    let retrievability = stats::retrievability(
        s.stability,
        s.difficulty,
        s.last_review_day,
        clock.today(),
        stats::decay(store)?,
    );
    let log = store.card_log(id)?;
    let settings = store.settings()?;
    let options = match store.deck_by_key(&card.deck_key)? {
        Some(deck) => settings.deck_options(&deck),
        None => return Err(Error::Internal(format!("card {id}'s deck is not stored"))),
    };
    Ok(CardInfo {
        card,
        source,
        retrievability,
        log,
        options,
    })
}

/// Where the fact `fact_key` of a deck built from `path` is written now.
fn source(path: Option<&str>, fact_key: &str) -> Source {
    match path {
        None => Source::None,
        Some(path) if path.starts_with(BUNDLED_PREFIX) => Source::Bundled,
        Some(path) => match crate::deck::build::read_deck_file(std::path::Path::new(path)) {
            Ok(bytes) => Source::File {
                path: path.to_string(),
                line: fact_line(&String::from_utf8_lossy(&bytes), fact_key),
            },
            Err(_) => Source::Missing { path: path.to_string() },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_is_the_file_and_the_line_of_the_fact_heading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.deck");
        std::fs::write(&path, "# D\n\n## a\nq: a?\na: 1\n\n## b\nq: b?\na: 2\n").unwrap();
        let path = path.to_string_lossy().into_owned();
        assert_eq!(
            source(Some(&path), "b"),
            Source::File {
                path: path.clone(),
                line: Some(7)
            }
        );
        assert_eq!(
            source(Some(&path), "gone"),
            Source::File {
                path: path.clone(),
                line: None
            }
        );
        let missing = dir.path().join("x.deck").to_string_lossy().into_owned();
        assert_eq!(source(Some(&missing), "a"), Source::Missing { path: missing });
        assert_eq!(source(Some("bundled:people"), "a"), Source::Bundled);
        assert_eq!(source(None, "a"), Source::None);
    }
}
