//! `iskra search` end to end: a collection made by driving the real binary
//! (three decks built, twenty study days of reviews, card commands, a
//! fact removed), then queries in Anki's syntax, each checked against a
//! filter written here over the rows of `iskra export stats --cards
//! --format json` (and `export log` for `rated:`). The filters share no
//! code with iskra's: text is folded by [`fold`] below.

mod common;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::{NOW, Scratch, shifted};
use serde_json::Value;

const KRONSTADT: &str = "# Kronstadt 1921
description: The sailors' revolt.

## year
q: In which year did the Kronstadt sailors revolt?
a: 1921
tags: revolt navy

## leader
q: Who led the Petrograd Soviet against the sailors?
a: Zinóviev
tags: people revolt

## demands
q: What did the sailors' resolution demand first?
a: Soviets without Bolsheviks
tags: revolt

## fortress
cloze: Kronstadt is a {{naval fortress}} on {{Kotlin}} island.
tags: navy places

## trotsky
q: Who ordered the assault over the ice?
a: Trotsky
cards: basic reverse
tags: people
";

const MOSCOW: &str = "# Lenin's Moscow

## rosmer
q: Which French syndicalist wrote Lenin's Moscow?
a: Alfred Rosmer
cards: basic reverse
tags: people books

## congress
q: Where did the second Comintern congress open?
a: Petrograd
tags: comintern places

## nep
q: What did NEP stand for?
a: New Economic Policy
tags: economy

## cafe-central
q: Which café did Trotsky frequent in Vienna?
a: Café Central
tags: people places

## gone
q: A fact removed from the file later?
a: Yes
";

const DRAFTS: &str = "# Drafts

## d1
q: Draft question about the march over the ice?
a: Unknown
tags: draft

## d2
q: Another draft about Kotlin?
a: Maybe
tags: draft
";

/// Lower case, the accents of the decks above dropped, apostrophes dropped,
/// anything else that is not a letter or digit a space, spaces collapsed.
fn fold(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = match c {
            'ó' | 'ò' | 'ö' | 'Ó' => 'o',
            'é' | 'è' | 'ê' | 'É' => 'e',
            'á' | 'à' => 'a',
            _ => c,
        };
        if c == '\'' || c == '\u{2019}' {
            continue;
        }
        for lower in c.to_lowercase() {
            out.push(if lower.is_alphanumeric() { lower } else { ' ' });
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One card of `export stats --cards`, with its answers from `export log`.
#[derive(Debug)]
struct Card {
    id: i64,
    deck: String,
    deck_key: String,
    template: String,
    question: String,
    answer: String,
    state: String,
    queue: String,
    due: Option<String>,
    interval: i64,
    stability: Option<f64>,
    difficulty: Option<f64>,
    retrievability: Option<f64>,
    reps: i64,
    lapses: i64,
    tags: Vec<String>,
    flag: i64,
    leech: bool,
    added: Option<DateTime<Utc>>,
    /// (study day, rating) of each log entry.
    log: Vec<(NaiveDate, i64)>,
}

/// What the filters compare with.
struct World {
    cards: Vec<Card>,
    today: NaiveDate,
    now: DateTime<Utc>,
}

impl Card {
    fn text_has(&self, word: &str) -> bool {
        let word = fold(word);
        fold(&self.question).contains(&word) || fold(&self.answer).contains(&word)
    }

    fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| fold(t) == fold(tag)) || (tag == "leech" && self.leech)
    }

    fn deck_is(&self, name: &str) -> bool {
        fold(&self.deck_key) == fold(name) || fold(&self.deck) == fold(name)
    }

    fn deck_starts(&self, prefix: &str) -> bool {
        fold(&self.deck_key).starts_with(&fold(prefix)) || fold(&self.deck).starts_with(&fold(prefix))
    }

    /// Days until due for cards in the review or learning queue.
    fn due_in(&self, w: &World) -> Option<i64> {
        let due = self.due.as_deref()?;
        match self.queue.as_str() {
            "review" => Some((NaiveDate::parse_from_str(due, "%Y-%m-%d").unwrap() - w.today).num_days()),
            // A day-long step is due on a day.
            "learning" if due.len() == 10 => {
                Some((NaiveDate::parse_from_str(due, "%Y-%m-%d").unwrap() - w.today).num_days())
            }
            "learning" => {
                let at = DateTime::parse_from_rfc3339(due).unwrap().with_timezone(&Utc);
                let next_day = day_start(w.today + Duration::days(1));
                // Whole days from the end of today, truncated towards zero (as Anki).
                Some((at - next_day).num_milliseconds() / 86_400_000)
            }
            _ => None,
        }
    }

    fn rated(&self, w: &World, days: i64, rating: Option<i64>) -> bool {
        let from = w.today - Duration::days(days - 1);
        self.log
            .iter()
            .any(|&(day, r)| day >= from && (1..=4).contains(&r) && rating.is_none_or(|want| want == r))
    }

    fn added_within(&self, w: &World, days: i64) -> bool {
        self.added
            .is_some_and(|at| at >= day_start(w.today - Duration::days(days - 1)))
    }
}

