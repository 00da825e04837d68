//! Writes a schema-11 Anki collection (the legacy format every Anki since
//! 2.1 imports) holding one deck: its notes in three note types of iskra's
//! own (`iskra Basic`, `iskra Basic (and reversed card)`, `iskra Cloze`,
//! each with an `Extra` field) and the note types kept from Anki (as they
//! were), their cards with or without scheduling, and review-log rows.
//! `package::write` zips it.

use std::path::Path;

use rusqlite::{Connection, params};
use serde_json::{Value, json};

use super::{Card, Revlog};
use crate::error::Result;
use crate::progress::{Progress, tick};

/// The note types iskra exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// Fields Front, Back, Extra; one card.
    Basic,
    /// Fields Front, Back, Extra; card 1 asks Front, card 2 asks Back.
    BasicReversed,
    /// Fields Text, Extra; one card per cloze number.
    Cloze,
}

impl NoteKind {
    const ALL: [NoteKind; 3] = [NoteKind::Basic, NoteKind::BasicReversed, NoteKind::Cloze];

    /// Fixed ids, so exporting again updates the same note types in Anki.
    pub fn id(self) -> i64 {
        match self {
            NoteKind::Basic => 1_710_000_000_001,
            NoteKind::BasicReversed => 1_710_000_000_002,
            NoteKind::Cloze => 1_710_000_000_003,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            NoteKind::Basic => "iskra Basic",
            NoteKind::BasicReversed => "iskra Basic (and reversed card)",
            NoteKind::Cloze => "iskra Cloze",
        }
    }

    fn fields(self) -> &'static [&'static str] {
        match self {
            NoteKind::Basic | NoteKind::BasicReversed => &["Front", "Back", "Extra"],
            NoteKind::Cloze => &["Text", "Extra"],
        }
    }

    /// (name, question format, answer format) of each card template.
    fn templates(self) -> Vec<(&'static str, &'static str, &'static str)> {
        const ANSWER: &str = "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}{{#Extra}}<br><br>{{Extra}}{{/Extra}}";
        const REVERSE_ANSWER: &str =
            "{{FrontSide}}\n\n<hr id=answer>\n\n{{Front}}{{#Extra}}<br><br>{{Extra}}{{/Extra}}";
        match self {
            NoteKind::Basic => vec![("Card 1", "{{Front}}", ANSWER)],
            NoteKind::BasicReversed => vec![("Card 1", "{{Front}}", ANSWER), ("Card 2", "{{Back}}", REVERSE_ANSWER)],
            NoteKind::Cloze => vec![(
                "Cloze",
                "{{cloze:Text}}",
                "{{cloze:Text}}{{#Extra}}<br><br>{{Extra}}{{/Extra}}",
            )],
        }
    }

    /// Anki's `originalStockKind` of the stock type this one follows.
    fn stock_kind(self) -> i64 {
        match self {
            NoteKind::Basic => 1,
            NoteKind::BasicReversed => 2,
            NoteKind::Cloze => 5,
        }
    }
}

/// A deck as exported.
#[derive(Debug, Clone)]
pub struct ExportDeck {
    pub id: i64,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct ExportNote {
    pub id: i64,
    pub guid: String,
    /// Its note type's id: a [`NoteKind`]'s, or one of [`Export::notetypes`].
    pub notetype: i64,
    /// HTML fields, in the note type's order.
    pub fields: Vec<String>,
    pub tags: Vec<String>,
    /// `notes.mod`, seconds.
    pub mtime: i64,
}

/// Everything one exported package holds.
pub struct Export<'a> {
    pub deck: &'a ExportDeck,
    pub notes: &'a [ExportNote],
    /// Cards of the package's deck (their `deck_id` is not read).
    pub cards: &'a [Card],
    pub revlog: &'a [Revlog],
    /// Note types kept from Anki (schema-11 JSON), written as they were.
    pub notetypes: &'a [Value],
    /// `col.crt`: the start of today's Anki day, in seconds.
    pub created_secs: i64,
    pub rollover_hour: u32,
    pub now_secs: i64,
}

