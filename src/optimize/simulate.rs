//! `iskra simulate`: the `fsrs` crate's simulator, started from the
//! collection's own cards (their memory states and due days), daily limits
//! and parameters, with answer times and button choices taken from the
//! review log (smoothed toward the crate's defaults while the log is short).
//! One run per desired retention, all with the same seed. With the load
//! balancer on, each interval the simulator schedules is placed by it with
//! the simulated days' due counts and the easy days, as Anki's simulator
//! does (rslib `scheduler/fsrs/simulator.rs`,
//! `apply_load_balance_and_easy_days`; siblings are not simulated).

use std::sync::Arc;

use fsrs::{
    Card, PostSchedulingContext, PostSchedulingFn, RevlogEntry, RevlogReviewKind, SimulatorConfig,
    check_and_fill_parameters, extract_simulator_config, simulate,
};

use crate::clock::DayNumber;
use crate::deck::RETENTION_RANGE;
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::sched::balance::{day_weight, easy_day_modifiers, select_weighted, weekday};
use crate::sched::fuzz::fuzz_bounds;
use crate::settings::EasyDays;
use crate::store::{SimulationCard, TrainingRow};

/// The simulator's seed: every run (and every retention) draws the same answers.
pub const SEED: u64 = 42;

/// Most retentions one run compares.
const MAX_RETENTIONS: usize = 30;

/// What one simulation starts from.
#[derive(Debug, Clone)]
pub struct Setup {
    pub parameters: Vec<f32>,
    pub days: usize,
    /// New cards a day and reviews a day, at most.
    pub new_limit: usize,
    pub review_limit: usize,
    pub max_interval: u32,
    pub learn_steps: usize,
    pub relearn_steps: usize,
    /// The easy days the load balancer places intervals with; `None`: no
    /// load balancer (it is off, or fuzz is).
    pub balance: Option<EasyDays>,
}

/// The outcome for one desired retention.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub retention: f32,
    /// Reviews a day, on average (new cards not counted).
    pub reviews_per_day: f32,
    /// New cards learned a day, on average.
    pub new_per_day: f32,
    /// Study time a day, on average.
    pub minutes_per_day: f32,
    /// Cards expected to be remembered on the last day.
    pub remembered: f32,
}

/// The workload-vs-retention curve (`simulate --curve`, `report --curve`):
/// one outcome per desired retention from 0.70 to 0.99, and the one that
/// costs least study time per card remembered.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadCurve {
    pub outcomes: Vec<Outcome>,
    /// Index in `outcomes` of the retention that costs least study time per
    /// card remembered; `None` when no retention remembers any card.
    pub cheapest: Option<usize>,
    /// The desired retention in use.
    pub in_use: f32,
    /// Days simulated.
    pub days: u32,
}

impl WorkloadCurve {
    /// The retentions the curve simulates: 0.70 to 0.99 in steps of 0.01.
    pub fn retentions() -> Vec<f32> {
        (70..=99).map(|r| r as f32 / 100.0).collect()
    }

    /// The curve of these outcomes, its cheapest retention found.
    pub fn new(outcomes: Vec<Outcome>, in_use: f32, days: u32) -> Self {
        let cheapest = outcomes
            .iter()
            .enumerate()
            .filter(|(_, o)| o.remembered > 0.0)
            .min_by(|(_, a), (_, b)| minutes_per_card(a).total_cmp(&minutes_per_card(b)))
            .map(|(i, _)| i);
        WorkloadCurve {
            outcomes,
            cheapest,
            in_use,
            days,
        }
    }

    /// The outcome of the cheapest retention.
    pub fn cheapest_outcome(&self) -> Option<&Outcome> {
        self.cheapest.map(|i| &self.outcomes[i])
    }
}

/// Minutes of study a day per card remembered at the end.
fn minutes_per_card(o: &Outcome) -> f32 {
    o.minutes_per_day / o.remembered
}

