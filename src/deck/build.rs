//! `build`: deck files (or the bundled decks) → the collection. All files are
//! parsed and checked first; only when every file is clean is anything
//! written, in one transaction.
//!
//! A fact's id is its identity: rewording updates the fact and its cards in
//! place (history kept); a fact gone from its file has its cards suspended
//! (`retired`), and a fact that comes back gets them back.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::identity::{
    Claim, FILELESS, asks_shared_facts, claim, conflict_diagnostic, refused_claims, shares_facts, stored_path,
};
use super::{CardText, Deck, Diagnostic, parse_deck};
use crate::card::Schedule;
use crate::error::{Error, Result};
use crate::progress::{Progress, Silent, Steps};
use crate::store::{DeckRow, FileCard, RenumberedCloze, Store, SyncReport, Tx};

include!(concat!(env!("OUT_DIR"), "/bundled_decks.rs"));

pub use super::identity::BUNDLED_PREFIX;

pub use super::Source;

/// The `.deck` files named by `paths` (directories are searched, sorted by name).
pub fn collect_sources(paths: &[PathBuf]) -> Result<Vec<Source>> {
    let mut files = Vec::new();
    for path in paths {
        let io = Error::io(path);
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
                    "{} holds no .deck files.\n  hint: {}",
                    crate::error::shown(path),
                    match first_folder_with_decks(path) {
                        Some(folder) => format!(
                            "a folder's own .deck files are built, not its folders': name the folder, e.g. iskra build {}",
                            crate::error::shown(&folder)
                        ),
                        None => "deck files end in .deck; see docs/deck-format.md".to_string(),
                    }
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
            let bytes = read_deck_file(&path)?;
            Ok(Source {
                label: path.display().to_string(),
                key: deck_key(&path),
                bytes,
            })
        })
        .collect()
}

/// The first folder in `dir` (by name) that holds a `.deck` file, for a
/// hint when `dir` holds none of its own.
fn first_folder_with_decks(dir: &Path) -> Option<PathBuf> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    folders.into_iter().find(|folder| holds_deck_files(folder))
}

/// True when the folder `dir` holds a `.deck` file of its own.
pub fn holds_deck_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .any(|p| p.extension().is_some_and(|e| e == "deck") && p.is_file())
    })
}

/// The bytes of a deck file, for [`parse_deck`](super::parse_deck): at most
/// one byte past [`MAX_DECK_BYTES`](super::MAX_DECK_BYTES), so the parser
/// reports the file as too large (at its place); a FIFO or device is
/// refused, not waited on. Every command that reads a deck file reads it here.
pub fn read_deck_file(path: &Path) -> Result<Vec<u8>> {
    crate::files::read_regular(path, super::MAX_DECK_BYTES as u64, "a deck is a file")
}

/// A deck file's key: its name without `.deck`.
pub(super) fn deck_key(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The text of the bundled deck stored as `label` (`bundled:NAME.deck`), if
/// this iskra has it.
pub fn bundled_text(label: &str) -> Option<&'static str> {
    let name = label.strip_prefix(BUNDLED_PREFIX)?;
    BUNDLED_DECKS.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
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
    let parsed = parse_changed(sources, &vec![false; sources.len()])?;
    Ok(parsed.into_iter().flatten().collect())
}

/// Parses the sources not marked `skip`, after checking that no two of all
/// the sources share a deck key; all diagnostics of all files, or the decks
/// (`None` for a skipped source).
fn parse_changed(sources: &[Source], skip: &[bool]) -> Result<Vec<Option<Deck>>> {
    let mut decks = Vec::with_capacity(sources.len());
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (index, (source, &skip)) in sources.iter().zip(skip).enumerate() {
        if let Some(&other) = seen.get(source.key.as_str()) {
            diagnostics.push(Diagnostic {
                file: source.label.clone(),
                line: 1,
                column: 1,
                message: format!(
                    "a second deck file named `{}.deck` (also {})",
                    source.key, sources[other].label
                ),
                source_line: String::new(),
                hint: Some("a deck's identity is its file name; rename one of them".into()),
            });
        }
        seen.entry(&source.key).or_insert(index);
        if skip {
            decks.push(None);
            continue;
        }
        match parse_deck(&source.label, &source.key, &source.bytes) {
            Ok(deck) => decks.push(Some(deck)),
            Err(mut found) => diagnostics.append(&mut found),
        }
    }
    if diagnostics.is_empty() {
        Ok(decks)
    } else {
        Err(Error::Deck(diagnostics))
    }
}

