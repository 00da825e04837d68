//! The review session: a state machine that takes inputs (reveal, grade,
//! hint, undo, bury, suspend, quit) with the time they happened and returns
//! what to show. It also says where the shown card's fact is written and
//! rebuilds that deck file once a front end had it edited.
//! It never touches the terminal, so it is tested without one; `ui` renders
//! its screens and reads keys.
//!
//! Order of cards: learning cards due now, then due reviews (earliest first)
//! with new cards spread evenly among them, then learning cards due within
//! the learn-ahead window. A card of the fact just answered (a sibling) is
//! never next while any other card is left; answering a card buries its
//! siblings until the next study day as the `bury-*` settings say. Daily
//! limits come from [`super::limits`]. Each answer is committed before the next card.

use std::path::PathBuf;

use crate::clock::{Clock, DayNumber};
pub use crate::deck::CardView;
use crate::error::{Error, Result};
use crate::sched::{NextIn, Rating, Scheduler};
use crate::store::{BuryRules, CardRow, DeckRow, LogEntry, Store, SyncReport, Unsynced, WaitingCounts};
use crate::sync::record::change_card;
pub use answer::{Committed, Leech, commit_answer, deck_scheduler};
use answer::{commit_answer_burying, moment, undo_answer};
pub use summary::Summary;

use super::limits::DailyLimits;
use super::workload::SessionWorkload;

/// Waits until an answer committed unsynced (if any) is durable.
fn durable(unsynced: Option<Unsynced>) -> Result<()> {
    unsynced.map_or(Ok(()), Unsynced::wait)
}

/// Answer time is capped at this, so a break does not count as study time.
pub const MAX_ANSWER_MS: i64 = 60_000;

/// What the learner did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Reveal,
    Grade(Rating),
    Undo,
    Bury,
    /// Suspend the card shown (undoable within the session).
    Suspend,
    /// Show the card's hint (hints are hidden until asked for).
    Hint,
    Quit,
}

/// Counts shown in the header: new · learning · due.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct QueueCounts {
    pub new: u32,
    pub learning: u32,
    pub due: u32,
}

/// The screen the UI should draw now.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Question {
        card: CardView,
        counts: QueueCounts,
        /// The learner asked for the card's hint.
        hint_shown: bool,
    },
    Answer {
        card: CardView,
        counts: QueueCounts,
        buttons: [(Rating, NextIn); 4],
        hint_shown: bool,
    },
    Finished(Summary),
}

/// A message about what the last input did.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Answered {
        rating: Rating,
        next_in: NextIn,
    },
    /// An answer that made the card a leech.
    Leech {
        rating: Rating,
        next_in: NextIn,
        leech: Leech,
    },
    Undone,
    NothingToUndo,
    /// Undo refused: another iskra answered the card after this session did.
    ChangedElsewhere,
    Buried,
    /// Undo brought back the card buried last.
    Unburied,
    RevealFirst,
    Suspended,
    /// Undo brought back the card suspended last.
    Unsuspended,
    /// The card shown has no hint.
    NoHint,
    /// The card's deck was built from the copy bundled into iskra: no file to edit.
    NoDeckFile {
        deck: String,
    },
    /// The edited deck file was built again.
    Rebuilt(SyncReport),
    /// The deck file was not built again, and why.
    NotRebuilt(String),
    /// The edit removed the card shown (or its fact) from the deck file.
    EditedCardGone,
}

/// Where a card's fact is written: its deck file and the line of its `## id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactLocation {
    pub path: PathBuf,
    pub line: usize,
}

struct DeckScope {
    row: DeckRow,
    scheduler: Scheduler,
    /// The siblings an answer buries (the deck's options).
    bury: BuryRules,
    /// What the deck's due cards leave of its review limit, as the header
    /// last counted it: the most new cards it may give now
    /// (`DailyLimits`: the review limit holds new cards back).
    review_room: std::cell::Cell<u32>,
}

