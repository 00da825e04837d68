//! Lenient answer checking for typed answers.
//!
//! Both the typed text and every accepted form (the answer and the fact's
//! `alt:` lines) are [folded](super::normalize): case, surrounding spaces,
//! punctuation, diacritics and a leading article do not count, and number
//! words equal digits. Equal folded text is [`Verdict::Exact`] (or
//! [`Verdict::Alternative`] when it is an `alt:` that matched). Otherwise a
//! few typos are forgiven ([`Verdict::Close`]): the edit distance (with
//! transpositions) may be at most [`typo_budget`] of the letters of the form,
//! and the numbers in it must be typed exactly, so years and counts never pass
//! on a near miss.

use super::normalize::Folded;

/// How a typed answer compares with the expected one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The expected answer (leniently folded).
    Exact,
    /// One of the fact's listed alternatives.
    Alternative {
        form: String,
    },
    /// Within the typo budget of `form` (the answer or an alternative).
    Close {
        form: String,
        typos: usize,
    },
    Wrong,
}

impl Verdict {
    /// Exact, alternative and close answers count as right.
    pub fn is_right(&self) -> bool {
        !matches!(self, Verdict::Wrong)
    }
}

/// A verdict together with the answer to show as feedback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub verdict: Verdict,
    pub expected: String,
}

/// The accepted forms of one answer, folded once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    text: String,
    /// The answer first, then the alternatives: (as written, folded).
    forms: Vec<(String, Folded)>,
}

impl Expected {
    pub fn new(answer: &str, alternatives: &[String]) -> Expected {
        let forms = std::iter::once(answer)
            .chain(alternatives.iter().map(String::as_str))
            .filter(|form| !form.trim().is_empty())
            .map(|form| (form.trim().to_string(), Folded::new(form)))
            .collect();
        Expected {
            text: answer.trim().to_string(),
            forms,
        }
    }

    /// The answer as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The answer folded.
    pub fn folded(&self) -> Option<&Folded> {
        self.forms.first().map(|(_, folded)| folded)
    }

    /// Judges a typed answer.
    pub fn judge(&self, typed: &str) -> Judgement {
        Judgement {
            verdict: self.verdict(&Folded::new(typed), typed),
            expected: self.text.clone(),
        }
    }

    /// Whether `other` would be accepted as this answer (in any way).
    pub fn accepts(&self, other: &str) -> bool {
        self.verdict(&Folded::new(other), other).is_right()
    }

    /// Whether the other answer, typed as written, would be accepted as
    /// this one (its folding is reused).
    pub fn accepts_answer(&self, other: &Expected) -> bool {
        match other.folded() {
            Some(folded) => self.verdict(folded, other.text()).is_right(),
            None => self.accepts(other.text()),
        }
    }

    fn verdict(&self, typed: &Folded, raw: &str) -> Verdict {
        if raw.trim().is_empty() {
            return Verdict::Wrong;
        }
        for (i, (form, folded)) in self.forms.iter().enumerate() {
            if same(typed, raw, folded, form) {
                return match i {
                    0 => Verdict::Exact,
                    _ => Verdict::Alternative { form: form.clone() },
                };
            }
        }
        self.forms
            .iter()
            .filter_map(|(form, folded)| typos(typed, folded).map(|n| (n, form)))
            .min_by_key(|(n, _)| *n)
            .map_or(Verdict::Wrong, |(typos, form)| Verdict::Close {
                form: form.clone(),
                typos,
            })
    }
}

/// Equal once folded; text that folds to nothing (all punctuation) must match as written.
fn same(typed: &Folded, raw: &str, folded: &Folded, form: &str) -> bool {
    if folded.is_empty() {
        raw.trim().to_lowercase() == form.to_lowercase()
    } else {
        typed.key() == folded.key()
    }
}

/// Typos allowed in a form with this many letters (digits do not count):
/// none up to 3, one up to 7, two up to 15, three beyond.
pub fn typo_budget(letters: usize) -> usize {
    match letters {
        0..=3 => 0,
        4..=7 => 1,
        8..=15 => 2,
        _ => 3,
    }
}

