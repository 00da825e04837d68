//! What sort of thing an answer is ([`Kind`]: a person, a place, an
//! organisation, an event, the title of a work, a doctrine, a year, a
//! period, a date, a month, a number, or a phrase) and how it is written
//! ([`Form`]: a possessive, a list of two or three, a number's unit, a
//! date's pattern, a phrase's opening), so that a wrong option can be of the
//! same sort and the same form as the right answer.
//!
//! The kind is read from the answer's shape first (years, dates, numbers),
//! then from the answer's words against a small curated [`lexicon`] (head
//! nouns such as *party*, *rising*, *policy*; a gazetteer; given names and
//! surnames), then from what the question asks for (*who*, *where*, *which
//! city*, *which book*, *what happened*) and the fact's tags (`people`,
//! `route`…). A proper name none of these places is a [`Kind::Name`]; the
//! rest are phrases, told apart by how they open (*that…*, *to…*, *in…*, a
//! clause, a noun phrase).

mod lexicon;

use super::normalize::{Folded, has_digit};
use crate::deck::date::month_number;
use lexicon::*;

/// What sort of thing an answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Person,
    Place,
    Organisation,
    Event,
    /// The title of a book, journal or other work.
    Work,
    /// A doctrine, policy or tactic (`Anarchism`, `The united front`).
    Doctrine,
    Year,
    /// A span of years (`1918 to 1921`).
    Period,
    Date,
    Month,
    Number,
    /// A proper name that is none of the above, as far as can be told.
    Name,
    Phrase,
}

/// How an answer is written, within its kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Form {
    Plain,
    /// A name in the possessive (`Trotsky's`).
    Possessive,
    /// Several of the kind (`Lenin and Trotsky`): how many.
    List(usize),
    /// What a number counts (`weeks`), singular; empty when nothing is said.
    Unit(String),
    /// A date's pattern: `D M Y`, `M Y`, `early Y`, `in the late Y0s`.
    Pattern(String),
    Phrase(Opening),
}

/// How a phrase opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Opening {
    /// A question (the answer of a `reverse` card).
    Question,
    /// `That he must be a Jew`.
    That,
    /// `To isolate Trotsky`.
    Infinitive,
    /// `In ruins`, `After the first Five-Year Plan`, `By groping`: what the
    /// preposition says.
    Prepositional(Relation),
    /// `Only by a ladder`, `Almost none`.
    Adverbial,
    /// A subject and a verb: `It had been greatly dampened`.
    Clause,
    /// An article or determiner and a noun: `A worker's family`.
    NounPhrase,
    /// One word in -ed: `incapacitated`.
    Participle,
    /// A verb in -ing: `Reviving old ways and estranging the workers`.
    Gerund,
    /// One other word: `Typhus`, `passports`.
    Word,
    /// Anything else: `Fish soup`, `Scheme behind the scenes`.
    Bare,
}

/// What a prepositional phrase says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// Where: `In a French prison`, `Inside the Bolshevik party`.
    Place,
    /// When: `After the first Five-Year Plan`.
    Time,
    /// How, or as what: `By groping and indecision`, `As a coup`.
    Manner,
    /// Whence: `From abroad`.
    Source,
    Other,
}

/// An answer's kind and form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Class {
    pub kind: Kind,
    pub form: Form,
}

impl Class {
    fn new(kind: Kind, form: Form) -> Class {
        Class { kind, form }
    }

    fn plain(kind: Kind) -> Class {
        Class::new(kind, Form::Plain)
    }
}

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

/// The class of an answer. `question` is the wording it answers (a
/// question card's front, a timeline's "What happened…?"); none for
/// answers taken from running text (clozes, sequence items).
pub fn classify(question: Option<&str>, answer: &str, tags: &[String]) -> Class {
    let answer = answer.trim();
    let asked = question.and_then(asked_for);
    if let Some(class) = shape(&Folded::new(answer), question) {
        return class;
    }
    if answer.ends_with('?') {
        return Class::new(Kind::Phrase, Form::Phrase(Opening::Question));
    }
    if asked == Some(Kind::Event) {
        return Class::plain(Kind::Event);
    }
    let opening = opening(answer);
    let never_a_thing = matches!(
        opening,
        Opening::That | Opening::Infinitive | Opening::Clause | Opening::Prepositional(_)
    );
    if never_a_thing {
        return Class::new(Kind::Phrase, Form::Phrase(opening));
    }
    if asked == Some(Kind::Work) {
        return Class::plain(Kind::Work);
    }
    if let Some(class) = list(answer, asked, tags, question.is_none()) {
        return class;
    }
    if let Some(base) = possessive(answer) {
        let kind = kind_of(base, asked, tags, true);
        if kind == Some(Kind::Person) || (kind == Some(Kind::Name) && asked == Some(Kind::Person)) {
            return Class::new(Kind::Person, Form::Possessive);
        }
    }
    match kind_of(answer, asked, tags, question.is_none()) {
        Some(kind) => Class::plain(kind),
        None => Class::new(Kind::Phrase, Form::Phrase(opening)),
    }
}

