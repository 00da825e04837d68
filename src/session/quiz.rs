//! `iskra quiz`: a run of questions over a deck (or all decks), a state
//! machine like the review session: it takes responses with the time they
//! were given and returns what to show, and never touches the terminal.
//!
//! Each fact is asked at most once, through one of its cards (never its
//! reverse card); the cards, formats, distractors and their order all come
//! from one generator seeded with `--seed`. A quiz leaves the schedule alone
//! (cram) unless `record` is set: then each answer is graded automatically
//! ([`auto_rating`]) and stored as a review would store it.
//!
//! The questions a quiz misses are kept in the collection (apart from the
//! schedule, [`QuizMisses`]), saved after every answer. With `misses` set
//! the quiz asks those again, in the format they were asked in, round
//! after round until every one has been answered right or the learner
//! quits; what is still missed stays for the next `--misses`.

use std::collections::HashSet;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::review::{MAX_ANSWER_MS, commit_answer, deck_scheduler};
use super::workload::SessionWorkload;
use crate::clock::Clock;
use crate::deck::CardView;
use crate::error::{Error, Result};
use crate::quiz::grade::{Thresholds, auto_rating};
use crate::quiz::matcher::Verdict;
use crate::quiz::question::{Group, Mode, Outcome, Pool, Prompt, Question, Response, ask};
use crate::sched::{NextIn, Rating, Scheduler};
use crate::settings::{MissedQuestion, QuizMisses};
use crate::store::{DeckRow, Settings, Store};

/// What to quiz on and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizOptions {
    pub deck: Option<String>,
    pub count: usize,
    pub mode: Mode,
    pub tag: Option<String>,
    pub seed: u64,
    /// Grade the answers into the schedule.
    pub record: bool,
    /// Ask the questions the last quiz missed (`deck`, `count`, `mode` and
    /// `tag` do not apply).
    pub misses: bool,
}

/// What the learner did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuizInput {
    Answer(Response),
    Quit,
}

/// The screen to show.
#[derive(Debug, Clone, PartialEq)]
pub enum QuizScreen {
    Ask {
        /// Counted from 1.
        number: usize,
        total: usize,
        /// The round of a repeat of misses, from 1 (a quiz has one).
        round: u32,
        question: Box<Question>,
    },
    Finished(QuizSummary),
}

/// What an answer earned.
#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub outcome: Outcome,
    /// The grade stored and when the card comes back (with `record`).
    pub recorded: Option<(Rating, NextIn)>,
}

/// A question answered wrongly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Miss {
    pub question: String,
    pub given: String,
    pub expected: String,
}

/// The end of a quiz.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuizSummary {
    pub asked: u32,
    /// Right answers, close ones included.
    pub right: u32,
    /// Right answers with a typo.
    pub close: u32,
    /// Time spent answering (each answer capped as in reviews).
    pub time_ms: i64,
    pub misses: Vec<Miss>,
    /// Answers stored in the schedule.
    pub recorded: u32,
    /// Questions missed and not yet answered right: what `quiz --misses` asks next.
    pub still_missed: usize,
    /// Whether this quiz repeated the last one's misses.
    pub repeating: bool,
}

struct Recorder {
    schedulers: Vec<(i64, Scheduler)>,
    thresholds: Thresholds,
    settings: Settings,
    /// The load balancer, started with the first recorded answer (when the
    /// settings use one).
    workload: Option<Option<SessionWorkload>>,
}

/// A quiz in progress.
pub struct QuizSession<'s> {
    store: &'s mut Store,
    options: QuizOptions,
    questions: Vec<Question>,
    next: usize,
    shown_at_ms: Option<i64>,
    recorder: Option<Recorder>,
    summary: QuizSummary,
    /// What distractors are drawn from, and the generator, for the rounds of `misses`.
    pool: Pool,
    rng: StdRng,
    /// The misses as stored: this quiz's so far (or, repeating, those not yet right).
    stored: QuizMisses,
    /// Questions missed in this round of a repeat, asked again in the next.
    again: Vec<Question>,
    round: u32,
}

/// The cards of the given decks that can be asked or offered, as shown.
pub(crate) fn deck_cards(store: &Store, decks: &[DeckRow]) -> Result<Vec<CardView>> {
    let mut cards = Vec::new();
    for deck in decks {
        cards.extend(
            store
                .active_cards(deck.id)?
                .iter()
                .map(|row| CardView::of(row, &deck.name)),
        );
    }
    Ok(cards)
}

/// One deck by name, or every deck.
pub(crate) fn decks_in_scope(store: &Store, deck: Option<&str>) -> Result<Vec<DeckRow>> {
    match deck {
        Some(name) => Ok(vec![store.find_deck(name)?]),
        None => store.decks(),
    }
}

fn has_tag(card: &CardView, tag: Option<&str>) -> bool {
    tag.is_none_or(|tag| card.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)))
}

