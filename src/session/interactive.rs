//! The one interface front ends drive a session through: the first view,
//! then an action and the next view, until the view expects nothing. Each
//! session kind keeps its own typed state machine (tested directly); here
//! it is given the common vocabulary of [`super::view`].

use chrono::TimeZone;

use super::quiz::{QuizInput, QuizScreen, QuizSession};
use super::quiz_review::{QuizReviewSession, ReviewInput, ReviewScreen};
use super::review::{self, Applied, Input, QueueCounts, ReviewSession};
use super::view::{Action, Header, Heading, Notice, Screen, View};
use crate::clock::Clock;
use crate::error::{Error, Result};

/// A session as front ends see it.
pub trait Interactive {
    /// The first view, before the learner has done anything.
    fn begin<Tz: TimeZone>(&mut self, clock: &Clock<Tz>) -> Result<View>;

    /// Applies what the learner did at the clock's time; returns what to show next.
    fn act<Tz: TimeZone>(&mut self, action: Action, clock: &Clock<Tz>) -> Result<View>;

    /// The view after one whose screen was [`Screen::Next`] (its notices
    /// drawn): what the session shows next. Only sessions that return
    /// [`Screen::Next`] implement it.
    fn resume<Tz: TimeZone>(&mut self, _clock: &Clock<Tz>) -> Result<View> {
        Err(Error::Internal(
            "this session shows nothing ahead of its next screen".into(),
        ))
    }
}

impl ReviewSession<'_> {
    /// The header of this session's screens.
    fn header(&self, counts: QueueCounts) -> Header {
        Header {
            scope: self.scope().map(str::to_string),
            answered: self.answered(),
            left: self.left(&counts),
            counts,
        }
    }

    fn view(&self, notice: Option<review::Notice>, screen: review::Screen) -> View {
        let screen = match screen {
            review::Screen::Question {
                card,
                counts,
                hint_shown,
            } => Screen::Card {
                header: self.header(counts),
                card: Box::new(card),
                answer: None,
                hint_shown,
            },
            review::Screen::Answer {
                card,
                counts,
                buttons,
                hint_shown,
            } => Screen::Card {
                header: self.header(counts),
                card: Box::new(card),
                answer: Some(buttons),
                hint_shown,
            },
            review::Screen::Finished(summary) => Screen::ReviewSummary(summary),
        };
        View {
            notices: notice.into_iter().map(Notice::Review).collect(),
            screen,
        }
    }
}

impl Interactive for ReviewSession<'_> {
    fn begin<Tz: TimeZone>(&mut self, clock: &Clock<Tz>) -> Result<View> {
        let screen = self.current(clock)?;
        Ok(self.view(None, screen))
    }

    fn act<Tz: TimeZone>(&mut self, action: Action, clock: &Clock<Tz>) -> Result<View> {
        let input = match action {
            Action::Reveal => Input::Reveal,
            Action::Grade(rating) => Input::Grade(rating),
            Action::Undo => Input::Undo,
            Action::Bury => Input::Bury,
            Action::Suspend => Input::Suspend,
            Action::Hint => Input::Hint,
            Action::Quit => Input::Quit,
            Action::Edit => {
                return match self.fact_location()? {
                    Ok(location) => Ok(View::of(Screen::EditFile(location))),
                    Err(notice) => {
                        let screen = self.current(clock)?;
                        Ok(self.view(Some(notice), screen))
                    }
                };
            }
            Action::Edited(edited) => {
                let (notice, screen) = self.rebuild_edited(edited, clock)?;
                return Ok(self.view(notice, screen));
            }
            Action::Accept | Action::Answer(_) => return self.begin(clock),
        };
        // An answer is made durable while the next card is picked; its
        // `answered:` is shown with the next card, once it is durable.
        if let Input::Grade(_) = input {
            let (notice, screen) = self.handle(input, clock)?;
            return Ok(self.view(notice, screen));
        }
        // What another input did is shown before the next card is picked.
        match self.apply(input, clock)? {
            Applied::Finished(summary) => Ok(self.view(None, review::Screen::Finished(summary))),
            Applied::Notice(Some(notice)) => Ok(View {
                notices: vec![Notice::Review(notice)],
                screen: Screen::Next,
            }),
            Applied::Notice(None) => self.begin(clock),
        }
    }

    fn resume<Tz: TimeZone>(&mut self, clock: &Clock<Tz>) -> Result<View> {
        self.begin(clock)
    }
}

