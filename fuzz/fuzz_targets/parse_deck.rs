//! Fuzzes the deck parser with arbitrary bytes: it must never panic or hang,
//! and a deck it accepts must yield cards and survive a write/parse round trip.

#![no_main]

use iskra::deck::{parse_deck, write::write_deck};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(deck) = parse_deck("fuzz.deck", "fuzz", bytes) else {
        return;
    };
    for fact in &deck.facts {
        let cards = fact.cards();
        assert!(!cards.is_empty(), "fact {} yields no card", fact.id);
    }
    let written = write_deck(&deck);
    let again = parse_deck("fuzz.deck", "fuzz", written.as_bytes())
        .unwrap_or_else(|e| panic!("the writer's output does not parse: {e:?}\n{written}"));
    assert_eq!(again, deck, "round trip changed the deck:\n{written}");
});
