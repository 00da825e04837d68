//! The daily review a newcomer meets (issue 12): siblings, daily limits and
//! the messages at the end, through the line protocol on fresh collections
//! of the bundled decks.

mod common;

use common::{NOW, Scratch, num};

#[test]
fn reviews_held_back_by_the_daily_limit_are_said_to_wait_not_to_be_due_now() {
    let s = Scratch::new();
    s.write(
        "three.deck",
        "# Three\n## a\nq: a?\na: A\n## b\nq: b?\na: B\n## c\nq: c?\na: C\n",
    );
    s.build(&["three.deck"]);
    s.review_at(NOW, "4\n4\n4\nq\n").ok();
    s.run(&["config", "reviews-per-day", "1"]).ok();
    // A month on, all three are due; the limit gives one.
    let later = day(30);
    let session = s.review_at(&later, "4\n4\nq\n").ok();
    assert!(
        session.stdout.contains("Session done: 1 answer on 1 card"),
        "{}",
        session.stdout
    );
    assert!(
        session.stdout.ends_with(
            "Next card due: 2026-04-10 04:00 (in 18h).\nMore reviews are due: they wait for a later day (daily limit).\n"
        ),
        "{}",
        session.stdout
    );
    let status = s.run_at(&later, &["status"], "").ok();
    assert!(
        status.stdout.ends_with(
            "Nothing is due now; reviews over today's limit wait for a later study day (daily limit); next card: 2026-04-10 04:00 (in 18h).\n"
        ),
        "{}",
        status.stdout
    );
}

/// `NOW` moved by whole days (same time of day).
fn day(d: i64) -> String {
    common::shifted(NOW, d * 24 * 60)
}

/// A mix of grades that depends only on the position (Again now and then).
fn grades(n: usize, seed: usize) -> String {
    (0..n)
        .map(|i| match (i * 7 + seed) % 10 {
            0 => "1\n",
            1 => "2\n",
            9 => "4\n",
            _ => "3\n",
        })
        .collect()
}

