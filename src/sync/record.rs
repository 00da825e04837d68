//! Recording what this collection does as events, in the transaction that
//! does it, once the collection syncs (it has a device): the hooks of the
//! answer transaction, the card commands and their undo, the review's
//! suspend and bury, and the import. Nothing is recorded before the first
//! sync; that one snapshots every studied card instead
//! ([`snapshot_studied`]) and writes the older review log as history.
//!
//! A change is recorded with the card as it was before it: the first
//! change of a card also keeps that as the start of the card's replays.

use super::event::{Answer, GradeConfig, Log, Logged, SetSchedule, Snapshot, What};
use super::replay::CardState;
use crate::error::{Error, Result};
use crate::progress::{self, Progress};
use crate::settings::{LeechAction, SchedConfig};
use crate::store::sync::{EventRow, LogValues};
use crate::store::{CardSnapshot, LogEntry, StoredSchedule, Tx, queue};

/// A new uid for an event made at `at_ms` ([`crate::ids::uid`], as the review log's).
pub fn new_uid(at_ms: i64) -> String {
    crate::ids::uid(at_ms)
}

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Internal(e.to_string()))
}

/// What the replay tracks of a stored card.
pub fn state_of(card: &CardSnapshot) -> CardState {
    CardState {
        schedule: card.schedule.clone(),
        suspended: card.queue == queue::SUSPENDED && !card.retired,
        buried_day: if card.queue == queue::BURIED {
            card.buried_day
        } else {
            None
        },
        flag: card.flag,
        leech: card.leech,
    }
}

/// This collection's device (row id), if it syncs.
fn local(tx: &Tx) -> Result<Option<i64>> {
    Ok(tx.local_device()?.map(|d| d.id))
}

/// Stores an event made here (unwritten) and marks its card for a replay.
fn insert(tx: &Tx, device: i64, identity: Option<i64>, uid: String, at_ms: i64, what: &What) -> Result<()> {
    let target = match what {
        What::Undo { target } => Some(target.clone()),
        What::Setting { key, .. } => Some(key.clone()),
        _ => None,
    };
    tx.insert_event(&EventRow {
        uid,
        device,
        chunk: None,
        at_ms,
        card: identity,
        kind: what.kind().to_string(),
        target,
        body: json(what)?,
    })?;
    if let Some(identity) = identity {
        tx.mark_dirty(identity)?;
    }
    Ok(())
}

/// A card about to change, as it was: what its events are recorded against.
pub struct Recorder {
    device: i64,
    card_id: i64,
    identity: i64,
    before: CardSnapshot,
}

impl Recorder {
    /// Takes card `card_id` as it is now, if this collection syncs.
    pub fn before(tx: &Tx, card_id: i64) -> Result<Option<Recorder>> {
        Recorder::taken(tx, card_id, |_| {})
    }

    /// Takes card `card_id` as it was: as it is now, changed by `was`.
    fn taken(tx: &Tx, card_id: i64, was: impl FnOnce(&mut CardSnapshot)) -> Result<Option<Recorder>> {
        let Some(device) = local(tx)? else {
            return Ok(None);
        };
        let (Some(mut before), Some(identity)) = (tx.card_snapshot(card_id)?, tx.identity_of_card(card_id)?) else {
            return Ok(None);
        };
        was(&mut before);
        let identity = tx.identity_id(&identity, Some(card_id))?;
        tx.set_base_once(identity, &json(&state_of(&before))?)?;
        Ok(Some(Recorder {
            device,
            card_id,
            identity,
            before,
        }))
    }

    fn insert(&self, tx: &Tx, uid: String, at_ms: i64, what: &What) -> Result<()> {
        insert(tx, self.device, Some(self.identity), uid, at_ms, what)
    }

