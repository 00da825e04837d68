//! Adding to deck files, the domain side of `iskra add` and `iskra deck
//! new`: a deck file opened for appending ([`DeckFile`]), a new deck file,
//! fact ids suggested from a fact's words, and the checks on a new deck's
//! name and path. No clap, no printing, no prompting: the commands are in
//! `cmd::add` and `cmd::deck`, the prompts in `ui::authoring`.
//!
//! A deck file is never rewritten: new fact blocks are appended after its
//! existing bytes, the whole new text is parsed before anything is written,
//! the file is replaced atomically (temp file + rename), and only then is it
//! built into the collection (one transaction), exactly like `iskra build`.
//!
//! New deck files go to the `decks-dir` setting's folder, else `./decks`
//! ([`decks_dir`]); so does a user's copy of a bundled deck, made when
//! adding to one: built, it takes the bundled deck over with its history.

use std::path::{Path, PathBuf};

use crate::deck::build::{self, BUNDLED_PREFIX, Source};
use crate::deck::write::{clean_value, write_fact, write_header};
use crate::deck::{Deck, Fact, FactBody, parse_deck, slug_words};
use crate::error::{Error, Result};
use crate::quiz::normalize::Folded;
use crate::store::{DeckRow, Settings, Store, SyncReport};

/// The folder new deck files go to: `decks-dir`, else `./decks`.
pub fn decks_dir(settings: &Settings) -> PathBuf {
    settings.decks_dir.clone().unwrap_or_else(|| PathBuf::from("decks"))
}

/// A deck file being added to: its text as it is on disk and its parse.
#[derive(Debug)]
pub struct DeckFile {
    pub path: PathBuf,
    text: String,
    deck: Deck,
    /// True until a new deck's file is first written.
    unwritten: bool,
    /// The ids of every fact the deck has in the collection (those removed
    /// from its file too, or not in the file as it is now): the
    /// collection keeps their cards' history for them, so a new fact given
    /// one would take that history over.
    known: Vec<String>,
}

impl DeckFile {
    /// The file a deck of the collection was built from. For a bundled deck:
    /// the user's copy, `DIR/KEY.deck` in `dir` (see [`decks_dir`]), which is
    /// made of the bundled text when it is first written (until then
    /// [`DeckFile::is_written`] is false).
    pub fn of_deck(store: &Store, name: &str, dir: &Path) -> Result<DeckFile> {
        let row = store.find_deck(name)?;
        let file = match row.source_path.as_deref() {
            Some(path) if path.starts_with(BUNDLED_PREFIX) => DeckFile::bundled_copy(&row, path, dir),
            Some(path) => DeckFile::open(&recorded_file(&row, path)?),
            None => Err(no_deck_file(&row)),
        }?;
        let known = store.facts_of_deck(row.id)?.into_iter().map(|f| f.key).collect();
        Ok(DeckFile { known, ..file })
    }

    /// The user's copy of a bundled deck: the file `dir/KEY.deck` if it
    /// exists, else one to be written with the bundled text.
    fn bundled_copy(row: &DeckRow, bundled: &str, dir: &Path) -> Result<DeckFile> {
        let path = copy_path(row, dir);
        if path.exists() {
            return DeckFile::open(&path);
        }
        let text = build::bundled_text(bundled).ok_or_else(|| {
            Error::Usage(format!(
                "deck `{}` came bundled with another version of iskra, which this one does not have.\n  hint: `iskra export deck {} --out {}` writes the deck as it is in the collection; add to that file and build it",
                row.key,
                row.key,
                path.display()
            ))
        })?;
        let deck = parse_deck(&path.display().to_string(), &row.key, text.as_bytes()).map_err(Error::Deck)?;
        Ok(DeckFile {
            path,
            text: text.to_string(),
            deck,
            unwritten: true,
            known: Vec::new(),
        })
    }

    /// Reads and parses a deck file; a file with errors is refused with them.
    pub fn open(path: &Path) -> Result<DeckFile> {
        let bytes = super::build::read_deck_file(path)?;
        let deck = parse_deck(&path.display().to_string(), &file_key(path), &bytes).map_err(Error::Deck)?;
        Ok(DeckFile {
            path: path.to_path_buf(),
            // The parser accepted it, so it is UTF-8: nothing is replaced.
            text: String::from_utf8_lossy(&bytes).into_owned(),
            deck,
            unwritten: false,
            known: Vec::new(),
        })
    }

