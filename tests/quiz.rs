//! End-to-end tests of `iskra quiz` and `iskra review --mode`: a small deck in
//! a temporary collection, a fixed clock, the quiz line protocol (stdin not a
//! terminal), and one mixed quiz in a real pseudo-terminal.

mod common;

use std::collections::HashMap;

use common::{Run, Scratch, pty_exits_cleanly, pty_expect, pty_key, spawn_pty};

/// Four short answers (typed in a mixed quiz) and nine long ones (choice):
/// three events, three noun phrases, three policies, so each long answer
/// has two plausible wrong options of its own kind.
const DECK: &str = "\
# Quiz
## chair
q: Who chaired the Communist International in 1920?
a: Grigory Zinóviev
alt: Zinoviev
alt: Zinovyev
## army
q: Who built the Red Army?
a: Leon Trotsky
## radek
q: Who was sent to Germany in 1923?
a: Karl Radek
## born
q: In which year was Alfred Rosmer born?
a: 1877
## famine
q: What made recovery from the civil war harder?
a: The famine of the Volga region
## ruins
q: What did Rosmer find in Petrograd?
a: An accumulation of ruins and hunger
## nep
q: What replaced war communism in 1921?
a: The New Economic Policy of the state
## kronstadt
q: Which revolt did the Bolsheviks crush in March 1921?
a: The Kronstadt rising of the sailors
## tambov
q: Which revolt shook the countryside south of Moscow?
a: The Tambov revolt of the peasants
## winter
q: What did Moscow look like in the first winter?
a: A city of queues and cold stoves
## palace
q: What had the merchant's palace become?
a: A museum of the old regime
## before
q: Which policy did NEP replace?
a: The policy of war communism
## tactic
q: Which policy of the Comintern sought unity in action with reformists?
a: The tactic of the united front
";

/// The facts of [`DECK`].
const FACTS: usize = 13;

fn scratch() -> Scratch {
    let s = Scratch::new();
    s.write("quiz.deck", DECK);
    s.build(&["quiz.deck"]);
    s
}

fn quiz(s: &Scratch, args: &[&str], input: &str) -> Run {
    let mut all = vec!["quiz"];
    all.extend_from_slice(args);
    s.run_at(common::NOW, &all, input).ok()
}

/// One question of a quiz run, as printed by the line protocol.
#[derive(Debug, Clone, PartialEq)]
struct Asked {
    question: String,
    options: Vec<String>,
    feedback: String,
}

impl Asked {
    fn answer(&self) -> &str {
        self.feedback
            .rsplit_once("answer: ")
            .map(|(_, a)| a)
            .unwrap_or_else(|| panic!("no answer in {:?}", self.feedback))
    }
}

/// The questions of a run with their options and feedback lines.
fn asked(run: &Run) -> Vec<Asked> {
    let mut out: Vec<Asked> = Vec::new();
    for line in run.stdout.lines() {
        if let Some(q) = line.strip_prefix("Q: ") {
            out.push(Asked {
                question: q.to_string(),
                options: Vec::new(),
                feedback: String::new(),
            });
        } else if let Some(last) = out.last_mut() {
            let trimmed = line.trim_start();
            if line.starts_with("  ") && trimmed.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                if let Some((_, option)) = trimmed.split_once(") ") {
                    last.options.push(option.to_string());
                }
            } else if ["right", "almost", "wrong"].iter().any(|w| line.starts_with(w)) {
                last.feedback = line.to_string();
            }
        }
    }
    out
}

/// The right response line for each question of a run, from its feedback.
fn right_lines(run: &Run) -> String {
    asked(run)
        .iter()
        .map(|a| match a.options.iter().position(|o| o == a.answer()) {
            Some(i) => format!("{}\n", i + 1),
            None => format!("{}\n", a.answer().to_uppercase()),
        })
        .collect()
}

