//! Renaming, deleting and moving decks (`iskra deck rename|delete|move`),
//! each in one transaction. A deck's key is its file stem, so renaming a
//! deck renames its file too, and moving a deck to a file of another name
//! renames the deck. History (cards, review log, fitted parameters) stays
//! with the deck. No clap, no printing, no prompting: see `cmd::deck`.

use std::path::{Path, PathBuf};

use super::build::{FactSync, fingerprint, sync_in};
use super::identity::{BUNDLED_PREFIX, renamed_from, same_source, stored_path};
use super::{Deck, parse_deck};
use crate::error::{Error, Result};
use crate::files::rename_new;
use crate::store::{DeckRow, DeckTotals, Store, SyncReport, Tx, UNDO_STEPS};
use crate::text::plural;

/// What `deck rename` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    /// The deck file renamed with the deck (from, to), if it has one.
    pub file: Option<(PathBuf, PathBuf)>,
}

/// What `deck move` did.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    /// The deck's key before, when the new file's name changed it.
    pub old_key: Option<String>,
    pub key: String,
    /// The file the deck is now built from (absolute).
    pub path: String,
    /// The build of the new file into the deck.
    pub report: SyncReport,
}

/// Refuses a deck key that cannot be a file's name: empty, with a path
/// separator or a control character, or starting with a dot.
pub fn check_key(key: &str) -> Result<()> {
    let problem = if key.trim().is_empty() {
        Some("it is empty")
    } else if key.contains(['/', '\\']) {
        Some("it holds a path separator")
    } else if key.starts_with('.') {
        Some("it starts with a dot (a hidden file)")
    } else if key.chars().any(char::is_control) {
        Some("it holds a control character")
    } else if key.ends_with(".deck") {
        Some("it ends in .deck (the key is the file name without .deck)")
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(Error::Usage(format!(
            "{key:?} cannot be a deck's key: {problem}.\n  hint: a key names the deck file, e.g. `kronstadt-1921` for kronstadt-1921.deck"
        ))),
    }
}

/// The error for a key another deck has.
fn taken(key: &str, other: &DeckRow) -> Error {
    Error::Usage(format!(
        "the collection already has a deck `{}` ({}), so `{key}` is taken.\n  hint: choose another name, or rename that deck first",
        other.key, other.name
    ))
}

/// Whether `other`, the deck that has the key of the file `parsed` (stored
/// as `stored`), was built from that file, and the file is `deck`'s renamed
/// or moved, by the rule a build refuses such a file with
/// ([`renamed_from`]): then `other` is a copy of `deck` an older build made.
fn copy_of(store: &Store, deck: &DeckRow, other: &DeckRow, parsed: &Deck, stored: &str) -> Result<bool> {
    if !other.source_path.as_deref().is_some_and(|p| same_source(p, stored)) {
        return Ok(false);
    }
    let ids: Vec<&str> = parsed.facts.iter().map(|f| f.id.as_str()).collect();
    let own = store.facts_of_deck(deck.id)?.into_iter().map(|f| f.key).collect();
    Ok(renamed_from(&ids, &[(deck.clone(), own)]).is_some())
}

/// The error of `deck move` to a file another deck (`other`) was already
/// built from: a build made it a deck of its own, as iskra did before it
/// refused a renamed file whose facts are a deck's whose file is gone. Said
/// with what to do: with no history, that deck is only a copy to delete
/// first; with some, one of the two histories goes.
fn built_twice(deck: &DeckRow, other: &DeckRow, stored: &str, totals: &DeckTotals) -> Error {
    let (old, new) = (&deck.key, &other.key);
    let retry = format!("iskra deck move {old} {stored}");
    Error::Usage(match totals.reviews {
        0 => format!(
            "{stored} was already built into a deck of its own, `{new}` ({}, none studied yet), so deck `{old}` cannot take its name.\n  hint: `iskra deck delete {new}` takes that copy out (it has no history), then `{retry}` builds deck `{old}` from the file with its history",
            plural(totals.cards as u64, "card")
        ),
        reviews => format!(
            "{stored} was already built into a deck of its own, `{new}`, which has history too ({}), so deck `{old}` cannot take its name.\n  hint: keep one history: `iskra deck delete {new}` then `{retry}` keeps `{old}`'s; `iskra deck delete {old}` keeps `{new}`'s (each deletion backs the collection up first)",
            plural(reviews as u64, "review")
        ),
    })
}

