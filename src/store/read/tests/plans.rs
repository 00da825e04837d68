//! The study queue's queries stay on their indexes: every statement the
//! queue reads prepare is explained (`EXPLAIN QUERY PLAN`) and must search
//! an index, never scan `cards` or `review_log`. With the query planner
//! stability guarantee ([`crate::store::plan_independent_of_bound_values`])
//! a plan does not depend on bound values, so the plan explained with
//! unbound parameters is the one every step runs. The collection keeps no
//! planner statistics: `ANALYZE` is never run (BENCHMARKS.md, "Performance, round two (issue 21)": statistics
//! on a 100k-card collection turn the newest-answer query into a scan).

use std::ffi::CStr;

use crate::deck::build::{Source, build};
use crate::store::{BuryRules, QueueQuery, Store};

/// The SQL of every statement prepared (and cached) on the store's connection.
fn prepared_statements(store: &Store) -> Vec<String> {
    let mut sql = Vec::new();
    // SAFETY: the connection is open and used by this thread only; the
    // statements are walked and read without being changed or finalized.
    unsafe {
        let db = store.conn().handle();
        let mut stmt = rusqlite::ffi::sqlite3_next_stmt(db, std::ptr::null_mut());
        while !stmt.is_null() {
            let text = rusqlite::ffi::sqlite3_sql(stmt);
            if !text.is_null() {
                sql.push(CStr::from_ptr(text).to_string_lossy().into_owned());
            }
            stmt = rusqlite::ffi::sqlite3_next_stmt(db, stmt);
        }
    }
    sql
}

