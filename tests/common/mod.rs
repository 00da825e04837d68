//! Helpers shared by the integration tests: a scratch directory with its own
//! collection, running the `iskra` binary with a fixed clock, and read-only
//! looks into the collection's SQLite file.

#![allow(dead_code)] // each test crate uses a different subset

pub mod package;
pub mod sync;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

/// A fixed instant used unless a test needs another: a Tuesday, 10:00 UTC.
pub const NOW: &str = "2026-03-10T10:00:00Z";

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub stdout_bytes: Vec<u8>,
}

impl Run {
    /// Runs `cmd` to its end and keeps what it did.
    fn of(cmd: &mut assert_cmd::Command) -> Run {
        let output = cmd
            .output()
            .unwrap_or_else(|e| panic!("run {}: {e}", cmd.get_program().to_string_lossy()));
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            stdout_bytes: output.stdout,
        }
    }

    /// Asserts a zero exit code and returns self.
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "exit code {}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// Asserts a non-zero exit code and returns self.
    #[track_caller]
    pub fn fails(self) -> Self {
        assert_ne!(
            self.code, 0,
            "expected a failure\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Lines of stdout starting with `prefix`.
    pub fn lines_starting(&self, prefix: &str) -> Vec<&str> {
        self.stdout.lines().filter(|l| l.starts_with(prefix)).collect()
    }

    /// The `Q:` lines shown, without the prefix.
    pub fn questions(&self) -> Vec<&str> {
        self.lines_starting("Q: ").into_iter().map(|l| &l[3..]).collect()
    }

    /// Number of committed answers (`answered: …` lines).
    pub fn answered(&self) -> usize {
        self.lines_starting("answered: ").len()
    }
}

/// A scratch directory holding deck files and a collection.
pub struct Scratch {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Scratch {
    pub fn new() -> Scratch {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("collection.sqlite3");
        Scratch { dir, db }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a deck file (relative to the scratch directory).
    pub fn write(&self, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write deck file");
        path
    }

    /// A command for the binary: in the scratch directory, on this
    /// collection, at `now`, in UTC, without colour.
    pub fn command(&self, now: &str) -> assert_cmd::Command {
        self.command_of(Path::new(env!("CARGO_BIN_EXE_iskra")), now)
    }

    /// A command for another program on this collection (the generator
    /// example), set up as [`Scratch::command`] sets up the binary.
    pub fn command_of(&self, program: &Path, now: &str) -> assert_cmd::Command {
        self.program_on(program, &self.db, now)
    }

    /// Runs `iskra --collection COLLECTION ARGS...` at [`NOW`] with no
    /// input: another collection file, in this scratch directory's setting.
    pub fn run_on(&self, collection: &Path, args: &[&str]) -> Run {
        let program = Path::new(env!("CARGO_BIN_EXE_iskra"));
        Run::of(self.program_on(program, collection, NOW).args(args).write_stdin(""))
    }

    /// Runs the binary with ARGS at [`NOW`] under a cap of `cap_kb` KiB of
    /// address space (`ulimit -v` in a wrapper script that execs it), so a
    /// run that would hold more fails instead of taking the machine's memory.
    pub fn run_capped(&self, cap_kb: u32, args: &[&str], stdin: &str) -> Run {
        let wrapper = self.write(
            "capped.sh",
            format!(
                "#!/bin/sh\nulimit -v {cap_kb} || exit 99\nexec \"{}\" \"$@\"\n",
                env!("CARGO_BIN_EXE_iskra")
            ),
        );
        let mut mode = std::fs::metadata(&wrapper).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut mode, 0o755);
        std::fs::set_permissions(&wrapper, mode).unwrap();
        Run::of(self.command_of(&wrapper, NOW).args(args).write_stdin(stdin))
    }

    fn program_on(&self, program: &Path, collection: &Path, now: &str) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(program);
        cmd.current_dir(self.dir.path())
            .env_remove("ISKRA_COLLECTION")
            .env("ISKRA_NOW", now)
            .env("NO_COLOR", "1")
            .env("TZ", "UTC")
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("xdg"))
            .timeout(std::time::Duration::from_secs(60))
            .arg("--collection")
            .arg(collection);
        cmd
    }

    /// Runs `iskra --collection DB ARGS...` at `now` with `stdin`.
    pub fn run_at(&self, now: &str, args: &[&str], stdin: &str) -> Run {
        Run::of(self.command(now).args(args).write_stdin(stdin))
    }

    /// Runs at [`NOW`] with no input.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_at(NOW, args, "")
    }

    /// Runs at [`NOW`] with no input and these environment variables set.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Run {
        let mut cmd = self.command(NOW);
        for (name, value) in env {
            cmd.env(name, value);
        }
        Run::of(cmd.args(args).write_stdin(""))
    }

    /// Runs `PROGRAM --collection DB ARGS...` at [`NOW`] with no input.
    pub fn run_program(&self, program: &Path, args: &[&str]) -> Run {
        Run::of(self.command_of(program, NOW).args(args).write_stdin(""))
    }

    /// `iskra build FILES...`, which must succeed.
    pub fn build(&self, files: &[&str]) -> Run {
        let mut args = vec!["build"];
        args.extend_from_slice(files);
        self.run(&args).ok()
    }

    /// `iskra review` at `now` over the line protocol.
    pub fn review_at(&self, now: &str, input: &str) -> Run {
        self.run_at(now, &["review"], input).ok()
    }

    /// `iskra status --json` at `now`, parsed.
    pub fn status_at(&self, now: &str) -> Value {
        let run = self.run_at(now, &["status", "--json"], "").ok();
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("status --json is not JSON ({e}):\n{}", run.stdout))
    }

    /// One deck's entry of `status --json` at `now`.
    pub fn deck_status_at(&self, now: &str, key: &str) -> Value {
        let status = self.status_at(now);
        status["decks"]
            .as_array()
            .expect("decks array")
            .iter()
            .find(|d| d["key"] == key)
            .unwrap_or_else(|| panic!("no deck {key} in {status:#}"))
            .clone()
    }

    /// The collection, opened read-only.
    pub fn db(&self) -> Connection {
        open_read_only(&self.db)
    }

    /// `SELECT count(*) …` (or any single integer) on the collection.
    pub fn count(&self, sql: &str) -> i64 {
        self.db()
            .query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Every row of every table, as text, for before/after comparisons.
    pub fn dump(&self) -> String {
        dump(&self.db())
    }
}

