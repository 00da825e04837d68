//! What Anki's notes become in iskra, whatever file they came from: Anki's
//! cloze texts kept in its numbered syntax (`{{c2::answer::hint}}`, which
//! iskra's deck format reads: one card per number, nesting allowed), facts'
//! bodies and their limits, and the notices an import reports. Keys are in
//! [`crate::interop::keys`].

use std::collections::HashMap;

use crate::deck::{FactBody, MAX_FIELD_CHARS, QaKind, check_cloze};

/// An Anki cloze text, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cloze {
    pub text: String,
    /// Its cloze numbers (its cards), ascending.
    pub numbers: Vec<u32>,
}

impl Cloze {
    /// The iskra template of Anki's cloze card `ord` (number `ord + 1`):
    /// `cloze:N`, when the text has that number.
    pub fn template(&self, ord: i64) -> Option<String> {
        let number = u32::try_from(ord + 1).ok()?;
        self.numbers.contains(&number).then(|| format!("cloze:{number}"))
    }
}

pub use crate::interop::anki::MAX_RAW_FIELD_BYTES;

/// Checks the fields of a note as the file holds them, before anything is
/// made of them; the reason when one is too long.
pub fn check_raw_fields<S: AsRef<str>>(fields: impl IntoIterator<Item = S>) -> Result<(), String> {
    if fields.into_iter().any(|f| f.as_ref().len() > MAX_RAW_FIELD_BYTES) {
        return Err(format!(
            "a field of more than {MAX_RAW_FIELD_BYTES} bytes (iskra keeps at most {MAX_FIELD_CHARS} characters)"
        ));
    }
    Ok(())
}

/// Checks a converted value: no longer than a deck file allows. Bytes
/// first (a character is 1 to 4 of them), characters counted only between.
pub fn check_length(value: &str) -> Result<(), String> {
    let too_long =
        value.len() > MAX_FIELD_CHARS && (value.len() > 4 * MAX_FIELD_CHARS || value.chars().count() > MAX_FIELD_CHARS);
    if too_long {
        return Err(format!("a field longer than {MAX_FIELD_CHARS} characters"));
    }
    Ok(())
}

/// Checks an Anki cloze text (plain text, in Anki's syntax); the reason
/// when iskra cannot read it. Its length is checked first, so no work is
/// done on a text no deck file could hold, and its numbers are read without
/// making its cards.
pub fn convert_cloze(text: &str) -> Result<Cloze, String> {
    check_length(text)?;
    if !crate::deck::is_numbered_cloze(text) {
        return Err("a cloze note without cloze deletions".into());
    }
    check_cloze(text).map_err(|p| format!("its cloze text cannot be read ({})", p.message))?;
    Ok(Cloze {
        text: text.to_string(),
        numbers: cloze_numbers(text),
    })
}

/// The distinct numbers of a checked numbered cloze text's deletions,
/// ascending. Without hints (every `::` is an opening's), they are the N of
/// every `{{cN::` in it: the cloze parser opens a deletion at each (one
/// cannot start inside another) and the check saw every one closed. A hint
/// can swallow the deletions after it, so with hints the numbers are those
/// of the cards the deck module makes (the text is within the length cap).
fn cloze_numbers(text: &str) -> Vec<u32> {
    let mut numbers: Vec<u32> = (0..text.len())
        .filter(|&at| text.as_bytes()[at..].starts_with(b"{{"))
        .filter_map(|at| {
            let rest = text[at + 2..].strip_prefix(['c', 'C'])?;
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            rest[digits..].starts_with("::").then(|| rest[..digits].parse().ok())?
        })
        .collect();
    if text.matches("::").count() != numbers.len() {
        return numbers_of_cards(text);
    }
    numbers.sort_unstable();
    numbers.dedup();
    numbers
}

/// The numbers of the cards of a cloze text, as the deck module makes them.
fn numbers_of_cards(text: &str) -> Vec<u32> {
    crate::deck::Fact {
        id: "x".into(),
        body: FactBody::Cloze { text: text.to_string() },
        alternatives: Vec::new(),
        hint: None,
        extra: None,
        tags: Vec::new(),
        source: None,
    }
    .cards()
    .iter()
    .filter_map(|c| c.template.strip_prefix("cloze:")?.parse().ok())
    .collect()
}

/// Checks the values of a converted fact: none may be longer than a deck
/// file allows; the reason when one is.
pub fn check_lengths(body: &FactBody, extra: Option<&str>) -> Result<(), String> {
    let values: Vec<&str> = match body {
        FactBody::Qa { question, answer, .. } => vec![question, answer],
        FactBody::Cloze { text } => vec![text],
        FactBody::Sequence { .. } | FactBody::Timeline { .. } => vec![],
        FactBody::Note { fields, templates, .. } => fields
            .iter()
            .map(|f| f.text.as_str())
            .chain(templates.iter().flat_map(|t| [t.front.as_str(), t.back.as_str()]))
            .collect(),
    };
    values.into_iter().chain(extra).try_for_each(check_length)
}

