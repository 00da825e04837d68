//! Files that are not what they seem, and writing users' files safely.
//!
//! - [`write_atomic`]: a regular file is replaced atomically (a new version
//!   is written next to it and renamed over it, so a crash leaves either the
//!   old or the new file; through a symlink, the file it points at); an
//!   existing FIFO, character device or socket is written into as a stream
//!   (escaped on a terminal); a directory is refused.
//! - [`rename_new`]: a file renamed without replacing another.
//! - [`read_regular`]: reads a file only if it is a regular one, so a FIFO
//!   named like a deck file cannot block a command.
//! - [`remove_dead_temps`]: temporary files named with the id of a process
//!   that has ended (killed while writing one) are removed.
//! - [`sqlite_uri`]: a path as a SQLite `file:` URI, percent-encoded.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result, shown};

/// What is at a path a command is about to write or read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Missing,
    Regular,
    Directory,
    /// A FIFO, character device or socket: written into, never replaced.
    Stream,
}

/// What `path` is (symlinks followed).
pub fn kind(path: &Path) -> std::io::Result<Kind> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(Kind::Regular),
        Ok(m) if m.is_dir() => Ok(Kind::Directory),
        Ok(_) => Ok(Kind::Stream),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Kind::Missing),
        Err(e) => Err(e),
    }
}

/// The error for an output path that names a directory.
pub fn is_a_directory(path: &Path) -> Error {
    Error::Usage(format!(
        "{} is a directory.\n  hint: name a file to write to",
        shown(path)
    ))
}

/// Replaces (or creates) `path` with `bytes`: atomically for a regular file
/// (the file a symlink points at is replaced, the link kept), as a stream for
/// an existing FIFO, character device or socket (on a terminal with control
/// characters escaped, CRLF line ends kept); a directory is refused.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = Error::io(path);
    match kind(path).map_err(io)? {
        Kind::Directory => Err(is_a_directory(path)),
        Kind::Stream => write_stream(path, bytes),
        Kind::Regular => replace(&std::fs::canonicalize(path).map_err(io)?, bytes),
        Kind::Missing => replace(path, bytes),
    }
}

/// Writes into an existing special file, as `cat > path` would.
fn write_stream(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = Error::io(path);
    let mut file = std::fs::OpenOptions::new().write(true).open(path).map_err(io)?;
    if file.is_terminal() {
        let text = crate::text::escape_control_crlf(&String::from_utf8_lossy(bytes));
        file.write_all(text.as_bytes()).map_err(io)
    } else {
        file.write_all(bytes).map_err(io)
    }
}

/// Writes `bytes` next to `path` and renames them over it.
fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = Error::io(path);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(io)
}

/// Renames `from` to `to` atomically, never over an existing `to` (an
/// `AlreadyExists` error then). On Linux the kernel checks and renames in
/// one step; elsewhere (or on a file system that cannot) the check comes
/// just before the rename.
pub fn rename_new(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
        let (old, new) = (c(from)?, c(to)?);
        // SAFETY: both are valid NUL-terminated paths, relative to the current folder.
        let done = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                old.as_ptr(),
                libc::AT_FDCWD,
                new.as_ptr(),
                libc::RENAME_NOREPLACE,
            )
        };
        if done == 0 {
            return Ok(());
        }
        let err = std::io::Error::last_os_error();
        if !matches!(err.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) {
            return Err(err);
        }
    }
    if to.symlink_metadata().is_ok() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{} exists", to.display()),
        ));
    }
    std::fs::rename(from, to)
}

/// The error for a path that must be a regular file and is not.
pub fn not_a_regular_file(path: &Path, what: &str) -> Error {
    Error::Usage(format!(
        "{} is not a regular file (a FIFO, device, socket or directory); {what}.\n  hint: name a regular file",
        shown(path)
    ))
}

