//! How an event is read from its JSON object (a chunk's line, or a stored
//! event's body), in one pass: every field any event type has is read into
//! one struct, typed, then the event's type picks its fields and requires
//! those it must have. The derived reading of `Event` (its `what` flattened,
//! internally tagged) buffered each object whole, every key and value
//! allocated, and then read the buffer twice: 20% of a sync of a million
//! history rows (BENCHMARKS.md, "Sync at scale, third pass").
//!
//! It accepts what the derived reading accepts, with one difference: a
//! field that belongs to another event type is checked against its type
//! there (the derived reading ignored it), so a malformed one is refused.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

use super::event::{Answer, CardRef, Event, GradeConfig, Log, Logged, SetSchedule, Snapshot, What};
use crate::store::StoredSchedule;

/// Every field of every event type (those whose type differs between event
/// types — `before`, `after`, `config` — in a form that holds each); `None`:
/// absent.
#[derive(Deserialize)]
struct Fields {
    #[serde(default, deserialize_with = "some")]
    uid: Option<String>,
    #[serde(default, deserialize_with = "some")]
    at: Option<i64>,
    card: Option<CardRef>,
    #[serde(rename = "type", default, deserialize_with = "some")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "some")]
    rating: Option<u8>,
    #[serde(default, deserialize_with = "some")]
    ms: Option<i64>,
    #[serde(default, deserialize_with = "some")]
    day: Option<i64>,
    #[serde(rename = "kind", default, deserialize_with = "some")]
    log_kind: Option<i64>,
    #[serde(default, deserialize_with = "some")]
    elapsed: Option<u32>,
    #[serde(default, deserialize_with = "some")]
    config: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "some")]
    before: Option<ScheduleFields>,
    #[serde(default, deserialize_with = "some")]
    after: Option<ScheduleFields>,
    #[serde(default, deserialize_with = "some")]
    leech: Option<bool>,
    #[serde(default, deserialize_with = "some")]
    leech_suspend: Option<bool>,
    #[serde(default, deserialize_with = "some")]
    op: Option<String>,
    #[serde(default, deserialize_with = "some")]
    schedule: Option<StoredSchedule>,
    #[serde(default, deserialize_with = "some")]
    suspended: Option<bool>,
    buried_day: Option<i64>,
    #[serde(default, deserialize_with = "some")]
    flag: Option<u8>,
    #[serde(default, deserialize_with = "some")]
    target: Option<String>,
    #[serde(default, deserialize_with = "some")]
    key: Option<String>,
    #[serde(default, deserialize_with = "some")]
    value: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "some")]
    hash: Option<String>,
}

/// A field that is there: read as its type requires (`null` only where
/// that type takes it), `None` only when absent (a plain `Option` field
/// reads `null` as absent).
fn some<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// The fields of a schedule ([`StoredSchedule`]) or of the log's part of one
/// ([`Logged`]).
#[derive(Deserialize)]
struct ScheduleFields {
    state: Option<i64>,
    remaining_steps: Option<u32>,
    stability: Option<f64>,
    difficulty: Option<f64>,
    interval: Option<u32>,
    due: Option<i64>,
    last_review_day: Option<i64>,
    reps: Option<u32>,
    lapses: Option<u32>,
}

/// A field the event's type requires.
fn need<T>(value: Option<T>, name: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("missing field `{name}`"))
}

impl ScheduleFields {
    fn stored(self) -> Result<StoredSchedule, String> {
        Ok(StoredSchedule {
            state: need(self.state, "state")?,
            remaining_steps: need(self.remaining_steps, "remaining_steps")?,
            stability: self.stability,
            difficulty: self.difficulty,
            interval: need(self.interval, "interval")?,
            due: need(self.due, "due")?,
            last_review_day: self.last_review_day,
            reps: need(self.reps, "reps")?,
            lapses: need(self.lapses, "lapses")?,
        })
    }

    fn logged(self) -> Result<Logged, String> {
        Ok(Logged {
            state: need(self.state, "state")?,
            due: need(self.due, "due")?,
            stability: self.stability,
            difficulty: self.difficulty,
            interval: need(self.interval, "interval")?,
        })
    }
}

