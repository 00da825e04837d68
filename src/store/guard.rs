//! Keeping writes out of a collection that is being checked, until the
//! check says it is sound. The first command of a study day copies and
//! checks the collection in the background (`maintenance::backup::daily`);
//! so that the first card does not wait for that, the command starts at
//! once, and its first write waits instead: a commit that changes rows waits
//! for the verdict, and is rolled back if the check found the file damaged.
//! Commits that change nothing (a no-op `UPDATE`) never wait.
//!
//! The guard is SQLite's commit hook, so it holds for every write on the
//! connection, in a transaction of the domain's or not.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use super::Store;
use crate::error::Result;

/// What the check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pending,
    Sound,
    /// Damaged, with what SQLite said.
    Damaged(String),
}

/// The verdict of a check running elsewhere, shared with the connection's
/// commit hook. Cloning it shares it.
#[derive(Debug, Clone)]
pub struct DamageGate(Arc<(Mutex<Verdict>, Condvar)>);

impl Default for DamageGate {
    fn default() -> Self {
        DamageGate(Arc::new((Mutex::new(Verdict::Pending), Condvar::new())))
    }
}

impl DamageGate {
    /// Gives the verdict (once; later verdicts are ignored) and wakes the writers waiting for it.
    pub fn settle(&self, verdict: Verdict) {
        let (lock, ready) = &*self.0;
        let mut current = lock.lock().unwrap_or_else(PoisonError::into_inner);
        if *current == Verdict::Pending {
            *current = verdict;
        }
        ready.notify_all();
    }

    /// The verdict, waiting for it if the check is still running.
    pub fn wait(&self) -> Verdict {
        let (lock, ready) = &*self.0;
        let mut current = lock.lock().unwrap_or_else(PoisonError::into_inner);
        while *current == Verdict::Pending {
            current = ready.wait(current).unwrap_or_else(PoisonError::into_inner);
        }
        current.clone()
    }

    /// The verdict as it is now (`Pending` while the check runs).
    pub fn now(&self) -> Verdict {
        self.0.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl Store {
    /// Makes every commit that changes rows wait for `gate`'s verdict, and
    /// rolls it back when the verdict is [`Verdict::Damaged`] (the commit
    /// then fails with SQLite's `SQLITE_CONSTRAINT_COMMITHOOK`, which
    /// [`crate::error::Error`] reads as damage).
    pub fn guard_writes(&mut self, gate: &DamageGate) -> Result<()> {
        let changed = Arc::new(AtomicBool::new(false));
        let on_change = Arc::clone(&changed);
        self.conn.update_hook(Some(move |_, _: &str, _: &str, _| {
            on_change.store(true, Ordering::Relaxed);
        }))?;
        let on_rollback = Arc::clone(&changed);
        self.conn
            .rollback_hook(Some(move || on_rollback.store(false, Ordering::Relaxed)))?;
        let gate = gate.clone();
        self.conn.commit_hook(Some(move || {
            changed.swap(false, Ordering::Relaxed) && matches!(gate.wait(), Verdict::Damaged(_))
        }))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_wait_for_the_verdict_and_a_damaged_one_stops_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("c.sqlite3")).unwrap();
        let gate = DamageGate::default();
        store.guard_writes(&gate).unwrap();
        // A commit that changes nothing does not wait (the gate is pending).
        store
            .transaction(|tx| Ok(tx.execute("UPDATE settings SET value = value WHERE key = 'none'", [])?))
            .unwrap();
        // One that does waits until the check is done.
        let checker = {
            let gate = gate.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(50));
                gate.settle(Verdict::Sound);
            })
        };
        store
            .transaction(|tx| Ok(tx.execute("INSERT INTO settings (key, value) VALUES ('a', '1')", [])?))
            .unwrap();
        assert_eq!(gate.now(), Verdict::Sound);
        checker.join().unwrap();

        let damaged = DamageGate::default();
        damaged.settle(Verdict::Damaged("page 7".into()));
        store.guard_writes(&damaged).unwrap();
        let err = store
            .transaction(|tx| Ok(tx.execute("INSERT INTO settings (key, value) VALUES ('b', '1')", [])?))
            .unwrap_err();
        assert!(matches!(err, crate::error::Error::Corrupt { .. }), "{err}");
        let err = store.unbury(0).err();
        assert!(err.is_none(), "an update that changes nothing is let through");
        let kept: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM settings WHERE key IN ('a', 'b')", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(kept, 1, "the write after the damaged verdict was rolled back");
    }
}
