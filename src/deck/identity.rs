//! Which file a deck is built from. A deck's identity is its key, the file
//! stem, and the collection records the file it was built from
//! (`decks.source_path`: an absolute path, or `bundled:NAME.deck`). A build
//! of a file whose stem is the key of a deck built from another file is
//! refused, so two files named alike can never take over each other's
//! deck (and suspend its facts). Two exceptions, for a file that shares a
//! fact id with the deck: a bundled deck is taken over by a user's file of
//! its name, with its history, as a user's own copy of it is meant to; and
//! a deck with no file (imported from Anki) is adopted by a file of its
//! name (its own `iskra export deck --format iskra`, edited or not). A
//! file that shares no fact with either would only retire its facts (a
//! `people.deck` of Spanish words over the bundled People of Lenin's
//! Moscow), so it is refused, and `iskra deck move` builds the deck from
//! it when the user says so.

use std::path::Path;

use std::collections::{HashMap, HashSet};

use super::{Deck, Diagnostic, Source};
use crate::error::Result;
use crate::store::{DeckRow, FactRow, Store};

/// How the label (and stored source path) of a bundled deck starts.
pub const BUNDLED_PREFIX: &str = "bundled:";

/// The path a deck is stored with: absolute for a file, so that authoring
/// commands find it from any directory; `bundled:NAME` for a bundled copy.
pub fn stored_path(label: &str) -> String {
    if label.starts_with(BUNDLED_PREFIX) {
        return label.to_string();
    }
    std::fs::canonicalize(label).map_or_else(|_| label.to_string(), |p| p.display().to_string())
}

/// What a build report's `took_over` says of a deck that had no file.
pub const FILELESS: &str = "imported, no file";

/// How a file to be built stands to the deck that has its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// No deck has this key yet: the build makes one.
    New,
    /// The deck was built from this very file.
    Same,
    /// The deck is a bundled copy, which this file takes over (history kept).
    TakesOverBundled { bundled: String },
    /// The deck has no file (imported), and this file, which shares facts
    /// with it, becomes its file (history kept).
    AdoptsFileless,
}

/// Why a file may not be built into the deck that has its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// The deck is built from another file (which may be gone: `missing`).
    OtherFile { recorded: String, missing: bool },
    /// The deck has no file (imported from Anki), and the file shares no
    /// fact with it.
    NoFile,
    /// The deck is bundled with iskra, and the file shares no fact with it.
    UnrelatedToBundled { bundled: String },
    /// Another deck's key (`other`) differs from the file's only in case:
    /// keys are told apart without case, as `iskra deck rename` and file
    /// systems that ignore case (macOS, Windows) tell them.
    CaseOf { other: String },
    /// No deck has the file's key, but most of its facts are those of deck
    /// `old`, whose recorded file is not there any more: the file is that
    /// deck's renamed or moved, and built as a new deck its facts would be
    /// studied twice, once without their history (see [`renamed_from`]).
    RenamedFrom {
        old: String,
        recorded: String,
        shared: usize,
        facts: usize,
    },
}

/// True when `deck` was built from a file (not bundled, not imported) that
/// is not there any more.
pub fn file_missing(deck: &DeckRow) -> bool {
    deck.source_path
        .as_deref()
        .is_some_and(|path| !path.starts_with(BUNDLED_PREFIX) && !Path::new(path).is_file())
}

/// Whether a file that would make a new deck, whose facts have the ids
/// `file_ids`, is the file of one of `missing` renamed or moved: decks
/// whose file is gone ([`file_missing`]), each with the ids of all its
/// facts (retired ones too). It is when more than half of its ids are ids
/// of that deck's facts (a rename keeps them all; a few facts added or
/// removed on the way do not hide it), the deck sharing most of them (the
/// first of a tie). A file with no facts is no deck's.
pub fn renamed_from(file_ids: &[&str], missing: &[(DeckRow, HashSet<String>)]) -> Option<Conflict> {
    let (deck, shared) = missing
        .iter()
        .map(|(deck, ids)| (deck, file_ids.iter().filter(|id| ids.contains(**id)).count()))
        .fold(None, |best: Option<(&DeckRow, usize)>, (deck, shared)| match best {
            Some((_, most)) if most >= shared => best,
            _ => Some((deck, shared)),
        })?;
    (shared > 0 && shared * 2 > file_ids.len()).then(|| Conflict::RenamedFrom {
        old: deck.key.clone(),
        recorded: deck.source_path.clone().unwrap_or_default(),
        shared,
        facts: file_ids.len(),
    })
}

