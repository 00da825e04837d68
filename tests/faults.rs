//! Faults: processes killed mid-session, two sessions on one collection, a
//! writer holding the lock, read-only and full disks, clocks that jump, and
//! the backups, `check` and `restore` that recover from bad files. Each test
//! runs the real binary on a temporary collection.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use common::{NOW, Scratch, checkpoint, num, open_read_only, shifted};

// ---------------------------------------------------------------------------
// Helpers

/// A deck of `n` question/answer facts.
fn deck(name: &str, n: usize) -> String {
    let mut text = format!("# {name}\n");
    for i in 0..n {
        text.push_str(&format!("\n## f{i}\nq: Question {i} of {name}?\na: Answer {i}\n"));
    }
    text
}

/// A small deterministic random source (xorshift), so failures replay.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A running `iskra` speaking the line protocol, read line by line.
struct Live {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    seen: Vec<String>,
}

/// How long a test waits for one line of output.
const LINE_TIMEOUT: Duration = Duration::from_secs(30);

impl Live {
    fn spawn(s: &Scratch, now: &str, args: &[&str]) -> Live {
        let mut child = iskra(s, now)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn iskra");
        let (tx, lines) = channel();
        let stdout = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        Live {
            child,
            stdin,
            lines,
            seen: Vec::new(),
        }
    }

    /// Sends one protocol line (a closed pipe is ignored: the process may be gone).
    fn send(&mut self, line: &str) {
        if let Some(stdin) = &mut self.stdin {
            let _ = writeln!(stdin, "{line}").and_then(|()| stdin.flush());
        }
    }

    /// Reads lines until one starts with `prefix`; returns it.
    #[track_caller]
    fn wait_for(&mut self, prefix: &str) -> String {
        loop {
            match self.lines.recv_timeout(LINE_TIMEOUT) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.starts_with(prefix) {
                        return line;
                    }
                }
                Err(e) => panic!("waiting for {prefix:?}: {e}; output so far:\n{}", self.seen.join("\n")),
            }
        }
    }

    /// SIGKILL, then reap.
    fn kill(mut self) {
        self.child.kill().expect("kill iskra");
        self.child.wait().expect("reap iskra");
    }

    /// Closes stdin (end of input quits), waits; returns (exit code, stdout lines, stderr).
    fn finish(mut self) -> (i32, Vec<String>, String) {
        drop(self.stdin.take());
        let mut stderr = String::new();
        if let Some(mut err) = self.child.stderr.take() {
            std::io::Read::read_to_string(&mut err, &mut stderr).expect("read stderr");
        }
        let status = self.child.wait().expect("wait for iskra");
        self.seen.extend(self.lines.iter());
        (status.code().unwrap_or(-1), self.seen, stderr)
    }
}

/// `iskra --collection DB` at `now`, in UTC, without colour (as `Scratch::command`).
fn iskra(s: &Scratch, now: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iskra"));
    cmd.current_dir(s.dir.path())
        .env_remove("ISKRA_COLLECTION")
        .env("ISKRA_NOW", now)
        .env("NO_COLOR", "1")
        .env("TZ", "UTC")
        .env("HOME", s.dir.path())
        .env("XDG_DATA_HOME", s.dir.path().join("xdg"))
        .arg("--collection")
        .arg(&s.db);
    cmd
}

fn integrity(path: &Path) -> String {
    open_read_only(path)
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap_or_else(|e| format!("cannot check: {e}"))
}

