//! `iskra sync --git`: the folder is a git clone, and a git remote the only
//! thing machines share. Before the sync, `git pull --rebase --autostash`;
//! after it, this device's new files (its chunks and deck files, nothing
//! else) are committed and pushed — again after another pull when the
//! remote moved meanwhile. Devices never write each other's files, so the
//! rebase never conflicts.

use std::path::Path;
use std::process::{Command, Output};

use crate::error::{Error, Result};

/// Pushes tried before giving up (each after a pull).
const PUSH_TRIES: usize = 3;

fn git(dir: &Path, args: &[&str]) -> Result<Output> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|e| {
            Error::Usage(format!(
                "cannot run git ({e}).\n  hint: install git, or sync without --git through a folder Syncthing or Dropbox keeps"
            ))
        })
}

fn failed(dir: &Path, what: &str, output: &Output) -> Error {
    let stderr = String::from_utf8_lossy(&output.stderr);
    Error::Usage(format!(
        "`git {what}` failed in {}:\n{}\n  hint: fix the clone (`git status` there), then run `iskra sync --git` again; nothing is lost meanwhile",
        dir.display(),
        crate::text::escape_control(stderr.trim())
    ))
}

fn ok(dir: &Path, args: &[&str]) -> Result<Output> {
    let output = git(dir, args)?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(failed(dir, &args.join(" "), &output))
    }
}

/// Whether the clone's branch has an upstream to pull from.
fn has_upstream(dir: &Path) -> Result<bool> {
    Ok(
        git(dir, &["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}"])?
            .status
            .success(),
    )
}

fn has_remote(dir: &Path) -> Result<bool> {
    Ok(!git(dir, &["remote"])?.stdout.is_empty())
}

/// Checks that `dir` is a git clone and pulls (rebasing) when it can.
pub fn pull(dir: &Path) -> Result<()> {
    let inside = git(dir, &["rev-parse", "--is-inside-work-tree"])?;
    if !inside.status.success() {
        return Err(Error::Usage(format!(
            "{} is not a git clone.\n  hint: `git clone REMOTE {}` first, or sync without --git",
            dir.display(),
            dir.display()
        )));
    }
    if has_upstream(dir)? {
        ok(dir, &["pull", "--rebase", "--autostash", "--quiet"])?;
    }
    Ok(())
}

/// Commits `paths` (relative to `dir`) if they changed, and pushes; true
/// when a commit was made.
pub fn publish(dir: &Path, paths: &[String], message: &str) -> Result<bool> {
    let existing: Vec<&str> = paths
        .iter()
        .map(String::as_str)
        .filter(|p| dir.join(p).exists())
        .collect();
    if existing.is_empty() {
        return Ok(false);
    }
    let mut add = vec!["add", "--"];
    add.extend(&existing);
    ok(dir, &add)?;
    let mut diff = vec!["diff", "--cached", "--quiet", "--"];
    diff.extend(&existing);
    let committed = !git(dir, &diff)?.status.success();
    if committed {
        let named = git(dir, &["config", "user.email"])?.status.success();
        let mut commit: Vec<&str> = if named {
            vec![]
        } else {
            vec!["-c", "user.name=iskra", "-c", "user.email=iskra@localhost"]
        };
        commit.extend(["commit", "--quiet", "-m", message, "--"]);
        commit.extend(&existing);
        ok(dir, &commit)?;
    }
    if !has_remote(dir)? {
        return Ok(committed);
    }
    for attempt in 1..=PUSH_TRIES {
        let push = if has_upstream(dir)? {
            git(dir, &["push", "--quiet"])?
        } else {
            git(dir, &["push", "--quiet", "-u", "origin", "HEAD"])?
        };
        if push.status.success() {
            return Ok(committed);
        }
        if attempt == PUSH_TRIES {
            return Err(failed(dir, "push", &push));
        }
        ok(dir, &["pull", "--rebase", "--autostash", "--quiet"])?;
    }
    Ok(committed)
}
