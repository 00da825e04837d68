//! What building a deck did: a line per deck, `Deck: 1 added, 0 updated,
//! 3 unchanged, 0 removed`, and the notes under it. [`render_report`] is the
//! one rendering of a deck's [`SyncReport`], used by every command that
//! builds a deck file (`iskra build`, `add`, `edit`, `deck move`, the
//! authoring prompts, the review's edit key), so none can leave a part out.

use std::io::Write;

use crate::deck::build::BUNDLED_PREFIX;
use crate::deck::rebuild::Recorded;
use crate::store::{DeckRow, RenumberedCloze, SyncReport};
use crate::text::escape_control;

/// Everything a build says about one deck, as lines (no final newline): `Deck:
/// 1 added, 0 updated, 3 unchanged, 0 removed` with `, N restored` when facts
/// came back; a note when its file took over a bundled deck or became the
/// file of a deck that had none; a note for each studied cloze card that now
/// asks for another answer.
pub fn render_report(r: &SyncReport) -> String {
    let mut lines = vec![report_line(r)];
    lines.extend(takeover_note(r));
    lines.extend(r.renumbered.iter().map(renumbered_note));
    lines.join("\n")
}

/// `Deck: 1 added, 0 updated, 3 unchanged, 0 removed[, N restored]`.
fn report_line(r: &SyncReport) -> String {
    let mut line = format!(
        "{}: {} added, {} updated, {} unchanged, {} removed",
        escape_control(&r.deck),
        r.added,
        r.updated,
        r.unchanged,
        r.removed
    );
    if r.restored > 0 {
        line.push_str(&format!(", {} restored", r.restored));
    }
    line
}

/// The line under a deck's report when its file took over the bundled copy
/// or became the file of a deck that had none.
fn takeover_note(r: &SyncReport) -> Option<String> {
    let deck = escape_control(&r.deck);
    r.took_over.as_ref().map(|previous| {
        if previous.starts_with(BUNDLED_PREFIX) {
            format!(
                "  {deck} is now built from your file instead of the copy bundled into iskra ({}); its history is kept",
                escape_control(previous)
            )
        } else {
            format!("  {deck}, imported with no file, is now built from your file; its history is kept")
        }
    })
}

/// `iskra build`'s report: each deck's [`render_report`].
pub fn render_reports(out: &mut impl Write, reports: &[SyncReport]) -> std::io::Result<()> {
    for r in reports {
        writeln!(out, "{}", render_report(r))?;
    }
    Ok(())
}

/// The line under a deck's report for a studied cloze card that asks for
/// another answer since a deletion was added, removed or moved before it
/// (its history stays with its place).
fn renumbered_note(moved: &RenumberedCloze) -> String {
    let number = moved.card.strip_prefix("cloze:").unwrap_or(&moved.card);
    let short = |text: &str| crate::text::escape_inline(&crate::text::clip(text, 40));
    format!(
        "  {}: card {number} of the cloze now asks for `{}` with the history of `{}`: plain {{{{deletions}}}} are numbered by place; write them {{{{c1::…}}}} to keep each card with its answer",
        crate::text::escape_inline(&moved.fact),
        short(&moved.now),
        short(&moved.was),
    )
}

/// `iskra build` with no `decks/` folder: which files were built (each
/// deck's report), and which decks' files are not there any more.
pub fn render_recorded(out: &mut impl Write, recorded: &Recorded, reports: &[SyncReport]) -> std::io::Result<()> {
    let count = recorded.sources.len();
    writeln!(
        out,
        "No decks/ folder here: building the {} the collection's decks come from.",
        crate::text::plural(count as u64, "deck file")
    )?;
    for source in &recorded.sources {
        let new = recorded
            .new_files
            .iter()
            .any(|f| f.display().to_string() == source.label);
        writeln!(
            out,
            "  {}{}",
            escape_control(&source.label),
            if new { " (new in decks-dir)" } else { "" }
        )?;
    }
    render_reports(out, reports)?;
    render_missing(out, &recorded.missing)
}

/// The decks whose recorded file is not there any more (a build leaves
/// their facts and cards as they are): each named with its file and what
/// to do.
pub fn render_missing(out: &mut impl Write, missing: &[DeckRow]) -> std::io::Result<()> {
    for deck in missing {
        let path = deck.source_path.as_deref().unwrap_or_default();
        writeln!(
            out,
            "Not found: deck `{key}` was built from {}, which is not there any more; its facts are kept and its cards still come up for study.\n  hint: `iskra deck move {key} NEW_FILE` if the file was renamed or moved (its history kept), `iskra deck delete {key}` if it is gone for good",
            escape_control(path),
            key = escape_control(&deck.key),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restored_facts_are_named_only_when_there_are_some() {
        let report = |restored| SyncReport {
            deck: "Evil\u{1b}[2J".into(),
            added: 1,
            updated: 2,
            unchanged: 3,
            removed: 4,
            restored,
            took_over: None,
            renumbered: Vec::new(),
        };
        let mut out = Vec::new();
        let taken = SyncReport {
            took_over: Some("bundled:people.deck".into()),
            ..report(0)
        };
        let adopted = SyncReport {
            took_over: Some(crate::deck::identity::FILELESS.into()),
            ..report(0)
        };
        assert_eq!(
            takeover_note(&adopted).unwrap(),
            "  Evil\\u{1b}[2J, imported with no file, is now built from your file; its history is kept"
        );
        assert_eq!(takeover_note(&report(0)), None);
        render_reports(&mut out, &[report(0), report(5), taken]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Evil\\u{1b}[2J: 1 added, 2 updated, 3 unchanged, 4 removed\n\
             Evil\\u{1b}[2J: 1 added, 2 updated, 3 unchanged, 4 removed, 5 restored\n\
             Evil\\u{1b}[2J: 1 added, 2 updated, 3 unchanged, 4 removed\n  \
             Evil\\u{1b}[2J is now built from your file instead of the copy bundled into iskra (bundled:people.deck); its history is kept\n"
        );
    }

    #[test]
    fn a_deck_report_holds_its_restored_count_and_every_note() {
        let report = SyncReport {
            deck: "Reed".into(),
            updated: 1,
            restored: 2,
            took_over: Some("bundled:reed.deck".into()),
            renumbered: vec![RenumberedCloze {
                fact: "reed".into(),
                card: "cloze:1".into(),
                was: "Baku".into(),
                now: "typhus".into(),
            }],
            ..SyncReport::default()
        };
        let lines: Vec<String> = render_report(&report).lines().map(String::from).collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[0], "Reed: 0 added, 1 updated, 0 unchanged, 0 removed, 2 restored");
        assert_eq!(Some(lines[1].clone()), takeover_note(&report));
        assert_eq!(lines[2], renumbered_note(&report.renumbered[0]));
    }

    #[test]
    fn a_moved_deletion_is_said_with_its_answers_escaped_and_clipped() {
        let moved = RenumberedCloze {
            fact: "c\u{1b}[2J".into(),
            card: "cloze:1".into(),
            was: "Lenin\nx".into(),
            now: "y".repeat(50),
        };
        assert_eq!(
            renumbered_note(&moved),
            format!(
                "  c\\u{{1b}}[2J: card 1 of the cloze now asks for `{}…` with the history of `Lenin\\u{{a}}x`: plain {{{{deletions}}}} are numbered by place; write them {{{{c1::…}}}} to keep each card with its answer",
                "y".repeat(40)
            )
        );
    }
}
