//! Managing cards by hand, as Anki's browser does: the card commands
//! (`suspend`, `unsuspend`, `bury`, `unbury`, `forget`, `reschedule`,
//! `flag`), their undo ([`undo`]) and a card's whole story ([`info`]).
//!
//! A card command runs in one transaction: every id must name a card that
//! is not retired (else nothing changes); each card's snapshot
//! ([`CardSnapshot`]) becomes a new one by the rule of the command, cards it
//! leaves as they were are reported apart, and the change is recorded as an
//! undo step with every card before and after. `forget` and `reschedule`
//! log a manual entry (rating 0, kind manual, as Anki's revlog), which
//! statistics and FSRS training leave out; `forget` of a card never studied
//! resets nothing and logs nothing (it keeps its place among the new cards,
//! only brought back to the new queue).

pub mod info;
pub mod reschedule;
pub mod undo;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::{CardSnapshot, ManualEntry, Store, Tx, UndoCard, queue};

pub use crate::store::UNDO_STEPS;
pub use reschedule::Days;

/// A card command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Suspend,
    Unsuspend,
    /// Until the next study day.
    Bury,
    Unbury,
    /// Back to new at the end of the new cards, history kept (Anki's
    /// "Reset"); `reset_counts` sets reps and lapses to 0 too. A card never
    /// studied keeps its place (Anki's "Restore original position").
    Forget {
        reset_counts: bool,
    },
    Reschedule(Days),
    /// 0-7; 0 clears.
    Flag(u8),
}

impl Action {
    /// The command as typed (what `undo` names).
    pub fn command(&self) -> String {
        match self {
            Action::Suspend => "suspend".into(),
            Action::Unsuspend => "unsuspend".into(),
            Action::Bury => "bury".into(),
            Action::Unbury => "unbury".into(),
            Action::Forget { reset_counts: false } => "forget".into(),
            Action::Forget { reset_counts: true } => "forget --reset-counts".into(),
            Action::Reschedule(days) => format!("reschedule --days {}", days.text()),
            Action::Flag(n) => format!("flag {n}"),
        }
    }
}

/// What a card command did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changed {
    /// The cards changed, in the order given, with their snapshots after.
    pub changed: Vec<(i64, CardSnapshot)>,
    /// Cards that were so already (suspended, flagged that colour…).
    pub already: Vec<i64>,
    /// Cards `reschedule` left alone: no memory state to schedule from
    /// (new cards).
    pub no_memory: Vec<i64>,
    /// Of the cards changed, those `forget` only brought back to the new
    /// queue (buried or suspended, never studied): their place among the
    /// new cards kept, nothing logged.
    pub requeued: Vec<i64>,
}

/// What a rule does to one card.
enum Outcome {
    Changed(CardSnapshot),
    /// Back in the new queue at its place (`forget` of a card never studied).
    Requeued(CardSnapshot),
    Already,
    NoMemory,
}

/// Applies `action` to the cards `ids` in one transaction, recorded for
/// `iskra undo`. An unknown or retired id is refused before anything
/// changes.
pub fn apply(store: &mut Store, ids: &[i64], action: Action, clock: &Clock<impl chrono::TimeZone>) -> Result<Changed> {
    let ids = distinct(ids);
    let tx = store.begin()?;
    let mut cards = Vec::with_capacity(ids.len());
    let (mut unknown, mut retired) = (Vec::new(), Vec::new());
    for &id in &ids {
        match tx.card_snapshot(id)? {
            None => unknown.push(id),
            Some(card) if card.retired => retired.push(id),
            Some(card) => cards.push((id, card)),
        }
    }
    refuse_unknown(&unknown, &retired)?;
    let settings = tx.settings()?;
    let mut next_position = settings.next_new_position;
    let rules = Rules {
        today: clock.today(),
        max_interval: settings.scheduler.max_interval,
    };
    let mut changed = Changed::default();
    let (mut undo_cards, mut log_ids) = (Vec::new(), Vec::new());
    for (id, before) in cards {
        // What is logged: a forget or reschedule (a card forget only brings
        // back to the new queue is not reset).
        let set = match action {
            Action::Forget { .. } => Some("forget"),
            Action::Reschedule(_) => Some("reschedule"),
            _ => None,
        };
        let (after, set) = match rules.apply(action, &before, &mut next_position) {
            Outcome::Already => {
                changed.already.push(id);
                continue;
            }
            Outcome::NoMemory => {
                changed.no_memory.push(id);
                continue;
            }
            Outcome::Changed(after) => (after, set),
            Outcome::Requeued(after) => {
                changed.requeued.push(id);
                (after, None)
            }
        };
        let recorder = crate::sync::record::Recorder::before(&tx, id)?;
        tx.write_card_snapshot(id, &after)?;
        let mut logged = None;
        if let Some(op) = set {
            let log_id = log_manual(&tx, id, &before, &after, clock.now_ms())?;
            log_ids.push(log_id);
            logged = Some((op, log_id));
        }
        if let Some(recorder) = recorder {
            recorder.changed(&tx, logged, clock.now_ms())?;
        }
        changed.changed.push((id, after.clone()));
        undo_cards.push(UndoCard { id, before, after });
    }
    if next_position != settings.next_new_position {
        let mut settings = settings;
        settings.next_new_position = next_position;
        tx.save_settings(&settings)?;
    }
    if !undo_cards.is_empty() {
        tx.push_undo(&action.command(), clock.now_ms(), &undo_cards, &log_ids, UNDO_STEPS)?;
    }
    tx.commit()?;
    Ok(changed)
}