/// The deck's file, for a deck built from one; `None` for a bundled or
/// imported deck. An error if the file is not there any more.
fn own_file(deck: &DeckRow) -> Result<Option<PathBuf>> {
    match deck.source_path.as_deref() {
        Some(path) if !path.starts_with(BUNDLED_PREFIX) => {
            let path = PathBuf::from(path);
            if path.is_file() {
                Ok(Some(path))
            } else {
                Err(Error::Usage(format!(
                    "deck `{}` was built from {}, which is not there any more.\n  hint: `iskra deck move {} NEW_PATH` adopts the file where it is now",
                    deck.key,
                    path.display(),
                    deck.key
                )))
            }
        }
        _ => Ok(None),
    }
}

/// Gives `deck` the key `new_key` and renames its file (`OLD.deck` →
/// `NEW_KEY.deck` in the same folder) with it: the collection is changed
/// in one transaction, the file renamed (never over another file) before
/// it commits, and renamed back if the commit fails.
pub fn rename(store: &mut Store, deck: &DeckRow, new_key: &str) -> Result<Renamed> {
    check_key(new_key)?;
    if new_key == deck.key {
        return Err(Error::Usage(format!("deck `{new_key}` already has that key")));
    }
    let file = own_file(deck)?.map(|old| {
        let new = old.with_file_name(format!("{new_key}.deck"));
        (old, new)
    });
    let tx = store.begin()?;
    if let Some(other) = tx.deck_key_taken(new_key, deck.id)? {
        return Err(taken(new_key, &other));
    }
    if let Some((_, new)) = &file
        && new.symlink_metadata().is_ok()
    {
        return Err(Error::Usage(format!(
            "{} exists, so the deck file cannot take that name.\n  hint: choose another name, or move that file away",
            new.display()
        )));
    }
    let source = match &file {
        Some((_, new)) => Some(absolute_after_rename(new)),
        None => deck.source_path.clone(),
    };
    tx.rekey_deck(deck.id, new_key, source.as_deref())?;
    rename_fit(&tx, &deck.key, new_key)?;
    if let Some((old, new)) = &file {
        rename_new(old, new).map_err(Error::io(new))?;
        if let Err(e) = tx.commit() {
            // Put the file back where the collection still says it is.
            let _ = rename_new(new, old);
            return Err(e);
        }
    } else {
        tx.commit()?;
    }
    Ok(Renamed { file })
}

/// The path a renamed file will be stored with: its folder's canonical path
/// and the new name (the file is not there yet to canonicalize).
fn absolute_after_rename(new: &Path) -> String {
    match (new.parent().map(std::fs::canonicalize), new.file_name()) {
        (Some(Ok(dir)), Some(name)) => dir.join(name).display().to_string(),
        _ => new.display().to_string(),
    }
}

/// Moves the deck's own FSRS fit (kept by deck key) to its new key.
fn rename_fit(tx: &Tx, old: &str, new: &str) -> Result<()> {
    let mut settings = tx.settings()?;
    if let Some(fit) = settings.fsrs_fits.decks.remove(old) {
        settings.fsrs_fits.decks.insert(new.to_string(), fit);
        tx.save_settings(&settings)?;
    }
    Ok(())
}

/// Deletes `deck` with its facts, cards and their review log, and its own
/// FSRS fit, in one transaction. The deck's file, if any, is left alone.
/// (The caller backs the collection up first, to `backup`.) The deleted
/// cards leave the undo steps, and the delete is recorded as a change
/// `iskra undo` cannot take back (at `now_ms`, naming `backup`), so that
/// undo stops there instead of taking back an older change.
pub fn delete(store: &mut Store, deck: &DeckRow, backup: Option<&Path>, now_ms: i64) -> Result<DeckTotals> {
    let tx = store.begin()?;
    let deleted = tx.delete_deck(deck.id)?;
    let mut settings = tx.settings()?;
    if settings.fsrs_fits.decks.remove(&deck.key).is_some() {
        tx.save_settings(&settings)?;
    }
    let backup = backup.map(|path| path.display().to_string());
    tx.push_undo_barrier(
        &format!("deck delete {}", deck.key),
        now_ms,
        backup.as_deref(),
        UNDO_STEPS,
    )?;
    tx.commit()?;
    Ok(deleted)
}

