//! The card commands: `iskra suspend|unsuspend|bury|unbury|forget|
//! reschedule|flag`, each on card ids or on the cards `--search QUERY`
//! finds ([`crate::manage::apply`]: one transaction, undone by `iskra
//! undo`), and `iskra undo`. Each prints what it changed.

use std::io::Write;

use crate::clock::{Clock, date_of_day};
use crate::error::{Error, Result};
use crate::manage::{self, Action, Changed, Days, undo::undo};
use crate::search::search_ids;
use crate::store::Store;
use crate::text::plural;

/// Which cards: ids, or a search.
#[derive(Debug, Clone, clap::Args)]
pub struct Selection {
    /// Card ids (as `iskra search` and `iskra stats` show them)
    #[arg(value_name = "ID")]
    pub ids: Vec<i64>,
    /// The cards this query finds instead (`iskra search` syntax)
    #[arg(long, value_name = "QUERY", conflicts_with = "ids", allow_hyphen_values = true)]
    pub search: Option<String>,
}

/// `iskra forget` options.
#[derive(Debug, clap::Args)]
pub struct ForgetArgs {
    #[command(flatten)]
    pub cards: Selection,
    /// Set the review and lapse counts to 0 too (the review log is kept either way)
    #[arg(long)]
    pub reset_counts: bool,
}

/// `iskra reschedule` options.
#[derive(Debug, clap::Args)]
pub struct RescheduleArgs {
    /// Due in N days (0: today), or on a random day of A-B for each card; `!` at the end sets the
    /// interval to those days instead of the days since the last review
    #[arg(long, value_name = "N|A-B[!]")]
    pub days: String,
    #[command(flatten)]
    pub cards: Selection,
}

/// `iskra flag` options.
#[derive(Debug, clap::Args)]
pub struct FlagArgs {
    /// 0 none, 1 red, 2 orange, 3 green, 4 blue, 5 pink, 6 turquoise, 7 purple
    #[arg(value_parser = clap::value_parser!(u8).range(0..=7), value_name = "FLAG")]
    pub flag: u8,
    #[command(flatten)]
    pub cards: Selection,
}

/// Anki's flag colours, by number.
pub const FLAG_NAMES: [&str; 8] = ["none", "red", "orange", "green", "blue", "pink", "turquoise", "purple"];

/// At most this many ids are listed in a message.
const LISTED: usize = 50;

/// Runs a card command on the cards `selection` names.
pub fn run(
    store: &mut Store,
    action: Action,
    selection: Selection,
    clock: &Clock,
    out: &mut impl Write,
) -> Result<i32> {
    let ids = match (&selection.search, selection.ids.is_empty()) {
        (Some(query), _) => {
            let ids = search_ids(store, query, clock)?;
            if ids.is_empty() {
                writeln!(
                    out,
                    "No card matches {}; nothing changed.",
                    crate::search::quoted(query)
                )
                .map_err(Error::stdout)?;
                return Ok(0);
            }
            ids
        }
        (None, false) => selection.ids,
        (None, true) => {
            return Err(Error::Usage(format!(
                "`iskra {}` needs the cards: card ids, or --search QUERY.\n  hint: `iskra search QUERY` lists cards with their ids",
                action.command()
            )));
        }
    };
    let changed = manage::apply(store, &ids, action, clock)?;
    report(out, action, &changed).map_err(Error::stdout)?;
    Ok(0)
}

/// Parses `--days` and runs `reschedule`.
pub fn run_reschedule(store: &mut Store, args: RescheduleArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    let days = Days::parse(&args.days)?;
    run(store, Action::Reschedule(days), args.cards, clock, out)
}

/// Runs `forget`.
pub fn run_forget(store: &mut Store, args: ForgetArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    let action = Action::Forget {
        reset_counts: args.reset_counts,
    };
    run(store, action, args.cards, clock, out)
}

