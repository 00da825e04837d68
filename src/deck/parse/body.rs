//! The body of a fact block: which kind of fact it is (q/a, cloze,
//! sequence, timeline), whether all its keys belong to that kind, and the
//! checks each kind needs. Every problem is reported, located.

use super::{FactDraft, Field, HashMap, Parser};
use crate::deck::date::parse_date;
use crate::deck::{
    CardKind, FactBody, MAX_SEQUENCE_ITEMS, QaKind, SequenceKind, TimelineKind, check_cloze_hinted, item_key,
};

/// The fields of one fact block, sorted by use.
#[derive(Default)]
pub(super) struct FactFields<'f> {
    /// Every key given, in order, with an empty value or not.
    pub given: Vec<(&'f str, &'f Field)>,
    /// Single-valued keys with a value.
    pub values: HashMap<&'f str, &'f Field>,
    pub alternatives: Vec<String>,
    pub items: Vec<&'f Field>,
}

impl FactFields<'_> {
    pub(super) fn has(&self, key: &str) -> bool {
        self.given.iter().any(|(k, _)| *k == key)
    }
}

/// The kinds of fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Qa,
    Cloze,
    Sequence,
    Timeline,
    Note,
}

impl Kind {
    /// The kind a key belongs to, if only one kind takes it.
    fn of_key(key: &str) -> Option<Kind> {
        match key {
            "q" | "a" => Some(Kind::Qa),
            "cloze" => Some(Kind::Cloze),
            "sequence" | "item" => Some(Kind::Sequence),
            "timeline" | "event" => Some(Kind::Timeline),
            "note" | "field" | "template" | "front" | "back" => Some(Kind::Note),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Qa => "q/a",
            Kind::Cloze => "cloze",
            Kind::Sequence => "sequence",
            Kind::Timeline => "timeline",
            Kind::Note => "note",
        }
    }

    /// What a fact of this kind is written with, for hints.
    fn shape(self) -> &'static str {
        match self {
            Kind::Qa => "`q:` and `a:`",
            Kind::Cloze => "a `cloze:` line",
            Kind::Sequence => "`sequence: TITLE` and two or more `item:` lines",
            Kind::Timeline => "`timeline: DATE` and `event:`",
            Kind::Note => {
                "`note: TYPE`, `field: NAME: TEXT` lines and `template:` lines each with `front:` and `back:`"
            }
        }
    }
}

const ANY_KIND: &str =
    "a fact needs `q:` and `a:`, a `cloze:` line, `sequence:` with `item:` lines, or `timeline:` with `event:`";

