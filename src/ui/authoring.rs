//! The interactive authoring loop of `iskra add` and `iskra deck new`:
//! choose a kind of fact, enter its fields (each checked as it is typed;
//! a rejected value is explained and asked for again), preview its cards,
//! confirm, and the fact is appended to the deck file and built at once.
//! The loop talks to a [`Prompter`]: dialoguer on a terminal, a script in
//! tests. What a fact is and how it reaches the deck file is the domain's
//! ([`crate::deck::author`]).

use std::collections::HashMap;
use std::path::PathBuf;

use dialoguer::{Confirm, Input, Select};

use super::build_report::render_report;
use super::terminal::guard::{TerminalGuard, prompt_error};
use crate::deck::author::{DeckFile, check_deck_name, check_new_deck_path, decks_dir, id_source};
use crate::deck::date::{DATE_FORMS, parse_date};
use crate::deck::write::clean_value;
use crate::deck::{
    CardKind, Fact, FactBody, QaKind, SequenceKind, TimelineKind, check_cloze, check_fact_id, item_key, slug_words,
};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::text::escape_control;

/// Checks a typed value; the message is shown and the question asked again.
pub type Check<'a> = &'a dyn Fn(&str) -> std::result::Result<(), String>;

/// What the authoring loop asks of its user.
pub trait Prompter {
    /// One of `items`; `None` when the user backs out.
    fn select(&mut self, prompt: &str, items: &[&str]) -> Result<Option<usize>>;
    /// A line of text that passes `check` (which also sees an empty line).
    fn input(&mut self, prompt: &str, default: Option<&str>, check: Check) -> Result<String>;
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool>;
    /// Shows text (escaped by the prompter).
    fn say(&mut self, text: &str) -> Result<()>;
}

/// Prompts on the terminal (stderr) with dialoguer. While it lives, the
/// terminal is guarded: Ctrl-C stops the command with what was added kept,
/// and the cursor and the terminal's mode are restored however it ends.
pub struct TermPrompter {
    _guard: TerminalGuard,
}

impl TermPrompter {
    pub fn new() -> Self {
        TermPrompter {
            _guard: TerminalGuard::install(),
        }
    }
}

impl Default for TermPrompter {
    fn default() -> Self {
        TermPrompter::new()
    }
}

impl Prompter for TermPrompter {
    fn select(&mut self, prompt: &str, items: &[&str]) -> Result<Option<usize>> {
        Select::new()
            .with_prompt(prompt)
            .items(items)
            .default(0)
            .interact_opt()
            .map_err(prompt_error)
    }

    fn input(&mut self, prompt: &str, default: Option<&str>, check: Check) -> Result<String> {
        let mut input = Input::<String>::new()
            .with_prompt(prompt)
            .allow_empty(true)
            .validate_with(|value: &String| check(value).map_err(|e| escape_control(&e)));
        if let Some(default) = default {
            input = input.default(default.to_string());
        }
        input.interact_text().map_err(prompt_error)
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
        Confirm::new()
            .with_prompt(prompt)
            .default(default)
            .interact()
            .map_err(prompt_error)
    }

    fn say(&mut self, text: &str) -> Result<()> {
        eprintln!("{}", escape_control(text));
        Ok(())
    }
}

/// The kinds of fact offered, as shown in the menu.
const KINDS: &[(NewKind, &str)] = &[
    (NewKind::Basic, "basic: question → answer"),
    (NewKind::BasicReverse, "basic + reverse: asked both ways"),
    (NewKind::Cloze, "cloze: a statement with {{hidden words}}"),
    (NewKind::Sequence, "sequence: an ordered list"),
    (NewKind::Timeline, "timeline: a date and what happened"),
];
const DONE: &str = "done: stop adding facts";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NewKind {
    Basic,
    BasicReverse,
    Cloze,
    Sequence,
    Timeline,
}

