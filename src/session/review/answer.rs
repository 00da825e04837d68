//! Answering: a deck's scheduler, and the answer transaction. A grade (or
//! its undo) is stored in one IMMEDIATE transaction the session opens on
//! the store ([`Tx`]): the card is read as it is now, graded by the pure
//! scheduler (its review interval balanced by the session's
//! [`SessionWorkload`], when there is one), and the card and its log row are
//! written through the store's table functions before it commits.

use super::MAX_ANSWER_MS;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::sched::{Moment, NextIn, Rating, Scheduler};
use crate::session::workload::SessionWorkload;
use crate::store::{BuryRules, CardRow, DeckRow, LogEntry, Settings, Store, Tx, Unsynced};
use crate::sync::record::{self as sync, Recorder};

/// The scheduler for a deck, with its effective options
/// ([`Settings::deck_options`]: the deck's own, else the collection's).
pub fn deck_scheduler(settings: &Settings, deck: &DeckRow) -> Result<Scheduler> {
    Scheduler::new(settings.deck_options(deck).scheduler)
}

/// "Now", as the scheduler takes it.
pub(super) fn moment(clock: &Clock<impl chrono::TimeZone>) -> Moment {
    Moment::of(clock)
}

/// A stored answer: its log row (for undo), the entry, when the card comes
/// back, and whether the answer made it a leech.
pub struct Committed {
    pub log_id: i64,
    pub entry: LogEntry,
    pub next_in: NextIn,
    pub leech: Option<Leech>,
}

/// A card an answer made a leech (see [`crate::sched::leech`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leech {
    pub lapses: u32,
    /// Suspended too (`leech-action suspend`).
    pub suspended: bool,
}

/// Marks the card a leech if this answer's lapse made it one, and suspends
/// it if the settings say so (in the answer's transaction).
fn mark_leech(tx: &Tx, entry: &LogEntry) -> Result<Option<Leech>> {
    let (before, after) = (entry.before.lapses, entry.after.lapses);
    if after <= before {
        return Ok(None); // no lapse: the settings need not be read
    }
    let settings = tx.settings()?;
    if !crate::sched::leech::became_leech(before, after, settings.leech_lapses) {
        return Ok(None);
    }
    tx.set_leech(entry.card_id, true)?;
    let suspended = settings.leech_action == crate::settings::LeechAction::Suspend;
    if suspended {
        tx.suspend_card(entry.card_id)?;
    }
    Ok(Some(Leech {
        lapses: after,
        suspended,
    }))
}

/// Undoes what [`mark_leech`] did for `entry`: the card is no leech if the
/// answer first made it one (its queue is restored with its schedule).
fn unmark_leech(tx: &Tx, entry: &LogEntry) -> Result<()> {
    let threshold = tx.settings()?.leech_lapses;
    if crate::sched::leech::became_leech(entry.before.lapses, entry.after.lapses, threshold)
        && entry.before.lapses < threshold
    {
        tx.set_leech(entry.card_id, false)?;
    }
    Ok(())
}

/// Grades `card` (shown since `shown_at_ms`) at the clock's time and stores
/// the answer with the card's new schedule, in one transaction. The grade
/// applies to the card as it is when the answer is written: when another
/// iskra answered the same card since it was shown, its answer is the
/// starting point, so neither answer is lost. `workload` balances the
/// interval and counts the answer.
pub fn commit_answer(
    store: &mut Store,
    scheduler: &Scheduler,
    card: &CardRow,
    rating: Rating,
    shown_at_ms: i64,
    clock: &Clock<impl chrono::TimeZone>,
    mut workload: Option<&mut SessionWorkload>,
) -> Result<Committed> {
    let tx = store.begin()?;
    if let Some(w) = workload.as_deref_mut() {
        w.follow_day(&tx, clock.today())?;
    }
    let (committed, current) = answer_in(&tx, scheduler, card.id, rating, shown_at_ms, clock, workload.as_deref())?;
    tx.commit()?;
    if let Some(workload) = workload {
        workload.count_answer(&current, &committed.entry.after);
    }
    Ok(committed)
}

/// [`commit_answer`] that also buries the card's siblings as `bury` says,
/// in the same transaction; returns the buried siblings' ids. The commit is
/// [`Tx::commit_unsynced`]: the answer is durable once the returned
/// [`Unsynced`] is waited for, and must not be acknowledged before.
#[allow(clippy::too_many_arguments)]
pub(super) fn commit_answer_burying(
    store: &mut Store,
    scheduler: &Scheduler,
    card: &CardRow,
    rating: Rating,
    shown_at_ms: i64,
    bury: BuryRules,
    clock: &Clock<impl chrono::TimeZone>,
    mut workload: Option<&mut SessionWorkload>,
) -> Result<(Committed, Vec<i64>, Unsynced)> {
    let tx = store.begin_unsynced()?;
    if let Some(w) = workload.as_deref_mut() {
        w.follow_day(&tx, clock.today())?;
    }
    let (committed, current) = answer_in(&tx, scheduler, card.id, rating, shown_at_ms, clock, workload.as_deref())?;
    let buried = tx.bury_siblings(&current, bury, clock.today())?;
    sync::buried_siblings(&tx, &buried, clock.today(), clock.now_ms())?;
    let unsynced = tx.commit_unsynced()?;
    if let Some(workload) = workload {
        workload.count_answer(&current, &committed.entry.after);
    }
    Ok((committed, buried, unsynced))
}

