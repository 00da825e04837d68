//! Hostile imports: Anki packages and text files are foreign until checked.
//! A field too long to keep is refused before any work is done on it (its
//! HTML read, its cloze parsed, its cards made), and the work a file can
//! cause is bounded by its size: the reports say so by what they print.

mod common;

use common::Scratch;
use iskra::interop::anki::text::MAX_ROW_FIELDS;

const MAX_FIELD_CHARS: usize = 20_000;
const MAX_RAW_FIELD_BYTES: usize = 16 * MAX_FIELD_CHARS;

fn raw_refusal() -> String {
    format!("a field of more than {MAX_RAW_FIELD_BYTES} bytes (iskra keeps at most {MAX_FIELD_CHARS} characters)")
}

#[test]
fn a_text_field_too_long_to_keep_is_refused_before_its_html_or_cloze_is_read() {
    let s = Scratch::new();
    // Stray `<` made reading HTML quadratic; this one is not even read.
    let html = format!(
        "#separator:tab\n#html:true\n{}\tback\nkept\tfine\n",
        "<".repeat(MAX_RAW_FIELD_BYTES + 1)
    );
    s.write("lt.txt", html);
    let run = s.run(&["import", "lt.txt", "--dry-run"]).ok();
    assert!(
        run.stdout
            .contains(&format!("1 note not imported: {} (line 3)", raw_refusal())),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 fact added"), "{}", run.stdout);
    // A cloze over the cap in characters: refused as such, its cards never
    // made (30 deletions × 30,000 characters each, before).
    let deletions: String = (1..=30)
        .map(|i| format!("{{{{c{i}::{}}}}}", "a".repeat(1_000)))
        .collect();
    s.write(
        "cloze.txt",
        format!("#separator:tab\n#html:false\n#notetype:Cloze\n{deletions}\textra\n{{{{c1::Reed}}}} fell ill\t\n"),
    );
    let run = s.run(&["import", "cloze.txt"]).ok();
    assert!(
        run.stdout.contains(&format!(
            "1 note not imported: a field longer than {MAX_FIELD_CHARS} characters (line 4)"
        )),
        "{}",
        run.stdout
    );
    assert_eq!(s.count("SELECT count(*) FROM facts"), 1);
}

#[test]
fn a_package_field_too_long_to_keep_is_refused_before_its_html_is_read() {
    let s = Scratch::new();
    let entries = common::package::entries(&common::package::exported(&Scratch::new()));
    let sql = format!(
        "UPDATE notes SET flds = '{}' || char(31) || 'back' WHERE id = (SELECT min(id) FROM notes);",
        "<".repeat(MAX_RAW_FIELD_BYTES + 1)
    );
    s.write("lt.apkg", common::package::patched(&entries, &sql));
    let run = s.run(&["import", "lt.apkg"]).ok();
    assert!(
        run.stdout.contains(&format!("1 note not imported: {}", raw_refusal())),
        "{}",
        run.stdout
    );
    assert_eq!(s.count("SELECT count(*) FROM facts"), 2);
}

#[test]
fn text_import_problems_are_capped_and_each_reason_reported_once() {
    let s = Scratch::new();
    // 900 quoting problems on one line: one diagnostic, the line cut, the
    // rest counted (before: 900 diagnostics, each with the whole line).
    s.write("q.csv", format!("#separator:comma\n{}\n", "\"a\"b,".repeat(900)));
    let run = s.run(&["import", "q.csv", "--dry-run"]).fails();
    assert!(
        run.stderr
            .contains("q.csv:2:4: error: text after the closing quote of a field"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("and 899 more problems with quoting or fields in this file, not shown"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.len() < 2_000, "{} bytes of errors", run.stderr.len());
    // Rows without enough fields: the first 1,000, then a count.
    s.write("short.txt", format!("#separator:tab\n{}", "x\n".repeat(1_003)));
    let run = s.run(&["import", "short.txt", "--dry-run"]).fails();
    assert_eq!(
        run.stderr.matches("short.txt:").count(),
        1_001,
        "{}",
        &run.stderr[..500]
    );
    assert!(
        run.stderr
            .contains("short.txt:1004:1: error: and 3 more rows without enough fields, not shown")
    );
    // 3,000 rows skipped for one reason: one report line, the first lines.
    s.write(
        "empty.txt",
        format!("#separator:tab\n#html:false\n{}", "\tx\n".repeat(3_000)),
    );
    let run = s.run(&["import", "empty.txt", "--dry-run"]).ok();
    let skipped = run.lines_starting("  3000 notes not imported");
    assert_eq!(
        skipped,
        vec![
            "  3000 notes not imported: the first field has no text (media only, or empty) (lines 3, 4, 5, 6, 7 and 2995 more)"
        ],
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.lines().count(), 6, "{}", run.stdout);
}

#[test]
fn imported_deck_names_are_cut_per_level_and_in_all() {
    // A package whose deck is named `History::` and 50,000 × `x` (the
    // review's was 5 MB from 15 KB), and a text file with 2,000 levels.
    let s = Scratch::new();
    let entries = common::package::entries(&common::package::exported(&Scratch::new()));
    let sql = "UPDATE col SET decks = (SELECT json_group_object(key, \
               json_set(value, '$.name', 'History::' || printf('%.50000c', 'x'))) FROM json_each(col.decks));";
    s.write("long.apkg", common::package::patched(&entries, sql));
    s.run(&["import", "long.apkg"]).ok();
    let name: String = s
        .db()
        .query_row("SELECT name FROM decks WHERE name LIKE 'History::%'", [], |r| r.get(0))
        .expect("the imported deck");
    assert_eq!(name, format!("History::{}…", "x".repeat(200)));
    s.write(
        "deep.txt",
        format!("#separator:tab\n#deck:{}\nq\ta\n", "level::".repeat(2_000)),
    );
    s.run(&["import", "deep.txt"]).ok();
    let longest: i64 = s.count("SELECT max(length(name)) FROM decks");
    assert!((990..=1_000).contains(&longest), "{longest}");
}

#[test]
fn a_text_file_larger_than_an_import_takes_is_refused_before_it_is_read() {
    let s = Scratch::new();
    s.run(&[
        "import",
        &s.write("small.txt", "#separator:tab\nkept\tfine\n")
            .display()
            .to_string(),
    ])
    .ok();
    let before = s.dump();
    // A sparse file of 200 MiB: it costs no disk, and would have been read
    // whole into memory (a 20 GiB one took the machine's memory).
    let big = s.path("big.csv");
    std::fs::File::create(&big).unwrap().set_len(200 << 20).unwrap();
    let run = s.run(&["import", &big.display().to_string()]).fails();
    assert!(
        run.stderr
            .contains("is larger than 128 MiB, the most a text import may be"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("hint: split it into smaller files"),
        "{}",
        run.stderr
    );
    assert_eq!(s.dump(), before, "nothing stored changed");
}

/// An address-space cap (KiB) above what reading a few MB of text file once
/// needs (the runs below pass at 60,000), below what holding each of its
/// rows took: before, both runs aborted under 100,000 and 150,000 (1,000,000
/// empty rows held 153 MB of RSS, a row of 3,000,000 tabs 116 MB).
const MEMORY_CAP_KB: u32 = 100_000;

#[test]
fn a_text_import_holds_one_row_at_a_time_and_refuses_a_row_of_too_many_fields() {
    let s = Scratch::new();
    // 2 MB of rows without text: read and dropped one by one.
    s.write("rows.txt", format!("q\ta\n{}", "\t\n".repeat(1_000_000)));
    let run = s.run_capped(MEMORY_CAP_KB, &["import", "rows.txt"], "").ok();
    assert!(
        run.stdout
            .contains("1000000 notes not imported: the first field has no text"),
        "{}",
        run.stdout
    );
    assert_eq!(s.count("SELECT count(*) FROM facts"), 1);
    // One row of 3,000,000 separators: refused where its first field past
    // the cap starts, before the row is read.
    s.write("tabs.txt", format!("q\ta\n{}\n", "\t".repeat(3_000_000)));
    let run = s.run_capped(MEMORY_CAP_KB, &["import", "tabs.txt"], "").fails();
    let expected = format!("tabs.txt:2:{MAX_ROW_FIELDS}: error: a row of more than {MAX_ROW_FIELDS} fields");
    assert!(run.stderr.contains(&expected), "{}", run.stderr);
    assert!(run.stderr.contains("hint: check the separator"), "{}", run.stderr);
    assert_eq!(s.count("SELECT count(*) FROM facts"), 1, "nothing more stored");
}

/// A note's tags are on every card whose template shows them: a package
/// note whose ten cards would hold more than a fact may (480,000
/// characters, 2,000 tags shown four times a card) is skipped with the
/// reason, and the other notes of the package are imported.
#[test]
fn a_package_note_whose_cards_would_hold_too_much_with_its_tags_is_skipped() {
    let s = Scratch::new();
    let entries = common::package::entries(&common::package::exported(&Scratch::new()));
    let templates: Vec<(String, String, String)> = (0..10)
        .map(|i| {
            (
                format!("T{i}"),
                format!("{i} {{{{Word}}}} {{{{Tags}}}}{{{{Tags}}}}"),
                "{{Tags}}{{Tags}}".to_string(),
            )
        })
        .collect();
    let templates: Vec<(&str, &str, &str)> = templates
        .iter()
        .map(|(n, f, b)| (n.as_str(), f.as_str(), b.as_str()))
        .collect();
    let tags: String = (0..2_000).map(|i| format!(" t{i:04}")).collect();
    let sql = format!(
        "UPDATE notes SET tags = '{tags} ' WHERE id = (SELECT min(id) FROM notes);
         INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data)
             SELECT c.id * 100 + o.value, c.nid, c.did, o.value, c.mod, c.usn, c.type, c.queue, c.due, c.ivl, c.factor,
                    c.reps, c.lapses, c.left, c.odue, c.odid, c.flags, c.data
             FROM cards c, json_each('[1, 2, 3, 4, 5, 6, 7, 8, 9]') o;"
    );
    let package = common::package::with_notetype(&entries, "Tagged", &["Word", "Meaning", "Extra"], &templates, &sql);
    s.write("tags.apkg", package);
    let run = s.run(&["import", "tags.apkg"]).ok();
    assert!(
        run.stdout
            .contains("1 note not imported: this fact's cards would hold more than 400000 characters"),
        "{}",
        run.stdout
    );
    assert_eq!(s.count("SELECT count(*) FROM facts"), 2);
    assert_eq!(s.count("SELECT count(*) FROM cards"), 20);
}

/// A field longer than any a note may keep is not held whole: the reader
/// skips its rest (a 45 MB field ran the import out of a 100 MB address
/// space before), the note is skipped with the reason, and the rows after
/// a long multi-line field keep their line numbers.
#[test]
fn a_text_field_longer_than_any_kept_is_not_held_whole() {
    let s = Scratch::new();
    s.write(
        "huge.txt",
        format!("#separator:tab\nq\ta\n{}\tback\nkept\tfine\n", "x".repeat(45_000_000)),
    );
    let run = s.run_capped(MEMORY_CAP_KB, &["import", "huge.txt"], "").ok();
    assert!(
        run.stdout
            .contains(&format!("1 note not imported: {} (line 3)", long_field())),
        "{}",
        run.stdout
    );
    assert_eq!(s.count("SELECT count(*) FROM facts"), 2);
    // 400 lines of 1,000 characters in one quoted field: the rows after it
    // are reported on their own lines.
    s.write(
        "lines.txt",
        format!(
            "#separator:tab\nq\ta\n\"{}\"\tback\n\tno front\nkept\tfine\n",
            format!("{}\n", "y".repeat(1_000)).repeat(400)
        ),
    );
    let run = s.run(&["import", "lines.txt"]).ok();
    assert!(
        run.stdout
            .contains(&format!("1 note not imported: {} (line 3)", long_field())),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("1 note not imported: the first field has no text (media only, or empty) (line 404)"),
        "{}",
        run.stdout
    );
}

/// How an importer refuses a field longer than it keeps.
fn long_field() -> String {
    format!("a field of more than {MAX_RAW_FIELD_BYTES} bytes (iskra keeps at most {MAX_FIELD_CHARS} characters)")
}

/// A row with too few fields names its note type in the error: clipped
/// there, however long the file's value (it was quoted whole).
#[test]
fn a_long_note_type_value_is_clipped_in_the_error_of_a_short_row() {
    let s = Scratch::new();
    s.write(
        "short.txt",
        format!("#separator:tab\n#notetype column:1\n{}\tonly\n", "N".repeat(2_000)),
    );
    let run = s.run(&["import", "short.txt"]).fails();
    let clipped = format!(
        "2 fields on this line, but a {}… note needs a front and a back",
        "N".repeat(80)
    );
    assert!(run.stderr.contains(&clipped), "{}", run.stderr);
    assert!(run.stderr.len() < 1_000, "{} bytes:\n{}", run.stderr.len(), run.stderr);
}
