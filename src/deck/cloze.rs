//! Cloze texts in Anki's numbered syntax, `{{c1::answer}}`, `{{c2::answer::hint}}`:
//! the number is the card, as in Anki. Every deletion with one number is
//! hidden on that one card; deletions may nest (`{{c1::outer {{c2::inner}}}}`:
//! card 1 hides the whole outer text, card 2 only the inner, showing the
//! rest of the outer); numbers may repeat or leave gaps. A card's template
//! is `cloze:N` for number N, so it keeps Anki's card ordinal (N − 1). The
//! unnumbered syntax (`{{answer}}`, numbered by position) is in `cards.rs`.
//! Outside deletions, `{{` and `}}` are text, as in Anki.
//!
//! Input bounds the work: deletions nest at most [`MAX_DEPTH`] deep (so the
//! recursive walks below stay shallow), a text has at most
//! [`most_cards`] numbers (fewer the longer it is), and parsing is one pass.

use std::collections::HashSet;

use crate::card::CardText;

/// The most characters one fact's cards may hold between them, fronts and
/// backs as they are shown (the fact's hint on every front, a note's tags
/// where its templates show them): the store holds each card's text about
/// three times (front, back, the search index), so this bounds what one
/// fact of a deck file or an import can make of the collection.
/// [`Fact::check_card_text`](super::Fact::check_card_text) holds every
/// fact to it. Each card of a cloze holds the whole text twice (front and
/// back), so a cloze of N characters makes at most `MAX_CARD_TEXT / 2N`
/// cards ([`most_cards`]), checked as it is parsed, before a card is made.
/// 400,000 lets a 20-deletion cloze of a 10,000-character text (a page and
/// a half) build, and 100 deletions of a 2,000-character list; a cloze of
/// the 20,000 characters a field may hold makes 10 cards.
pub const MAX_CARD_TEXT: usize = 400_000;

/// The most cards a cloze of `text_chars` characters may make when each
/// card's front also repeats `repeated` characters (the fact's hint): each
/// card holds the text on its front and its back (see [`MAX_CARD_TEXT`]);
/// always at least one.
pub fn most_cards(text_chars: usize, repeated: usize) -> usize {
    (MAX_CARD_TEXT / (2 * text_chars + repeated).max(1)).max(1)
}

/// How deep deletions may nest (`{{c1::a {{c2::b}}}}` is two levels).
pub(crate) const MAX_DEPTH: usize = 32;

/// A piece of a numbered cloze text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Text(String),
    Deletion {
        number: u32,
        /// Byte offset of its `{{` in the text.
        at: usize,
        children: Vec<Node>,
        hint: Option<String>,
    },
}

/// The `{{cN::` at the start of `text`: N and the opening's length.
fn opening(text: &str) -> Option<(u32, usize)> {
    let rest = text.strip_prefix("{{c").or_else(|| text.strip_prefix("{{C"))?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let number: u32 = rest[..digits].parse().ok()?;
    rest[digits..].starts_with("::").then_some((number, 3 + digits + 2))
}

/// Whether a cloze text uses the numbered syntax (one `{{cN::` makes it so).
pub fn is_numbered(text: &str) -> bool {
    text.match_indices("{{").any(|(at, _)| opening(&text[at..]).is_some())
}

