//! `iskra extract`: drafts from prose, written as a deck file that builds;
//! measured against the deletions a teacher picked in an annotated text of
//! our own, and checked on a real essay (the seeds) for what must never be
//! blanked or kept.

mod common;

use std::collections::HashSet;
use std::path::Path;

use common::Scratch;

const NOTES: &str = "Rosmer set out for Moscow in 1920 and the trip took six weeks.\n\
John Reed caught typhus on the way back from the congress at Baku.\n\
In September 1923 the Bulgarian communists launched a putsch that failed.\n\
This short line is skipped.\n";

/// The `cloze:` lines of a deck file.
fn clozes(deck: &str) -> Vec<String> {
    deck.lines()
        .filter_map(|l| l.strip_prefix("cloze: "))
        .map(str::to_string)
        .collect()
}

/// A cloze's deletion and its sentence without the braces.
fn split_cloze(cloze: &str) -> (String, String) {
    let open = cloze.find("{{").expect("a deletion");
    let close = cloze.find("}}").expect("a closed deletion");
    let term = cloze[open + 2..close].to_string();
    (term, cloze.replace(['{', '}'], ""))
}

fn extract_to(s: &Scratch, input: &Path, out: &Path) -> String {
    let run = s
        .run(&[
            "extract",
            input.to_str().unwrap(),
            "--non-interactive",
            "--out",
            out.to_str().unwrap(),
        ])
        .ok();
    assert!(run.stdout.contains("drafts written"), "{}", run.stdout);
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn non_interactive_drafts_build_as_a_deck_one_per_key_term() {
    let s = Scratch::new();
    s.write("notes.txt", NOTES);
    let run = s
        .run(&["extract", "notes.txt", "--non-interactive", "--out", "drafts.deck"])
        .ok();
    assert!(run.stdout.contains("6 drafts written to drafts.deck"), "{}", run.stdout);
    let text = std::fs::read_to_string(s.path("drafts.deck")).unwrap();
    for cloze in [
        "Rosmer set out for Moscow in {{1920}} and the trip took six weeks.",
        "Rosmer set out for Moscow in 1920 and the trip took {{six weeks}}.",
        "{{Rosmer}} set out for Moscow in 1920 and the trip took six weeks.",
        "In {{September 1923}} the Bulgarian communists launched a putsch that failed.",
        "{{John Reed}} caught typhus on the way back from the congress at Baku.",
        "John Reed caught typhus on the way back from the congress at {{Baku}}.",
    ] {
        assert!(text.contains(&format!("cloze: {cloze}\n")), "{cloze}\n{text}");
    }
    let built = s.run(&["build", "drafts.deck"]).ok();
    assert!(built.stdout.contains("6 added"), "{}", built.stdout);

    // A second run appends, its ids after the first's.
    s.write(
        "more.txt",
        "Lenin spoke to the Fourth Congress in November 1922 for the last time.\n",
    );
    let again = s
        .run(&["extract", "more.txt", "--non-interactive", "--out", "drafts.deck"])
        .ok();
    assert!(again.stdout.contains("3 drafts written"), "{}", again.stdout);
    let both = std::fs::read_to_string(s.path("drafts.deck")).unwrap();
    assert!(both.starts_with(&text), "the first run's drafts are kept");
    assert!(both.contains("## draft-7\n") && both.contains("## draft-9\n"), "{both}");
    assert_eq!(both.matches("## draft-1\n").count(), 1, "{both}");
    s.run(&["build", "drafts.deck"]).ok();
}

/// A text may come down a pipe (`pandoc … | iskra extract /dev/stdin`);
/// a directory is refused, saying so.
#[test]
fn a_text_to_extract_from_may_come_down_a_pipe() {
    let s = Scratch::new();
    let run = s.run_at(
        common::NOW,
        &["extract", "/dev/stdin", "--non-interactive", "--out", "piped.deck"],
        NOTES,
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("6 drafts written to piped.deck"), "{}", run.stdout);
    std::fs::create_dir(s.path("texts")).unwrap();
    let run = s.run(&["extract", "texts", "--non-interactive"]).fails();
    assert!(
        run.stderr
            .contains("texts is a directory; a text to extract from is a file or a pipe"),
        "{}",
        run.stderr
    );
}

#[test]
fn interactive_extract_needs_a_terminal() {
    let s = Scratch::new();
    s.write("notes.txt", NOTES);
    let run = s.run(&["extract", "notes.txt"]).fails();
    assert!(run.stderr.contains("--non-interactive"), "{}", run.stderr);
    assert!(!s.path("decks/drafts.deck").exists());
    // Said before the text is read: a pipe with no writer is not waited on.
    let fifo = s.path("notes.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let output = s
        .command(common::NOW)
        .args(["extract", "notes.fifo"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("asks about each draft on a terminal"), "{stderr}");
    // And before the collection is opened: an older one is not upgraded.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/collection-v3.sqlite3");
    std::fs::copy(fixture, &s.db).unwrap();
    s.run(&["extract", "notes.txt"]).fails();
    let schema: i64 = rusqlite::Connection::open(&s.db)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(schema, 3, "the refused command upgraded the collection");
}

/// The deletions a teacher picked in an annotated text (`{{…}}`): each as
/// (the sentence's first words, the deleted term), lower case. The
/// fixtures are plain prose, one paragraph a line, so a sentence ends at
/// `.` (after any footnote marker) before a capital or a deletion.
fn teacher_deletions(annotated: &str) -> HashSet<(String, String)> {
    let mut found = HashSet::new();
    // Paragraphs, not headings.
    for paragraph in annotated.lines().filter(|l| l.split_whitespace().count() > 10) {
        let mut rest = paragraph;
        while !rest.is_empty() {
            let end = sentence_end(rest);
            let sentence = &rest[..end];
            let plain = sentence.replace(['{', '}'], "");
            let mut at = sentence;
            while let Some(open) = at.find("{{") {
                let close = at[open..].find("}}").map(|c| open + c).expect("closed");
                found.insert((sentence_key(&plain), at[open + 2..close].to_lowercase()));
                at = &at[close + 2..];
            }
            rest = rest[end..].trim_start();
        }
    }
    found
}

/// Where the first sentence of `text` ends (after its footnote marker).
fn sentence_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices(['.', '!', '?']) {
        let mut j = i + 1;
        // `.[1]` and `.2` markers stay with the sentence.
        while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b'[' || bytes[j] == b']') {
            j += 1;
        }
        let next = text[j..].trim_start();
        if j == bytes.len() || next.starts_with(|c: char| c.is_uppercase()) || next.starts_with("{{") {
            return j;
        }
    }
    text.len()
}

/// A sentence told by its first six words, lower case, letters only.
fn sentence_key(sentence: &str) -> String {
    sentence
        .split_whitespace()
        .take(6)
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
                .to_lowercase()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Precision and recall of extract on the annotated fixtures, against the
/// deletions a teacher would pick. Tuned for encyclopedia-style history
/// prose in general, not for this text.
#[test]
fn drafts_match_a_teachers_deletions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extract");
    let s = Scratch::new();
    let (mut proposed, mut right, mut wanted, mut found) = (0, 0, 0, 0);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let annotated = std::fs::read_to_string(&path).unwrap();
        let teacher = teacher_deletions(&annotated);
        let plain = s.path(&format!("{}.plain", path.file_name().unwrap().to_string_lossy()));
        std::fs::write(&plain, annotated.replace(['{', '}'], "")).unwrap();
        let deck = extract_to(&s, &plain, &s.path("fixture.deck"));
        std::fs::remove_file(s.path("fixture.deck")).unwrap();
        let drafted: HashSet<(String, String)> = clozes(&deck)
            .iter()
            .map(|c| {
                let (term, sentence) = split_cloze(c);
                (sentence_key(&sentence), term.to_lowercase())
            })
            .collect();
        let mut extra: Vec<_> = drafted.difference(&teacher).collect();
        let mut missed: Vec<_> = teacher.difference(&drafted).collect();
        extra.sort();
        missed.sort();
        eprintln!(
            "{}:\n  not a teacher's: {extra:?}\n  missed: {missed:?}",
            path.display()
        );
        proposed += drafted.len();
        right += drafted.intersection(&teacher).count();
        wanted += teacher.len();
        found += teacher.intersection(&drafted).count();
    }
    assert!(wanted >= 40, "only {wanted} annotated deletions");
    let precision = right as f64 / proposed as f64;
    let recall = found as f64 / wanted as f64;
    eprintln!("precision {precision:.2} ({right}/{proposed}), recall {recall:.2} ({found}/{wanted})");
    assert!(precision >= 0.7, "precision {precision:.2} ({right}/{proposed})");
    assert!(recall >= 0.7, "recall {recall:.2} ({found}/{wanted})");
}

