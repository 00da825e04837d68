//! An answer is acknowledged (`answered:`) only once it is durable: its
//! commit's write-ahead log is synced to disk before the line is written
//! (today by SQLite itself, `synchronous=FULL`, inside the commit). A killed
//! process cannot show this (the kernel keeps what was written), so the
//! system calls of a real review are traced (`strace`) and their order
//! checked: every `answered:` written to stdout comes after an `fsync` of the
//! collection's `-wal` file that finished after the last write to it. It
//! fails if the answer's commit is not synced (checked: with
//! `synchronous=NORMAL`), or synced by another thread but acknowledged
//! before that sync returned (checked on the branch i21-answer-overlap).
//!
//! A review's answer is committed without SQLite's sync and synced on a
//! helper thread (`store/wal_sync.rs`), so another process may read it a
//! fraction of a millisecond before it is durable. Readers that copy what
//! they read out of the collection (exports, the report, backups, sync)
//! therefore sync the log after their snapshot is taken and before they
//! write anything out: the second test traces each of them, with another
//! connection's unsynced commit in the log, and checks that order.

mod common;

use std::process::Command;

use common::{NOW, Scratch};

/// A deck of `n` question/answer facts.
fn deck(n: usize) -> String {
    let mut text = String::from("# Sync\n");
    for i in 0..n {
        text.push_str(&format!("\n## f{i}\nq: Question {i}?\na: Answer {i}\n"));
    }
    text
}

/// What one line of the trace is about.
#[derive(Debug, PartialEq)]
enum Event {
    /// A write to the log began or was made.
    WalWrite,
    /// A sync of the log finished, with success.
    WalSynced,
    /// `answered:` was written to stdout.
    Acknowledged,
    Other,
}

/// Classifies a line of `strace -f -y` output. A call split across threads
/// appears as `fsync(6</…-wal> <unfinished ...>` and, when it returns,
/// `<... fsync resumed>) = 0`; the fd's path is kept from the first half.
/// `log` is how the log's fd ends in the trace (`-wal>`, or its whole path).
fn classify(line: &str, syncing: &mut std::collections::HashMap<String, bool>, log: &str) -> Event {
    let pid = line.split_whitespace().next().unwrap_or("").to_string();
    let on_wal = line.contains(log);
    if let Some(rest) = line.split_once("resumed>").map(|(_, r)| r) {
        let was_wal_sync = syncing.remove(&pid).unwrap_or(false);
        let sync = line.contains("fsync resumed") || line.contains("fdatasync resumed");
        return if sync && was_wal_sync && rest.trim_start().starts_with(") = 0") {
            Event::WalSynced
        } else {
            Event::Other
        };
    }
    let call = line.split_whitespace().nth(1).unwrap_or("");
    let is_sync = call.starts_with("fsync(") || call.starts_with("fdatasync(");
    if is_sync && on_wal {
        if line.contains("<unfinished") {
            syncing.insert(pid, true);
            return Event::Other;
        }
        return if line.trim_end().ends_with("= 0") {
            Event::WalSynced
        } else {
            Event::Other
        };
    }
    if (call.starts_with("pwrite64(") || call.starts_with("write(")) && on_wal {
        return Event::WalWrite;
    }
    if (call.starts_with("write(1") || call.starts_with("writev(1")) && line.contains("answered: ") {
        return Event::Acknowledged;
    }
    Event::Other
}

/// Runs `iskra ARGS` with `stdin` under `strace -f -y`, tracing `calls`;
/// the output and the trace's text. The command must succeed.
fn traced(s: &Scratch, args: &[&str], stdin: &str, calls: &str) -> (std::process::Output, String) {
    let strace = Command::new("strace").arg("-V").output();
    assert!(
        strace.is_ok_and(|o| o.status.success()),
        "this test traces system calls with strace: install it (apt-get install strace)"
    );
    let trace = s.path("command.trace");
    let run = Command::new("strace")
        .args(["-f", "-y", "-s", "256", "-e", &format!("trace={calls}"), "-o"])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_iskra"))
        .current_dir(s.dir.path())
        .env_remove("ISKRA_COLLECTION")
        .env("ISKRA_NOW", NOW)
        .env("NO_COLOR", "1")
        .env("TZ", "UTC")
        .env("HOME", s.dir.path())
        .env("XDG_DATA_HOME", s.dir.path().join("xdg"))
        .arg("--collection")
        .arg(&s.db)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().expect("stdin").write_all(stdin.as_bytes())?;
            child.wait_with_output()
        })
        .expect("run iskra under strace");
    assert!(
        run.status.success(),
        "iskra {args:?}:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&trace).expect("read the trace");
    (run, text)
}

