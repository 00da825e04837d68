//! Terms: a word or phrase, or a field (`deck:`, `tag:`, `is:`, `flag:`,
//! `prop:`, `rated:`, `added:`) with its value checked.

use super::{Cmp, Is, Prop, Query, error};
use crate::error::Result;

pub(super) fn term(query: &str, text: &str, quoted: bool) -> Result<Query> {
    let field = if quoted { None } else { text.split_once(':') };
    let Some((name, value)) = field else {
        return Ok(Query::Text(text.to_string()));
    };
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
        _ => Ok(Query::Text(text.to_string())),
    }
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

    fn p(q: &str) -> Query {
        parse(q).unwrap()
    }

    fn text(t: &str) -> Query {
        Query::Text(t.into())
    }

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
        assert_eq!(p("http://x"), text("http://x"), "an unknown field is text");
    }
}
