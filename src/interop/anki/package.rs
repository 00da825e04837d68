//! `.apkg` files: zip archives holding a collection, a media list and the
//! media files (numbered entries). Reading is defensive, since packages come
//! from strangers: every entry name is checked (no absolute paths, no `..`),
//! the archive may hold at most [`MAX_ENTRIES`] entries and expand to at most
//! [`MAX_BYTES`] (declared sizes are checked first, and bytes are counted as
//! they are inflated), the package version (`meta`) and the collection's
//! schema must be known, and a truncated or damaged collection is refused.
//! The collection is extracted to a temporary file; media files are read
//! into memory within the same budget (`media.rs`).

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::Collection;
use super::collection::{self, ReadError};
use crate::error::{Error, Result};

/// The most an archive may expand to.
pub const MAX_BYTES: u64 = 1 << 30;
/// The most entries an archive may hold.
pub const MAX_ENTRIES: usize = 100_000;

/// Limits on what a package may expand to (the defaults, or smaller in tests).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: u64,
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: MAX_BYTES,
            max_entries: MAX_ENTRIES,
        }
    }
}

/// A package read: the collection inside and what was left out.
#[derive(Debug)]
pub struct Package {
    pub collection: Collection,
    /// The entry the collection came from (`collection.anki21b`, …).
    pub entry: &'static str,
    /// Its media files, and how many were left out.
    pub media: super::media::Media,
}

/// Package versions (`meta`): 1 and 2 hold a plain schema-11 collection,
/// 3 a zstd-compressed schema-18 one.
fn collection_entry(version: u64) -> Option<&'static str> {
    match version {
        1 => Some("collection.anki2"),
        2 => Some("collection.anki21"),
        3 => Some("collection.anki21b"),
        _ => None,
    }
}

/// Reads a package with the default limits.
pub fn read(path: &Path) -> Result<Package> {
    read_with_limits(path, Limits::default())
}

pub fn read_with_limits(path: &Path, limits: Limits) -> Result<Package> {
    let shown = path.display().to_string();
    let refuse =
        |what: String, hint: &str| Error::Usage(format!("{shown}: {what}; nothing was imported.\n  hint: {hint}"));
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| {
        refuse(
            format!("not a readable Anki package ({e})"),
            "export the deck again from Anki (File > Export, \"Anki Deck Package\")",
        )
    })?;
    if archive.len() > limits.max_entries {
        return Err(refuse(
            format!(
                "the archive holds {} entries, more than the {} allowed",
                archive.len(),
                limits.max_entries
            ),
            "a deck package holds a collection and its media; this one looks wrong",
        ));
    }
    let mut declared: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(|e| {
            refuse(
                format!("entry {index} is unreadable ({e})"),
                "the file is damaged; export it again",
            )
        })?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if unsafe_name(&name) {
            return Err(refuse(
                format!("the entry {name:?} has an absolute or `..` path"),
                "a package never needs one; this file was not made by Anki",
            ));
        }
        declared = declared.saturating_add(entry.size());
        if declared > limits.max_bytes {
            return Err(refuse(
                format!("the archive expands to more than {}", bytes_text(limits.max_bytes)),
                "iskra refuses archives that large; export the decks in smaller packages",
            ));
        }
    }
    let version = match read_entry(&mut archive, "meta", 1024, &refuse)? {
        Some(bytes) => super::proto::varint_field(&bytes, 1).unwrap_or(0),
        None if archive.index_for_name("collection.anki21").is_some() => 2,
        None => 1,
    };
    let entry = collection_entry(version).ok_or_else(|| {
        refuse(
            format!("package version {version} is not one iskra reads (1 to 3)"),
            "it may come from a newer Anki; export it with \"Support older Anki versions\" ticked",
        )
    })?;
    let budget = limits.max_bytes;
    let temp = extraction_file()?;
    let written = {
        let mut zipped = archive.by_name(entry).map_err(|_| {
            refuse(
                format!("there is no {entry} in the package"),
                "export the deck again from Anki",
            )
        })?;
        let mut out = std::io::BufWriter::new(temp.as_file());
        let copied = if version == 3 {
            let decoder = ruzstd::decoding::StreamingDecoder::new(&mut zipped)
                .map_err(|e| refuse(format!("{entry} is damaged ({e})"), "export the deck again from Anki"))?;
            copy_collection(decoder, &mut out, budget)
        } else {
            copy_collection(&mut zipped, &mut out, budget)
        };
        let copied = copied.map_err(|what| match what {
            CopyError::Write(source) => extraction_failed(temp.path(), &source),
            what => refuse(format!("{entry} {what}"), what.hint()),
        })?;
        out.flush().map_err(|source| extraction_failed(temp.path(), &source))?;
        copied
    };
    check_sqlite(temp.path(), written)
        .map_err(|what| refuse(format!("{entry} {what}"), "export the deck again from Anki"))?;
    let mut conn = Connection::open_with_flags(
        crate::files::sqlite_uri(temp.path(), "immutable=1"),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| {
        refuse(
            format!("{entry} cannot be opened ({e})"),
            "export the deck again from Anki",
        )
    })?;
    let collection = super::guard::limit(&mut conn, super::guard::Budget::for_size(written))
        .and_then(|()| collection::read(&conn))
        .map_err(|e| read_error(e, entry, &refuse))?;
    let media = super::media::read(&mut archive, version, budget.saturating_sub(written));
    Ok(Package {
        collection,
        entry,
        media,
    })
}

