//! `config`: the collection's settings by name — shown, parsed and validated.

use crate::deck::RETENTION_RANGE;
use crate::error::{Error, Result};
use crate::sched::MAX_INTERVAL_DAYS;
pub use crate::settings::parse_steps;
use crate::settings::{EasyDay, EasyDays, LeechAction, MAX_STEPS, NO_STEPS, format_steps};
use crate::store::Settings;

/// Every setting a user can change, with what it means.
pub const KEYS: &[(&str, &str)] = &[
    ("day-start-hour", "local hour (0-23) at which a study day starts"),
    (
        "new-per-day",
        "new cards per study day, for the whole collection and for each deck (a deck file may set its own)",
    ),
    (
        "reviews-per-day",
        "reviews per study day, for the whole collection and for each deck (a deck file may set its own)",
    ),
    ("retention", "desired retention, 0.70-0.99 (a deck file may override)"),
    ("learn-steps", "learning steps, e.g. `1m 10m` (none: no steps)"),
    (
        "relearn-steps",
        "relearning steps after a lapse, e.g. `10m` (none: no steps)",
    ),
    ("max-interval", "longest review interval in days (1-36500)"),
    (
        "learn-ahead-mins",
        "show learning cards due within this many minutes when nothing else is left",
    ),
    ("fuzz", "spread review intervals as Anki does: on or off"),
    (
        "learn-step-delay",
        "add Anki's random extra delay to learning steps (up to 25%, at most 5 minutes; with fuzz): on or off",
    ),
    (
        "load-balancer",
        "place review intervals of up to 90 days on a less busy day of their fuzz range, as Anki does (with fuzz): on or off",
    ),
    (
        "easy-days",
        "each weekday's share of reviews for the load balancer: `sat=minimum,sun=reduced` (normal, reduced or minimum; days not named keep theirs; `normal` resets all)",
    ),
    (
        "quiz-fast-secs",
        "a right quiz answer this fast (seconds) is graded Easy",
    ),
    (
        "quiz-slow-secs",
        "a right quiz answer slower than this (seconds) is graded Hard",
    ),
    (
        "bury-new",
        "once a card is answered, bury its new siblings until the next day: on or off",
    ),
    ("bury-review", "bury its review siblings until the next day: on or off"),
    (
        "bury-interday",
        "bury its siblings in day-long learning steps until the next day: on or off",
    ),
    (
        "backups-keep",
        "backups of the collection to keep, 0-1000 (0: no daily backups)",
    ),
    (
        "leech-lapses",
        "a card that lapses this often is a leech (and again every half as many lapses after), 0-1000 (0: never)",
    ),
    (
        "leech-action",
        "what happens to a leech: tag (marked only, as Anki's default) or suspend",
    ),
    (
        "decks-dir",
        "folder new deck files go to (deck new, extract, copies of bundled decks); none: ./decks",
    ),
];

/// How `decks-dir` shows (and is set to) no folder.
const NO_FOLDER: &str = "none";

/// The current value of a setting, as text.
pub fn get(settings: &Settings, key: &str) -> Result<String> {
    let s = &settings.scheduler;
    Ok(match key {
        "day-start-hour" => settings.day_start_hour.to_string(),
        "new-per-day" => settings.new_per_day.to_string(),
        "reviews-per-day" => settings.reviews_per_day.to_string(),
        "retention" => format!("{:.2}", s.desired_retention),
        "learn-steps" => steps(&s.learn_steps_secs),
        "relearn-steps" => steps(&s.relearn_steps_secs),
        "max-interval" => s.max_interval.to_string(),
        "learn-ahead-mins" => settings.learn_ahead_mins.to_string(),
        "fuzz" => if s.fuzz { "on" } else { "off" }.to_string(),
        "learn-step-delay" => on_off(s.learn_step_delay),
        "load-balancer" => on_off(s.load_balancer),
        "easy-days" => WEEKDAYS
            .iter()
            .zip(s.easy_days)
            .map(|(day, share)| format!("{day}={}", share.name()))
            .collect::<Vec<_>>()
            .join(","),
        "quiz-fast-secs" => settings.quiz.fast_secs.to_string(),
        "quiz-slow-secs" => settings.quiz.slow_secs.to_string(),
        "backups-keep" => settings.backups_keep.to_string(),
        "bury-new" => on_off(settings.bury_new),
        "bury-review" => on_off(settings.bury_review),
        "bury-interday" => on_off(settings.bury_interday),
        "leech-lapses" => settings.leech_lapses.to_string(),
        "leech-action" => match settings.leech_action {
            LeechAction::Tag => "tag",
            LeechAction::Suspend => "suspend",
        }
        .to_string(),
        "decks-dir" => settings
            .decks_dir
            .as_ref()
            .map_or_else(|| NO_FOLDER.to_string(), |dir| dir.display().to_string()),
        other => return Err(unknown(other)),
    })
}

