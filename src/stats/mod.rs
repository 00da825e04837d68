//! Progress statistics: computed from the review log and the cards into plain
//! serialisable structs (`iskra stats`, `iskra report`, `iskra export stats`).
//! Rendering lives elsewhere: the terminal dashboard in `ui::stats`, the HTML
//! report in [`report`], CSV and JSON in `export`.
//!
//! Definitions (see README "Statistics"):
//! - an *answer* is a review-log entry that is not a manual reschedule (kind 4);
//!   every figure about studying counts answers, on the study day they fell on
//!   (the collection's day-start hour, local time);
//! - *true retention* (as Anki): of review answers (kind 1), only the first of
//!   each card on each study day counts; it passed unless graded Again; young
//!   when the card's interval before the answer was under 21 days, else mature;
//! - cards are the live cards (retired cards left out).

mod cards;
mod history;
pub mod report;
mod report_curve;
mod svg;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::Serialize;

use crate::clock::{Clock, DayNumber, date_of_day};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::stats::{CardDetail, Scope};

/// Version of the JSON documents (`stats --json`, exports). Bumped when a
/// field changes meaning or goes away; new fields may be added within a version.
pub const FORMAT_VERSION: u32 = 1;
/// A review card is mature from this interval (days) on.
pub const MATURE_DAYS: i64 = 21;
/// Days shown in the heatmap (and the longest retention period).
pub const HEATMAP_DAYS: u32 = 365;
/// Days in the forecast.
pub const FORECAST_DAYS: u32 = 30;
/// Retention periods, in study days ending today.
pub const RETENTION_PERIODS: [u32; 3] = [7, 30, 365];
/// How many of the hardest cards are listed.
pub const HARDEST: usize = 10;
/// At most this many leeches are listed (all are counted).
pub const LEECHES_LISTED: usize = 100;
/// Longest period `--days` accepts.
pub const MAX_DAYS: u32 = 36_500;

/// The deck (all if none) and the number of days of the period that
/// `stats`, `report` and `export stats` show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub deck: Option<String>,
    pub days: u32,
}

/// Everything `iskra stats` computes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub format_version: u32,
    pub now: DateTime<Utc>,
    /// Today's study day.
    pub study_day: NaiveDate,
    pub day_start_hour: u32,
    /// The deck's name, or none for the whole collection.
    pub deck: Option<String>,
    /// The period (`--days`) of `reviews` and `buttons`.
    pub days: u32,
    pub today: Today,
    pub streak: Streak,
    pub cards: CardCounts,
    /// True retention over the last 7, 30 and 365 study days.
    pub retention: Vec<RetentionPeriod>,
    /// One entry per study day of the period, oldest first, ending today.
    pub reviews: Vec<DayStats>,
    /// Answers per study day over the last 365 days, oldest first.
    pub heatmap: Vec<DayCount>,
    /// Cards due per study day from today on (today includes overdue cards).
    pub forecast: Vec<DayCount>,
    pub distributions: Distributions,
    /// Grades given over the period.
    pub buttons: Buttons,
    pub leeches: Leeches,
    /// The studied cards with the highest difficulty.
    pub hardest: Vec<CardBrief>,
}

/// Today's study.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Today {
    /// Distinct cards answered.
    pub cards: u32,
    pub answers: u32,
    pub time_ms: i64,
    /// Answers graded Again.
    pub again: u32,
    /// `again / answers`; none without answers.
    pub again_rate: Option<f64>,
}

/// Runs of consecutive study days with at least one answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Streak {
    /// Ending today, or yesterday when nothing was answered yet today.
    pub current: u32,
    pub longest: u32,
}

/// Live cards by state; each card counted once (suspended and buried first).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CardCounts {
    pub new: u32,
    pub learning: u32,
    pub relearning: u32,
    /// Review cards with an interval under 21 days.
    pub young: u32,
    /// Review cards with an interval of 21 days or more.
    pub mature: u32,
    pub suspended: u32,
    pub buried: u32,
    pub total: u32,
}

