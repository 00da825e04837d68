//! Reading an Anki collection file (SQLite): schema 11, where note types and
//! decks are JSON in the `col` row, and schemas 14–18, where they have
//! tables of their own with protobuf configs. Notes, cards and the review
//! log have the same columns in both.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

pub use super::ReadError;
use super::{Card, Collection, Note, Notetype, Preset, Revlog, proto};
use crate::interop::keys::bounded_deck_name;

/// Collection schema versions iskra reads.
pub const LEGACY_SCHEMA: i64 = 11;
pub const TABLE_SCHEMAS: std::ops::RangeInclusive<i64> = 14..=18;

/// The most rows iskra reads from one table of a collection.
pub const MAX_ROWS: i64 = 10_000_000;

/// The rows of `table` to read: its count, which must be at most [`MAX_ROWS`].
/// (Tables only: [`super::guard::check_schema`] refused views.)
fn row_cap(conn: &Connection, table: &'static str) -> Result<i64, ReadError> {
    let count: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
    if count > MAX_ROWS {
        return Err(ReadError::TooLarge(table, count));
    }
    Ok(count)
}

/// Reads everything iskra imports from an open collection, after checking
/// that its schema holds nothing but Anki's tables and indexes. The caller
/// puts the connection under a budget first ([`super::guard::limit`]).
pub fn read(conn: &Connection) -> Result<Collection, ReadError> {
    super::guard::check_schema(conn)?;
    // Schema 18 declares names with Anki's own collation; SQLite needs it to
    // read those tables at all.
    conn.create_collation("unicase", |a: &str, b: &str| a.to_lowercase().cmp(&b.to_lowercase()))?;
    let (schema, created_secs): (i64, i64) =
        conn.query_row("SELECT ver, crt FROM col", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut collection = Collection {
        schema,
        created_secs,
        rollover_hour: 4,
        ..Collection::default()
    };
    if schema == LEGACY_SCHEMA {
        read_legacy_tables(conn, &mut collection)?;
    } else if TABLE_SCHEMAS.contains(&schema) {
        read_tables(conn, &mut collection)?;
    } else {
        return Err(ReadError::Schema(schema));
    }
    collection.notes = read_notes(conn)?;
    collection.cards = read_cards(conn)?;
    collection.revlog = read_revlog(conn)?;
    Ok(collection)
}

fn json(text: &str, what: &str) -> Result<Value, ReadError> {
    serde_json::from_str(text).map_err(|e| ReadError::Damaged(format!("the {what} are not JSON ({e})")))
}

/// Schema 11: note types, decks and settings are JSON in the `col` row.
fn read_legacy_tables(conn: &Connection, collection: &mut Collection) -> Result<(), ReadError> {
    let (conf, models, decks): (String, String, String) =
        conn.query_row("SELECT conf, models, decks FROM col", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    if let Some(hour) = json(&conf, "settings")?.get("rollover").and_then(Value::as_u64) {
        collection.rollover_hour = hour.min(23) as u32;
    }
    let models = json(&models, "note types")?;
    for (id, model) in models.as_object().into_iter().flatten() {
        let id = id
            .parse::<i64>()
            .ok()
            .or_else(|| model.get("id").and_then(Value::as_i64));
        let Some(id) = id else { continue };
        let list = |key: &str, value: &str| -> Vec<String> {
            let mut items: Vec<(i64, String)> = model
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(i, item)| {
                    let ord = item.get("ord").and_then(Value::as_i64).unwrap_or(i as i64);
                    let text = item.get(value).and_then(Value::as_str).unwrap_or_default();
                    (ord, text.to_string())
                })
                .collect();
            items.sort_by_key(|(ord, _)| *ord);
            items.into_iter().map(|(_, text)| text).collect()
        };
        collection.notetypes.insert(
            id,
            Notetype {
                id,
                name: model
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                cloze: model.get("type").and_then(Value::as_i64) == Some(1),
                stock_kind: model.get("originalStockKind").and_then(Value::as_i64),
                fields: list("flds", "name"),
                templates: list("tmpls", "qfmt"),
                definition: model.clone(),
            },
        );
    }
    let dconf: String = conn.query_row("SELECT dconf FROM col", [], |r| r.get(0))?;
    let dconf = json(&dconf, "deck options")?;
    let decks = json(&decks, "decks")?;
    for (id, deck) in decks.as_object().into_iter().flatten() {
        if let (Ok(id), Some(name)) = (id.parse::<i64>(), deck.get("name").and_then(Value::as_str)) {
            collection.decks.insert(id, bounded_deck_name(name));
            let conf = deck.get("conf").and_then(Value::as_i64).map(|c| c.to_string());
            if let Some(preset) = conf.and_then(|c| dconf.get(&c)).map(legacy_preset) {
                collection.presets.insert(id, preset);
            }
        }
    }
    Ok(())
}

/// A schema-11 options group (`col.dconf`) as a [`Preset`].
fn legacy_preset(conf: &Value) -> Preset {
    let number = |path: &[&str]| path.iter().try_fold(conf, |v, k| v.get(k)).and_then(Value::as_f64);
    let list = |path: &[&str]| -> Vec<f32> {
        path.iter()
            .try_fold(conf, |v, k| v.get(k))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_f64).map(|x| x as f32).collect())
            .unwrap_or_default()
    };
    let flag = |path: &[&str]| path.iter().try_fold(conf, |v, k| v.get(k)).and_then(Value::as_bool) == Some(true);
    let count = |path: &[&str]| number(path).filter(|n| (0.0..=1e6).contains(n)).map(|n| n as u32);
    let mut params = list(&["fsrsParams6"]);
    for older in ["fsrsParams5", "fsrsWeights"] {
        if params.is_empty() {
            params = list(&[older]);
        }
    }
    Preset {
        name: conf.get("name").and_then(Value::as_str).unwrap_or_default().to_string(),
        new_per_day: count(&["new", "perDay"]),
        reviews_per_day: count(&["rev", "perDay"]),
        desired_retention: number(&["desiredRetention"]).map(|r| r as f32),
        learn_steps: Some(list(&["new", "delays"])),
        relearn_steps: Some(list(&["lapse", "delays"])),
        fsrs_params: params,
        bury_new: Some(flag(&["new", "bury"])),
        bury_reviews: Some(flag(&["rev", "bury"])),
        bury_interday: Some(flag(&["buryInterdayLearning"])),
        max_interval: count(&["rev", "maxIvl"]),
    }
}

