//! A deck's effective options: the one place that says which scheduler
//! configuration, daily limits and bury rules a deck's cards are studied
//! with. Each option is the deck's own (its row's limits and retention,
//! its own FSRS fit from `optimize --deck`, its preset: an Anki options
//! preset an import kept, or its deck file's keys), else the collection's
//! setting. Review, quiz, the queue's limits, `status`, `simulate --deck`
//! and `iskra card` take it from here; a sync replays an answer with the
//! configuration recorded in its event, so every device reaches the same
//! state whatever its own options are.

use super::{BuryRules, DeckRow, Settings};
use crate::settings::{MAX_INTERVAL_DAYS, RETENTION_RANGE, SchedConfig, steps_secs};

/// FSRS parameter counts the scheduler takes (FSRS-4.5, -5, -6).
const PARAMETER_COUNTS: [usize; 3] = [17, 19, 21];

/// Where an option's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The collection's setting.
    Collection,
    /// The deck's own (its deck file, or what an import gave it).
    Deck,
    /// The deck's own FSRS fit (`optimize --deck`).
    DeckFit,
}

/// The options a deck's cards are studied with.
#[derive(Debug, Clone, PartialEq)]
pub struct DeckOptions {
    pub scheduler: SchedConfig,
    pub new_per_day: u32,
    pub reviews_per_day: u32,
    pub bury: BuryRules,
    /// Where the FSRS parameters come from.
    pub parameters_from: Origin,
    /// The options the deck has of its own (the settings' names:
    /// `retention`, `new-per-day`, …), in that order; the rest are the
    /// collection's.
    pub own: Vec<&'static str>,
}

impl DeckOptions {
    /// How many kinds of option a deck may have of its own (the names
    /// [`DeckOptions::own`] holds).
    pub const KINDS: usize = 8;
}

