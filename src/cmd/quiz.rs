//! `iskra quiz`: a quiz over the collection's facts ([`crate::session::quiz::QuizSession`]):
//! multiple choice, true/false or typed answers, drawn on the terminal or
//! spoken over the line protocol; `--misses` repeats the last quiz's misses.

use super::{bundled_if_empty, run_session};
use crate::clock::Clock;
use crate::error::Result;
use crate::quiz::Mode;
use crate::session::quiz::{QuizOptions, QuizSession};
use crate::store::Store;

/// `iskra quiz` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra quiz                              10 questions from every deck, mixed formats
  iskra quiz --deck journey-1920 --count 5 --mode choice
  iskra quiz --tag comintern --mode typed --record   answers go into the schedule
  iskra quiz --seed 7                     the same questions again"#)]
pub struct QuizArgs {
    /// Only this deck (its name or file name)
    #[arg(long, add = crate::cmd::completions::deck_names())]
    pub deck: Option<String>,
    /// How many questions
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub count: u32,
    #[arg(long, value_enum, default_value_t = ModeArg::Mixed)]
    pub mode: ModeArg,
    /// Only facts with this tag
    #[arg(long)]
    pub tag: Option<String>,
    /// Make the run reproducible (the header shows the seed used)
    #[arg(long)]
    pub seed: Option<u64>,
    /// Grade the answers into the schedule, as a review would
    #[arg(long)]
    pub record: bool,
    /// Ask again the questions the last quiz missed, round after round, until
    /// every one is answered right or you quit
    #[arg(long, conflicts_with_all = ["deck", "count", "mode", "tag"])]
    pub misses: bool,
}

/// `quiz --mode`: clap's face of [`Mode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModeArg {
    /// Pick the answer among up to four options.
    Choice,
    /// Say whether the answer shown is the right one.
    #[value(name = "truefalse")]
    TrueFalse,
    /// Type the answer; checked leniently.
    Typed,
    /// Typed for short answers, choice otherwise.
    Mixed,
}

impl From<ModeArg> for Mode {
    fn from(mode: ModeArg) -> Self {
        match mode {
            ModeArg::Choice => Self::Choice,
            ModeArg::TrueFalse => Self::TrueFalse,
            ModeArg::Typed => Self::Typed,
            ModeArg::Mixed => Self::Mixed,
        }
    }
}

/// Runs `iskra quiz`.
pub fn run(store: &mut Store, args: QuizArgs, clock: &Clock) -> Result<i32> {
    bundled_if_empty(store)?;
    let options = QuizOptions {
        deck: args.deck,
        count: args.count as usize,
        mode: args.mode.into(),
        tag: args.tag,
        seed: args.seed.unwrap_or_else(rand::random),
        record: args.record,
        misses: args.misses,
    };
    if options.record {
        super::sync::auto(store, clock);
    }
    let mut quiz = QuizSession::start(store, &options)?;
    run_session(&mut quiz, clock)?;
    drop(quiz);
    if options.record {
        super::sync::auto(store, &clock.at(super::session_now(clock)()));
    }
    Ok(0)
}
