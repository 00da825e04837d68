//! The events a chunk carries, one JSON object a line, and how every field
//! of one read from the folder is checked before anything is stored: the
//! folder is foreign input, like an imported package.
//!
//! Every event has a `uid` (unique across devices; an answer's is its
//! review-log uid), a time `at` (UTC ms, its device's clock) and a `type`.
//! Card events name their card by identity — `card: {deck, fact, template,
//! id}`, the deck's key, the fact's id in its deck file, the template, and
//! the id the card has on the device that wrote it (every device uses the
//! smallest announced, so cards imported from Anki keep Anki's id
//! everywhere). The types:
//!
//! - `answer`: rating, duration `ms`, the study `day` it was given on, the
//!   log's `kind` and `elapsed` days, the `config` (hash) it was graded
//!   with, the card's schedule `before` and `after`, and whether it made
//!   the card a `leech` (and suspended it, `leech_suspend`);
//! - `log`: a review-log row from before the device synced, or imported
//!   (history only: it adds the row, never changes a card);
//! - `set`: `forget` or `reschedule` (`op`), with the schedule before and after;
//! - `snapshot`: a card's whole state (when a device first syncs, or an
//!   import schedules it);
//! - `suspend`, `unsuspend`, `bury` (`day`), `unbury`, `flag` (`flag`);
//! - `undo`: takes back the event `target` (an answer undone);
//! - `setting`: a shared setting's new `value` (`key`);
//! - `config`: grading settings by `hash`, for the answers of the chunk.

use serde::{Deserialize, Serialize};

use crate::settings::SchedConfig;
use crate::store::StoredSchedule;
use crate::store::sync::CardIdentity;

/// The longest uid.
pub const MAX_UID: usize = 64;

/// One event (read by [`super::event_json`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub uid: String,
    /// UTC ms, its device's clock.
    pub at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardRef>,
    #[serde(flatten)]
    pub what: What,
}

/// A card as events name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRef {
    pub deck: String,
    pub fact: String,
    pub template: String,
    /// The card's id on the device that wrote the event.
    pub id: i64,
}

impl CardRef {
    pub fn identity(&self) -> CardIdentity {
        CardIdentity {
            deck: self.deck.clone(),
            fact: self.fact.clone(),
            template: self.template.clone(),
        }
    }
}

/// What an event says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum What {
    Answer(Answer),
    Log(Log),
    Set(SetSchedule),
    Snapshot(Snapshot),
    Suspend,
    Unsuspend,
    Bury { day: i64 },
    Unbury,
    Flag { flag: u8 },
    Undo { target: String },
    Setting { key: String, value: serde_json::Value },
    Config { hash: String, config: GradeConfig },
}

impl What {
    /// The `type` as stored.
    pub fn kind(&self) -> &'static str {
        match self {
            What::Answer(_) => "answer",
            What::Log(_) => "log",
            What::Set(_) => "set",
            What::Snapshot(_) => "snapshot",
            What::Suspend => "suspend",
            What::Unsuspend => "unsuspend",
            What::Bury { .. } => "bury",
            What::Unbury => "unbury",
            What::Flag { .. } => "flag",
            What::Undo { .. } => "undo",
            What::Setting { .. } => "setting",
            What::Config { .. } => "config",
        }
    }

    /// Whether events of this type name a card.
    pub fn names_card(&self) -> bool {
        !matches!(self, What::Setting { .. } | What::Config { .. })
    }
}

/// An answer to a card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// 1 Again … 4 Easy.
    pub rating: u8,
    /// How long the answer took.
    pub ms: i64,
    /// The study day it was given on (its device's).
    pub day: i64,
    /// The log's kind: 0 learning, 1 review, 2 relearning.
    pub kind: i64,
    pub elapsed: u32,
    /// The hash of the [`GradeConfig`] it was graded with.
    pub config: String,
    pub before: StoredSchedule,
    pub after: StoredSchedule,
    #[serde(default, skip_serializing_if = "is_false")]
    pub leech: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub leech_suspend: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A review-log row kept as history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Log {
    /// 1-4; 0 a manual entry (kind 4).
    pub rating: u8,
    pub ms: i64,
    pub kind: i64,
    pub elapsed: u32,
    pub before: Logged,
    pub after: Logged,
}

/// What the log keeps of a schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logged {
    pub state: i64,
    pub due: i64,
    pub stability: Option<f64>,
    pub difficulty: Option<f64>,
    pub interval: u32,
}

/// A schedule set by hand: `forget` or `reschedule`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetSchedule {
    pub op: String,
    pub before: StoredSchedule,
    pub after: StoredSchedule,
}

