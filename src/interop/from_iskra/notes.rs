//! A fact as Anki notes: which note type, which fields, which guid, and
//! which of the fact's cards each note's cards stand for.

use std::collections::HashMap;

use crate::deck::{Fact, FactBody, QaKind};
use crate::interop::anki::write::NoteKind;
use crate::interop::keys::fact_guid;
use crate::store::DeckRow;
use crate::store::deck_export::ExportCard as StoredCard;

/// One Anki note for a fact (or for one card of a sequence, a timeline or
/// a note fact).
pub(super) struct NoteDraft {
    pub(super) guid: String,
    pub(super) kind: NoteKind,
    /// Plain-text fields in the note type's order.
    pub(super) fields: Vec<String>,
    pub(super) tags: Vec<String>,
    /// The iskra cards it stands for, with their Anki ordinals.
    pub(super) cards: Vec<(i64, i64)>,
}

/// The notes of one fact, given its cards.
pub(super) fn drafts(deck: &DeckRow, fact: &Fact, cards: &[&StoredCard]) -> Vec<NoteDraft> {
    let extra = fact.extra.clone().unwrap_or_default();
    let ord_of = |template: &str| -> Option<i64> {
        match template {
            "basic" => Some(0),
            "reverse" => Some(1),
            t => t
                .strip_prefix("cloze:")
                .and_then(|n| n.parse::<i64>().ok())
                .map(|n| n - 1),
        }
    };
    let mapped = || {
        cards
            .iter()
            .filter_map(|c| ord_of(&c.template).map(|ord| (c.id, ord)))
            .collect()
    };
    match &fact.body {
        FactBody::Qa {
            question,
            answer,
            kinds,
        } => vec![NoteDraft {
            guid: fact_guid(&deck.key, &fact.id, None),
            kind: if kinds.contains(&QaKind::Reverse) {
                NoteKind::BasicReversed
            } else {
                NoteKind::Basic
            },
            fields: vec![question.clone(), answer.clone(), extra],
            tags: fact.tags.clone(),
            cards: mapped(),
        }],
        FactBody::Cloze { text } => vec![NoteDraft {
            guid: fact_guid(&deck.key, &fact.id, None),
            kind: NoteKind::Cloze,
            fields: vec![anki_cloze(text), extra],
            tags: fact.tags.clone(),
            cards: mapped(),
        }],
        // A note fact that keeps no Anki note: one note per card, as shown.
        FactBody::Sequence { .. } | FactBody::Timeline { .. } | FactBody::Note { .. } => cards
            .iter()
            .map(|card| NoteDraft {
                guid: fact_guid(&deck.key, &fact.id, Some(&card.template)),
                kind: NoteKind::Basic,
                fields: vec![card.front.clone(), card.back.clone(), extra.clone()],
                tags: fact.tags.clone(),
                cards: vec![(card.id, 0)],
            })
            .collect(),
    }
}

/// A cloze text in Anki's syntax: deletions numbered in order (a text in
/// Anki's numbered syntax already is, and keeps its numbers).
fn anki_cloze(text: &str) -> String {
    if crate::deck::is_numbered_cloze(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    let mut number = 0;
    while let (Some(open), Some(close)) = (rest.find("{{"), rest.find("}}")) {
        if close < open {
            break;
        }
        number += 1;
        out.push_str(&rest[..open]);
        out.push_str(&format!("{{{{c{number}::{}}}}}", &rest[open + 2..close]));
        rest = &rest[close + 2..];
    }
    out.push_str(rest);
    out
}

/// The cards of each fact, grouped in one pass.
pub(super) fn cards_by_fact(cards: &[StoredCard]) -> HashMap<i64, Vec<&StoredCard>> {
    let mut by_fact: HashMap<i64, Vec<&StoredCard>> = HashMap::new();
    for card in cards {
        by_fact.entry(card.fact_id).or_default().push(card);
    }
    by_fact
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clozes_are_numbered_in_order() {
        assert_eq!(
            anki_cloze("Reed caught {{typhus}} after {{Baku::a city}}."),
            "Reed caught {{c1::typhus}} after {{c2::Baku::a city}}."
        );
        assert_eq!(anki_cloze("none"), "none");
        let numbered = "{{c2::Reed}} caught {{c1::typhus}}";
        assert_eq!(anki_cloze(numbered), numbered, "Anki's numbers are kept");
    }
}