/// Parses and syncs `sources` into the collection. A file built before
/// from the same path with the same bytes (same [`fingerprint`]), and whose
/// deck nothing else changed since, is neither parsed nor written: a rebuild
/// of unchanged files opens no write transaction at all.
///
/// A file whose deck key belongs to a deck built from another file (or
/// imported, with no file, and sharing no fact with it), or that would make
/// a new deck of the facts of a deck whose file is gone (that file renamed
/// or moved: `iskra deck move` keeps their history), is refused with the
/// other problems of the build ([`super::identity`]): the build is all or
/// nothing, like a build with a parse error, so fixing the names and
/// building again gives one result.
pub fn build(store: &mut Store, sources: &[Source]) -> Result<Vec<SyncReport>> {
    build_showing(store, sources, &Silent)
}

/// [`build`], reporting the facts written to `progress`.
pub fn build_showing(store: &mut Store, sources: &[Source], progress: &dyn Progress) -> Result<Vec<SyncReport>> {
    let paths: Vec<String> = sources.iter().map(|s| stored_path(&s.label)).collect();
    let hashes: Vec<String> = sources
        .iter()
        .zip(&paths)
        .map(|(s, p)| fingerprint(p, &s.bytes))
        .collect();
    let mut reports = sources
        .iter()
        .zip(&hashes)
        .map(|(source, hash)| store.unchanged_deck(&source.key, hash))
        .collect::<Result<Vec<_>>>()?;
    let skip: Vec<bool> = reports.iter().map(Option::is_some).collect();
    let parsed = parse_changed(sources, &skip);
    let none = vec![None; sources.len()];
    let refused = refused_claims(store, sources, &paths, parsed.as_ref().unwrap_or(&none))?;
    let decks = match (parsed, refused.is_empty()) {
        (Ok(decks), true) => decks,
        (Ok(_), false) => return Err(Error::Deck(refused)),
        (Err(Error::Deck(mut found)), _) => {
            found.extend(refused);
            return Err(Error::Deck(found));
        }
        (Err(other), _) => return Err(other),
    };
    let syncs: Vec<FactSync> = decks
        .iter()
        .zip(sources.iter().zip(paths.iter().zip(&hashes)))
        .filter_map(|(deck, (source, (path, hash)))| {
            deck.as_ref().map(|deck| FactSync {
                deck,
                label: &source.label,
                source_path: path,
                source_hash: hash,
            })
        })
        .collect();
    if syncs.is_empty() {
        return Ok(reports.into_iter().flatten().collect());
    }
    let mut synced = sync_decks(store, &syncs, progress)?.into_iter();
    for report in reports.iter_mut().filter(|r| r.is_none()) {
        *report = synced.next();
    }
    Ok(reports.into_iter().flatten().collect())
}

/// One parsed deck and the path it came from, ready to sync.
pub(super) struct FactSync<'a> {
    pub deck: &'a Deck,
    /// The file as named (for diagnostics).
    pub label: &'a str,
    pub source_path: &'a str,
    /// The file's fingerprint: a rebuild with the same one is skipped.
    pub source_hash: &'a str,
}

/// Files with at least this many facts, more than the collection holds,
/// are built in a transaction that mostly appends to the file.
const APPENDING_FACTS: usize = 10_000;

/// Syncs parsed decks into the collection in ONE transaction.
fn sync_decks(store: &mut Store, decks: &[FactSync], progress: &dyn Progress) -> Result<Vec<SyncReport>> {
    // A page cache a little over what a 100k-fact deck writes. Files larger
    // than the collection mostly append to it: then its pages are written
    // once with the rollback journal, not twice through the write-ahead log,
    // and their foreign keys are checked once, at the commit, not on every
    // row ([`Store::begin_bulk_import`]: 1.2% of a 100k-fact build's
    // instructions).
    let facts: usize = decks.iter().map(|d| d.deck.facts.len()).sum();
    let tx = if facts >= APPENDING_FACTS && facts as i64 > store.fact_len()? {
        store.begin_bulk_import(64)?
    } else {
        store.begin_bulk(64)?
    };
    let reports = sync_in(&tx, decks, progress)?;
    tx.commit()?;
    Ok(reports)
}