#[test]
fn every_answer_is_synced_to_disk_before_it_is_acknowledged() {
    let s = Scratch::new();
    s.write("sync.deck", deck(30));
    s.build(&["sync.deck"]);
    s.run(&["config", "new-per-day", "100"]).ok();
    let grades: String = (0..25).map(|i| ["3\n", "1\n", "4\n", "2\n"][i % 4]).collect();
    let (run, text) = traced(
        &s,
        &["review"],
        &grades,
        "write,writev,pwrite64,pwritev,fsync,fdatasync",
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    let answered = stdout.lines().filter(|l| l.starts_with("answered: ")).count();
    assert!(
        answered >= 20,
        "the review answered too little to test anything: {stdout}"
    );

    let mut syncing = std::collections::HashMap::new();
    // Whether the log has been written since its last finished sync.
    let (mut unsynced, mut acknowledged, mut synced) = (false, 0, 0);
    for (n, line) in text.lines().enumerate() {
        match classify(line, &mut syncing, "-wal>") {
            Event::WalWrite => unsynced = true,
            Event::WalSynced => {
                unsynced = false;
                synced += 1;
            }
            Event::Acknowledged => {
                assert!(
                    !unsynced,
                    "line {}: `answered:` written while the log holds writes not yet synced:\n{line}",
                    n + 1
                );
                acknowledged += 1;
            }
            Event::Other => {}
        }
    }
    assert_eq!(acknowledged, answered, "every `answered:` line is in the trace");
    assert!(
        synced >= answered,
        "one sync of the log per answer at least: {synced} for {answered}"
    );
}

/// What one line of a copying reader's trace is about.
#[derive(Debug, PartialEq)]
enum CopyEvent {
    /// A read lock taken in the `-shm` file (a read-mark, bytes 123–127):
    /// a read transaction took its snapshot.
    Snapshot,
    /// A sync of the log finished, with success.
    WalSynced,
    /// The copy was written (a write to a file under the output folder), or
    /// published (renamed or linked into it).
    Written,
    Other,
}

/// Classifies a line of `strace -f -y` output for [`copies_are_durable_first`]:
/// `db` is the collection's path (locks and syncs of other databases, such
/// as a backup being written, do not count); `out` is the output folder;
/// with `by_link` only a rename or link into it
/// counts as writing the copy (SQLite's `VACUUM INTO` writes the copy under
/// a temporary name inside its read transaction, and it is published after).
fn classify_copy(
    line: &str,
    syncing: &mut std::collections::HashMap<String, bool>,
    db: &str,
    out: &str,
    by_link: bool,
) -> CopyEvent {
    if classify(line, syncing, &format!("<{db}-wal>")) == Event::WalSynced {
        return CopyEvent::WalSynced;
    }
    let call = line.split_whitespace().nth(1).unwrap_or("");
    let read_mark = (123..=127).any(|b| line.contains(&format!("l_start={b},")));
    let on_shm = line.contains(&format!("<{db}-shm>"));
    if call.starts_with("fcntl(") && on_shm && line.contains("F_RDLCK") && read_mark {
        return CopyEvent::Snapshot;
    }
    let names_out = line.contains(out);
    let writes = ["write(", "writev(", "pwrite64(", "pwritev("]
        .iter()
        .any(|c| call.starts_with(c));
    let links = ["rename(", "renameat(", "renameat2(", "link(", "linkat("]
        .iter()
        .any(|c| call.starts_with(c));
    if names_out && (links || (writes && !by_link)) {
        return CopyEvent::Written;
    }
    CopyEvent::Other
}

#[test]
fn copies_are_durable_first() {
    let s = Scratch::new();
    s.write("sync.deck", deck(30));
    s.build(&["sync.deck"]);
    s.run(&["config", "new-per-day", "100"]).ok();
    s.review_at(NOW, "3\n1\n4\n");
    let dir = std::fs::canonicalize(s.dir.path()).expect("scratch folder");
    let db = dir.join("collection.sqlite3").to_string_lossy().into_owned();
    let out = dir.join("out");
    std::fs::create_dir_all(out.join("folder")).expect("output folders");
    // Today's backup is made again by the next command.
    std::fs::remove_dir_all(dir.join("backups")).expect("remove today's backup");
    let at = |name: &str| out.join(name).to_string_lossy().into_owned();
    let backups = format!("{}/", dir.join("backups").to_string_lossy());
    let out_dir = format!("{}/", out.to_string_lossy());
    let (log, stats, deck_file, text, package, report, folder) = (
        at("log.csv"),
        at("stats.csv"),
        at("sync.deck"),
        at("sync.txt"),
        at("sync.apkg"),
        at("report.html"),
        at("folder"),
    );
    // (the command, the folder its copy goes to, whether only a rename or
    // link into it counts). The daily backup is made by the day's first
    // command (here `status`); the deck is deleted last, after its backup.
    let cases: Vec<(Vec<&str>, &str, bool)> = vec![
        (vec!["status"], &backups, false),
        (vec!["export", "log", "--out", &log], &out_dir, false),
        (vec!["export", "stats", "--out", &stats], &out_dir, false),
        (
            vec!["export", "deck", "sync", "--format", "iskra", "--out", &deck_file],
            &out_dir,
            false,
        ),
        (
            vec!["export", "deck", "sync", "--format", "csv", "--out", &text],
            &out_dir,
            false,
        ),
        (
            vec![
                "export",
                "deck",
                "sync",
                "--format",
                "apkg",
                "--with-history",
                "--out",
                &package,
            ],
            &out_dir,
            false,
        ),
        (vec!["report", "--out", &report], &out_dir, false),
        (vec!["sync", &folder], &out_dir, false),
        (vec!["deck", "delete", "sync", "--yes"], &backups, true),
    ];
    // Another connection keeps a commit in the log that is not synced (as a
    // review's answer is for a moment), and stays open so no checkpoint
    // copies it out of the log.
    let other = rusqlite::Connection::open(&s.db).expect("open the collection");
    other.execute_batch("PRAGMA synchronous = OFF").expect("synchronous");
    let mut failures = Vec::new();
    for (args, out, by_link) in &cases {
        let changed = other
            .execute("UPDATE settings SET value = value", [])
            .expect("an unsynced commit");
        assert!(changed > 0, "the settings have a row to rewrite");
        let (_, trace) = traced(
            &s,
            args,
            "",
            "write,writev,pwrite64,pwritev,fsync,fdatasync,fcntl,rename,renameat,renameat2,link,linkat",
        );
        let mut syncing = std::collections::HashMap::new();
        // Since the last snapshot: whether the log was synced.
        let (mut snapshot, mut synced, mut written) = (false, false, 0);
        for (n, line) in trace.lines().enumerate() {
            match classify_copy(line, &mut syncing, &db, out, *by_link) {
                CopyEvent::Snapshot => (snapshot, synced) = (true, false),
                CopyEvent::WalSynced => synced |= snapshot,
                CopyEvent::Written => {
                    written += 1;
                    if !synced {
                        failures.push(format!(
                            "iskra {}: trace line {}: the copy is written before the log is synced after the snapshot:\n  {line}",
                            args.join(" "),
                            n + 1
                        ));
                        break;
                    }
                }
                CopyEvent::Other => {}
            }
        }
        if written == 0 {
            failures.push(format!("iskra {}: wrote nothing into {out}", args.join(" ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
