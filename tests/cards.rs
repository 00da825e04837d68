//! The card commands end to end on a temporary collection: `suspend`,
//! `unsuspend`, `bury`, `unbury`, `forget`, `reschedule`, `flag` on ids and
//! on `--search`, each undone by `iskra undo` (several levels, refused when
//! a card changed since); unknown ids changing nothing; `forget` keeping
//! the history; `reschedule` logged as a manual entry that `optimize` and
//! the statistics leave out; leeches at the 8th lapse; `iskra card`.

mod common;

use common::{NOW, Scratch, dump, shifted};
use serde_json::Value;

const DECK: &str = "# Kronstadt 1921

## year
q: In which year did the Kronstadt sailors revolt?
a: 1921
tags: revolt

## leader
q: Who led the Petrograd Soviet against the sailors?
a: Zinoviev

## demands
q: What did the sailors demand first?
a: Soviets without Bolsheviks

## fortress
q: On which island is Kronstadt?
a: Kotlin

## assault
q: Who ordered the assault over the ice?
a: Trotsky
cards: basic reverse
";

/// The id of DECK's card `n` as every collection gives it (derived from
/// its deck's key, fact id and template), in file order: 1 year, 2 leader,
/// 3 demands, 4 fortress, 5 assault, 6 assault's reverse.
fn card(n: usize) -> i64 {
    let (fact, template) = [
        ("year", "basic"),
        ("leader", "basic"),
        ("demands", "basic"),
        ("fortress", "basic"),
        ("assault", "basic"),
        ("assault", "reverse"),
    ][n - 1];
    iskra::ids::card_id("kronstadt", fact, template, 0)
}

/// [`card`] as an argument.
fn id(n: usize) -> String {
    card(n).to_string()
}

/// Ten days before [`NOW`].
const START: &str = "2026-02-28T10:00:00Z";

/// Six cards, all answered on [`START`] (Good through both learning
/// steps): review cards, some due by [`NOW`].
fn reviewed() -> Scratch {
    let s = Scratch::new();
    s.write("kronstadt.deck", DECK);
    s.run_at(START, &["build", "kronstadt.deck"], "").ok();
    // Siblings are not buried, so the reverse card is learned too.
    s.run_at(START, &["config", "bury-new", "off"], "").ok();
    s.run_at(START, &["review"], &"3\n".repeat(6)).ok();
    s.run_at(&shifted(START, 30), &["review"], &"3\n".repeat(6)).ok();
    assert_eq!(s.count("SELECT count(*) FROM cards WHERE state = 2"), 6);
    // A first command at NOW brings back the cards buried on START.
    s.run(&["status"]).ok();
    s
}

