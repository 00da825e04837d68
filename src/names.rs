//! Finding the thing a user named: a deck by `--deck NAME`, a fact by its id.
//! One rule for every command: the exact key wins; else the key or the title
//! (folded: case, and spaces, `-` and `_` alike, so `hint-test` names the deck
//! titled "Hint test"); else an unambiguous prefix of either. An unknown name
//! gets the nearest key or title by edit distance, when one is near enough to
//! be a slip ([`crate::distance`]). Ground floor: pure; imports only `distance`.

use crate::distance::within;

/// The most edits a name may be off by and still be suggested: a slip, not a
/// different name. It also bounds the work of a suggestion to the names'
/// lengths times a small band, however long the name typed.
const MAX_SLIPS: usize = 4;

/// What a name typed by a user matched among candidates given as
/// `(key, title)` pairs (indexes into them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The one candidate meant.
    Found(usize),
    /// Several candidates fit equally well.
    Ambiguous(Vec<usize>),
    /// None fits; the nearest, if one is near enough to suggest.
    Unknown { nearest: Option<usize> },
}

/// Finds `typed` among `candidates` (`(key, title)`; a candidate without a
/// title passes its key twice). See the module comment for the rule.
pub fn lookup(candidates: &[(&str, &str)], typed: &str) -> Lookup {
    if let Some(exact) = candidates.iter().position(|(key, _)| *key == typed) {
        return Lookup::Found(exact);
    }
    let wanted = fold(typed);
    if wanted.is_empty() {
        return Lookup::Unknown { nearest: None };
    }
    let folded: Vec<(String, String)> = candidates.iter().map(|(k, t)| (fold(k), fold(t))).collect();
    let matching = |fits: &dyn Fn(&str) -> bool| -> Vec<usize> {
        (0..folded.len())
            .filter(|&i| fits(&folded[i].0) || fits(&folded[i].1))
            .collect()
    };
    for found in [
        matching(&|name| name == wanted),
        matching(&|name| name.starts_with(&wanted)),
    ] {
        match found.len() {
            0 => continue,
            1 => return Lookup::Found(found[0]),
            _ => return Lookup::Ambiguous(found),
        }
    }
    Lookup::Unknown {
        nearest: nearest(&folded, &wanted),
    }
}

/// The candidate whose folded key or title is nearest to `wanted`, if the
/// distance is small enough to be a slip: a third of the name's letters (at
/// least one, so "nope" is not taken for "one"; at most [`MAX_SLIPS`]).
fn nearest(folded: &[(String, String)], wanted: &str) -> Option<usize> {
    let budget = (wanted.chars().count() / 3).clamp(1, MAX_SLIPS);
    folded
        .iter()
        .enumerate()
        .filter_map(|(i, (key, title))| {
            let distance = within(key, wanted, budget)
                .into_iter()
                .chain(within(title, wanted, budget))
                .min()?;
            Some((distance, i))
        })
        .min()
        .map(|(_, i)| i)
}

/// Whether two deck keys are the same up to case, in any script
/// (`kron`/`Kron`, `слова`/`Слова`): two such files cannot live in one folder
/// on a file system that ignores case (macOS, Windows), so they may not be
/// two decks.
pub fn same_up_to_case(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// Lower case, with every run of spaces, `-` and `_` as one `-`, trimmed.
fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for c in name.trim().chars() {
        if c.is_whitespace() || c == '-' || c == '_' {
            gap = true;
            continue;
        }
        if gap && !out.is_empty() {
            out.push('-');
        }
        gap = false;
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECKS: &[(&str, &str)] = &[
        ("hx", "Hint test"),
        ("kronstadt-1921", "Kronstadt 1921"),
        ("russian", "Russian words"),
        ("rules", "Rules of the road"),
        ("Case", "Upper"),
        ("case", "lower"),
    ];

    #[test]
    fn keys_are_compared_up_to_case_in_any_script() {
        assert!(same_up_to_case("kron", "Kron"));
        assert!(same_up_to_case("слова", "Слова"));
        assert!(same_up_to_case("ΣΟΦΙΑ", "σοφια"), "Greek");
        assert!(same_up_to_case("ÉTÉ", "été"));
        assert!(!same_up_to_case("été", "ete"), "accents are letters of their own");
        assert!(!same_up_to_case("kron", "kron-1"));
    }

    #[test]
    fn key_title_and_prefix_find_one_deck() {
        assert_eq!(lookup(DECKS, "hx"), Lookup::Found(0));
        assert_eq!(lookup(DECKS, "Hint test"), Lookup::Found(0));
        assert_eq!(lookup(DECKS, "hint-test"), Lookup::Found(0), "separators fold");
        assert_eq!(lookup(DECKS, "HINT_TEST"), Lookup::Found(0));
        assert_eq!(lookup(DECKS, "hint"), Lookup::Found(0), "a title's prefix");
        assert_eq!(lookup(DECKS, "KRON"), Lookup::Found(1), "a key's prefix");
        assert_eq!(lookup(DECKS, "russ"), Lookup::Found(2));
        assert_eq!(lookup(DECKS, "rules of"), Lookup::Found(3));
    }

    #[test]
    fn the_exact_key_wins_then_equality_before_prefix() {
        assert_eq!(lookup(DECKS, "case"), Lookup::Found(5));
        assert_eq!(lookup(DECKS, "Case"), Lookup::Found(4));
        assert_eq!(lookup(DECKS, "CASE"), Lookup::Ambiguous(vec![4, 5]));
        // "russian" is a key; also a prefix of the title "Russian words".
        let decks = [("russian-words", "R"), ("russian", "S")];
        assert_eq!(lookup(&decks, "Russian"), Lookup::Found(1));
    }

    #[test]
    fn an_ambiguous_prefix_lists_every_candidate() {
        assert_eq!(lookup(DECKS, "ru"), Lookup::Ambiguous(vec![2, 3]));
        assert_eq!(lookup(DECKS, "R"), Lookup::Ambiguous(vec![2, 3]));
    }

    #[test]
    fn an_unknown_name_gets_the_nearest_only_when_near() {
        assert_eq!(lookup(DECKS, "hint-tset"), Lookup::Unknown { nearest: Some(0) });
        assert_eq!(lookup(DECKS, "kronshtadt-1921"), Lookup::Unknown { nearest: Some(1) });
        assert_eq!(lookup(DECKS, "ruls"), Lookup::Unknown { nearest: Some(3) });
        assert_eq!(lookup(DECKS, "zzzzzzzz"), Lookup::Unknown { nearest: None });
        assert_eq!(
            lookup(&[("one", "One Deck")], "nope"),
            Lookup::Unknown { nearest: None }
        );
        assert_eq!(lookup(DECKS, "  "), Lookup::Unknown { nearest: None });
        assert_eq!(lookup(&[], "x"), Lookup::Unknown { nearest: None });
    }

    #[test]
    fn long_names_are_suggested_for_a_few_slips_only() {
        let long = "the-russian-revolution-as-rosmer-saw-it-from-moscow".repeat(20);
        let decks = [(long.as_str(), long.as_str())];
        let slipped = long.replacen("rosmer", "rosmre", 1).replacen("moscow", "moscw", 1);
        assert_eq!(lookup(&decks, &slipped), Lookup::Unknown { nearest: Some(0) });
        let five = long.replacen("revolution", "rev-x-lution", 1).replacen("saw", "sw", 2);
        assert_eq!(
            lookup(&decks, &five),
            Lookup::Unknown { nearest: None },
            "five edits is another name"
        );
    }
}
