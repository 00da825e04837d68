//! The key terms of a sentence, each the whole of what a question would
//! ask for: a date (`18 March 1921`, `March 18, 1921`, `June 1924`, `1921`,
//! `1918–1922`, `the 1920s`), a number with what it counts (`six weeks`,
//! `15,000 sailors`), or a proper name (`Stepan Petrichenko`, `Red
//! International of Trade Unions`), with the name's kind (person, place,
//! another name) read by the quiz's classifier.

use std::ops::Range;

use crate::deck::date::month_number;
use crate::quiz::kind::{Kind, classify};

/// What kind of key term a draft hides, which question it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TermKind {
    /// When.
    Date,
    /// Who.
    Person,
    /// How many.
    Number,
    /// Where.
    Place,
    /// Which: an organisation, an event, a work, another name.
    Name,
}

impl TermKind {
    pub fn tag(self) -> &'static str {
        match self {
            TermKind::Date => "date",
            TermKind::Person => "person",
            TermKind::Number => "number",
            TermKind::Place => "place",
            TermKind::Name => "name",
        }
    }
}

/// A key term found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Where it is in the sentence (bytes).
    pub span: Range<usize>,
    pub text: String,
    pub kind: TermKind,
    /// For a name: a continent, region or country.
    pub region: bool,
}

/// A word of a sentence: its core (no surrounding punctuation, no
/// possessive `’s`) and where the core is.
#[derive(Debug, Clone)]
pub struct Word<'s> {
    pub core: &'s str,
    pub span: Range<usize>,
    /// First word of the sentence, or after an opening quote, a colon or a
    /// dash: a capital there says nothing.
    pub opens: bool,
    /// Written with a possessive (`Rosmer’s`): a name ends here.
    pub possessive: bool,
    /// Followed by a comma or other break: a name ends here too.
    pub breaks: bool,
}

/// Capitalised words that are not names, at the start of a sentence or of
/// a quotation: function words, pronouns, ordinal and linking adverbs.
#[rustfmt::skip]
const NOT_NAMES: &[&str] = &[
    "i", "the", "a", "an", "in", "on", "at", "of", "and", "but", "or", "nor", "for", "he", "she", "it", "they",
    "we", "you", "his", "her", "their", "this", "that", "these", "those", "there", "here", "when", "while", "after",
    "before", "as", "if", "so", "yet", "then", "what", "who", "whom", "whose", "why", "how", "where", "which",
    "its", "our", "my", "your", "not", "no", "yes", "with", "from", "by", "to", "having", "being", "although",
    "though", "thereafter", "even", "only", "also", "both", "such", "some", "many", "most", "much", "more", "less",
    "all", "any", "each", "every", "either", "neither", "other", "others", "another", "one", "first", "second",
    "third", "fourth", "fifth", "firstly", "secondly", "thirdly", "lastly", "finally", "however", "meanwhile",
    "moreover", "furthermore", "nevertheless", "nonetheless", "indeed", "still", "thus", "hence", "therefore",
    "now", "later", "soon", "today", "once", "again", "instead", "rather", "perhaps", "probably", "certainly",
    "clearly", "surely", "unlike", "like", "above", "below", "against", "toward", "towards", "upon", "among",
    "during", "since", "until", "despite", "between", "under", "over", "within", "without", "following",
    "according", "because", "whereas", "unless", "whether", "just", "few", "several", "let", "do", "does", "did",
    "can", "could", "would", "should", "will", "may", "might", "must", "is", "was", "were", "are", "be", "been",
    "has", "have", "had", "big", "huge", "early", "late", "only", "near", "about", "around", "along", "across",
    "through", "throughout", "into", "onto", "off", "out", "up", "down", "both", "neither", "while", "sir", "mr",
    "mrs", "ms", "dr", "last", "next", "year", "years", "appendix", "memoirs", "plan",
];

/// Capitalised words too general to be a key term alone (`the Left`).
#[rustfmt::skip]
const GENERIC: &[&str] = &[
    "left", "right", "west", "east", "north", "south", "centre", "center", "state", "party", "revolution",
    "government", "church", "army", "empire", "republic", "war", "city", "king", "queen", "emperor", "tsar", "czar",
    "president", "minister", "general", "congress", "council", "union", "international", "movement", "book",
    "chapter", "part", "introduction", "notes", "press", "review", "issue", "volume", "article", "jew", "jews",
    "communists", "socialists", "anarchists", "whites", "reds", "russians", "workers", "allies",
];

