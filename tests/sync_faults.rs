//! Sync faults: a chunk half synced (truncated), one failing its checksum,
//! one from a newer iskra, a syncer's conflict copy, hostile chunks and
//! deck files, two syncs at once, and `kill -9` in the middle of a sync —
//! each leaves the collection and the folder consistent, applies nothing
//! of a bad chunk, and the next sync completes.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::shifted;
use common::sync::{Device, T0, assert_same, carry};

/// The path of a device's chunk `seq` in its own folder.
fn chunk_path(device: &Device, seq: u32) -> PathBuf {
    device
        .folder()
        .join("iskra-sync")
        .join(device.id())
        .join(format!("{seq:06}.jsonl.zst"))
}

fn decompress(bytes: &[u8]) -> String {
    let mut text = String::new();
    ruzstd::decoding::StreamingDecoder::new(bytes)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn compress(text: &str) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(text.as_bytes(), ruzstd::encoding::CompressionLevel::Fastest)
}

/// A chunk's text with its events edited by `edit`, the checksum made to
/// match again (`fix_checksum`) or not.
fn edited(text: &str, edit: impl Fn(&str) -> String, fix_checksum: bool) -> String {
    let (header, body) = text.split_once('\n').unwrap();
    let body = edit(body);
    let mut header: serde_json::Value = serde_json::from_str(header).unwrap();
    if fix_checksum {
        header["checksum"] = format!("xxh64:{:016x}", twox_hash::XxHash64::oneshot(0, body.as_bytes())).into();
    }
    format!("{header}\n{body}")
}

/// A answers three cards and syncs; B is set up and synced, but nothing
/// of A has reached it.
fn two() -> (Device, Device) {
    let (a, b) = (Device::new("A"), Device::new("B"));
    a.run(&shifted(T0, 5), &["review"], "3\n1\n3\n");
    (a, b)
}

/// Puts `bytes` where B's folder keeps A's chunk 1.
fn deliver(a: &Device, b: &Device, name: &str, bytes: &[u8]) -> PathBuf {
    let dir = b.folder().join("iskra-sync").join(a.id());
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// B syncs with a bad chunk of A's in its folder: the sync succeeds, warns
/// with `warning` (a hostile one as "not a valid chunk"), and applies nothing; once the good chunk arrives, the
/// next sync reads it.
fn refused_then_read(bad: impl Fn(&[u8]) -> Vec<u8>, warning: &str) {
    let (a, b) = two();
    let good = std::fs::read(chunk_path(&a, 1)).unwrap();
    let before = b.tables();
    let path = deliver(&a, &b, "000001.jsonl.zst", &bad(&good));
    let run = b.sync(&shifted(T0, 10));
    assert!(run.stderr.contains(warning), "{warning:?} in:\n{}", run.stderr);
    let damaged = run.stderr.contains("incomplete or damaged") || run.stderr.contains("newer iskra");
    assert!(damaged || run.stderr.contains("not a valid chunk"), "{}", run.stderr);
    assert!(!run.stderr.contains('\x1b'), "{}", run.stderr);
    assert_eq!(b.tables(), before, "nothing of a bad chunk is applied");
    b.check();
    std::fs::write(&path, &good).unwrap();
    let run = b.sync(&shifted(T0, 11));
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    carry(&[&a, &b]);
    a.sync(&shifted(T0, 12));
    assert_same(&[&a, &b]);
}

#[test]
fn a_truncated_chunk_is_skipped_and_read_once_whole() {
    refused_then_read(|good| good[..good.len() * 2 / 3].to_vec(), "incomplete or damaged");
}

#[test]
fn a_chunk_failing_its_checksum_is_skipped() {
    refused_then_read(
        |good| {
            let text = decompress(good);
            compress(&edited(
                &text,
                |body| body.replacen("\"rating\":3", "\"rating\":4", 1),
                false,
            ))
        },
        "its checksum does not match",
    );
}

#[test]
fn a_chunk_from_a_newer_iskra_is_refused_with_what_to_do() {
    refused_then_read(
        |good| compress(&decompress(good).replacen("\"format\":1", "\"format\":2", 1)),
        "written by a newer iskra (chunk format 2; this iskra reads format 1); update iskra here",
    );
}

#[test]
fn hostile_chunks_change_nothing_and_reach_the_terminal_escaped() {
    for (edit, why) in [
        (
            Box::new(|body: &str| body.replacen("\"deck\":\"kronstadt\"", "\"deck\":\"../../etc\"", 1))
                as Box<dyn Fn(&str) -> String>,
            "path separator",
        ),
        (
            Box::new(|body: &str| body.replacen("\"rating\":3", "\"rating\":9", 1)),
            "rating 9",
        ),
        (
            Box::new(|body: &str| body.replacen("\"uid\":\"", "\"uid\":\"\\u001b[2J", 1)),
            "uid",
        ),
        (
            Box::new(|body: &str| body.replacen("\"stability\":", "\"stability\":1e300,\"x\":", 1)),
            "stability",
        ),
        (
            Box::new(|body: &str| format!("{body}{{\"uid\":\"extra\"}}\n")),
            "past the count",
        ),
    ] {
        refused_then_read(|good| compress(&edited(&decompress(good), &edit, true)), why);
    }
}

#[test]
fn a_syncers_conflict_copy_adds_nothing_twice() {
    let (a, b) = two();
    carry(&[&a, &b]);
    let good = std::fs::read(chunk_path(&a, 1)).unwrap();
    deliver(&a, &b, "000001.sync-conflict-20260310-101010-ABCDEFG.jsonl.zst", &good);
    let run = b.sync(&shifted(T0, 10));
    assert!(run.stdout.contains("is a syncer's copy of chunk 1"), "{}", run.stdout);
    carry(&[&a, &b]);
    a.sync(&shifted(T0, 11));
    assert_same(&[&a, &b]);
    assert_eq!(b.log_uids().len(), 3);
    let again = b.sync(&shifted(T0, 12));
    assert!(again.stdout.starts_with("sync: up to date"), "{}", again.stdout);
}

#[test]
fn hostile_deck_files_are_not_built_or_followed() {
    let (a, b) = two();
    let dir = b.folder().join("iskra-sync").join("decks").join(a.id());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bad.deck"), "# Bad \x1b[31mred\n## x\nq: \x1b]0;owned\x07?\n").unwrap();
    std::fs::write(dir.join("..hidden.deck"), "# H\n## x\nq: x?\na: y\n").unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.join("passwd.deck")).unwrap();
    // B's own deck of that key is never replaced by the folder's.
    std::fs::write(dir.join("kronstadt.deck"), "# Not mine\n## x\nq: x?\na: y\n").unwrap();
    let before = b.tables();
    let run = b.sync(&shifted(T0, 10));
    assert!(!run.stderr.contains('\x1b') && !run.stdout.contains('\x1b'), "{run:?}");
    assert!(run.stderr.contains("not a deck file iskra reads"), "{}", run.stderr);
    assert!(run.stdout.contains("this collection has its own"), "{}", run.stdout);
    assert_eq!(b.tables(), before);
    assert_eq!(b.s.count("SELECT count(*) FROM decks"), 1);
}

