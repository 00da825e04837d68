//! Migrations: every collection fixture in `tests/fixtures/` (one per
//! released schema version, written by that version's iskra) is copied and
//! opened with the current iskra, which backs it up and migrates it; its
//! contents must survive, the backup must hold the old version, and the
//! collection must work as any other. See `tests/fixtures/README.md`.

mod common;

use std::path::{Path, PathBuf};

use common::{Scratch, dump, open_read_only};
use iskra::text::fold;

/// What each fixture holds (from `tests/fixtures/README.md`).
struct Fixture {
    file: &'static str,
    schema: i64,
    decks: i64,
    facts: i64,
    cards: i64,
    /// Every review-log rating, in log order, all in deck `log_deck` but
    /// the last `log_elsewhere`.
    ratings: &'static [i64],
    log_deck: &'static str,
    log_elsewhere: i64,
}

const FIXTURES: &[Fixture] = &[
    Fixture {
        file: "collection-v1.sqlite3",
        schema: 1,
        decks: 5,
        facts: 222,
        cards: 289,
        ratings: &[3, 1, 3, 4, 3, 3],
        log_deck: "people",
        log_elsewhere: 0,
    },
    Fixture {
        file: "collection-v2.sqlite3",
        schema: 2,
        decks: 6,
        facts: 259,
        cards: 337,
        ratings: &[3, 1, 3, 4, 3, 3],
        log_deck: "people",
        log_elsewhere: 0,
    },
    Fixture {
        file: "collection-v3.sqlite3",
        schema: 3,
        decks: 7,
        facts: 258,
        cards: 335,
        ratings: &[3, 3, 1, 3, 1, 3, 4, 3, 3, 0],
        log_deck: "people",
        log_elsewhere: 3,
    },
    Fixture {
        file: "collection-v4.sqlite3",
        schema: 4,
        decks: 5,
        facts: 253,
        cards: 329,
        ratings: &[4, 4, 4, 3, 1, 3, 3, 3, 3, 3],
        log_deck: "people",
        log_elsewhere: 0,
    },
    Fixture {
        file: "collection-v5.sqlite3",
        schema: 5,
        decks: 5,
        facts: 253,
        cards: 329,
        ratings: &[4, 4, 4, 3, 1, 3, 3, 3, 3, 3],
        log_deck: "people",
        log_elsewhere: 0,
    },
    Fixture {
        file: "collection-v6.sqlite3",
        schema: 6,
        decks: 5,
        facts: 253,
        cards: 329,
        ratings: &[4, 4, 4, 3, 1, 3, 3, 3, 3, 3],
        log_deck: "people",
        log_elsewhere: 0,
    },
    Fixture {
        file: "collection-v7.sqlite3",
        schema: 7,
        decks: 5,
        facts: 253,
        cards: 329,
        ratings: &[4, 4, 4, 3, 1, 3, 3, 3, 3, 3],
        log_deck: "people",
        log_elsewhere: 0,
    },
    Fixture {
        file: "collection-v8.sqlite3",
        schema: 8,
        decks: 5,
        facts: 253,
        cards: 329,
        ratings: &[4, 4, 4, 3, 1, 3, 3, 3, 3, 3],
        log_deck: "people",
        log_elsewhere: 0,
    },
];

/// A time after every fixture was written.
const LATER: &str = "2026-03-12T10:00:00Z";

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The schema version this iskra writes: that of a collection it creates.
fn current_schema() -> i64 {
    let s = Scratch::new();
    s.run(&["config"]).ok();
    schema_of(&s.db)
}

