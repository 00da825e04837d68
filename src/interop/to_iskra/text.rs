//! An Anki text file's records as an import batch. The note type comes from
//! `#notetype:` (or the notetype column): Basic and its variants, Cloze,
//! and the `iskra …` types `export deck --format csv` and `apkg` write;
//! without one a record is a Basic note. Fields are the columns that are
//! not meta columns, in order (or by name with `#columns:`: Front, Back,
//! Text, Extra, Back Extra). With `#html:true` fields are HTML and turned
//! into text; plain-text fields are kept as written, spaces included. A record with a guid is matched by it on re-import, one
//! without by its first field within its deck.

use std::path::Path;

use super::batch::{Identity, ImportBatch, ImportDeck, ImportedFact};
use super::convert::{self, Notice, Notices};
use crate::deck::{Diagnostic, Fact, FactBody, QaKind};
use crate::error::{Error, Result};
use crate::interop::anki::{html, text};
use crate::interop::keys;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Basic,
    Reversed,
    /// Reverse card only when the third field has text.
    OptionalReverse,
    Cloze,
    Other,
}

fn shape(name: Option<&str>) -> Shape {
    let Some(name) = name else { return Shape::Basic };
    match name.trim().to_ascii_lowercase().as_str() {
        "basic" | "basic (type in the answer)" | "iskra basic" => Shape::Basic,
        "basic (and reversed card)" | "iskra basic (and reversed card)" => Shape::Reversed,
        "basic (optional reversed card)" => Shape::OptionalReverse,
        "cloze" | "iskra cloze" => Shape::Cloze,
        _ => Shape::Other,
    }
}

