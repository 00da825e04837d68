//! Study sessions against real Anki: replays
//! `tests/reference/anki_sessions.json.gz` (made by
//! `tests/reference/anki_sessions.py` with Anki 26.9: whole collections
//! studied through Anki's queue with FSRS, the load balancer and easy days)
//! on an iskra collection holding the same cards (the same card ids, so the
//! same fuzz seeds) and notes (facts), answer by answer through the answer
//! transaction the review session uses (`commit_answer` with a
//! `SessionWorkload`, started when Anki built its queue: at the first answer
//! of each study day). After each answer it checks the card as Anki left
//! it: state, queue, the exact due (an instant with the step delay, or a
//! study day: a review's load-balanced day, a day-long step's day), interval,
//! remaining steps, reps, lapses, stability and difficulty; and, where no
//! siblings are buried, the counts Anki's queue shows (new, learning,
//! review) and, when Anki showed a learning card ahead of time, that
//! iskra's session shows that card too.

use chrono::{DateTime, Utc};
use iskra::clock::{Clock, DayNumber};
use iskra::deck::{Fact, FactBody, QaKind};
use iskra::sched::{CardState, Due, EasyDay, Rating, Schedule};
use iskra::session::review::{ReviewSession, Screen, commit_answer, deck_scheduler};
use iskra::session::workload::SessionWorkload;
use iskra::store::{NewCard, Settings, Store};
use serde::Deserialize;

#[derive(Deserialize)]
struct Reference {
    anki_version: String,
    scenarios: Vec<Scenario>,
}

#[derive(Deserialize)]
struct Scenario {
    name: String,
    /// When Anki's day 0 starts (UTC seconds).
    crt: i64,
    config: Config,
    cards: Vec<AnkiCard>,
    answers: Vec<Answer>,
}

#[derive(Deserialize)]
struct Config {
    learn_steps_mins: Vec<f32>,
    relearn_steps_mins: Vec<f32>,
    new_per_day: u32,
    reviews_per_day: u32,
    bury_new: bool,
    bury_reviews: bool,
    bury_interday_learning: bool,
    easy_days_percentages: Vec<f32>,
    desired_retention: f32,
    load_balancer: bool,
    learn_ahead_secs: u32,
    rollover: u32,
}

/// A card as Anki's columns hold it: id, note id, template ordinal, type,
/// queue, due, ivl, left, reps, lapses, and from `data` stability,
/// difficulty and last review time (seconds).
type AnkiCard = (
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    u32,
    u32,
    u32,
    u32,
    Option<f32>,
    Option<f32>,
    Option<i64>,
);

#[derive(Deserialize)]
struct Answer {
    at: i64,
    anki_day: i64,
    card: i64,
    rating: u8,
    /// type, queue, due, ivl, left, reps, lapses before the answer.
    before: (i64, i64, i64, u32, u32, u32, u32),
    /// ... after it, with stability and difficulty.
    after: (i64, i64, i64, u32, u32, u32, u32, Option<f32>, Option<f32>),
    /// The counts Anki's queue shows after the answer: new, learning, review.
    counts: [u32; 3],
}

fn load() -> Reference {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/anki_sessions.json.gz");
    let file = std::fs::File::open(path).expect("tests/reference/anki_sessions.json.gz is in the repository");
    serde_json::from_reader(flate2::read::GzDecoder::new(file)).expect("the reference sessions parse")
}

/// The settings of a scenario, as iskra's.
fn settings(config: &Config) -> Settings {
    let mut settings = Settings {
        day_start_hour: config.rollover,
        new_per_day: config.new_per_day,
        reviews_per_day: config.reviews_per_day,
        learn_ahead_mins: config.learn_ahead_secs / 60,
        bury_new: config.bury_new,
        bury_review: config.bury_reviews,
        bury_interday: config.bury_interday_learning,
        ..Settings::default()
    };
    let s = &mut settings.scheduler;
    s.desired_retention = config.desired_retention;
    s.learn_steps_secs = config.learn_steps_mins.iter().map(|m| (m * 60.0) as u32).collect();
    s.relearn_steps_secs = config.relearn_steps_mins.iter().map(|m| (m * 60.0) as u32).collect();
    s.load_balancer = config.load_balancer;
    for (day, &share) in s.easy_days.iter_mut().zip(&config.easy_days_percentages) {
        *day = match share {
            1.0 => EasyDay::Normal,
            0.0 => EasyDay::Minimum,
            _ => EasyDay::Reduced,
        };
    }
    settings
}

