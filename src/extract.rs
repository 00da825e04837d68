//! `extract`: cloze drafts from prose. Sentences that carry a date, a proper
//! name or a number become candidates, with that key term as the deletion;
//! candidates are ranked (dates, then names, then numbers; sentences of a
//! readable length first) and near-duplicates merged. These are drafts for
//! an author to edit, never cards on their own.

use std::collections::HashSet;
use std::path::Path;

use crate::error::{Error, Result};

/// What kind of key term a draft hides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TermKind {
    Date,
    Name,
    Number,
}

impl TermKind {
    pub fn tag(self) -> &'static str {
        match self {
            TermKind::Date => "date",
            TermKind::Name => "name",
            TermKind::Number => "number",
        }
    }

    fn weight(self) -> i32 {
        match self {
            TermKind::Date => 30,
            TermKind::Name => 20,
            TermKind::Number => 10,
        }
    }
}

/// One proposed cloze.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The sentence with the key term as `{{deletion}}`.
    pub cloze: String,
    pub term: String,
    pub kind: TermKind,
    /// Where the sentence starts in the text (1-based line).
    pub line: usize,
    score: i32,
}

const NUMBER_WORDS: &[&str] = &[
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fifteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "hundred",
    "thousand",
    "million",
    "millions",
    "dozen",
    "dozens",
    "hundreds",
    "thousands",
];
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "mt", "jr", "sr", "vs", "etc", "no", "vol", "pp", "cf", "ed",
];
/// Capitalised words that are not names on their own.
const NOT_NAMES: &[&str] = &[
    "I",
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "Of",
    "And",
    "But",
    "Or",
    "For",
    "He",
    "She",
    "It",
    "They",
    "We",
    "You",
    "His",
    "Her",
    "Their",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "Here",
    "When",
    "While",
    "After",
    "Before",
    "As",
    "If",
    "So",
    "Yet",
    "Then",
    "What",
    "Who",
    "Why",
    "How",
    "Its",
    "Our",
    "My",
    "Not",
    "No",
    "Yes",
    "With",
    "From",
    "By",
    "To",
    "Having",
    "Although",
    "Thereafter",
    "Even",
    "Only",
    "Also",
    "Both",
    "Such",
    "Some",
    "Many",
    "Most",
];
/// Lowercase words allowed inside a multi-word name ("Congress of the Peoples").
const NAME_JOINERS: &[&str] = &["of", "the", "de", "von", "van", "la", "le", "du", "der", "and"];

/// Proposes cloze drafts for a text, best first.
pub fn extract(text: &str) -> Vec<Draft> {
    let sentences = split_sentences(text);
    let known_names = mid_sentence_capitals(&sentences);
    let mut drafts: Vec<Draft> = sentences
        .iter()
        .filter_map(|(line, sentence)| draft_for(sentence, *line, &known_names))
        .collect();
    // A name the whole text keeps returning to (its subject) is a poor blank.
    for draft in drafts.iter_mut().filter(|d| d.kind == TermKind::Name) {
        let mentions = sentences.iter().filter(|(_, s)| s.contains(&draft.term)).count() as i32;
        let single_word = i32::from(!draft.term.contains(' ')) * 3;
        draft.score -= (mentions - 1).clamp(0, 12) + single_word;
    }
    drafts.sort_by(|a, b| b.score.cmp(&a.score).then(a.line.cmp(&b.line)));
    merge_near_duplicates(drafts)
}

/// Splits prose into sentences with their starting line. Line breaks inside
/// a sentence (even blank ones, as in text copied from print) are spaces.
pub fn split_sentences(text: &str) -> Vec<(usize, String)> {
    let mut sentences = Vec::new();
    let mut current = String::new();
    let mut start_line = 1;
    let chars: Vec<(usize, char)> = text
        .chars()
        .scan(1usize, |line, c| {
            let at = *line;
            if c == '\n' {
                *line += 1;
            }
            Some((at, c))
        })
        .collect();
    // Set at a sentence's final punctuation: closing quotes and brackets
    // that follow still belong to it.
    let mut ending = false;
    for (i, &(line, c)) in chars.iter().enumerate() {
        if ending && !is_closer(c) {
            push_sentence(&mut sentences, start_line, &mut current);
            ending = false;
        }
        if current.trim().is_empty() {
            start_line = line;
        }
        current.push(if c.is_whitespace() { ' ' } else { c });
        if matches!(c, '.' | '!' | '?') && ends_sentence(&current, &chars[i + 1..]) {
            ending = true;
        }
    }
    push_sentence(&mut sentences, start_line, &mut current);
    sentences
}

