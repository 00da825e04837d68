use chrono::{DateTime, Duration, FixedOffset, Utc};

use super::*;
use crate::clock::parse_now;

const LEARN: i64 = 0;
const REVIEW: i64 = 1;
const RELEARN: i64 = 2;
const EARLY: i64 = 3;
const MANUAL: i64 = 4;

/// Day 0 of these tests, at noon UTC.
fn base() -> DateTime<Utc> {
    parse_now("2026-03-01T12:00:00Z").unwrap()
}

fn row(card_id: i64, at: DateTime<Utc>, rating: u8, kind: i64) -> TrainingRow {
    TrainingRow {
        card_id,
        reviewed_at_ms: at.timestamp_millis(),
        rating,
        kind,
        duration_ms: 5_000,
    }
}

/// A Good answer of card 1 at noon UTC on `day`.
fn good(day: i64, kind: i64) -> TrainingRow {
    row(1, base() + Duration::days(day), 3, kind)
}

fn utc_clock() -> Clock<Utc> {
    Clock::new(base(), Utc, 4)
}

/// The items as (rating, delta_t) lists.
fn items(rows: &[TrainingRow]) -> Vec<Vec<(u32, u32)>> {
    items_with(rows, &utc_clock())
}

fn items_with<Tz: TimeZone>(rows: &[TrainingRow], clock: &Clock<Tz>) -> Vec<Vec<(u32, u32)>> {
    training_set(rows, clock)
        .items
        .iter()
        .map(|item| item.reviews.iter().map(|r| (r.rating, r.delta_t)).collect())
        .collect()
}

#[test]
fn one_item_per_review_with_the_days_since_the_previous_one() {
    let rows = [good(0, LEARN), good(2, LEARN), good(5, REVIEW), good(10, REVIEW)];
    assert_eq!(
        items(&rows),
        vec![
            vec![(3, 0), (3, 2)],
            vec![(3, 0), (3, 2), (3, 3)],
            vec![(3, 0), (3, 2), (3, 3), (3, 5)],
        ]
    );
}

#[test]
fn a_lone_first_answer_gives_no_item() {
    assert!(items(&[good(0, LEARN)]).is_empty());
    assert_eq!(training_set(&[good(0, LEARN)], &utc_clock()).reviews, 0);
}

#[test]
fn same_day_answers_are_history_but_never_targets() {
    let at = |day: i64, hours: i64| base() + Duration::days(day) + Duration::hours(hours);
    let rows = [
        row(1, at(0, 0), 1, LEARN),
        row(1, at(0, 1), 3, LEARN),
        row(1, at(3, 0), 1, REVIEW),
        row(1, at(3, 2), 3, RELEARN),
        row(1, at(4, 0), 3, REVIEW),
    ];
    assert_eq!(
        items(&rows),
        vec![
            vec![(1, 0), (3, 0), (1, 3)],
            vec![(1, 0), (3, 0), (1, 3), (3, 0), (3, 1)],
        ]
    );
}

#[test]
fn only_the_last_learning_block_counts() {
    // Learned, reviewed, then reset and learned again: the first life is dropped.
    let rows = [
        good(0, LEARN),
        good(4, REVIEW),
        good(10, LEARN),
        good(10, LEARN),
        good(12, REVIEW),
    ];
    assert_eq!(items(&rows), vec![vec![(3, 0), (3, 0), (3, 2)]]);
    // A manual entry ends a learning block too.
    let rows = [good(0, LEARN), good(1, MANUAL), good(2, LEARN), good(5, REVIEW)];
    assert_eq!(items(&rows), vec![vec![(3, 0), (3, 3)]]);
}

#[test]
fn a_card_without_learning_entries_is_left_out() {
    let rows = [good(0, REVIEW), good(3, REVIEW), good(9, RELEARN)];
    let set = training_set(&rows, &utc_clock());
    assert!(set.items.is_empty());
    assert_eq!((set.reviews, set.cards), (0, 0));
}

#[test]
fn manual_entries_are_dropped_and_early_reviews_kept() {
    let rows = [good(0, LEARN), good(1, REVIEW), good(3, MANUAL), good(6, REVIEW)];
    assert_eq!(items(&rows), vec![vec![(3, 0), (3, 1)], vec![(3, 0), (3, 1), (3, 5)]]);
    let set = training_set(&rows, &utc_clock());
    assert_eq!(set.reviews, 3, "the manual entry is not a review");
    let rows = [good(0, LEARN), good(2, EARLY), good(6, REVIEW)];
    assert_eq!(items(&rows), vec![vec![(3, 0), (3, 2)], vec![(3, 0), (3, 2), (3, 4)]]);
}

#[test]
fn ratings_outside_one_to_four_and_unknown_kinds_are_dropped() {
    let mut zero = good(2, REVIEW);
    zero.rating = 0;
    let rows = [good(0, LEARN), zero, good(3, 5), good(5, REVIEW)];
    assert_eq!(items(&rows), vec![vec![(3, 0), (3, 5)]]);
}

#[test]
fn days_are_study_days_starting_at_the_day_start_hour() {
    let day1 = |time: &str| parse_now(&format!("2026-03-02T{time}Z")).unwrap();
    let learned = row(1, parse_now("2026-03-01T10:00:00Z").unwrap(), 3, LEARN);
    // 03:59 the next morning still belongs to the day of the first answer.
    assert!(items(&[learned, row(1, day1("03:59:59"), 3, REVIEW)]).is_empty());
    assert_eq!(
        items(&[learned, row(1, day1("04:00:00"), 3, REVIEW)]),
        vec![vec![(3, 0), (3, 1)]]
    );
    // With the day starting at midnight, 03:59 is already the next day.
    let midnight = Clock::new(base(), Utc, 0);
    assert_eq!(
        items_with(&[learned, row(1, day1("03:59:59"), 3, REVIEW)], &midnight),
        vec![vec![(3, 0), (3, 1)]]
    );
}

#[test]
fn days_follow_the_collection_time_zone() {
    // 23:00 and 02:30 UTC: one study day in UTC, two at UTC+2 (01:00 and 04:30 local).
    let learned = row(1, parse_now("2026-03-01T23:00:00Z").unwrap(), 3, LEARN);
    let next = row(1, parse_now("2026-03-02T02:30:00Z").unwrap(), 3, REVIEW);
    // In UTC both fall before 04:00 of 2026-03-02: one study day.
    assert!(items(&[learned, next]).is_empty());
    // At UTC+2 the second is 04:30 local: the next study day.
    let plus2 = Clock::new(base(), FixedOffset::east_opt(2 * 3600).unwrap(), 4);
    assert_eq!(items_with(&[learned, next], &plus2), vec![vec![(3, 0), (3, 1)]]);
}

#[test]
fn items_of_all_cards_are_in_time_order_with_their_cards() {
    let a = |day: i64, kind: i64| row(7, base() + Duration::days(day), 3, kind);
    let b = |day: i64, kind: i64| row(9, base() + Duration::days(day) + Duration::hours(1), 4, kind);
    let rows = [a(0, LEARN), a(3, REVIEW), a(10, REVIEW), b(1, LEARN), b(5, REVIEW)];
    let set = training_set(&rows, &utc_clock());
    assert_eq!(set.card_ids, vec![7, 9, 7]);
    let lasts: Vec<u32> = set.items.iter().map(|i| i.reviews.last().unwrap().delta_t).collect();
    assert_eq!(lasts, vec![3, 4, 7]);
    assert_eq!((set.reviews, set.cards), (5, 2));
}