impl Parser<'_> {
    /// The body of a fact; `None` after reporting what is wrong.
    pub(super) fn fact_body(&mut self, draft: &FactDraft, fields: &FactFields) -> Option<FactBody> {
        // The first key that only one kind takes decides the kind.
        let Some(kind) = fields.given.iter().find_map(|(k, _)| Kind::of_key(k)) else {
            self.missing(draft, "question (`q:`)", ANY_KIND);
            return None;
        };
        let foreign_ok = self.no_foreign_keys(kind, fields);
        let body = match kind {
            Kind::Qa => self.qa(draft, fields),
            Kind::Cloze => self.cloze(fields),
            Kind::Sequence => self.sequence(draft, fields),
            Kind::Timeline => self.timeline(draft, fields),
            Kind::Note => self.note(draft, fields),
        };
        body.filter(|_| foreign_ok)
    }

    /// Reports keys of another kind of fact (and `cards:` in a cloze).
    fn no_foreign_keys(&mut self, kind: Kind, fields: &FactFields) -> bool {
        let mut ok = true;
        for &(key, field) in &fields.given {
            let hint = match Kind::of_key(key) {
                Some(other) if other != kind => format!(
                    "`{key}:` belongs to {} facts, written with {}; make it two facts",
                    other.name(),
                    other.shape()
                ),
                None if key == "cards" && kind == Kind::Cloze => {
                    "a cloze yields one card per `{{deletion}}`; drop the `cards:` line".to_string()
                }
                _ => continue,
            };
            let message = format!("a {} fact takes no `{key}:`", kind.name());
            self.error_at(field.line, 1, &field.raw, message, Some(&hint));
            ok = false;
        }
        ok
    }

    /// Reports a required key that is absent (one given empty is already reported).
    pub(super) fn missing(&mut self, draft: &FactDraft, what: &str, hint: &str) {
        self.error_at(
            draft.line,
            1,
            &draft.raw,
            format!("fact `{}` has no {what}", draft.id),
            Some(hint),
        );
    }

    /// A required single-valued key's field.
    fn require<'f>(
        &mut self,
        draft: &FactDraft,
        fields: &FactFields<'f>,
        key: &str,
        what: &str,
        kind: Kind,
    ) -> Option<&'f Field> {
        let found = fields.values.get(key).copied();
        if found.is_none() && !fields.has(key) {
            let hint = format!("a {} fact needs {}", kind.name(), kind.shape());
            self.missing(draft, what, &hint);
        }
        found
    }

    /// The kinds of card named by the fact's `cards:` line, or the default.
    fn card_kinds<K: CardKind>(&mut self, fields: &FactFields, kind: Kind) -> Option<Vec<K>> {
        let Some(field) = fields.values.get("cards") else {
            return Some(K::DEFAULT.to_vec());
        };
        let mut kinds = Vec::new();
        let mut offset = 0;
        for word in field.value.split_whitespace() {
            let at = field.value[offset..].find(word).map_or(offset, |i| i + offset);
            offset = at + word.len();
            match K::ALL.iter().find(|k| k.name() == word) {
                Some(k) if kinds.contains(k) => {}
                Some(k) => kinds.push(*k),
                None => {
                    let names: Vec<&str> = K::ALL.iter().map(|k| k.name()).collect();
                    let hint = match Kind::of_key(word) {
                        Some(other) => format!(
                            "a {} fact is written with {} instead of {}",
                            other.name(),
                            other.shape(),
                            kind.shape()
                        ),
                        None if word == "cloze" => {
                            "a cloze fact is written with a `cloze:` line instead of q/a".to_string()
                        }
                        None => format!("card kinds for {} facts: {}", kind.name(), names.join(", ")),
                    };
                    let problem = crate::deck::Problem {
                        offset: at,
                        message: format!("unknown card kind `{word}`"),
                        hint,
                    };
                    self.value_error(field, problem);
                    return None;
                }
            }
        }
        Some(kinds)
    }

    fn qa(&mut self, draft: &FactDraft, fields: &FactFields) -> Option<FactBody> {
        let question = self.require(draft, fields, "q", "question (`q:`)", Kind::Qa);
        let answer = self.require(draft, fields, "a", "answer (`a:`)", Kind::Qa);
        let kinds = self.card_kinds::<QaKind>(fields, Kind::Qa)?;
        Some(FactBody::Qa {
            question: question?.value.clone(),
            answer: answer?.value.clone(),
            kinds,
        })
    }

    fn cloze(&mut self, fields: &FactFields) -> Option<FactBody> {
        let field = fields.values.get("cloze")?;
        let hint = fields.values.get("hint").map(|hint| hint.value.as_str());
        match check_cloze_hinted(&field.value, hint) {
            Ok(()) => Some(FactBody::Cloze {
                text: field.value.clone(),
            }),
            Err(problem) => {
                self.value_error(field, problem);
                None
            }
        }
    }

    fn sequence(&mut self, draft: &FactDraft, fields: &FactFields) -> Option<FactBody> {
        let title = self.require(draft, fields, "sequence", "title (`sequence:`)", Kind::Sequence);
        let items = self.sequence_items(draft, fields, title);
        let kinds = self.card_kinds::<SequenceKind>(fields, Kind::Sequence)?;
        Some(FactBody::Sequence {
            title: title?.value.clone(),
            items: items?,
            kinds,
        })
    }

    /// The items of a sequence: two or more, none repeated.
    fn sequence_items(&mut self, draft: &FactDraft, fields: &FactFields, title: Option<&Field>) -> Option<Vec<String>> {
        let mut first_line: HashMap<String, usize> = HashMap::default();
        let mut ok = true;
        for field in &fields.items {
            let key = item_key(&field.value);
            let problem = if key.is_empty() {
                Some((
                    "an item needs a letter or a digit".to_string(),
                    "items are names, places or events",
                ))
            } else {
                first_line.get(&key).map(|line| {
                    (
                        format!("`{}` is already in this sequence (line {line})", field.value),
                        "each item may appear once, since its cards ask what comes after and before it",
                    )
                })
            };
            match problem {
                Some((message, hint)) => {
                    self.field_error(field, message, Some(hint));
                    ok = false;
                }
                None => {
                    first_line.insert(key, field.line);
                }
            }
        }
        // Each item makes about two cards; what they hold between them is
        // checked on the whole fact (`Fact::check_card_text`).
        if let Some(extra) = fields.items.get(MAX_SEQUENCE_ITEMS) {
            let message = format!("a sequence with more than {MAX_SEQUENCE_ITEMS} items");
            let hint = "split the fact into several sequences (each makes about two cards per item)";
            self.field_error(extra, message, Some(hint));
            ok = false;
        }
        let hint = "list the items in order, one `item:` line each";
        match fields.items.as_slice() {
            [] if !fields.has("item") => {
                let message = format!("sequence `{}` has no items", draft.id);
                match title {
                    Some(field) => self.field_error(field, message, Some(hint)),
                    None => self.error_at(draft.line, 1, &draft.raw, message, Some(hint)),
                }
                None
            }
            [single] => {
                let message = "a sequence needs at least two items".to_string();
                self.field_error(
                    single,
                    message,
                    Some("add what comes before or after it; for one item, write a q/a fact"),
                );
                None
            }
            items if ok && items.len() >= 2 => Some(items.iter().map(|f| f.value.clone()).collect()),
            _ => None,
        }
    }

    fn timeline(&mut self, draft: &FactDraft, fields: &FactFields) -> Option<FactBody> {
        let date = self.require(draft, fields, "timeline", "date (`timeline:`)", Kind::Timeline);
        let event = self.require(draft, fields, "event", "event (`event:`)", Kind::Timeline);
        let date_ok = date.is_some_and(|field| match parse_date(&field.value) {
            Ok(_) => true,
            Err(problem) => {
                self.value_error(field, problem);
                false
            }
        });
        let kinds = self.card_kinds::<TimelineKind>(fields, Kind::Timeline)?;
        if !date_ok {
            return None;
        }
        Some(FactBody::Timeline {
            date: date?.value.clone(),
            event: event?.value.clone(),
            kinds,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::deck::{
        CardKind, Deck, Diagnostic, FactBody, MAX_SEQUENCE_ITEMS, SequenceKind, TimelineKind, parse_deck,
    };

    fn parse(text: &str) -> Result<Deck, Vec<Diagnostic>> {
        parse_deck("t.deck", "t", text.as_bytes())
    }

    /// (line, column, message, hint) of each error.
    fn errors(text: &str) -> Vec<(usize, usize, String, String)> {
        parse(text)
            .expect_err("the deck should not parse")
            .into_iter()
            .map(|d| (d.line, d.column, d.message, d.hint.unwrap_or_default()))
            .collect()
    }

    const ROUTE: &str = "# D\n## route\nsequence: Route\nitem: Catalonia\nitem: Paris\nitem: Italy\n";

    #[test]
    fn sequence_yields_pairs_both_ways_and_the_whole_list() {
        let deck = parse(ROUTE).unwrap();
        assert_eq!(
            deck.facts[0].body,
            FactBody::Sequence {
                title: "Route".into(),
                items: vec!["Catalonia".into(), "Paris".into(), "Italy".into()],
                kinds: SequenceKind::ALL.to_vec(),
            }
        );
        let cards = deck.facts[0].cards();
        let shown: Vec<(&str, &str, &str)> = cards
            .iter()
            .map(|c| (c.template.as_str(), c.front.as_str(), c.back.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("after:catalonia>paris", "Route: what comes after Catalonia?", "Paris"),
                ("after:paris>italy", "Route: what comes after Paris?", "Italy"),
                ("before:catalonia>paris", "Route: what comes before Paris?", "Catalonia"),
                ("before:paris>italy", "Route: what comes before Italy?", "Paris"),
                ("order", "Route: all 3 in order?", "1. Catalonia\n2. Paris\n3. Italy"),
            ]
        );
    }

    #[test]
    fn sequence_cards_line_picks_kinds() {
        let deck = parse(&format!("{ROUTE}cards: order after\n")).unwrap();
        let templates: Vec<String> = deck.facts[0].cards().into_iter().map(|c| c.template).collect();
        assert_eq!(templates, ["after:catalonia>paris", "after:paris>italy", "order"]);
    }

    #[test]
    fn timeline_yields_both_directions() {
        let deck = parse("# D\n## speech\ntimeline: 1922-11-13\nevent: Lenin's last Comintern speech\n").unwrap();
        assert_eq!(
            deck.facts[0].body,
            FactBody::Timeline {
                date: "1922-11-13".into(),
                event: "Lenin's last Comintern speech".into(),
                kinds: TimelineKind::ALL.to_vec(),
            }
        );
        let cards = deck.facts[0].cards();
        assert_eq!(cards[0].template, "date");
        assert_eq!(
            cards[0].front,
            "When did this happen (day, month and year)?\nLenin's last Comintern speech"
        );
        assert_eq!(cards[0].answer, "13 November 1922");
        assert_eq!(cards[1].template, "event");
        assert_eq!(cards[1].front, "What happened on 13 November 1922?");
        assert_eq!(cards[1].answer, "Lenin's last Comintern speech");
        let year = parse("# D\n## t\ntimeline: 1920\nevent: Rosmer travels\ncards: event\n").unwrap();
        let cards = year.facts[0].cards();
        assert_eq!(cards.len(), 1);
        assert_eq!(cards[0].front, "What happened in 1920?");
    }

    #[test]
    fn empty_and_single_item_sequences_are_errors() {
        let errs = errors("# D\n## none\nsequence: Route\ntags: x\n## one\nsequence: Route\nitem: Paris\n");
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!((errs[0].0, errs[0].1), (3, 11));
        assert_eq!(errs[0].2, "sequence `none` has no items");
        assert!(errs[0].3.contains("one `item:` line each"), "{errs:?}");
        assert_eq!((errs[1].0, errs[1].1), (7, 7));
        assert_eq!(errs[1].2, "a sequence needs at least two items");
    }

    #[test]
    fn a_sequence_longer_than_the_cap_is_refused_at_the_first_extra_item() {
        let deck = |count: usize| {
            let items: String = (1..=count).map(|i| format!("item: stop {i}\n")).collect();
            format!("# D\n## r\nsequence: Route\n{items}")
        };
        let most = parse(&deck(MAX_SEQUENCE_ITEMS)).unwrap();
        assert_eq!(most.facts[0].cards().len(), 2 * (MAX_SEQUENCE_ITEMS - 1) + 1);
        let errs = errors(&deck(MAX_SEQUENCE_ITEMS + 1));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].0, errs[0].1), (3 + MAX_SEQUENCE_ITEMS + 1, 7));
        assert_eq!(
            errs[0].2,
            format!("a sequence with more than {MAX_SEQUENCE_ITEMS} items")
        );
        assert!(errs[0].3.contains("split the fact"), "{errs:?}");
    }

    #[test]
    fn a_sequences_cards_hold_at_most_the_card_text_budget_items_included() {
        // Items of 2,000 characters: each is on about four cards' sides
        // and on the order card, so 30 fit and 60 pass 400,000.
        let deck = |count: usize, cards: &str| {
            let items: String = (1..=count)
                .map(|i| format!("item: {i} {}\n", "x".repeat(1_995)))
                .collect();
            format!("# D\n## r\nsequence: Route\n{cards}{items}")
        };
        assert_eq!(parse(&deck(30, "")).unwrap().facts[0].cards().len(), 2 * 29 + 1);
        let errs = errors(&deck(60, ""));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].0, errs[0].1), (2, 1), "{errs:?}");
        assert!(errs[0].2.contains("would hold more than 400000"), "{errs:?}");
        // The order card alone holds each item once: 150 of them fit.
        assert_eq!(parse(&deck(150, "cards: order\n")).unwrap().facts[0].cards().len(), 1);
    }

    #[test]
    fn a_long_title_and_hint_do_not_limit_the_items_of_an_order_card() {
        let items: String = (1..=MAX_SEQUENCE_ITEMS).map(|i| format!("item: stop {i}\n")).collect();
        let deck = format!(
            "# D\n## r\nsequence: {}\nhint: h\ncards: order\n{items}",
            "t".repeat(990)
        );
        assert_eq!(parse(&deck).unwrap().facts[0].cards().len(), 1);
    }

    #[test]
    fn duplicate_items_point_at_the_second() {
        let errs = errors("# D\n## r\nsequence: Route\nitem: St Petersburg\nitem: Moscow\nitem:  st. petersburg\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].0, errs[0].1), (6, 8));
        assert_eq!(errs[0].2, "`st. petersburg` is already in this sequence (line 4)");
        assert!(errs[0].3.contains("may appear once"));
    }

    #[test]
    fn items_without_a_title_or_letters() {
        let errs = errors("# D\n## r\nitem: Paris\nitem: ...\n");
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!(
            (errs[0].0, errs[0].2.as_str()),
            (2, "fact `r` has no title (`sequence:`)")
        );
        assert_eq!((errs[1].0, errs[1].1), (4, 7));
        assert_eq!(errs[1].2, "an item needs a letter or a digit");
    }

    #[test]
    fn mixing_kinds_is_an_error_at_the_foreign_line() {
        let errs = errors(
            "# D\n## a\nsequence: Route\nitem: A\nitem: B\nq: what?\n## b\nq: x\na: y\nevent: z\n## c\ncloze: {{x}}\ncards: basic\n## d\ntimeline: 1920\nevent: e\ncloze: {{x}}\n",
        );
        let located: Vec<(usize, usize, &str)> = errs.iter().map(|e| (e.0, e.1, e.2.as_str())).collect();
        assert_eq!(
            located,
            [
                (6, 1, "a sequence fact takes no `q:`"),
                (10, 1, "a q/a fact takes no `event:`"),
                (13, 1, "a cloze fact takes no `cards:`"),
                (17, 1, "a timeline fact takes no `cloze:`"),
            ]
        );
        assert!(errs[0].3.contains("belongs to q/a facts"), "{errs:?}");
        assert!(errs[1].3.contains("make it two facts"), "{errs:?}");
    }

    #[test]
    fn bad_dates_are_located_with_a_hint() {
        let errs = errors(
            "# D\n## a\ntimeline: 1924-13\nevent: e\n## b\ntimeline: June 1924\nevent: e\n## c\ntimeline: 1923-02-29\nevent: e\n",
        );
        let located: Vec<(usize, usize, &str)> = errs.iter().map(|e| (e.0, e.1, e.2.as_str())).collect();
        assert_eq!(
            located,
            [
                (3, 16, "`13` is not a month (01 to 12)"),
                (6, 11, "`June 1924` is not a date"),
                (9, 19, "1923-02 has no day `29`"),
            ]
        );
        assert!(errs.iter().all(|e| e.3.contains("`1924-06`")), "{errs:?}");
    }

    #[test]
    fn timeline_needs_date_and_event_and_known_card_kinds() {
        let errs = errors("# D\n## a\nevent: e\n## b\ntimeline: 1920\nevent: e\ncards: date basic\n");
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!(
            (errs[0].0, errs[0].2.as_str()),
            (2, "fact `a` has no date (`timeline:`)")
        );
        assert_eq!((errs[1].0, errs[1].1), (7, 13));
        assert_eq!(errs[1].3, "card kinds for timeline facts: date, event");
    }
}