/// Parses a numbered cloze text; the problem when it has one. `repeated`:
/// characters each card repeats besides the text (the fact's hint).
fn parse(text: &str, repeated: usize) -> Result<Vec<Node>, ClozeError> {
    let most = most_cards(text.chars().count(), repeated);
    // Each open deletion: number, offset, children so far.
    let mut stack: Vec<(u32, usize, Vec<Node>)> = Vec::new();
    let mut top: Vec<Node> = Vec::new();
    let mut numbers_seen: HashSet<u32> = HashSet::new();
    let mut plain = String::new();
    let mut at = 0;
    let flush = |plain: &mut String, into: &mut Vec<Node>| {
        if !plain.is_empty() {
            into.push(Node::Text(std::mem::take(plain)));
        }
    };
    while at < text.len() {
        let rest = &text[at..];
        if let Some((number, len)) = opening(rest) {
            if stack.len() >= MAX_DEPTH {
                return Err(ClozeError::TooDeep(at));
            }
            if numbers_seen.insert(number) && numbers_seen.len() > most {
                return Err(ClozeError::TooMany(at, most));
            }
            flush(&mut plain, stack.last_mut().map_or(&mut top, |s| &mut s.2));
            stack.push((number, at, Vec::new()));
            at += len;
        } else if rest.starts_with("}}") && !stack.is_empty() {
            let (number, start, mut children) = stack.pop().unwrap_or_default();
            flush(&mut plain, &mut children);
            let hint = split_hint(&mut children);
            if is_blank(&children) {
                return Err(ClozeError::Empty(start));
            }
            let deletion = Node::Deletion {
                number,
                at: start,
                children,
                hint,
            };
            stack.last_mut().map_or(&mut top, |s| &mut s.2).push(deletion);
            at += 2;
        } else {
            let c = rest.chars().next().unwrap_or_default();
            plain.push(c);
            at += c.len_utf8();
        }
    }
    if let Some((_, start, _)) = stack.first() {
        return Err(ClozeError::Unclosed(*start));
    }
    flush(&mut plain, &mut top);
    if numbers(&top).is_empty() {
        return Err(ClozeError::NoDeletion);
    }
    Ok(top)
}

/// Whether a deletion's children show nothing: only blank text (a deletion
/// inside is never blank, since it was checked when it closed). Looks at the
/// children only, so the parse stays linear however deep deletions nest.
fn is_blank(children: &[Node]) -> bool {
    children
        .iter()
        .all(|node| matches!(node, Node::Text(text) if text.trim().is_empty()))
}

/// Takes a deletion's hint off its children: the text after the last `::`
/// of its own (not of a deletion inside it).
fn split_hint(children: &mut Vec<Node>) -> Option<String> {
    let index = children
        .iter()
        .rposition(|n| matches!(n, Node::Text(t) if t.contains("::")))?;
    let Node::Text(text) = &children[index] else {
        return None;
    };
    let (keep, hint_start) = text.rsplit_once("::").map(|(a, b)| (a.to_string(), b.to_string()))?;
    let mut hint = hint_start;
    hint.push_str(&render(&children[index + 1..], 0, Side::Plain));
    children.truncate(index);
    if !keep.is_empty() {
        children.push(Node::Text(keep));
    }
    Some(hint.trim().to_string()).filter(|h| !h.is_empty())
}

/// The distinct deletion numbers, ascending.
fn numbers(nodes: &[Node]) -> Vec<u32> {
    let mut out = Vec::new();
    fn walk(nodes: &[Node], out: &mut Vec<u32>) {
        for node in nodes {
            if let Node::Deletion { number, children, .. } = node {
                out.push(*number);
                walk(children, out);
            }
        }
    }
    walk(nodes, &mut out);
    out.sort_unstable();
    out.dedup();
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Every deletion shown as its text.
    Plain,
    Front,
    Back,
}

/// The text of `nodes` on one side of card `asked` (0: none asked).
fn render(nodes: &[Node], asked: u32, side: Side) -> String {
    let mut out = String::new();
    for node in nodes {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Deletion {
                number, children, hint, ..
            } if *number == asked && side != Side::Plain => match side {
                Side::Front => out.push_str(&format!("[{}]", hint.as_deref().unwrap_or("..."))),
                _ => out.push_str(&format!("[{}]", render(children, asked, Side::Plain))),
            },
            Node::Deletion { children, .. } => out.push_str(&render(children, asked, side)),
        }
    }
    out
}

/// The answers of card `asked`: the text of each deletion with its number.
fn answers(nodes: &[Node], asked: u32, out: &mut Vec<String>) {
    for node in nodes {
        if let Node::Deletion { number, children, .. } = node {
            if *number == asked {
                out.push(render(children, 0, Side::Plain).trim().to_string());
            } else {
                answers(children, asked, out);
            }
        }
    }
}

/// Problems a cloze text can have, with the byte offset where they start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ClozeError {
    Unclosed(usize),
    UnexpectedClose(usize),
    Empty(usize),
    Nested(usize),
    /// A deletion nested deeper than [`MAX_DEPTH`].
    TooDeep(usize),
    /// The deletion that makes more than [`most_cards`] cards: where, and
    /// how many the text may make.
    TooMany(usize, usize),
    NoDeletion,
}