/// The words of a text without surrounding punctuation.
fn words(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect()
}

fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Whether a text reads as a proper name: up to eight words, each capitalised
/// but the particles (`Congress of the Peoples`), the first capitalised or
/// `the`, and no digits.
fn name_like(text: &str) -> bool {
    let words = words(text);
    let particle = |w: &&str| NAME_PARTICLES.contains(&w.to_lowercase().as_str());
    !words.is_empty()
        && words.len() <= 8
        && !words.iter().any(|w| has_digit(w))
        && words.iter().all(|w| capitalised(w) || particle(w))
        && words.iter().any(|w| capitalised(w) && !particle(w))
        && words
            .first()
            .is_some_and(|w| capitalised(w) || w.eq_ignore_ascii_case("the"))
}

/// A word without a plural `s` (`unions` → `union`), for matching heads.
fn singular(word: &str) -> &str {
    match word.strip_suffix('s') {
        Some(stem) if stem.len() >= 3 && !stem.ends_with('s') && !stem.ends_with('u') && !stem.ends_with('i') => stem,
        _ => word,
    }
}

fn listed(list: &[&str], word: &str) -> bool {
    list.contains(&word) || list.contains(&singular(word))
}

/// The head noun: the last word before the first preposition (`Lenin's
/// death in 1924` → `death`), else the last word.
fn head(tokens: &[String]) -> Option<&str> {
    let end = tokens
        .iter()
        .position(|t| {
            matches!(
                t.as_str(),
                "of" | "in" | "on" | "at" | "to" | "from" | "with" | "for" | "by"
            )
        })
        .filter(|&i| i > 0)
        .unwrap_or(tokens.len());
    tokens[..end].last().map(String::as_str)
}

/// The kind of a text from its words, the question and the tags; none for
/// a phrase. `running_text`: the text is a cloze deletion or a list item,
/// where a capital marks a name.
fn kind_of(text: &str, asked: Option<Kind>, tags: &[String], running_text: bool) -> Option<Kind> {
    let folded = Folded::new(text);
    let tokens = folded.tokens();
    let key = folded.key();
    let named = name_like(text);
    let definite = words(text).first().is_some_and(|w| w.eq_ignore_ascii_case("the"));
    let head = head(tokens).unwrap_or_default();
    let group_plural = matches!(
        head,
        "socialists"
            | "communists"
            | "bolsheviks"
            | "mensheviks"
            | "anarchists"
            | "syndicalists"
            | "whites"
            | "narodniks"
    );
    // `the antiwar Left`: a capital marks the camp, not the direction.
    let camp = words(text).last().is_some_and(|w| *w == "Left" || *w == "Right");
    if listed(ORGANISATION_HEADS, head) && (named || definite || group_plural)
        || camp
        || named && (tokens.iter().any(|t| listed(ORGANISATION_HEADS, t)) || listed(ORGANISATION_NAME_HEADS, head))
    {
        return Some(Kind::Organisation);
    }
    if tokens.len() <= 6 && (listed(EVENT_HEADS, head) || key.contains("march on ")) {
        return Some(Kind::Event);
    }
    let ism = |t: &str| t.len() > 5 && t.ends_with("ism") && !NOT_DOCTRINES.contains(&t);
    if listed(DOCTRINE_HEADS, head) || ism(head) || (tokens.len() <= 3 && tokens.first().is_some_and(|t| ism(t))) {
        return Some(Kind::Doctrine);
    }
    if named && is_place(tokens) {
        return Some(Kind::Place);
    }
    if named && is_person(text, tokens) {
        return Some(Kind::Person);
    }
    let tagged = |list: &[&str]| tags.iter().any(|t| list.contains(&t.to_lowercase().as_str()));
    match asked {
        Some(Kind::Person | Kind::Place | Kind::Organisation) if named => return asked,
        Some(Kind::Doctrine) if named || tokens.len() <= 3 => return asked,
        _ => {}
    }
    if named && tagged(PERSON_TAGS) {
        return Some(Kind::Person);
    }
    if named && tagged(PLACE_TAGS) {
        return Some(Kind::Place);
    }
    // In running text a capital marks a name; at the start of an answer it
    // may be just the first letter.
    let capitals = words(text).iter().filter(|w| capitalised(w)).count();
    (named && (running_text || capitals >= 2)).then_some(Kind::Name)
}

