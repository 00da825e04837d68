//! Wrong options for multiple-choice and true/false questions, as a teacher
//! would write them: of the same [kind](super::kind) as the right answer
//! and written the same way (a person for a person, a possessive for a
//! possessive, two places for two places, a year with the same pattern,
//! a number of the same unit, a phrase that opens alike), of a similar
//! length.
//!
//! They come from the answers of other facts of the same deck, the
//! closest-looking first; then from answers made from the right one or from
//! the deck (nearby years and numbers, other months, other people's names in
//! the possessive, other lists of names); then, for names of people, places,
//! organisations, events, works and doctrines, from the other decks. A
//! candidate is never offered when the matcher would accept it for the
//! right answer or any of its alternatives (or it would accept the right
//! answer), when one contains the other once folded (`St. Petersburg` and
//! `St. Petersburg (Petrograd)`), when the question already shows it, or
//! when it duplicates another option. An answer with fewer than
//! [`MIN_DISTRACTORS`] such options is asked typed instead: nothing is
//! invented to fill a menu. All choices draw on the caller's seeded
//! generator.

use std::borrow::Cow;

use rand::Rng;
use rand::RngExt;
use rand::seq::SliceRandom;

use super::kind::{Class, Form, Kind, classify};
use super::matcher::Expected;
use super::normalize::{Folded, has_digit, in_words};
use crate::deck::date::MONTHS;

/// Options offered by a multiple-choice question, at most.
pub const MAX_OPTIONS: usize = 4;

/// Plausible wrong options a choice or true/false question needs; with
/// fewer the question is typed.
pub const MIN_DISTRACTORS: usize = 2;

/// An answer that may serve as a distractor for other facts.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The fact it belongs to: never a distractor for its own fact.
    pub fact: String,
    pub expected: Expected,
    pub class: Class,
}

/// A multiple-choice question's options; `correct` indexes the right one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub options: Vec<String>,
    pub correct: usize,
}

/// Where distractors for one answer come from.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'p> {
    /// The answers of the same deck (and the same group of cards).
    pub deck: &'p [Candidate],
    /// The answers of the other decks in the quiz.
    pub others: &'p [Candidate],
    /// The question as shown: an option it already names is no option.
    pub question: &'p str,
}

/// Whether two answers could be taken for each other.
fn conflicts(a: &Expected, b: &Expected) -> bool {
    a.accepts_answer(b) || b.accepts_answer(a)
}

/// Whether one folded answer contains the other (`Petersburg` and `St.
/// Petersburg (Petrograd)`).
pub fn overlaps(a: &str, b: &str) -> bool {
    keys_overlap(&Folded::new(a).key(), &Folded::new(b).key())
}

fn keys_overlap(a: &str, b: &str) -> bool {
    !a.is_empty() && !b.is_empty() && (a.contains(b) || b.contains(a))
}

fn key_of(expected: &Expected) -> String {
    expected.folded().map(Folded::key).unwrap_or_default()
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Of a length a teacher would put next to the answer: from about half to
/// about twice its words.
fn similar_length(right: &str, candidate: &str) -> bool {
    let (n, m) = (word_count(right), word_count(candidate));
    m + 1 >= n / 2 && m <= 2 * n + 1
}

/// Whether `candidate` may stand next to `right` as a wrong option: another
/// fact's answer of the same kind and form and a similar length. A name of
/// unknown kind has no plausible company.
fn plausible(right: &Candidate, candidate: &Candidate) -> bool {
    candidate.fact != right.fact
        && candidate.class == right.class
        && right.class.kind != Kind::Name
        && similar_length(right.expected.text(), candidate.expected.text())
}

/// Kinds whose answers make sense across decks (names, not phrases).
fn crosses_decks(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Person | Kind::Place | Kind::Organisation | Kind::Event | Kind::Work | Kind::Doctrine
    )
}

/// How much a candidate looks unlike the right answer (lower is closer):
/// the difference in words (up to 3), and 2 for starting in lower case when
/// the answer does not (or the reverse).
fn distance(right: &Expected, candidate: &Expected) -> usize {
    let lower = |e: &Expected| e.text().chars().next().is_some_and(char::is_lowercase);
    word_count(right.text()).abs_diff(word_count(candidate.text())).min(3)
        + 2 * usize::from(lower(right) != lower(candidate))
}

