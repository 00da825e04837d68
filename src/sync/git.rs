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

/// Runs git in `dir`; a clone whose user has no name or email commits
/// (and rebases) as `iskra`.
fn git(dir: &Path, args: &[&str]) -> Result<Output> {
    let mut command = Command::new("git");
    command.arg("-C").arg(dir).args(args).env("GIT_TERMINAL_PROMPT", "0");
    if args.first() != Some(&"config") && !named(dir) {
        for (key, value) in [
            ("GIT_AUTHOR_NAME", "iskra"),
            ("GIT_AUTHOR_EMAIL", "iskra@localhost"),
            ("GIT_COMMITTER_NAME", "iskra"),
            ("GIT_COMMITTER_EMAIL", "iskra@localhost"),
        ] {
            if std::env::var_os(key).is_none() {
                command.env(key, value);
            }
        }
    }
    command
        .output()
        .map_err(|e| {
            Error::Usage(format!(
                "cannot run git ({e}).\n  hint: install git, or sync without --git through a folder Syncthing or Dropbox keeps"
            ))
        })
}

/// Whether git knows who commits in `dir`.
fn named(dir: &Path) -> bool {
    let known = |key: &str| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["config", key])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    known("user.email") && known("user.name")
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
    if !has_upstream(dir)? && has_remote(dir)? {
        track_remote_branch(dir)?;
    }
    if has_upstream(dir)? {
        ok(dir, &["pull", "--rebase", "--autostash", "--quiet"])?;
    }
    Ok(())
}

/// A clone of an empty remote has no upstream yet: once another machine
/// pushed its branch, follow it.
fn track_remote_branch(dir: &Path) -> Result<()> {
    ok(dir, &["fetch", "--quiet", "origin"])?;
    let branch = ok(dir, &["symbolic-ref", "--short", "HEAD"])?;
    let branch = String::from_utf8_lossy(&branch.stdout).trim().to_string();
    let remote = format!("refs/remotes/origin/{branch}");
    if !git(dir, &["rev-parse", "--verify", "--quiet", &remote])?
        .status
        .success()
    {
        return Ok(()); // nobody pushed yet
    }
    if !git(dir, &["rev-parse", "--verify", "--quiet", "HEAD"])?
        .status
        .success()
    {
        // No commit here yet: take the remote's branch as it is.
        ok(dir, &["pull", "--quiet", "origin", &branch])?;
    }
    ok(
        dir,
        &["branch", "--quiet", &format!("--set-upstream-to=origin/{branch}")],
    )?;
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
        let mut commit = vec!["commit", "--quiet", "-m", message, "--"];
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
