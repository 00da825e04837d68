//! Statistics from the review log: one pass over the answers of the last
//! year (or the period, if longer) in time order, split into study days at
//! precomputed day boundaries, plus an index probe per earlier day for the
//! longest streak.

use std::collections::HashSet;

use chrono::TimeZone;

use super::{
    Buttons, DayCount, DayStats, Grades, HEATMAP_DAYS, MATURE_DAYS, MAX_DAYS, RETENTION_PERIODS, RetentionPeriod,
    Streak, Tally, Today, day_bounds, ratio,
};
use crate::clock::{Clock, DayNumber, date_of_day};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::stats::{Scope, StatsLogRow};

/// Review-log kinds (as Anki's revlog types).
mod kind {
    pub const LEARNING: i64 = 0;
    pub const REVIEW: i64 = 1;
    pub const RELEARNING: i64 = 2;
    pub const MANUAL: i64 = 4;
}

/// The cards that had a review answer on the current study day (answers
/// come in time order, so a day, once left, never comes back). Card ids
/// are row ids, dense from 1, so a bit per id does the job of a set at a
/// fraction of the cost on a large log: a million cards take 125 KiB,
/// which stays in the processor's cache where a value per card read at
/// random did not (a cache miss per answer was 16% of `stats` at ten
/// million rows). Ids too large for that go to a set.
#[derive(Debug, Default)]
struct ReviewedToday {
    /// The day (index in the window) the marks are for.
    day: usize,
    bits: Vec<u64>,
    sparse: HashSet<i64>,
}

impl ReviewedToday {
    /// Ids below this many get a bit (512 KiB at most).
    const DENSE_IDS: i64 = 1 << 22;

    /// Records a review answer of `card` on day `index` (never before the
    /// last one recorded); true when it is the card's first on that day.
    fn first_on(&mut self, card: i64, index: usize) -> bool {
        if index != self.day {
            self.bits.fill(0);
            self.sparse.clear();
            self.day = index;
        }
        match usize::try_from(card) {
            Ok(i) if card < Self::DENSE_IDS => {
                let (word, bit) = (i / 64, 1u64 << (i % 64));
                if word >= self.bits.len() {
                    self.bits.resize((word + 1).next_power_of_two(), 0);
                }
                let first = self.bits[word] & bit == 0;
                self.bits[word] |= bit;
                first
            }
            _ => self.sparse.insert(card),
        }
    }
}

/// One study day while answers are added up.
#[derive(Debug, Clone, Default)]
struct DayAcc {
    stats: DayStats,
    young: (u32, u32),
    mature: (u32, u32),
}

/// The log's statistics over a window of study days ending today.
#[derive(Debug, Clone)]
pub(super) struct History {
    /// The window's first study day.
    first: DayNumber,
    days: Vec<DayAcc>,
    /// The period (`--days`): the window's last `period` days.
    period: usize,
    pub today: Today,
    pub streak: Streak,
    pub buttons: Buttons,
}

/// Adds answers, in time order, to the days they fall on.
struct Accumulator {
    history: History,
    bounds: Vec<i64>,
    index: usize,
    /// The cards reviewed on the current day (for true retention).
    reviewed_today: ReviewedToday,
    today_cards: HashSet<i64>,
}

impl History {
    /// The log's statistics for `period` days ending today (at least a year
    /// is read). Given a second connection (`helper`), the window's later
    /// half of study days is read on it, on another thread, while this one
    /// reads the earlier half: a card's answers count once per study day, so
    /// days read apart add up to the same figures.
    pub fn compute(
        store: &Store,
        helper: Option<Store>,
        scope: Scope,
        period: u32,
        clock: &Clock<impl TimeZone>,
    ) -> Result<History> {
        let today = clock.today();
        let window = period.max(HEATMAP_DAYS) as usize;
        let first = today - window as DayNumber + 1;
        let bounds = day_bounds(clock, first, today);
        let from = bounds[0];
        let read = |store: &Store, days: std::ops::Range<usize>| -> Result<Accumulator> {
            let span = (bounds[days.start], bounds[days.end]);
            let mut acc = Accumulator::new(first, window, period as usize, bounds.clone(), days.start);
            store.stats_log_rows(scope, span, MATURE_DAYS, |row| acc.add(row))?;
            Ok(acc)
        };
        let acc = match helper {
            Some(helper) => {
                let half = window / 2;
                let read = &read;
                std::thread::scope(|threads| {
                    let later = threads.spawn(move || read(&helper, half..window));
                    let earlier = read(store, 0..half);
                    let later = later
                        .join()
                        .unwrap_or_else(|_| Err(Error::Internal("statistics: reading the log failed".into())));
                    Ok::<_, Error>(earlier?.merge(later?))
                })?
            }
            None => read(store, 0..window)?,
        };
        let mut history = acc.finish();
        // Days before the window only matter for the longest streak.
        let mut active = Vec::new();
        if let Some(first_ms) = store.stats_first_answer_ms(scope)?.filter(|&ms| ms < from) {
            let earliest = clock.day_of_ms(first_ms).max(first - DayNumber::from(MAX_DAYS));
            active = store.stats_active_days(scope, &day_bounds(clock, earliest, first - 1))?;
        }
        active.extend(history.days.iter().map(|d| d.stats.reviews > 0));
        history.streak = streaks(&active);
        Ok(history)
    }

