//! The identities that cross between Anki and iskra, both ways: an Anki
//! note's guid as a fact key (`anki-` + hex) and back, a fact key made from a
//! note's first field, a deck key from an Anki deck name, and the guid an
//! exported fact gets in Anki; and keys made unique within a deck.

use std::collections::{HashMap, HashSet};

use crate::deck::slug_words;

/// A fact key made from an Anki guid: `anki-` and the guid's bytes in hex,
/// so it is a valid deck-file id, never changes, and gives the guid back
/// when the deck is exported to Anki again. Guids longer than 32 bytes
/// (only text files have such) get a hash instead.
pub fn guid_key(guid: &str) -> String {
    if guid.len() <= 32 {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut key = String::with_capacity(5 + 2 * guid.len());
        key.push_str("anki-");
        for b in guid.bytes() {
            key.push(char::from(HEX[usize::from(b >> 4)]));
            key.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        key
    } else {
        format!("anki-h{:016x}", fnv1a(guid.as_bytes()))
    }
}

/// The uid of the log row an Anki answer becomes: its revlog id (the
/// answer's time in ms) and the Anki card's id, so importing the same
/// answer again finds it.
pub fn review_uid(revlog_id: i64, anki_card_id: i64) -> String {
    let mut uid = String::new();
    write_review_uid(&mut uid, revlog_id, anki_card_id);
    uid
}

/// [`review_uid`] into `out` (cleared first): one buffer for a million.
pub fn write_review_uid(out: &mut String, revlog_id: i64, anki_card_id: i64) {
    use std::fmt::Write;
    out.clear();
    // Writing into a String cannot fail.
    let _ = write!(out, "anki-{revlog_id}-{anki_card_id}");
}

/// The guid a `guid_key` came from, if it can be recovered.
pub fn guid_of_key(key: &str) -> Option<String> {
    let hex = key.strip_prefix("anki-")?;
    if hex.len() % 2 != 0 || hex.is_empty() {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

/// FNV-1a, 64 bits: a stable hash for ids.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A fact key suggested by a first field's words, in any script: the text
/// transliterated to ASCII (`東京` → `dong-jing`, `とうきょう` → `toukiyou`,
/// `Москва` → `moskva`), its first six words of letters and digits joined
/// by `-`; text that gives none (symbols, private-use characters) gets
/// `h-` and a hash of the text, so keys never all say `note`. The store
/// makes a key unique in its deck.
pub fn text_key(text: &str) -> String {
    let ascii = deunicode::deunicode(&without_cloze_numbers(text));
    let words: Vec<String> = slug_words(&ascii)
        .into_iter()
        .map(|w| w.chars().filter(char::is_ascii_alphanumeric).collect::<String>())
        .filter(|w| !w.is_empty())
        .take(6)
        .collect();
    let mut key = String::new();
    for word in words {
        if key.len() + word.len() + 1 > 48 {
            break;
        }
        if !key.is_empty() {
            key.push('-');
        }
        key.push_str(&word);
    }
    if key.is_empty() {
        format!("h-{:08x}", fnv1a(text.as_bytes()) as u32)
    } else {
        key
    }
}

/// A text with Anki's cloze openings (`{{c12::`) taken out, so that a key
/// made of its words does not start with `c1`.
fn without_cloze_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{{c") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with("::") {
            out.push_str("{{");
            rest = &after[digits + 2..];
        } else {
            out.push_str("{{c");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Characters kept of each `::` level of a deck name from an imported
/// file, and of the whole name; past them it is cut, marked with `…`.
pub const MAX_DECK_LEVEL_CHARS: usize = 200;
pub const MAX_DECK_NAME_CHARS: usize = 1_000;

/// A deck name from an imported file, bounded: each `::` level at most
/// [`MAX_DECK_LEVEL_CHARS`] characters, the whole at most
/// [`MAX_DECK_NAME_CHARS`], each cut marked with `…`. One pass, which stops
/// once the name is long enough.
pub fn bounded_deck_name(name: &str) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for (i, level) in name.split("::").enumerate() {
        if chars > MAX_DECK_NAME_CHARS {
            break;
        }
        if i > 0 {
            out.push_str("::");
            chars += 2;
        }
        let mut level_chars = level.chars();
        for c in level_chars.by_ref().take(MAX_DECK_LEVEL_CHARS) {
            out.push(c);
            chars += 1;
        }
        if level_chars.next().is_some() {
            out.push('…');
            chars += 1;
        }
    }
    if chars > MAX_DECK_NAME_CHARS {
        let end = out
            .char_indices()
            .nth(MAX_DECK_NAME_CHARS - 1)
            .map_or(out.len(), |(at, _)| at);
        out.truncate(end);
        out.truncate(out.trim_end_matches(':').len());
        out.push('…');
    }
    out
}

/// A deck key (the file name a deck would have) made from its name's words:
/// `Spanish::Verbs` → `spanish-verbs`.
pub fn deck_key(name: &str) -> String {
    let key = slug_words(name).join("-");
    if key.is_empty() { "anki".into() } else { key }
}

/// The Anki guid of a fact of deck `deck_key` (or of its card `template`,
/// for facts exported as one note per card): the guid it came from when it
/// was imported from Anki (its key is a [`guid_key`]), else
/// `iskra:DECK/FACT` (`iskra:DECK/FACT/TEMPLATE`).
pub fn fact_guid(deck_key: &str, fact_key: &str, template: Option<&str>) -> String {
    match (guid_of_key(fact_key), template) {
        (Some(guid), None) => guid,
        (_, None) => format!("iskra:{deck_key}/{fact_key}"),
        (_, Some(template)) => format!("iskra:{deck_key}/{fact_key}/{template}"),
    }
}

/// The deck key, fact key and (for a note that stood for one card) card
/// template of a guid [`fact_guid`] gave a fact born in iskra.
pub fn iskra_guid(guid: &str) -> Option<(String, String, Option<String>)> {
    let rest = guid.strip_prefix("iskra:")?;
    let mut parts = rest.splitn(3, '/');
    let deck = parts.next().filter(|d| !d.is_empty())?;
    let fact = parts.next().filter(|f| crate::deck::check_fact_id(f).is_ok())?;
    let template = parts.next().map(str::to_string);
    Some((deck.to_string(), fact.to_string(), template))
}

/// The fact keys in use in a deck, and for each suggested key the next
/// number to try after it: making a key unique costs the same however many
/// facts share a suggestion (thousands of rows of one script once did).
#[derive(Debug, Default)]
pub struct UniqueKeys {
    taken: HashSet<String>,
    next: HashMap<String, u64>,
}

impl UniqueKeys {
    pub fn insert(&mut self, key: String) {
        self.taken.insert(key);
    }

    /// `base`, or `base-2`, `base-3`… (the first not taken).
    pub fn unique(&mut self, base: &str) -> String {
        if !self.taken.contains(base) {
            return base.to_string();
        }
        let next = self.next.entry(base.to_string()).or_insert(2);
        loop {
            let key = format!("{base}-{next}");
            *next += 1;
            if !self.taken.contains(&key) {
                return key;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imported_deck_names_are_bounded_per_level_and_in_all() {
        assert_eq!(bounded_deck_name("Spanish::Verbs"), "Spanish::Verbs");
        // Before, kept whole: a 15 KB package named a deck with 5 MB.
        let long = format!("History::{}::Rome", "x".repeat(5_000_000));
        assert_eq!(
            bounded_deck_name(&long),
            format!("History::{}…::Rome", "x".repeat(MAX_DECK_LEVEL_CHARS))
        );
        let deep = "ab::".repeat(100_000);
        let bounded = bounded_deck_name(&deep);
        assert!(
            (990..=MAX_DECK_NAME_CHARS).contains(&bounded.chars().count()),
            "{}",
            bounded.len()
        );
        assert!(bounded.starts_with("ab::ab::") && bounded.ends_with("ab…"), "{bounded}");
        let wide = "é".repeat(300);
        assert_eq!(bounded_deck_name(&wide), format!("{}…", "é".repeat(200)));
    }

    #[test]
    fn guid_keys_are_ids_and_give_the_guid_back() {
        let key = guid_key("A4H8eDiS*s");
        assert_eq!(key, "anki-41344838654469532a73");
        assert!(crate::deck::check_fact_id(&key).is_ok());
        assert_eq!(guid_of_key(&key).as_deref(), Some("A4H8eDiS*s"));
        assert_eq!(guid_key("é\u{1f}~"), "anki-c3a91f7e", "every byte, two hex digits");
        let long = guid_key(&"x".repeat(40));
        assert!(long.starts_with("anki-h") && crate::deck::check_fact_id(&long).is_ok());
        assert_eq!(guid_of_key("rosmer-born"), None);
    }

    #[test]
    fn iskra_guids_give_their_deck_fact_and_card_back() {
        let guid = fact_guid("people", "rosmer-born", None);
        assert_eq!(iskra_guid(&guid), Some(("people".into(), "rosmer-born".into(), None)));
        let guid = fact_guid("journey", "route", Some("after:paris>berlin"));
        assert_eq!(
            iskra_guid(&guid),
            Some(("journey".into(), "route".into(), Some("after:paris>berlin".into())))
        );
        assert_eq!(iskra_guid("iskra:/x"), None);
        assert_eq!(iskra_guid("iskra:d/Not An Id"), None);
        assert_eq!(iskra_guid("A4H8eDiS*s"), None);
    }

    #[test]
    fn text_keys_are_valid_ids() {
        assert_eq!(
            text_key("What is the capital of <France>?"),
            "what-is-the-capital-of-france"
        );
        assert_eq!(text_key("Ĉu vi parolas?"), "cu-vi-parolas");
        assert_eq!(
            text_key("{{c2::Reed}} caught {{c1::typhus::illness}}"),
            "reed-caught-typhus-illness"
        );
        assert_eq!(text_key("東京"), "dong-jing");
        assert_eq!(text_key("とうきょう"), "toukiyou");
        assert_eq!(text_key("Москва"), "moskva");
        let hashed = text_key("\u{e000}");
        assert!(hashed.starts_with("h-") && hashed.len() == 10, "{hashed}");
        assert_ne!(hashed, text_key("\u{e001}"));
        for text in ["a--b", "-x", "ÄÖÜ", "42 is it", "\u{e000}", "🙂", "日本語の勉強"] {
            assert!(crate::deck::check_fact_id(&text_key(text)).is_ok(), "{text}");
        }
        assert_eq!(deck_key("Spanish::Verbs"), "spanish-verbs");
        assert_eq!(deck_key("::"), "anki");
    }
}
