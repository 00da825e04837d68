//! Merging the shared settings ([`super::settings`]): a setting changed
//! here becomes a `setting` event when it changes (`iskra config`,
//! `optimize`: [`share_changes`]) or else at the next sync (the first sync
//! shares only settings changed from the defaults); each setting
//! is then what its newest event says (time, then uid), so the last change
//! wins everywhere.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::settings::{apply, shared};
use crate::error::{Error, Result};
use crate::store::{Settings, Store, Tx};

/// What a sync did to the settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merged {
    /// Settings changed here since the last sync, now shared.
    pub shared: Vec<String>,
    /// Settings another device changed, taken here.
    pub taken: Vec<String>,
}

/// Shares the settings changed here since the last sync (as events made
/// at `now_ms`), then gives each setting touched here or by `arrived` (keys
/// of settings events just read) the value of its newest event.
pub fn merge(tx: &Tx, device: i64, now_ms: i64, arrived: &BTreeSet<String>) -> Result<Merged> {
    let mut settings = tx.settings()?;
    let current = shared(&settings);
    let mut merged = Merged {
        shared: record_changes(tx, device, now_ms, &current)?,
        ..Merged::default()
    };
    let mut keys = arrived.clone();
    keys.extend(merged.shared.iter().cloned());
    let mut changed_here = false;
    for key in keys {
        let Some(event) = tx.newest_setting_event(&key)? else {
            continue;
        };
        let value = match serde_json::from_str::<super::event::What>(&event.body) {
            Ok(super::event::What::Setting { value, .. }) => value,
            _ => {
                return Err(Error::Internal(format!(
                    "setting event {} does not read back",
                    event.uid
                )));
            }
        };
        if current.get(&key) == Some(&value) || (value.is_null() && !current.contains_key(&key)) {
            continue;
        }
        match apply(&mut settings, &key, &value) {
            Ok(()) => {
                changed_here = true;
                if !merged.shared.contains(&key) {
                    merged.taken.push(key);
                }
            }
            Err(why) => return Err(Error::Internal(why)),
        }
    }
    if changed_here {
        tx.save_settings(&settings)?;
    }
    let json = serde_json::to_string(&shared(&settings)).map_err(|e| Error::Internal(e.to_string()))?;
    tx.set_synced_settings(&json)?;
    Ok(merged)
}

/// Records the shared settings changed here since they were last shared
/// (`current` against the stored baseline) as `setting` events made at
/// `now_ms`, and makes `current` the baseline. Returns their keys.
fn record_changes(tx: &Tx, device: i64, now_ms: i64, current: &BTreeMap<String, Value>) -> Result<Vec<String>> {
    let last: Option<BTreeMap<String, Value>> = match tx.synced_settings()? {
        Some(json) => serde_json::from_str(&json).ok(),
        None => None,
    };
    let baseline = last.unwrap_or_else(|| shared(&Settings::default()));
    let gone = baseline
        .keys()
        .filter(|k| !current.contains_key(*k))
        .map(|k| (k.clone(), Value::Null));
    let changed: Vec<(String, Value)> = current
        .iter()
        .filter(|(k, v)| baseline.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .chain(gone)
        .collect();
    let mut keys = Vec::new();
    for (key, value) in changed {
        super::record::setting(tx, device, now_ms, &key, value)?;
        keys.push(key);
    }
    if !keys.is_empty() {
        let json = serde_json::to_string(current).map_err(|e| Error::Internal(e.to_string()))?;
        tx.set_synced_settings(&json)?;
    }
    Ok(keys)
}

/// Records the shared settings just changed here (`iskra config`,
/// `optimize`) as events made at `now_ms`, the time of the change, so the
/// last change wins however late each device syncs. Nothing before the
/// collection's first sync (which shares what differs from the defaults).
pub fn share_changes(store: &mut Store, now_ms: i64) -> Result<()> {
    let tx = store.begin()?;
    let Some(local) = tx.local_device()? else {
        return Ok(());
    };
    let current = shared(&tx.settings()?);
    record_changes(&tx, local.id, now_ms, &current)?;
    tx.commit()
}