    fn from_window(first: DayNumber, window: usize, period: usize) -> History {
        let days = (0..window)
            .map(|i| DayAcc {
                stats: DayStats {
                    date: date_of_day(first + i as DayNumber),
                    ..DayStats::default()
                },
                ..DayAcc::default()
            })
            .collect();
        History {
            first,
            days,
            period: period.min(window),
            today: Today::default(),
            streak: Streak::default(),
            buttons: Buttons::default(),
        }
    }

    /// Adds review cards still waiting since the day they fell due
    /// (`(day, cards)`), so each day's `due` counts every card scheduled for it.
    pub fn add_waiting(&mut self, waiting: impl IntoIterator<Item = (DayNumber, u32)>) {
        for (day, count) in waiting {
            if let Some(d) = usize::try_from(day - self.first)
                .ok()
                .and_then(|i| self.days.get_mut(i))
            {
                d.stats.due += count;
            }
        }
    }

    /// The days of the period, oldest first.
    pub fn period_days(&self) -> Vec<DayStats> {
        self.last(self.period).map(|d| d.stats.clone()).collect()
    }

    /// Answers per day over the last year, oldest first.
    pub fn heatmap(&self) -> Vec<DayCount> {
        self.last(HEATMAP_DAYS as usize)
            .map(|d| DayCount {
                date: d.stats.date,
                count: d.stats.reviews,
            })
            .collect()
    }

    /// True retention over the last 7, 30 and 365 days.
    pub fn retention(&self) -> Vec<RetentionPeriod> {
        RETENTION_PERIODS
            .iter()
            .map(|&days| {
                let (mut young, mut mature) = (Tally::default(), Tally::default());
                for d in self.last(days as usize) {
                    young = young.add(Tally::new(d.young.0, d.young.1));
                    mature = mature.add(Tally::new(d.mature.0, d.mature.1));
                }
                RetentionPeriod {
                    days,
                    young,
                    mature,
                    all: young.add(mature),
                }
            })
            .collect()
    }

    fn last(&self, n: usize) -> impl Iterator<Item = &DayAcc> {
        self.days[self.days.len().saturating_sub(n)..].iter()
    }
}

impl DayAcc {
    /// Adds the answers counted in `other` (the same day) to this day.
    fn absorb(&mut self, other: &DayAcc) {
        let (d, o) = (&mut self.stats, &other.stats);
        d.reviews += o.reviews;
        d.new += o.new;
        d.learning += o.learning;
        d.review += o.review;
        d.relearn += o.relearn;
        d.again += o.again;
        d.time_ms += o.time_ms;
        d.due += o.due;
        self.young = (self.young.0 + other.young.0, self.young.1 + other.young.1);
        self.mature = (self.mature.0 + other.mature.0, self.mature.1 + other.mature.1);
    }
}

impl Accumulator {
    /// An accumulator over the window, for answers from day `start` (an
    /// index in the window) on.
    fn new(first: DayNumber, window: usize, period: usize, bounds: Vec<i64>, start: usize) -> Accumulator {
        Accumulator {
            history: History::from_window(first, window, period),
            bounds,
            index: start,
            reviewed_today: ReviewedToday::default(),
            today_cards: HashSet::new(),
        }
    }

    /// This accumulator's answers and `other`'s, which counted other study
    /// days of the same window (before [`Accumulator::finish`]).
    fn merge(mut self, other: Accumulator) -> Accumulator {
        for (mine, theirs) in self.history.days.iter_mut().zip(&other.history.days) {
            mine.absorb(theirs);
        }
        let (b, o) = (&mut self.history.buttons, &other.history.buttons);
        for (mine, theirs) in [
            (&mut b.learning, o.learning),
            (&mut b.young, o.young),
            (&mut b.mature, o.mature),
        ] {
            for (count, more) in mine.counts.iter_mut().zip(theirs.counts) {
                *count += more;
            }
            mine.total += theirs.total;
        }
        self.today_cards.extend(other.today_cards);
        self
    }