/// Answers `total` cards over as many study days as it takes, each day's
/// session at 10:00; returns the log as (study day, fact id, card id), in order.
fn answer_over_days(s: &Scratch, total: usize) -> Vec<(i64, i64, i64)> {
    let mut d = 0;
    loop {
        let done = s.count("SELECT count(*) FROM review_log") as usize;
        if done >= total {
            break;
        }
        let left = total - done;
        let limit = left.to_string();
        s.run_at(&day(d), &["review", "--limit", &limit], &grades(left, d as usize))
            .ok();
        d += 1;
        assert!(d < 60, "200 answers take far fewer days");
    }
    let conn = s.db();
    let mut stmt = conn
        .prepare(
            "SELECT (l.reviewed_at_ms - 4 * 3600000) / 86400000, c.fact_id, c.id
             FROM review_log l JOIN cards c ON c.id = l.card_id ORDER BY l.id",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Consecutive answers to two different cards of one fact.
fn consecutive_siblings(log: &[(i64, i64, i64)]) -> Vec<(usize, i64)> {
    log.windows(2)
        .enumerate()
        .filter(|(_, w)| w[0].1 == w[1].1 && w[0].2 != w[1].2)
        .map(|(i, w)| (i, w[0].1))
        .collect()
}

/// (study day, fact) pairs with answers to more than one of the fact's cards.
fn siblings_on_one_day(log: &[(i64, i64, i64)]) -> Vec<(i64, i64)> {
    let mut cards: std::collections::BTreeMap<(i64, i64), std::collections::BTreeSet<i64>> = Default::default();
    for (study_day, fact, card) in log {
        cards.entry((*study_day, *fact)).or_default().insert(*card);
    }
    cards.into_iter().filter(|(_, c)| c.len() > 1).map(|(k, _)| k).collect()
}

#[test]
fn two_hundred_answers_never_put_siblings_together_and_bury_them_for_the_day() {
    let s = Scratch::new();
    // The first command on a fresh collection builds the bundled decks.
    s.run(&["status"]).ok();
    assert!(
        s.count("SELECT count(*) FROM (SELECT fact_id FROM cards GROUP BY fact_id HAVING count(*) > 1)") > 20,
        "the bundled decks have facts with several cards"
    );
    let log = answer_over_days(&s, 200);
    assert!(log.len() >= 200);
    assert!(log.iter().map(|l| l.0).collect::<std::collections::BTreeSet<_>>().len() > 2);
    assert_eq!(consecutive_siblings(&log), [], "siblings back to back");
    assert_eq!(siblings_on_one_day(&log), [], "siblings on one study day with bury on");
}

#[test]
fn with_bury_off_siblings_meet_on_one_day_but_never_back_to_back() {
    let s = Scratch::new();
    s.run(&["status"]).ok();
    for key in ["bury-new", "bury-review", "bury-interday"] {
        s.run(&["config", key, "off"]).ok();
    }
    let log = answer_over_days(&s, 200);
    for (i, _) in consecutive_siblings(&log) {
        eprintln!("{:?}", &log[i.saturating_sub(3)..(i + 4).min(log.len())]);
    }
    assert_eq!(consecutive_siblings(&log), [], "siblings back to back");
    // Without burying, siblings do meet on one day (so the check above is not empty talk).
    assert!(!siblings_on_one_day(&log).is_empty());
}

#[test]
fn a_fresh_collection_serves_exactly_twenty_new_cards_on_day_one() {
    let s = Scratch::new();
    let run = s.review_at(NOW, &"3\n".repeat(300));
    assert!(run.stderr.starts_with("New collection at "), "{}", run.stderr);
    let new_answered = s.count("SELECT count(*) FROM review_log WHERE state_before = 0");
    assert_eq!(new_answered, 20, "{}", run.stdout);
    // 20 new cards and their learning steps (Good, Good: two answers each).
    assert_eq!(run.answered(), 40, "{}", run.stdout);
    assert!(
        run.stdout
            .starts_with("All decks · new 20 · learning 0 · due 0\nDeck: "),
        "{}",
        run.stdout
    );
    let tail: Vec<&str> = run.stdout.lines().rev().take(3).collect();
    assert_eq!(
        tail,
        [
            "307 more new cards wait for a later day (daily limit).",
            "Next card due: 2026-03-11 04:00 (in 18h).",
            "Session done: 40 answers on 20 cards, again 0%, time 0m 00s.",
        ],
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("Nothing is due"), "{}", run.stdout);
    // A second session the same day has no new card left, and status agrees.
    let again = s.review_at(NOW, "3\n");
    assert_eq!(again.answered(), 0, "{}", again.stdout);
    assert!(again.stdout.starts_with("Nothing is due now.\n"), "{}", again.stdout);
    let status = s.status_at(NOW);
    assert_eq!(num(&status, "new_today"), 0, "{status:#}");
}

#[test]
fn a_deck_session_obeys_its_own_and_the_collections_limit() {
    let s = Scratch::new();
    s.run(&["status"]).ok();
    s.run(&["config", "new-per-day", "6"]).ok();
    assert_eq!(num(&s.status_at(NOW), "new_today"), 6);
    // Four new cards in one deck ...
    let one = s
        .run_at(NOW, &["review", "--deck", "people", "--limit", "4"], &"4\n".repeat(4))
        .ok();
    assert!(
        one.stdout.starts_with("People of Lenin's Moscow · new 6 · "),
        "{}",
        one.stdout
    );
    // ... leave two for the whole collection, whichever deck they come from.
    let all = s.review_at(NOW, &"4\n".repeat(20));
    assert_eq!(
        s.count("SELECT count(*) FROM review_log WHERE state_before = 0"),
        6,
        "{}",
        all.stdout
    );
    assert!(all.stdout.starts_with("All decks · new 2 · "), "{}", all.stdout);
}

#[test]
fn quitting_at_once_and_stopping_with_learning_cards_say_what_is_left() {
    let s = Scratch::new();
    s.write("two.deck", "# Two\n## a\nq: a?\na: A\n## b\nq: b?\na: B\n");
    s.build(&["two.deck"]);
    let quit = s.review_at(NOW, "q\n");
    assert_eq!(
        quit.stdout,
        "All decks · new 2 · learning 0 · due 0\nDeck: Two\nQ: a?\nStopped with 2 new and 0 due still waiting today.\n"
    );
    // One Good: a is in learning for its 10 minute step and Anki's extra
    // step delay (drawn with the card's id and reviews as the seed); b still
    // new.
    let one = s.review_at(NOW, "3\nq\n");
    assert!(
        one.stdout.ends_with(
            "Session done: 1 answer on 1 card, again 0%, time 0m 00s.\n\
             Stopped with 1 new and 0 due still waiting today.\n\
             Next learning card: 2026-03-10 10:12 (in 12m).\n"
        ),
        "{}",
        one.stdout
    );
    // Everything learned for today: nothing is due, and when the next card is.
    s.review_at(NOW, &"3\n".repeat(10));
    let none = s.review_at(NOW, "");
    assert_eq!(
        none.stdout,
        "Nothing is due now.\nNext card due: 2026-03-12 04:00 (in 2d).\n"
    );
}

#[test]
fn the_summary_counts_every_learning_card_waiting_not_every_deck() {
    let s = Scratch::new();
    s.write(
        "three.deck",
        "# Three\n## a\nq: a?\na: A\n## b\nq: b?\na: B\n## c\nq: c?\na: C\n",
    );
    s.build(&["three.deck"]);
    // Each card answered Again: three learning cards, due in a minute.
    s.review_at(NOW, "1\n1\n1\nq\n").ok();
    let later = s.review_at(&common::shifted(NOW, 5), "q\n").ok();
    assert!(
        later.stdout.starts_with("All decks · new 0 · learning 3 · due 0\n"),
        "{}",
        later.stdout
    );
    assert!(
        later
            .stdout
            .ends_with("Stopped with 0 new, 0 due and 3 learning still waiting today.\n"),
        "{}",
        later.stdout
    );
}

#[test]
fn undo_brings_back_a_buried_card_and_the_siblings_an_answer_buried() {
    let s = Scratch::new();
    s.write(
        "pair.deck",
        "# Pair\n## x\nq: Capital?\na: Moscow\ncards: basic reverse\n## y\nq: other?\na: O\n",
    );
    s.build(&["pair.deck"]);
    let queue_of = |front: &str| s.count(&format!("SELECT queue FROM cards WHERE front = '{front}'"));
    // `s` buries the first card; `u` brings it back and shows it again.
    let run = s.review_at(NOW, "s\nu\nq\n");
    assert_eq!(run.questions(), ["Capital?", "other?", "Capital?"], "{}", run.stdout);
    assert!(
        run.stdout.contains("undone: the buried card is back\n"),
        "{}",
        run.stdout
    );
    assert_eq!(queue_of("Capital?"), 0);
    // Answering the forward card buries its reverse; undoing the answer brings it back.
    let answered = s.review_at(NOW, "3\nq\n");
    assert_eq!(answered.questions(), ["Capital?", "other?"], "{}", answered.stdout);
    assert_eq!(queue_of("Moscow"), -2, "the reverse is buried");
    // In one session: two answers, two undos (several levels): nothing is
    // logged and the buried sibling is back in the new queue.
    let t = Scratch::new();
    t.write(
        "pair.deck",
        "# Pair\n## x\nq: Capital?\na: Moscow\ncards: basic reverse\n## y\nq: other?\na: O\n",
    );
    t.build(&["pair.deck"]);
    let run = t.review_at(NOW, "3\n3\nu\nu\nq\n");
    assert_eq!(run.lines_starting("undone: ").len(), 2, "{}", run.stdout);
    assert_eq!(t.count("SELECT count(*) FROM review_log"), 0);
    assert_eq!(
        t.count("SELECT count(*) FROM cards WHERE queue = -2"),
        0,
        "siblings unburied"
    );
}

#[test]
fn status_says_when_new_cards_wait_for_the_daily_limit() {
    let s = Scratch::new();
    s.write(
        "three.deck",
        "# Three\n## a\nq: a?\na: A\n## b\nq: b?\na: B\n## c\nq: c?\na: C\n",
    );
    s.build(&["three.deck"]);
    s.run(&["config", "new-per-day", "1"]).ok();
    s.review_at(NOW, "4\nq\n").ok();
    let status = s.run_at(NOW, &["status"], "").ok();
    assert!(
        status.stdout.ends_with(
            "Nothing is due now; 2 new cards wait for a later study day (daily limit); next card: 2026-03-11 04:00 (in 18h).\n"
        ),
        "{}",
        status.stdout
    );
}