/// Asks for facts until the user is done; each confirmed fact is appended
/// to `file` and built at once. Returns how many were added.
pub fn fact_loop(p: &mut impl Prompter, store: &mut Store, file: &mut DeckFile) -> Result<usize> {
    let mut added = 0;
    let menu: Vec<&str> = KINDS.iter().map(|(_, label)| *label).chain([DONE]).collect();
    loop {
        let kind = match p.select("Add a fact of which kind?", &menu)? {
            Some(i) if i < KINDS.len() => KINDS[i].0,
            _ => return Ok(added),
        };
        let fact = enter_fact(p, kind, file)?;
        p.say(&preview(&fact))?;
        if let Some(existing) = file.same_as(&fact) {
            let question = format!("The deck already asks this (fact `{}`). Add it anyway?", existing.id);
            if !p.confirm(&question, false)? {
                p.say("Not added.")?;
                continue;
            }
        }
        if !p.confirm(&format!("Add it to {}?", file.path.display()), true)? {
            p.say("Not added.")?;
            continue;
        }
        match file.append(store, std::slice::from_ref(&fact)) {
            Ok(report) => {
                added += 1;
                p.say(&format!("Added `{}`. {}", fact.id, render_report(&report)))?;
            }
            Err(Error::Deck(diagnostics)) => p.say(&Error::Deck(diagnostics).to_string())?,
            Err(other) => return Err(other),
        }
    }
}

/// `deck new`: the deck's name and description, then the fact loop. The
/// file is written with the first fact (or, if asked, with none).
pub fn new_deck(
    p: &mut impl Prompter,
    store: &mut Store,
    name: Option<String>,
    out: Option<PathBuf>,
) -> Result<(DeckFile, usize)> {
    let name = match name {
        Some(name) => {
            check_deck_name(&name).map_err(|e| Error::Usage(format!("deck name {name:?}: {e}")))?;
            name
        }
        None => p.input("Deck name", None, &check_deck_name)?,
    };
    let path = match out {
        Some(path) => path,
        None => decks_dir(&store.settings()?).join(format!("{}.deck", slug_words(&name).join("-"))),
    };
    check_new_deck_path(store, &path)?;
    let description = p.input("Description (one line; empty for none)", None, &|_| Ok(()))?;
    let mut file = DeckFile::create(path, &name, &description)?;
    let added = fact_loop(p, store, &mut file)?;
    if added == 0 && p.confirm(&format!("No facts yet. Write {} anyway?", file.path.display()), false)? {
        file.append(store, &[])?;
    }
    Ok((file, added))
}

/// Asks for every field of a fact of `kind`.
fn enter_fact(p: &mut impl Prompter, kind: NewKind, file: &DeckFile) -> Result<Fact> {
    let body = match kind {
        NewKind::Basic | NewKind::BasicReverse => FactBody::Qa {
            question: required(p, "Question")?,
            answer: required(p, "Answer")?,
            kinds: if kind == NewKind::Basic {
                vec![QaKind::Basic]
            } else {
                QaKind::ALL.to_vec()
            },
        },
        NewKind::Cloze => FactBody::Cloze {
            text: checked(p, "Statement with {{hidden words}}", &|v| {
                check_cloze(v).map_err(|e| e.to_string())
            })?,
        },
        NewKind::Sequence => FactBody::Sequence {
            title: required(p, "Title of the sequence")?,
            items: enter_items(p)?,
            kinds: SequenceKind::DEFAULT.to_vec(),
        },
        NewKind::Timeline => FactBody::Timeline {
            date: checked(p, "Date (1920, 1924-06 or 1922-11-13)", &|v| {
                parse_date(v)
                    .map(|_| ())
                    .map_err(|e| format!("{}; {DATE_FORMS}", e.message))
            })?,
            event: required(p, "What happened")?,
            kinds: TimelineKind::DEFAULT.to_vec(),
        },
    };
    let alternatives = match body {
        FactBody::Qa { .. } => list(p, "Another accepted answer (empty when done)")?,
        _ => Vec::new(),
    };
    let tags = p.input("Tags (space-separated; empty for none)", None, &|_| Ok(()))?;
    let source = clean_value(&p.input("Source, e.g. seeds/FILE.md#N (empty for none)", None, &|_| Ok(()))?);
    let suggestion = file.suggest_id(id_source(&body));
    let id = p.input("Fact id (its identity: never change it)", Some(&suggestion), &|v| {
        check_fact_id(v).map_err(|e| e.to_string())?;
        match file.id_taken(v) {
            Some(why) => Err(why),
            None => Ok(()),
        }
    })?;
    Ok(Fact {
        id,
        body,
        alternatives,
        hint: None,
        extra: None,
        tags: tags.split_whitespace().map(str::to_string).collect(),
        source: Some(source).filter(|s| !s.is_empty()),
    })
}