/// Up to `count` cards, one per fact, in a seeded random order.
fn pick<'c>(cards: &'c [CardView], options: &QuizOptions, rng: &mut StdRng) -> Vec<&'c CardView> {
    let mut eligible: Vec<&CardView> = cards
        .iter()
        .filter(|c| Group::of(&c.template) != Group::Reverse && has_tag(c, options.tag.as_deref()))
        .collect();
    eligible.shuffle(rng);
    let mut facts = HashSet::new();
    eligible
        .into_iter()
        .filter(|c| facts.insert((c.deck_id, c.fact_key.clone())))
        .take(options.count)
        .collect()
}

/// The cards the last quiz missed, as stored, that can still be asked
/// (not suspended or buried), with the format each was asked in.
fn missed_cards(store: &Store, cards: &[CardView]) -> Result<Vec<(CardView, Mode)>> {
    let stored = store.quiz_misses()?;
    Ok(stored
        .questions
        .iter()
        .filter_map(|miss| {
            let card = cards.iter().find(|c| c.card_id == miss.card_id)?;
            Some((card.clone(), format_mode(&miss.format)))
        })
        .collect())
}

/// The format a question was asked in, as a mode to ask it again.
fn asked_format(prompt: &Prompt) -> &'static str {
    match prompt {
        Prompt::Choice(_) => Mode::Choice.name(),
        Prompt::TrueFalse { .. } => Mode::TrueFalse.name(),
        Prompt::Typed => Mode::Typed.name(),
    }
}

fn format_mode(format: &str) -> Mode {
    match format {
        "choice" => Mode::Choice,
        "truefalse" => Mode::TrueFalse,
        _ => Mode::Typed,
    }
}

impl<'s> QuizSession<'s> {
    pub fn start(store: &'s mut Store, options: &QuizOptions) -> Result<Self> {
        let decks = match options.misses {
            true => store.decks()?,
            false => decks_in_scope(store, options.deck.as_deref())?,
        };
        let cards = deck_cards(store, &decks)?;
        let pool = Pool::new(&cards);
        let mut rng = StdRng::seed_from_u64(options.seed);
        let (questions, stored): (Vec<Question>, QuizMisses) = if options.misses {
            let missed = missed_cards(store, &cards)?;
            let stored = QuizMisses {
                questions: missed
                    .iter()
                    .map(|(card, mode)| MissedQuestion {
                        card_id: card.card_id,
                        format: mode.name().to_string(),
                    })
                    .collect(),
            };
            let questions = missed
                .into_iter()
                .map(|(card, mode)| ask(card, mode, &pool, &mut rng))
                .collect();
            (questions, stored)
        } else {
            let questions = pick(&cards, options, &mut rng)
                .into_iter()
                .map(|card| ask(card.clone(), options.mode, &pool, &mut rng))
                .collect();
            (questions, QuizMisses::default())
        };
        if questions.is_empty() {
            return Err(Error::Usage(if options.misses {
                NO_MISSES.to_string()
            } else {
                nothing_to_quiz(options)
            }));
        }
        let recorder = if options.record {
            let settings = store.settings()?;
            let schedulers = decks
                .iter()
                .map(|d| Ok((d.id, deck_scheduler(&settings, d)?)))
                .collect::<Result<Vec<_>>>()?;
            Some(Recorder {
                schedulers,
                thresholds: settings.quiz,
                settings,
                workload: None,
            })
        } else {
            None
        };
        Ok(QuizSession {
            store,
            options: options.clone(),
            questions,
            next: 0,
            shown_at_ms: None,
            recorder,
            summary: QuizSummary {
                repeating: options.misses,
                ..QuizSummary::default()
            },
            pool,
            rng,
            stored,
            again: Vec::new(),
            round: 1,
        })
    }

    /// What the quiz was started with.
    pub fn options(&self) -> &QuizOptions {
        &self.options
    }

    /// How many questions the quiz has.
    pub fn total(&self) -> usize {
        self.questions.len()
    }

    /// The screen to show now; the question's clock starts at its first showing.
    pub fn current(&mut self, clock: &Clock<impl chrono::TimeZone>) -> QuizScreen {
        if self.next == self.questions.len() && !self.again.is_empty() {
            self.next_round();
        }
        let Some(question) = self.questions.get(self.next) else {
            let mut summary = self.summary.clone();
            summary.still_missed = self.stored.questions.len();
            return QuizScreen::Finished(summary);
        };
        self.shown_at_ms.get_or_insert(clock.now_ms());
        QuizScreen::Ask {
            number: self.next + 1,
            total: self.questions.len(),
            round: self.round,
            question: Box::new(question.clone()),
        }
    }

    /// Applies an input. A response that does not fit the question gives no
    /// feedback and the same question again.
    pub fn handle(
        &mut self,
        input: QuizInput,
        clock: &Clock<impl chrono::TimeZone>,
    ) -> Result<(Option<Feedback>, QuizScreen)> {
        let feedback = match input {
            QuizInput::Quit => {
                self.next = self.questions.len();
                self.again.clear();
                None
            }
            QuizInput::Answer(response) => self.answer(&response, clock)?,
        };
        Ok((feedback, self.current(clock)))
    }

