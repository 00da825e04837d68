//! The generator's virtual timeline: days of 24 hours mapped onto the real
//! study days, so histories can be played without daylight-saving gaps.

use chrono::TimeZone;
use iskra::clock::{Clock, DayNumber};
use iskra::sched::{Due, Schedule};

use crate::generator::DAY;

/// The virtual timeline histories are played on: days of 24 hours from day
/// 0, `window_days` before today. A time on it is a day and an offset from
/// the start of that day, which maps to the same offset from the start of the
/// real study day (offsets stay under 20 hours, so a day shortened by
/// daylight saving still holds them): the scheduler sees the same days and
/// the same step delays as on the real clock.
pub(crate) struct Timeline {
    /// The real study day of virtual day 0.
    pub(crate) base: DayNumber,
    pub(crate) window_days: i64,
    /// Now, on the virtual timeline.
    pub(crate) now: i64,
    /// Real start (UTC ms) of each study day from `base` to tomorrow.
    pub(crate) day_starts: Vec<i64>,
}

impl Timeline {
    pub(crate) fn new<Tz: TimeZone>(clock: &Clock<Tz>, window_days: i64) -> Timeline {
        let today = clock.today();
        let base = today - window_days;
        let day_starts: Vec<i64> = (base..=today + 1)
            .map(|day| clock.day_start(day).timestamp_millis())
            .collect();
        Timeline {
            base,
            window_days,
            now: window_days * DAY + (clock.now_ms() - day_starts[window_days as usize]),
            day_starts,
        }
    }

    pub(crate) fn real_ms(&self, at: i64) -> i64 {
        let day = at.div_euclid(DAY);
        let last = self.day_starts.len() as i64 - 1;
        let start = match usize::try_from(day).ok().and_then(|d| self.day_starts.get(d)) {
            Some(&start) => start,
            None => self.day_starts[last as usize] + (day - last) * DAY,
        };
        start + at.rem_euclid(DAY)
    }

    pub(crate) fn real_day(&self, day: i64) -> DayNumber {
        self.base + day
    }

    pub(crate) fn real_schedule(&self, s: &Schedule) -> Schedule {
        Schedule {
            due: match s.due {
                Due::At(at) => Due::At(self.real_ms(at)),
                Due::Day(day) => Due::Day(self.real_day(day)),
                Due::New(position) => Due::New(position),
            },
            last_review_day: s.last_review_day.map(|day| self.real_day(day)),
            ..s.clone()
        }
    }
}
