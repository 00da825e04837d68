//! A package's media files: the `media` entry maps numbered zip entries to
//! the names notes use (JSON `{"0": "map.png"}` in package versions 1–2; a
//! zstd-compressed `MediaEntries` protobuf in version 3, whose files are
//! zstd-compressed too). Read defensively: names are checked (one plain
//! file name: no path, no control character, at most 255 bytes), each file
//! is capped at [`MAX_FILE_BYTES`] and all of them at the package's budget,
//! counting bytes as they are inflated. Files that break a rule are left
//! out and counted, never written anywhere by this module.

use std::io::Read;

/// The largest media file a package may bring.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// One media file of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFile {
    /// The name notes use (`<img src="map.png">`).
    pub name: String,
    pub data: Vec<u8>,
}

/// What was read: the files, and how many were left out.
#[derive(Debug, Default)]
pub struct Media {
    pub files: Vec<MediaFile>,
    pub skipped: usize,
}

/// Whether `name` is a media file name iskra keeps: one plain file name.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name != "."
        && name != ".."
        && !name.chars().any(|c| c.is_control() || matches!(c, '/' | '\\' | ':'))
}

/// Reads the media of a package of `version` from `archive`, within `budget` bytes.
pub fn read<R: Read + std::io::Seek>(archive: &mut zip::ZipArchive<R>, version: u64, budget: u64) -> Media {
    let mut media = Media::default();
    let Some(list) = entry_bytes(archive, "media", version == 3, 16 << 20) else {
        return media;
    };
    let names: Vec<(String, String)> = if version == 3 {
        super::proto::fields(&list)
            .unwrap_or_default()
            .into_iter()
            .filter(|(n, _)| *n == 1)
            .enumerate()
            .filter_map(|(index, (_, value))| match value {
                super::proto::Value::Bytes(entry) => Some((index.to_string(), super::proto::string_field(entry, 1)?)),
                _ => None,
            })
            .collect()
    } else {
        serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&list)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(entry, name)| Some((entry, name.as_str()?.to_string())))
            .collect()
    };
    let mut left = budget;
    for (entry, name) in names {
        let data = valid_name(&name)
            .then(|| entry_bytes(archive, &entry, version == 3, MAX_FILE_BYTES.min(left)))
            .flatten();
        match data {
            Some(data) => {
                left = left.saturating_sub(data.len() as u64);
                media.files.push(MediaFile { name, data });
            }
            None => media.skipped += 1,
        }
    }
    media
}

/// An entry's bytes (zstd-decoded if `zstd`), or none when it is missing,
/// damaged or longer than `cap`.
fn entry_bytes<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    name: &str,
    zstd: bool,
    cap: u64,
) -> Option<Vec<u8>> {
    let entry = archive.by_name(name).ok()?;
    let mut out = Vec::new();
    let read = if zstd {
        let decoder = ruzstd::decoding::StreamingDecoder::new(entry).ok()?;
        decoder.take(cap + 1).read_to_end(&mut out)
    } else {
        entry.take(cap + 1).read_to_end(&mut out)
    };
    (read.is_ok() && out.len() as u64 <= cap).then_some(out)
}

/// A file's content address: its SHA-1, hex.
pub fn content_name(data: &[u8]) -> String {
    super::write::sha1(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// The folder media files are kept in, beside the collection at `collection`
/// (none for a collection in memory).
pub fn folder(collection: &std::path::Path) -> Option<std::path::PathBuf> {
    (collection != std::path::Path::new(":memory:")).then(|| collection.with_file_name("media"))
}

/// The media names a field's HTML refers to: `<img src="…">` and `[sound:…]`.
pub fn references(html: &str) -> Vec<String> {
    let mut names = Vec::new();
    let text = super::html::to_text(html);
    for (open, close) in [("[image: ", ']'), ("[sound: ", ']')] {
        let mut rest = text.as_str();
        while let Some(at) = rest.find(open) {
            let after = &rest[at + open.len()..];
            let Some(end) = after.find(close) else { break };
            names.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_file_names() {
        for good in ["map.png", "Карта 1.jpg", "a..b.mp3"] {
            assert!(valid_name(good), "{good}");
        }
        for bad in ["", ".", "..", "../x", "a/b", "a\\b", "c:x", "a\nb", &"x".repeat(256)] {
            assert!(!valid_name(bad), "{bad:?}");
        }
    }

    fn archive(entries: &[(&str, &[u8])]) -> zip::ZipArchive<std::io::Cursor<Vec<u8>>> {
        use std::io::Write;
        let mut buffer = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buffer);
        for (name, data) in entries {
            zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
        zip::ZipArchive::new(std::io::Cursor::new(buffer.into_inner())).unwrap()
    }

    #[test]
    fn unsafe_names_and_files_past_the_budget_are_left_out() {
        let list = br#"{"0": "../evil.png", "1": "ok.png", "2": "big.png", "3": "missing.png"}"#;
        let mut zip = archive(&[("media", list), ("0", b"x"), ("1", b"png"), ("2", &[0; 64])]);
        let media = read(&mut zip, 2, 16);
        let names: Vec<&str> = media.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["ok.png"]);
        assert_eq!(media.files[0].data, b"png");
        assert_eq!(media.skipped, 3);
        assert_eq!(
            read(&mut archive(&[("0", b"x")]), 2, 16).files,
            vec![],
            "no media list, no media"
        );
    }

    #[test]
    fn fields_name_their_media() {
        assert_eq!(
            references("x <img src=\"map.png\"> [sound:a b.mp3] <img src='c.gif'>"),
            vec!["map.png", "c.gif", "a b.mp3"]
        );
    }
}
