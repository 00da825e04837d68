//! The shared folder on disk: `DIR/iskra-sync/`, one folder per device
//! named by its id (32 hex digits) holding its chunks, and `decks/<device>/`
//! holding the deck files of its decks that have no file of their own. A
//! device writes only under its own names, each file to a hidden temporary
//! name first and then renamed (never over another file), so no syncer
//! ever sees two machines write one file. Everything else in the folder is
//! foreign input: names are checked, counts and sizes bounded.
//!
//! The lock ([`Lock`]) keeps two iskra processes of one collection from
//! syncing at once: `COLLECTION.sync-lock`, next to the collection, holding
//! the process id, host and time; a lock whose process is gone (on this
//! host) or older than [`STALE_AFTER_MS`] is stale and taken over.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The folder iskra keeps in the shared folder.
pub const SYNC_FOLDER: &str = "iskra-sync";
/// Where the devices' deck files go, in [`SYNC_FOLDER`].
pub const DECKS_FOLDER: &str = "decks";
/// Most devices read from one folder.
pub const MAX_DEVICES: usize = 1_000;
/// Most chunk files read from one device's folder.
pub const MAX_CHUNK_FILES: usize = 1_000_000;
/// A lock this old is stale whatever holds it (10 minutes).
pub const STALE_AFTER_MS: i64 = 10 * 60 * 1000;

/// Whether `name` is a device id: 32 lowercase hex digits.
pub fn is_device_id(name: &str) -> bool {
    name.len() == 32 && name.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A chunk file found in a device's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkFile {
    pub name: String,
    pub seq: i64,
    pub size: u64,
    /// Not the canonical name (`000007.jsonl.zst`): a syncer's conflict
    /// copy, read like any chunk (its events are added once each).
    pub copy: bool,
}

/// One device's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceFolder {
    pub device: String,
    pub chunks: Vec<ChunkFile>,
}

/// The canonical name of chunk `seq`.
pub fn chunk_name(seq: i64) -> String {
    format!("{seq:06}.jsonl.zst")
}

/// The chunk a file name holds, if it is one: its sequence number and
/// whether the name is a copy's. Hidden files (temporary ones) are not.
fn parse_chunk_name(name: &str) -> Option<(i64, bool)> {
    if name.starts_with('.') || !name.ends_with(".zst") || !name.contains("jsonl") {
        return None;
    }
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() < 6 || digits.len() > 15 {
        return None;
    }
    let seq: i64 = digits.parse().ok().filter(|s| *s > 0)?;
    Some((seq, name != chunk_name(seq)))
}

/// The shared folder.
#[derive(Debug, Clone)]
pub struct Folder {
    /// `DIR/iskra-sync`.
    root: PathBuf,
}