fn push_sentence(sentences: &mut Vec<(usize, String)>, line: usize, current: &mut String) {
    let sentence = current.split_whitespace().collect::<Vec<_>>().join(" ");
    if !sentence.is_empty() {
        sentences.push((line, sentence));
    }
    current.clear();
}

/// Whether the punctuation just pushed ends the sentence, looking at the
/// word before it and the text after it.
fn ends_sentence(current: &str, rest: &[(usize, char)]) -> bool {
    let mut after = rest.iter().map(|(_, c)| *c).peekable();
    // Closing quotes and brackets stay with this sentence.
    let mut closers = 0;
    while after.peek().is_some_and(|c| is_closer(*c)) {
        after.next();
        closers += 1;
    }
    let next_is_space = after.peek().is_none_or(|c| c.is_whitespace());
    let next_word = after.find(|c| !c.is_whitespace());
    if !next_is_space && closers == 0 {
        return false;
    }
    let starts_new = next_word.is_none_or(|c| c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '‘'));
    if !starts_new {
        return false;
    }
    let word: String = current
        .trim_end_matches(['.', '!', '?'])
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    let ellipsis = current.ends_with(". .") || current.ends_with("..");
    !(initial || ellipsis || ABBREVIATIONS.contains(&word.to_lowercase().as_str()))
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']')
}

/// Capitalised words seen in the middle of sentences: names, not sentence starts.
fn mid_sentence_capitals(sentences: &[(usize, String)]) -> HashSet<String> {
    sentences
        .iter()
        .flat_map(|(_, s)| words(s).into_iter().skip(1))
        .filter(|w| is_capitalised(w))
        .map(|w| w.to_string())
        .collect()
}

/// A sentence's words with surrounding punctuation removed.
fn words(sentence: &str) -> Vec<&str> {
    sentence
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .map(|w| w.strip_suffix("’s").or_else(|| w.strip_suffix("'s")).unwrap_or(w))
        .filter(|w| !w.is_empty())
        .collect()
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase) && !NOT_NAMES.contains(&word) && !is_month(word)
}

fn is_month(word: &str) -> bool {
    crate::deck::date::month_number(word).is_some() && word.chars().next().is_some_and(char::is_uppercase)
}

fn is_year(word: &str) -> bool {
    word.len() == 4 && word.parse::<u32>().is_ok_and(|y| (1000..=2099).contains(&y))
}

/// `1918–1922` or `1921-22`-style spans of years.
fn is_year_range(word: &str) -> bool {
    word.split_once(['–', '-'])
        .is_some_and(|(from, to)| is_year(from) && to.len() >= 2 && to.chars().all(|c| c.is_ascii_digit()))
}

fn is_number(word: &str) -> bool {
    (word.chars().all(|c| c.is_ascii_digit()) && !is_year(word)) || NUMBER_WORDS.contains(&word.to_lowercase().as_str())
}

fn draft_for(sentence: &str, line: usize, known_names: &HashSet<String>) -> Option<Draft> {
    let count = sentence.split_whitespace().count();
    if !(6..=60).contains(&count) || sentence.contains("{{") || sentence.contains("}}") || looks_like_citation(sentence)
    {
        return None;
    }
    let tokens = words(sentence);
    let (kind, term) = date_term(&tokens)
        .map(|t| (TermKind::Date, t))
        .or_else(|| name_term(&tokens, known_names).map(|t| (TermKind::Name, t)))
        .or_else(|| number_term(&tokens).map(|t| (TermKind::Number, t)))?;
    let cloze = replace_first(sentence, &term)?;
    // Readable sentences first: 10-30 words best, long ones last (an author
    // will cut them down); quotations rank lower.
    let length_bonus = match count {
        10..=30 => 5,
        41.. => -5,
        _ => 0,
    };
    let quote_penalty = sentence.matches(['“', '"']).count() as i32 * 2;
    Some(Draft {
        cloze,
        term,
        kind,
        line,
        score: kind.weight() + length_bonus - quote_penalty,
    })
}

/// A bibliography entry rather than prose: `(City: Publisher, 2016)`, `vol. 7`, `3rd ed.`.
fn looks_like_citation(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    lower.contains(" vol. ")
        || lower.contains(" ed. (")
        || (lower.contains('(') && lower.contains(": ") && lower.contains(')'))
}

/// The most specific date: `day? Month year`, then a year, then a month.
fn date_term(tokens: &[&str]) -> Option<String> {
    for (i, w) in tokens.iter().enumerate() {
        if is_month(w) && tokens.get(i + 1).is_some_and(|y| is_year(y)) {
            let day = i
                .checked_sub(1)
                .and_then(|d| tokens.get(d))
                .filter(|d| d.parse::<u8>().is_ok_and(|n| (1..=31).contains(&n)));
            return Some(match day {
                Some(day) => format!("{day} {w} {}", tokens[i + 1]),
                None => format!("{w} {}", tokens[i + 1]),
            });
        }
    }
    tokens
        .iter()
        .find(|w| is_year(w) || is_year_range(w))
        .or_else(|| tokens.iter().find(|w| is_month(w)))
        .map(|w| w.to_string())
}

