//! Leeches, as Anki finds them: a card becomes a leech when a lapse brings
//! its lapses to the threshold (`leech-lapses`, 8 by default), and again at
//! every half of the threshold (rounded up) after that. Pure: the answer
//! transaction marks the card and, with `leech-action suspend`, suspends it.

/// Whether a card with `lapses` lapses is at a leech threshold (0: leeches off).
pub fn threshold_met(lapses: u32, threshold: u32) -> bool {
    if threshold == 0 {
        return false;
    }
    let half = threshold.div_ceil(2).max(1);
    lapses >= threshold && (lapses - threshold).is_multiple_of(half)
}

/// Whether a card with `lapses` lapses counts as a leech in the statistics:
/// it has reached the threshold (0: leeches off).
pub fn is_leech(lapses: i64, threshold: u32) -> bool {
    threshold > 0 && lapses >= i64::from(threshold)
}

/// Whether an answer that took a card's lapses from `before` to `after`
/// made it a leech (again).
pub fn became_leech(before: u32, after: u32, threshold: u32) -> bool {
    after > before && threshold_met(after, threshold)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lapses at which Anki 26.9.3 suspended a card it lapsed 30 times
    /// (leech action "suspend", unsuspended after each).
    #[test]
    fn leeches_are_found_where_anki_finds_them() {
        let at = |threshold| (1..=30).filter(|&l| threshold_met(l, threshold)).collect::<Vec<u32>>();
        assert_eq!(at(8), [8, 12, 16, 20, 24, 28]);
        assert_eq!(at(5), [5, 8, 11, 14, 17, 20, 23, 26, 29]);
        assert_eq!(at(3), [3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29]);
        assert_eq!(at(1), (1..=30).collect::<Vec<_>>());
        assert!(at(0).is_empty());
        assert!(became_leech(7, 8, 8));
        assert!(is_leech(8, 8) && is_leech(9, 8) && !is_leech(7, 8));
        assert!(!is_leech(30, 0), "0 turns leeches off");
        assert!(!became_leech(8, 8, 8), "an answer that is no lapse");
        assert!(!became_leech(8, 9, 8));
    }
}
