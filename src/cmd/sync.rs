//! `iskra sync [DIR] [--status] [--git]`: syncs the collection with a
//! shared folder ([`crate::sync`]). The first DIR given is remembered
//! (setting `sync-dir`); after that, `iskra sync` alone syncs with it, and
//! so does every `review` and `quiz --record`, at its start and its end
//! ([`auto`]). With `--git` the folder is a git clone: pulled first, this
//! device's new files committed and pushed after.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::sync::{self, git};
use crate::ui;

/// `iskra sync` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra sync ~/Sync/iskra           the first time: remembers the folder (Syncthing, Dropbox…)
  iskra sync                        again (review and quiz --record sync by themselves)
  iskra sync --git ~/notes          the folder is a git clone: pull, sync, commit, push
  iskra sync --status               devices seen, what waits to be written and read

Never sync the collection file itself: each machine keeps its own and
shares only the folder."#)]
pub struct SyncArgs {
    /// The shared folder (remembered: later syncs, reviews and quizzes use it)
    pub dir: Option<PathBuf>,
    /// Show the devices seen and what waits to be written or read; sync nothing
    #[arg(long, conflicts_with = "git")]
    pub status: bool,
    /// The folder is a git clone: `git pull --rebase` first, commit and push this device's new files after
    #[arg(long)]
    pub git: bool,
}

/// The folder to sync with: `dir` (remembered from now on), else the one remembered.
fn folder(store: &mut Store, dir: Option<PathBuf>, out: &mut impl Write) -> Result<PathBuf> {
    let remembered = store.sync_dir()?;
    let Some(dir) = dir else {
        return remembered.ok_or_else(|| {
            Error::Usage(
                "no folder to sync with yet.\n  hint: `iskra sync DIR` with a folder Syncthing, Dropbox or a git clone keeps; it is remembered".into(),
            )
        });
    };
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a folder.\n  hint: create it first, or name the folder your syncer keeps",
            dir.display()
        )));
    }
    let dir = std::fs::canonicalize(&dir).map_err(Error::io(&dir))?;
    if remembered.as_deref() != Some(dir.as_path()) {
        let tx = store.begin()?;
        tx.set_sync_dir(Some(&dir))?;
        if let Some(old) = &remembered {
            // Another folder: everything of this device is written there afresh.
            tx.forget_chunks()?;
            if let Some(local) = tx.local_device()? {
                tx.restart_history(local.id)?;
            }
            writeln!(out, "Now syncing with {} (was {}).", dir.display(), old.display()).map_err(Error::stdout)?;
        }
        tx.commit()?;
    }
    Ok(dir)
}

/// Runs `iskra sync`.
pub fn run(store: &mut Store, args: SyncArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    if args.status {
        if let Some(dir) = args.dir {
            folder(store, Some(dir), out)?;
        }
        let status = sync::status::status(store)?;
        ui::sync::render_status(out, &status, clock).map_err(Error::stdout)?;
        return Ok(0);
    }
    let dir = folder(store, args.dir, out)?;
    // The bundled decks first, as a review would: events name their cards.
    super::bundled_if_empty(store)?;
    if args.git {
        git::pull(&dir)?;
    }
    let report = {
        // Cleared before the warnings and the report are printed.
        let bar = crate::ui::progress::Bar::on_stderr();
        sync::sync_showing(store, &dir, clock, &bar)?
    };
    ui::sync::render_warnings(&mut std::io::stderr(), &report).map_err(Error::stdout)?;
    if args.git {
        publish(&dir, &report)?;
    }
    ui::sync::render_report(out, &report).map_err(Error::stdout)?;
    Ok(0)
}

/// Commits and pushes this device's files.
fn publish(dir: &Path, report: &sync::Report) -> Result<bool> {
    let mine = [
        format!("{}/{}", sync::folder::SYNC_FOLDER, report.device),
        format!(
            "{}/{}/{}",
            sync::folder::SYNC_FOLDER,
            sync::folder::DECKS_FOLDER,
            report.device
        ),
    ];
    let message = format!(
        "iskra sync: device {} ({})",
        &report.device[..report.device.len().min(8)],
        crate::text::plural(report.events_out as u64, "event")
    );
    git::publish(dir, &mine, &message)
}

/// The sync at the start and end of a review or a recorded quiz, when a
/// folder is remembered: a line on stderr when it did something, a
/// warning (never an error) when it could not.
pub fn auto(store: &mut Store, clock: &Clock) {
    let Ok(Some(dir)) = store.sync_dir() else {
        return;
    };
    let mut err = std::io::stderr();
    match sync::sync(store, &dir, clock) {
        Ok(report) => {
            let _ = ui::sync::render_warnings(&mut err, &report);
            if report.did_something() {
                let _ = writeln!(err, "{}", ui::sync::summary(&report));
            }
        }
        Err(e) => {
            let _ = writeln!(
                err,
                "warning: sync with {} failed: {}",
                crate::text::escape_control(&dir.display().to_string()),
                crate::text::escape_control(&e.to_string())
            );
        }
    }
}
