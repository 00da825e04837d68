//! Fuzzes `iskra import` of Anki text files: arbitrary bytes as a `.txt`
//! file, imported into an in-memory collection as a dry run. It must not
//! panic, hang (libFuzzer's `-timeout`) or run out of memory, and what it
//! imports must hold no control character in a deck name or tag.

#![no_main]

use iskra::clock::Clock;
use iskra::interop::to_iskra::{prepare, write_batch};
use iskra::store::Store;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("fuzz.txt");
    std::fs::write(&path, bytes).expect("write the input");
    let mut store = Store::open_in_memory().expect("an in-memory collection");
    let now = chrono::DateTime::parse_from_rfc3339("2026-03-10T10:00:00Z").expect("a time");
    let clock = Clock::new(now.with_timezone(&chrono::Utc), chrono::Local, 4);
    let Ok(prepared) = prepare(&store, &path, None, &clock) else {
        return;
    };
    for deck in &prepared.batch.decks {
        assert!(!deck.name.chars().any(char::is_control), "deck name {:?}", deck.name);
    }
    for fact in &prepared.batch.facts {
        for tag in &fact.fact.tags {
            assert!(!tag.chars().any(char::is_control), "tag {tag:?}");
        }
    }
    let _ = write_batch(&mut store, &prepared.batch, false);
});
