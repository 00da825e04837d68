//! `extract`: cloze drafts from prose, a draft per key term a teacher
//! would blank. The text is cleaned and split into sentences ([`text`]:
//! footnote markers, references and headings set aside); each sentence's
//! key terms ([`terms`]) are whole dates, numbers with what they count and
//! proper names (people, places, organisations, events, titles). Never
//! blanked: the document's subject (its most frequent name, and the other
//! words of its full name) but in a sentence that defines it; words that
//! only look like names (a sentence's first word, ordinal adverbs, `the
//! Left`, `the Bolsheviks`); countries and continents and the names the text
//! keeps returning to, too broad to ask for. A sentence with several key
//! terms yields one draft for each (up to [`MAX_PER_SENTENCE`], when/who/how
//! many/where first); a name blanked before is kept back unless the sentence
//! has nothing else.
//! Drafts are ranked (dates, people, numbers, places, other names; readable
//! sentences first) and are drafts for an author to edit, never cards on
//! their own.

mod terms;
mod text;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::error::{Error, Result};
use crate::quiz::normalize::Folded;
pub use terms::TermKind;
use terms::{Context, Term, terms, words};
use text::looks_like_citation;
pub use text::split_sentences;

/// Drafts made from one sentence, at most.
pub const MAX_PER_SENTENCE: usize = 3;
/// The largest text drafts are made from, in bytes: a book's prose is a
/// few MiB; this bounds the work and memory a file named by mistake costs.
pub const MAX_SOURCE_BYTES: u64 = 16 << 20;

/// Drafts blanking the same term, at most: where it first appears, and one
/// sentence that has nothing else to ask.
pub const MAX_PER_TERM: usize = 2;

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

/// How names are used across a text: mentions by folded name, and the
/// capitalised words used as names mid-sentence.
struct Usage {
    mentions: HashMap<String, usize>,
    known: HashSet<String>,
    /// `X’s Y` pairs used more than once (`Lenin’s Moscow`): titles.
    titles: HashSet<(String, String)>,
    subject: Option<String>,
    /// The other words of the subject's full names (`alfred` when the
    /// subject is `rosmer` and the text names `alfred rosmer`): worked out
    /// once, so [`Usage::is_subject`] is a lookup, not a scan of every name.
    aliases: HashSet<String>,
}

impl Usage {
    fn of(sentences: &[(usize, String)]) -> Usage {
        let known: HashSet<String> = sentences
            .iter()
            .flat_map(|(_, s)| {
                words(s)
                    .into_iter()
                    .filter(|w| !w.opens)
                    .map(|w| w.core.to_string())
                    .collect::<Vec<_>>()
            })
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .collect();
        let mut pairs: HashMap<(String, String), usize> = HashMap::new();
        for (_, sentence) in sentences {
            let words = words(sentence);
            for pair in words
                .windows(2)
                .filter(|p| p[0].possessive && p[1].core.starts_with(char::is_uppercase))
            {
                *pairs
                    .entry((pair[0].core.to_string(), pair[1].core.to_string()))
                    .or_default() += 1;
            }
        }
        let titles: HashSet<(String, String)> = pairs.into_iter().filter(|(_, n)| *n >= 2).map(|(p, _)| p).collect();
        let mut usage = Usage {
            mentions: HashMap::new(),
            known,
            titles,
            subject: None,
            aliases: HashSet::new(),
        };
        let context = usage.context();
        let mut mentions: HashMap<String, usize> = HashMap::new();
        for (_, sentence) in sentences {
            for term in terms(sentence, &context)
                .into_iter()
                .filter(|t| t.kind != TermKind::Date && t.kind != TermKind::Number)
            {
                let key = key(&term.text);
                // A full name counts for its surname too (`Alfred Rosmer`, `Rosmer`).
                if let Some(last) = key
                    .rsplit(' ')
                    .next()
                    .filter(|_| key.contains(' ') && term.kind == TermKind::Person)
                {
                    *mentions.entry(last.to_string()).or_default() += 1;
                }
                *mentions.entry(key).or_default() += 1;
            }
        }
        drop(context);
        usage.subject = mentions
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .filter(|(_, n)| **n >= 3)
            .map(|(name, _)| name.clone());
        usage.aliases = usage.subject.as_deref().map_or_else(HashSet::new, |subject| {
            mentions
                .keys()
                .filter(|full| full.contains(' ') && full.split(' ').any(|w| w == subject))
                .flat_map(|full| full.split(' ').map(str::to_string))
                .collect()
        });
        usage.mentions = mentions;
        usage
    }

