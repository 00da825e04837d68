//! `iskra optimize` (fit FSRS to the review history, show or save the
//! parameters) and `iskra simulate` (workload and recall for a range of
//! desired retentions): read the options, call [`crate::optimize`], report
//! with a progress bar and tables.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone};
use fsrs::{CombinedProgressState, DEFAULT_PARAMETERS};

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::optimize::fit::{self, Evaluation, Fit, MIN_ITEMS};
use crate::optimize::items::{self, TrainingSet};
use crate::optimize::simulate::{self, WorkloadCurve};
use crate::progress::Progress;
use crate::session::limits::deck_limits;
use crate::store::{DeckRow, FsrsFit, Settings, Store};
use crate::text::escape_control;

/// `iskra optimize` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra optimize                    fit to the whole collection's history
  iskra optimize --deck people      a deck of its own
  iskra optimize --show             the parameters in use"#)]
pub struct OptimizeArgs {
    /// Fit one deck's history; the parameters are then used for that deck only
    #[arg(long, value_name = "NAME", add = crate::cmd::completions::deck_names())]
    pub deck: Option<String>,
    /// Print the parameters in use and how they were fitted; fit nothing
    #[arg(long)]
    pub show: bool,
    /// Skip Anki's health check of the fit (it fits five times more, on
    /// parts of the history, to see how well the parameters predict later answers)
    #[arg(long)]
    pub no_health_check: bool,
}

/// `iskra simulate` options.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  iskra simulate
  iskra simulate --retention 0.85..0.95 --step 0.025 --days 180
  iskra simulate --deck people
  iskra simulate --curve            study time and cards remembered for 0.70 to 0.99"#)]
pub struct SimulateArgs {
    /// Desired retentions to compare: a range walked in steps of --step, a list (0.85,0.9) or one value
    #[arg(
        long,
        value_name = "FROM..TO",
        default_value = "0.80..0.95",
        conflicts_with = "curve"
    )]
    pub retention: String,
    /// Step through a --retention range
    #[arg(long, default_value_t = 0.05, conflicts_with = "curve")]
    pub step: f32,
    /// Draw study time and cards remembered for every retention from 0.70 to 0.99, marking the one that
    /// costs least study time per card remembered (to help pick a desired retention, as Anki's workload graph)
    #[arg(long)]
    pub curve: bool,
    /// Days to simulate
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: u32,
    /// Simulate one deck (its cards, limits and parameters)
    #[arg(long, value_name = "NAME", add = crate::cmd::completions::deck_names())]
    pub deck: Option<String>,
}

/// Runs `iskra optimize`. Too little history is reported, not an error
/// (exit code 0, nothing changed).
pub fn run_optimize<Tz: TimeZone>(
    store: &mut Store,
    args: OptimizeArgs,
    clock: &Clock<Tz>,
    out: &mut impl Write,
) -> Result<i32> {
    let settings = store.settings()?;
    let deck = args.deck.as_deref().map(|name| store.find_deck(name)).transpose()?;
    let key = deck.as_ref().map(|d| d.key.as_str());
    if args.show {
        show(&settings, deck.as_ref(), clock, out).map_err(Error::stdout)?;
        return Ok(0);
    }
    let rows = store.training_log(deck.as_ref().map(|d| d.id))?;
    let set = items::training_set(&rows, clock);
    let scope = scope_name(deck.as_ref());
    if set.items.len() < MIN_ITEMS {
        too_few(&set, &scope, out).map_err(Error::stdout)?;
        return Ok(0);
    }
    writeln!(
        out,
        "Fitting FSRS to {} of {} ({} of {})",
        crate::text::plural(set.items.len() as u64, "training review"),
        scope,
        crate::text::plural(set.reviews as u64, "review"),
        crate::text::plural(set.cards as u64, "card")
    )
    .map_err(Error::stdout)?;
    let current = settings.fsrs_parameters(key).to_vec();
    let relearning_steps = settings.scheduler.relearn_steps_secs.len();
    let fitted = with_progress(|progress| fit::fit(&set, &current, relearning_steps, Some(progress)))?;
    report_fit(&fitted, described(&settings, key), out).map_err(Error::stdout)?;
    let health = match args.no_health_check {
        true => None,
        false => fit::health_check(&set, relearning_steps)?,
    };
    if let Some(health) = &health {
        report_health(health, out).map_err(Error::stdout)?;
    }
    if fitted.better {
        let record = FsrsFit {
            parameters: fitted.parameters.clone(),
            fitted_at_ms: clock.now_ms(),
            reviews: set.reviews,
            items: set.items.len(),
            log_loss: fitted.fitted.log_loss,
            rmse_bins: fitted.fitted.rmse_bins,
            health_check: health.map(|h| h.passed),
        };
        store.save_fsrs_fit(key, &record)?;
        crate::sync::share_changes(store, clock.now_ms())?;
        writeln!(out, "Saved: the fitted parameters are now used for {scope}.").map_err(Error::stdout)?;
    } else {
        writeln!(
            out,
            "Kept the current parameters: the fitted ones predict these reviews no better."
        )
        .map_err(Error::stdout)?;
    }
    Ok(0)
}

