//! The `sync_cards` table: the card identities events name (deck key, fact
//! key, template), each with the card id every device gives it (the
//! smallest any event announces), the card as it was here before its first
//! event (a replay's start) and whether it waits for a replay. Also how an
//! identity finds its card here and how a card takes the shared id with
//! its history ([`Tx::renumber_card`]).

use rusqlite::{Connection, OptionalExtension, params};

use super::super::Tx;
use crate::error::Result;

/// What names a card on every device.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CardIdentity {
    pub deck: String,
    pub fact: String,
    pub template: String,
}

/// An identity as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityRow {
    pub id: i64,
    pub identity: CardIdentity,
    /// The id every device gives the card.
    pub card_id: Option<i64>,
    /// The card here before its first event (JSON of a snapshot).
    pub base: Option<String>,
}

/// Renames the identity of card `card_id` (its deck, fact and present
/// template) to `template`, unless that identity is known already.
pub(in crate::store) fn rename_template(conn: &Connection, card_id: i64, template: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE sync_cards SET template = ?2
         WHERE (deck_key, fact_key, template) = (SELECT d.key, f.key, c.template FROM cards c
                JOIN facts f ON f.id = c.fact_id JOIN decks d ON d.id = c.deck_id WHERE c.id = ?1)
           AND NOT EXISTS (SELECT 1 FROM sync_cards s WHERE (s.deck_key, s.fact_key, s.template) =
                (SELECT d.key, f.key, ?2 FROM cards c JOIN facts f ON f.id = c.fact_id
                 JOIN decks d ON d.id = c.deck_id WHERE c.id = ?1))",
    )?
    .execute(params![card_id, template])?;
    Ok(())
}

/// The id the events announce for a card identity, if any names it.
pub(in crate::store) fn announced_id(conn: &Connection, deck: &str, fact: &str, template: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT card_id FROM sync_cards WHERE deck_key = ?1 AND fact_key = ?2 AND template = ?3")?
        .query_row(params![deck, fact, template], |r| r.get::<_, Option<i64>>(0))
        .optional()?
        .flatten())
}

/// Whether the events may announce an id for a card of deck `deck`: some
/// identity of it has one ([`announced_id`] finds none otherwise).
pub(in crate::store) fn announces_in_deck(conn: &Connection, deck: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_cards WHERE deck_key = ?1 AND card_id IS NOT NULL)")?
        .query_row([deck], |r| r.get(0))?)
}

/// Whether a card has this id.
fn card_exists(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM cards WHERE id = ?1")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

impl crate::store::Store {
    /// How many card identities events name have no card here.
    pub fn orphan_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM sync_cards WHERE orphan = 1", [], |r| r.get(0))?)
    }
}

