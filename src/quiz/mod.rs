//! Quizzes' pure parts: questions checked by iskra instead of graded by the
//! learner.
//!
//! [`matcher`] judges typed answers leniently ([`normalize`] folds them);
//! [`distractors`] picks wrong options; [`question`] asks one card in quiz
//! form; [`grade`] turns a checked answer into an FSRS grade. The sessions
//! that use them (`iskra quiz`, `iskra review --mode`) are in
//! `session::quiz` and `session::quiz_review`; none of it touches the
//! terminal.

pub mod distractors;
pub mod grade;
pub mod kind;
pub mod matcher;
pub mod normalize;
pub mod question;

pub use grade::Thresholds;
pub use question::{Mode, Outcome, Prompt, Question, Response};
