//! Dates of timeline facts. Authors write them in ISO order — a year
//! (`1920`), a month (`1924-06`) or a day (`1922-11-13`) — which is
//! unambiguous (no 03/04 confusion) and sorts as text; cards show them the
//! way people say them (`1920`, `June 1924`, `13 November 1922`).

use chrono::NaiveDate;

use super::Problem;

/// Month names, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The month (1-12) a word names, in any case.
pub fn month_number(word: &str) -> Option<u8> {
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(word))
        .map(|i| i as u8 + 1)
}

/// How the date of a timeline fact is written, for hints.
pub const DATE_FORMS: &str = "write a year (`1920`), a month (`1924-06`) or a day (`1922-11-13`)";

/// A year, a month of a year, or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistDate {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl HistDate {
    /// The date as cards show it: `1920`, `June 1924`, `13 November 1922`.
    pub fn display(&self) -> String {
        let month = |m: u8| MONTHS.get(usize::from(m).saturating_sub(1)).copied().unwrap_or("?");
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d} {} {}", month(m), self.year),
            (Some(m), None) => format!("{} {}", month(m), self.year),
            _ => self.year.to_string(),
        }
    }

    /// What a learner is asked to give: `year`, `month and year`, `full date`.
    pub fn precision(&self) -> &'static str {
        match (self.month, self.day) {
            (Some(_), Some(_)) => "day, month and year",
            (Some(_), None) => "month and year",
            _ => "year",
        }
    }

    /// "in 1920" / "in June 1924" / "on 13 November 1922".
    pub fn with_preposition(&self) -> String {
        let preposition = if self.day.is_some() { "on" } else { "in" };
        format!("{preposition} {}", self.display())
    }
}

/// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (the year may have fewer digits).
pub fn parse_date(text: &str) -> Result<HistDate, Problem> {
    let mut parts = Vec::new();
    let mut offset = 0;
    for part in text.split('-') {
        parts.push((offset, part));
        offset += part.len() + 1;
    }
    let fail = |offset: usize, message: String| {
        Err(Problem {
            offset,
            message,
            hint: DATE_FORMS.to_string(),
        })
    };
    if parts.len() > 3 {
        let (at, _) = parts[3];
        return fail(
            at.saturating_sub(1),
            format!("`{text}` has more parts than year-month-day"),
        );
    }
    let (_, year_text) = parts[0];
    let year = match number(year_text, 1..=4) {
        Some(y) if y >= 1 => y as u16,
        _ => return fail(0, format!("`{text}` is not a date")),
    };
    let month = match parts.get(1) {
        None => None,
        Some(&(at, m)) => match number(m, 2..=2) {
            Some(m @ 1..=12) => Some(m as u8),
            _ => return fail(at, format!("`{m}` is not a month (01 to 12)")),
        },
    };
    let day = match (parts.get(2), month) {
        (Some(&(at, d)), Some(m)) => match number(d, 2..=2) {
            Some(day) if NaiveDate::from_ymd_opt(i32::from(year), u32::from(m), day).is_some() => Some(day as u8),
            _ => return fail(at, format!("{year:04}-{m:02} has no day `{d}`")),
        },
        _ => None,
    };
    Ok(HistDate { year, month, day })
}

/// An unsigned number written with a number of ASCII digits in `digits`.
fn number(text: &str, digits: std::ops::RangeInclusive<usize>) -> Option<u32> {
    if !digits.contains(&text.len()) || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_months_and_days_are_shown_as_spoken() {
        let shown = |t: &str| parse_date(t).map(|d| (d.display(), d.precision()));
        assert_eq!(shown("1920"), Ok(("1920".into(), "year")));
        assert_eq!(shown("1924-06"), Ok(("June 1924".into(), "month and year")));
        assert_eq!(
            shown("1922-11-13"),
            Ok(("13 November 1922".into(), "day, month and year"))
        );
        assert_eq!(shown("862"), Ok(("862".into(), "year")));
        assert_eq!(
            parse_date("1922-11-13").map(|d| d.with_preposition()),
            Ok("on 13 November 1922".into())
        );
    }

    #[test]
    fn bad_dates_point_at_the_bad_part() {
        let offset = |t: &str| parse_date(t).map_err(|e| e.offset);
        assert_eq!(offset("June 1924"), Err(0));
        assert_eq!(offset("0"), Err(0));
        assert_eq!(offset("19200"), Err(0));
        assert_eq!(offset("1924-13"), Err(5));
        assert_eq!(offset("1924-6"), Err(5));
        assert_eq!(offset("1923-02-29"), Err(8));
        assert_eq!(offset("1924-02-29").map(|_| ()), Ok(()));
        assert_eq!(offset("1924-01-02-03"), Err(10));
        assert_eq!(offset("1924-"), Err(5));
    }
}
