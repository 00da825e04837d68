//! The merge rule, pure: a card's state is its events replayed in order —
//! time, then device, then the order the device made them in, the same
//! order on every device (`Tx::events_of_card`) — from the card as it
//! was before its first event. Events taken back (`undo`) are left out.
//!
//! An answer whose recorded `before` is the state the replay reached takes
//! its recorded `after` (its device graded it from there). One whose
//! `before` is not — another device answered the same card meanwhile, and
//! this answer comes later — is graded again from the state reached, with
//! what it names and nothing local: its rating, time, study day and the
//! grading settings it was graded with (by hash), and the card's id; so
//! every device computes the same state, and both answers count. A
//! `forget` or `reschedule` sets the schedule it recorded; a `snapshot`
//! the whole state; the rest change the queue, bury and flag. The review
//! log's rows follow: one per answer (its values as graded here) and per
//! manual change, one per history row.

use std::collections::{HashMap, HashSet};

use super::event::{Answer, GradeConfig, Log, What};
use crate::card::{Rating, ReviewKind, Schedule};
use crate::error::{Error, Result};
use crate::sched::{Moment, Scheduler, leech::became_leech};
use crate::store::StoredSchedule;
use crate::store::sync::LogValues;

/// What the replay tracks of a card.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CardState {
    pub schedule: StoredSchedule,
    pub suspended: bool,
    pub buried_day: Option<i64>,
    pub flag: u8,
    pub leech: bool,
}

/// One event of a card, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CardEvent {
    pub uid: String,
    pub at_ms: i64,
    pub what: What,
}

/// A replay's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Replayed {
    pub state: CardState,
    /// The review-log rows, by uid; `true`: history (added if missing,
    /// never rewritten).
    pub log: Vec<(String, LogValues, bool)>,
    /// Uids taken back (their log rows go).
    pub retracted: Vec<String>,
    /// Answers graded again (another device answered the card meanwhile).
    pub regraded: usize,
}

/// Whether a schedule an event recorded is the one reached: equal in every
/// field but a new card's position (each collection orders its new cards).
fn same_schedule(reached: &StoredSchedule, recorded: &StoredSchedule) -> bool {
    let due_counts = reached.state != 0 || recorded.state != 0;
    StoredSchedule {
        due: if due_counts { reached.due } else { 0 },
        ..reached.clone()
    } == StoredSchedule {
        due: if due_counts { recorded.due } else { 0 },
        ..recorded.clone()
    }
}

/// Finds grading settings by hash.
type Lookup<'a> = Box<dyn FnMut(&str) -> Result<Option<GradeConfig>> + 'a>;

/// The grading settings answers name, built once each.
pub struct Graders<'a> {
    lookup: Lookup<'a>,
    built: HashMap<String, (Scheduler, GradeConfig)>,
}

