//! Terms: a word or phrase, or a field (`deck:`, `tag:`, `card:`, `is:`,
//! `flag:`, `prop:`, `rated:`, `added:`) with its value checked.
//!
//! A term is a field when what comes before its first colon is a word of
//! letters (in any script) and what follows it does not start with `//`;
//! a field iskra does not know is refused, never searched as text (negated,
//! it would match every card). Anything else with a colon is text:
//! `12:30`, `http://x`, `lenin's:x`, and `a\:b` (Anki's escape: `\:` is a
//! colon in the text). Quotes only group: `"deck:a b"` is `deck:"a b"`.

use super::{CardName, Cmp, Is, Prop, Query, error, usage};
use crate::error::{Error, Result};

/// The fields a query may name, as an error for another lists them.
const FIELDS: &str = "deck:, tag:, card:, is:, flag:, prop:, rated:, added:";

/// The most characters of an unknown field's name an error quotes.
const NAME_CHARS: usize = 40;

/// A term's field name and value, if it names a field (see the module's
/// comment).
fn split_field(text: &str) -> Option<(&str, &str)> {
    let (name, value) = text.split_once(':')?;
    let word = !name.is_empty() && name.chars().all(char::is_alphabetic);
    (word && !value.starts_with("//")).then_some((name, value))
}

/// Text with Anki's escaped colons (`\:`) made colons.
fn unescape(text: &str) -> String {
    text.replace("\\:", ":")
}

pub(super) fn term(query: &str, text: &str, quoted: bool) -> Result<Query> {
    let Some((name, value)) = split_field(text) else {
        if let Some((name, _)) = text.strip_prefix('-').and_then(split_field).filter(|_| quoted) {
            let name = crate::text::clip(name, NAME_CHARS);
            return Err(error(
                query,
                format!("a '-' inside quotes does not negate: write it before them (-\"{name}:…\")"),
            ));
        }
        return Ok(Query::Text(unescape(text)));
    };
    let value = unescape(value);
    let value = value.as_str();
    let value_needed = |v: &str| {
        if v.is_empty() {
            Err(error(query, format!("{name}: needs a value")))
        } else {
            Ok(v.to_string())
        }
    };
    match name.to_ascii_lowercase().as_str() {
        "deck" => Ok(Query::Deck(value_needed(value)?)),
        "tag" => Ok(Query::Tag(value_needed(value)?)),
        "is" => Ok(Query::Is(match value.to_ascii_lowercase().as_str() {
            "new" => Is::New,
            "learn" => Is::Learn,
            "review" => Is::Review,
            "due" => Is::Due,
            "suspended" => Is::Suspended,
            "buried" => Is::Buried,
            "leech" => Is::Leech,
            "flagged" => Is::Flagged,
            other => {
                return Err(error(
                    query,
                    format!(
                        "unknown is:{other} (is: takes new, learn, review, due, suspended, buried, leech, flagged)"
                    ),
                ));
            }
        })),
        "flag" => match value.parse::<u8>() {
            Ok(n) if n <= 7 => Ok(Query::Flag(n)),
            _ => Err(error(query, "flag: takes 0 to 7")),
        },
        "prop" => prop(query, value),
        "rated" => {
            let (days, ease) = match value.split_once(':') {
                Some((d, e)) => (d, Some(e)),
                None => (value, None),
            };
            let days = positive_days(query, "rated", days)?;
            let ease = match ease {
                None => None,
                Some(e) => match e.parse::<u8>() {
                    Ok(n @ 1..=4) => Some(n),
                    _ => return Err(error(query, "rated:N:ease takes an ease of 1 to 4")),
                },
            };
            Ok(Query::Rated { days, ease })
        }
        "added" => Ok(Query::Added(positive_days(query, "added", value)?)),
        "card" => card(query, value),
        other => Err(unknown_field(query, name, other)),
    }
}

/// `card:N` (a template's number, from 1) or `card:NAME`.
fn card(query: &str, value: &str) -> Result<Query> {
    if value.is_empty() {
        return Err(error(query, "card: needs a value"));
    }
    if !value.chars().all(|c| c.is_ascii_digit()) {
        return Ok(Query::Card(CardName::Name(value.to_string())));
    }
    match value.parse::<u32>() {
        Ok(n @ 1..) => Ok(Query::Card(CardName::Number(n))),
        _ => Err(error(query, "card:N takes a card's number from 1 (card:1, card:2)")),
    }
}

