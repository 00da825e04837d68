//! The generator itself: a realistic collection for benchmarks and scale
//! tests, deterministically from a seed (and `ISKRA_NOW`, which it ends at).
//!
//! N cards of simple q/a facts (one fact in ten also has a reverse card)
//! across K decks of uneven size; 2% of the cards are suspended. The learner
//! introduced the cards of all decks side by side at a steady rate over the
//! last Y years, in each deck's order, and answered every card when it was
//! due: learning steps a few minutes late (sometimes the next day), reviews
//! on their day or a few days late, between 06:00 and 23:00 after the day
//! start. Every answer goes through the real scheduler, so a card's state is
//! its last log row's after-state and replaying the log reproduces it. Grades
//! follow each card's difficulty (Again about 12% of reviews by default,
//! more in learning; Hard 5%, Easy 7%).
//!
//! To make exactly M log rows, the generator estimates the rows per card on a
//! sample and introduces just enough cards (the rest stay new, at the end of
//! each deck), or makes the cards harder when even all of them (but the last
//! fifth of each deck, always new) answer too few times. The rows over M (about
//! 2%) go: whole histories of cards picked at random, which stay new, then the
//! latest few answers.

use chrono::TimeZone;
use iskra::clock::{Clock, DayNumber};
use iskra::deck::{Fact, FactBody, QaKind};
use iskra::error::{Error, Result};
use iskra::progress::{Progress, tick};
use iskra::sched::{CardState, Due, Moment, Rating, ReviewKind, Schedule, Scheduler};
use iskra::session::review::deck_scheduler;
use iskra::store::{DeckRow, LogEntry, NewCard, Store};
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng, rngs::StdRng};

use crate::draw::{draw_duration, draw_rating, split};
use crate::timeline::Timeline;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub cards: u32,
    pub reviews: u64,
    pub decks: u32,
    pub seed: u64,
    pub years: u32,
}

/// What was generated, by the cards' final state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub decks: u32,
    pub facts: u32,
    pub cards: u32,
    pub new: u32,
    pub learning: u32,
    pub relearning: u32,
    /// Review cards with an interval under 21 days.
    pub young: u32,
    pub mature: u32,
    pub suspended: u32,
    pub reviews: u64,
    /// The study days of the first and last answers.
    pub first_day: Option<DayNumber>,
    pub last_day: Option<DayNumber>,
}

/// Share of each deck's cards (its last ones) never studied.
const NEW_SHARE: f64 = 0.2;
/// Share of cards suspended (studied or not).
const SUSPENDED_SHARE: f64 = 0.02;
/// Share of facts that also have a reverse card.
const REVERSE_SHARE: f64 = 0.1;
/// Share of reviews answered Again on an average card, unless more answers
/// are needed to reach M rows.
const AGAIN_SHARE: f64 = 0.1;
/// The most that share can become.
const MAX_AGAIN_SHARE: f64 = 0.6;
/// Estimates of the rows aim this much above M (the excess is then removed).
const AIM_ABOVE: f64 = 1.02;

const HOUR: i64 = 3_600_000;
pub(crate) const DAY: i64 = 24 * HOUR;
/// Answers fall between these offsets from the start of a study day (with
/// the default 04:00 start: 06:00 to 20:00 for the first answer of a day,
/// learning steps until 23:00). Days that lose an hour to daylight saving
/// still hold them.
const FIRST_ANSWER: i64 = 2 * HOUR;
const LAST_START: i64 = 16 * HOUR;
const LAST_ANSWER: i64 = 19 * HOUR;

