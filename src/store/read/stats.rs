//! Reads for statistics and exports (`iskra stats`, `report`, `export stats`,
//! `export log`): the review log streamed in time order, and aggregates over
//! the cards. Everything here is read-only. Study-day bucketing is left to
//! the caller, who knows the time zone: rows come sorted by time, so days
//! are split with one pass over precomputed day boundaries.

use rusqlite::{Row, params};

use crate::clock::DayNumber;
use crate::error::Result;
use crate::store::Store;

/// Which cards statistics cover: the whole collection or one deck.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scope {
    pub deck_id: Option<i64>,
}

impl Scope {
    /// Condition restricting review-log rows `l` to the scope (parameter
    /// `?1`). The log is read in time order and each row's card checked
    /// against the deck's (the `+` keeps SQLite from reading the log card by
    /// card instead, then sorting: 5–10 times slower on a large log).
    fn log_filter(self) -> &'static str {
        match self.deck_id {
            Some(_) => "AND +l.card_id IN (SELECT id FROM cards WHERE deck_id = ?1)",
            None => "AND ?1 IS NULL",
        }
    }

    /// Condition restricting cards `c` to the scope (parameter `?1`).
    fn card_filter(self) -> &'static str {
        match self.deck_id {
            Some(_) => "c.deck_id = ?1",
            None => "?1 IS NULL",
        }
    }
}

/// One review-log row, as statistics need it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatsLogRow {
    pub reviewed_at_ms: i64,
    pub card_id: i64,
    pub rating: u8,
    pub kind: i64,
    pub duration_ms: i64,
    pub state_before: i64,
    pub due_before: i64,
    /// Whether the card's interval before the answer was at least the
    /// `mature_days` asked for.
    pub mature: bool,
}

/// Small columns of a log row packed into one integer by the query (a
/// column fetched costs more than the arithmetic on a large log).
mod packed {
    /// `rating + 8 * kind + 64 * state_before + 256 * mature`, in SQL.
    pub const SQL: &str = "l.rating + 8 * l.kind + 64 * l.state_before + 256 * (l.interval_before >= ?4)";

    /// (rating, kind, state_before, mature) from the packed value.
    pub fn unpack(v: i64) -> (u8, i64, i64, bool) {
        ((v & 7) as u8, (v >> 3) & 7, (v >> 6) & 3, v >> 8 & 1 == 1)
    }
}

/// One card, as statistics need it (live cards only).
#[derive(Debug, Clone, PartialEq)]
pub struct StatsCardRow {
    pub id: i64,
    pub state: i64,
    pub queue: i64,
    pub due: i64,
    pub interval: i64,
    pub stability: Option<f64>,
    pub difficulty: Option<f64>,
    pub last_review_day: Option<DayNumber>,
    pub reps: i64,
    pub lapses: i64,
}

/// A card with its text and place, for leech lists and the card export.
#[derive(Debug, Clone, PartialEq)]
pub struct CardDetail {
    pub card: StatsCardRow,
    pub deck: String,
    pub fact_key: String,
    pub fact_kind: String,
    pub template: String,
    pub question: String,
    /// The back of the card.
    pub answer: String,
    pub deck_key: String,
    /// The fact's tags.
    pub tags: Vec<String>,
    pub flag: u8,
    pub leech: bool,
    /// When the card was added (UTC ms), if known.
    pub added_ms: Option<i64>,
}

/// One review-log row with everything `export log` writes.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportLogRow<'a> {
    pub id: i64,
    pub card_id: i64,
    pub deck: &'a str,
    pub fact_key: &'a str,
    pub reviewed_at_ms: i64,
    pub rating: u8,
    pub duration_ms: i64,
    pub kind: i64,
    pub elapsed_days: i64,
    pub state_before: i64,
    pub due_before: i64,
    pub interval_before: i64,
    pub state_after: i64,
    pub due_after: i64,
    pub interval_after: i64,
    pub stability_after: Option<f64>,
    pub difficulty_after: Option<f64>,
}

const CARD_COLUMNS: &str =
    "c.id, c.state, c.queue, c.due, c.interval, c.stability, c.difficulty, c.last_review_day, c.reps, c.lapses";

fn card_row(row: &Row) -> rusqlite::Result<StatsCardRow> {
    Ok(StatsCardRow {
        id: row.get(0)?,
        state: row.get(1)?,
        queue: row.get(2)?,
        due: row.get(3)?,
        interval: row.get(4)?,
        stability: row.get(5)?,
        difficulty: row.get(6)?,
        last_review_day: row.get(7)?,
        reps: row.get(8)?,
        lapses: row.get(9)?,
    })
}

