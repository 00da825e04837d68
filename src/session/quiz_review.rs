//! `iskra review --mode typed|choice`: the due cards of a review session,
//! asked in quiz form and graded automatically ([`auto_rating`]). After the
//! check the learner sees the grade and may replace it (1–4) before it is
//! stored; the grade counts from the moment of the answer, not of the
//! confirmation. The review session ([`ReviewSession`]) still picks the cards,
//! keeps the limits and stores each answer in one transaction.

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::quiz::{deck_cards, decks_in_scope};
use super::review::{Input, MAX_ANSWER_MS, Notice, QueueCounts, ReviewSession, Screen, Summary};
use crate::clock::Clock;
use crate::error::Result;
use crate::quiz::grade::{Thresholds, auto_rating, first_answer_cap};
use crate::quiz::question::{Mode, Outcome, Pool, Question, Response, ask};
use crate::sched::{CardState, NextIn, Rating};
use crate::store::Store;

/// How `review --mode` asks the due cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewMode {
    /// Type each answer (cards whose answer is a question or an event are multiple choice).
    Typed,
    /// Pick each answer among up to four options.
    Choice,
}

impl From<ReviewMode> for Mode {
    fn from(mode: ReviewMode) -> Mode {
        match mode {
            ReviewMode::Typed => Mode::Typed,
            ReviewMode::Choice => Mode::Choice,
        }
    }
}

/// What the learner did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewInput {
    Answer(Response),
    /// Store the automatic grade.
    Accept,
    /// Store this grade instead.
    Grade(Rating),
    Quit,
}

/// The screen to show.
#[derive(Debug, Clone, PartialEq)]
pub enum ReviewScreen {
    Ask {
        question: Question,
        counts: QueueCounts,
    },
    /// The answer was checked; the grade waits for confirmation.
    Judged {
        question: Question,
        outcome: Outcome,
        auto: Rating,
        buttons: [(Rating, NextIn); 4],
    },
    Finished(Summary),
}

#[derive(Clone)]
struct Judged {
    question: Question,
    outcome: Outcome,
    auto: Rating,
    buttons: [(Rating, NextIn); 4],
    answered_at: DateTime<Utc>,
}

enum State {
    Idle,
    Asking {
        question: Question,
        counts: QueueCounts,
        shown_at_ms: i64,
    },
    Judged(Judged),
}

/// A review session asked in quiz form.
pub struct QuizReviewSession<'s> {
    session: ReviewSession<'s>,
    pool: Pool,
    rng: StdRng,
    mode: Mode,
    thresholds: Thresholds,
    state: State,
}

impl<'s> QuizReviewSession<'s> {
    /// Starts reviewing `deck` (or every deck); `seed` drives the distractors.
    pub fn start(
        store: &'s mut Store,
        deck: Option<&str>,
        limit: Option<u32>,
        mode: Mode,
        seed: u64,
        clock: &Clock<impl chrono::TimeZone>,
    ) -> Result<Self> {
        let decks = decks_in_scope(store, deck)?;
        let pool = Pool::new(&deck_cards(store, &decks)?);
        let thresholds = store.settings()?.quiz;
        Ok(QuizReviewSession {
            session: ReviewSession::start(store, deck, limit, clock)?,
            pool,
            rng: StdRng::seed_from_u64(seed),
            mode,
            thresholds,
            state: State::Idle,
        })
    }

    /// The deck the review is limited to (`--deck`), or none for all decks.
    pub fn scope(&self) -> Option<&str> {
        self.session.scope()
    }