impl Settings {
    /// The options of `deck`'s cards: each the deck's own, else the collection's.
    pub fn deck_options(&self, deck: &DeckRow) -> DeckOptions {
        let preset = deck.preset.clone().unwrap_or_default();
        let mut scheduler = self.scheduler.clone();
        let mut own = Vec::new();
        if let Some(retention) = deck
            .retention
            .or(preset.desired_retention.filter(|r| RETENTION_RANGE.contains(r)))
        {
            scheduler.desired_retention = retention;
            own.push("retention");
        }
        let new_per_day = deck.new_per_day.or(preset.new_per_day.filter(|n| *n <= 100_000));
        if new_per_day.is_some() {
            own.push("new-per-day");
        }
        let reviews_per_day = deck
            .reviews_per_day
            .or(preset.reviews_per_day.filter(|n| *n <= 100_000));
        if reviews_per_day.is_some() {
            own.push("reviews-per-day");
        }
        if let Some(steps) = &preset.learn_steps {
            scheduler.learn_steps_secs = steps_secs(steps);
            own.push("learn-steps");
        }
        if let Some(steps) = &preset.relearn_steps {
            scheduler.relearn_steps_secs = steps_secs(steps);
            own.push("relearn-steps");
        }
        if let Some(days) = preset.max_interval.filter(|d| (1..=MAX_INTERVAL_DAYS).contains(d)) {
            scheduler.max_interval = days;
            own.push("max-interval");
        }
        let parameters_from = if let Some(fit) = self.fsrs_fits.decks.get(&deck.key) {
            scheduler.parameters = fit.parameters.clone();
            Origin::DeckFit
        } else if PARAMETER_COUNTS.contains(&preset.fsrs_params.len())
            && preset.fsrs_params.iter().all(|p| p.is_finite())
        {
            scheduler.parameters = preset.fsrs_params.clone();
            Origin::Deck
        } else {
            Origin::Collection
        };
        if parameters_from != Origin::Collection {
            own.push("FSRS parameters");
        }
        let collection = self.bury_rules();
        let bury = BuryRules {
            new: preset.bury_new.unwrap_or(collection.new),
            review: preset.bury_reviews.unwrap_or(collection.review),
            interday: preset.bury_interday.unwrap_or(collection.interday),
        };
        if bury != collection {
            own.push("burying");
        }
        DeckOptions {
            scheduler,
            new_per_day: new_per_day.unwrap_or(self.new_per_day),
            reviews_per_day: reviews_per_day.unwrap_or(self.reviews_per_day),
            bury,
            parameters_from,
            own,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::DeckPreset;

    fn deck(preset: Option<DeckPreset>) -> DeckRow {
        DeckRow {
            id: 1,
            preset,
            ..DeckRow::new("d", "D")
        }
    }

    #[test]
    fn a_deck_without_options_of_its_own_has_the_collections() {
        let settings = Settings::default();
        let options = settings.deck_options(&deck(None));
        assert_eq!(options.scheduler, settings.scheduler);
        assert_eq!((options.new_per_day, options.reviews_per_day), (20, 200));
        assert_eq!(options.bury, settings.bury_rules());
        assert_eq!(options.parameters_from, Origin::Collection);
        assert!(options.own.is_empty());
    }

    #[test]
    fn each_option_of_the_deck_overrides_the_collections() {
        let settings = Settings::default();
        let params: Vec<f32> = (0..21).map(|i| 0.1 + i as f32 / 10.0).collect();
        let preset = DeckPreset {
            name: "Anki".into(),
            new_per_day: Some(15),
            reviews_per_day: Some(9999),
            desired_retention: Some(0.8),
            learn_steps: Some(vec![2.0, 15.0, 0.5]),
            relearn_steps: Some(vec![]),
            fsrs_params: params.clone(),
            bury_new: Some(false),
            bury_reviews: None,
            bury_interday: Some(true),
            max_interval: Some(200),
        };
        let mut row = deck(Some(preset));
        let options = settings.deck_options(&row);
        assert_eq!(options.scheduler.desired_retention, 0.8);
        assert_eq!(options.scheduler.learn_steps_secs, vec![120, 900, 30]);
        assert!(options.scheduler.relearn_steps_secs.is_empty());
        assert_eq!(options.scheduler.max_interval, 200);
        assert_eq!(options.scheduler.parameters, params);
        assert_eq!(options.parameters_from, Origin::Deck);
        assert_eq!((options.new_per_day, options.reviews_per_day), (15, 9999));
        assert_eq!(
            options.bury,
            BuryRules {
                new: false,
                review: true,
                interday: true
            }
        );
        assert_eq!(
            options.own,
            [
                "retention",
                "new-per-day",
                "reviews-per-day",
                "learn-steps",
                "relearn-steps",
                "max-interval",
                "FSRS parameters",
                "burying"
            ]
        );
        assert_eq!(options.own.len(), DeckOptions::KINDS);
        // The row's own limits and retention come first; its own fit is first of all.
        row.retention = Some(0.95);
        row.new_per_day = Some(3);
        let mut settings = settings;
        settings.fsrs_fits.decks.insert(
            "d".into(),
            super::super::FsrsFit {
                parameters: vec![1.0; 21],
                fitted_at_ms: 0,
                reviews: 0,
                items: 0,
                log_loss: 0.0,
                rmse_bins: 0.0,
                health_check: None,
            },
        );
        let options = settings.deck_options(&row);
        assert_eq!(options.scheduler.desired_retention, 0.95);
        assert_eq!(options.new_per_day, 3);
        assert_eq!(options.scheduler.parameters, vec![1.0; 21]);
        assert_eq!(options.parameters_from, Origin::DeckFit);
        // Parameters the scheduler cannot take are the collection's.
        row.preset.as_mut().unwrap().fsrs_params = vec![1.0; 5];
        settings.fsrs_fits.decks.clear();
        assert_eq!(settings.deck_options(&row).parameters_from, Origin::Collection);
    }
}