/// A card's whole state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub schedule: StoredSchedule,
    pub suspended: bool,
    pub buried_day: Option<i64>,
    pub flag: u8,
    pub leech: bool,
}

/// What an answer is graded with: the deck's scheduler settings and the
/// leech rule. A replay grades a concurrent answer again with the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeConfig {
    pub scheduler: SchedConfig,
    pub leech_lapses: u32,
    pub leech_suspend: bool,
}

impl GradeConfig {
    /// Its hash: xxHash64 of its JSON, 16 hex digits.
    pub fn hash(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        format!("{:016x}", twox_hash::XxHash64::oneshot(0, json.as_bytes()))
    }
}

/// Checks an event read from the folder; what is wrong, if anything.
pub fn check(event: &Event) -> std::result::Result<(), String> {
    check_uid(&event.uid)?;
    if !(0..=MAX_TIME_MS).contains(&event.at) {
        return Err(format!("time {} is out of range", event.at));
    }
    match (&event.card, event.what.names_card()) {
        (Some(card), true) => check_card(card)?,
        (None, true) => return Err(format!("a {} event names no card", event.what.kind())),
        (Some(_), false) => return Err(format!("a {} event names a card", event.what.kind())),
        (None, false) => {}
    }
    match &event.what {
        What::Answer(a) => check_answer(a),
        What::Log(l) => check_log(l),
        What::Set(s) => {
            if !matches!(s.op.as_str(), "forget" | "reschedule") {
                return Err(format!("unknown change {:?}", s.op));
            }
            check_schedule(&s.before)?;
            check_schedule(&s.after)
        }
        What::Snapshot(s) => {
            check_schedule(&s.schedule)?;
            check_flag(s.flag)?;
            s.buried_day.map_or(Ok(()), check_day)
        }
        What::Suspend | What::Unsuspend | What::Unbury => Ok(()),
        What::Bury { day } => check_day(*day),
        What::Flag { flag } => check_flag(*flag),
        What::Undo { target } => check_uid(target),
        What::Setting { key, value } => super::settings::check(key, value),
        What::Config { hash, config } => check_config(hash, config),
    }
}

/// Times up to the year 9999.
const MAX_TIME_MS: i64 = 253_402_300_799_999;
/// Study days within the same years (either side of 1970).
const MAX_DAY: i64 = 2_932_896;
/// Counts (reviews, lapses, steps) a card can reach.
const MAX_COUNT: u32 = 10_000_000;

fn check_uid(uid: &str) -> std::result::Result<(), String> {
    if uid.is_empty() || uid.len() > MAX_UID || !uid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(format!(
            "uid {:?} is not 1-{MAX_UID} letters, digits and `-`",
            crate::text::escape_control(&uid.chars().take(80).collect::<String>())
        ));
    }
    Ok(())
}

fn check_card(card: &CardRef) -> std::result::Result<(), String> {
    crate::deck::manage::check_key(&card.deck).map_err(|e| format!("deck key: {e}"))?;
    if card.deck.len() > 200 {
        return Err("a deck key longer than 200 bytes".into());
    }
    if card.fact.len() > 200 || crate::deck::check_fact_id(&card.fact).is_err() {
        return Err(format!(
            "fact id {:?} is not lowercase letters, digits and `-`",
            crate::text::escape_control(&card.fact.chars().take(80).collect::<String>())
        ));
    }
    let template_ok = matches!(card.template.as_str(), "basic" | "reverse")
        || card.template.split_once(':').is_some_and(|(kind, n)| {
            kind.len() <= 20 && kind.bytes().all(|b| b.is_ascii_lowercase()) && n.parse::<u16>().is_ok()
        });
    if !template_ok {
        return Err(format!(
            "template {:?} is not basic, reverse or KIND:N",
            crate::text::escape_control(&card.template.chars().take(80).collect::<String>())
        ));
    }
    if card.id <= 0 {
        return Err(format!("card id {} is not positive", card.id));
    }
    Ok(())
}

fn check_day(day: i64) -> std::result::Result<(), String> {
    if (-MAX_DAY..=MAX_DAY).contains(&day) {
        Ok(())
    } else {
        Err(format!("study day {day} is out of range"))
    }
}

fn check_flag(flag: u8) -> std::result::Result<(), String> {
    if flag <= 7 {
        Ok(())
    } else {
        Err(format!("flag {flag} is not 0-7"))
    }
}

fn check_memory(
    value: Option<f64>,
    range: std::ops::RangeInclusive<f64>,
    what: &str,
) -> std::result::Result<(), String> {
    match value {
        Some(v) if !v.is_finite() || !range.contains(&v) => Err(format!("{what} {v} is out of range")),
        _ => Ok(()),
    }
}