fn plan(store: &Store, sql: &str) -> Vec<String> {
    let mut explain = store.conn().prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    // Unbound parameters are NULL; the plan is the same for any value.
    let nulls = vec![rusqlite::types::Null; explain.parameter_count()];
    explain
        .query_map(rusqlite::params_from_iter(nulls), |r| r.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// A collection with two decks, cards in every queue and a day of answers.
fn collection() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let source = |key: &str| Source {
        label: format!("{key}.deck"),
        key: key.into(),
        bytes: (0..40)
            .map(|i| format!("## f{i}\nq: question {i}?\na: {i}\n"))
            .fold(format!("# {key}\n"), |deck, fact| deck + &fact)
            .into_bytes(),
    };
    build(&mut store, &[source("a"), source("b")]).unwrap();
    store
        .conn()
        .execute_batch(
            "UPDATE cards SET queue = 2, state = 2, due = 100 WHERE id % 3 = 1;
             UPDATE cards SET queue = 1, state = 1, due = 5000 WHERE id % 3 = 2;",
        )
        .unwrap();
    store
}

/// Runs every read of the study queue, so that its statements are prepared.
fn read_the_queue(store: &Store) {
    let q = QueueQuery {
        now_ms: 10_000,
        learn_ahead_until_ms: 11_200,
        end_of_day_ms: 20_000,
        today: 120,
        new_left: 20,
        reviews_left: 200,
        bury: BuryRules::default(),
    };
    let burying = QueueQuery {
        bury: BuryRules {
            new: true,
            review: true,
            interday: true,
        },
        ..q
    };
    for deck in store.decks().unwrap() {
        store.next_learning(deck.id, 10_000, 0).unwrap();
        store.next_review(deck.id, 120, 0).unwrap();
        store.next_day_learning(deck.id, 120, 0).unwrap();
        store.next_new(deck.id, 0, None).unwrap();
        store.next_new(deck.id, 0, Some(120)).unwrap();
        store.deck_counts(deck.id, &q).unwrap();
        store.deck_counts(deck.id, &burying).unwrap();
    }
    store.studied_today_by_deck(0).unwrap();
    // The load balancer's reads: the cards due per day, a fact's due days.
    store.due_per_day(120, 219).unwrap();
    store.fact_due_days(1, 120, 219).unwrap();
    store.last_answered().unwrap();
}

/// Whether a step of a plan reads a whole table: any scan of `cards`, or a
/// scan of `review_log` in no index's order (the newest answer is read
/// walking the time index backwards, and stops at the first row).
fn scans_a_table(step: &str) -> bool {
    let step = format!("{step} ");
    let cards = ["SCAN cards ", "SCAN c "].iter().any(|s| step.starts_with(s));
    let in_index_order = [" USING INDEX ", " USING COVERING INDEX "]
        .iter()
        .any(|s| step.contains(s));
    let log = ["SCAN review_log ", "SCAN l "].iter().any(|s| step.starts_with(s)) && !in_index_order;
    cards || log
}

/// Each statement reading `cards` or `review_log`, with its plan; fails on
/// a scan of a whole table.
fn queue_plans(store: &Store) -> Vec<(String, Vec<String>)> {
    read_the_queue(store);
    let statements: Vec<(String, Vec<String>)> = prepared_statements(store)
        .into_iter()
        .filter(|sql| sql.contains("FROM cards") || sql.contains("FROM review_log"))
        .map(|sql| {
            let plan = plan(store, &sql);
            (sql, plan)
        })
        .collect();
    for (sql, plan) in &statements {
        assert!(
            !plan.iter().any(|step| scans_a_table(step)),
            "a scan of a whole table in\n{sql}\nplan: {plan:#?}"
        );
    }
    statements
}

#[test]
fn a_scan_of_a_whole_table_is_told_from_an_index_search() {
    assert!(scans_a_table("SCAN c"));
    assert!(scans_a_table("SCAN cards USING COVERING INDEX cards_by_queue"));
    assert!(scans_a_table("SCAN l"));
    assert!(!scans_a_table("SCAN l USING INDEX review_log_by_time"));
    assert!(!scans_a_table("SCAN l USING COVERING INDEX review_log_by_time"));
    assert!(!scans_a_table(
        "SEARCH c USING INDEX cards_by_queue (deck_id=? AND queue=?)"
    ));
}

#[test]
fn the_queue_queries_search_their_indexes() {
    let store = collection();
    let statements = queue_plans(&store);
    let on_queue_index = statements
        .iter()
        .filter(|(_, plan)| plan.iter().any(|step| step.contains("INDEX cards_by_queue")))
        .count();
    // next learning, review and new; counts of new, learning (two), due,
    // suspended; the two earliest due values.
    assert!(on_queue_index >= 8, "{statements:#?}");
    // With bury rules, the counts of due cards once per fact read the
    // index alone (it holds the fact: schema 9), as do the next card's
    // sibling checks.
    let once_per_fact: Vec<&(String, Vec<String>)> = statements
        .iter()
        .filter(|(sql, _)| sql.contains("DISTINCT fact_id FROM cards WHERE"))
        .collect();
    assert!(!once_per_fact.is_empty(), "{statements:#?}");
    for (sql, plan) in once_per_fact {
        assert!(
            plan.iter().any(|step| step.contains("COVERING INDEX cards_by_queue")),
            "{sql}\n{plan:#?}"
        );
    }
    let today = statements
        .iter()
        .find(|(sql, _)| sql.contains("GROUP BY deck"))
        .expect("the day's answers per deck were read");
    // From the time index alone (each row names its deck); a card's row
    // only by its id, for a row that names none.
    assert!(
        today.1[0].starts_with("SEARCH l USING COVERING INDEX review_log_by_time"),
        "{today:#?}"
    );
    assert!(
        today
            .1
            .iter()
            .skip(1)
            .all(|step| !step.starts_with("SEARCH") || step.contains("USING INTEGER PRIMARY KEY")),
        "{today:#?}"
    );
}

#[test]
fn a_collection_keeps_no_planner_statistics() {
    let store = collection();
    read_the_queue(&store);
    let statistics: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name LIKE 'sqlite_stat%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(statistics, 0);
}
