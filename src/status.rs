//! `status`: what is left today, per deck, as plain serialisable structs.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::clock::Clock;
use crate::error::Result;
use crate::store::{Store, WaitingCounts};

/// One deck's line in `status`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DeckStatus {
    pub key: String,
    pub name: String,
    /// New cards available today, within the deck's limit.
    pub new: u32,
    /// Learning cards due before the study day ends (and cards in day-long
    /// steps due today).
    pub learning: u32,
    /// Reviews and learning cards due now.
    pub due_now: u32,
    /// Reviews and learning cards due before the study day ends.
    pub due_today: u32,
    pub total: u32,
    pub suspended: u32,
    pub next_due: Option<DateTime<Utc>>,
}

/// The whole `status` report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Status {
    pub now: DateTime<Utc>,
    /// Learning cards due by then are shown early by `review` when nothing
    /// else is left (`learn-ahead-mins`, within the study day).
    pub learn_ahead_until: DateTime<Utc>,
    /// When the first learning card (within a day) is due.
    pub next_learning: Option<DateTime<Utc>>,
    pub study_day: String,
    pub decks: Vec<DeckStatus>,
    pub next_due: Option<DateTime<Utc>>,
    /// New cards a review over these decks gives today: the decks' counts
    /// capped by the collection's `new-per-day`.
    pub new_today: u32,
    /// Reviews due now that a review over these decks gives today, capped by
    /// the collection's `reviews-per-day` (with the cards in day-long steps
    /// due today, which count against it), and learning cards due now.
    pub due_now: u32,
    /// Unseen cards today's limits hold back for a later study day.
    pub new_waiting: u32,
    /// Whether reviews (or cards in day-long steps) due today are held back
    /// by today's review limit for a later study day.
    pub reviews_held: bool,
    /// When the next study day starts (when held-back new cards come).
    pub next_day: DateTime<Utc>,
}

/// Computes the status of every deck, or of one.
pub fn status(store: &Store, deck: Option<&str>, clock: &Clock<impl chrono::TimeZone>) -> Result<Status> {
    let settings = store.settings()?;
    let rows = match deck {
        Some(name) => vec![store.find_deck(name)?],
        None => store.decks()?,
    };
    let today = clock.today();
    // Limits over every deck: what other decks studied counts against the collection's limit.
    let limits = crate::session::limits::DailyLimits::load(store, &settings, &store.decks()?, clock)?;
    let mut decks = Vec::with_capacity(rows.len());
    let mut waiting = WaitingCounts::default();
    let mut unseen = 0;
    let mut reviews_held = false;
    let mut next_learning: Option<DateTime<Utc>> = None;
    for row in rows {
        let query = limits.query(row.id, clock);
        let c = store.deck_counts(row.id, &query)?;
        // Every unseen card, siblings too: they all wait for a day of their own.
        unseen += store.unseen(row.id)?;
        waiting.new += c.new;
        waiting.review += c.due_now;
        waiting.day_learning += c.day_learning;
        waiting.intraday += c.learning_now - c.day_learning;
        let learning_at = c.next_learning_ms.and_then(DateTime::from_timestamp_millis);
        next_learning = next_learning.into_iter().chain(learning_at).min();
        reviews_held |= c.next_review_day.is_some_and(|d| limits.holds_back(row.id, d, clock));
        let review_at = c.next_review_day.map(|d| limits.review_due_at(row.id, d, clock));
        let next_due = [learning_at, review_at].into_iter().flatten().min();
        decks.push(DeckStatus {
            key: row.key,
            name: row.name,
            new: c.new,
            learning: c.learning,
            due_now: c.due_now + c.learning_now,
            due_today: c.due_now + c.learning,
            total: c.total,
            suspended: c.suspended,
            next_due,
        });
    }
    let next_due = decks.iter().filter_map(|d| d.next_due).min();
    let capped = limits.cap_totals(waiting);
    Ok(Status {
        new_waiting: unseen.saturating_sub(capped.new),
        reviews_held,
        next_day: clock.day_start(today + 1),
        new_today: capped.new,
        due_now: capped.review + capped.learning(),
        now: clock.now(),
        learn_ahead_until: (clock.now() + chrono::Duration::minutes(i64::from(settings.learn_ahead_mins)))
            .min(clock.end_of_today() - chrono::Duration::milliseconds(1)),
        next_learning,
        study_day: crate::clock::date_of_day(today).to_string(),
        decks,
        next_due,
    })
}
