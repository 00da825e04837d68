//! Daily limits: the one place that says how many new cards and reviews are
//! left today, for the collection and for each deck. `review`, `review
//! --mode`, `status` and the end-of-session summary all take their numbers
//! from here, and `simulate` takes each deck's own limit ([`deck_limits`]).
//!
//! The rule (Anki's v3 rule, with the collection as the one parent of every
//! deck): a deck gives at most what is left of its own limit (its deck file's
//! `new-per-day:` / `reviews-per-day:`, else the collection's setting) and
//! never more than is left of the collection's limit. A session over all
//! decks, or over one deck with `--deck`, obeys both; cards studied in any
//! deck today count against the collection's limit. Cards in day-long
//! learning steps count against the review limit, as in Anki.
//!
//! The review limit also holds new cards back (Anki's default: "New cards
//! ignore review limit" off): new cards studied today count against it, a
//! deck gives no more new cards than its reviews left, and none of those
//! that today's due reviews will take ([`DailyLimits::cap_totals`],
//! `Store::queue_counts`). With a backlog of reviews over the limit, no new
//! cards are shown.

use std::collections::HashMap;

use crate::clock::{Clock, DayNumber};
use crate::error::Result;
use crate::sched::{CardState, Due, Schedule};
use crate::store::{BuryRules, DeckRow, QueueQuery, Settings, Store, WaitingCounts};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Used {
    limit: u32,
    studied: u32,
}

impl Used {
    fn left(self) -> u32 {
        self.limit.saturating_sub(self.studied)
    }
    fn add(&mut self, sign: i32) {
        self.studied = self.studied.saturating_add_signed(sign);
    }
}

/// A deck's own daily limits (new cards, reviews): its deck file's
/// `new-per-day:` / `reviews-per-day:` (or its Anki preset's), else the
/// collection's setting ([`Settings::deck_options`]).
pub fn deck_limits(settings: &Settings, deck: &DeckRow) -> (u32, u32) {
    let options = settings.deck_options(deck);
    (options.new_per_day, options.reviews_per_day)
}

/// Today's limits and what has been studied against them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyLimits {
    new: Used,
    reviews: Used,
    decks: HashMap<i64, (Used, Used)>,
    /// Each deck's bury rules (which siblings its counts leave out).
    bury: HashMap<i64, BuryRules>,
    /// Learning cards due within this many ms are counted (learn-ahead).
    learn_ahead_ms: i64,
}

impl DailyLimits {
    /// Reads today's studied counts (one scan of today's log) for `decks`.
    pub fn load(
        store: &Store,
        settings: &Settings,
        decks: &[DeckRow],
        clock: &Clock<impl chrono::TimeZone>,
    ) -> Result<DailyLimits> {
        let day_start = clock.day_start(clock.today()).timestamp_millis();
        let studied = store.studied_today_by_deck(day_start)?;
        let total_new: u32 = studied.values().map(|s| s.new).sum();
        let total_reviews: u32 = studied.values().map(|s| s.reviews).sum();
        let mut bury = HashMap::new();
        let decks = decks
            .iter()
            .map(|row| {
                let s = studied.get(&row.id).copied().unwrap_or_default();
                let options = settings.deck_options(row);
                bury.insert(row.id, options.bury);
                let new = Used {
                    limit: options.new_per_day,
                    studied: s.new,
                };
                let reviews = Used {
                    limit: options.reviews_per_day,
                    studied: s.reviews + s.new,
                };
                (row.id, (new, reviews))
            })
            .collect();
        Ok(DailyLimits {
            new: Used {
                limit: settings.new_per_day,
                studied: total_new,
            },
            reviews: Used {
                limit: settings.reviews_per_day,
                studied: total_reviews + total_new,
            },
            decks,
            bury,
            learn_ahead_ms: i64::from(settings.learn_ahead_mins) * 60_000,
        })
    }