impl Folder {
    /// The folder under `dir`, made if needed (`dir` must exist).
    pub fn open(dir: &Path) -> Result<Folder> {
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "{} is not a folder.\n  hint: create it, or name the folder Syncthing, Dropbox or your git clone keeps: `iskra sync DIR`",
                dir.display()
            )));
        }
        let root = dir.join(SYNC_FOLDER);
        std::fs::create_dir_all(&root).map_err(Error::io(&root))?;
        Ok(Folder { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A device's folder of chunks.
    pub fn device_dir(&self, device: &str) -> PathBuf {
        self.root.join(device)
    }

    /// A device's folder of deck files.
    pub fn decks_dir(&self, device: &str) -> PathBuf {
        self.root.join(DECKS_FOLDER).join(device)
    }

    /// Every device's folder with its chunk files, in order (device, then
    /// sequence, the canonical name before copies); and what was passed
    /// over, to warn about.
    pub fn scan(&self) -> Result<(Vec<DeviceFolder>, Vec<String>)> {
        let mut notes = Vec::new();
        let mut devices = Vec::new();
        for entry in std::fs::read_dir(&self.root).map_err(Error::io(&self.root))? {
            let entry = entry.map_err(Error::io(&self.root))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !is_device_id(&name) || !entry.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            if devices.len() == MAX_DEVICES {
                notes.push(format!(
                    "more than {MAX_DEVICES} device folders: the others are not read"
                ));
                break;
            }
            devices.push(name);
        }
        devices.sort();
        let mut folders = Vec::with_capacity(devices.len());
        for device in devices {
            let dir = self.device_dir(&device);
            let mut chunks = Vec::new();
            for entry in std::fs::read_dir(&dir).map_err(Error::io(&dir))? {
                let entry = entry.map_err(Error::io(&dir))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let Some((seq, copy)) = parse_chunk_name(&name) else {
                    continue;
                };
                let Ok(meta) = entry.metadata() else { continue };
                if !meta.is_file() {
                    continue;
                }
                if chunks.len() == MAX_CHUNK_FILES {
                    notes.push(format!(
                        "device {device}: more than {MAX_CHUNK_FILES} chunk files; the others are not read"
                    ));
                    break;
                }
                chunks.push(ChunkFile {
                    name,
                    seq,
                    size: meta.len(),
                    copy,
                });
            }
            chunks.sort_by(|a, b| (a.seq, a.copy, &a.name).cmp(&(b.seq, b.copy, &b.name)));
            folders.push(DeviceFolder { device, chunks });
        }
        Ok((folders, notes))
    }

    /// Reads a file of the folder, at most `limit` bytes (more is an error).
    pub fn read(&self, path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
        use std::io::Read;
        let mut bytes = Vec::new();
        std::fs::File::open(path)?.take(limit + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(std::io::Error::other(format!("over {limit} bytes")));
        }
        Ok(bytes)
    }

    /// Removes the temporary files a killed sync of `device` left in its
    /// folders (only this device writes there, and the lock is held).
    pub fn remove_leftovers(&self, device: &str) {
        for dir in [self.device_dir(device), self.decks_dir(device)] {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') && name.ends_with(".tmp") {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }

    /// Writes a new file (never over one): a hidden temporary file, synced,
    /// renamed to `path`, and the folder synced. `AlreadyExists` if `path` is there.
    pub fn write_new(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let result = (|| {
            let mut file = std::fs::File::create(&temp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            crate::files::rename_new(&temp, path)?;
            std::fs::File::open(dir)?.sync_all()
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result
    }
}

/// The sync lock of one collection (see the module comment); released when dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

/// This host's name, for locks.
fn host() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is writable for its length; gethostname NUL-terminates within it or fails.
    let done = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if done != 0 {
        return String::new();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// The host and collection file a device is made for: a collection copied
/// to another machine or path becomes a new device.
pub fn home(collection: &Path) -> String {
    let path = std::fs::canonicalize(collection).unwrap_or_else(|_| collection.to_path_buf());
    format!("{}:{}", host(), path.display())
}

/// Whether process `pid` runs on this host.
fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 checks for the process without sending anything.
    pid > 0
        && (unsafe { libc::kill(pid, 0) } == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM))
}

impl Lock {
    /// Takes the sync lock of the collection at `collection`, taking over a
    /// stale one; `Busy` when another iskra process syncs it now.
    pub fn take(collection: &Path, now_ms: i64) -> Result<Lock> {
        let mut name = collection.as_os_str().to_owned();
        name.push(".sync-lock");
        let path = PathBuf::from(name);
        for _ in 0..3 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    let text = format!("{} {} {now_ms}\n", std::process::id(), host());
                    file.write_all(text.as_bytes()).map_err(Error::io(&path))?;
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    let mut parts = text.split_whitespace();
                    let pid: i32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
                    let lock_host = parts.next().unwrap_or("");
                    let since: i64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
                    let gone = lock_host == host() && !alive(pid);
                    let old = now_ms.saturating_sub(since) > STALE_AFTER_MS || since > now_ms + STALE_AFTER_MS;
                    if !(gone || old || text.is_empty()) {
                        return Err(Error::Usage(format!(
                            "another iskra (process {pid}) is syncing this collection.\n  hint: wait for it; a lock left by a crash ({}) is taken over once its process is gone",
                            path.display()
                        )));
                    }
                    let _ = std::fs::remove_file(&path);
                }
                Err(e) => return Err(Error::io(&path)(e)),
            }
        }
        Err(Error::Usage(format!("cannot take the sync lock {}", path.display())))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_names_and_conflict_copies_are_told_apart() {
        assert_eq!(parse_chunk_name("000007.jsonl.zst"), Some((7, false)));
        assert_eq!(chunk_name(7), "000007.jsonl.zst");
        assert_eq!(
            parse_chunk_name("000007.sync-conflict-20260310-101010-ABCDEFG.jsonl.zst"),
            Some((7, true))
        );
        assert_eq!(parse_chunk_name("000007 (conflicted copy).jsonl.zst"), Some((7, true)));
        for not in [
            ".000007.jsonl.zst.1.tmp",
            "7.jsonl.zst",
            "000000.jsonl.zst",
            "notes.txt",
            "000007.jsonl",
        ] {
            assert_eq!(parse_chunk_name(not), None, "{not}");
        }
        assert!(is_device_id("0123456789abcdef0123456789abcdef"));
        assert!(!is_device_id("../0123456789abcdef0123456789abc") && !is_device_id("decks"));
    }

    #[test]
    fn a_lock_is_exclusive_until_dropped_and_a_stale_one_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("c.sqlite3");
        let lock = Lock::take(&db, 1_000).unwrap();
        assert!(matches!(Lock::take(&db, 1_000), Err(Error::Usage(m)) if m.contains("another iskra")));
        assert!(Lock::take(&db, 1_000 + STALE_AFTER_MS + 1).is_ok(), "too old: stale");
        drop(lock);
        // A lock of a process that is gone.
        std::fs::write(
            dir.path().join("c.sqlite3.sync-lock"),
            format!("999999999 {} 1000\n", host()),
        )
        .unwrap();
        assert!(Lock::take(&db, 1_000).is_ok());
    }
}