/// Up to `want` distractors for `right`: the deck's plausible answers
/// (closest-looking first, in random order among equals), then answers
/// made from the right one or from the deck, then the other decks'.
pub fn distractors<'p>(right: &Candidate, sources: Sources<'p>, want: usize, rng: &mut impl Rng) -> Vec<String> {
    let mut deck = plausible_in(right, sources.deck, rng);
    deck.sort_by_key(|c| distance(&right.expected, c));
    let others = if crosses_decks(right.class.kind) {
        plausible_in(right, sources.others, rng)
    } else {
        Vec::new()
    };
    let made = made_up(right, sources.deck, rng)
        .into_iter()
        .map(|text| Cow::Owned(Expected::new(&text, &[])));
    let known = |list: Vec<&'p Expected>| list.into_iter().map(Cow::Borrowed);
    let ordinals = other_ordinals(right.expected.text())
        .into_iter()
        .map(|text| Cow::Owned(Expected::new(&text, &[])));
    let candidates = ordinals.chain(known(deck)).chain(made).chain(known(others));
    choose(right, candidates, sources.question, want)
}

/// The plausible answers of a pool, shuffled.
fn plausible_in<'p>(right: &Candidate, pool: &'p [Candidate], rng: &mut impl Rng) -> Vec<&'p Expected> {
    let mut found: Vec<&Expected> = pool
        .iter()
        .filter(|c| plausible(right, c))
        .map(|c| &c.expected)
        .collect();
    found.shuffle(rng);
    found
}

/// The first `want` candidates that are neither the right answer in
/// disguise, nor shown by the question, nor a repeat of one chosen.
fn choose<'c>(
    right: &Candidate,
    candidates: impl Iterator<Item = Cow<'c, Expected>>,
    question: &str,
    want: usize,
) -> Vec<String> {
    let mut chosen: Vec<(Cow<Expected>, String)> = Vec::with_capacity(want);
    let right_key = key_of(&right.expected);
    let question = format!(" {} ", Folded::new(question).key());
    for candidate in candidates {
        if chosen.len() == want {
            break;
        }
        let key = key_of(&candidate);
        let disguised = keys_overlap(&right_key, &key) || conflicts(&right.expected, &candidate);
        let repeated = chosen
            .iter()
            .any(|(c, k)| keys_overlap(k, &key) || conflicts(c, &candidate));
        let shown = !key.is_empty() && question.contains(&format!(" {key} "));
        if !disguised && !repeated && !shown {
            chosen.push((candidate, key));
        }
    }
    chosen.into_iter().map(|(c, _)| c.text().to_string()).collect()
}

/// Distractors for an item of a list (a sequence's `after`/`before` card):
/// the list's other items, the nearest to the answer first.
pub fn list_items(right: &Candidate, items: &[String], question: &str, want: usize, rng: &mut impl Rng) -> Vec<String> {
    let at = items
        .iter()
        .position(|i| Folded::new(i).key() == Folded::new(right.expected.text()).key());
    let mut others: Vec<(usize, &String)> = items.iter().enumerate().filter(|(i, _)| Some(*i) != at).collect();
    others.shuffle(rng);
    others.sort_by_key(|(i, _)| at.map_or(0, |at| at.abs_diff(*i)));
    let candidates = others.into_iter().map(|(_, item)| Cow::Owned(Expected::new(item, &[])));
    choose(right, candidates, question, want)
}

/// The right answer among the wrong ones, shuffled; none with fewer than
/// [`MIN_DISTRACTORS`] wrong ones.
pub fn shuffled(right: &str, wrong: Vec<String>, rng: &mut impl Rng) -> Option<Options> {
    if wrong.len() < MIN_DISTRACTORS {
        return None;
    }
    let mut options: Vec<String> = std::iter::once(right.to_string()).chain(wrong).collect();
    options.shuffle(rng);
    let correct = options.iter().position(|o| o == right)?;
    Some(Options { options, correct })
}