/// Whether [`claim`] asks if a file shares a fact with `deck`, the deck of
/// its key: of a deck with no file or a bundled one.
pub fn asks_shared_facts(deck: &DeckRow) -> bool {
    deck.source_path
        .as_deref()
        .is_none_or(|path| path.starts_with(BUNDLED_PREFIX))
}

/// How a file stored as `stored` (see [`stored_path`]) stands to
/// `existing`, the deck of its key if there is one; `shares_facts` tells
/// whether the file has a fact id of that deck (asked only of a deck
/// without a file or a bundled one: see [`asks_shared_facts`]).
pub fn claim(
    existing: Option<&DeckRow>,
    stored: &str,
    shares_facts: impl FnOnce(&DeckRow) -> bool,
) -> Result<Claim, Conflict> {
    let Some(deck) = existing else {
        return Ok(Claim::New);
    };
    match deck.source_path.as_deref() {
        None => match shares_facts(deck) {
            true => Ok(Claim::AdoptsFileless),
            false => Err(Conflict::NoFile),
        },
        Some(recorded) if same_source(recorded, stored) => Ok(Claim::Same),
        Some(recorded) if recorded.starts_with(BUNDLED_PREFIX) && !stored.starts_with(BUNDLED_PREFIX) => {
            match shares_facts(deck) {
                true => Ok(Claim::TakesOverBundled {
                    bundled: recorded.to_string(),
                }),
                false => Err(Conflict::UnrelatedToBundled {
                    bundled: recorded.to_string(),
                }),
            }
        }
        Some(recorded) => Err(Conflict::OtherFile {
            recorded: recorded.to_string(),
            missing: !recorded.starts_with(BUNDLED_PREFIX) && !Path::new(recorded).exists(),
        }),
    }
}

/// Whether a deck file written at `path` (which may not exist yet) would be
/// built into a deck of its own: no deck has its stem, or the deck that has
/// it was built from this very file. A bundled deck's name is not free (a
/// new file would take the bundled deck over and retire its facts). The
/// deck in the way, if any.
pub fn owner_elsewhere<'a>(decks: &'a [DeckRow], path: &Path) -> Option<&'a DeckRow> {
    let key = path.file_stem()?.to_string_lossy();
    let deck = decks.iter().find(|d| d.key == key)?;
    match claim(Some(deck), &future_stored_path(path), |_| false) {
        Ok(Claim::Same) => None,
        _ => Some(deck),
    }
}

/// `base.deck` in `dir`, or `base-2.deck`, `base-3.deck`… : the first whose
/// name no other file's deck has (see [`owner_elsewhere`]).
pub fn free_path(decks: &[DeckRow], dir: &Path, base: &str) -> std::path::PathBuf {
    let named = |n: usize| match n {
        1 => dir.join(format!("{base}.deck")),
        n => dir.join(format!("{base}-{n}.deck")),
    };
    (1..)
        .map(named)
        .find(|path| owner_elsewhere(decks, path).is_none())
        .unwrap_or_else(|| named(1))
}

/// The path a file at `path` is (or, once written, will be) stored with:
/// canonical, through its folder when the file is not there yet.
fn future_stored_path(path: &Path) -> String {
    if path.exists() {
        return stored_path(&path.display().to_string());
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent().map(std::fs::canonicalize), absolute.file_name()) {
        (Some(Ok(dir)), Some(name)) => dir.join(name).display().to_string(),
        _ => absolute.display().to_string(),
    }
}

/// True when two stored sources are one file: the same text, or paths that
/// lead to the same file (through a symbolic link made since, or a hard link).
pub fn same_source(recorded: &str, stored: &str) -> bool {
    if recorded == stored {
        return true;
    }
    if recorded.starts_with(BUNDLED_PREFIX) || stored.starts_with(BUNDLED_PREFIX) {
        return false;
    }
    let (recorded, stored) = (Path::new(recorded), Path::new(stored));
    if std::fs::canonicalize(recorded).is_ok_and(|p| p == stored) {
        return true;
    }
    same_inode(recorded, stored)
}