    /// A new deck file holding only its header; written with its first fact.
    pub fn create(path: PathBuf, name: &str, description: &str) -> Result<DeckFile> {
        if path.exists() {
            return Err(Error::Usage(format!(
                "{} already exists.\n  hint: add to its deck with `iskra add --deck {}`, or choose another --out",
                path.display(),
                file_key(&path)
            )));
        }
        if file_key(&path).is_empty() || path.extension().is_none_or(|e| e != "deck") {
            return Err(Error::Usage(format!(
                "{} is not a deck file name.\n  hint: deck files end in .deck, e.g. decks/my-deck.deck",
                path.display()
            )));
        }
        let deck = Deck {
            key: file_key(&path),
            name: clean_value(name),
            description: clean_value(description),
            retention: None,
            new_per_day: None,
            reviews_per_day: None,
            preset: None,
            facts: Vec::new(),
        };
        Ok(DeckFile {
            text: write_header(&deck),
            path,
            deck,
            unwritten: true,
            known: Vec::new(),
        })
    }

    pub fn deck(&self) -> &Deck {
        &self.deck
    }

    /// False for a new deck whose file has not been written yet.
    pub fn is_written(&self) -> bool {
        !self.unwritten
    }

    /// The current text of the file (or of the header still to be written).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// A fact of this deck that asks the same as `fact`: of the same kind,
    /// with the same question (or cloze text, sequence title, timeline
    /// event) once folded as typed answers are (case, accents, punctuation).
    pub fn same_as(&self, fact: &Fact) -> Option<&Fact> {
        let folded = |f: &Fact| {
            let text = id_source(&f.body);
            let key = Folded::new(text).key();
            if key.is_empty() { text.trim().to_string() } else { key }
        };
        let wanted = folded(fact);
        let kind = std::mem::discriminant(&fact.body);
        self.deck
            .facts
            .iter()
            .find(|f| std::mem::discriminant(&f.body) == kind && folded(f) == wanted)
    }

    /// Why a new fact may not have the id `id`, if it may not: a fact of the
    /// file has it, or a fact removed from the file had it (whose history
    /// the new fact would take over).
    pub fn id_taken(&self, id: &str) -> Option<String> {
        if self.deck.facts.iter().any(|f| f.id == id) {
            Some(format!("`{id}` is already a fact of this deck"))
        } else if self.known.iter().any(|r| r == id) {
            Some(format!(
                "`{id}` is the id of a fact removed from this deck's file, whose cards' history a new fact would take over"
            ))
        } else {
            None
        }
    }

    /// An id for a new fact made from the main words of `text`, unique in
    /// this deck and never a removed fact's.
    pub fn suggest_id(&self, text: &str) -> String {
        let base = id_words(text);
        std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}-{n}")))
            .find(|id| self.id_taken(id).is_none())
            .unwrap_or(base)
    }

    /// The file's text with `facts` appended: the existing bytes untouched,
    /// then a blank line and each fact block, in the file's line endings.
    pub fn appended(&self, facts: &[Fact]) -> String {
        let newline = if self.text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut out = self.text.clone();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(newline);
        }
        for fact in facts {
            if !out.is_empty() && !out.ends_with(&newline.repeat(2)) {
                out.push_str(newline);
            }
            out.push_str(&write_fact(fact).replace('\n', newline));
        }
        out
    }

    /// Appends `facts` to the file and builds it into the collection. The
    /// whole new text is checked first; nothing is written if it has errors.
    pub fn append(&mut self, store: &mut Store, facts: &[Fact]) -> Result<SyncReport> {
        let text = self.appended(facts);
        let label = self.path.display().to_string();
        let deck = parse_deck(&label, &self.deck.key, text.as_bytes()).map_err(Error::Deck)?;
        if deck.facts.get(self.deck.facts.len()..) != Some(facts) {
            return Err(Error::Usage(
                "the new fact would not read back as entered, so nothing was written.\n  hint: values cannot hold blank lines or leading spaces".into(),
            ));
        }
        if self.unwritten && self.path.exists() {
            return Err(Error::Usage(format!(
                "{} appeared meanwhile; nothing was written",
                label
            )));
        }
        crate::files::write_atomic(&self.path, text.as_bytes())?;
        self.text = text;
        self.deck = deck;
        self.unwritten = false;
        let source = Source {
            label,
            key: self.deck.key.clone(),
            bytes: self.text.clone().into_bytes(),
        };
        let report = build::build(store, &[source]).map_err(|source| Error::WrittenNotBuilt {
            path: self.path.clone(),
            source: Box::new(source),
        })?;
        Ok(report.into_iter().next().unwrap_or_default())
    }
}

