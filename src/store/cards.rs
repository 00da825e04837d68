//! The `cards` table: its one row mapper ([`CardRow`], with the card's
//! schedule, read joined to its fact), its one insert ([`NewCard`]), and the
//! writes on a card: its schedule, its text, retiring, burying. The study
//! queue's reads are in `read/queue.rs`, through the same mapper.

use fsrs::MemoryState;
use rusqlite::{Connection, OptionalExtension, Row, Statement, params};

use super::{Store, Tx};
use crate::card::{CardState, CardText, Due, Schedule};
use crate::clock::DayNumber;
use crate::error::Result;

/// `cards.queue` values (Anki's).
pub mod queue {
    pub const NEW: i64 = 0;
    /// (Re)learning steps due at an instant (`due`: UTC ms).
    pub const LEARNING: i64 = 1;
    pub const REVIEW: i64 = 2;
    /// (Re)learning steps that reached a later study day (`due`: the day).
    pub const DAY_LEARNING: i64 = 3;
    pub const SUSPENDED: i64 = -1;
    pub const BURIED: i64 = -2;
}

/// A (re)learning card's `due` below this is a study day, not an instant
/// (Anki's rule, which tells the two apart by size for suspended and buried
/// cards too: study days number in the tens of thousands, instants in ms
/// since 1970 in the trillions).
pub const DAY_DUE_LIMIT: i64 = 1_000_000_000;

/// The queue of a card as the columns `state` and `due` say, when nothing
/// holds it back, in SQL: the one rule [`queue_for`] states in Rust.
pub(crate) const ACTIVE_QUEUE_SQL: &str =
    "CASE WHEN state = 0 THEN 0 WHEN state = 2 THEN 2 WHEN due < 1000000000 THEN 3 ELSE 1 END";

/// `cards.retired` of a card retired while suspended: brought back, it is
/// suspended again (1: retired from another queue; both read as retired).
const RETIRED_SUSPENDED: i64 = 2;

/// Retires the cards `condition` selects (`?2` the suspended queue) that
/// are not retired yet, remembering whether they were suspended.
fn retire_sql(condition: &str) -> String {
    format!(
        "UPDATE cards SET retired = CASE WHEN queue = ?2 THEN {RETIRED_SUSPENDED} ELSE 1 END, queue = ?2
         WHERE {condition} AND retired = 0"
    )
}

/// The queue a card with schedule `s` belongs to when nothing holds it back.
pub(crate) fn queue_for(s: &Schedule) -> i64 {
    match (s.state, s.due) {
        (CardState::New, _) => queue::NEW,
        (CardState::Review, _) => queue::REVIEW,
        (CardState::Learning | CardState::Relearning, Due::Day(_)) => queue::DAY_LEARNING,
        (CardState::Learning | CardState::Relearning, _) => queue::LEARNING,
    }
}

/// A card as stored, with what its fact adds for showing it.
#[derive(Debug, Clone, PartialEq)]
pub struct CardRow {
    pub id: i64,
    pub deck_id: i64,
    /// The fact's row id: cards sharing it are siblings.
    pub fact_id: i64,
    pub fact_key: String,
    pub template: String,
    pub front: String,
    pub back: String,
    pub answer: String,
    pub extra: Option<String>,
    pub queue: i64,
    pub schedule: Schedule,
    /// The fact's accepted alternative answers (`alt:`).
    pub alternatives: Vec<String>,
    /// The fact's tags.
    pub tags: Vec<String>,
}

const CARD_COLUMNS: &str = "c.id, c.deck_id, f.key, c.template, c.front, c.back, c.answer,
    json_extract(f.content, '$.extra'), c.queue, c.state, c.remaining_steps, c.stability,
    c.difficulty, c.interval, c.due, c.last_review_day, c.reps, c.lapses,
    json_extract(f.content, '$.alternatives'), json_extract(f.content, '$.tags'), c.fact_id";

/// `SELECT` of the cards (`c`, joined to their facts `f`) that `condition`
/// selects, in the columns [`card_from_row`] reads.
pub(super) fn select_cards(condition: &str) -> String {
    format!("SELECT {CARD_COLUMNS} FROM cards c JOIN facts f ON f.id = c.fact_id WHERE {condition}")
}

