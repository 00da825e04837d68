//! What a card is made of, as the collection stores it: its text, its
//! schedule, and the answers given to it. Plain data: `deck` makes the text,
//! `sched` computes schedules, `store` persists both (and is why they live
//! on the ground floor: the store imports nothing above it). `sched` and
//! `deck` re-export these types.

use fsrs::MemoryState;
use serde::{Deserialize, Serialize};

use crate::clock::DayNumber;

/// The text of one card, as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardText {
    pub template: String,
    pub front: String,
    pub back: String,
    /// The short expected answer (for quizzes and typed answers).
    pub answer: String,
}

/// The answer buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rating {
    Again = 1,
    Hard = 2,
    Good = 3,
    Easy = 4,
}

impl Rating {
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    pub fn from_number(n: u8) -> Option<Rating> {
        Rating::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn name(self) -> &'static str {
        match self {
            Rating::Again => "Again",
            Rating::Hard => "Hard",
            Rating::Good => "Good",
            Rating::Easy => "Easy",
        }
    }
}

/// Where a card is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CardState {
    New = 0,
    Learning = 1,
    Review = 2,
    Relearning = 3,
}

impl CardState {
    pub fn from_i64(n: i64) -> CardState {
        match n {
            1 => CardState::Learning,
            2 => CardState::Review,
            3 => CardState::Relearning,
            _ => CardState::New,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CardState::New => "new",
            CardState::Learning => "learning",
            CardState::Review => "review",
            CardState::Relearning => "relearning",
        }
    }
}

/// The kind of a review-log entry (numbered as Anki's revlog types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewKind {
    Learning = 0,
    Review = 1,
    Relearning = 2,
    Manual = 4,
}

impl ReviewKind {
    pub fn from_i64(n: i64) -> ReviewKind {
        match n {
            0 => ReviewKind::Learning,
            2 => ReviewKind::Relearning,
            4 => ReviewKind::Manual,
            _ => ReviewKind::Review,
        }
    }
}

/// When a card is next due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// A new card, by its position in the new-card order.
    New(i64),
    /// A learning or relearning step, as a UTC timestamp in milliseconds.
    At(i64),
    /// A review, on a study day.
    Day(DayNumber),
}

/// The scheduling part of a card.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub state: CardState,
    /// Learning or relearning steps still to go (as Anki's `remaining_steps`).
    pub remaining_steps: u32,
    pub memory: Option<MemoryState>,
    /// The review interval in days (for a relearning card, the interval it
    /// returns to when it graduates).
    pub interval: u32,
    pub due: Due,
    pub last_review_day: Option<DayNumber>,
    pub reps: u32,
    pub lapses: u32,
}

impl Schedule {
    pub fn new_card(position: i64) -> Self {
        Schedule {
            state: CardState::New,
            remaining_steps: 0,
            memory: None,
            interval: 0,
            due: Due::New(position),
            last_review_day: None,
            reps: 0,
            lapses: 0,
        }
    }
}