fn schema_of(path: &Path) -> i64 {
    open_read_only(path)
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

/// A scratch collection holding a copy of the fixture (never opened in
/// place: even a read-only open would leave `-shm` files in the repository).
fn copy_of(fixture: &Fixture) -> Scratch {
    let s = Scratch::new();
    std::fs::copy(fixtures_dir().join(fixture.file), &s.db).unwrap();
    s
}

#[test]
fn every_fixture_is_described_and_every_older_schema_has_one() {
    let mut files: Vec<String> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("collection-v") && name.ends_with(".sqlite3"))
        .collect();
    files.sort();
    let described: Vec<&str> = FIXTURES.iter().map(|f| f.file).collect();
    assert_eq!(
        files, described,
        "describe each fixture in FIXTURES (and tests/fixtures/README.md)"
    );
    for fixture in FIXTURES {
        assert_eq!(schema_of(&copy_of(fixture).db), fixture.schema, "{}", fixture.file);
    }
    // A schema older than the current one was released: its fixture must be kept.
    for schema in 1..current_schema() {
        assert!(
            FIXTURES.iter().any(|f| f.schema == schema),
            "no fixture for schema version {schema}: add tests/fixtures/collection-v{schema}.sqlite3"
        );
    }
}

#[test]
fn each_fixture_migrates_with_its_contents_and_a_backup_of_the_old_version() {
    let current = current_schema();
    for fixture in FIXTURES {
        let s = copy_of(fixture);
        let original = dump(&open_read_only(&copy_of(fixture).db));

        // `check` looks without migrating.
        let check = s.run_at(LATER, &["check"], "").ok();
        assert!(
            check.stdout.contains(&format!(
                "it is an iskra collection (schema version {})",
                fixture.schema
            )),
            "{}",
            check.stdout
        );
        assert_eq!(schema_of(&s.db), fixture.schema);

        let status = s.run_at(LATER, &["status", "--json"], "").ok();
        let status: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
        let decks = status["decks"].as_array().unwrap();
        assert_eq!(decks.len() as i64, fixture.decks, "{}", fixture.file);
        let total: i64 = decks.iter().map(|d| d["total"].as_i64().unwrap()).sum();
        assert_eq!(total, fixture.cards);
        assert_eq!(schema_of(&s.db), current, "{} was migrated", fixture.file);

        assert_eq!(s.count("SELECT count(*) FROM decks"), fixture.decks);
        assert_eq!(s.count("SELECT count(*) FROM facts"), fixture.facts);
        assert_eq!(s.count("SELECT count(*) FROM cards"), fixture.cards);
        let conn = s.db();
        let ratings: Vec<i64> = conn
            .prepare("SELECT rating FROM review_log ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(ratings, fixture.ratings, "{}", fixture.file);
        let elsewhere = s.count(&format!(
            "SELECT count(*) FROM review_log l JOIN cards c ON c.id = l.card_id JOIN decks d ON d.id = c.deck_id
             WHERE d.key != '{}'",
            fixture.log_deck
        ));
        assert_eq!(elsewhere, fixture.log_elsewhere);
        // Card states agree with their history (a forgotten card keeps its count).
        assert_eq!(
            s.count(
                "SELECT count(*) FROM cards c WHERE reps != (SELECT count(*) FROM review_log WHERE card_id = c.id AND rating > 0)"
            ),
            0
        );
        assert_eq!(
            s.count(
                "SELECT count(*) FROM cards WHERE (reps = 0) != (state = 0 AND queue IN (0, -1, -2))
                 AND id NOT IN (SELECT card_id FROM review_log WHERE rating = 0)"
            ),
            0
        );
        s.run_at(LATER, &["check"], "").ok();
        if fixture.schema < 3 {
            schema_3_is_filled_in(&s, fixture);
        }
        schema_4_is_filled_in(&s, &copy_of(fixture), fixture);
        due_per_day_is_counted(&s, fixture);
        anki_identity_is_empty(&s);
        new_cards_are_counted(&s, fixture);
        trigrams_are_indexed(&s, fixture);
        the_queue_index_holds_id_and_fact(&s, fixture);

        // The backup made before migrating is the old version, unchanged.
        let backups: Vec<PathBuf> = std::fs::read_dir(s.path("backups"))
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        let migration: Vec<&PathBuf> = backups
            .iter()
            .filter(|p| {
                p.to_string_lossy()
                    .ends_with(&format!("-schema-v{}.sqlite3", fixture.schema))
            })
            .collect();
        if fixture.schema < current {
            assert_eq!(migration.len(), 1, "{backups:?}");
            assert_eq!(schema_of(migration[0]), fixture.schema);
            assert_eq!(
                dump(&open_read_only(migration[0])),
                original,
                "the backup is the collection as it was"
            );
        } else {
            assert!(migration.is_empty(), "no migration, no migration backup: {backups:?}");
        }

        // The migrated collection works: review and build.
        let logged = s.count("SELECT count(*) FROM review_log");
        let run = s.run_at(LATER, &["review", "--deck", fixture.log_deck], "3\n3\n").ok();
        assert_eq!(run.answered(), 2, "{}", run.stdout);
        assert_eq!(s.count("SELECT count(*) FROM review_log"), logged + 2);
        due_per_day_is_counted(&s, fixture);
        new_cards_are_counted(&s, fixture);
    }
}

/// Schema 9's `cards_by_queue` holds each card's id and fact after its
/// place in the queue (the queue's counts and sibling checks read it alone),
/// and the queue's next review is still read from it in order.
fn the_queue_index_holds_id_and_fact(s: &Scratch, fixture: &Fixture) {
    let conn = s.db();
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_index_info('cards_by_queue') ORDER BY seqno")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        columns,
        ["deck_id", "queue", "due", "id", "fact_id"],
        "{}",
        fixture.file
    );
    let plan: Vec<String> = conn
        .prepare(
            "EXPLAIN QUERY PLAN SELECT count(*) FROM (SELECT DISTINCT fact_id FROM cards
             WHERE deck_id = 1 AND queue = 2 AND due <= 100 LIMIT 200)",
        )
        .unwrap()
        .query_map([], |r| r.get(3))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        plan.iter().any(|step| step.contains("COVERING INDEX cards_by_queue")),
        "{}: {plan:?}",
        fixture.file
    );
    let entries = s.count("SELECT count(*) FROM cards INDEXED BY cards_by_queue WHERE deck_id > 0");
    assert_eq!(entries, fixture.cards, "{}", fixture.file);
}

