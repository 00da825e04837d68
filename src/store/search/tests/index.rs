//! The search's indexes (`card_trigrams`, `cards_schedule`) change what is
//! read, never what is found: many queries (words in several scripts,
//! phrases, wildcards, parts too short for a trigram, negation, with the
//! schedule's conditions) find the same cards with them as by reading every
//! card, after every kind of write that changes a card's text or id.

use crate::card::{CardText, Schedule};
use crate::deck::build::{Source, build};
use crate::store::search::{Cmp, Filter, Is, Prop, SearchTime};
use crate::store::{NewCard, Store};
use crate::text::fold;

const TIME: SearchTime = SearchTime {
    today: 20_500,
    learn_cutoff_ms: 1_771_000_000_000,
    next_day_start_ms: 1_771_100_000_000,
};

const DECK: &str = "# Words
## zinoviev
q: Zinóviev's \"Letter\" of 1,500 words?
a: A forgery
tags: Révolte navy
## kronstadt
q: Кронштадтское восстание: когда?
a: 1921
cards: basic reverse
## greek
q: Σωκράτης ΚΑΙ ΟΔΥΣΣΕΥΣ
a: Athens
## strasse
q: Die Straße der STRASSE
a: ﬁnance İstanbul
## tokyo
q: 東京大学はどこ？
a: 🚀 rocket東京
## percent
q: 100% sure_thing \\ back\\slash
a: a_b
## short
q: ab
a: x
";

fn source(text: &str) -> Source {
    Source {
        label: "words.deck".into(),
        key: "words".into(),
        bytes: text.as_bytes().to_vec(),
    }
}

/// A text filter as the search makes it: parts between `*`, folded.
fn text(query: &str) -> Filter {
    Filter::Text(query.split('*').map(fold).collect())
}

fn queries() -> Vec<Filter> {
    let words = [
        "zinoviev",
        "ZINÓVIEV",
        "zinovievs letter",
        "letter of 1500",
        "1,500",
        "кронштад",
        "ВОССТАНИЕ",
        "когда",
        "σωκρατης",
        "οδυσσευς",
        "straße",
        "strasse der",
        "finance",
        "ﬁnance",
        "istanbul",
        "東京",
        "東京大学",
        "京大学は",
        "rocket",
        "🚀 rocket",
        "sure thing",
        "back slash",
        "a b",
        "ab",
        "x",
        "forgery",
        "s*thing",
        "zin*1500",
        "*gery",
        "кро*ие",
        "東*東",
        "ath*",
        "nothing like it",
        "etter",
        "ett",
        "et",
        "1921",
    ];
    let mut filters: Vec<Filter> = words.iter().map(|w| text(w)).collect();
    filters.extend([
        Filter::Not(Box::new(text("letter"))),
        Filter::Not(Box::new(text("ab"))),
        Filter::Or(vec![text("zinoviev"), text("rocket")]),
        Filter::And(vec![text("strasse"), Filter::Not(Box::new(text("istanbul")))]),
        Filter::And(vec![text("1921"), Filter::Is(Is::New)]),
        Filter::And(vec![
            Filter::Not(Box::new(text("ett"))),
            Filter::Tag(vec!["navy".into()]),
        ]),
        Filter::Or(vec![text("σωκ"), Filter::Prop(Prop::Lapses, Cmp::Gt, 0.0)]),
        Filter::And(vec![Filter::Is(Is::Due), text("athens")]),
        Filter::Is(Is::Suspended),
        Filter::Is(Is::New),
        Filter::Prop(Prop::Reps, Cmp::Ge, 0.0),
        Filter::Prop(Prop::Retrievability, Cmp::Lt, 0.7),
        Filter::Tag(vec!["revolte".into()]),
        Filter::Deck(vec!["words".into()]),
        Filter::And(vec![
            text("1921"),
            Filter::Not(Box::new(Filter::Template(vec!["basic".into()]))),
        ]),
        Filter::Or(vec![text("zinoviev"), Filter::NoteTemplate(vec!["who".into()])]),
        Filter::All,
    ]);
    filters
}

