//! Wrong options for multiple-choice and true/false questions.
//!
//! Every answer gets a [`Kind`], decided from its shape (a year, a date, a
//! month, a number), the question's wording ("who", "where", "which city")
//! and the fact's tags (`people`, `place`, `route`…). Distractors come from
//! the answers of *other* facts of the same kind in the same deck, the
//! closest-looking first (length, case, proper names); names may stand in
//! for people and places. When the
//! deck runs short, years, dates and numbers get nearby values and months
//! other months. A candidate is never the right answer in disguise (accepted
//! by the right answer's matcher, or accepting it), nor a duplicate of
//! another option. All choices draw on the caller's seeded generator.

use rand::Rng;
use rand::RngExt;
use rand::seq::SliceRandom;

use super::matcher::Expected;
use super::normalize::{Folded, has_digit, in_words};
use crate::deck::date::{MONTHS, month_number};

/// Options offered by a multiple-choice question, at most.
pub const MAX_OPTIONS: usize = 4;

/// What sort of thing an answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Year,
    Date,
    Month,
    Number,
    Person,
    Place,
    /// A proper name of several words that is neither clearly a person nor a place.
    Name,
    Other,
}

/// An answer that may serve as a distractor for other facts.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The fact it belongs to: never a distractor for its own fact.
    pub fact: String,
    pub expected: Expected,
    pub kind: Kind,
}

/// A multiple-choice question's options; `correct` indexes the right one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub options: Vec<String>,
    pub correct: usize,
}

/// Words that may stand next to a year or date without making it something else.
const DATE_WORDS: &[&str] = &[
    "in",
    "early",
    "late",
    "mid",
    "around",
    "circa",
    "c",
    "year",
    "years",
    "spring",
    "summer",
    "autumn",
    "fall",
    "winter",
    "end",
    "beginning",
    "of",
    "to",
    "and",
    "from",
    "until",
    "till",
    "between",
    "by",
    "on",
];

const INTERROGATIVES: &[&str] = &["who", "whom", "whose", "where", "when", "which", "what", "how", "why"];

const PLACE_NOUNS: &[&str] = &[
    "city",
    "cities",
    "country",
    "countries",
    "town",
    "port",
    "capital",
    "region",
    "province",
    "village",
    "place",
    "island",
    "river",
    "sea",
    "street",
];

const PERSON_NOUNS: &[&str] = &[
    "person",
    "man",
    "woman",
    "leader",
    "bolshevik",
    "revolutionary",
    "writer",
    "author",
    "comrade",
    "militant",
    "anarchist",
    "socialist",
    "communist",
    "syndicalist",
    "politician",
    "general",
    "delegate",
];

const PERSON_TAGS: &[&str] = &["people", "person", "persons", "who"];

const PLACE_TAGS: &[&str] = &[
    "place",
    "places",
    "geography",
    "city",
    "cities",
    "country",
    "countries",
    "route",
    "where",
    "location",
];

/// Words allowed in lower case inside a name (`Maximilien de Robespierre`).
const NAME_PARTICLES: &[&str] = &[
    "of", "de", "von", "van", "der", "la", "le", "du", "y", "and", "the", "al",
];

/// The kind of an answer. `question` is the wording of a question card;
/// none for answers taken from running text (clozes, sequences).
pub fn classify(question: Option<&str>, answer: &str, tags: &[String]) -> Kind {
    if let Some(kind) = shape_kind(&Folded::new(answer)) {
        return kind;
    }
    if let Some(kind) = question.and_then(asked_kind) {
        return kind;
    }
    let name_words = name_words(answer);
    let tagged = |list: &[&str]| tags.iter().any(|t| list.contains(&t.to_lowercase().as_str()));
    match name_words {
        Some(_) if tagged(PERSON_TAGS) => Kind::Person,
        Some(_) if tagged(PLACE_TAGS) => Kind::Place,
        // In running text (a cloze) a capital marks a name; at the start of
        // an answer it may be just the first letter.
        Some(n) if n >= 2 || question.is_none() => Kind::Name,
        _ => Kind::Other,
    }
}

fn is_year(token: &str) -> bool {
    token.len() == 4 && token.parse::<u32>().is_ok_and(|y| (1000..=2100).contains(&y))
}

fn is_month(token: &str) -> bool {
    month_number(token).is_some()
}

/// A day of the month: `13` or `13th`.
fn is_day(token: &str) -> bool {
    let digits = token.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &token[digits.len()..];
    matches!(suffix, "" | "st" | "nd" | "rd" | "th") && digits.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
}

/// Year, date, month or number, from the answer's words alone.
fn shape_kind(folded: &Folded) -> Option<Kind> {
    let tokens = folded.tokens();
    let years = tokens.iter().filter(|t| is_year(t)).count();
    let months = tokens.iter().filter(|t| is_month(t)).count();
    let dateish = |t: &String| is_year(t) || is_month(t) || is_day(t) || DATE_WORDS.contains(&t.as_str());
    if tokens.len() == 1 && months == 1 {
        return Some(Kind::Month);
    }
    if years >= 1 && tokens.iter().all(dateish) {
        let plain_year = years == 1 && months == 0 && !tokens.iter().any(|t| is_day(t));
        return Some(if plain_year { Kind::Year } else { Kind::Date });
    }
    let first_numeric = tokens.first().is_some_and(|t| has_digit(t));
    let rest_words = tokens.iter().skip(1).all(|t| !has_digit(t));
    (first_numeric && rest_words && tokens.len() <= 3).then_some(Kind::Number)
}