/// The issue's checks on a real review: no draft blanks only the subject
/// (Rosmer) or a word that merely looks like a name, no footnote number is
/// left, no heading is fused with the sentence after it; the key events
/// are still there, dates first.
#[test]
fn drafts_from_the_long_essay_are_worth_keeping() {
    let essay = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds/002_db0bf38bdb4d2cf5.txt");
    if !essay.exists() {
        eprintln!(
            "skipped: {} is absent (the seeds are not next to this checkout)",
            essay.display()
        );
        return;
    }
    let s = Scratch::new();
    let out = s.path("essay.deck");
    let text = extract_to(&s, &essay, &out);
    let drafts: Vec<(String, String)> = clozes(&text).iter().map(|c| split_cloze(c)).collect();
    assert!(drafts.len() >= 40, "only {} drafts", drafts.len());

    let generic = [
        "All",
        "Second",
        "First",
        "Third",
        "The",
        "This",
        "But",
        "He",
        "It",
        "In",
        "Left",
        "Right",
        "One",
        "There",
        "Thereafter",
        "Today",
        "Even",
        "Only",
    ];
    let broad = [
        "Russia",
        "Europe",
        "France",
        "Germany",
        "Italy",
        "Britain",
        "Spain",
        "Switzerland",
    ];
    for (term, sentence) in &drafts {
        assert!(!term.contains("Rosmer"), "the subject is blanked: {sentence}");
        assert!(!generic.contains(&term.as_str()), "{term:?} is blanked: {sentence}");
        if broad.contains(&term.as_str()) {
            let others = drafts.iter().filter(|(t, s)| s == sentence && t != term).count();
            assert!(others > 0, "{term:?} is the only deletion of: {sentence}");
        }
        // Footnote markers: `Moscow.1`, `country.”7`, `.” 8 The`.
        let marker = sentence.char_indices().any(|(i, c)| {
            matches!(c, '.' | '”' | '’')
                && sentence[i + c.len_utf8()..]
                    .trim_start_matches(' ')
                    .starts_with(|d: char| d.is_ascii_digit())
                && !sentence[..i].ends_with(|d: char| d.is_ascii_digit())
        });
        assert!(!marker, "a footnote marker is left: {sentence}");
        assert!(
            !term.chars().all(|c| c.is_ascii_digit()) || term.len() >= 3,
            "{term:?}: {sentence}"
        );
    }

    // The essay's headings: short lines without final punctuation before a new sentence.
    let essay_text = std::fs::read_to_string(&essay).unwrap();
    let lines: Vec<&str> = essay_text.lines().map(str::trim).collect();
    let headings: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            let next = lines[i + 1..].iter().find(|n| !n.is_empty());
            !l.is_empty()
                && l.split_whitespace().count() <= 6
                && !l.ends_with(['.', '!', '?', ':', ',', '”'])
                && next.is_some_and(|n| n.starts_with(char::is_uppercase))
        })
        .map(|(_, l)| *l)
        .collect();
    assert!(headings.contains(&"Difficult border crossings"), "{headings:?}");
    for (_, sentence) in &drafts {
        for heading in &headings {
            assert!(
                !sentence.starts_with(&format!("{heading} ")),
                "the heading {heading:?} is fused: {sentence}"
            );
        }
    }

    let tags: Vec<&str> = text.lines().filter(|l| l.starts_with("tags: ")).collect();
    assert!(
        tags[..10].iter().all(|t| *t == "tags: draft date"),
        "dates first: {:?}",
        &tags[..10]
    );
    for needle in ["took six weeks", "typhus", "putsch"] {
        assert!(
            drafts.iter().any(|(_, s)| s.contains(needle)),
            "no draft about {needle:?}"
        );
    }
    s.run(&["build", out.to_str().unwrap()]).ok();
}