    fn context(&self) -> Context<'_> {
        Context {
            known: Box::new(|w| self.known.contains(w)),
            title: Box::new(|a, b| self.titles.contains(&(a.to_string(), b.to_string()))),
        }
    }

    fn count(&self, name: &str) -> usize {
        self.mentions.get(&key(name)).copied().unwrap_or(0)
    }

    /// The subject, or a name of it: `Alfred Rosmer` when it is `Rosmer`,
    /// `Paris` when it is `Commune` and the text names the `Paris Commune`.
    fn is_subject(&self, name: &str) -> bool {
        let Some(subject) = &self.subject else {
            return false;
        };
        let name = key(name);
        let word_of = |longer: &str, word: &str| longer.split(' ').any(|w| w == word);
        name == *subject || word_of(&name, subject) || word_of(subject, &name) || self.aliases.contains(&name)
    }

    /// A name the text keeps returning to (a third as often as its subject, six times or more).
    fn is_topic(&self, name: &str) -> bool {
        let top = self
            .subject
            .as_deref()
            .map_or(0, |s| self.mentions.get(s).copied().unwrap_or(0));
        let n = self.count(name);
        n >= 6 && n * 3 >= top
    }
}

fn key(text: &str) -> String {
    Folded::new(text).key()
}

/// Whether the sentence defines `term`, which opens it (`Alfred Rosmer
/// (1877–1964) was a French syndicalist`).
fn defines(sentence: &str, term: &Term) -> bool {
    if term.span.start != 0 {
        return false;
    }
    let rest = sentence[term.span.end..].trim_start();
    let rest = match rest.strip_prefix('(') {
        Some(inner) => inner.split_once(')').map_or("", |(_, after)| after.trim_start()),
        None => rest.trim_start_matches(',').trim_start(),
    };
    [
        "was a ",
        "was an ",
        "was the ",
        "is a ",
        "is an ",
        "is the ",
        "were a ",
        "were the ",
    ]
    .iter()
    .any(|p| rest.starts_with(p))
}

/// Proposes cloze drafts for a text, best first.
pub fn extract(text: &str) -> Vec<Draft> {
    let sentences = split_sentences(text);
    let usage = Usage::of(&sentences);
    let context = usage.context();
    let mut blanked = Blanked::default();
    let mut drafts = Vec::new();
    for (line, sentence) in &sentences {
        if !worth_drafting(sentence) {
            continue;
        }
        let found = terms(sentence, &context);
        let chosen = choose(sentence, found, &usage, &blanked);
        for (term, weak) in chosen {
            blanked.add(&key(&term.text));
            drafts.push(draft(sentence, *line, &term, weak));
        }
    }
    drafts.sort_by(|a, b| b.score.cmp(&a.score).then(a.line.cmp(&b.line)));
    merge_near_duplicates(drafts)
}

/// The names blanked so far, by folded name, and by the ends of the longer
/// names (`thiers` for `adolphe thiers`), so the count of a name is two
/// lookups, not a scan of every name blanked.
#[derive(Default)]
struct Blanked {
    names: HashMap<String, usize>,
    /// For each name blanked, each tail after one of its spaces.
    tails: HashMap<String, usize>,
}

impl Blanked {
    fn add(&mut self, name: &str) {
        *self.names.entry(name.to_string()).or_default() += 1;
        for (space, _) in name.match_indices(' ') {
            *self.tails.entry(name[space + 1..].to_string()).or_default() += 1;
        }
    }

    /// Times `name` was blanked, in full or as the end of a longer name
    /// (`Thiers` after `Adolphe Thiers`).
    fn times(&self, name: &str) -> usize {
        self.names.get(name).copied().unwrap_or(0) + self.tails.get(name).copied().unwrap_or(0)
    }
}

/// Sentences of a readable length that end as sentences do (not a
/// heading or a caption), not already clozes, not citations.
fn worth_drafting(sentence: &str) -> bool {
    let count = sentence.split_whitespace().count();
    let ended = sentence
        .trim_end_matches(['”', '"', '’', '\'', ')', ']'])
        .ends_with(['.', '!', '?']);
    ended
        && (6..=60).contains(&count)
        && !sentence.contains("{{")
        && !sentence.contains("}}")
        && !looks_like_citation(sentence)
}