/// The cards and the review log, row by row.
fn cards_and_log(s: &Scratch) -> String {
    let conn = s.db();
    let mut out = String::new();
    for table in ["cards", "review_log"] {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY id")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let values: Vec<String> = (0..columns)
                .map(|i| format!("{:?}", row.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect();
            out.push_str(&values.join("|"));
            out.push('\n');
        }
    }
    out
}

fn card_field(s: &Scratch, id: i64, column: &str) -> Option<i64> {
    s.db()
        .query_row(&format!("SELECT {column} FROM cards WHERE id = ?1"), [id], |r| r.get(0))
        .unwrap()
}

fn card_json(s: &Scratch, id: i64) -> Value {
    serde_json::from_str(&s.run(&["card", &id.to_string(), "--json"]).ok().stdout).unwrap()
}

#[test]
fn each_command_says_what_it_changed_and_undo_puts_it_back() {
    let s = reviewed();
    // (setup, command, what it prints, what must hold after it)
    type Check = fn(&Scratch) -> bool;
    let owned = |args: &[&str]| -> Vec<String> { args.iter().map(|a| a.to_string()).collect() };
    let cases: Vec<(Vec<String>, Vec<String>, String, Check)> = vec![
        (
            vec![],
            owned(&["suspend", &id(1), &id(2)]),
            format!("suspended 2 cards: {}, {}\n", id(1), id(2)),
            |s| s.count("SELECT count(*) FROM cards WHERE queue = -1") == 2,
        ),
        (
            owned(&["suspend", &id(3)]),
            owned(&["unsuspend", &id(3), &id(4)]),
            format!("unsuspended 1 card: {}\n1 card not suspended: {}\n", id(3), id(4)),
            |s| card_field(s, card(3), "queue") == Some(2),
        ),
        (
            vec![],
            owned(&["bury", &id(5)]),
            format!("buried 1 card until the next study day: {}\n", id(5)),
            |s| card_field(s, card(5), "queue") == Some(-2) && card_field(s, card(5), "buried_day").is_some(),
        ),
        (
            owned(&["bury", &id(6)]),
            owned(&["unbury", &id(6)]),
            format!("unburied 1 card: {}\n", id(6)),
            |s| card_field(s, card(6), "queue") == Some(2) && card_field(s, card(6), "buried_day").is_none(),
        ),
        (
            vec![],
            owned(&["forget", &id(1)]),
            format!("reset 1 card to new (history kept): {}\n", id(1)),
            |s| card_field(s, card(1), "state") == Some(0) && card_field(s, card(1), "reps") == Some(2),
        ),
        (
            vec![],
            owned(&["forget", "--reset-counts", &id(2)]),
            format!("reset 1 card to new (history kept): {}\n", id(2)),
            |s| card_field(s, card(2), "state") == Some(0) && card_field(s, card(2), "reps") == Some(0),
        ),
        (
            vec![],
            owned(&["reschedule", "--days", "5", &id(3)]),
            format!(
                "rescheduled 1 card: {}\n  {}: due 2026-03-15 · interval 15d\n",
                id(3),
                id(3)
            ),
            |s| card_field(s, card(3), "due") == Some(20_527) && card_field(s, card(3), "interval") == Some(15),
        ),
        (
            vec![],
            owned(&["flag", "3", "--search", "tag:revolt"]),
            format!("flagged 1 card green: {}\n", id(1)),
            |s| card_field(s, card(1), "flag") == Some(3),
        ),
        (
            owned(&["flag", "5", &id(4)]),
            owned(&["flag", "0", &id(4), &id(5)]),
            format!(
                "unflagged 1 card: {}\n1 card already without a flag: {}\n",
                id(4),
                id(5)
            ),
            |s| card_field(s, card(4), "flag") == Some(0),
        ),
    ];
    for (setup, command, says, holds) in cases {
        let (setup, command): (Vec<&str>, Vec<&str>) = (
            setup.iter().map(String::as_str).collect(),
            command.iter().map(String::as_str).collect(),
        );
        if !setup.is_empty() {
            s.run(&setup).ok();
        }
        let before = cards_and_log(&s);
        let run = s.run(&command).ok();
        assert_eq!(run.stdout, says, "{command:?}");
        assert!(holds(&s), "{command:?}:\n{}", cards_and_log(&s));
        assert_ne!(cards_and_log(&s), before, "{command:?} changed nothing");
        let undo = s.run(&["undo"]).ok();
        assert!(
            undo.stdout.starts_with(&format!("undid `{}", command[0])),
            "{}",
            undo.stdout
        );
        assert_eq!(cards_and_log(&s), before, "undo of {command:?}");
        if !setup.is_empty() {
            s.run(&["undo"]).ok();
        }
    }
    // Every step was undone: nothing is left to undo.
    let run = s.run(&["undo"]).fails();
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("nothing to undo"), "{}", run.stderr);
}

