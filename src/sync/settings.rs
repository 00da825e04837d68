//! The settings devices share: what shapes study (limits, retention,
//! steps, bury and leech rules, the day's start, quiz thresholds) and the
//! FSRS parameters `optimize` fits (the collection's, each deck's). Not
//! shared: where backups and deck files go, how many backups are kept, the
//! new-card order. Deck settings travel in deck files.
//!
//! How they are merged is [`super::shared_settings`].

use std::collections::BTreeMap;

use serde_json::Value;

use crate::config;
use crate::store::{FsrsFit, Settings};

/// Settings shared as `iskra config` shows them (text).
const TEXT_KEYS: &[&str] = &[
    "day-start-hour",
    "new-per-day",
    "reviews-per-day",
    "learn-steps",
    "relearn-steps",
    "max-interval",
    "learn-ahead-mins",
    "fuzz",
    "learn-step-delay",
    "load-balancer",
    "easy-days",
    "bury-new",
    "bury-review",
    "bury-interday",
    "leech-lapses",
    "leech-action",
];
const RETENTION: &str = "retention";
const QUIZ: &str = "quiz-secs";
const FSRS: &str = "fsrs-parameters";
const DECK_FIT: &str = "fsrs-deck:";

/// The shared settings, by key.
pub fn shared(settings: &Settings) -> BTreeMap<String, Value> {
    let mut map = BTreeMap::new();
    for key in TEXT_KEYS {
        if let Ok(text) = config::get(settings, key) {
            map.insert(key.to_string(), Value::String(text));
        }
    }
    map.insert(RETENTION.into(), Value::from(settings.scheduler.desired_retention));
    map.insert(
        QUIZ.into(),
        Value::from(vec![settings.quiz.fast_secs, settings.quiz.slow_secs]),
    );
    map.insert(
        FSRS.into(),
        serde_json::json!({
            "parameters": settings.scheduler.parameters,
            "fit": settings.fsrs_fits.collection,
        }),
    );
    for (deck, fit) in &settings.fsrs_fits.decks {
        map.insert(
            format!("{DECK_FIT}{deck}"),
            serde_json::to_value(fit).unwrap_or(Value::Null),
        );
    }
    map
}

fn bad(key: &str, why: impl std::fmt::Display) -> String {
    format!("setting {}: {why}", crate::text::escape_control(key))
}

/// Applies a shared setting's value, checked as `iskra config` checks it.
pub fn apply(settings: &mut Settings, key: &str, value: &Value) -> std::result::Result<(), String> {
    if TEXT_KEYS.contains(&key) {
        let text = value.as_str().ok_or_else(|| bad(key, "not text"))?;
        return config::set(settings, key, text).map_err(|e| bad(key, e));
    }
    match key {
        RETENTION => {
            let r = value.as_f64().ok_or_else(|| bad(key, "not a number"))? as f32;
            if !crate::deck::RETENTION_RANGE.contains(&r) {
                return Err(bad(key, "out of 0.70-0.99"));
            }
            settings.scheduler.desired_retention = r;
        }
        QUIZ => {
            let pair: (u32, u32) = serde_json::from_value(value.clone()).map_err(|e| bad(key, e))?;
            if !(pair.0 >= 1 && pair.0 < pair.1 && pair.1 <= 3600) {
                return Err(bad(key, "not 1 ≤ fast < slow ≤ 3600"));
            }
            (settings.quiz.fast_secs, settings.quiz.slow_secs) = pair;
        }
        FSRS => {
            #[derive(serde::Deserialize)]
            struct Fsrs {
                parameters: Vec<f32>,
                fit: Option<FsrsFit>,
            }
            let fsrs: Fsrs = serde_json::from_value(value.clone()).map_err(|e| bad(key, e))?;
            check_parameters(&fsrs.parameters).map_err(|why| bad(key, why))?;
            if let Some(fit) = &fsrs.fit {
                check_parameters(&fit.parameters).map_err(|why| bad(key, why))?;
            }
            settings.scheduler.parameters = fsrs.parameters;
            settings.fsrs_fits.collection = fsrs.fit;
        }
        _ => {
            let deck = key
                .strip_prefix(DECK_FIT)
                .ok_or_else(|| bad(key, "not a shared setting"))?;
            crate::deck::manage::check_key(deck).map_err(|e| bad(key, e))?;
            if value.is_null() {
                settings.fsrs_fits.decks.remove(deck);
            } else {
                let fit: FsrsFit = serde_json::from_value(value.clone()).map_err(|e| bad(key, e))?;
                check_parameters(&fit.parameters).map_err(|why| bad(key, why))?;
                settings.fsrs_fits.decks.insert(deck.to_string(), fit);
            }
        }
    }
    Ok(())
}

fn check_parameters(parameters: &[f32]) -> std::result::Result<(), String> {
    if ![0, 17, 19, 21].contains(&parameters.len()) || parameters.iter().any(|p| !p.is_finite() || p.abs() > 1_000.0) {
        return Err("FSRS parameters out of range".into());
    }
    Ok(())
}

/// Checks a setting event's key and value (on the defaults).
pub fn check(key: &str, value: &Value) -> std::result::Result<(), String> {
    if key.len() > 250 {
        return Err("a setting key longer than 250 bytes".into());
    }
    apply(&mut Settings::default(), key, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shared_setting_applies_back_and_bad_values_are_refused() {
        let mut settings = Settings::default();
        settings.scheduler.desired_retention = 0.87;
        settings.scheduler.learn_steps_secs = vec![30, 5400];
        settings.scheduler.load_balancer = false;
        settings.scheduler.easy_days[5] = crate::settings::EasyDay::Minimum;
        settings.new_per_day = 7;
        settings.fsrs_fits.decks.insert(
            "people".into(),
            FsrsFit {
                parameters: vec![0.5; 21],
                fitted_at_ms: 1,
                reviews: 2,
                items: 3,
                log_loss: 0.25,
                rmse_bins: 0.125,
                health_check: Some(true),
            },
        );
        let values = shared(&settings);
        let mut other = Settings::default();
        for (key, value) in &values {
            apply(&mut other, key, value).unwrap();
        }
        assert_eq!(shared(&other), values);
        assert_eq!(other.scheduler.desired_retention, 0.87);
        assert!(!other.scheduler.load_balancer);
        assert_eq!(other.scheduler.easy_days[5], crate::settings::EasyDay::Minimum);
        assert_eq!(other.fsrs_fits.decks["people"].parameters, vec![0.5; 21]);
        for (key, value) in [
            ("retention", Value::from(1.5)),
            ("new-per-day", Value::from("lots")),
            ("quiz-secs", Value::from(vec![30, 10])),
            (
                "fsrs-parameters",
                serde_json::json!({"parameters": [1.0, 2.0], "fit": null}),
            ),
            ("fsrs-deck:../x", Value::Null),
            ("backups-keep", Value::from("3")),
            ("decks-dir", Value::from("/etc")),
        ] {
            assert!(check(key, &value).is_err(), "{key} {value}");
        }
    }
}
