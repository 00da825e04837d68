//! A located problem in a deck file (`file:line:column: error: ...`, the
//! quoted line and a caret), and the summary shown under a list of them.
//! Ground floor: the parser makes these and [`crate::Error`] carries them.

use std::fmt;

/// Problems reported per file (a deck file, a text import); past this they
/// are only counted, so that a file of garbage costs neither gigabytes of
/// diagnostics nor a flood of them.
pub const MAX_DIAGNOSTICS: usize = 1_000;

/// One problem in a deck file, located for the author.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The offending line as written (control characters escaped when shown).
    pub source_line: String,
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}:{}:{}: error: {}",
            crate::text::escape_inline(&self.file),
            self.line,
            self.column,
            self.message
        )?;
        let (before, after) = source_window(&self.source_line, self.column);
        let shown = crate::text::escape_control(&format!("{before}{after}"));
        let gutter = self.line.to_string();
        writeln!(f, "{gutter} | {shown}")?;
        let pad: String = crate::text::escape_control(&before)
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(f, "{} | {pad}^", " ".repeat(gutter.len()))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Characters of a quoted source line shown around the column.
const SOURCE_WINDOW: usize = 100;

/// The part of `line` a diagnostic quotes, split at the (1-based) column:
/// all of a short line; of a long one, a window around the column, cut ends
/// marked with `…`.
pub(crate) fn source_window(line: &str, column: usize) -> (String, String) {
    let chars: Vec<char> = line.chars().collect();
    let at = column.saturating_sub(1).min(chars.len());
    if chars.len() <= SOURCE_WINDOW + SOURCE_WINDOW / 5 {
        return (chars[..at].iter().collect(), chars[at..].iter().collect());
    }
    let start = at.saturating_sub(SOURCE_WINDOW / 2);
    let end = (start + SOURCE_WINDOW).min(chars.len());
    let mut before: String = if start > 0 { "…".into() } else { String::new() };
    before.extend(&chars[start..at]);
    let mut after: String = chars[at..end.max(at)].iter().collect();
    if end < chars.len() {
        after.push('…');
    }
    (before, after)
}

/// All diagnostics, one per paragraph, then how many errors in how many files.
pub fn render_diagnostics(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&diagnostic.to_string());
        out.push('\n');
    }
    let files: std::collections::BTreeSet<_> = diagnostics.iter().map(|d| &d.file).collect();
    out.push_str(&format!(
        "{} error{} in {} file{}; nothing was written",
        diagnostics.len(),
        if diagnostics.len() == 1 { "" } else { "s" },
        files.len(),
        if files.len() == 1 { "" } else { "s" },
    ));
    out
}
