//! Anki packages for the tests: iskra's own export as a starting point, its
//! entries, and packages made from entries or with their collection changed.

use std::io::{Read, Write};

use super::Scratch;

/// A package of three Basic notes in deck `Spanish::Verbs`, as iskra exports it.
pub fn exported(s: &Scratch) -> Vec<u8> {
    s.write(
        "verbs.txt",
        "#deck:Spanish::Verbs\nhablar\tto speak\ncomer\tto eat\nvivir\tto live\n",
    );
    s.run(&["import", "verbs.txt"]).ok();
    s.run(&["export", "deck", "spanish-verbs", "--format", "apkg", "--out", "p.apkg"])
        .ok();
    std::fs::read(s.path("p.apkg")).expect("read the exported package")
}

/// The entries of a zip, as (name, bytes).
pub fn entries(zip_bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).expect("an entry");
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).expect("read an entry");
            (entry.name().expect("a name").to_string(), bytes)
        })
        .collect()
}

/// A zip of `entries`.
pub fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        for (name, bytes) in entries {
            zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .expect("start an entry");
            zip.write_all(bytes).expect("write an entry");
        }
        zip.finish().expect("finish the zip");
    }
    buffer.into_inner()
}

/// The collection (`collection.anki21`) of a package's entries.
pub fn collection(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    entries
        .iter()
        .find(|(n, _)| n == "collection.anki21")
        .expect("a collection.anki21 entry")
        .1
        .clone()
}

/// `entries` with their collection changed by `sql` (run on a copy).
pub fn patched(entries: &[(String, Vec<u8>)], sql: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("c.db");
    std::fs::write(&db, collection(entries)).expect("write the collection");
    rusqlite::Connection::open(&db)
        .expect("open the collection")
        .execute_batch(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let mut all: Vec<(String, Vec<u8>)> = entries.to_vec();
    all.retain(|(n, _)| n != "collection.anki21");
    all.push(("collection.anki21".into(), std::fs::read(&db).expect("read it back")));
    zip_of(&all)
}

/// `entries` with every note type made `name`, with `fields` and `templates`
/// (name, question format, answer format), then `sql` run on the collection.
pub fn with_notetype(
    entries: &[(String, Vec<u8>)],
    name: &str,
    fields: &[&str],
    templates: &[(&str, &str, &str)],
    sql: &str,
) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("c.db");
    std::fs::write(&db, collection(entries)).expect("write the collection");
    let models: String = rusqlite::Connection::open(&db)
        .expect("open the collection")
        .query_row("SELECT models FROM col", [], |r| r.get(0))
        .expect("note types");
    let mut models: serde_json::Value = serde_json::from_str(&models).expect("JSON");
    for model in models.as_object_mut().expect("an object").values_mut() {
        let (field, template) = (model["flds"][0].clone(), model["tmpls"][0].clone());
        let fields: Vec<serde_json::Value> = (0..)
            .zip(fields)
            .map(|(ord, name)| {
                let mut field = field.clone();
                field["name"] = (*name).into();
                field["ord"] = ord.into();
                field
            })
            .collect();
        let templates: Vec<serde_json::Value> = (0..)
            .zip(templates)
            .map(|(ord, (name, qfmt, afmt))| {
                let mut template = template.clone();
                template["name"] = (*name).into();
                template["ord"] = ord.into();
                template["qfmt"] = (*qfmt).into();
                template["afmt"] = (*afmt).into();
                template
            })
            .collect();
        model["flds"] = fields.into();
        model["tmpls"] = templates.into();
        model["name"] = name.into();
    }
    let models = models.to_string().replace('\'', "''");
    patched(entries, &format!("UPDATE col SET models = '{models}';\n{sql}"))
}

/// A zstd frame of `prefix` (raw) followed by `zeros` zero bytes as RLE
/// blocks: a few kilobytes that decompress to as much as asked.
pub fn zstd_bomb(prefix: &[u8], zeros: u64) -> Vec<u8> {
    const BLOCK: u64 = 128 * 1024;
    let mut frame = vec![0x28, 0xb5, 0x2f, 0xfd];
    // Frame header: no content size, no checksum; a 128 KiB window.
    frame.extend([0x00, 7 << 3]);
    let block_header = |size: u64, kind: u64, last: bool| {
        let header = (size << 3) | (kind << 1) | u64::from(last);
        [header as u8, (header >> 8) as u8, (header >> 16) as u8]
    };
    frame.extend(block_header(prefix.len() as u64, 0, zeros == 0));
    frame.extend(prefix);
    let mut left = zeros;
    while left > 0 {
        let size = left.min(BLOCK);
        left -= size;
        frame.extend(block_header(size, 1, left == 0));
        frame.push(0);
    }
    frame
}
