//! What `iskra check` and `iskra restore` print: each check as `ok` or
//! `PROBLEM`, the list of backups, the question before a restore and what
//! it did. Names of backups and problems found are escaped.

use std::io::{self, Write};
use std::path::Path;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::maintenance::backup::Backup;
use crate::maintenance::check::Check;
use crate::maintenance::restore::Sizes;
use crate::store::Recounted;
use crate::text::escape_control;

/// The line `iskra check` starts with, before the checks run.
pub fn render_check_start(out: &mut impl Write, path: &Path) -> io::Result<()> {
    writeln!(out, "Checking {}", crate::error::shown(path))
}

/// What `iskra check --repair` put right, before the checks.
pub fn render_recounted(out: &mut impl Write, recounted: &Recounted) -> io::Result<()> {
    use crate::text::plural;
    if !recounted.any() {
        return writeln!(
            out,
            "Nothing to count again: every kept count and the search index were right."
        );
    }
    // (how many, of what, said as "{before}N things{after}")
    let parts = [
        (recounted.decks, "deck", "the counts of ", ""),
        (recounted.due_days, "study day", "the due cards of ", ""),
        (recounted.log_rows, "answer", "the deck of ", ""),
        (recounted.indexed_cards, "card", "", " in the search index"),
    ];
    let fixed: Vec<String> = parts
        .iter()
        .filter(|(count, ..)| *count > 0)
        .map(|(count, noun, before, after)| format!("{before}{}{after}", plural(*count as u64, noun)))
        .collect();
    writeln!(out, "Counted again: {} put right.", fixed.join(", "))
}

/// Each check as `ok` or `PROBLEM` (with its problems), then the verdict;
/// `backups` (how many there are) goes into the hint when a check failed.
pub fn render_checks(out: &mut impl Write, checks: &[Check], backups: usize) -> io::Result<()> {
    for check in checks {
        if check.passed() {
            writeln!(out, "  ok       {}", check.name)?;
            continue;
        }
        writeln!(out, "  PROBLEM  {}", check.name)?;
        for problem in &check.problems {
            writeln!(out, "           {}", escape_control(problem))?;
        }
    }
    let problems = checks.iter().filter(|c| !c.passed()).count();
    if problems == 0 {
        return writeln!(out, "All {} checks passed.", checks.len());
    }
    let interrupted = checks
        .iter()
        .any(|c| c.name == crate::maintenance::check::NO_INTERRUPTED_WRITE && !c.passed());
    let repairable = checks
        .iter()
        .filter(|c| !c.passed())
        .all(|c| crate::maintenance::check::repairable(&c.name));
    let hint = match backups {
        _ if interrupted => "when no other iskra is running, any iskra command (`iskra status`) puts the file back as it was before that write; then `iskra check` again".to_string(),
        _ if repairable => "these are counts iskra keeps of your cards, not your cards: `iskra check --repair` counts them again".to_string(),
        0 => "no backups of it were found; `iskra export` what still reads, or rebuild the decks".to_string(),
        n => format!(
            "`iskra restore` lists the {}; `iskra restore 1` restores the newest",
            crate::text::plural(n as u64, "backup")
        ),
    };
    writeln!(
        out,
        "{problems} of {} checks found problems.\n  hint: {hint}",
        checks.len()
    )
}

/// The backups of the collection at `path`, kept in `dir`, newest first,
/// each with its file size and (when readable) its cards and log rows.
pub fn render_backups(
    out: &mut impl Write,
    path: &Path,
    dir: &Path,
    backups: &[(Backup, (u64, Option<Sizes>))],
    clock: &Clock,
) -> io::Result<()> {
    if backups.is_empty() {
        return writeln!(
            out,
            "No backups of {} yet. iskra keeps them in {}: one each study day, and one before a schema upgrade.",
            crate::error::shown(path),
            crate::error::shown(dir)
        );
    }
    writeln!(
        out,
        "Backups of {} in {}, newest first:",
        crate::error::shown(path),
        crate::error::shown(dir)
    )?;
    writeln!(
        out,
        "{:>3}  {:<16}  {:<16}  {:>8}  {:>7}  {:>8}  file",
        "#", "taken", "reason", "size", "cards", "log rows"
    )?;
    for (i, (backup, (size, sizes))) in backups.iter().enumerate() {
        let (cards, log) = sizes.map_or(("?".to_string(), "?".to_string()), |(c, l)| {
            (c.to_string(), l.to_string())
        });
        writeln!(
            out,
            "{:>3}  {:<16}  {:<16}  {:>8}  {cards:>7}  {log:>8}  {}",
            i + 1,
            clock.local_string(backup.at),
            escape_control(&backup.reason),
            human_size(*size),
            escape_control(&backup.name)
        )?;
    }
    writeln!(out, "Restore one with `iskra restore N` (or its file name).")
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 * 1024 => format!("{:.0} KB", (b as f64 / 1024.0).ceil()),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// Asks on the terminal whether to replace the collection at `path` with
/// the backup `name`; no means no. A prompt that fails changes nothing.
pub fn confirm_restore(path: &Path, name: &str, sizes: Sizes) -> Result<bool> {
    dialoguer::Confirm::new()
        .with_prompt(format!(
            "Replace {} with {name} ({}, {})? The current collection is backed up first.",
            crate::error::shown(path),
            crate::text::plural(sizes.0 as u64, "card"),
            crate::text::plural(sizes.1 as u64, "log row")
        ))
        .default(false)
        .interact()
        .map_err(|e| Error::Usage(format!("no confirmation ({e}); nothing was changed")))
}

/// What a restore did: where from, and where the replaced collection was saved.
pub fn render_restored(
    out: &mut impl Write,
    path: &Path,
    name: &str,
    sizes: Sizes,
    saved: Option<&Path>,
) -> io::Result<()> {
    writeln!(
        out,
        "Restored {} from {name} ({}, {}).",
        crate::error::shown(path),
        crate::text::plural(sizes.0 as u64, "card"),
        crate::text::plural(sizes.1 as u64, "log row")
    )?;
    if let Some(saved) = saved {
        writeln!(
            out,
            "The collection as it was is saved as {}; `iskra restore` lists it.",
            crate::error::shown(saved)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, problems: &[&str]) -> Check {
        Check {
            name: name.into(),
            problems: problems.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn checks_print_ok_or_problem_and_the_hint_counts_backups() {
        let mut out = Vec::new();
        render_checks(&mut out, &[check("a", &[]), check("b", &[])], 0).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "  ok       a\n  ok       b\nAll 2 checks passed.\n"
        );

        let mut out = Vec::new();
        render_checks(&mut out, &[check("a", &[]), check("b", &["bad\u{1b}[2J", "worse"])], 3).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "  ok       a\n  PROBLEM  b\n           bad\\u{1b}[2J\n           worse\n\
             1 of 2 checks found problems.\n  hint: `iskra restore` lists the 3 backups; `iskra restore 1` restores the newest\n"
        );
    }

    #[test]
    fn sizes_are_in_whole_kilobytes_then_megabytes() {
        assert_eq!(human_size(0), "0 KB");
        assert_eq!(human_size(1025), "2 KB");
        assert_eq!(human_size(3 * 1024 * 1024 / 2), "1.5 MB");
    }
}