/// The answer, in `tx`: reads the card as it is now, grades it with the
/// scheduler (balanced by `workload`, if any) and writes its new schedule
/// and log row. Returns the answer and the card as it was read.
fn answer_in(
    tx: &Tx,
    scheduler: &Scheduler,
    card_id: i64,
    rating: Rating,
    shown_at_ms: i64,
    clock: &Clock<impl chrono::TimeZone>,
    workload: Option<&SessionWorkload>,
) -> Result<(Committed, CardRow)> {
    let Some(current) = tx.card(card_id)? else {
        return Err(Error::Usage(format!("card {card_id} was deleted during the session")));
    };
    let recorder = Recorder::before(tx, card_id)?;
    let sibling_days = match workload {
        Some(w) => w.sibling_days_in(tx, &current)?,
        None => Vec::new(),
    };
    let balance = workload.map(|w| w.workload(&sibling_days));
    let answered = scheduler.answer(&current.schedule, card_id, rating, moment(clock), balance)?;
    let entry = LogEntry {
        card_id,
        reviewed_at_ms: clock.now_ms(),
        rating,
        duration_ms: (clock.now_ms() - shown_at_ms).clamp(0, MAX_ANSWER_MS),
        kind: answered.kind,
        elapsed_days: answered.elapsed_days,
        before: current.schedule.clone(),
        after: answered.next,
    };
    tx.write_schedule(card_id, &entry.after)?;
    let log_id = tx.insert_log(&entry)?;
    let leech = mark_leech(tx, &entry)?;
    if let Some(recorder) = recorder {
        recorder.answer(tx, log_id, &entry, leech.map(|l| l.suspended), scheduler.config())?;
    }
    let committed = Committed {
        log_id,
        entry,
        next_in: answered.next_in,
        leech,
    };
    Ok((committed, current))
}