impl ClozeError {
    /// Byte offset of the problem in the text.
    pub(crate) fn offset(&self) -> usize {
        match *self {
            ClozeError::Unclosed(at)
            | ClozeError::UnexpectedClose(at)
            | ClozeError::Empty(at)
            | ClozeError::Nested(at)
            | ClozeError::TooDeep(at)
            | ClozeError::TooMany(at, _) => at,
            ClozeError::NoDeletion => 0,
        }
    }

    /// What is wrong, and how to fix it.
    pub(crate) fn describe(&self) -> (String, &'static str) {
        let (message, hint) = match self {
            ClozeError::Unclosed(_) => ("this `{{` is never closed", "close the deletion with `}}`"),
            ClozeError::UnexpectedClose(_) => ("this `}}` closes nothing", "open the deletion with `{{`"),
            ClozeError::Empty(_) => ("an empty cloze deletion", "put the hidden words inside: `{{typhus}}`"),
            ClozeError::Nested(_) => (
                "a cloze deletion inside another",
                "unnumbered deletions cannot nest; number them as Anki does: `{{c1::outer {{c2::inner}}}}`",
            ),
            ClozeError::TooDeep(_) => {
                return (
                    format!("cloze deletions nested more than {MAX_DEPTH} deep"),
                    "nest fewer deletions inside each other, or split the fact",
                );
            }
            ClozeError::TooMany(_, most) => {
                return (
                    format!(
                        "a cloze this long may make at most {most} cards: each holds the whole text on its \
                         front and back, and a fact's cards hold at most {MAX_CARD_TEXT} characters"
                    ),
                    "split the fact into several shorter clozes (the part that keeps the fact's id keeps the history of the cards it still makes)",
                );
            }
            ClozeError::NoDeletion => (
                "a cloze without any `{{deletion}}`",
                "mark the hidden words: `{{typhus}}`",
            ),
        };
        (message.to_string(), hint)
    }
}

/// Checks a numbered cloze text whose cards each repeat `repeated` more
/// characters (the fact's hint).
pub(crate) fn check(text: &str, repeated: usize) -> Result<(), ClozeError> {
    parse(text, repeated).map(|_| ())
}

/// The cards of a numbered cloze text: one per number, in number order;
/// none for a text [`check`] refuses.
pub(crate) fn cards(text: &str, repeated: usize) -> Vec<CardText> {
    let Ok(nodes) = parse(text, repeated) else {
        return Vec::new(); // the parser refused it; no cards
    };
    numbers(&nodes)
        .into_iter()
        .map(|number| {
            let mut asked = Vec::new();
            answers(&nodes, number, &mut asked);
            CardText {
                template: format!("cloze:{number}"),
                front: render(&nodes, number, Side::Front),
                back: render(&nodes, number, Side::Back),
                answer: asked.join("; "),
            }
        })
        .collect()
}

