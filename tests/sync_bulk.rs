//! A first sync of a whole history through the bulk path (the review log's
//! indexes by card and time set aside while the chunks are applied, built
//! again before the replay) ends with the same cards and log as through
//! the normal path, the indexes back and the file sound. A real sync takes
//! that path only past 4 MiB of chunks (about 33k events); the library's
//! [`iskra::sync::sync_with_bulk_bytes`] reaches it here with a few.

mod common;

use std::path::Path;

use common::shifted;
use common::sync::{Device, T0, assert_same, card, carry};
use iskra::store::Store;

/// Syncs `device` with its folder in the test process, the transaction a
/// bulk one over `bulk_bytes` of unread chunks.
fn sync_in_process(device: &Device, now: &str, bulk_bytes: u64) -> iskra::sync::Report {
    let clock = iskra::clock::Clock::new(iskra::clock::parse_now(now).unwrap(), chrono::Local, 4);
    let mut store = Store::open(&device.s.db).unwrap();
    iskra::sync::sync_with_bulk_bytes(
        &mut store,
        &device.folder(),
        &clock,
        &iskra::progress::Silent,
        bulk_bytes,
    )
    .unwrap()
}

/// The collection's schema: every index and trigger (the bulk path sets
/// some aside), table and view, by name and definition.
fn schema(path: &Path) -> Vec<(String, String)> {
    rows(
        path,
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name",
    )
}

/// What the insert triggers keep (a bulk transaction keeps it itself):
/// the decks' card counts, whether their fingerprints are kept (a
/// fingerprint names the file's path, which differs), the cards due per day.
fn bookkeeping(path: &Path) -> Vec<(String, String)> {
    rows(
        path,
        "SELECT key, card_count || '|' || (source_hash IS NOT NULL) || '|' || coalesce(source_facts, '-') FROM decks
         UNION ALL SELECT 'due ' || day, CAST(cards AS TEXT) FROM cards_due_per_day ORDER BY 1",
    )
}

fn rows(path: &Path, sql: &str) -> Vec<(String, String)> {
    let conn = common::open_read_only(path);
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn integrity(path: &Path) -> String {
    common::open_read_only(path)
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// The schema-3 fixture as a device: bundled decks, `mine` from a file,
/// `spanish-verbs` imported from Anki (no file, so written to the folder as
/// a deck file), with history.
fn fixture_device(name: &'static str) -> Device {
    let device = Device::schema_3_fixture(name);
    std::fs::create_dir(device.folder()).unwrap();
    device.run(T0, &["sync", &device.folder().display().to_string()], "");
    device
}

/// Answers at three times over three days: the history to sync.
fn study(a: &Device) {
    a.run(&shifted(T0, 5), &["review"], &"3\n1\n3\n4\n2\n3\n3\n3\n3\n".repeat(2));
    a.run("2026-03-11T09:00:00Z", &["review"], &"3\n2\n".repeat(10));
    a.run("2026-03-13T09:00:00Z", &["review"], &"4\n1\n3\n".repeat(10));
}

#[test]
fn a_first_sync_through_the_bulk_path_ends_as_through_the_normal_one() {
    let a = Device::new("A");
    study(&a);
    a.run(&shifted(T0, 30), &["flag", "2", &card("fortress")], "");
    a.run(&shifted(T0, 31), &["suspend", &card("nep")], "");
    first_sync_alike(&a, Device::new, false);
}

#[test]
fn a_first_sync_that_builds_a_deck_through_the_bulk_path_ends_as_through_the_normal_one() {
    let a = fixture_device("A");
    study(&a);
    first_sync_alike(&a, Device::with_mine, true);
}

/// `device` holds A's cards and log; where the sync built A's deck from its
/// deck file, the cards it made have no time added (A's were stamped by the
/// migration), so only the log is compared.
#[track_caller]
fn same_as_a(a: &Device, device: &Device, builds: bool) {
    if builds {
        let log = |d: &Device| d.tables().split("==\n").nth(1).unwrap().to_string();
        assert_eq!(log(a), log(device), "A's log, row by row");
    } else {
        assert_same(&[a, device]);
    }
}

/// A's history synced into two new devices (made by `new`), one through
/// each path; `builds`: that sync builds a deck of A's there.
fn first_sync_alike(a: &Device, new: fn(&'static str) -> Device, builds: bool) {
    // A's folder holds its whole history as chunks.
    a.sync("2026-03-13T10:00:00Z");
    let logged = a.log_uids().len();
    assert!(logged >= 20, "{logged} log rows");

    // Two collections that never studied, each given A's files, sync once:
    // one through the normal path, one through the bulk.
    let (normal, bulk) = (new("normal"), new("bulk"));
    let schema_before = schema(&bulk.s.db);
    assert!(
        schema_before
            .iter()
            .any(|(_, sql)| sql.starts_with("CREATE INDEX") && sql.contains(" review_log ")),
        "the log has indexes to set aside: {schema_before:?}"
    );
    carry(&[a, &normal]);
    carry(&[a, &bulk]);
    let now = "2026-03-13T11:00:00Z";
    let by_normal = sync_in_process(&normal, now, u64::MAX);
    let by_bulk = sync_in_process(&bulk, now, 0);
    assert!(!by_normal.log_indexes_rebuilt, "the normal path keeps the indexes");
    assert!(
        by_bulk.log_indexes_rebuilt,
        "the bulk path sets them aside: {by_bulk:?}"
    );
    assert_eq!(by_bulk.events_in, by_normal.events_in);
    assert_eq!(by_bulk.cards_changed, by_normal.cards_changed);
    assert_eq!(by_bulk.decks_built, by_normal.decks_built);
    assert_eq!(by_bulk.decks_built.is_empty(), !builds, "{by_bulk:?}");
    assert!(by_bulk.events_in >= logged, "{by_bulk:?}");

    // The same cards and log, row by row (but for local ids), as A's too.
    assert_eq!(bulk.log_uids().len(), logged, "every answer once");
    assert_same(&[&normal, &bulk]);
    same_as_a(a, &bulk, builds);
    // The indexes and triggers are back, as they were, and agree with the
    // tables; what the triggers keep is as the normal path keeps it.
    assert_eq!(schema(&bulk.s.db), schema_before);
    assert_eq!(schema(&bulk.s.db), schema(&normal.s.db));
    assert_eq!(bookkeeping(&bulk.s.db), bookkeeping(&normal.s.db));
    assert_eq!(integrity(&bulk.s.db), "ok");
    bulk.check();
    // A studies on; a normal sync after the bulk one keeps them alike.
    a.run("2026-03-14T09:00:00Z", &["review"], &"3\n2\n".repeat(10));
    a.sync("2026-03-14T10:00:00Z");
    carry(&[a, &normal]);
    carry(&[a, &bulk]);
    let later = "2026-03-14T11:00:00Z";
    let (by_normal, by_bulk) = (
        sync_in_process(&normal, later, u64::MAX),
        sync_in_process(&bulk, later, u64::MAX),
    );
    assert!(
        by_bulk.events_in > 0 && by_bulk.events_in == by_normal.events_in,
        "{by_bulk:?}"
    );
    assert_same(&[&normal, &bulk]);
    same_as_a(a, &bulk, builds);
    assert_eq!(integrity(&bulk.s.db), "ok");
}
