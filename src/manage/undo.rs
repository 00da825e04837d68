//! `iskra undo`: takes back the newest change of a card command, in one
//! transaction: every card is written back as it was before and the log
//! entries the change added are removed. Only while every card is as the
//! change left it: a card reviewed, rebuilt or changed by another command
//! since makes undo refuse, changing nothing (the step stays, so a newer
//! change can be undone first and this one tried again).

use super::id_list;
use crate::error::{Error, Result};
use crate::store::{Store, UndoStep};
use crate::sync::record as sync;

/// What was undone.
#[derive(Debug, Clone, PartialEq)]
pub struct Undone {
    /// The command undone (`suspend`, `flag 3`).
    pub action: String,
    /// The cards put back, in the order the change made them.
    pub cards: Vec<i64>,
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
    let mut reviewed = Vec::new();
    let mut changed = Vec::new();
    for card in &step.cards {
        match tx.card_snapshot(card.id)? {
            Some(now) if now == card.after => {}
            Some(now) if now.schedule.reps != card.after.schedule.reps => reviewed.push(card.id),
            _ => changed.push(card.id),
        }
    }
    // A log entry the change added is gone (a restore, a rebuild): its card moved on.
    let mut logs_gone = false;
    for &log_id in &step.log_ids {
        logs_gone |= !tx.log_exists(log_id)?;
    }
    if logs_gone && reviewed.is_empty() && changed.is_empty() {
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
    for card in &step.cards {
        let recorder = sync::Recorder::before(&tx, card.id)?;
        tx.write_card_snapshot(card.id, &card.before)?;
        if let Some(recorder) = recorder {
            recorder.changed(&tx, None, now_ms)?;
        }
    }
    for &log_id in &step.log_ids {
        tx.delete_log_row(log_id)?;
    }
    tx.delete_undo(step.id)?;
    tx.commit()?;
    Ok(Undone {
        action: step.action,
        cards: step.cards.iter().map(|c| c.id).collect(),
    })
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