/// Parses `--retention`: a range `0.80..0.95` walked in steps of `step`,
/// a list `0.85,0.9`, or one value.
pub fn parse_retentions(spec: &str, step: f32) -> Result<Vec<f32>> {
    let bad = |what: String| {
        Error::Usage(format!(
            "--retention {spec:?}: {what}.\n  hint: give a range like 0.80..0.95 (with --step 0.05), or a list like 0.85,0.9; retentions go from 0.70 to 0.99"
        ))
    };
    let number = |text: &str| -> Result<f32> {
        let value: f32 = text
            .trim()
            .parse()
            .map_err(|_| bad(format!("{text:?} is not a number")))?;
        if !RETENTION_RANGE.contains(&value) {
            return Err(bad(format!("{value} is outside 0.70..0.99")));
        }
        Ok(value)
    };
    let values = match spec.split_once("..") {
        Some((from, to)) => {
            let (from, to) = (number(from)?, number(to)?);
            if from > to {
                return Err(bad(format!("the range starts above its end ({from} > {to})")));
            }
            if !(step >= 0.001 && step.is_finite()) {
                return Err(bad(format!("--step {step} is not a positive step of at least 0.001")));
            }
            let count = ((to - from) / step + 1e-3).floor() as usize + 1;
            if count > MAX_RETENTIONS {
                return Err(bad(format!(
                    "{count} retentions are too many (at most {MAX_RETENTIONS})"
                )));
            }
            (0..count).map(|i| round3(from + step * i as f32)).collect()
        }
        None => spec.split(',').map(number).collect::<Result<Vec<f32>>>()?,
    };
    if values.len() > MAX_RETENTIONS {
        return Err(bad(format!(
            "{} retentions are too many (at most {MAX_RETENTIONS})",
            values.len()
        )));
    }
    Ok(values)
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

/// Runs the simulator once per retention, reporting each to `progress`.
pub fn simulate_retentions(
    setup: &Setup,
    cards: &[SimulationCard],
    log: &[TrainingRow],
    today: DayNumber,
    next_day_starts_at_secs: i64,
    retentions: &[f32],
    progress: &dyn Progress,
) -> Result<Vec<Outcome>> {
    let mut config = simulator_config(setup, log, next_day_starts_at_secs, today);
    let parameters = Arc::new(check_and_fill_parameters(&setup.parameters)?);
    progress.start("retentions", retentions.len() as u64);
    retentions
        .iter()
        .enumerate()
        .map(|(i, &retention)| {
            let outcome = simulate_one(&mut config, setup, &parameters, cards, today, retention);
            progress.done(i as u64 + 1);
            outcome
        })
        .collect()
}

/// One run of the simulator, at one desired retention.
fn simulate_one(
    config: &mut SimulatorConfig,
    setup: &Setup,
    parameters: &Arc<Vec<f32>>,
    cards: &[SimulationCard],
    today: DayNumber,
    retention: f32,
) -> Result<Outcome> {
    let start = starting_cards(setup, parameters, cards, today, retention);
    config.deck_size = start.len();
    if start.is_empty() {
        return Ok(Outcome {
            retention,
            reviews_per_day: 0.0,
            new_per_day: 0.0,
            minutes_per_day: 0.0,
            remembered: 0.0,
        });
    }
    let result = simulate(config, &setup.parameters, retention, Some(SEED), Some(start))?;
    let days = setup.days.max(1) as f32;
    Ok(Outcome {
        retention,
        reviews_per_day: result.review_cnt_per_day.iter().sum::<usize>() as f32 / days,
        new_per_day: result.learn_cnt_per_day.iter().sum::<usize>() as f32 / days,
        minutes_per_day: result.cost_per_day.iter().sum::<f32>() / 60.0 / days,
        remembered: result.memorized_cnt_per_day.last().copied().unwrap_or(0.0),
    })
}

/// The simulator's settings: the collection's limits and steps, answer
/// times and button choices from the log.
fn simulator_config(
    setup: &Setup,
    log: &[TrainingRow],
    next_day_starts_at_secs: i64,
    today: DayNumber,
) -> SimulatorConfig {
    let habits = extract_simulator_config(revlog(log), next_day_starts_at_secs, true);
    let post_scheduling_fn = setup
        .balance
        .map(|easy_days| PostSchedulingFn::new(move |ctx| balanced_interval(ctx, today, &easy_days)));
    SimulatorConfig {
        deck_size: 0,
        learn_span: setup.days,
        max_cost_perday: f32::MAX,
        max_ivl: setup.max_interval as f32,
        learn_limit: setup.new_limit,
        review_limit: setup.review_limit,
        // As the sessions: the review limit holds new cards back (`DailyLimits`).
        new_cards_ignore_review_limit: false,
        learning_step_count: setup.learn_steps,
        relearning_step_count: setup.relearn_steps,
        post_scheduling_fn,
        ..habits
    }
}

/// The interval the load balancer gives a simulated card: within the fuzz
/// range of the simulator's interval, weighed by the cards the simulation
/// has due on each day and the easy days, drawn with the simulator's
/// generator (Anki's `apply_load_balance_and_easy_days`).
fn balanced_interval(mut ctx: PostSchedulingContext<'_>, first_day: DayNumber, easy_days: &EasyDays) -> f32 {
    let interval = ctx.card.interval;
    let (lower, upper) = fuzz_bounds(interval, 1, ctx.max_interval as u32);
    let seed = ctx.random_u64();
    let day = |days: u32| ctx.today + days as usize;
    let counts: Vec<u32> = (lower..=upper)
        .map(|days| ctx.due_counts_per_day.get(day(days)).map_or(0, |&n| n as u32))
        .collect();
    let weekdays: Vec<usize> = (lower..=upper)
        .map(|days| weekday(first_day + day(days) as DayNumber))
        .collect();
    let easy = easy_day_modifiers(easy_days, &weekdays, &counts);
    let weights = (lower..=upper)
        .zip(counts)
        .zip(easy)
        .map(|((days, count), easy)| (days, day_weight(days, count, 1.0, easy)));
    select_weighted(weights, seed).map_or(interval, |days| days as f32)
}

/// The log as the crate's revlog entries (graded answers only).
fn revlog(log: &[TrainingRow]) -> Vec<RevlogEntry> {
    log.iter()
        .filter(|row| (1..=4).contains(&row.rating))
        .map(|row| RevlogEntry {
            id: row.reviewed_at_ms,
            cid: row.card_id,
            button_chosen: row.rating,
            taken_millis: u32::try_from(row.duration_ms).unwrap_or(0),
            review_kind: match row.kind {
                0 => RevlogReviewKind::Learning,
                1 => RevlogReviewKind::Review,
                2 => RevlogReviewKind::Relearning,
                3 => RevlogReviewKind::Filtered,
                _ => RevlogReviewKind::Manual,
            },
            ..RevlogEntry::default()
        })
        .collect()
}

/// The cards as the simulator starts from them, as Anki converts them:
/// review cards keep their due day and last review (relative to today),
/// learning cards are due today, new cards are introduced `new_limit` a day.
fn starting_cards(
    setup: &Setup,
    parameters: &Arc<Vec<f32>>,
    cards: &[SimulationCard],
    today: DayNumber,
    retention: f32,
) -> Vec<Card> {
    let card = |id, difficulty, stability, last_date, due, interval| Card {
        id,
        difficulty,
        stability,
        last_date,
        due,
        interval,
        lapses: 0,
        desired_retention: retention,
        parameters: parameters.clone(),
    };
    let mut out = Vec::with_capacity(cards.len());
    let mut new: usize = 0;
    for c in cards {
        match (c.state, c.stability, c.difficulty) {
            (0, _, _) | (_, None, _) | (_, _, None) => {
                // Without new cards a day, new cards never start.
                if let Some(day) = new.checked_div(setup.new_limit) {
                    // A stability just above the crate's "no card" cut-off marks a new card.
                    out.push(card(
                        -(new as i64) - 1,
                        f32::NEG_INFINITY,
                        1e-8,
                        f32::NEG_INFINITY,
                        day as f32,
                        f32::NEG_INFINITY,
                    ));
                    new += 1;
                }
            }
            (state, Some(stability), Some(difficulty)) => {
                let last = c.last_review_day.map_or(0, |day| day.saturating_sub(today).min(0)) as f32;
                let due = if state == 2 {
                    c.due.saturating_sub(today) as f32
                } else {
                    0.0
                };
                let mut started = card(c.id, difficulty, stability, last, due, c.interval as f32);
                started.lapses = c.lapses;
                out.push(started);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Silent;

    #[test]
    fn the_curve_marks_the_least_study_time_per_card_remembered() {
        let outcome = |retention, minutes_per_day, remembered| Outcome {
            retention,
            reviews_per_day: 0.0,
            new_per_day: 0.0,
            minutes_per_day,
            remembered,
        };
        // Per card: 0.1, 0.0 (nothing remembered: left out), 0.05, 0.08.
        let outcomes = vec![
            outcome(0.7, 10.0, 100.0),
            outcome(0.8, 0.0, 0.0),
            outcome(0.9, 10.0, 200.0),
            outcome(0.95, 20.0, 250.0),
        ];
        let curve = WorkloadCurve::new(outcomes, 0.9, 365);
        assert_eq!(curve.cheapest, Some(2));
        assert_eq!(curve.cheapest_outcome().map(|o| o.retention), Some(0.9));
        assert_eq!(
            WorkloadCurve::new(vec![outcome(0.7, 0.0, 0.0)], 0.9, 365).cheapest,
            None
        );
        let retentions = WorkloadCurve::retentions();
        assert_eq!((retentions.len(), retentions[0], retentions[29]), (30, 0.70, 0.99));
    }

    #[test]
    fn retention_ranges_lists_and_single_values() {
        assert_eq!(
            parse_retentions("0.80..0.95", 0.05).unwrap(),
            vec![0.8, 0.85, 0.9, 0.95]
        );
        assert_eq!(parse_retentions("0.9..0.94", 0.02).unwrap(), vec![0.9, 0.92, 0.94]);
        assert_eq!(parse_retentions("0.85, 0.9", 0.05).unwrap(), vec![0.85, 0.9]);
        assert_eq!(parse_retentions("0.9", 0.05).unwrap(), vec![0.9]);
    }

    #[test]
    fn bad_retentions_say_what_is_wrong() {
        for (spec, step, needle) in [
            ("0.5..0.9", 0.05, "outside 0.70..0.99"),
            ("0.95..0.8", 0.05, "starts above its end"),
            ("0.8..0.9", 0.0, "--step 0"),
            ("0.7..0.99", 0.001, "too many"),
            ("high", 0.05, "\"high\" is not a number"),
        ] {
            let err = parse_retentions(spec, step).unwrap_err().to_string();
            assert!(err.contains(needle) && err.contains("hint:"), "{spec}: {err}");
        }
    }

    fn setup(new_limit: usize) -> Setup {
        Setup {
            parameters: Vec::new(),
            days: 30,
            new_limit,
            review_limit: 100,
            max_interval: 36_500,
            learn_steps: 2,
            relearn_steps: 1,
            balance: None,
        }
    }

    fn card(id: i64, state: i64, due: i64, memory: Option<(f32, f32)>) -> SimulationCard {
        SimulationCard {
            id,
            state,
            due,
            stability: memory.map(|m| m.0),
            difficulty: memory.map(|m| m.1),
            interval: 5,
            last_review_day: memory.map(|_| 95),
            lapses: 1,
        }
    }

    #[test]
    fn cards_start_where_they_are() {
        let cards = [
            card(1, 2, 103, Some((7.5, 4.0))),
            card(2, 1, 0, Some((0.5, 6.0))),
            card(3, 0, 1, None),
            card(4, 0, 2, None),
            card(5, 0, 3, None),
        ];
        let parameters = Arc::new(check_and_fill_parameters(&[]).unwrap());
        let start = starting_cards(&setup(2), &parameters, &cards, 100, 0.85);
        let summary: Vec<(i64, f32, f32, f32)> =
            start.iter().map(|c| (c.id, c.stability, c.last_date, c.due)).collect();
        assert_eq!(
            summary,
            vec![
                (1, 7.5, -5.0, 3.0),
                (2, 0.5, -5.0, 0.0),
                (-1, 1e-8, f32::NEG_INFINITY, 0.0),
                (-2, 1e-8, f32::NEG_INFINITY, 0.0),
                (-3, 1e-8, f32::NEG_INFINITY, 1.0),
            ]
        );
        assert!(
            start
                .iter()
                .all(|c| c.desired_retention == 0.85 && c.parameters.len() == 21)
        );
        assert_eq!(start[0].lapses, 1);
        // Without new cards a day, new cards never start.
        assert_eq!(starting_cards(&setup(0), &parameters, &cards, 100, 0.9).len(), 2);
    }

    #[test]
    fn higher_retention_costs_more_reviews_and_keeps_more_cards() {
        let cards: Vec<SimulationCard> = (0..200).map(|i| card(i, 0, i, None)).collect();
        let outcomes = simulate_retentions(&setup(20), &cards, &[], 100, 0, &[0.8, 0.95], &Silent).unwrap();
        assert_eq!(outcomes.len(), 2);
        let (low, high) = (outcomes[0], outcomes[1]);
        assert!(high.reviews_per_day > low.reviews_per_day, "{low:?} {high:?}");
        assert!(high.remembered > low.remembered, "{low:?} {high:?}");
        assert!(
            (low.new_per_day - 200.0 / 30.0).abs() < 1e-3,
            "all 200 cards start within 10 days: {low:?}"
        );
        // The same seed gives the same outcome.
        assert_eq!(
            simulate_retentions(&setup(20), &cards, &[], 100, 0, &[0.8], &Silent).unwrap()[0],
            low
        );
    }

    #[test]
    fn the_load_balancer_keeps_reviews_off_minimum_days() {
        use crate::settings::EasyDay;
        let cards: Vec<SimulationCard> = (0..300).map(|i| card(i, 0, i, None)).collect();
        let today = 20_458; // a Monday
        let mut easy = [EasyDay::Normal; 7];
        (easy[5], easy[6]) = (EasyDay::Minimum, EasyDay::Minimum);
        let weekend_share = |balance: Option<EasyDays>| {
            let setup = Setup {
                days: 70,
                balance,
                ..setup(20)
            };
            let mut config = simulator_config(&setup, &[], 0, today);
            let parameters = Arc::new(check_and_fill_parameters(&[]).unwrap());
            let start = starting_cards(&setup, &parameters, &cards, today, 0.9);
            config.deck_size = start.len();
            let result = simulate(&config, &[], 0.9, Some(SEED), Some(start)).unwrap();
            // From the third week on, when reviews are scheduled by then.
            let days = &result.review_cnt_per_day[14..];
            let weekend: usize = days
                .iter()
                .enumerate()
                .filter(|(d, _)| weekday(today + 14 + *d as i64) >= 5)
                .map(|(_, n)| n)
                .sum();
            weekend as f32 / days.iter().sum::<usize>() as f32
        };
        let plain = weekend_share(None);
        let balanced = weekend_share(Some([EasyDay::Normal; 7]));
        let easy_weekends = weekend_share(Some(easy));
        assert!(plain > 0.2 && balanced > 0.2, "{plain} {balanced}");
        // Intervals under 2.5 days have no range to move in: some reviews stay.
        assert!(
            easy_weekends < plain / 2.0,
            "weekends minimum: {easy_weekends} of the reviews, {plain} without the balancer"
        );
    }

    #[test]
    fn no_cards_simulate_to_nothing() {
        let outcomes = simulate_retentions(&setup(20), &[], &[], 100, 0, &[0.9], &Silent).unwrap();
        assert_eq!(outcomes[0].reviews_per_day, 0.0);
        assert_eq!(outcomes[0].remembered, 0.0);
    }
}
