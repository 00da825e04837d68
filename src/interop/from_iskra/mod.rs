//! iskra → files: one deck of the collection as an iskra deck file (so an
//! imported deck joins the text-file workflow), an Anki text file, or an
//! Anki package (with its scheduling and review log if asked), for `iskra
//! export deck`.
//!
//! In Anki, q/a facts become notes of the type `iskra Basic` (or `iskra
//! Basic (and reversed card)` when they have a reverse card) with fields
//! Front, Back and Extra; cloze facts `iskra Cloze` notes (Text, Extra) with
//! deletions numbered in order (`{{c1::…}}`, `{{c2::…}}`); sequences,
//! timelines and note facts without their Anki note one `iskra Basic` note
//! per card, as the card shows (`notes.rs`), with the guid
//! `iskra:DECK/FACT` ([`crate::interop::keys::fact_guid`]). A fact imported
//! from an Anki package goes back as the note it was (`origin.rs`): its id,
//! guid, note type, fields' HTML and cards' ids and ordinals, so Anki
//! updates it in place and each card keeps its schedule.
//! Alternatives, hints and sources have no place in Anki's note types and
//! are left out. The text file uses Anki's stock note types instead, so it
//! imports into any collection.

mod notes;
mod origin;
mod package;

pub use package::{PackageCounts, write_anki_package};

use crate::deck::{Deck, Fact, parse_deck, write::write_deck};
use crate::error::{Error, Result};
use crate::interop::anki::text;
use crate::interop::anki::write::NoteKind;
use crate::store::deck_export::ExportCard as StoredCard;
use crate::store::{DeckRow, Store};
use notes::{cards_by_fact, drafts};

/// A deck written as text, and how much it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextExport {
    pub text: String,
    /// Facts (an iskra deck file) or notes (an Anki text file).
    pub count: usize,
}

/// The deck as an iskra deck file, checked to read back as the same facts.
pub fn deck_file(store: &Store, deck: &DeckRow) -> Result<TextExport> {
    let facts = crate::deck::stored_facts(store, deck.id)?;
    let parsed = Deck {
        key: deck.key.clone(),
        name: deck.name.clone(),
        description: deck.description.clone(),
        retention: deck.retention,
        new_per_day: deck.new_per_day,
        reviews_per_day: deck.reviews_per_day,
        preset: deck.preset.as_ref().and_then(|p| p.file_options()),
        facts: facts.into_iter().map(|(_, f)| f).collect(),
    };
    let text = write_deck(&parsed);
    match parse_deck(&format!("{}.deck", deck.key), &deck.key, text.as_bytes()) {
        Ok(back) if back == parsed => Ok(TextExport {
            text,
            count: parsed.facts.len(),
        }),
        Ok(back) => {
            let differs = parsed
                .facts
                .iter()
                .zip(&back.facts)
                .find(|(a, b)| a != b)
                .map_or_else(|| "the deck header".to_string(), |(a, _)| format!("fact {}", a.id));
            Err(Error::Usage(format!(
                "{differs} would not read back as stored, so nothing was written.\n  hint: please report this"
            )))
        }
        Err(diagnostics) => Err(Error::Deck(diagnostics)),
    }
}

/// The deck as an Anki text file (tab-separated, with Anki's header lines).
pub fn anki_text(store: &Store, deck: &DeckRow) -> Result<TextExport> {
    let facts = crate::deck::stored_facts(store, deck.id)?;
    let cards = store.deck_export_cards(deck.id)?;
    let rows = text_rows(deck, &facts, &cards);
    let text = text::write(
        &text::Header {
            html: false,
            guid_column: Some(1),
            notetype_column: Some(2),
            deck_column: Some(3),
            tags_column: Some(6),
        },
        &rows,
    )
    .map_err(|e| Error::Internal(format!("writing the text file: {e}")))?;
    Ok(TextExport {
        text,
        count: rows.len(),
    })
}

/// Rows of an Anki text file: guid, note type, deck, two fields, tags.
/// Stock note types (Basic, Basic (and reversed card), Cloze), so the file
/// imports into any Anki collection.
fn text_rows(deck: &DeckRow, facts: &[(i64, Fact)], cards: &[StoredCard]) -> Vec<Vec<String>> {
    let by_fact = cards_by_fact(cards);
    let mut rows = Vec::new();
    for (fact_id, fact) in facts {
        let fact_cards = by_fact.get(fact_id).map_or(&[][..], Vec::as_slice);
        for draft in drafts(deck, fact, fact_cards) {
            let notetype = match draft.kind {
                NoteKind::Basic => "Basic",
                NoteKind::BasicReversed => "Basic (and reversed card)",
                NoteKind::Cloze => "Cloze",
            };
            // Front and Back, or Text and Extra: the stock types' first two fields.
            rows.push(vec![
                draft.guid,
                notetype.to_string(),
                deck.name.clone(),
                draft.fields[0].clone(),
                draft.fields[1].clone(),
                draft.tags.join(" "),
            ]);
        }
    }
    rows
}