struct Shown {
    card: CardRow,
    shown_at_ms: i64,
    revealed: bool,
}

enum UndoEntry {
    Answer {
        log_id: i64,
        card: CardRow,
        entry: LogEntry,
        /// Siblings the answer buried.
        buried: Vec<i64>,
    },
    Bury {
        card: CardRow,
    },
    Suspend {
        card: CardRow,
    },
}

/// A review session over one deck or all decks.
pub struct ReviewSession<'s> {
    store: &'s mut Store,
    decks: Vec<DeckScope>,
    limits: DailyLimits,
    /// The deck named with `--deck`, or none for all decks.
    scope: Option<String>,
    /// The fact and card answered (or buried) last.
    last_fact: Option<(i64, i64)>,
    learn_ahead_ms: i64,
    limit: Option<u32>,
    today: DayNumber,
    shown: Option<Shown>,
    undo: Vec<UndoEntry>,
    summary: Summary,
    answered_since_new: u32,
    /// The card whose hint the learner asked for.
    hint_for: Option<i64>,
    /// The load balancer, when the settings use one.
    workload: Option<SessionWorkload>,
    /// The header counts, kept while [`ReviewSession::current`] picks and
    /// shows a card at one time (picking needs them too): counted once a step.
    counts_now: std::cell::Cell<CountsMemo>,
}

/// See [`ReviewSession::counts_now`].
#[derive(Debug, Clone, Copy)]
enum CountsMemo {
    /// Not kept: counted at every call.
    Off,
    /// To be kept once counted.
    Empty,
    Counted(QueueCounts),
}

/// What an input did, before the next screen is picked
/// ([`ReviewSession::apply`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    /// What to tell the learner (an answer is stored by now); the next
    /// screen is [`ReviewSession::current`].
    Notice(Option<Notice>),
    /// The session ended (quit).
    Finished(Summary),
}

