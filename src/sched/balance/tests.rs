//! The load balancer's rules: weights, easy days and siblings as Anki's
//! `load_balancer.rs` computes them, and the draw's preferences.

use super::*;

const TODAY: DayNumber = 20_458; // Monday 2026-01-05

fn balancer(counts: &[(i64, u32)], easy_days: EasyDays) -> LoadBalancer {
    LoadBalancer::new(TODAY, counts.iter().map(|&(d, n)| (TODAY + d, n)), easy_days)
}

#[test]
fn weekdays_are_counted_from_monday() {
    assert_eq!(weekday(0), 3, "1970-01-01 was a Thursday");
    let monday = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    assert_eq!((monday - epoch).num_days(), TODAY);
    assert_eq!(weekday(TODAY), 0);
    assert_eq!(weekday(TODAY + 6), 6);
    assert_eq!(weekday(-1), 2);
}

#[test]
fn a_day_weighs_by_its_cards_and_its_distance() {
    assert_eq!(
        day_weight(5, 0, 0.000_001, 0.0001),
        1.0,
        "an empty day weighs 1 whatever else"
    );
    let w = day_weight(5, 2, 1.0, 1.0);
    assert!((w - 0.5_f32.powf(2.15) / 125.0).abs() < 1e-9, "{w}");
    assert!(day_weight(5, 2, 1.0, 1.0) > day_weight(5, 3, 1.0, 1.0));
    assert!(day_weight(4, 3, 1.0, 1.0) > day_weight(5, 3, 1.0, 1.0));
    assert_eq!(day_weight(4, 3, 0.5, 1.0), day_weight(4, 3, 1.0, 1.0) * 0.5);
}

#[test]
fn nothing_counted_or_long_intervals_are_not_balanced() {
    let empty = balancer(&[], [EasyDay::Normal; 7]);
    assert_eq!(empty.find_interval(10.0, 1, 36_500, 7, &[]), None, "Anki only fuzzes");
    let b = balancer(&[(10, 3)], [EasyDay::Normal; 7]);
    assert!(b.find_interval(10.0, 1, 36_500, 7, &[]).is_some());
    assert_eq!(b.find_interval(91.2, 1, 36_500, 7, &[]), None);
    assert!(
        b.find_interval(90.9, 1, 36_500, 7, &[]).is_some(),
        "truncated, as Anki does"
    );
    assert_eq!(b.find_interval(10.0, 91, 36_500, 7, &[]), None);
    // Days outside the range are not counted; a count of nothing is nothing.
    assert_eq!(
        balancer(&[(-1, 5), (99, 5), (3, 0)], [EasyDay::Normal; 7]).count(TODAY + 3),
        0
    );
    assert_eq!(
        balancer(&[(-1, 5), (99, 5), (3, 0)], [EasyDay::Normal; 7]).find_interval(10.0, 1, 100, 1, &[]),
        None
    );
}

#[test]
fn answers_add_and_undos_remove_counts() {
    let mut b = balancer(&[(10, 3)], [EasyDay::Normal; 7]);
    b.add(TODAY + 12);
    b.add(TODAY + 12);
    b.add(TODAY + 200); // out of range: ignored
    assert_eq!((b.count(TODAY + 10), b.count(TODAY + 12)), (3, 2));
    b.remove(TODAY + 12);
    b.remove(TODAY + 11);
    assert_eq!((b.count(TODAY + 11), b.count(TODAY + 12)), (0, 1));
    // A balancer that counted nothing stays so (as Anki's, which has no
    // entry for the preset to add to).
    let mut empty = balancer(&[], [EasyDay::Normal; 7]);
    empty.add(TODAY + 5);
    assert_eq!(empty.count(TODAY + 5), 0);
}

#[test]
fn the_draw_stays_in_the_fuzz_range_and_prefers_light_days() {
    // 10 days: fuzz range 8..=12; day 10 is empty, the others busy.
    let b = balancer(&[(8, 40), (9, 40), (11, 40), (12, 40), (30, 1)], [EasyDay::Normal; 7]);
    let picks: Vec<u32> = (0..500)
        .map(|seed| b.find_interval(10.0, 1, 36_500, seed, &[]).unwrap())
        .collect();
    assert!(picks.iter().all(|d| (8..=12).contains(d)));
    assert!(
        picks.iter().all(|&d| d == 10),
        "an empty day outweighs busy ones by far"
    );
    assert_eq!(
        b.find_interval(10.0, 1, 36_500, 3, &[]),
        b.find_interval(10.0, 1, 36_500, 3, &[]),
        "the same seed, the same day"
    );
    // Equally busy days: the nearer ones weigh more ((1/interval)^3).
    let even = balancer(&(8..=12).map(|d| (d, 10)).collect::<Vec<_>>(), [EasyDay::Normal; 7]);
    let picks: Vec<u32> = (0..2_000)
        .map(|s| even.find_interval(10.0, 1, 36_500, s, &[]).unwrap())
        .collect();
    let share = |d: u32| picks.iter().filter(|&&p| p == d).count();
    assert!(
        share(8) > share(10) && share(10) > share(12),
        "{:?}",
        (8..=12).map(share).collect::<Vec<_>>()
    );
    // The minimum is kept.
    assert!((0..200).all(|s| b.find_interval(10.0, 11, 36_500, s, &[]).unwrap() >= 11));
}

#[test]
fn easy_days_turn_busy_reduced_days_and_minimum_days_off() {
    let mut easy = [EasyDay::Normal; 7];
    easy[1] = EasyDay::Reduced;
    easy[2] = EasyDay::Minimum;
    // Three days, Monday..Wednesday: 30 reviews; the Tuesday holds a third.
    assert_eq!(easy_day_modifiers(&easy, &[0, 1, 3], &[10, 10, 10]), [1.0, 0.0001, 1.0]);
    // With 4 it holds less than half of an average other day: a choice.
    assert_eq!(easy_day_modifiers(&easy, &[0, 1, 3], &[10, 4, 10]), [1.0, 1.0, 1.0]);
    assert_eq!(easy_day_modifiers(&easy, &[1, 2, 3], &[0, 0, 0]), [1.0, 0.0001, 1.0]);
    // In the draw: a Minimum weekday is not chosen while others are open.
    let b = balancer(&(1..=20).map(|d| (d, 5)).collect::<Vec<_>>(), easy);
    for seed in 0..300 {
        let days = b.find_interval(10.0, 1, 36_500, seed, &[]).unwrap();
        assert_ne!(
            weekday(TODAY + i64::from(days)),
            2,
            "seed {seed}: {days} days is a Wednesday"
        );
    }
}

#[test]
fn siblings_push_a_card_off_their_days() {
    // Anki's example: siblings due in 2 and 8 days.
    let modifiers = sibling_modifiers(TODAY, 0, 10, &[TODAY + 2, TODAY + 8, TODAY + 8]);
    let expected = [0.4, 0.2, 0.0, 0.2, 0.32, 0.36, 0.32, 0.2, 0.0, 0.2, 0.4];
    for (got, want) in modifiers.iter().zip(expected) {
        assert!((got - want).abs() < 1e-5, "{modifiers:?}");
    }
    let b = balancer(&(5..=15).map(|d| (d, 10)).collect::<Vec<_>>(), [EasyDay::Normal; 7]);
    for seed in 0..300 {
        assert_ne!(b.find_interval(10.0, 1, 36_500, seed, &[TODAY + 10]).unwrap(), 10);
    }
}