/// Where a deletion of a numbered text starts, for messages: the first one.
#[cfg(test)]
fn first_offset(text: &str) -> Option<usize> {
    parse(text, 0).ok()?.iter().find_map(|n| match n {
        Node::Deletion { at, .. } => Some(*at),
        Node::Text(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<(), ClozeError> {
        super::check(text, 0)
    }

    fn cards(text: &str) -> Vec<CardText> {
        super::cards(text, 0)
    }

    fn shown(text: &str) -> Vec<(String, String, String, String)> {
        cards(text)
            .into_iter()
            .map(|c| (c.template, c.front, c.back, c.answer))
            .collect()
    }

    #[test]
    fn numbers_are_cards_and_nested_deletions_show_as_anki_shows_them() {
        let text = "Nested {{c1::outer {{c2::inner}} text}} and {{c4::four::a number}}";
        assert!(is_numbered(text));
        assert_eq!(first_offset(text), Some(7));
        let cards = shown(text);
        let expected = [
            (
                "cloze:1",
                "Nested [...] and four",
                "Nested [outer inner text] and four",
                "outer inner text",
            ),
            (
                "cloze:2",
                "Nested outer [...] text and four",
                "Nested outer [inner] text and four",
                "inner",
            ),
            (
                "cloze:4",
                "Nested outer inner text and [a number]",
                "Nested outer inner text and [four]",
                "four",
            ),
        ];
        assert_eq!(cards.len(), 3);
        for (card, want) in cards.iter().zip(expected) {
            assert_eq!(
                (card.0.as_str(), card.1.as_str(), card.2.as_str(), card.3.as_str()),
                want
            );
        }
    }

    #[test]
    fn a_repeated_number_is_one_card_hiding_every_deletion_of_it() {
        let cards = shown("{{c1::Zinoviev}} and {{c1::Kamenev}} against {{c2::Trotsky}}");
        assert_eq!(cards.len(), 2);
        assert_eq!(cards[0].1, "[...] and [...] against Trotsky");
        assert_eq!(cards[0].3, "Zinoviev; Kamenev");
        assert_eq!(cards[1].0, "cloze:2");
        let gaps = shown("{{c3::Reed}} caught {{c1::typhus}}");
        let templates: Vec<&str> = gaps.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(templates, ["cloze:1", "cloze:3"]);
    }

    #[test]
    fn problems_are_found() {
        assert_eq!(check("{{c1::open"), Err(ClozeError::Unclosed(0)));
        assert_eq!(check("a {{c1::}} b"), Err(ClozeError::Empty(2)));
        assert_eq!(check("a {{c1::::hint}} b"), Err(ClozeError::Empty(2)));
        assert!(check("literal }} and {{c1::x}}").is_ok());
        assert!(!is_numbered("{{plain}} {{c::x}}"));
    }

    #[test]
    fn nesting_is_refused_past_the_depth_limit_where_it_goes_too_deep() {
        let nested = |depth: usize| format!("{}x{}", "{{c1::".repeat(depth), "}}".repeat(depth));
        assert_eq!(shown(&nested(MAX_DEPTH)).len(), 1);
        let too_deep = nested(MAX_DEPTH + 1);
        assert_eq!(check(&too_deep), Err(ClozeError::TooDeep(MAX_DEPTH * "{{c1::".len())));
        assert!(cards(&too_deep).is_empty());
        // Far deeper than any stack takes: refused at the same place, not overflowed.
        assert_eq!(
            check(&nested(200_000)),
            Err(ClozeError::TooDeep(MAX_DEPTH * "{{c1::".len()))
        );
    }

    #[test]
    fn a_deletion_holding_only_a_deletion_is_not_empty_but_blank_text_is() {
        assert!(check("{{c1::{{c2::x}}}}").is_ok());
        assert!(check("{{c1:: {{c2::x}} }}").is_ok());
        assert_eq!(check("{{c1::x}} {{c2::  }}"), Err(ClozeError::Empty(10)));
        assert_eq!(check("{{c1::{{c2::  }}}}"), Err(ClozeError::Empty(6)));
        assert_eq!(
            check("{{c1::a {{c2::b::hint}}}} {{c3:: ::only a hint}}"),
            Err(ClozeError::Empty(26))
        );
    }

    #[test]
    fn more_numbers_than_cards_a_fact_may_have_are_refused_at_the_first_extra() {
        let numbered = |count: usize| (1..=count).map(|n| format!("{{{{c{n}::w}}}} ")).collect::<String>();
        // 100 numbers in 1,092 characters: 183 cards may be made of it.
        let short = numbered(100);
        assert_eq!(most_cards(short.chars().count(), 0), MAX_CARD_TEXT / 2_184);
        assert_eq!(cards(&short).len(), 100);
        // A cloze as long as a field may be: 10 cards.
        let long = |count: usize| format!("{}{}", numbered(count), "y".repeat(20_000 - numbered(count).len()));
        assert_eq!(cards(&long(10)).len(), 10);
        let too_many = long(11);
        let extra = too_many.find("{{c11::").unwrap_or_default();
        assert_eq!(check(&too_many), Err(ClozeError::TooMany(extra, 10)));
        assert!(cards(&too_many).is_empty());
        // The fact's hint, on every front, counts too.
        let tenth = long(10).find("{{c10::").unwrap_or_default();
        assert_eq!(super::check(&long(10), 1), Err(ClozeError::TooMany(tenth, 9)));
        // Repeating one number is one card, however often.
        assert_eq!(cards(&"{{c1::w}} ".repeat(2_000)).len(), 1);
        let (message, hint) = ClozeError::TooMany(0, 10).describe();
        assert!(message.contains("at most 10 cards"), "{message}");
        assert!(message.contains(&MAX_CARD_TEXT.to_string()), "{message}");
        assert!(hint.contains("split the fact"), "{hint}");
    }
}