/// When a study day starts (04:00 UTC: the tests run in UTC).
fn day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(4, 0, 0).unwrap().and_utc()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

fn world(s: &Scratch) -> World {
    let stats: Value =
        serde_json::from_str(&s.run(&["export", "stats", "--cards", "--format", "json"]).ok().stdout).unwrap();
    let log: Value = serde_json::from_str(&s.run(&["export", "log", "--format", "json"]).ok().stdout).unwrap();
    let mut by_card: HashMap<i64, Vec<(NaiveDate, i64)>> = HashMap::new();
    for entry in log["entries"].as_array().unwrap() {
        let day = NaiveDate::parse_from_str(entry["study_day"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        by_card
            .entry(entry["card"].as_i64().unwrap())
            .or_default()
            .push((day, entry["rating"].as_i64().unwrap()));
    }
    let cards = stats["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Card {
            id: c["id"].as_i64().unwrap(),
            deck: text(&c["deck"]),
            deck_key: text(&c["deck_key"]),
            template: text(&c["template"]),
            question: text(&c["question"]),
            answer: text(&c["answer"]),
            state: text(&c["state"]),
            queue: text(&c["queue"]),
            due: c["due"].as_str().map(str::to_string),
            interval: c["interval"].as_i64().unwrap(),
            stability: c["stability"].as_f64(),
            difficulty: c["difficulty"].as_f64(),
            retrievability: c["retrievability"].as_f64(),
            reps: c["reps"].as_i64().unwrap(),
            lapses: c["lapses"].as_i64().unwrap(),
            tags: c["tags"].as_array().unwrap().iter().map(text).collect(),
            flag: c["flag"].as_i64().unwrap(),
            leech: c["leech"].as_bool().unwrap(),
            added: c["added"]
                .as_str()
                .map(|t| DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)),
            log: by_card.remove(&c["id"].as_i64().unwrap()).unwrap_or_default(),
        })
        .collect();
    World {
        cards,
        today: NaiveDate::parse_from_str(stats["study_day"].as_str().unwrap(), "%Y-%m-%d").unwrap(),
        now: DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&Utc),
    }
}