/// What a collection that cannot be read is refused as.
fn read_error(e: ReadError, entry: &str, refuse: &dyn Fn(String, &str) -> Error) -> Error {
    let again = "export the deck again from Anki";
    match e {
        ReadError::Schema(found) => refuse(
            format!(
                "{entry} has collection schema version {found}, which iskra does not read (it reads 11 and 14 to 18)"
            ),
            "export the deck from Anki again, with \"Support older Anki versions\" ticked",
        ),
        ReadError::Damaged(detail) => refuse(format!("{entry} is not a readable Anki collection ({detail})"), again),
        ReadError::Foreign(what) => refuse(
            format!("{entry} holds {what}, which an Anki collection never has"),
            "this file was not made by Anki; export the deck from Anki",
        ),
        ReadError::TooSlow => refuse(
            format!("reading {entry} took longer than a collection of its size can"),
            "this file was not made by Anki; export the deck from Anki",
        ),
        ReadError::TooLarge(table, rows) => refuse(
            format!(
                "{entry} has {rows} rows in {table}, more than the {} iskra reads",
                collection::MAX_ROWS
            ),
            "export the decks in smaller packages",
        ),
    }
}

/// The temporary file a package's collection is extracted to, in `TMPDIR`,
/// named `.iskra-import-<pid>-…` so that one left by a killed import is
/// recognised and removed by the next ([`remove_dead_extractions`]).
fn extraction_file() -> Result<tempfile::NamedTempFile> {
    remove_dead_extractions(&std::env::temp_dir());
    tempfile::Builder::new()
        .prefix(&format!("{EXTRACTION_PREFIX}{}-", std::process::id()))
        .tempfile()
        .map_err(|source| Error::Io {
            path: std::env::temp_dir(),
            source,
        })
}

/// How the names of extracted collections start.
const EXTRACTION_PREFIX: &str = ".iskra-import-";

/// Removes collections extracted by imports that were killed.
pub fn remove_dead_extractions(dir: &Path) -> Vec<std::path::PathBuf> {
    crate::files::remove_dead_temps(dir, |name| {
        let rest = name.strip_prefix(EXTRACTION_PREFIX)?;
        rest.split_once('-')?.0.parse().ok()
    })
}

/// Why an extracted collection was refused while it was copied.
#[derive(Debug)]
enum CopyError {
    NotSqlite,
    Longer(u64),
    TooLarge(u64),
    Unreadable(std::io::Error),
    /// Writing the extracted copy failed (a full or small temporary
    /// directory): nothing is wrong with the package.
    Write(std::io::Error),
}