/// Asserts every query finds the same cards with the indexes as without
/// (and the rows read by id are the cards found); returns how many found
/// something.
fn same_with_and_without_indexes(store: &Store, when: &str) -> usize {
    let r = || -> crate::store::search::Retrievability { Box::new(|s, _, _| s.map(|s| s / 100.0)) };
    let mut found = 0;
    for filter in queries() {
        let with = store.search_card_ids(&filter, &TIME, r()).unwrap();
        let without = store.search_card_ids_without_indexes(&filter, &TIME, r()).unwrap();
        assert_eq!(with, without, "{when}: {filter:?}");
        let rows: Vec<i64> = store
            .search_cards(&filter, &TIME, r())
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(rows, with, "{when}: rows of {filter:?}");
        found += usize::from(!with.is_empty());
    }
    found
}

/// Every card is in `card_trigrams` under its id with its text (a search for
/// all of its text's trigrams finds it), and no other rowid is.
fn index_holds_every_card(store: &Store, when: &str) {
    let conn = store.conn();
    let cards: Vec<(i64, String)> = conn
        .prepare("SELECT id, search_text FROM cards ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (id, text) in &cards {
        let Some(query) = crate::store::search::sql::trigram_query(std::slice::from_ref(text)) else {
            continue;
        };
        let hit: bool = conn
            .query_row(
                "SELECT count(*) FROM card_trigrams WHERE card_trigrams MATCH ?1 AND rowid = ?2",
                rusqlite::params![query, id],
                |r| r.get(0),
            )
            .unwrap();
        assert!(hit, "{when}: card {id} ({text:?}) is not indexed with its text");
    }
    let indexed: Vec<i64> = conn
        .prepare("SELECT rowid FROM card_trigrams ORDER BY rowid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let ids: Vec<i64> = cards.iter().map(|(id, _)| *id).collect();
    assert_eq!(indexed, ids, "{when}: the rows of card_trigrams are the cards");
}

fn check(store: &Store, when: &str) -> usize {
    index_holds_every_card(store, when);
    same_with_and_without_indexes(store, when)
}

#[test]
fn the_indexes_find_what_reading_every_card_finds_through_every_write() {
    let mut store = Store::open_in_memory().unwrap();
    build(&mut store, &[source(DECK)]).unwrap();
    let found = check(&store, "built");
    assert!(found >= 40, "most queries find something: {found}");

    // Reworded (the triggers on the text), a fact removed (its card
    // retired), a fact added.
    let edited = DECK
        .replace("A forgery", "Eine Fälschung")
        .replace("## short\nq: ab\na: x\n", "## new\nq: Neue Karte\na: ett\n");
    build(&mut store, &[source(&edited)]).unwrap();
    check(&store, "rebuilt");

    // A card given another id (sync's renumbering).
    let tx = store.begin().unwrap();
    let id: i64 = tx
        .conn()
        .query_row("SELECT min(id) FROM cards WHERE retired = 0", [], |r| r.get(0))
        .unwrap();
    tx.renumber_card(id, 42).unwrap();
    tx.commit().unwrap();
    check(&store, "renumbered");

    // Cards inserted in a bulk transaction (the triggers set aside), one of
    // them then reworded and another renumbered in it; a card inserted
    // before reworded and another renumbered.
    let before: Vec<i64> = store
        .conn()
        .prepare("SELECT id FROM cards WHERE retired = 0 ORDER BY id LIMIT 2")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let renumbered_text: String = store
        .conn()
        .query_row("SELECT search_text FROM cards WHERE id = ?1", [before[1]], |r| r.get(0))
        .unwrap();
    let tx = store.begin_bulk(8).unwrap();
    let reworded = |front: &str| CardText {
        template: "basic".into(),
        front: front.into(),
        back: "b".into(),
        answer: "b".into(),
    };
    tx.write_card_text(before[0], &reworded("Переименованная карта"))
        .unwrap();
    tx.renumber_card(before[1], 4242).unwrap();
    let deck = tx.insert_deck(&crate::store::DeckRow::new("bulk", "Bulk")).unwrap();
    let mut inserted = Vec::new();
    for (n, words) in [
        "Bulk Zinóviev rocket",
        "восстание в массе",
        "ab",
        "to be reworded",
        "to be renumbered",
    ]
    .iter()
    .enumerate()
    {
        let fact = tx.insert_fact(None, deck, &format!("b{n}"), "{}").unwrap();
        let text = CardText {
            template: "basic".into(),
            front: (*words).into(),
            back: "b".into(),
            answer: "b".into(),
        };
        let id = tx
            .insert_card(&NewCard {
                id: 0,
                fact_id: fact,
                deck_id: deck,
                text: &text,
                schedule: &Schedule::new_card(n as i64),
                suspended: n == 1,
            })
            .unwrap();
        inserted.push(id);
    }
    tx.write_card_text(inserted[3], &reworded("Straße reworded in bulk"))
        .unwrap();
    tx.renumber_card(inserted[4], 4343).unwrap();
    tx.commit().unwrap();
    check(&store, "bulk insert");
    let find = |q: &str| {
        store
            .search_card_ids(&text(q), &TIME, Box::new(|_, _, _| None))
            .unwrap()
    };
    assert_eq!(find("переименованная"), [before[0]]);
    assert_eq!(find("in bulk"), [inserted[3]]);
    assert!(find("to be reworded").is_empty());
    assert_eq!(find("renumbered"), [4343]);
    let found = store
        .search_card_ids(&Filter::Text(vec![renumbered_text]), &TIME, Box::new(|_, _, _| None))
        .unwrap();
    assert_eq!(found, [4242]);
    let rocket = store
        .search_card_ids(&text("rocket"), &TIME, Box::new(|_, _, _| None))
        .unwrap();
    assert_eq!(rocket.len(), 2, "the bulk card is found: {rocket:?}");

    // A deck deleted with its cards.
    let words = store
        .conn()
        .query_row("SELECT id FROM decks WHERE key = 'words'", [], |r| r.get(0))
        .unwrap();
    let tx = store.begin().unwrap();
    tx.delete_deck(words).unwrap();
    tx.commit().unwrap();
    check(&store, "deck deleted");
}

/// The plan of a search: what SQLite reads for it.
fn plan(store: &Store, columns: &str, filter: &Filter) -> String {
    crate::store::search::register_functions(store.conn(), Box::new(|_, _, _| None)).unwrap();
    let condition = crate::store::search::sql::condition(filter, &TIME);
    let mut stmt = store
        .conn()
        .prepare(&format!(
            "EXPLAIN QUERY PLAN {}",
            crate::store::search::statement(columns, &condition)
        ))
        .unwrap();
    let rows: Vec<String> = stmt
        .query_map(rusqlite::params_from_iter(condition.values.iter()), |r| r.get(3))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows.join("\n")
}

#[test]
fn searches_read_the_indexes_not_every_card() {
    let mut store = Store::open_in_memory().unwrap();
    build(&mut store, &[source(DECK)]).unwrap();
    for columns in [crate::store::search::ID_COLUMN, crate::store::search::FOUND_COLUMNS] {
        let words = plan(&store, columns, &text("kronstadt"));
        assert!(words.contains("SCAN card_trigrams VIRTUAL TABLE"), "{words}");
        assert!(!words.lines().any(|line| line == "SCAN c"), "{words}");
        for filter in [
            Filter::Prop(Prop::Lapses, Cmp::Gt, 3.0),
            Filter::And(vec![
                Filter::Tag(vec!["t1".into()]),
                Filter::Prop(Prop::Lapses, Cmp::Gt, 3.0),
            ]),
            Filter::And(vec![
                Filter::Prop(Prop::Retrievability, Cmp::Lt, 0.7),
                Filter::Not(Box::new(Filter::Is(Is::Suspended))),
            ]),
        ] {
            let plan = plan(&store, columns, &filter);
            assert!(
                plan.contains("USING COVERING INDEX cards_schedule"),
                "{filter:?}: {plan}"
            );
        }
    }
    // Cards named by id (answered ones, words through the trigrams) are
    // read by id, each row once: no second pass over the rows found.
    let rated = Filter::Rated {
        since_ms: 0,
        rating: Some(1),
    };
    for filter in [
        rated.clone(),
        Filter::And(vec![rated, Filter::Prop(Prop::Lapses, Cmp::Gt, 3.0)]),
        text("kronstadt"),
    ] {
        let plan = plan(&store, crate::store::search::FOUND_COLUMNS, &filter);
        let card_reads = plan
            .lines()
            .filter(|line| line.starts_with("SEARCH c ") || line.starts_with("SCAN c ") || *line == "SCAN c")
            .collect::<Vec<_>>();
        assert_eq!(
            card_reads,
            ["SEARCH c USING INTEGER PRIMARY KEY (rowid=?)"],
            "{filter:?}: {plan}"
        );
    }
}