/// The error for a field iskra does not know (`name` as written, `lower`
/// in lower case): the fields it knows, and what to write instead where
/// iskra has something close.
fn unknown_field(query: &str, name: &str, lower: &str) -> Error {
    let name = crate::text::clip(name, NAME_CHARS);
    let mut message = format!("iskra does not support the field {name}: (it knows {FIELDS})");
    if let Some(instead) = instead_of(lower) {
        message.push_str("; ");
        message.push_str(instead);
    }
    usage(
        query,
        message,
        &format!(
            "to look for the text, write its colon as \\: ({name}\\:…); README \"Managing your collection\" lists the search syntax"
        ),
    )
}

/// What iskra has close to one of Anki's fields it does not support.
fn instead_of(field: &str) -> Option<&'static str> {
    Some(match field {
        "note" | "mid" | "notetype" => {
            "iskra has no note types: card: names a card's template (card:basic, card:reverse, card:cloze, card:1)"
        }
        "template" | "type" => "card: names a card's template (card:basic, card:cloze:2, card:1)",
        "nc" => "words already match without accents (zinoviev finds Zinóviev): leave out nc:",
        "w" => "words also match inside longer words (sail finds sailors): leave out w:",
        "front" | "back" | "question" | "answer" | "text" => {
            "words match a card's front and back: leave out the field's name"
        }
        "introduced" => "added:N finds the cards added in the last N days, rated:N those answered in them",
        "cid" | "nid" => "the card commands and iskra card take card ids themselves (iskra suspend ID…)",
        _ => return None,
    })
}

fn positive_days(query: &str, name: &str, text: &str) -> Result<u32> {
    match text.parse::<u32>() {
        Ok(n @ 1..=36500) => Ok(n),
        _ => Err(error(query, format!("{name}: takes a number of days from 1 (today)"))),
    }
}