/// In the gazetteer, perhaps after modifiers (`Eastern Europe`).
fn is_place(tokens: &[String]) -> bool {
    let start = tokens
        .iter()
        .position(|t| !PLACE_MODIFIERS.contains(&t.as_str()))
        .unwrap_or(tokens.len());
    let place = tokens[start.min(tokens.len())..].join(" ");
    start < tokens.len() && (REGIONS.contains(&place.as_str()) || CITIES.contains(&place.as_str()))
}

/// Whether a name is a continent, a region or a country (`Europe`,
/// `Russia`, `the United States`): too broad, alone, to make a question.
pub fn is_country_or_region(name: &str) -> bool {
    REGIONS.contains(&Folded::new(name).key().as_str())
}

/// A known given name or surname, initials and a surname, or a surname's ending.
fn is_person(text: &str, tokens: &[String]) -> bool {
    let Some(last) = tokens.last() else {
        return false;
    };
    let initials = words(text)
        .iter()
        .rev()
        .skip(1)
        .any(|w| w.chars().count() == 1 && capitalised(w));
    let key = tokens.join(" ");
    GIVEN_NAMES.contains(&tokens[0].as_str())
        || SURNAMES.contains(&key.as_str())
        || SURNAMES.contains(&last.as_str())
        || initials
        || (last.len() >= 5 && SURNAME_ENDINGS.iter().any(|e| last.ends_with(e)))
}

