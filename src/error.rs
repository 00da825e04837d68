//! The library's error type. Errors are typed here and rendered once, in `main`.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, render_diagnostics};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", shown(path))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}", render_diagnostics(.0))]
    Deck(Vec<Diagnostic>),

    #[error(
        "{} is not an iskra collection ({detail}).\n  hint: point --collection (or ISKRA_COLLECTION) at an iskra collection file, or at a new path to create one",
        shown(path)
    )]
    NotACollection { path: PathBuf, detail: String },

    #[error(
        "{} was written by a newer iskra (schema version {found}; this build knows up to {supported}).\n  hint: upgrade iskra; the file was not changed",
        shown(path)
    )]
    NewerSchema { path: PathBuf, found: i64, supported: i64 },

    #[error(
        "{} is damaged: {detail}.\n  hint: iskra stopped before writing to it; `iskra check` shows what is wrong, `iskra restore` lists the backups to put back",
        shown(path)
    )]
    Corrupt { path: PathBuf, detail: String },

    #[error("the collection is busy (another iskra is writing to it); try again in a moment")]
    Busy,

    /// `--deck NAME` names no deck; `did_you_mean` is the nearest deck as
    /// "`key` (Title)", when one is near.
    #[error(
        "no deck named {name:?}.\n  hint: {}`iskra status` lists the decks",
        did_you_mean.as_ref().map(|d| format!("did you mean {d}? ")).unwrap_or_default()
    )]
    UnknownDeck { name: String, did_you_mean: Option<String> },

    /// `--deck NAME` fits several decks (each "`key` (Title)").
    #[error(
        "{name:?} could be any of these decks: {}.\n  hint: type more of the name, or the deck's key",
        candidates.join(", ")
    )]
    AmbiguousDeck { name: String, candidates: Vec<String> },

    #[error("scheduler: {0}")]
    Scheduler(String),

    #[error("{0}")]
    Usage(String),

    /// The disk or file system failed the collection or its backups (full,
    /// read-only, I/O error): not the user's input, so exit code 1.
    #[error("{0}")]
    Storage(String),

    /// A write found no room: on the collection's disk, or in the directory
    /// SQLite sorts in. Exit code 1; nothing of the change is stored.
    #[error("the disk is full ({detail}); the change was not stored.\n  hint: free some disk space, then try again")]
    DiskFull { detail: String },

    #[error(
        "{source}\n  note: {} was written, but not built into the collection; `iskra build {}` does that",
        shown(path),
        shown(path)
    )]
    WrittenNotBuilt {
        path: PathBuf,
        #[source]
        source: Box<Error>,
    },

    #[error("collection: {0}")]
    Sqlite(rusqlite::Error),

    /// `iskra undo` has nothing to undo, or the cards of the change moved
    /// on since (nothing was changed): not a usage mistake, so exit code 1.
    #[error("{0}")]
    CannotUndo(String),

    /// The learner pressed Ctrl-C at a prompt: the command stops, keeping
    /// what was confirmed before.
    #[error("interrupted (Ctrl-C); what was confirmed before it is kept")]
    Interrupted,

    /// A fault of iskra itself or its surroundings (a value that would not
    /// serialise, a terminal that failed, a worker that died): not the
    /// user's input, so exit code 1.
    #[error("{0}")]
    Internal(String),
}

/// A path as it is shown in a message: on one line, with control
/// characters (a line break in a directory's name) escaped.
pub fn shown(path: &Path) -> String {
    crate::text::escape_inline(&path.display().to_string())
}

impl Error {
    /// The process exit code for this error: 2 for a usage error (bad
    /// arguments or input the user can fix: an unknown deck, a bad value),
    /// 130 for Ctrl-C at a prompt, 1 for everything else. Decided here only; `main` uses it.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::UnknownDeck { .. } | Error::AmbiguousDeck { .. } => 2,
            // As a shell reports a process ended by SIGINT.
            Error::Interrupted => 130,
            _ => 1,
        }
    }

    /// An I/O failure on `path`, for `map_err`: the one helper for
    /// `Error::Io` (with [`Error::stdout`] and [`Error::terminal`]).
    pub fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + Copy + '_ {
        move |source| Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// An I/O failure writing standard output.
    pub fn stdout(source: std::io::Error) -> Error {
        Error::io(Path::new("<stdout>"))(source)
    }

    /// An I/O failure reading or drawing on the terminal.
    pub fn terminal(source: std::io::Error) -> Error {
        Error::io(Path::new("<terminal>"))(source)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        // Only `store::guard` rolls commits back in a commit hook: today's
        // check found the collection damaged.
        if err
            .sqlite_error()
            .is_some_and(|e| e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_COMMITHOOK)
        {
            return Error::Corrupt {
                path: PathBuf::from("the collection"),
                detail: "today's check of the collection found it damaged".into(),
            };
        }
        match err.sqlite_error_code() {
            _ if is_busy(&err) => Error::Busy,
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => Error::Corrupt {
                path: PathBuf::from("the collection"),
                detail: err.to_string(),
            },
            // A failed write rolls its transaction back: nothing of it is stored.
            Some(ErrorCode::DiskFull) => Error::DiskFull {
                detail: err.to_string(),
            },
            Some(ErrorCode::SystemIoFailure) => Error::Storage(format!(
                "the collection could not be written or read ({err}); the change was not stored.\n  hint: check that the disk works and has free space, then try again"
            )),
            Some(ErrorCode::ReadOnly) => Error::Storage(format!(
                "the collection cannot be written ({err}); the change was not stored.\n  hint: check the permissions of the collection file and its directory"
            )),
            _ => Error::Sqlite(err),
        }
    }
}

impl From<fsrs::FSRSError> for Error {
    fn from(err: fsrs::FSRSError) -> Self {
        Error::Scheduler(format!("{err:?}"))
    }
}

/// Whether SQLite gave up waiting for another connection's lock.
pub fn is_busy(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}
