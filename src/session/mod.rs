//! Sessions: the state machines a learner goes through, one card or
//! question at a time. Each takes the learner's actions with the time they
//! happened and returns what to show; none touches the terminal.
//!
//! [`review`] is `iskra review` (flashcards graded by the learner),
//! [`quiz`] is `iskra quiz` (questions checked by iskra), [`quiz_review`] is
//! `iskra review --mode` (the due cards asked in quiz form and graded
//! automatically); [`limits`] says how many new cards and reviews are left
//! today, for all of them and for `status`; [`workload`] keeps a session's
//! load balancer (the cards due on the days ahead). Front ends (`ui`) drive every
//! kind through one trait, [`Interactive`]: they draw its [`View`]s and turn
//! keys or protocol lines into [`Action`]s.

mod interactive;
pub mod limits;
pub mod quiz;
pub mod quiz_review;
pub mod review;
pub mod view;
pub mod workload;

pub use interactive::Interactive;
pub use view::{Action, Expects, View};
