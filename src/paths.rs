//! Where the collection lives: `--collection PATH`, else `ISKRA_COLLECTION`,
//! else `$XDG_DATA_HOME/iskra/collection.sqlite3`, else
//! `~/.local/share/iskra/collection.sqlite3`.

use std::path::PathBuf;

use crate::error::{Error, Result};

const FILE_NAME: &str = "collection.sqlite3";

/// Resolves the collection path; `env` looks up environment variables.
pub fn collection_path(flag: Option<PathBuf>, env: impl Fn(&str) -> Option<String>) -> Result<PathBuf> {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    if let Some(path) = flag {
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
}
