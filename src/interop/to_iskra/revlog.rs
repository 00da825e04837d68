//! An Anki package's review log by card: sorted in place (a large package
//! has millions of rows, not copied into a map of lists), each card's
//! answers one run of it, taken once.

use std::collections::HashMap;
use std::ops::Range;

use super::convert::{Notice, Notices};
use crate::interop::anki::{Card, Revlog};

/// Where each card's answers are in the log sorted by card (and time).
pub(super) struct Runs(HashMap<i64, Range<usize>>);

impl Runs {
    /// Sorts the log by card, each card's answers in time order, and finds
    /// each card's run.
    pub(super) fn sort(revlog: &mut [Revlog]) -> Runs {
        revlog.sort_unstable_by_key(|r| (r.card_id, r.id));
        let sorted = &*revlog;
        let mut runs = HashMap::new();
        let mut start = 0;
        for (i, pair) in sorted.windows(2).enumerate() {
            if pair[0].card_id != pair[1].card_id {
                runs.insert(pair[0].card_id, start..i + 1);
                start = i + 1;
            }
        }
        if let Some(last) = sorted.last() {
            runs.insert(last.card_id, start..sorted.len());
        }
        Runs(runs)
    }

    /// The answers of card `card_id`, once (then it has none).
    pub(super) fn take<'r>(&mut self, sorted: &'r [Revlog], card_id: i64) -> &'r [Revlog] {
        self.0.remove(&card_id).map_or(&[], |run| &sorted[run])
    }

    /// How many answers no card has taken.
    pub(super) fn left(&self) -> usize {
        self.0.values().map(Range::len).sum()
    }
}

/// Counts the reviews of cards that were not imported, once: they are taken
/// out of `runs`, so they are not counted again as reviews of no card.
pub(super) fn skip_reviews(cards: &[&Card], runs: &mut Runs, notices: &mut Notices) {
    let n: usize = cards.iter().map(|c| runs.0.remove(&c.id).map_or(0, |r| r.len())).sum();
    notices.add_n(Notice::SkippedReview("their note or card was not imported".into()), n);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(card_id: i64, id: i64) -> Revlog {
        Revlog {
            id,
            card_id,
            ..Revlog::default()
        }
    }

    #[test]
    fn each_cards_answers_are_one_run_in_time_order_taken_once() {
        let mut log = vec![row(2, 30), row(1, 20), row(2, 10), row(3, 40), row(1, 5)];
        let mut runs = Runs::sort(&mut log);
        let ids = |rows: &[Revlog]| rows.iter().map(|r| (r.card_id, r.id)).collect::<Vec<_>>();
        assert_eq!(ids(runs.take(&log, 2)), [(2, 10), (2, 30)]);
        assert!(runs.take(&log, 2).is_empty(), "taken once");
        assert_eq!(ids(runs.take(&log, 1)), [(1, 5), (1, 20)]);
        assert!(runs.take(&log, 9).is_empty());
        assert_eq!(runs.left(), 1, "card 3's answer");
        assert_eq!(Runs::sort(&mut []).left(), 0);
    }
}