/// Adjectives of nations and movements (`the French party`), no name alone.
#[rustfmt::skip]
const ADJECTIVES: &[&str] = &[
    "french", "dutch", "greek", "swiss", "german", "soviet", "bolshevik", "menshevik", "communist", "socialist",
    "western", "eastern", "northern", "southern", "central", "english", "irish", "scottish", "welsh", "turkish",
    "polish", "finnish", "swedish", "danish", "spanish", "british", "czech", "slovak", "tsarist", "white", "red",
    "american", "european", "african", "korean", "mexican", "cuban", "jewish", "catholic", "protestant", "orthodox",
    "muslim", "islamic", "arab", "baltic", "slavic", "thai",
];

/// Words allowed in lower case inside a name (`Congress of the Peoples`).
#[rustfmt::skip]
const JOINERS: &[&str] = &[
    "of", "de", "von", "van", "der", "den", "la", "le", "du", "y", "al", "da", "di", "bin", "ibn",
];

/// Words allowed in lower case inside a title (`The Civil War in France`).
#[rustfmt::skip]
const TITLE_JOINERS: &[&str] = &[
    "of", "in", "and", "on", "for", "to", "a", "an", "at", "from", "with", "without", "during", "under", "over",
    "by",
];

/// Roles that make the name after them a person's (`the painter Gustave Courbet`).
#[rustfmt::skip]
const ROLES: &[&str] = &[
    "painter", "writer", "poet", "general", "leader", "bookbinder", "socialist", "anarchist", "historian",
    "journalist", "sailor", "commander", "president", "minister", "king", "queen", "emperor", "chairman", "admiral",
    "marshal", "activist", "revolutionary", "militant", "philosopher", "economist", "novelist", "composer",
    "architect", "engineer", "scientist", "physician", "priest", "bishop", "colonel", "captain", "lieutenant",
    "officer", "chief", "deputy", "member", "founder", "editor", "author", "translator", "son", "daughter", "wife",
    "husband", "brother", "sister", "friend", "comrade", "delegate", "syndicalist",
];

/// Number words too small to be a figure worth learning without a unit of time.
#[rustfmt::skip]
const SMALL_NUMBERS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

#[rustfmt::skip]
const NUMBER_WORDS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty",
    "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "billion", "dozen", "hundreds",
    "thousands", "millions", "dozens",
];

/// Words that follow a number without being what it counts.
#[rustfmt::skip]
const NOT_UNITS: &[&str] = &[
    "of", "and", "or", "to", "in", "on", "at", "the", "a", "an", "by", "for", "from", "with", "was", "were", "is",
    "are", "had", "have", "has", "more", "times", "other", "previous", "later", "earlier", "before", "after", "ago",
    "who", "which", "that", "per", "things", "ways", "parts", "kinds", "sorts", "sides", "points", "reasons",
    "aspects", "others", "respects", "levels", "steps", "stages",
];

/// The words of a sentence with their places.
pub fn words(sentence: &str) -> Vec<Word<'_>> {
    let mut words = Vec::new();
    let mut opens_next = true;
    let mut at = 0;
    for raw in sentence.split(' ') {
        let start = at;
        at += raw.len() + 1;
        let lead = raw.len() - raw.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
        let core = raw.trim_matches(|c: char| !c.is_alphanumeric());
        if core.is_empty() {
            opens_next |= raw.contains(['—', '–', ':', '“', '"', '(']);
            continue;
        }
        let quoted = raw[..lead].contains(['“', '"', '‘', '(']);
        // A decade written `1920’s` keeps its `’s`.
        let decade = core.get(..4).is_some_and(is_year) && matches!(&core[4..], "'s" | "’s");
        let (core, possessive) = match core.strip_suffix("’s").or_else(|| core.strip_suffix("'s")) {
            Some(stem) if !decade => (stem, true),
            _ => (core, false),
        };
        let span = start + lead..start + lead + core.len();
        let tail = &raw[lead + core.len()..];
        let initial = core.chars().count() == 1 && tail == ".";
        words.push(Word {
            core,
            span,
            opens: opens_next || quoted,
            possessive,
            breaks: !initial
                && tail
                    .trim_start_matches(['’', '\'', 's'])
                    .contains([',', ';', ':', '(', ')', '—', '–', '!', '?', '.', '”', '"']),
        });
        opens_next = tail.contains([':', '—', '“', '"']) || raw.ends_with(['—', '–']);
    }
    words
}

fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn is_year(word: &str) -> bool {
    word.len() == 4 && word.parse::<u32>().is_ok_and(|y| (1000..=2099).contains(&y))
}

/// `1918–1922`, `1921-22`.
fn is_year_range(word: &str) -> bool {
    word.split_once(['–', '-']).is_some_and(|(from, to)| {
        is_year(from) && (to.len() == 2 || is_year(to)) && to.chars().all(|c| c.is_ascii_digit())
    })
}

/// `1920s`, `1920’s`.
fn is_decade(word: &str) -> bool {
    let digits = word
        .strip_suffix("0s")
        .or_else(|| word.strip_suffix("0’s"))
        .or_else(|| word.strip_suffix("0's"));
    digits.is_some_and(|d| d.len() == 3 && is_year(&word[..4]))
}

fn is_day(word: &str) -> bool {
    let digits = word.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
    digits.len() <= 2 && digits.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
}

fn is_month(word: &str) -> bool {
    capitalised(word) && month_number(word).is_some()
}

/// A number a term can start with: digits (`15,000`) or a number word.
fn is_number(word: &str) -> bool {
    let digits =
        word.chars().all(|c| c.is_ascii_digit() || c == ',') && word.chars().next().is_some_and(|c| c.is_ascii_digit());
    (digits && !is_year(word)) || NUMBER_WORDS.contains(&word.to_lowercase().as_str())
}

/// A question about the words of a text.
pub type WordTest<'c> = Box<dyn Fn(&str) -> bool + 'c>;

/// A question about two words of a text.
pub type PairTest<'c> = Box<dyn Fn(&str, &str) -> bool + 'c>;

/// What the rest of a text says about its words.
pub struct Context<'c> {
    /// Whether a capitalised word is used as a name mid-sentence somewhere
    /// (so a sentence may start with it).
    pub known: WordTest<'c>,
    /// Whether `X’s Y` recurs as one title (`Lenin’s Moscow`).
    pub title: PairTest<'c>,
}

/// The key terms of a sentence, in order, each word in one term at most.
pub fn terms(sentence: &str, context: &Context) -> Vec<Term> {
    let words = words(sentence);
    let mut used = vec![false; words.len()];
    let mut found = Vec::new();
    let mut take = |from: usize, to: usize, kind: TermKind, used: &mut Vec<bool>| {
        used[from..=to].iter_mut().for_each(|u| *u = true);
        let span = words[from].span.start..words[to].span.end;
        let text = sentence[span.clone()].to_string();
        let region = kind == TermKind::Place && crate::quiz::kind::is_country_or_region(&text);
        found.push(Term {
            span,
            text,
            kind,
            region,
        });
    };
    for (from, to) in dates(&words) {
        take(from, to, TermKind::Date, &mut used);
    }
    for (from, to) in numbers(&words, &used) {
        take(from, to, TermKind::Number, &mut used);
    }
    for (from, to) in names(&words, &used, context) {
        let text = &sentence[words[from].span.start..words[to].span.end];
        let role = from > 0 && ROLES.contains(&words[from - 1].core.to_lowercase().as_str());
        let kind = match classify(None, text, &[]).kind {
            Kind::Person => TermKind::Person,
            Kind::Place => TermKind::Place,
            Kind::Name if role => TermKind::Person,
            _ => TermKind::Name,
        };
        take(from, to, kind, &mut used);
    }
    found.sort_by_key(|t| t.span.start);
    found
}

