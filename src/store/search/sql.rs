//! The SQL writer of search: a [`Filter`] becomes one condition on the
//! cards `c` (joined to their facts `f`) with `?` placeholders and the
//! values bound to them, in order. No value from the filter is ever written
//! into the SQL text: the text holds only column names, operators and
//! constants chosen here, so a query cannot change the statement.
//!
//! Every condition is true or false, never NULL (a card with no stability
//! is not `prop:s>1`, and is `-prop:s>1`), so `NOT` is the complement.

use rusqlite::types::Value;

use super::{Cmp, Filter, Is, Prop, SearchTime};
use crate::store::queue;

const DAY_MS: i64 = 86_400_000;

/// A condition and its bound values.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Condition {
    pub sql: String,
    pub values: Vec<Value>,
    /// Whether it reads the card's fact (`f`): else the search need not
    /// join the facts.
    pub uses_facts: bool,
    /// Whether text is narrowed through `card_trigrams`.
    trigrams: bool,
    /// Whether only cards an id list names can match (answered ones for
    /// `rated:`, those `card_trigrams` finds for words): the search then
    /// reads those cards' rows at once, by id, rather than finding ids
    /// first and reading the rows again.
    pub by_id: bool,
}

/// Writes `filter` as a condition.
pub(super) fn condition(filter: &Filter, time: &SearchTime) -> Condition {
    let mut writer = Condition {
        trigrams: true,
        ..Condition::default()
    };
    writer.write(filter, time);
    writer.by_id = writer.narrows_by_id(filter);
    writer
}

/// [`condition`] without `card_trigrams`: text is looked for in every
/// card's `search_text` (what a search found before the index, for tests
/// that compare the two).
#[cfg(test)]
pub(super) fn condition_without_trigrams(filter: &Filter, time: &SearchTime) -> Condition {
    let mut writer = Condition::default();
    writer.write(filter, time);
    writer
}

