//! The progress bar of long commands (`import`, `build`, `export
//! --with-history`, `check`, `restore`, `simulate`, `sync`, the generator):
//! an indicatif bar on stderr with the count, the total and the rate (a
//! spinner with the count and rate when the total is not known), shown only
//! when stderr is a terminal and only once the work has run for [`DELAY`],
//! so short work and piped output never see it. The work reports in
//! batches ([`crate::progress`]); the bar is cleared when dropped. The one
//! place that draws progress: nothing else imports indicatif.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

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
    shown: AtomicBool,
}

/// The bar of a phase with a known total, and the spinner of one without.
const WITH_TOTAL: &str = "{msg:>8} [{bar:30}] {human_pos}/{human_len} {rate} {elapsed}";
const WITHOUT_TOTAL: &str = "{msg:>8} {spinner} {human_pos} {rate} {elapsed}";

/// The rate in whole steps a second (indicatif's `per_sec` shows four
/// decimals).
fn rate(state: &ProgressState, out: &mut dyn std::fmt::Write) {
    let _ = write!(out, "{:.0}/s", state.per_sec());
}

impl Bar {
    /// A bar for stderr: drawn if it is a terminal, after [`DELAY`].
    pub fn on_stderr() -> Bar {
        Bar::new(std::io::stderr().is_terminal(), DELAY)
    }

    fn new(drawable: bool, delay: Duration) -> Bar {
        Bar {
            bar: ProgressBar::hidden(),
            since: Instant::now(),
            drawable,
            delay,
            shown: AtomicBool::new(false),
        }
    }

    /// Starts drawing on stderr once the delay has passed.
    fn show_when_due(&self) {
        if self.drawable && !self.shown() && self.since.elapsed() >= self.delay {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown.store(true, Ordering::Relaxed);
        }
    }

    fn shown(&self) -> bool {
        self.shown.load(Ordering::Relaxed)
    }
}

impl Progress for Bar {
    fn start(&self, what: &str, total: u64) {
        let template = if total == 0 { WITHOUT_TOTAL } else { WITH_TOTAL };
        if let Ok(style) = ProgressStyle::with_template(template) {
            self.bar.set_style(style.with_key("rate", rate).progress_chars("=> "));
        }
        // The count first: a draw in between never shows the last phase's
        // count against this one's total.
        self.bar.set_position(0);
        self.bar.set_length(total);
        self.bar.set_message(what.to_string());
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
        assert!(!piped.shown(), "never drawn when stderr is not a terminal");

        let early = Bar::new(true, Duration::from_secs(3600));
        early.start("reviews", 10);
        early.done(5);
        assert!(!early.shown(), "not drawn before the delay");

        let late = Bar::new(true, Duration::ZERO);
        late.start("reviews", 10);
        assert!(late.shown(), "drawn once the delay has passed");
        late.done(10);
        assert_eq!(late.bar.position(), 10);
    }

    #[test]
    fn without_a_total_the_count_is_kept() {
        let bar = Bar::new(true, Duration::ZERO);
        bar.start("MiB read", 0);
        bar.done(12);
        assert!(bar.shown());
        assert_eq!((bar.bar.position(), bar.bar.length()), (12, Some(0)));
    }
}