fn scope_name(deck: Option<&DeckRow>) -> String {
    match deck {
        Some(deck) => format!("deck \"{}\"", escape_control(&deck.name)),
        None => "all decks".to_string(),
    }
}

fn too_few(set: &TrainingSet, scope: &str, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "Too few reviews to fit FSRS to {scope}: {} ({} of {} in all); at least {MIN_ITEMS} are needed.",
        crate::text::plural(set.items.len() as u64, "training review"),
        crate::text::plural(set.reviews as u64, "review"),
        crate::text::plural(set.cards as u64, "card")
    )?;
    writeln!(
        out,
        "  A training review is an answer given a day or more after the card's previous one, once the card has been learned here."
    )?;
    writeln!(out, "  Nothing was changed; keep reviewing and try again later.")
}

/// Which parameters are in use, in a few words.
fn described(settings: &Settings, key: Option<&str>) -> &'static str {
    let own = key.is_some_and(|k| settings.fsrs_fits.decks.contains_key(k));
    match (own, settings.scheduler.parameters.is_empty()) {
        (true, _) => "current (deck's own)",
        (false, true) => "current (default)",
        (false, false) => "current",
    }
}

fn report_fit(fitted: &Fit, current_label: &str, out: &mut impl Write) -> std::io::Result<()> {
    let width = current_label.len().max("parameters".len());
    writeln!(out, "{:width$}  {:>8}  {:>10}", "parameters", "log loss", "RMSE(bins)")?;
    let row = |out: &mut dyn Write, label: &str, e: &Evaluation| {
        writeln!(out, "{label:width$}  {:>8.4}  {:>10.4}", e.log_loss, e.rmse_bins)
    };
    row(out, current_label, &fitted.current)?;
    row(out, "fitted", &fitted.fitted)
}

/// Anki's health check, in a few lines: passed, or what to do about it.
fn report_health(health: &fit::Health, out: &mut impl Write) -> std::io::Result<()> {
    let ratios = format!(
        "on later answers: log loss {:.2}x, RMSE(bins) {:.2}x what is typical",
        health.log_loss_ratio, health.rmse_ratio
    );
    if health.passed {
        return writeln!(out, "Health check: passed; FSRS predicts your answers well ({ratios}).");
    }
    writeln!(
        out,
        "Health check: your answers are hard for FSRS to predict ({ratios})."
    )?;
    writeln!(
        out,
        "  What helps: suspend or reword the cards you keep forgetting; grade the same way every time (Hard means you remembered); learn a card's meaning before its words."
    )
}