    /// New cards the deck may still introduce today: within its own and the
    /// collection's new-card limit, and within the reviews it has left
    /// (before today's due reviews take their share: `cap_totals`).
    pub fn new_left(&self, deck_id: i64) -> u32 {
        let deck = self.decks.get(&deck_id).map_or(0, |(n, _)| n.left());
        deck.min(self.new.left()).min(self.reviews_left(deck_id))
    }

    /// Reviews the deck may still give today.
    pub fn reviews_left(&self, deck_id: i64) -> u32 {
        let deck = self.decks.get(&deck_id).map_or(0, |(_, r)| r.left());
        deck.min(self.reviews.left())
    }

    /// New cards left today for the whole collection (within the reviews
    /// it has left).
    pub fn collection_new_left(&self) -> u32 {
        self.new.left().min(self.reviews.left())
    }

    /// Reviews left today for the whole collection.
    pub fn collection_reviews_left(&self) -> u32 {
        self.reviews.left()
    }

    /// Counts an answer (+1) or its undo (-1) to a card that had schedule
    /// `before`: a new card against the new-card limit and the review limit,
    /// a review or a card in a day-long step against the review limit.
    pub fn count(&mut self, deck_id: i64, before: &Schedule, sign: i32) {
        let Some((new, reviews)) = self.decks.get_mut(&deck_id) else {
            return;
        };
        match (before.state, before.due) {
            (CardState::New, _) => {
                new.add(sign);
                self.new.add(sign);
                reviews.add(sign);
                self.reviews.add(sign);
            }
            (CardState::Review, _) | (CardState::Learning | CardState::Relearning, Due::Day(_)) => {
                reviews.add(sign);
                self.reviews.add(sign);
            }
            (CardState::Learning | CardState::Relearning, _) => {}
        }
    }

    /// The queue query for one deck at the clock's time.
    pub fn query(&self, deck_id: i64, clock: &Clock<impl chrono::TimeZone>) -> QueueQuery {
        QueueQuery {
            now_ms: clock.now_ms(),
            learn_ahead_until_ms: clock.now_ms() + self.learn_ahead_ms,
            end_of_day_ms: clock.end_of_today().timestamp_millis(),
            today: clock.today(),
            new_left: self.new_left(deck_id),
            reviews_left: self.reviews_left(deck_id),
            bury: self.bury.get(&deck_id).copied().unwrap_or_default(),
        }
    }

    /// Whether the deck's review limit (or the collection's) holds back a
    /// review (or card in a day-long step) due on `day` for a later study
    /// day: it is due today and the deck may give no more reviews today.
    pub fn holds_back(&self, deck_id: i64, day: DayNumber, clock: &Clock<impl chrono::TimeZone>) -> bool {
        day <= clock.today() && self.reviews_left(deck_id) == 0
    }

    /// When a review (or card in a day-long step) of the deck due on `day`
    /// comes: now if it is due today and within today's limits, at the
    /// start of the next study day if the limits hold it back, else at the
    /// start of its day.
    pub fn review_due_at(
        &self,
        deck_id: i64,
        day: DayNumber,
        clock: &Clock<impl chrono::TimeZone>,
    ) -> chrono::DateTime<chrono::Utc> {
        let today = clock.today();
        if self.holds_back(deck_id, day, clock) {
            clock.day_start(today + 1)
        } else if day <= today {
            clock.now()
        } else {
            clock.day_start(day)
        }
    }

