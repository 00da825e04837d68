//! The `settings` table: a key → JSON store. The collection-wide settings
//! are one document under `config` (read by [`read_settings`], written by
//! [`write_settings`]); the last quiz's misses, for `quiz --misses`, are
//! another under `quiz-misses`, apart so that saving them never races a
//! change of the settings. Every row goes through the one insert,
//! [`write_value`].

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{Store, Tx};
use crate::error::{Error, Result};
use crate::settings::{QuizMisses, SchedConfig};

const SETTINGS_KEY: &str = "config";
const QUIZ_MISSES_KEY: &str = "quiz-misses";

/// Settings that apply to the whole collection (decks may override some).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Local hour at which a study day starts.
    pub day_start_hour: u32,
    pub new_per_day: u32,
    pub reviews_per_day: u32,
    /// Learning cards due within this many minutes are shown when nothing else is left.
    pub learn_ahead_mins: u32,
    pub scheduler: SchedConfig,
    /// Next position for new cards (their order of introduction).
    pub next_new_position: i64,
    /// Answer times behind the automatic grades of quizzes.
    pub quiz: crate::settings::Thresholds,
    /// FSRS parameters fitted by `iskra optimize`, with how they were fitted.
    pub fsrs_fits: FsrsFits,
    /// How many backups of the collection to keep (0: no daily backups).
    pub backups_keep: u32,
    /// Bury a card's new siblings until the next study day once it is answered.
    pub bury_new: bool,
    /// Bury its review siblings.
    pub bury_review: bool,
    /// Bury its siblings in day-long learning steps.
    pub bury_interday: bool,
    /// A card whose lapses reach this is a leech (and again at every half
    /// of it after that, as Anki); 0: never.
    pub leech_lapses: u32,
    /// What happens to a card when it becomes a leech.
    pub leech_action: crate::settings::LeechAction,
    /// Where new deck files go (`deck new`, `extract`, copies of bundled
    /// decks); `None`: `./decks`. Absolute.
    pub decks_dir: Option<std::path::PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            day_start_hour: 4,
            new_per_day: 20,
            reviews_per_day: 200,
            learn_ahead_mins: 20,
            scheduler: SchedConfig::default(),
            next_new_position: 1,
            quiz: crate::settings::Thresholds::default(),
            fsrs_fits: FsrsFits::default(),
            backups_keep: crate::settings::DEFAULT_KEEP,
            bury_new: true,
            bury_review: true,
            bury_interday: false,
            leech_lapses: crate::settings::DEFAULT_LEECH_LAPSES,
            leech_action: crate::settings::LeechAction::default(),
            decks_dir: None,
        }
    }
}

impl Settings {
    /// The siblings an answer buries.
    pub fn bury_rules(&self) -> super::BuryRules {
        super::BuryRules {
            new: self.bury_new,
            review: self.bury_review,
            interday: self.bury_interday,
        }
    }

    /// The FSRS parameters a deck is scheduled with: its own fit, else the
    /// collection's parameters (empty means the crate's defaults).
    pub fn fsrs_parameters(&self, deck_key: Option<&str>) -> &[f32] {
        deck_key
            .and_then(|key| self.fsrs_fits.decks.get(key))
            .map_or(&self.scheduler.parameters, |fit| &fit.parameters)
    }
}

/// Parameters fitted by `iskra optimize`. The collection's fit is in use
/// through `scheduler.parameters`; a deck's own fit overrides it for that deck.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FsrsFits {
    /// How `scheduler.parameters` were fitted (`None`: never fitted here).
    pub collection: Option<FsrsFit>,
    /// Fits of single decks (`optimize --deck`), by deck key.
    pub decks: std::collections::BTreeMap<String, FsrsFit>,
}

/// One fit: the parameters and what they were fitted to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FsrsFit {
    pub parameters: Vec<f32>,
    /// When the fit was made (UTC ms).
    pub fitted_at_ms: i64,
    /// Review-log entries used, after Anki's filtering.
    pub reviews: usize,
    /// Training items (reviews a day or more after the previous one).
    pub items: usize,
    pub log_loss: f32,
    pub rmse_bins: f32,
    /// Whether Anki's health check passed (`None`: not made).
    #[serde(default)]
    pub health_check: Option<bool>,
}

impl Store {
    pub fn settings(&self) -> Result<Settings> {
        read_settings(self.conn())
    }

    pub fn save_settings(&mut self, settings: &Settings) -> Result<()> {
        self.transaction(|conn| write_settings(conn, settings))
    }

    /// Stores fitted parameters: for one deck (by its key), or for the whole
    /// collection when `deck_key` is `None`. One transaction, re-reading the
    /// settings so a change made meanwhile is kept.
    pub fn save_fsrs_fit(&mut self, deck_key: Option<&str>, fit: &FsrsFit) -> Result<()> {
        self.transaction(|conn| {
            let mut settings = read_settings(conn)?;
            match deck_key {
                Some(key) => {
                    settings.fsrs_fits.decks.insert(key.to_string(), fit.clone());
                }
                None => {
                    settings.scheduler.parameters = fit.parameters.clone();
                    settings.fsrs_fits.collection = Some(fit.clone());
                }
            }
            write_settings(conn, &settings)
        })
    }
}

impl Store {
    /// The questions the last quiz missed (none when no quiz stored any).
    pub fn quiz_misses(&self) -> Result<QuizMisses> {
        let json = read_value(self.conn(), QUIZ_MISSES_KEY)?;
        match json {
            None => Ok(QuizMisses::default()),
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| Error::Usage(format!("the last quiz's misses are unreadable ({e})"))),
        }
    }

    /// Replaces the last quiz's misses, in one transaction.
    pub fn save_quiz_misses(&mut self, misses: &QuizMisses) -> Result<()> {
        let json = serde_json::to_string(misses).map_err(|e| Error::Internal(e.to_string()))?;
        self.transaction(|conn| write_value(conn, QUIZ_MISSES_KEY, &json))
    }
}

impl Tx<'_> {
    /// The settings as they are in this transaction.
    pub fn settings(&self) -> Result<Settings> {
        read_settings(self.conn())
    }

    pub fn save_settings(&self, settings: &Settings) -> Result<()> {
        write_settings(self.conn(), settings)
    }
}

/// The settings of the collection `conn` reads (the defaults when none are stored).
pub(super) fn read_settings(conn: &Connection) -> Result<Settings> {
    match read_value(conn, SETTINGS_KEY)? {
        None => Ok(Settings::default()),
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| Error::Usage(format!("the collection's settings are unreadable ({e})"))),
    }
}

fn write_settings(conn: &Connection, settings: &Settings) -> Result<()> {
    let json = serde_json::to_string(settings).map_err(|e| Error::Usage(e.to_string()))?;
    write_value(conn, SETTINGS_KEY, &json)
}

/// The JSON stored under `key`, if any.
pub(super) fn read_value(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

/// The one `INSERT INTO settings`.
pub(super) fn write_value(conn: &Connection, key: &str, json: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, json),
    )?;
    Ok(())
}
