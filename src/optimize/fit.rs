//! Fitting the 21 FSRS-6 parameters to a training set with the `fsrs`
//! crate's `compute_parameters`, and judging the current and the fitted
//! parameters with its `evaluate` (recency-weighted log loss and RMSE(bins)),
//! as Anki does.

use std::sync::{Arc, Mutex};

use fsrs::{CombinedProgressState, ComputeParametersInput, FSRS, MemoryState, compute_parameters};

use super::items::TrainingSet;
use crate::error::Result;

/// Fewest training items a fit is attempted with (Anki's former minimum of
/// 400 reviews; below it the fit says little about the user).
pub const MIN_ITEMS: usize = 400;

/// How well parameters predict the training set (lower is better).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub log_loss: f32,
    pub rmse_bins: f32,
}

/// The outcome of a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The parameters in use before, judged on the same items.
    pub current: Evaluation,
    pub parameters: Vec<f32>,
    pub fitted: Evaluation,
    /// Whether the fitted parameters should replace the current ones.
    pub better: bool,
}

/// Judges `parameters` (empty: the crate's defaults) on the training set.
pub fn evaluate(parameters: &[f32], set: &TrainingSet) -> Result<Evaluation> {
    let fsrs = FSRS::new(parameters)?;
    let eval = fsrs.evaluate_with_card_ids(set.items.clone(), set.card_ids.clone(), |_| true)?;
    Ok(Evaluation {
        log_loss: eval.log_loss,
        rmse_bins: eval.rmse_bins,
    })
}

/// Fits the parameters and compares them with `current`. The fitted ones
/// are better when their log loss is lower, or, as Anki decides, when the
/// current ones let stability grow over more than one relearning step.
pub fn fit(
    set: &TrainingSet,
    current: &[f32],
    relearning_steps: usize,
    progress: Option<Arc<Mutex<CombinedProgressState>>>,
) -> Result<Fit> {
    let parameters = compute_parameters(ComputeParametersInput {
        train_set: set.items.clone(),
        card_ids: Some(set.card_ids.clone()),
        progress,
        enable_short_term: true,
        num_relearning_steps: Some(relearning_steps),
        training_config: None,
    })?;
    let current_eval = evaluate(current, set)?;
    let fitted = evaluate(&parameters, set)?;
    let better = fitted.log_loss < current_eval.log_loss
        || (relearning_steps > 1 && !short_term_stays_short(current, relearning_steps)?);
    Ok(Fit {
        current: current_eval,
        parameters,
        fitted,
        better,
    })
}

/// Anki's check for several relearning steps: starting from a lapse of a
/// card with stability 1, do `steps` same-day Good answers keep the
/// stability below 1 day?
fn short_term_stays_short(parameters: &[f32], steps: usize) -> Result<bool> {
    let fsrs = FSRS::new(parameters)?;
    let start = MemoryState {
        stability: 1.0,
        difficulty: 1.0,
    };
    let mut memory = fsrs.next_states(Some(start), 0.9, 2)?.again.memory;
    for _ in 0..steps {
        memory = fsrs.next_states(Some(memory), 0.9, 0)?.good.memory;
    }
    Ok(memory.stability < start.stability)
}