    fn add(&mut self, row: &StatsLogRow) {
        if row.kind == kind::MANUAL {
            return;
        }
        // Rows come in time order within bounds[0]..bounds[last].
        let last_day = self.history.days.len() - 1;
        while self.index < last_day && row.reviewed_at_ms >= self.bounds[self.index + 1] {
            self.index += 1;
        }
        let (index, first) = (self.index, self.history.first);
        let day = first + index as DayNumber;
        let young = !row.mature;
        let passed = row.rating > 1;
        let first_review_today = row.kind == kind::REVIEW && self.reviewed_today.first_on(row.card_id, index);
        let history = &mut self.history;
        let acc = &mut history.days[index];
        let d = &mut acc.stats;
        d.reviews += 1;
        d.time_ms += row.duration_ms;
        match row.kind {
            kind::LEARNING => d.learning += 1,
            kind::REVIEW => d.review += 1,
            kind::RELEARNING => d.relearn += 1,
            _ => {}
        }
        d.new += u32::from(row.state_before == 0);
        d.again += u32::from(row.rating == 1);
        if first_review_today {
            let tally = if young { &mut acc.young } else { &mut acc.mature };
            if passed {
                tally.0 += 1;
            } else {
                tally.1 += 1;
            }
        }
        // A review card answered on or after the day it was scheduled for
        // (once a day: a second answer the same day is not another due card).
        if first_review_today && row.state_before == 2 && row.due_before >= first && row.due_before <= day {
            history.days[(row.due_before - first) as usize].stats.due += 1;
        }
        if index >= history.days.len() - history.period {
            let grades = match row.kind {
                kind::REVIEW if young => Some(&mut history.buttons.young),
                kind::REVIEW => Some(&mut history.buttons.mature),
                kind::LEARNING | kind::RELEARNING => Some(&mut history.buttons.learning),
                _ => None,
            };
            if let Some(grades) = grades {
                grades.record(row.rating);
            }
        }
        if index == last_day {
            self.today_cards.insert(row.card_id);
        }
    }

    fn finish(mut self) -> History {
        let mut history = self.history;
        let buttons = &mut history.buttons;
        for grades in [&mut buttons.learning, &mut buttons.young, &mut buttons.mature] {
            *grades = Grades::finish(*grades);
        }
        for acc in &mut history.days {
            let (young, mature) = (acc.young, acc.mature);
            acc.stats.retention = Tally::new(young.0 + mature.0, young.1 + mature.1);
        }
        if let Some(today) = history.days.last() {
            let d = &today.stats;
            history.today = Today {
                cards: self.today_cards.len() as u32,
                answers: d.reviews,
                time_ms: d.time_ms,
                again: d.again,
                again_rate: ratio(d.again, d.reviews),
            };
        }
        self.today_cards.clear();
        history
    }
}