impl<'a> Graders<'a> {
    /// Graders that find configs with `lookup` (by hash).
    pub fn new(lookup: impl FnMut(&str) -> Result<Option<GradeConfig>> + 'a) -> Graders<'a> {
        Graders {
            lookup: Box::new(lookup),
            built: HashMap::new(),
        }
    }

    fn get(&mut self, hash: &str) -> Result<&(Scheduler, GradeConfig)> {
        if !self.built.contains_key(hash) {
            let config = (self.lookup)(hash)?.ok_or_else(|| {
                Error::Internal(format!("the grading settings {hash} an answer names are not stored"))
            })?;
            let scheduler = Scheduler::new(config.scheduler.clone())?;
            self.built.insert(hash.to_string(), (scheduler, config));
        }
        self.built
            .get(hash)
            .ok_or_else(|| Error::Internal("a grader went missing".into()))
    }
}

fn logged(l: &super::event::Logged) -> Schedule {
    let stored = StoredSchedule {
        state: l.state,
        remaining_steps: 0,
        stability: l.stability,
        difficulty: l.difficulty,
        interval: l.interval,
        due: l.due,
        last_review_day: None,
        reps: 0,
        lapses: 0,
    };
    stored.schedule()
}

/// A history row's log values.
pub fn log_values(at_ms: i64, log: &Log) -> LogValues {
    LogValues {
        at_ms,
        rating: log.rating,
        duration_ms: log.ms,
        kind: ReviewKind::from_i64(log.kind),
        elapsed_days: log.elapsed,
        before: logged(&log.before),
        after: logged(&log.after),
    }
}

/// Replays `events` (in replay order) over `base` for card `card_id`.
pub fn replay(base: &CardState, events: &[CardEvent], card_id: i64, graders: &mut Graders) -> Result<Replayed> {
    let retracted: HashSet<&str> = events
        .iter()
        .filter_map(|e| match &e.what {
            What::Undo { target } => Some(target.as_str()),
            _ => None,
        })
        .collect();
    let mut out = Replayed {
        state: base.clone(),
        log: Vec::new(),
        retracted: retracted.iter().map(|s| s.to_string()).collect(),
        regraded: 0,
    };
    for event in events.iter().filter(|e| !retracted.contains(e.uid.as_str())) {
        let state = &mut out.state;
        match &event.what {
            What::Answer(answer) => {
                let values = apply_answer(state, event.at_ms, answer, card_id, graders, &mut out.regraded)?;
                out.log.push((event.uid.clone(), values, false));
            }
            What::Set(set) => {
                let before = if same_schedule(&state.schedule, &set.before) {
                    set.before.clone()
                } else {
                    state.schedule.clone()
                };
                state.schedule = set.after.clone();
                state.suspended = false;
                state.buried_day = None;
                out.log.push((
                    event.uid.clone(),
                    LogValues {
                        at_ms: event.at_ms,
                        rating: 0,
                        duration_ms: 0,
                        kind: ReviewKind::Manual,
                        elapsed_days: 0,
                        before: before.schedule(),
                        after: set.after.schedule(),
                    },
                    false,
                ));
            }
            What::Log(log) => out.log.push((event.uid.clone(), log_values(event.at_ms, log), true)),
            What::Snapshot(s) => {
                *state = CardState {
                    schedule: s.schedule.clone(),
                    suspended: s.suspended,
                    buried_day: s.buried_day,
                    flag: s.flag,
                    leech: s.leech,
                };
            }
            What::Suspend => {
                state.suspended = true;
                state.buried_day = None;
            }
            What::Unsuspend => state.suspended = false,
            What::Bury { day } if !state.suspended => state.buried_day = Some(*day),
            What::Unbury => state.buried_day = None,
            What::Flag { flag } => state.flag = *flag,
            What::Bury { .. } | What::Undo { .. } | What::Setting { .. } | What::Config { .. } => {}
        }
    }
    Ok(out)
}

/// Applies an answer to `state`: its recorded outcome when it graded this
/// state, else graded again. Returns its log row.
fn apply_answer(
    state: &mut CardState,
    at_ms: i64,
    answer: &Answer,
    card_id: i64,
    graders: &mut Graders,
    regraded: &mut usize,
) -> Result<LogValues> {
    let (before, after, kind, elapsed, leech, leech_suspend) = if same_schedule(&state.schedule, &answer.before) {
        (
            answer.before.clone(),
            answer.after.clone(),
            ReviewKind::from_i64(answer.kind),
            answer.elapsed,
            answer.leech,
            answer.leech_suspend,
        )
    } else {
        *regraded += 1;
        let (scheduler, config) = graders.get(&answer.config)?;
        let rating =
            Rating::from_number(answer.rating).ok_or_else(|| Error::Internal(format!("rating {}", answer.rating)))?;
        // The answering device's day start is not in the event: a step is
        // graded within the day (no day-long step), as before interday learning.
        let moment = Moment {
            now_ms: at_ms,
            today: answer.day,
            next_day_ms: i64::MAX,
        };
        let graded = scheduler.answer(&state.schedule.schedule(), card_id, rating, moment, None)?;
        let after = StoredSchedule::of(&graded.next);
        let leech = became_leech(state.schedule.lapses, after.lapses, config.leech_lapses);
        (
            state.schedule.clone(),
            after,
            graded.kind,
            graded.elapsed_days,
            leech,
            leech && config.leech_suspend,
        )
    };
    let rating = answer.rating;
    state.schedule = after.clone();
    state.buried_day = None;
    if leech {
        state.leech = true;
        state.suspended |= leech_suspend;
    }
    Ok(LogValues {
        at_ms,
        rating,
        duration_ms: answer.ms,
        kind,
        elapsed_days: elapsed,
        before: before.schedule(),
        after: after.schedule(),
    })
}

#[cfg(test)]
mod tests;
