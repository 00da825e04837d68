//! Time: the injected "now" and study-day arithmetic.
//!
//! Nothing below `cli` reads the system clock. A [`Clock`] value is built once
//! at the edge (from the system time, or from `ISKRA_NOW`) and passed down.
//! A *study day* starts at a configurable local hour (default 04:00), so an
//! answer at 01:00 still belongs to the previous day. Days are numbered as
//! days since 1970-01-01 of the local calendar date of `local time - start
//! hour`, computed on wall-clock time, which keeps them right across
//! daylight-saving changes and when the machine's time zone changes.

use chrono::{DateTime, Duration, Local, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};

use crate::error::{Error, Result};

/// A study day, as a number of days since 1970-01-01 (local calendar).
pub type DayNumber = i64;

/// The instant the program acts at, and how it maps to study days.
#[derive(Debug, Clone)]
pub struct Clock<Tz: TimeZone = Local> {
    now: DateTime<Utc>,
    tz: Tz,
    day_start_hour: u32,
}

impl Clock<Local> {
    /// The clock of this process: `ISKRA_NOW` (RFC 3339) when set, else the
    /// system time; either must be in [`RANGE`].
    pub fn from_env(day_start_hour: u32) -> Result<Self> {
        let now = match std::env::var("ISKRA_NOW") {
            Ok(text) => parse_now(&text)?,
            Err(_) => {
                let now = Utc::now();
                if !in_range(now) {
                    return Err(Error::Usage(format!(
                        "the system clock says {}, which is outside the times iskra works with ({RANGE} UTC).\n  hint: set the clock (or ISKRA_NOW) to the right time",
                        now.format("%Y-%m-%d %H:%M:%S")
                    )));
                }
                now
            }
        };
        Ok(Clock::new(now, Local, day_start_hour))
    }
}

/// The times iskra works with, as documented (README "Days, limits and
/// scheduling"): cards due within them, and intervals of up to 100 years
/// from them, stay within what `iskra check` accepts (2000 to 2200).
pub const RANGE: &str = "2000-01-01 to 2099-12-31";

/// Whether `at` is in [`RANGE`].
pub fn in_range(at: DateTime<Utc>) -> bool {
    (2000..=2099).contains(&chrono::Datelike::year(&at))
}

/// Parses an `ISKRA_NOW` value; it must be in [`RANGE`].
pub fn parse_now(text: &str) -> Result<DateTime<Utc>> {
    let now = DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            Error::Usage(format!(
                "ISKRA_NOW={text:?} is not an RFC 3339 time ({e}); use e.g. 2026-01-31T09:30:00+01:00"
            ))
        })?;
    if !in_range(now) {
        return Err(Error::Usage(format!(
            "ISKRA_NOW={text:?} is outside the times iskra works with ({RANGE} UTC).\n  hint: use a time in that range, e.g. 2026-01-31T09:30:00+01:00"
        )));
    }
    Ok(now)
}