/// The number of typos, when within the budget and the numbers agree.
fn typos(typed: &Folded, form: &Folded) -> Option<usize> {
    let budget = typo_budget(form.letters());
    if budget == 0 || typed.numbers() != form.numbers() {
        return None;
    }
    crate::distance::within(&typed.key(), &form.key(), budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a case expects, in short.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Want {
        Exact,
        Alt,
        Close,
        Wrong,
    }

    fn kind(verdict: &Verdict) -> Want {
        match verdict {
            Verdict::Exact => Want::Exact,
            Verdict::Alternative { .. } => Want::Alt,
            Verdict::Close { .. } => Want::Close,
            Verdict::Wrong => Want::Wrong,
        }
    }

    /// (typed, expected, alternatives, verdict)
    const CASES: &[(&str, &str, &[&str], Want)] = &[
        // Case, spaces, punctuation, articles.
        ("grigory zinoviev", "Grigory Zinoviev", &[], Want::Exact),
        ("  GRIGORY   ZINOVIEV  ", "Grigory Zinoviev", &[], Want::Exact),
        ("Grigory Zinoviev.", "Grigory Zinoviev", &[], Want::Exact),
        ("st petersburg", "St. Petersburg", &[], Want::Exact),
        ("left opposition", "The Left Opposition", &[], Want::Exact),
        ("the left opposition", "Left Opposition", &[], Want::Exact),
        ("an accumulation of ruins", "An accumulation of ruins", &[], Want::Exact),
        ("accumulation of ruins", "An accumulation of ruins", &[], Want::Exact),
        ("a", "A", &[], Want::Exact),
        ("trotskys", "Trotsky's", &[], Want::Exact),
        ("antonov ovseenko", "Antonov-Ovseenko", &[], Want::Exact),
        (
            "\"workerist\" interpretation",
            "A \"workerist\" interpretation",
            &[],
            Want::Exact,
        ),
        // Diacritics.
        ("Zinoviev", "Zinóviev", &[], Want::Exact),
        ("Zinóviev", "Zinoviev", &[], Want::Exact),
        ("Zino\u{301}viev", "Zinoviev", &[], Want::Exact),
        ("Lodz", "Łódź", &[], Want::Exact),
        ("Strasse", "Straße", &[], Want::Exact),
        ("Zurich", "Zürich", &[], Want::Exact),
        // Other scripts: Unicode case folding and marks.
        ("зиновьев", "Зиновьев", &[], Want::Exact),
        ("Алеша", "Алёша", &[], Want::Exact),
        ("Зиновев", "Зиновьев", &[], Want::Close),
        ("Каменев", "Зиновьев", &[], Want::Wrong),
        ("σωκρατης", "Σωκράτης", &[], Want::Exact),
        ("ΣΩΚΡΆΤΗΣ", "Σωκράτης", &[], Want::Exact),
        ("Πλάτων", "Σωκράτης", &[], Want::Wrong),
        ("Walesa", "Wałęsa", &[], Want::Exact),
        ("Lech Walesa", "Lech Wałęsa", &[], Want::Exact),
        ("Gdansk", "Gdańsk", &[], Want::Exact),
        ("Strasse", "Straße", &[], Want::Exact),
        ("Muenchen", "München", &[], Want::Close),
        ("Munchen", "München", &[], Want::Exact),
        ("Zinoviev", "Зиновьев", &[], Want::Wrong),
        ("Алексей", "Алёша", &[], Want::Wrong),
        ("Κνωσός", "Σωκράτης", &[], Want::Wrong),
        ("Berlin", "München", &[], Want::Wrong),
        // Listed alternatives (transliterations, short forms).
        ("Zinovyev", "Grigory Zinoviev", &["Zinoviev", "Zinovyev"], Want::Alt),
        ("zinoviev", "Grigory Zinoviev", &["Zinoviev", "Zinovyev"], Want::Alt),
        (
            "Petrograd",
            "St. Petersburg",
            &["Petrograd", "Saint Petersburg"],
            Want::Alt,
        ),
        ("1918-1921", "1918 to 1921", &["1918-1921", "1918–1921"], Want::Alt),
        (
            "Mezhraiontsy",
            "The Petersburg Inter-District organisation",
            &["Mezhraiontsy"],
            Want::Alt,
        ),
        ("Moscow", "Grigory Zinoviev", &["Zinoviev", "Zinovyev"], Want::Wrong),
        // Numbers and number words.
        ("6 weeks", "six weeks", &[], Want::Exact),
        ("six weeks", "6 weeks", &[], Want::Exact),
        ("4", "Four", &[], Want::Exact),
        ("twenty-one", "21", &[], Want::Exact),
        ("4th Congress", "The Fourth Congress", &[], Want::Exact),
        ("one hundred and six days", "106 days", &[], Want::Exact),
        ("seven weeks", "six weeks", &[], Want::Wrong),
        ("5", "Four", &[], Want::Wrong),
        ("3rd Congress", "The Fourth Congress", &[], Want::Wrong),
        ("60 weeks", "six weeks", &[], Want::Wrong),
        // Years: never a typo.
        ("1877", "1877", &[], Want::Exact),
        ("1878", "1877", &[], Want::Wrong),
        ("1787", "1877", &[], Want::Wrong),
        ("187", "1877", &[], Want::Wrong),
        ("June 1924", "June 1924", &[], Want::Exact),
        ("Jnue 1924", "June 1924", &[], Want::Close),
        ("June 1925", "June 1924", &[], Want::Wrong),
        ("Mya 1915", "May 1915", &[], Want::Wrong),
        ("13 November 1922", "13 November 1922", &[], Want::Exact),
        ("14 November 1922", "13 November 1922", &[], Want::Wrong),
        // Typos near the budget.
        ("Zinovev", "Zinoviev", &[], Want::Close),
        ("Zinvoiev", "Zinoviev", &[], Want::Close),
        ("Zinovjef", "Zinoviev", &[], Want::Close),
        ("Zinovjeff", "Zinoviev", &[], Want::Wrong),
        ("Znvev", "Zinoviev", &[], Want::Wrong),
        ("Pariss", "Paris", &[], Want::Close),
        ("Paaris", "Paris", &[], Want::Close),
        ("Parsi", "Paris", &[], Want::Close),
        ("Prais", "Paris", &[], Want::Close),
        ("Pxrxs", "Paris", &[], Want::Wrong),
        ("Gregory Zinovev", "Grigory Zinoviev", &[], Want::Close),
        ("Gregori Zinovev", "Grigory Zinoviev", &[], Want::Wrong),
        (
            "isolate revolutionary rusia and try to crush it militarly",
            "Isolate revolutionary Russia and try to crush it militarily",
            &[],
            Want::Close,
        ),
        ("Zinovyv", "Grigory Zinoviev", &["Zinovyev"], Want::Close),
        // Short answers: no typo allowed.
        ("Bak", "Baku", &[], Want::Close),
        ("Rome", "Roma", &[], Want::Close),
        ("Ufa", "Ufa", &[], Want::Exact),
        ("Ufo", "Ufa", &[], Want::Wrong),
        ("Bk", "Ba", &[], Want::Wrong),
        ("B", "A", &[], Want::Wrong),
        ("Tsar", "Tsar", &[], Want::Exact),
        ("Oct", "October", &[], Want::Wrong),
        // Plainly wrong or empty.
        ("", "Moscow", &[], Want::Wrong),
        ("   ", "Moscow", &[], Want::Wrong),
        ("Petrograd", "Moscow", &[], Want::Wrong),
        ("Lenin", "Trotsky", &[], Want::Wrong),
        ("Trotsky", "Leon Trotsky", &[], Want::Wrong),
        ("the", "Moscow", &[], Want::Wrong),
        ("?", "!", &[], Want::Wrong),
        ("!", "!", &[], Want::Exact),
    ];

    #[test]
    fn matcher_table() {
        let rejections = CASES.iter().filter(|c| c.3 == Want::Wrong).count();
        assert!(CASES.len() >= 50, "{} cases", CASES.len());
        assert!(
            rejections * 3 >= CASES.len(),
            "{rejections} rejections of {}",
            CASES.len()
        );
        let mut failures = Vec::new();
        for &(typed, expected, alternatives, want) in CASES {
            let alternatives: Vec<String> = alternatives.iter().map(|a| a.to_string()).collect();
            let judgement = Expected::new(expected, &alternatives).judge(typed);
            assert_eq!(judgement.expected, expected);
            if kind(&judgement.verdict) != want {
                failures.push(format!(
                    "{typed:?} vs {expected:?}: want {want:?}, got {:?}",
                    judgement.verdict
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn close_and_alternative_name_the_form_that_matched() {
        let alternatives = ["Zinoviev".to_string(), "Zinovyev".to_string()];
        let expected = Expected::new("Grigory Zinoviev", &alternatives);
        assert_eq!(
            expected.judge("zinovyev").verdict,
            Verdict::Alternative {
                form: "Zinovyev".into()
            }
        );
        assert_eq!(
            expected.judge("Zinovieff").verdict,
            Verdict::Close {
                form: "Zinoviev".into(),
                typos: 2
            }
        );
    }

    #[test]
    fn typo_budget_scales_with_length() {
        assert_eq!([0, 3, 4, 7, 8, 15, 16, 60].map(typo_budget), [0, 0, 1, 1, 2, 2, 3, 3]);
    }

    #[test]
    fn long_answers_are_judged_without_a_matrix() {
        // Two 200,000-letter answers: the full matrix would be 4·10^10 cells.
        let long: String = "abcdefghij".repeat(20_000);
        let mut near: Vec<char> = long.chars().collect();
        near.swap(100, 101);
        near[150_000] = 'x';
        let near: String = near.into_iter().collect();
        let far: String = "abcdefghik".repeat(20_000);
        let expected = Expected::new(&long, &[]);
        assert!(expected.accepts(&near));
        assert!(!expected.accepts(&far));
    }
}
