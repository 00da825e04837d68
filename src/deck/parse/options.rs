//! A deck header's scheduling options: `learn-steps:`, `relearn-steps:`
//! (as `iskra config` writes steps: `1m 10m 1h`), `max-interval:` (days),
//! `fsrs-parameters:` (17, 19 or 21 numbers) and `bury:` (`new`,
//! `reviews`, `interday`, or `none`). They make the deck's
//! [`DeckPreset`], which overrides the collection's settings for its cards.

use super::{Field, Parser};
use crate::deck::Deck;
use crate::settings::{MAX_INTERVAL_DAYS, MAX_STEPS, parse_steps, steps_minutes};

/// FSRS parameter counts the scheduler takes (FSRS-4.5, -5, -6).
const PARAMETER_COUNTS: [usize; 3] = [17, 19, 21];

impl Parser<'_> {
    /// Reads option `key` of the deck header into `deck.preset`.
    pub(super) fn option(&mut self, deck: &mut Deck, key: &str, field: &Field) {
        let mut preset = deck.preset.take().unwrap_or_default();
        match key {
            "learn-steps" => preset.learn_steps = self.steps(field),
            "relearn-steps" => preset.relearn_steps = self.steps(field),
            "max-interval" => preset.max_interval = self.max_interval(field),
            "fsrs-parameters" => preset.fsrs_params = self.parameters(field).unwrap_or_default(),
            "bury" => {
                if let Some([new, reviews, interday]) = self.bury(field) {
                    preset.bury_new = Some(new);
                    preset.bury_reviews = Some(reviews);
                    preset.bury_interday = Some(interday);
                }
            }
            _ => {}
        }
        deck.preset = (!preset.is_empty()).then_some(preset);
    }

    fn steps(&mut self, field: &Field) -> Option<Vec<f32>> {
        match parse_steps(&field.value) {
            Some(secs) => Some(steps_minutes(&secs)),
            None => {
                self.field_error(
                    field,
                    format!("`{}` is not a list of steps", field.value),
                    Some(&format!(
                        "e.g. `learn-steps: 1m 10m 1h` (s, m, h or d; at most 30 days each and {MAX_STEPS} steps; \
                         empty for none)"
                    )),
                );
                None
            }
        }
    }

    fn max_interval(&mut self, field: &Field) -> Option<u32> {
        match field.value.parse::<u32>() {
            Ok(n) if (1..=MAX_INTERVAL_DAYS).contains(&n) => Some(n),
            _ => {
                self.field_error(
                    field,
                    format!(
                        "`{}` is not a number of days from 1 to {MAX_INTERVAL_DAYS}",
                        field.value
                    ),
                    Some("e.g. `max-interval: 3650` (ten years)"),
                );
                None
            }
        }
    }

    fn parameters(&mut self, field: &Field) -> Option<Vec<f32>> {
        let numbers: Option<Vec<f32>> = field
            .value
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<f32>().ok().filter(|n| n.is_finite()))
            .collect();
        match numbers {
            Some(numbers) if PARAMETER_COUNTS.contains(&numbers.len()) => Some(numbers),
            _ => {
                self.field_error(
                    field,
                    "`fsrs-parameters:` needs 17, 19 or 21 numbers".to_string(),
                    Some("copy them from `iskra optimize` or Anki's deck options, separated by spaces"),
                );
                None
            }
        }
    }

    fn bury(&mut self, field: &Field) -> Option<[bool; 3]> {
        let mut bury = [false; 3];
        for word in field.value.split([' ', ',']).filter(|s| !s.is_empty()) {
            match word {
                "new" => bury[0] = true,
                "reviews" => bury[1] = true,
                "interday" => bury[2] = true,
                "none" => {}
                _ => {
                    self.field_error(
                        field,
                        format!("`{word}` is not something to bury"),
                        Some("e.g. `bury: new reviews` (siblings of new cards, of reviews; `interday`; or `none`)"),
                    );
                    return None;
                }
            }
        }
        Some(bury)
    }
}
