//! One time axis for every method: decimal years, a period standing at the end of its last day.
//!
//! `Period::Year(2016)` and the date 2016-12-31 are both at `2017.0`, so "one year from the 2016
//! value to the 2017-12-31 milestone" is `2018.0 − 2017.0 = 1.0`.
//!
//! ```
//! use ecociv::assess::time::{date_time, period_time, year_time};
//! use ecociv::period::Period;
//! use chrono::NaiveDate;
//! let due = NaiveDate::from_ymd_opt(2017, 12, 31).unwrap();
//! assert_eq!(date_time(due) - period_time(Period::Year(2016)), 1.0);
//! assert_eq!(year_time(2030) - year_time(2015), 15.0);
//! ```

use chrono::{Datelike, NaiveDate};

use crate::period::Period;

/// The decimal year at the end of `date` (`2017-12-31` → `2018.0`, `2018-06-30` → `2018.4959`).
#[must_use]
pub fn date_time(date: NaiveDate) -> f64 {
    let days = if date.leap_year() { 366.0 } else { 365.0 };
    f64::from(date.year()) + f64::from(date.ordinal()) / days
}

/// The decimal year at the end of a period (`2017` → `2018.0`, `2017Q1` → `2017.2466`).
#[must_use]
pub fn period_time(period: Period) -> f64 {
    date_time(period.end_date())
}

/// The time of the annual value of year `y` (its end): `y + 1`.
#[must_use]
pub fn year_time(y: i32) -> f64 {
    f64::from(y) + 1.0
}

/// The times of a run of periods.
#[must_use]
pub fn period_times(periods: &[Period]) -> Vec<f64> {
    periods.iter().map(|p| period_time(*p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milestones_on_the_axis() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(date_time(d(2017, 12, 31)), 2018.0);
        assert!((date_time(d(2018, 6, 30)) - (2018.0 + 181.0 / 365.0)).abs() < 1e-12);
        assert_eq!(period_time(Period::Year(2016)), year_time(2016));
        assert_eq!(date_time(d(2016, 12, 31)), 2017.0); // leap year
        assert!(period_time(Period::Quarter(2017, 4)) == 2018.0);
    }
}