/// Generates the collection `plan` describes into the empty `store`, in one
/// transaction, reporting the cards played and the rows written to
/// `progress`.
pub fn generate<Tz: TimeZone>(
    store: &mut Store,
    plan: &Plan,
    clock: &Clock<Tz>,
    progress: &dyn Progress,
) -> Result<Summary> {
    let (decks, cards, reviews) = store.content_counts()?;
    if decks + cards + reviews > 0 {
        return Err(Error::Usage(format!(
            "{} is not empty ({decks} decks, {cards} cards, {reviews} review-log rows); generate only fills a new collection.\n  hint: pass --collection with the path of a new file",
            store.path().display()
        )));
    }
    if plan.cards < plan.decks {
        return Err(Error::Usage(format!(
            "--cards {} is fewer than --decks {}.\n  hint: ask for at least one card per deck",
            plan.cards, plan.decks
        )));
    }
    let mut layout = Layout::new(plan);
    let settings = store.settings()?;
    let schedulers = (0..layout.decks)
        .map(|index| deck_scheduler(&settings, &deck_row(index)))
        .collect::<Result<Vec<_>>>()?;
    let timeline = Timeline::new(clock, i64::from(plan.years) * 365);
    let sim = Sim {
        schedulers: &schedulers,
        timeline: &timeline,
        seed: plan.seed,
    };
    let rows = sim.history(plan, &mut layout.cards, progress)?;
    let summary = summarize(plan, &layout, &rows, &timeline);
    write(store, plan, &layout, rows, &timeline, progress)?;
    Ok(summary)
}

/// One card to generate.
struct CardPlan {
    id: i64,
    deck: usize,
    /// Where it comes in the order cards are introduced (all decks side by side).
    order: f64,
    /// Whether it may be studied (the last fifth of each deck stays new).
    studied: bool,
    suspended: bool,
    /// Where its history left it (on the virtual timeline).
    schedule: Schedule,
}

/// One fact: its deck and whether it has a reverse card.
struct FactPlan {
    deck: usize,
    reverse: bool,
}

/// Decks, facts and cards, before any history.
struct Layout {
    decks: usize,
    facts: Vec<FactPlan>,
    cards: Vec<CardPlan>,
}

impl Layout {
    fn new(plan: &Plan) -> Layout {
        let mut rng = StdRng::seed_from_u64(plan.seed);
        let weights: Vec<f64> = (0..plan.decks).map(|_| rng.random_range(1.0..4.0)).collect();
        // Every deck gets at least one card; the rest is split by weight.
        let extra = split(u64::from(plan.cards - plan.decks), &weights);
        let mut facts = Vec::new();
        let mut cards: Vec<CardPlan> = Vec::with_capacity(plan.cards as usize);
        for (deck, extra) in extra.iter().enumerate() {
            let size = extra + 1;
            let studied = size - (size as f64 * NEW_SHARE).round() as u64;
            let mut made = 0;
            while made < size {
                let reverse = size - made >= 2 && rng.random_bool(REVERSE_SHARE);
                facts.push(FactPlan { deck, reverse });
                for _ in 0..if reverse { 2 } else { 1 } {
                    let id = cards.len() as i64 + 1;
                    cards.push(CardPlan {
                        id,
                        deck,
                        order: made as f64 / size as f64,
                        studied: made < studied,
                        suspended: rng.random_bool(SUSPENDED_SHARE),
                        schedule: Schedule::new_card(id),
                    });
                    made += 1;
                }
            }
        }
        Layout {
            decks: plan.decks as usize,
            facts,
            cards,
        }
    }
}

fn deck_row(index: usize) -> DeckRow {
    DeckRow {
        id: index as i64 + 1,
        key: format!("gen-{:02}", index + 1),
        name: format!("Generated {}", index + 1),
        description: "made by iskra generate".into(),
        source_path: None,
        retention: None,
        new_per_day: None,
        reviews_per_day: None,
        preset: None,
    }
}

/// One answer, on the virtual timeline.
struct Row {
    card: usize,
    at: i64,
    rating: Rating,
    kind: ReviewKind,
    duration_ms: u32,
    elapsed_days: u32,
    after: Schedule,
}

/// Plays card histories.
struct Sim<'a> {
    schedulers: &'a [Scheduler],
    timeline: &'a Timeline,
    seed: u64,
}