/// A question/answer body, or why there is none.
pub fn qa_body(question: String, answer: String, kinds: Vec<QaKind>) -> Result<FactBody, String> {
    if question.is_empty() {
        return Err("the first field has no text (media only, or empty)".into());
    }
    if answer.is_empty() {
        return Err("the second field (the answer) has no text".into());
    }
    Ok(FactBody::Qa {
        question,
        answer,
        kinds,
    })
}

/// Things an import reports besides its counts, each with how often (and,
/// for rows of a text file, the first few lines), found by a lookup: a file
/// of many skipped rows costs one line of report per reason, not one each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notices {
    items: Vec<Counted>,
    index: HashMap<Notice, usize>,
}

/// A notice, how often, and the first lines it was at.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Counted {
    notice: Notice,
    count: usize,
    lines: Vec<usize>,
}

/// Line numbers a notice lists; the rest are counted.
const LINES_SHOWN: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Notice {
    /// Notes of a note type iskra does not know, imported from two fields.
    OtherNotetype(String),
    /// Notes of a custom note type that cannot be held as note facts (the
    /// type's name, why), imported from two fields.
    UnreadableNotetype(String, String),
    SkippedNote(String),
    SkippedCard(String),
    SkippedReview(String),
    MediaFiles,
    SplitDecks,
    /// Cards whose due date or interval no real schedule has.
    ImpossibleSchedule,
}

impl Notices {
    pub fn add(&mut self, notice: Notice) {
        self.add_n(notice, 1);
    }

    pub fn add_n(&mut self, notice: Notice, n: usize) {
        if n > 0 {
            self.counted(notice).count += n;
        }
    }

    /// A notice about the row at `line` of a text file.
    pub fn add_at_line(&mut self, notice: Notice, line: usize) {
        let counted = self.counted(notice);
        counted.count += 1;
        if counted.lines.len() < LINES_SHOWN {
            counted.lines.push(line);
        }
    }

    fn counted(&mut self, notice: Notice) -> &mut Counted {
        let at = match self.index.get(&notice) {
            Some(&at) => at,
            None => {
                self.index.insert(notice.clone(), self.items.len());
                self.items.push(Counted {
                    notice,
                    count: 0,
                    lines: Vec::new(),
                });
                self.items.len() - 1
            }
        };
        &mut self.items[at]
    }

    /// One line per notice, for the report.
    pub fn lines(&self) -> Vec<String> {
        self.items
            .iter()
            .map(|c| render(&c.notice, c.count) + &where_at(&c.lines, c.count))
            .collect()
    }
}

/// ` (line 3)`, ` (lines 3, 4)`, ` (lines 3, 4, 5, 6, 7 and 95 more)`, or
/// nothing without lines.
fn where_at(lines: &[usize], count: usize) -> String {
    let listed: Vec<String> = lines.iter().map(usize::to_string).collect();
    match listed.len() {
        0 => String::new(),
        1 if count == 1 => format!(" (line {})", listed[0]),
        n if count > n => format!(" (lines {} and {} more)", listed.join(", "), count - n),
        _ => format!(" (lines {})", listed.join(", ")),
    }
}

pub fn plural(n: usize, word: &str) -> String {
    crate::text::plural(n as u64, word)
}

