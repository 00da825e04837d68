//! Quizzes: questions checked by iskra instead of graded by the learner.
//!
//! [`matcher`] judges typed answers leniently ([`normalize`] folds them);
//! [`distractors`] picks wrong options; [`question`] asks one card in quiz
//! form; [`grade`] turns a checked answer into an FSRS grade; [`session`] is
//! `iskra quiz`, and [`review`] asks due cards in quiz form for
//! `iskra review --mode`. None of it touches the terminal: `ui::quiz` does.

pub mod distractors;
pub mod grade;
pub mod matcher;
pub mod normalize;
pub mod question;
pub mod review;
pub mod session;

pub use grade::Thresholds;
pub use question::{Mode, Outcome, Prompt, Question, Response};
pub use review::{QuizReview, ReviewInput, ReviewMode, ReviewScreen};
pub use session::{Feedback, Miss, Quiz, QuizInput, QuizOptions, QuizScreen, QuizSummary};