fn prop(query: &str, value: &str) -> Result<Query> {
    let split = value
        .find(['<', '>', '=', '!'])
        .ok_or_else(|| error(query, "prop: needs a comparison, as prop:ivl>=10"))?;
    let (name, rest) = value.split_at(split);
    let (cmp, number) = [
        ("<=", Cmp::Le),
        (">=", Cmp::Ge),
        ("!=", Cmp::Ne),
        ("<", Cmp::Lt),
        (">", Cmp::Gt),
        ("=", Cmp::Eq),
    ]
    .iter()
    .find_map(|(op, cmp)| rest.strip_prefix(op).map(|n| (*cmp, n)))
    .ok_or_else(|| error(query, "prop: needs one of < <= = != >= >"))?;
    let prop = match name.to_ascii_lowercase().as_str() {
        "ivl" => Prop::Ivl,
        "due" => Prop::Due,
        "lapses" => Prop::Lapses,
        "reps" => Prop::Reps,
        "s" => Prop::Stability,
        "d" => Prop::Difficulty,
        "r" => Prop::Retrievability,
        other => {
            return Err(error(
                query,
                format!("unknown prop:{other} (prop: takes ivl, due, lapses, reps, s, d, r)"),
            ));
        }
    };
    let number: f64 = number
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite())
        .ok_or_else(|| error(query, format!("prop:{name} needs a number after the comparison")))?;
    Ok(Query::Prop(prop, cmp, number))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::parse;
    use crate::search::tests::{p, text};

    #[test]
    fn fields() {
        assert_eq!(p("deck:kron*"), Query::Deck("kron*".into()));
        assert_eq!(p("deck:\"My deck\""), Query::Deck("My deck".into()));
        assert_eq!(p("TAG:war"), Query::Tag("war".into()));
        assert_eq!(p("is:due"), Query::Is(Is::Due));
        assert_eq!(p("is:Suspended"), Query::Is(Is::Suspended));
        assert_eq!(p("flag:3"), Query::Flag(3));
        assert_eq!(p("prop:ivl>=10"), Query::Prop(Prop::Ivl, Cmp::Ge, 10.0));
        assert_eq!(p("prop:due<=3"), Query::Prop(Prop::Due, Cmp::Le, 3.0));
        assert_eq!(p("prop:due<-2"), Query::Prop(Prop::Due, Cmp::Lt, -2.0));
        assert_eq!(p("prop:lapses>3"), Query::Prop(Prop::Lapses, Cmp::Gt, 3.0));
        assert_eq!(p("prop:r<0.8"), Query::Prop(Prop::Retrievability, Cmp::Lt, 0.8));
        assert_eq!(p("prop:s!=2.5"), Query::Prop(Prop::Stability, Cmp::Ne, 2.5));
        assert_eq!(p("prop:d=5"), Query::Prop(Prop::Difficulty, Cmp::Eq, 5.0));
        assert_eq!(p("rated:7"), Query::Rated { days: 7, ease: None });
        assert_eq!(p("rated:1:1"), Query::Rated { days: 1, ease: Some(1) });
        assert_eq!(p("added:30"), Query::Added(30));
        assert_eq!(p("card:1"), Query::Card(CardName::Number(1)));
        assert_eq!(p("CARD:Reverse"), Query::Card(CardName::Name("Reverse".into())));
        assert_eq!(p("card:cloze:2"), Query::Card(CardName::Name("cloze:2".into())));
        assert_eq!(p("card:after*"), Query::Card(CardName::Name("after*".into())));
    }

    /// The refusal of `query`'s unknown field `name`.
    fn refusal(query: &str, name: &str) -> String {
        let err = parse(query).expect_err(query);
        assert!(matches!(err, Error::Usage(_)), "{query}: {err}");
        let message = err.to_string();
        for part in [
            format!("iskra does not support the field {name}:"),
            format!("(it knows {FIELDS})"),
            format!("hint: to look for the text, write its colon as \\: ({name}\\:…)"),
        ] {
            assert!(message.contains(&part), "{query}: {part:?} not in {message}");
        }
        message
    }

    /// An unknown field was searched as text: it matched nothing, and
    /// negated, every card (`suspend --search 'deck:x -card:2'` suspended
    /// the whole deck).
    #[test]
    fn a_field_iskra_does_not_know_is_refused_naming_it_and_the_fields_it_knows() {
        for (query, name) in [
            ("w:lenin", "w"),
            ("deck:people -nid:123", "nid"),
            ("-mid:1", "mid"),
            ("dupe:1,lenin", "dupe"),
            ("preset:Default", "preset"),
            ("resched:1", "resched"),
            ("edited:3", "edited"),
            ("Front:lenin", "Front"),
            ("(a or re:le.in)", "re"),
            ("moscow:", "moscow"),
            ("вопрос:ленин", "вопрос"),
            ("\"note:Basic Reversed\"", "note"),
            ("-\"w:lenin\"", "w"),
        ] {
            refusal(query, name);
        }
        // Where iskra has something close, the refusal says so.
        for (query, name, instead) in [
            ("note:Basic", "note", "card: names a card's template"),
            ("nc:zinoviev", "nc", "words already match without accents"),
            ("introduced:2", "introduced", "added:N finds the cards added"),
            ("cid:1,2", "cid", "take card ids themselves"),
            ("template:basic", "template", "card: names a card's template"),
        ] {
            let message = refusal(query, name);
            assert!(message.contains(instead), "{query}: {message}");
        }
        let long = format!("{}:x", "a".repeat(500));
        let message = refusal(&long, &format!("{}…", "a".repeat(NAME_CHARS)));
        assert!(message.chars().count() < 500, "the name is clipped: {message}");
    }

    #[test]
    fn a_colon_that_names_no_field_is_text() {
        for (query, found) in [
            ("12:30", "12:30"),
            ("http://x", "http://x"),
            ("https://example.org/a:b", "https://example.org/a:b"),
            ("lenin's:x", "lenin's:x"),
            ("c1:x", "c1:x"),
            (":x", ":x"),
            ("\"12:30 am\"", "12:30 am"),
            // Anki's escape: `\:` is a colon in the text.
            ("note\\:Basic", "note:Basic"),
            ("\"deck\\:x y\"", "deck:x y"),
            ("a\\:b:c", "a:b:c"),
        ] {
            assert_eq!(p(query), text(found), "{query}");
        }
    }

    /// `"deck:french vocab"` is how Anki's manual quotes a field with
    /// spaces; it was searched as the text `deck french vocab`.
    #[test]
    fn a_whole_quoted_field_is_the_field() {
        let people = Query::Deck("People of Lenin's Moscow".into());
        assert_eq!(p("\"deck:People of Lenin's Moscow\""), people);
        assert_eq!(p("deck:\"People of Lenin's Moscow\""), people);
        assert_eq!(p("-\"deck:a b\""), Query::Not(Box::new(Query::Deck("a b".into()))));
        assert_eq!(p("\"tag:war\""), Query::Tag("war".into()));
        assert_eq!(p("\"card:cloze:1\""), Query::Card(CardName::Name("cloze:1".into())));
        assert_eq!(p("\"is:due\""), Query::Is(Is::Due));
        assert_eq!(p("\"sailors' revolt\""), text("sailors' revolt"));
        // A '-' inside the quotes would be text that names a field: refused.
        let err = parse("\"-deck:a b\"").unwrap_err().to_string();
        assert!(err.contains("write it before them (-\"deck:…\")"), "{err}");
        assert_eq!(p("\"-1921\""), text("-1921"));
    }
}
