//! Opening a deck file in the learner's editor at a line: `$EDITOR`, else
//! `$VISUAL`, else `vi`, run by the shell (so `EDITOR="code -w"` works) as
//! `EDITOR +LINE PATH`, which vi, vim, nano, emacs and most others take.

use std::path::Path;
use std::process::{Command, Stdio};

/// The editor command: `$EDITOR`, else `$VISUAL`, else `vi`.
pub fn editor_command() -> String {
    ["EDITOR", "VISUAL"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// How the editor is connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorIo {
    /// On the terminal, as the learner's own program.
    Terminal,
    /// Without a terminal (the line protocol): no input, its output to
    /// stderr, so that stdout stays the protocol's.
    Detached,
}

/// Runs the editor on `path` at `line` and waits for it; an error says why
/// the file should not be built again (the editor did not start, or failed).
pub fn edit_at(path: &Path, line: usize, io: EditorIo) -> Result<(), String> {
    let editor = editor_command();
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg("sh")
        .arg(format!("+{line}"))
        .arg(path);
    if io == EditorIo::Detached {
        command.stdin(Stdio::null()).stdout(std::io::stderr());
    }
    match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!(
            "the editor `{editor}` ended with {status}; the file was not built again"
        )),
        Err(err) => Err(format!("the editor `{editor}` did not start: {err}")),
    }
}
