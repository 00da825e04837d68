//! Prose made ready for drafts: footnote markers and reference numbers
//! dropped (`Moscow.1`, `country.”7`, `.” 8 The`, `[12]`, `¹`,
//! `[citation needed]`, numbered notes), headings (a short line with no
//! final punctuation, followed by a line that starts a sentence) told apart
//! from the sentence after them, and the rest split into sentences. Line
//! numbers stay those of the file.

/// A sentence and the line of the file it starts on.
pub type Sentence = (usize, String);

/// Abbreviations a full stop does not end a sentence after.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "mt", "jr", "sr", "vs", "etc", "no", "vol", "pp", "cf", "ed", "gen", "col", "lt",
    "capt", "adm", "sgt", "prof", "rev", "c", "ca", "approx", "fig",
];

/// Notes in square brackets that are not part of the prose.
const BRACKET_NOTES: &[&str] = &[
    "citation needed",
    "clarification needed",
    "page needed",
    "better source needed",
    "when?",
    "who?",
    "which?",
    "by whom?",
    "according to whom?",
    "dubious",
    "discuss",
    "verification needed",
    "failed verification",
    "original research?",
];

/// The prose of a text as sentences, without headings and notes.
pub fn split_sentences(text: &str) -> Vec<Sentence> {
    let lines: Vec<String> = text.lines().map(clean_line).collect();
    let mut sentences = Vec::new();
    let mut block: Vec<(usize, &str)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let next = lines[i + 1..].iter().find(|l| !l.trim().is_empty());
        if is_heading(line, next.map(String::as_str)) || is_note(line) {
            sentences.extend(split_block(&block));
            block.clear();
            continue;
        }
        block.push((i + 1, line));
    }
    sentences.extend(split_block(&block));
    sentences
}

/// A line without its footnote markers and bracketed notes.
fn clean_line(line: &str) -> String {
    let without_brackets = drop_bracket_notes(line);
    let chars: Vec<char> = without_brackets
        .chars()
        .filter(|c| !matches!(c, '¹' | '²' | '³' | '⁴'..='⁹' | '⁰'))
        .collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        out.push(chars[i]);
        if let Some(skip) = footnote_after(&chars, i) {
            i += skip;
        }
        i += 1;
    }
    out
}

/// After the punctuation at `i`, the length of a footnote marker to skip
/// (digits, with a space before them after a closing quote or full stop).
fn footnote_after(chars: &[char], i: usize) -> Option<usize> {
    let c = chars[i];
    if !matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '”' | '’' | '"' | ')') {
        return None;
    }
    // A full stop or comma inside a number (`3.5`, `1,000`) is no end.
    let before = i.checked_sub(1).map(|j| chars[j]);
    if matches!(c, '.' | ',') && before.is_some_and(|b| b.is_ascii_digit()) && !year_before(chars, i) {
        return None;
    }
    let mut start = i + 1;
    let spaced = chars.get(start) == Some(&' ') && matches!(c, '.' | '”' | '"' | '!' | '?');
    if spaced {
        start += 1;
    }
    let digits = chars[start.min(chars.len())..]
        .iter()
        .take_while(|d| d.is_ascii_digit())
        .count();
    if !(1..=3).contains(&digits) {
        return None;
    }
    let after = &chars[start + digits..];
    let ends = match after.first() {
        None => !spaced,
        Some(c) if c.is_whitespace() => after[1..]
            .iter()
            .find(|c| !c.is_whitespace())
            .is_none_or(|c| c.is_uppercase() || matches!(c, '“' | '"' | '‘')),
        Some(c) => matches!(c, '.' | ',' | ';' | ':' | ')'),
    };
    ends.then_some(start + digits - i - 1)
}

/// Whether the digits before `i` are a year (`in 1917.1 The`).
fn year_before(chars: &[char], i: usize) -> bool {
    let digits = chars[..i].iter().rev().take_while(|c| c.is_ascii_digit()).count();
    digits == 4 && chars.get(i.wrapping_sub(5)).is_none_or(|c| !c.is_alphanumeric())
}

/// `[12]`, `[a]`, `[note 3]`, `[citation needed]` removed; `[...]` kept.
fn drop_bracket_notes(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            break;
        };
        let inside = rest[open + 1..close].trim().to_lowercase();
        let reference = !inside.is_empty()
            && inside.len() <= 12
            && inside
                .split([',', ' ', '–', '-'])
                .filter(|p| !p.is_empty())
                .all(|p| p.chars().all(|c| c.is_ascii_digit()) || p.len() == 1 || p == "note" || p == "nb");
        let note = BRACKET_NOTES.iter().any(|n| inside.starts_with(n));
        out.push_str(&rest[..open]);
        if !(reference || note) {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A note of a notes section: `1. “From Syndicalism…”, 2000.`
fn is_note(line: &str) -> bool {
    let trimmed = line.trim_start();
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    let numbered = (1..=3).contains(&digits) && trimmed[digits..].starts_with(". ");
    numbered && (line.starts_with([' ', '\t']) || looks_like_citation(trimmed))
}

/// A bibliography entry rather than prose: `(City: Publisher, 2016)`, `vol. 7`, `3rd ed.`.
pub fn looks_like_citation(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains(" vol. ")
        || lower.contains(" ed. (")
        || (lower.contains('(') && lower.contains(": ") && lower.contains(')'))
}

/// A heading: a short line that does not end a sentence and is followed
/// by a line that starts one (not a sentence broken over two lines).
fn is_heading(line: &str, next: Option<&str>) -> bool {
    let trimmed = line.trim();
    let words = trimmed.split_whitespace().count();
    let ends_sentence = trimmed
        .trim_end_matches(['”', '"', '’', '\'', ')'])
        .ends_with(['.', '!', '?', ':', ';', ',', '—', '–', '-']);
    let starts = |text: &str| {
        text.trim_start()
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || matches!(c, '“' | '"' | '‘'))
    };
    (1..=10).contains(&words) && !ends_sentence && starts(trimmed) && next.is_none_or(starts)
}