/// A `LIKE` pattern (with `ESCAPE '\'`) for folded text made of `parts`
/// with anything between them; `anchored`: the text is the whole pattern,
/// else it may be anywhere in the text.
pub(super) fn like_pattern(parts: &[String], anchored: bool) -> String {
    let escaped: Vec<String> = parts
        .iter()
        .map(|p| p.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
        .collect();
    let inner = escaped.join("%");
    if anchored { inner } else { format!("%{inner}%") }
}

/// The most trigrams a text is narrowed by: more hardly narrow further
/// (the `LIKE` decides), and each is a doclist to read.
const MAX_TRIGRAMS: usize = 64;

/// An FTS5 query for `card_trigrams` that every text holding `parts` (in
/// order, anything between them) matches: each distinct three characters
/// of each part, all of them (the first [`MAX_TRIGRAMS`]). Nothing when no part is three characters
/// long (such a text is looked for in every card). It only narrows: the
/// text is checked with its `LIKE` pattern as well.
pub(super) fn trigram_query(parts: &[String]) -> Option<String> {
    let mut seen = std::collections::HashSet::new();
    let mut trigrams: Vec<String> = Vec::new();
    for part in parts {
        let chars: Vec<char> = part.chars().collect();
        for window in chars.windows(3) {
            if trigrams.len() == MAX_TRIGRAMS {
                break;
            }
            let trigram: String = window.iter().collect();
            if seen.insert(trigram.clone()) {
                trigrams.push(trigram);
            }
        }
    }
    if trigrams.is_empty() {
        return None;
    }
    let quoted: Vec<String> = trigrams
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    Some(quoted.join(" AND "))
}

impl Condition {
    /// Whether `filter` holds only for cards an id list of its own names
    /// (see [`Condition::by_id`]).
    fn narrows_by_id(&self, filter: &Filter) -> bool {
        match filter {
            Filter::Rated { .. } => true,
            Filter::Text(parts) => self.trigrams && trigram_query(parts).is_some(),
            Filter::And(parts) => parts.iter().any(|part| self.narrows_by_id(part)),
            Filter::Or(parts) => !parts.is_empty() && parts.iter().all(|part| self.narrows_by_id(part)),
            _ => false,
        }
    }

    fn push(&mut self, sql: &str) {
        self.sql.push_str(sql);
    }

    fn bind(&mut self, value: impl Into<Value>) {
        self.values.push(value.into());
    }

    fn write(&mut self, filter: &Filter, time: &SearchTime) {
        match filter {
            Filter::All => self.push("1"),
            Filter::And(parts) => self.join(parts, " AND ", time),
            Filter::Or(parts) => self.join(parts, " OR ", time),
            Filter::Not(inner) => {
                self.push("NOT ");
                self.write(inner, time);
            }
            Filter::Text(parts) => match trigram_query(parts).filter(|_| self.trigrams) {
                Some(query) => {
                    self.push(
                        "(c.id IN (SELECT rowid FROM card_trigrams WHERE card_trigrams MATCH ?)
                          AND c.search_text LIKE ? ESCAPE '\\')",
                    );
                    self.bind(query);
                    self.bind(like_pattern(parts, false));
                }
                None => {
                    self.push("c.search_text LIKE ? ESCAPE '\\'");
                    self.bind(like_pattern(parts, false));
                }
            },
            Filter::Deck(parts) => {
                self.push(
                    "c.deck_id IN (SELECT id FROM decks WHERE iskra_fold(key) LIKE ? ESCAPE '\\'
                     OR iskra_fold(name) LIKE ? ESCAPE '\\')",
                );
                let pattern = like_pattern(parts, true);
                self.bind(pattern.clone());
                self.bind(pattern);
            }
            Filter::Tag(parts) => {
                // One tag between line breaks; with a `*`, the match is
                // checked tag by tag (a `%` could span two tags).
                self.uses_facts = true;
                let pattern = like_pattern(parts, true);
                self.push("((f.tags_folded LIKE ? ESCAPE '\\'");
                self.bind(format!("%\n{pattern}\n%"));
                if parts.len() > 1 {
                    self.push(
                        " AND EXISTS (SELECT 1 FROM json_each(f.content, '$.tags') t
                                      WHERE iskra_fold(t.value) LIKE ? ESCAPE '\\')",
                    );
                    self.bind(pattern.clone());
                }
                self.push(") OR (c.leech = 1 AND 'leech' LIKE ? ESCAPE '\\'))");
                self.bind(pattern);
            }
            Filter::Is(is) => self.is(*is, time),
            Filter::Flag(flag) => {
                self.push("c.flag = ?");
                self.bind(i64::from(*flag));
            }
            Filter::Prop(prop, cmp, value) => self.prop(*prop, *cmp, *value, time),
            Filter::Rated { since_ms, rating } => {
                self.push(
                    "c.id IN (SELECT card_id FROM review_log WHERE reviewed_at_ms >= ? AND rating BETWEEN 1 AND 4",
                );
                self.bind(*since_ms);
                if let Some(rating) = rating {
                    self.push(" AND rating = ?");
                    self.bind(i64::from(*rating));
                }
                self.push(")");
            }
            Filter::Added { since_ms } => {
                self.push("(c.added_ms IS NOT NULL AND c.added_ms >= ?)");
                self.bind(*since_ms);
            }
            Filter::Template(parts) => {
                self.push("c.template LIKE ? ESCAPE '\\'");
                self.bind(like_pattern(parts, true));
            }
            Filter::NoteTemplate(parts) => {
                // A note's card `card:N` is its (N-1)th template; other
                // facts have no `templates` (NULL: no match).
                self.uses_facts = true;
                self.push(
                    "(c.template LIKE 'card:%' AND coalesce(iskra_fold(json_extract(f.content,
                       '$.templates[' || (CAST(substr(c.template, 6) AS INTEGER) - 1) || '].name'))
                       LIKE ? ESCAPE '\\', 0))",
                );
                self.bind(like_pattern(parts, true));
            }
        }
    }

    fn join(&mut self, parts: &[Filter], operator: &str, time: &SearchTime) {
        self.push("(");
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                self.push(operator);
            }
            self.write(part, time);
        }
        if parts.is_empty() {
            // An empty AND holds; an empty OR does not.
            self.push(if operator == " AND " { "1" } else { "0" });
        }
        self.push(")");
    }

    fn is(&mut self, is: Is, time: &SearchTime) {
        match is {
            Is::New => self.push("c.state = 0"),
            Is::Learn => self.push(&format!("c.queue IN ({}, {})", queue::LEARNING, queue::DAY_LEARNING)),
            Is::Review => self.push("c.state IN (2, 3)"),
            // One CASE rather than an OR of two (queue, due) ranges: SQLite
            // would scan an index once per branch and look every review
            // card up, even when another condition (a deck) narrows them.
            Is::Due => {
                self.push(&format!(
                    "(CASE c.queue WHEN {} THEN c.due <= ? WHEN {} THEN c.due <= ? WHEN {} THEN c.due <= ? ELSE 0 END)",
                    queue::REVIEW,
                    queue::LEARNING,
                    queue::DAY_LEARNING
                ));
                self.bind(time.today);
                self.bind(time.learn_cutoff_ms);
                self.bind(time.today);
            }
            Is::Suspended => self.push(&format!("c.queue = {}", queue::SUSPENDED)),
            Is::Buried => self.push(&format!("c.queue = {}", queue::BURIED)),
            Is::Leech => self.push("c.leech = 1"),
            Is::Flagged => self.push("c.flag != 0"),
        }
    }

    fn prop(&mut self, prop: Prop, cmp: Cmp, value: f64, time: &SearchTime) {
        let op = cmp.sql();
        match prop {
            Prop::Ivl => self.push(&format!("c.interval {op} ?")),
            Prop::Lapses => self.push(&format!("c.lapses {op} ?")),
            Prop::Reps => self.push(&format!("c.reps {op} ?")),
            Prop::Stability => self.push(&format!("(c.stability IS NOT NULL AND c.stability {op} ?)")),
            Prop::Difficulty => self.push(&format!("(c.difficulty IS NOT NULL AND c.difficulty {op} ?)")),
            // The function is called only for cards with a memory state
            // (it has no value for the others): 312,686 new cards of a
            // million skip it.
            Prop::Retrievability => self.push(&format!(
                "(CASE WHEN c.stability > 0 AND c.difficulty IS NOT NULL AND c.last_review_day IS NOT NULL
                  THEN coalesce(iskra_r(c.stability, c.difficulty, c.last_review_day) {op} ?, 0) ELSE 0 END)"
            )),
            Prop::Due => {
                // Review cards and day-long steps: days from today to their
                // day; learning cards: whole days from the end of today (0
                // for later today), as Anki counts them.
                self.push(&format!(
                    "(CASE c.queue WHEN {} THEN c.due - ? {op} ? WHEN {} THEN c.due - ? {op} ? \
                     WHEN {} THEN (c.due - ?) / {DAY_MS} {op} ? ELSE 0 END)",
                    queue::REVIEW,
                    queue::DAY_LEARNING,
                    queue::LEARNING
                ));
                self.bind(time.today);
                self.bind(value);
                self.bind(time.today);
                self.bind(value);
                self.bind(time.next_day_start_ms);
            }
        }
        self.bind(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIME: SearchTime = SearchTime {
        today: 20_500,
        learn_cutoff_ms: 1_771_000_000_000,
        next_day_start_ms: 1_771_100_000_000,
    };

    fn parts(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    /// Every filter kind, with user values that would break a statement
    /// built from text.
    fn hostile() -> Filter {
        let evil = "x' OR 1=1; DROP TABLE cards; --";
        Filter::Or(vec![
            Filter::And(vec![
                Filter::Text(parts(&[evil, "100%_sure"])),
                Filter::Not(Box::new(Filter::Deck(parts(&[evil])))),
            ]),
            Filter::Tag(parts(&[evil, ""])),
            Filter::Is(Is::Due),
            Filter::Flag(3),
            Filter::Prop(Prop::Due, Cmp::Le, -2.0),
            Filter::Prop(Prop::Retrievability, Cmp::Lt, 0.8),
            Filter::Rated {
                since_ms: 123,
                rating: Some(1),
            },
            Filter::Added { since_ms: 456 },
            Filter::Template(parts(&[evil, "cloze:%"])),
            Filter::NoteTemplate(parts(&[evil])),
        ])
    }

    #[test]
    fn values_are_bound_never_written_into_the_sql() {
        let c = condition(&hostile(), &TIME);
        assert!(!c.sql.contains("DROP"), "{}", c.sql);
        assert!(!c.sql.contains("1=1"), "{}", c.sql);
        assert!(!c.sql.contains("sure"), "{}", c.sql);
        for number in ["123", "456", "20500", "-2", "0.8"] {
            assert!(!c.sql.contains(number), "{number} in {}", c.sql);
        }
        assert_eq!(c.sql.matches('?').count(), c.values.len(), "{}", c.sql);
        let text = |s: &str| Value::Text(s.to_string());
        let trigrams = trigram_query(&parts(&["x' OR 1=1; DROP TABLE cards; --", "100%_sure"])).unwrap();
        assert_eq!(
            c.values,
            vec![
                text(&trigrams),
                text("%x' OR 1=1; DROP TABLE cards; --%100\\%\\_sure%"),
                text("x' OR 1=1; DROP TABLE cards; --"),
                text("x' OR 1=1; DROP TABLE cards; --"),
                text("%\nx' OR 1=1; DROP TABLE cards; --%\n%"),
                text("x' OR 1=1; DROP TABLE cards; --%"),
                text("x' OR 1=1; DROP TABLE cards; --%"),
                Value::Integer(20_500),
                Value::Integer(1_771_000_000_000),
                Value::Integer(20_500),
                Value::Integer(3),
                Value::Integer(20_500),
                Value::Real(-2.0),
                Value::Integer(20_500),
                Value::Real(-2.0),
                Value::Integer(1_771_100_000_000),
                Value::Real(-2.0),
                Value::Real(0.8),
                Value::Integer(123),
                Value::Integer(1),
                Value::Integer(456),
                text("x' OR 1=1; DROP TABLE cards; --%cloze:\\%"),
                text("x' OR 1=1; DROP TABLE cards; --"),
            ]
        );
    }

    #[test]
    fn a_tag_with_a_wildcard_is_checked_tag_by_tag() {
        let exact = condition(&Filter::Tag(parts(&["war"])), &TIME);
        assert!(!exact.sql.contains("json_each"), "{}", exact.sql);
        let wild = condition(&Filter::Tag(parts(&["w", "r"])), &TIME);
        assert!(wild.sql.contains("json_each"), "{}", wild.sql);
        assert_eq!(
            wild.values,
            vec![
                Value::Text("%\nw%r\n%".into()),
                Value::Text("w%r".into()),
                Value::Text("w%r".into())
            ]
        );
    }

    #[test]
    fn the_tree_is_kept_by_parentheses() {
        let c = condition(
            &Filter::And(vec![
                Filter::Or(vec![Filter::Flag(1), Filter::Flag(2)]),
                Filter::Not(Box::new(Filter::Or(vec![Filter::Is(Is::New), Filter::Is(Is::Leech)]))),
            ]),
            &TIME,
        );
        assert_eq!(
            c.sql,
            "((c.flag = ? OR c.flag = ?) AND NOT (c.state = 0 OR c.leech = 1))"
        );
        assert_eq!(c.values, vec![Value::Integer(1), Value::Integer(2)]);
        assert_eq!(condition(&Filter::Or(vec![]), &TIME).sql, "(0)");
        assert_eq!(condition(&Filter::All, &TIME).sql, "1");
    }

    #[test]
    fn the_trigram_query_asks_for_every_three_characters_of_every_part() {
        assert_eq!(
            trigram_query(&parts(&["kron", "", "ab", "dtа"])).as_deref(),
            Some("\"kro\" AND \"ron\" AND \"dtа\"")
        );
        // Each trigram once; a quote doubled; parts of fewer than three
        // characters narrow nothing.
        assert_eq!(trigram_query(&parts(&["aaaa"])).as_deref(), Some("\"aaa\""));
        assert_eq!(trigram_query(&parts(&["a\"b"])).as_deref(), Some("\"a\"\"b\""));
        assert_eq!(trigram_query(&parts(&["ab", "", "cd"])), None);
        let long: String = (0..5_000u32).filter_map(|i| char::from_u32(0x4e00 + i)).collect();
        let query = trigram_query(&parts(&[&long])).unwrap();
        assert_eq!(
            query.matches(" AND ").count() + 1,
            MAX_TRIGRAMS,
            "at most {MAX_TRIGRAMS}"
        );
        assert!(query.starts_with(&format!("\"{}\"", &long.chars().take(3).collect::<String>())));
        // Text is narrowed by the index and checked with its pattern;
        // without the index, only checked.
        let text = Filter::Text(parts(&["kron"]));
        let with = condition(&text, &TIME);
        assert!(
            with.sql.contains("card_trigrams MATCH ?") && with.sql.contains("LIKE"),
            "{}",
            with.sql
        );
        assert_eq!(with.values.len(), 2);
        let without = condition_without_trigrams(&text, &TIME);
        assert!(!without.sql.contains("card_trigrams"), "{}", without.sql);
        assert_eq!(without.values, vec![Value::Text("%kron%".into())]);
    }

    #[test]
    fn like_patterns_escape_their_wildcards() {
        assert_eq!(like_pattern(&parts(&["a%b", "c_d\\"]), true), "a\\%b%c\\_d\\\\");
        assert_eq!(like_pattern(&parts(&["kron", ""]), true), "kron%");
        assert_eq!(like_pattern(&parts(&["revolt"]), false), "%revolt%");
    }

    #[test]
    fn the_statement_runs_and_every_condition_is_true_or_false() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let conn = store.conn();
        conn.execute_batch(
            "INSERT INTO decks (id, key, name) VALUES (1, 'd', 'D');
             INSERT INTO facts (id, deck_id, key, content) VALUES (1, 1, 'f', '{}');
             INSERT INTO cards (id, fact_id, deck_id, template, front, back, answer, due)
               VALUES (1, 1, 1, 'basic', 'q', 'a', 'a', 1);",
        )
        .unwrap();
        super::super::register_functions(conn, Box::new(|_, _, _| None)).unwrap();
        let c = condition(&hostile(), &TIME);
        let sql = format!(
            "SELECT ({0}) IS NULL, ({0}) FROM cards c JOIN facts f ON f.id = c.fact_id",
            c.sql
        );
        let mut values = c.values.clone();
        values.extend(c.values.iter().cloned());
        let (null, matched): (bool, bool) = conn
            .query_row(&sql, rusqlite::params_from_iter(values), |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert!(!null);
        assert!(!matched, "a new card with no flag, tag or history");
        let cards: i64 = conn.query_row("SELECT count(*) FROM cards", [], |r| r.get(0)).unwrap();
        assert_eq!(cards, 1);
    }
}
