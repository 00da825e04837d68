//! A chunk: one immutable file of a device's events,
//! `iskra-sync/<device>/<seq>.jsonl.zst`, a Zstandard frame holding JSON
//! lines. The first line is the header — `format` (1), `device`, `seq`,
//! `count` (the event lines after it), `checksum` (`xxh64:` and the
//! xxHash64 of every byte after the header line), when it was `created`
//! and by which `writer` — and each following line one event
//! ([`super::event`]). `zstd -dc 000001.jsonl.zst | jq .` reads one.
//!
//! A chunk is read whole or not at all: one that is truncated, half
//! synced, over the size limits or fails its checksum is [`Refusal::Damaged`]
//! (read again next time); one from a newer format is [`Refusal::Newer`];
//! one whose header or events do not check out is [`Refusal::Invalid`].

use std::io::Read;

use serde::{Deserialize, Serialize};

use super::event::{Event, check};

/// The chunk format this iskra writes and reads.
pub const FORMAT: u32 = 1;
/// The largest chunk file read.
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// The most a chunk may hold once decompressed.
pub const MAX_DECODED_BYTES: u64 = 256 << 20;
/// The most events a chunk may hold.
pub const MAX_EVENTS: usize = 200_000;
/// The longest line (one event).
const MAX_LINE_BYTES: usize = 1 << 20;

/// A chunk's first line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: u32,
    pub device: String,
    pub seq: i64,
    pub count: usize,
    pub checksum: String,
    pub created: i64,
    pub writer: String,
}

/// Why a chunk was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Truncated, half synced or corrupt: read again next time.
    Damaged(String),
    /// Written in a newer format than this iskra reads.
    Newer(u32),
    /// Whole, but not what a chunk may hold.
    Invalid(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Damaged(why) => write!(f, "incomplete or damaged ({why}); it is read again at the next sync"),
            Refusal::Newer(format) => write!(
                f,
                "written by a newer iskra (chunk format {format}; this iskra reads format {FORMAT}); update iskra here to read it"
            ),
            Refusal::Invalid(why) => write!(f, "not a valid chunk ({why}); nothing of it was applied"),
        }
    }
}

fn checksum(body: &[u8]) -> String {
    format!("xxh64:{:016x}", twox_hash::XxHash64::oneshot(0, body))
}

/// A chunk's bytes: the header and `events`, compressed. Returns them and
/// the checksum.
pub fn encode(device: &str, seq: i64, created: i64, events: &[Event]) -> std::io::Result<(Vec<u8>, String)> {
    let mut body = Vec::new();
    for event in events {
        serde_json::to_writer(&mut body, event)?;
        body.push(b'\n');
    }
    let header = Header {
        format: FORMAT,
        device: device.to_string(),
        seq,
        count: events.len(),
        checksum: checksum(&body),
        created,
        writer: format!("iskra {}", env!("CARGO_PKG_VERSION")),
    };
    let mut text = serde_json::to_vec(&header)?;
    text.push(b'\n');
    text.extend_from_slice(&body);
    let compressed = ruzstd::encoding::compress_to_vec(&text[..], ruzstd::encoding::CompressionLevel::Fastest);
    Ok((compressed, header.checksum))
}