#[test]
fn unknown_or_retired_cards_are_refused_and_nothing_changes() {
    let s = reviewed();
    let before = dump(&s.db());
    let run = s.run(&["suspend", &id(1), "99", &id(2), "100"]).fails();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("99, 100") && run.stderr.contains("nothing was changed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
    assert_eq!(dump(&s.db()), before);

    // The fact `fortress` leaves its file: its card is retired.
    s.write(
        "kronstadt.deck",
        DECK.replace("## fortress\nq: On which island is Kronstadt?\na: Kotlin\n", ""),
    );
    s.run(&["build", "kronstadt.deck"]).ok();
    let before = dump(&s.db());
    let run = s.run(&["unsuspend", &id(4)]).fails();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("retired") && run.stderr.contains(&format!(": {}", id(4))),
        "{}",
        run.stderr
    );
    assert_eq!(dump(&s.db()), before);
    // A search never finds it.
    let run = s.run(&["flag", "2", "--search", "kotlin"]).ok();
    assert_eq!(run.stdout, "No card matches \"kotlin\"; nothing changed.\n");
    assert_eq!(dump(&s.db()), before);

    for (args, why) in [
        (&["suspend"][..], "needs the cards"),
        (&["suspend", &id(1), "--search", "x"][..], "cannot be used with"),
        (&["flag", "8", &id(1)][..], "8 is not in 0..=7"),
        (&["reschedule", "--days", "5-2", &id(1)][..], "--days"),
        (&["suspend", "one"][..], "invalid value"),
    ] {
        let run = s.run(args).fails();
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(why), "{args:?}: {}", run.stderr);
    }
    assert_eq!(dump(&s.db()), before);
}

