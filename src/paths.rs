//! Where the collection lives: `--collection PATH`, else `ISKRA_COLLECTION`,
//! else `$XDG_DATA_HOME/iskra/collection.sqlite3`, else
//! `~/.local/share/iskra/collection.sqlite3`.
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
        path.display(),
        parent.display(),
        parent.display()
    )))
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
}