/// Refuses a path for a new deck that exists, or whose file name is
/// already a deck of the collection (building it would replace that deck).
pub fn check_new_deck_path(store: &Store, path: &Path) -> Result<()> {
    let key = file_key(path);
    if !path.exists() && store.decks()?.iter().any(|d| d.key == key) {
        return Err(Error::Usage(format!(
            "the collection already has a deck with the file name `{key}.deck`.\n  hint: a deck's identity is its file name; choose another name or --out"
        )));
    }
    DeckFile::create(path.to_path_buf(), "-", "").map(|_| ())
}

/// Refuses a deck name that cannot name a file (it needs a letter or a digit).
pub fn check_deck_name(name: &str) -> std::result::Result<(), String> {
    if slug_words(name).is_empty() {
        return Err("the name needs a letter or a digit (it also names the file)".into());
    }
    Ok(())
}

/// Where a deck's file is, found as [`DeckFile::of_deck`] finds it, but not
/// read: `iskra edit` opens a file that no longer parses too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeckPath {
    /// The file the deck is built from (for a bundled deck, the user's copy).
    File(PathBuf),
    /// A bundled deck whose copy is not written yet ([`DeckFile::of_deck`]
    /// makes it).
    Unwritten,
}

/// The path of deck `name`'s file (see [`DeckPath`]), without reading it.
pub fn deck_path(store: &Store, name: &str, dir: &Path) -> Result<DeckPath> {
    let row = store.find_deck(name)?;
    match row.source_path.as_deref() {
        Some(path) if path.starts_with(BUNDLED_PREFIX) => {
            let copy = copy_path(&row, dir);
            Ok(if copy.exists() {
                DeckPath::File(copy)
            } else {
                DeckPath::Unwritten
            })
        }
        Some(path) => recorded_file(&row, path).map(DeckPath::File),
        None => Err(no_deck_file(&row)),
    }
}

/// The user's copy of bundled deck `row` in `dir`: `DIR/KEY.deck`.
fn copy_path(row: &DeckRow, dir: &Path) -> PathBuf {
    dir.join(format!("{}.deck", row.key))
}

/// An imported deck has no file until one is exported and built.
fn no_deck_file(row: &DeckRow) -> Error {
    Error::Usage(format!(
        "deck `{}` was imported and has no deck file to add to.\n  hint: `iskra export deck {} --format iskra` writes one, and `iskra build` of that file makes it the deck's file (history kept)",
        row.key, row.key
    ))
}

/// The file a deck was built from (`path`, recorded), or an error saying
/// what to do when it is not there any more.
fn recorded_file(row: &DeckRow, path: &str) -> Result<PathBuf> {
    let path = PathBuf::from(path);
    if path.is_file() {
        return Ok(path);
    }
    if path.exists() {
        return Err(crate::files::not_a_regular_file(&path, "a deck is a file"));
    }
    Err(Error::Usage(format!(
        "deck `{}` was built from {}, which is not there any more.\n  hint: if it moved, `iskra deck move {} NEW_PATH` builds the deck from where it is now",
        row.key,
        path.display(),
        row.key
    )))
}

/// A deck's key: its file name without `.deck`.
pub fn file_key(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Words too common to name a fact by.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "by", "did", "do", "does", "for", "from", "his", "her", "how", "in", "is",
    "it", "its", "of", "on", "or", "that", "the", "their", "this", "to", "was", "were", "what", "when", "where",
    "which", "who", "whom", "whose", "why", "with",
];