/// Runs `flag`.
pub fn run_flag(store: &mut Store, args: FlagArgs, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    run(store, Action::Flag(args.flag), args.cards, clock, out)
}

/// Runs `iskra undo`.
pub fn run_undo(store: &mut Store, clock: &Clock, out: &mut impl Write) -> Result<i32> {
    let undone = undo(store, clock.now_ms())?;
    writeln!(
        out,
        "undid `{}` of {}: {}",
        undone.action,
        cards(undone.cards.len()),
        ids(&undone.cards)
    )
    .map_err(Error::stdout)?;
    if !undone.gone.is_empty() {
        writeln!(
            out,
            "{} of it deleted since, with their deck: {}",
            cards(undone.gone.len()),
            ids(&undone.gone)
        )
        .map_err(Error::stdout)?;
    }
    Ok(0)
}

fn cards(n: usize) -> String {
    plural(n as u64, "card")
}

/// Ids for a message, the first [`LISTED`] of them.
fn ids(ids: &[i64]) -> String {
    let listed = manage::id_list(&ids[..ids.len().min(LISTED)]);
    match ids.len().checked_sub(LISTED) {
        Some(more) if more > 0 => format!("{listed}, … ({more} more)"),
        _ => listed,
    }
}

/// What the action did to N cards (`suspended {}`, with `{}` the cards),
/// and what the cards it left alone already were.
fn words(action: Action) -> (String, String) {
    let (done, already) = match action {
        Action::Suspend => ("suspended {}", "already suspended"),
        Action::Unsuspend => ("unsuspended {}", "not suspended"),
        Action::Bury => ("buried {} until the next study day", "already buried or suspended"),
        Action::Unbury => ("unburied {}", "not buried"),
        Action::Forget { .. } => ("reset {} to new (history kept)", "already new"),
        Action::Reschedule(_) => ("rescheduled {}", ""),
        Action::Flag(0) => ("unflagged {}", "already without a flag"),
        Action::Flag(n) => {
            let colour = FLAG_NAMES[usize::from(n.min(7))];
            return (format!("flagged {{}} {colour}"), format!("already flagged {colour}"));
        }
    };
    (done.to_string(), already.to_string())
}

fn report(out: &mut impl Write, action: Action, changed: &Changed) -> std::io::Result<()> {
    let (done, already) = words(action);
    let ids_changed: Vec<i64> = changed.changed.iter().map(|(id, _)| *id).collect();
    let done_to: Vec<i64> = ids_changed
        .iter()
        .copied()
        .filter(|id| !changed.requeued.contains(id))
        .collect();
    if !done_to.is_empty() {
        let done = done.replacen("{}", &cards(done_to.len()), 1);
        writeln!(out, "{done}: {}", ids(&done_to))?;
    }
    if !changed.requeued.is_empty() {
        let place = if changed.requeued.len() == 1 {
            "its place"
        } else {
            "their places"
        };
        writeln!(
            out,
            "{} already new (never studied), back in the new queue at {place}: {}",
            cards(changed.requeued.len()),
            ids(&changed.requeued)
        )?;
    }
    if let Action::Reschedule(_) = action {
        for (id, card) in changed.changed.iter().take(LISTED) {
            let s = &card.schedule;
            writeln!(out, "  {id}: due {} · interval {}d", date_of_day(s.due), s.interval)?;
        }
    }
    if !changed.already.is_empty() {
        writeln!(
            out,
            "{} {already}: {}",
            cards(changed.already.len()),
            ids(&changed.already)
        )?;
    }
    if !changed.no_memory.is_empty() {
        writeln!(
            out,
            "left {} alone: new, with no memory state to schedule from (study them first): {}",
            cards(changed.no_memory.len()),
            ids(&changed.no_memory)
        )?;
    }
    if ids_changed.is_empty() {
        writeln!(out, "Nothing changed.")?;
    }
    Ok(())
}
