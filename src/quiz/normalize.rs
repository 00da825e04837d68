//! Folding answers for lenient comparison: the characters folded by
//! [`crate::text::fold`] (lower case, diacritics, apostrophes, punctuation,
//! thousands separators; search folds the same way), then number words turned into digits ("six" → `6`,
//! "twenty-first" → `21st`) and a leading article (the, a, an) dropped.

/// An answer reduced to the words that matter when comparing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    tokens: Vec<String>,
}

impl Folded {
    pub fn new(text: &str) -> Folded {
        let chars = crate::text::fold(text);
        let words: Vec<&str> = chars.split(' ').filter(|w| !w.is_empty()).collect();
        let mut tokens = numberize(&words);
        if tokens.len() > 1 && matches!(tokens[0].as_str(), "the" | "a" | "an") {
            tokens.remove(0);
        }
        Folded { tokens }
    }

    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// The folded words joined by single spaces: equal keys mean equal answers.
    pub fn key(&self) -> String {
        self.tokens.join(" ")
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The tokens holding a digit (numbers, years, `4th`), in order.
    pub fn numbers(&self) -> Vec<&str> {
        self.tokens
            .iter()
            .filter(|t| has_digit(t))
            .map(String::as_str)
            .collect()
    }

    /// How many letters the words without digits have (what typos are scaled to).
    pub fn letters(&self) -> usize {
        self.tokens
            .iter()
            .filter(|t| !has_digit(t))
            .map(|t| t.chars().count())
            .sum()
    }
}

pub fn has_digit(token: &str) -> bool {
    token.chars().any(|c| c.is_ascii_digit())
}

const UNITS: [&str; 20] = [
    "zero",
    "one",
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
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

const UNIT_ORDINALS: [&str; 20] = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
];

const TEN_ORDINALS: [&str; 8] = [
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
];

/// A number word: its value, and whether it is an ordinal ("fourth").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberWord {
    /// Zero to ninety-nine.
    Small(u64, bool),
    /// hundred, thousand, million.
    Scale(u64, bool),
}

fn number_word(word: &str) -> Option<NumberWord> {
    let index = |list: &[&str]| list.iter().position(|w| *w == word).map(|i| i as u64);
    if let Some(n) = index(&UNITS) {
        return Some(NumberWord::Small(n, false));
    }
    if let Some(n) = index(&UNIT_ORDINALS) {
        return Some(NumberWord::Small(n, true));
    }
    if let Some(n) = index(&TENS) {
        return Some(NumberWord::Small(20 + 10 * n, false));
    }
    if let Some(n) = index(&TEN_ORDINALS) {
        return Some(NumberWord::Small(20 + 10 * n, true));
    }
    Some(match word {
        "hundred" => NumberWord::Scale(100, false),
        "hundredth" => NumberWord::Scale(100, true),
        "thousand" => NumberWord::Scale(1000, false),
        "thousandth" => NumberWord::Scale(1000, true),
        "million" => NumberWord::Scale(1_000_000, false),
        "millionth" => NumberWord::Scale(1_000_000, true),
        _ => return None,
    })
}

/// A number being read from consecutive number words.
#[derive(Debug, Default)]
struct Reading {
    total: u64,
    group: u64,
    words: usize,
    /// The last word could take a unit after it ("twenty" + "one").
    open_tens: bool,
    /// The last word was a scale ("hundred"), so "and" may follow.
    after_scale: bool,
}

impl Reading {
    /// Adds a word; false when it cannot continue this number.
    fn push(&mut self, word: NumberWord) -> bool {
        match word {
            NumberWord::Small(n, _) => {
                let fits = self.words == 0 || self.group.is_multiple_of(100) || (self.open_tens && n < 10);
                if !fits {
                    return false;
                }
                self.group = self.group.saturating_add(n);
                self.open_tens = (20..100).contains(&n) && n.is_multiple_of(10);
                self.after_scale = false;
            }
            NumberWord::Scale(scale, _) => {
                if scale == 100 {
                    self.group = self.group.max(1).saturating_mul(100);
                } else {
                    self.total = self.total.saturating_add(self.group.max(1).saturating_mul(scale));
                    self.group = 0;
                }
                self.open_tens = false;
                self.after_scale = true;
            }
        }
        self.words += 1;
        true
    }