#[cfg(unix)]
fn same_inode(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_inode(_: &Path, _: &Path) -> bool {
    false
}

/// The diagnostics of the files (parsed, or not parsed because of errors;
/// skipped ones are their decks' own) that may not be built into the deck of
/// their key, as [`claim`] decides, and the files that would make a new
/// deck but are the file of a deck whose file is gone, renamed or moved
/// ([`renamed_from`]). A file with errors is not checked against a deck
/// without a file or a missing one (whether it shares facts is unknown).
pub(super) fn refused_claims(
    store: &Store,
    sources: &[Source],
    paths: &[String],
    parsed: &[Option<Deck>],
) -> Result<Vec<Diagnostic>> {
    let decks: HashMap<String, DeckRow> = store.decks()?.into_iter().map(|d| (d.key.clone(), d)).collect();
    // The keys of the files before this one in the build.
    let mut built: Vec<&str> = Vec::new();
    // The decks whose file is gone, read when a file would make a new deck.
    let mut missing = None;
    let mut refused = Vec::new();
    for ((source, path), deck) in sources.iter().zip(paths).zip(parsed) {
        // A new key may not differ only in case from a deck's or another
        // file's (a deck that has this very key is its own, even where an
        // older collection holds another of the same letters).
        let same_up_to_case = |key: &&str| *key != source.key && crate::names::same_up_to_case(key, &source.key);
        let other = match decks.contains_key(&source.key) {
            true => None,
            false => decks
                .keys()
                .map(String::as_str)
                .filter(same_up_to_case)
                .min()
                .or_else(|| built.iter().copied().find(same_up_to_case)),
        };
        built.push(&source.key);
        let conflict = match other {
            Some(other) => Some(Conflict::CaseOf {
                other: other.to_string(),
            }),
            None => {
                let existing = decks.get(&source.key);
                let shared = match existing {
                    Some(row) if asks_shared_facts(row) => match deck {
                        Some(deck) => shares_facts(&store.facts_of_deck(row.id)?, deck),
                        None => true,
                    },
                    _ => false,
                };
                match claim(existing, path, |_| shared) {
                    Ok(Claim::New) => match deck {
                        Some(deck) => {
                            if missing.is_none() {
                                missing = Some(missing_decks(store, decks.values())?);
                            }
                            let ids: Vec<&str> = deck.facts.iter().map(|f| f.id.as_str()).collect();
                            renamed_from(&ids, missing.as_deref().unwrap_or_default())
                        }
                        None => None,
                    },
                    claimed => claimed.err(),
                }
            }
        };
        if let Some(conflict) = conflict {
            let first_line = String::from_utf8_lossy(&source.bytes)
                .lines()
                .next()
                .unwrap_or_default()
                .to_string();
            refused.push(conflict_diagnostic(
                &source.label,
                &source.key,
                path,
                &first_line,
                &conflict,
            ));
        }
    }
    Ok(refused)
}

/// The decks among `decks` whose recorded file is not there any more, each
/// with the ids of its facts (retired ones too), by key.
fn missing_decks<'a>(
    store: &Store,
    decks: impl Iterator<Item = &'a DeckRow>,
) -> Result<Vec<(DeckRow, HashSet<String>)>> {
    let mut missing = decks
        .filter(|deck| file_missing(deck))
        .map(|deck| {
            let ids = store.facts_of_deck(deck.id)?.into_iter().map(|f| f.key).collect();
            Ok((deck.clone(), ids))
        })
        .collect::<Result<Vec<_>>>()?;
    missing.sort_by(|a, b| a.0.key.cmp(&b.0.key));
    Ok(missing)
}

/// True when `deck` (a file) has a fact id among `stored`, a deck's facts.
pub(super) fn shares_facts(stored: &[FactRow], deck: &Deck) -> bool {
    let ids: HashSet<&str> = deck.facts.iter().map(|f| f.id.as_str()).collect();
    stored.iter().any(|f| ids.contains(f.key.as_str()))
}

