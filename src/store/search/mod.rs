//! Finding cards: the filter tree `search` parses user queries into
//! ([`Filter`]), compiled to one SQL condition with bound values (`sql.rs`),
//! and the rows it finds ([`FoundCard`]). Words are matched in
//! `cards.search_text` and tags in `facts.tags_folded`, kept folded by the
//! writes of those tables; `iskra_fold` (the ground floor's
//! [`crate::text::fold`], on every connection of the store) folds deck
//! names, and `iskra_r` is the retrievability the caller passes in,
//! registered for the search (the store does no FSRS arithmetic). Retired cards (their fact
//! or template left the deck file) are never found. Two indexes of schema 8
//! make a search read less than every card's row, never find otherwise:
//! `card_trigrams` narrows words to the cards holding all their trigrams,
//! and `cards_schedule` holds every column the other filters test.

mod sql;

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value;

use crate::clock::DayNumber;
use crate::error::Result;
use crate::store::Store;

/// A search, as the store runs it. Text values are already folded
/// ([`crate::text::fold`]); a `Vec<String>` of parts means the parts in
/// order with anything (`*`) between them.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Every card.
    All,
    And(Vec<Filter>),
    Or(Vec<Filter>),
    /// Every card the inner filter does not match.
    Not(Box<Filter>),
    /// Folded front or back text containing the parts.
    Text(Vec<String>),
    /// A deck whose folded key or name is the parts.
    Deck(Vec<String>),
    /// A folded tag of the card's fact is the parts (a leech card has the
    /// tag `leech`).
    Tag(Vec<String>),
    Is(Is),
    /// `flag:N` (0: no flag).
    Flag(u8),
    /// A property compared with a number (difficulty on FSRS's 1-10 scale).
    Prop(Prop, Cmp, f64),
    /// Answered (manual entries are no answers) at or after `since_ms`,
    /// with `rating` if given.
    Rated {
        since_ms: i64,
        rating: Option<u8>,
    },
    /// Added to the collection at or after `since_ms`.
    Added {
        since_ms: i64,
    },
    /// The card's template (`basic`, `cloze:2`, `after:paris>italy`, a
    /// note's `card:1`) is the parts, compared as written (templates are
    /// lower case; ASCII letters match either case).
    Template(Vec<String>),
    /// A note fact's card whose template's name, folded, is the parts.
    NoteTemplate(Vec<String>),
}

/// `is:` states, as Anki's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Is {
    /// New (any queue).
    New,
    /// In the learning queue (learning or relearning, not suspended or buried).
    Learn,
    /// Review or relearning (any queue).
    Review,
    /// Reviews due today or earlier, learning cards due within the learn-ahead time.
    Due,
    Suspended,
    Buried,
    Leech,
    Flagged,
}

/// `prop:` properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prop {
    /// Interval in days.
    Ivl,
    /// Days until due: review and learning cards in their queues (negative when overdue).
    Due,
    Lapses,
    Reps,
    /// FSRS stability (days).
    Stability,
    /// FSRS difficulty.
    Difficulty,
    /// Retrievability now (0-1).
    Retrievability,
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Eq,
    Ne,
    Ge,
    Gt,
}

impl Cmp {
    /// The SQL operator.
    pub fn sql(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Eq => "=",
            Cmp::Ne => "!=",
            Cmp::Ge => ">=",
            Cmp::Gt => ">",
        }
    }

    /// Whether `left` compares so with `right`.
    pub fn holds(self, left: f64, right: f64) -> bool {
        match self {
            Cmp::Lt => left < right,
            Cmp::Le => left <= right,
            Cmp::Eq => left == right,
            Cmp::Ne => left != right,
            Cmp::Ge => left >= right,
            Cmp::Gt => left > right,
        }
    }
}

/// The moments `is:due` and `prop:due` are measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchTime {
    pub today: DayNumber,
    /// Learning cards due before this (now plus the learn-ahead time) are due.
    pub learn_cutoff_ms: i64,
    /// When the next study day starts (UTC ms).
    pub next_day_start_ms: i64,
}

/// The retrievability of a card now from its stability, difficulty and last
/// review day (none when it has no memory state).
pub type Retrievability = Box<dyn Fn(Option<f64>, Option<f64>, Option<DayNumber>) -> Option<f64> + Send>;

/// A card a search found.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundCard {
    pub id: i64,
    pub deck_key: String,
    pub deck_name: String,
    /// The fact's row id and key.
    pub fact_id: i64,
    pub fact_key: String,
    /// The fact's kind: qa, cloze, sequence, timeline.
    pub fact_kind: String,
    pub template: String,
    pub front: String,
    pub back: String,
    /// 0 new, 1 learning, 2 review, 3 relearning.
    pub state: i64,
    /// 0 new, 1 learning, 2 review, -1 suspended, -2 buried.
    pub queue: i64,
    pub due: i64,
    pub interval: i64,
    pub stability: Option<f64>,
    pub difficulty: Option<f64>,
    pub last_review_day: Option<DayNumber>,
    pub reps: i64,
    pub lapses: i64,
    pub flag: u8,
    pub leech: bool,
    pub added_ms: Option<i64>,
}

const FOUND_COLUMNS: &str = "c.id, d.key, d.name, c.fact_id, f.key, coalesce(json_extract(f.content, '$.kind'), ''),
    c.template, c.front, c.back, c.state, c.queue, c.due, c.interval, c.stability, c.difficulty,
    c.last_review_day, c.reps, c.lapses, c.flag, c.leech, c.added_ms";