/// Splits a block of lines into sentences with their starting line. Line
/// breaks inside a sentence (even blank ones, as in text copied from
/// print) are spaces.
fn split_block(block: &[(usize, &str)]) -> Vec<Sentence> {
    let mut sentences = Vec::new();
    let mut current = String::new();
    let mut start_line = block.first().map_or(1, |(line, _)| *line);
    let chars: Vec<(usize, char)> = block
        .iter()
        .flat_map(|(line, text)| text.chars().chain(std::iter::once('\n')).map(move |c| (*line, c)))
        .collect();
    // Set at a sentence's final punctuation: closing quotes and brackets
    // that follow still belong to it.
    let mut ending = false;
    for (i, &(line, c)) in chars.iter().enumerate() {
        if ending && !is_closer(c) {
            push_sentence(&mut sentences, start_line, &mut current);
            ending = false;
        }
        if current.trim().is_empty() {
            start_line = line;
        }
        current.push(if c.is_whitespace() { ' ' } else { c });
        if matches!(c, '.' | '!' | '?') && ends_sentence(&current, &chars[i + 1..]) {
            ending = true;
        }
    }
    push_sentence(&mut sentences, start_line, &mut current);
    sentences
}

fn push_sentence(sentences: &mut Vec<Sentence>, line: usize, current: &mut String) {
    let sentence = current.split_whitespace().collect::<Vec<_>>().join(" ");
    if !sentence.is_empty() {
        sentences.push((line, sentence));
    }
    current.clear();
}

/// Whether the punctuation just pushed ends the sentence, looking at the
/// word before it and the text after it.
fn ends_sentence(current: &str, rest: &[(usize, char)]) -> bool {
    let mut after = rest.iter().map(|(_, c)| *c).peekable();
    // Closing quotes and brackets stay with this sentence.
    let mut closers = 0;
    while after.peek().is_some_and(|c| is_closer(*c)) {
        after.next();
        closers += 1;
    }
    let next_is_space = after.peek().is_none_or(|c| c.is_whitespace());
    let next_word = after.find(|c| !c.is_whitespace());
    if !next_is_space && closers == 0 {
        return false;
    }
    let starts_new = next_word.is_none_or(|c| c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '‘'));
    if !starts_new {
        return false;
    }
    let word: String = current
        .trim_end_matches(['.', '!', '?'])
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    let ellipsis = current.ends_with(". .") || current.ends_with("..");
    !(initial || ellipsis || ABBREVIATIONS.contains(&word.to_lowercase().as_str()))
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        split_sentences(text).into_iter().map(|(_, s)| s).collect()
    }

    #[test]
    fn splits_sentences_but_not_abbreviations_or_initials() {
        let text = "He sailed to St. Petersburg in 1920. J. Reed went\n\non to Baku. “I was there,” he says. \
                    Camus said “it goes astray.” More followed. Then . . . nothing!";
        assert_eq!(
            texts(text),
            vec![
                "He sailed to St. Petersburg in 1920.",
                "J. Reed went on to Baku.",
                "“I was there,” he says.",
                "Camus said “it goes astray.”",
                "More followed.",
                "Then . . . nothing!"
            ]
        );
    }

    #[test]
    fn footnote_markers_and_references_are_dropped() {
        let text = "It is a complement to Lenin’s Moscow.1\n\
                    Nobody yet spoke of “building it in a single land.”7 Hard as things were, they held on.\n\
                    The policy was “forced on them by the blockade.” 8 The state retreated in 1921–1922.\n\
                    The sailors rose in March 1921.[3][note 2] Over 3.5 million died[citation needed], or 1,000 Men.\n\
                    Marx¹ wrote it in 1871.2 The book sold well; see [...] for more.\n";
        assert_eq!(
            texts(text),
            vec![
                "It is a complement to Lenin’s Moscow.",
                "Nobody yet spoke of “building it in a single land.”",
                "Hard as things were, they held on.",
                "The policy was “forced on them by the blockade.”",
                "The state retreated in 1921–1922.",
                "The sailors rose in March 1921.",
                "Over 3.5 million died, or 1,000 Men.",
                "Marx wrote it in 1871.",
                "The book sold well; see [...] for more.",
            ]
        );
    }

    #[test]
    fn headings_are_apart_and_broken_lines_are_joined() {
        let text = "Difficult border crossings\n\
                    Rosmer’s account of the journey is vivid.\n\n\
                    She noticed quite soon how grave the troubles were\n\n\
                    for the young republic.\n\
                    Background\n\n\
                    The Kronstadt rebellion began in March 1921.\n\
                    Notes\n  1. “From Syndicalism to Trotskyism,” Revolutionary History, vol. 7 no.4, 2000.\n";
        let sentences = split_sentences(text);
        let only: Vec<&str> = sentences.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(
            only,
            vec![
                "Rosmer’s account of the journey is vivid.",
                "She noticed quite soon how grave the troubles were for the young republic.",
                "The Kronstadt rebellion began in March 1921.",
            ]
        );
        assert_eq!(sentences[0].0, 2);
        assert_eq!(sentences[2].0, 9);
    }
}