/// The diagnostic of a refused build: `label` is the file as named, `stored`
/// its absolute path, `key` the deck's; it quotes `first_line`, the file's.
pub fn conflict_diagnostic(label: &str, key: &str, stored: &str, first_line: &str, conflict: &Conflict) -> Diagnostic {
    let message = match conflict {
        Conflict::OtherFile { recorded, missing } => format!(
            "deck `{key}` is built from {recorded}{}; this is another file with the same name ({stored})",
            if *missing { " (not there any more)" } else { "" }
        ),
        Conflict::NoFile => format!(
            "deck `{key}` was imported and has no file; this file has the same name ({stored}) but none of its facts, and would retire them all"
        ),
        Conflict::UnrelatedToBundled { bundled } => format!(
            "deck `{key}` is bundled with iskra ({bundled}); this file has the same name ({stored}) but none of its facts, and would retire them all"
        ),
        Conflict::CaseOf { other } => format!(
            "this file ({stored}) would make deck `{key}`, and deck `{other}` has that name up to case; deck names are told apart without case"
        ),
        Conflict::RenamedFrom {
            old,
            recorded,
            shared,
            facts,
        } => format!(
            "this file ({stored}) would make a new deck `{key}`, but {} those of deck `{old}`, built from {recorded}, which is not there any more; built as a new deck, they would be studied twice, here without their history",
            match (shared, facts) {
                (shared, facts) if shared == facts => "its facts are".to_string(),
                (shared, facts) => format!("{shared} of its {facts} facts are"),
            }
        ),
    };
    let hint = match conflict {
        Conflict::CaseOf { other } => {
            format!("rename this file (a deck's identity is its file name), or build deck `{other}` from {other}.deck")
        }
        Conflict::UnrelatedToBundled { .. } => format!(
            "a deck's identity is its file name: rename this file, or iskra deck move {key} {stored} to build deck `{key}` from this file from now on (its history kept)"
        ),
        Conflict::RenamedFrom { old, .. } => format!(
            "if this is that file renamed or moved, iskra deck move {old} {stored} builds deck `{old}` from it from now on (its history kept); if it is another deck, give its facts other ids, or iskra deck delete {old} if that deck is gone for good"
        ),
        Conflict::OtherFile { .. } | Conflict::NoFile => format!(
            "a deck's identity is its file name: rename one of them, or iskra deck move {key} {stored} to build deck `{key}` from this file from now on (its history kept)"
        ),
    };
    Diagnostic {
        file: label.to_string(),
        line: 1,
        column: 1,
        message,
        source_line: first_line.to_string(),
        hint: Some(hint),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deck(source: Option<&str>) -> DeckRow {
        DeckRow {
            id: 1,
            source_path: source.map(str::to_string),
            ..DeckRow::new("d", "D")
        }
    }

    #[test]
    fn a_file_claims_a_new_key_its_own_deck_or_a_bundled_one() {
        assert_eq!(claim(None, "/a/d.deck", |_| true), Ok(Claim::New));
        assert_eq!(
            claim(Some(&deck(Some("/a/d.deck"))), "/a/d.deck", |_| false),
            Ok(Claim::Same)
        );
        assert_eq!(
            claim(Some(&deck(Some("bundled:d.deck"))), "/a/d.deck", |_| true),
            Ok(Claim::TakesOverBundled {
                bundled: "bundled:d.deck".into()
            })
        );
        assert_eq!(
            claim(Some(&deck(Some("bundled:d.deck"))), "/a/d.deck", |_| false),
            Err(Conflict::UnrelatedToBundled {
                bundled: "bundled:d.deck".into()
            }),
            "a file with none of the bundled deck's facts"
        );
        assert_eq!(
            claim(Some(&deck(Some("bundled:d.deck"))), "bundled:d.deck", |_| false),
            Ok(Claim::Same)
        );
    }

    #[test]
    fn another_file_a_deck_without_one_and_a_bundled_copy_over_a_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join("d.deck");
        std::fs::write(&kept, "# D\n").unwrap();
        let kept = kept.display().to_string();
        assert_eq!(
            claim(Some(&deck(Some(&kept))), "/b/d.deck", |_| false),
            Err(Conflict::OtherFile {
                recorded: kept.clone(),
                missing: false
            })
        );
        assert_eq!(
            claim(Some(&deck(Some("/gone/d.deck"))), "/b/d.deck", |_| false),
            Err(Conflict::OtherFile {
                recorded: "/gone/d.deck".into(),
                missing: true
            })
        );
        assert_eq!(claim(Some(&deck(None)), "/b/d.deck", |_| false), Err(Conflict::NoFile));
        assert_eq!(
            claim(Some(&deck(None)), "/b/d.deck", |_| true),
            Ok(Claim::AdoptsFileless)
        );
        assert!(claim(Some(&deck(Some(&kept))), "bundled:d.deck", |_| false).is_err());
    }

    #[test]
    fn a_file_is_a_missing_decks_when_most_of_its_facts_are() {
        let gone = |key: &str, ids: &[&str]| {
            let row = DeckRow {
                key: key.into(),
                ..deck(Some(&format!("/gone/{key}.deck")))
            };
            (row, ids.iter().map(|id| id.to_string()).collect())
        };
        let missing = [gone("hist", &["a", "b", "c"]), gone("other", &["c", "d"])];
        let renamed = |old: &str, shared, facts| {
            Some(Conflict::RenamedFrom {
                old: old.into(),
                recorded: format!("/gone/{old}.deck"),
                shared,
                facts,
            })
        };
        assert_eq!(renamed_from(&["a", "b", "c"], &missing), renamed("hist", 3, 3));
        assert_eq!(renamed_from(&["a", "b", "new"], &missing), renamed("hist", 2, 3));
        assert_eq!(renamed_from(&["c", "d", "x"], &missing), renamed("other", 2, 3));
        // Half or fewer: another deck that happens to share an id or two.
        assert_eq!(renamed_from(&["a", "x"], &missing), None);
        assert_eq!(renamed_from(&["a", "b", "x", "y"], &missing), None);
        // A tie goes to the first; no facts, or no deck missing, is nothing.
        assert_eq!(renamed_from(&["c"], &missing), renamed("hist", 1, 1));
        assert_eq!(renamed_from(&[], &missing), None);
        assert_eq!(renamed_from(&["a"], &[]), None);
    }

    #[test]
    fn a_free_name_skips_decks_built_from_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let here = std::fs::canonicalize(dir.path()).unwrap();
        let elsewhere = |key: &str| DeckRow {
            key: key.into(),
            source_path: Some(format!("/elsewhere/{key}.deck")),
            ..deck(None)
        };
        let mine = DeckRow {
            key: "drafts-3".into(),
            source_path: Some(here.join("drafts-3.deck").display().to_string()),
            ..deck(None)
        };
        let decks = [elsewhere("drafts"), elsewhere("drafts-2"), mine.clone()];
        assert_eq!(free_path(&decks, &here, "drafts"), here.join("drafts-3.deck"));
        assert_eq!(free_path(&decks[..2], &here, "drafts"), here.join("drafts-3.deck"));
        assert_eq!(free_path(&decks[..1], &here, "drafts"), here.join("drafts-2.deck"));
        assert_eq!(free_path(&[], &here, "drafts"), here.join("drafts.deck"));
        let bundled = DeckRow {
            source_path: Some("bundled:people.deck".into()),
            key: "people".into(),
            ..deck(None)
        };
        assert!(owner_elsewhere(std::slice::from_ref(&bundled), &here.join("people.deck")).is_some());
        assert!(owner_elsewhere(std::slice::from_ref(&mine), &here.join("drafts-3.deck")).is_none());
        // Through `./` or `sub/..`, it is the same file.
        std::fs::create_dir(here.join("sub")).unwrap();
        for same in ["./drafts-3.deck", "sub/../drafts-3.deck"] {
            assert!(
                owner_elsewhere(std::slice::from_ref(&mine), &here.join(same)).is_none(),
                "{same}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_file_reached_through_a_link_is_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        std::fs::write(real.join("d.deck"), "# D\n").unwrap();
        let real = std::fs::canonicalize(&real).unwrap();
        // Recorded through a folder that is now a link: the same file.
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let recorded = link.join("d.deck").display().to_string();
        let stored = real.join("d.deck").display().to_string();
        assert!(same_source(&recorded, &stored));
        // A hard link is the same file too; a copy is not.
        let hard = dir.path().join("hard.deck");
        std::fs::hard_link(real.join("d.deck"), &hard).unwrap();
        assert!(same_source(&hard.display().to_string(), &stored));
        let copy = dir.path().join("copy.deck");
        std::fs::copy(real.join("d.deck"), &copy).unwrap();
        assert!(!same_source(&copy.display().to_string(), &stored));
    }

    mod builds {
        use crate::deck::build::{Source, build};
        use crate::error::Error;
        use crate::store::Store;

        fn file(dir: &std::path::Path, name: &str, text: &str) -> Source {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            Source {
                label: path.display().to_string(),
                key: path.file_stem().unwrap().to_string_lossy().into_owned(),
                bytes: text.as_bytes().to_vec(),
            }
        }

        fn rows(store: &Store) -> Vec<String> {
            let mut stmt = store
                .conn()
                .prepare("SELECT d.key, d.source_path, f.key, f.removed FROM facts f JOIN decks d ON d.id = f.deck_id ORDER BY f.id")
                .unwrap();
            stmt.query_map([], |r| {
                Ok(format!(
                    "{} {:?} {} {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?
                ))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
        }

        #[test]
        fn a_second_file_of_the_same_name_is_refused_and_the_whole_build_with_it() {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open_in_memory().unwrap();
            let first = file(dir.path(), "a/k.deck", "# K\n## x\nq: x?\na: 1\n## y\nq: y?\na: 2\n");
            build(&mut store, &[first]).unwrap();
            let before = rows(&store);
            let other = file(dir.path(), "b/k.deck", "# Other\n## z\nq: z?\na: 3\n");
            let fresh = file(dir.path(), "b/fresh.deck", "# Fresh\n## z\nq: z?\na: 3\n");
            let Err(Error::Deck(found)) = build(&mut store, &[fresh, other]) else {
                panic!("built over another file's deck");
            };
            assert_eq!(found.len(), 1, "{found:?}");
            let shown = found[0].to_string();
            let canonical = |p: &str| std::fs::canonicalize(dir.path().join(p)).unwrap().display().to_string();
            assert!(shown.contains(&canonical("a/k.deck")), "{shown}");
            assert!(shown.contains(&canonical("b/k.deck")), "{shown}");
            assert!(shown.contains("rename one of them, or iskra deck move k "), "{shown}");
            assert_eq!(rows(&store), before, "nothing changed, not even the fresh deck");
        }

        #[test]
        fn a_file_takes_over_its_bundled_copy_with_the_history() {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open_in_memory().unwrap();
            let text = "# K\n## x\nq: x?\na: 1\n";
            let bundled = Source {
                label: "bundled:k.deck".into(),
                key: "k".into(),
                bytes: text.as_bytes().to_vec(),
            };
            build(&mut store, &[bundled]).unwrap();
            let card: i64 = store
                .conn()
                .query_row("SELECT id FROM cards", [], |r| r.get(0))
                .unwrap();
            let mine = file(dir.path(), "k.deck", text);
            let report = build(&mut store, &[mine]).unwrap();
            assert_eq!(report[0].took_over.as_deref(), Some("bundled:k.deck"));
            assert_eq!(report[0].unchanged, 1);
            let after: i64 = store
                .conn()
                .query_row("SELECT id FROM cards", [], |r| r.get(0))
                .unwrap();
            assert_eq!(after, card);
            // From now on it is the file's deck: no note, and no bundled copy back over it.
            let again = build(&mut store, &[file(dir.path(), "k.deck", text)]).unwrap();
            assert_eq!(again[0].took_over, None);
            let bundled = Source {
                label: "bundled:k.deck".into(),
                key: "k".into(),
                bytes: text.as_bytes().to_vec(),
            };
            assert!(build(&mut store, &[bundled]).is_err());
        }

        #[test]
        fn an_imported_deck_is_not_taken_over_by_a_build() {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open_in_memory().unwrap();
            let tx = store.begin().unwrap();
            tx.insert_deck(&super::deck(None)).unwrap();
            tx.commit().unwrap();
            let err = build(&mut store, &[file(dir.path(), "d.deck", "# D\n## x\nq: x?\na: 1\n")]).unwrap_err();
            assert!(
                err.to_string().contains("deck `d` was imported and has no file"),
                "{err}"
            );
            assert!(rows(&store).is_empty());
        }

        #[test]
        fn an_imported_deck_adopts_a_file_that_shares_its_facts() {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open_in_memory().unwrap();
            let tx = store.begin().unwrap();
            let id = tx.insert_deck(&super::deck(None)).unwrap();
            for (key, content) in [
                ("x", r#"{"kind":"qa","question":"x?","answer":"1","kinds":["basic"]}"#),
                ("y", r#"{"kind":"qa","question":"y?","answer":"2","kinds":["basic"]}"#),
            ] {
                tx.insert_fact(None, id, key, content).unwrap();
            }
            tx.commit().unwrap();
            let unrelated = file(dir.path(), "a/d.deck", "# D\n## z\nq: z?\na: 3\n");
            assert!(build(&mut store, &[unrelated]).is_err());
            let exported = file(dir.path(), "b/d.deck", "# D\n## x\nq: x?\na: 1\n## z\nq: z?\na: 3\n");
            let report = build(&mut store, &[exported]).unwrap();
            assert_eq!(report[0].took_over.as_deref(), Some(super::super::FILELESS));
            assert_eq!((report[0].added, report[0].removed), (1, 1));
            let path = std::fs::canonicalize(dir.path().join("b/d.deck")).unwrap();
            assert_eq!(rows(&store)[0], format!("d Some({:?}) x 0", path.display().to_string()));
        }
    }
}