fn render(notice: &Notice, n: usize) -> String {
    match notice {
        Notice::OtherNotetype(name) => format!(
            "{} of note type {name:?} imported as basic facts from their first two fields",
            plural(n, "note")
        ),
        Notice::UnreadableNotetype(name, reason) => format!(
            "{} of note type {name:?} imported as basic facts from their first two fields: {reason}",
            plural(n, "note")
        ),
        Notice::SkippedNote(reason) => format!("{} not imported: {reason}", plural(n, "note")),
        Notice::SkippedCard(reason) => format!("{} not imported: {reason}", plural(n, "card")),
        Notice::SkippedReview(reason) => format!("{} not imported: {reason}", plural(n, "review")),
        Notice::MediaFiles => format!(
            "{} not kept (not a plain file name, or larger than 64 MiB)",
            plural(n, "media file")
        ),
        Notice::ImpossibleSchedule => format!(
            "{} with an impossible due date or interval (a damaged package?) imported as new",
            plural(n, "card")
        ),
        Notice::SplitDecks => format!(
            "{} had cards in several decks: each went to the deck of its first card",
            plural(n, "note")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clozes_keep_their_numbers_and_may_nest() {
        let cloze = convert_cloze("{{c2::Reed}} caught {{c1::typhus::illness}} in {{c2::Baku}}").unwrap();
        assert_eq!(
            cloze.text,
            "{{c2::Reed}} caught {{c1::typhus::illness}} in {{c2::Baku}}"
        );
        assert_eq!(cloze.numbers, vec![1, 2]);
        assert_eq!(cloze.template(0).as_deref(), Some("cloze:1"));
        assert_eq!(cloze.template(1).as_deref(), Some("cloze:2"));
        assert_eq!(cloze.template(5), None);
        let nested = convert_cloze("Nested {{c1::outer {{c2::inner}} text}} and {{c4::four}}").unwrap();
        assert_eq!(nested.numbers, vec![1, 2, 4]);
    }

    #[test]
    fn cloze_numbers_are_read_without_making_cards() {
        for text in [
            "{{c2::Reed}} caught {{c1::typhus::illness}} in {{c2::Baku}}",
            "Nested {{c1::outer {{c2::inner}} text}} and {{C4::four}}",
            "{{{c3::brace}}} {{c1::a::hint {{c2::swallowed}}}} x::y",
            "{{c1:::colon}} {{c10::ten}} {{c::not}} {{c99999999999::not}}",
        ] {
            assert!(!numbers_of_cards(text).is_empty(), "{text}");
            assert_eq!(cloze_numbers(text), numbers_of_cards(text), "{text}");
        }
        let many: String = (1..=100).map(|i| format!("{{{{c{i}::a}}}}")).collect();
        assert_eq!(convert_cloze(&many).unwrap().numbers, (1..=100).collect::<Vec<u32>>());
    }

    #[test]
    fn a_cloze_too_long_is_refused_before_it_is_read() {
        // Before, its cards were all made first (numbers × text): 1,500
        // deletions of 1,000 characters asked for gigabytes.
        let long: String = (1..=30)
            .map(|i| format!("{{{{c{i}::{}}}}}", "a".repeat(1_000)))
            .collect();
        assert_eq!(
            convert_cloze(&long).unwrap_err(),
            format!("a field longer than {MAX_FIELD_CHARS} characters")
        );
        // Unclosed, it would be "never closed"; its length is what is wrong.
        assert!(
            convert_cloze(&"{{c1::".repeat(5_000))
                .unwrap_err()
                .contains("longer than")
        );
        assert!(check_length(&"é".repeat(MAX_FIELD_CHARS)).is_ok());
        assert!(check_length(&"é".repeat(MAX_FIELD_CHARS + 1)).is_err());
        assert!(check_length(&"a".repeat(4 * MAX_FIELD_CHARS + 1)).is_err());
        let raw = ["x".to_string(), "<".repeat(MAX_RAW_FIELD_BYTES + 1)];
        assert!(check_raw_fields(&raw).unwrap_err().contains("bytes"));
        assert!(check_raw_fields(&raw[..1]).is_ok());
    }

    #[test]
    fn bad_clozes_say_why() {
        assert!(convert_cloze("no deletions").unwrap_err().contains("without"));
        assert!(convert_cloze("{{c1::open").unwrap_err().contains("never closed"));
        assert!(convert_cloze("{{c1::}} x").unwrap_err().contains("cannot be read"));
    }

    #[test]
    fn skipped_rows_are_one_notice_per_reason_with_their_first_lines() {
        // Before: one notice per row ("… (line N)"), each found by a scan
        // of all before it (100,000 rows took 140 s), one report line each.
        let mut notices = Notices::default();
        for line in 3..10_003 {
            notices.add_at_line(Notice::SkippedNote("the first field has no text".into()), line);
        }
        notices.add_at_line(Notice::SkippedNote("a field too long".into()), 7);
        notices.add_at_line(Notice::SkippedNote("a field too long".into()), 9);
        assert_eq!(
            notices.lines(),
            vec![
                "10000 notes not imported: the first field has no text (lines 3, 4, 5, 6, 7 and 9995 more)",
                "2 notes not imported: a field too long (lines 7, 9)"
            ]
        );
        let mut one = Notices::default();
        one.add_at_line(Notice::SkippedNote("why".into()), 4);
        assert_eq!(one.lines(), vec!["1 note not imported: why (line 4)"]);
    }

    #[test]
    fn notices_count_and_read_well() {
        let mut notices = Notices::default();
        notices.add(Notice::MediaFiles);
        notices.add_n(Notice::MediaFiles, 11);
        notices.add(Notice::OtherNotetype("Image Occlusion".into()));
        assert_eq!(
            notices.lines(),
            vec![
                "12 media files not kept (not a plain file name, or larger than 64 MiB)",
                "1 note of note type \"Image Occlusion\" imported as basic facts from their first two fields"
            ]
        );
    }
}