impl CopyError {
    fn hint(&self) -> &'static str {
        match self {
            CopyError::TooLarge(_) => "iskra refuses archives that large; export the decks in smaller packages",
            _ => "export the deck again from Anki",
        }
    }
}

impl std::fmt::Display for CopyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CopyError::NotSqlite => write!(f, "is not a SQLite database"),
            CopyError::Longer(size) => write!(f, "is longer than its SQLite header says ({size} bytes)"),
            CopyError::TooLarge(max) => write!(f, "expands to more than {}", bytes_text(*max)),
            CopyError::Unreadable(e) => write!(f, "is damaged or truncated ({e})"),
            CopyError::Write(e) => write!(f, "could not be written out ({e})"),
        }
    }
}

/// The error when the package's collection could not be written to the
/// temporary directory: the directory's problem, not the package's.
fn extraction_failed(temp: &Path, source: &std::io::Error) -> Error {
    let dir = temp.parent().unwrap_or(temp);
    Error::Storage(format!(
        "the package's collection could not be extracted into {} ({source}); nothing was imported.\n  \
         hint: free space there, or set TMPDIR to a directory with room for it",
        crate::error::shown(dir)
    ))
}

/// Copies a collection out of the package, counting the bytes as they are
/// decompressed: it stops at once when the first 100 bytes are not a
/// SQLite header, when it grows past the size its header gives, or past
/// `budget`, so a decompression bomb writes next to nothing. Returns the
/// bytes written.
fn copy_collection(mut from: impl Read, to: &mut impl Write, budget: u64) -> Result<u64, CopyError> {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut written: u64 = 0;
    let mut limit = budget;
    let mut header = Vec::with_capacity(100);
    loop {
        let n = match from.read(&mut buffer) {
            Ok(0) => return Ok(written),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Unreadable(e)),
        };
        if header.len() < 100 {
            let take = n.min(100 - header.len());
            header.extend_from_slice(&buffer[..take]);
            if header.len() == 100 {
                limit = match sqlite_size(&header) {
                    None => return Err(CopyError::NotSqlite),
                    Some(Some(size)) if size <= budget => size,
                    Some(_) => budget,
                };
            }
        }
        written += n as u64;
        if written > limit {
            return Err(if limit < budget {
                CopyError::Longer(limit)
            } else {
                CopyError::TooLarge(budget)
            });
        }
        to.write_all(&buffer[..n]).map_err(CopyError::Write)?;
    }
}

/// The size a SQLite header gives its file: `None` when it is not a SQLite
/// header, `Some(None)` when the header's size is not to be trusted (it
/// was written by a SQLite before 3.7.0).
fn sqlite_size(header: &[u8]) -> Option<Option<u64>> {
    if header.len() < 100 || &header[..16] != b"SQLite format 3\0" {
        return None;
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes([header[28], header[29], header[30], header[31]]));
    let valid = header[24..28] == header[92..96] && pages > 0;
    Some(valid.then_some(page_size * pages))
}

/// Reads a small entry whole, if the archive has it.
fn read_entry(
    archive: &mut zip::ZipArchive<File>,
    name: &str,
    max: u64,
    refuse: &dyn Fn(String, &str) -> Error,
) -> Result<Option<Vec<u8>>> {
    let Ok(mut entry) = archive.by_name(name) else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    (&mut entry).take(max + 1).read_to_end(&mut bytes).map_err(|e| {
        refuse(
            format!("the entry {name:?} is damaged ({e})"),
            "export the deck again from Anki",
        )
    })?;
    if bytes.len() as u64 > max {
        return Err(refuse(
            format!("the entry {name:?} is too large"),
            "this file was not made by Anki",
        ));
    }
    Ok(Some(bytes))
}

