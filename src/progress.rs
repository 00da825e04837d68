//! Progress of long work: the domain says how far it has come, in counts;
//! the edge decides whether and how to show it (`ui::progress::Bar`: a bar
//! on a terminal after about half a second, nothing otherwise). Work
//! reports in batches of [`EVERY`] steps ([`Steps`]), or from a watcher
//! thread a few times a second ([`watching`]) when the work is one call
//! into SQLite, so reporting costs nothing measurable however a report is
//! shown.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Receives the progress of long work, one phase after another. `Sync`: a
/// watcher thread may report while the work runs ([`watching`]).
pub trait Progress: Sync {
    /// A phase of `total` steps begins (0: how many is not known); `what`
    /// names what is counted ("notes", "reviews", "MiB").
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

/// A phase counted step by step where no loop index counts it (steps in
/// nested loops): reports as [`tick`] does.
pub struct Steps<'p> {
    progress: &'p dyn Progress,
    done: u64,
    total: u64,
}

impl<'p> Steps<'p> {
    /// Starts the phase `what` of `total` steps.
    pub fn start(progress: &'p dyn Progress, what: &str, total: usize) -> Steps<'p> {
        progress.start(what, total as u64);
        Steps {
            progress,
            done: 0,
            total: total as u64,
        }
    }

    /// One more step is done.
    pub fn step(&mut self) {
        self.done += 1;
        if self.done.is_multiple_of(EVERY) || self.done == self.total {
            self.progress.done(self.done);
        }
    }
}

/// How often [`watching`] measures.
const WATCH_EVERY: Duration = Duration::from_millis(100);

/// Runs `work` (one long call, e.g. into SQLite) while a watcher thread
/// reports `measure()` to `progress` every [`WATCH_EVERY`]; the phase is
/// started before. Returns what `work` returns.
pub fn watching<T>(
    progress: &dyn Progress,
    what: &str,
    total: u64,
    measure: impl Fn() -> u64 + Sync,
    work: impl FnOnce() -> T,
) -> T {
    progress.start(what, total);
    let finished = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !finished.load(Ordering::Relaxed) {
                std::thread::park_timeout(WATCH_EVERY);
                if !finished.load(Ordering::Relaxed) {
                    progress.done(measure());
                }
            }
        });
        let result = work();
        finished.store(true, Ordering::Relaxed);
        result
    })
}

/// MiB this process has read so far (`rchar` in /proc/self/io: every
/// read, SQLite's page reads among them; 0 where there is no such file):
/// how far a check that reads a whole database has come.
pub fn mib_read() -> u64 {
    std::fs::read_to_string("/proc/self/io")
        .ok()
        .and_then(|io| {
            io.lines()
                .find_map(|line| line.strip_prefix("rchar:"))
                .and_then(|n| n.trim().parse::<u64>().ok())
        })
        .map_or(0, |bytes| bytes >> 20)
}

/// The size of the file at `path` in MiB (0 when it cannot be read): how
/// far a copy into it has come.
pub fn mib_of(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len() >> 20)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Default)]
    struct Recorded(Mutex<Vec<(String, u64)>>);

    impl Recorded {
        fn done(&self) -> Vec<u64> {
            self.0
                .lock()
                .unwrap()
                .iter()
                .filter(|(w, _)| w.is_empty())
                .map(|&(_, n)| n)
                .collect()
        }
    }

    impl Progress for Recorded {
        fn start(&self, what: &str, total: u64) {
            self.0.lock().unwrap().push((format!("start {what}"), total));
        }
        fn done(&self, done: u64) {
            self.0.lock().unwrap().push((String::new(), done));
        }
    }

    #[test]
    fn ticks_report_every_batch_and_the_last_step() {
        let recorded = Recorded::default();
        let total = 2 * EVERY as usize + 5;
        for i in 0..total {
            tick(&recorded, i, total);
        }
        assert_eq!(recorded.done(), vec![EVERY, 2 * EVERY, total as u64]);
    }

    #[test]
    fn steps_start_their_phase_and_report_as_ticks_do() {
        let recorded = Recorded::default();
        let total = EVERY as usize + 3;
        let mut steps = Steps::start(&recorded, "cards", total);
        for _ in 0..total {
            steps.step();
        }
        assert_eq!(recorded.0.lock().unwrap()[0], ("start cards".to_string(), total as u64));
        assert_eq!(recorded.done(), vec![EVERY, total as u64]);
    }

    #[test]
    fn reading_a_file_counts_as_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, vec![7u8; 3 << 20]).unwrap();
        assert_eq!(mib_of(&path), 3);
        let before = mib_read();
        let _ = std::fs::read(&path).unwrap();
        if cfg!(target_os = "linux") {
            assert!(mib_read() >= before + 2, "{before} -> {}", mib_read());
        }
    }

    #[test]
    fn a_watcher_reports_the_measure_while_the_work_runs_and_stops_with_it() {
        let recorded = Recorded::default();
        let answer = watching(
            &recorded,
            "MiB",
            10,
            || 7,
            || {
                std::thread::sleep(WATCH_EVERY * 4);
                42
            },
        );
        assert_eq!(answer, 42);
        let done = recorded.done();
        assert!(!done.is_empty() && done.iter().all(|&n| n == 7), "{done:?}");
        let after = recorded.0.lock().unwrap().len();
        std::thread::sleep(WATCH_EVERY * 2);
        assert_eq!(
            recorded.0.lock().unwrap().len(),
            after,
            "nothing reported once the work is done"
        );
    }
}