/// A value that must not be empty.
fn required(p: &mut impl Prompter, prompt: &str) -> Result<String> {
    checked(p, prompt, &|_| Ok(()))
}

/// A non-empty value that passes `check`, cleaned as the parser reads it.
fn checked(p: &mut impl Prompter, prompt: &str, check: Check) -> Result<String> {
    let value = p.input(prompt, None, &|v| {
        let v = clean_value(v);
        if v.is_empty() {
            return Err("this cannot be empty".into());
        }
        check(&v)
    })?;
    Ok(clean_value(&value))
}

/// Values asked for one by one until an empty line.
fn list(p: &mut impl Prompter, prompt: &str) -> Result<Vec<String>> {
    let mut values = Vec::new();
    loop {
        let value = clean_value(&p.input(prompt, None, &|_| Ok(()))?);
        if value.is_empty() {
            return Ok(values);
        }
        values.push(value);
    }
}

/// The items of a sequence, in order: at least two, none repeated.
fn enter_items(p: &mut impl Prompter) -> Result<Vec<String>> {
    let mut items: Vec<String> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    loop {
        let prompt = format!("Item {} (empty when done)", items.len() + 1);
        let value = p.input(&prompt, None, &|v| {
            let v = clean_value(v);
            if v.is_empty() {
                return if items.len() < 2 {
                    Err("a sequence needs at least two items".into())
                } else {
                    Ok(())
                };
            }
            let key = item_key(&v);
            if key.is_empty() {
                return Err("an item needs a letter or a digit".into());
            }
            match seen.get(&key) {
                Some(n) => Err(format!("`{v}` is already item {n}; each item may appear once")),
                None => Ok(()),
            }
        })?;
        let value = clean_value(&value);
        if value.is_empty() {
            return Ok(items);
        }
        seen.insert(item_key(&value), items.len() + 1);
        items.push(value);
    }
}