/// The longest run of capitalised words that reads as a name.
fn name_term(tokens: &[&str], known_names: &HashSet<String>) -> Option<String> {
    let mut best: Option<Vec<&str>> = None;
    let mut i = 0;
    while i < tokens.len() {
        // A sentence's first word is a name when the text uses it as one
        // elsewhere, or when a capitalised word follows ("John Reed caught").
        let starts = is_capitalised(tokens[i])
            && (i > 0 || known_names.contains(tokens[i]) || tokens.get(1).is_some_and(|w| is_capitalised(w)));
        if !starts {
            i += 1;
            continue;
        }
        let mut run = vec![tokens[i]];
        let mut j = i + 1;
        while j < tokens.len() {
            let joins = NAME_JOINERS.contains(&tokens[j]) && tokens.get(j + 1).is_some_and(|w| is_capitalised(w));
            if is_capitalised(tokens[j]) || joins {
                run.push(tokens[j]);
                j += 1;
            } else {
                break;
            }
        }
        if best.as_ref().is_none_or(|b| run.len() > b.len()) {
            best = Some(run);
        }
        i = j;
    }
    best.map(|run| run.join(" "))
}

/// A number with the word it counts ("six weeks", "300 delegates").
fn number_term(tokens: &[&str]) -> Option<String> {
    // A number opening a sentence is usually a footnote mark left by a copy.
    let i = tokens.iter().skip(1).position(|w| is_number(w))? + 1;
    let unit = tokens
        .get(i + 1)
        .filter(|u| u.chars().all(char::is_lowercase) && u.len() > 2);
    Some(match unit {
        Some(unit) => format!("{} {unit}", tokens[i]),
        None => tokens[i].to_string(),
    })
}

/// The sentence with the first whole-word occurrence of `term` as a deletion.
/// Names and dates may be split by punctuation in the sentence ("Rosmer’s"),
/// so the match ends at a word boundary, not necessarily a space.
fn replace_first(sentence: &str, term: &str) -> Option<String> {
    let mut from = 0;
    while let Some(found) = sentence[from..].find(term) {
        let start = from + found;
        let end = start + term.len();
        let before_ok = sentence[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = sentence[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return Some(format!("{}{{{{{term}}}}}{}", &sentence[..start], &sentence[end..]));
        }
        from = start + term.len().max(1);
    }
    None
}

/// Drops drafts whose words mostly repeat a better-ranked draft's.
fn merge_near_duplicates(drafts: Vec<Draft>) -> Vec<Draft> {
    let mut kept: Vec<(Draft, HashSet<String>)> = Vec::new();
    for draft in drafts {
        let set: HashSet<String> = words(&draft.cloze).into_iter().map(str::to_lowercase).collect();
        let duplicate = kept.iter().any(|(_, other)| {
            let shared = set.intersection(other).count() as f64;
            let union = set.union(other).count() as f64;
            union > 0.0 && shared / union >= 0.6
        });
        if !duplicate {
            kept.push((draft, set));
        }
    }
    kept.into_iter().map(|(d, _)| d).collect()
}

/// Renders drafts as deck-file fact blocks, ids `draft-N` from `first_number`.
pub fn render_facts(drafts: &[Draft], source: &str, first_number: usize) -> String {
    let mut out = String::new();
    for (i, draft) in drafts.iter().enumerate() {
        out.push_str(&format!(
            "\n## draft-{}\ncloze: {}\ntags: draft {}\nsource: {source}, line {}\n",
            first_number + i,
            draft.cloze,
            draft.kind.tag(),
            draft.line
        ));
    }
    out
}

/// Appends drafts to a deck file (created when missing), numbering their ids
/// after the file's existing `draft-N` facts. The whole new text is checked
/// before it replaces the file, atomically.
pub fn append_to_deck_file(path: &Path, drafts: &[Draft], source: &str) -> Result<()> {
    let text = match std::fs::read(path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => render_deck(drafts, source),
        Err(source) => {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source,
            });
        }
        Ok(bytes) => {
            let old = String::from_utf8(bytes).map_err(|_| {
                Error::Usage(format!(
                    "{} is not UTF-8 text.\n  hint: choose another --out file",
                    path.display()
                ))
            })?;
            let next = old
                .lines()
                .filter_map(|l| l.strip_prefix("## draft-").and_then(|n| n.trim().parse::<usize>().ok()))
                .max()
                .map_or(1, |n| n + 1);
            let separator = if old.ends_with('\n') || old.is_empty() {
                ""
            } else {
                "\n"
            };
            format!("{old}{separator}{}", render_facts(drafts, source, next))
        }
    };
    let key = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    crate::deck::parse_deck(&path.display().to_string(), &key, text.as_bytes()).map_err(Error::Deck)?;
    crate::files::write_atomic(path, text.as_bytes())
}