/// Steps as `config` shows them: `1m 10m`, or `none`.
fn steps(secs: &[u32]) -> String {
    if secs.is_empty() {
        NO_STEPS.to_string()
    } else {
        format_steps(secs)
    }
}

/// What a list of steps must be, for the error when it is not.
fn steps_like() -> String {
    format!("a list of at most {MAX_STEPS} steps like `1m 10m` (s, m, h or d; at most 30 days each) or {NO_STEPS}")
}

/// Sets a setting from text, after checking it.
pub fn set(settings: &mut Settings, key: &str, value: &str) -> Result<()> {
    let bad = |what: &str| Error::Usage(format!("{key}: {:?} is not {what}", crate::text::clip(value, 80)));
    // A whole number in `range`, else an error saying what it must be, with
    // the range and a `note`: nothing out of range is clamped.
    let number_in = |range: std::ops::RangeInclusive<u32>, what: &str, note: &str| {
        value
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| bad(&format!("{what} from {} to {}{note}", range.start(), range.end())))
    };
    let number = |max: u32, what: &str| number_in(0..=max, what, "");
    let s = &mut settings.scheduler;
    match key {
        "day-start-hour" => settings.day_start_hour = number(23, "an hour")?,
        "new-per-day" => settings.new_per_day = number(100_000, "a count")?,
        "reviews-per-day" => settings.reviews_per_day = number(100_000, "a count")?,
        "learn-ahead-mins" => settings.learn_ahead_mins = number(1440, "minutes")?,
        "max-interval" => s.max_interval = number_in(1..=MAX_INTERVAL_DAYS, "a number of days", "")?,
        "retention" => {
            s.desired_retention = value
                .trim()
                .parse::<f32>()
                .ok()
                .filter(|r| RETENTION_RANGE.contains(r))
                .ok_or_else(|| bad("a retention from 0.70 to 0.99"))?;
        }
        "learn-steps" => s.learn_steps_secs = parse_steps(value).ok_or_else(|| bad(&steps_like()))?,
        "relearn-steps" => s.relearn_steps_secs = parse_steps(value).ok_or_else(|| bad(&steps_like()))?,
        "fuzz" => s.fuzz = parse_on_off(value).ok_or_else(|| bad("on or off"))?,
        "learn-step-delay" => s.learn_step_delay = parse_on_off(value).ok_or_else(|| bad("on or off"))?,
        "load-balancer" => s.load_balancer = parse_on_off(value).ok_or_else(|| bad("on or off"))?,
        "easy-days" => {
            s.easy_days = parse_easy_days(value, s.easy_days).ok_or_else(|| {
                bad("a list like `sat=minimum,sun=reduced` (days mon to sun; normal, reduced or minimum)")
            })?
        }
        "bury-new" => settings.bury_new = parse_on_off(value).ok_or_else(|| bad("on or off"))?,
        "bury-review" => settings.bury_review = parse_on_off(value).ok_or_else(|| bad("on or off"))?,
        "bury-interday" => settings.bury_interday = parse_on_off(value).ok_or_else(|| bad("on or off"))?,
        "quiz-fast-secs" => {
            let slow = settings.quiz.slow_secs;
            let fast = number_in(
                1..=slow.saturating_sub(1),
                "a number of seconds",
                " (below quiz-slow-secs)",
            );
            settings.quiz.fast_secs = fast?;
        }
        "quiz-slow-secs" => {
            let fast = settings.quiz.fast_secs;
            let slow = number_in(fast + 1..=3600, "a number of seconds", " (above quiz-fast-secs)");
            settings.quiz.slow_secs = slow?;
        }
        "backups-keep" => settings.backups_keep = number(1000, "a count")?,
        "leech-lapses" => settings.leech_lapses = number(1000, "a count")?,
        "leech-action" => {
            settings.leech_action = match value.trim() {
                "tag" => LeechAction::Tag,
                "suspend" => LeechAction::Suspend,
                _ => return Err(bad("tag or suspend")),
            }
        }
        "decks-dir" => settings.decks_dir = folder(value)?,
        other => return Err(unknown(other)),
    }
    Ok(())
}

/// The weekdays as `easy-days` names them, Monday first.
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// `easy-days`: `day=share` pairs changing `current` (or `normal` for all
/// normal); `None` if a day or share is not one.
fn parse_easy_days(value: &str, current: EasyDays) -> Option<EasyDays> {
    if value.trim() == EasyDay::Normal.name() {
        return Some([EasyDay::Normal; 7]);
    }
    let mut days = current;
    for pair in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (day, share) = pair.split_once('=')?;
        let index = WEEKDAYS.iter().position(|d| *d == day.trim().to_lowercase())?;
        days[index] = *EasyDay::ALL.iter().find(|e| e.name() == share.trim().to_lowercase())?;
    }
    (!value.trim().is_empty()).then_some(days)
}

