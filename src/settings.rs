//! Plain-data settings shared by several layers, with their defaults: the
//! scheduler's settings (with the load balancer's easy days), the quiz's answer-time thresholds, how many
//! backups to keep and what happens to leeches. The store saves them; `sched`, `quiz` and `backup` use
//! them; the leech rules (`leech-lapses`, `leech-action`) are Anki's.
//! Ground floor: no crate imports.

use serde::{Deserialize, Serialize};

/// Desired retention a deck or the collection may ask for.
pub const RETENTION_RANGE: std::ops::RangeInclusive<f32> = 0.70..=0.99;

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

/// A deck's own scheduling options over the collection's settings: its
/// Anki options preset (kept whole by an import, in Anki's units) or its
/// deck file's keys (`learn-steps:`, `relearn-steps:`, `max-interval:`,
/// `fsrs-parameters:`, `bury:`). A field left out (`None`, or no FSRS
/// parameters) is the collection's. Stored as JSON in `decks.anki_preset`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeckPreset {
    /// The Anki preset's name (empty for a deck file's options).
    pub name: String,
    pub new_per_day: Option<u32>,
    pub reviews_per_day: Option<u32>,
    pub desired_retention: Option<f32>,
    /// Minutes, as Anki keeps them.
    pub learn_steps: Option<Vec<f32>>,
    pub relearn_steps: Option<Vec<f32>>,
    pub fsrs_params: Vec<f32>,
    pub bury_new: Option<bool>,
    pub bury_reviews: Option<bool>,
    pub bury_interday: Option<bool>,
    /// Days.
    pub max_interval: Option<u32>,
}

impl DeckPreset {
    /// Whether it sets nothing.
    pub fn is_empty(&self) -> bool {
        *self
            == DeckPreset {
                name: self.name.clone(),
                ..DeckPreset::default()
            }
    }
}

impl DeckPreset {
    /// What a deck file holds of it: the steps (as whole seconds), the
    /// FSRS parameters, the longest interval and the bury options; `None`
    /// when that is nothing. (Limits and retention are deck keys of their own.)
    pub fn file_options(&self) -> Option<DeckPreset> {
        let steps = |m: &Option<Vec<f32>>| m.as_ref().map(|m| steps_minutes(&steps_secs(m)));
        let options = DeckPreset {
            learn_steps: steps(&self.learn_steps),
            relearn_steps: steps(&self.relearn_steps),
            fsrs_params: self.fsrs_params.clone(),
            max_interval: self.max_interval,
            ..DeckPreset::default()
        };
        let bury = [self.bury_new, self.bury_reviews, self.bury_interday];
        let options = if bury.iter().any(Option::is_some) {
            DeckPreset {
                bury_new: Some(self.bury_new == Some(true)),
                bury_reviews: Some(self.bury_reviews == Some(true)),
                bury_interday: Some(self.bury_interday == Some(true)),
                ..options
            }
        } else {
            options
        };
        (!options.is_empty()).then_some(options)
    }
}

/// Steps in Anki's minutes as iskra's seconds (at least 1 s, at most 30
/// days each; what is not a number is left out).
pub fn steps_secs(minutes: &[f32]) -> Vec<u32> {
    minutes
        .iter()
        .filter(|m| m.is_finite())
        .map(|m| (m * 60.0).round().clamp(1.0, MAX_STEP_SECS as f32) as u32)
        .collect()
}

/// Steps in seconds as Anki's minutes.
pub fn steps_minutes(secs: &[u32]) -> Vec<f32> {
    secs.iter().map(|&s| s as f32 / 60.0).collect()
}

/// The longest learning step: 30 days.
pub const MAX_STEP_SECS: u32 = 30 * 86_400;

/// The most learning (or relearning) steps: `config`, deck files and sync
/// all take this many and refuse more ([`steps_count_ok`]).
pub const MAX_STEPS: usize = 20;

/// Whether a list of steps is short enough to keep and to share by sync.
pub fn steps_count_ok(steps: &[u32]) -> bool {
    steps.len() <= MAX_STEPS
}

/// How no steps are written (`config learn-steps none`, `learn-steps: none`
/// in a deck file); an empty list means the same.
pub const NO_STEPS: &str = "none";

/// Parses steps such as `1m 10m 1h 1d` (seconds with `s`) into seconds;
/// nothing or [`NO_STEPS`] is no steps; `None` for a bad step or more than
/// [`MAX_STEPS`].
pub fn parse_steps(text: &str) -> Option<Vec<u32>> {
    if text.trim() == NO_STEPS {
        return Some(Vec::new());
    }
    if text.split_whitespace().nth(MAX_STEPS).is_some() {
        return None;
    }
    text.split_whitespace()
        .map(|step| {
            let split = step.find(|c: char| !c.is_ascii_digit())?;
            let (number, unit) = step.split_at(split);
            let n: u32 = number.parse().ok().filter(|n| *n > 0)?;
            let factor = match unit {
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => 86_400,
                _ => return None,
            };
            n.checked_mul(factor).filter(|secs| *secs <= MAX_STEP_SECS)
        })
        .collect()
}

/// Steps in seconds as `1m 10m` (the largest whole unit of each).
pub fn format_steps(steps: &[u32]) -> String {
    let shown: Vec<String> = steps
        .iter()
        .map(|&secs| match secs {
            s if s % 86_400 == 0 => format!("{}d", s / 86_400),
            s if s % 3600 == 0 => format!("{}h", s / 3600),
            s if s % 60 == 0 => format!("{}m", s / 60),
            s => format!("{s}s"),
        })
        .collect();
    shown.join(" ")
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