/// The ids `iskra search QUERY --json` finds.
fn search(s: &Scratch, query: &str) -> BTreeSet<i64> {
    let run = s.run(&["search", "--json", "--", query]).ok();
    let found: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{query}: {e}\n{}", run.stdout));
    found["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

/// The collection: decks built, twenty days of reviews, then card commands.
fn collection() -> Scratch {
    let s = Scratch::new();
    s.write("kronstadt.deck", KRONSTADT);
    s.write("moscow.deck", MOSCOW);
    let start = "2026-02-18T10:00:00Z";
    let at = |minutes: i64| shifted(start, minutes);
    let built = s.run_at(&at(0), &["build", "kronstadt.deck", "moscow.deck"], "").ok();
    assert!(built.stdout.contains("Kronstadt 1921"), "{}", built.stdout);
    s.run_at(&at(0), &["config", "leech-lapses", "2"], "").ok();
    // Twenty study days: each morning the due cards, graded in a cycle
    // with Again in it, and half an hour later the steps left.
    let grades = "3\n1\n3\n4\n2\n3\n1\n3\n".repeat(4);
    for day in 0..20 {
        let morning = at(day * 24 * 60);
        s.run_at(&morning, &["review"], &grades).ok();
        s.run_at(&shifted(&morning, 30), &["review"], &"3\n".repeat(20)).ok();
    }
    // Today: two answers, the first Again (a card back in its steps): the
    // reviews of Kronstadt and of Moscow due first, made due today (which
    // cards twenty days leave due today depends on every interval and step
    // delay).
    let cards = world(&s).cards;
    let first_due = |deck: &str| {
        cards
            .iter()
            .filter(|c| c.queue == "review" && c.deck_is(deck))
            .min_by_key(|c| (c.due.clone(), c.id))
            .map(|c| c.id.to_string())
            .unwrap()
    };
    let ids = [first_due("kronstadt"), first_due("lenins moscow")];
    s.run_at(NOW, &["reschedule", "--days", "0", &ids[0], &ids[1]], "").ok();
    s.run_at(NOW, &["review", "--deck", "kronstadt"], "1\nq\n").ok();
    s.run_at(NOW, &["review", "--deck", "moscow"], "3\nq\n").ok();
    s.write("drafts.deck", DRAFTS);
    s.run(&["build", "drafts.deck"]).ok();
    // The fact `gone` leaves its file: its card is retired.
    s.write("moscow.deck", MOSCOW.split("## gone").next().unwrap());
    s.run(&["build", "moscow.deck"]).ok();
    s
}

#[test]
fn queries_find_what_an_independent_filter_finds() {
    let s = collection();
    // Marks for the flag:, is: and tag: queries.
    let first = world(&s);
    let reviewed: Vec<i64> = first
        .cards
        .iter()
        .filter(|c| c.state == "review")
        .map(|c| c.id)
        .collect();
    assert!(reviewed.len() >= 6, "{:?}", first.cards);
    let id = |i: usize| reviewed[i].to_string();
    s.run(&["flag", "1", &id(0), &id(1)]).ok();
    s.run(&["flag", "4", &id(2)]).ok();
    s.run(&["suspend", &id(3)]).ok();
    s.run(&["bury", &id(4)]).ok();
    s.run(&["reschedule", "--days", "3", &id(5)]).ok();
    let w = world(&s);
    assert_eq!(
        w.cards.len(),
        14,
        "15 cards of 3 decks, the retired one left out; {:?}",
        w.cards
    );

    type Filter = Box<dyn Fn(&Card, &World) -> bool>;
    let queries: Vec<(&str, Filter)> = vec![
        ("", Box::new(|_, _| true)),
        ("kronstadt", Box::new(|c, _| c.text_has("kronstadt"))),
        ("KRONSTADT", Box::new(|c, _| c.text_has("kronstadt"))),
        ("zinoviev", Box::new(|c, _| c.text_has("zinoviev"))),
        ("Zinóviev", Box::new(|c, _| c.text_has("zinoviev"))),
        ("cafe", Box::new(|c, _| c.text_has("cafe"))),
        ("\"sailors revolt\"", Box::new(|c, _| c.text_has("sailors revolt"))),
        (
            "\"sailors' resolution\"",
            Box::new(|c, _| c.text_has("sailors resolution")),
        ),
        (
            "sail*revolt",
            Box::new(|c, _| {
                let t = |x: &str| fold(x).find("sail").is_some_and(|i| fold(x)[i..].contains("revolt"));
                t(&c.question) || t(&c.answer)
            }),
        ),
        (
            "who sailors",
            Box::new(|c, _| c.text_has("who") && c.text_has("sailors")),
        ),
        (
            "trotsky or rosmer",
            Box::new(|c, _| c.text_has("trotsky") || c.text_has("rosmer")),
        ),
        ("-ice", Box::new(|c, _| !c.text_has("ice"))),
        ("deck:kronstadt", Box::new(|c, _| c.deck_is("kronstadt"))),
        ("deck:\"Lenin's Moscow\"", Box::new(|c, _| c.deck_is("lenins moscow"))),
        ("deck:kron*", Box::new(|c, _| c.deck_starts("kron"))),
        ("-deck:drafts", Box::new(|c, _| !c.deck_is("drafts"))),
        ("tag:people", Box::new(|c, _| c.has_tag("people"))),
        (
            "tag:PLACES -tag:navy",
            Box::new(|c, _| c.has_tag("places") && !c.has_tag("navy")),
        ),
        ("tag:leech", Box::new(|c, _| c.has_tag("leech"))),
        ("tag:rev*", Box::new(|c, _| c.tags.iter().any(|t| t.starts_with("rev")))),
        ("is:new", Box::new(|c, _| c.state == "new")),
        ("is:learn", Box::new(|c, _| c.queue == "learning")),
        (
            "is:review",
            Box::new(|c, _| c.state == "review" || c.state == "relearning"),
        ),
        (
            "is:due",
            Box::new(|c, w| match c.queue.as_str() {
                "review" => c.due_in(w).unwrap() <= 0,
                "learning" => {
                    let at = DateTime::parse_from_rfc3339(c.due.as_deref().unwrap()).unwrap();
                    at <= w.now + Duration::minutes(20)
                }
                _ => false,
            }),
        ),
        ("is:suspended", Box::new(|c, _| c.queue == "suspended")),
        ("is:buried", Box::new(|c, _| c.queue == "buried")),
        ("is:leech", Box::new(|c, _| c.leech)),
        ("is:flagged", Box::new(|c, _| c.flag != 0)),
        ("flag:1", Box::new(|c, _| c.flag == 1)),
        ("flag:0", Box::new(|c, _| c.flag == 0)),
        (
            "-flag:0 or is:suspended",
            Box::new(|c, _| c.flag != 0 || c.queue == "suspended"),
        ),
        ("prop:ivl>=5", Box::new(|c, _| c.interval >= 5)),
        ("prop:ivl<3", Box::new(|c, _| c.interval < 3)),
        ("prop:due<=2", Box::new(|c, w| c.due_in(w).is_some_and(|d| d <= 2))),
        ("prop:due>0", Box::new(|c, w| c.due_in(w).is_some_and(|d| d > 0))),
        ("prop:due=0", Box::new(|c, w| c.due_in(w) == Some(0))),
        ("prop:lapses>=1", Box::new(|c, _| c.lapses >= 1)),
        ("prop:reps>3", Box::new(|c, _| c.reps > 3)),
        ("prop:s>4", Box::new(|c, _| c.stability.is_some_and(|s| s > 4.0))),
        ("-prop:s>4", Box::new(|c, _| !c.stability.is_some_and(|s| s > 4.0))),
        // Anki's difficulty scale: (D - 1) / 9.
        (
            "prop:d>0.5",
            Box::new(|c, _| c.difficulty.is_some_and(|d| (d - 1.0) / 9.0 > 0.5)),
        ),
        (
            "prop:r<0.95",
            Box::new(|c, _| c.retrievability.is_some_and(|r| r < 0.95)),
        ),
        (
            "-prop:r<0.95",
            Box::new(|c, _| !c.retrievability.is_some_and(|r| r < 0.95)),
        ),
        (
            "prop:r>=0.9 -is:new",
            Box::new(|c, _| c.retrievability.is_some_and(|r| r >= 0.9) && c.state != "new"),
        ),
        ("rated:1", Box::new(|c, w| c.rated(w, 1, None))),
        ("rated:1:1", Box::new(|c, w| c.rated(w, 1, Some(1)))),
        ("rated:7:1", Box::new(|c, w| c.rated(w, 7, Some(1)))),
        ("rated:30", Box::new(|c, w| c.rated(w, 30, None))),
        ("added:1", Box::new(|c, w| c.added_within(w, 1))),
        // The first decks were built 20 study days before today.
        ("added:20", Box::new(|c, w| c.added_within(w, 20))),
        ("added:21", Box::new(|c, w| c.added_within(w, 21))),
        (
            "(is:new or is:learn) deck:kronstadt",
            Box::new(|c, _| (c.state == "new" || c.queue == "learning") && c.deck_is("kronstadt")),
        ),
        (
            "-(tag:people or tag:draft) prop:lapses=0",
            Box::new(|c, _| !(c.has_tag("people") || c.has_tag("draft")) && c.lapses == 0),
        ),
        (
            "-(-is:review)",
            Box::new(|c, _| c.state == "review" || c.state == "relearning"),
        ),
        (
            "petrograd or tag:economy or is:buried",
            Box::new(|c, _| c.text_has("petrograd") || c.has_tag("economy") || c.queue == "buried"),
        ),
        // card:N is the N-th card of a fact's kind (basic 1, reverse 2,
        // cloze:N); card:NAME a template, or every template of a kind.
        (
            "card:1",
            Box::new(|c, _| c.template == "basic" || c.template == "cloze:1"),
        ),
        (
            "card:2",
            Box::new(|c, _| c.template == "reverse" || c.template == "cloze:2"),
        ),
        (
            "deck:kronstadt -card:2",
            Box::new(|c, _| c.deck_is("kronstadt") && c.template != "reverse" && c.template != "cloze:2"),
        ),
        ("card:Reverse", Box::new(|c, _| c.template == "reverse")),
        ("card:cloze", Box::new(|c, _| c.template.starts_with("cloze:"))),
        ("card:cloze:2", Box::new(|c, _| c.template == "cloze:2")),
        ("\"card:cloze:2\"", Box::new(|c, _| c.template == "cloze:2")),
        // Quotes only group: Anki's "deck:french vocab".
        ("\"deck:Lenin's Moscow\"", Box::new(|c, _| c.deck_is("lenins moscow"))),
        (
            "-\"deck:Kronstadt 1921\"",
            Box::new(|c, _| !c.deck_is("kronstadt 1921")),
        ),
        // Anki's escaped colon is text.
        ("\"sailors\\: revolt\"", Box::new(|c, _| c.text_has("sailors revolt"))),
    ];
    assert!(queries.len() >= 30);
    let all: BTreeSet<i64> = w.cards.iter().map(|c| c.id).collect();
    let mut trivial = Vec::new();
    for (query, filter) in &queries {
        let expected: BTreeSet<i64> = w.cards.iter().filter(|c| filter(c, &w)).map(|c| c.id).collect();
        assert_eq!(search(&s, query), expected, "search {query:?}");
        if expected.is_empty() || (expected == all && !query.is_empty()) {
            trivial.push(*query);
        }
    }
    // Every query tells cards apart (a filter that matched nothing or
    // everything would check little), but the day the first cards were
    // added.
    assert_eq!(trivial, ["added:21"], "queries matching nothing or everything");
    // The cards the marks were made for are found by them.
    assert_eq!(search(&s, "flag:1"), BTreeSet::from([reviewed[0], reviewed[1]]));
    assert_eq!(search(&s, "is:suspended"), BTreeSet::from([reviewed[3]]));
    assert!(!search(&s, "tag:leech").is_empty(), "leech-lapses 2 marked some cards");
    let templates: BTreeSet<&str> = w.cards.iter().map(|c| c.template.as_str()).collect();
    assert!(
        templates.contains("reverse") && templates.contains("cloze:2"),
        "{templates:?}"
    );
}

#[test]
fn the_table_the_facts_and_nothing_found() {
    let s = Scratch::new();
    s.write("kronstadt.deck", KRONSTADT);
    s.build(&["kronstadt.deck"]);
    let table = s.run(&["search", "tag:people"]).ok();
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[0].trim_start().starts_with("card  deck"), "{}", table.stdout);
    // Ids are shown whole: the card commands take them.
    let id = iskra::ids::card_id("kronstadt", "leader", "basic", 0).to_string();
    assert!(table.stdout.contains(&id), "{}", table.stdout);
    assert_eq!(lines.last(), Some(&"3 cards"), "{}", table.stdout);
    assert_eq!(lines.len(), 5, "{}", table.stdout);
    for line in &lines {
        assert!(line.chars().count() <= 100, "wider than 100 columns: {line:?}");
    }
    assert!(table.stdout.contains("Who led the Petrograd"), "{}", table.stdout);

    let facts = s.run(&["search", "tag:people", "--facts"]).ok();
    assert!(facts.stdout.ends_with("2 facts (3 cards)\n"), "{}", facts.stdout);
    let json: Value = serde_json::from_str(&s.run(&["search", "tag:people", "--facts", "--json"]).ok().stdout).unwrap();
    let facts: Vec<(&str, usize)> = json["facts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["fact"].as_str().unwrap(), f["cards"].as_array().unwrap().len()))
        .collect();
    assert_eq!(facts, [("leader", 1), ("trotsky", 2)]);

    let nothing = s.run(&["search", "stalin"]).ok();
    assert_eq!(nothing.stdout, "No card matches \"stalin\".\n");
    // A long query with a control character: quoted as errors quote it, the
    // first 80 characters, the escape shown once.
    let long = format!("\u{1b}{}", "z".repeat(500));
    let nothing = s.run(&["search", &long]).ok();
    assert_eq!(
        nothing.stdout,
        format!("No card matches \"\\u{{1b}}{}…\".\n", "z".repeat(79))
    );
    let json: Value = serde_json::from_str(&s.run(&["search", "stalin", "--json"]).ok().stdout).unwrap();
    assert_eq!(json["cards"], serde_json::json!([]));
}

#[test]
fn bad_queries_are_usage_errors_that_say_where_to_look() {
    let s = Scratch::new();
    s.write("kronstadt.deck", KRONSTADT);
    s.build(&["kronstadt.deck"]);
    for query in [
        "(kronstadt",
        "is:old",
        "prop:ivl>x",
        "rated:0",
        "flag:9",
        "!!!",
        "deck:",
        "card:0",
    ] {
        let run = s.run(&["search", query]).fails();
        assert_eq!(run.code, 2, "{query}: {}", run.stderr);
        assert!(run.stderr.contains("hint:"), "{query}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{query}: {}", run.stdout);
    }
    // Anki's fields iskra does not support are refused, quoted or negated
    // too (searched as text, `-card:2` once matched every card).
    for (query, field) in [
        ("note:Basic", "note"),
        ("-w:kronstadt", "w"),
        ("deck:kronstadt -nc:zinoviev", "nc"),
        ("\"introduced:2\"", "introduced"),
    ] {
        let run = s.run(&["search", "--", query]).fails();
        assert_eq!(run.code, 2, "{query}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!(
                "iskra does not support the field {field}: (it knows deck:, tag:, card:,"
            )),
            "{query}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{query}: {}", run.stdout);
    }
}