/// The interactive walk in a real terminal: accept the first draft, edit the
/// second, skip the third, stop; only the accepted ones reach the deck file.
#[test]
fn interactive_walk_accepts_edits_skips_and_stops() {
    use common::{pty_exits_cleanly, pty_expect, pty_key, spawn_pty};
    let s = Scratch::new();
    s.write(
        "notes.txt",
        format!("{NOTES}Lenin spoke to the Fourth Congress in November 1922 for the last time.\n"),
    );
    let mut p = spawn_pty(&s, &["extract", "notes.txt", "--out", "mine.deck"]);
    pty_expect(&mut p, "Draft 1/9");
    pty_expect(&mut p, "Keep it?");
    pty_key(&mut p, "\r"); // accept (the default)
    pty_expect(&mut p, "Draft 2/9");
    pty_expect(&mut p, "Keep it?");
    pty_key(&mut p, "\x1b[B\r"); // down to `edit`
    pty_expect(&mut p, "cloze");
    // Replace the text: erase the proposed cloze, then type a new one.
    pty_key(&mut p, &"\x7f".repeat(120));
    pty_key(&mut p, "Lenin last spoke to the {{Fourth}} Congress.\r");
    pty_expect(&mut p, "Draft 3/9");
    pty_key(&mut p, "\x1b[B\x1b[B\r"); // skip
    pty_expect(&mut p, "Draft 4/9");
    pty_key(&mut p, "\x1b[B\x1b[B\x1b[B\r"); // stop
    pty_expect(&mut p, "2 of 9 drafts appended to mine.deck");
    pty_exits_cleanly(&mut p);
    let text = std::fs::read_to_string(s.path("mine.deck")).unwrap();
    assert_eq!(text.matches("\ncloze: ").count(), 2, "{text}");
    assert!(
        text.contains("cloze: Lenin last spoke to the {{Fourth}} Congress."),
        "{text}"
    );
    s.run(&["build", "mine.deck"]).ok();
}
