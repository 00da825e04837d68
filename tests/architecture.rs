//! The layout rules of `docs/architecture.md`, checked on the source: the
//! import graph among `src/` files has no cycle, imports run one way down
//! the layers, domain and storage import no clap or terminal crate, and no
//! file is over 600 lines. Test code (`#[cfg(test)]` modules and `tests.rs`
//! files) may import anything and is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, top first; a module may import its own layer or one below.
/// Each entry is a top-level module of the crate (a file or folder in `src/`).
const LAYERS: &[(&str, &[&str])] = &[
    ("binary", &["main"]),
    ("wiring", &["cli"]),
    ("commands", &["cmd"]),
    ("front ends", &["ui"]),
    ("sessions", &["session", "status"]),
    (
        "domain",
        &[
            "deck",
            "sched",
            "quiz",
            "stats",
            "optimize",
            "interop",
            "maintenance",
            "search",
            "manage",
            "config",
            "extract",
            "sync",
        ],
    ),
    ("storage", &["store"]),
    (
        "ground",
        &[
            "lib",
            "card",
            "model",
            "ids",
            "text",
            "clock",
            "error",
            "diagnostic",
            "distance",
            "settings",
            "files",
            "paths",
            "names",
            "progress",
        ],
    ),
];

/// Crates only the command layer and the front ends may use.
const EDGE_CRATES: &[&str] = &[
    "clap",
    "clap_complete",
    "clap_mangen",
    "console",
    "dialoguer",
    "indicatif",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `src/`, as a path relative to `src/`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.strip_prefix(src()).unwrap().to_path_buf());
        }
    }
}

/// `deck/parse/body.rs` → `["deck", "parse", "body"]`; `deck/mod.rs` → `["deck"]`.
fn module_path(file: &Path) -> Vec<String> {
    let mut parts: Vec<String> = file.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" {
        parts.push(stem.to_string());
    }
    if parts.is_empty() {
        parts.push("lib".into());
    }
    parts
}

/// The file's code without its test modules.
fn code_of(file: &Path) -> Option<String> {
    if file.file_name().is_some_and(|n| n == "tests.rs") || file.components().any(|c| c.as_os_str() == "tests") {
        return None;
    }
    let text = std::fs::read_to_string(src().join(file)).unwrap();
    let mut code = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            let next = lines.peek().map(|l| l.trim()).unwrap_or("");
            if next.starts_with("mod ") || next.starts_with("pub mod ") {
                break;
            }
        }
        // Comments (doc links such as [`crate::cli::run`]) name no import.
        if !line.trim_start().starts_with("//") {
            code.push_str(line);
        }
        code.push('\n');
    }
    Some(code)
}

/// The module paths a file's code names: `crate::a::b`, `super::x`, and the
/// items of `use crate::{a, b::c}` groups. Paths are resolved later.
fn named_paths(code: &str, module: &[String], is_mod_file: bool) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    // `super` from `a/b.rs` (module a::b) is `a`; from `a/b/mod.rs` (also a::b) it is `a` too.
    let _ = is_mod_file;
    let parent: Vec<String> = module[..module.len().saturating_sub(1)].to_vec();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let (prefix, base) = if rest.starts_with("crate::") && !preceded_by_ident(bytes, i) {
            ("crate::", Vec::new())
        } else if rest.starts_with("super::") && !preceded_by_ident(bytes, i) {
            ("super::", parent.clone())
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        i += prefix.len();
        let (paths, used) = parse_tree(&code[i..]);
        for p in paths {
            let mut full = base.clone();
            full.extend(p);
            if !full.is_empty() {
                found.push(full);
            }
        }
        i += used.max(1);
    }
    found
}

fn preceded_by_ident(bytes: &[u8], i: usize) -> bool {
    i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b':')
}

/// Reads `a::b::{c, d::e}` (or `a::b`) at the start of `text`; returns the
/// paths it names and how many bytes it used.
fn parse_tree(text: &str) -> (Vec<Vec<String>>, usize) {
    let mut segments = Vec::new();
    let mut i = 0;
    let bytes = text.as_bytes();
    loop {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        if i > start {
            segments.push(text[start..i].to_string());
        }
        if text[i..].starts_with("::{") {
            i += 3;
            let mut paths = Vec::new();
            loop {
                while i < bytes.len() && (bytes[i] as char).is_whitespace() {
                    i += 1;
                }
                if i >= bytes.len() || bytes[i] == b'}' {
                    i += 1;
                    break;
                }
                let (inner, used) = parse_tree(&text[i..]);
                for p in inner {
                    let mut full = segments.clone();
                    full.extend(p);
                    paths.push(full);
                }
                i += used;
                // `self`, `*` and `as` renames end a tree item.
                while i < bytes.len() && !matches!(bytes[i], b',' | b'}') {
                    i += 1;
                }
                if i < bytes.len() && bytes[i] == b',' {
                    i += 1;
                }
            }
            if paths.is_empty() {
                paths.push(segments);
            }
            return (paths, i);
        }
        if text[i..].starts_with("::") {
            i += 2;
            continue;
        }
        let segments = segments.into_iter().filter(|s| s != "self").collect();
        return (vec![segments], i);
    }
}

/// The deepest module file a path names (`crate::deck::Fact` → `deck`).
fn resolve(path: &[String], modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| modules.contains(p))
}