/// Builds one parsed deck file in the caller's transaction as `build`
/// would (sync builds the shared folder's deck files so, in its one
/// transaction). The caller has decided the file may be built into the
/// deck of its key.
pub fn build_in(tx: &Tx, deck: &Deck, label: &str, source_path: &str, bytes: &[u8]) -> Result<SyncReport> {
    let source_hash = fingerprint(source_path, bytes);
    let sync = FactSync {
        deck,
        label,
        source_path,
        source_hash: &source_hash,
    };
    sync_in(tx, std::slice::from_ref(&sync), &Silent)?
        .pop()
        .ok_or_else(|| Error::Internal("a build reported nothing".into()))
}

/// Syncs parsed decks in the caller's transaction (`build`, `deck move`),
/// reporting the facts written to `progress`.
pub(super) fn sync_in(tx: &Tx, decks: &[FactSync], progress: &dyn Progress) -> Result<Vec<SyncReport>> {
    let mut settings = tx.settings()?;
    let start_position = settings.next_new_position;
    let mut reports = Vec::with_capacity(decks.len());
    let mut facts = Steps::start(progress, "facts", decks.iter().map(|s| s.deck.facts.len()).sum());
    for sync in decks {
        reports.push(sync_deck(tx, sync, &mut settings.next_new_position, &mut facts)?);
    }
    if settings.next_new_position != start_position {
        tx.save_settings(&settings)?;
    }
    Ok(reports)
}

fn sync_deck(tx: &Tx, sync: &FactSync, next_position: &mut i64, facts: &mut Steps) -> Result<SyncReport> {
    let deck = sync.deck;
    let (deck_id, took_over) = upsert_deck(tx, sync)?;
    let mut report = SyncReport {
        deck: deck.name.clone(),
        took_over,
        ..SyncReport::default()
    };
    let mut stored: HashMap<String, (i64, String, bool)> = tx
        .facts_of_deck(deck_id)?
        .into_iter()
        .map(|f| (f.key, (f.id, f.content, f.removed)))
        .collect();

    // The new cards, in the file's order, at their new-card positions; all
    // inserted after the facts ([`Tx::insert_file_cards`]).
    let mut new_cards = Vec::new();
    for fact in &deck.facts {
        facts.step();
        let content = fact.to_content()?;
        match stored.remove(&fact.id) {
            None => {
                let fact_id = tx.insert_fact(None, deck_id, &fact.id, &content)?;
                for text in fact.cards() {
                    new_cards.push(new_card(fact_id, &fact.id, text, next_position));
                }
                report.added += 1;
            }
            Some((_, old, false)) if old == content => report.unchanged += 1,
            Some((fact_id, _, removed)) => {
                tx.write_fact_content(fact_id, &content)?;
                let (stored_cards, wanted) = (tx.card_templates(fact_id)?, fact.cards());
                if fact.numbered_by_place() {
                    report
                        .renumbered
                        .extend(moved_deletions(&fact.id, &stored_cards, &wanted));
                }
                sync_cards(
                    tx,
                    (fact_id, &fact.id),
                    deck_id,
                    (stored_cards, wanted),
                    next_position,
                    &mut new_cards,
                )?;
                if removed {
                    report.restored += 1;
                } else {
                    report.updated += 1;
                }
            }
        }
    }
    tx.insert_file_cards(deck_id, &deck.key, &new_cards)?;

    for (fact_id, _, removed) in stored.into_values() {
        if !removed {
            tx.mark_fact_removed(fact_id)?;
            tx.retire_cards_of_fact(fact_id)?;
            report.removed += 1;
        }
    }
    // Last, as any change to the deck's facts above forgets the fingerprint.
    tx.set_deck_source(deck_id, sync.source_hash, deck.facts.len() as i64)?;
    Ok(report)
}