/// Person or place, from the question's first interrogative word.
fn asked_kind(question: &str) -> Option<Kind> {
    let folded = Folded::new(question);
    let words = folded.tokens();
    let at = words.iter().position(|w| INTERROGATIVES.contains(&w.as_str()))?;
    match words[at].as_str() {
        "who" | "whom" | "whose" => Some(Kind::Person),
        "where" => Some(Kind::Place),
        "which" | "what" => {
            let next: Vec<&str> = words.iter().skip(at + 1).take(2).map(String::as_str).collect();
            if next.iter().any(|w| PLACE_NOUNS.contains(w)) {
                Some(Kind::Place)
            } else if next.iter().any(|w| PERSON_NOUNS.contains(w)) {
                Some(Kind::Person)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// How many capitalised words the answer has, when it reads as a proper name
/// (one to four words, no digits, every word capitalised but particles).
fn name_words(answer: &str) -> Option<usize> {
    let words: Vec<&str> = answer
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words.len() > 4 || words.iter().any(|w| has_digit(w)) {
        return None;
    }
    let capitalised = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    let particles = words
        .iter()
        .filter(|w| NAME_PARTICLES.contains(&w.to_lowercase().as_str()))
        .count();
    (capitalised + particles >= words.len() && capitalised > 0).then_some(capitalised)
}

/// Whether two answers could be taken for each other.
fn conflicts(a: &Expected, b: &Expected) -> bool {
    a.accepts(b.text()) || b.accepts(a.text())
}

fn word_count(expected: &Expected) -> usize {
    expected.text().split_whitespace().count()
}

/// Which round a candidate is tried in, or none: 0 for the same kind,
/// 2 for a name standing in for a person or a place (made-up answers are round 1).
fn round(right: &Candidate, candidate: &Candidate) -> Option<usize> {
    if candidate.fact == right.fact {
        return None;
    }
    match (right.kind, candidate.kind) {
        (a, b) if a == b => Some(0),
        (Kind::Person | Kind::Place, Kind::Name) | (Kind::Name, Kind::Person | Kind::Place) => Some(2),
        _ => None,
    }
}

/// How much a candidate looks unlike the right answer (lower is closer):
/// the difference in words (up to 3), and 2 each for starting in lower case
/// or reading as a proper name when the answer does not (or the reverse).
fn distance(right: &Expected, candidate: &Expected) -> usize {
    let lower = |e: &Expected| e.text().chars().next().is_some_and(char::is_lowercase);
    let named = |e: &Expected| name_words(e.text()).is_some();
    word_count(right).abs_diff(word_count(candidate)).min(3)
        + 2 * usize::from(lower(right) != lower(candidate))
        + 2 * usize::from(named(right) != named(candidate))
}

/// Up to `want` distractors for `right`, drawn from `pool` (and, for years,
/// dates, numbers and months, made up when the pool runs short). Within the
/// same kind the closest-looking answers come first, in random order among
/// equals.
pub fn distractors(right: &Candidate, pool: &[Candidate], want: usize, rng: &mut impl Rng) -> Vec<String> {
    let mut rounds: [Vec<Expected>; 3] = Default::default();
    for candidate in pool {
        if let Some(r) = round(right, candidate) {
            rounds[r].push(candidate.expected.clone());
        }
    }
    rounds[1] = made_up(right, rng)
        .into_iter()
        .map(|text| Expected::new(&text, &[]))
        .collect();
    for round in &mut rounds {
        round.shuffle(rng);
    }
    rounds[0].sort_by_key(|c| distance(&right.expected, c));
    let mut chosen: Vec<Expected> = Vec::with_capacity(want);
    for candidate in rounds.into_iter().flatten() {
        if chosen.len() == want {
            break;
        }
        let clash = conflicts(&right.expected, &candidate) || chosen.iter().any(|c| conflicts(c, &candidate));
        if !clash {
            chosen.push(candidate);
        }
    }
    chosen.into_iter().map(|c| c.text().to_string()).collect()
}

/// The right answer and up to three distractors, shuffled; none when the
/// deck offers no distractor at all.
pub fn options(right: &Candidate, pool: &[Candidate], rng: &mut impl Rng) -> Option<Options> {
    let wrong = distractors(right, pool, MAX_OPTIONS - 1, rng);
    shuffled(right.expected.text(), wrong, rng)
}

/// The right answer among the wrong ones, shuffled; none without a wrong one.
pub fn shuffled(right: &str, wrong: Vec<String>, rng: &mut impl Rng) -> Option<Options> {
    if wrong.is_empty() {
        return None;
    }
    let mut options: Vec<String> = std::iter::once(right.to_string()).chain(wrong).collect();
    options.shuffle(rng);
    let correct = options.iter().position(|o| o == right)?;
    Some(Options { options, correct })
}

/// Plausible wrong answers made from the right one: shifted years and
/// numbers, other months.
fn made_up(right: &Candidate, rng: &mut impl Rng) -> Vec<String> {
    let text = right.expected.text();
    match right.kind {
        Kind::Year | Kind::Date | Kind::Number => shifted_numbers(text, rng),
        Kind::Month => other_months(text),
        _ => Vec::new(),
    }
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
    let first = words.first()?;
    let folded = Folded::new(first);
    let value: u64 = folded.tokens().first()?.parse().ok()?;
    let capital = first.chars().next().is_some_and(char::is_uppercase);
    Some((0, value, Some(capital)))
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