/// The terms of a sentence worth a draft, with whether each is a weak one
/// (blanked before): the subject, countries and recurring names left out;
/// a name blanked before only where nothing else is; when/who/how many
/// first, full names before single words.
fn choose(sentence: &str, found: Vec<Term>, usage: &Usage, blanked: &Blanked) -> Vec<(Term, bool)> {
    let names = |t: &Term| !matches!(t.kind, TermKind::Date | TermKind::Number);
    let mut kept: Vec<(Term, bool, bool)> = found
        .into_iter()
        .filter(|t| !(names(t) && usage.is_subject(&t.text)) || defines(sentence, t))
        .map(|t| {
            let broad = t.region || (names(&t) && usage.is_topic(&t.text));
            let name = key(&t.text);
            let times = blanked.times(&name);
            (t, broad || times >= MAX_PER_TERM, times > 0)
        })
        .filter(|(_, dropped, _)| !dropped)
        .collect();
    // A name blanked before only where nothing else is.
    if kept.iter().any(|(_, _, again)| !again) {
        kept.retain(|(_, _, again)| !again);
    }
    kept.sort_by_key(|(t, _, again)| (*again, t.kind, !t.text.contains(' ')));
    kept.truncate(MAX_PER_SENTENCE);
    kept.sort_by_key(|(t, ..)| t.span.start);
    kept.into_iter().map(|(t, broad, again)| (t, broad || again)).collect()
}

fn draft(sentence: &str, line: usize, term: &Term, weak: bool) -> Draft {
    let cloze = format!(
        "{}{{{{{}}}}}{}",
        &sentence[..term.span.start],
        term.text,
        &sentence[term.span.end..]
    );
    let count = sentence.split_whitespace().count();
    // Readable sentences first: 10-30 words best, long ones last (an author
    // will cut them down); quotations rank lower.
    let length_bonus = match count {
        10..=30 => 5,
        41.. => -5,
        _ => 0,
    };
    let quote_penalty = sentence.matches(['“', '"']).count() as i32 * 2;
    let weight = match term.kind {
        TermKind::Date => 30,
        TermKind::Person => 25,
        TermKind::Number => 22,
        TermKind::Place => 18,
        TermKind::Name => 15,
    };
    Draft {
        cloze,
        term: term.text.clone(),
        kind: term.kind,
        line,
        score: weight + length_bonus - quote_penalty - if weak { 12 } else { 0 },
    }
}

