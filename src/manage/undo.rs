//! `iskra undo`: takes back the newest change of a card command, in one
//! transaction: every card is written back as it was before and the log
//! entries the change added are removed. Only while every card is as the
//! change left it: a card reviewed, rebuilt or changed by another command
//! since makes undo refuse, changing nothing (the step stays, so a newer
//! change can be undone first and this one tried again).
//!
//! A change undo cannot take back (`deck delete`) is a barrier: undo right
//! after it refuses, naming it and the backup that holds what it took, and
//! undoes nothing. The refusal uses the barrier up, and says so: the next
//! `iskra undo` goes on to the change before it. (Anki's undo stops for
//! good at such a step; here the older changes stay within reach, since
//! the user was told where undo stands.) A step whose cards are all gone
//! (deleted with their deck before deck delete took them out of the undo
//! steps) is refused and used up the same way, instead of blocking every
//! older step.

use std::path::Path;

use super::id_list;
use crate::error::{Error, Result};
use crate::store::{Barrier, Store, Tx, UndoStep};
use crate::sync::record as sync;

/// What was undone.
#[derive(Debug, Clone, PartialEq)]
pub struct Undone {
    /// The command undone (`suspend`, `flag 3`).
    pub action: String,
    /// The cards put back, in the order the change made them.
    pub cards: Vec<i64>,
    /// Cards of the change that are no longer in the collection (deleted
    /// with their deck before deck delete took them out of undo steps).
    pub gone: Vec<i64>,
}

/// Undoes the newest recorded change (at `now_ms`: once the collection
/// syncs, the undo is recorded for the other devices too).
pub fn undo(store: &mut Store, now_ms: i64) -> Result<Undone> {
    let tx = store.begin()?;
    let Some(step) = tx.last_undo()? else {
        return Err(Error::CannotUndo(
            "nothing to undo: only suspend, unsuspend, bury, unbury, forget, reschedule and flag are undone by `iskra undo` (a review session undoes its answers with u)".into(),
        ));
    };
    if let Some(barrier) = &step.barrier {
        return Err(use_up(tx, &step, |next| barrier_refusal(&step, barrier, next)));
    }
    let mut reviewed = Vec::new();
    let mut changed = Vec::new();
    let mut gone = Vec::new();
    for card in &step.cards {
        match tx.card_snapshot(card.id)? {
            None => gone.push(card.id),
            Some(now) if now == card.after => {}
            Some(now) if now.schedule.reps != card.after.schedule.reps => reviewed.push(card.id),
            _ => changed.push(card.id),
        }
    }
    if gone.len() == step.cards.len() {
        return Err(use_up(tx, &step, |next| gone_refusal(&step, next)));
    }
    // A log entry the change added is gone (a restore, a rebuild): its card
    // moved on. (A card gone took its log entries with it.)
    let mut logs_gone = false;
    for &log_id in &step.log_ids {
        logs_gone |= !tx.log_exists(log_id)?;
    }
    if logs_gone && gone.is_empty() && reviewed.is_empty() && changed.is_empty() {
        changed.extend(step.cards.iter().map(|c| c.id));
    }
    if !reviewed.is_empty() || !changed.is_empty() {
        return Err(refusal(&step, &reviewed, &changed));
    }
    for &log_id in &step.log_ids {
        if let Some(uid) = tx.log_uid(log_id)? {
            sync::retract(&tx, &uid, now_ms)?;
        }
    }
    let mut cards = Vec::with_capacity(step.cards.len());
    for card in step.cards.iter().filter(|c| !gone.contains(&c.id)) {
        let recorder = sync::Recorder::before(&tx, card.id)?;
        tx.write_card_snapshot(card.id, &card.before)?;
        if let Some(recorder) = recorder {
            recorder.changed(&tx, None, now_ms)?;
        }
        cards.push(card.id);
    }
    for &log_id in &step.log_ids {
        tx.delete_log_row(log_id)?;
    }
    tx.delete_undo(step.id)?;
    tx.commit()?;
    Ok(Undone {
        action: step.action,
        cards,
        gone,
    })
}

/// Drops `step`, which undo cannot take back, and commits: the refusal
/// (made by `refuse` from the step before it) is the error returned.
fn use_up(tx: Tx, step: &UndoStep, refuse: impl FnOnce(Option<&UndoStep>) -> Error) -> Error {
    let done = (|| {
        tx.delete_undo(step.id)?;
        let next = tx.last_undo()?;
        tx.commit()?;
        Ok::<_, Error>(next)
    })();
    match done {
        Ok(next) => refuse(next.as_ref()),
        Err(e) => e,
    }
}

/// What the next `iskra undo` does, once `step` is used up.
fn next_undo(next: Option<&UndoStep>) -> String {
    match next {
        None => "there is no change before it to undo".into(),
        Some(next) if next.barrier.is_some() => format!(
            "the next `iskra undo` stops at the change before it, `{}`, which it cannot take back either",
            next.action
        ),
        Some(next) => format!(
            "the next `iskra undo` takes back the change before it, `{}` of {}",
            next.action,
            crate::text::plural(next.cards.len() as u64, "card")
        ),
    }
}

fn barrier_refusal(step: &UndoStep, barrier: &Barrier, next: Option<&UndoStep>) -> Error {
    let restore = match barrier.backup.as_deref().map(Path::new) {
        Some(backup) if backup.is_file() => format!(
            "the backup made just before it holds what it took: `iskra restore {}` puts the whole collection back as it was then (answers and changes made since are lost)",
            crate::error::shown(backup)
        ),
        Some(backup) => format!(
            "the backup made just before it ({}) is gone; `iskra restore` lists the backups left",
            crate::error::shown(backup)
        ),
        None => "`iskra restore` lists the backups".into(),
    };
    Error::CannotUndo(format!(
        "the last change was `{}`, which `iskra undo` cannot take back; nothing was undone.\n  hint: {restore}; {}",
        crate::text::escape_inline(&step.action),
        next_undo(next)
    ))
}

fn gone_refusal(step: &UndoStep, next: Option<&UndoStep>) -> Error {
    Error::CannotUndo(format!(
        "cannot undo `{}` ({}): its cards were deleted since, with their deck; nothing was undone.\n  hint: {}",
        step.action,
        crate::text::plural(step.cards.len() as u64, "card"),
        next_undo(next)
    ))
}

fn refusal(step: &UndoStep, reviewed: &[i64], changed: &[i64]) -> Error {
    let mut why = Vec::new();
    if !reviewed.is_empty() {
        why.push(format!("answered since: {}", id_list(reviewed)));
    }
    if !changed.is_empty() {
        why.push(format!(
            "changed since (by a build, a session or another command): {}",
            id_list(changed)
        ));
    }
    Error::CannotUndo(format!(
        "cannot undo `{}` ({}): cards {}; nothing was changed.\n  hint: `iskra card ID` shows a card's state and history; change it back with the card commands",
        step.action,
        crate::text::plural(step.cards.len() as u64, "card"),
        why.join("; cards ")
    ))
}
