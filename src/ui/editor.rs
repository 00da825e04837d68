//! Opening a file in the user's editor at a line: `$VISUAL`, else
//! `$EDITOR`, else `vi`, run as git runs it (through `sh`, so the variable
//! may hold options, e.g. `emacs -nw`), with `+LINE` before the file, which
//! most editors read as the line to start on. The editor has the terminal
//! until it exits. Used by `iskra edit` and the review's edit key (`e`), on
//! the terminal or, for the line protocol, detached from stdin and stdout.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};

/// The editor used when neither `VISUAL` nor `EDITOR` is set.
const FALLBACK: &str = "vi";

/// How the editor ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditorExit {
    /// Its exit code (`None` when a signal ended it).
    pub code: Option<i32>,
}

impl EditorExit {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// The editor command: `visual`, else `editor`, else `vi` (empty values
/// count as unset).
pub fn editor_command(visual: Option<String>, editor: Option<String>) -> String {
    [visual, editor]
        .into_iter()
        .flatten()
        .map(|e| e.trim().to_string())
        .find(|e| !e.is_empty())
        .unwrap_or_else(|| FALLBACK.to_string())
}

/// How the editor is connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorIo {
    /// On the terminal, as the user's own program.
    Terminal,
    /// Without a terminal (the line protocol): no input, its output to
    /// stderr, so that stdout stays the protocol's.
    Detached,
}

/// Opens `path` at `line` (1-based) in the user's editor on the terminal and waits for it.
pub fn open_at_line(path: &Path, line: usize) -> Result<EditorExit> {
    open_at_line_with(path, line, EditorIo::Terminal)
}

/// [`open_at_line`], connected as `io` says.
pub fn open_at_line_with(path: &Path, line: usize, io: EditorIo) -> Result<EditorExit> {
    let editor = editor_command(std::env::var("VISUAL").ok(), std::env::var("EDITOR").ok());
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(&editor)
        .arg(format!("+{}", line.max(1)))
        .arg(path);
    if io == EditorIo::Detached {
        command.stdin(Stdio::null()).stdout(std::io::stderr());
    }
    let status = command
        .status()
        .map_err(|e| Error::Internal(format!("could not start a shell to run the editor ({e})")))?;
    // `sh` says 127 when it cannot find the command, 126 when it cannot run it.
    if let Some(code @ (126 | 127)) = status.code() {
        return Err(Error::Usage(format!(
            "could not run the editor {editor:?} (exit code {code}: {}).\n  hint: set VISUAL or EDITOR to your editor, e.g. `export EDITOR=nano`",
            if code == 127 { "not found" } else { "not runnable" }
        )));
    }
    Ok(EditorExit { code: status.code() })
}

/// Runs the editor for a session's edit key: `Ok` when the file should be
/// built again, else why not (the editor did not start, or failed).
pub fn edit_at(path: &Path, line: usize, io: EditorIo) -> std::result::Result<(), String> {
    match open_at_line_with(path, line, io) {
        Ok(exit) if exit.success() => Ok(()),
        Ok(exit) => Err(format!(
            "the editor ended with {}; the file was not built again",
            exit.code
                .map_or_else(|| "a signal".to_string(), |c| format!("exit code {c}"))
        )),
        Err(err) => Err(err.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visual_wins_then_editor_then_vi() {
        let some = |s: &str| Some(s.to_string());
        assert_eq!(editor_command(some("code -w"), some("nano")), "code -w");
        assert_eq!(editor_command(some(" "), some("nano")), "nano");
        assert_eq!(editor_command(None, some("emacs -nw")), "emacs -nw");
        assert_eq!(editor_command(None, some("")), "vi");
        assert_eq!(editor_command(None, None), "vi");
    }
}
