//! Logging an import's reviews after every card is written: in uid order
//! (time, then card), so the uid index grows at its end, and when there are
//! many, with the log's other indexes set aside (then the same-answer rule
//! is checked in memory, as its SQL would have to scan the log). That order
//! depends only on the batch, so it is sorted ([`LogOrder::of`]) on another
//! core while the facts and cards are written; then the log entries are made
//! ready on another core while the writer logs those before them
//! ([`CHUNK`]s through a bounded channel).

use std::collections::HashMap;

use super::batch::{ImportBatch, ImportOutcome, ImportedCard, LoggedSchedule};
use crate::error::{Error, Result};
use crate::interop::keys;
use crate::progress::{self, Progress};
use crate::sched::{CardState, Due};
use crate::store::{LogEntry, LoggedAnswer, Tx};

/// At least this many reviews, and at least half as many as the log holds,
/// and the log's secondary indexes are set aside while they are written:
/// built again once from sorted rows, they cost less than grown row by row
/// (BENCHMARKS.md, "Performance, round two (issue 21)").
pub(super) const MANY_REVIEWS: usize = 50_000;

/// The schedule before a card's first review.
pub(super) static NEW_CARD: LoggedSchedule = LoggedSchedule {
    state: CardState::New,
    interval: 0,
    due: Due::New(0),
    memory: None,
};

/// Every review of a batch in the order it is logged: by time, then by
/// Anki card (the uid's order), then by where it is in the batch (so the
/// order is the same on every run). A review is named by its card's place
/// among the batch's cards (facts in order, each fact's cards in order) and
/// its place among the card's reviews.
pub(super) struct LogOrder<'b> {
    cards: Vec<&'b ImportedCard>,
    reviews: Vec<(usize, usize)>,
}