impl QuizSession<'_> {
    fn view(&self, screen: QuizScreen) -> View {
        View::of(match screen {
            QuizScreen::Ask {
                number,
                total,
                round,
                question,
            } => Screen::Question {
                heading: Heading::Quiz { number, total, round },
                question,
            },
            QuizScreen::Finished(summary) => Screen::QuizSummary {
                summary,
                recording: self.options().record,
            },
        })
    }
}

impl Interactive for QuizSession<'_> {
    fn begin<Tz: TimeZone>(&mut self, clock: &Clock<Tz>) -> Result<View> {
        let screen = self.current(clock);
        let mut view = self.view(screen);
        view.notices.push(Notice::QuizTitle {
            questions: self.total(),
            mode: self.options().mode,
            seed: self.options().seed,
            repeating: self.options().misses,
        });
        Ok(view)
    }

    fn act<Tz: TimeZone>(&mut self, action: Action, clock: &Clock<Tz>) -> Result<View> {
        let input = match action {
            Action::Answer(response) => QuizInput::Answer(response),
            Action::Quit => QuizInput::Quit,
            _ => {
                let screen = self.current(clock);
                return Ok(self.view(screen));
            }
        };
        let asked = match self.current(clock) {
            QuizScreen::Ask { question, .. } => Some(question),
            QuizScreen::Finished(_) => None,
        };
        let (feedback, screen) = self.handle(input, clock)?;
        let mut view = self.view(screen);
        if let (Some(feedback), Some(question)) = (feedback, asked) {
            view.notices.push(Notice::Outcome {
                question,
                outcome: feedback.outcome,
            });
            if let Some((rating, next_in)) = feedback.recorded {
                view.notices
                    .push(Notice::Review(review::Notice::Answered { rating, next_in }));
            }
        }
        Ok(view)
    }
}

impl QuizReviewSession<'_> {
    fn view(&self, notice: Option<review::Notice>, screen: ReviewScreen) -> View {
        let screen = match screen {
            ReviewScreen::Ask { question, counts } => Screen::Question {
                heading: Heading::Review(self.review().header(counts)),
                question: Box::new(question),
            },
            ReviewScreen::Judged {
                question,
                outcome,
                auto,
                buttons,
            } => Screen::Judged {
                question: Box::new(question),
                outcome,
                auto,
                buttons,
            },
            ReviewScreen::Finished(summary) => Screen::ReviewSummary(summary),
        };
        View {
            notices: notice.into_iter().map(Notice::Review).collect(),
            screen,
        }
    }
}

impl Interactive for QuizReviewSession<'_> {
    fn begin<Tz: TimeZone>(&mut self, clock: &Clock<Tz>) -> Result<View> {
        let screen = self.current(clock)?;
        Ok(self.view(None, screen))
    }

    fn act<Tz: TimeZone>(&mut self, action: Action, clock: &Clock<Tz>) -> Result<View> {
        let input = match action {
            Action::Answer(response) => ReviewInput::Answer(response),
            Action::Accept => ReviewInput::Accept,
            Action::Grade(rating) => ReviewInput::Grade(rating),
            Action::Quit => ReviewInput::Quit,
            Action::Reveal
            | Action::Undo
            | Action::Bury
            | Action::Suspend
            | Action::Hint
            | Action::Edit
            | Action::Edited(_) => return self.begin(clock),
        };
        let (notice, screen) = self.handle(input, clock)?;
        Ok(self.view(notice, screen))
    }
}