fn card_detail(row: &Row) -> rusqlite::Result<CardDetail> {
    let tags: Option<String> = row.get(17)?;
    let tags = match tags {
        None => Vec::new(),
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(17, rusqlite::types::Type::Text, Box::new(e)))?,
    };
    Ok(CardDetail {
        card: card_row(row)?,
        deck: row.get(10)?,
        fact_key: row.get(11)?,
        fact_kind: row.get(12)?,
        template: row.get(13)?,
        question: row.get(14)?,
        answer: row.get(15)?,
        deck_key: row.get(16)?,
        tags,
        flag: row.get(18)?,
        leech: row.get(19)?,
        added_ms: row.get(20)?,
    })
}

/// The log rows of [`Store::stats_log_rows`]: read in time order from the
/// time index alone, which holds every column read (schema 7), so a year of
/// answers never touches the table.
fn log_rows_sql(scope: Scope) -> String {
    format!(
        "SELECT l.reviewed_at_ms, l.card_id, l.duration_ms, l.due_before, {}
         FROM review_log l
         WHERE l.reviewed_at_ms >= ?2 AND l.reviewed_at_ms < ?3 {}
         ORDER BY l.reviewed_at_ms, l.id",
        packed::SQL,
        scope.log_filter()
    )
}

impl Store {
    /// A second connection to the same collection, so statistics can read
    /// the cards while this one reads the log (none for one in memory).
    pub fn stats_reader(&self) -> Result<Option<Store>> {
        if self.path() == std::path::Path::new(":memory:") {
            return Ok(None);
        }
        Store::open(self.path()).map(Some)
    }

    /// Calls `each` for every review-log row of the scope answered in
    /// `from_ms..to_ms`, in time order; `mature_days` decides `mature`.
    pub fn stats_log_rows(
        &self,
        scope: Scope,
        (from_ms, to_ms): (i64, i64),
        mature_days: i64,
        mut each: impl FnMut(&StatsLogRow),
    ) -> Result<()> {
        let mut stmt = self.conn().prepare(&log_rows_sql(scope))?;
        let mut rows = stmt.query(params![scope.deck_id, from_ms, to_ms, mature_days])?;
        while let Some(row) = rows.next()? {
            let (rating, kind, state_before, mature) = packed::unpack(row.get(4)?);
            each(&StatsLogRow {
                reviewed_at_ms: row.get(0)?,
                card_id: row.get(1)?,
                rating,
                kind,
                duration_ms: row.get(2)?,
                state_before,
                due_before: row.get(3)?,
                mature,
            });
        }
        Ok(())
    }

    /// The time of the scope's first answer (manual entries left out).
    pub fn stats_first_answer_ms(&self, scope: Scope) -> Result<Option<i64>> {
        let filter = scope.log_filter();
        let sql = format!(
            "SELECT min(l.reviewed_at_ms) FROM review_log l
             WHERE l.kind != 4 {filter}"
        );
        Ok(self.conn().query_row(&sql, [scope.deck_id], |r| r.get(0))?)
    }