/// A field iskra does not support was searched as text, matching nothing:
/// negated, it matched every card, so `suspend --search 'deck:kronstadt
/// -card:2'` suspended the whole deck. Now it is refused before anything
/// changes, and `card:2` is the reverse card.
#[test]
fn a_search_naming_a_field_iskra_does_not_support_changes_nothing() {
    let s = reviewed();
    let before = dump(&s.db());
    for args in [
        &["suspend", "--search", "deck:kronstadt -note:Basic"][..],
        &["forget", "--search", "deck:kronstadt -w:kotlin"],
        &["reschedule", "--days", "3", "--search", "-nc:zinoviev"],
        &["flag", "1", "--search", "\"introduced:2\" or is:new"],
        &["bury", "--search", "-\"preset:Default\""],
    ] {
        let run = s.run(args).fails();
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("iskra does not support the field"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        assert_eq!(dump(&s.db()), before, "{args:?} changed the collection");
    }
    // card:2 is a q/a fact's reverse: every other card is suspended, and
    // the whole-quoted deck is the deck.
    let run = s.run(&["suspend", "--search", "\"deck:Kronstadt 1921\" -card:2"]).ok();
    assert!(run.stdout.starts_with("suspended 5 cards"), "{}", run.stdout);
    // Queue -1: suspended.
    let suspended: Vec<bool> = (1..=6).map(|n| card_field(&s, card(n), "queue") == Some(-1)).collect();
    assert_eq!(suspended, [true, true, true, true, true, false]);
}

#[test]
fn undo_goes_back_several_steps_and_refuses_when_a_card_changed_since() {
    let s = reviewed();
    let start = cards_and_log(&s);
    s.run(&["suspend", &id(1)]).ok();
    let after_suspend = cards_and_log(&s);
    s.run(&["flag", "2", &id(2), &id(3)]).ok();
    let after_flag = cards_and_log(&s);
    s.run(&["forget", &id(4)]).ok();
    assert_eq!(
        s.run(&["undo"]).ok().stdout,
        format!("undid `forget` of 1 card: {}\n", id(4))
    );
    assert_eq!(cards_and_log(&s), after_flag);
    assert_eq!(
        s.run(&["undo"]).ok().stdout,
        format!("undid `flag 2` of 2 cards: {}, {}\n", id(2), id(3))
    );
    assert_eq!(cards_and_log(&s), after_suspend);
    assert_eq!(
        s.run(&["undo"]).ok().stdout,
        format!("undid `suspend` of 1 card: {}\n", id(1))
    );
    assert_eq!(cards_and_log(&s), start);

    // Card 5 is flagged, then answered in a review: the flag cannot be undone.
    s.run(&["flag", "1", &id(5), &id(6)]).ok();
    let due: Vec<i64> = {
        let conn = s.db();
        let mut stmt = conn
            .prepare("SELECT id FROM cards WHERE due <= 20522 ORDER BY due, id")
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert!(
        due.contains(&card(5)) || due.contains(&card(6)),
        "cards due by today: {due:?}"
    );
    s.run_at(NOW, &["review"], &"3\n".repeat(6)).ok();
    let answered = cards_and_log(&s);
    let run = s.run(&["undo"]).fails();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("cannot undo `flag 1` (2 cards)"), "{}", run.stderr);
    assert!(run.stderr.contains("answered since"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was changed"), "{}", run.stderr);
    assert_eq!(cards_and_log(&s), answered);
    // A newer change is undone first; the old one is still refused.
    s.run(&["suspend", &id(1)]).ok();
    s.run(&["undo"]).ok();
    assert_eq!(cards_and_log(&s), answered);
    assert_eq!(s.run(&["undo"]).fails().code, 1);
}

#[test]
fn forget_makes_cards_new_and_keeps_their_history() {
    let s = reviewed();
    let log_before: i64 = s.count("SELECT count(*) FROM review_log");
    let rows_of_1 = s.count(&format!("SELECT count(*) FROM review_log WHERE card_id = {}", id(1)));
    s.run(&["suspend", &id(1)]).ok();
    s.run(&["forget", &id(1)]).ok();
    let info = card_json(&s, card(1));
    assert_eq!(
        (info["state"].as_str(), info["queue"].as_str(), info["reps"].as_i64()),
        (Some("new"), Some("new"), Some(2)),
        "new again, back in the queue as Anki's reset, counts kept: {info:#}"
    );
    assert!(info["stability"].is_null() && info["due"].is_null(), "{info:#}");
    let history = info["history"].as_array().unwrap();
    assert_eq!(
        history.len() as i64,
        rows_of_1 + 1,
        "the answers kept and the reset logged: {info:#}"
    );
    assert_eq!(history.last().unwrap()["kind"], "reset");
    assert_eq!(history.last().unwrap()["rating"], 0);
    assert_eq!(s.count("SELECT count(*) FROM review_log"), log_before + 1);
    assert_eq!(
        s.count(&format!(
            "SELECT count(*) FROM review_log WHERE card_id = {} AND rating = 0 AND kind = 4 AND state_after = 0",
            id(1)
        )),
        1
    );
    s.run(&["forget", "--reset-counts", &id(2)]).ok();
    let info = card_json(&s, card(2));
    assert_eq!((info["reps"].as_i64(), info["lapses"].as_i64()), (Some(0), Some(0)));
    assert_eq!(
        info["history"].as_array().unwrap().len(),
        3,
        "two answers and the reset"
    );
    let text = s.run(&["card", &id(2)]).ok().stdout;
    assert!(text.contains("History (3 entries, oldest first)"), "{text}");
    assert!(text.contains("  -       reset "), "{text}");

    // Both are asked again as new cards (spread among the reviews due).
    let run = s
        .run_at(NOW, &["review", "--deck", "kronstadt"], &"3\n".repeat(20))
        .ok();
    assert!(run.stdout.contains("· new 2 ·"), "{}", run.stdout);
    let asked = |question: &str| run.stdout.contains(&format!("Q: {question}"));
    assert!(
        asked("In which year did the Kronstadt sailors revolt?")
            && asked("Who led the Petrograd Soviet against the sailors?"),
        "{}",
        run.stdout
    );
}

/// The settings, row by row (the next new card's position among them).
fn settings(s: &Scratch) -> String {
    let conn = s.db();
    let mut stmt = conn.prepare("SELECT * FROM settings ORDER BY rowid").unwrap();
    let columns = stmt.column_count();
    let mut rows = stmt.query([]).unwrap();
    let mut out = String::new();
    while let Some(row) = rows.next().unwrap() {
        for i in 0..columns {
            out.push_str(&format!("{:?}|", row.get::<_, rusqlite::types::Value>(i).unwrap()));
        }
        out.push('\n');
    }
    out
}

#[test]
fn forget_of_a_card_never_studied_keeps_its_place_and_logs_nothing() {
    let s = Scratch::new();
    s.write("kronstadt.deck", DECK);
    s.build(&["kronstadt.deck"]);
    s.run(&["bury", &id(2)]).ok();
    s.run(&["suspend", &id(3)]).ok();
    let (before, settings_before) = (cards_and_log(&s), settings(&s));
    let due = |n: usize| card_field(&s, card(n), "due");
    let (due_2, due_3) = (due(2), due(3));
    assert!(due_2.is_some() && due_3.is_some());

    // Buried, suspended and in the queue: all three are new already; the
    // first two come back to the new queue where they were.
    let run = s.run(&["forget", &id(2), &id(1), &id(3)]).ok();
    assert_eq!(
        run.stdout,
        format!(
            "2 cards already new (never studied), back in the new queue at their places: {}, {}\n1 card already new: {}\n",
            id(2),
            id(3),
            id(1)
        )
    );
    for n in [2, 3] {
        assert_eq!(card_field(&s, card(n), "queue"), Some(0), "card {n}");
        assert_eq!(card_field(&s, card(n), "buried_day"), None, "card {n}");
    }
    assert_eq!((due(2), due(3)), (due_2, due_3), "their places kept");
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 0, "no reset logged");
    assert_eq!(settings(&s), settings_before, "no place at the end taken");
    let info = card_json(&s, card(2));
    assert_eq!(info["history"].as_array().map(Vec::len), Some(0), "{info:#}");

    // Undo puts them back exactly: buried (for the same day) and suspended.
    let run = s.run(&["undo"]).ok();
    assert_eq!(run.stdout, format!("undid `forget` of 2 cards: {}, {}\n", id(2), id(3)));
    assert_eq!(cards_and_log(&s), before);
    assert_eq!(settings(&s), settings_before);

    // With --reset-counts too: there are no counts to reset.
    let run = s.run(&["forget", "--reset-counts", &id(3)]).ok();
    assert_eq!(
        run.stdout,
        format!(
            "1 card already new (never studied), back in the new queue at its place: {}\n",
            id(3)
        )
    );
    assert_eq!(due(3), due_3);
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 0);
}

#[test]
fn reschedule_is_a_manual_entry_left_out_of_optimize_and_statistics() {
    let s = Scratch::new();
    s.write("kronstadt.deck", DECK);
    // Answered on days 0, 1 and 4: training reviews for optimize.
    s.run_at(START, &["build", "kronstadt.deck"], "").ok();
    for minutes in [0, 30, 24 * 60, 4 * 24 * 60] {
        s.run_at(&shifted(START, minutes), &["review"], &"3\n".repeat(6)).ok();
    }
    let optimize = || s.run(&["optimize"]).ok().stdout;
    let today = || -> Value {
        let stats: Value = serde_json::from_str(
            &s.run(&["export", "stats", "--format", "json", "--days", "1"])
                .ok()
                .stdout,
        )
        .unwrap();
        stats["days"][0].clone()
    };
    let (optimized, stats_today) = (optimize(), today());
    assert!(optimized.contains(" reviews of "), "{optimized}");
    let log = s.count("SELECT count(*) FROM review_log");
    let last_review_day = card_field(&s, card(1), "last_review_day").unwrap();

    let run = s.run(&["reschedule", "--days", "4", &id(1), &id(2)]).ok();
    let interval = 20_522 + 4 - last_review_day;
    assert!(
        run.stdout.starts_with(&format!(
            "rescheduled 2 cards: {}, {}\n  {}: due 2026-03-14 · interval {interval}d\n",
            id(1),
            id(2),
            id(1)
        )),
        "{}",
        run.stdout
    );
    assert_eq!(s.count("SELECT count(*) FROM review_log"), log + 2);
    assert_eq!(
        s.count(
            "SELECT count(*) FROM review_log WHERE rating = 0 AND kind = 4 AND state_after = 2 AND due_after = 20526"
        ),
        2
    );
    assert_eq!(
        card_field(&s, card(1), "last_review_day"),
        Some(last_review_day),
        "no review"
    );
    let entries: Value = serde_json::from_str(&s.run(&["export", "log", "--format", "json"]).ok().stdout).unwrap();
    let manual: Vec<&Value> = entries["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == 4)
        .collect();
    assert_eq!(manual.len(), 2);
    assert!(
        manual.iter().all(|e| e["rating"] == 0 && e["interval"] == interval),
        "{manual:?}"
    );

    assert_eq!(optimize(), optimized, "optimize leaves manual entries out");
    assert_eq!(today(), stats_today, "so do the statistics");
    assert_eq!(
        card_json(&s, card(1))["history"].as_array().unwrap().last().unwrap()["kind"],
        "set due"
    );

    // A range: each card on a day of it; `!` sets the interval to the days.
    s.run(&["reschedule", "--days", "2-6!", "--search", "deck:kronstadt"])
        .ok();
    let conn = s.db();
    let mut stmt = conn.prepare("SELECT due, interval FROM cards ORDER BY id").unwrap();
    let rows: Vec<(i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        rows.iter()
            .all(|&(due, interval)| (20_524..=20_528).contains(&due) && due - 20_522 == interval),
        "{rows:?}"
    );
}

#[test]
fn reschedule_leaves_new_cards_alone() {
    let s = Scratch::new();
    s.write("kronstadt.deck", DECK);
    s.build(&["kronstadt.deck"]);
    let before = dump(&s.db());
    let run = s.run(&["reschedule", "--days", "3", &id(1)]).ok();
    assert_eq!(
        run.stdout,
        format!(
            "left 1 card alone: new, with no memory state to schedule from (study them first): {}\nNothing changed.\n",
            id(1)
        )
    );
    assert_eq!(dump(&s.db()), before);
}

/// The id of `one.deck`'s card.
fn hard() -> i64 {
    iskra::ids::card_id("one", "hard", "basic", 0)
}

/// One card, no learning or relearning steps: each lapse is one Again.
fn one_card_lapsing() -> Scratch {
    let s = Scratch::new();
    s.write("one.deck", "# One\n\n## hard\nq: A hard question?\na: Yes\n");
    s.run_at(START, &["build", "one.deck"], "").ok();
    s.run_at(START, &["config", "learn-steps", ""], "").ok();
    s.run_at(START, &["config", "relearn-steps", ""], "").ok();
    s.run_at(START, &["review"], "3\n").ok();
    s
}

/// Answers Again on each of the next days the card is due, until it has
/// `lapses` lapses; returns the output of the session of the last.
fn lapse_until(s: &Scratch, lapses: i64) -> String {
    for day in 1..60 {
        let now = shifted(START, day * 24 * 60);
        let run = s.run_at(&now, &["review"], "1\n").ok();
        let after = card_field(s, hard(), "lapses").unwrap();
        if after == lapses {
            return run.stdout;
        }
        assert!(
            !run.stdout.contains("leech"),
            "day {day}, {after} lapses: {}",
            run.stdout
        );
    }
    panic!("the card never reached {lapses} lapses");
}

#[test]
fn a_card_becomes_a_leech_at_the_8th_lapse() {
    let s = one_card_lapsing();
    let before = lapse_until(&s, 7);
    assert!(!before.contains("leech"), "{before}");
    assert_eq!(card_field(&s, hard(), "leech"), Some(0));
    let shown = lapse_until(&s, 8);
    assert!(shown.contains("answered: Again"), "{shown}");
    assert!(
        shown.contains("leech: 8 lapses; the card is marked (is:leech)"),
        "{shown}"
    );
    assert_eq!(card_field(&s, hard(), "leech"), Some(1));
    assert_eq!(
        card_field(&s, hard(), "queue"),
        Some(2),
        "leech-action tag only suspends nothing"
    );
    let found: Value = serde_json::from_str(&s.run(&["search", "--json", "tag:leech"]).ok().stdout).unwrap();
    assert_eq!(found["cards"][0]["id"], hard());
    assert_eq!(card_json(&s, hard())["leech"], true);
}

#[test]
fn with_leech_action_suspend_the_leech_is_suspended() {
    let s = one_card_lapsing();
    s.run_at(START, &["config", "leech-action", "suspend"], "").ok();
    lapse_until(&s, 7);
    assert_eq!(card_field(&s, hard(), "queue"), Some(2));
    let shown = lapse_until(&s, 8);
    assert!(shown.contains("leech: 8 lapses; the card is suspended"), "{shown}");
    assert_eq!(
        (card_field(&s, hard(), "leech"), card_field(&s, hard(), "queue")),
        (Some(1), Some(-1))
    );
    let found: Value =
        serde_json::from_str(&s.run(&["search", "--json", "is:leech is:suspended"]).ok().stdout).unwrap();
    assert_eq!(found["cards"].as_array().unwrap().len(), 1);
}

#[test]
fn card_info_tells_where_the_card_is_written_and_its_history() {
    let s = reviewed();
    let path = std::fs::canonicalize(s.path("kronstadt.deck")).unwrap();
    let run = s.run(&["card", &id(3)]).ok();
    let text = &run.stdout;
    assert!(text.starts_with(&format!("Card {} · basic\n", id(3))), "{text}");
    assert!(text.contains("deck      Kronstadt 1921 (kronstadt)\n"), "{text}");
    assert!(text.contains("fact      demands (qa)\n"), "{text}");
    // `## demands` is on line 12 of the file.
    assert!(text.contains(&format!("source    {}:12\n", path.display())), "{text}");
    assert!(
        text.contains("question  What did the sailors demand first?\n"),
        "{text}"
    );
    assert!(text.contains("state     review · due 2026-03"), "{text}");
    assert!(text.contains("memory    stability "), "{text}");
    assert!(text.contains("reviews   2 · lapses 0\n"), "{text}");
    assert!(
        text.contains("flag      none\nleech     no\nadded     2026-02-28 10:00\n"),
        "{text}"
    );
    assert!(text.contains("History (2 entries, oldest first)"), "{text}");
    assert!(text.contains("2026-02-28 10:00  Good    learn "), "{text}");

    let json = card_json(&s, card(3));
    assert_eq!(json["source"]["line"], 12);
    assert_eq!(json["source"]["path"], path.display().to_string());
    assert_eq!(json["history"].as_array().unwrap().len(), 2);
    assert_eq!(json["history"][1]["rating_name"], "Good");
    assert_eq!(json["added"], "2026-02-28T10:00:00Z");

    // The file gone: the path, no line.
    std::fs::remove_file(s.path("kronstadt.deck")).unwrap();
    assert!(s.run(&["card", &id(3)]).ok().stdout.contains("(the file is gone)"));
    assert_eq!(card_json(&s, card(3))["source"]["missing"], true);

    let run = s.run(&["card", "77"]).fails();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no card 77") && run.stderr.contains("hint:"),
        "{}",
        run.stderr
    );

    // A bundled deck has no file.
    let bundled = Scratch::new();
    bundled.run(&["status"]).ok();
    let lenin = iskra::ids::card_id("people", "lenin-trotsky-hard-work", "basic", 0);
    assert!(
        bundled
            .run(&["card", &lenin.to_string()])
            .ok()
            .stdout
            .contains("source    bundled (compiled into iskra)")
    );
}

#[test]
fn manual_entries_reach_the_package_as_ease_0_and_a_reschedule_wins_over_an_older_import() {
    let s = reviewed();
    let package = s.path("kronstadt.apkg");
    let export = |out: &std::path::Path| {
        s.run(&[
            "export",
            "deck",
            "kronstadt",
            "--format",
            "apkg",
            "--with-history",
            "--out",
            &out.display().to_string(),
        ])
        .ok();
    };
    // Exported before any manual entry: answers only.
    export(&package);
    s.run(&["reschedule", "--days", "9", &id(1)]).ok();
    s.run(&["forget", &id(2)]).ok();
    assert!(
        s.run(&["check"])
            .ok()
            .stdout
            .contains("ok       review-log values are valid")
    );

    // Exported after: the two manual entries are Anki's manual rows, ease 0.
    let after = s.path("after.apkg");
    export(&after);
    let read = iskra::interop::anki::package::read(&after).unwrap().collection;
    let manual: Vec<_> = read.revlog.iter().filter(|r| r.ease == 0).collect();
    assert_eq!(manual.len(), 2, "{:?}", read.revlog);
    assert!(manual.iter().all(|r| r.kind == 4 && r.time_ms == 0), "{manual:?}");
    assert_eq!(manual.iter().map(|r| r.interval).max(), Some(20_522 + 9 - 20_512));
    let answers = read.revlog.iter().filter(|r| (1..=4).contains(&r.ease)).count() as i64;
    // The card's last review is its last answer, not the reschedule.
    let card = read.cards.iter().find(|c| c.id == 1_650_000_000_000 + card(1)).unwrap();
    let data: Value = serde_json::from_str(&card.data).unwrap();
    let answered = chrono::DateTime::parse_from_rfc3339(&shifted(START, 0))
        .unwrap()
        .timestamp();
    let last_answer_secs = s.count(&format!(
        "SELECT max(reviewed_at_ms) / 1000 FROM review_log WHERE card_id = {} AND rating > 0",
        id(1)
    ));
    assert!(last_answer_secs >= answered);
    assert_eq!(data["lrt"], last_answer_secs, "{data}");
    assert_eq!(answers, s.count("SELECT count(*) FROM review_log WHERE rating > 0"));

    // Into another collection, then rescheduled there and imported again:
    // a card changed there since the package keeps its schedule, as a card
    // answered there since does.
    let other = Scratch::new();
    other.run(&["import", &package.display().to_string()]).ok();
    let ids = |s: &Scratch| -> Vec<i64> {
        let conn = s.db();
        let mut stmt = conn
            .prepare("SELECT id FROM cards WHERE state = 2 ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    let first = ids(&other)[0];
    other.run(&["reschedule", "--days", "9", &first.to_string()]).ok();
    let due = card_field(&other, first, "due");
    let again = other.run(&["import", &package.display().to_string()]).ok();
    assert_eq!(card_field(&other, first, "due"), due, "{}", again.stdout);
    assert!(again.stdout.contains("0 added"), "{}", again.stdout);

    // The newer package into a new collection: Anki's manual rows are left
    // out (iskra imports answers), the schedules come with the cards.
    let third = Scratch::new();
    third.run(&["import", &after.display().to_string()]).ok();
    assert_eq!(third.count("SELECT count(*) FROM review_log WHERE rating = 0"), 0);
    assert_eq!(third.count("SELECT count(*) FROM review_log"), answers);
    assert_eq!(
        third.count("SELECT count(*) FROM cards WHERE state = 0"),
        1,
        "the forgotten card"
    );
}