/// Reads and converts a text file. `deck` puts every note in one deck;
/// otherwise the deck column, `#deck:`, or the file's name decide.
pub fn batch(path: &Path, bytes: &[u8], deck: Option<&ImportDeck>, notices: &mut Notices) -> Result<ImportBatch> {
    let label = path.display().to_string();
    let preferred = match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => Some(text::Separator::Comma),
        Some("tsv") => Some(text::Separator::Tab),
        _ => None,
    };
    let file = text::parse(&label, bytes, preferred).map_err(Error::Deck)?;
    let stem = path
        .file_stem()
        .map_or_else(|| "imported".to_string(), |s| s.to_string_lossy().into_owned());
    let fallback_deck = keys::bounded_deck_name(&file.deck.clone().unwrap_or(stem));
    let meta = file.meta_columns();
    // The first three columns that are not meta columns: all a note reads
    // by position (a row without one has too few fields).
    let field_columns: Vec<usize> = (1..).filter(|c| !meta.contains(c)).take(3).collect();
    let by_label = |names: &[&str]| -> Option<usize> {
        file.columns
            .iter()
            .enumerate()
            .find(|(i, label)| !meta.contains(&(i + 1)) && names.iter().any(|n| label.eq_ignore_ascii_case(n)))
            .map(|(i, _)| i + 1)
    };
    let mut batch = ImportBatch::default();
    if let Some(deck) = deck {
        batch.decks.push(deck.clone());
    }
    // Deck keys to their index in `batch.decks`.
    let mut deck_index_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut diagnostics = Vec::new();
    // Rows past the diagnostics cap, counted only, and the last one's line.
    let (mut unreported, mut last_unreported) = (0, 0);
    // One row at a time: a skipped row is dropped as soon as it is read.
    for row in file.rows() {
        let row = match row {
            Ok(row) => row,
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                break;
            }
        };
        let cell = |column: Option<usize>| column.and_then(|c| row.fields.get(c - 1));
        let value = |column: Option<usize>| {
            let raw = cell(column).unwrap_or_default();
            if file.html { html::to_text(raw) } else { as_written(raw) }
        };
        let notetype = cell(file.notetype_column).or(file.notetype.as_deref());
        let shape = shape(notetype);
        let (first, second) = match shape {
            Shape::Cloze => (by_label(&["Text"]), by_label(&["Back Extra", "Extra"])),
            _ => (by_label(&["Front"]), by_label(&["Back"])),
        };
        let first = first.or(field_columns.first().copied());
        let second = second.or(field_columns.get(1).copied());
        let needed = if shape == Shape::Cloze { first } else { second };
        if needed.is_none_or(|c| c > row.fields.len()) {
            if diagnostics.len() >= text::MAX_DIAGNOSTICS {
                (unreported, last_unreported) = (unreported + 1, row.line);
                continue;
            }
            diagnostics.push(Diagnostic {
                file: label.clone(),
                line: row.line,
                column: 1,
                message: format!(
                    "{} field{} on this line, but a {} note needs {}",
                    row.fields.len(),
                    if row.fields.len() == 1 { "" } else { "s" },
                    crate::text::clip(notetype.unwrap_or("Basic"), 80),
                    if shape == Shape::Cloze {
                        "its text"
                    } else {
                        "a front and a back"
                    }
                ),
                source_line: row.fields.iter().collect::<Vec<_>>().join(" "),
                hint: Some(format!(
                    "fields are separated by {} here; set `#separator:` if that is wrong",
                    file.separator.name()
                )),
            });
            continue;
        }
        // No work on a field too long to keep (HTML read, cloze parsed).
        if let Err(reason) = convert::check_raw_fields(&row.fields) {
            notices.add_at_line(Notice::SkippedNote(reason), row.line);
            continue;
        }
        let extra = match shape {
            Shape::Cloze => Some(value(second)),
            _ => Some(value(by_label(&["Extra", "Back Extra"]).or(
                if matches!(shape, Shape::Basic | Shape::Reversed) && notetype.is_some_and(|n| n.starts_with("iskra")) {
                    field_columns.get(2).copied()
                } else {
                    None
                },
            ))),
        }
        .filter(|e| !e.is_empty());
        let body = match shape {
            Shape::Cloze => convert::convert_cloze(&value(first)).map(|c| FactBody::Cloze { text: c.text }),
            _ => {
                let kinds = match shape {
                    Shape::Reversed => vec![QaKind::Basic, QaKind::Reverse],
                    Shape::OptionalReverse if !value(field_columns.get(2).copied()).is_empty() => {
                        vec![QaKind::Basic, QaKind::Reverse]
                    }
                    _ => vec![QaKind::Basic],
                };
                convert::qa_body(value(first), value(second), kinds)
            }
        }
        .and_then(|body| convert::check_lengths(&body, extra.as_deref()).map(|()| body));
        let body = match body {
            Ok(body) => body,
            Err(reason) => {
                notices.add_at_line(Notice::SkippedNote(reason), row.line);
                continue;
            }
        };
        if shape == Shape::Other {
            notices.add(Notice::OtherNotetype(notetype.unwrap_or_default().to_string()));
        }
        let guid = cell(file.guid_column).map(str::trim).filter(|g| !g.is_empty());
        let (id, identity) = match guid {
            Some(guid) => Identity::of_guid(guid),
            None => (keys::text_key(body.first_text()), Identity::FirstField),
        };
        let mut tags = file.tags.clone();
        tags.extend(
            cell(file.tags_column)
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_string),
        );
        let deck_index = match deck {
            Some(_) => 0,
            None => {
                let name = cell(file.deck_column)
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .map_or_else(|| fallback_deck.clone(), keys::bounded_deck_name);
                let key = keys::deck_key(&name);
                match deck_index_of.get(&key) {
                    Some(&i) => i,
                    None => {
                        deck_index_of.insert(key.clone(), batch.decks.len());
                        batch.decks.push(ImportDeck {
                            key,
                            name,
                            preset: None,
                        });
                        batch.decks.len() - 1
                    }
                }
            }
        };
        batch.facts.push(ImportedFact {
            deck: deck_index,
            identity,
            fact: Fact {
                id,
                body,
                alternatives: Vec::new(),
                hint: None,
                extra,
                tags,
                source: None,
            },
            cards: Vec::new(),
            anki: None,
        });
    }
    if unreported > 0 {
        diagnostics.push(Diagnostic {
            file: label.clone(),
            line: last_unreported,
            column: 1,
            message: format!(
                "and {} without enough fields, not shown",
                crate::text::plural(unreported as u64, "more row")
            ),
            source_line: String::new(),
            hint: Some(format!("the first {} are above", text::MAX_DIAGNOSTICS)),
        });
    }
    if !diagnostics.is_empty() {
        return Err(Error::Deck(diagnostics));
    }
    Ok(batch)
}

/// A plain-text field as the file has it, leading and trailing spaces
/// included (as Anki keeps them); line ends made `\n`. A field of spaces
/// only is empty.
fn as_written(raw: &str) -> String {
    if raw.trim().is_empty() {
        return String::new();
    }
    raw.replace("\r\n", "\n").replace('\r', "\n")
}