/// Reads at most `limit` bytes of `path` (one more, so that a caller can
/// tell the file is larger), refusing anything but a regular file: the file
/// is opened without blocking (a FIFO would wait for a writer forever) and
/// checked before a byte is read.
pub fn read_regular(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>> {
    use std::os::unix::fs::OpenOptionsExt;
    let io = Error::io(path);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(not_a_regular_file(path, what));
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    Ok(bytes)
}

/// Reads the whole of `path`, a regular file of at most `limit` bytes;
/// anything else is refused before it is read whole: a FIFO or device (see
/// [`read_regular`]), or a larger file, with `what` (e.g. "a text import")
/// named in the error. So a file named by a user costs at most `limit` of
/// memory, whatever it is.
pub fn read_limited(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>> {
    let bytes = read_regular(path, limit, &format!("{what} is read from a regular file"))?;
    at_most(path, bytes, limit, what)
}

/// [`read_limited`] for a text read once, from start to end, which may
/// come down a pipe (`/dev/stdin`, `<(command)`, a FIFO): anything but a
/// directory is read, waiting for its writer, and refused past `limit`
/// bytes, having held at most one byte more.
pub fn read_limited_stream(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>> {
    let io = Error::io(path);
    let file = std::fs::File::open(path).map_err(io)?;
    if file.metadata().map_err(io)?.is_dir() {
        return Err(Error::Usage(format!(
            "{} is a directory; {what} is a file or a pipe.\n  hint: name a file",
            shown(path)
        )));
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    at_most(path, bytes, limit, what)
}

/// `bytes` read from `path`, or the error when there are more than `limit`.
fn at_most(path: &Path, bytes: Vec<u8>, limit: u64, what: &str) -> Result<Vec<u8>> {
    if bytes.len() as u64 > limit {
        return Err(Error::Usage(format!(
            "{} is larger than {} MiB, the most {what} may be.\n  hint: split it into smaller files",
            shown(path),
            limit >> 20
        )));
    }
    Ok(bytes)
}

/// Whether the process `pid` is alive (or cannot be told: then it counts as alive).
pub fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill with signal 0 sends nothing; it only checks the process.
    let sent = unsafe { libc::kill(pid, 0) };
    sent == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Removes the files in `dir` for which `pid_of` gives the id of a process
/// that has ended: temporary files of a process killed while it wrote them
/// (their names carry its id). Files that cannot be removed are left.
/// Returns what was removed.
pub fn remove_dead_temps(dir: &Path, pid_of: impl Fn(&str) -> Option<u32>) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(&pid_of) else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

/// The process id in a temporary file's name `<stem>.<pid>.tmp`, or of
/// SQLite's files beside it (`-journal`, `-wal`, `-shm`).
pub fn pid_of_temp(name: &str) -> Option<u32> {
    let name = ["-journal", "-wal", "-shm"]
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(name);
    let (_, pid) = name.strip_suffix(".tmp")?.rsplit_once('.')?;
    pid.parse().ok()
}

/// `path` as a SQLite `file:` URI with `query` (`immutable=1`): `%`, `?`,
/// `#`, control characters and bytes outside ASCII are percent-encoded, so
/// any path (a `TMPDIR` named `a#b?c%d`) opens the file it names.
pub fn sqlite_uri(path: &Path, query: &str) -> String {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    let mut out = String::from(if bytes.starts_with(b"/") { "file://" } else { "file:" });
    for &b in bytes {
        match b {
            b'%' | b'?' | b'#' | 0..=0x20 | 0x7f..=0xff => out.push_str(&format!("%{b:02X}")),
            b => out.push(char::from(b)),
        }
    }
    if !query.is_empty() {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// The file SQLite keeps beside a database at `path` (`-wal`, `-shm`,
/// `-journal`): the path with `suffix` appended to its name.
pub fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renaming_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.deck"), dir.path().join("b.deck"));
        std::fs::write(&a, "a").unwrap();
        std::fs::write(&b, "b").unwrap();
        let err = rename_new(&a, &b).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&b).unwrap(), b"b");
        std::fs::remove_file(&b).unwrap();
        rename_new(&a, &b).unwrap();
        assert!(!a.exists());
        assert_eq!(std::fs::read(&b).unwrap(), b"a");
    }

    #[test]
    fn replaces_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/x.deck");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[test]
    fn links_are_kept_and_directories_refused() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.txt");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        let null = dir.path().join("null");
        std::os::unix::fs::symlink("/dev/null", &null).unwrap();
        write_atomic(&null, b"gone").unwrap();
        assert!(std::fs::symlink_metadata(&null).unwrap().file_type().is_symlink());
        let err = write_atomic(dir.path(), b"x").unwrap_err();
        assert!(
            matches!(err, Error::Usage(ref m) if m.contains("is a directory")),
            "{err}"
        );
    }

    #[test]
    fn special_files_are_not_read_as_regular_ones() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.deck");
        std::fs::write(&file, "0123456789").unwrap();
        assert_eq!(read_regular(&file, 4, "x").unwrap(), b"01234");
        assert!(read_regular(dir.path(), 4, "x").is_err());
        assert!(read_regular(Path::new("/dev/null"), 4, "a deck is a file").is_err());
    }

    #[test]
    fn files_over_the_limit_are_refused_saying_what_and_how_large() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f.csv");
        std::fs::write(&file, vec![b'x'; 3 << 20]).unwrap();
        assert_eq!(read_limited(&file, 3 << 20, "a text import").unwrap().len(), 3 << 20);
        let err = read_limited(&file, (3 << 20) - 1, "a text import")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("larger than 2 MiB, the most a text import may be"),
            "{err}"
        );
        assert!(err.contains("split it"), "{err}");
        let err = read_limited(Path::new("/dev/zero"), 4, "a text import")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }

    #[test]
    fn temp_files_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let me = std::process::id();
        for name in [
            format!(".c-1-daily.sqlite3.{dead}.tmp"),
            format!(".c-1-daily.sqlite3.{dead}.tmp-journal"),
            format!(".c-1-daily.sqlite3.{me}.tmp"),
            "c-1-daily.sqlite3".to_string(),
        ] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        assert_eq!(remove_dead_temps(dir.path(), pid_of_temp).len(), 2);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
        assert_eq!(pid_of_temp(".a.b.12.tmp-wal"), Some(12));
        assert_eq!(pid_of_temp("a.sqlite3"), None);
    }

    #[test]
    fn uris_encode_what_sqlite_would_read_as_syntax() {
        assert_eq!(
            sqlite_uri(Path::new("/t/a #1?x=%41/c"), "immutable=1"),
            "file:///t/a%20%231%3Fx=%2541/c?immutable=1"
        );
        assert_eq!(sqlite_uri(Path::new("//net/x"), ""), "file:////net/x");
        assert_eq!(sqlite_uri(Path::new("rel/é"), ""), "file:rel/%C3%A9");
    }
}
