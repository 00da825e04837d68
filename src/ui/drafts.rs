//! The interactive walk through extracted drafts: accept, edit, skip or stop.

use dialoguer::{Input, Select};

use super::terminal::guard::{TerminalGuard, prompt_error};
use crate::error::Result;
use crate::extract::Draft;

/// Shows each draft; `accept` is called for every accepted (maybe edited)
/// draft right away, so stopping or a crash keeps what was accepted.
/// Returns how many were accepted.
/// Ctrl-C stops the walk (what was accepted is kept) and the terminal is
/// restored however it ends.
pub fn walk(drafts: &[Draft], mut accept: impl FnMut(&Draft) -> Result<()>) -> Result<usize> {
    let _guard = TerminalGuard::install();
    let mut accepted = 0;
    for (i, draft) in drafts.iter().enumerate() {
        println!(
            "\nDraft {}/{} ({}, line {}):\n  {}",
            i + 1,
            drafts.len(),
            draft.kind.tag(),
            draft.line,
            super::escape_control(&draft.cloze)
        );
        let choice = Select::new()
            .with_prompt("Keep it?")
            .items(["accept", "edit", "skip", "stop"])
            .default(0)
            .interact_opt()
            .map_err(prompt_error)?;
        let chosen = match choice {
            Some(0) => draft.clone(),
            Some(1) => {
                let mut edited = draft.clone();
                edited.cloze = edit(&draft.cloze)?;
                edited
            }
            Some(2) => continue,
            _ => break,
        };
        accept(&chosen)?;
        accepted += 1;
    }
    Ok(accepted)
}

/// Lets the author rewrite a cloze until it has valid `{{deletions}}`.
fn edit(cloze: &str) -> Result<String> {
    Input::<String>::new()
        .with_prompt("cloze")
        .with_initial_text(cloze)
        .validate_with(|text: &String| -> std::result::Result<(), String> {
            crate::deck::check_cloze(text).map_err(|problem| format!("{problem}; mark hidden words like {{{{this}}}}"))
        })
        .interact_text()
        .map_err(prompt_error)
}