pub fn open_read_only(path: &Path) -> Connection {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()))
}

/// Every row of every table, as text (not the search's trigram index, made
/// from the cards' text: its tables hold FTS5's segments, which merges
/// rewrite; `src/store/search/tests/index.rs` checks it).
pub fn dump(conn: &Connection) -> String {
    let mut out = String::new();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'card\\_trigrams%' ESCAPE '\\'
             ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for table in tables {
        out.push_str(&format!("== {table}\n"));
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY rowid"))
            .unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let values: Vec<String> = (0..columns)
                .map(|i| format!("{:?}", row.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect();
            out.push_str(&values.join(" | "));
            out.push('\n');
        }
    }
    for pragma in ["user_version", "application_id"] {
        let value: i64 = conn.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get(0)).unwrap();
        out.push_str(&format!("{pragma} = {value}\n"));
    }
    out
}

/// Writes the WAL back into the main file, so the file alone holds the data.
pub fn checkpoint(path: &Path) {
    let conn = Connection::open(path).unwrap();
    let (busy, _, _): (i64, i64, i64) = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(busy, 0, "checkpoint blocked");
}

/// `ISKRA_NOW` values: `NOW` shifted by some minutes.
pub fn shifted(base: &str, minutes: i64) -> String {
    let at = chrono::DateTime::parse_from_rfc3339(base).unwrap() + chrono::Duration::minutes(minutes);
    at.with_timezone(&chrono::Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The integer field `name` of a JSON object.
#[track_caller]
pub fn num(v: &Value, name: &str) -> i64 {
    v[name]
        .as_i64()
        .unwrap_or_else(|| panic!("{name} is not a number in {v:#}"))
}

/// How long a PTY test waits for any one piece of output.
pub const PTY_TIMEOUT_MS: u64 = 10_000;

/// `iskra ARGS…` as run in a pseudo-terminal on the scratch collection: at
/// [`NOW`], in UTC, without colour, on a 100×30 xterm.
pub fn pty_command(s: &Scratch, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_iskra"));
    cmd.current_dir(s.dir.path())
        .env("ISKRA_COLLECTION", &s.db)
        .env("ISKRA_NOW", NOW)
        .env("NO_COLOR", "1")
        .env("TZ", "UTC")
        .env("TERM", "xterm")
        .env("COLUMNS", "100")
        .env("LINES", "30")
        .args(args);
    cmd
}

/// Spawns a command in a pseudo-terminal; `strip` drops escape sequences
/// from what is read.
pub fn spawn_pty_command(cmd: std::process::Command, strip: bool) -> rexpect::session::PtySession {
    rexpect::session::spawn_with_options(
        cmd,
        rexpect::session::Options::new()
            .timeout_ms(Some(PTY_TIMEOUT_MS))
            .strip_ansi_escape_codes(strip),
    )
    .expect("spawn iskra in a pty")
}

/// Runs `iskra ARGS…` in a pseudo-terminal ([`pty_command`]), escape
/// sequences stripped from what is read.
pub fn spawn_pty(s: &Scratch, args: &[&str]) -> rexpect::session::PtySession {
    spawn_pty_command(pty_command(s, args), true)
}

/// Sends keys (no newline: the UI reads single keys).
pub fn pty_key(p: &mut rexpect::session::PtySession, k: &str) {
    p.send(k).expect("send key");
    p.flush().expect("flush key");
}

/// Waits for `needle` in the output; returns what came before it. rexpect
/// turns each byte it reads into one `char` (Latin-1), so the needle is
/// matched in that form.
#[track_caller]
pub fn pty_expect(p: &mut rexpect::session::PtySession, needle: &str) -> String {
    let as_read: String = needle.bytes().map(char::from).collect();
    p.exp_string(&as_read)
        .unwrap_or_else(|e| panic!("waiting for {needle:?}: {e}"))
}

/// Waits for the process to end and requires exit code 0.
#[track_caller]
pub fn pty_exits_cleanly(p: &mut rexpect::session::PtySession) {
    p.exp_eof().expect("iskra exits");
    let status = p.process_mut().wait().expect("wait for iskra");
    assert!(
        matches!(status, rexpect::process::WaitStatus::Exited(_, 0)),
        "iskra did not exit cleanly: {status:?}"
    );
}

/// Compares `actual` byte for byte with the snapshot `tests/snapshots/DIR/NAME`;
/// `ISKRA_UPDATE_SNAPSHOTS=1` rewrites the snapshot instead.
#[track_caller]
pub fn assert_snapshot(dir: &str, name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(dir)
        .join(name);
    if std::env::var_os("ISKRA_UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "snapshot {} is missing ({e}); create it with ISKRA_UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    if expected != actual {
        let new = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.new"));
        std::fs::write(&new, actual).unwrap();
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "output differs from snapshot {} at line {}:\n  expected: {:?}\n  actual:   {:?}\nthe new output is in {}; \
             if the change is intended, rerun with ISKRA_UPDATE_SNAPSHOTS=1",
            path.display(),
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line),
            new.display()
        );
    }
}
