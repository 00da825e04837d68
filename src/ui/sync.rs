//! What `iskra sync` prints: what a sync did (or one line of it after a
//! review, on stderr), and `sync --status`. Text from the folder reaches
//! here escaped already; deck keys are escaped again on the way out.

use std::io::{self, Write};

use crate::clock::Clock;
use crate::sync::Report;
use crate::sync::status::Status;
use crate::text::{escape_control, plural};

/// One line: what a sync did (`sync: 12 events in · 1 chunk out …`).
pub fn summary(report: &Report) -> String {
    let mut parts = Vec::new();
    if report.new_device {
        parts.push(format!("this collection is device {}", report.device));
    }
    if report.chunks_read > 0 {
        parts.push(format!(
            "{} new from {}",
            plural(report.events_in as u64, "event"),
            plural(report.chunks_read as u64, "chunk")
        ));
    }
    if report.cards_changed > 0 {
        parts.push(format!("{} updated", plural(report.cards_changed as u64, "card")));
    }
    if report.regraded > 0 {
        parts.push(format!(
            "{} given on two devices at once graded again",
            plural(report.regraded as u64, "answer")
        ));
    }
    if !report.chunks_written.is_empty() {
        parts.push(format!(
            "{} written in {}",
            plural(report.events_out as u64, "event"),
            plural(report.chunks_written.len() as u64, "chunk")
        ));
    }
    if parts.is_empty() {
        parts.push("up to date".into());
    }
    format!("sync: {}", parts.join(" · "))
}

/// What a sync did, in full.
pub fn render_report(out: &mut impl Write, report: &Report) -> io::Result<()> {
    writeln!(out, "{}", summary(report))?;
    let keys = |keys: &[String]| keys.iter().map(|k| escape_control(k)).collect::<Vec<_>>().join(", ");
    if !report.decks_built.is_empty() {
        writeln!(out, "  decks built from the folder: {}", keys(&report.decks_built))?;
    }
    if !report.decks_written.is_empty() {
        writeln!(out, "  decks written to the folder: {}", keys(&report.decks_written))?;
    }
    if !report.settings_taken.is_empty() {
        writeln!(
            out,
            "  settings taken from other devices: {}",
            keys(&report.settings_taken)
        )?;
    }
    if !report.settings_shared.is_empty() {
        writeln!(out, "  settings shared: {}", keys(&report.settings_shared))?;
    }
    if report.snapshots > 0 {
        writeln!(
            out,
            "  {} studied before shared as they are",
            plural(report.snapshots as u64, "card")
        )?;
    }
    for note in &report.notes {
        writeln!(out, "  note: {note}")?;
    }
    Ok(())
}

/// The warnings of a sync (chunks or deck files not read), for stderr.
pub fn render_warnings(out: &mut impl Write, report: &Report) -> io::Result<()> {
    for warning in &report.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    Ok(())
}

/// `sync --status`.
pub fn render_status(out: &mut impl Write, status: &Status, clock: &Clock<impl chrono::TimeZone>) -> io::Result<()> {
    match &status.dir {
        Some(dir) => writeln!(out, "Folder: {}", escape_control(&dir.display().to_string()))?,
        None => writeln!(out, "Folder: none (`iskra sync DIR` starts syncing with DIR)")?,
    }
    match &status.device {
        Some(device) => writeln!(out, "This device: {device}")?,
        None => writeln!(out, "This device: not synced yet")?,
    }
    if let Some(problem) = &status.folder_problem {
        writeln!(out, "The folder cannot be read: {}", escape_control(problem))?;
    }
    for device in &status.devices {
        let last = device.last_chunk_ms.map_or_else(
            || "no chunk yet".to_string(),
            |ms| match chrono::DateTime::from_timestamp_millis(ms) {
                Some(at) => format!("last chunk written {}", clock.local_string(at)),
                None => "no chunk yet".into(),
            },
        );
        let this = if device.local { " (this one)" } else { "" };
        writeln!(
            out,
            "  {}{this}: {}, {}; {last}",
            device.device,
            plural(device.chunks as u64, "chunk"),
            plural(device.events as u64, "event")
        )?;
    }
    writeln!(
        out,
        "Waiting to be written: {}",
        plural(status.unwritten as u64, "event")
    )?;
    writeln!(
        out,
        "Waiting to be read: {}",
        plural(status.unread.len() as u64, "chunk")
    )?;
    for (device, name) in status.unread.iter().take(20) {
        writeln!(out, "  {device}/{}", escape_control(name))?;
    }
    if status.orphans > 0 {
        writeln!(
            out,
            "Cards named by events but not in this collection: {} (their decks are not built here)",
            status.orphans
        )?;
    }
    Ok(())
}