/// A JSON list of strings from the fact's content (absent means empty).
fn json_list(row: &Row, index: usize) -> rusqlite::Result<Vec<String>> {
    match row.get::<_, Option<String>>(index)? {
        None => Ok(Vec::new()),
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))),
    }
}

/// A card's schedule as its columns hold it (raw: stability and difficulty
/// in double precision, the due value as stored). [`StoredSchedule::schedule`]
/// is the one place such columns become a [`Schedule`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredSchedule {
    /// 0 new, 1 learning, 2 review, 3 relearning.
    pub state: i64,
    pub remaining_steps: u32,
    pub stability: Option<f64>,
    pub difficulty: Option<f64>,
    pub interval: u32,
    /// New: position; learning: UTC ms, or a study day for a day-long step
    /// (below [`DAY_DUE_LIMIT`]); review: study day.
    pub due: i64,
    pub last_review_day: Option<DayNumber>,
    pub reps: u32,
    pub lapses: u32,
}

impl StoredSchedule {
    /// The columns of a schedule (stability and difficulty widened exactly).
    pub fn of(s: &Schedule) -> StoredSchedule {
        StoredSchedule {
            state: s.state as i64,
            remaining_steps: s.remaining_steps,
            stability: s.memory.map(|m| f64::from(m.stability)),
            difficulty: s.memory.map(|m| f64::from(m.difficulty)),
            interval: s.interval,
            due: due_value(s.due),
            last_review_day: s.last_review_day,
            reps: s.reps,
            lapses: s.lapses,
        }
    }

    /// The queue of a card with these columns when nothing holds it back.
    pub fn active_queue(&self) -> i64 {
        queue_for(&self.schedule())
    }

    /// The schedule these columns hold.
    pub fn schedule(&self) -> Schedule {
        let state = CardState::from_i64(self.state);
        let memory = match (self.stability, self.difficulty) {
            (Some(s), Some(d)) => Some(MemoryState {
                stability: s as f32,
                difficulty: d as f32,
            }),
            _ => None,
        };
        Schedule {
            state,
            remaining_steps: self.remaining_steps,
            memory,
            interval: self.interval,
            due: match state {
                CardState::New => Due::New(self.due),
                CardState::Learning | CardState::Relearning if self.due < DAY_DUE_LIMIT => Due::Day(self.due),
                CardState::Learning | CardState::Relearning => Due::At(self.due),
                CardState::Review => Due::Day(self.due),
            },
            last_review_day: self.last_review_day,
            reps: self.reps,
            lapses: self.lapses,
        }
    }
}

/// The row mapper of [`select_cards`]: the one place a card row becomes a
/// [`CardRow`].
pub(super) fn card_from_row(row: &Row) -> rusqlite::Result<CardRow> {
    let stored = StoredSchedule {
        state: row.get(9)?,
        remaining_steps: row.get(10)?,
        stability: row.get(11)?,
        difficulty: row.get(12)?,
        interval: row.get(13)?,
        due: row.get(14)?,
        last_review_day: row.get(15)?,
        reps: row.get(16)?,
        lapses: row.get(17)?,
    };
    Ok(CardRow {
        id: row.get(0)?,
        deck_id: row.get(1)?,
        fact_id: row.get(20)?,
        fact_key: row.get(2)?,
        template: row.get(3)?,
        front: row.get(4)?,
        back: row.get(5)?,
        answer: row.get(6)?,
        extra: row.get(7)?,
        queue: row.get(8)?,
        schedule: stored.schedule(),
        alternatives: json_list(row, 18)?,
        tags: json_list(row, 19)?,
    })
}

/// The value of `cards.due` (and the log's `due_*`) for a [`Due`].
pub(super) fn due_value(due: Due) -> i64 {
    match due {
        Due::New(n) | Due::At(n) | Due::Day(n) => n,
    }
}