/// A schema-18 options preset (`deck_config.config`, protobuf) as a [`Preset`].
fn table_preset(name: String, config: &[u8]) -> Preset {
    let count = |n| proto::varint_field(config, n).and_then(|v| u32::try_from(v).ok());
    let flag = |n| proto::varint_field(config, n) == Some(1);
    let mut params = proto::floats_field(config, 6);
    for older in [5, 3] {
        if params.is_empty() {
            params = proto::floats_field(config, older);
        }
    }
    Preset {
        name,
        new_per_day: count(9),
        reviews_per_day: count(10),
        desired_retention: proto::float_field(config, 37),
        learn_steps: Some(proto::floats_field(config, 1)),
        relearn_steps: Some(proto::floats_field(config, 2)),
        fsrs_params: params,
        bury_new: Some(flag(27)),
        bury_reviews: Some(flag(28)),
        bury_interday: Some(flag(29)),
        max_interval: count(16),
    }
}

/// Schemas 14–18: tables for note types, their fields and templates, decks
/// and settings; configs are protobuf messages.
fn read_tables(conn: &Connection, collection: &mut Collection) -> Result<(), ReadError> {
    let rollover: Option<Vec<u8>> = conn
        .query_row("SELECT val FROM config WHERE KEY = 'rollover'", [], |r| r.get(0))
        .optional()?;
    if let Some(hour) = rollover
        .and_then(|v| serde_json::from_slice::<Value>(&v).ok())
        .and_then(|v| v.as_u64())
    {
        collection.rollover_hour = hour.min(23) as u32;
    }
    let mut stmt = conn.prepare("SELECT id, name, mtime_secs, config FROM notetypes LIMIT ?1")?;
    let rows = stmt.query_map([row_cap(conn, "notetypes")?], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Vec<u8>>(3)?,
        ))
    })?;
    for row in rows {
        let (id, name, mtime, config) = row?;
        let cloze = proto::varint_field(&config, 1) == Some(1);
        let stock_kind = proto::varint_field(&config, 9).map(|k| k as i64);
        let definition = serde_json::json!({
            "id": id, "name": name, "type": i64::from(cloze), "mod": mtime,
            "sortf": proto::varint_field(&config, 2).unwrap_or(0),
            "css": proto::string_field(&config, 3).unwrap_or_default(),
            "latexPre": proto::string_field(&config, 5).unwrap_or_default(),
            "latexPost": proto::string_field(&config, 6).unwrap_or_default(),
            "originalStockKind": stock_kind.unwrap_or(0),
            "flds": [], "tmpls": [],
        });
        collection.notetypes.insert(
            id,
            Notetype {
                id,
                name,
                cloze,
                stock_kind,
                definition,
                ..Notetype::default()
            },
        );
    }
    let mut stmt = conn.prepare("SELECT ntid, ord, name FROM fields ORDER BY ntid, ord LIMIT ?1")?;
    for row in stmt.query_map([row_cap(conn, "fields")?], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
    })? {
        let (id, ord, name) = row?;
        if let Some(notetype) = collection.notetypes.get_mut(&id) {
            push_json(
                &mut notetype.definition,
                "flds",
                serde_json::json!({"name": name, "ord": ord}),
            );
            notetype.fields.push(name);
        }
    }
    let mut stmt = conn.prepare("SELECT ntid, ord, name, config FROM templates ORDER BY ntid, ord LIMIT ?1")?;
    for row in stmt.query_map([row_cap(conn, "templates")?], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Vec<u8>>(3)?,
        ))
    })? {
        let (id, ord, name, config) = row?;
        if let Some(notetype) = collection.notetypes.get_mut(&id) {
            let question = proto::string_field(&config, 1).unwrap_or_default();
            let answer = proto::string_field(&config, 2).unwrap_or_default();
            let template = serde_json::json!({"name": name, "ord": ord, "qfmt": question, "afmt": answer});
            push_json(&mut notetype.definition, "tmpls", template);
            notetype.templates.push(question);
        }
    }
    let mut presets = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, name, config FROM deck_config LIMIT ?1")?;
    for row in stmt.query_map([row_cap(conn, "deck_config")?], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Vec<u8>>(2)?))
    })? {
        let (id, name, config) = row?;
        presets.insert(id, table_preset(name, &config));
    }
    let mut stmt = conn.prepare("SELECT id, name, kind FROM decks LIMIT ?1")?;
    for row in stmt.query_map([row_cap(conn, "decks")?], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Vec<u8>>(2)?))
    })? {
        let (id, name, kind) = row?;
        // Schema 18 separates levels with \x1f; people write `::`.
        collection
            .decks
            .insert(id, bounded_deck_name(&name.replace('\x1f', "::")));
        let config_id = proto::message_field(&kind, 1).and_then(|normal| proto::varint_field(normal, 1));
        if let Some(preset) = config_id.and_then(|c| presets.get(&(c as i64))) {
            collection.presets.insert(id, preset.clone());
        }
    }
    Ok(())
}