/// Builds `deck` from the file at `path` from now on: the file must exist
/// and parse; its facts are synced into the deck as a build would (history
/// kept for every fact id the file shares with the deck). The deck's key
/// follows the file's name: a file of another name renames the deck, if no
/// other deck has that name. One transaction.
pub fn move_to(store: &mut Store, deck: &DeckRow, path: &Path) -> Result<Moved> {
    if !path.is_file() {
        return Err(Error::Usage(format!(
            "{} is not a file.\n  hint: name the deck file the deck is to be built from",
            path.display()
        )));
    }
    let key = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    check_key(&key)?;
    if path.extension().is_none_or(|e| e != "deck") {
        return Err(Error::Usage(format!(
            "{} is not a deck file name.\n  hint: deck files end in .deck",
            path.display()
        )));
    }
    let label = path.display().to_string();
    let bytes = super::build::read_deck_file(path)?;
    let parsed = parse_deck(&label, &key, &bytes).map_err(Error::Deck)?;
    let stored = stored_path(&label);
    let hash = fingerprint(&stored, &bytes);
    let tx = store.begin_bulk(64)?;
    if let Some(other) = tx.deck_key_taken(&key, deck.id)? {
        drop(tx);
        return Err(match copy_of(store, deck, &other, &parsed, &stored)? {
            true => built_twice(deck, &other, &stored, &store.deck_totals(other.id)?),
            false => taken(&key, &other),
        });
    }
    tx.rekey_deck(deck.id, &key, Some(&stored))?;
    if key != deck.key {
        rename_fit(&tx, &deck.key, &key)?;
    }
    let sync = FactSync {
        deck: &parsed,
        label: &label,
        source_path: &stored,
        source_hash: &hash,
    };
    let report = sync_in(&tx, std::slice::from_ref(&sync), &crate::progress::Silent)?
        .into_iter()
        .next()
        .unwrap_or_default();
    tx.commit()?;
    Ok(Moved {
        old_key: (key != deck.key).then(|| deck.key.clone()),
        key,
        path: stored,
        report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::build::{build, collect_sources};
    use crate::store::FsrsFit;

    struct Fixture {
        dir: tempfile::TempDir,
        store: Store,
    }

    /// Deck `k` built from `a/k.deck` (two facts, one answered), deck `other`.
    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            path
        };
        let k = write("a/k.deck", "# K\n## x\nq: x?\na: 1\n## y\nq: y?\na: 2\n");
        let other = write("a/other.deck", "# Other\n## z\nq: z?\na: 3\n");
        build(&mut store, &collect_sources(&[k, other]).unwrap()).unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO review_log (uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
                 state_before, due_before, interval_before, state_after, due_after, interval_after)
                 SELECT 'u' || id, id, 1, 3, 1000, 0, 0, 0, 0, 0, 1, 0, 0 FROM cards;",
            )
            .unwrap();
        let fit = FsrsFit {
            parameters: vec![1.0],
            fitted_at_ms: 1,
            reviews: 1,
            items: 1,
            log_loss: 0.1,
            rmse_bins: 0.1,
            health_check: None,
        };
        store.save_fsrs_fit(Some("k"), &fit).unwrap();
        Fixture { dir, store }
    }

    fn history(store: &Store) -> Vec<(i64, String, i64)> {
        let mut stmt = store
            .conn()
            .prepare("SELECT c.id, d.key, (SELECT count(*) FROM review_log WHERE card_id = c.id) FROM cards c JOIN decks d ON d.id = c.deck_id ORDER BY c.id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn rename_renames_the_file_and_keeps_the_history() {
        let mut f = fixture();
        let before = history(&f.store);
        let deck = f.store.find_deck("k").unwrap();
        let renamed = rename(&mut f.store, &deck, "k2").unwrap();
        let (old, new) = renamed.file.unwrap();
        assert!(!old.exists() && new.ends_with("a/k2.deck") && new.is_file());
        let row = f.store.find_deck("k2").unwrap();
        assert_eq!(row.id, deck.id);
        assert_eq!(
            row.source_path.as_deref(),
            Some(std::fs::canonicalize(&new).unwrap().display().to_string().as_str())
        );
        let after = history(&f.store);
        let moved: Vec<_> = before
            .into_iter()
            .map(|(id, key, n)| (id, if key == "k" { "k2".to_string() } else { key }, n))
            .collect();
        assert_eq!(after, moved);
        let fits = f.store.settings().unwrap().fsrs_fits.decks;
        assert!(fits.contains_key("k2") && !fits.contains_key("k"), "{fits:?}");
        // The renamed file builds into the same deck: nothing added or removed.
        let report = build(&mut f.store, &collect_sources(&[new]).unwrap()).unwrap();
        assert_eq!((report[0].added, report[0].removed, report[0].unchanged), (0, 0, 2));
    }

    #[test]
    fn rename_to_a_taken_key_or_file_changes_nothing() {
        let mut f = fixture();
        let before = history(&f.store);
        let deck = f.store.find_deck("k").unwrap();
        let err = rename(&mut f.store, &deck, "OTHER").unwrap_err();
        assert!(err.to_string().contains("already has a deck `other`"), "{err}");
        std::fs::write(f.dir.path().join("a/free.deck"), "# Not built\n").unwrap();
        let err = rename(&mut f.store, &deck, "free").unwrap_err();
        assert!(err.to_string().contains("free.deck exists"), "{err}");
        for bad in ["", "a/b", ".hidden", "x.deck"] {
            assert!(rename(&mut f.store, &deck, bad).is_err(), "{bad:?}");
        }
        assert!(f.dir.path().join("a/k.deck").is_file());
        assert_eq!(history(&f.store), before);
        assert_eq!(f.store.find_deck("k").unwrap(), deck);
    }

    #[test]
    fn delete_takes_the_deck_its_cards_and_history_out() {
        let mut f = fixture();
        let deck = f.store.find_deck("k").unwrap();
        let totals = f.store.deck_totals(deck.id).unwrap();
        let deleted = delete(&mut f.store, &deck, None, 1).unwrap();
        assert_eq!(totals, deleted, "what delete says it would take, it takes");
        assert_eq!(
            deleted,
            DeckTotals {
                facts: 2,
                cards: 2,
                reviews: 2
            }
        );
        let left = history(&f.store);
        assert_eq!(left.len(), 1);
        assert_eq!((left[0].1.as_str(), left[0].2), ("other", 1));
        assert!(f.store.settings().unwrap().fsrs_fits.decks.is_empty());
        assert!(f.dir.path().join("a/k.deck").is_file(), "the file is left alone");
    }

    #[test]
    fn move_adopts_a_file_and_its_name() {
        let mut f = fixture();
        let before = history(&f.store);
        let deck = f.store.find_deck("k").unwrap();
        // The file moved and was renamed; one fact was reworded meanwhile.
        let new = f.dir.path().join("b/kronstadt.deck");
        std::fs::create_dir_all(new.parent().unwrap()).unwrap();
        std::fs::write(&new, "# K\n## x\nq: x?\na: one\n## y\nq: y?\na: 2\n").unwrap();
        std::fs::remove_file(f.dir.path().join("a/k.deck")).unwrap();
        let moved = move_to(&mut f.store, &deck, &new).unwrap();
        assert_eq!(moved.old_key.as_deref(), Some("k"));
        assert_eq!(moved.key, "kronstadt");
        assert_eq!((moved.report.updated, moved.report.unchanged), (1, 1));
        let row = f.store.find_deck("kronstadt").unwrap();
        assert_eq!(row.id, deck.id);
        assert_eq!(row.source_path.as_deref(), Some(moved.path.as_str()));
        let ids = |h: &[(i64, String, i64)]| h.iter().map(|(id, _, n)| (*id, *n)).collect::<Vec<_>>();
        assert_eq!(ids(&history(&f.store)), ids(&before));
        // Built again from there, it is the same deck and file.
        let source = collect_sources(&[new]).unwrap();
        let again = build(&mut f.store, &source).unwrap();
        assert_eq!((again[0].unchanged, again[0].took_over.clone()), (2, None));
    }

    #[test]
    fn move_refuses_a_missing_unparsable_or_taken_file() {
        let mut f = fixture();
        let deck = f.store.find_deck("k").unwrap();
        let before = history(&f.store);
        assert!(move_to(&mut f.store, &deck, &f.dir.path().join("nope.deck")).is_err());
        let broken = f.dir.path().join("c/k.deck");
        std::fs::create_dir_all(broken.parent().unwrap()).unwrap();
        std::fs::write(&broken, "# K\n## x\nq: x?\n").unwrap();
        assert!(matches!(move_to(&mut f.store, &deck, &broken), Err(Error::Deck(_))));
        let taken = f.dir.path().join("c/other.deck");
        std::fs::write(&taken, "# K\n## x\nq: x?\na: 1\n").unwrap();
        let err = move_to(&mut f.store, &deck, &taken).unwrap_err();
        assert!(err.to_string().contains("already has a deck `other`"), "{err}");
        assert_eq!(history(&f.store), before);
        assert_eq!(f.store.find_deck("k").unwrap(), deck);
    }
}
