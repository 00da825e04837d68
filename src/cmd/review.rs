//! `iskra review [--deck NAME] [--limit N] [--mode typed|choice]`: the due
//! cards as a review session ([`crate::session::review::ReviewSession`]), or with `--mode`
//! as a quiz graded into the schedule ([`crate::session::quiz_review::QuizReviewSession`]), drawn on
//! the terminal or spoken over the line protocol.

use super::{bundled_if_empty, run_session};
use crate::clock::Clock;
use crate::error::Result;
use crate::session::quiz_review::{QuizReviewSession, ReviewMode};
use crate::session::review::ReviewSession;
use crate::store::Store;

/// `iskra review` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra review                      every deck, within today's limits
  iskra review --deck people        one deck (its key, its title or a prefix)
  iskra review --limit 20           stop after 20 answers
  iskra review --mode typed         type each answer; iskra grades it"#)]
pub struct ReviewArgs {
    /// Only this deck (its name or file name)
    #[arg(long, add = crate::cmd::completions::deck_names())]
    pub deck: Option<String>,
    /// Stop after this many answers
    #[arg(long)]
    pub limit: Option<u32>,
    /// Ask the due cards as a quiz and grade the answers automatically
    #[arg(long)]
    pub mode: Option<ReviewModeArg>,
}

/// `review --mode`: clap's face of [`ReviewMode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewModeArg {
    /// Type each answer (cards whose answer is a question or an event are multiple choice).
    Typed,
    /// Pick each answer among up to four options.
    Choice,
}

impl From<ReviewModeArg> for ReviewMode {
    fn from(mode: ReviewModeArg) -> Self {
        match mode {
            ReviewModeArg::Typed => Self::Typed,
            ReviewModeArg::Choice => Self::Choice,
        }
    }
}

/// Runs `iskra review`.
pub fn run(store: &mut Store, args: ReviewArgs, clock: &Clock) -> Result<i32> {
    bundled_if_empty(store)?;
    super::sync::auto(store, clock);
    let code = match args.mode {
        None => review(store, args.deck.as_deref(), args.limit, clock),
        Some(mode) => quiz_review(store, args.deck.as_deref(), args.limit, ReviewMode::from(mode), clock),
    }?;
    super::sync::auto(store, &clock.at(super::session_now(clock)()));
    Ok(code)
}

fn review(store: &mut Store, deck: Option<&str>, limit: Option<u32>, clock: &Clock) -> Result<i32> {
    let mut session = ReviewSession::start(store, deck, limit, clock)?;
    run_session(&mut session, clock)?;
    Ok(0)
}

fn quiz_review(
    store: &mut Store,
    deck: Option<&str>,
    limit: Option<u32>,
    mode: ReviewMode,
    clock: &Clock,
) -> Result<i32> {
    let mut review = QuizReviewSession::start(store, deck, limit, mode.into(), rand::random(), clock)?;
    run_session(&mut review, clock)?;
    Ok(0)
}