/// Runs `work` with the crate's progress state, drawing a bar on stderr
/// while it runs (`ui::progress::Bar`: only when stderr is a terminal).
fn with_progress<T: Send>(work: impl FnOnce(Arc<Mutex<CombinedProgressState>>) -> Result<T> + Send) -> Result<T> {
    let progress = CombinedProgressState::new_shared();
    let bar = crate::ui::progress::Bar::on_stderr();
    let mut total = 0;
    let result = std::thread::scope(|scope| {
        let worker = scope.spawn(|| work(progress.clone()));
        while !worker.is_finished() {
            std::thread::sleep(Duration::from_millis(50));
            // The total is 0 until the training data is prepared.
            if let Ok(state) = progress.lock()
                && state.total() > 0
            {
                if state.total() as u64 != total {
                    total = state.total() as u64;
                    bar.start("fitting", total);
                }
                bar.done(state.current() as u64);
            }
        }
        worker.join()
    });
    drop(bar);
    result.map_err(|_| Error::Scheduler("the FSRS fit stopped unexpectedly".into()))?
}

/// `optimize --show`: the parameters in use for the collection (or one
/// deck) and where they come from.
fn show<Tz: TimeZone>(
    settings: &Settings,
    deck: Option<&DeckRow>,
    clock: &Clock<Tz>,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let own = deck.and_then(|d| settings.fsrs_fits.decks.get(&d.key).map(|fit| (d, fit)));
    match (deck, own) {
        (_, Some((deck, fit))) => {
            writeln!(
                out,
                "FSRS parameters of deck \"{}\": its own fit",
                escape_control(&deck.name)
            )?;
            fit_line(fit, clock, out)?;
            parameters_line(&fit.parameters, out)
        }
        (deck, None) => {
            let scope = match deck {
                Some(deck) => format!("deck \"{}\" (the collection's)", escape_control(&deck.name)),
                None => "all decks".to_string(),
            };
            let parameters = &settings.scheduler.parameters;
            match (&settings.fsrs_fits.collection, parameters.is_empty()) {
                (_, true) => writeln!(out, "FSRS parameters of {scope}: default (FSRS-6)")?,
                (Some(fit), false) if fit.parameters == *parameters => {
                    writeln!(out, "FSRS parameters of {scope}: fitted")?;
                    fit_line(fit, clock, out)?;
                }
                (_, false) => writeln!(out, "FSRS parameters of {scope}: set in the settings (not fitted here)")?,
            }
            let shown: &[f32] = if parameters.is_empty() {
                &DEFAULT_PARAMETERS
            } else {
                parameters
            };
            parameters_line(shown, out)?;
            if deck.is_none() {
                for (key, fit) in &settings.fsrs_fits.decks {
                    writeln!(out, "Deck \"{}\" has its own fitted parameters:", escape_control(key))?;
                    fit_line(fit, clock, out)?;
                    parameters_line(&fit.parameters, out)?;
                }
            }
            Ok(())
        }
    }
}

fn fit_line<Tz: TimeZone>(fit: &FsrsFit, clock: &Clock<Tz>, out: &mut impl Write) -> std::io::Result<()> {
    let when = DateTime::from_timestamp_millis(fit.fitted_at_ms).map_or_else(|| "?".into(), |t| clock.local_string(t));
    writeln!(
        out,
        "  fitted {when} to {} ({}); log loss {:.4}, RMSE(bins) {:.4}{}",
        crate::text::plural(fit.items as u64, "training review"),
        crate::text::plural(fit.reviews as u64, "review"),
        fit.log_loss,
        fit.rmse_bins,
        match fit.health_check {
            Some(true) => "; health check passed",
            Some(false) => "; health check failed",
            None => "",
        }
    )
}

/// The 21 values, comma-separated as Anki shows them (and accepts them).
fn parameters_line(parameters: &[f32], out: &mut impl Write) -> std::io::Result<()> {
    let values: Vec<String> = parameters.iter().map(|w| format!("{w:.4}")).collect();
    writeln!(out, "  {}", values.join(", "))
}