    /// Records an answer: its log row `log_id`, graded with `scheduler`
    /// (and the leech rule of the settings), and whether it made the card
    /// a leech and suspended it.
    pub fn answer(
        &self,
        tx: &Tx,
        log_id: i64,
        entry: &LogEntry,
        leech: Option<bool>,
        scheduler: &SchedConfig,
    ) -> Result<()> {
        let settings = tx.settings()?;
        let config = GradeConfig {
            scheduler: scheduler.clone(),
            leech_lapses: settings.leech_lapses,
            leech_suspend: settings.leech_action == LeechAction::Suspend,
        };
        let hash = config.hash();
        tx.insert_config(&hash, &json(&config)?)?;
        let uid = tx
            .log_uid(log_id)?
            .ok_or_else(|| Error::Internal(format!("log row {log_id} is gone")))?;
        let answer = Answer {
            rating: entry.rating.number(),
            ms: entry.duration_ms,
            day: entry.after.last_review_day.unwrap_or_default(),
            kind: entry.kind as i64,
            elapsed: entry.elapsed_days,
            config: hash,
            before: self.before.schedule.clone(),
            after: StoredSchedule::of(&entry.after),
            leech: leech.is_some(),
            leech_suspend: leech == Some(true),
        };
        self.insert(tx, uid, entry.reviewed_at_ms, &What::Answer(answer))
    }

    /// Records what changed on the card since [`Recorder::before`]: its
    /// schedule set by `set` (`forget` or `reschedule`, logged as row
    /// `log_id`), else its suspension, burial and flag.
    pub fn changed(&self, tx: &Tx, set: Option<(&str, i64)>, at_ms: i64) -> Result<()> {
        let Some(after) = tx.card_snapshot(self.card_id)? else {
            return Ok(());
        };
        if let Some((op, log_id)) = set {
            let uid = tx.log_uid(log_id)?.unwrap_or_else(|| new_uid(at_ms));
            let set = SetSchedule {
                op: op.to_string(),
                before: self.before.schedule.clone(),
                after: after.schedule.clone(),
            };
            return self.insert(tx, uid, at_ms, &What::Set(set));
        }
        let (was, now) = (state_of(&self.before), state_of(&after));
        if was.suspended != now.suspended {
            let what = if now.suspended { What::Suspend } else { What::Unsuspend };
            self.insert(tx, new_uid(at_ms), at_ms, &what)?;
        }
        if was.buried_day != now.buried_day && !now.suspended {
            let what = match now.buried_day {
                Some(day) => What::Bury { day },
                None => What::Unbury,
            };
            self.insert(tx, new_uid(at_ms), at_ms, &what)?;
        }
        if was.flag != now.flag {
            self.insert(tx, new_uid(at_ms), at_ms, &What::Flag { flag: now.flag })?;
        }
        Ok(())
    }
}

/// Changes card `card_id` with `change` in one transaction, recorded (at
/// `at_ms`) once the collection syncs: the review's suspend and bury and
/// their undo.
pub fn change_card(
    store: &mut crate::store::Store,
    card_id: i64,
    at_ms: i64,
    change: impl FnOnce(&Tx) -> Result<()>,
) -> Result<()> {
    let tx = store.begin()?;
    let recorder = Recorder::before(&tx, card_id)?;
    change(&tx)?;
    if let Some(recorder) = recorder {
        recorder.changed(&tx, None, at_ms)?;
    }
    tx.commit()
}

/// Takes back the event `uid` made here (an answer or a forget undone):
/// never written, it is dropped; written, an `undo` event follows it.
pub fn retract(tx: &Tx, uid: &str, at_ms: i64) -> Result<()> {
    let Some(device) = local(tx)? else {
        return Ok(());
    };
    let Some(chunk) = tx.event_chunk(uid)? else {
        return Ok(()); // not an event: history from before the first sync
    };
    let card = tx.event_card(uid)?.flatten();
    if chunk.is_none() {
        tx.delete_unwritten_event(uid)?;
        if let Some(card) = card {
            tx.mark_dirty(card)?;
        }
        return Ok(());
    }
    let what = What::Undo {
        target: uid.to_string(),
    };
    insert(tx, device, card, new_uid(at_ms), at_ms, &what)
}

