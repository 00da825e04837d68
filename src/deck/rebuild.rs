//! Building decks again from the files the collection recorded: every deck
//! built from a file (`iskra build` where there is no `decks/` folder), or
//! one file (`iskra edit`, and the review's edit key). A recorded file that
//! is not there any more is reported and left out, so its deck keeps its
//! facts: only a file that is read can retire facts.

use std::path::{Path, PathBuf};

use super::build::{Source, build, collect_sources};
use super::identity::{BUNDLED_PREFIX, file_missing, stored_path};
use crate::error::{Error, Result};
use crate::store::{DeckRow, Store, SyncReport};

/// What a rebuild of the recorded decks found.
#[derive(Default)]
pub struct Recorded {
    /// The files read, as recorded (and the new ones of `decks-dir`).
    pub sources: Vec<Source>,
    /// Decks whose recorded file is not there any more.
    pub missing: Vec<DeckRow>,
    /// Files of `decks-dir` no deck was built from yet.
    pub new_files: Vec<PathBuf>,
}

impl Recorded {
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty() && self.missing.is_empty()
    }
}

/// The files every deck built from a file was built from, read, and the
/// `.deck` files of `decks_dir` (if any) that no deck was built from yet.
pub fn recorded_sources(store: &Store, decks_dir: Option<&Path>) -> Result<Recorded> {
    let mut recorded = Recorded::default();
    let mut files = Vec::new();
    for deck in store.decks()? {
        match deck.source_path.as_deref() {
            _ if file_missing(&deck) => recorded.missing.push(deck),
            Some(path) if !path.starts_with(BUNDLED_PREFIX) => files.push(PathBuf::from(path)),
            _ => {}
        }
    }
    if let Some(dir) = decks_dir.filter(|d| d.is_dir()) {
        let known: Vec<String> = files.iter().map(|f| stored_path(&f.display().to_string())).collect();
        let found = match collect_sources(&[dir.to_path_buf()]) {
            // A folder without deck files yet.
            Err(Error::Usage(_)) => Vec::new(),
            found => found?,
        };
        for source in found {
            if !known.contains(&stored_path(&source.label)) {
                recorded.new_files.push(PathBuf::from(&source.label));
                recorded.sources.push(source);
            }
        }
    }
    let mut sources = collect_sources(&files)?;
    sources.append(&mut recorded.sources);
    recorded.sources = sources;
    Ok(recorded)
}

/// The decks built from a file in the folder `dir` (one `iskra build`
/// builds) that is not there any more, by key: their facts are kept, and
/// the build names them.
pub fn missing_in(store: &Store, dir: &Path) -> Result<Vec<DeckRow>> {
    let Ok(dir) = std::fs::canonicalize(dir) else {
        return Ok(Vec::new());
    };
    let mut missing: Vec<DeckRow> = store
        .decks()?
        .into_iter()
        .filter(file_missing)
        .filter(|deck| {
            let recorded = Path::new(deck.source_path.as_deref().unwrap_or_default());
            recorded.parent().is_some_and(|folder| folder == dir)
        })
        .collect();
    missing.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(missing)
}

/// Builds the one deck file at `path` (read now) into the collection, as
/// `iskra build PATH` does: its deck's report, or the file's diagnostics
/// (`Error::Deck`) with nothing written.
pub fn rebuild_file(store: &mut Store, path: &Path) -> Result<SyncReport> {
    let sources = collect_sources(&[path.to_path_buf()])?;
    let report = build(store, &sources)?;
    Ok(report.into_iter().next().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_files_are_read_missing_ones_left_out_and_new_ones_found() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            path
        };
        let kept = write("a/kept.deck", "# Kept\n## x\nq: x?\na: 1\n");
        let gone = write("b/gone.deck", "# Gone\n## y\nq: y?\na: 2\n");
        let sources = collect_sources(&[kept.clone(), gone.clone()]).unwrap();
        build(&mut store, &sources).unwrap();
        std::fs::remove_file(&gone).unwrap();
        let fresh = write("mine/fresh.deck", "# Fresh\n## z\nq: z?\na: 3\n");

        let found = recorded_sources(&store, None).unwrap();
        assert_eq!(found.sources.len(), 1);
        assert_eq!(found.sources[0].key, "kept");
        assert_eq!(
            found.missing.iter().map(|d| d.key.as_str()).collect::<Vec<_>>(),
            ["gone"]
        );
        assert!(found.new_files.is_empty());

        let found = recorded_sources(&store, Some(&dir.path().join("mine"))).unwrap();
        let keys: Vec<&str> = found.sources.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["kept", "fresh"]);
        assert_eq!(found.new_files, [fresh]);
        // The recorded file's folder as decks-dir: not found twice.
        let found = recorded_sources(&store, Some(&dir.path().join("a"))).unwrap();
        assert_eq!(found.sources.len(), 1);

        let reports = build(&mut store, &found.sources).unwrap();
        assert_eq!(reports.len(), 1);
        let removed: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM facts WHERE removed = 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(removed, 0, "the missing file's facts are kept");
    }
}