const SCHEMA_11: &str = "
CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
  ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL, conf text NOT NULL,
  models text NOT NULL, decks text NOT NULL, dconf text NOT NULL, tags text NOT NULL);
CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
  usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL, csum integer NOT NULL,
  flags integer NOT NULL, data text NOT NULL);
CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
  mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL, due integer NOT NULL,
  ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL, lapses integer NOT NULL,
  left integer NOT NULL, odue integer NOT NULL, odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE revlog (id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL, ease integer NOT NULL,
  ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL, time integer NOT NULL,
  type integer NOT NULL);
CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL);
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum);
";

/// Writes the collection file at `path` (which must not exist yet),
/// reporting the notes, cards and reviews written to `progress`.
pub fn write_collection(path: &Path, export: &Export, progress: &dyn Progress) -> Result<()> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    let tx = conn.transaction()?;
    tx.execute_batch(SCHEMA_11)?;
    let now = export.now_secs;
    tx.execute(
        "INSERT INTO col VALUES (1, ?1, ?2, ?2, 11, 0, 0, 0, ?3, ?4, ?5, ?6, '{}')",
        params![
            export.created_secs,
            now * 1000,
            config(export).to_string(),
            models(now, export.notetypes).to_string(),
            decks(export.deck, now).to_string(),
            deck_configs().to_string(),
        ],
    )?;
    progress.start("notes", export.notes.len() as u64);
    {
        let mut insert = tx.prepare("INSERT INTO notes VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, ?8, 0, '')")?;
        for (i, note) in export.notes.iter().enumerate() {
            tick(progress, i, export.notes.len());
            let sort_field = super::html::to_text(note.fields.first().map_or("", String::as_str));
            insert.execute(params![
                note.id,
                note.guid,
                note.notetype,
                note.mtime,
                tags_column(&note.tags),
                note.fields.join("\x1f"),
                sort_field,
                checksum(&sort_field),
            ])?;
        }
    }
    progress.start("cards", export.cards.len() as u64);
    {
        let mut insert = tx.prepare(
            "INSERT INTO cards VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        )?;
        for (i, card) in export.cards.iter().enumerate() {
            tick(progress, i, export.cards.len());
            insert.execute(params![
                card.id,
                card.note_id,
                export.deck.id,
                card.ord,
                now,
                card.ctype,
                card.queue,
                card.due,
                card.interval,
                card.factor,
                card.reps,
                card.lapses,
                card.left,
                card.original_due,
                card.original_deck_id,
                card.flags,
                card.data
            ])?;
        }
    }
    progress.start("reviews", export.revlog.len() as u64);
    {
        let mut insert = tx.prepare("INSERT INTO revlog VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?7, ?8)")?;
        for (i, r) in export.revlog.iter().enumerate() {
            tick(progress, i, export.revlog.len());
            insert.execute(params![
                r.id,
                r.card_id,
                r.ease,
                r.interval,
                r.last_interval,
                r.factor,
                r.time_ms,
                r.kind
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Anki's tags column: space-separated, with a space on each side.
fn tags_column(tags: &[String]) -> String {
    if tags.is_empty() {
        String::new()
    } else {
        format!(" {} ", tags.join(" "))
    }
}

/// Anki's duplicate-check value: the first 8 hex digits of the SHA-1 of the
/// sort field's text, as a number.
fn checksum(text: &str) -> i64 {
    let digest = sha1(text.as_bytes());
    i64::from(u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]))
}

/// SHA-1 (FIPS 180-4): for [`checksum`], and media files' content addresses.
pub fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0];
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_be_bytes());
    for block in message.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, &word) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

fn config(export: &Export) -> Value {
    json!({
        "nextPos": 1, "estTimes": true, "activeDecks": [1], "sortType": "noteFld", "timeLim": 0,
        "sortBackwards": false, "addToCur": true, "curDeck": export.deck.id, "newSpread": 0, "dueCounts": true,
        "curModel": NoteKind::Basic.id(), "collapseTime": 1200, "schedVer": 2, "sched2021": true,
        "rollover": export.rollover_hour, "creationOffset": 0,
    })
}