impl Tx<'_> {
    /// The row id of a card identity, added if new; an `announced` id
    /// smaller than the one stored becomes the shared id.
    /// Writes nothing when the identity is stored with an id no larger
    /// (every event of a card read again names it: a write would dirty its
    /// page for nothing).
    pub fn identity_id(&self, identity: &CardIdentity, announced: Option<i64>) -> Result<i64> {
        let conn = self.conn();
        let stored: Option<(i64, Option<i64>)> = conn
            .prepare_cached(
                "SELECT id, card_id FROM sync_cards WHERE deck_key = ?1 AND fact_key = ?2 AND template = ?3",
            )?
            .query_row(params![identity.deck, identity.fact, identity.template], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if let Some((id, card_id)) = stored
            && match (card_id, announced) {
                (_, None) => true,
                (Some(stored), Some(announced)) => stored <= announced,
                (None, Some(_)) => false,
            }
        {
            return Ok(id);
        }
        conn.prepare_cached(
            "INSERT INTO sync_cards (deck_key, fact_key, template, card_id) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (deck_key, fact_key, template) DO UPDATE
             SET card_id = min(coalesce(card_id, excluded.card_id), coalesce(excluded.card_id, card_id))",
        )?
        .execute(params![identity.deck, identity.fact, identity.template, announced])?;
        Ok(conn
            .prepare_cached("SELECT id FROM sync_cards WHERE deck_key = ?1 AND fact_key = ?2 AND template = ?3")?
            .query_row(params![identity.deck, identity.fact, identity.template], |r| r.get(0))?)
    }

    /// An identity by row id.
    pub fn identity(&self, id: i64) -> Result<Option<IdentityRow>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT id, deck_key, fact_key, template, card_id, base FROM sync_cards WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(IdentityRow {
                    id: r.get(0)?,
                    identity: CardIdentity {
                        deck: r.get(1)?,
                        fact: r.get(2)?,
                        template: r.get(3)?,
                    },
                    card_id: r.get(4)?,
                    base: r.get(5)?,
                })
            })
            .optional()?)
    }

    /// Keeps `base` as the card before its first event, unless one is kept.
    pub fn set_base_once(&self, id: i64, base: &str) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE sync_cards SET base = ?2 WHERE id = ?1 AND base IS NULL")?
            .execute(params![id, base])?;
        Ok(())
    }

    /// Marks an identity for a replay at the next sync.
    pub fn mark_dirty(&self, id: i64) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE sync_cards SET dirty = 1 WHERE id = ?1 AND dirty = 0")?
            .execute([id])?;
        Ok(())
    }

    /// No identity waits for a replay (every card is as its events say).
    pub fn clear_dirty(&self) -> Result<()> {
        self.conn()
            .execute("UPDATE sync_cards SET dirty = 0 WHERE dirty = 1", [])?;
        Ok(())
    }

    /// Identities waiting for a replay; first, orphans whose card is here now join them.
    pub fn dirty_identities(&self) -> Result<Vec<i64>> {
        self.conn().execute(
            "UPDATE sync_cards SET dirty = 1, orphan = 0 WHERE orphan = 1 AND EXISTS (
                 SELECT 1 FROM cards c JOIN facts f ON f.id = c.fact_id JOIN decks d ON d.id = f.deck_id
                 WHERE d.key = sync_cards.deck_key AND f.key = sync_cards.fact_key AND c.template = sync_cards.template)",
            [],
        )?;
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id FROM sync_cards WHERE dirty = 1 ORDER BY id")?;
        let ids = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// An identity replayed (`orphan`: its card is not here; tried again
    /// when it is). Writes only what changes.
    pub fn replayed(&self, id: i64, orphan: bool) -> Result<()> {
        self.conn()
            .prepare_cached(
                "UPDATE sync_cards SET dirty = 0, orphan = ?2 WHERE id = ?1 AND (dirty != 0 OR orphan != ?2)",
            )?
            .execute(params![id, orphan])?;
        Ok(())
    }

    /// The card an identity names here: its id and whether it is retired.
    pub fn card_of_identity(&self, identity: &CardIdentity) -> Result<Option<(i64, bool)>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT c.id, c.retired FROM cards c JOIN facts f ON f.id = c.fact_id JOIN decks d ON d.id = f.deck_id
                 WHERE d.key = ?1 AND f.key = ?2 AND c.template = ?3",
            )?
            .query_row(params![identity.deck, identity.fact, identity.template], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    /// The identity of a card.
    pub fn identity_of_card(&self, card_id: i64) -> Result<Option<CardIdentity>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT d.key, f.key, c.template FROM cards c JOIN facts f ON f.id = c.fact_id
                 JOIN decks d ON d.id = f.deck_id WHERE c.id = ?1",
            )?
            .query_row([card_id], |r| {
                Ok(CardIdentity {
                    deck: r.get(0)?,
                    fact: r.get(1)?,
                    template: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// Whether a card has this id.
    pub fn card_exists(&self, id: i64) -> Result<bool> {
        card_exists(self.conn(), id)
    }

    /// Cards whose state is more than a newly built card's: answered,
    /// forgotten, flagged, suspended (not retired), buried or leeches.
    pub fn studied_cards(&self) -> Result<Vec<i64>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id FROM cards WHERE state != 0 OR reps > 0 OR lapses > 0 OR flag != 0 OR leech != 0
               OR (queue = -1 AND retired = 0) OR queue = -2 ORDER BY id",
        )?;
        let ids = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// Gives card `old` the id `new` with everything that names it: its
    /// review log, the undo steps, the last quiz's misses.
    pub fn renumber_card(&self, old: i64, new: i64) -> Result<()> {
        let conn = self.conn();
        // Setting the pragma expires every prepared statement, all compiled
        // again (9% of a daily sync that renumbers a few dozen cards): once
        // per transaction, which turns it off when it ends.
        if !conn.query_row("PRAGMA defer_foreign_keys", [], |r| r.get::<_, bool>(0))? {
            conn.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        }
        conn.prepare_cached("UPDATE cards SET id = ?2 WHERE id = ?1")?
            .execute(params![old, new])?;
        self.text_changed(old, new)?;
        conn.prepare_cached("UPDATE review_log SET card_id = ?2 WHERE card_id = ?1")?
            .execute(params![old, new])?;
        conn.prepare_cached(
            "UPDATE undo SET cards = (
                 SELECT json_group_array(CASE WHEN j.value ->> 'id' = ?1 THEN json_set(j.value, '$.id', ?2) ELSE json(j.value) END)
                 FROM json_each(undo.cards) j)
             WHERE json_valid(cards) AND EXISTS (SELECT 1 FROM json_each(undo.cards) j WHERE j.value ->> 'id' = ?1)",
        )?
        .execute(params![old, new])?;
        conn.prepare_cached(
            "UPDATE settings SET value = json_set(value, '$.questions', json((
                 SELECT json_group_array(CASE WHEN q.value ->> 'card_id' = ?1 THEN json_set(q.value, '$.card_id', ?2)
                                              ELSE json(q.value) END)
                 FROM json_each(settings.value, '$.questions') q)))
             WHERE key = 'quiz-misses' AND json_valid(value) AND json_type(value, '$.questions') = 'array'",
        )?
        .execute(params![old, new])?;
        Ok(())
    }
}