/// Plausible wrong answers made from the right one (shifted years and
/// numbers, other months) or from the deck's names (possessives, lists).
fn made_up(right: &Candidate, deck: &[Candidate], rng: &mut impl Rng) -> Vec<String> {
    let text = right.expected.text();
    match (right.class.kind, &right.class.form) {
        (Kind::Year | Kind::Period | Kind::Date, _) => shifted_years(text, rng),
        (Kind::Number, _) => shifted_numbers(text, rng),
        (Kind::Month, _) => other_months(text),
        (kind, Form::Possessive) => possessives(text, names(deck, kind, &right.fact)),
        (kind, Form::List(n)) => lists(text, *n, &names(deck, kind, &right.fact), rng),
        _ => Vec::new(),
    }
}

const ORDINALS: [&str; 12] = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
    "twelfth",
];

/// A name with another ordinal (`The Fifth Congress` → `The Fourth
/// Congress`, `The Sixth Congress`…), the nearest first.
fn other_ordinals(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split(' ').collect();
    let found = words.iter().enumerate().find_map(|(at, w)| {
        let n = ORDINALS.iter().position(|o| o.eq_ignore_ascii_case(w))?;
        Some((at, n))
    });
    let Some((at, n)) = found else {
        return Vec::new();
    };
    let capital = words[at].chars().next().is_some_and(char::is_uppercase);
    [n + 1, n.wrapping_sub(1), n + 2, n.wrapping_sub(2), n + 3]
        .into_iter()
        .filter_map(|m| ORDINALS.get(m))
        .map(|ordinal| {
            let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            out[at] = with_capital(ordinal, capital);
            out.join(" ")
        })
        .collect()
}

/// The deck's single names of a kind (not of `fact`) that say their kind
/// by themselves (`Leon Trotsky`, not `AngryWorkersWorld`, a group only in
/// its question), and contain no list of their own.
fn names<'d>(deck: &'d [Candidate], kind: Kind, fact: &str) -> Vec<&'d str> {
    deck.iter()
        .filter(|c| c.fact != fact && c.class.kind == kind && c.class.form == Form::Plain)
        .map(|c| c.expected.text())
        .filter(|name| !name.contains(" and ") && !name.contains(','))
        .filter(|name| {
            classify(None, name, &[])
                == Class {
                    kind,
                    form: Form::Plain,
                }
        })
        .collect()
}

/// Names in the possessive, with the answer's apostrophe.
fn possessives(right: &str, names: Vec<&str>) -> Vec<String> {
    let apostrophe = if right.contains('’') { '’' } else { '\'' };
    names
        .into_iter()
        .map(|name| match name.ends_with('s') {
            true => format!("{name}{apostrophe}"),
            false => format!("{name}{apostrophe}s"),
        })
        .collect()
}

/// Lists of `n` of the names, written like `A and B` or `A, B and C`.
fn lists(right: &str, n: usize, names: &[&str], rng: &mut impl Rng) -> Vec<String> {
    if names.len() < n || n < 2 {
        return Vec::new();
    }
    let mut found: Vec<String> = Vec::new();
    for _ in 0..12 {
        let mut picked: Vec<&str> = names.to_vec();
        picked.shuffle(rng);
        picked.truncate(n);
        // Only the list's first name keeps a capital `The`.
        let named: Vec<String> = picked
            .iter()
            .enumerate()
            .map(|(i, name)| match name.strip_prefix("The ") {
                Some(rest) if i > 0 => format!("the {rest}"),
                _ => name.to_string(),
            })
            .collect();
        let Some((last, first)) = named.split_last() else {
            continue;
        };
        let list = format!("{} and {last}", first.join(", "));
        if !found.contains(&list) && Folded::new(&list).key() != Folded::new(right).key() {
            found.push(list);
        }
    }
    found
}