/// A card to insert, with the schedule it starts from.
pub struct NewCard<'a> {
    /// Its id; 0 for the one every device gives it ([`candidate_ids`]).
    pub id: i64,
    pub fact_id: i64,
    pub deck_id: i64,
    pub text: &'a CardText,
    pub schedule: &'a Schedule,
    pub suspended: bool,
}

/// What `cards.search_text` holds for a card's text: its front and back
/// folded ([`crate::text::fold`]), a line break between them.
pub(super) fn search_text(front: &str, back: &str) -> String {
    format!("{}\n{}", crate::text::fold(front), crate::text::fold(back))
}

/// The ids a new card of fact `fact_key` in deck `deck_key` with `template`
/// may get, best first: the one the sync folder's events announce for it
/// (a card imported from Anki on another device keeps Anki's id here too;
/// looked up only if `announcing`, when an identity of the deck may have
/// one), then the ones derived from its identity ([`crate::ids::card_ids`]).
/// It gets the first no card has ([`insert_card`]).
pub(super) fn candidate_ids<'a>(
    conn: &Connection,
    announcing: bool,
    (deck_key, fact_key, template): (&'a str, &'a str, &'a str),
) -> Result<impl Iterator<Item = i64> + 'a> {
    let announced = match announcing {
        true => super::sync::announced_id(conn, deck_key, fact_key, template)?,
        false => None,
    };
    Ok(announced
        .into_iter()
        .chain(crate::ids::card_ids(deck_key, fact_key, template)))
}