/// The deck's row, inserted or brought in line with the file; its id, and
/// the bundled source the file took over, if it did. The file's claim on
/// the key is checked again here, in the transaction that writes it.
fn upsert_deck(tx: &Tx, sync: &FactSync) -> Result<(i64, Option<String>)> {
    let deck = sync.deck;
    let existing = tx.deck_by_key(&deck.key)?;
    let stored = match &existing {
        Some(row) if asks_shared_facts(row) => tx.facts_of_deck(row.id)?,
        _ => Vec::new(),
    };
    let shared = shares_facts(&stored, deck);
    let took_over = match claim(existing.as_ref(), sync.source_path, |_| shared) {
        Ok(Claim::TakesOverBundled { bundled }) => Some(bundled),
        Ok(Claim::AdoptsFileless) => Some(FILELESS.to_string()),
        Ok(Claim::New | Claim::Same) => None,
        Err(conflict) => {
            let heading = format!("# {}", deck.name);
            let diagnostic = conflict_diagnostic(sync.label, &deck.key, sync.source_path, &heading, &conflict);
            return Err(Error::Deck(vec![diagnostic]));
        }
    };
    let wanted = DeckRow {
        id: existing.as_ref().map_or(0, |d| d.id),
        key: deck.key.clone(),
        name: deck.name.clone(),
        description: deck.description.clone(),
        source_path: Some(sync.source_path.to_string()),
        retention: deck.retention,
        new_per_day: deck.new_per_day,
        reviews_per_day: deck.reviews_per_day,
        preset: deck.preset.clone(),
    };
    let id = match existing {
        Some(row) if row == wanted => row.id,
        Some(row) => {
            tx.write_deck(&wanted)?;
            row.id
        }
        None => tx.insert_deck(&wanted)?,
    };
    Ok((id, took_over))
}

/// A new card of fact `fact_id` (key `fact_key`) at the next new-card
/// position (which advances).
fn new_card<'a>(fact_id: i64, fact_key: &'a str, text: CardText, next_position: &mut i64) -> FileCard<'a> {
    let schedule = Schedule::new_card(*next_position);
    *next_position += 1;
    FileCard {
        fact_id,
        fact_key,
        text,
        schedule,
    }
}

/// Brings a changed (or restored) fact's cards in line with its new text;
/// the cards of templates new to it are added to `new_cards`.
fn sync_cards<'a>(
    tx: &Tx,
    (fact_id, fact_key): (i64, &'a str),
    deck_id: i64,
    (stored, wanted): (Vec<StoredCard>, Vec<CardText>),
    next_position: &mut i64,
    new_cards: &mut Vec<FileCard<'a>>,
) -> Result<()> {
    let mut existing: HashMap<String, i64> = stored.into_iter().map(|(template, id, ..)| (template, id)).collect();
    for card in wanted {
        match existing.remove(&card.template) {
            Some(card_id) => tx.sync_card_text(card_id, &card, deck_id)?,
            None => new_cards.push(new_card(fact_id, fact_key, card, next_position)),
        }
    }
    for card_id in existing.into_values() {
        tx.retire_card(card_id)?;
    }
    Ok(())
}

/// A stored card of a fact, as [`Tx::card_templates`] reads it: (template,
/// id, state, answer).
type StoredCard = (String, i64, crate::card::CardState, String);

/// The studied cards of a fact numbered by place ([`Fact::numbered_by_place`])
/// that now ask for another answer because a deletion was added, removed or
/// moved before them (`wanted`, the cards the file makes): their history
/// stays with their number. So either the answer a card was studied for is
/// now asked by another of its cards, or the answer it asks now was asked by
/// another card before (a deletion in front of it is gone). A deletion
/// reworded where it stands is neither, and keeps its card.
fn moved_deletions(fact_key: &str, stored: &[StoredCard], wanted: &[CardText]) -> Vec<RenumberedCloze> {
    let fold = crate::text::fold;
    let mut moved = Vec::new();
    for (template, _, state, was) in stored {
        let Some(now) = wanted.iter().find(|w| w.template == *template) else {
            continue;
        };
        let studied = *state != crate::card::CardState::New;
        let old_answer_elsewhere = wanted
            .iter()
            .any(|w| w.template != *template && fold(&w.answer) == fold(was));
        let new_answer_was_elsewhere = stored
            .iter()
            .any(|(other, _, _, answer)| other != template && fold(answer) == fold(&now.answer));
        if studied && fold(&now.answer) != fold(was) && (old_answer_elsewhere || new_answer_was_elsewhere) {
            moved.push(RenumberedCloze {
                fact: fact_key.to_string(),
                card: template.clone(),
                was: was.clone(),
                now: now.answer.clone(),
            });
        }
    }
    moved.sort_by(|a, b| a.card.cmp(&b.card));
    moved
}