#[test]
fn two_syncs_at_once_wait_for_the_lock() {
    let (a, _) = two();
    let lock = {
        let mut name = a.s.db.as_os_str().to_owned();
        name.push(".sync-lock");
        PathBuf::from(name)
    };
    // A live process holds the lock (this test's own).
    std::fs::write(
        &lock,
        format!("{} {} {}\n", std::process::id(), host(), 1_773_136_800_000i64),
    )
    .unwrap();
    let run = a.s.run_at(&shifted(T0, 1), &["sync"], "").fails();
    assert!(run.stderr.contains("another iskra"), "{}", run.stderr);
    // Its process gone: the lock is stale and taken over.
    std::fs::write(&lock, format!("999999999 {} 1773136800000\n", host())).unwrap();
    a.sync(&shifted(T0, 2));
    assert!(!lock.exists(), "the lock is released");
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// A deck of `n` facts.
fn big_deck(n: usize) -> String {
    let mut text = String::from("# Big\n");
    for i in 0..n {
        text.push_str(&format!(
            "\n## f{i}\nq: Question {i}?\na: Answer {i}\ncards: basic reverse\n"
        ));
    }
    text
}

/// Every uid of the chunks in `dir`, with how often it occurs.
fn chunk_uids(dir: &Path) -> Vec<String> {
    let mut uids = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return uids; // no chunk written yet
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".jsonl.zst") || name.starts_with('.') {
            continue;
        }
        let text = decompress(&std::fs::read(entry.path()).unwrap());
        for line in text.lines().skip(1) {
            let event: serde_json::Value = serde_json::from_str(line).unwrap();
            if event["type"] != "config" {
                uids.push(event["uid"].as_str().unwrap().to_string());
            }
        }
    }
    uids
}

/// Starts `iskra sync` and kills it with SIGKILL after `delay`; true when
/// it was still running then.
fn killed_sync(device: &Device, delay: Duration) -> bool {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_iskra"))
        .current_dir(device.s.dir.path())
        .env("ISKRA_NOW", shifted(T0, 30))
        .env("TZ", "UTC")
        .env("HOME", device.s.dir.path())
        .args(["--collection", &device.s.db.display().to_string(), "sync"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    running
}

#[test]
fn kill_9_during_a_sync_loses_nothing_and_the_rerun_completes() {
    let facts = 2_000;
    let setup = |name| {
        let device = Device::new(name);
        device.s.write("big.deck", big_deck(facts));
        device.run(T0, &["build", "big.deck"], "");
        device
    };
    let (a, b) = (setup("A"), setup("B"));
    // 8,000 events on A: every card flagged, then suspended.
    a.run(&shifted(T0, 1), &["flag", "2", "--search", "deck:big"], "");
    a.run(&shifted(T0, 2), &["suspend", "--search", "deck:big"], "");
    let mut interrupted = 0;
    for (device, peer) in [(&a, &b), (&b, &a)] {
        for delay in [40, 120, 250, 400, 700, 1_000] {
            carry(&[device, peer]);
            interrupted += usize::from(killed_sync(device, Duration::from_millis(delay)));
            device.check();
            // Whatever the folder holds of this device is whole, and each event once.
            let uids = chunk_uids(&device.folder().join("iskra-sync").join(device.id()));
            let distinct: std::collections::BTreeSet<&String> = uids.iter().collect();
            assert_eq!(uids.len(), distinct.len(), "an event written twice");
        }
        carry(&[device, peer]);
        device.sync(&shifted(T0, 31));
    }
    eprintln!("{interrupted} of 12 kills landed during a sync");
    assert!(interrupted >= 2, "only {interrupted} kills landed during a sync");
    carry(&[&a, &b]);
    a.sync(&shifted(T0, 32));
    assert_same(&[&a, &b]);
    assert_eq!(
        b.s.count("SELECT count(*) FROM cards WHERE flag = 2 AND queue = -1"),
        2 * facts as i64
    );
    let uids = chunk_uids(&a.folder().join("iskra-sync").join(a.id()));
    assert_eq!(uids.len(), 4 * facts, "every event of A written once");
}
