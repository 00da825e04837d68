//! Plain-data settings shared by several layers, with their defaults: the
//! scheduler's settings (with the load balancer's easy days), the quiz's answer-time thresholds, how many
//! backups to keep and what happens to leeches. The store saves them; `sched`, `quiz` and `backup` use
//! them; the leech rules (`leech-lapses`, `leech-action`) are Anki's.
//! Ground floor: no crate imports.

use serde::{Deserialize, Serialize};

/// Longest review interval, in days (as Anki's default).
pub const MAX_INTERVAL_DAYS: u32 = 36_500;

/// Scheduler settings (global, with per-deck retention).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SchedConfig {
    /// FSRS parameters; empty means the crate's defaults.
    pub parameters: Vec<f32>,
    pub desired_retention: f32,
    pub max_interval: u32,
    pub learn_steps_secs: Vec<u32>,
    pub relearn_steps_secs: Vec<u32>,
    /// Whether review intervals are fuzzed (on by default, as in Anki).
    pub fuzz: bool,
    /// Whether learning steps get Anki's random extra delay (up to 25%, at
    /// most 5 minutes; with fuzz only).
    pub learn_step_delay: bool,
    /// Whether review intervals of up to 90 days are placed on the least
    /// busy day of their fuzz range (Anki's load balancer; with fuzz only).
    pub load_balancer: bool,
    /// Each weekday's share of the reviews, Monday first (Anki's easy
    /// days; part of the load balancer).
    pub easy_days: EasyDays,
}

impl Default for SchedConfig {
    fn default() -> Self {
        SchedConfig {
            parameters: Vec::new(),
            desired_retention: 0.9,
            max_interval: MAX_INTERVAL_DAYS,
            learn_steps_secs: vec![60, 600],
            relearn_steps_secs: vec![600],
            fuzz: true,
            learn_step_delay: true,
            load_balancer: true,
            easy_days: [EasyDay::Normal; 7],
        }
    }
}

/// One weekday's share of the reviews (Anki's "easy days").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum EasyDay {
    /// As any other day.
    #[default]
    Normal,
    /// About half as many reviews as an average other day.
    Reduced,
    /// As few as possible.
    Minimum,
}

impl EasyDay {
    pub const ALL: [EasyDay; 3] = [EasyDay::Normal, EasyDay::Reduced, EasyDay::Minimum];

    pub fn name(self) -> &'static str {
        match self {
            EasyDay::Normal => "normal",
            EasyDay::Reduced => "reduced",
            EasyDay::Minimum => "minimum",
        }
    }
}

/// The seven weekdays' easy-day settings, Monday first.
pub type EasyDays = [EasyDay; 7];

/// Backups kept unless `backups-keep` says otherwise.
pub const DEFAULT_KEEP: u32 = 7;

/// Answer times that make a right answer Easy (at most `fast_secs`) or
/// Hard (more than `slow_secs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Thresholds {
    pub fast_secs: u32,
    pub slow_secs: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            fast_secs: 6,
            slow_secs: 20,
        }
    }
}

/// Lapses that make a card a leech unless `leech-lapses` says otherwise
/// (Anki's default).
pub const DEFAULT_LEECH_LAPSES: u32 = 8;

/// What happens to a card that becomes a leech, besides being marked one
/// (Anki's "leech action"; Anki's default is to tag only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LeechAction {
    /// Marked a leech (searchable as `is:leech` and `tag:leech`) only.
    #[default]
    Tag,
    /// Marked and suspended.
    Suspend,
}

/// The questions the last quiz missed, kept in the collection for
/// `iskra quiz --misses` (apart from the schedule: no card changes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuizMisses {
    /// In the order they were missed.
    pub questions: Vec<MissedQuestion>,
}

/// One missed question: its card, and the format it was asked in
/// (`choice`, `truefalse` or `typed`), which the repeat keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissedQuestion {
    pub card_id: i64,
    pub format: String,
}