    /// The review session underneath (its progress, its scope).
    pub fn review(&self) -> &ReviewSession<'s> {
        &self.session
    }

    /// The screen to show now.
    pub fn current(&mut self, clock: &Clock<impl chrono::TimeZone>) -> Result<ReviewScreen> {
        if matches!(self.state, State::Idle) {
            let screen = self.session.current(clock)?;
            return Ok(self.show(screen, clock));
        }
        Ok(self.screen())
    }

    /// Applies an input; returns a notice (if any) and the screen to show next.
    pub fn handle<Tz: chrono::TimeZone>(
        &mut self,
        input: ReviewInput,
        clock: &Clock<Tz>,
    ) -> Result<(Option<Notice>, ReviewScreen)> {
        match (input, &self.state) {
            (ReviewInput::Quit, State::Judged(judged)) => {
                let (notice, _) = self.commit(judged.auto, clock)?;
                let (_, screen) = self.session.handle(Input::Quit, clock)?;
                Ok((notice, self.show(screen, clock)))
            }
            (ReviewInput::Quit, _) => {
                let (_, screen) = self.session.handle(Input::Quit, clock)?;
                Ok((None, self.show(screen, clock)))
            }
            (ReviewInput::Answer(response), State::Asking { .. }) => {
                self.judge(&response, clock)?;
                Ok((None, self.screen()))
            }
            (ReviewInput::Accept, State::Judged(judged)) => {
                let (notice, screen) = self.commit(judged.auto, clock)?;
                Ok((notice, self.show(screen, clock)))
            }
            (ReviewInput::Grade(rating), State::Judged(_)) => {
                let (notice, screen) = self.commit(rating, clock)?;
                Ok((notice, self.show(screen, clock)))
            }
            // An answer after the check, or a grade before it: nothing to do.
            _ => Ok((None, self.current(clock)?)),
        }
    }

    /// Checks the response to the question asked; a response that does not
    /// fit leaves the question as it is.
    fn judge(&mut self, response: &Response, clock: &Clock<impl chrono::TimeZone>) -> Result<()> {
        let State::Asking {
            question, shown_at_ms, ..
        } = &self.state
        else {
            return Ok(());
        };
        let Some(outcome) = question.check(response) else {
            return Ok(());
        };
        let duration_ms = (clock.now_ms() - shown_at_ms).clamp(0, MAX_ANSWER_MS);
        let auto = first_answer_cap(
            auto_rating(&outcome.verdict, duration_ms, &self.thresholds),
            question.card.state == CardState::New.name(),
        );
        let question = question.clone();
        let (_, revealed) = self.session.handle(Input::Reveal, clock)?;
        let Screen::Answer { buttons, .. } = revealed else {
            return Ok(());
        };
        self.state = State::Judged(Judged {
            question,
            outcome,
            auto,
            buttons,
            answered_at: clock.now(),
        });
        Ok(())
    }

    /// Stores `rating` for the judged card, as of the moment of the answer.
    fn commit<Tz: chrono::TimeZone>(&mut self, rating: Rating, clock: &Clock<Tz>) -> Result<(Option<Notice>, Screen)> {
        let answered_at = match &self.state {
            State::Judged(judged) => judged.answered_at,
            _ => clock.now(),
        };
        self.state = State::Idle;
        self.session.grade_answered(rating, &clock.at(answered_at), clock)
    }

    /// Turns the session's screen into a quiz screen, asking a new card.
    fn show(&mut self, screen: Screen, clock: &Clock<impl chrono::TimeZone>) -> ReviewScreen {
        match screen {
            Screen::Finished(summary) => {
                self.state = State::Idle;
                ReviewScreen::Finished(summary)
            }
            Screen::Question { card, counts, .. } | Screen::Answer { card, counts, .. } => {
                let question = ask(card, self.mode, &self.pool, &mut self.rng);
                self.state = State::Asking {
                    question,
                    counts,
                    shown_at_ms: clock.now_ms(),
                };
                self.screen()
            }
        }
    }

    fn screen(&self) -> ReviewScreen {
        match &self.state {
            State::Asking { question, counts, .. } => ReviewScreen::Ask {
                question: question.clone(),
                counts: *counts,
            },
            State::Judged(j) => ReviewScreen::Judged {
                question: j.question.clone(),
                outcome: j.outcome.clone(),
                auto: j.auto,
                buttons: j.buttons,
            },
            State::Idle => ReviewScreen::Finished(Summary::default()),
        }
    }
}

#[cfg(test)]
mod tests;
