//! Fitting FSRS to the user's own review history (`iskra optimize`) and
//! simulating workloads for a range of desired retentions (`iskra simulate`).
//! [`items`] turns the review log into training items, [`fit`] fits and
//! judges parameters, [`simulate`] runs the crate's simulator. The commands
//! that wire them to the collection and the terminal are in
//! `cmd::optimize`.

pub mod fit;
pub mod items;
pub mod simulate;
