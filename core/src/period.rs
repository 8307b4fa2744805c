//! Reporting periods: years, quarters and months.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How often a series is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// One value per year (`2017`).
    Year,
    /// One value per quarter (`2017Q3`).
    Quarter,
    /// One value per month (`2017-03`).
    Month,
}

/// A reporting period. Periods of one frequency are totally ordered and can be stepped with
/// [`Period::offset`] (the *literal* previous period, not the previous available row).
///
/// Text forms: `2017`, `2017Q3`, `2017-03`.
///
/// ```
/// use ecociv::period::Period;
/// let p: Period = "2017Q1".parse()?;
/// assert_eq!(p.offset(-1).to_string(), "2016Q4");
/// assert_eq!("2017-03".parse::<Period>()?.offset(-3).to_string(), "2016-12");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Period {
    /// A calendar year.
    Year(i32),
    /// A calendar quarter (1–4).
    Quarter(i32, u8),
    /// A calendar month (1–12).
    Month(i32, u8),
}

/// A period string that is not `YYYY`, `YYYYQn` or `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a period (expected YYYY, YYYYQ1..YYYYQ4 or YYYY-MM)")]
pub struct PeriodParseError {
    /// The text that failed to parse.
    pub text: String,
}

impl Period {
    /// The period's frequency.
    #[must_use]
    pub fn frequency(self) -> Frequency {
        match self {
            Period::Year(_) => Frequency::Year,
            Period::Quarter(..) => Frequency::Quarter,
            Period::Month(..) => Frequency::Month,
        }
    }

    /// A dense ordinal within the frequency: years count years, quarters count quarters since
    /// year 0, months count months since year 0. Consecutive periods differ by 1.
    #[must_use]
    pub fn ordinal(self) -> i64 {
        match self {
            Period::Year(y) => i64::from(y),
            Period::Quarter(y, q) => i64::from(y) * 4 + i64::from(q) - 1,
            Period::Month(y, m) => i64::from(y) * 12 + i64::from(m) - 1,
        }
    }

    /// The period with this ordinal at this frequency (inverse of [`Period::ordinal`]).
    ///
    /// # Panics
    /// If the ordinal is outside the `i32` year range.
    #[must_use]
    pub fn from_ordinal(frequency: Frequency, ordinal: i64) -> Period {
        let year = |o: i64| i32::try_from(o).expect("period ordinal out of range");
        match frequency {
            Frequency::Year => Period::Year(year(ordinal)),
            Frequency::Quarter => Period::Quarter(
                year(ordinal.div_euclid(4)),
                u8::try_from(ordinal.rem_euclid(4) + 1).expect("quarter in 1..=4"),
            ),
            Frequency::Month => Period::Month(
                year(ordinal.div_euclid(12)),
                u8::try_from(ordinal.rem_euclid(12) + 1).expect("month in 1..=12"),
            ),
        }
    }

    /// The period `k` steps later (negative: earlier) at the same frequency.
    #[must_use]
    pub fn offset(self, k: i64) -> Period {
        Period::from_ordinal(self.frequency(), self.ordinal() + k)
    }

    /// The calendar year the period falls in.
    #[must_use]
    pub fn year(self) -> i32 {
        match self {
            Period::Year(y) | Period::Quarter(y, _) | Period::Month(y, _) => y,
        }
    }

    /// The last day of the period.
    ///
    /// # Panics
    /// Never for valid periods.
    #[must_use]
    pub fn end_date(self) -> NaiveDate {
        let next_first = match self {
            Period::Year(y) => NaiveDate::from_ymd_opt(y + 1, 1, 1),
            Period::Quarter(..) | Period::Month(..) => {
                let n = self.offset(1);
                let month = match n {
                    Period::Quarter(_, q) => u32::from(q) * 3 - 2,
                    Period::Month(_, m) => u32::from(m),
                    Period::Year(_) => 1,
                };
                NaiveDate::from_ymd_opt(n.year(), month, 1)
            }
        };
        next_first.and_then(|d| d.pred_opt()).expect("valid calendar date")
    }

    /// The period of this frequency that contains `date`.
    #[must_use]
    pub fn containing(frequency: Frequency, date: NaiveDate) -> Period {
        let month = u8::try_from(date.month()).expect("month fits u8");
        match frequency {
            Frequency::Year => Period::Year(date.year()),
            Frequency::Quarter => Period::Quarter(date.year(), (month - 1) / 3 + 1),
            Frequency::Month => Period::Month(date.year(), month),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PeriodParseError { text: s.to_owned() };
        let t = s.trim();
        let year = |y: &str| -> Result<i32, PeriodParseError> {
            if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) {
                y.parse().map_err(|_| err())
            } else {
                Err(err())
            }
        };
        if let Some((y, q)) = t.split_once(['Q', 'q']) {
            let q: u8 = q.parse().map_err(|_| err())?;
            if !(1..=4).contains(&q) || q.to_string().len() != 1 {
                return Err(err());
            }
            return Ok(Period::Quarter(year(y)?, q));
        }
        if let Some((y, m)) = t.split_once('-') {
            if m.len() != 2 {
                return Err(err());
            }
            let m: u8 = m.parse().map_err(|_| err())?;
            if !(1..=12).contains(&m) {
                return Err(err());
            }
            return Ok(Period::Month(year(y)?, m));
        }
        // Accept a year written as a float from spreadsheets ("2017.0").
        let t = t.strip_suffix(".0").unwrap_or(t);
        Ok(Period::Year(year(t)?))
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_round_trip() {
        for s in ["2017", "2017Q1", "2017Q4", "2017-01", "2017-12", "1991"] {
            assert_eq!(s.parse::<Period>().unwrap().to_string(), s);
        }
        assert_eq!("2017.0".parse::<Period>().unwrap(), Period::Year(2017));
    }

    #[test]
    fn bad_periods_are_refused() {
        for s in ["", "17", "2017Q5", "2017Q0", "2017-13", "2017-1", "2017-00", "abcd", "2017Q12"] {
            assert!(s.parse::<Period>().is_err(), "{s} parsed");
        }
    }

    #[test]
    fn offsets_cross_year_boundaries() {
        assert_eq!(Period::Quarter(2017, 1).offset(-1), Period::Quarter(2016, 4));
        assert_eq!(Period::Month(2017, 1).offset(-13), Period::Month(2015, 12));
        assert_eq!(Period::Year(2017).offset(-2), Period::Year(2015));
    }

    #[test]
    fn end_dates() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(Period::Year(2017).end_date(), d(2017, 12, 31));
        assert_eq!(Period::Quarter(2017, 1).end_date(), d(2017, 3, 31));
        assert_eq!(Period::Month(2016, 2).end_date(), d(2016, 2, 29));
        assert_eq!(Period::containing(Frequency::Quarter, d(2017, 8, 5)), Period::Quarter(2017, 3));
    }
}