/// Every card's review count equals its log rows, and each card's log is a
/// chain: an answer starts from the state the previous one left.
#[track_caller]
fn assert_log_consistent(db: &Path) {
    let conn = open_read_only(db);
    let mismatched: i64 = conn
        .query_row(
            "SELECT count(*) FROM cards c WHERE c.reps != (SELECT count(*) FROM review_log l WHERE l.card_id = c.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(mismatched, 0, "cards whose review count differs from their log");
    let broken: i64 = conn
        .query_row(
            "SELECT count(*) FROM review_log l JOIN review_log p ON p.card_id = l.card_id
               AND p.id = (SELECT max(id) FROM review_log WHERE card_id = l.card_id AND id < l.id)
             WHERE l.state_before != p.state_after OR l.due_before != p.due_after",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        broken, 0,
        "log rows that do not start where the previous answer left the card"
    );
    let first_not_new: i64 = conn
        .query_row(
            "SELECT count(*) FROM review_log l WHERE l.state_before != 0
               AND l.id = (SELECT min(id) FROM review_log WHERE card_id = l.card_id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(first_not_new, 0, "a card's first answer must find it new");
    let last_differs: i64 = conn
        .query_row(
            "SELECT count(*) FROM cards c JOIN review_log l ON l.card_id = c.id
               AND l.id = (SELECT max(id) FROM review_log WHERE card_id = c.id)
             WHERE l.state_after != c.state OR l.due_after != c.due",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(last_differs, 0, "cards not in the state their last answer left");
}

fn log_rows(s: &Scratch) -> i64 {
    s.count("SELECT count(*) FROM review_log")
}

/// Runs as root (where file permissions do not stop writes)?
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    let probe = tempfile::NamedTempFile::new().expect("temp file");
    probe.as_file().metadata().expect("metadata").uid() == 0
}

/// Root in a container without the right to mount: permissions do not stop
/// root, so the case cannot be made here. Said loudly; the file-size-limit
/// test still covers a write that fails for lack of room.
fn cannot_mount(case: &str) {
    eprintln!("NOTE: running as root without the right to mount: {case} not tested here");
}

/// A tmpfs mounted for one test, unmounted when dropped. `None` where
/// mounting is not permitted (not root, or a container without the right).
struct Mount {
    at: PathBuf,
}

impl Mount {
    fn tmpfs(at: &Path, size_kb: u32) -> Option<Mount> {
        std::fs::create_dir_all(at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_kb}k"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Mount { at: at.to_path_buf() })
    }

    /// Makes `path` (a file or this mount) read-only with a bind mount.
    fn read_only(path: &Path) -> Option<Mount> {
        let bind = Command::new("mount").arg("--bind").arg(path).arg(path).status();
        if !bind.is_ok_and(|s| s.success()) {
            return None;
        }
        let mount = Mount { at: path.to_path_buf() };
        let ro = Command::new("mount")
            .args(["-o", "remount,bind,ro"])
            .arg(path)
            .status()
            .is_ok_and(|s| s.success());
        ro.then_some(mount)
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.at).status();
    }
}

// ---------------------------------------------------------------------------
// Killed mid-session

#[test]
fn killed_sessions_keep_exactly_the_acknowledged_answers() {
    let s = Scratch::new();
    s.write("many.deck", deck("Many", 80));
    s.build(&["many.deck"]);
    s.run(&["config", "new-per-day", "1000"]).ok();
    let mut rng = Rng(0x5eed_2026_0310);
    let grade = |rng: &mut Rng| ["1", "1", "1", "2", "3"][rng.below(5) as usize];
    let (mut logged, mut in_flight_kept, mut in_flight_lost) = (0, 0, 0);
    for i in 0..100 {
        // A minute later each time, so learning cards come due again.
        let now = shifted(NOW, i);
        let mut p = Live::spawn(&s, &now, &["review"]);
        let mode = rng.below(4);
        let mut acked = 0;
        let mut in_flight = false;
        if mode == 0 {
            // Killed while starting: opening, the daily backup, the first card.
            std::thread::sleep(Duration::from_millis(rng.below(60)));
        } else {
            p.wait_for("Q: ");
            for _ in 0..rng.below(4) {
                p.send(grade(&mut rng));
                p.wait_for("answered: ");
                acked += 1;
            }
            if mode < 3 {
                // A grade is sent and the kill follows at once or within 8 ms:
                // before, during or after its commit.
                p.send(grade(&mut rng));
                in_flight = true;
                if mode == 2 {
                    std::thread::sleep(Duration::from_micros(rng.below(8000)));
                }
            }
        }
        p.kill();
        assert_eq!(integrity(&s.db), "ok", "iteration {i}");
        let now_logged = log_rows(&s);
        assert!(
            now_logged >= logged + acked && now_logged <= logged + acked + i64::from(in_flight),
            "iteration {i} (mode {mode}): {logged} rows before, {acked} acknowledged, in flight {in_flight}, {now_logged} rows now"
        );
        if in_flight {
            if now_logged > logged + acked {
                in_flight_kept += 1;
            } else {
                in_flight_lost += 1;
            }
        }
        logged = now_logged;
    }
    eprintln!("100 kills: {logged} answers logged; in-flight answers kept {in_flight_kept}, lost {in_flight_lost}");
    assert!(
        logged > 50,
        "the sessions answered too little to test anything: {logged}"
    );
    assert_log_consistent(&s.db);
    // The collection opens and works; every backup listed is sound.
    s.run(&["check"]).ok();
    let status = s.status_at(&shifted(NOW, 100));
    assert_eq!(status["decks"][0]["total"], 80);
    for backup in std::fs::read_dir(s.path("backups")).unwrap() {
        let path = backup.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            assert_eq!(integrity(&path), "ok", "{name}");
        }
    }
}

// ---------------------------------------------------------------------------
// Two sessions at once

#[test]
fn two_sessions_answering_the_same_card_both_count() {
    let s = Scratch::new();
    s.write("pair.deck", deck("Pair", 20));
    s.build(&["pair.deck"]);
    let mut a = Live::spawn(&s, NOW, &["review"]);
    let mut b = Live::spawn(&s, NOW, &["review"]);
    let (qa, qb) = (a.wait_for("Q: "), b.wait_for("Q: "));
    assert_eq!(qa, qb, "both sessions show the first new card");
    a.send("3");
    assert_eq!(a.wait_for("answered: "), "answered: Good · next in 10m");
    // B still shows the card as new; its answer applies to the card as A left it.
    b.send("3");
    let second = b.wait_for("answered: ");
    assert!(
        second.starts_with("answered: Good · next in ") && second.ends_with('d'),
        "the second Good graduates the card: {second}"
    );
    // A cannot take its answer back from under B's: refused, and said so.
    a.send("u");
    a.wait_for("not undone: another iskra session answered this card after you");
    for p in [a, b] {
        let (code, _, stderr) = p.finish();
        assert_eq!(code, 0, "{stderr}");
        assert!(stderr.is_empty(), "{stderr}");
    }
    let question = qa.strip_prefix("Q: ").unwrap().replace('\'', "''");
    let card = format!("(SELECT id FROM cards WHERE front = '{question}')");
    assert_eq!(s.count(&format!("SELECT reps FROM cards WHERE id = {card}")), 2);
    assert_eq!(
        s.count(&format!("SELECT state FROM cards WHERE id = {card}")),
        2,
        "graduated"
    );
    assert_eq!(log_rows(&s), 2);
    assert_log_consistent(&s.db);
}

#[test]
fn two_sessions_answering_at_full_speed_lose_nothing() {
    let s = Scratch::new();
    s.write("pair.deck", deck("Pair", 40));
    s.build(&["pair.deck"]);
    s.run(&["config", "new-per-day", "1000"]).ok();
    let mut rng = Rng(77);
    let mut sessions = Vec::new();
    for _ in 0..2 {
        let mut p = Live::spawn(&s, NOW, &["review"]);
        let input: Vec<&str> = (0..60).map(|_| ["1", "2", "3", "4"][rng.below(4) as usize]).collect();
        for line in input {
            p.send(line);
        }
        p.send("q");
        sessions.push(p);
    }
    let mut answered = 0;
    for p in sessions {
        let (code, lines, stderr) = p.finish();
        assert_eq!(code, 0, "{stderr}");
        assert!(stderr.is_empty(), "no error, not even busy: {stderr}");
        answered += lines.iter().filter(|l| l.starts_with("answered: ")).count() as i64;
    }
    assert!(answered >= 100, "{answered}");
    assert_eq!(
        log_rows(&s),
        answered,
        "every acknowledged answer is logged, and nothing else"
    );
    assert_log_consistent(&s.db);
}

#[test]
fn a_writer_holding_the_lock_is_waited_for_then_reported_as_busy() {
    let s = Scratch::new();
    s.write("one.deck", deck("One", 5));
    s.build(&["one.deck"]);
    s.run(&["status"]).ok(); // today's backup, so the runs below only wait for the lock

    // Held for a second: iskra waits and answers.
    let holder = rusqlite::Connection::open(&s.db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(1));
        holder.execute_batch("COMMIT").unwrap();
    });
    let run = s.run_at(NOW, &["review"], "3\n").ok();
    assert_eq!(run.answered(), 1);
    release.join().unwrap();

    // Held longer than iskra waits (5 s): a clear message and nothing written.
    let holder = rusqlite::Connection::open(&s.db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let run = s.run_at(NOW, &["review"], "3\n").fails();
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("the collection is busy") && run.stderr.contains("try again"),
        "{}",
        run.stderr
    );
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert_eq!(log_rows(&s), 1);
    assert_eq!(s.review_at(NOW, "3\n").answered(), 1);
    assert_eq!(log_rows(&s), 2);
}