/// Runs `iskra simulate`.
pub fn run_simulate<Tz: TimeZone>(
    store: &mut Store,
    args: SimulateArgs,
    clock: &Clock<Tz>,
    out: &mut impl Write,
) -> Result<i32> {
    let retentions = match args.curve {
        true => WorkloadCurve::retentions(),
        false => simulate::parse_retentions(&args.retention, args.step)?,
    };
    let sim = simulate_collection(store, args.deck.as_deref(), args.days, &retentions, clock)?;
    match args.curve {
        true => render_curve(
            &sim.header,
            &WorkloadCurve::new(sim.outcomes, sim.header.in_use, args.days),
            out,
        ),
        false => render_simulation(&sim.header, &sim.outcomes, out),
    }
    .map_err(Error::stdout)?;
    Ok(0)
}

/// The workload-vs-retention curve of the collection (or of one deck), as
/// `simulate --curve` computes it; `report --curve` draws it too.
pub fn workload_curve<Tz: TimeZone>(
    store: &mut Store,
    deck: Option<&str>,
    days: u32,
    clock: &Clock<Tz>,
) -> Result<WorkloadCurve> {
    let sim = simulate_collection(store, deck, days, &WorkloadCurve::retentions(), clock)?;
    Ok(WorkloadCurve::new(sim.outcomes, sim.header.in_use, days))
}

/// A simulation of the collection's (or one deck's) cards, limits and
/// parameters for each of `retentions`.
struct Simulation {
    header: SimulationHeader,
    outcomes: Vec<simulate::Outcome>,
}

fn simulate_collection<Tz: TimeZone>(
    store: &mut Store,
    deck: Option<&str>,
    days: u32,
    retentions: &[f32],
    clock: &Clock<Tz>,
) -> Result<Simulation> {
    let settings = store.settings()?;
    let deck = deck.map(|name| store.find_deck(name)).transpose()?;
    let decks = match &deck {
        Some(deck) => vec![deck.clone()],
        None => store.decks()?,
    };
    let deck_id = deck.as_ref().map(|d| d.id);
    let cards = store.simulation_cards(deck_id)?;
    let log = store.training_log(deck_id)?;
    // One deck: its own options; the collection: its settings.
    let config = match &deck {
        Some(deck) => settings.deck_options(deck).scheduler,
        None => settings.scheduler.clone(),
    };
    let setup = simulate::Setup {
        parameters: config.parameters.clone(),
        days: days as usize,
        new_limit: decks.iter().map(|d| deck_limits(&settings, d).0 as usize).sum(),
        review_limit: decks.iter().map(|d| deck_limits(&settings, d).1 as usize).sum(),
        max_interval: config.max_interval,
        learn_steps: config.learn_steps_secs.len(),
        relearn_steps: config.relearn_steps_secs.len(),
        balance: (config.load_balancer && config.fuzz).then_some(config.easy_days),
    };
    let next_day = clock.end_of_today().timestamp();
    let bar = crate::ui::progress::Bar::on_stderr();
    let outcomes = simulate::simulate_retentions(&setup, &cards, &log, clock.today(), next_day, retentions, &bar)?;
    drop(bar);
    let in_use = config.desired_retention;
    let new = cards.iter().filter(|c| c.state == 0 || c.stability.is_none()).count();
    let header = SimulationHeader {
        scope: scope_name(deck.as_ref()),
        days,
        cards: cards.len(),
        new,
        setup,
        in_use,
    };
    Ok(Simulation { header, outcomes })
}

struct SimulationHeader {
    scope: String,
    days: u32,
    cards: usize,
    new: usize,
    setup: simulate::Setup,
    in_use: f32,
}

/// The first line of a simulation's report.
fn write_simulation_header(h: &SimulationHeader, out: &mut impl Write) -> std::io::Result<()> {
    let parameters = if h.setup.parameters.is_empty() {
        "default"
    } else {
        "fitted"
    };
    writeln!(
        out,
        "Simulating {} of {}: {} ({} new) · at most {} new and {} a day · {parameters} parameters",
        crate::text::plural(h.days, "day"),
        h.scope,
        crate::text::plural(h.cards as u64, "card"),
        h.new,
        h.setup.new_limit,
        crate::text::plural(h.setup.review_limit as u64, "review")
    )
}

