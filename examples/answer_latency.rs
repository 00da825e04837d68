//! Times answering cards on a collection (see BENCHMARKS.md):
//!
//! - the review step a learner waits for, as the front ends run it
//!   (`ReviewSession::handle`): grade → the answer durable and the next card
//!   ready (picked, with its header counts, while the answer is synced), when
//!   `answered:` and the next card are shown together; so the two lines of
//!   the step are the same times. Sessions run day after day with the collection's
//!   limits (about 220 answers a day by default) until ANSWERS steps;
//! - then the durable commit of one answer alone:
//!   `session::review::commit_answer`, the card read, graded (its interval
//!   load-balanced when the settings say so, as in a review session), and
//!   its new schedule and log row written in one transaction (WAL,
//!   synchronous=FULL, as `review` commits every answer).
//!
//! Prints the median, p99 and max of each. It adds answers to the
//! collection: run it on a copy.
//!
//! ```sh
//! cargo run --release --example answer_latency -- COLLECTION [ANSWERS] [--auto-checkpoints]
//! ```
//! `--auto-checkpoints` leaves SQLite's automatic checkpoints on for the
//! commits, as review sessions did before they deferred them (for comparison).
//! The time is `ISKRA_NOW` (RFC 3339) if set, else the system clock; every
//! answer is one second after the previous one.

use std::time::{Duration, Instant};

use chrono::Local;
use iskra::clock::{Clock, parse_now};
use iskra::sched::Rating;
use iskra::session::review::{Input, ReviewSession, Screen, commit_answer, deck_scheduler};
use iskra::session::workload::SessionWorkload;
use iskra::store::Store;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: answer_latency COLLECTION [ANSWERS]")?;
    let answers: usize = args.next().map_or(Ok(1000), |n| n.parse())?;
    let auto_checkpoints = args.next().is_some_and(|a| a == "--auto-checkpoints");
    let start = match std::env::var("ISKRA_NOW") {
        Ok(text) => parse_now(&text)?,
        Err(_) => chrono::Utc::now(),
    };
    let mut store = Store::open_with(
        std::path::Path::new(&path),
        &iskra::maintenance::backup::before_migration,
    )?;
    if !auto_checkpoints {
        // As a review session does (ReviewSession::start).
        store.defer_checkpoints()?;
    }
    let settings = store.settings()?;
    let at = |day: i64, i: usize| {
        let time = start + chrono::Duration::days(day) + chrono::Duration::seconds(i as i64);
        Clock::new(time, Local, settings.day_start_hour)
    };

    let (mut steps, mut feedback) = (Vec::with_capacity(answers), Vec::with_capacity(answers));
    let mut day = 0;
    while steps.len() < answers && day < MAX_DAYS {
        let mut session = ReviewSession::start(&mut store, None, None, &at(day, 0))?;
        for i in steps.len()..answers {
            let now = at(day, i);
            session.handle(Input::Reveal, &now)?;
            // As the front ends do: the answer is made durable while the
            // next card is picked, and the notice (`answered:`) is shown
            // with the next card once `handle` returns.
            let timer = Instant::now();
            let (_, screen) = session.handle(Input::Grade(Rating::Good), &now)?;
            feedback.push(timer.elapsed());
            steps.push(timer.elapsed());
            if matches!(screen, Screen::Finished(_)) {
                break;
            }
        }
        day += 1;
    }

    // The commit alone, on cards picked as review would (first due review,
    // else the next new card), deck after deck.
    let decks = store.decks()?;
    // As a review session keeps it: counted once, then kept up to date.
    let mut workload = SessionWorkload::start(&store, &settings, at(day, 0).today())?;
    let mut commits = Vec::with_capacity(answers);
    for i in 0..answers {
        let deck = &decks[i % decks.len()];
        let now = at(day, i);
        let card = match store.next_review(deck.id, now.today(), 0)? {
            Some(card) => card,
            None => match store.next_new(deck.id, 0, None)? {
                Some(card) => card,
                None => continue,
            },
        };
        let scheduler = deck_scheduler(&settings, deck)?;
        // As a review commits it: the card read, graded and written in one transaction.
        let shown_at_ms = now.now_ms() - 5_000;
        let timer = Instant::now();
        commit_answer(
            &mut store,
            &scheduler,
            &card,
            Rating::Good,
            shown_at_ms,
            &now,
            workload.as_mut(),
        )?;
        commits.push(timer.elapsed());
    }

    println!("{} review steps over {day} study days", steps.len());
    report("answer commit (commit_answer, durable)", &mut commits);
    report("review step: grade → answer durable, `answered:` shown", &mut feedback);
    report(
        "review step: grade → next card ready (commit, pick, header counts)",
        &mut steps,
    );
    Ok(())
}

/// Days of sessions at most (each ends when the day's limits are used).
const MAX_DAYS: i64 = 60;

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let pick = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    if times.is_empty() {
        println!("{what}: no answers");
        return;
    }
    println!(
        "{what}: n={} median {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        times.len(),
        ms(pick(0.5)),
        ms(pick(0.99)),
        ms(times[times.len() - 1])
    );
}