/// The cards a fact yields, for the author to look at before adding it.
pub fn preview(fact: &Fact) -> String {
    let cards = fact.cards();
    let mut out = format!(
        "`{}` yields {} card{}:",
        fact.id,
        cards.len(),
        if cards.len() == 1 { "" } else { "s" }
    );
    for card in &cards {
        let indent = |t: &str| t.replace('\n', "\n     ");
        out.push_str(&format!(
            "\n  [{}]\n  Q: {}\n  A: {}",
            card.template,
            indent(&card.front),
            indent(&card.back)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;

    /// Plays scripted answers; records what was said and every rejection.
    #[derive(Default)]
    struct Script {
        answers: VecDeque<&'static str>,
        said: Vec<String>,
        rejected: Vec<String>,
    }

    impl Script {
        fn new(answers: &[&'static str]) -> Self {
            Script {
                answers: answers.iter().copied().collect(),
                ..Script::default()
            }
        }

        fn next(&mut self, prompt: &str) -> &'static str {
            self.answers
                .pop_front()
                .unwrap_or_else(|| panic!("the script ran out at {prompt:?}; said: {:#?}", self.said))
        }
    }

    impl Prompter for Script {
        fn select(&mut self, prompt: &str, items: &[&str]) -> Result<Option<usize>> {
            let answer = self.next(prompt);
            Ok(items.iter().position(|i| i.starts_with(answer)))
        }

        fn input(&mut self, prompt: &str, default: Option<&str>, check: Check) -> Result<String> {
            loop {
                let answer = match (self.next(prompt), default) {
                    ("", Some(default)) => default.to_string(),
                    (answer, _) => answer.to_string(),
                };
                match check(&answer) {
                    Ok(()) => return Ok(answer),
                    Err(message) => self.rejected.push(message),
                }
            }
        }

        fn confirm(&mut self, prompt: &str, _default: bool) -> Result<bool> {
            Ok(self.next(prompt) == "y")
        }

        fn say(&mut self, text: &str) -> Result<()> {
            self.said.push(text.to_string());
            Ok(())
        }
    }

    fn deck_file(dir: &tempfile::TempDir) -> DeckFile {
        let path = dir.path().join("d.deck");
        std::fs::write(&path, "# D\n## route\nq: x\na: y\n").unwrap();
        DeckFile::open(&path).unwrap()
    }

    #[test]
    fn rejected_values_are_explained_and_asked_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = deck_file(&dir);
        let mut store = Store::open_in_memory().unwrap();
        let mut p = Script::new(&[
            "sequence",
            "Route",
            "", // too early: two items are needed
            "Paris",
            "paris!", // the same item
            "...",    // no letters
            "Italy",
            "",
            "journey", // tags
            "",        // no source
            "route",   // taken
            "Bad Id",  // not an id
            "",        // accept the suggestion
            "y",
            "timeline",
            "June 1924", // not ISO
            "1924-06",
            "The Fifth Congress meets",
            "",
            "seeds/x.md#1",
            "",
            "y",
            "done",
        ]);
        let added = fact_loop(&mut p, &mut store, &mut file).unwrap();
        assert_eq!(added, 2);
        assert_eq!(
            p.rejected,
            [
                "a sequence needs at least two items",
                "`paris!` is already item 1; each item may appear once",
                "an item needs a letter or a digit",
                "`route` is already a fact of this deck",
                "'B' is not allowed in a fact id (ids use lowercase letters, digits and `-`, e.g. `reed-typhus`)",
                "`June 1924` is not a date; write a year (`1920`), a month (`1924-06`) or a day (`1922-11-13`)",
            ]
        );
        let text = std::fs::read_to_string(dir.path().join("d.deck")).unwrap();
        assert_eq!(
            text,
            "# D\n## route\nq: x\na: y\n\n## route-2\nsequence: Route\nitem: Paris\nitem: Italy\ntags: journey\n\n\
             ## fifth-congress-meets\ntimeline: 1924-06\nevent: The Fifth Congress meets\nsource: seeds/x.md#1\n"
        );
        assert!(
            p.said[0].starts_with("`route-2` yields 3 cards:\n  [after:paris>italy]"),
            "{:?}",
            p.said
        );
        let deck = store.find_deck("d").unwrap();
        assert_eq!(store.deck_summary(deck.id, 0, 0).unwrap().cards, 1 + 3 + 2);
    }

    #[test]
    fn declined_facts_are_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = deck_file(&dir);
        let mut store = Store::open_in_memory().unwrap();
        let mut p = Script::new(&["basic + reverse", "Q?", "A", "alt one", "", "", "", "", "n", "done"]);
        assert_eq!(fact_loop(&mut p, &mut store, &mut file).unwrap(), 0);
        assert!(p.said[0].contains("yields 2 cards"), "{:?}", p.said);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("d.deck")).unwrap(),
            "# D\n## route\nq: x\na: y\n"
        );
        assert!(store.decks().unwrap().is_empty());
    }

    #[test]
    fn new_deck_refuses_a_key_the_collection_has() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let mut file = deck_file(&dir);
        let mut p = Script::new(&[
            "cloze",
            "Reed {{typhus",
            "Reed caught {{typhus}}",
            "",
            "",
            "",
            "y",
            "done",
        ]);
        fact_loop(&mut p, &mut store, &mut file).unwrap();
        assert_eq!(p.rejected, ["this `{{` is never closed (close the deletion with `}}`)"]);
        let err = new_deck(
            &mut Script::new(&[]),
            &mut store,
            Some("D".into()),
            Some(dir.path().join("other/d.deck")),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("already has a deck with the file name `d.deck`"),
            "{err}"
        );
    }
}
