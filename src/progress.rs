//! Progress of long work: the domain says how far it has come, in counts;
//! the edge decides whether and how to show it (`ui::progress::Bar`: a bar
//! on a terminal after about half a second, nothing otherwise). Work
//! reports in batches of [`EVERY`] steps, so reporting costs nothing
//! measurable however a report is shown.

/// Receives the progress of long work, one phase after another.
pub trait Progress {
    /// A phase of `total` steps begins; `what` names what is counted
    /// ("notes", "reviews").
    fn start(&self, what: &str, total: u64);
    /// `done` of the phase's steps are done.
    fn done(&self, done: u64);
}

/// Progress that is not shown (tests, library callers).
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _what: &str, _total: u64) {}
    fn done(&self, _done: u64) {}
}

/// Steps between two reports of a long loop.
pub const EVERY: u64 = 4096;

/// Reports `i + 1` steps done when that completes a batch of [`EVERY`],
/// or is the last of `total`.
pub fn tick(progress: &dyn Progress, i: usize, total: usize) {
    let done = i as u64 + 1;
    if done.is_multiple_of(EVERY) || done == total as u64 {
        progress.done(done);
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    struct Recorded(RefCell<Vec<u64>>);

    impl Progress for Recorded {
        fn start(&self, _what: &str, _total: u64) {}
        fn done(&self, done: u64) {
            self.0.borrow_mut().push(done);
        }
    }

    #[test]
    fn ticks_report_every_batch_and_the_last_step() {
        let recorded = Recorded(RefCell::new(Vec::new()));
        let total = 2 * EVERY as usize + 5;
        for i in 0..total {
            tick(&recorded, i, total);
        }
        assert_eq!(*recorded.0.borrow(), vec![EVERY, 2 * EVERY, total as u64]);
    }
}