    /// Caps per-deck counts summed over decks at the collection's limits:
    /// what a session over these decks can really give today (cards in
    /// day-long steps take the review limit first, then reviews, and new
    /// cards what they leave).
    pub fn cap_totals(&self, counts: WaitingCounts) -> WaitingCounts {
        let reviews_left = self.reviews.left();
        let day_learning = counts.day_learning.min(reviews_left);
        let review = counts.review.min(reviews_left - day_learning);
        WaitingCounts {
            new: counts
                .new
                .min(self.new.left())
                .min(reviews_left - day_learning - review),
            intraday: counts.intraday,
            day_learning,
            review,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(global_new: u32, deck_new: u32, studied_elsewhere: u32) -> DailyLimits {
        DailyLimits {
            new: Used {
                limit: global_new,
                studied: studied_elsewhere,
            },
            reviews: Used { limit: 200, studied: 0 },
            decks: HashMap::from([
                (
                    1,
                    (
                        Used {
                            limit: deck_new,
                            studied: 0,
                        },
                        Used { limit: 200, studied: 0 },
                    ),
                ),
                (
                    2,
                    (
                        Used {
                            limit: deck_new,
                            studied: studied_elsewhere,
                        },
                        Used { limit: 200, studied: 0 },
                    ),
                ),
            ]),
            bury: HashMap::new(),
            learn_ahead_ms: 0,
        }
    }

    #[test]
    fn a_deck_gives_the_smaller_of_its_own_and_the_collections_remainder() {
        let l = limits(20, 15, 0);
        assert_eq!(l.new_left(1), 15);
        let l = limits(20, 15, 10);
        assert_eq!(l.new_left(1), 10, "10 studied in deck 2 count against the collection");
        assert_eq!(l.new_left(2), 5);
        assert_eq!(l.new_left(99), 0, "a deck outside the session gives nothing");
        let capped = l.cap_totals(WaitingCounts {
            new: 25,
            intraday: 7,
            day_learning: 30,
            review: 100,
        });
        assert_eq!(
            capped,
            WaitingCounts {
                new: 10,
                intraday: 7,
                day_learning: 30,
                review: 100
            }
        );
        let capped = l.cap_totals(WaitingCounts {
            new: 25,
            intraday: 7,
            day_learning: 30,
            review: 300,
        });
        assert_eq!(
            capped,
            WaitingCounts {
                new: 0,
                intraday: 7,
                day_learning: 30,
                review: 170
            },
            "day-long steps take the review limit first, reviews the rest"
        );
    }

    #[test]
    fn answers_and_undos_count_against_both_limits() {
        let mut l = limits(20, 20, 0);
        let new = Schedule::new_card(1);
        for _ in 0..20 {
            l.count(1, &new, 1);
        }
        assert_eq!((l.new_left(1), l.new_left(2), l.collection_new_left()), (0, 0, 0));
        l.count(1, &new, -1);
        assert_eq!((l.new_left(1), l.new_left(2)), (1, 1));
        let learning = Schedule {
            state: CardState::Learning,
            due: Due::At(1_771_000_000_000),
            ..Schedule::new_card(1)
        };
        assert_eq!(l.reviews_left(1), 181, "new cards count against the review limit too");
        l.count(1, &learning, 1);
        assert_eq!(
            (l.new_left(1), l.reviews_left(1)),
            (1, 181),
            "learning answers count against no limit"
        );
        let day_learning = Schedule {
            due: Due::Day(20_500),
            ..learning
        };
        l.count(1, &day_learning, 1);
        assert_eq!(l.reviews_left(1), 180, "a day-long step counts as a review, as in Anki");
    }

    #[test]
    fn the_review_limit_holds_new_cards_back() {
        let mut l = limits(20, 20, 0);
        for (_, reviews) in l.decks.values_mut() {
            reviews.limit = 10;
        }
        l.reviews.limit = 10;
        assert_eq!(l.new_left(1), 10, "no more new cards than reviews left");
        let capped = |l: &DailyLimits, review| {
            l.cap_totals(WaitingCounts {
                new: 20,
                intraday: 0,
                day_learning: 2,
                review,
            })
        };
        assert_eq!(capped(&l, 5).new, 3, "what the due cards leave of the review limit");
        assert_eq!(capped(&l, 8).new, 0);
        assert_eq!(
            (capped(&l, 30).review, capped(&l, 30).new),
            (8, 0),
            "a backlog: no new cards"
        );
        let review = Schedule {
            state: CardState::Review,
            due: Due::Day(20_500),
            ..Schedule::new_card(1)
        };
        for _ in 0..10 {
            l.count(1, &review, 1);
        }
        assert_eq!((l.new_left(1), l.collection_new_left()), (0, 0));
    }
}
