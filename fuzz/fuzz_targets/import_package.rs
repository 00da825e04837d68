//! Fuzzes `iskra import` of Anki packages: each input is imported twice,
//! as the bytes of an `.apkg` file (a zip) and as the bytes of the
//! collection inside one (wrapped in a zip as `collection.anki2`), into an
//! in-memory collection, as a dry run. Whatever the bytes, the import must
//! not panic, hang (libFuzzer's `-timeout`) or run out of memory: it
//! imports, or refuses with an error.

#![no_main]

use std::io::Write;

use iskra::clock::Clock;
use iskra::interop::to_iskra::{prepare, write_batch};
use iskra::store::Store;
use libfuzzer_sys::fuzz_target;

fn import(dir: &std::path::Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the input");
    let mut store = Store::open_in_memory().expect("an in-memory collection");
    let now = chrono::DateTime::parse_from_rfc3339("2026-03-10T10:00:00Z").expect("a time");
    let clock = Clock::new(now.with_timezone(&chrono::Utc), chrono::Local, 4);
    if let Ok(prepared) = prepare(&store, &path, None, &clock) {
        let _ = write_batch(&mut store, &prepared.batch, false);
    }
}

/// `collection` as the only entry of a legacy package.
fn wrapped(collection: &[u8]) -> Vec<u8> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("collection.anki2", stored).expect("an entry");
        zip.write_all(collection).expect("the collection");
        zip.finish().expect("the zip");
    }
    buffer.into_inner()
}

fuzz_target!(|bytes: &[u8]| {
    let dir = tempfile::tempdir().expect("a temp dir");
    import(dir.path(), "fuzz.apkg", bytes);
    import(dir.path(), "wrapped.apkg", &wrapped(bytes));
});