/// The dates: `18 March 1921`, `March 18, 1921`, `March 18`, `18 March`,
/// `March 1921`, a year, a range of years, a decade, a month after a
/// preposition (`in October`).
fn dates(words: &[Word]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut i = 0;
    let core = |j: usize| words.get(j).map_or("", |w| w.core);
    while i < words.len() {
        let w = core(i);
        // `18 March (1921)`, `March 18(, 1921)`.
        let day_and_month =
            (is_day(w) && is_month(core(i + 1))) || (is_month(w) && is_day(core(i + 1)) && !is_year(core(i + 1)));
        // A year, or a month after a preposition (`in October`).
        let alone = is_year(w)
            || is_year_range(w)
            || is_decade(w)
            || (is_month(w) && i > 0 && !words[i].opens && preposition(core(i - 1)));
        let span = if day_and_month {
            Some(if is_year(core(i + 2)) { i + 2 } else { i + 1 })
        } else if is_month(w) && is_year(core(i + 1)) {
            Some(i + 1)
        } else if alone {
            Some(i)
        } else {
            None
        };
        match span {
            Some(end) => {
                found.push((i, end));
                i = end + 1;
            }
            None => i += 1,
        }
    }
    found
}

fn preposition(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "in" | "of" | "on" | "by" | "until" | "till" | "since" | "from" | "to" | "early" | "late" | "mid" | "during"
    )
}

/// Units of time, part of the answer (`six weeks`, not `six` weeks).
#[rustfmt::skip]
const TIME_UNITS: &[&str] = &[
    "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months",
    "year", "years", "decade", "decades", "century", "centuries",
];

/// Numbers: with a unit of time (`six weeks`, `72 days`), alone before what
/// they count (`15,000` sailors, `two hundred` delegates: the noun is the
/// cue), or alone when written in digits (`rose to 4,000`).
fn numbers(words: &[Word], used: &[bool]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if used[i] || !is_number(words[i].core) {
            i += 1;
            continue;
        }
        let mut end = i;
        while words.get(end + 1).is_some_and(|w| is_number(w.core)) && !used[end + 1] {
            end += 1;
        }
        let next = words.get(end + 1).filter(|_| !used[end + 1] && !words[end].breaks);
        let time = next.is_some_and(|u| TIME_UNITS.contains(&u.core.to_lowercase().as_str()));
        let counted = next.is_some_and(|u| {
            u.core.len() > 2
                && !NOT_UNITS.contains(&u.core.to_lowercase().as_str())
                && !u.core.starts_with(|c: char| c.is_ascii_digit())
        });
        let digits = words[i].core.starts_with(|c: char| c.is_ascii_digit()) && (words[i].core.len() >= 2 || counted);
        // `two days later` is no date; `two generals` no figure to learn.
        let relative = words
            .get(end + 2)
            .is_some_and(|w| matches!(w.core, "later" | "earlier" | "ago" | "before" | "after" | "afterwards"));
        let small = !digits && end == i && SMALL_NUMBERS.contains(&words[i].core.to_lowercase().as_str());
        if time && !relative {
            found.push((i, end + 1));
        } else if !time && !small && (counted || (digits && end == i)) {
            found.push((i, end));
        }
        i = end + 1 + usize::from(time);
    }
    found
}

/// A nation's or a movement's adjective (`French`, `Russian`, `Marxist`).
fn is_adjective(word: &str) -> bool {
    let lower = word.to_lowercase();
    ADJECTIVES.contains(&lower.as_str())
        || ["ian", "ese", "ist", "ish"]
            .iter()
            .any(|s| lower.ends_with(s) && lower.len() > 5)
}

fn not_a_name(word: &str) -> bool {
    NOT_NAMES.contains(&word.to_lowercase().as_str()) || month_number(word).is_some()
}

