//! Search queries: a subset of Anki's search syntax, parsed into a tree
//! ([`Query`]), which [`find`] turns into the store's filter
//! ([`crate::store::search::Filter`]: text folded, days made instants) for
//! the store to compile to SQL with bound values. The parser is pure: no
//! SQL, no terminal.
//!
//! ```text
//! query   := or
//! or      := and ("or" and)*
//! and     := unary+                  (juxtaposition; "and" is allowed and ignored)
//! unary   := "-" unary | "(" or ")" | term
//! term    := word | "phrase" | field:value | "field:value"
//! ```

use crate::error::{Error, Result};
pub use crate::store::search::{Cmp, Is, Prop};

mod field;
mod find;
pub use find::{FoundCard, Search, filter_of, find, search_ids};

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// Every card (the empty query).
    All,
    And(Vec<Query>),
    Or(Vec<Query>),
    Not(Box<Query>),
    /// A word or phrase in the card's front or back, folded as the quiz
    /// matcher folds answers (case, accents, punctuation); `*` matches any
    /// run of characters.
    Text(String),
    /// `deck:NAME`: the deck's key or title; `*` matches any run of characters.
    Deck(String),
    /// `tag:T`: a tag of the card's fact; `*` as for decks.
    Tag(String),
    Is(Is),
    /// `flag:N` (0 = no flag).
    Flag(u8),
    /// `prop:NAME<op>N`; `prop:d` on Anki's scale, 0-1 (FSRS difficulty
    /// 1-10 is 0 at 1 and 1 at 10).
    Prop(Prop, Cmp, f64),
    /// `rated:N[:ease]`: answered in the last N study days (today is 1).
    Rated {
        days: u32,
        ease: Option<u8>,
    },
    /// `added:N`: entered the collection in the last N study days.
    Added(u32),
    /// `card:N` or `card:NAME`: the card's template.
    Card(CardName),
}

/// What `card:` names (see `find.rs` for the templates each matches).
#[derive(Debug, Clone, PartialEq)]
pub enum CardName {
    /// `card:N`: the N-th card of its fact's kind (Anki's template ordinal
    /// plus one): `basic` 1 and `reverse` 2, `cloze:N`, a note's `card:N`,
    /// a timeline's `date` 1 and `event` 2, a sequence's `after` 1,
    /// `before` 2 and `order` 3.
    Number(u32),
    /// `card:NAME`: a template so named (`basic`, `cloze:2`), every template
    /// of a kind (`cloze`, `after`), or a note's template by its name; `*`
    /// matches any run of characters.
    Name(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    Or,
    Not,
    /// A term; `quoted` when it was written in quotes as a whole.
    Term {
        text: String,
        quoted: bool,
    },
}

/// The most terms a query may hold.
const MAX_TERMS: usize = 200;
/// The longest a term may be, in characters.
const MAX_TERM_CHARS: usize = 1_000;
/// The deepest a query may nest parentheses and negations.
const MAX_DEPTH: usize = 50;
/// How much of a query an error message quotes, in characters.
const QUOTED_CHARS: usize = 80;

/// A query as messages quote it: its first [`QUOTED_CHARS`] characters, in
/// quotes, control characters escaped (once).
pub fn quoted(query: &str) -> String {
    format!("{:?}", crate::text::clip(query, QUOTED_CHARS))
}

fn error(query: &str, message: impl std::fmt::Display) -> Error {
    usage(
        query,
        message,
        "README \"Managing your collection\" lists the search syntax",
    )
}

/// A usage error about `query` with its own hint.
fn usage(query: &str, message: impl std::fmt::Display, hint: &str) -> Error {
    Error::Usage(format!("search {}: {message}.\n  hint: {hint}", quoted(query)))
}

/// Refuses a query larger than a search takes (each term becomes part of
/// one SQL statement, which SQLite bounds): more than [`MAX_TERMS`] terms,
/// or a term longer than [`MAX_TERM_CHARS`].
fn check_size(query: &str, tokens: &[Token]) -> Result<()> {
    let mut terms = 0;
    for token in tokens {
        if let Token::Term { text, .. } = token {
            terms += 1;
            let chars = text.chars().count();
            if chars > MAX_TERM_CHARS {
                return Err(error(
                    query,
                    format!("a term of {chars} characters is longer than the {MAX_TERM_CHARS} a search takes"),
                ));
            }
        }
    }
    if terms > MAX_TERMS {
        return Err(error(
            query,
            format!("{terms} terms are more than the {MAX_TERMS} a search takes"),
        ));
    }
    Ok(())
}

fn tokenize(query: &str) -> Result<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = query.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '-' => {
                chars.next();
                match chars.peek() {
                    Some(n) if !n.is_whitespace() && *n != ')' => tokens.push(Token::Not),
                    _ => return Err(error(query, "'-' must be followed by what it negates")),
                }
            }
            _ => {
                let mut text = String::new();
                let quoted = c == '"';
                while let Some(&c) = chars.peek() {
                    if c == '"' {
                        chars.next();
                        let mut closed = false;
                        for c in chars.by_ref() {
                            if c == '"' {
                                closed = true;
                                break;
                            }
                            text.push(c);
                        }
                        if !closed {
                            return Err(error(query, "a quote is not closed"));
                        }
                    } else if c.is_whitespace() || c == '(' || c == ')' {
                        break;
                    } else {
                        text.push(c);
                        chars.next();
                    }
                }
                let whole_quoted = quoted && chars.peek().is_none_or(|c| c.is_whitespace() || *c == '(' || *c == ')');
                if !whole_quoted && text.eq_ignore_ascii_case("or") {
                    tokens.push(Token::Or);
                } else if !whole_quoted && text.eq_ignore_ascii_case("and") {
                    // juxtaposition already means "and"
                } else {
                    tokens.push(Token::Term {
                        text,
                        quoted: whole_quoted,
                    });
                }
            }
        }
    }
    Ok(tokens)
}

