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
fn classify(line: &str, syncing: &mut std::collections::HashMap<String, bool>) -> Event {
    let pid = line.split_whitespace().next().unwrap_or("").to_string();
    let on_wal = line.contains("-wal>");
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

#[test]
fn every_answer_is_synced_to_disk_before_it_is_acknowledged() {
    let strace = Command::new("strace").arg("-V").output();
    assert!(
        strace.is_ok_and(|o| o.status.success()),
        "this test traces system calls with strace: install it (apt-get install strace)"
    );
    let s = Scratch::new();
    s.write("sync.deck", deck(30));
    s.build(&["sync.deck"]);
    s.run(&["config", "new-per-day", "100"]).ok();
    let trace = s.path("review.trace");
    let grades: String = (0..25).map(|i| ["3\n", "1\n", "4\n", "2\n"][i % 4]).collect();
    let run = Command::new("strace")
        .args([
            "-f",
            "-y",
            "-s",
            "256",
            "-e",
            "trace=write,writev,pwrite64,pwritev,fsync,fdatasync",
            "-o",
        ])
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
        .arg("review")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().expect("stdin").write_all(grades.as_bytes())?;
            child.wait_with_output()
        })
        .expect("run iskra review under strace");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let answered = stdout.lines().filter(|l| l.starts_with("answered: ")).count();
    assert!(
        answered >= 20,
        "the review answered too little to test anything: {stdout}"
    );

    let text = std::fs::read_to_string(&trace).expect("read the trace");
    let mut syncing = std::collections::HashMap::new();
    // Whether the log has been written since its last finished sync.
    let (mut unsynced, mut acknowledged, mut synced) = (false, 0, 0);
    for (n, line) in text.lines().enumerate() {
        match classify(line, &mut syncing) {
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