/// Whether an insert failed because a card has the id already.
pub(super) fn id_taken(err: &rusqlite::Error) -> bool {
    err.sqlite_error()
        .is_some_and(|e| e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

/// The queue a card is inserted into.
fn queue_of(card: &NewCard) -> i64 {
    if card.suspended {
        queue::SUSPENDED
    } else {
        queue_for(card.schedule)
    }
}

/// Whether a card in `queue` with `state` and `due` is counted in
/// `cards_due_per_day` (on its due day): the condition of the schema-5
/// triggers, for a bulk transaction, which sets the insert trigger aside
/// (`bulk.rs`; a test there holds the two to the same counts).
fn counts_due_per_day(queue: i64, state: CardState, due: i64) -> bool {
    match queue {
        queue::REVIEW | queue::DAY_LEARNING => true,
        queue::SUSPENDED | queue::BURIED => match state {
            CardState::Review => true,
            CardState::Learning | CardState::Relearning => due < DAY_DUE_LIMIT,
            CardState::New => false,
        },
        _ => false,
    }
}

/// Inserts a card, stamped as added at `added_ms`; returns its id. The one
/// `INSERT INTO cards` (`build`, `import`, the generator).
fn insert_card(conn: &Connection, card: &NewCard, added_ms: Option<i64>) -> Result<i64> {
    if card.id != 0 {
        insert_card_row(&mut *conn.prepare_cached(INSERT_CARD)?, card, card.id, added_ms)?;
        return Ok(card.id);
    }
    // The insert itself tells whether an id is taken (a lookup before each
    // insert was 9% of a 100k-fact build): a taken id fails the primary key
    // before anything is written, and the next one is tried.
    let (deck_key, fact_key): (String, String) = conn
        .prepare_cached("SELECT d.key, f.key FROM facts f JOIN decks d ON d.id = f.deck_id WHERE f.id = ?1")?
        .query_row([card.fact_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let template = &card.text.template;
    let mut insert = conn.prepare_cached(INSERT_CARD)?;
    for id in candidate_ids(conn, true, (&deck_key, &fact_key, template))? {
        match insert_card_row(&mut insert, card, id, added_ms) {
            Err(err) if id_taken(&err) => continue,
            done => return Ok(done.map(|()| id)?),
        }
    }
    Err(crate::error::Error::Internal(format!(
        "no free card id for {deck_key}/{fact_key}/{template} after {} tries",
        crate::ids::ATTEMPTS
    )))
}

/// The one `INSERT INTO cards` ([`insert_card_row`]).
pub(super) const INSERT_CARD: &str = "INSERT INTO cards (id, fact_id, deck_id, template, front, back, answer, state,
    queue, due, remaining_steps, stability, difficulty, interval, last_review_day, reps, lapses, added_ms, search_text)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";

/// Runs `insert` ([`INSERT_CARD`], prepared) for a card with id `id`.
pub(super) fn insert_card_row(
    insert: &mut Statement,
    card: &NewCard,
    id: i64,
    added: Option<i64>,
) -> rusqlite::Result<()> {
    let s = card.schedule;
    let queue = queue_of(card);
    insert.execute(params![
        id,
        card.fact_id,
        card.deck_id,
        card.text.template,
        card.text.front,
        card.text.back,
        card.text.answer,
        s.state as i64,
        queue,
        due_value(s.due),
        s.remaining_steps,
        s.memory.map(|m| f64::from(m.stability)),
        s.memory.map(|m| f64::from(m.difficulty)),
        s.interval,
        s.last_review_day,
        s.reps,
        s.lapses,
        added,
        search_text(&card.text.front, &card.text.back),
    ])?;
    Ok(())
}

/// One card by id.
fn read_card(conn: &Connection, card_id: i64) -> Result<Option<CardRow>> {
    Ok(conn
        .prepare_cached(&select_cards("c.id = ?1"))?
        .query_row([card_id], card_from_row)
        .optional()?)
}

/// Which siblings an answer buries until the next study day (Anki's three
/// deck options).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuryRules {
    pub new: bool,
    pub review: bool,
    /// Cards in day-long (re)learning steps (queue 3).
    pub interday: bool,
}

/// Buries one card until the next study day.
fn bury_card(conn: &Connection, card_id: i64, today: DayNumber) -> Result<()> {
    conn.prepare_cached("UPDATE cards SET queue = ?3, buried_day = ?2 WHERE id = ?1")?
        .execute(params![card_id, today, queue::BURIED])?;
    Ok(())
}

/// Brings buried cards back into their queues.
fn unbury_ids(conn: &Connection, ids: &[i64]) -> Result<()> {
    for id in ids {
        conn.prepare_cached(&format!(
            "UPDATE cards SET queue = {ACTIVE_QUEUE_SQL}, buried_day = NULL WHERE id = ?1 AND queue = -2"
        ))?
        .execute([id])?;
    }
    Ok(())
}

impl Store {
    pub fn card(&self, card_id: i64) -> Result<Option<CardRow>> {
        read_card(self.conn(), card_id)
    }

    /// Every card of a deck that is neither suspended nor buried, in id
    /// order (what quizzes ask and draw distractors from).
    pub fn active_cards(&self, deck_id: i64) -> Result<Vec<CardRow>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&select_cards("c.deck_id = ?1 AND c.queue >= 0 ORDER BY c.id"))?;
        let cards = stmt
            .query_map([deck_id], card_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(cards)
    }

    /// Buries a card until the next study day.
    pub fn bury(&mut self, card_id: i64, today: DayNumber) -> Result<()> {
        bury_card(self.conn(), card_id, today)
    }

    /// Brings back cards buried on an earlier study day.
    pub fn unbury(&mut self, today: DayNumber) -> Result<()> {
        self.conn().execute(
            &format!(
                "UPDATE cards SET queue = {ACTIVE_QUEUE_SQL}, buried_day = NULL WHERE queue = -2 AND buried_day < ?1"
            ),
            [today],
        )?;
        Ok(())
    }

    /// Brings buried cards back into their queues now (undo of a bury).
    pub fn unbury_cards(&mut self, ids: &[i64]) -> Result<()> {
        self.transaction(|conn| unbury_ids(conn, ids))
    }
}

impl Tx<'_> {
    /// One card by id, as it is in this transaction.
    pub fn card(&self, card_id: i64) -> Result<Option<CardRow>> {
        read_card(self.conn(), card_id)
    }

    /// Inserts a card (see [`NewCard`]), added now (the store's time);
    /// returns its id.
    pub fn insert_card(&self, card: &NewCard) -> Result<i64> {
        let id = insert_card(self.conn(), card, self.now_ms())?;
        self.card_inserted(card, id)?;
        Ok(id)
    }

    /// What a bulk transaction keeps of card `id`'s insert ([`super::bulk`]).
    pub(super) fn card_inserted(&self, card: &NewCard, id: i64) -> Result<()> {
        if let Some(mut bulk) = self.bulk() {
            let s = card.schedule;
            let due = due_value(s.due);
            let counted = counts_due_per_day(queue_of(card), s.state, due);
            bulk.card_inserted(self.conn(), id, card.deck_id, counted.then_some(due))?;
        }
        Ok(())
    }

    /// The cards of a fact: (template, id, state, answer) each.
    pub fn card_templates(&self, fact_id: i64) -> Result<Vec<(String, i64, CardState, String)>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT template, id, state, answer FROM cards WHERE fact_id = ?1")?;
        let rows = stmt
            .query_map([fact_id], |r| {
                Ok((r.get(0)?, r.get(1)?, CardState::from_i64(r.get(2)?), r.get(3)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Writes a card's schedule (and the queue it implies; a buried card is
    /// no longer buried).
    pub fn write_schedule(&self, card_id: i64, s: &Schedule) -> Result<()> {
        self.conn()
            .prepare_cached(
                "UPDATE cards SET state = ?2, queue = ?3, due = ?4, remaining_steps = ?5, stability = ?6,
                 difficulty = ?7, interval = ?8, last_review_day = ?9, reps = ?10, lapses = ?11, buried_day = NULL
                 WHERE id = ?1",
            )?
            .execute(params![
                card_id,
                s.state as i64,
                queue_for(s),
                due_value(s.due),
                s.remaining_steps,
                s.memory.map(|m| f64::from(m.stability)),
                s.memory.map(|m| f64::from(m.difficulty)),
                s.interval,
                s.last_review_day,
                s.reps,
                s.lapses,
            ])?;
        Ok(())
    }

    /// Rewords a card.
    pub fn write_card_text(&self, card_id: i64, text: &CardText) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE cards SET front = ?2, back = ?3, answer = ?4, search_text = ?5 WHERE id = ?1")?
            .execute(params![
                card_id,
                text.front,
                text.back,
                text.answer,
                search_text(&text.front, &text.back)
            ])?;
        self.text_changed(card_id, card_id)
    }

    /// Rewords a card of a fact in a deck file, puts it in `deck_id`, and
    /// brings it back into its queue if it was retired (suspended again if
    /// it was suspended when it was retired).
    pub fn sync_card_text(&self, card_id: i64, text: &CardText, deck_id: i64) -> Result<()> {
        self.conn()
            .prepare_cached(&format!(
                "UPDATE cards SET front = ?2, back = ?3, answer = ?4, deck_id = ?5,
                   queue = CASE retired WHEN 0 THEN queue WHEN {RETIRED_SUSPENDED} THEN {} ELSE {ACTIVE_QUEUE_SQL} END,
                   retired = 0, search_text = ?6
                 WHERE id = ?1",
                queue::SUSPENDED
            ))?
            .execute(params![
                card_id,
                text.front,
                text.back,
                text.answer,
                deck_id,
                search_text(&text.front, &text.back)
            ])?;
        self.text_changed(card_id, card_id)
    }

    /// Retires a card whose template left its fact: out of every queue,
    /// history kept ([`retire_sql`]).
    pub fn retire_card(&self, card_id: i64) -> Result<()> {
        self.conn()
            .prepare_cached(&retire_sql("id = ?1"))?
            .execute(params![card_id, queue::SUSPENDED])?;
        Ok(())
    }

    /// Retires every card of a fact gone from its file.
    pub fn retire_cards_of_fact(&self, fact_id: i64) -> Result<()> {
        self.conn()
            .prepare_cached(&retire_sql("fact_id = ?1"))?
            .execute(params![fact_id, queue::SUSPENDED])?;
        Ok(())
    }

    /// Suspends a card (it leaves every queue, and is no longer buried,
    /// until unsuspended).
    pub fn suspend_card(&self, card_id: i64) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE cards SET queue = ?2, buried_day = NULL WHERE id = ?1")?
            .execute(params![card_id, queue::SUSPENDED])?;
        Ok(())
    }

    /// Puts a suspended card back in the queue of its state (a card retired
    /// from its deck file stays suspended).
    pub fn unsuspend_card(&self, card_id: i64) -> Result<()> {
        self.conn()
            .prepare_cached(&format!(
                "UPDATE cards SET queue = {ACTIVE_QUEUE_SQL} WHERE id = ?1 AND queue = ?2 AND retired = 0"
            ))?
            .execute(params![card_id, queue::SUSPENDED])?;
        Ok(())
    }

    /// Buries the siblings of `card` that `bury` names until the next study
    /// day; returns their ids.
    pub fn bury_siblings(&self, card: &CardRow, bury: BuryRules, today: DayNumber) -> Result<Vec<i64>> {
        if !(bury.new || bury.review || bury.interday) {
            return Ok(Vec::new());
        }
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM cards WHERE fact_id = ?1 AND id != ?2 AND retired = 0
             AND ((queue = 0 AND ?3) OR (queue = 2 AND ?4) OR (queue = 3 AND ?5))
             ORDER BY id",
        )?;
        let ids = stmt
            .query_map(
                params![card.fact_id, card.id, bury.new, bury.review, bury.interday],
                |r| r.get(0),
            )?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        for &id in &ids {
            bury_card(conn, id, today)?;
        }
        Ok(ids)
    }

    /// Brings buried cards back into their queues.
    pub fn unbury(&self, ids: &[i64]) -> Result<()> {
        unbury_ids(self.conn(), ids)
    }

    /// Buries one card until the day after `today` (an imported card that
    /// Anki had buried); a suspended card stays suspended.
    pub fn bury_card(&self, card_id: i64, today: DayNumber) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE cards SET queue = ?3, buried_day = ?2 WHERE id = ?1 AND queue >= 0")?
            .execute(params![card_id, today, queue::BURIED])?;
        Ok(())
    }

    /// Sets a card's flag (0 none, 1-7 Anki's colours).
    pub fn set_flag(&self, card_id: i64, flag: u8) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE cards SET flag = ?2 WHERE id = ?1")?
            .execute(params![card_id, flag.min(7)])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::build::{Source, build};

    fn text(template: &str) -> CardText {
        CardText {
            template: template.into(),
            front: "f".into(),
            back: "b".into(),
            answer: "a".into(),
        }
    }

    fn one_fact_store(cards: &str) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let source = Source {
            label: "d.deck".into(),
            key: "d".into(),
            bytes: format!("# D\n## x\nq: x?\na: 1\ncards: {cards}\n").into_bytes(),
        };
        build(&mut store, &[source]).unwrap();
        store
    }

    #[test]
    fn a_card_comes_back_with_the_schedule_and_queue_it_was_inserted_with() {
        let mut store = one_fact_store("basic");
        let review = Schedule {
            state: CardState::Review,
            remaining_steps: 0,
            memory: Some(MemoryState {
                stability: 12.5,
                difficulty: 4.25,
            }),
            interval: 9,
            due: Due::Day(20_100),
            last_review_day: Some(20_091),
            reps: 4,
            lapses: 1,
        };
        let tx = store.begin().unwrap();
        let added = |id: i64, template: &str, schedule: &Schedule, suspended: bool| {
            tx.insert_card(&NewCard {
                id,
                fact_id: 1,
                deck_id: 1,
                text: &text(template),
                schedule,
                suspended,
            })
            .unwrap()
        };
        assert_eq!(added(40, "reverse", &review, false), 40, "an explicit id is kept");
        let next = added(0, "cloze:1", &review, true);
        assert_eq!(
            next,
            crate::ids::card_id("d", "x", "cloze:1", 0),
            "0 takes the id derived from the card's identity"
        );
        let mut position = 7;
        let new = tx.insert_new_card(1, 1, &text("cloze:2"), &mut position).unwrap();
        assert_eq!(position, 8);
        // An identity whose derived id is taken takes the next attempt's.
        let taken = crate::ids::card_id("d", "x", "cloze:3", 0);
        assert_eq!(added(taken, "cloze:4", &review, false), taken);
        assert_eq!(
            added(0, "cloze:3", &review, false),
            crate::ids::card_id("d", "x", "cloze:3", 1)
        );
        tx.commit().unwrap();

        let card = store.card(40).unwrap().unwrap();
        assert_eq!((card.fact_key.as_str(), card.template.as_str()), ("x", "reverse"));
        assert_eq!((card.queue, &card.schedule), (queue::REVIEW, &review));
        assert_eq!(store.card(next).unwrap().unwrap().queue, queue::SUSPENDED);
        let new = store.card(new).unwrap().unwrap();
        assert_eq!((new.queue, new.schedule), (queue::NEW, Schedule::new_card(7)));
        let count: i64 = store
            .conn()
            .query_row("SELECT card_count FROM decks WHERE id = 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 6, "the insert trigger counted them");
    }

    #[test]
    fn burying_siblings_follows_the_rules_and_unburying_restores_the_queues() {
        let mut store = one_fact_store("basic reverse");
        let (one, two) = (
            crate::ids::card_id("d", "x", "basic", 0),
            crate::ids::card_id("d", "x", "reverse", 0),
        );
        let tx = store.begin().unwrap();
        let card = tx.card(one).unwrap().unwrap();
        let none = BuryRules::default();
        assert!(tx.bury_siblings(&card, none, 100).unwrap().is_empty());
        let review_only = BuryRules { review: true, ..none };
        assert!(
            tx.bury_siblings(&card, review_only, 100).unwrap().is_empty(),
            "the sibling is new"
        );
        let new_only = BuryRules { new: true, ..none };
        assert_eq!(tx.bury_siblings(&card, new_only, 100).unwrap(), vec![two]);
        assert_eq!(tx.card(two).unwrap().unwrap().queue, queue::BURIED);
        assert_eq!(
            tx.card(one).unwrap().unwrap().queue,
            queue::NEW,
            "never the card itself"
        );
        tx.unbury(&[two]).unwrap();
        assert_eq!(tx.card(two).unwrap().unwrap().queue, queue::NEW);
        tx.commit().unwrap();
    }

    #[test]
    fn writing_a_schedule_sets_the_queue_it_implies() {
        let mut store = one_fact_store("basic");
        let id = crate::ids::card_id("d", "x", "basic", 0);
        store.bury(id, 5).unwrap();
        let learning = Schedule {
            state: CardState::Relearning,
            due: Due::At(1_771_000_000_000),
            ..Schedule::new_card(0)
        };
        let tx = store.begin().unwrap();
        tx.write_schedule(id, &learning).unwrap();
        tx.commit().unwrap();
        let card = store.card(id).unwrap().unwrap();
        assert_eq!((card.queue, card.schedule), (queue::LEARNING, learning.clone()));
        // A day-long step: the day-learning queue, and back as a day.
        let day_long = Schedule {
            due: Due::Day(20_500),
            ..learning
        };
        let tx = store.begin().unwrap();
        tx.write_schedule(id, &day_long).unwrap();
        tx.commit().unwrap();
        let card = store.card(id).unwrap().unwrap();
        assert_eq!((card.queue, &card.schedule), (queue::DAY_LEARNING, &day_long));
        // Buried and brought back, suspended and brought back: the same queue.
        store.bury(id, 20_499).unwrap();
        store.unbury(20_500).unwrap();
        assert_eq!(store.card(id).unwrap().unwrap().queue, queue::DAY_LEARNING);
        let tx = store.begin().unwrap();
        tx.suspend_card(id).unwrap();
        tx.unsuspend_card(id).unwrap();
        tx.commit().unwrap();
        assert_eq!(store.card(id).unwrap().unwrap().queue, queue::DAY_LEARNING);
        let buried_day: Option<i64> = store
            .conn()
            .query_row("SELECT buried_day FROM cards WHERE id = ?1", [id], |r| r.get(0))
            .unwrap();
        assert_eq!(buried_day, None);
    }
}