/// Records the siblings an answer buried (on study day `day`).
pub fn buried_siblings(tx: &Tx, ids: &[i64], day: i64, at_ms: i64) -> Result<()> {
    for &id in ids {
        let unburied = |card: &mut CardSnapshot| {
            if card.queue == queue::BURIED {
                card.queue = match card.schedule.state {
                    0 => queue::NEW,
                    2 => queue::REVIEW,
                    _ => queue::LEARNING,
                };
                card.buried_day = None;
            }
        };
        let Some(recorder) = Recorder::taken(tx, id, unburied)? else {
            return Ok(());
        };
        recorder.insert(tx, new_uid(at_ms), at_ms, &What::Bury { day })?;
    }
    Ok(())
}

/// Records the siblings an answer's undo brought back.
pub fn unburied_siblings(tx: &Tx, ids: &[i64], at_ms: i64) -> Result<()> {
    for &id in ids {
        if let Some(recorder) = Recorder::before(tx, id)? {
            recorder.insert(tx, new_uid(at_ms), at_ms, &What::Unbury)?;
        }
    }
    Ok(())
}

/// Records a card's whole state as it is now (an import scheduled it).
pub fn snapshot(tx: &Tx, card_id: i64, at_ms: i64) -> Result<()> {
    let Some(recorder) = Recorder::before(tx, card_id)? else {
        return Ok(());
    };
    let state = state_of(&recorder.before);
    let what = What::Snapshot(Snapshot {
        schedule: state.schedule,
        suspended: state.suspended,
        buried_day: state.buried_day,
        flag: state.flag,
        leech: state.leech,
    });
    recorder.insert(tx, new_uid(at_ms), at_ms, &what)
}

/// At a device's first sync: a snapshot of every card studied before.
pub fn snapshot_studied(tx: &Tx, at_ms: i64, progress: &dyn Progress) -> Result<usize> {
    let cards = tx.studied_cards()?;
    progress.start("snapshots", cards.len() as u64);
    for (i, &id) in cards.iter().enumerate() {
        progress::tick(progress, i, cards.len());
        snapshot(tx, id, at_ms)?;
    }
    Ok(cards.len())
}

/// What the log keeps of a schedule, as a `log` event holds it.
pub fn logged(s: &crate::card::Schedule) -> Logged {
    let stored = StoredSchedule::of(s);
    Logged {
        state: stored.state,
        due: stored.due,
        stability: stored.stability,
        difficulty: stored.difficulty,
        interval: stored.interval,
    }
}

/// A history row as a `log` event.
pub fn log_event(values: &LogValues) -> What {
    What::Log(Log {
        rating: values.rating,
        ms: values.duration_ms,
        kind: values.kind as i64,
        elapsed: values.elapsed_days,
        before: logged(&values.before),
        after: logged(&values.after),
    })
}

/// Records the log row `uid` an import added, as history.
pub fn history(tx: &Tx, uid: &str) -> Result<()> {
    let Some(device) = local(tx)? else {
        return Ok(());
    };
    let Some((card_id, values)) = tx.log_by_uid(uid)? else {
        return Ok(());
    };
    let Some(identity) = tx.identity_of_card(card_id)? else {
        return Ok(());
    };
    let identity = tx.identity_id(&identity, Some(card_id))?;
    insert(
        tx,
        device,
        Some(identity),
        uid.to_string(),
        values.at_ms,
        &log_event(&values),
    )
}

/// Records a shared setting's new value.
pub fn setting(tx: &Tx, device: i64, at_ms: i64, key: &str, value: serde_json::Value) -> Result<()> {
    let what = What::Setting {
        key: key.to_string(),
        value,
    };
    insert(tx, device, None, new_uid(at_ms), at_ms, &what)
}