/// Undoes the answer logged as `log_id` in one transaction: removes its log
/// row, restores the card to the schedule the answer found and brings back
/// the siblings it buried. False, changing nothing, when the card's review
/// count is no longer the one the answer left (another process answered it
/// since). Once the collection syncs, the answer is taken back there too.
pub(super) fn undo_answer(
    store: &mut Store,
    log_id: i64,
    entry: &LogEntry,
    buried: &[i64],
    workload: Option<&mut SessionWorkload>,
    now_ms: i64,
) -> Result<bool> {
    let tx = store.begin()?;
    let reps = tx.card(entry.card_id)?.map(|card| card.schedule.reps);
    if reps != Some(entry.after.reps) {
        return Ok(false); // dropped: nothing was written
    }
    if let Some(uid) = tx.log_uid(log_id)? {
        sync::retract(&tx, &uid, now_ms)?;
    }
    sync::unburied_siblings(&tx, buried, now_ms)?;
    tx.delete_log(log_id, entry.card_id)?;
    tx.write_schedule(entry.card_id, &entry.before)?;
    unmark_leech(&tx, entry)?;
    tx.unbury(buried)?;
    tx.commit()?;
    if let Some(workload) = workload {
        workload.count_undo(entry.card_id);
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::{CardState, Due};
    use crate::deck::build::{Source, build};
    use chrono::Utc;

    #[test]
    fn an_answer_starts_from_the_card_as_stored_and_undo_needs_it_unchanged() {
        let mut store = Store::open_in_memory().unwrap();
        let source = Source {
            label: "t.deck".into(),
            key: "t".into(),
            bytes: b"# T\n## a\nq: one?\na: 1\n".to_vec(),
        };
        build(&mut store, &[source]).unwrap();
        let id = crate::ids::card_id("t", "a", "basic", 0);
        let clock = Clock::new(crate::clock::parse_now("2026-03-10T10:00:00Z").unwrap(), Utc, 4);
        let settings = store.settings().unwrap();
        let scheduler = deck_scheduler(&settings, &store.decks().unwrap()[0]).unwrap();
        let shown = store.card(id).unwrap().unwrap();
        assert_eq!(shown.schedule.state, CardState::New);

        // Another process answers the card after it was shown.
        let elsewhere = scheduler
            .answer(&shown.schedule, id, Rating::Good, moment(&clock), None)
            .unwrap()
            .next;
        let tx = store.begin().unwrap();
        tx.write_schedule(id, &elsewhere).unwrap();
        tx.commit().unwrap();

        let shown_at_ms = clock.now_ms() - 70_000;
        let committed = commit_answer(&mut store, &scheduler, &shown, Rating::Good, shown_at_ms, &clock, None).unwrap();
        let entry = &committed.entry;
        assert_eq!(entry.before, elsewhere, "graded from the card as stored");
        assert_eq!((entry.after.reps, entry.duration_ms), (2, MAX_ANSWER_MS));
        assert_eq!(store.card(id).unwrap().unwrap().schedule, entry.after);
        assert_eq!(store.log_len().unwrap(), 1);

        // A card gone: an error, and nothing stored.
        let gone = CardRow {
            id: 99,
            ..shown.clone()
        };
        let err = commit_answer(&mut store, &scheduler, &gone, Rating::Good, shown_at_ms, &clock, None).err();
        assert!(matches!(err, Some(Error::Usage(m)) if m.contains("card 99 was deleted")));
        assert_eq!(store.log_len().unwrap(), 1);

        // Undone while unchanged; refused once the card has moved on.
        let mut moved = entry.after.clone();
        moved.reps += 1;
        moved.due = Due::Day(30_000);
        let tx = store.begin().unwrap();
        tx.write_schedule(id, &moved).unwrap();
        tx.commit().unwrap();
        assert!(!undo_answer(&mut store, committed.log_id, entry, &[], None, 0).unwrap());
        assert_eq!(
            (store.log_len().unwrap(), store.card(id).unwrap().unwrap().schedule),
            (1, moved)
        );
        let tx = store.begin().unwrap();
        tx.write_schedule(id, &entry.after).unwrap();
        tx.commit().unwrap();
        assert!(undo_answer(&mut store, committed.log_id, entry, &[], None, 0).unwrap());
        assert_eq!(store.log_len().unwrap(), 0);
        assert_eq!(store.card(id).unwrap().unwrap().schedule, elsewhere);
    }

    #[test]
    fn the_lapse_that_makes_a_leech_marks_and_suspends_it_and_its_undo_takes_that_back() {
        let mut store = Store::open_in_memory().unwrap();
        let source = Source {
            label: "t.deck".into(),
            key: "t".into(),
            bytes: b"# T\n## a\nq: one?\na: 1\n".to_vec(),
        };
        build(&mut store, &[source]).unwrap();
        let id = crate::ids::card_id("t", "a", "basic", 0);
        let mut settings = store.settings().unwrap();
        settings.leech_lapses = 3;
        settings.leech_action = crate::settings::LeechAction::Suspend;
        store.save_settings(&settings).unwrap();
        let clock = Clock::new(crate::clock::parse_now("2026-03-10T10:00:00Z").unwrap(), Utc, 4);
        let scheduler = deck_scheduler(&settings, &store.decks().unwrap()[0]).unwrap();
        // A review card with 2 lapses, due today.
        let review = crate::card::Schedule {
            state: CardState::Review,
            remaining_steps: 0,
            memory: Some(fsrs::MemoryState {
                stability: 3.0,
                difficulty: 8.0,
            }),
            interval: 3,
            due: Due::Day(clock.today()),
            last_review_day: Some(clock.today() - 3),
            reps: 6,
            lapses: 2,
        };
        let tx = store.begin().unwrap();
        tx.write_schedule(id, &review).unwrap();
        tx.commit().unwrap();
        let card = store.card(id).unwrap().unwrap();
        let good = commit_answer(
            &mut store,
            &scheduler,
            &card,
            Rating::Good,
            clock.now_ms(),
            &clock,
            None,
        )
        .unwrap();
        assert_eq!(good.leech, None, "no lapse, no leech");
        assert!(undo_answer(&mut store, good.log_id, &good.entry, &[], None, 0).unwrap());

        let again = commit_answer(
            &mut store,
            &scheduler,
            &card,
            Rating::Again,
            clock.now_ms(),
            &clock,
            None,
        )
        .unwrap();
        assert_eq!(
            again.leech,
            Some(Leech {
                lapses: 3,
                suspended: true
            })
        );
        let snapshot = |store: &mut Store| {
            let tx = store.begin().unwrap();
            let s = tx.card_snapshot(id).unwrap().unwrap();
            (s.leech, s.queue)
        };
        assert_eq!(snapshot(&mut store), (true, crate::store::queue::SUSPENDED));
        assert!(undo_answer(&mut store, again.log_id, &again.entry, &[], None, 0).unwrap());
        assert_eq!(snapshot(&mut store), (false, crate::store::queue::REVIEW));
        assert_eq!(store.card(id).unwrap().unwrap().schedule, review);
    }
}