/// Passed and failed answers, and the pass rate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Tally {
    pub passed: u32,
    pub failed: u32,
    /// `passed / (passed + failed)`; none without answers.
    pub rate: Option<f64>,
}

impl Tally {
    pub fn new(passed: u32, failed: u32) -> Tally {
        Tally {
            passed,
            failed,
            rate: ratio(passed, passed + failed),
        }
    }

    pub fn total(&self) -> u32 {
        self.passed + self.failed
    }

    fn add(self, other: Tally) -> Tally {
        Tally::new(self.passed + other.passed, self.failed + other.failed)
    }
}

/// True retention over the last `days` study days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RetentionPeriod {
    pub days: u32,
    pub young: Tally,
    pub mature: Tally,
    pub all: Tally,
}

/// One study day of the period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DayStats {
    pub date: NaiveDate,
    /// Answers of any kind.
    pub reviews: u32,
    /// Cards answered for the first time ever.
    pub new: u32,
    /// Answers by kind: learning, review, relearning.
    pub learning: u32,
    pub review: u32,
    pub relearn: u32,
    /// Answers graded Again.
    pub again: u32,
    pub time_ms: i64,
    /// True retention of the day.
    pub retention: Tally,
    /// Review cards scheduled for this day: answered on it or later, or still waiting.
    pub due: u32,
}

/// A count on one study day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayCount {
    pub date: NaiveDate,
    pub count: u32,
}

/// Histograms of the live cards.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distributions {
    /// Review and relearning cards, by interval (days).
    pub intervals: Histogram,
    /// Studied cards, by stability (days).
    pub stability: Histogram,
    /// Studied cards, by difficulty (FSRS difficulty 1–10 shown as 0–100%).
    pub difficulty: Histogram,
    /// Studied cards, by the probability of recalling them now.
    pub retrievability: Histogram,
}

/// Counts in consecutive bins `[from, to)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    pub bins: Vec<Bin>,
    /// Cards counted.
    pub count: u32,
    /// Mean value over the cards counted.
    pub mean: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bin {
    pub label: String,
    pub from: f64,
    /// None for the last, open bin.
    pub to: Option<f64>,
    pub count: u32,
}

/// Grades given, by what was answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Buttons {
    /// Learning and relearning answers.
    pub learning: Grades,
    /// Review answers with an interval under 21 days before the answer.
    pub young: Grades,
    /// Review answers with an interval of 21 days or more.
    pub mature: Grades,
}

/// How often each grade was given, and its share.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Grades {
    /// Again, Hard, Good, Easy.
    pub counts: [u32; 4],
    pub total: u32,
    /// Each count's share of the total; none without answers.
    pub shares: Option<[f64; 4]>,
}

impl Grades {
    fn record(&mut self, rating: u8) {
        if let Some(count) = usize::from(rating).checked_sub(1).and_then(|i| self.counts.get_mut(i)) {
            *count += 1;
            self.total += 1;
        }
    }

    fn finish(mut self) -> Grades {
        let total = f64::from(self.total);
        self.shares = (self.total > 0).then(|| self.counts.map(|c| f64::from(c) / total));
        self
    }
}

/// Cards with many lapses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leeches {
    /// The threshold: cards with at least this many lapses.
    pub lapses: u32,
    /// How many cards are leeches.
    pub count: u32,
    /// The leeches with the most lapses (at most 100).
    pub cards: Vec<CardBrief>,
}

/// One card in a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardBrief {
    pub id: i64,
    pub deck: String,
    pub fact: String,
    pub template: String,
    pub question: String,
    pub lapses: u32,
    pub reps: u32,
    pub interval: u32,
    pub stability: Option<f64>,
    /// FSRS difficulty, 1–10.
    pub difficulty: Option<f64>,
    pub retrievability: Option<f64>,
}