/// Parses a query. The empty query matches every card.
pub fn parse(query: &str) -> Result<Query> {
    let tokens = tokenize(query)?;
    if tokens.is_empty() {
        return Ok(Query::All);
    }
    check_size(query, &tokens)?;
    let mut parser = Parser {
        query,
        tokens: &tokens,
        at: 0,
        depth: 0,
    };
    let tree = parser.or()?;
    if parser.at < tokens.len() {
        return Err(error(query, "')' without a matching '('"));
    }
    Ok(tree)
}

struct Parser<'a> {
    query: &'a str,
    tokens: &'a [Token],
    at: usize,
    /// How many parentheses and negations enclose the term being parsed.
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn or(&mut self) -> Result<Query> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Query::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Query> {
        let mut parts = Vec::new();
        while let Some(token) = self.peek() {
            if matches!(token, Token::Or | Token::Close) {
                break;
            }
            parts.push(self.unary()?);
        }
        match parts.len() {
            0 => Err(error(self.query, "'or' or '(' needs a search term on each side")),
            1 => Ok(parts.remove(0)),
            _ => Ok(Query::And(parts)),
        }
    }

    fn unary(&mut self) -> Result<Query> {
        let Some(token) = self.peek().cloned() else {
            return Err(error(self.query, "the query ends too early"));
        };
        self.at += 1;
        match token {
            Token::Not => self.nested(|parser| Ok(Query::Not(Box::new(parser.unary()?)))),
            Token::Open => self.nested(|parser| {
                let inner = parser.or()?;
                if parser.peek() != Some(&Token::Close) {
                    return Err(error(parser.query, "'(' without a matching ')'"));
                }
                parser.at += 1;
                Ok(inner)
            }),
            Token::Term { text, quoted } => field::term(self.query, &text, quoted),
            Token::Close | Token::Or => Err(error(self.query, "unexpected ')' or 'or'")),
        }
    }

    /// Parses what a parenthesis or a negation encloses, one level deeper;
    /// refuses to go deeper than [`MAX_DEPTH`].
    fn nested(&mut self, parse: impl FnOnce(&mut Self) -> Result<Query>) -> Result<Query> {
        if self.depth >= MAX_DEPTH {
            return Err(error(
                self.query,
                format!("parentheses and '-' nest deeper than the {MAX_DEPTH} levels a search takes"),
            ));
        }
        self.depth += 1;
        let parsed = parse(self);
        self.depth -= 1;
        parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A query that parses (`field.rs`'s tests use these too).
    pub(super) fn p(q: &str) -> Query {
        parse(q).unwrap()
    }

    pub(super) fn text(t: &str) -> Query {
        Query::Text(t.into())
    }

    #[test]
    fn words_and_phrases() {
        assert_eq!(p(""), Query::All);
        assert_eq!(p("  kronstadt "), text("kronstadt"));
        assert_eq!(p("a b"), Query::And(vec![text("a"), text("b")]));
        assert_eq!(
            p("\"sailors' revolt\" 1921"),
            Query::And(vec![text("sailors' revolt"), text("1921")])
        );
        assert_eq!(p("\"deck:x\""), Query::Deck("x".into()), "quotes only group");
        assert_eq!(p("\"or\""), text("or"));
        assert_eq!(p("a and b"), Query::And(vec![text("a"), text("b")]));
    }

    #[test]
    fn operators_bind_as_anki() {
        // and binds tighter than or
        assert_eq!(
            p("a b or c"),
            Query::Or(vec![Query::And(vec![text("a"), text("b")]), text("c")])
        );
        assert_eq!(
            p("a (b OR c)"),
            Query::And(vec![text("a"), Query::Or(vec![text("b"), text("c")])])
        );
        assert_eq!(p("-a"), Query::Not(Box::new(text("a"))));
        assert_eq!(
            p("-(a or b) c"),
            Query::And(vec![
                Query::Not(Box::new(Query::Or(vec![text("a"), text("b")]))),
                text("c")
            ])
        );
        assert_eq!(p("--a"), Query::Not(Box::new(Query::Not(Box::new(text("a"))))));
    }

    #[test]
    fn refuses_queries_larger_than_a_search_takes_with_the_reason() {
        let deep = format!("{}lenin{}", "(".repeat(50_000), ")".repeat(50_000));
        let negated = format!("{}lenin", "-".repeat(5_000));
        let long = "a".repeat(MAX_TERM_CHARS + 1);
        let many = "lenin ".repeat(MAX_TERMS + 1);
        for (query, reason) in [
            (deep.as_str(), "nest deeper than the 50 levels"),
            (negated.as_str(), "nest deeper than the 50 levels"),
            (long.as_str(), "a term of 1001 characters is longer than the 1000"),
            (many.as_str(), "201 terms are more than the 200"),
        ] {
            let err = parse(query).expect_err(reason).to_string();
            assert!(err.contains(reason), "{err}");
            assert!(err.chars().count() < 300, "the query is not quoted whole: {err}");
        }
        let just_deep = format!("{}lenin{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(p(&just_deep), text("lenin"));
        assert_eq!(p(&"a".repeat(MAX_TERM_CHARS)), text(&"a".repeat(MAX_TERM_CHARS)));
        assert!(matches!(p(&"lenin ".repeat(MAX_TERMS)), Query::And(parts) if parts.len() == MAX_TERMS));
    }

    #[test]
    fn refuses_malformed_queries() {
        for bad in [
            "(a",
            "a)",
            "a or",
            "or a",
            "()",
            "-",
            "a -",
            "\"open",
            "is:old",
            "prop:ivl",
            "prop:ivl>",
            "prop:ivl>x",
            "prop:zz>1",
            "prop:ivl>inf",
            "rated:0",
            "rated:x",
            "rated:1:5",
            "added:",
            "flag:8",
            "deck:",
            "tag:",
            "card:",
            "card:0",
            "card:99999999999",
            "note:Basic",
        ] {
            let err = parse(bad).expect_err(bad);
            assert!(matches!(err, Error::Usage(_)), "{bad}: {err}");
            assert!(err.to_string().contains("hint:"), "{bad}: {err}");
        }
    }
}