/// A new deck file holding drafts.
pub fn render_deck(drafts: &[Draft], source: &str) -> String {
    format!(
        "// Drafts made by `iskra extract` from {source}.\n// Edit them, delete what is not worth learning, then `iskra build` this file.\n# Drafts from {source}\ndescription: cloze drafts to edit\n{}",
        render_facts(drafts, source, 1)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sentences_but_not_abbreviations_or_initials() {
        let text = "He sailed to St. Petersburg in 1920. J. Reed went\n\non to Baku. “I was there,” he says. \
                    Camus said “it goes astray.” More followed. Then . . . nothing!";
        let sentences: Vec<String> = split_sentences(text).into_iter().map(|(_, s)| s).collect();
        assert_eq!(
            sentences,
            vec![
                "He sailed to St. Petersburg in 1920.",
                "J. Reed went on to Baku.",
                "“I was there,” he says.",
                "Camus said “it goes astray.”",
                "More followed.",
                "Then . . . nothing!"
            ]
        );
    }

    #[test]
    fn picks_dates_then_names_then_numbers() {
        let text = "Rosmer travelled to Moscow in June 1920 with the delegation. \
                    The delegation then went south and met John Reed on the way. \
                    The whole trip took six weeks and was often very hard going.";
        let drafts = extract(text);
        assert_eq!(drafts.len(), 3, "{drafts:?}");
        assert_eq!((drafts[0].kind, drafts[0].term.as_str()), (TermKind::Date, "June 1920"));
        assert_eq!(
            drafts[0].cloze,
            "Rosmer travelled to Moscow in {{June 1920}} with the delegation."
        );
        assert_eq!((drafts[1].kind, drafts[1].term.as_str()), (TermKind::Name, "John Reed"));
        assert_eq!(
            (drafts[2].kind, drafts[2].term.as_str()),
            (TermKind::Number, "six weeks")
        );
    }

    #[test]
    fn year_ranges_are_dates_and_footnote_numbers_are_not_terms() {
        let drafts = extract(
            "The new parties of 1918–1922 were uneasy mixtures of old and young. 8 The plan was dropped soon after that meeting.",
        );
        assert_eq!(drafts.len(), 1, "{drafts:?}");
        assert_eq!(drafts[0].term, "1918–1922");
    }

    #[test]
    fn near_duplicates_are_merged() {
        let text = "Rosmer went to Moscow in 1920 to attend the congress there. \
                    Rosmer went to Moscow in 1920 to attend the big congress there.";
        assert_eq!(extract(text).len(), 1);
    }

    #[test]
    fn drafts_render_as_valid_deck_files() {
        let drafts = extract("Lenin spoke to the Fourth Congress in November 1922 for the last time.");
        let text = render_deck(&drafts, "notes.txt");
        let deck = crate::deck::parse_deck("d.deck", "d", text.as_bytes()).unwrap();
        assert_eq!(deck.facts.len(), 1);
        assert_eq!(deck.facts[0].cards()[0].answer, "November 1922");
    }

    #[test]
    fn appending_keeps_the_file_and_numbers_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drafts.deck");
        let drafts =
            extract("Reed died in Moscow in October 1920 after the congress. Lenin died in January 1924 in Gorki.");
        append_to_deck_file(&path, &drafts[..1], "a.txt").unwrap();
        let first = std::fs::read_to_string(&path).unwrap();
        append_to_deck_file(&path, &drafts[1..], "a.txt").unwrap();
        let both = std::fs::read_to_string(&path).unwrap();
        assert!(both.starts_with(&first));
        assert!(both.contains("## draft-1\n") && both.contains("## draft-2\n"), "{both}");
        // A file that would not parse afterwards is left alone.
        std::fs::write(&path, "# D\n## x\nq: no answer\n").unwrap();
        assert!(matches!(
            append_to_deck_file(&path, &drafts, "a.txt"),
            Err(Error::Deck(_))
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "# D\n## x\nq: no answer\n");
    }

    #[test]
    fn a_name_inside_a_possessive_is_found() {
        assert_eq!(
            replace_first("It was Rosmer’s journey.", "Rosmer").as_deref(),
            Some("It was {{Rosmer}}’s journey.")
        );
        assert_eq!(replace_first("Rosmerovich", "Rosmer"), None);
    }
}