impl<Tz: TimeZone> Clock<Tz> {
    pub fn new(now: DateTime<Utc>, tz: Tz, day_start_hour: u32) -> Self {
        Clock {
            now,
            tz,
            day_start_hour: day_start_hour.min(23),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn now_ms(&self) -> i64 {
        self.now.timestamp_millis()
    }

    /// The same clock at another instant (time passes in a session).
    pub fn at(&self, now: DateTime<Utc>) -> Self {
        Clock {
            now,
            tz: self.tz.clone(),
            day_start_hour: self.day_start_hour,
        }
    }

    /// Today's study day.
    pub fn today(&self) -> DayNumber {
        self.day_of(self.now)
    }

    /// The study day an instant belongs to.
    pub fn day_of(&self, at: DateTime<Utc>) -> DayNumber {
        let local = at.with_timezone(&self.tz).naive_local();
        let shifted = local - Duration::hours(i64::from(self.day_start_hour));
        day_number(shifted.date())
    }

    /// The study day of a UTC millisecond timestamp.
    pub fn day_of_ms(&self, ms: i64) -> DayNumber {
        self.day_of(DateTime::from_timestamp_millis(ms).unwrap_or(self.now))
    }

    /// The instant a study day starts. In a daylight-saving gap the first
    /// valid local time after the start hour is used.
    pub fn day_start(&self, day: DayNumber) -> DateTime<Utc> {
        let date = date_of_day(day);
        let start = NaiveTime::from_hms_opt(self.day_start_hour, 0, 0).unwrap_or(NaiveTime::MIN);
        let mut local = date.and_time(start);
        for _ in 0..4 {
            match self.tz.from_local_datetime(&local) {
                LocalResult::Single(t) => return t.with_timezone(&Utc),
                LocalResult::Ambiguous(earliest, _) => return earliest.with_timezone(&Utc),
                LocalResult::None => local += Duration::minutes(30),
            }
        }
        // No valid local time within two hours: fall back to UTC.
        Utc.from_utc_datetime(&local)
    }

    /// The instant the current study day ends (the next one starts).
    pub fn end_of_today(&self) -> DateTime<Utc> {
        self.day_start(self.today() + 1)
    }

    /// A UTC instant rendered in the local time zone, for messages.
    pub fn local_string(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.tz)
            .naive_local()
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// The day number of a calendar date.
pub fn day_number(date: NaiveDate) -> DayNumber {
    date.signed_duration_since(epoch()).num_days()
}

/// The calendar date of a day number.
pub fn date_of_day(day: DayNumber) -> NaiveDate {
    let max_or_min = if day < 0 { NaiveDate::MIN } else { NaiveDate::MAX };
    Duration::try_days(day)
        .and_then(|d| epoch().checked_add_signed(d))
        .unwrap_or(max_or_min)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::{FixedOffset, MappedLocalTime, NaiveDateTime, Offset};

    /// A test time zone with one daylight-saving switch: UTC+1 before
    /// `switch` (UTC), UTC+2 from then on (like Europe/Berlin in spring).
    #[derive(Debug, Clone, Copy)]
    pub struct SpringForward {
        pub switch: DateTime<Utc>,
    }

    impl SpringForward {
        fn offset_at(&self, utc: &NaiveDateTime) -> FixedOffset {
            let hours = if *utc < self.switch.naive_utc() { 1 } else { 2 };
            FixedOffset::east_opt(hours * 3600).unwrap()
        }
    }

    impl TimeZone for SpringForward {
        type Offset = FixedOffset;
        fn from_offset(_: &FixedOffset) -> Self {
            unreachable!("not used in tests")
        }
        fn offset_from_local_date(&self, _: &NaiveDate) -> MappedLocalTime<FixedOffset> {
            unreachable!("not used in tests")
        }
        fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> MappedLocalTime<FixedOffset> {
            let before = FixedOffset::east_opt(3600).unwrap();
            let after = FixedOffset::east_opt(7200).unwrap();
            let as_before = *local - Duration::seconds(i64::from(before.local_minus_utc()));
            let as_after = *local - Duration::seconds(i64::from(after.local_minus_utc()));
            let ok_before = self.offset_at(&as_before) == before;
            let ok_after = self.offset_at(&as_after) == after;
            match (ok_before, ok_after) {
                (true, true) => MappedLocalTime::Ambiguous(before, after),
                (true, false) => MappedLocalTime::Single(before),
                (false, true) => MappedLocalTime::Single(after),
                (false, false) => MappedLocalTime::None,
            }
        }
        fn offset_from_utc_date(&self, _: &NaiveDate) -> FixedOffset {
            unreachable!("not used in tests")
        }
        fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> FixedOffset {
            self.offset_at(utc).fix()
        }
    }

    fn utc(text: &str) -> DateTime<Utc> {
        parse_now(text).unwrap()
    }

    #[test]
    fn early_morning_belongs_to_previous_study_day() {
        let clock = Clock::new(utc("2026-03-10T03:30:00Z"), Utc, 4);
        let at_0430 = clock.at(utc("2026-03-10T04:30:00Z"));
        assert_eq!(at_0430.today() - clock.today(), 1);
        assert_eq!(clock.today(), day_number(NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()));
    }

    #[test]
    fn day_start_hour_is_configurable() {
        let at = utc("2026-03-10T01:00:00Z");
        assert_eq!(Clock::new(at, Utc, 0).today() - Clock::new(at, Utc, 4).today(), 1);
    }

    #[test]
    fn local_offset_moves_the_boundary() {
        // 02:30 UTC is 04:30 at UTC+2: already the new study day there.
        let at = utc("2026-06-10T02:30:00Z");
        let plus2 = Clock::new(at, FixedOffset::east_opt(7200).unwrap(), 4);
        let plain = Clock::new(at, Utc, 4);
        assert_eq!(plus2.today() - plain.today(), 1);
    }

    #[test]
    fn daylight_saving_change_keeps_days_on_wall_clock() {
        let tz = SpringForward {
            switch: utc("2026-03-29T01:00:00Z"),
        };
        // Saturday 04:30 local (+1) and Sunday 04:30 local (+2) are 23 h apart
        // but exactly one study day.
        let sat = Clock::new(utc("2026-03-28T03:30:00Z"), tz, 4);
        let sun = sat.at(utc("2026-03-29T02:30:00Z"));
        assert_eq!(sun.today() - sat.today(), 1);
        // 03:59 local on Sunday (+2) is still Saturday's study day.
        let late = sat.at(utc("2026-03-29T01:59:00Z"));
        assert_eq!(late.today(), sat.today());
        // Sunday's day starts at 04:00 local = 02:00 UTC.
        assert_eq!(sat.day_start(sun.today()), utc("2026-03-29T02:00:00Z"));
    }

    #[test]
    fn day_start_in_a_gap_moves_forward() {
        // Day starting at 02:00 local during the spring-forward gap (02:00 -> 03:00).
        let tz = SpringForward {
            switch: utc("2026-03-29T01:00:00Z"),
        };
        let clock = Clock::new(utc("2026-03-29T05:00:00Z"), tz, 2);
        assert_eq!(clock.day_start(clock.today()), utc("2026-03-29T01:00:00Z"));
    }

    #[test]
    fn bad_iskra_now_is_a_usage_error() {
        let err = parse_now("tomorrow").unwrap_err().to_string();
        assert!(err.contains("RFC 3339"), "{err}");
        for far in [
            "9999-12-31T00:00:00Z",
            "1900-01-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
            "1999-12-31T23:59:59Z",
        ] {
            let err = parse_now(far).unwrap_err().to_string();
            assert!(err.contains("outside the times iskra works with"), "{far}: {err}");
        }
        assert!(parse_now("2000-01-01T00:00:00Z").is_ok());
        assert!(parse_now("2099-12-31T23:59:59Z").is_ok());
        assert!(parse_now("2100-01-01T00:00:00Z").is_err());
    }
}
