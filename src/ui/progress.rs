//! The progress bar of long commands (`import`): an indicatif bar on
//! stderr with the count, the total and the rate, shown only when stderr is
//! a terminal and only once the work has run for [`DELAY`], so short work
//! and piped output never see it. The work reports in batches
//! ([`crate::progress::EVERY`]); the bar is cleared when dropped.

use std::cell::Cell;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::progress::Progress;

/// How long work runs before its bar appears.
pub const DELAY: Duration = Duration::from_millis(500);

/// A bar that appears on stderr once work has run for a while.
pub struct Bar {
    bar: ProgressBar,
    since: Instant,
    /// Whether the bar may be drawn at all (stderr is a terminal).
    drawable: bool,
    delay: Duration,
    shown: Cell<bool>,
}

impl Bar {
    /// A bar for stderr: drawn if it is a terminal, after [`DELAY`].
    pub fn on_stderr() -> Bar {
        Bar::new(std::io::stderr().is_terminal(), DELAY)
    }

    fn new(drawable: bool, delay: Duration) -> Bar {
        let bar = ProgressBar::hidden();
        if let Ok(style) =
            ProgressStyle::with_template("{msg:>8} [{bar:30}] {human_pos}/{human_len} {per_sec} {elapsed}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        Bar {
            bar,
            since: Instant::now(),
            drawable,
            delay,
            shown: Cell::new(false),
        }
    }

    /// Starts drawing on stderr once the delay has passed.
    fn show_when_due(&self) {
        if self.drawable && !self.shown.get() && self.since.elapsed() >= self.delay {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown.set(true);
        }
    }
}

impl Progress for Bar {
    fn start(&self, what: &str, total: u64) {
        self.bar.set_message(what.to_string());
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.bar.reset_eta();
        self.show_when_due();
    }

    fn done(&self, done: u64) {
        self.bar.set_position(done);
        self.show_when_due();
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_appears_only_on_a_terminal_and_after_the_delay() {
        let piped = Bar::new(false, Duration::ZERO);
        piped.start("reviews", 10);
        piped.done(5);
        assert!(!piped.shown.get(), "never drawn when stderr is not a terminal");

        let early = Bar::new(true, Duration::from_secs(3600));
        early.start("reviews", 10);
        early.done(5);
        assert!(!early.shown.get(), "not drawn before the delay");

        let late = Bar::new(true, Duration::ZERO);
        late.start("reviews", 10);
        assert!(late.shown.get(), "drawn once the delay has passed");
        late.done(10);
        assert_eq!(late.bar.position(), 10);
    }
}
