//! Sessions: the state machines a learner goes through, one card or
//! question at a time. Each takes the learner's inputs with the time they
//! happened and returns what to show; none touches the terminal (`ui` draws
//! them and reads keys or protocol lines).
//!
//! [`review`] is `iskra review` (flashcards graded by the learner),
//! [`quiz`] is `iskra quiz` (questions checked by iskra), [`quiz_review`] is
//! `iskra review --mode` (the due cards asked in quiz form and graded
//! automatically); [`limits`] says how many new cards and reviews are left
//! today, for all of them and for `status`.

pub mod limits;
pub mod quiz;
pub mod quiz_review;
pub mod review;