/// The statement of a search reading `columns` of the cards `condition`
/// matches. The cards are found in `cards_schedule` (the condition reads
/// only its columns, and text through `card_trigrams`), then read by id: a
/// scan of the index instead of every card's row with its text. A
/// condition that names its cards by id (`rated:`, words) reads their rows
/// at once, each once.
fn statement(columns: &str, condition: &sql::Condition) -> String {
    if columns != ID_COLUMN && condition.by_id {
        return format!(
            "SELECT {columns} FROM cards c JOIN facts f ON f.id = c.fact_id JOIN decks d ON d.id = c.deck_id
             WHERE c.retired = 0 AND {} ORDER BY c.id",
            condition.sql
        );
    }
    let facts = if condition.uses_facts {
        "JOIN facts f ON f.id = c.fact_id"
    } else {
        ""
    };
    let found = format!(
        "SELECT c.id FROM cards c {facts} WHERE c.retired = 0 AND {}",
        condition.sql
    );
    if columns == ID_COLUMN {
        format!("{found} ORDER BY c.id")
    } else {
        format!(
            "SELECT {columns} FROM cards c JOIN facts f ON f.id = c.fact_id JOIN decks d ON d.id = c.deck_id
             WHERE c.id IN ({found}) ORDER BY c.id"
        )
    }
}

/// What [`Store::search_card_ids`] reads.
const ID_COLUMN: &str = "c.id";

fn found_card(row: &rusqlite::Row) -> rusqlite::Result<FoundCard> {
    Ok(FoundCard {
        id: row.get(0)?,
        deck_key: row.get(1)?,
        deck_name: row.get(2)?,
        fact_id: row.get(3)?,
        fact_key: row.get(4)?,
        fact_kind: row.get(5)?,
        template: row.get(6)?,
        front: row.get(7)?,
        back: row.get(8)?,
        state: row.get(9)?,
        queue: row.get(10)?,
        due: row.get(11)?,
        interval: row.get(12)?,
        stability: row.get(13)?,
        difficulty: row.get(14)?,
        last_review_day: row.get(15)?,
        reps: row.get(16)?,
        lapses: row.get(17)?,
        flag: row.get(18)?,
        leech: row.get(19)?,
        added_ms: row.get(20)?,
    })
}

/// Registers `iskra_r(stability, difficulty, last_review_day)` (the store
/// registers `iskra_fold` on every connection).
fn register_functions(conn: &Connection, retrievability: Retrievability) -> Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("iskra_r", 3, flags, move |ctx| {
        Ok(retrievability(ctx.get(0)?, ctx.get(1)?, ctx.get(2)?))
    })?;
    Ok(())
}

impl Store {
    /// The live cards `filter` matches, in id order.
    pub fn search_cards(
        &self,
        filter: &Filter,
        time: &SearchTime,
        retrievability: Retrievability,
    ) -> Result<Vec<FoundCard>> {
        self.search(FOUND_COLUMNS, filter, time, retrievability, found_card)
    }

    /// The ids of the live cards `filter` matches, in order.
    pub fn search_card_ids(
        &self,
        filter: &Filter,
        time: &SearchTime,
        retrievability: Retrievability,
    ) -> Result<Vec<i64>> {
        self.search(ID_COLUMN, filter, time, retrievability, |r| r.get(0))
    }

    fn search<T>(
        &self,
        columns: &str,
        filter: &Filter,
        time: &SearchTime,
        retrievability: Retrievability,
        map: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        register_functions(self.conn(), retrievability)?;
        let condition = sql::condition(filter, time);
        self.query_rows(&statement(columns, &condition), &condition, map)
    }

    /// The ids [`Store::search_card_ids`] finds, found as before
    /// `cards_schedule` and `card_trigrams`: every card's row read, its text
    /// checked (for tests that compare the two).
    #[cfg(test)]
    pub(crate) fn search_card_ids_without_indexes(
        &self,
        filter: &Filter,
        time: &SearchTime,
        retrievability: Retrievability,
    ) -> Result<Vec<i64>> {
        register_functions(self.conn(), retrievability)?;
        let condition = sql::condition_without_trigrams(filter, time);
        let statement = format!(
            "SELECT c.id FROM cards c NOT INDEXED JOIN facts f ON f.id = c.fact_id JOIN decks d ON d.id = c.deck_id
             WHERE c.retired = 0 AND {} ORDER BY c.id",
            condition.sql
        );
        self.query_rows(&statement, &condition, |r| r.get(0))
    }

    fn query_rows<T>(
        &self,
        statement: &str,
        condition: &sql::Condition,
        map: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut stmt = self.conn().prepare(statement)?;
        let rows = stmt
            .query_map(
                rusqlite::params_from_iter(condition.values.iter().map(Value::clone)),
                map,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    mod index;

    use crate::deck::build::{Source, build};
    use crate::store::Store;

    fn folded(store: &Store) -> Vec<(String, String)> {
        let mut stmt = store
            .conn()
            .prepare("SELECT c.search_text, f.tags_folded FROM cards c JOIN facts f ON f.id = c.fact_id ORDER BY c.id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn the_folded_columns_follow_the_text_they_are_made_of() {
        let mut store = Store::open_in_memory().unwrap();
        let source = |text: &str| Source {
            label: "d.deck".into(),
            key: "d".into(),
            bytes: text.as_bytes().to_vec(),
        };
        build(
            &mut store,
            &[source(
                "# D\n## a\nq: Zinóviev's \"Letter\"?\na: 1,500\ntags: Révolte navy\n",
            )],
        )
        .unwrap();
        let text = "zinovievs letter\n1500".to_string();
        assert_eq!(folded(&store), [(text.clone(), "\nrevolte\nnavy\n".to_string())]);
        // Reworded, and its tags gone: both follow.
        build(&mut store, &[source("# D\n## a\nq: Trotsky?\na: 1921\n")]).unwrap();
        assert_eq!(folded(&store), [("trotsky\n1921".to_string(), String::new())]);
    }
}
