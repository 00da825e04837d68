//! Card ids every device agrees on. The fuzz of a card's intervals is seeded
//! by its id and review count (as Anki seeds it), so two collections that
//! study the same card must give it the same id, whichever built it first.
//! A card built from a deck file gets an id derived from its identity — its
//! deck's key, its fact's id and its template — which no device chooses:
//! 52 bits of a stable hash (xxHash64) above 2^52, so ids stay exact in
//! JSON and JavaScript numbers and never meet Anki's ids (millisecond
//! timestamps, far below 2^52) nor the small sequential ids of old
//! collections. Two identities whose hashes collide (about one chance in
//! 10^4 among a million cards) are told apart by `attempt`: the card that
//! finds its id taken takes the next attempt's.

use std::hash::Hasher;

/// The smallest derived card id (2^52).
pub const DERIVED_MIN: i64 = 1 << 52;

/// The largest derived card id (2^53 - 1, the largest integer a double holds exactly).
pub const DERIVED_MAX: i64 = (1 << 53) - 1;

/// The id derived from a card's identity, for its `attempt`-th try (0 first).
pub fn card_id(deck_key: &str, fact_key: &str, template: &str, attempt: u32) -> i64 {
    let mut hash = twox_hash::XxHash64::with_seed(0);
    for part in [deck_key, fact_key, template] {
        hash.write(part.as_bytes());
        hash.write(&[0x1f]); // a separator no key holds
    }
    hash.write(&attempt.to_le_bytes());
    DERIVED_MIN + (hash.finish() >> 12) as i64
}

/// Tries of [`card_id`] a card makes before giving up (each taken one is a
/// collision of 52-bit hashes).
pub const ATTEMPTS: u32 = 16;

/// The ids derived from a card's identity, attempt after attempt (each
/// derived when it is tried).
pub fn card_ids<'a>(deck_key: &'a str, fact_key: &'a str, template: &'a str) -> impl Iterator<Item = i64> + 'a {
    (0..ATTEMPTS).map(move |attempt| card_id(deck_key, fact_key, template, attempt))
}

/// Whether `id` lies in the range of derived ids.
pub fn is_derived(id: i64) -> bool {
    (DERIVED_MIN..=DERIVED_MAX).contains(&id)
}

/// A new globally unique id for a log row or a sync event made at `at_ms`:
/// 32 hex digits, the time (48 bits of milliseconds) first, then 80 random
/// bits. Time first, so the rows a day adds sit together in the indexes
/// keyed by uid (the review log's, the sync events') instead of each on its
/// own page among a million: a sync that reads a day's answers writes a few
/// pages of each index, not one per answer. Uids are compared for equality
/// only; their order means nothing to a merge.
pub fn uid(at_ms: i64) -> String {
    let time = (at_ms.max(0) as u64) & 0xffff_ffff_ffff;
    format!("{time:012x}{:020x}", rand::random::<u128>() >> 48)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_in_range_and_differ_by_every_part() {
        // Pinned: every device and every later iskra must derive the same id.
        assert_eq!(
            card_id("people", "lenin-trotsky-hard-work", "basic", 0),
            5_458_370_206_361_577
        );
        let id = card_id("people", "kropotkin", "basic", 0);
        assert!(is_derived(id), "{id}");
        let others = [
            card_id("people", "kropotkin", "reverse", 0),
            card_id("people", "kropotkin", "basic", 1),
            card_id("peoplek", "ropotkin", "basic", 0),
            card_id("people2", "kropotkin", "basic", 0),
        ];
        for other in others {
            assert_ne!(other, id);
            assert!(is_derived(other));
        }
        assert!(!is_derived(1_650_000_000_000) && !is_derived(42));
        let ids: std::collections::HashSet<i64> = (0..20_000)
            .map(|n| card_id("d", &format!("f{n}"), "basic", 0))
            .collect();
        assert_eq!(ids.len(), 20_000);
    }

    #[test]
    fn uids_are_32_hex_digits_time_first_and_differ() {
        let (a, b) = (uid(1_790_000_000_000), uid(1_790_000_000_000));
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b, "80 random bits after the time");
        assert_eq!(&a[..12], &b[..12]);
        assert!(uid(1_790_000_000_000) < uid(1_790_000_000_001), "later sorts after");
        assert_eq!(&uid(-5)[..12], "000000000000");
    }
}
