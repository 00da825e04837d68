//! Where a fact is written: the line of its `## id` heading in its deck
//! file, found by the id a user typed (the exact id, else an unambiguous
//! prefix, with the nearest id suggested for a near miss). For `iskra edit
//! DECK/FACT` and the review's edit key, which open the file there; a file
//! that no longer parses is opened at its first error instead.

use std::path::Path;

use super::build::{deck_key, read_deck_file};
use super::{Deck, Diagnostic, parse_deck};
use crate::error::{Error, Result};
use crate::names::{Lookup, lookup};

/// Where `iskra edit` opens a deck file.
#[derive(Debug, Clone, PartialEq)]
pub enum EditStart {
    /// At this 1-based line: the fact's heading, or the top.
    Line(usize),
    /// The file does not parse: at its first error's line, with every error.
    Broken(usize, Vec<Diagnostic>),
}

/// Where to open deck file `path` to edit fact `typed` (or the whole file):
/// the fact's heading when the file parses, else its first error, since
/// what the file says cannot be read before it is mended.
pub fn edit_start(path: &Path, typed: Option<&str>) -> Result<EditStart> {
    let bytes = read_deck_file(path)?;
    match parse_deck(&path.display().to_string(), &deck_key(path), &bytes) {
        Ok(deck) => Ok(EditStart::Line(match typed {
            Some(typed) => fact_line(&String::from_utf8_lossy(&bytes), find_fact(&deck, typed)?).unwrap_or(1),
            None => 1,
        })),
        Err(diagnostics) => Ok(EditStart::Broken(
            diagnostics.first().map_or(1, |d| d.line.max(1)),
            diagnostics,
        )),
    }
}

/// The 1-based line of fact `id`'s heading in deck file `text`, read as the
/// parser reads headings (a line starting `## `, the id after it trimmed).
pub fn fact_line(text: &str, id: &str) -> Option<usize> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split('\n')
        .position(|raw| {
            !raw.starts_with([' ', '\t']) && raw.trim_end().strip_prefix("## ").is_some_and(|rest| rest.trim() == id)
        })
        .map(|index| index + 1)
}

/// The id of the fact of `deck` that `typed` names.
pub fn find_fact<'d>(deck: &'d Deck, typed: &str) -> Result<&'d str> {
    let ids: Vec<(&str, &str)> = deck.facts.iter().map(|f| (f.id.as_str(), f.id.as_str())).collect();
    match lookup(&ids, typed) {
        Lookup::Found(i) => Ok(ids[i].0),
        Lookup::Ambiguous(found) => {
            let shown: Vec<String> = found.iter().map(|&i| format!("`{}`", ids[i].0)).collect();
            Err(Error::Usage(format!(
                "{typed:?} could be any of these facts of deck `{}`: {}.\n  hint: type more of the id",
                deck.key,
                shown.join(", ")
            )))
        }
        Lookup::Unknown { nearest } => Err(Error::Usage(format!(
            "deck `{}` has no fact {typed:?}.\n  hint: {}`iskra deck show {}` lists its facts",
            deck.key,
            nearest
                .map(|i| format!("did you mean `{}`? ", ids[i].0))
                .unwrap_or_default(),
            deck.key
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fact_is_found_by_its_heading() {
        let text = "# D\r\n\r\n## a\r\nq: x\r\na: y\r\n\r\n##  b \r\nq: ## a\n";
        assert_eq!(fact_line(text, "a"), Some(3));
        assert_eq!(fact_line(text, "b"), Some(7));
        assert_eq!(fact_line(text, "c"), None);
    }
    use crate::deck::parse_deck;

    const TEXT: &str = "\u{feff}# D\r\n// ## commented\r\n## rosmer-born\r\nq: x\r\na: y\r\n  ## not-a-heading\r\n\r\n##  reed-death  \r\nq: z\r\na: w\r\n";

    #[test]
    fn headings_are_found_as_the_parser_reads_them() {
        assert_eq!(fact_line(TEXT, "rosmer-born"), Some(3));
        assert_eq!(fact_line(TEXT, "reed-death"), Some(8));
        assert_eq!(fact_line(TEXT, "commented"), None);
        assert_eq!(fact_line(TEXT, "not-a-heading"), None);
    }

    #[test]
    fn a_file_is_opened_at_its_fact_or_if_it_does_not_parse_at_its_first_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.deck");
        std::fs::write(&path, TEXT).unwrap();
        assert_eq!(edit_start(&path, Some("reed")).unwrap(), EditStart::Line(8));
        assert_eq!(edit_start(&path, None).unwrap(), EditStart::Line(1));
        assert!(edit_start(&path, Some("nope")).is_err());
        std::fs::write(&path, format!("{TEXT}## broken\nq: no answer\n## worse\n")).unwrap();
        match edit_start(&path, Some("reed")).unwrap() {
            EditStart::Broken(line, diagnostics) => {
                assert_eq!(line, 11);
                assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn facts_are_found_by_id_or_prefix() {
        let deck = parse_deck("d.deck", "d", TEXT.as_bytes()).unwrap();
        assert_eq!(find_fact(&deck, "reed-death").unwrap(), "reed-death");
        assert_eq!(find_fact(&deck, "ros").unwrap(), "rosmer-born");
        let err = find_fact(&deck, "reed-deth").unwrap_err().to_string();
        assert!(err.contains("did you mean `reed-death`?"), "{err}");
        let deck = parse_deck("d.deck", "d", b"# D\n## a-1\nq: x\na: y\n## a-2\nq: x\na: y\n").unwrap();
        let err = find_fact(&deck, "a").unwrap_err().to_string();
        assert!(err.contains("`a-1`, `a-2`"), "{err}");
    }
}