// ---------------------------------------------------------------------------
// Read-only and full disks

/// Commands that write are refused with a clear error; `check` still reads.
#[track_caller]
fn assert_refused_untouched(s: &Scratch, before: &[u8]) {
    for args in [&["status"][..], &["review"], &["build", "one.deck"]] {
        let run = s.run_at(&shifted(NOW, 24 * 60), args, "3\n").fails();
        assert!(run.stderr.contains("for writing"), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("hint:"), "{}", run.stderr);
    }
    assert_eq!(std::fs::read(&s.db).unwrap(), before, "the file was changed");
    let check = s.run(&["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
}

/// A collection whose file, or whose whole directory, cannot be written.
#[test]
fn a_read_only_collection_is_refused_untouched() {
    let s = Scratch::new();
    s.write("one.deck", deck("One", 3));
    s.build(&["one.deck"]);
    s.review_at(NOW, "3\n");
    checkpoint(&s.db);
    let before = std::fs::read(&s.db).unwrap();

    // The file alone.
    if is_root() {
        // Permissions do not stop root: a read-only bind mount of the file does.
        let Some(ro) = Mount::read_only(&s.db) else {
            return cannot_mount("a read-only collection");
        };
        assert_refused_untouched(&s, &before);
        drop(ro);
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&s.db, std::fs::Permissions::from_mode(0o444)).unwrap();
        assert_refused_untouched(&s, &before);
        std::fs::set_permissions(&s.db, std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    // The whole directory: a read-only file system.
    let dir = s.path("ro");
    let collection = dir.join("collection.sqlite3");
    let t = Scratch {
        dir: tempfile::tempdir().unwrap(),
        db: collection.clone(),
    };
    t.write("one.deck", deck("One", 3));
    if is_root() {
        let Some(fs) = Mount::tmpfs(&dir, 4096) else {
            return cannot_mount("a read-only directory");
        };
        std::fs::copy(&s.db, &collection).unwrap();
        let ro = Mount::read_only(&dir).expect("a tmpfs we mounted can be remounted read-only");
        assert_refused_untouched(&t, &before);
        drop(ro);
        drop(fs);
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(&s.db, &collection).unwrap();
        std::fs::set_permissions(&collection, std::fs::Permissions::from_mode(0o444)).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        assert_refused_untouched(&t, &before);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// A deck big enough that building it needs far more room than is left.
fn big_deck() -> String {
    let mut text = String::from("# Big\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "\n## b{i}\nq: Big question {i} {}?\na: Big answer {i}\n",
            "x".repeat(400)
        ));
    }
    text
}

/// A small collection, checkpointed (no -wal), in `dir`.
fn small_collection(s: &Scratch) -> String {
    s.write("one.deck", deck("One", 1500));
    s.build(&["one.deck"]);
    s.review_at(NOW, "3\n3\n");
    checkpoint(&s.db);
    s.write("big.deck", big_deck());
    s.dump()
}

#[test]
fn a_full_disk_is_a_clear_error_and_writes_nothing() {
    if !is_root() {
        eprintln!("note: not root, so no tmpfs; `a_file_size_limit_is_a_clear_error_and_writes_nothing` covers this");
        return;
    }
    let base = tempfile::tempdir().unwrap();
    let Some(disk) = Mount::tmpfs(&base.path().join("disk"), 2048) else {
        return cannot_mount("a full disk");
    };
    let s = Scratch {
        dir: tempfile::tempdir().unwrap(),
        db: disk.at.join("collection.sqlite3"),
    };
    // Build the collection elsewhere, then put it on the small disk.
    let home = Scratch::new();
    let dump = small_collection(&home);
    std::fs::copy(&home.db, &s.db).unwrap();
    std::fs::write(s.path("big.deck"), big_deck()).unwrap();
    // Fill the disk but for ~100 KB: less than a backup needs.
    let free = |path: &Path| {
        let out = Command::new("df")
            .arg("-k")
            .arg("--output=avail")
            .arg(path)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .nth(1)
            .unwrap()
            .trim()
            .parse::<u64>()
            .unwrap()
    };
    let filler = disk.at.join("filler");
    std::fs::write(
        &filler,
        vec![0u8; ((free(&disk.at).saturating_sub(100)) * 1024) as usize],
    )
    .unwrap();

    // The day's backup cannot be written: a warning, and the command goes on.
    let next_day = shifted(NOW, 24 * 60);
    let status = s.run_at(&next_day, &["status"], "").ok();
    assert!(status.stdout.contains("Study day 2026-03-11"), "{}", status.stdout);
    assert!(
        status.stderr.contains("warning: could not back up the collection"),
        "{}",
        status.stderr
    );
    assert!(status.stderr.contains("hint:"), "{}", status.stderr);
    let leftovers: Vec<_> = std::fs::read_dir(disk.at.join("backups")).map_or(Vec::new(), |d| d.collect());
    assert!(leftovers.is_empty(), "a failed backup leaves nothing: {leftovers:?}");

    // Building a big deck needs more room than there is: refused, nothing stored.
    let run = s.run_at(&next_day, &["build", "big.deck"], "").fails();
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("disk is full"), "{}", run.stderr);
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
    std::fs::remove_file(&filler).unwrap();
    assert_eq!(integrity(&s.db), "ok");
    assert_eq!(s.dump(), dump, "the collection changed");
    drop(s);
    drop(disk);
}

#[test]
fn a_file_size_limit_is_a_clear_error_and_writes_nothing() {
    let s = Scratch::new();
    let dump = small_collection(&s);
    // `ulimit -f` (in 512-byte blocks) caps every file iskra writes at 256 KB:
    // the backup and the write-ahead log of a big build cannot grow past it.
    let limited = |now: &str, args: &[&str]| {
        let out = Command::new("sh")
            .arg("-c")
            .arg("trap '' XFSZ; ulimit -f 512; exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_iskra"))
            .args(["--collection".as_ref(), s.db.as_os_str()])
            .args(args)
            .current_dir(s.dir.path())
            .env("ISKRA_NOW", now)
            .env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let before = std::fs::metadata(&s.db).unwrap().len();
    assert!(
        before > 256 * 1024,
        "the collection must outgrow the limit: {before} bytes"
    );
    let next_day = shifted(NOW, 24 * 60);
    let (code, stderr) = limited(&next_day, &["status"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("warning: could not back up the collection"), "{stderr}");
    let (code, stderr) = limited(&next_day, &["build", "big.deck"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("hint:"), "{stderr}");
    assert!(stderr.contains("the change was not stored"), "{stderr}");
    assert_eq!(integrity(&s.db), "ok");
    assert_eq!(s.dump(), dump, "the collection changed");
}

// ---------------------------------------------------------------------------
// Clock

/// The review log's times, due values and intervals make sense.
#[track_caller]
fn assert_sane_log(s: &Scratch) {
    let bad = s.count(
        "SELECT count(*) FROM review_log WHERE elapsed_days < 0 OR interval_after < 0
           OR (state_after IN (1, 3) AND due_after < reviewed_at_ms)
           OR (state_after = 2 AND interval_after < 1)",
    );
    assert_eq!(bad, 0, "log rows with negative or backward values");
}

#[test]
fn a_clock_moving_backwards_keeps_today_and_intervals_sane() {
    let s = Scratch::new();
    s.write("one.deck", deck("One", 3));
    s.build(&["one.deck"]);
    // 10:00: Good on a new card; it is due again at 10:10.
    let run = s.review_at(NOW, "3\nq\n");
    assert_eq!(run.answered(), 1);
    // The clock goes back to 09:55: the learning card is within the 20 minutes
    // of learn-ahead and is answered "before" its first answer.
    let earlier = shifted(NOW, -5);
    assert_eq!(s.status_at(&earlier)["study_day"], "2026-03-10");
    let run = s.review_at(&earlier, "3\n3\n3\n3\n3\n3\nq\n");
    assert!(run.answered() >= 2, "{}", run.stdout);
    // Two days back: "today" follows the clock, nothing negative is stored.
    let days_back = shifted(NOW, -2 * 24 * 60);
    let status = s.status_at(&days_back);
    assert_eq!(status["study_day"], "2026-03-08");
    let deck = &status["decks"][0];
    assert!(num(deck, "due_now") >= 0 && num(deck, "learning") >= 0, "{deck:#}");
    // A recorded quiz answers any card, even one last reviewed "in the future".
    let quiz = s
        .run_at(
            &days_back,
            &["quiz", "--record", "--mode", "typed", "--count", "3", "--seed", "1"],
            "x\nx\nx\n",
        )
        .ok();
    assert!(quiz.stdout.contains("Score:"), "{}", quiz.stdout);
    assert_sane_log(&s);
    assert_eq!(
        s.count("SELECT count(*) FROM review_log WHERE reviewed_at_ms < (SELECT max(reviewed_at_ms) FROM review_log)"),
        log_rows(&s) - 1,
        "the later answers carry the earlier times"
    );
    assert_log_consistent(&s.db);
    s.run_at(&days_back, &["check"], "").ok();
}

/// `status --json` at `now` in time zone `tz`.
fn status_in(s: &Scratch, tz: &str, now: &str) -> serde_json::Value {
    let out = iskra(s, now).env("TZ", tz).args(["status", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn review_in(s: &Scratch, tz: &str, now: &str, input: &str) -> String {
    let mut child = iskra(s, now)
        .env("TZ", tz)
        .arg("review")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A time zone by its tz-database name, or the same rules as a POSIX `TZ`
/// string where the machine has no tz database.
fn zone(name: &'static str, posix: &'static str) -> &'static str {
    if Path::new("/usr/share/zoneinfo").join(name).exists() {
        name
    } else {
        posix
    }
}

#[test]
fn a_daylight_saving_change_during_learning_steps_keeps_steps_and_days() {
    // Berlin springs forward on 2026-03-29 at 01:00 UTC (02:00 CET -> 03:00 CEST).
    let berlin = zone("Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3");
    let s = Scratch::new();
    s.write("one.deck", deck("One", 1));
    s.build(&["one.deck"]);
    // Without Anki's random step delay the step is exactly 10 minutes.
    s.run(&["config", "learn-step-delay", "off"]).ok();
    // 01:55 local (00:55 UTC): Good, the 10-minute step crosses the change.
    let out = review_in(&s, berlin, "2026-03-29T00:55:00Z", "3\nq\n");
    assert!(out.contains("answered: Good · next in 10m"), "{out}");
    assert_eq!(
        s.count("SELECT due FROM cards"),
        chrono::DateTime::parse_from_rfc3339("2026-03-29T01:05:00Z")
            .unwrap()
            .timestamp_millis(),
        "a step is real time, not wall-clock time"
    );
    let st = status_in(&s, berlin, "2026-03-29T01:04:00Z");
    assert_eq!(
        st["study_day"], "2026-03-28",
        "03:04 CEST is before the 04:00 day start"
    );
    assert_eq!(num(&st["decks"][0], "due_now"), 0);
    // 03:05 CEST: the step is done; Good graduates the card.
    let out = review_in(&s, berlin, "2026-03-29T01:05:00Z", "3\nq\n");
    let days: i64 = out
        .lines()
        .find_map(|l| {
            l.strip_prefix("answered: Good · next in ")?
                .strip_suffix('d')?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("graduated in days: {out}"));
    // Due on study day 2026-03-28 + days, which starts at 04:00 local.
    let due = chrono::NaiveDate::from_ymd_opt(2026, 3, 28).unwrap() + chrono::Duration::days(days);
    let st = status_in(&s, berlin, "2026-03-29T05:00:00Z");
    assert_eq!(st["study_day"], "2026-03-29");
    assert_eq!(st["decks"][0]["next_due"], format!("{due}T02:00:00Z"), "04:00 CEST");
    // The first study day of summer time starts at 04:00 CEST = 02:00 UTC.
    assert_eq!(status_in(&s, berlin, "2026-03-29T01:59:00Z")["study_day"], "2026-03-28");
    assert_eq!(status_in(&s, berlin, "2026-03-29T02:00:00Z")["study_day"], "2026-03-29");
    // And in autumn (back to CET on 2026-10-25 at 01:00 UTC) at 04:00 CET = 03:00 UTC.
    assert_eq!(status_in(&s, berlin, "2026-10-25T02:59:00Z")["study_day"], "2026-10-24");
    assert_eq!(status_in(&s, berlin, "2026-10-25T03:00:00Z")["study_day"], "2026-10-25");
    assert_sane_log(&s);
}

#[test]
fn a_time_zone_change_between_days_follows_the_new_local_days() {
    let tokyo = zone("Asia/Tokyo", "JST-9");
    let new_york = zone("America/New_York", "EST5EDT,M3.2.0,M11.1.0");
    let s = Scratch::new();
    s.write("one.deck", deck("One", 1));
    s.build(&["one.deck"]);
    // 2026-03-10 20:00 UTC is 05:00 on the 11th in Tokyo: study day 11.
    let at = "2026-03-10T20:00:00Z";
    assert_eq!(status_in(&s, tokyo, at)["study_day"], "2026-03-11");
    let out = review_in(&s, tokyo, at, "3\n3\nq\n");
    let days: i64 = out
        .lines()
        .find_map(|l| {
            l.strip_prefix("answered: Good · next in ")?
                .strip_suffix('d')?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("graduated in days: {out}"));
    // An hour later in New York (16:00 on the 10th, EDT): study day 10, a day
    // before the card's last review.
    let later = "2026-03-10T21:00:00Z";
    assert_eq!(status_in(&s, new_york, later)["study_day"], "2026-03-10");
    // The card is due on Tokyo's study day 11 + days, at 04:00 New York time (08:00 UTC).
    let due = chrono::NaiveDate::from_ymd_opt(2026, 3, 11).unwrap() + chrono::Duration::days(days);
    let st = status_in(&s, new_york, later);
    assert_eq!(st["decks"][0]["next_due"], format!("{due}T08:00:00Z"), "{st:#}");
    let eve = format!("{due}T07:59:00Z");
    let morning = format!("{due}T08:00:00Z");
    assert_eq!(num(&status_in(&s, new_york, &eve)["decks"][0], "due_now"), 0);
    assert_eq!(num(&status_in(&s, new_york, &morning)["decks"][0], "due_now"), 1);
    // Answering in New York "before" the Tokyo review day stores no negative elapsed days.
    let quiz = s
        .command(later)
        .env("TZ", new_york)
        .args(["quiz", "--record", "--mode", "typed", "--count", "1", "--seed", "5"])
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert!(quiz.status.success(), "{}", String::from_utf8_lossy(&quiz.stderr));
    assert_eq!(log_rows(&s), 3);
    assert_sane_log(&s);
    assert_log_consistent(&s.db);
}

// ---------------------------------------------------------------------------
// Backups, check and restore

/// The backups' file names, newest first (as listed).
fn backup_names(s: &Scratch) -> Vec<String> {
    let run = s.run(&["restore"]).ok();
    run.stdout
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .filter(|name| name.ends_with(".sqlite3"))
        .map(str::to_string)
        .collect()
}

#[test]
fn one_backup_per_study_day_and_only_the_last_n_are_kept() {
    let s = Scratch::new();
    s.write("one.deck", deck("One", 5));
    s.build(&["one.deck"]); // the first command on an empty collection: nothing to back up
    assert!(!s.path("backups").exists());
    s.run(&["config", "backups-keep", "3"]).ok();
    assert_eq!(s.run(&["config", "backups-keep"]).ok().stdout.trim(), "3");
    for day in 0..6 {
        // Several commands a day, the first at 09:00, one after midnight
        // (still the same study day).
        let morning = shifted("2026-03-10T09:00:00Z", day * 24 * 60);
        s.run_at(&morning, &["status"], "").ok();
        s.review_at(&morning, "3\n");
        s.run_at(&shifted(&morning, 17 * 60), &["status"], "").ok();
    }
    let names = backup_names(&s);
    assert_eq!(
        names,
        [
            "collection-20260315-090000-daily.sqlite3",
            "collection-20260314-090000-daily.sqlite3",
            "collection-20260313-090000-daily.sqlite3",
        ]
    );
    // Each is the collection as the day began: the answers of the days before.
    for (name, answers) in names.iter().zip([5, 4, 3]) {
        let copy = open_read_only(&s.path("backups").join(name));
        let rows: i64 = copy
            .query_row("SELECT count(*) FROM review_log", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, answers, "{name}");
    }
    let listing = s.run(&["restore"]).ok().stdout;
    let line = listing
        .lines()
        .find(|l| l.ends_with("collection-20260314-090000-daily.sqlite3"))
        .unwrap_or_else(|| panic!("{listing}"));
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        (fields[0], fields[1], fields[2], fields[3]),
        ("2", "2026-03-14", "09:00", "daily"),
        "{line}"
    );
    assert_eq!((fields[6], fields[7]), ("5", "4"), "cards and log rows: {line}");

    // backups-keep 0: no more daily backups.
    s.run_at("2026-03-15T12:00:00Z", &["config", "backups-keep", "0"], "")
        .ok();
    s.run_at("2026-03-20T09:00:00Z", &["status"], "").ok();
    assert_eq!(backup_names(&s).len(), 3);
}

#[test]
fn check_reports_every_problem_and_changes_nothing() {
    let s = Scratch::new();
    s.write("one.deck", deck("One", 300));
    s.build(&["one.deck"]);
    s.review_at(NOW, "3\n1\n");
    let run = s.run(&["check"]).ok();
    assert!(run.stdout.contains("  ok       SQLite integrity"), "{}", run.stdout);
    assert!(run.stdout.contains("checks passed."), "{}", run.stdout);
    assert!(!run.stdout.contains("PROBLEM"), "{}", run.stdout);

    // Inconsistent rows (written behind iskra's back) are named: the cards
    // of facts f2 and f3, as every collection numbers them.
    let (third, fourth) = (
        iskra::ids::card_id("one", "f2", "basic", 0),
        iskra::ids::card_id("one", "f3", "basic", 0),
    );
    {
        let conn = rusqlite::Connection::open(&s.db).unwrap();
        conn.execute_batch(&format!(
            "UPDATE cards SET queue = 2 WHERE id = {third}; UPDATE review_log SET kind = 7 WHERE id = 1;
             UPDATE cards SET queue = -2, buried_day = NULL WHERE id = {fourth};"
        ))
        .unwrap();
    }
    let before = std::fs::read(&s.db).unwrap();
    let run = s.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let third_named = format!("  PROBLEM  card states and queues agree\n           1 card (card {third})");
    for expected in [
        third_named.as_str(),
        "  PROBLEM  review-log values are valid\n           1 log row (log row 1)",
        "  PROBLEM  buried cards say when they were buried",
        "3 of 18 checks found problems.",
        "hint: `iskra restore` lists",
    ] {
        assert!(run.stdout.contains(expected), "{expected:?} in\n{}", run.stdout);
    }
    assert_eq!(std::fs::read(&s.db).unwrap(), before, "check wrote to the collection");

    // A damaged page.
    checkpoint(&s.db);
    let mut bytes = std::fs::read(&s.db).unwrap();
    let len = bytes.len();
    for (i, b) in bytes[3 * 4096..len - 4096].iter_mut().enumerate() {
        *b = (i * 31 % 251) as u8;
    }
    std::fs::write(&s.db, &bytes).unwrap();
    let run = s.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("PROBLEM  SQLite integrity"), "{}", run.stdout);
    assert_eq!(std::fs::read(&s.db).unwrap(), bytes);

    // Not an iskra collection, from a newer iskra, not SQLite at all.
    let other = Scratch::new();
    let conn = rusqlite::Connection::open(&other.db).unwrap();
    conn.execute_batch("CREATE TABLE notes (body TEXT)").unwrap();
    drop(conn);
    let run = other.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("a SQLite database of another program"),
        "{}",
        run.stdout
    );
    let newer = Scratch::new();
    newer.write("one.deck", deck("One", 1));
    newer.build(&["one.deck"]);
    rusqlite::Connection::open(&newer.db)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let run = newer.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("schema version 99 is newer"), "{}", run.stdout);
    std::fs::write(&newer.db, "plain text, not a database at all\n").unwrap();
    let run = newer.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("PROBLEM  the file is a SQLite database"),
        "{}",
        run.stdout
    );
    let missing = Scratch::new();
    let run = missing.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("there is no collection at"), "{}", run.stderr);
    assert!(!missing.db.exists());
}

/// A collection with answers on two days, and a backup of each day.
fn two_days(s: &Scratch) -> String {
    s.write("one.deck", deck("One", 10));
    s.build(&["one.deck"]);
    s.review_at(NOW, "3\n3\n");
    let next_day = shifted(NOW, 24 * 60);
    s.review_at(&next_day, "3\n3\n3\n");
    assert_eq!(backup_names(s).len(), 2);
    next_day
}

#[test]
fn restore_replaces_the_collection_and_keeps_the_one_it_replaced() {
    let s = Scratch::new();
    two_days(&s);
    let newest = backup_names(&s)[0].clone();
    let backup_dump = common::dump(&open_read_only(&s.path("backups").join(&newest)));
    let current = s.dump();
    assert_eq!(log_rows(&s), 5);

    // Without a terminal, restoring needs --yes.
    let run = s.run(&["restore", "1"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert_eq!(s.dump(), current);
    let run = s.run(&["restore", "7", "--yes"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("there is no backup number 7 (there are 2)"),
        "{}",
        run.stderr
    );

    let run = s.run(&["restore", &newest, "--yes"]).ok();
    assert!(
        run.stdout.contains(&format!("from {newest} (10 cards, 2 log rows)")),
        "{}",
        run.stdout
    );
    assert_eq!(s.dump(), backup_dump);
    assert!(!PathBuf::from(format!("{}-wal", s.db.display())).exists());
    // The replaced collection is a backup too, and can be restored back.
    let names = backup_names(&s);
    let saved = names
        .iter()
        .find(|n| n.contains("before-restore"))
        .expect("before-restore backup");
    s.run(&["restore", saved, "--yes"]).ok();
    assert_eq!(log_rows(&s), 5);
    s.run(&["check"]).ok();
    assert_eq!(s.review_at(&shifted(NOW, 24 * 60), "q\n").code, 0);
}

#[test]
fn restore_repairs_a_damaged_collection_and_keeps_a_raw_copy() {
    let s = Scratch::new();
    two_days(&s);
    // Leave write-ahead-log content behind, as a killed process would...
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    conn.execute("UPDATE cards SET reps = reps WHERE id = 1", []).unwrap();
    std::mem::forget(conn);
    // ...and ruin the main file's pages.
    let mut bytes = std::fs::read(&s.db).unwrap();
    let len = bytes.len();
    for (i, b) in bytes[2 * 4096..len].iter_mut().enumerate() {
        *b = (i * 7 % 253) as u8;
    }
    std::fs::write(&s.db, &bytes).unwrap();
    let check = s.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(
        check.stdout.contains("`iskra restore 1` restores the newest"),
        "{}",
        check.stdout
    );

    let run = s.run(&["restore", "1", "--yes"]).ok();
    assert!(run.stdout.contains("Restored"), "{}", run.stdout);
    s.run(&["check"]).ok();
    assert_eq!(log_rows(&s), 2, "the newest backup: the first day's answers");
    let raw = backup_names(&s)
        .into_iter()
        .find(|n| n.contains("damaged"))
        .expect("a raw copy");
    assert_eq!(std::fs::read(s.path("backups").join(&raw)).unwrap(), bytes);
    assert!(
        s.path("backups").join(format!("{raw}-wal")).exists(),
        "with its write-ahead log"
    );
    // A damaged backup is refused.
    let run = s.run(&["restore", &raw, "--yes"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot be restored"), "{}", run.stderr);
    s.run(&["check"]).ok();
}

#[test]
fn restore_waits_for_an_open_session_to_end() {
    let s = Scratch::new();
    let next_day = two_days(&s);
    let mut session = Live::spawn(&s, &next_day, &["review"]);
    session.wait_for("Q: ");
    let before = s.dump();
    let run = s.run(&["restore", "2", "--yes"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("is open in another iskra"), "{}", run.stderr);
    assert_eq!(s.dump(), before);
    // The session goes on undisturbed.
    session.send("3");
    session.wait_for("answered: ");
    let (code, _, stderr) = session.finish();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(log_rows(&s), 6);
    s.run(&["restore", "2", "--yes"]).ok();
    assert_eq!(log_rows(&s), 0, "the oldest backup: before any answer");
}

#[test]
fn restore_asks_on_a_terminal() {
    let s = Scratch::new();
    two_days(&s);
    let before = s.dump();
    let mut p = common::spawn_pty(&s, &["restore", "2"]);
    common::pty_expect(&mut p, "Replace");
    common::pty_expect(&mut p, "(10 cards, 0 log rows)?");
    common::pty_key(&mut p, "n");
    common::pty_expect(&mut p, "Nothing was changed.");
    p.exp_eof().expect("iskra exits");
    assert_eq!(s.dump(), before);
    let mut p = common::spawn_pty(&s, &["restore", "2"]);
    common::pty_expect(&mut p, "Replace");
    common::pty_key(&mut p, "y");
    common::pty_expect(&mut p, "Restored");
    common::pty_exits_cleanly(&mut p);
    assert_eq!(log_rows(&s), 0);
}

// ---------------------------------------------------------------------------
// Damage, links and leftovers (issue 20)

/// `n` review-log rows of long ago on the collection's first card, so that
/// the log fills pages no query of today reads.
fn old_history(s: &Scratch, n: usize) {
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    conn.execute(
        "WITH RECURSIVE k(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM k WHERE x < ?1)
         INSERT INTO review_log (uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
                                 state_before, due_before, interval_before, state_after, due_after, interval_after)
         SELECT 'old-' || x, (SELECT min(id) FROM cards), 1700000000000 + x * 1000, 3, 1000, 1, 1,
                2, 19000, 1, 2, 19001, 1 FROM k",
        [n as i64],
    )
    .unwrap();
    drop(conn);
    checkpoint(&s.db);
}

#[test]
fn a_damaged_collection_stops_the_day_before_anything_is_written() {
    let s = Scratch::new();
    s.write("one.deck", deck("One", 50));
    s.build(&["one.deck"]);
    s.review_at(NOW, "3\n3\n");
    old_history(&s, 20_000);
    // A page of old review-log rows written over: nothing today reads it.
    let page: i64 = open_read_only(&s.db)
        .query_row(
            "SELECT pageno FROM dbstat WHERE name = 'review_log' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 20",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut bytes = std::fs::read(&s.db).unwrap();
    let at = (page as usize - 1) * 4096;
    for (i, b) in bytes[at..at + 4096].iter_mut().enumerate() {
        *b = (i * 131 % 251) as u8;
    }
    std::fs::write(&s.db, &bytes).unwrap();

    let next_day = shifted(NOW, 24 * 60);
    for _ in 0..2 {
        // The first command of the day, and the next: no backup was made, so
        // each checks again.
        let run = s.run_at(&next_day, &["review"], &"3\n".repeat(20));
        assert_ne!(run.code, 0, "{}", run.stdout);
        assert_eq!(
            run.answered(),
            0,
            "answers written into a damaged collection:\n{}",
            run.stdout
        );
        for expected in ["is damaged", "`iskra check`", "`iskra restore`"] {
            assert!(run.stderr.contains(expected), "{expected:?} in\n{}", run.stderr);
        }
        assert!(!run.stderr.contains("disk space"), "{}", run.stderr);
        assert_eq!(std::fs::read(&s.db).unwrap(), bytes, "the damaged file was written to");
        let wal = PathBuf::from(format!("{}-wal", s.db.display()));
        assert!(
            std::fs::metadata(&wal).map_or(0, |m| m.len()) == 0,
            "answers in the log"
        );
    }
    // Commands that only read still say so.
    let run = s.run_at(&next_day, &["status"], "");
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(run.stderr.contains("`iskra restore`"), "{}", run.stderr);
}

#[test]
fn a_collection_behind_a_symlink_is_written_backed_up_and_restored_through_it() {
    use std::os::unix::fs::symlink;
    let s = Scratch::new();
    let real_dir = s.path("real");
    std::fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("collection.sqlite3");
    symlink(&real, &s.db).unwrap();
    s.write("one.deck", deck("One", 10));
    s.build(&["one.deck"]);
    s.review_at(NOW, "3\n3\n");
    let next_day = shifted(NOW, 24 * 60);
    s.review_at(&next_day, "3\n3\n3\n");
    assert!(
        real_dir.join("backups").is_dir(),
        "backups are kept next to the real file"
    );
    let names = backup_names(&s);
    assert_eq!(names.len(), 2, "{names:?}");
    s.run_at(&next_day, &["restore", &names[0], "--yes"], "").ok();
    assert!(
        std::fs::symlink_metadata(&s.db).unwrap().file_type().is_symlink(),
        "restore replaced the link with a file"
    );
    let rows = |path: &Path| -> i64 {
        open_read_only(path)
            .query_row("SELECT count(*) FROM review_log", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(rows(&real), 2, "the real file holds the restored collection");
    s.review_at(&next_day, "3\n");
    assert_eq!(rows(&real), 3, "later answers go to the real file");
    assert_eq!(
        std::fs::read_dir(s.dir.path())
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("collection.sqlite3"))
            .count(),
        1,
        "no second collection beside the link"
    );
}

/// The process id of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// Names in `dir` that look like temporary files.
fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.') || n.contains(".tmp") || n.ends_with("-journal"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn temporary_files_of_dead_processes_are_cleaned_at_the_next_command() {
    let s = Scratch::new();
    s.write("one.deck", deck("One", 10));
    s.build(&["one.deck"]);
    s.review_at(NOW, "3\n");
    let backups = s.path("backups");
    let dead = dead_pid();
    let stale = format!(".collection-20260310-100000-daily.sqlite3.{dead}.tmp");
    let live = format!(".collection-20260310-100000-daily.sqlite3.{}.tmp", std::process::id());
    for name in [stale.clone(), format!("{stale}-journal"), live.clone()] {
        std::fs::write(backups.join(name), b"half a copy").unwrap();
    }
    s.run(&["status"]).ok();
    assert_eq!(temp_files(&backups), [live], "only the living process's file is left");
}

/// A collection of about 20 MB: its daily copy takes a while.
fn big_collection(s: &Scratch) {
    s.write("one.deck", deck("One", 50));
    s.build(&["one.deck"]);
    s.review_at(NOW, "3\n");
    old_history(s, 150_000);
}

#[test]
fn a_daily_backup_killed_midway_leaves_nothing_after_the_next_command() {
    let s = Scratch::new();
    big_collection(&s);
    let backups = s.path("backups");
    let mut left = Vec::new();
    for day in 1..=5 {
        let now = shifted(NOW, day * 24 * 60);
        let mut live = Live::spawn(&s, &now, &["review"]);
        live.wait_for("Q: ");
        live.kill();
        left = temp_files(&backups);
        if !left.is_empty() {
            break; // killed while it was copying
        }
    }
    assert!(!left.is_empty(), "never caught a backup being copied");
    s.run_at(&shifted(NOW, 5 * 24 * 60), &["status"], "").ok();
    assert_eq!(temp_files(&backups), Vec::<String>::new());
    assert_eq!(integrity(&s.db), "ok");
}

#[test]
fn an_import_killed_midway_leaves_nothing_in_tmpdir_after_the_next_import() {
    // A package of 4,000 notes, exported by iskra.
    let source = Scratch::new();
    source.write("big.deck", deck("Big", 4_000));
    source.build(&["big.deck"]);
    source
        .run(&["export", "deck", "big", "--format", "apkg", "--out", "big.apkg"])
        .ok();
    let s = Scratch::new();
    std::fs::copy(source.path("big.apkg"), s.path("big.apkg")).unwrap();
    s.write("small.txt", "a\tb\n");
    let tmp = tempfile::tempdir().unwrap();
    let mut caught = false;
    for _ in 0..5 {
        let mut child = iskra(&s, NOW)
            .args(["import", "big.apkg"])
            .env("TMPDIR", tmp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while temp_files(tmp.path()).is_empty() && started.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(2));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        if !temp_files(tmp.path()).is_empty() {
            caught = true;
            break;
        }
    }
    assert!(caught, "never caught the import with its temporary file");
    let run = iskra(&s, NOW)
        .args(["import", "small.txt"])
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(temp_files(tmp.path()), Vec::<String>::new());
    assert_eq!(integrity(&s.db), "ok");
}

// ---------------------------------------------------------------------------
// A large write stopped while it commits (rollback journal)

/// Leaves the collection as a large build or import killed while it
/// commits leaves it (they write in rollback-journal mode): pages of an
/// unfinished transaction in the file, the journal that puts them back
/// beside it, and a header already giving the new, larger size. With
/// `hold`, the writer stays alive holding its exclusive lock (a commit in
/// progress) until the returned child's stdin closes; else it is dead.
fn interrupted_commit(s: &Scratch, hold: bool) -> Option<Child> {
    const WRITER: &str = r#"
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA journal_mode = DELETE")
c.execute("PRAGMA cache_size = 4")  # dirty pages spill into the file
c.execute("BEGIN EXCLUSIVE")
c.execute("CREATE TABLE pad (x)")
for i in range(3000):
    c.execute("INSERT INTO pad VALUES (?)", ("x" * 1000,))
c.execute("UPDATE cards SET reps = reps + 100")
print("written", flush=True)
if sys.argv[2] == "hold":
    sys.stdin.read()
os._exit(9)
"#;
    let mut child = Command::new("python3")
        .args(["-c", WRITER])
        .arg(&s.db)
        .arg(if hold { "hold" } else { "die" })
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "written");
    if !hold {
        child.wait().unwrap();
    }
    let journal = PathBuf::from(format!("{}-journal", s.db.display()));
    assert!(
        std::fs::metadata(&journal).unwrap().len() > 0,
        "a journal beside the file"
    );
    // The commit's first write: page 1, with the new page count.
    let mut bytes = std::fs::read(&s.db).unwrap();
    let pages = (bytes.len() / 4096) as u32 + 500;
    bytes[28..32].copy_from_slice(&pages.to_be_bytes());
    let counter = [bytes[24], bytes[25], bytes[26], bytes[27]];
    bytes[92..96].copy_from_slice(&counter);
    std::fs::write(&s.db, &bytes).unwrap();
    hold.then_some(child)
}

fn reps_total(s: &Scratch) -> i64 {
    open_read_only(&s.db)
        .query_row("SELECT sum(reps) FROM cards", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_write_killed_while_it_commits_is_rolled_back_not_called_damaged() {
    let s = Scratch::new();
    two_days(&s);
    let reps = reps_total(&s);
    let before = s.dump();
    interrupted_commit(&s, false);

    // check reads without writing: it says what the journal is and how to settle it.
    let check = s.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(
        check.stdout.contains("was stopped while it wrote")
            && check.stdout.contains(
                "hint: when no other iskra is running, any iskra command (`iskra status`) puts the file back"
            ),
        "{}",
        check.stdout
    );
    assert!(!check.stdout.contains("malformed"), "{}", check.stdout);

    // The next command lets SQLite put the file back as it was.
    let status = s.run(&["status"]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(!PathBuf::from(format!("{}-journal", s.db.display())).exists());
    assert_eq!(reps_total(&s), reps);
    assert_eq!(s.dump(), before);
    assert_eq!(integrity(&s.db), "ok");
    s.run(&["check"]).ok();
}

#[test]
fn restore_after_a_write_killed_while_it_commits_keeps_both_files_readable() {
    let s = Scratch::new();
    two_days(&s);
    let before = s.dump();
    interrupted_commit(&s, false);

    let run = s.run(&["restore", "1", "--yes"]).ok();
    assert!(run.stdout.contains("Restored"), "{}", run.stdout);
    assert!(!PathBuf::from(format!("{}-journal", s.db.display())).exists());
    s.run(&["check"]).ok();
    assert_eq!(s.run(&["status"]).code, 0);
    // The collection it replaced was rolled back first and saved whole.
    let saved = backup_names(&s)
        .into_iter()
        .find(|n| n.contains("before-restore"))
        .expect("a before-restore backup");
    assert_eq!(common::dump(&open_read_only(&s.path("backups").join(saved))), before);
}

#[test]
fn while_a_large_write_commits_other_commands_say_busy_and_restore_waits() {
    let s = Scratch::new();
    two_days(&s);
    let before = s.dump();
    let mut writer = interrupted_commit(&s, true).unwrap();

    let status = s.run(&["status"]);
    assert_eq!(status.code, 1);
    assert!(status.stderr.contains("the collection is busy"), "{}", status.stderr);
    let restore = s.run(&["restore", "1", "--yes"]);
    assert_ne!(restore.code, 0);
    assert!(
        restore.stderr.contains("busy") || restore.stderr.contains("open in another iskra"),
        "{}",
        restore.stderr
    );
    assert!(
        !backup_names(&s)
            .iter()
            .any(|n| n.contains("restore") || n.contains("damaged")),
        "nothing saved, nothing swapped: {:?}",
        backup_names(&s)
    );

    drop(writer.stdin.take()); // the writer dies without committing
    writer.wait().unwrap();
    assert_eq!(s.run(&["status"]).code, 0);
    assert_eq!(s.dump(), before);
}
