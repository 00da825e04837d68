//! Compiles the deck files under `decks/` into the binary, so a fresh
//! install has cards at once.

use std::fmt::Write as _;

fn main() {
    println!("cargo:rerun-if-changed=decks");
    let mut entries: Vec<_> = std::fs::read_dir("decks")
        .map(|dir| dir.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.retain(|p| p.extension().is_some_and(|e| e == "deck"));
    entries.sort();
    let mut out = String::from(
        "/// Deck files bundled at build time: (file name, contents).\npub const BUNDLED_DECKS: &[(&str, &str)] = &[\n",
    );
    for path in &entries {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            absolute.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("bundled_decks.rs");
    if let Err(err) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {err}", dest.display());
    }
}