/// Schema 7's `decks.new_count` (filled by the migration, kept by
/// triggers) holds, deck by deck, a count of the deck's cards in the new
/// queue; each log row's `deck_id`, where it has one, is its card's deck
/// (the migration fills the last two days' answers); the time index holds
/// the columns statistics read.
fn new_cards_are_counted(s: &Scratch, fixture: &Fixture) {
    let conn = s.db();
    let decks: Vec<(String, i64, i64)> = conn
        .prepare(
            "SELECT key, new_count, (SELECT count(*) FROM cards WHERE deck_id = d.id AND queue = 0)
             FROM decks d ORDER BY key",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(decks.len() as i64, fixture.decks);
    for (key, kept, counted) in &decks {
        assert_eq!(kept, counted, "{}: new cards of deck {key}", fixture.file);
    }
    assert!(decks.iter().map(|d| d.2).sum::<i64>() > 0, "{}", fixture.file);
    let index = |name: &str| -> String {
        conn.query_row("SELECT sql FROM sqlite_master WHERE name = ?1", [name], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{}: index {name}: {e}", fixture.file))
    };
    assert!(
        index("review_log_by_time").contains("(reviewed_at_ms, id, card_id, rating, kind, state_before"),
        "{}",
        fixture.file
    );
    let named = s.count("SELECT count(*) FROM review_log WHERE deck_id IS NOT NULL");
    let wrong = s.count(
        "SELECT count(*) FROM review_log l JOIN cards c ON c.id = l.card_id WHERE l.deck_id IS NOT c.deck_id
         AND l.deck_id IS NOT NULL",
    );
    assert_eq!(wrong, 0, "{}", fixture.file);
    assert!(named > 0, "{}: the last answers name their deck", fixture.file);
}

/// The review log of a collection with each row's card named by its
/// identity (deck key, fact key, template), in log order.
fn log_by_identity(conn: &rusqlite::Connection) -> Vec<String> {
    conn.prepare(
        "SELECT l.id, l.uid, d.key, f.key, c.template, l.reviewed_at_ms, l.rating, l.duration_ms, l.kind,
                l.elapsed_days, l.state_before, l.due_before, l.stability_before, l.difficulty_before,
                l.interval_before, l.state_after, l.due_after, l.stability_after, l.difficulty_after, l.interval_after
         FROM review_log l JOIN cards c ON c.id = l.card_id JOIN facts f ON f.id = c.fact_id
         JOIN decks d ON d.id = f.deck_id ORDER BY l.id",
    )
    .unwrap()
    .query_map([], |r| {
        let values: Vec<String> = (0..20)
            .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
            .collect();
        Ok(values.join("|"))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// What schema 4 did, on a migrated fixture: every card has the id every
/// device gives it (derived from its identity, or Anki's, which its
/// imported log uids name), with its history, undo steps and the last
/// quiz's misses following it.
fn schema_4_is_filled_in(s: &Scratch, original: &Scratch, fixture: &Fixture) {
    let migrated = s.db();
    let before = open_read_only(&original.db);
    assert_eq!(log_by_identity(&migrated), log_by_identity(&before), "{}", fixture.file);
    let mut stmt = migrated
        .prepare(
            "SELECT c.id, d.key, f.key, c.template,
                    (SELECT substr(uid, instr(substr(uid, 6), '-') + 6) FROM review_log
                     WHERE card_id = c.id AND uid LIKE 'anki-%' LIMIT 1)
             FROM cards c JOIN facts f ON f.id = c.fact_id JOIN decks d ON d.id = f.deck_id",
        )
        .unwrap();
    let cards: Vec<(i64, String, String, String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(cards.len() as i64, fixture.cards);
    let mut anki = 0;
    for (id, deck, fact, template, anki_id) in &cards {
        match anki_id {
            Some(anki_id) => {
                assert_eq!(id.to_string(), *anki_id, "{deck}/{fact}/{template} keeps Anki's id");
                anki += 1;
            }
            None => assert_eq!(
                *id,
                iskra::ids::card_id(deck, fact, template, 0),
                "{deck}/{fact}/{template}"
            ),
        }
    }
    assert_eq!(anki, fixture.log_elsewhere, "{}", fixture.file);
    if fixture.schema == 3 {
        // The misses name the card by its new id; the undo steps too: the
        // newest (forget) is undone.
        let two = iskra::ids::card_id("mine", "two", "basic", 0);
        let misses = s.count("SELECT value ->> '$.questions[0].card_id' FROM settings WHERE key = 'quiz-misses'");
        assert_eq!(misses, two);
        let run = s.run_at(LATER, &["undo"], "").ok();
        let forgotten = iskra::ids::card_id("people", "trotsky-interdistrict", "basic", 0);
        assert!(
            run.stdout.contains(&format!("undid `forget` of 1 card: {forgotten}")),
            "{}",
            run.stdout
        );
        assert_eq!(s.count(&format!("SELECT state FROM cards WHERE id = {forgotten}")), 2);
        let run = s.run_at(LATER, &["undo"], "").ok();
        assert!(run.stdout.contains("undid `flag 3`"), "{}", run.stdout);
        assert_eq!(s.count("SELECT count(*) FROM cards WHERE flag != 0"), 0);
    }
}

/// What the Anki identity migration (issue 16) added: empty tables and
/// columns, since facts imported before kept nothing of Anki; an Anki
/// package imported after it keeps its notes.
fn anki_identity_is_empty(s: &Scratch) {
    for table in ["anki_notes", "anki_notetypes", "media"] {
        assert_eq!(s.count(&format!("SELECT count(*) FROM {table}")), 0, "{table}");
    }
    assert_eq!(
        s.count("SELECT count(*) FROM cards WHERE anki_id IS NOT NULL OR anki_ord IS NOT NULL"),
        0
    );
    assert_eq!(s.count("SELECT count(*) FROM decks WHERE anki_preset IS NOT NULL"), 0);
}

/// Schema 5's `cards_due_per_day` (filled by the migration, kept by
/// triggers) holds what a count of the cards gives: review cards and
/// day-long steps by due day, suspended and buried ones included.
fn due_per_day_is_counted(s: &Scratch, fixture: &Fixture) {
    let counted = "SELECT due, count(*) FROM cards
        WHERE queue IN (2, 3) OR (queue IN (-1, -2) AND (state = 2 OR (state IN (1, 3) AND due < 1000000000)))
        GROUP BY due";
    let table = "SELECT day, cards FROM cards_due_per_day WHERE cards > 0";
    assert_eq!(
        s.count(&format!("SELECT count(*) FROM ({table} EXCEPT {counted})"))
            + s.count(&format!("SELECT count(*) FROM ({counted} EXCEPT {table})")),
        0,
        "{}: cards_due_per_day differs from a count of the cards",
        fixture.file
    );
}

/// Schema 8's `card_trigrams` (filled by the migration, kept by triggers):
/// each card under its id, found by every three characters of its
/// `search_text`, and nothing else; a search for words finds the cards
/// whose text holds them.
fn trigrams_are_indexed(s: &Scratch, fixture: &Fixture) {
    let conn = s.db();
    let cards: Vec<(i64, String)> = conn
        .prepare("SELECT id, search_text FROM cards ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(cards.len() as i64, fixture.cards);
    for (id, text) in &cards {
        let chars: Vec<char> = text.chars().collect();
        let trigrams: Vec<String> = chars
            .windows(3)
            .map(|w| format!("\"{}\"", w.iter().collect::<String>().replace('"', "\"\"")))
            .collect();
        assert!(!trigrams.is_empty(), "{}: card {id} has text", fixture.file);
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM card_trigrams WHERE card_trigrams MATCH ?1 AND rowid = ?2",
                rusqlite::params![trigrams.join(" AND "), id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, 1, "{}: card {id} ({text:?}) is indexed", fixture.file);
    }
    let indexed: Vec<i64> = conn
        .prepare("SELECT rowid FROM card_trigrams ORDER BY rowid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        indexed,
        cards.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        "{}",
        fixture.file
    );
    let run = s.run_at(LATER, &["search", "--json", "lenin"], "").ok();
    let found: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let expected = s.count("SELECT count(*) FROM cards WHERE retired = 0 AND instr(search_text, 'lenin') > 0");
    assert!(expected > 0, "{}", fixture.file);
    assert_eq!(
        found["cards"].as_array().unwrap().len() as i64,
        expected,
        "{}",
        fixture.file
    );
}

/// What schema 3 added, on a migrated fixture: the review log rebuilt
/// with every index; when each card was added (its first answer);
/// leeches marked; manual entries allowed, other ratings still refused.
fn schema_3_is_filled_in(s: &Scratch, fixture: &Fixture) {
    // The log's rows are compared by schema_4_is_filled_in (card ids changed there).
    let indexes: Vec<String> = s
        .db()
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'review_log' AND sql IS NOT NULL ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(indexes, ["review_log_by_card", "review_log_by_time"]);
    if fixture.schema < 3 {
        // Migration 3 took each card's first answer as when it was added.
        assert_eq!(
            s.count(
                "SELECT count(*) FROM cards c WHERE c.added_ms IS NOT (SELECT min(reviewed_at_ms) FROM review_log WHERE card_id = c.id)"
            ),
            0,
            "{}",
            fixture.file
        );
        assert_eq!(
            s.count("SELECT count(*) FROM cards WHERE added_ms IS NOT NULL"),
            s.count("SELECT count(DISTINCT card_id) FROM review_log")
        );
    } else {
        // Written by schema 3: every card has the time it was built.
        assert_eq!(s.count("SELECT count(*) FROM cards WHERE added_ms IS NULL"), 0);
    }
    assert!(s.count("SELECT count(*) FROM cards WHERE added_ms IS NOT NULL") > 0);
    assert_eq!(
        s.count("SELECT count(*) FROM cards WHERE leech != (lapses >= 8) OR flag != 0"),
        0
    );
    // The folded text search reads, as the store writes it.
    let conn = s.db();
    let mut stmt = conn
        .prepare("SELECT c.front, c.back, c.search_text, f.content, f.tags_folded FROM cards c JOIN facts f ON f.id = c.fact_id")
        .unwrap();
    let rows: Vec<(String, String, String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len() as i64, fixture.cards);
    let mut tagged = 0;
    for (front, back, search_text, content, tags_folded) in &rows {
        assert_eq!(*search_text, format!("{}\n{}", fold(front), fold(back)));
        let content: serde_json::Value = serde_json::from_str(content).unwrap();
        let tags: Vec<String> = content["tags"]
            .as_array()
            .map(|tags| tags.iter().map(|t| fold(t.as_str().unwrap())).collect())
            .unwrap_or_default();
        let expected = if tags.is_empty() {
            String::new()
        } else {
            format!("\n{}\n", tags.join("\n"))
        };
        assert_eq!(*tags_folded, expected);
        tagged += usize::from(!tags.is_empty());
    }
    assert!(tagged > 0, "{}: no fact with tags", fixture.file);
    // A manual entry (rating 0, kind 4) is taken; rating 0 of an answer is not.
    let copy = Scratch::new();
    std::fs::copy(&s.db, &copy.db).unwrap();
    let conn = rusqlite::Connection::open(&copy.db).unwrap();
    let insert = |uid: &str, rating: i64, kind: i64| {
        conn.execute(
            "INSERT INTO review_log (uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
               state_before, due_before, interval_before, state_after, due_after, interval_after)
             SELECT ?1, id, 0, ?2, 0, ?3, 0, 0, 0, 0, 0, 0, 0 FROM cards LIMIT 1",
            rusqlite::params![uid, rating, kind],
        )
    };
    insert("manual", 0, 4).unwrap();
    assert!(insert("no-rating", 0, 1).is_err());
    assert!(insert("five", 5, 1).is_err());
}

#[test]
fn a_migration_that_cannot_back_up_first_changes_nothing() {
    let current = current_schema();
    for fixture in FIXTURES.iter().filter(|f| f.schema < current) {
        let s = copy_of(fixture);
        // A file where the backup folder would go: no backup can be written.
        std::fs::write(s.path("backups"), "in the way").unwrap();
        let run = s.run_at(LATER, &["status"], "").fails();
        assert_eq!(run.code, 1);
        assert!(run.stderr.contains("making a backup first failed"), "{}", run.stderr);
        assert!(run.stderr.contains("nothing was changed"), "{}", run.stderr);
        assert!(run.stderr.contains("hint:"), "{}", run.stderr);
        assert_eq!(schema_of(&s.db), fixture.schema);
        assert_eq!(
            dump(&open_read_only(&s.db)),
            dump(&open_read_only(&copy_of(fixture).db))
        );
        // With room for the backup, the same command migrates.
        std::fs::remove_file(s.path("backups")).unwrap();
        s.run_at(LATER, &["status"], "").ok();
        assert_eq!(schema_of(&s.db), current);
    }
}

/// `check --repair` on a collection at an older schema migrates it first:
/// the checks it prints are those of the file as it is after (the current
/// schema, every rule it has), the same as `check` prints next.
#[test]
fn check_repair_of_an_older_collection_prints_the_checks_of_the_migrated_file() {
    let fixture = FIXTURES.iter().find(|f| f.schema == 4).expect("a schema 4 fixture");
    let s = copy_of(fixture);
    rusqlite::Connection::open(&s.db)
        .unwrap()
        .execute_batch("UPDATE decks SET card_count = card_count + 7;")
        .unwrap();
    let repair = s.run_at(LATER, &["check", "--repair"], "");
    assert_eq!(repair.code, 0, "{}{}", repair.stdout, repair.stderr);
    assert!(repair.stdout.contains("Counted again"), "{}", repair.stdout);
    let plain = s.run_at(LATER, &["check"], "");
    assert!(
        plain.stdout.contains(&format!("(schema version {})", current_schema())),
        "{}",
        plain.stdout
    );
    assert!(
        repair.stdout.ends_with(&plain.stdout),
        "{}\nends with\n{}",
        repair.stdout,
        plain.stdout
    );
}