impl Fields {
    /// The event's type and its fields.
    fn what(&mut self) -> Result<What, String> {
        let kind = need(self.kind.take(), "type")?;
        let before = |f: &mut Fields| need(f.before.take(), "before");
        let after = |f: &mut Fields| need(f.after.take(), "after");
        Ok(match kind.as_str() {
            "answer" => What::Answer(Answer {
                rating: need(self.rating, "rating")?,
                ms: need(self.ms, "ms")?,
                day: need(self.day, "day")?,
                kind: need(self.log_kind, "kind")?,
                elapsed: need(self.elapsed, "elapsed")?,
                config: match need(self.config.take(), "config")? {
                    serde_json::Value::String(hash) => hash,
                    other => return Err(format!("config: expected a string, found {other}")),
                },
                before: before(self)?.stored()?,
                after: after(self)?.stored()?,
                leech: self.leech.unwrap_or(false),
                leech_suspend: self.leech_suspend.unwrap_or(false),
            }),
            "log" => What::Log(Log {
                rating: need(self.rating, "rating")?,
                ms: need(self.ms, "ms")?,
                kind: need(self.log_kind, "kind")?,
                elapsed: need(self.elapsed, "elapsed")?,
                before: before(self)?.logged()?,
                after: after(self)?.logged()?,
            }),
            "set" => What::Set(SetSchedule {
                op: need(self.op.take(), "op")?,
                before: before(self)?.stored()?,
                after: after(self)?.stored()?,
            }),
            "snapshot" => What::Snapshot(Snapshot {
                schedule: need(self.schedule.take(), "schedule")?,
                suspended: need(self.suspended, "suspended")?,
                buried_day: self.buried_day,
                flag: need(self.flag, "flag")?,
                leech: need(self.leech, "leech")?,
            }),
            "suspend" => What::Suspend,
            "unsuspend" => What::Unsuspend,
            "bury" => What::Bury {
                day: need(self.day, "day")?,
            },
            "unbury" => What::Unbury,
            "flag" => What::Flag {
                flag: need(self.flag, "flag")?,
            },
            "undo" => What::Undo {
                target: need(self.target.take(), "target")?,
            },
            "setting" => What::Setting {
                key: need(self.key.take(), "key")?,
                value: need(self.value.take(), "value")?,
            },
            "config" => What::Config {
                hash: need(self.hash.take(), "hash")?,
                config: GradeConfig::deserialize(need(self.config.take(), "config")?)
                    .map_err(|e| format!("config: {e}"))?,
            },
            other => {
                return Err(format!(
                    "unknown variant `{}`",
                    crate::text::escape_control(&other.chars().take(40).collect::<String>())
                ));
            }
        })
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Event, D::Error> {
        let mut fields = Fields::deserialize(d)?;
        let what = fields.what().map_err(D::Error::custom)?;
        Ok(Event {
            uid: need(fields.uid, "uid").map_err(D::Error::custom)?,
            at: need(fields.at, "at").map_err(D::Error::custom)?,
            card: fields.card,
            what,
        })
    }
}

/// Reads a stored event's body (its [`What`] as JSON).
pub fn what_from_json(json: &str) -> serde_json::Result<What> {
    let mut fields: Fields = serde_json::from_str(json)?;
    fields.what().map_err(serde_json::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The derived reading this one replaces: what it accepts, this accepts.
    #[derive(Deserialize, Debug, PartialEq)]
    struct Derived {
        uid: String,
        at: i64,
        #[serde(default)]
        card: Option<CardRef>,
        #[serde(flatten)]
        what: What,
    }

    fn schedule(state: i64) -> StoredSchedule {
        StoredSchedule {
            state,
            remaining_steps: 1,
            stability: Some(3.25),
            difficulty: None,
            interval: 4,
            due: 20_000,
            last_review_day: Some(19_990),
            reps: 5,
            lapses: 1,
        }
    }

    fn every_type() -> Vec<Event> {
        let card = CardRef {
            deck: "people".into(),
            fact: "lenin".into(),
            template: "basic".into(),
            id: 42,
        };
        let logged = Logged {
            state: 2,
            due: 19_000,
            stability: Some(2.5),
            difficulty: Some(5.0),
            interval: 3,
        };
        let config: GradeConfig = serde_json::from_value(serde_json::json!({
            "scheduler": serde_json::to_value(crate::settings::SchedConfig::default()).unwrap(),
            "leech_lapses": 8,
            "leech_suspend": true
        }))
        .unwrap();
        let whats = vec![
            What::Answer(Answer {
                rating: 3,
                ms: 1_500,
                day: 20_000,
                kind: 1,
                elapsed: 4,
                config: "00ff00ff00ff00ff".into(),
                before: schedule(2),
                after: schedule(2),
                leech: false,
                leech_suspend: false,
            }),
            What::Answer(Answer {
                rating: 1,
                ms: 0,
                day: -3,
                kind: 2,
                elapsed: 0,
                config: "x".into(),
                before: schedule(2),
                after: schedule(3),
                leech: true,
                leech_suspend: true,
            }),
            What::Log(Log {
                rating: 0,
                ms: 0,
                kind: 4,
                elapsed: 0,
                before: logged.clone(),
                after: Logged {
                    stability: None,
                    ..logged
                },
            }),
            What::Set(SetSchedule {
                op: "forget".into(),
                before: schedule(2),
                after: schedule(0),
            }),
            What::Snapshot(Snapshot {
                schedule: schedule(1),
                suspended: true,
                buried_day: Some(7),
                flag: 3,
                leech: false,
            }),
            What::Suspend,
            What::Unsuspend,
            What::Bury { day: 20_001 },
            What::Unbury,
            What::Flag { flag: 7 },
            What::Undo { target: "abc-1".into() },
            What::Setting {
                key: "retention".into(),
                value: serde_json::json!(0.9),
            },
            What::Setting {
                key: "steps".into(),
                value: serde_json::Value::Null,
            },
            What::Config {
                hash: "0123456789abcdef".into(),
                config,
            },
        ];
        whats
            .into_iter()
            .enumerate()
            .map(|(i, what)| Event {
                uid: format!("u{i}"),
                at: 1_000 + i as i64,
                card: what.names_card().then(|| card.clone()),
                what,
            })
            .collect()
    }

    /// Reads `json` both ways: the same event, or both refuse it.
    fn agree(json: &str) -> Option<Event> {
        let fast = serde_json::from_str::<Event>(json);
        let derived = serde_json::from_str::<Derived>(json);
        match (fast, derived) {
            (Ok(fast), Ok(d)) => {
                assert_eq!(
                    fast,
                    Event {
                        uid: d.uid,
                        at: d.at,
                        card: d.card,
                        what: d.what
                    },
                    "{json}"
                );
                Some(fast)
            }
            (Err(_), Err(_)) => None,
            (fast, derived) => panic!("{json}: this reading {fast:?}, the derived one {derived:?}"),
        }
    }

    #[test]
    fn every_event_type_reads_back_as_written_and_as_the_derived_reading_reads_it() {
        for event in every_type() {
            let json = serde_json::to_string(&event).unwrap();
            assert_eq!(agree(&json), Some(event.clone()), "{json}");
            let body = serde_json::to_string(&event.what).unwrap();
            assert_eq!(what_from_json(&body).unwrap(), event.what, "{body}");
            // Keys in another order (another writer): the same event.
            let value: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&json).unwrap();
            let mut reversed: Vec<_> = value.into_iter().collect();
            reversed.reverse();
            let text = format!(
                "{{{}}}",
                reversed
                    .iter()
                    .map(|(k, v)| format!("{}:{v}", serde_json::to_string(k).unwrap()))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            assert_eq!(agree(&text), Some(event), "{text}");
        }
    }

    #[test]
    fn a_field_missing_null_or_of_the_wrong_type_is_refused_as_the_derived_reading_refuses_it() {
        for event in every_type() {
            let value: serde_json::Map<String, serde_json::Value> =
                serde_json::from_value(serde_json::to_value(&event).unwrap()).unwrap();
            for key in value.keys() {
                for change in [None, Some(serde_json::Value::Null), Some(serde_json::json!("x"))] {
                    let mut changed = value.clone();
                    match &change {
                        None => changed.remove(key),
                        Some(v) => changed.insert(key.clone(), v.clone()),
                    };
                    agree(&serde_json::to_string(&changed).unwrap());
                }
            }
        }
        assert!(agree(r#"{"uid":"a","at":1,"type":"teleport"}"#).is_none());
        assert!(agree(r#"{"uid":"a","at":1,"type":"flag","flag":300,"card":null}"#).is_none());
        assert!(agree("[1, 2]").is_none());
        // An unknown field is passed over, by both.
        let flag = r#"{"uid":"a","at":1,"type":"unbury","card":{"deck":"d","fact":"f","template":"basic","id":1},"colour":"red"}"#;
        assert!(agree(flag).is_some());
    }
}