/// `Lenin and Trotsky`, `Bukharin, Kamenev and Stalin`: names of one kind.
fn list(answer: &str, asked: Option<Kind>, tags: &[String], running_text: bool) -> Option<Class> {
    let parts: Vec<&str> = answer
        .split(", ")
        .flat_map(|p| p.split(" and "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 || !parts.iter().all(|p| name_like(p)) {
        return None;
    }
    let kinds: Vec<Option<Kind>> = parts
        .iter()
        .map(|p| kind_of(p, asked, tags, running_text || asked.is_some()))
        .collect();
    let first = kinds[0]?;
    let same = kinds.iter().all(|k| *k == Some(first));
    (same && first != Kind::Name).then(|| Class::new(first, Form::List(parts.len())))
}

/// The name of a possessive answer (`Trotsky's` → `Trotsky`).
fn possessive(answer: &str) -> Option<&str> {
    let base = answer
        .strip_suffix("'s")
        .or_else(|| answer.strip_suffix("’s"))
        .or_else(|| answer.strip_suffix("s'"))
        .or_else(|| answer.strip_suffix("s’"))?;
    name_like(base).then_some(base)
}

/// How a phrase opens.
fn opening(answer: &str) -> Opening {
    let lower = answer.to_lowercase();
    let words = words(&lower);
    let Some(first) = words.first().copied() else {
        return Opening::Bare;
    };
    let finite = words.iter().any(|w| FINITE_VERBS.contains(w));
    match first {
        "that" => Opening::That,
        "to" => Opening::Infinitive,
        _ if SUBJECTS.contains(&first) || (first == "no" && words.get(1) == Some(&"one")) => Opening::Clause,
        _ if PREPOSITIONS.contains(&first) => Opening::Prepositional(relation(first)),
        _ if ADVERBS.contains(&first) || (words.len() == 1 && first.ends_with("ly")) => Opening::Adverbial,
        _ if DETERMINERS.contains(&first) && finite => Opening::Clause,
        _ if DETERMINERS.contains(&first) => Opening::NounPhrase,
        _ if words.len() == 1 && first.len() > 4 && first.ends_with("ed") => Opening::Participle,
        _ if first.len() > 5 && first.ends_with("ing") => Opening::Gerund,
        _ if words.len() == 1 => Opening::Word,
        _ => Opening::Bare,
    }
}

fn relation(preposition: &str) -> Relation {
    match preposition {
        "in" | "on" | "at" | "inside" | "outside" | "into" | "near" | "behind" | "within" | "among" | "over"
        | "under" => Relation::Place,
        "after" | "before" | "during" | "since" | "until" => Relation::Time,
        "by" | "as" | "with" | "without" | "through" => Relation::Manner,
        "from" => Relation::Source,
        _ => Relation::Other,
    }
}

fn is_year(token: &str) -> bool {
    token.len() == 4 && token.parse::<u32>().is_ok_and(|y| (1000..=2100).contains(&y))
}

/// `1930s`.
fn is_decade(token: &str) -> bool {
    token.len() == 5 && token.ends_with("0s") && is_year(&token[..4])
}

/// A day of the month: `13` or `13th`.
fn is_day(token: &str) -> bool {
    let digits = token.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &token[digits.len()..];
    matches!(suffix, "" | "st" | "nd" | "rd" | "th") && digits.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
}

/// Year, period, date, month or number, from the answer's words alone (a
/// number's unit may come from the question: "how many decades").
fn shape(folded: &Folded, question: Option<&str>) -> Option<Class> {
    let tokens = folded.tokens();
    if tokens.len() == 1 && month_number(&tokens[0]).is_some() {
        return Some(Class::plain(Kind::Month));
    }
    let years = tokens.iter().filter(|t| is_year(t) || is_decade(t)).count();
    let dateish = |t: &String| {
        is_year(t) || is_decade(t) || month_number(t).is_some() || is_day(t) || DATE_WORDS.contains(&t.as_str())
    };
    if years >= 1 && tokens.iter().all(dateish) {
        let pattern: Vec<&str> = tokens
            .iter()
            .map(|t| match t.as_str() {
                t if is_year(t) => "Y",
                t if is_decade(t) => "Y0s",
                t if month_number(t).is_some() => "M",
                t if is_day(t) => "D",
                t => t,
            })
            .collect();
        let pattern = pattern.join(" ");
        let dated = pattern.contains('M') || pattern.contains('D') || pattern.contains("Y0s");
        let kind = match years {
            _ if dated => Kind::Date,
            1 => Kind::Year,
            2 => Kind::Period,
            _ => Kind::Year,
        };
        return Some(Class::new(kind, Form::Pattern(pattern)));
    }
    let counted: Vec<&String> = tokens
        .iter()
        .skip_while(|t| APPROXIMATORS.contains(&t.as_str()))
        .collect();
    // A cardinal: `4th congress` is no count of congresses.
    let first_numeric = counted.first().is_some_and(|t| t.chars().all(|c| c.is_ascii_digit()));
    let rest_words = counted.iter().skip(1).all(|t| !has_digit(t));
    if !(first_numeric && rest_words && counted.len() <= 3) {
        return None;
    }
    let unit: Vec<&str> = counted
        .iter()
        .skip(1)
        .filter(|t| !APPROXIMATORS.contains(&t.as_str()))
        .map(|t| singular(t))
        .collect();
    let unit = match unit.is_empty() {
        true => question.and_then(counted_unit).unwrap_or_default(),
        false => unit.join(" "),
    };
    Some(Class::new(Kind::Number, Form::Unit(unit)))
}

/// What a "how many" question counts (`decade`).
fn counted_unit(question: &str) -> Option<String> {
    let folded = Folded::new(question);
    let tokens = folded.tokens();
    let at = tokens.windows(2).position(|w| w[0] == "how" && w[1] == "many")?;
    tokens.get(at + 2).map(|t| singular(t).to_string())
}

/// What the question asks for: who → a person, where → a place, `which X`
/// → X's kind (`which city`, `which book`, `which party`), `what
/// happened` → an event.
fn asked_for(question: &str) -> Option<Kind> {
    let folded = Folded::new(question);
    let tokens = folded.tokens();
    let key = folded.key();
    if key.contains("what happened") {
        return Some(Kind::Event);
    }
    if key.contains("title of") || key.contains("what title") {
        return Some(Kind::Work);
    }
    let at = tokens.iter().position(|t| {
        matches!(
            t.as_str(),
            "who" | "whom" | "whose" | "where" | "which" | "what" | "when" | "how"
        )
    })?;
    match tokens[at].as_str() {
        "who" | "whom" | "whose" => Some(Kind::Person),
        "where" => Some(Kind::Place),
        "which" | "what" => {
            // The noun phrase after the interrogative, up to its verb
            // (none in `what replaced war communism`).
            let stop = |t: &String| {
                t == "of"
                    || FINITE_VERBS.contains(&t.as_str())
                    || PREPOSITIONS.contains(&t.as_str())
                    || (t.len() > 3 && t.ends_with("ed"))
            };
            let phrase: Vec<&String> = tokens[at + 1..].iter().take(4).take_while(|t| !stop(t)).collect();
            phrase.iter().rev().find_map(|t| asked_noun(t))
        }
        _ => None,
    }
}

fn asked_noun(token: &str) -> Option<Kind> {
    // `journal's` folds to `journals`.
    let lists: [(&[&str], Kind); 6] = [
        (ASKS_FOR_WORK, Kind::Work),
        (ASKS_FOR_PLACE, Kind::Place),
        (ASKS_FOR_PERSON, Kind::Person),
        (ASKS_FOR_ORGANISATION, Kind::Organisation),
        (ASKS_FOR_EVENT, Kind::Event),
        (
            &["policy", "tactic", "regime", "ideology", "doctrine", "theory"],
            Kind::Doctrine,
        ),
    ];
    lists
        .iter()
        .find(|(list, _)| listed(list, token))
        .map(|(_, kind)| *kind)
}

#[cfg(test)]
mod tests;
