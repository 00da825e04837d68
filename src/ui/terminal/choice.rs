//! The terminal's menu for multiple-choice and true/false questions: the
//! options numbered, the one under the cursor marked `>`; arrows (or `j`/`k`,
//! Tab) move and Enter or Space picks; a number key picks its option at
//! once, and so do the menu's own letters (`t`/`f` for true/false); `q`, Esc
//! and Ctrl-C quit. After the pick the menu is replaced by one plain line
//! naming what was picked: no mark of success, the verdict comes next.

use console::{Key, Term, measure_text_width, style};

use crate::error::{Error, Result};

/// What one key does in a menu of `count` options with the cursor at `cursor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Put the cursor on this option.
    Move(usize),
    /// This option is the answer.
    Pick(usize),
    Quit,
    Ignore,
}

/// A menu: its items as shown and the letters that pick an item directly.
pub struct Menu<'m> {
    pub items: &'m [String],
    pub letters: &'m [(char, usize)],
}

impl Menu<'_> {
    /// What `key` does with the cursor at `cursor`.
    pub fn step(&self, key: &Key, cursor: usize) -> Step {
        let count = self.items.len();
        if count == 0 {
            return Step::Quit;
        }
        match key {
            Key::ArrowUp | Key::ArrowLeft | Key::BackTab | Key::Char('k') => Step::Move((cursor + count - 1) % count),
            Key::ArrowDown | Key::ArrowRight | Key::Tab | Key::Char('j') => Step::Move((cursor + 1) % count),
            Key::Home => Step::Move(0),
            Key::End => Step::Move(count - 1),
            Key::Enter | Key::Char(' ') => Step::Pick(cursor.min(count - 1)),
            Key::Char(c @ '1'..='9') => {
                let n = *c as usize - '0' as usize;
                if n <= count { Step::Pick(n - 1) } else { Step::Ignore }
            }
            Key::Char('q') | Key::Escape | Key::CtrlC => Step::Quit,
            Key::Char(c) => self
                .letters
                .iter()
                .find(|(letter, _)| letter.eq_ignore_ascii_case(c))
                .map_or(Step::Ignore, |&(_, i)| Step::Pick(i)),
            _ => Step::Ignore,
        }
    }

    /// The menu's lines with the cursor at `cursor`.
    pub fn lines(&self, cursor: usize) -> Vec<String> {
        self.items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                if i == cursor {
                    format!("{} {}", style(">").cyan().bold(), style(item).cyan())
                } else {
                    format!("  {item}")
                }
            })
            .collect()
    }
}

/// How many rows `lines` take on a terminal `width` columns wide.
fn rows(lines: &[String], width: usize) -> usize {
    let width = width.max(1);
    lines
        .iter()
        .map(|line| measure_text_width(line).max(1).div_ceil(width))
        .sum()
}

/// Shows the menu under `heading` and reads keys until an option is picked
/// (its index) or the learner quits (none). A closed terminal or an
/// interrupted read quits.
pub fn pick(term: &Term, heading: &str, menu: &Menu, width: usize) -> Result<Option<usize>> {
    let _ = term.hide_cursor();
    let mut cursor = 0;
    let mut drawn = draw(term, heading, menu, cursor, width)?;
    let picked = loop {
        let step = match term.read_key() {
            Ok(key) => menu.step(&key, cursor),
            Err(_) => Step::Quit,
        };
        match step {
            Step::Move(to) => {
                cursor = to;
                term.clear_last_lines(drawn).map_err(Error::terminal)?;
                drawn = draw(term, heading, menu, cursor, width)?;
            }
            Step::Pick(i) => break Some(i),
            Step::Quit => break None,
            Step::Ignore => {}
        }
    };
    term.clear_last_lines(drawn).map_err(Error::terminal)?;
    let _ = term.show_cursor();
    if let Some(i) = picked {
        let item = menu.items.get(i).map_or("", String::as_str);
        term.write_line(&format!("{heading}: {item}"))
            .map_err(Error::terminal)?;
    }
    Ok(picked)
}

/// Writes the heading and the menu; returns how many rows they took.
fn draw(term: &Term, heading: &str, menu: &Menu, cursor: usize, width: usize) -> Result<usize> {
    let hint = style("(1-9 or arrows and Enter; q quits)").dim();
    let mut lines = vec![format!("{heading} {hint}")];
    lines.extend(menu.lines(cursor));
    for line in &lines {
        term.write_line(line).map_err(Error::terminal)?;
    }
    Ok(rows(&lines, width))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn menu(items: &[String]) -> Menu<'_> {
        Menu {
            items,
            letters: &[('t', 0), ('f', 1)],
        }
    }

    #[test]
    fn number_keys_pick_at_once_and_arrows_move() {
        let items: Vec<String> = ["1) a", "2) b", "3) c", "4) d"].map(String::from).to_vec();
        let menu = menu(&items);
        assert_eq!(menu.step(&Key::Char('3'), 0), Step::Pick(2));
        assert_eq!(menu.step(&Key::Char('1'), 3), Step::Pick(0));
        assert_eq!(menu.step(&Key::Char('5'), 0), Step::Ignore);
        assert_eq!(menu.step(&Key::Char('0'), 0), Step::Ignore);
        assert_eq!(menu.step(&Key::ArrowDown, 3), Step::Move(0));
        assert_eq!(menu.step(&Key::Char('k'), 0), Step::Move(3));
        assert_eq!(menu.step(&Key::Char('j'), 1), Step::Move(2));
        assert_eq!(menu.step(&Key::Enter, 2), Step::Pick(2));
        assert_eq!(menu.step(&Key::Char(' '), 1), Step::Pick(1));
        assert_eq!(menu.step(&Key::Escape, 1), Step::Quit);
        assert_eq!(menu.step(&Key::CtrlC, 1), Step::Quit);
        assert_eq!(menu.step(&Key::Char('F'), 0), Step::Pick(1));
        assert_eq!(menu.step(&Key::Char('x'), 0), Step::Ignore);
    }

    #[test]
    fn the_cursor_line_is_marked_and_rows_count_wrapping() {
        let items: Vec<String> = ["1) a", "2) b"].map(String::from).to_vec();
        let lines = menu(&items).lines(1);
        assert_eq!(console::strip_ansi_codes(&lines[0]), "  1) a");
        assert_eq!(console::strip_ansi_codes(&lines[1]), "> 2) b");
        assert_eq!(rows(&["x".repeat(25), String::new()], 10), 4);
    }
}