/// Up to four main words of a text as an id: `rosmer-born` from "When was Rosmer born?".
fn id_words(text: &str) -> String {
    let words: Vec<String> = slug_words(text)
        .into_iter()
        .map(|w| w.chars().filter(char::is_ascii_alphanumeric).collect::<String>())
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(&w.as_str()))
        .take(4)
        .collect();
    if words.is_empty() {
        "fact".to_string()
    } else {
        words.join("-")
    }
}

/// The text a fact's id is suggested from.
pub fn id_source(body: &FactBody) -> &str {
    body.first_text()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::deck::QaKind;

    fn file_with(text: &str) -> (tempfile::TempDir, DeckFile) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.deck");
        std::fs::write(&path, text).unwrap();
        let file = DeckFile::open(&path).unwrap();
        (dir, file)
    }

    fn qa(id: &str, question: &str) -> Fact {
        Fact {
            id: id.into(),
            body: FactBody::Qa {
                question: question.into(),
                answer: "A".into(),
                kinds: vec![QaKind::Basic],
            },
            alternatives: vec![],
            hint: None,
            extra: None,
            tags: vec![],
            source: None,
        }
    }

    #[test]
    fn ids_come_from_the_main_words_and_stay_unique() {
        let (_dir, file) = file_with("# D\n## rosmer-born\nq: x\na: y\n");
        assert_eq!(file.suggest_id("When was Rosmer born?"), "rosmer-born-2");
        assert_eq!(
            file.suggest_id("Who chaired the Comintern in 1920?"),
            "chaired-comintern-1920"
        );
        assert_eq!(
            file.suggest_id("Reed caught {{typhus}} in Baku"),
            "reed-caught-typhus-baku"
        );
        assert_eq!(file.suggest_id("Zinóviev?"), "zinviev");
        assert_eq!(file.suggest_id("?!"), "fact");
    }

    #[test]
    fn appending_keeps_every_byte_and_the_line_endings() {
        let original = "// c\r\n# D\r\n## a\r\nq: x\r\na: y";
        let (_dir, file) = file_with(original);
        let text = file.appended(&[qa("b", "two?"), qa("c", "three?")]);
        assert!(text.starts_with(original), "{text:?}");
        assert_eq!(
            &text[original.len()..],
            "\r\n\r\n## b\r\nq: two?\r\na: A\r\n\r\n## c\r\nq: three?\r\na: A\r\n"
        );
        let (_dir, file) = file_with("# D\n\n");
        assert_eq!(file.appended(&[qa("b", "q?")]), "# D\n\n## b\nq: q?\na: A\n");
    }

    #[test]
    fn append_refuses_an_invalid_result_and_writes_nothing() {
        let original = "# D\n## a\nq: x\na: y\n";
        let (dir, mut file) = file_with(original);
        let mut store = Store::open_in_memory().unwrap();
        let err = file.append(&mut store, &[qa("a", "again?")]).unwrap_err();
        assert!(err.to_string().contains("duplicate fact id `a`"), "{err}");
        assert_eq!(std::fs::read_to_string(dir.path().join("d.deck")).unwrap(), original);
        assert!(store.decks().unwrap().is_empty());

        let report = file.append(&mut store, &[qa("b", "new?")]).unwrap();
        assert_eq!((report.added, report.unchanged), (2, 0));
        let written = std::fs::read_to_string(dir.path().join("d.deck")).unwrap();
        assert_eq!(written, format!("{original}\n## b\nq: new?\na: A\n"));
    }

    #[test]
    fn a_new_deck_is_written_with_its_first_fact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("decks/new.deck");
        let mut file = DeckFile::create(path.clone(), "New deck", "about things").unwrap();
        assert!(!path.exists());
        let mut store = Store::open_in_memory().unwrap();
        file.append(&mut store, &[qa("a", "q?")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "# New deck\ndescription: about things\n\n## a\nq: q?\na: A\n"
        );
        assert_eq!(store.find_deck("new").unwrap().name, "New deck");
        assert!(DeckFile::create(path, "Again", "").is_err());
    }
}
