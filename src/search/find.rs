//! Running a search: the parsed [`Query`] made into the store's
//! [`Filter`] (words folded as [`crate::text::fold`] folds, split at `*`;
//! `rated:`/`added:` days made the instants they start at; `prop:d` from
//! Anki's 0-1 scale to FSRS's 1-10), the store given the retrievability
//! function of [`crate::stats::retrievability`], and each card found paired
//! with its retrievability now.

use super::{CardName, Prop, Query, parse};
use crate::clock::{Clock, DayNumber};
use crate::deck::{CardKind, QaKind, SequenceKind, TimelineKind};
use crate::error::{Error, Result};
use crate::stats;
use crate::store::Store;
pub use crate::store::search::FoundCard;
use crate::store::search::{Filter, Retrievability, SearchTime};

/// A card a search found, with its retrievability now (none without a
/// memory state).
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    pub card: FoundCard,
    pub retrievability: Option<f64>,
}

/// The cards `query` matches, in id order.
pub fn find(store: &Store, query: &str, clock: &Clock<impl chrono::TimeZone>) -> Result<Vec<Search>> {
    let (filter, time) = prepare(store, query, clock)?;
    let decay = stats::decay(store)?;
    let today = clock.today();
    let cards = store.search_cards(&filter, &time, retrievability(today, decay))?;
    Ok(cards
        .into_iter()
        .map(|card| Search {
            retrievability: stats::retrievability(card.stability, card.difficulty, card.last_review_day, today, decay),
            card,
        })
        .collect())
}

/// The ids of the cards `query` matches, in order.
pub fn search_ids(store: &Store, query: &str, clock: &Clock<impl chrono::TimeZone>) -> Result<Vec<i64>> {
    let (filter, time) = prepare(store, query, clock)?;
    let decay = stats::decay(store)?;
    store.search_card_ids(&filter, &time, retrievability(clock.today(), decay))
}

fn prepare(store: &Store, query: &str, clock: &Clock<impl chrono::TimeZone>) -> Result<(Filter, SearchTime)> {
    let parsed = parse(query)?;
    let learn_ahead_mins = store.settings()?.learn_ahead_mins;
    let filter = filter_of(query, &parsed, clock)?;
    let time = SearchTime {
        today: clock.today(),
        learn_cutoff_ms: clock.now_ms() + i64::from(learn_ahead_mins) * 60_000,
        next_day_start_ms: clock.end_of_today().timestamp_millis(),
    };
    Ok((filter, time))
}

/// FSRS's forgetting curve for the store, at `today` with `decay`.
fn retrievability(today: DayNumber, decay: f32) -> Retrievability {
    Box::new(move |stability, difficulty, last| stats::retrievability(stability, difficulty, last, today, decay))
}

/// The store's filter for a parsed query (`text` is the query as typed,
/// for error messages).
pub fn filter_of(text: &str, query: &Query, clock: &Clock<impl chrono::TimeZone>) -> Result<Filter> {
    let since = |days: u32| {
        clock
            .day_start(clock.today() - DayNumber::from(days) + 1)
            .timestamp_millis()
    };
    Ok(match query {
        Query::All => Filter::All,
        Query::And(parts) => Filter::And(filters_of(text, parts, clock)?),
        Query::Or(parts) => Filter::Or(filters_of(text, parts, clock)?),
        Query::Not(inner) => Filter::Not(Box::new(filter_of(text, inner, clock)?)),
        Query::Text(words) => {
            let parts = folded_parts(words);
            if parts.iter().all(String::is_empty) {
                return Err(Error::Usage(format!(
                    "search {text:?}: {words:?} has no letter or digit to look for.\n  hint: words are matched without case, accents or punctuation"
                )));
            }
            Filter::Text(parts)
        }
        Query::Deck(name) => Filter::Deck(folded_parts(name)),
        Query::Tag(tag) => Filter::Tag(folded_parts(tag)),
        Query::Is(is) => Filter::Is(*is),
        Query::Flag(flag) => Filter::Flag(*flag),
        // Anki's difficulty runs from 0 (FSRS's 1) to 1 (FSRS's 10).
        Query::Prop(Prop::Difficulty, cmp, d) => Filter::Prop(Prop::Difficulty, *cmp, d * 9.0 + 1.0),
        Query::Prop(prop, cmp, value) => Filter::Prop(*prop, *cmp, *value),
        Query::Rated { days, ease } => Filter::Rated {
            since_ms: since(*days),
            rating: *ease,
        },
        Query::Added(days) => Filter::Added { since_ms: since(*days) },
        Query::Card(CardName::Number(n)) => Filter::Or(numbered_templates(*n)),
        Query::Card(CardName::Name(name)) => {
            let written = name.to_lowercase().split('*').map(str::to_string).collect();
            let [template, kind] = kind_of(written);
            Filter::Or(vec![template, kind, Filter::NoteTemplate(folded_parts(name))])
        }
    })
}