/// A schedule's fields within what iskra writes.
pub fn check_schedule(s: &StoredSchedule) -> std::result::Result<(), String> {
    if !(0..=3).contains(&s.state) {
        return Err(format!("card state {} is not 0-3", s.state));
    }
    check_memory(s.stability, 0.0..=1.0e9, "stability")?;
    check_memory(s.difficulty, 0.0..=11.0, "difficulty")?;
    if s.stability.is_some() != s.difficulty.is_some() || (s.state >= 2 && s.stability.is_none()) {
        return Err("a memory state without stability or difficulty".into());
    }
    if s.interval > 1_000_000 || s.remaining_steps > 1_000 || s.reps > MAX_COUNT || s.lapses > MAX_COUNT {
        return Err("a count out of range".into());
    }
    let due_ok = match s.state {
        1 | 3 => (0..=MAX_TIME_MS).contains(&s.due),
        2 => (-MAX_DAY..=MAX_DAY).contains(&s.due),
        _ => s.due.unsigned_abs() <= 1 << 53,
    };
    if !due_ok {
        return Err(format!("due {} is out of range for state {}", s.due, s.state));
    }
    s.last_review_day.map_or(Ok(()), check_day)
}

fn check_answer(a: &Answer) -> std::result::Result<(), String> {
    if !(1..=4).contains(&a.rating) {
        return Err(format!("rating {} is not 1-4", a.rating));
    }
    if !(0..=2).contains(&a.kind) {
        return Err(format!("answer kind {} is not 0-2", a.kind));
    }
    check_duration(a.ms)?;
    check_day(a.day)?;
    check_hash(&a.config)?;
    check_schedule(&a.before)?;
    check_schedule(&a.after)
}

fn check_duration(ms: i64) -> std::result::Result<(), String> {
    if (0..=86_400_000).contains(&ms) {
        Ok(())
    } else {
        Err(format!("duration {ms} ms is out of range"))
    }
}

fn check_log(l: &Log) -> std::result::Result<(), String> {
    let manual = l.rating == 0 && l.kind == 4 && l.ms == 0 && l.elapsed == 0;
    if !(manual || ((1..=4).contains(&l.rating) && (0..=2).contains(&l.kind))) {
        return Err(format!(
            "log rating {} with kind {} is not an answer or a manual entry",
            l.rating, l.kind
        ));
    }
    check_duration(l.ms)?;
    for side in [&l.before, &l.after] {
        let s = StoredSchedule {
            state: side.state,
            remaining_steps: 0,
            stability: side.stability,
            difficulty: side.difficulty,
            interval: side.interval,
            due: side.due,
            last_review_day: None,
            reps: 0,
            lapses: 0,
        };
        if !(0..=3).contains(&s.state) || s.interval > 1_000_000 || s.due.unsigned_abs() > MAX_TIME_MS as u64 {
            return Err("a logged schedule out of range".into());
        }
        check_memory(s.stability, 0.0..=1.0e9, "stability")?;
        check_memory(s.difficulty, 0.0..=11.0, "difficulty")?;
    }
    Ok(())
}

fn check_hash(hash: &str) -> std::result::Result<(), String> {
    if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(())
    } else {
        Err("a config hash that is not 16 hex digits".into())
    }
}

fn check_config(hash: &str, config: &GradeConfig) -> std::result::Result<(), String> {
    check_hash(hash)?;
    if config.hash() != hash {
        return Err(format!("config {hash} does not hash to its name"));
    }
    let s = &config.scheduler;
    let steps_ok =
        |steps: &[u32]| crate::settings::steps_count_ok(steps) && steps.iter().all(|&s| (1..=31_536_000).contains(&s));
    let problem = if ![0, 17, 19, 21].contains(&s.parameters.len())
        || s.parameters.iter().any(|p| !p.is_finite() || p.abs() > 1_000.0)
    {
        Some("FSRS parameters")
    } else if !(0.5..=0.999).contains(&s.desired_retention) {
        Some("retention")
    } else if !(1..=crate::settings::MAX_INTERVAL_DAYS).contains(&s.max_interval) {
        Some("maximum interval")
    } else if !steps_ok(&s.learn_steps_secs) || !steps_ok(&s.relearn_steps_secs) {
        Some("steps")
    } else if config.leech_lapses > 1_000 {
        Some("leech lapses")
    } else if crate::sched::Scheduler::new(s.clone()).is_err() {
        Some("FSRS parameters")
    } else {
        None
    };
    match problem {
        Some(what) => Err(format!("config {hash}: its {what} are out of range")),
        None => Ok(()),
    }
}