/// Reads a chunk of `device` named with sequence number `seq`: its header
/// and events, every one checked.
pub fn decode(bytes: &[u8], device: &str, seq: i64) -> Result<(Header, Vec<Event>), Refusal> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Refusal::Invalid(format!(
            "{} bytes, over the limit of {MAX_FILE_BYTES}",
            bytes.len()
        )));
    }
    let decoder = ruzstd::decoding::StreamingDecoder::new(bytes)
        .map_err(|e| Refusal::Damaged(format!("not a Zstandard frame: {e}")))?;
    let mut text = Vec::new();
    decoder
        .take(MAX_DECODED_BYTES + 1)
        .read_to_end(&mut text)
        .map_err(|e| Refusal::Damaged(format!("cannot decompress: {e}")))?;
    if text.len() as u64 > MAX_DECODED_BYTES {
        return Err(Refusal::Invalid(format!(
            "more than {MAX_DECODED_BYTES} bytes decompressed"
        )));
    }
    let Some(end) = text.iter().position(|&b| b == b'\n') else {
        return Err(Refusal::Damaged("no header line".into()));
    };
    let first: serde_json::Value =
        serde_json::from_slice(&text[..end]).map_err(|e| Refusal::Damaged(format!("header: {e}")))?;
    let format = first.get("format").and_then(serde_json::Value::as_u64).unwrap_or(0);
    if format > u64::from(FORMAT) {
        return Err(Refusal::Newer(u32::try_from(format).unwrap_or(u32::MAX)));
    }
    let header: Header = serde_json::from_value(first).map_err(|e| Refusal::Invalid(format!("header: {e}")))?;
    if header.format != FORMAT {
        return Err(Refusal::Invalid(format!("format {}", header.format)));
    }
    let body = &text[end + 1..];
    if checksum(body) != header.checksum {
        return Err(Refusal::Damaged("its checksum does not match".into()));
    }
    if header.device != device || header.seq != seq {
        return Err(Refusal::Invalid(format!(
            "its header names device {} chunk {}, not {device} chunk {seq}",
            crate::text::escape_control(&header.device.chars().take(40).collect::<String>()),
            header.seq
        )));
    }
    if header.count > MAX_EVENTS {
        return Err(Refusal::Invalid(format!(
            "{} events, over the limit of {MAX_EVENTS}",
            header.count
        )));
    }
    let mut events = Vec::with_capacity(header.count);
    for (index, line) in body.split(|&b| b == b'\n').enumerate() {
        if line.is_empty() && index == header.count {
            break;
        }
        if events.len() == header.count || line.len() > MAX_LINE_BYTES {
            return Err(Refusal::Invalid(format!(
                "line {} is over the limit or past the count",
                index + 2
            )));
        }
        let event: Event =
            serde_json::from_slice(line).map_err(|e| Refusal::Invalid(format!("line {}: {e}", index + 2)))?;
        check(&event).map_err(|why| Refusal::Invalid(format!("line {}: {why}", index + 2)))?;
        events.push(event);
    }
    if events.len() != header.count {
        return Err(Refusal::Invalid(format!(
            "{} events where its header says {}",
            events.len(),
            header.count
        )));
    }
    Ok((header, events))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::event::{CardRef, What};

    fn flag(uid: &str, flag: u8) -> Event {
        Event {
            uid: uid.into(),
            at: 1_000,
            card: Some(CardRef {
                deck: "people".into(),
                fact: "lenin".into(),
                template: "basic".into(),
                id: 42,
            }),
            what: What::Flag { flag },
        }
    }

    const DEVICE: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn a_chunk_reads_back_whole_and_refuses_damage_and_newer_formats() {
        let events = vec![flag("a1", 3), flag("a2", 0)];
        let (bytes, sum) = encode(DEVICE, 7, 5_000, &events).unwrap();
        let (header, back) = decode(&bytes, DEVICE, 7).unwrap();
        assert_eq!((header.count, header.checksum, back), (2, sum, events.clone()));

        // Truncated (a half-synced file): damaged, never half read.
        let cut = decode(&bytes[..bytes.len() - 5], DEVICE, 7).unwrap_err();
        assert!(matches!(cut, Refusal::Damaged(_)), "{cut:?}");
        // Named for another device or sequence: invalid.
        assert!(matches!(decode(&bytes, DEVICE, 8), Err(Refusal::Invalid(_))));

        let reencode = |text: &str| {
            ruzstd::encoding::compress_to_vec(text.as_bytes(), ruzstd::encoding::CompressionLevel::Fastest)
        };
        let line = serde_json::to_string(&events[0]).unwrap();
        let header = |format: u32, count: usize, body: &str| {
            format!(
                "{{\"format\":{format},\"device\":\"{DEVICE}\",\"seq\":7,\"count\":{count},\"checksum\":\"{}\",\"created\":1,\"writer\":\"x\"}}\n{body}",
                checksum(body.as_bytes())
            )
        };
        let good = format!("{line}\n");
        assert!(decode(&reencode(&header(1, 1, &good)), DEVICE, 7).is_ok());
        assert_eq!(
            decode(&reencode(&header(2, 1, &good)), DEVICE, 7),
            Err(Refusal::Newer(2))
        );
        // A checksum that does not match what follows.
        let mut bad = header(1, 1, &good);
        bad = bad.replace("\"flag\":3", "\"flag\":4");
        assert!(matches!(decode(&reencode(&bad), DEVICE, 7), Err(Refusal::Damaged(_))));
        // A count that does not match, a field out of range: invalid.
        assert!(matches!(
            decode(&reencode(&header(1, 2, &good)), DEVICE, 7),
            Err(Refusal::Invalid(_))
        ));
        let hostile = format!("{}\n", line.replace("\"flag\":3", "\"flag\":9"));
        let refused = decode(&reencode(&header(1, 1, &hostile)), DEVICE, 7).unwrap_err();
        assert!(
            matches!(&refused, Refusal::Invalid(why) if why.contains("flag 9")),
            "{refused:?}"
        );
        let traversal = format!("{}\n", line.replace("\"people\"", "\"../../etc\""));
        assert!(matches!(
            decode(&reencode(&header(1, 1, &traversal)), DEVICE, 7),
            Err(Refusal::Invalid(_))
        ));
        assert!(matches!(
            decode(b"not zstd at all", DEVICE, 7),
            Err(Refusal::Damaged(_))
        ));
    }
}
