//! The parser's tests: whole deck files in, values or located diagnostics out.

use super::lines::too_long;
use super::*;
use crate::deck::FactBody;

fn parse(text: &str) -> Result<Deck, Vec<Diagnostic>> {
    parse_deck("t.deck", "t", text.as_bytes())
}

fn errors(text: &str) -> Vec<(usize, usize, String)> {
    parse(text)
        .unwrap_err()
        .into_iter()
        .map(|d| (d.line, d.column, d.message))
        .collect()
}

const GOOD: &str = "// a comment\n# Lenin's Moscow\ndescription: Rosmer's memoir\nretention: 0.85\n\n## rosmer-born\nq: When was Rosmer born?\na: 1877\nalt: in 1877\ntags: rosmer life\nsource: seeds/000.md#1\ncards: basic reverse\n\n## reed\ncloze: Reed caught {{typhus}}\n  after {{Baku}}.\nextra: He died in Moscow.\n";

#[test]
fn parses_a_complete_deck() {
    let deck = parse(GOOD).unwrap();
    assert_eq!(deck.name, "Lenin's Moscow");
    assert_eq!(deck.retention, Some(0.85));
    assert_eq!(deck.facts.len(), 2);
    let born = &deck.facts[0];
    assert_eq!(born.alternatives, vec!["in 1877"]);
    assert_eq!(born.tags, vec!["rosmer", "life"]);
    assert_eq!(born.cards().len(), 2);
    assert_eq!(
        deck.facts[1].body,
        FactBody::Cloze {
            text: "Reed caught {{typhus}}\nafter {{Baku}}.".into()
        }
    );
    assert_eq!(deck.facts[1].extra.as_deref(), Some("He died in Moscow."));
}

#[test]
fn duplicate_id_points_at_second_heading() {
    let errs = errors("# D\n## a\nq: x\na: y\n## a\nq: z\na: w\n");
    assert_eq!(errs.len(), 1);
    assert_eq!((errs[0].0, errs[0].1), (5, 4));
    assert!(errs[0].2.contains("first used on line 2"), "{errs:?}");
}

#[test]
fn empty_question_and_missing_answer() {
    let errs = errors("# D\n## a\nq:\na: y\n## b\nq: x\n");
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!((errs[0].0, errs[0].1), (3, 3));
    assert!(errs[0].2.contains("no value"));
    assert_eq!(errs[1].0, 5);
    assert!(errs[1].2.contains("no answer"));
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let result = parse("# D\n## a\nq: x\na: y\ntgas: p\n").unwrap_err();
    assert_eq!((result[0].line, result[0].column), (5, 1));
    assert!(result[0].hint.as_deref().unwrap().contains("did you mean `tags`"));
}

#[test]
fn cloze_errors_point_at_the_braces() {
    let errs = errors("# D\n## a\ncloze: Reed {{typhus\n## b\ncloze: no gaps\n## c\ncloze: x {{}} y\n");
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert_eq!((errs[0].0, errs[0].1), (3, 13));
    assert!(errs[0].2.contains("never closed"));
    assert_eq!((errs[1].0, errs[1].1), (5, 8));
    assert_eq!((errs[2].0, errs[2].1), (7, 10));
}

#[test]
fn bad_retention_is_located() {
    let errs = errors("# D\nretention: 1.5\n");
    assert_eq!(
        errs,
        vec![(2, 12, "retention `1.5` is not a number from 0.70 to 0.99".to_string())]
    );
}

#[test]
fn invalid_utf8_is_located() {
    let mut bytes = b"# D\n## a\nq: caf".to_vec();
    bytes.push(0xff);
    bytes.extend_from_slice(b"\na: y\n");
    let errs = parse_deck("t.deck", "t", &bytes).unwrap_err();
    assert_eq!((errs[0].line, errs[0].column), (3, 7));
    assert_eq!(errs[0].message, "invalid UTF-8");
}

#[test]
fn bad_fact_id_and_card_kind() {
    let errs = errors("# D\n## Reed_1\nq: x\na: y\n## b\nq: x\na: y\ncards: basic revers\n");
    assert_eq!((errs[0].0, errs[0].1), (2, 4));
    assert_eq!((errs[1].0, errs[1].1), (8, 14));
}

#[test]
fn deck_key_inside_fact_and_missing_name() {
    let errs = errors("## a\nq: x\na: y\nretention: 0.9\n");
    assert!(errs.iter().any(|e| e.2.contains("before the deck heading")));
    assert!(errs.iter().any(|e| e.0 == 4 && e.2.contains("unknown key `retention`")));
    assert!(errs.iter().any(|e| e.2.contains("no name")));
}

#[test]
fn repeated_single_key_is_an_error_but_alt_may_repeat() {
    let errs = errors("# D\n## a\nq: x\nq: z\na: y\nalt: 1\nalt: 2\n");
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].0, 4);
}

#[test]
fn crlf_and_bom_are_accepted() {
    let deck = parse("\u{feff}# D\r\n## a\r\nq: x\r\na: y\r\n").unwrap();
    assert_eq!(deck.facts[0].cards()[0].back, "y");
}