/// `simulate --curve`: the two charts and the retention that costs least
/// study time per card remembered.
fn render_curve(h: &SimulationHeader, curve: &WorkloadCurve, out: &mut impl Write) -> std::io::Result<()> {
    write_simulation_header(h, out)?;
    write!(out, "{}", crate::ui::chart::workload_curve(curve))
}

fn render_simulation(
    h: &SimulationHeader,
    outcomes: &[simulate::Outcome],
    out: &mut impl Write,
) -> std::io::Result<()> {
    write_simulation_header(h, out)?;
    writeln!(
        out,
        "{:>9}  {:>11}  {:>7}  {:>11}  {:>10}",
        "retention", "reviews/day", "new/day", "minutes/day", "remembered"
    )?;
    for o in outcomes {
        let mark = if (o.retention - h.in_use).abs() < 0.0005 {
            "  (in use)"
        } else {
            ""
        };
        writeln!(
            out,
            "{:>9.2}  {:>11.1}  {:>7.1}  {:>11.1}  {:>10.0}{mark}",
            o.retention, o.reviews_per_day, o.new_per_day, o.minutes_per_day, o.remembered
        )?;
    }
    writeln!(
        out,
        "remembered: cards you would recall on day {} if asked all of them; change the retention with `iskra config retention R`.",
        h.days
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::review::deck_scheduler;

    fn deck(key: &str) -> DeckRow {
        DeckRow {
            id: 1,
            ..DeckRow::new(key, key)
        }
    }

    fn fit_with_w0(w0: f32) -> FsrsFit {
        let mut parameters = DEFAULT_PARAMETERS.to_vec();
        parameters[0] = w0;
        FsrsFit {
            parameters,
            fitted_at_ms: 0,
            reviews: 500,
            items: 450,
            log_loss: 0.3,
            rmse_bins: 0.03,
            health_check: None,
        }
    }

    fn scheduled_with(settings: &Settings, key: &str) -> Vec<f32> {
        deck_scheduler(settings, &deck(key))
            .unwrap()
            .config()
            .parameters
            .clone()
    }

    #[test]
    fn decks_are_scheduled_with_their_own_fit_else_the_collections() {
        let mut settings = Settings::default();
        assert!(scheduled_with(&settings, "a").is_empty(), "defaults");
        let collection = fit_with_w0(0.5);
        settings.scheduler.parameters = collection.parameters.clone();
        settings.fsrs_fits.collection = Some(collection.clone());
        settings.fsrs_fits.decks.insert("b".into(), fit_with_w0(0.9));
        assert_eq!(scheduled_with(&settings, "a"), collection.parameters);
        assert_eq!(scheduled_with(&settings, "b")[0], 0.9);
        assert_eq!(settings.fsrs_parameters(None), collection.parameters.as_slice());
    }

    #[test]
    fn show_says_where_the_parameters_come_from() {
        let clock = Clock::new(chrono::Utc::now(), chrono::Utc, 4);
        let text = |settings: &Settings, deck: Option<&DeckRow>| {
            let mut out = Vec::new();
            show(settings, deck, &clock, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let mut settings = Settings::default();
        assert!(text(&settings, None).starts_with("FSRS parameters of all decks: default (FSRS-6)\n  0.2120, 1.2931,"));
        settings.scheduler.parameters = fit_with_w0(0.5).parameters;
        assert!(text(&settings, None).contains("set in the settings (not fitted here)"));
        settings.fsrs_fits.collection = Some(fit_with_w0(0.5));
        let shown = text(&settings, None);
        assert!(shown.starts_with("FSRS parameters of all decks: fitted\n  fitted 1970-01-01 00:00 to 450 training reviews (500 reviews); log loss 0.3000, RMSE(bins) 0.0300\n  0.5000, 1.2931,"), "{shown}");
        settings.fsrs_fits.decks.insert("b".into(), fit_with_w0(0.9));
        assert!(text(&settings, Some(&deck("b"))).starts_with("FSRS parameters of deck \"b\": its own fit\n"));
        assert!(
            text(&settings, Some(&deck("a"))).starts_with("FSRS parameters of deck \"a\" (the collection's): fitted\n")
        );
    }
}