/// The answer with every year moved by the same few years (up to six
/// either way; decades by as many decades), so dates keep their pattern
/// and periods their order.
fn shifted_years(text: &str, rng: &mut impl Rng) -> Vec<String> {
    let mut offsets: Vec<i64> = (1..=6).flat_map(|k| [k, -k]).collect();
    offsets.shuffle(rng);
    offsets
        .into_iter()
        .map(|k| shift_years(text, k))
        .filter(|shifted| shifted != text)
        .collect()
}

fn shift_years(text: &str, k: i64) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let len = rest[start..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len() - start);
        let digits = &rest[start..start + len];
        out.push_str(&rest[..start]);
        let after = &rest[start + len..];
        match digits.parse::<i64>() {
            Ok(year) if len == 4 && (1000..=2100).contains(&year) => {
                let decade = after.starts_with('s') && year % 10 == 0;
                out.push_str(&(year + if decade { 10 * k } else { k }).to_string());
            }
            _ => out.push_str(digits),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The answer with its last number moved a little (up to six either way;
/// never below zero). Digits stay digits; a number word stays a word.
fn shifted_numbers(text: &str, rng: &mut impl Rng) -> Vec<String> {
    let words: Vec<&str> = text.split(' ').collect();
    let Some((at, n, as_word)) = last_number(&words) else {
        return Vec::new();
    };
    let Ok(n) = i64::try_from(n) else {
        return Vec::new();
    };
    let mut offsets: Vec<i64> = (1..=6).flat_map(|k| [k, -k]).collect();
    offsets.shuffle(rng);
    offsets
        .into_iter()
        .filter_map(|k| n.checked_add(k).and_then(|m| u64::try_from(m).ok()))
        .filter(|m| as_word.is_none() || *m > 0)
        .map(|m| {
            let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            out[at] = match as_word {
                Some(capital) => with_capital(&in_words(m), capital),
                None => replace_digits(words[at], m),
            };
            out.join(" ")
        })
        .collect()
}

/// The last word holding a number: its index, value, and (for a number word)
/// whether it starts with a capital.
fn last_number(words: &[&str]) -> Option<(usize, u64, Option<bool>)> {
    if let Some(at) = words.iter().rposition(|w| has_digit(w)) {
        let digits: String = words[at]
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        return Some((at, digits.parse().ok()?, None));
    }
    let at = words.iter().position(|w| {
        Folded::new(w)
            .tokens()
            .first()
            .is_some_and(|t| t.chars().all(|c| c.is_ascii_digit()))
    })?;
    let value: u64 = Folded::new(words[at]).tokens().first()?.parse().ok()?;
    let capital = words[at].chars().next().is_some_and(char::is_uppercase);
    Some((at, value, Some(capital)))
}

/// `word` with its first run of digits replaced by `n`.
fn replace_digits(word: &str, n: u64) -> String {
    let start = word.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
    let end = word[start..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(word.len(), |i| start + i);
    format!("{}{n}{}", &word[..start], &word[end..])
}

fn with_capital(word: &str, capital: bool) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) if capital => first.to_uppercase().chain(chars).collect(),
        _ => word.to_string(),
    }
}

/// The other eleven months, written like the answer (capitalised or not).
fn other_months(text: &str) -> Vec<String> {
    let capital = text.chars().next().is_some_and(char::is_uppercase);
    let own = Folded::new(text).key();
    MONTHS
        .iter()
        .map(|m| m.to_lowercase())
        .filter(|m| *m != own)
        .map(|m| with_capital(&m, capital))
        .collect()
}

/// Other orders of a list answer written `a; b; c` (for `order` cards).
pub fn reorderings(text: &str, want: usize, rng: &mut impl Rng) -> Vec<String> {
    let items: Vec<&str> = text.split("; ").collect();
    let mut found: Vec<String> = Vec::new();
    if items.len() < 2 {
        return found;
    }
    for _ in 0..want * 10 {
        let mut order = items.clone();
        order.shuffle(rng);
        let shown = order.join("; ");
        if shown != text && !found.contains(&shown) {
            found.push(shown);
        }
        if found.len() == want {
            break;
        }
    }
    found
}

/// A coin toss for true/false questions.
pub fn coin(rng: &mut impl Rng) -> bool {
    rng.random_bool(0.5)
}

#[cfg(test)]
mod tests;
