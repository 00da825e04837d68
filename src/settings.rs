//! Plain-data settings shared by several layers, with their defaults: the
//! quiz's answer-time thresholds and how many backups to keep. The store
//! saves them; `quiz` and `backup` use them. Ground floor: no crate imports.

use serde::{Deserialize, Serialize};

/// Backups kept unless `backups-keep` says otherwise.
pub const DEFAULT_KEEP: u32 = 7;

/// Answer times that make a right answer Easy (at most `fast_secs`) or
/// Hard (more than `slow_secs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Thresholds {
    pub fast_secs: u32,
    pub slow_secs: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            fast_secs: 6,
            slow_secs: 20,
        }
    }
}
