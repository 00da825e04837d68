//! Edit distance within a budget: the one measure of "a slip" for every
//! place that forgives one — typed quiz answers, a deck or fact named on the
//! command line, a misspelt key in a deck file. Ground floor: pure, no
//! crate imports; the work is bounded by the budget, not by the lengths
//! multiplied, so a hostile name or answer cannot make it quadratic.

/// The edit distance between `a` and `b`, counting an insertion, deletion,
/// substitution or swap of two neighbouring characters as one edit (optimal
/// string alignment), when it is at most `budget`; `None` when it is more.
///
/// Only the band of cells within `budget` of the diagonal is worked out (a
/// cell further off already costs more than the budget), one row at a time,
/// and the work stops at the first row whose every cell is over the budget
/// (a row's minimum never decreases). So two answers of any length cost
/// O((len a) · budget) time and O(budget) memory.
pub fn within(a: &str, b: &str, budget: usize) -> Option<usize> {
    let (n, m) = (a.chars().count(), b.chars().count());
    if n.abs_diff(m) > budget {
        return None;
    }
    let over = budget + 1;
    let width = 2 * budget + 1;
    // Row `i` holds the cells (i, j) for j in i-budget..=i+budget, at index j + budget - i.
    let mut before = vec![over; width];
    let mut previous = vec![over; width];
    let mut row = vec![over; width];
    for j in 0..=budget.min(m) {
        previous[j + budget] = j;
    }
    let mut b_window = BWindow::new(b);
    let mut a_previous = None;
    for (i, a_char) in (1..=n).zip(a.chars()) {
        row.fill(over);
        let (low, high) = (i.saturating_sub(budget), (i + budget).min(m));
        b_window.cover(low.saturating_sub(2), high);
        for j in low..=high {
            let at = j + budget - i;
            let cell = if j == 0 {
                i
            } else {
                let b_char = b_window.get(j - 1);
                let replace = previous[at] + usize::from(a_char != b_char);
                let delete = previous.get(at + 1).map_or(over, |d| d + 1);
                let insert = at.checked_sub(1).map_or(over, |left| row[left] + 1);
                let mut best = replace.min(delete).min(insert);
                // A swap: a[i-1] a[i-2] == b[j-2] b[j-1].
                if j > 1 && a_char == b_window.get(j - 2) && a_previous == Some(b_char) {
                    best = best.min(before[at] + 1);
                }
                best
            };
            row[at] = cell.min(over);
        }
        if row.iter().all(|&cell| cell > budget) {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut row);
        a_previous = Some(a_char);
    }
    let distance = previous[m + budget - n];
    (distance <= budget).then_some(distance)
}

/// The characters of `b` that one row of the band reads, read forward once.
struct BWindow<'s> {
    chars: std::str::Chars<'s>,
    held: std::collections::VecDeque<char>,
    /// The index in `b` of `held[0]`.
    start: usize,
}

impl<'s> BWindow<'s> {
    fn new(b: &'s str) -> BWindow<'s> {
        BWindow {
            chars: b.chars(),
            held: std::collections::VecDeque::new(),
            start: 0,
        }
    }

    /// Holds the characters `from..to` (and none before `from`).
    fn cover(&mut self, from: usize, to: usize) {
        while self.start + self.held.len() < to {
            match self.chars.next() {
                Some(c) => self.held.push_back(c),
                None => break,
            }
        }
        while self.start < from && !self.held.is_empty() {
            self.held.pop_front();
            self.start += 1;
        }
    }

    /// The character at index `at` of `b` (held by the last `cover`).
    fn get(&self, at: usize) -> char {
        self.held[at - self.start]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_insertions_deletions_substitutions_and_swaps() {
        assert_eq!(within("kitten", "sitting", 3), Some(3));
        assert_eq!(within("kitten", "sitting", 2), None);
        assert_eq!(within("abcd", "acbd", 3), Some(1));
        assert_eq!(within("", "abc", 3), Some(3));
        assert_eq!(within("", "", 0), Some(0));
    }

    /// The full matrix (optimal string alignment), as the reference.
    fn full_distance(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[i - 2][j - 2] + 1);
                }
                d[i][j] = best;
            }
        }
        d[a.len()][b.len()]
    }

    fn agrees_with_full(a: &str, b: &str) {
        let full = full_distance(a, b);
        for budget in 0..=4 {
            let want = (full <= budget).then_some(full);
            assert_eq!(within(a, b, budget), want, "{a:?} {b:?} budget {budget}");
        }
    }

    #[test]
    fn banded_distance_equals_the_full_matrix_on_every_small_pair() {
        let alphabet = ['a', 'b', 'é'];
        let mut words = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..5 {
            last = last
                .iter()
                .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                .collect();
            words.extend(last.iter().cloned());
        }
        assert_eq!(words.len(), 364);
        for a in &words {
            for b in &words {
                agrees_with_full(a, b);
            }
        }
    }

    #[test]
    fn banded_distance_equals_the_full_matrix_on_random_pairs() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |below: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % below
        };
        for _ in 0..3000 {
            let a: String = (0..next(24)).map(|_| char::from(b'a' + next(4) as u8)).collect();
            // b: a with a few random edits, so many pairs are near the budget.
            let mut b: Vec<char> = a.chars().collect();
            for _ in 0..next(5) {
                let at = next(b.len() as u64 + 1) as usize;
                match next(4) {
                    0 => b.insert(at, char::from(b'a' + next(4) as u8)),
                    1 if at < b.len() => drop(b.remove(at)),
                    2 if at < b.len() => b[at] = char::from(b'a' + next(4) as u8),
                    _ if at + 1 < b.len() => b.swap(at, at + 1),
                    _ => {}
                }
            }
            agrees_with_full(&a, &b.into_iter().collect::<String>());
        }
    }

    #[test]
    fn long_strings_cost_the_band_not_the_matrix() {
        // Two 200,000-letter answers: the full matrix would be 4·10^10 cells.
        let long: String = "abcdefghij".repeat(20_000);
        let mut near: Vec<char> = long.chars().collect();
        near.swap(100, 101);
        near[150_000] = 'x';
        let near: String = near.into_iter().collect();
        assert_eq!(within(&long, &near, 3), Some(2));
        let far: String = "abcdefghik".repeat(20_000);
        assert_eq!(within(&long, &far, 3), None);
    }
}