impl<'b> LogOrder<'b> {
    /// Sorts the reviews of `batch`.
    pub(super) fn of(batch: &'b ImportBatch) -> LogOrder<'b> {
        let cards: Vec<&ImportedCard> = batch.facts.iter().flat_map(|f| &f.cards).collect();
        let total = cards.iter().map(|c| c.reviews.len()).sum();
        let mut keyed = Vec::with_capacity(total);
        for (c, card) in cards.iter().enumerate() {
            for (r, review) in card.reviews.iter().enumerate() {
                keyed.push((review.reviewed_at_ms, review.anki_card_id, c, r));
            }
        }
        keyed.sort_unstable();
        let reviews = keyed.into_iter().map(|(_, _, c, r)| (c, r)).collect();
        LogOrder { cards, reviews }
    }
}

/// Reviews made ready to log on a second thread while the writer logs
/// those before them: this many at a time, at most [`CHUNKS_AHEAD`] chunks
/// (a few MB) ahead. In time order a review's card is anywhere in the
/// batch, a cache miss or two each: 6% of an import of a million reviews,
/// taken off the writer's thread.
const CHUNK: usize = 1024;

/// See [`CHUNK`].
const CHUNKS_AHEAD: usize = 4;

/// A review ready to be logged, and its Anki card (the second half of its uid).
struct Ready {
    entry: LogEntry,
    anki_card_id: i64,
}

/// The reviews of the cards imported (`card_ids`: the iskra card of each
/// of the batch's cards, by place, if it was imported) in log order, each
/// review's schedule before it the card's after its review before.
fn ready_reviews<'o>(order: &'o LogOrder, card_ids: &'o [Option<i64>]) -> impl Iterator<Item = Ready> + 'o {
    order.reviews.iter().filter_map(|&(c, r)| {
        let card_id = card_ids.get(c).copied().flatten()?;
        let reviews = &order.cards[c].reviews;
        let review = &reviews[r];
        let before = match r.checked_sub(1) {
            Some(previous) => &reviews[previous].after,
            None => &NEW_CARD,
        };
        let entry = LogEntry {
            card_id,
            reviewed_at_ms: review.reviewed_at_ms,
            rating: review.rating,
            duration_ms: review.duration_ms,
            kind: review.kind,
            elapsed_days: review.elapsed_days,
            before: before.schedule(),
            after: review.after.schedule(),
        };
        Some(Ready {
            entry,
            anki_card_id: review.anki_card_id,
        })
    })
}

/// Logs the reviews of the cards imported ([`ready_reviews`], made ready on
/// a second thread), each unless the same answer is logged
/// ([`Tx::insert_log_if_new`]). Many of them (`many`: [`MANY_REVIEWS`]) are
/// logged with the log's other indexes set aside.
pub(super) fn insert_reviews(
    tx: &Tx,
    order: &LogOrder,
    card_ids: &[Option<i64>],
    many: usize,
    progress: &dyn Progress,
    outcome: &mut ImportOutcome,
) -> Result<()> {
    let card_of = |c: usize| card_ids.get(c).copied().flatten();
    let total: usize = (order.cards.iter().enumerate())
        .filter(|&(c, _)| card_of(c).is_some())
        .map(|(_, card)| card.reviews.len())
        .sum();
    // With the indexes aside, the answers logged before the import are
    // looked up here; of the import's own, only one at the same instant can
    // be the same answer (they come in time order).
    let mut known: Option<HashMap<i64, Vec<LoggedAnswer>>> = None;
    if total >= many && total as i64 * 2 >= tx.log_rows_at_most()? {
        let mut by_card: HashMap<i64, Vec<LoggedAnswer>> = HashMap::new();
        for answer in tx.logged_answers()? {
            by_card.entry(answer.card_id).or_default().push(answer);
        }
        known = Some(by_card);
        tx.set_log_indexes_aside()?;
    }
    let mut appender = tx.log_appender()?;
    // The instant of the review before, and the cards logged at it.
    let mut instant = (i64::MIN, Vec::<i64>::new());
    // Each review added is recorded for sync if the collection syncs
    // (`sync::record::history`); asked once, not once per review.
    let syncs = tx.local_device()?.is_some();
    let mut uid = String::new();
    progress.start("reviews", total as u64);
    std::thread::scope(|scope| {
        let (chunks, ready) = std::sync::mpsc::sync_channel::<Vec<Ready>>(CHUNKS_AHEAD);
        let maker = scope.spawn(move || {
            let mut chunk = Vec::with_capacity(CHUNK);
            for review in ready_reviews(order, card_ids) {
                chunk.push(review);
                // A send fails only when the writer has stopped (an error).
                if chunk.len() == CHUNK
                    && chunks
                        .send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)))
                        .is_err()
                {
                    return;
                }
            }
            let _ = chunks.send(chunk);
        });
        let mut log_all = || -> Result<()> {
            for (i, Ready { entry, anki_card_id }) in ready.iter().flatten().enumerate() {
                progress::tick(progress, i, total);
                let at = entry.reviewed_at_ms;
                keys::write_review_uid(&mut uid, at, anki_card_id);
                let added = match known.as_ref() {
                    None => tx.insert_log_if_new(&uid, &entry)?,
                    Some(known) => {
                        if instant.0 != at {
                            instant.0 = at;
                            instant.1.clear();
                        }
                        let (card_id, rating) = (entry.card_id, Some(entry.rating.number()));
                        let same = instant.1.contains(&card_id)
                            || known.get(&card_id).is_some_and(|logged| {
                                logged.iter().any(|a| {
                                    a.at_ms == at
                                        || (!a.imported && a.rating == rating && (at - 999..=at).contains(&a.at_ms))
                                })
                            });
                        let added = !same && appender.insert_if_uid_new(&uid, &entry)?;
                        if added {
                            instant.1.push(card_id);
                        }
                        added
                    }
                };
                if added {
                    if syncs {
                        crate::sync::record::history(tx, &uid)?;
                    }
                    outcome.reviews_added += 1;
                } else {
                    outcome.reviews_present += 1;
                }
            }
            Ok(())
        };
        let logged = log_all();
        // The maker is joined here, not by the scope: after a writer's
        // error (the channel closed first, so it is not left waiting to
        // send), and so that a panic there is an error, not a short log.
        drop(ready);
        let made = maker.join();
        logged?;
        made.map_err(|_| Error::Internal("making the reviews ready to log failed".into()))
    })
}