/// Runs of capitalised words (with `of`, `de`… between them) that read as
/// names. A run's first word where a capital says nothing (a sentence's
/// start) must be used as a name elsewhere; function words there are
/// dropped; a single generic word (`the Left`) is no name.
fn names(words: &[Word], used: &[bool], context: &Context) -> Vec<(usize, usize)> {
    let (known, title) = (&context.known, &context.title);
    let mut found = Vec::new();
    let name_word = |w: &Word| capitalised(w.core) && !(w.opens && not_a_name(w.core));
    let mut i = 0;
    while i < words.len() {
        // Mid-sentence, a capitalised function word only opens a longer
        // name (`the All Russian Congress`).
        let opens_longer = words
            .get(i + 1)
            .is_some_and(|w| capitalised(w.core) && !words[i].breaks);
        if used[i] || !name_word(&words[i]) || (!words[i].opens && not_a_name(words[i].core) && !opens_longer) {
            i += 1;
            continue;
        }
        let mut end = i;
        // A capitalised `The` mid-sentence opens a title (`The Civil War in France`).
        let title_run = !words[i].opens && matches!(words[i].core, "The" | "A" | "An");
        let joiners: &[&str] = if title_run { TITLE_JOINERS } else { JOINERS };
        while !words[end].possessive && !words[end].breaks {
            let next = end + 1;
            // `Friedrich Ebert of the Social Democratic Party`: two names.
            let person_so_far = || {
                let text = words[i..=end].iter().map(|w| w.core).collect::<Vec<_>>().join(" ");
                end > i && classify(None, &text, &[]).kind == Kind::Person
            };
            let joins = words
                .get(next)
                .is_some_and(|w| joiners.contains(&w.core) || (w.core == "the" && words[end].core == "of"))
                && !person_so_far();
            if words
                .get(next)
                .is_some_and(|w| !used[next] && capitalised(w.core) && !w.opens)
            {
                end = next;
            } else if joins
                && words
                    .get(next + 1)
                    .is_some_and(|w| capitalised(w.core) && !used[next + 1])
            {
                end = next + 1;
            } else if joins
                && words.get(next + 1).is_some_and(|w| w.core == "the")
                && words.get(next + 2).is_some_and(|w| capitalised(w.core))
            {
                end = next + 2;
            } else {
                break;
            }
        }
        let single = end == i;
        let word = words[i].core;
        let lexicon_name = || matches!(classify(None, word, &[]).kind, Kind::Person | Kind::Place);
        let unknown_opening = words[i].opens && single && !known(word) && !lexicon_name();
        // `the Bolsheviks`, `the Communards`, `Parisians`: a group, not a name.
        let after_the = i > 0 && words[i - 1].core.eq_ignore_ascii_case("the");
        let plural_of_people = ["ists", "ards", "ians", "ans", "ites", "ers", "iks", "ics"]
            .iter()
            .any(|ending| word.ends_with(ending));
        let group = single
            && plural_of_people
            && (after_the || word.ends_with("ans"))
            && classify(None, word, &[]).kind != Kind::Place;
        let generic = single && GENERIC.contains(&word.to_lowercase().as_str());
        // `I`, `I’m`, `La`: a pronoun, a contraction, a particle.
        let contraction = word.contains(['’', '\''])
            && word
                .rsplit(['’', '\''])
                .next()
                .is_some_and(|t| t.chars().all(char::is_lowercase));
        let pronoun = single
            && (word == "I" || contraction || (word.chars().count() <= 2 && !word.chars().all(char::is_uppercase)));
        // `Lenin’s Moscow`, a title the text keeps using: neither part alone.
        if words[end].possessive && words.get(end + 1).is_some_and(|w| title(words[end].core, w.core)) {
            i = end + 2;
            continue;
        }
        let adjective = single
            && words
                .get(end + 1)
                .is_some_and(|w| w.core.chars().all(char::is_lowercase))
            && is_adjective(word);
        if !(unknown_opening || generic || pronoun || adjective || group) {
            found.push((i, end));
        }
        i = end + 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(sentence: &str) -> Vec<(String, TermKind)> {
        let context = Context {
            known: Box::new(|w| w == "Rosmer"),
            title: Box::new(|a, b| (a, b) == ("Lenin", "Moscow")),
        };
        terms(sentence, &context)
            .into_iter()
            .map(|t| (t.text, t.kind))
            .collect()
    }

    fn texts(sentence: &str) -> Vec<String> {
        found(sentence).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn dates_are_whole() {
        assert_eq!(
            texts("The sailors rose on 1 March 1921 at Kronstadt."),
            ["1 March 1921", "Kronstadt"]
        );
        assert_eq!(texts("It fell on March 18, 1921, after a siege."), ["March 18, 1921"]);
        assert_eq!(texts("It fell on March 18 after a siege."), ["March 18"]);
        assert_eq!(
            texts("He arrived in June 1920 and left in October."),
            ["June 1920", "October"]
        );
        assert_eq!(
            texts("The years 1918–1922 and the 1920s were hard."),
            ["1918–1922", "1920s"]
        );
        assert_eq!(
            texts("It covers the 1920's and the 1930’s in Russia."),
            ["1920's", "1930’s", "Russia"]
        );
        assert_eq!(texts("May we see it? In May 1915 he was called up."), ["May 1915"]);
        assert_eq!(texts("The body was found at the end of May by workers."), ["May"]);
    }

    #[test]
    fn names_are_whole_and_openings_are_not_names() {
        assert_eq!(
            found("The rebels elected Stepan Petrichenko as chairman of the Provisional Revolutionary Committee."),
            [
                ("Stepan Petrichenko".to_string(), TermKind::Person),
                ("Provisional Revolutionary Committee".to_string(), TermKind::Name)
            ]
        );
        assert_eq!(
            texts("Rosmer’s account of the Congress of the Peoples of the East is vivid."),
            ["Rosmer", "Congress of the Peoples of the East"]
        );
        assert_eq!(
            texts("All quotes from this point are from the book."),
            Vec::<String>::new()
        );
        assert_eq!(
            texts("Second, in their own countries, the parties split."),
            Vec::<String>::new()
        );
        assert_eq!(texts("Huge numbers were pulled to the Left."), Vec::<String>::new());
        assert_eq!(
            texts("He met J. T. Murphy on a boat to Petrograd."),
            ["J. T. Murphy", "Petrograd"]
        );
        assert_eq!(found("They sailed to Tallinn.")[0].1, TermKind::Place);
        assert_eq!(texts("“I was there,” Rosmer says."), ["Rosmer"]);
        assert_eq!(texts("But Rosmer was not blind."), ["Rosmer"]);
        assert_eq!(
            texts("He met John Reed, Earl Browder, and William Foster there."),
            ["John Reed", "Earl Browder", "William Foster"]
        );
        assert_eq!(
            texts("Rosmer’s memoir, Lenin’s Moscow, was translated by Ian Birchall."),
            ["Rosmer", "Ian Birchall"]
        );
        assert_eq!(
            texts("His office sat inside the All Russian Congress of Trade Unions."),
            ["All Russian Congress of Trade Unions"]
        );
        assert_eq!(
            texts("He kept the magazine La vie ouvrière going."),
            Vec::<String>::new()
        );
        assert_eq!(
            texts("Marx praised it in The Civil War in France, an address."),
            ["Marx", "The Civil War in France"]
        );
        assert_eq!(
            texts("Lenin spoke, and the Bolsheviks and the Parisians listened."),
            ["Lenin"]
        );
        assert_eq!(
            texts("I read it, and I’m sure Cubans would enjoy it."),
            Vec::<String>::new()
        );
        assert_eq!(
            texts("Noske relied on the Freikorps to crush them."),
            ["Noske", "Freikorps"]
        );
        assert_eq!(
            texts("It was led by Friedrich Ebert of the Social Democratic Party at first."),
            ["Friedrich Ebert", "Social Democratic Party"]
        );
        assert_eq!(
            found("It was pulled down at the urging of the painter Gustave Courbet.")[0].1,
            TermKind::Person
        );
    }

    #[test]
    fn numbers_count_something() {
        assert_eq!(texts("The trip took six weeks in all."), ["six weeks"]);
        assert_eq!(
            texts("About 15,000 sailors and two hundred workers joined."),
            ["15,000", "two hundred"]
        );
        assert_eq!(
            texts("Two generals were shot two days later by the crowd."),
            Vec::<String>::new()
        );
        assert_eq!(
            texts("It outlasted the 72 days of the Commune by far."),
            ["72 days", "Commune"]
        );
        assert_eq!(texts("The garrison rose to 4,000 by then."), ["4,000"]);
        assert_eq!(
            texts("One of the two was lost, and three of them left."),
            Vec::<String>::new()
        );
    }
}