/// Anki's day numbers as iskra's study days.
struct Days {
    offset: DayNumber,
}

impl Days {
    fn day(&self, anki_day: i64) -> DayNumber {
        self.offset + anki_day
    }

    /// A (re)learning or review card's due as iskra holds it.
    fn due(&self, queue: i64, due: i64) -> Due {
        match queue {
            1 => Due::At(due * 1000),
            2 | 3 => Due::Day(self.day(due)),
            other => panic!("queue {other}"),
        }
    }
}

fn clock_at(secs: i64) -> Clock<Utc> {
    Clock::new(DateTime::from_timestamp(secs, 0).unwrap(), Utc, 4)
}

fn state_of(ctype: i64) -> CardState {
    match ctype {
        1 => CardState::Learning,
        2 => CardState::Review,
        3 => CardState::Relearning,
        _ => CardState::New,
    }
}

/// The iskra collection of a scenario: one deck, a fact per note, the cards
/// with Anki's ids and schedules.
fn collection(sc: &Scenario, settings: &Settings, days: &Days) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let mut notes: Vec<(i64, i64)> = sc.cards.iter().map(|c| (c.1, c.2)).collect();
    notes.sort_unstable();
    store
        .bulk_write(|w| {
            w.deck(1, "reference", "Reference", "")?;
            for group in notes.chunk_by(|a, b| a.0 == b.0) {
                let nid = group[0].0;
                let fact = Fact {
                    id: format!("n{nid}"),
                    body: FactBody::Qa {
                        question: format!("note {nid}?"),
                        answer: format!("answer {nid}"),
                        kinds: if group.len() == 2 {
                            vec![QaKind::Basic, QaKind::Reverse]
                        } else {
                            vec![QaKind::Basic]
                        },
                    },
                    alternatives: Vec::new(),
                    hint: None,
                    extra: None,
                    tags: Vec::new(),
                    source: None,
                };
                w.fact(nid, 1, &fact.id, &serde_json::to_string(&fact).unwrap())?;
                for (ord, text) in fact.cards().iter().enumerate() {
                    let c = sc.cards.iter().find(|c| c.1 == nid && c.2 == ord as i64).unwrap();
                    let schedule = match c.3 {
                        0 => Schedule::new_card(c.5),
                        2 => Schedule {
                            state: CardState::Review,
                            remaining_steps: 0,
                            memory: Some(fsrs::MemoryState {
                                stability: c.10.unwrap(),
                                difficulty: c.11.unwrap(),
                            }),
                            interval: c.6,
                            due: Due::Day(days.day(c.5)),
                            last_review_day: c.12.map(|t| clock_at(t).today()),
                            reps: c.8,
                            lapses: c.9,
                        },
                        other => panic!("{}: card type {other} to start from", sc.name),
                    };
                    w.card(&NewCard {
                        id: c.0,
                        fact_id: nid,
                        deck_id: 1,
                        text,
                        schedule: &schedule,
                        suspended: false,
                    })?;
                }
            }
            Ok(())
        })
        .unwrap();
    store.save_settings(settings).unwrap();
    store
}