    fn answer(&mut self, response: &Response, clock: &Clock<impl chrono::TimeZone>) -> Result<Option<Feedback>> {
        let Some(question) = self.questions.get(self.next) else {
            return Ok(None);
        };
        let Some(outcome) = question.check(response) else {
            return Ok(None);
        };
        let shown_at_ms = self.shown_at_ms.unwrap_or(clock.now_ms());
        let duration_ms = (clock.now_ms() - shown_at_ms).clamp(0, MAX_ANSWER_MS);
        let card_id = question.card.card_id;
        let question_text = question.card.front.clone();
        let recorded = self.record(card_id, &outcome.verdict, shown_at_ms, duration_ms, clock)?;
        self.keep_miss(self.next, outcome.verdict.is_right())?;
        self.count(&outcome, question_text, duration_ms, recorded.is_some());
        self.next += 1;
        self.shown_at_ms = None;
        Ok(Some(Feedback { outcome, recorded }))
    }

    /// Saves the misses after the answer to question `at`: a first quiz
    /// stores each wrong answer; a repeat drops a question once it is right
    /// and asks a wrong one again in the next round.
    fn keep_miss(&mut self, at: usize, right: bool) -> Result<()> {
        let Some(question) = self.questions.get(at) else {
            return Ok(());
        };
        let card_id = question.card.card_id;
        let changed = match (self.options.misses, right) {
            (false, false) => {
                self.stored.questions.push(MissedQuestion {
                    card_id,
                    format: asked_format(&question.prompt).to_string(),
                });
                true
            }
            // A first quiz's first answer replaces the last quiz's misses.
            (false, true) => self.summary.asked == 0,
            (true, false) => {
                self.again.push(question.clone());
                false
            }
            (true, true) => {
                self.stored.questions.retain(|m| m.card_id != card_id);
                true
            }
        };
        if changed {
            self.store.save_quiz_misses(&self.stored)?;
        }
        Ok(())
    }

    /// Starts the next round of a repeat: the questions missed in this one,
    /// asked again in the same format with options drawn afresh.
    fn next_round(&mut self) {
        let again = std::mem::take(&mut self.again);
        self.questions = again
            .into_iter()
            .map(|q| {
                let mode = format_mode(asked_format(&q.prompt));
                ask(q.card, mode, &self.pool, &mut self.rng)
            })
            .collect();
        self.next = 0;
        self.round += 1;
    }

    /// Stores the answer's automatic grade, when recording.
    fn record(
        &mut self,
        card_id: i64,
        verdict: &Verdict,
        shown_at_ms: i64,
        duration_ms: i64,
        clock: &Clock<impl chrono::TimeZone>,
    ) -> Result<Option<(Rating, NextIn)>> {
        let Some(recorder) = &mut self.recorder else {
            return Ok(None);
        };
        if recorder.workload.is_none() {
            recorder.workload = Some(SessionWorkload::start(self.store, &recorder.settings, clock.today())?);
        }
        let card = self
            .store
            .card(card_id)?
            .ok_or_else(|| Error::Usage(format!("card {card_id} is no longer in the collection")))?;
        let scheduler = recorder
            .schedulers
            .iter()
            .find(|(deck, _)| *deck == card.deck_id)
            .map(|(_, s)| s)
            .ok_or_else(|| Error::Usage(format!("card {card_id} moved to another deck during the quiz")))?;
        let rating = auto_rating(verdict, duration_ms, &recorder.thresholds);
        let workload = recorder.workload.as_mut().and_then(Option::as_mut);
        let committed = commit_answer(self.store, scheduler, &card, rating, shown_at_ms, clock, workload)?;
        Ok(Some((rating, committed.next_in)))
    }

    fn count(&mut self, outcome: &Outcome, question: String, duration_ms: i64, recorded: bool) {
        let s = &mut self.summary;
        s.asked += 1;
        s.time_ms += duration_ms;
        s.recorded += u32::from(recorded);
        match outcome.verdict {
            Verdict::Wrong => s.misses.push(Miss {
                question,
                given: outcome.given.clone(),
                expected: outcome.expected.clone(),
            }),
            Verdict::Close { .. } => {
                s.right += 1;
                s.close += 1;
            }
            _ => s.right += 1,
        }
    }
}

const NO_MISSES: &str = "no missed questions to repeat: the last quiz missed none (or they were answered right since, or their cards are suspended).\n  hint: `iskra quiz` starts a new quiz";

fn nothing_to_quiz(options: &QuizOptions) -> String {
    let mut scope = match &options.deck {
        Some(deck) => format!("deck {deck:?}"),
        None => "the collection".to_string(),
    };
    if let Some(tag) = &options.tag {
        scope.push_str(&format!(" with tag {tag:?}"));
    }
    format!(
        "no cards to quiz in {scope}.\n  hint: `iskra status` lists the decks; suspended and buried cards are left out"
    )
}

#[cfg(test)]
mod tests;