/// The fingerprint of a deck file as built: FNV-1a (64 bit) over the iskra
/// version, the stored path and the file's bytes. It only decides whether a
/// rebuild may skip the file: a changed file is skipped only if its
/// fingerprint collides with the old one (odds about 2^-64 per edit).
pub fn fingerprint(stored_path: &str, bytes: &[u8]) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let parts: [&[u8]; 3] = [env!("CARGO_PKG_VERSION").as_bytes(), stored_path.as_bytes(), bytes];
    let mut hash = OFFSET;
    for part in parts {
        // The length first, so that no two splits of the same bytes agree.
        for &byte in (part.len() as u64).to_le_bytes().iter().chain(part) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(PRIME);
        }
    }
    format!("fnv1a64:{hash:016x}:{}", bytes.len())
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
                .prepare("SELECT c.id, c.front, c.queue FROM cards c JOIN facts f ON f.id = c.fact_id ORDER BY f.key, c.template")
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
    fn a_studied_cloze_card_whose_deletion_moved_is_reported() {
        let mut store = Store::open_in_memory().unwrap();
        let deck = |text: &str| source("d", &format!("# D\n## c\ncloze: {text}\n"));
        build(&mut store, &[deck("{{Lenin}} and {{Trotsky}} led {{October}}.")]).unwrap();
        // Lenin's card (cloze:1) studied; the others new.
        store
            .conn()
            .execute(
                "UPDATE cards SET state = 2, queue = 2, due = 100 WHERE template = 'cloze:1'",
                [],
            )
            .unwrap();
        // Reworded where it stands: nothing moved.
        let report = build(&mut store, &[deck("{{Lenin}} and {{Trotskii}} led {{October}}.")]).unwrap();
        assert!(report[0].renumbered.is_empty(), "{report:?}");
        // A deletion in front: card 1 (studied for Lenin) now asks for 1917.
        let report = build(
            &mut store,
            &[deck("In {{1917}}, {{Lenin}} and {{Trotskii}} led {{October}}.")],
        )
        .unwrap();
        assert_eq!(
            report[0].renumbered,
            [RenumberedCloze {
                fact: "c".into(),
                card: "cloze:1".into(),
                was: "Lenin".into(),
                now: "1917".into(),
            }]
        );
        // Numbered deletions are the writer's: nothing to say.
        build(
            &mut store,
            &[deck("{{c1::Lenin}} and {{c2::Trotskii}} led {{c3::October}}.")],
        )
        .unwrap();
        let report = build(
            &mut store,
            &[deck(
                "In {{c4::1917}}, {{c1::Lenin}} and {{c2::Trotskii}} led {{c3::October}}.",
            )],
        )
        .unwrap();
        assert!(report[0].renumbered.is_empty(), "{report:?}");
    }

    #[test]
    fn a_studied_cloze_card_whose_deletion_was_removed_is_reported() {
        let mut store = Store::open_in_memory().unwrap();
        let deck = |text: &str| source("d", &format!("# D\n## c\ncloze: {text}\n"));
        build(
            &mut store,
            &[deck("Reed caught {{typhus}} on the trip to {{Baku}} in {{1920}}.")],
        )
        .unwrap();
        store
            .conn()
            .execute(
                "UPDATE cards SET state = 2, queue = 2, due = 100 WHERE template IN ('cloze:1', 'cloze:2')",
                [],
            )
            .unwrap();
        // typhus's deletion gone: card 1 (studied for typhus) asks for Baku,
        // card 2 (studied for Baku) for 1920; card 3 retires.
        let report = build(
            &mut store,
            &[deck("Reed caught typhus on the trip to {{Baku}} in {{1920}}.")],
        )
        .unwrap();
        let said = |r: &[SyncReport]| -> Vec<(String, String, String)> {
            r[0].renumbered
                .iter()
                .map(|m| (m.card.clone(), m.was.clone(), m.now.clone()))
                .collect()
        };
        let owned = |c: &str, was: &str, now: &str| (c.to_string(), was.to_string(), now.to_string());
        assert_eq!(
            said(&report),
            [owned("cloze:1", "typhus", "Baku"), owned("cloze:2", "Baku", "1920")]
        );
        // The last deletion gone: its card retires, no other card moves.
        let report = build(
            &mut store,
            &[deck("Reed caught typhus on the trip to {{Baku}} in 1920.")],
        )
        .unwrap();
        assert!(report[0].renumbered.is_empty(), "{report:?}");
    }

    #[test]
    fn unchanged_files_are_skipped_and_edited_ones_rebuilt() {
        let mut store = Store::open_in_memory().unwrap();
        let v1 = source("d", "# D\n## a\nq: one?\na: 1\n## b\nq: two?\na: 2\n");
        build(&mut store, std::slice::from_ref(&v1)).unwrap();
        let hash = fingerprint("d.deck", &v1.bytes);
        let skipped = store.unchanged_deck("d", &hash).unwrap();
        assert_eq!(skipped.map(|r| (r.deck, r.unchanged)), Some(("D".to_string(), 2)));

        // An edit, even one that keeps the length, is synced in full.
        let v2 = source("d", "# D\n## a\nq: one?\na: 3\n## b\nq: two?\na: 2\n");
        assert_ne!(fingerprint("d.deck", &v2.bytes), hash);
        let report = build(&mut store, std::slice::from_ref(&v2)).unwrap();
        assert_eq!((report[0].updated, report[0].unchanged), (1, 1));
        let answer: String = store
            .conn()
            .query_row("SELECT back FROM cards WHERE front = 'one?'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(answer, "3");
        assert!(store.unchanged_deck("d", &hash).unwrap().is_none());
        assert!(
            store
                .unchanged_deck("d", &fingerprint("d.deck", &v2.bytes))
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn a_change_to_the_facts_outside_build_forgets_the_fingerprint() {
        let mut store = Store::open_in_memory().unwrap();
        let v1 = source("d", "# D\n## a\nq: one?\na: 1\n");
        build(&mut store, std::slice::from_ref(&v1)).unwrap();
        store
            .conn()
            .execute("UPDATE facts SET removed = 1 WHERE key = 'a'", [])
            .unwrap();
        assert!(
            store
                .unchanged_deck("d", &fingerprint("d.deck", &v1.bytes))
                .unwrap()
                .is_none()
        );
        // So the rebuild syncs the file and brings the fact back.
        let report = build(&mut store, &[v1]).unwrap();
        assert_eq!(report[0].restored, 1);

        let v3 = source("d", "# D\nretention: 0.8\n## a\nq: one?\na: 1\n");
        build(&mut store, std::slice::from_ref(&v3)).unwrap();
        store
            .conn()
            .execute("UPDATE decks SET retention = 0.95 WHERE key = 'd'", [])
            .unwrap();
        assert!(
            store
                .unchanged_deck("d", &fingerprint("d.deck", &v3.bytes))
                .unwrap()
                .is_none()
        );
        build(&mut store, &[v3]).unwrap();
        assert_eq!(store.find_deck("d").unwrap().retention, Some(0.8));
    }

    #[test]
    fn a_skipped_file_still_counts_for_duplicate_names() {
        let mut store = Store::open_in_memory().unwrap();
        let one = source("d", "# D\n## a\nq: one?\na: 1\n");
        build(&mut store, std::slice::from_ref(&one)).unwrap();
        let mut other = source("d", "# Other\n## b\nq: two?\na: 2\n");
        other.label = "elsewhere/d.deck".into();
        let err = build(&mut store, &[one, other]).unwrap_err();
        assert!(err.to_string().contains("a second deck file named `d.deck`"), "{err}");
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