/// `card:` on the kinds of facts the other tests have none of: a note
/// fact's templates by number and by name, a timeline's and a sequence's
/// cards by number and kind.
#[test]
fn card_names_the_cards_of_notes_timelines_and_sequences() {
    let s = Scratch::new();
    s.write(
        "kinds.deck",
        "# Kinds

## rosmer
note: Person
field: Name: Alfred Rosmer
field: Role: French delegate
template: Who
front: Who was {{Name}}?
back: {{Role}}
template: Which Person
front: Which person: {{Role}}?
back: {{Name}}

## fifth-congress
timeline: 1924-06
event: The Fifth Congress meets

## route
sequence: Rosmer's route
item: Paris
item: Italy
item: Petrograd
",
    );
    s.build(&["kinds.deck"]);
    let templates = |query: &str| -> BTreeSet<String> {
        let run = s.run(&["search", "--json", "--", query]).ok();
        let found: Value = serde_json::from_str(&run.stdout).unwrap();
        found["cards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| format!("{}/{}", c["fact"].as_str().unwrap(), c["template"].as_str().unwrap()))
            .collect()
    };
    let set = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>();
    for (query, expected) in [
        (
            "card:1",
            &[
                "rosmer/card:1",
                "fifth-congress/date",
                "route/after:paris>italy",
                "route/after:italy>petrograd",
            ][..],
        ),
        (
            "card:2",
            &[
                "rosmer/card:2",
                "fifth-congress/event",
                "route/before:paris>italy",
                "route/before:italy>petrograd",
            ],
        ),
        ("card:3", &["route/order"]),
        ("card:who", &["rosmer/card:1"]),
        ("\"card:which person\"", &["rosmer/card:2"]),
        ("card:wh*", &["rosmer/card:1", "rosmer/card:2"]),
        ("card:event", &["fifth-congress/event"]),
        (
            "card:before",
            &["route/before:paris>italy", "route/before:italy>petrograd"],
        ),
        ("card:after:italy>petrograd", &["route/after:italy>petrograd"]),
        ("-card:1 -card:2", &["route/order"]),
    ] {
        assert_eq!(templates(query), set(expected), "search {query:?}");
    }
}

/// A query nested 50,000 parentheses deep overflowed the parser's stack
/// (the process aborted); a 40,000-character word took seconds to turn
/// into trigrams, and one over SQLite's bounds gave its raw error.
#[test]
fn queries_too_large_for_a_search_are_refused_before_any_work() {
    let s = Scratch::new();
    s.write("kronstadt.deck", KRONSTADT);
    s.build(&["kronstadt.deck"]);
    let deep = format!("{}kronstadt{}", "(".repeat(50_000), ")".repeat(50_000));
    let long = "kronstadt".repeat(4_500);
    let phrase = format!("\"{}\"", "sailors ".repeat(9_000));
    for (query, reason) in [
        (deep.as_str(), "nest deeper than the 50 levels a search takes"),
        (
            long.as_str(),
            "a term of 40500 characters is longer than the 1000 a search takes",
        ),
        (phrase.as_str(), "a term of 72000 characters"),
    ] {
        let run = s.run(&["search", query]).fails();
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains(reason), "{}", run.stderr);
        assert!(run.stderr.len() < 400, "the query is not echoed whole: {}", run.stderr);
    }
}

#[test]
fn text_from_deck_files_is_escaped_in_the_table() {
    let s = Scratch::new();
    s.write(
        "evil.deck",
        "# Evil\n\n## e\nq: Red \u{1b}[31malert\u{7} and \u{202e}reversed?\na: x\n",
    );
    s.build(&["evil.deck"]);
    let run = s.run(&["search", "alert"]).ok();
    assert!(!run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{7}') && !run.stdout.contains('\u{202e}'));
    assert!(run.stdout.contains("\\u{1b}[31malert"), "{}", run.stdout);
}