/// The collection without the last quiz's misses (the one thing a quiz
/// without `--record` keeps, apart from the schedule).
fn dump_but_misses(s: &Scratch) -> String {
    s.dump()
        .lines()
        .filter(|l| !l.starts_with("Text(\"quiz-misses\")"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The stored misses, as their JSON text.
fn stored_misses(s: &Scratch) -> Option<String> {
    s.db()
        .query_row("SELECT value FROM settings WHERE key = 'quiz-misses'", [], |r| r.get(0))
        .ok()
}

#[test]
fn a_quiz_leaves_the_collection_untouched() {
    let s = scratch();
    let before = dump_but_misses(&s);
    let run = quiz(&s, &["--seed", "1", "--count", "20"], &"1\n".repeat(FACTS));
    assert!(
        run.stdout.starts_with("Quiz · 13 questions · mixed · seed 1\n"),
        "{}",
        run.stdout
    );
    assert_eq!(asked(&run).len(), FACTS, "{}", run.stdout);
    assert!(run.stdout.contains("The schedule was not changed"), "{}", run.stdout);
    assert_eq!(
        dump_but_misses(&s),
        before,
        "a quiz without --record wrote to the collection"
    );
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 0);
    // Only the misses are kept: one per wrong answer.
    let wrong = run.stdout.lines().filter(|l| l.starts_with("wrong · ")).count();
    let misses = stored_misses(&s).expect("the misses are kept");
    assert_eq!(misses.matches("card_id").count(), wrong, "{misses}");
}

#[test]
fn seeded_runs_repeat_and_right_answers_score_full_marks() {
    let s = scratch();
    let all = ["--count", "20"];
    let first = quiz(&s, &[&all[..], &["--seed", "42"]].concat(), &"1\n".repeat(FACTS));
    let again = quiz(&s, &[&all[..], &["--seed", "42"]].concat(), &"1\n".repeat(FACTS));
    assert_eq!(first.stdout, again.stdout, "the same seed gave another quiz");
    let other = quiz(&s, &[&all[..], &["--seed", "43"]].concat(), &"1\n".repeat(FACTS));
    assert_ne!(asked(&first), asked(&other), "seeds 42 and 43 gave the same quiz");

    // Mixed: the short answers typed, the long ones multiple choice.
    let questions = asked(&first);
    let by_question: HashMap<&str, &Asked> = questions.iter().map(|a| (a.question.as_str(), a)).collect();
    assert!(by_question["Who built the Red Army?"].options.is_empty());
    assert!(by_question["In which year was Alfred Rosmer born?"].options.is_empty());
    let famine = by_question["What made recovery from the civil war harder?"];
    assert_eq!(famine.options.len(), 3, "{famine:?}");
    assert!(famine.options.contains(&"The famine of the Volga region".to_string()));

    // Answering each right (typed ones in capitals) with the same seed.
    let right = quiz(&s, &[&all[..], &["--seed", "42"]].concat(), &right_lines(&first));
    assert!(
        right.stdout.contains("Score: 13/13 right (100%) · 0 close"),
        "{}",
        right.stdout
    );
    assert!(!right.stdout.contains("Missed:"), "{}", right.stdout);
}

#[test]
fn typed_answers_are_judged_leniently_and_misses_listed() {
    let s = scratch();
    let args = ["--mode", "typed", "--seed", "7", "--count", "4", "--deck", "quiz"];
    let probe = quiz(&s, &args, &"?\n".repeat(4));
    let responses: String = asked(&probe)
        .iter()
        .map(|a| match a.answer() {
            "Grigory Zinóviev" => "zinovyev\n",
            "Leon Trotsky" => "leon trotksy\n",
            "Karl Radek" => "  KARL RADEK!  \n",
            "1877" => "1878\n",
            "The famine of the Volga region" => "famine of the volga region\n",
            "An accumulation of ruins and hunger" => "an accumulation of ruins and hungr\n",
            "The New Economic Policy of the state" => "NEP\n",
            "The Kronstadt rising of the sailors" => "the kronstadt rising\n",
            "The Tambov revolt of the peasants" => "The Tambov revolt of the peasants\n",
            "A city of queues and cold stoves" => "a city of queues and cold stoves\n",
            "A museum of the old regime" => "a museum\n",
            "The policy of war communism" => "war communism\n",
            "The tactic of the united front" => "the tactic of the united frnt\n",
            other => panic!("unexpected answer {other:?}"),
        })
        .collect();
    let run = quiz(&s, &args, &responses);
    let feedback: HashMap<String, String> = asked(&run)
        .into_iter()
        .map(|a| (a.answer().to_string(), a.feedback.clone()))
        .collect();
    assert_eq!(feedback.len(), 4, "{}", run.stdout);
    let want = [
        (
            "Grigory Zinóviev",
            "right (accepted alternative \"Zinovyev\") · answer: Grigory Zinóviev",
        ),
        ("Leon Trotsky", "almost (1 typo) · answer: Leon Trotsky"),
        ("Karl Radek", "right · answer: Karl Radek"),
        ("1877", "wrong · answer: 1877"),
        (
            "The famine of the Volga region",
            "right · answer: The famine of the Volga region",
        ),
        (
            "An accumulation of ruins and hunger",
            "almost (1 typo) · answer: An accumulation of ruins and hunger",
        ),
        (
            "The New Economic Policy of the state",
            "wrong · answer: The New Economic Policy of the state",
        ),
        (
            "The Kronstadt rising of the sailors",
            "wrong · answer: The Kronstadt rising of the sailors",
        ),
        (
            "The Tambov revolt of the peasants",
            "right · answer: The Tambov revolt of the peasants",
        ),
        (
            "The tactic of the united front",
            "almost (1 typo) · answer: The tactic of the united front",
        ),
    ];
    for (answer, line) in want {
        if let Some(shown) = feedback.get(answer) {
            assert_eq!(shown, line, "{}", run.stdout);
        }
    }
    let misses = want
        .iter()
        .filter(|(a, l)| l.starts_with("wrong") && feedback.contains_key(*a))
        .count();
    let summary = run.lines_starting("Score: ");
    assert_eq!(summary.len(), 1, "{}", run.stdout);
    assert!(
        summary[0].starts_with(&format!("Score: {}/4 right", 4 - misses)),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.contains("Missed:"), misses > 0, "{}", run.stdout);
}

#[test]
fn record_writes_review_log_entries() {
    let s = scratch();
    let run = quiz(&s, &["--record", "--seed", "3", "--count", "4"], &"1\n".repeat(4));
    let answered = run.lines_starting("answered: ");
    assert_eq!(answered.len(), 4, "{}", run.stdout);
    assert!(
        run.stdout.contains("4 answers recorded in the schedule."),
        "{}",
        run.stdout
    );
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 4);
    assert_eq!(s.count("SELECT count(DISTINCT card_id) FROM review_log"), 4);
    assert_eq!(s.count("SELECT count(*) FROM cards WHERE state != 0"), 4);
    // Each logged grade is the one announced, in order.
    let logged: Vec<String> = s
        .db()
        .prepare("SELECT rating FROM review_log ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|r| ["Again", "Hard", "Good", "Easy"][r.unwrap() as usize - 1].to_string())
        .collect();
    let announced: Vec<String> = answered
        .iter()
        .map(|l| l["answered: ".len()..].split(' ').next().unwrap().to_string())
        .collect();
    assert_eq!(logged, announced);
    // Wrong answers are Again; right ones at a fixed clock are instant, so Easy.
    let questions = asked(&run);
    assert_eq!(questions.len(), announced.len());
    for (a, rating) in questions.iter().zip(&announced) {
        let want = if a.feedback.starts_with("wrong") {
            "Again"
        } else {
            "Easy"
        };
        assert_eq!(rating, want, "{a:?}");
    }
}

#[test]
fn filters_and_bad_arguments() {
    let s = scratch();
    let none = s.run(&["quiz", "--tag", "nope"]).fails();
    assert_eq!(none.code, 2, "{}", none.stderr);
    assert!(
        none.stderr
            .contains("no cards to quiz in the collection with tag \"nope\""),
        "{}",
        none.stderr
    );
    assert_eq!(s.run(&["quiz", "--count", "0"]).fails().code, 2);
    assert_eq!(s.run(&["quiz", "--mode", "essay"]).fails().code, 2);
    assert_eq!(s.run(&["quiz", "--deck", "nowhere"]).fails().code, 2);
    let tf = quiz(&s, &["--mode", "truefalse", "--seed", "5", "--count", "3"], "t\nf\nt\n");
    assert_eq!(tf.lines_starting("Claim: ").len(), 3, "{}", tf.stdout);
    assert_eq!(tf.lines_starting("true or false? (t/f)").len(), 3, "{}", tf.stdout);
}

#[test]
fn review_in_quiz_form_grades_automatically_with_overrides() {
    let s = scratch();
    // Three due (new) cards, typed: a wrong answer kept as Again, a right
    // one kept (Easy at a fixed clock), a wrong one overridden to Good.
    let run = s
        .run_at(
            common::NOW,
            &["review", "--mode", "typed", "--limit", "3"],
            "nothing\n\nnothing either\n3\nstill nothing\n\n",
        )
        .ok();
    assert_eq!(run.answered(), 3, "{}", run.stdout);
    assert_eq!(run.lines_starting("grade: ").len(), 3, "{}", run.stdout);
    assert_eq!(
        run.lines_starting("answered: ")
            .iter()
            .map(|l| l.split(' ').nth(1).unwrap())
            .collect::<Vec<_>>(),
        ["Again", "Good", "Again"],
        "{}",
        run.stdout
    );
    let ratings: Vec<i64> = s
        .db()
        .prepare("SELECT rating FROM review_log ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ratings, [1, 3, 1]);
    assert!(
        run.stdout.contains("Session done: 3 answers on 3 cards"),
        "{}",
        run.stdout
    );

    // Choice: one question with its numbered options, answered and graded.
    let choice = s
        .run_at(common::NOW, &["review", "--mode", "choice", "--limit", "1"], "1\n\n")
        .ok();
    let options = choice.stdout.lines().filter(|l| l.starts_with("  1) ")).count();
    assert_eq!(options, 1, "{}", choice.stdout);
    assert_eq!(choice.answered(), 1, "{}", choice.stdout);
}

/// A mixed quiz on a terminal: the choice menu for the long answers
/// (moved with `j`, picked with Enter), dialoguer's Input for the short ones.
#[test]
fn mixed_quiz_in_a_terminal() {
    let s = scratch();
    let before = dump_but_misses(&s);
    let answers: HashMap<&str, &str> = [
        ("Who chaired the Communist International in 1920?", "Grigory Zinóviev"),
        ("Who built the Red Army?", "Leon Trotsky"),
        ("Who was sent to Germany in 1923?", "Karl Radek"),
        ("In which year was Alfred Rosmer born?", "1877"),
        (
            "What made recovery from the civil war harder?",
            "The famine of the Volga region",
        ),
        (
            "What did Rosmer find in Petrograd?",
            "An accumulation of ruins and hunger",
        ),
        (
            "What replaced war communism in 1921?",
            "The New Economic Policy of the state",
        ),
        (
            "Which revolt did the Bolsheviks crush in March 1921?",
            "The Kronstadt rising of the sailors",
        ),
        (
            "Which revolt shook the countryside south of Moscow?",
            "The Tambov revolt of the peasants",
        ),
        (
            "What did Moscow look like in the first winter?",
            "A city of queues and cold stoves",
        ),
        ("What had the merchant's palace become?", "A museum of the old regime"),
        ("Which policy did NEP replace?", "The policy of war communism"),
        (
            "Which policy of the Comintern sought unity in action with reformists?",
            "The tactic of the united front",
        ),
    ]
    .into_iter()
    .collect();
    let mut p = spawn_pty(&s, &["quiz", "--seed", "9", "--count", "20"]);
    pty_expect(&mut p, "Quiz · 13 questions · mixed · seed 9");
    let (mut typed, mut chosen) = (0, 0);
    for _ in 0..FACTS {
        pty_expect(&mut p, "Q: ");
        let (_, question) = p.exp_regex(r"[^\r\n]+\r?\n").expect("the question text");
        let answer = answers[question.trim()];
        if answer.split_whitespace().count() <= 3 {
            pty_expect(&mut p, "answer (:q quits)");
            // The accented answer is typed without its accent.
            pty_key(&mut p, &format!("{}\r", answer.replace('ó', "o").to_lowercase()));
            typed += 1;
        } else {
            // Three options: read them up to the last one, then move to the right one.
            let (shown, last) = p.exp_regex(r"3\) [^\r\n]+\r?\n").expect("three options");
            let right = (shown + &last)
                .lines()
                .filter_map(|l| l.trim_start_matches(['>', ' ']).split_once(") "))
                .find(|(_, text)| text.trim() == answer)
                .map(|(n, _)| n.trim().parse::<usize>().unwrap())
                .unwrap_or_else(|| panic!("{answer:?} is not among the options"));
            pty_key(&mut p, &"j".repeat(right - 1));
            pty_key(&mut p, "\r");
            chosen += 1;
        }
        pty_expect(&mut p, "right");
        pty_expect(&mut p, &format!("answer: {answer}"));
    }
    assert_eq!((typed, chosen), (4, 9));
    pty_expect(&mut p, "Score: 13/13 right (100%) · 0 close");
    pty_expect(&mut p, "The schedule was not changed");
    pty_exits_cleanly(&mut p);
    assert_eq!(dump_but_misses(&s), before);
}

/// `quiz --misses`: the questions the last quiz missed, asked again in
/// their format, round after round until each is right; what is still
/// missed when the learner quits is asked by the next `--misses`.
#[test]
fn misses_are_repeated_until_all_are_right() {
    let s = scratch();
    let none = s.run(&["quiz", "--misses"]).fails();
    assert_eq!(none.code, 2, "{}", none.stderr);
    assert!(none.stderr.contains("no missed questions to repeat"), "{}", none.stderr);

    // A typed quiz of four, all missed.
    let first = quiz(
        &s,
        &["--mode", "typed", "--count", "4", "--seed", "8"],
        &"no idea\n".repeat(4),
    );
    let missed: Vec<Asked> = asked(&first);
    assert_eq!(missed.len(), 4, "{}", first.stdout);
    assert!(
        first
            .stdout
            .contains("4 questions still missed: `iskra quiz --misses` asks them again."),
        "{}",
        first.stdout
    );

    // All four missed again: a second round starts (the input ends in it).
    let again = quiz(&s, &["--misses", "--seed", "1"], &"?\n".repeat(4));
    let round_one = asked(&again);
    assert_eq!(round_one.len(), 5, "four, then the first of round 2: {}", again.stdout);
    assert_eq!(again.lines_starting("1/4 · round 2 · ").len(), 1, "{}", again.stdout);
    assert!(
        again.stdout.starts_with("Quiz · 4 missed questions again · seed 1\n"),
        "{}",
        again.stdout
    );
    let mut questions: Vec<&str> = round_one[..4].iter().map(|a| a.question.as_str()).collect();
    questions.sort();
    let mut originally: Vec<&str> = missed.iter().map(|a| a.question.as_str()).collect();
    originally.sort();
    assert_eq!(questions, originally, "the misses, and only them");
    assert!(again.stdout.contains("4 questions still missed"), "{}", again.stdout);

    // The same repeat, the first two answered right, then `:q`.
    let right_of = |a: &Asked| format!("{}\n", a.answer());
    let answers: String = round_one[..4]
        .iter()
        .enumerate()
        .map(|(i, a)| if i < 2 { right_of(a) } else { "?\n".to_string() })
        .collect();
    let partial = quiz(&s, &["--misses", "--seed", "1"], &format!("{answers}:q\n"));
    assert!(partial.stdout.contains("Score: 2/4 right (50%)"), "{}", partial.stdout);
    assert!(
        partial
            .stdout
            .contains("2 questions still missed: `iskra quiz --misses` asks them again."),
        "{}",
        partial.stdout
    );

    // The next repeat asks the two left; answered right, nothing is left.
    let probe = quiz(&s, &["--misses", "--seed", "2"], "?\n?\n");
    let left = asked(&probe);
    assert_eq!(left.len(), 3, "two, then the first of round 2: {}", probe.stdout);
    for a in &left[..2] {
        assert!(round_one[2..4].iter().any(|b| b.question == a.question), "{a:?}");
    }
    let fixed: String = left[..2].iter().map(right_of).collect();
    let done = quiz(&s, &["--misses", "--seed", "2"], &fixed);
    assert!(done.stdout.contains("Score: 2/2 right (100%)"), "{}", done.stdout);
    assert!(
        done.stdout.contains("Every missed question is now answered right."),
        "{}",
        done.stdout
    );
    assert_eq!(
        s.count("SELECT count(*) FROM review_log"),
        0,
        "the schedule is left alone"
    );
    let again = s.run(&["quiz", "--misses"]).fails();
    assert!(
        again.stderr.contains("no missed questions to repeat"),
        "{}",
        again.stderr
    );
    // --misses asks what was missed: it takes no scope of its own.
    assert_eq!(s.run(&["quiz", "--misses", "--deck", "quiz"]).fails().code, 2);
}
