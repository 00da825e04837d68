//! Devices for the sync tests: each a collection with its own copy of the
//! shared folder (as Syncthing or Dropbox keeps one on each machine);
//! [`carry`] plays the syncer, copying every file one folder has and
//! another has not. A device is offline while nothing carries its files.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{Run, Scratch};

/// A deck both devices build from the same file: 8 facts, 9 cards.
pub const DECK: &str = "# Kronstadt 1921

## year
q: In which year did the Kronstadt sailors revolt?
a: 1921

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

## congress
q: Which party congress met during the revolt?
a: The Tenth

## nep
q: Which policy followed the revolt?
a: The NEP

## petrichenko
q: Who chaired the sailors' revolutionary committee?
a: Petrichenko
";

/// The first instant of the tests: a Tuesday, 10:00 UTC.
pub const T0: &str = "2026-03-10T10:00:00Z";

/// The id every device gives the card of `fact` (basic template) in [`DECK`].
pub fn card(fact: &str) -> String {
    iskra::ids::card_id("kronstadt", fact, "basic", 0).to_string()
}

/// A collection and its copy of the shared folder.
pub struct Device {
    pub s: Scratch,
    pub name: &'static str,
}

/// The deck file `mine` of the schema-3 fixture's user.
pub const MINE_DECK: &str = "# Mine\n\n## one\nq: One?\na: 1\n\n## two\nq: Two?\na: 2\ncards: basic reverse\n";

impl Device {
    /// A device whose collection is not made yet, its folder not either.
    pub fn blank(name: &'static str) -> Device {
        Device {
            s: Scratch::new(),
            name,
        }
    }

    /// The schema-3 fixture collection as a device (bundled decks, `mine`
    /// from a file, `spanish-verbs` imported from Anki with history), its
    /// folder not made yet.
    pub fn schema_3_fixture(name: &'static str) -> Device {
        let device = Device::blank(name);
        std::fs::copy(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/collection-v3.sqlite3"),
            &device.s.db,
        )
        .unwrap();
        device
    }

    /// A new machine of the fixture's user: the bundled decks and `mine`
    /// built, its folder made, never synced.
    pub fn with_mine(name: &'static str) -> Device {
        let device = Device::blank(name);
        device.s.write("mine.deck", MINE_DECK);
        device.run(T0, &["status"], "");
        device.run(T0, &["build", "mine.deck"], "");
        std::fs::create_dir(device.folder()).unwrap();
        device
    }

    /// A device that built [`DECK`] at [`T0`] and synced once with its folder.
    pub fn new(name: &'static str) -> Device {
        let device = Device::blank(name);
        device.s.write("kronstadt.deck", DECK);
        device.s.run_at(T0, &["build", "kronstadt.deck"], "").ok();
        std::fs::create_dir(device.folder()).unwrap();
        let folder = device.folder().display().to_string();
        device.s.run_at(T0, &["sync", &folder], "").ok();
        device
    }

    /// Its copy of the shared folder.
    pub fn folder(&self) -> PathBuf {
        self.s.path("folder")
    }

    /// `iskra sync` at `now`, which must succeed.
    pub fn sync(&self, now: &str) -> Run {
        self.s.run_at(now, &["sync"], "").ok()
    }

    /// `iskra ARGS` at `now` with `stdin`, which must succeed.
    pub fn run(&self, now: &str, args: &[&str], stdin: &str) -> Run {
        self.s.run_at(now, args, stdin).ok()
    }

    /// Its device id.
    pub fn id(&self) -> String {
        self.s
            .db()
            .query_row("SELECT device FROM sync_devices WHERE local = 1", [], |r| r.get(0))
            .unwrap()
    }

    /// The uids of its review log.
    pub fn log_uids(&self) -> BTreeSet<String> {
        let conn = self.s.db();
        let mut stmt = conn.prepare("SELECT uid FROM review_log").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    }

    /// Its cards and review log, row by row, but for local row ids (a card
    /// names its fact and deck by key; log rows are in uid order).
    pub fn tables(&self) -> String {
        let conn = self.s.db();
        let mut out = String::new();
        for sql in [
            "SELECT c.id, d.key, f.key, c.template, c.front, c.back, c.answer, c.state, c.queue, c.due,
                    c.remaining_steps, c.stability, c.difficulty, c.interval, c.last_review_day, c.reps, c.lapses,
                    c.buried_day, c.retired, c.flag, c.leech, c.added_ms, c.search_text
             FROM cards c JOIN facts f ON f.id = c.fact_id JOIN decks d ON d.id = c.deck_id ORDER BY c.id",
            "SELECT uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days, state_before, due_before,
                    stability_before, difficulty_before, interval_before, state_after, due_after, stability_after,
                    difficulty_after, interval_after
             FROM review_log ORDER BY uid",
        ] {
            let mut stmt = conn.prepare(sql).unwrap();
            let columns = stmt.column_count();
            let mut rows = stmt.query([]).unwrap();
            while let Some(row) = rows.next().unwrap() {
                let values: Vec<String> = (0..columns)
                    .map(|i| format!("{:?}", row.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect();
                out.push_str(&values.join("|"));
                out.push('\n');
            }
            out.push_str("==\n");
        }
        out
    }

    /// `iskra check`, which must pass.
    pub fn check(&self) {
        let run = self.s.run_at(T0, &["check"], "");
        assert_eq!(run.code, 0, "{}: check failed:\n{}", self.name, run.stdout);
        assert!(!run.stdout.contains("PROBLEM"), "{}", run.stdout);
    }
}

/// Every file under `root`, relative to it; hidden (temporary) files left out.
fn files(root: &Path) -> BTreeSet<PathBuf> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeSet<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(root, root, &mut out);
    out
}

/// Plays the syncer between the devices' folders: a file one has and
/// another has not is copied; a file both have (a deck file its device
/// rewrote) takes the newer copy.
pub fn carry(devices: &[&Device]) {
    for from in devices {
        for to in devices {
            if std::ptr::eq(*from, *to) {
                continue;
            }
            for file in files(&from.folder()) {
                let (source, target) = (from.folder().join(&file), to.folder().join(&file));
                let newer = match (std::fs::metadata(&source), std::fs::metadata(&target)) {
                    (Ok(s), Ok(t)) => {
                        s.modified().unwrap() > t.modified().unwrap()
                            && std::fs::read(&source).unwrap() != std::fs::read(&target).unwrap()
                    }
                    (Ok(_), Err(_)) => true,
                    _ => false,
                };
                if newer {
                    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                    std::fs::copy(&source, &target).unwrap();
                }
            }
        }
    }
}

/// Syncs the devices one after another in `order` (indexes), the syncer
/// carrying the files before each.
pub fn sync_in_order(devices: &[&Device], order: &[usize], now: &str) {
    for &i in order {
        carry(devices);
        devices[i].sync(now);
    }
    carry(devices);
}

/// Asserts that every device holds the same cards and log.
#[track_caller]
pub fn assert_same(devices: &[&Device]) {
    let first = devices[0].tables();
    for device in &devices[1..] {
        let other = device.tables();
        if other != first {
            let diff: Vec<String> = first
                .lines()
                .zip(other.lines())
                .filter(|(a, b)| a != b)
                .take(6)
                .map(|(a, b)| format!("  {}: {a}\n  {}: {b}", devices[0].name, device.name))
                .collect();
            panic!(
                "{} and {} differ ({} and {} lines):\n{}",
                devices[0].name,
                device.name,
                first.lines().count(),
                other.lines().count(),
                diff.join("\n")
            );
        }
    }
}