    fn value(&self) -> u64 {
        self.total.saturating_add(self.group)
    }
}

fn is_ordinal(word: NumberWord) -> bool {
    matches!(word, NumberWord::Small(_, true) | NumberWord::Scale(_, true))
}

/// `1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`…
pub fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Replaces runs of number words with digits ("one hundred and six" → `106`).
fn numberize(words: &[&str]) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len());
    let mut reading = Reading::default();
    let flush = |reading: &mut Reading, out: &mut Vec<String>| {
        if reading.words > 0 {
            out.push(reading.value().to_string());
        }
        *reading = Reading::default();
    };
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        let next_is_number = words.get(i + 1).is_some_and(|w| number_word(w).is_some());
        if word == "and" && reading.after_scale && next_is_number {
            i += 1;
            continue;
        }
        match number_word(word) {
            Some(number) => {
                if !reading.push(number) {
                    flush(&mut reading, &mut out);
                    reading.push(number);
                }
                if is_ordinal(number) {
                    out.push(ordinal(reading.value()));
                    reading = Reading::default();
                }
            }
            None => {
                flush(&mut reading, &mut out);
                out.push(word.to_string());
            }
        }
        i += 1;
    }
    flush(&mut reading, &mut out);
    out
}

/// A number written in words, as an answer would write it ("Four", "twenty-one").
/// Only for 0–99; larger numbers come back as digits.
pub fn in_words(n: u64) -> String {
    match n {
        0..=19 => UNITS[n as usize].to_string(),
        20..=99 if n.is_multiple_of(10) => TENS[(n / 10 - 2) as usize].to_string(),
        20..=99 => format!("{}-{}", TENS[(n / 10 - 2) as usize], UNITS[(n % 10) as usize]),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> String {
        Folded::new(text).key()
    }

    #[test]
    fn folds_case_accents_punctuation_and_articles() {
        assert_eq!(key("  Zinóviev! "), "zinoviev");
        assert_eq!(key("Zino\u{301}viev"), "zinoviev");
        assert_eq!(key("The Left Opposition."), "left opposition");
        assert_eq!(key("A"), "a");
        assert_eq!(key("Trotsky’s"), "trotskys");
        assert_eq!(key("St. Petersburg"), "st petersburg");
        assert_eq!(key("Łódź, Straße, Œuvre"), "lodz strasse oeuvre");
        assert_eq!(key("Antonov-Ovseenko"), "antonov ovseenko");
    }

    #[test]
    fn number_words_become_digits() {
        assert_eq!(key("six weeks"), "6 weeks");
        assert_eq!(key("Twenty-one"), "21");
        assert_eq!(key("one hundred and six"), "106");
        assert_eq!(key("three thousand two hundred"), "3200");
        assert_eq!(key("The Fourth Congress"), "4th congress");
        assert_eq!(key("twenty-first"), "21st");
        assert_eq!(key("one two"), "1 2");
        assert_eq!(key("36,500 days"), "36500 days");
        assert_eq!(key("rock and roll"), "rock and roll");
    }

    #[test]
    fn huge_numbers_do_not_overflow() {
        let words = "nine hundred hundred hundred hundred hundred hundred hundred hundred hundred hundred";
        assert_eq!(key(words), u64::MAX.to_string());
        assert_eq!(key(&format!("{words} thousand")), u64::MAX.to_string());
    }

    #[test]
    fn numbers_and_letters_are_counted_apart() {
        let folded = Folded::new("13 November 1922");
        assert_eq!(folded.numbers(), ["13", "1922"]);
        assert_eq!(folded.letters(), 8);
        assert_eq!(ordinal(112), "112th");
        assert_eq!(ordinal(22), "22nd");
        assert_eq!(in_words(4), "four");
        assert_eq!(in_words(42), "forty-two");
        assert_eq!(in_words(140), "140");
    }
}