#[cfg(test)]
mod tests {
    use super::super::batch::{Identity, ImportBatch, ImportDeck, ImportedCard, ImportedFact, ImportedReview};
    use super::super::write::write_batch_with;
    use super::*;
    use crate::deck::{Fact, FactBody, QaKind};
    use crate::sched::{Rating, ReviewKind, Schedule};
    use crate::store::Store;

    fn review(at_ms: i64, reps: u32) -> ImportedReview {
        let mut after = Schedule::new_card(0);
        after.state = CardState::Review;
        after.interval = reps;
        after.due = Due::Day(20_000 + i64::from(reps));
        after.reps = reps;
        ImportedReview {
            anki_card_id: 7,
            reviewed_at_ms: at_ms,
            rating: Rating::Good,
            duration_ms: 1000,
            kind: ReviewKind::Review,
            elapsed_days: 1,
            after: LoggedSchedule::of(&after),
        }
    }

    /// One deck, one fact, one card with three reviews.
    fn batch() -> ImportBatch {
        ImportBatch {
            decks: vec![ImportDeck {
                key: "d".into(),
                name: "D".into(),
                preset: None,
            }],
            facts: vec![ImportedFact {
                deck: 0,
                identity: Identity::Key,
                fact: Fact {
                    id: "anki-01".into(),
                    body: FactBody::Qa {
                        question: "q".into(),
                        answer: "a".into(),
                        kinds: vec![QaKind::Basic],
                    },
                    alternatives: Vec::new(),
                    hint: None,
                    extra: None,
                    tags: Vec::new(),
                    source: None,
                },
                cards: vec![ImportedCard {
                    template: "basic".into(),
                    schedule: None,
                    suspended: false,
                    buried: false,
                    flag: 0,
                    anki: None,
                    last_review_ms: Some(1_700_000_300_000),
                    reviews: vec![
                        review(1_700_000_100_000, 1),
                        review(1_700_000_200_000, 2),
                        review(1_700_000_300_000, 3),
                    ],
                }],
                anki: None,
            }],
            ..ImportBatch::default()
        }
    }

