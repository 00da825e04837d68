//! `status`: what is left today, per deck, as plain serialisable structs.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::clock::Clock;
use crate::error::Result;
use crate::store::{QueueQuery, Store};

/// One deck's line in `status`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DeckStatus {
    pub key: String,
    pub name: String,
    /// New cards available today, within the deck's limit.
    pub new: u32,
    /// Learning cards due before the study day ends.
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
    pub study_day: String,
    pub decks: Vec<DeckStatus>,
    pub next_due: Option<DateTime<Utc>>,
}

/// Computes the status of every deck, or of one.
pub fn status(store: &Store, deck: Option<&str>, clock: &Clock<impl chrono::TimeZone>) -> Result<Status> {
    let settings = store.settings()?;
    let rows = match deck {
        Some(name) => vec![store.find_deck(name)?],
        None => store.decks()?,
    };
    let today = clock.today();
    let day_start = clock.day_start(today).timestamp_millis();
    let end = clock.end_of_today().timestamp_millis();
    let studied_by_deck = store.studied_today_by_deck(day_start)?;
    let mut decks = Vec::with_capacity(rows.len());
    for row in rows {
        let studied = studied_by_deck.get(&row.id).copied().unwrap_or_default();
        let new_left = row
            .new_per_day
            .unwrap_or(settings.new_per_day)
            .saturating_sub(studied.new);
        let reviews_left = row
            .reviews_per_day
            .unwrap_or(settings.reviews_per_day)
            .saturating_sub(studied.reviews);
        let query = QueueQuery {
            now_ms: clock.now_ms(),
            end_of_day_ms: end,
            today,
            new_left,
            reviews_left,
        };
        let c = store.deck_counts(row.id, &query)?;
        let learning_at = c.next_learning_ms.and_then(DateTime::from_timestamp_millis);
        let review_at = c
            .next_review_day
            .map(|d| if d <= today { clock.now() } else { clock.day_start(d) });
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
    Ok(Status {
        now: clock.now(),
        study_day: crate::clock::date_of_day(today).to_string(),
        decks,
        next_due,
    })
}