#[test]
fn a_value_too_long_is_located_also_when_continued() {
    let long = "x".repeat(MAX_FIELD_CHARS + 1);
    let errs = errors(&format!("# D\n## a\nq: {long}\na: y\n"));
    assert!(errs.contains(&(3, 4, too_long())), "{errs:?}");
    // Continuation lines add up; the line that crosses the limit is reported once.
    let half = "y".repeat(MAX_FIELD_CHARS / 2);
    let errs = errors(&format!("# D\n## a\nq: x\na: {half}\n  {half}\n    {half}\n  {half}\n"));
    assert_eq!(errs, vec![(5, 3, too_long())]);
    let exactly = format!("# D\n## a\nq: x\na: {}\n  {}\n", "z".repeat(9_999), "z".repeat(10_000));
    assert!(parse(&exactly).is_ok(), "20000 characters with the line break");
}

#[test]
fn problems_past_the_cap_are_counted_not_kept() {
    let errs = parse(&format!("# D\n{}", "   stray\n".repeat(MAX_DIAGNOSTICS + 234))).unwrap_err();
    assert_eq!(errs.len(), MAX_DIAGNOSTICS + 1);
    assert_eq!(
        (errs[MAX_DIAGNOSTICS - 1].line, errs[MAX_DIAGNOSTICS - 1].column),
        (MAX_DIAGNOSTICS + 1, 1)
    );
    let last = &errs[MAX_DIAGNOSTICS];
    assert_eq!(last.message, "and 234 more problems in this file, not shown");
    assert_eq!(last.line, MAX_DIAGNOSTICS + 236, "the end of the file");
}

#[test]
fn long_lines_are_quoted_around_the_column() {
    let line = format!("cloze: {}{{{{oops", "w".repeat(5_000));
    let errs = parse(&format!("# D\n## a\n{line}\n")).unwrap_err();
    let shown = errs[0].to_string();
    assert!(
        shown.starts_with("t.deck:3:5008: error: this `{{` is never closed"),
        "{shown}"
    );
    let quoted = shown.lines().nth(1).unwrap();
    let caret = shown.lines().nth(2).unwrap();
    assert_eq!(quoted, format!("3 | …{}{{{{oops", "w".repeat(50)));
    assert_eq!(caret.find('^'), Some(quoted.chars().position(|c| c == '{').unwrap()));
    let (before, after) = crate::diagnostic::source_window(&"a".repeat(300), 150);
    assert_eq!((before.chars().count(), after.chars().count()), (1 + 50, 50 + 1));
    assert!(before.starts_with('…') && after.ends_with('…'));
}

#[test]
fn diagnostic_shows_line_and_caret() {
    let errs = parse("# D\n## a\nq: x\na: y\ncards: basic bogus\n").unwrap_err();
    let shown = errs[0].to_string();
    assert!(
        shown.starts_with("t.deck:5:14: error: unknown card kind `bogus`"),
        "{shown}"
    );
    assert!(shown.contains("5 | cards: basic bogus\n  |              ^"), "{shown}");
}

/// Issue 16, point 4: a deck's own scheduling options in its header.
#[test]
fn a_deck_header_gives_the_decks_scheduling_options() {
    let params = "0.5 2 4.5 12 6.4133 0.8334 3.0194 0.001 1.8722 0.1666 0.796 1.4835 0.0614 0.2629 1.6483 0.6014 1.8729 0.5425 0.0912 0.0658 0.1542";
    let text = format!(
        "# D\nlearn-steps: 3m 25m 1d\nrelearn-steps:\nmax-interval: 30\nfsrs-parameters: {params}\nbury: new interday\n\n## a\nq: q\na: a\n"
    );
    let deck = parse(&text).unwrap();
    let preset = deck.preset.clone().unwrap();
    assert_eq!(preset.learn_steps, Some(vec![3.0, 25.0, 1440.0]));
    assert_eq!(preset.relearn_steps, Some(vec![]));
    assert_eq!(preset.max_interval, Some(30));
    assert_eq!(preset.fsrs_params.len(), 21);
    assert_eq!(preset.fsrs_params[2], 4.5);
    assert_eq!(
        (preset.bury_new, preset.bury_reviews, preset.bury_interday),
        (Some(true), Some(false), Some(true))
    );
    // Written back, the header reads the same.
    let written = crate::deck::write::write_deck(&deck);
    assert!(
        written.contains("learn-steps: 3m 25m 1d\nrelearn-steps:\nmax-interval: 30\n"),
        "{written}"
    );
    assert_eq!(parse(&written).unwrap(), deck);
    // No option: no preset.
    assert_eq!(parse("# D\nretention: 0.8\n").unwrap().preset, None);
    assert_eq!(
        errors("# D\nlearn-steps: 3 minutes\nmax-interval: 0\nfsrs-parameters: 1 2 3\nbury: everything\n"),
        vec![
            (2, 14, "`3 minutes` is not a list of steps".to_string()),
            (3, 15, "`0` is not a number of days from 1 to 36500".to_string()),
            (4, 18, "`fsrs-parameters:` needs 17, 19 or 21 numbers".to_string()),
            (5, 7, "`everything` is not something to bury".to_string()),
        ]
    );
}

#[test]
fn a_bad_file_name_is_shown_with_the_files_first_line() {
    let errs = parse_deck(
        "bad\u{1b}name.deck",
        "bad\u{1b}name",
        "\u{feff}# T\n## a\nq: x?\na: y\n".as_bytes(),
    )
    .unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].message.contains("is not a valid deck key"), "{errs:?}");
    assert_eq!(
        (errs[0].line, errs[0].column, errs[0].source_line.as_str()),
        (1, 1, "# T")
    );
}