    /// (uid, interval before, interval after) of every log row, by time.
    fn log(store: &Store) -> Vec<(String, i64, i64)> {
        let mut stmt = store
            .conn()
            .prepare("SELECT uid, interval_before, interval_after FROM review_log ORDER BY reviewed_at_ms")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn reviews_are_logged_alike_with_the_log_indexes_in_place_or_set_aside() {
        let mut logs = Vec::new();
        for many in [1, usize::MAX] {
            let mut store = Store::open_in_memory().unwrap();
            let before = store.schema_sql();
            let dry = write_batch_with(&mut store, &batch(), false, many, &crate::progress::Silent).unwrap();
            assert_eq!(
                dry.reviews_added, 3,
                "many {many}: a dry run reports what a real one does"
            );
            assert_eq!(
                store.schema_sql(),
                before,
                "many {many}: a dry run leaves the schema as it was"
            );
            assert!(log(&store).is_empty());
            let outcome = write_batch_with(&mut store, &batch(), true, many, &crate::progress::Silent).unwrap();
            assert_eq!((outcome.reviews_added, outcome.reviews_present), (3, 0), "many {many}");
            assert_eq!(store.schema_sql(), before, "many {many}: the log's indexes are back");
            let again = write_batch_with(&mut store, &batch(), true, many, &crate::progress::Silent).unwrap();
            assert_eq!((again.reviews_added, again.reviews_present), (0, 3), "many {many}");
            // The same answers under other uids (another exporter's card id): known.
            let mut other = batch();
            for r in &mut other.facts[0].cards[0].reviews {
                r.anki_card_id = 8;
            }
            let moved = write_batch_with(&mut store, &other, true, many, &crate::progress::Silent).unwrap();
            assert_eq!((moved.reviews_added, moved.reviews_present), (0, 3), "many {many}");
            logs.push(log(&store));
        }
        let expected: Vec<(String, i64, i64)> =
            (1..=3).map(|n| (format!("anki-1700000{n}00000-7"), n - 1, n)).collect();
        assert_eq!(logs[0], expected, "each review's before is the previous one's after");
        assert_eq!(logs[1], expected);
    }

    /// More reviews than the chunks the second thread makes ready hold:
    /// every one logged, in order, each one's before the previous one's
    /// after (with the indexes set aside: in place, the same-answer SQL
    /// scans one card's thousands of rows for each).
    #[test]
    fn reviews_of_many_chunks_are_all_logged_in_order() {
        let n = (CHUNK * (CHUNKS_AHEAD + 2) + 7) as u32;
        let mut store = Store::open_in_memory().unwrap();
        let mut long = batch();
        long.facts[0].cards[0].reviews = (1..=n).map(|i| review(1_700_000_000_000 + i64::from(i), i)).collect();
        let outcome = write_batch_with(&mut store, &long, true, 1, &crate::progress::Silent).unwrap();
        assert_eq!((outcome.reviews_added, outcome.reviews_present), (n as usize, 0));
        let logged = log(&store);
        assert_eq!(logged.len(), n as usize);
        for (i, (uid, before, after)) in logged.iter().enumerate() {
            let i = i as i64;
            assert_eq!(uid, &format!("anki-{}-7", 1_700_000_000_001 + i));
            assert_eq!((*before, *after), (i, i + 1));
        }
    }

    /// A row the writer cannot log (its card is missing) stops the import
    /// with the error, the thread making reviews ready (blocked, chunks
    /// ahead) with it.
    #[test]
    fn an_error_while_logging_stops_the_thread_that_makes_reviews_ready() {
        let mut store = Store::open_in_memory().unwrap();
        let mut long = batch();
        let n = (CHUNK * (CHUNKS_AHEAD + 2)) as u32;
        long.facts[0].cards[0].reviews = (1..=n).map(|i| review(1_700_000_000_000 + i64::from(i), i)).collect();
        let order = LogOrder::of(&long);
        let tx = store.begin().unwrap();
        let mut outcome = ImportOutcome::default();
        let missing_card = [Some(424_242)];
        let result = insert_reviews(
            &tx,
            &order,
            &missing_card,
            usize::MAX,
            &crate::progress::Silent,
            &mut outcome,
        );
        assert!(result.is_err(), "a log row naming no card is refused");
        assert_eq!(outcome.reviews_added, 0);
    }

    #[test]
    fn the_log_order_is_by_time_then_anki_card_then_place() {
        let mut batch = batch();
        let mut second = batch.facts[0].cards[0].clone();
        second.template = "reverse".into();
        second.reviews = vec![review(1_700_000_150_000, 1), review(1_700_000_200_000, 2)];
        for r in &mut second.reviews {
            r.anki_card_id = 6;
        }
        batch.facts[0].cards.push(second);
        // The same time and Anki card twice: kept in the batch's order.
        batch.facts[0].cards[0].reviews.push(review(1_700_000_300_000, 4));
        let order = LogOrder::of(&batch);
        assert_eq!(
            order.reviews,
            [(0, 0), (1, 0), (1, 1), (0, 1), (0, 2), (0, 3)],
            "time first; at the same time Anki card 6 before 7"
        );
    }

    #[test]
    fn two_answers_of_one_card_at_one_instant_are_logged_once_either_way() {
        for many in [1, usize::MAX] {
            let mut store = Store::open_in_memory().unwrap();
            let mut twice = batch();
            let reviews = &mut twice.facts[0].cards[0].reviews;
            let mut other = review(1_700_000_200_000, 2);
            other.anki_card_id = 8;
            reviews.insert(2, other);
            let outcome = write_batch_with(&mut store, &twice, true, many, &crate::progress::Silent).unwrap();
            assert_eq!((outcome.reviews_added, outcome.reviews_present), (3, 1), "many {many}");
            assert_eq!(log(&store).len(), 3, "many {many}");
        }
    }
}