fn models(now: i64, kept: &[Value]) -> Value {
    let mut models = serde_json::Map::new();
    for definition in kept {
        if let Some(id) = definition.get("id").and_then(Value::as_i64) {
            models.insert(id.to_string(), complete_notetype(definition.clone()));
        }
    }
    for kind in NoteKind::ALL {
        let fields: Vec<Value> = kind
            .fields()
            .iter()
            .enumerate()
            .map(|(ord, name)| json!({"name": name, "ord": ord, "sticky": false, "rtl": false, "font": "Arial", "size": 20}))
            .collect();
        let templates: Vec<Value> = kind
            .templates()
            .into_iter()
            .enumerate()
            .map(|(ord, (name, q, a))| {
                json!({"name": name, "ord": ord, "qfmt": q, "afmt": a, "bqfmt": "", "bafmt": "", "did": null})
            })
            .collect();
        let requirements: Vec<Value> = (0..templates.len())
            .map(|ord| json!([ord, "any", [if kind == NoteKind::Cloze { 0 } else { ord }]]))
            .collect();
        models.insert(
            kind.id().to_string(),
            json!({
                "id": kind.id(), "name": kind.name(), "type": i64::from(kind == NoteKind::Cloze), "mod": now,
                "usn": 0, "sortf": 0, "did": null, "tmpls": templates, "flds": fields,
                "css": ".card {\n  font-family: arial;\n  font-size: 20px;\n  text-align: center;\n  color: black;\n  background-color: white;\n}\n",
                "latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
                "latexPost": "\\end{document}", "latexsvg": false, "req": requirements,
                "originalStockKind": kind.stock_kind(), "tags": [], "vers": [],
            }),
        );
    }
    Value::Object(models)
}

/// A kept note type with the keys a schema-11 note type has that a
/// definition rebuilt from schema 18's tables lacks (with Anki's defaults);
/// what it has is left as it is.
fn complete_notetype(mut definition: Value) -> Value {
    let fill = |object: &mut Value, defaults: Value| {
        if let (Some(object), Value::Object(defaults)) = (object.as_object_mut(), defaults) {
            for (key, value) in defaults {
                object.entry(key).or_insert(value);
            }
        }
    };
    for field in definition
        .get_mut("flds")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        fill(
            field,
            json!({"sticky": false, "rtl": false, "font": "Arial", "size": 20, "media": []}),
        );
    }
    for template in definition
        .get_mut("tmpls")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        fill(
            template,
            json!({"bqfmt": "", "bafmt": "", "did": null, "bfont": "", "bsize": 0}),
        );
    }
    fill(
        &mut definition,
        json!({
            "usn": 0, "did": null, "sortf": 0, "css": "", "latexPre": "", "latexPost": "", "latexsvg": false,
            "req": [], "tags": [], "vers": [],
        }),
    );
    definition
}

fn deck_json(id: i64, name: &str, description: &str, now: i64) -> Value {
    json!({
        "id": id, "mod": now, "name": name, "usn": 0, "lrnToday": [0, 0], "revToday": [0, 0],
        "newToday": [0, 0], "timeToday": [0, 0], "collapsed": false, "browserCollapsed": false,
        "desc": description, "dyn": 0, "conf": 1, "extendNew": 0, "extendRev": 0,
    })
}

fn decks(deck: &ExportDeck, now: i64) -> Value {
    json!({
        "1": deck_json(1, "Default", "", 0),
        deck.id.to_string(): deck_json(deck.id, &deck.name, &deck.description, now),
    })
}

fn deck_configs() -> Value {
    json!({"1": {
        "id": 1, "mod": 0, "name": "Default", "usn": 0, "maxTaken": 60, "autoplay": true, "timer": 0,
        "replayq": true, "dyn": false,
        "new": {"bury": false, "delays": [1.0, 10.0], "initialFactor": 2500, "ints": [1, 4, 0], "order": 1, "perDay": 20},
        "rev": {"bury": false, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": 36500, "perDay": 200, "hardFactor": 1.2},
        "lapse": {"delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0},
    }})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_matches_known_digests() {
        let hex = |d: [u8; 20]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(hex(sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(hex(sha1(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            hex(sha1(&b"a".repeat(1000))),
            "291e9a6c66994949b57ba5e650361e98fc36b1ba"
        );
    }
}
