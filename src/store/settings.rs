//! Collection-wide settings, stored as one JSON document in `settings`.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::Store;
use crate::error::{Error, Result};
use crate::sched::SchedConfig;

const SETTINGS_KEY: &str = "config";

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
    pub quiz: crate::quiz::Thresholds,
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
            quiz: crate::quiz::Thresholds::default(),
        }
    }
}

impl Store {
    pub fn settings(&self) -> Result<Settings> {
        read_settings(self.conn())
    }

    pub fn save_settings(&mut self, settings: &Settings) -> Result<()> {
        self.transaction(|tx| write_settings(tx, settings))
    }
}

pub(crate) fn read_settings(conn: &rusqlite::Connection) -> Result<Settings> {
    let json: Option<String> = conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [SETTINGS_KEY], |r| {
            r.get(0)
        })
        .optional()?;
    match json {
        None => Ok(Settings::default()),
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| Error::Usage(format!("the collection's settings are unreadable ({e})"))),
    }
}

pub(crate) fn write_settings(conn: &rusqlite::Connection, settings: &Settings) -> Result<()> {
    let json = serde_json::to_string(settings).map_err(|e| Error::Usage(e.to_string()))?;
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (SETTINGS_KEY, json),
    )?;
    Ok(())
}