/// Absolute paths (`/x`, `\x`, `C:x`) and paths with a `..` component.
fn unsafe_name(name: &str) -> bool {
    let absolute = name.starts_with(['/', '\\'])
        || name.as_bytes().get(1) == Some(&b':') && name.as_bytes()[0].is_ascii_alphabetic();
    absolute || name.split(['/', '\\']).any(|part| part == "..")
}

/// Checks that `path` is a whole SQLite file: its header, and a length that
/// is what the header says (a truncated copy is shorter).
fn check_sqlite(path: &Path, len: u64) -> std::result::Result<(), String> {
    let mut header = [0u8; 100];
    let mut file = File::open(path).map_err(|e| format!("cannot be read back ({e})"))?;
    let read = file
        .read(&mut header)
        .map_err(|e| format!("cannot be read back ({e})"))?;
    if read < 100 || &header[..16] != b"SQLite format 3\0" {
        return Err(if len < 100 {
            format!("is truncated ({len} bytes)")
        } else {
            "is not a SQLite database".into()
        });
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes([header[28], header[29], header[30], header[31]]));
    let valid = header[24..28] == header[92..96];
    if valid && pages > 0 && len < page_size * pages {
        return Err(format!(
            "is truncated ({len} bytes; its header says {})",
            page_size * pages
        ));
    }
    Ok(())
}

fn bytes_text(bytes: u64) -> String {
    if bytes >= 1 << 30 && bytes.is_multiple_of(1 << 30) {
        format!("{} GiB", bytes >> 30)
    } else {
        format!("{bytes} bytes")
    }
}