/// The templates `card:N` matches: the N-th card of each kind of fact
/// (Anki's ordinal + 1): `cloze:N`, a note's `card:N`, and the N-th of the
/// kinds a q/a fact (`basic`, `reverse`), a sequence (`after`, `before`,
/// `order`) or a timeline (`date`, `event`) asks for.
fn numbered_templates(n: u32) -> Vec<Filter> {
    let mut filters = vec![
        Filter::Template(vec![format!("cloze:{n}")]),
        Filter::Template(vec![format!("card:{n}")]),
    ];
    let nth = usize::try_from(n).ok().and_then(|n| n.checked_sub(1));
    for kinds in [names::<QaKind>(), names::<SequenceKind>(), names::<TimelineKind>()] {
        if let Some(kind) = nth.and_then(|i| kinds.get(i)) {
            filters.extend(kind_of(vec![kind.to_string()]));
        }
    }
    filters
}

/// The names of a kind of fact's cards, in order.
fn names<K: CardKind>() -> Vec<&'static str> {
    K::ALL.iter().map(|kind| kind.name()).collect()
}

/// The template `parts` names, or any of that kind (`cloze` is every
/// `cloze:N`, `after` every `after:A>B`).
fn kind_of(parts: Vec<String>) -> [Filter; 2] {
    let mut kind = parts.clone();
    if let Some(last) = kind.last_mut() {
        last.push(':');
    }
    kind.push(String::new());
    [Filter::Template(parts), Filter::Template(kind)]
}

fn filters_of(text: &str, parts: &[Query], clock: &Clock<impl chrono::TimeZone>) -> Result<Vec<Filter>> {
    parts.iter().map(|q| filter_of(text, q, clock)).collect()
}

/// The text between `*`s, each part folded.
fn folded_parts(text: &str) -> Vec<String> {
    text.split('*').map(crate::text::fold).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::search::{Cmp, Is};

    fn clock() -> Clock<chrono::Utc> {
        Clock::new(crate::clock::parse_now("2026-03-10T10:00:00Z").unwrap(), chrono::Utc, 4)
    }

    fn filter(q: &str) -> Result<Filter> {
        filter_of(q, &parse(q)?, &clock())
    }

    #[test]
    fn words_are_folded_and_days_become_the_instants_they_start_at() {
        let parts = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            filter("Zinóviev's -deck:Kron*").unwrap(),
            Filter::And(vec![
                Filter::Text(parts(&["zinovievs"])),
                Filter::Not(Box::new(Filter::Deck(parts(&["kron", ""])))),
            ])
        );
        assert_eq!(
            filter("\"Sailors'  REVOLT\"").unwrap(),
            Filter::Text(parts(&["sailors revolt"]))
        );
        // Today (2026-03-10) starts at 04:00 UTC; rated:2 includes yesterday.
        let yesterday = chrono::DateTime::parse_from_rfc3339("2026-03-09T04:00:00Z").unwrap();
        assert_eq!(
            filter("rated:2:1").unwrap(),
            Filter::Rated {
                since_ms: yesterday.timestamp_millis(),
                rating: Some(1)
            }
        );
        assert_eq!(
            filter("added:1").unwrap(),
            Filter::Added {
                since_ms: yesterday.timestamp_millis() + 86_400_000
            }
        );
        assert_eq!(
            filter("prop:d>0.5").unwrap(),
            Filter::Prop(Prop::Difficulty, Cmp::Gt, 5.5)
        );
        assert_eq!(
            filter("prop:r<0.8").unwrap(),
            Filter::Prop(Prop::Retrievability, Cmp::Lt, 0.8)
        );
        assert_eq!(filter("is:due").unwrap(), Filter::Is(Is::Due));
    }

    #[test]
    fn card_names_the_templates_of_every_kind_of_fact() {
        let template = |parts: &[&str]| Filter::Template(parts.iter().map(|p| p.to_string()).collect());
        assert_eq!(
            filter("card:2").unwrap(),
            Filter::Or(vec![
                template(&["cloze:2"]),
                template(&["card:2"]),
                template(&["reverse"]),
                template(&["reverse:", ""]),
                template(&["before"]),
                template(&["before:", ""]),
                template(&["event"]),
                template(&["event:", ""]),
            ])
        );
        assert_eq!(
            filter("card:3").unwrap(),
            Filter::Or(vec![
                template(&["cloze:3"]),
                template(&["card:3"]),
                template(&["order"]),
                template(&["order:", ""]),
            ])
        );
        assert_eq!(
            filter("card:12").unwrap(),
            Filter::Or(vec![template(&["cloze:12"]), template(&["card:12"])])
        );
        // A name: the template so named, every one of that kind, or a
        // note's template of that name (folded).
        assert_eq!(
            filter("card:Cloze").unwrap(),
            Filter::Or(vec![
                template(&["cloze"]),
                template(&["cloze:", ""]),
                Filter::NoteTemplate(vec!["cloze".into()]),
            ])
        );
        assert_eq!(
            filter("card:After*").unwrap(),
            Filter::Or(vec![
                template(&["after", ""]),
                template(&["after", ":", ""]),
                Filter::NoteTemplate(vec!["after".into(), String::new()]),
            ])
        );
    }

    #[test]
    fn a_word_with_nothing_to_look_for_is_refused() {
        for q in ["!!!", "a (* or b)", "\"--\""] {
            let err = filter(q).unwrap_err();
            assert!(matches!(err, Error::Usage(_)), "{q}: {err}");
            assert!(err.to_string().contains("no letter or digit"), "{q}: {err}");
        }
        assert_eq!(
            filter("deck:*").unwrap(),
            Filter::Deck(vec![String::new(), String::new()])
        );
    }
}
