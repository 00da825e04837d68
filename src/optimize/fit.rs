//! Fitting the 21 FSRS-6 parameters to a training set with the `fsrs`
//! crate's `compute_parameters`, and judging the current and the fitted
//! parameters with its `evaluate` (recency-weighted log loss and RMSE(bins)),
//! as Anki's `compute_params` does (rslib `scheduler/fsrs/params.rs`): the
//! same training input (items in the time order of their last review, their
//! card ids, short-term stability, the relearning steps, 8 epochs), the same
//! choice between the current and the fitted parameters, and the same
//! health check of the fit.

use std::sync::{Arc, Mutex};

use fsrs::{
    CombinedProgressState, ComputeParametersInput, FSRS, FSRSItem, MemoryState, TrainingConfig, compute_parameters,
    evaluate_with_time_series_splits,
};

use super::items::TrainingSet;
use crate::error::Result;

/// Fewest training items a fit is attempted with (Anki's former minimum of
/// 400 reviews; below it the fit says little about the user).
pub const MIN_ITEMS: usize = 400;

/// Training epochs, as Anki asks of the crate (its default is 5).
pub const EPOCHS: usize = 8;

/// More training items than this are needed for a health check (Anki's).
pub const HEALTH_CHECK_MIN_ITEMS: usize = 300;

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
    let parameters = compute_parameters(training_input(set, relearning_steps, progress))?;
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

/// What the crate is given to fit (and to check a fit), as Anki gives it.
fn training_input(
    set: &TrainingSet,
    relearning_steps: usize,
    progress: Option<Arc<Mutex<CombinedProgressState>>>,
) -> ComputeParametersInput {
    ComputeParametersInput {
        train_set: set.items.clone(),
        card_ids: Some(set.card_ids.clone()),
        progress,
        enable_short_term: true,
        num_relearning_steps: Some(relearning_steps),
        training_config: Some(TrainingConfig {
            num_epochs: EPOCHS,
            ..TrainingConfig::default()
        }),
    }
}

/// Anki's health check of a fit: the parameters are fitted again on the
/// first part of the history and judged on the part after it (five time
/// splits); the log loss and RMSE(bins) of those predictions, scaled by
/// what is typical for the share of passed reviews and the number of
/// items, must not both be high.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Health {
    /// Log loss and RMSE(bins) on the reviews after each split.
    pub out_of_sample: Evaluation,
    /// Each divided by what is typical (1: typical).
    pub log_loss_ratio: f32,
    pub rmse_ratio: f32,
    pub passed: bool,
}

/// The health check of fitting `set` (None with too few items to tell).
pub fn health_check(set: &TrainingSet, relearning_steps: usize) -> Result<Option<Health>> {
    if set.items.len() <= HEALTH_CHECK_MIN_ITEMS {
        return Ok(None);
    }
    let eval = evaluate_with_time_series_splits(training_input(set, relearning_steps, None), |_| true)?;
    let passed_share = passed_share(&set.items);
    let log_loss_ratio = eval.log_loss / typical_log_loss(passed_share);
    let rmse_ratio = eval.rmse_bins / typical_rmse(passed_share, set.items.len() as u32);
    Ok(Some(Health {
        out_of_sample: Evaluation {
            log_loss: eval.log_loss,
            rmse_bins: eval.rmse_bins,
        },
        log_loss_ratio,
        rmse_ratio,
        passed: healthy(log_loss_ratio, rmse_ratio),
    }))
}

/// Anki's verdict: healthy unless both the log loss and the RMSE(bins) are
/// well above what is typical.
fn healthy(log_loss_ratio: f32, rmse_ratio: f32) -> bool {
    log_loss_ratio <= 1.11 || rmse_ratio <= 1.53
}

/// The share of items whose review was passed (Hard or better).
fn passed_share(items: &[FSRSItem]) -> f32 {
    let passed = items
        .iter()
        .filter(|item| item.reviews.last().is_some_and(|r| r.rating > 1))
        .count();
    passed as f32 / items.len() as f32
}

/// The log loss typical for a share `r` of passed reviews (Anki's
/// `log_loss_adjustment`).
fn typical_log_loss(r: f32) -> f32 {
    0.623 * (4. * r * (1. - r)).powf(0.738)
}

/// The RMSE(bins) typical for a share `r` of passed reviews and `count`
/// items (Anki's `rmse_adjustment`).
fn typical_rmse(r: f32, count: u32) -> f32 {
    0.0135 / (r.powf(0.504) - 1.14) + 0.176 / ((count as f32 / 1000.).powf(0.825) + 2.22) + 0.101
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_health_check_scales_by_what_is_typical_as_anki_does() {
        // Anki's `log_loss_adjustment` and `rmse_adjustment` at 90% passed,
        // 10,000 items.
        assert!((typical_log_loss(0.9) - 0.623 * 0.36_f32.powf(0.738)).abs() < 1e-6);
        let rmse = 0.0135 / (0.9_f32.powf(0.504) - 1.14) + 0.176 / (10_f32.powf(0.825) + 2.22) + 0.101;
        assert!((typical_rmse(0.9, 10_000) - rmse).abs() < 1e-6);
        assert!(
            typical_log_loss(0.5) > typical_log_loss(0.9),
            "harder to predict near 50%"
        );
        assert!(healthy(1.11, 9.0) && healthy(9.0, 1.53) && healthy(0.5, 0.5));
        assert!(!healthy(1.12, 1.54));
        let item = |rating| FSRSItem {
            reviews: vec![
                fsrs::FSRSReview { rating: 3, delta_t: 0 },
                fsrs::FSRSReview { rating, delta_t: 3 },
            ],
        };
        assert_eq!(passed_share(&[item(1), item(2), item(3), item(4)]), 0.75);
    }
}