/// The ids in the order given, each once.
fn distinct(ids: &[i64]) -> Vec<i64> {
    let mut seen = std::collections::HashSet::new();
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

/// A list of ids for messages: `12, 13, 40`.
pub fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

fn refuse_unknown(unknown: &[i64], retired: &[i64]) -> Result<()> {
    let mut problems = Vec::new();
    if !unknown.is_empty() {
        problems.push(format!("no card with the id {}", id_list(unknown)));
    }
    if !retired.is_empty() {
        problems.push(format!(
            "retired (the fact or card left its deck file): {}",
            id_list(retired)
        ));
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{}; nothing was changed.\n  hint: `iskra search QUERY` lists the cards with their ids",
        problems.join("; ")
    )))
}

/// Logs the manual entry of a forget or reschedule; returns its row id.
fn log_manual(tx: &Tx, card_id: i64, before: &CardSnapshot, after: &CardSnapshot, now_ms: i64) -> Result<i64> {
    tx.insert_manual_log(&ManualEntry {
        card_id,
        at_ms: now_ms,
        before: before.schedule.schedule(),
        after: after.schedule.schedule(),
    })
}

/// A new card with no answer counted (never studied, or reset with its
/// counts): `forget` keeps its place among the new cards.
fn never_studied(s: &crate::store::StoredSchedule) -> bool {
    s.state == 0 && s.reps == 0 && s.lapses == 0
}

/// What the rules need to know.
struct Rules {
    today: i64,
    max_interval: u32,
}

impl Rules {
    fn apply(&self, action: Action, before: &CardSnapshot, next_position: &mut i64) -> Outcome {
        let mut after = before.clone();
        match action {
            Action::Suspend => {
                after.queue = queue::SUSPENDED;
                after.buried_day = None;
            }
            Action::Unsuspend if before.queue == queue::SUSPENDED => after.queue = before.schedule.active_queue(),
            Action::Unsuspend => {}
            // Suspended cards stay suspended.
            Action::Bury if before.queue >= 0 => {
                after.queue = queue::BURIED;
                after.buried_day = Some(self.today);
            }
            Action::Bury => {}
            Action::Unbury if before.queue == queue::BURIED => {
                after.queue = before.schedule.active_queue();
                after.buried_day = None;
            }
            Action::Unbury => {}
            Action::Flag(flag) => after.flag = flag,
            Action::Forget { .. } if never_studied(&before.schedule) => {
                // Never studied: it keeps its place among the new cards, and
                // nothing is logged (nothing is reset). Back in the new
                // queue, as any card forget resets (a suspended or buried
                // card too, as Anki).
                after.queue = queue::NEW;
                after.buried_day = None;
                if after != *before {
                    return Outcome::Requeued(after);
                }
            }
            Action::Forget { reset_counts } => {
                let s = &mut after.schedule;
                let counted = !reset_counts || (s.reps == 0 && s.lapses == 0);
                if s.state == 0 && before.queue == queue::NEW && counted {
                    return Outcome::Already;
                }
                // As Anki's reset: a new card at the end of the new cards,
                // back in its queue (a suspended or buried card too).
                *s = crate::store::StoredSchedule {
                    state: 0,
                    remaining_steps: 0,
                    stability: None,
                    difficulty: None,
                    interval: 0,
                    due: *next_position,
                    last_review_day: None,
                    reps: if reset_counts { 0 } else { s.reps },
                    lapses: if reset_counts { 0 } else { s.lapses },
                };
                *next_position += 1;
                after.queue = queue::NEW;
                after.buried_day = None;
            }
            Action::Reschedule(days) => {
                let s = &mut after.schedule;
                if s.stability.is_none() || s.difficulty.is_none() {
                    return Outcome::NoMemory;
                }
                let n = days.draw();
                s.interval =
                    reschedule::interval(n, self.today, s.last_review_day, days.reset_interval, self.max_interval);
                s.state = 2;
                s.remaining_steps = 0;
                s.due = self.today + i64::from(n);
                // As Anki's "Set due date": back in the review queue.
                after.queue = queue::REVIEW;
                after.buried_day = None;
                return Outcome::Changed(after);
            }
        }
        if after == *before {
            Outcome::Already
        } else {
            Outcome::Changed(after)
        }
    }
}