/// Replays one scenario; returns the checks made and one line per mismatch.
fn replay(sc: &Scenario) -> (usize, Vec<String>) {
    let settings = settings(&sc.config);
    let days = Days {
        offset: clock_at(sc.crt).today(),
    };
    let mut store = collection(sc, &settings, &days);
    let deck = store.decks().unwrap().remove(0);
    let scheduler = deck_scheduler(&settings, &deck).unwrap();
    let counts_comparable = !(settings.bury_new || settings.bury_review || settings.bury_interday);
    let mut workload: Option<SessionWorkload> = None;
    let mut queue_day = None;
    let (mut checked, mut mismatches) = (0, Vec::new());
    for (i, a) in sc.answers.iter().enumerate() {
        let clock = clock_at(a.at);
        let mut check = |what: &str, ok: bool, ours: String, anki: String| {
            checked += 1;
            if !ok {
                mismatches.push(format!(
                    "{} #{} card {} ({what}): iskra {ours}, Anki {anki}",
                    sc.name,
                    i + 1,
                    a.card
                ));
            }
        };
        assert_eq!(clock.today(), days.day(a.anki_day), "{}: study days", sc.name);
        if queue_day != Some(a.anki_day) {
            // Anki builds its queue, and with it the load balancer, when it is
            // first asked for a card on a study day.
            workload = SessionWorkload::start(&store, &settings, clock.today()).unwrap();
            queue_day = Some(a.anki_day);
        }
        let card = store.card(a.card).unwrap().expect("the card is in the collection");
        let (ctype, queue, due, ..) = a.before;
        // Anki showed a learning card before it was due (learn-ahead): so does iskra.
        if counts_comparable && queue == 1 && due > a.at {
            let mut session = ReviewSession::start(&mut store, None, None, &clock).unwrap();
            let shown = match session.current(&clock).unwrap() {
                Screen::Question { card, .. } => Some(card.card_id),
                _ => None,
            };
            check(
                "learn-ahead card shown",
                shown == Some(a.card),
                format!("{shown:?}"),
                a.card.to_string(),
            );
        }
        check(
            "state before",
            card.schedule.state == state_of(ctype) && (ctype == 0 || card.schedule.due == days.due(queue, due)),
            format!("{:?}", card.schedule),
            format!("{:?}", a.before),
        );
        let rating = Rating::from_number(a.rating).unwrap();
        let committed = commit_answer(
            &mut store,
            &scheduler,
            &card,
            rating,
            a.at * 1000,
            &clock,
            workload.as_mut(),
        )
        .unwrap();
        let next = &committed.entry.after;
        let (ctype, queue, due, ivl, left, reps, lapses, stability, difficulty) = a.after;
        let expected = Schedule {
            state: state_of(ctype),
            remaining_steps: if ctype == 2 { 0 } else { left % 1000 },
            memory: Some(fsrs::MemoryState {
                stability: stability.unwrap(),
                difficulty: difficulty.unwrap(),
            }),
            interval: if ctype == 1 { next.interval } else { ivl },
            due: days.due(queue, due),
            last_review_day: Some(clock.today()),
            reps,
            lapses,
        };
        let memory = next.memory.unwrap();
        let close = (memory.stability - stability.unwrap()).abs() <= 1e-4 * stability.unwrap().max(1.0)
            && (memory.difficulty - difficulty.unwrap()).abs() <= 1e-4;
        let same = Schedule {
            memory: expected.memory,
            ..next.clone()
        } == expected
            && close;
        check("card after", same, format!("{next:?}"), format!("{expected:?}"));
        if !same {
            // Go on from Anki's card, so each answer is checked on its own.
            let tx = store.begin().unwrap();
            tx.write_schedule(a.card, &expected).unwrap();
            tx.commit().unwrap();
        }
        if counts_comparable {
            let session = ReviewSession::start(&mut store, None, None, &clock).unwrap();
            let c = session.counts(&clock).unwrap();
            let ours = [c.new, c.learning, c.due];
            check(
                "counts",
                ours == a.counts,
                format!("{ours:?}"),
                format!("{:?}", a.counts),
            );
        }
    }
    (checked, mismatches)
}

#[test]
fn the_reference_sessions_are_from_anki_26_and_cover_the_cases() {
    let reference = load();
    assert!(reference.anki_version.starts_with("26."), "{}", reference.anki_version);
    let names: Vec<&str> = reference.scenarios.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["steps_across_the_rollover", "long_steps", "load_balancer", "easy_days"]
    );
    let balanced = &reference.scenarios[2];
    let days = Days {
        offset: clock_at(balanced.crt).today(),
    };
    let first = days.day(balanced.answers[0].anki_day);
    let due_ahead = balanced
        .cards
        .iter()
        .filter(|c| c.3 == 2 && (first..first + 90).contains(&days.day(c.5)))
        .count();
    assert!(due_ahead >= 2_000, "{due_ahead} cards due over the next 90 days");
}

fn assert_replays(name: &str) {
    let reference = load();
    let scenario = reference.scenarios.iter().find(|s| s.name == name).unwrap();
    let (checked, mismatches) = replay(scenario);
    assert!(checked >= 2 * scenario.answers.len(), "only {checked} checks ran");
    assert!(
        mismatches.is_empty(),
        "{} of {checked} checks differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn steps_across_the_rollover_match_anki() {
    assert_replays("steps_across_the_rollover");
}

#[test]
fn long_steps_match_anki() {
    assert_replays("long_steps");
}

#[test]
fn load_balanced_intervals_with_siblings_match_anki() {
    assert_replays("load_balancer");
}

#[test]
fn easy_days_match_anki() {
    assert_replays("easy_days");
}
