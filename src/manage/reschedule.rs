//! `reschedule --days N|A-B[!]`: Anki's "Set due date". A card becomes a
//! review card due in N days (or a day drawn from A..=B for each card), its
//! interval the days from its last review to that day, as Anki sets it
//! with FSRS; with `!`, the interval is the N days themselves (Anki's `!`).

use crate::clock::DayNumber;
use crate::error::{Error, Result};

/// When rescheduled cards are due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days {
    pub from: u32,
    /// Equal to `from` for a single day.
    pub to: u32,
    /// `!`: the interval is set to the days from today, not from the last review.
    pub reset_interval: bool,
}

/// The longest `--days` (100 years, Anki's longest interval).
const MAX_DAYS: u32 = 36_500;

impl Days {
    /// Parses `N`, `A-B`, either with a trailing `!`.
    pub fn parse(text: &str) -> Result<Days> {
        let bad = || {
            Error::Usage(format!(
                "--days {text:?}: give a number of days from today (0 is today) or a range, as `7` or `3-10` (add `!` to set the interval to it).\n  hint: as Anki's \"Set due date\""
            ))
        };
        let trimmed = text.trim();
        let (body, reset_interval) = match trimmed.strip_suffix('!') {
            Some(body) => (body, true),
            None => (trimmed, false),
        };
        let number = |s: &str| s.trim().parse::<u32>().ok().filter(|n| *n <= MAX_DAYS);
        let (from, to) = match body.split_once('-') {
            Some((a, b)) => (number(a).ok_or_else(bad)?, number(b).ok_or_else(bad)?),
            None => {
                let n = number(body).ok_or_else(bad)?;
                (n, n)
            }
        };
        if from > to {
            return Err(bad());
        }
        Ok(Days {
            from,
            to,
            reset_interval,
        })
    }

    /// A number of days in the range (a random one when it is a range).
    pub fn draw(&self) -> u32 {
        if self.from == self.to {
            self.from
        } else {
            rand::random_range(self.from..=self.to)
        }
    }

    /// As the user wrote it.
    pub fn text(&self) -> String {
        let bang = if self.reset_interval { "!" } else { "" };
        if self.from == self.to {
            format!("{}{bang}", self.from)
        } else {
            format!("{}-{}{bang}", self.from, self.to)
        }
    }
}

/// The interval of a card due `days` from `today`: the days since its last
/// review (today if none) to then, or `days` with `reset_interval`; at
/// least 1, at most `max_interval`.
pub fn interval(
    days: u32,
    today: DayNumber,
    last_review_day: Option<DayNumber>,
    reset_interval: bool,
    max_interval: u32,
) -> u32 {
    let days = i64::from(days);
    let interval = if reset_interval {
        days
    } else {
        today + days - last_review_day.unwrap_or(today).min(today)
    };
    u32::try_from(interval.clamp(1, i64::from(max_interval.max(1)))).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_a_number_or_a_range_with_an_optional_bang() {
        let days = |from, to, reset_interval| Days {
            from,
            to,
            reset_interval,
        };
        assert_eq!(Days::parse("7").unwrap(), days(7, 7, false));
        assert_eq!(Days::parse("0").unwrap(), days(0, 0, false));
        assert_eq!(Days::parse("3-10").unwrap(), days(3, 10, false));
        assert_eq!(Days::parse(" 5! ").unwrap(), days(5, 5, true));
        assert_eq!(Days::parse("1-2!").unwrap().text(), "1-2!");
        for bad in ["", "x", "-3", "10-3", "3-", "36501", "1.5", "!"] {
            let err = Days::parse(bad).unwrap_err();
            assert!(matches!(err, Error::Usage(_)), "{bad}");
            assert!(err.to_string().contains("hint:"), "{bad}");
        }
        let range = days(3, 5, false);
        for _ in 0..100 {
            assert!((3..=5).contains(&range.draw()));
        }
    }

    #[test]
    fn the_interval_runs_from_the_last_review_as_anki_sets_it() {
        // Reviewed 4 days ago, due in 5 days: 9 days apart.
        assert_eq!(interval(5, 100, Some(96), false, 36_500), 9);
        assert_eq!(interval(5, 100, Some(96), true, 36_500), 5);
        assert_eq!(interval(0, 100, Some(100), false, 36_500), 1, "at least a day");
        assert_eq!(interval(5, 100, None, false, 36_500), 5);
        assert_eq!(interval(50, 100, Some(0), false, 100), 100, "at most max-interval");
        assert_eq!(
            interval(5, 100, Some(120), false, 36_500),
            5,
            "a last review after today counts as today"
        );
    }
}