impl Sim<'_> {
    /// Exactly `plan.reviews` answers; the cards get their final schedules.
    fn history(&self, plan: &Plan, cards: &mut [CardPlan], progress: &dyn Progress) -> Result<Vec<Row>> {
        // The studied cards in the order they are introduced.
        let mut order: Vec<usize> = (0..cards.len()).filter(|&i| cards[i].studied).collect();
        order.sort_by(|&a, &b| cards[a].order.total_cmp(&cards[b].order).then(a.cmp(&b)));
        let (mut introduced, mut again) = self.calibrate(plan, cards, &order)?;
        let mut rows = Vec::with_capacity((plan.reviews as f64 * AIM_ABOVE * 1.02) as usize + 1000);
        let mut per_card = vec![0u32; cards.len()];
        for attempt in 0.. {
            rows.clear();
            progress.start("cards played", introduced as u64);
            for (k, &index) in order[..introduced].iter().enumerate() {
                tick(progress, k, introduced);
                let before = rows.len();
                self.play(&cards[index], intro_day(k, introduced, self.timeline), again, &mut rows)?;
                per_card[index] = (rows.len() - before) as u32;
            }
            if rows.len() as u64 >= plan.reviews {
                break;
            }
            // The estimate was low: more cards, else harder ones.
            let short = plan.reviews as f64 * AIM_ABOVE / rows.len().max(1) as f64;
            if introduced < order.len() {
                introduced = ((introduced as f64 * short).ceil() as usize).min(order.len());
            } else if again < MAX_AGAIN_SHARE && attempt < 8 {
                again = (again * short).min(MAX_AGAIN_SHARE);
            } else {
                return Err(Error::Usage(format!(
                    "{} review-log rows do not fit {} cards in {} years (about {} do).\n  hint: ask for fewer --reviews, or more --cards or --years",
                    plan.reviews,
                    plan.cards,
                    plan.years,
                    rows.len()
                )));
            }
        }
        // The rows over M go: whole cards, picked at random, stay new...
        let mut excess = rows.len() as u64 - plan.reviews;
        let mut candidates = order[..introduced].to_vec();
        candidates.shuffle(&mut StdRng::seed_from_u64(self.seed ^ 0xd20b_ca2d));
        let mut dropped = vec![false; cards.len()];
        for index in candidates {
            let count = u64::from(per_card[index]);
            if count > 0 && count <= excess {
                excess -= count;
                dropped[index] = true;
            }
        }
        rows.retain(|r| !dropped[r.card]);
        // ...then the latest answers.
        rows.sort_unstable_by_key(|r| (r.at, r.card));
        rows.truncate(plan.reviews as usize);
        for row in &rows {
            cards[row.card].schedule = row.after.clone();
        }
        Ok(rows)
    }

    /// How many of the `order`ed cards to introduce, and how often reviews
    /// fail, so that the histories hold a little over M answers. Estimated
    /// on every fifth card.
    fn calibrate(&self, plan: &Plan, cards: &[CardPlan], order: &[usize]) -> Result<(usize, f64)> {
        if plan.reviews == 0 || order.is_empty() {
            return Ok((0, AGAIN_SHARE));
        }
        let step = if order.len() >= 2_000 { 5 } else { 1 };
        let mut scratch = Vec::new();
        let mut estimate = |introduced: usize, again: f64| -> Result<f64> {
            let mut total = 0;
            for k in (0..introduced).step_by(step) {
                scratch.clear();
                self.play(
                    &cards[order[k]],
                    intro_day(k, introduced, self.timeline),
                    again,
                    &mut scratch,
                )?;
                total += scratch.len();
            }
            Ok(total as f64 * step as f64)
        };
        let target = plan.reviews as f64 * AIM_ABOVE;
        let all = estimate(order.len(), AGAIN_SHARE)?;
        if all >= target {
            // Fewer cards introduced over the same years answer proportionally less.
            let introduced = (order.len() as f64 * target / all).ceil() as usize;
            return Ok((introduced.clamp(1, order.len()), AGAIN_SHARE));
        }
        if estimate(order.len(), MAX_AGAIN_SHARE)? < target {
            return Ok((order.len(), MAX_AGAIN_SHARE));
        }
        let (mut easier, mut harder) = (AGAIN_SHARE, MAX_AGAIN_SHARE);
        for _ in 0..12 {
            let middle = (easier + harder) / 2.0;
            if estimate(order.len(), middle)? >= target {
                harder = middle;
            } else {
                easier = middle;
            }
        }
        Ok((order.len(), harder))
    }

    /// Plays one card's answers from its introduction until now.
    fn play(&self, card: &CardPlan, intro_day: i64, again: f64, rows: &mut Vec<Row>) -> Result<()> {
        let scheduler = &self.schedulers[card.deck];
        let mut rng = StdRng::seed_from_u64(self.seed ^ (card.id as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        // How hard the card is: spread around the average, with a tail of
        // hard cards (half of a Gamma(2) variable on top of one half).
        let mut exp = || -(1.0 - rng.random::<f64>()).ln();
        let difficulty = 0.5 + (exp() + exp()) / 4.0;
        let p_again = (again * difficulty).clamp(0.01, 0.75);
        let mut schedule = card.schedule.clone();
        let mut at = intro_day * DAY + rng.random_range(FIRST_ANSWER..LAST_START);
        while at < self.timeline.now {
            let rating = draw_rating(schedule.state, p_again, &mut rng);
            let moment = Moment {
                now_ms: at,
                today: at.div_euclid(DAY),
                next_day_ms: (at.div_euclid(DAY) + 1) * DAY,
            };
            let answered = scheduler.answer(&schedule, card.id, rating, moment, None)?;
            schedule = answered.next;
            rows.push(Row {
                card: (card.id - 1) as usize,
                at,
                rating,
                kind: answered.kind,
                duration_ms: draw_duration(rating, &mut rng),
                elapsed_days: answered.elapsed_days,
                after: schedule.clone(),
            });
            at = next_answer(&schedule, at, &mut rng);
        }
        Ok(())
    }
}

/// The virtual day the `k`th of `count` introduced cards is first studied:
/// a steady rate from day 0 to today.
fn intro_day(k: usize, count: usize, timeline: &Timeline) -> i64 {
    (k as f64 * (timeline.window_days + 1) as f64 / count.max(1) as f64) as i64
}

/// When the learner answers the card next, on the virtual timeline.
fn next_answer(schedule: &Schedule, at: i64, rng: &mut StdRng) -> i64 {
    let morning = |day: i64, rng: &mut StdRng| day * DAY + rng.random_range(FIRST_ANSWER..FIRST_ANSWER + 4 * HOUR);
    match schedule.due {
        Due::At(due) => {
            let u: f64 = rng.random();
            let next = if u < 0.8 {
                due + rng.random_range(0..180_000)
            } else if u < 0.95 {
                due + rng.random_range(300_000..HOUR)
            } else {
                // The session ended: the step waits for another day.
                return morning(due.div_euclid(DAY) + rng.random_range(1..4), rng);
            };
            let next = next.max(at + 1_000);
            if next.rem_euclid(DAY) > LAST_ANSWER {
                morning(next.div_euclid(DAY) + 1, rng)
            } else {
                next
            }
        }
        Due::Day(day) => {
            let u: f64 = rng.random();
            let late = if u < 0.75 {
                0
            } else if u < 0.95 {
                rng.random_range(1..4)
            } else {
                rng.random_range(4..31)
            };
            (day + late).max(at.div_euclid(DAY) + 1) * DAY + rng.random_range(FIRST_ANSWER..LAST_START)
        }
        Due::New(_) => at + DAY,
    }
}

fn summarize(plan: &Plan, layout: &Layout, rows: &[Row], timeline: &Timeline) -> Summary {
    let mut summary = Summary {
        decks: plan.decks,
        facts: layout.facts.len() as u32,
        cards: layout.cards.len() as u32,
        reviews: rows.len() as u64,
        first_day: rows.first().map(|r| timeline.real_day(r.at.div_euclid(DAY))),
        last_day: rows.last().map(|r| timeline.real_day(r.at.div_euclid(DAY))),
        ..Summary::default()
    };
    for card in &layout.cards {
        let s = &card.schedule;
        let count = match s.state {
            CardState::New => &mut summary.new,
            CardState::Learning => &mut summary.learning,
            CardState::Relearning => &mut summary.relearning,
            CardState::Review if s.interval < 21 => &mut summary.young,
            CardState::Review => &mut summary.mature,
        };
        *count += 1;
        summary.suspended += u32::from(card.suspended);
    }
    summary
}

/// The fact a card plan stands for, as `build` would have parsed it.
fn fact_of(index: usize, plan: &FactPlan) -> Fact {
    const WORDS: [&str; 16] = [
        "congress",
        "delegate",
        "railway",
        "treaty",
        "famine",
        "strike",
        "journal",
        "soviet",
        "frontier",
        "printing",
        "harbour",
        "winter",
        "commission",
        "meeting",
        "archive",
        "letter",
    ];
    let n = index + 1;
    let words: Vec<&str> = (0..3 + n % 7)
        .map(|i| WORDS[(n * 7 + i * 5 + n / 16) % WORDS.len()])
        .collect();
    Fact {
        id: format!("g{n:07}"),
        body: FactBody::Qa {
            question: format!("Generated question {n}: which {} comes next?", words.join(" ")),
            answer: format!("{} {n}", WORDS[n % WORDS.len()]),
            kinds: if plan.reverse {
                vec![QaKind::Basic, QaKind::Reverse]
            } else {
                vec![QaKind::Basic]
            },
        },
        alternatives: Vec::new(),
        hint: None,
        extra: None,
        tags: vec!["generated".into(), format!("t{}", n % 10)],
        source: None,
    }
}

fn write(
    store: &mut Store,
    plan: &Plan,
    layout: &Layout,
    rows: Vec<Row>,
    timeline: &Timeline,
    progress: &dyn Progress,
) -> Result<()> {
    let cards = &layout.cards;
    // Uids from their own stream: random, and the same for the same seed.
    let mut uids = StdRng::seed_from_u64(plan.seed ^ 0x5eed_0f1d_5eed_0f1d);
    store.bulk_write(|w| {
        for index in 0..layout.decks {
            let deck = deck_row(index);
            w.deck(deck.id, &deck.key, &deck.name, &deck.description)?;
        }
        let mut next_card = cards.iter();
        progress.start("facts", layout.facts.len() as u64);
        for (index, plan) in layout.facts.iter().enumerate() {
            tick(progress, index, layout.facts.len());
            let fact = fact_of(index, plan);
            let content = serde_json::to_string(&fact).map_err(|e| Error::Internal(e.to_string()))?;
            let (fact_id, deck_id) = (index as i64 + 1, plan.deck as i64 + 1);
            w.fact(fact_id, deck_id, &fact.id, &content)?;
            for text in fact.cards() {
                let card = next_card
                    .next()
                    .ok_or_else(|| Error::Internal("generate: fewer cards than the facts have".into()))?;
                w.card(&NewCard {
                    id: card.id,
                    fact_id,
                    deck_id,
                    text: &text,
                    schedule: &timeline.real_schedule(&card.schedule),
                    suspended: card.suspended,
                })?;
            }
        }
        let mut before: Vec<Option<Schedule>> = vec![None; cards.len()];
        let total = rows.len();
        progress.start("reviews", total as u64);
        for (i, row) in rows.into_iter().enumerate() {
            tick(progress, i, total);
            let card = &cards[row.card];
            let entry = LogEntry {
                card_id: card.id,
                reviewed_at_ms: timeline.real_ms(row.at),
                rating: row.rating,
                duration_ms: i64::from(row.duration_ms),
                kind: row.kind,
                elapsed_days: row.elapsed_days,
                before: before[row.card].take().unwrap_or_else(|| Schedule::new_card(card.id)),
                after: timeline.real_schedule(&row.after),
            };
            w.log(&format!("{:032x}", uids.random::<u128>()), &entry)?;
            before[row.card] = Some(entry.after);
        }
        w.set_next_new_position(cards.len() as i64 + 1)
    })
}