impl<'s> ReviewSession<'s> {
    /// Starts a session on `deck` (or every deck), answering at most `limit` cards.
    pub fn start(
        store: &'s mut Store,
        deck: Option<&str>,
        limit: Option<u32>,
        clock: &Clock<impl chrono::TimeZone>,
    ) -> Result<Self> {
        let settings = store.settings()?;
        let rows = match deck {
            Some(name) => vec![store.find_deck(name)?],
            None => store.decks()?,
        };
        let today = clock.today();
        let limits = DailyLimits::load(store, &settings, &rows, clock)?;
        let scope = deck.map(|_| rows.first().map(|r| r.name.clone()).unwrap_or_default());
        let last_fact = store.last_answered()?;
        let workload = SessionWorkload::start(store, &settings, today)?;
        // No answer waits for a checkpoint; closing the collection does it.
        store.defer_checkpoints()?;
        // An answer is made durable while the next card is picked.
        store.overlap_syncs()?;
        let decks = rows
            .into_iter()
            .map(|row| {
                let options = settings.deck_options(&row);
                Ok(DeckScope {
                    scheduler: Scheduler::new(options.scheduler)?,
                    bury: options.bury,
                    row,
                    review_room: std::cell::Cell::new(0),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ReviewSession {
            store,
            decks,
            limits,
            scope,
            last_fact,
            learn_ahead_ms: i64::from(settings.learn_ahead_mins) * 60_000,
            limit,
            today,
            shown: None,
            undo: Vec::new(),
            summary: Summary::default(),
            answered_since_new: 0,
            hint_for: None,
            workload,
            counts_now: std::cell::Cell::new(CountsMemo::Off),
        })
    }

    /// The screen to show now (the current question, or the next card). Its
    /// reads (the next card of each deck, the header counts) share one read
    /// transaction and count the header once.
    pub fn current(&mut self, clock: &Clock<impl chrono::TimeZone>) -> Result<Screen> {
        let span = self.store.begin_read()?;
        self.counts_now.set(CountsMemo::Empty);
        let screen = self.current_in_span(clock);
        self.counts_now.set(CountsMemo::Off);
        span.end(self.store, screen)
    }

    fn current_in_span(&mut self, clock: &Clock<impl chrono::TimeZone>) -> Result<Screen> {
        if self.shown.is_none() {
            self.hint_for = None;
            self.shown = self.pick(clock)?.map(|card| Shown {
                card,
                shown_at_ms: clock.now_ms(),
                revealed: false,
            });
        }
        self.screen(clock)
    }

    /// Applies an input; returns a notice (if any) and the screen to show
    /// next. An answer is made durable while the next card is picked (see
    /// `store::Unsynced`), and this returns once both are done: the notice
    /// (`answered:`) and the next card are shown together.
    pub fn handle(&mut self, input: Input, clock: &Clock<impl chrono::TimeZone>) -> Result<(Option<Notice>, Screen)> {
        let (applied, unsynced) = self.apply_unsynced(input, clock)?;
        let shown = match applied {
            Applied::Finished(summary) => (None, Screen::Finished(summary)),
            Applied::Notice(notice) => (notice, self.current(clock)?),
        };
        durable(unsynced)?;
        Ok(shown)
    }

    /// Applies an input without picking what is shown next, so that a front
    /// end can show the notice (an answer stored: durable by now) before the
    /// next card is picked; then [`ReviewSession::current`] is the screen.
    pub fn apply(&mut self, input: Input, clock: &Clock<impl chrono::TimeZone>) -> Result<Applied> {
        let (applied, unsynced) = self.apply_unsynced(input, clock)?;
        durable(unsynced)?;
        Ok(applied)
    }

    /// [`ReviewSession::apply`], with the answer of a grade not yet durable:
    /// nothing may be acknowledged before the `Unsynced` returned is waited for.
    fn apply_unsynced(
        &mut self,
        input: Input,
        clock: &Clock<impl chrono::TimeZone>,
    ) -> Result<(Applied, Option<Unsynced>)> {
        if let Input::Grade(rating) = input
            && self.shown.as_ref().is_some_and(|shown| shown.revealed)
        {
            let (notice, unsynced) = self.grade(rating, clock)?;
            return Ok((Applied::Notice(Some(notice)), Some(unsynced)));
        }
        let notice = match input {
            Input::Quit => return Ok((Applied::Finished(self.finish(clock)?), None)),
            Input::Reveal => {
                if let Some(shown) = &mut self.shown {
                    shown.revealed = true;
                }
                None
            }
            Input::Grade(_) => self.shown.as_ref().map(|_| Notice::RevealFirst),
            Input::Undo => {
                self.hint_for = None;
                Some(self.undo(clock)?)
            }
            Input::Bury => self.set_aside(false, clock.now_ms())?,
            Input::Suspend => self.set_aside(true, clock.now_ms())?,
            Input::Hint => match &self.shown {
                Some(shown) if self.store.fact_hint(shown.card.fact_id)?.is_some() => {
                    self.hint_for = Some(shown.card.id);
                    None
                }
                Some(_) => Some(Notice::NoHint),
                None => None,
            },
        };
        Ok((Applied::Notice(notice), None))
    }

    /// Buries (until the next study day) or suspends the card shown, and
    /// moves on; undo brings it back.
    fn set_aside(&mut self, suspend: bool, now_ms: i64) -> Result<Option<Notice>> {
        let Some(shown) = self.shown.take() else {
            return Ok(None);
        };
        self.last_fact = Some((shown.card.fact_id, shown.card.id));
        let card = shown.card;
        if suspend {
            change_card(self.store, card.id, now_ms, |tx| tx.suspend_card(card.id))?;
            self.undo.push(UndoEntry::Suspend { card });
            Ok(Some(Notice::Suspended))
        } else {
            let today = self.today;
            change_card(self.store, card.id, now_ms, |tx| tx.bury_card(card.id, today))?;
            self.undo.push(UndoEntry::Bury { card });
            Ok(Some(Notice::Buried))
        }
    }

    /// Grades the card shown as answered at `answered` and moves on at `now`.
    /// Quizzes check the answer first and let the learner confirm the grade
    /// after, so the answer's time is not the time of the next card.
    pub fn grade_answered<Tz: chrono::TimeZone>(
        &mut self,
        rating: Rating,
        answered: &Clock<Tz>,
        now: &Clock<Tz>,
    ) -> Result<(Option<Notice>, Screen)> {
        let (notice, unsynced) = match &mut self.shown {
            Some(shown) => {
                shown.revealed = true;
                let (notice, unsynced) = self.grade(rating, answered)?;
                (Some(notice), Some(unsynced))
            }
            None => (None, None),
        };
        let screen = self.current(now)?;
        durable(unsynced)?;
        Ok((notice, screen))
    }

    fn screen(&mut self, clock: &Clock<impl chrono::TimeZone>) -> Result<Screen> {
        let Some(shown) = &self.shown else {
            return Ok(Screen::Finished(self.finish(clock)?));
        };
        let counts = self.counts(clock)?;
        let scope = self.scope_of(shown.card.deck_id)?;
        let hint = self.store.fact_hint(shown.card.fact_id)?;
        let card = CardView::of(&shown.card, &scope.row.name).with_hint_apart(hint);
        let hint_shown = self.hint_for == Some(shown.card.id);
        if !shown.revealed {
            return Ok(Screen::Question {
                card,
                counts,
                hint_shown,
            });
        }
        let sibling_days = match &self.workload {
            Some(w) => w.sibling_days_of(self.store, &shown.card)?,
            None => Vec::new(),
        };
        let balance = self.workload.as_ref().map(|w| w.workload(&sibling_days));
        let previews = scope
            .scheduler
            .preview(&shown.card.schedule, shown.card.id, moment(clock), balance)?;
        let buttons = [0, 1, 2, 3].map(|i| (Rating::ALL[i], previews[i].next_in));
        Ok(Screen::Answer {
            card,
            counts,
            buttons,
            hint_shown,
        })
    }

    fn scope_of(&self, deck_id: i64) -> Result<&DeckScope> {
        find_scope(&self.decks, deck_id)
    }

    /// Grades the card shown (there must be one); the answer is durable once
    /// the `Unsynced` returned is waited for.
    fn grade(&mut self, rating: Rating, clock: &Clock<impl chrono::TimeZone>) -> Result<(Notice, Unsynced)> {
        let Some(shown) = self.shown.take() else {
            return Err(Error::Internal("a grade with no card shown".into()));
        };
        let scope = find_scope(&self.decks, shown.card.deck_id)?;
        let (committed, buried, unsynced) = commit_answer_burying(
            self.store,
            &scope.scheduler,
            &shown.card,
            rating,
            shown.shown_at_ms,
            scope.bury,
            clock,
            self.workload.as_mut(),
        )?;
        self.count_answer(&shown.card, &committed.entry, 1);
        self.last_fact = Some((shown.card.fact_id, shown.card.id));
        self.undo.push(UndoEntry::Answer {
            log_id: committed.log_id,
            card: shown.card,
            entry: committed.entry,
            buried,
        });
        let next_in = committed.next_in;
        let notice = match committed.leech {
            Some(leech) => Notice::Leech { rating, next_in, leech },
            None => Notice::Answered { rating, next_in },
        };
        Ok((notice, unsynced))
    }

    fn undo(&mut self, clock: &Clock<impl chrono::TimeZone>) -> Result<Notice> {
        let Some(last) = self.undo.pop() else {
            return Ok(Notice::NothingToUndo);
        };
        let (card, notice) = match last {
            UndoEntry::Bury { card } => {
                change_card(self.store, card.id, clock.now_ms(), |tx| tx.unbury(&[card.id]))?;
                (card, Notice::Unburied)
            }
            UndoEntry::Suspend { card } => {
                change_card(self.store, card.id, clock.now_ms(), |tx| tx.unsuspend_card(card.id))?;
                (card, Notice::Unsuspended)
            }
            UndoEntry::Answer {
                log_id,
                card,
                entry,
                buried,
            } => {
                if !undo_answer(
                    self.store,
                    log_id,
                    &entry,
                    &buried,
                    self.workload.as_mut(),
                    clock.now_ms(),
                )? {
                    return Ok(Notice::ChangedElsewhere);
                }
                self.count_answer(&card, &entry, -1);
                // The card as the answer found it.
                let mut card = card;
                card.schedule = entry.before;
                (card, Notice::Undone)
            }
        };
        // The card shown before the undo goes back to its queue unanswered.
        self.shown = Some(Shown {
            card,
            shown_at_ms: clock.now_ms(),
            revealed: false,
        });
        Ok(notice)
    }

    /// Keeps the session's counters in step with an answer (+1) or its undo (-1).
    fn count_answer(&mut self, card: &CardRow, entry: &LogEntry, sign: i32) {
        self.limits.count(card.deck_id, &card.schedule, sign);
        match (card.schedule.state, card.schedule.due) {
            (crate::sched::CardState::New, _) => self.answered_since_new = 0,
            (_, crate::sched::Due::Day(_)) if sign > 0 => self.answered_since_new += 1,
            _ => {}
        }
        self.summary
            .count(card.id, entry.rating == Rating::Again, entry.duration_ms, sign);
    }

    /// Header counts over the session's decks, within today's limits (as
    /// Anki counts them: learning cards due within the learn-ahead window
    /// and cards in day-long steps due today are learning).
    pub fn counts(&self, clock: &Clock<impl chrono::TimeZone>) -> Result<QueueCounts> {
        let memo = self.counts_now.get();
        if let CountsMemo::Counted(counts) = memo {
            return Ok(counts);
        }
        let mut total = WaitingCounts::default();
        for scope in &self.decks {
            // The new-card total is capped at the collection's limit, so no
            // deck needs counting beyond what it leaves after the decks
            // before it. Reviews are counted to each deck's own limit: cards
            // in day-long steps of every deck come before any deck's
            // reviews under the collection's limit (as Anki gathers them),
            // which `cap_totals` decides over the totals.
            let mut query = self.limits.query(scope.row.id, clock);
            query.new_left = query
                .new_left
                .min(self.limits.collection_new_left().saturating_sub(total.new));
            let c = self.store.queue_counts(scope.row.id, &query)?;
            scope
                .review_room
                .set(query.reviews_left.saturating_sub(c.day_learning + c.review));
            total.new += c.new;
            total.intraday += c.intraday;
            total.day_learning += c.day_learning;
            total.review += c.review;
        }
        let total = self.limits.cap_totals(total);
        let counts = QueueCounts {
            new: total.new,
            learning: total.learning(),
            due: total.review,
        };
        if let CountsMemo::Empty = memo {
            self.counts_now.set(CountsMemo::Counted(counts));
        }
        Ok(counts)
    }

    /// The deck the session is limited to (`--deck`), or none for all decks.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// Answers given in this session (undone ones not counted).
    pub fn answered(&self) -> u32 {
        self.summary.answers
    }

    /// Cards this session may still show today, as the header counts them,
    /// within `--limit`.
    pub fn left(&self, counts: &QueueCounts) -> u32 {
        let left = counts.new + counts.learning + counts.due;
        match self.limit {
            Some(limit) => left.min(limit.saturating_sub(self.summary.answers)),
            None => left,
        }
    }
}

fn find_scope(decks: &[DeckScope], deck_id: i64) -> Result<&DeckScope> {
    decks
        .iter()
        .find(|d| d.row.id == deck_id)
        .ok_or_else(|| Error::Usage(format!("card of unknown deck {deck_id}")))
}

mod answer;
mod edit;
mod next_card;
mod summary;
#[cfg(test)]
mod tests;