fn ratio(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

/// The FSRS decay of the collection's parameters (for retrievability).
pub fn decay(store: &Store) -> Result<f32> {
    let parameters = fsrs::check_and_fill_parameters(&store.settings()?.scheduler.parameters)?;
    Ok(parameters.get(20).copied().unwrap_or(fsrs::FSRS6_DEFAULT_DECAY))
}

/// The probability of recalling a card now, from its memory state and the
/// study days since its last review (FSRS's forgetting curve).
pub fn retrievability(
    stability: Option<f64>,
    difficulty: Option<f64>,
    last_review_day: Option<DayNumber>,
    today: DayNumber,
    decay: f32,
) -> Option<f64> {
    let (stability, difficulty, last) = (stability?, difficulty?, last_review_day?);
    // Zero, negative or NaN stability has no forgetting curve.
    if stability.is_nan() || stability <= 0.0 {
        return None;
    }
    let memory = fsrs::MemoryState {
        stability: stability as f32,
        difficulty: difficulty as f32,
    };
    let elapsed = today.saturating_sub(last).max(0) as f32;
    Some(f64::from(fsrs::current_retrievability(memory, elapsed, decay)))
}

/// The deck `--deck` names (or the whole collection) as a scope.
pub fn scope(store: &Store, deck: Option<&str>) -> Result<(Scope, Option<String>)> {
    match deck {
        Some(name) => {
            let row = store.find_deck(name)?;
            Ok((Scope { deck_id: Some(row.id) }, Some(row.name)))
        }
        None => Ok((Scope::default(), None)),
    }
}

/// The instants study days `first..=last + 1` start at (UTC ms): day `i` of
/// the range is `bounds[i]..bounds[i + 1]`.
pub fn day_bounds(clock: &Clock<impl TimeZone>, first: DayNumber, last: DayNumber) -> Vec<i64> {
    (first..=last + 1)
        .map(|day| clock.day_start(day).timestamp_millis())
        .collect()
}

/// Study days of timestamps that mostly come in time order, with one
/// time-zone conversion per day instead of one per timestamp.
pub struct DayCursor<'a, Tz: TimeZone> {
    clock: &'a Clock<Tz>,
    day: DayNumber,
    start: i64,
    end: i64,
}

impl<'a, Tz: TimeZone> DayCursor<'a, Tz> {
    pub fn new(clock: &'a Clock<Tz>) -> Self {
        DayCursor {
            clock,
            day: 0,
            start: 0,
            end: 0,
        }
    }

    /// The study day of a UTC millisecond timestamp (as `Clock::day_of_ms`).
    pub fn day_of(&mut self, ms: i64) -> DayNumber {
        if ms < self.start || ms >= self.end {
            self.day = self.clock.day_of_ms(ms);
            self.start = self.clock.day_start(self.day).timestamp_millis();
            self.end = self.clock.day_start(self.day + 1).timestamp_millis();
        }
        self.day
    }
}

