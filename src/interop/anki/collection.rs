//! Reading an Anki collection file (SQLite): schema 11, where note types and
//! decks are JSON in the `col` row, and schemas 14–18, where they have
//! tables of their own with protobuf configs. Notes, cards and the review
//! log have the same columns in both.

use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

pub use super::ReadError;
use super::{Card, Collection, Note, Notetype, Revlog, proto};

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
                name: model
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                cloze: model.get("type").and_then(Value::as_i64) == Some(1),
                stock_kind: model.get("originalStockKind").and_then(Value::as_i64),
                fields: list("flds", "name"),
                templates: list("tmpls", "qfmt"),
            },
        );
    }
    let decks = json(&decks, "decks")?;
    for (id, deck) in decks.as_object().into_iter().flatten() {
        if let (Ok(id), Some(name)) = (id.parse::<i64>(), deck.get("name").and_then(Value::as_str)) {
            collection.decks.insert(id, name.to_string());
        }
    }
    Ok(())
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
    let mut stmt = conn.prepare("SELECT id, name, config FROM notetypes LIMIT ?1")?;
    let rows = stmt.query_map([row_cap(conn, "notetypes")?], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Vec<u8>>(2)?))
    })?;
    for row in rows {
        let (id, name, config) = row?;
        collection.notetypes.insert(
            id,
            Notetype {
                name,
                cloze: proto::varint_field(&config, 1) == Some(1),
                stock_kind: proto::varint_field(&config, 9).map(|k| k as i64),
                ..Notetype::default()
            },
        );
    }
    let mut stmt = conn.prepare("SELECT ntid, name FROM fields ORDER BY ntid, ord LIMIT ?1")?;
    for row in stmt.query_map([row_cap(conn, "fields")?], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })? {
        let (id, name) = row?;
        if let Some(notetype) = collection.notetypes.get_mut(&id) {
            notetype.fields.push(name);
        }
    }
    let mut stmt = conn.prepare("SELECT ntid, config FROM templates ORDER BY ntid, ord LIMIT ?1")?;
    for row in stmt.query_map([row_cap(conn, "templates")?], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
    })? {
        let (id, config) = row?;
        if let Some(notetype) = collection.notetypes.get_mut(&id) {
            notetype
                .templates
                .push(proto::string_field(&config, 1).unwrap_or_default());
        }
    }
    let mut stmt = conn.prepare("SELECT id, name FROM decks LIMIT ?1")?;
    for row in stmt.query_map([row_cap(conn, "decks")?], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })? {
        let (id, name) = row?;
        // Schema 18 separates levels with \x1f; people write `::`.
        collection.decks.insert(id, name.replace('\x1f', "::"));
    }
    Ok(())
}

fn read_notes(conn: &Connection) -> Result<Vec<Note>, ReadError> {
    let cap = row_cap(conn, "notes")?;
    let mut stmt = conn.prepare("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id LIMIT ?1")?;
    let notes = stmt
        .query_map([cap], |r| {
            let tags: String = r.get(3)?;
            let fields: String = r.get(4)?;
            Ok(Note {
                id: r.get(0)?,
                guid: r.get(1)?,
                notetype_id: r.get(2)?,
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

fn read_revlog(conn: &Connection) -> Result<Vec<Revlog>, ReadError> {
    let cap = row_cap(conn, "revlog")?;
    let mut stmt =
        conn.prepare("SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY cid, id LIMIT ?1")?;
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
