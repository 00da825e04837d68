//! What a session shows and what it waits for, in one vocabulary for every
//! kind of session: a front end draws a [`View`] and turns the learner's key
//! or line into the [`Action`] the view [`Expects`].

use super::quiz::QuizSummary;
use super::review::{self, FactLocation, QueueCounts, Summary};
use crate::deck::CardView;
use crate::quiz::{Mode, Outcome, Question, Response};
use crate::sched::{NextIn, Rating};

/// The four grades with when the card would come back after each.
pub type Buttons = [(Rating, NextIn); 4];

/// What the learner did. A session ignores an action that does not apply
/// to what it shows (a grade before the answer is checked, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Show the answer.
    Reveal,
    /// Grade the card (a review), or replace the automatic grade (a review
    /// in quiz form).
    Grade(Rating),
    /// Keep the automatic grade.
    Accept,
    /// Answer the question asked.
    Answer(Response),
    /// Take back the last answer or bury.
    Undo,
    /// Bury the card until the next study day.
    Bury,
    /// Suspend the card.
    Suspend,
    /// Show the card's hint.
    Hint,
    /// Edit the card's fact in its deck file.
    Edit,
    /// The deck file was edited (or the editor failed, and why): build it
    /// again and show the card as it now is.
    Edited(Result<(), String>),
    /// End the session (the summary follows).
    Quit,
}

/// What to draw now.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// What the last action did, drawn before the screen.
    pub notices: Vec<Notice>,
    pub screen: Screen,
}

/// A message drawn before the screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// A quiz's title, at its start.
    /// `repeating`: the quiz asks the last one's misses (each in its own format).
    QuizTitle {
        questions: usize,
        mode: Mode,
        seed: u64,
        repeating: bool,
    },
    /// How a quiz answer was judged (and the question it answered).
    Outcome { question: Box<Question>, outcome: Outcome },
    /// What a review action did.
    Review(review::Notice),
}

/// The top of a review's screen: the session's scope (a deck, or none for
/// all decks), what is left today, and the session's progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub scope: Option<String>,
    pub counts: QueueCounts,
    /// Answers given so far in this session.
    pub answered: u32,
    /// Cards this session may still show.
    pub left: u32,
}

/// Where a question stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heading {
    /// A review in quiz form: its header.
    Review(Header),
    /// A quiz: question `number` of `total` (in `round`, from 1, of a repeat of misses).
    Quiz { number: usize, total: usize, round: u32 },
}

/// The body of a view.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    /// A review's card: the question, and once revealed the answer with the
    /// grade buttons.
    Card {
        header: Header,
        card: Box<CardView>,
        answer: Option<Buttons>,
        /// The learner asked for the hint (`card.hint`).
        hint_shown: bool,
    },
    /// The card's fact is to be edited in its deck file.
    EditFile(FactLocation),
    /// A question in quiz form, waiting for its answer.
    Question { heading: Heading, question: Box<Question> },
    /// A checked answer whose automatic grade waits for confirmation.
    Judged {
        question: Box<Question>,
        outcome: Outcome,
        auto: Rating,
        buttons: Buttons,
    },
    /// Nothing yet: the notices are drawn first (what an answer did, once it
    /// is stored), then the session says what comes next
    /// ([`super::Interactive::resume`]).
    Next,
    /// The end of a review (or of a review in quiz form).
    ReviewSummary(Summary),
    /// The end of a quiz; `recording` when answers went into the schedule.
    QuizSummary { summary: QuizSummary, recording: bool },
}

/// The input a view waits for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Expects<'v> {
    /// A review key: reveal (or undo, bury, quit) before the answer is
    /// shown, grade after.
    Key { revealed: bool },
    /// An answer to the question, in its format (choice, true/false, text).
    Answer(&'v Question),
    /// Keep the automatic grade or give another.
    GradeConfirmation,
    /// The file edited (in the learner's editor), then [`Action::Edited`].
    EditFile(&'v FactLocation),
    /// No input: the next view follows the notices ([`Screen::Next`]).
    Next,
    /// Nothing: the session is over.
    Nothing,
}

impl View {
    /// A view with no notices.
    pub fn of(screen: Screen) -> View {
        View {
            notices: Vec::new(),
            screen,
        }
    }

    /// The input this view waits for.
    pub fn expects(&self) -> Expects<'_> {
        match &self.screen {
            Screen::Card { answer, .. } => Expects::Key {
                revealed: answer.is_some(),
            },
            Screen::Question { question, .. } => Expects::Answer(question),
            Screen::Judged { .. } => Expects::GradeConfirmation,
            Screen::EditFile(location) => Expects::EditFile(location),
            Screen::Next => Expects::Next,
            Screen::ReviewSummary(_) | Screen::QuizSummary { .. } => Expects::Nothing,
        }
    }
}