/// Appends `item` to the array `key` of a JSON object.
fn push_json(object: &mut Value, key: &str, item: Value) {
    if let Some(list) = object.get_mut(key).and_then(Value::as_array_mut) {
        list.push(item);
    }
}

fn read_notes(conn: &Connection) -> Result<Vec<Note>, ReadError> {
    let cap = row_cap(conn, "notes")?;
    let mut stmt = conn.prepare("SELECT id, guid, mid, tags, flds, mod FROM notes ORDER BY id LIMIT ?1")?;
    let notes = stmt
        .query_map([cap], |r| {
            let tags: String = r.get(3)?;
            let fields: String = r.get(4)?;
            Ok(Note {
                id: r.get(0)?,
                guid: r.get(1)?,
                notetype_id: r.get(2)?,
                mtime: r.get(5)?,
                tags: tags.split_whitespace().map(str::to_string).collect(),
                fields: fields.split('\x1f').map(str::to_string).collect(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(notes)
}

fn read_cards(conn: &Connection) -> Result<Vec<Card>, ReadError> {
    let cap = row_cap(conn, "cards")?;
    let mut stmt = conn.prepare(
        "SELECT id, nid, did, ord, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, data, flags
         FROM cards ORDER BY id LIMIT ?1",
    )?;
    let cards = stmt
        .query_map([cap], |r| {
            Ok(Card {
                id: r.get(0)?,
                note_id: r.get(1)?,
                deck_id: r.get(2)?,
                ord: r.get(3)?,
                ctype: r.get(4)?,
                queue: r.get(5)?,
                due: r.get(6)?,
                interval: r.get(7)?,
                factor: r.get(8)?,
                reps: r.get(9)?,
                lapses: r.get(10)?,
                left: r.get(11)?,
                original_due: r.get(12)?,
                original_deck_id: r.get(13)?,
                data: r.get::<_, Option<String>>(14)?.unwrap_or_default(),
                flags: r.get::<_, i64>(15)? & 7,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(cards)
}

/// The review log in time order (its ids are the answers' times): read in
/// the table's own order, not through the card index (a random lookup per
/// row); grouped by card, each card's answers are still in time order.
fn read_revlog(conn: &Connection) -> Result<Vec<Revlog>, ReadError> {
    let cap = row_cap(conn, "revlog")?;
    let mut stmt =
        conn.prepare("SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY id LIMIT ?1")?;
    let rows = stmt
        .query_map([cap], |r| {
            Ok(Revlog {
                id: r.get(0)?,
                card_id: r.get(1)?,
                ease: r.get(2)?,
                interval: r.get(3)?,
                last_interval: r.get(4)?,
                factor: r.get(5)?,
                time_ms: r.get(6)?,
                kind: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
