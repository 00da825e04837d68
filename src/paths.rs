//! Where the collection lives: `--collection PATH`, else `ISKRA_COLLECTION`,
//! else `$XDG_DATA_HOME/iskra/collection.sqlite3`, else
//! `~/.local/share/iskra/collection.sqlite3`; and that path resolved once
//! to the file it names ([`resolve_collection`]).
//!
//! The folders of the environment's and the default location are created
//! when the collection is; a `--collection` path is taken as typed, so one
//! whose folder does not exist is refused rather than silently made (a typo
//! would otherwise start a new, empty collection somewhere unexpected).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

const FILE_NAME: &str = "collection.sqlite3";

/// Resolves the collection path; `env` looks up environment variables.
pub fn collection_path(flag: Option<PathBuf>, env: impl Fn(&str) -> Option<String>) -> Result<PathBuf> {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    if let Some(path) = flag {
        check_parent(&path)?;
        return Ok(path);
    }
    if let Some(path) = set("ISKRA_COLLECTION") {
        return Ok(PathBuf::from(path));
    }
    if let Some(data) = set("XDG_DATA_HOME") {
        return Ok(PathBuf::from(data).join("iskra").join(FILE_NAME));
    }
    match set("HOME") {
        Some(home) => Ok(PathBuf::from(home).join(".local/share/iskra").join(FILE_NAME)),
        None => Err(Error::Usage(
            "cannot tell where to keep the collection: HOME is not set.\n  hint: pass --collection PATH or set ISKRA_COLLECTION".into(),
        )),
    }
}

/// Refuses a `--collection` path whose folder does not exist.
fn check_parent(path: &Path) -> Result<()> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if parent.is_dir() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "--collection {}: the folder {} does not exist.\n  hint: create it first (`mkdir -p {}`), or check the path for a typo",
        crate::error::shown(path),
        crate::error::shown(parent),
        crate::error::shown(parent)
    )))
}

/// How many symbolic links may lead to the collection.
const MAX_LINKS: usize = 40;

/// The collection path as the file it names, resolved once when a command
/// starts: symbolic links followed (a dangling one to where its file would
/// be) and made absolute, so that every write, rename (`restore`) and backup
/// goes to the real file and the link stays a link. A path that exists but
/// is not a regular file (a directory, a FIFO, a device) is refused: a FIFO
/// would block the command forever.
pub fn resolve_collection(path: &Path) -> Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&path).map_err(Error::io(&path))?;
                path = match path.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            Ok(meta) if meta.is_file() => return std::fs::canonicalize(&path).map_err(Error::io(&path)),
            Ok(_) => return Err(crate::files::not_a_regular_file(&path, "a collection is a file")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(real_parent(&path)),
            Err(e) => return Err(Error::io(&path)(e)),
        }
    }
    Err(Error::Usage(format!(
        "{}: too many symbolic links lead to the collection.\n  hint: point --collection at the file itself",
        crate::error::shown(&path)
    )))
}

/// A path that does not exist yet, with its directory resolved when that exists.
fn real_parent(path: &Path) -> PathBuf {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (std::fs::canonicalize(dir), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn precedence_is_flag_env_xdg_home() {
        let all = [
            ("ISKRA_COLLECTION", "/c.db"),
            ("XDG_DATA_HOME", "/xdg"),
            ("HOME", "/home/u"),
        ];
        assert_eq!(
            collection_path(Some("/f.db".into()), env(&all)).unwrap(),
            PathBuf::from("/f.db")
        );
        assert_eq!(
            collection_path(Some("f.db".into()), env(&all)).unwrap(),
            PathBuf::from("f.db"),
            "the current folder"
        );
        assert_eq!(collection_path(None, env(&all)).unwrap(), PathBuf::from("/c.db"));
        assert_eq!(
            collection_path(None, env(&all[1..])).unwrap(),
            PathBuf::from("/xdg/iskra/collection.sqlite3")
        );
        assert_eq!(
            collection_path(None, env(&all[2..])).unwrap(),
            PathBuf::from("/home/u/.local/share/iskra/collection.sqlite3")
        );
        assert!(collection_path(None, env(&[])).is_err());
    }

    #[test]
    fn a_flag_path_needs_its_folder_and_the_environment_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no/such/c.sqlite3");
        let err = collection_path(Some(missing.clone()), env(&[])).unwrap_err();
        assert!(err.to_string().contains("no/such does not exist"), "{err}");
        assert_eq!(err.exit_code(), 2);
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        assert!(collection_path(Some(file.join("c.sqlite3")), env(&[])).is_err());
        let inside = dir.path().join("c.sqlite3");
        assert_eq!(collection_path(Some(inside.clone()), env(&[])).unwrap(), inside);
        let text = missing.display().to_string();
        let from_env = [("ISKRA_COLLECTION", text.as_str())];
        assert_eq!(collection_path(None, env(&from_env)).unwrap(), missing);
    }

    #[test]
    fn links_resolve_to_the_real_file_and_special_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let real_dir = std::fs::canonicalize(dir.path()).unwrap();
        let real = real_dir.join("real.sqlite3");
        std::os::unix::fs::symlink("real.sqlite3", dir.path().join("link")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("link"), dir.path().join("link2")).unwrap();
        // Dangling: to where the file will be.
        assert_eq!(resolve_collection(&dir.path().join("link2")).unwrap(), real);
        std::fs::write(&real, "").unwrap();
        assert_eq!(resolve_collection(&dir.path().join("link2")).unwrap(), real);
        assert_eq!(
            resolve_collection(&dir.path().join("new.sqlite3")).unwrap(),
            real_dir.join("new.sqlite3")
        );
        assert!(resolve_collection(dir.path()).is_err());
        assert!(resolve_collection(Path::new("/dev/null")).is_err());
        std::os::unix::fs::symlink("loop", dir.path().join("loop")).unwrap();
        assert!(resolve_collection(&dir.path().join("loop")).is_err());
    }
}