/// Writes a package: the schema-11 collection file at `collection` as
/// `collection.anki21`, `meta` saying version 2 (legacy), and the media
/// list (`{"0": "map.png"}`) with the files as numbered entries — what Anki
/// writes when asked to support older versions.
pub fn write(
    path: &Path,
    collection: &Path,
    media: &[super::media::MediaFile],
    progress: &dyn crate::progress::Progress,
) -> Result<()> {
    let io = Error::io(collection);
    let db = std::fs::read(collection).map_err(io)?;
    let mut buffer = std::io::Cursor::new(Vec::new());
    let zip_error = |e: zip::result::ZipError| Error::Internal(format!("writing {}: {e}", path.display()));
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("collection.anki21", deflated).map_err(zip_error)?;
        // Compressed a MiB at a time, for the progress of a large collection.
        let chunks = db.chunks(1 << 20);
        let total = chunks.len();
        progress.start("MiB packed", total as u64);
        for (i, chunk) in chunks.enumerate() {
            zip.write_all(chunk).map_err(io)?;
            progress.done(i as u64 + 1);
        }
        zip.start_file("meta", stored).map_err(zip_error)?;
        zip.write_all(&[0x08, 0x02]).map_err(io)?;
        let list: serde_json::Map<String, serde_json::Value> = media
            .iter()
            .enumerate()
            .map(|(i, file)| (i.to_string(), file.name.clone().into()))
            .collect();
        zip.start_file("media", stored).map_err(zip_error)?;
        zip.write_all(serde_json::Value::Object(list).to_string().as_bytes())
            .map_err(io)?;
        for (i, file) in media.iter().enumerate() {
            zip.start_file(i.to_string(), deflated).map_err(zip_error)?;
            zip.write_all(&file.data).map_err(io)?;
        }
        zip.finish().map_err(zip_error)?;
    }
    crate::files::write_atomic(path, &buffer.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A temporary directory with no room left.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::from_raw_os_error(libc::ENOSPC))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_copy_that_cannot_be_written_is_not_called_a_damaged_package() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("c.sqlite3");
        Connection::open(&db)
            .unwrap()
            .execute_batch("CREATE TABLE t (x)")
            .unwrap();
        let bytes = std::fs::read(&db).unwrap();
        let err = copy_collection(bytes.as_slice(), &mut Full, 1 << 20).unwrap_err();
        assert!(matches!(err, CopyError::Write(_)), "{err:?}");
        let shown =
            extraction_failed(&dir.path().join("x"), &std::io::Error::from_raw_os_error(libc::ENOSPC)).to_string();
        assert!(shown.contains("could not be extracted into"), "{shown}");
        assert!(shown.contains("set TMPDIR"), "{shown}");
        assert!(!shown.contains("damaged"), "{shown}");
    }

    fn zip_file(dir: &Path, entries: &[(&str, Vec<u8>)]) -> std::path::PathBuf {
        let path = dir.join("p.apkg");
        let mut buffer = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut buffer);
            for (name, bytes) in entries {
                zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
                zip.write_all(bytes).unwrap();
            }
            zip.finish().unwrap();
        }
        std::fs::write(&path, buffer.into_inner()).unwrap();
        path
    }

    fn error(path: &Path, limits: Limits) -> String {
        read_with_limits(path, limits).unwrap_err().to_string()
    }

    #[test]
    fn too_many_entries_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let names: Vec<String> = (0..5).map(|i| i.to_string()).collect();
        let entries: Vec<(&str, Vec<u8>)> = names.iter().map(|n| (n.as_str(), vec![1])).collect();
        let path = zip_file(dir.path(), &entries);
        let limits = Limits {
            max_bytes: MAX_BYTES,
            max_entries: 3,
        };
        assert!(error(&path, limits).contains("holds 5 entries, more than the 3 allowed"));
    }

    #[test]
    fn declared_and_inflated_sizes_are_both_capped() {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits {
            max_bytes: 5_000,
            max_entries: MAX_ENTRIES,
        };
        let path = zip_file(dir.path(), &[("collection.anki2", vec![0; 6_000])]);
        assert!(error(&path, limits).contains("the archive expands to more than 5000 bytes"));
        // Zstd bombs: tiny in the zip, large once decompressed. Zeros stop
        // at the header; a header whose size cannot be trusted (changed by a
        // SQLite before 3.7.0) at the limit; one that says 4096 bytes there.
        let bomb = |header: &[u8]| {
            // A zstd frame: the header raw, then 50,000 zeros in RLE blocks.
            let block = |size: usize, kind: usize, last: bool| {
                let h = (size << 3) | (kind << 1) | usize::from(last);
                [h as u8, (h >> 8) as u8, (h >> 16) as u8]
            };
            let mut frame = vec![0x28, 0xb5, 0x2f, 0xfd, 0x00, 7 << 3];
            frame.extend(block(header.len(), 0, false));
            frame.extend(header);
            frame.extend(block(50_000, 1, true));
            frame.push(0);
            let mut check = Vec::new();
            ruzstd::decoding::StreamingDecoder::new(&frame[..])
                .unwrap()
                .read_to_end(&mut check)
                .unwrap();
            assert_eq!(check.len(), header.len() + 50_000);
            zip_file(dir.path(), &[("meta", vec![0x08, 0x03]), ("collection.anki21b", frame)])
        };
        assert!(error(&bomb(&[]), limits).contains("collection.anki21b is not a SQLite database"));
        let mut header = [0u8; 100];
        header[..16].copy_from_slice(b"SQLite format 3\0");
        header[16..18].copy_from_slice(&4096u16.to_be_bytes());
        header[28..32].copy_from_slice(&1u32.to_be_bytes());
        header[24..28].copy_from_slice(&[0, 0, 0, 1]);
        assert!(error(&bomb(&header), limits).contains("collection.anki21b expands to more than 5000 bytes"));
        header[92..96].copy_from_slice(&[0, 0, 0, 1]);
        assert!(
            error(&bomb(&header), limits)
                .contains("collection.anki21b is longer than its SQLite header says (4096 bytes)")
        );
    }

    #[test]
    fn names_are_checked() {
        for bad in ["/abs", "\\abs", "C:x", "a/../b", "..", "a\\..\\b"] {
            assert!(unsafe_name(bad), "{bad}");
        }
        for good in ["collection.anki21b", "media", "12", "a..b", "dir/file"] {
            assert!(!unsafe_name(good), "{good}");
        }
    }
}