/// The current and the longest run of active days; `active` ends today.
fn streaks(active: &[bool]) -> Streak {
    let run_ending = |end: usize| active[..end].iter().rev().take_while(|&&a| a).count();
    let current = match active.last() {
        Some(true) => run_ending(active.len()),
        Some(false) => run_ending(active.len() - 1),
        None => 0,
    };
    let mut longest = 0;
    let mut run = 0;
    for &a in active {
        run = if a { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    Streak {
        current: current as u32,
        longest: longest as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(ms: i64, card_id: i64, rating: u8, kind: i64, interval_before: i64) -> StatsLogRow {
        StatsLogRow {
            reviewed_at_ms: ms,
            card_id,
            rating,
            kind,
            duration_ms: 1000,
            state_before: if kind == 0 { 0 } else { 2 },
            due_before: 0,
            mature: interval_before >= MATURE_DAYS,
        }
    }

    const DAY: i64 = 86_400_000;

    /// Three study days starting at ms 0, DAY, 2 DAY; the period is the last two.
    fn accumulate(rows: &[StatsLogRow]) -> History {
        let mut acc = Accumulator::new(100, 3, 2, vec![0, DAY, 2 * DAY, 3 * DAY], 0);
        for r in rows {
            acc.add(r);
        }
        acc.finish()
    }

    #[test]
    fn only_the_first_review_of_a_card_in_a_day_counts_for_retention() {
        let h = accumulate(&[
            row(10, 1, 1, 1, 5),       // day 0: card 1 fails (young)
            row(20, 1, 3, 1, 5),       // same day again: ignored
            row(DAY + 5, 1, 3, 1, 30), // day 1: card 1 passes (mature)
            row(DAY + 6, 2, 3, 0, 0),  // learning: not a retention answer
            row(DAY + 7, 3, 2, 1, 21), // Hard passes; 21 days is mature
            row(DAY + 8, 4, 1, 4, 30), // manual: ignored everywhere
        ]);
        let r7 = h.retention()[0];
        assert_eq!((r7.young.passed, r7.young.failed), (0, 1));
        assert_eq!((r7.mature.passed, r7.mature.failed), (2, 0));
        assert_eq!(r7.all.rate, Some(2.0 / 3.0));
        let days = h.period_days();
        assert_eq!(days.len(), 2);
        assert_eq!(
            (days[0].reviews, days[0].review, days[0].learning, days[0].new),
            (3, 2, 1, 1)
        );
        assert_eq!(h.heatmap().iter().map(|d| d.count).collect::<Vec<_>>(), [2, 3, 0]);
    }

    #[test]
    fn days_read_apart_add_up_to_the_same_history() {
        let mut late = row(2 * DAY + 1, 1, 3, 1, 5);
        late.due_before = 100; // due on day 0, answered on day 2: counted back on day 0
        let rows = [
            row(10, 1, 1, 1, 5),
            row(20, 1, 3, 1, 5),
            row(DAY + 5, 1, 3, 1, 30),
            row(DAY + 6, 2, 3, 0, 0),
            row(DAY + 9, 2, 1, 2, 3),
            late,
            row(2 * DAY + 2, 3, 1, 2, 3),
            row(2 * DAY + 3, 1, 1, 1, 40),
        ];
        let whole = accumulate(&rows);
        for split in 1..3 {
            let bounds = vec![0, DAY, 2 * DAY, 3 * DAY];
            let (mut earlier, mut later) = (
                Accumulator::new(100, 3, 2, bounds.clone(), 0),
                Accumulator::new(100, 3, 2, bounds, split),
            );
            for r in &rows {
                let part = if r.reviewed_at_ms < split as i64 * DAY {
                    &mut earlier
                } else {
                    &mut later
                };
                part.add(r);
            }
            let merged = earlier.merge(later).finish();
            assert_eq!(format!("{merged:?}"), format!("{whole:?}"), "split at day {split}");
        }
        assert_eq!(whole.last(3).map(|d| d.stats.due).collect::<Vec<_>>(), [1, 0, 0]);
    }

    #[test]
    fn buttons_cover_the_period_only() {
        let h = accumulate(&[
            row(10, 1, 1, 1, 5),           // before the period
            row(DAY + 1, 1, 2, 1, 5),      // young Hard
            row(2 * DAY + 1, 2, 4, 1, 40), // mature Easy
            row(2 * DAY + 2, 3, 1, 2, 3),  // relearning Again
            row(2 * DAY + 3, 3, 3, 2, 3),  // relearning Good
        ]);
        assert_eq!(h.buttons.young.counts, [0, 1, 0, 0]);
        assert_eq!(h.buttons.mature.counts, [0, 0, 0, 1]);
        assert_eq!(h.buttons.learning.counts, [1, 0, 1, 0]);
        assert_eq!(h.buttons.learning.shares, Some([0.5, 0.0, 0.5, 0.0]));
        assert_eq!(h.today.answers, 3);
        assert_eq!(h.today.cards, 2);
        assert_eq!(h.today.again_rate, Some(1.0 / 3.0));
    }

    #[test]
    fn due_counts_the_day_a_card_was_scheduled_for() {
        let mut late = row(2 * DAY + 1, 1, 3, 1, 5);
        late.due_before = 100; // scheduled for day 0, answered on day 2
        let mut early = row(10, 2, 3, 1, 5);
        early.due_before = 101; // answered before its day: not due that day
        let mut h = accumulate(&[early, late]);
        h.add_waiting([(101, 2), (99, 7)]);
        let all: Vec<u32> = h.last(3).map(|d| d.stats.due).collect();
        assert_eq!(all, [1, 2, 0]);
    }

    #[test]
    fn first_review_of_the_day_for_any_card_id() {
        let mut days = ReviewedToday::default();
        let cards = [
            5,
            64,
            ReviewedToday::DENSE_IDS - 1,
            ReviewedToday::DENSE_IDS,
            i64::MAX,
            -3,
        ];
        for card in cards {
            assert!(days.first_on(card, 0), "{card}");
            assert!(!days.first_on(card, 0), "{card}");
        }
        for day in [1, 3] {
            for card in cards {
                assert!(days.first_on(card, day), "{card} on day {day}");
            }
            for card in cards {
                assert!(!days.first_on(card, day), "{card} again on day {day}");
            }
        }
    }

    #[test]
    fn streaks_forgive_a_today_not_yet_studied() {
        assert_eq!(
            streaks(&[true, true, false, true, true, true, false]),
            Streak { current: 3, longest: 3 }
        );
        assert_eq!(streaks(&[true, false, true, true]), Streak { current: 2, longest: 2 });
        assert_eq!(streaks(&[true, true, false, false]), Streak { current: 0, longest: 2 });
        assert_eq!(streaks(&[]), Streak::default());
    }
}