/// Drops drafts blanking the same term in a sentence whose words mostly
/// repeat a better-ranked draft's.
fn merge_near_duplicates(drafts: Vec<Draft>) -> Vec<Draft> {
    let mut kept: Vec<Draft> = Vec::new();
    // The word sets of the drafts kept, by term: a draft is compared only
    // with those of its own term, not with every draft kept.
    let mut kept_words: HashMap<String, Vec<HashSet<String>>> = HashMap::new();
    for draft in drafts {
        let set: HashSet<String> = words(&draft.cloze.replace(['{', '}'], ""))
            .into_iter()
            .map(|w| w.core.to_lowercase())
            .collect();
        let same_term = kept_words.entry(draft.term.clone()).or_default();
        let duplicate = same_term.iter().any(|words| {
            let shared = set.intersection(words).count() as f64;
            let union = set.union(words).count() as f64;
            union > 0.0 && shared / union >= 0.6
        });
        if !duplicate {
            same_term.push(set);
            kept.push(draft);
        }
    }
    kept
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
/// after the file's existing `draft-N` facts and after those of `taken`
/// (the ids of the facts the file's deck has in the collection, whose
/// history a new draft must not take over). The whole new text is checked before it
/// replaces the file, atomically.
pub fn append_to_deck_file(path: &Path, drafts: &[Draft], source: &str, taken: &[String]) -> Result<()> {
    let after_taken = taken
        .iter()
        .filter_map(|id| id.strip_prefix("draft-").and_then(|n| n.parse::<usize>().ok()))
        .max()
        .unwrap_or(0);
    let read = crate::deck::build::read_deck_file(path);
    let text = match read {
        Err(Error::Io { source: err, .. }) if err.kind() == std::io::ErrorKind::NotFound => {
            render_deck(drafts, source, after_taken + 1)
        }
        Err(err) => return Err(err),
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
                .chain([after_taken])
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
pub fn render_deck(drafts: &[Draft], source: &str, first_number: usize) -> String {
    format!(
        "// Drafts made by `iskra extract` from {source}.\n// Edit them, delete what is not worth learning, then `iskra build` this file.\n# Drafts from {source}\ndescription: cloze drafts to edit\n{}",
        render_facts(drafts, source, first_number)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms_of(drafts: &[Draft]) -> Vec<&str> {
        drafts.iter().map(|d| d.term.as_str()).collect()
    }

    #[test]
    fn one_draft_per_key_term_dates_first() {
        let text = "Rosmer travelled to Moscow in June 1920 with the delegation of the French party. \
                    The delegation then went south and met John Reed on the way to Baku. \
                    The whole trip took six weeks and was often very hard going.";
        let drafts = extract(text);
        assert_eq!(drafts[0].kind, TermKind::Date);
        assert_eq!(
            drafts[0].cloze,
            "Rosmer travelled to Moscow in {{June 1920}} with the delegation of the French party."
        );
        let mut terms = terms_of(&drafts);
        terms.sort();
        // `Rosmer` at a sentence's start (a name the lexicon knows); not
        // `French`, an adjective.
        assert_eq!(
            terms,
            ["Baku", "John Reed", "June 1920", "Moscow", "Rosmer", "six weeks"],
            "{drafts:?}"
        );
        assert!(drafts.iter().all(|d| d.cloze.matches("{{").count() == 1));
    }

    #[test]
    fn the_subject_is_never_blanked_unless_defined() {
        let text = "Alfred Rosmer (1877–1964) was a French revolutionary syndicalist and a communist. \
                    Rosmer travelled to Moscow in June 1920 with the French delegation. \
                    In Moscow Rosmer sat on the executive of the Communist International. \
                    In 1924 the French Communist Party threw Rosmer out over his views. \
                    Later Rosmer broke with Trotsky in a dispute over his political judgements.";
        let drafts = extract(text);
        let blanks_rosmer: Vec<&str> = drafts
            .iter()
            .filter(|d| d.term.contains("Rosmer"))
            .map(|d| d.cloze.as_str())
            .collect();
        assert_eq!(
            blanks_rosmer,
            ["{{Alfred Rosmer}} (1877–1964) was a French revolutionary syndicalist and a communist."]
        );
        assert!(terms_of(&drafts).contains(&"Trotsky"), "{drafts:?}");
    }

    /// The subject's aliases and the blanked names' tails, worked out once,
    /// give what scanning every name gave (extract on 2,000 sentences of
    /// distinct names took 43 s scanning).
    #[test]
    fn aliases_and_tails_answer_what_scanning_every_name_answered() {
        let text = "Alfred Rosmer (1877–1964) was a French revolutionary syndicalist and a communist. \
                    Rosmer travelled to Moscow in June 1920 with the French delegation. \
                    In Moscow Rosmer sat on the executive of the Communist International. \
                    Later Rosmer broke with Leon Trotsky in a dispute over his judgements.";
        let usage = Usage::of(&split_sentences(text));
        assert_eq!(usage.subject.as_deref(), Some("rosmer"));
        // `In Moscow Rosmer` reads as one name, so `moscow` is an alias too (as the scan had it).
        let expected: HashSet<String> = ["alfred", "moscow", "rosmer"].map(String::from).into();
        assert_eq!(usage.aliases, expected);
        let subject = "rosmer";
        let word_of = |longer: &str, word: &str| longer.split(' ').any(|w| w == word);
        for name in usage
            .mentions
            .keys()
            .chain(["Alfred", "Leon", "Moscow", "Trotsky"].map(String::from).iter())
        {
            let name = key(name);
            let scanned = name == subject
                || word_of(&name, subject)
                || word_of(subject, &name)
                || usage
                    .mentions
                    .keys()
                    .any(|full| word_of(full, subject) && word_of(full, &name) && full.contains(' '));
            assert_eq!(usage.is_subject(&name), scanned, "{name}");
        }
        let mut blanked = Blanked::default();
        for name in ["adolphe thiers", "thiers", "la grande armee", "grande"] {
            blanked.add(name);
        }
        for (name, times) in [
            ("thiers", 2),
            ("grande armee", 1),
            ("armee", 1),
            ("grande", 1),
            ("adolphe", 0),
        ] {
            assert_eq!(blanked.times(name), times, "{name}");
        }
    }

    #[test]
    fn near_duplicates_of_one_term_merge_and_other_terms_stay() {
        let draft = |cloze: &str, term: &str| Draft {
            cloze: cloze.into(),
            term: term.into(),
            kind: TermKind::Place,
            line: 1,
            score: 0,
        };
        let drafts = vec![
            draft("The sailors of {{Kronstadt}} rose in March.", "Kronstadt"),
            draft("The {{sailors}} of Kronstadt rose in March.", "sailors"),
            draft("The sailors of {{Kronstadt}} rose early in March.", "Kronstadt"),
            draft("Petrichenko fled from {{Kronstadt}} across the ice.", "Kronstadt"),
        ];
        let kept = merge_near_duplicates(drafts.clone());
        assert_eq!(kept, [drafts[0].clone(), drafts[1].clone(), drafts[3].clone()]);
    }

    #[test]
    fn countries_and_recurring_names_are_no_question_alone() {
        let text = "The revolutionary wave spread across the whole of Europe in those years. \
                    The workers of Italy occupied the factories in September 1920 across the north. \
                    Many of the young militants were pulled to the Left by the events.";
        let drafts = extract(text);
        assert!(!terms_of(&drafts).contains(&"Europe"), "{drafts:?}");
        assert!(!terms_of(&drafts).contains(&"Left"), "{drafts:?}");
        assert!(terms_of(&drafts).contains(&"September 1920"), "{drafts:?}");
    }

    #[test]
    fn a_name_blanked_before_waits_for_a_sentence_without_other_terms() {
        let text = "Kronstadt had been a stronghold of the revolution since the summer of 1917. \
                    The sailors of Kronstadt elected Stepan Petrichenko to lead their committee. \
                    The Kronstadt garrison was said to number about 26,000 men in all. \
                    Petrichenko fled across the ice to Finland with many of the rebels from Kronstadt. \
                    In exile Petrichenko kept in touch with the emigre groups in Helsinki.";
        let drafts = extract(text);
        let petrichenko: Vec<&str> = drafts
            .iter()
            .filter(|d| d.term.contains("Petrichenko"))
            .map(|d| d.cloze.as_str())
            .collect();
        assert_eq!(
            petrichenko,
            [
                "The sailors of Kronstadt elected {{Stepan Petrichenko}} to lead their committee.",
                "{{Petrichenko}} fled across the ice to Finland with many of the rebels from Kronstadt."
            ],
            "{drafts:?}"
        );
    }

    #[test]
    fn drafts_render_as_valid_deck_files() {
        let drafts = extract("Lenin spoke to the Fourth Congress in November 1922 for the last time.");
        let text = render_deck(&drafts, "notes.txt", 1);
        let deck = crate::deck::parse_deck("d.deck", "d", text.as_bytes()).unwrap();
        assert_eq!(deck.facts.len(), drafts.len());
        let answers: Vec<String> = deck.facts.iter().map(|f| f.cards()[0].answer.clone()).collect();
        assert!(answers.contains(&"November 1922".to_string()), "{answers:?}");
    }

    #[test]
    fn appending_keeps_the_file_and_numbers_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drafts.deck");
        let drafts =
            extract("Reed died in Moscow in October 1920 after the congress. Lenin died in January 1924 in Gorki.");
        append_to_deck_file(&path, &drafts[..1], "a.txt", &[]).unwrap();
        let first = std::fs::read_to_string(&path).unwrap();
        append_to_deck_file(&path, &drafts[1..], "a.txt", &[]).unwrap();
        let both = std::fs::read_to_string(&path).unwrap();
        assert!(both.starts_with(&first));
        assert!(both.contains("## draft-1\n") && both.contains("## draft-2\n"), "{both}");
        // Ids go on after the highest, whatever else the file holds.
        std::fs::write(&path, "# D\n## draft-7\ncloze: a {{b}} c\n## mine\nq: q\na: a\n").unwrap();
        append_to_deck_file(&path, &drafts[..2], "a.txt", &[]).unwrap();
        let numbered = std::fs::read_to_string(&path).unwrap();
        assert!(
            numbered.contains("## draft-8\n") && numbered.contains("## draft-9\n"),
            "{numbered}"
        );
        // Nor does a new draft take the id of one removed from the deck
        // (its history is kept for it), in the file or in a new one.
        let removed = ["draft-12".to_string(), "mine-2".to_string()];
        append_to_deck_file(&path, &drafts[..1], "a.txt", &removed).unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(
            after.contains("## draft-13\n") && !after.contains("## draft-10\n"),
            "{after}"
        );
        let fresh = dir.path().join("fresh.deck");
        append_to_deck_file(&fresh, &drafts[..1], "a.txt", &removed).unwrap();
        let fresh = std::fs::read_to_string(&fresh).unwrap();
        assert!(
            fresh.contains("## draft-13\n") && !fresh.contains("## draft-1\n"),
            "{fresh}"
        );
        // A file that would not parse afterwards is left alone.
        std::fs::write(&path, "# D\n## x\nq: no answer\n").unwrap();
        assert!(matches!(
            append_to_deck_file(&path, &drafts, "a.txt", &[]),
            Err(Error::Deck(_))
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "# D\n## x\nq: no answer\n");
    }
}