/// Computes every statistic for the collection or one deck.
///
/// The log and the cards are read in parallel, on three connections (the
/// log's year in two halves; the machine has two cores to spare more often
/// than not).
pub fn compute<Tz: TimeZone + Sync>(store: &Store, period: &Period, clock: &Clock<Tz>) -> Result<Stats> {
    let settings = store.settings()?;
    let (scope, deck) = scope(store, period.deck.as_deref())?;
    let today = clock.today();
    let decay = decay(store)?;
    let leech_lapses = settings.leech_lapses;
    let reader = store.stats_reader()?;
    let log_reader = store.stats_reader()?;
    let (history, cards) = std::thread::scope(|threads| {
        let cards = reader.map(|reader| {
            threads.spawn(move || cards::CardStats::compute(&reader, scope, today, decay, leech_lapses, clock))
        });
        let history = history::History::compute(store, log_reader, scope, period.days, clock);
        let cards = match cards {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|_| Err(Error::Internal("statistics: reading the cards failed".into()))),
            None => cards::CardStats::compute(store, scope, today, decay, leech_lapses, clock),
        };
        (history, cards)
    });
    let (mut history, cards) = (history?, cards?);
    history.add_waiting(cards.waiting.iter().copied());
    let brief = |detail: &CardDetail| card_brief(detail, today, decay);
    let leeches = store.stats_card_details_for(&cards.leeches)?;
    let hardest = store.stats_card_details_for(&cards.hardest)?;
    Ok(Stats {
        format_version: FORMAT_VERSION,
        now: clock.now(),
        study_day: date_of_day(today),
        day_start_hour: settings.day_start_hour,
        deck,
        days: period.days,
        today: history.today.clone(),
        streak: history.streak,
        cards: cards.counts,
        retention: history.retention(),
        reviews: history.period_days(),
        heatmap: history.heatmap(),
        forecast: cards.forecast(today),
        distributions: cards.distributions,
        buttons: history.buttons,
        leeches: Leeches {
            lapses: leech_lapses,
            count: cards.leech_count,
            cards: leeches.iter().map(brief).collect(),
        },
        hardest: hardest.iter().map(brief).collect(),
    })
}

fn card_brief(detail: &CardDetail, today: DayNumber, decay: f32) -> CardBrief {
    let c = &detail.card;
    CardBrief {
        id: c.id,
        deck: detail.deck.clone(),
        fact: detail.fact_key.clone(),
        template: detail.template.clone(),
        question: detail.question.clone(),
        lapses: u32::try_from(c.lapses).unwrap_or(0),
        reps: u32::try_from(c.reps).unwrap_or(0),
        interval: u32::try_from(c.interval).unwrap_or(0),
        stability: c.stability,
        difficulty: c.difficulty,
        retrievability: retrievability(c.stability, c.difficulty, c.last_review_day, today, decay),
    }
}

