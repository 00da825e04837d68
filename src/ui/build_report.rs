//! What building a deck did, one line per deck: `Deck: 1 added, 0 updated,
//! 3 unchanged, 0 removed` (`iskra build`, `iskra add`, the authoring prompts).

use std::io::Write;

use crate::store::SyncReport;
use crate::text::escape_control;

/// `Deck: 1 added, 0 updated, 3 unchanged, 0 removed`.
pub fn report_line(r: &SyncReport) -> String {
    format!(
        "{}: {} added, {} updated, {} unchanged, {} removed",
        escape_control(&r.deck),
        r.added,
        r.updated,
        r.unchanged,
        r.removed
    )
}

/// The line under a deck's report when its file took over the bundled copy.
pub fn takeover_note(r: &SyncReport) -> Option<String> {
    r.took_over.as_ref().map(|bundled| {
        format!(
            "  {} is now built from your file instead of the copy bundled into iskra ({}); its history is kept",
            escape_control(&r.deck),
            escape_control(bundled)
        )
    })
}

/// `iskra build`'s report: each deck's line, with `, N restored` when facts
/// came back, and a note when a file took over a bundled deck.
pub fn render_reports(out: &mut impl Write, reports: &[SyncReport]) -> std::io::Result<()> {
    for r in reports {
        write!(out, "{}", report_line(r))?;
        if r.restored > 0 {
            write!(out, ", {} restored", r.restored)?;
        }
        writeln!(out)?;
        if let Some(note) = takeover_note(r) {
            writeln!(out, "{note}")?;
        }
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
        };
        let mut out = Vec::new();
        let taken = SyncReport {
            took_over: Some("bundled:people.deck".into()),
            ..report(0)
        };
        render_reports(&mut out, &[report(0), report(5), taken]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Evil\\u{1b}[2J: 1 added, 2 updated, 3 unchanged, 4 removed\n\
             Evil\\u{1b}[2J: 1 added, 2 updated, 3 unchanged, 4 removed, 5 restored\n\
             Evil\\u{1b}[2J: 1 added, 2 updated, 3 unchanged, 4 removed\n  \
             Evil\\u{1b}[2J is now built from your file instead of the copy bundled into iskra (bundled:people.deck); its history is kept\n"
        );
    }
}