fn layer_of(module: &[String]) -> Option<usize> {
    let top = module.first()?;
    LAYERS.iter().position(|(_, members)| members.contains(&top.as_str()))
}

struct Graph {
    /// module → the modules its code imports (other than itself and its ancestors).
    edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
    files: BTreeMap<Vec<String>, PathBuf>,
    code: BTreeMap<Vec<String>, String>,
}

fn graph() -> Graph {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut by_module = BTreeMap::new();
    for file in &files {
        by_module.insert(module_path(file), file.clone());
    }
    let modules: BTreeSet<Vec<String>> = by_module.keys().cloned().collect();
    let mut edges = BTreeMap::new();
    let mut code_by_module = BTreeMap::new();
    for (module, file) in &by_module {
        let Some(code) = code_of(file) else { continue };
        let is_mod_file = file.file_name().is_some_and(|n| n == "mod.rs");
        let mut targets = BTreeSet::new();
        for path in named_paths(&code, module, is_mod_file) {
            if let Some(target) = resolve(&path, &modules) {
                // A module naming its own items or an ancestor's (`super::X`) is not an edge.
                if target != *module && !module.starts_with(&target) {
                    targets.insert(target);
                }
            }
        }
        edges.insert(module.clone(), targets);
        code_by_module.insert(module.clone(), code);
    }
    Graph {
        edges,
        files: by_module,
        code: code_by_module,
    }
}

fn show(module: &[String]) -> String {
    module.join("::")
}

#[test]
fn the_path_reader_understands_use_trees() {
    let modules = ["a", "b", "c", "sub"];
    let code = "use crate::a::{b::C, d};\nuse super::sub::X;\nfn f() { crate::c::go(); }\nlet x = my_crate::no;";
    let found = named_paths(code, &["m".to_string(), "n".to_string()], false);
    let found: Vec<String> = found.iter().map(|p| p.join("::")).collect();
    assert_eq!(found, ["a::b::C", "a::d", "m::sub::X", "c::go"]);
    let set: BTreeSet<Vec<String>> = modules.iter().map(|m| vec![m.to_string()]).collect();
    assert_eq!(resolve(&["a".into(), "b".into()], &set), Some(vec!["a".to_string()]));
    assert_eq!(resolve(&["zzz".into()], &set), None);
}

#[test]
fn every_module_has_a_layer() {
    let graph = graph();
    let missing: Vec<String> = graph
        .code
        .keys()
        .filter(|m| layer_of(m).is_none())
        .map(|m| show(m))
        .collect();
    assert!(
        missing.is_empty(),
        "modules with no layer in LAYERS (add them, and to docs/architecture.md): {missing:?}"
    );
}

#[test]
fn imports_run_down_the_layers() {
    let graph = graph();
    let mut upward = Vec::new();
    for (from, targets) in &graph.edges {
        let Some(from_layer) = layer_of(from) else { continue };
        for to in targets {
            let Some(to_layer) = layer_of(to) else { continue };
            if to_layer < from_layer {
                upward.push(format!(
                    "{} ({}) imports {} ({})",
                    show(from),
                    LAYERS[from_layer].0,
                    show(to),
                    LAYERS[to_layer].0
                ));
            }
        }
    }
    assert!(upward.is_empty(), "imports that run upward:\n{}", upward.join("\n"));
}

#[test]
fn no_import_cycle_among_files() {
    let graph = graph();
    // Tarjan's strongly connected components; any component of two or more files is a cycle.
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g Vec<String>, usize>,
        low: BTreeMap<&'g Vec<String>, usize>,
        stack: Vec<&'g Vec<String>>,
        on_stack: BTreeSet<&'g Vec<String>>,
        next: usize,
        cycles: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g Vec<String>) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        let graph = s.graph;
        for w in graph.edges.get(v).into_iter().flatten() {
            if !graph.edges.contains_key(w) {
                continue;
            }
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(show(w));
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.cycles.push(component);
            }
        }
    }
    let mut state = State {
        graph: &graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        cycles: Vec::new(),
    };
    for v in graph.edges.keys() {
        if !state.index.contains_key(v) {
            visit(&mut state, v);
        }
    }
    assert!(state.cycles.is_empty(), "import cycles among files: {:?}", state.cycles);
}

#[test]
fn only_commands_and_front_ends_use_clap_or_the_terminal() {
    let graph = graph();
    let allowed = ["main", "cli", "cmd", "ui"];
    let mut found = Vec::new();
    for (module, code) in &graph.code {
        if allowed.contains(&module[0].as_str()) {
            continue;
        }
        for krate in EDGE_CRATES {
            let used = code
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .any(|l| l.contains(&format!("{krate}::")) || l.contains(&format!("use {krate}")));
            if used {
                found.push(format!("{} uses {krate}", show(module)));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn no_source_file_is_over_600_lines() {
    let graph = graph();
    let long: Vec<String> = graph
        .code
        .iter()
        .map(|(m, code)| (m, code.lines().count()))
        .filter(|(_, n)| *n > 600)
        .map(|(m, n)| format!("{} ({} lines)", graph.files[m].display(), n))
        .collect();
    assert!(long.is_empty(), "files over 600 lines (tests excluded): {long:?}");
}
