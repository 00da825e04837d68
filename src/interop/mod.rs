//! Decks in and out of other programs' formats (Anki's): the codecs that
//! read and write Anki's files ([`anki`]), and the mapping between Anki's
//! notes, cards and review log and iskra's facts, cards and log, one module
//! each way: [`to_iskra`] (what `iskra import` stores) and [`from_iskra`]
//! (what `iskra export deck` writes, including iskra's own deck files). The
//! identities that cross both ways (guids and keys) are in [`keys`].
//!
//! A domain module: it reads and writes through the store and returns
//! values; it parses no arguments and prints nothing.

pub mod anki;
pub mod from_iskra;
pub mod keys;
pub mod to_iskra;