    /// For each day given by consecutive `bounds` (UTC ms; day `i` is
    /// `bounds[i]..bounds[i + 1]`), whether the scope has an answer in it
    /// (manual entries left out). One statement, one index probe per day
    /// (and the deck's cards gathered once).
    pub fn stats_active_days(&self, scope: Scope, bounds: &[i64]) -> Result<Vec<bool>> {
        let Some(last) = bounds.len().checked_sub(1) else {
            return Ok(Vec::new());
        };
        let filter = scope.log_filter();
        let sql = format!(
            "SELECT b.key, EXISTS (SELECT 1 FROM review_log l
                                  WHERE l.reviewed_at_ms >= b.value
                                    AND l.reviewed_at_ms < json_extract(?2, '$[' || (b.key + 1) || ']')
                                    AND l.kind != 4 {filter})
             FROM json_each(?2) b WHERE b.key < ?3"
        );
        let json = serde_json::to_string(bounds).map_err(|e| crate::error::Error::Internal(e.to_string()))?;
        let mut active = vec![false; last];
        let mut stmt = self.conn().prepare(&sql)?;
        let mut rows = stmt.query(params![scope.deck_id, json, last as i64])?;
        while let Some(row) = rows.next()? {
            let (day, any): (i64, bool) = (row.get(0)?, row.get(1)?);
            if let Some(slot) = usize::try_from(day).ok().and_then(|d| active.get_mut(d)) {
                *slot = any;
            }
        }
        Ok(active)
    }

    /// Every live card of the scope (retired cards left out), in id order.
    pub fn stats_cards(&self, scope: Scope, mut each: impl FnMut(&StatsCardRow)) -> Result<()> {
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards c WHERE c.retired = 0 AND {} ORDER BY c.id",
            scope.card_filter()
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let mut rows = stmt.query([scope.deck_id])?;
        while let Some(row) = rows.next()? {
            each(&card_row(row)?);
        }
        Ok(())
    }

    /// Live cards of the scope with their text, in id order: `condition` on
    /// `c` selects them, with `arg` bound to `?2`.
    fn card_details(&self, scope: Scope, condition: &str, arg: Option<i64>) -> Result<Vec<CardDetail>> {
        let sql = format!(
            "SELECT {CARD_COLUMNS}, d.name, f.key, coalesce(json_extract(f.content, '$.kind'), ''), c.template, c.front,
                    c.back, d.key, json_extract(f.content, '$.tags'), c.flag, c.leech, c.added_ms
             FROM cards c JOIN facts f ON f.id = c.fact_id JOIN decks d ON d.id = c.deck_id
             WHERE c.retired = 0 AND {} AND {condition}
             ORDER BY c.id",
            scope.card_filter()
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params![scope.deck_id, arg], card_detail)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The cards with these ids, with their text, in the order given (ids
    /// of no live card are skipped).
    pub fn stats_card_details_for(&self, ids: &[i64]) -> Result<Vec<CardDetail>> {
        let mut details = Vec::with_capacity(ids.len());
        for &id in ids {
            details.extend(self.card_details(Scope::default(), "c.id = ?2", Some(id))?);
        }
        Ok(details)
    }

    /// Every live card of the scope with its text, in id order.
    pub fn stats_card_details(&self, scope: Scope) -> Result<Vec<CardDetail>> {
        self.card_details(scope, "?2 IS NULL", None)
    }

    /// Calls `each` for every review-log row of the scope, in time order.
    pub fn export_log_rows(&self, scope: Scope, mut each: impl FnMut(&ExportLogRow) -> Result<()>) -> Result<()> {
        // Each card's deck and fact, read once: joining them to a million
        // log rows would read the cards and facts at random, page by page.
        let sql = format!(
            "SELECT c.id, d.name, f.key FROM cards c JOIN facts f ON f.id = c.fact_id JOIN decks d ON d.id = c.deck_id
             WHERE {}",
            scope.card_filter()
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let mut decks: Vec<String> = Vec::new();
        let mut labels: std::collections::HashMap<i64, (usize, String)> = std::collections::HashMap::new();
        let mut rows = stmt.query([scope.deck_id])?;
        while let Some(row) = rows.next()? {
            let deck: String = row.get(1)?;
            let index = match decks.iter().position(|d| *d == deck) {
                Some(i) => i,
                None => {
                    decks.push(deck);
                    decks.len() - 1
                }
            };
            labels.insert(row.get(0)?, (index, row.get(2)?));
        }
        let mut stmt = self.conn().prepare(
            "SELECT l.id, l.card_id, l.reviewed_at_ms, l.rating, l.duration_ms, l.kind, l.elapsed_days,
                    l.state_before, l.due_before, l.interval_before, l.state_after, l.due_after, l.interval_after,
                    l.stability_after, l.difficulty_after
             FROM review_log l ORDER BY l.reviewed_at_ms, l.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            // Rows of cards outside the scope are skipped.
            let Some((deck, fact_key)) = labels.get(&row.get(1)?) else {
                continue;
            };
            each(&ExportLogRow {
                id: row.get(0)?,
                card_id: row.get(1)?,
                deck: &decks[*deck],
                fact_key,
                reviewed_at_ms: row.get(2)?,
                rating: row.get(3)?,
                duration_ms: row.get(4)?,
                kind: row.get(5)?,
                elapsed_days: row.get(6)?,
                state_before: row.get(7)?,
                due_before: row.get(8)?,
                interval_before: row.get(9)?,
                state_after: row.get(10)?,
                due_after: row.get(11)?,
                interval_after: row.get(12)?,
                stability_after: row.get(13)?,
                difficulty_after: row.get(14)?,
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_is_read_from_the_time_index_alone_in_its_order() {
        let store = Store::open_in_memory().unwrap();
        for deck_id in [None, Some(1)] {
            let sql = log_rows_sql(Scope { deck_id });
            let plan: Vec<String> = store
                .conn()
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map(params![deck_id, 0, 1, 21], |r| r.get(3))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert!(
                plan[0].starts_with("SEARCH l USING COVERING INDEX review_log_by_time"),
                "{plan:?}"
            );
            assert!(
                !plan.iter().any(|step| step.contains("TEMP B-TREE")),
                "no sort: {plan:?}"
            );
        }
    }

    #[test]
    fn packed_columns_come_back_whole() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for (rating, kind, state, interval) in [(1, 0, 0, 0), (4, 4, 3, 20), (3, 1, 2, 21), (2, 2, 1, 36500)] {
            // `?4` is the maturity threshold, as in the real query.
            let sql = format!(
                "SELECT {} FROM (SELECT ?1 AS rating, ?2 AS kind, ?3 AS state_before, ?5 AS interval_before) l",
                packed::SQL
            );
            let v: i64 = conn
                .query_row(&sql, params![rating, kind, state, 21, interval], |r| r.get(0))
                .unwrap();
            assert_eq!(packed::unpack(v), (rating as u8, kind, state, interval >= 21));
        }
    }
}