/// `decks-dir`'s value: `none` (or nothing) for none, else the folder made
/// absolute against the current one, so it means the same from anywhere.
fn folder(value: &str) -> Result<Option<std::path::PathBuf>> {
    let value = value.trim();
    if value.is_empty() || value == NO_FOLDER {
        return Ok(None);
    }
    let path = std::path::absolute(value).map_err(|e| Error::Usage(format!("decks-dir: {value:?}: {e}")))?;
    if path.exists() && !path.is_dir() {
        return Err(Error::Usage(format!(
            "decks-dir: {} is a file, not a folder.\n  hint: name the folder your deck files are in",
            path.display()
        )));
    }
    Ok(Some(path))
}

fn on_off(on: bool) -> String {
    if on { "on" } else { "off" }.to_string()
}

fn parse_on_off(value: &str) -> Option<bool> {
    match value.trim() {
        "on" | "true" | "yes" => Some(true),
        "off" | "false" | "no" => Some(false),
        _ => None,
    }
}

fn unknown(key: &str) -> Error {
    let names: Vec<&str> = KEYS.iter().map(|(k, _)| *k).collect();
    Error::Usage(format!(
        "no setting named {key:?}.\n  hint: settings are {}",
        names.join(", ")
    ))
}

/// Every key with its default and meaning, for `iskra config --help`.
pub fn keys_help() -> String {
    let defaults = Settings::default();
    let mut text = String::from("Settings (KEY, default, meaning):\n");
    for (key, help) in KEYS {
        let default = get(&defaults, key).unwrap_or_default();
        text.push_str(&format!("  {key:<17} {default:<9} {help}\n"));
    }
    text.push_str(
        "\nExamples:\n  iskra config                      every setting with its value\n  \
         iskra config new-per-day          one setting\n  \
         iskra config new-per-day 10       change it\n  \
         iskra config learn-steps 1m 10m 1h
  iskra config relearn-steps none",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_round_trip() {
        assert_eq!(parse_steps("1m 10m"), Some(vec![60, 600]));
        assert_eq!(parse_steps("30s 1h 1d"), Some(vec![30, 3600, 86_400]));
        assert_eq!(parse_steps(""), Some(vec![]));
        assert_eq!(parse_steps("none"), Some(vec![]));
        assert_eq!(parse_steps("10"), None);
        assert_eq!(parse_steps("0m"), None);
        assert_eq!(parse_steps("5x"), None);
        assert_eq!(format_steps(&[60, 600, 5400, 86_400]), "1m 10m 90m 1d");
    }

    #[test]
    fn every_key_reads_and_validates() {
        let mut settings = Settings::default();
        for (key, _) in KEYS {
            let value = get(&settings, key).unwrap();
            set(&mut settings, key, &value).unwrap();
        }
        assert_eq!(settings, Settings::default());
        set(&mut settings, "learn-steps", "2m 15m 1h").unwrap();
        assert_eq!(settings.scheduler.learn_steps_secs, vec![120, 900, 3600]);
        let most = vec!["1m"; MAX_STEPS].join(" ");
        set(&mut settings, "relearn-steps", &most).unwrap();
        assert_eq!(settings.scheduler.relearn_steps_secs, vec![60; MAX_STEPS]);
        let too_many = vec!["1m"; MAX_STEPS + 1].join(" ");
        for key in ["learn-steps", "relearn-steps"] {
            let err = set(&mut settings, key, &too_many).unwrap_err().to_string();
            assert!(err.contains(&format!("at most {MAX_STEPS} steps")), "{err}");
            assert!(err.len() < 300, "the error quotes the start of the value: {err}");
        }
        assert_eq!(settings.scheduler.learn_steps_secs, vec![120, 900, 3600]);
        assert!(crate::settings::steps_count_ok(&settings.scheduler.relearn_steps_secs));
        assert!(set(&mut settings, "retention", "0.5").is_err());
        assert!(set(&mut settings, "day-start-hour", "24").is_err());
        assert!(set(&mut settings, "fuzz", "maybe").is_err());
        assert_eq!(get(&settings, "leech-action").unwrap(), "tag");
        set(&mut settings, "leech-action", "suspend").unwrap();
        assert_eq!(settings.leech_action, LeechAction::Suspend);
        assert!(set(&mut settings, "leech-action", "delete").is_err());
        set(&mut settings, "leech-lapses", "4").unwrap();
        assert_eq!(settings.leech_lapses, 4);
        set(&mut settings, "quiz-slow-secs", "30").unwrap();
        set(&mut settings, "quiz-fast-secs", "10").unwrap();
        assert_eq!((settings.quiz.fast_secs, settings.quiz.slow_secs), (10, 30));
        assert!(set(&mut settings, "quiz-fast-secs", "30").is_err());
        assert!(set(&mut settings, "quiz-slow-secs", "10").is_err());
        assert!(set(&mut settings, "quiz-fast-secs", "0").is_err());
        set(&mut settings, "decks-dir", "my decks").unwrap();
        let dir = settings.decks_dir.clone().unwrap();
        assert!(dir.is_absolute() && dir.ends_with("my decks"), "{dir:?}");
        assert_eq!(get(&settings, "decks-dir").unwrap(), dir.display().to_string());
        set(&mut settings, "decks-dir", "none").unwrap();
        assert_eq!(settings.decks_dir, None);
        assert!(set(&mut settings, "decks-dir", "Cargo.toml").is_err(), "a file");
        assert!(
            get(&settings, "colour")
                .unwrap_err()
                .to_string()
                .contains("settings are")
        );
    }

    #[test]
    fn numbers_out_of_range_are_refused_with_the_range_not_clamped() {
        let mut settings = Settings::default();
        for (key, value, range) in [
            ("max-interval", "0", "from 1 to 36500"),
            ("max-interval", "36501", "from 1 to 36500"),
            ("day-start-hour", "24", "from 0 to 23"),
            ("new-per-day", "100001", "from 0 to 100000"),
            ("reviews-per-day", "-1", "from 0 to 100000"),
            ("learn-ahead-mins", "1441", "from 0 to 1440"),
            ("backups-keep", "1001", "from 0 to 1000"),
            ("leech-lapses", "1001", "from 0 to 1000"),
            ("quiz-fast-secs", "20", "from 1 to 19 (below quiz-slow-secs)"),
            ("quiz-fast-secs", "0", "from 1 to 19 (below quiz-slow-secs)"),
            ("quiz-slow-secs", "3601", "from 7 to 3600 (above quiz-fast-secs)"),
            ("quiz-slow-secs", "6", "from 7 to 3600 (above quiz-fast-secs)"),
        ] {
            let err = set(&mut settings, key, value).unwrap_err();
            assert!(matches!(err, Error::Usage(_)), "{key} {value}: {err:?}");
            assert!(err.to_string().contains(range), "{key} {value}: {err}");
        }
        assert_eq!(settings, Settings::default(), "nothing was changed");
        set(&mut settings, "max-interval", "1").unwrap();
        assert_eq!(get(&settings, "max-interval").unwrap(), "1");
    }

    #[test]
    fn no_steps_are_none_or_empty_and_show_as_none() {
        let mut settings = Settings::default();
        for key in ["learn-steps", "relearn-steps"] {
            for none in ["none", "", "  ", " none "] {
                set(&mut settings, key, "1m").unwrap();
                set(&mut settings, key, none).unwrap();
                assert_eq!(get(&settings, key).unwrap(), "none", "{key} {none:?}");
            }
            assert!(set(&mut settings, key, "none 1m").is_err());
        }
        assert!(settings.scheduler.learn_steps_secs.is_empty());
        assert!(settings.scheduler.relearn_steps_secs.is_empty());
    }

    #[test]
    fn easy_days_name_weekdays_and_shares() {
        let mut settings = Settings::default();
        assert_eq!(
            get(&settings, "easy-days").unwrap(),
            "mon=normal,tue=normal,wed=normal,thu=normal,fri=normal,sat=normal,sun=normal"
        );
        set(&mut settings, "easy-days", "sat=minimum, Sun=Reduced").unwrap();
        set(&mut settings, "easy-days", "wed=reduced").unwrap();
        let mut want = [EasyDay::Normal; 7];
        (want[2], want[5], want[6]) = (EasyDay::Reduced, EasyDay::Minimum, EasyDay::Reduced);
        assert_eq!(settings.scheduler.easy_days, want, "days not named keep theirs");
        for bad in ["", "sat", "sat=off", "sunday=minimum", "sat=minimum,,mon"] {
            let err = set(&mut settings, "easy-days", bad).unwrap_err().to_string();
            assert!(err.contains("sat=minimum,sun=reduced"), "{bad:?}: {err}");
        }
        assert_eq!(settings.scheduler.easy_days, want, "a bad value changes nothing");
        set(&mut settings, "easy-days", "normal").unwrap();
        assert_eq!(settings.scheduler.easy_days, [EasyDay::Normal; 7]);
        set(&mut settings, "load-balancer", "off").unwrap();
        assert!(!settings.scheduler.load_balancer);
        assert!(set(&mut settings, "load-balancer", "sometimes").is_err());
    }
}
