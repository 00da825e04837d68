//! `build`: deck files (or the bundled decks) → the collection. All files are
//! parsed and checked first; only when every file is clean is anything
//! written, in one transaction.

use std::path::{Path, PathBuf};

use super::{Deck, Diagnostic, parse_deck};
use crate::error::{Error, Result};
use crate::store::{FactSync, Store, SyncReport};

include!(concat!(env!("OUT_DIR"), "/bundled_decks.rs"));

/// How the label (and stored source path) of a bundled deck starts.
pub const BUNDLED_PREFIX: &str = "bundled:";

/// One deck file's text and where it came from.
pub struct Source {
    /// Shown in diagnostics and stored as the deck's source.
    pub label: String,
    /// The deck's identity: its file name without `.deck`.
    pub key: String,
    pub bytes: Vec<u8>,
}

/// The `.deck` files named by `paths` (directories are searched, sorted by name).
pub fn collect_sources(paths: &[PathBuf]) -> Result<Vec<Source>> {
    let mut files = Vec::new();
    for path in paths {
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        if !path.exists() {
            return Err(Error::Usage(format!(
                "{} does not exist.\n  hint: run `iskra build` where your decks/ folder is, or name deck files or folders: `iskra build PATH…`",
                path.display()
            )));
        }
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(io)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "deck") && p.is_file())
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::Usage(format!(
                    "{} holds no .deck files.\n  hint: deck files end in .deck; see docs/deck-format.md",
                    path.display()
                )));
            }
            files.extend(found);
        } else {
            std::fs::metadata(path).map_err(io)?;
            files.push(path.clone());
        }
    }
    files
        .into_iter()
        .map(|path| {
            let bytes = read_limited(&path)?;
            Ok(Source {
                label: path.display().to_string(),
                key: deck_key(&path),
                bytes,
            })
        })
        .collect()
}

fn read_limited(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    // Read one byte past the limit so the parser can report the file as too large.
    file.take(super::MAX_DECK_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    Ok(bytes)
}

fn deck_key(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The decks compiled into the binary.
pub fn bundled_sources() -> Vec<Source> {
    BUNDLED_DECKS
        .iter()
        .map(|(name, text)| Source {
            label: format!("{BUNDLED_PREFIX}{name}"),
            key: deck_key(Path::new(name)),
            bytes: text.as_bytes().to_vec(),
        })
        .collect()
}

/// Parses every source; all diagnostics of all files, or the decks.
pub fn parse_sources(sources: &[Source]) -> Result<Vec<Deck>> {
    let mut decks = Vec::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for source in sources {
        match parse_deck(&source.label, &source.key, &source.bytes) {
            Ok(deck) => {
                if let Some(other) = decks.iter().position(|d: &Deck| d.key == deck.key) {
                    diagnostics.push(Diagnostic {
                        file: source.label.clone(),
                        line: 1,
                        column: 1,
                        message: format!(
                            "a second deck file named `{}.deck` (also {})",
                            deck.key, sources[other].label
                        ),
                        source_line: String::new(),
                        hint: Some("a deck's identity is its file name; rename one of them".into()),
                    });
                }
                decks.push(deck);
            }
            Err(mut found) => diagnostics.append(&mut found),
        }
    }
    if diagnostics.is_empty() {
        Ok(decks)
    } else {
        Err(Error::Deck(diagnostics))
    }
}

/// Parses and syncs `sources` into the collection.
pub fn build(store: &mut Store, sources: &[Source]) -> Result<Vec<SyncReport>> {
    let decks = parse_sources(sources)?;
    let paths: Vec<String> = sources.iter().map(|s| stored_path(&s.label)).collect();
    let syncs: Vec<FactSync> = decks
        .iter()
        .zip(&paths)
        .map(|(deck, path)| FactSync {
            deck,
            source_path: path,
        })
        .collect();
    store.sync_decks(&syncs)
}

/// The path a deck is stored with: absolute for a file, so that authoring
/// commands find it from any directory; `bundled:NAME` for a bundled copy.
fn stored_path(label: &str) -> String {
    if label.starts_with(BUNDLED_PREFIX) {
        return label.to_string();
    }
    std::fs::canonicalize(label).map_or_else(|_| label.to_string(), |p| p.display().to_string())
}

/// Builds the bundled decks into a collection that has no decks yet.
pub fn ensure_bundled(store: &mut Store) -> Result<Option<Vec<SyncReport>>> {
    if !store.decks()?.is_empty() {
        return Ok(None);
    }
    build(store, &bundled_sources()).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(key: &str, text: &str) -> Source {
        Source {
            label: format!("{key}.deck"),
            key: key.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn bundled_decks_parse_and_have_enough_facts() {
        let decks = parse_sources(&bundled_sources()).unwrap();
        let lenin = decks
            .iter()
            .find(|d| d.key == "lenins-moscow")
            .expect("lenins-moscow deck is bundled");
        assert!(lenin.facts.len() >= 40, "{}", lenin.facts.len());
        for fact in decks.iter().flat_map(|d| &d.facts) {
            assert!(
                fact.source.as_deref().is_some_and(|s| s.starts_with("seeds/")),
                "{} has no seed source",
                fact.id
            );
        }
    }

    #[test]
    fn rebuild_is_idempotent_and_keeps_history() {
        let mut store = Store::open_in_memory().unwrap();
        let v1 = source(
            "d",
            "# D\n## a\nq: one?\na: 1\n## b\nq: two?\na: 2\ncards: basic reverse\n",
        );
        let first = build(&mut store, std::slice::from_ref(&v1)).unwrap();
        assert_eq!((first[0].added, first[0].unchanged), (2, 0));
        let again = build(&mut store, std::slice::from_ref(&v1)).unwrap();
        assert_eq!((again[0].added, again[0].updated, again[0].unchanged), (0, 0, 2));

        let card_ids = |store: &Store| -> Vec<(i64, String, i64)> {
            let mut stmt = store
                .conn()
                .prepare("SELECT id, front, queue FROM cards ORDER BY id")
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .map(|r| r.unwrap())
                .collect()
        };
        let before = card_ids(&store);
        // Reword a, drop b: a keeps its card id, b's cards are suspended.
        let v2 = source("d", "# D\n## a\nq: one, reworded?\na: 1\n");
        let report = build(&mut store, &[v2]).unwrap();
        assert_eq!((report[0].updated, report[0].removed), (1, 1));
        let after = card_ids(&store);
        assert_eq!(after[0].0, before[0].0);
        assert_eq!(after[0].1, "one, reworded?");
        assert!(after[1..].iter().all(|c| c.2 == -1), "{after:?}");
        // b comes back: its cards return to their queue.
        let report = build(&mut store, &[v1]).unwrap();
        assert_eq!(report[0].restored, 1);
        assert!(card_ids(&store).iter().all(|c| c.2 == 0));
    }

    #[test]
    fn any_error_writes_nothing() {
        let mut store = Store::open_in_memory().unwrap();
        let good = source("good", "# G\n## a\nq: x\na: y\n");
        let bad = source("bad", "# B\n## a\nq: x\n");
        assert!(matches!(build(&mut store, &[good, bad]), Err(Error::Deck(_))));
        assert!(store.decks().unwrap().is_empty());
    }
}