/// Pretty JSON of a serialisable value.
pub fn to_json(value: &impl Serialize) -> Result<String> {
    serde_json::to_string_pretty(value).map_err(|e| Error::Internal(format!("cannot write JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::parse_now;
    use crate::clock::tests::SpringForward;
    use crate::deck::build::{Source, build};

    #[test]
    fn day_cursor_agrees_with_the_clock_across_a_clock_change() {
        let tz = SpringForward {
            switch: parse_now("2026-03-29T01:00:00Z").unwrap(),
        };
        let clock = Clock::new(parse_now("2026-03-30T12:00:00Z").unwrap(), tz, 4);
        let mut cursor = DayCursor::new(&clock);
        let start = parse_now("2026-03-27T00:00:00Z").unwrap().timestamp_millis();
        // Every 7 minutes for four days, forwards, then a jump back.
        let times: Vec<i64> = (0..800).map(|i| start + i * 7 * 60_000).chain([start]).collect();
        for ms in times {
            assert_eq!(cursor.day_of(ms), clock.day_of_ms(ms), "at {ms}");
        }
    }

    fn store_with_a_deck() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let deck = "# D\n## a\nq: one?\na: 1\n## b\nq: two?\na: 2\n";
        let source = Source {
            label: "d.deck".into(),
            key: "d".into(),
            bytes: deck.as_bytes().to_vec(),
        };
        build(&mut store, &[source]).unwrap();
        store
    }

    #[test]
    fn an_unstudied_collection_has_empty_statistics() {
        let store = store_with_a_deck();
        let clock = Clock::new(parse_now("2026-03-10T10:00:00Z").unwrap(), Utc, 4);
        let period = Period { deck: None, days: 7 };
        let stats = compute(&store, &period, &clock).unwrap();
        assert_eq!(stats.reviews.len(), 7);
        assert_eq!(stats.heatmap.len(), 365);
        assert_eq!(stats.forecast.len(), 30);
        assert_eq!(stats.cards.new, 2);
        assert_eq!(stats.today.again_rate, None);
        assert_eq!(stats.streak, Streak::default());
        assert!(stats.retention.iter().all(|r| r.all.rate.is_none()));
        assert_eq!(stats.distributions.retrievability.mean, None);
        let unknown = Period {
            deck: Some("nope".into()),
            days: 7,
        };
        assert!(matches!(
            compute(&store, &unknown, &clock),
            Err(Error::UnknownDeck { .. })
        ));
    }

    /// Adds an answer of card `card` at `at` (RFC 3339) of `kind`.
    fn answer(store: &Store, card: i64, at: &str, kind: i64) {
        store
            .conn()
            .execute(
                "INSERT INTO review_log (uid, card_id, reviewed_at_ms, rating, duration_ms, kind, elapsed_days,
                     state_before, due_before, interval_before, state_after, due_after, interval_after)
                 VALUES (?1, ?2, ?3, 3, 1000, ?4, 0, 2, 0, 5, 2, 0, 9)",
                rusqlite::params![
                    format!("{card}-{at}"),
                    card,
                    parse_now(at).unwrap().timestamp_millis(),
                    kind
                ],
            )
            .unwrap();
    }

    #[test]
    fn streaks_reach_back_before_the_year_shown() {
        let mut store = store_with_a_deck();
        let other = Source {
            label: "e.deck".into(),
            key: "e".into(),
            bytes: b"# E\n## x\nq: x?\na: x\n".to_vec(),
        };
        build(&mut store, &[other]).unwrap();
        let card_in = |deck: &str| -> i64 {
            store
                .conn()
                .query_row(
                    "SELECT min(c.id) FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.key = ?1",
                    [deck],
                    |r| r.get(0),
                )
                .unwrap()
        };
        let (d, e) = (card_in("d"), card_in("e"));
        // Deck d: 12 days in a row, ending 400 days ago, at 23:30 and 03:30
        // (the same study days); deck e: 20 days in a row before that.
        for i in 0..12 {
            answer(&store, d, &format!("2025-01-{:02}T23:30:00Z", 10 + i), 1);
            answer(&store, d, &format!("2025-01-{:02}T03:30:00Z", 11 + i), 1);
        }
        for i in 0..20 {
            answer(&store, e, &format!("2024-12-{:02}T12:00:00Z", 1 + i), 1);
        }
        // A manual entry does not make a study day; then two days up to yesterday.
        answer(&store, d, "2024-12-25T12:00:00Z", 4);
        answer(&store, d, "2026-03-08T12:00:00Z", 1);
        answer(&store, d, "2026-03-09T12:00:00Z", 1);
        let clock = Clock::new(parse_now("2026-03-10T10:00:00Z").unwrap(), Utc, 4);
        let streak = |deck: Option<&str>| {
            let period = Period {
                deck: deck.map(String::from),
                days: 30,
            };
            compute(&store, &period, &clock).unwrap().streak
        };
        assert_eq!(
            streak(Some("d")),
            Streak {
                current: 2,
                longest: 12
            }
        );
        assert_eq!(
            streak(Some("e")),
            Streak {
                current: 0,
                longest: 20
            }
        );
        // Together: Dec 1–20, then Jan 10–21 (the 03:30 answers belong to the day before).
        assert_eq!(
            streak(None),
            Streak {
                current: 2,
                longest: 20
            }
        );
    }

    #[test]
    fn retrievability_follows_the_forgetting_curve() {
        let decay = fsrs::FSRS6_DEFAULT_DECAY;
        // By definition 90% after `stability` days, 100% right after a review.
        let at_s = retrievability(Some(10.0), Some(5.0), Some(0), 10, decay).unwrap();
        assert!((at_s - 0.9).abs() < 1e-5, "{at_s}");
        assert_eq!(retrievability(Some(10.0), Some(5.0), Some(3), 3, decay), Some(1.0));
        assert_eq!(retrievability(None, Some(5.0), Some(0), 3, decay), None);
        assert_eq!(retrievability(Some(0.0), Some(5.0), Some(0), 3, decay), None);
    }
}
