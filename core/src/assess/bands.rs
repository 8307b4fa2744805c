//! SDSN colour bands: green, yellow, orange, red, and grey for missing data.
//!
//! With `mid = (green + red) / 2` (or an explicit `yellow`), in the better direction: at or
//! better than green → green; at or better than mid → yellow; at or better than red → orange;
//! else red. Boundary values take the better colour.

use crate::model::{Bands, Direction};

/// A colour band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Band {
    /// Target met (SDG achieved).
    Green,
    /// Challenges remain.
    Yellow,
    /// Significant challenges remain.
    Orange,
    /// Major challenges remain.
    Red,
    /// No data.
    #[default]
    Grey,
}

impl Band {
    /// The word used in outputs: `green`, `yellow`, `orange`, `red`, `grey`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Green => "green",
            Band::Yellow => "yellow",
            Band::Orange => "orange",
            Band::Red => "red",
            Band::Grey => "grey",
        }
    }

    /// The rank used by the categorical "two worst" rule: red 0, orange 1, yellow 2, green 3;
    /// `None` for grey.
    #[must_use]
    pub fn rank(self) -> Option<u8> {
        match self {
            Band::Red => Some(0),
            Band::Orange => Some(1),
            Band::Yellow => Some(2),
            Band::Green => Some(3),
            Band::Grey => None,
        }
    }

    /// The band of a rank (0 red … 3 green; larger ranks are green).
    #[must_use]
    pub fn from_rank(rank: u8) -> Band {
        match rank {
            0 => Band::Red,
            1 => Band::Orange,
            2 => Band::Yellow,
            _ => Band::Green,
        }
    }
}

/// Band thresholds prepared for fast rating: all comparisons are "≥" on sign-adjusted values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandCuts {
    sign: f64,
    green: f64,
    yellow: f64,
    red: f64,
}

impl BandCuts {
    /// Prepares the cuts; `None` when `green == red` or a value is not finite
    /// (see [`crate::assess::validate_item`]).
    #[must_use]
    pub fn new(bands: &Bands) -> Option<BandCuts> {
        let dir = bands.direction()?;
        let yellow = bands.yellow_cut();
        if !(bands.green.is_finite() && bands.red.is_finite() && yellow.is_finite()) {
            return None;
        }
        let sign = dir.sign();
        Some(BandCuts {
            sign,
            green: sign * bands.green,
            yellow: sign * yellow,
            red: sign * bands.red,
        })
    }

    /// The better direction.
    #[must_use]
    pub fn direction(&self) -> Direction {
        if self.sign > 0.0 {
            Direction::Higher
        } else {
            Direction::Lower
        }
    }

    /// The band of one value; NaN → grey.
    #[must_use]
    pub fn rate(&self, value: f64) -> Band {
        let x = self.sign * value;
        if x >= self.green {
            Band::Green
        } else if x >= self.yellow {
            Band::Yellow
        } else if x >= self.red {
            Band::Orange
        } else if x.is_nan() {
            Band::Grey
        } else {
            Band::Red
        }
    }

    /// The band of an optional value; `None` → grey.
    #[must_use]
    pub fn rate_opt(&self, value: Option<f64>) -> Band {
        value.map_or(Band::Grey, |v| self.rate(v))
    }

    /// Rates a slice (e.g. a whole [`crate::Panel`] metric slice): absent cells are grey.
    ///
    /// # Panics
    /// If the three slices differ in length.
    pub fn rate_slice(&self, values: &[f64], present: &[bool], out: &mut [Band]) {
        assert!(
            values.len() == present.len() && values.len() == out.len(),
            "slice lengths differ"
        );
        for ((o, &v), &p) in out.iter_mut().zip(values).zip(present) {
            *o = if p { self.rate(v) } else { Band::Grey };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cuts(green: f64, red: f64, yellow: Option<f64>) -> BandCuts {
        BandCuts::new(&Bands { green, red, yellow }).unwrap()
    }

    #[test]
    fn higher_is_better_every_boundary() {
        // green 80, red 50 → mid 65.
        let c = cuts(80.0, 50.0, None);
        assert_eq!(c.direction(), Direction::Higher);
        let cases = [
            (100.0, Band::Green),
            (80.0, Band::Green), // boundary → better
            (79.999, Band::Yellow),
            (65.0, Band::Yellow), // midpoint boundary → better
            (64.999, Band::Orange),
            (50.0, Band::Orange), // red boundary → better
            (49.999, Band::Red),
            (-1e9, Band::Red),
        ];
        for (v, b) in cases {
            assert_eq!(c.rate(v), b, "value {v}");
        }
    }

    #[test]
    fn lower_is_better_every_boundary() {
        // PM2.5-like: green 10, red 35 → mid 22.5.
        let c = cuts(10.0, 35.0, None);
        assert_eq!(c.direction(), Direction::Lower);
        let cases = [
            (0.0, Band::Green),
            (10.0, Band::Green),
            (10.001, Band::Yellow),
            (22.5, Band::Yellow),
            (22.501, Band::Orange),
            (35.0, Band::Orange),
            (35.001, Band::Red),
        ];
        for (v, b) in cases {
            assert_eq!(c.rate(v), b, "value {v}");
        }
    }

    #[test]
    fn explicit_yellow_moves_the_split() {
        let c = cuts(80.0, 50.0, Some(70.0));
        assert_eq!(c.rate(70.0), Band::Yellow);
        assert_eq!(c.rate(69.0), Band::Orange);
    }

    #[test]
    fn missing_is_grey_never_green() {
        let c = cuts(80.0, 50.0, None);
        assert_eq!(c.rate(f64::NAN), Band::Grey);
        assert_eq!(c.rate_opt(None), Band::Grey);
        let mut out = [Band::Green; 4];
        c.rate_slice(
            &[90.0, 0.0, 60.0, 40.0],
            &[true, false, true, true],
            &mut out,
        );
        assert_eq!(out, [Band::Green, Band::Grey, Band::Orange, Band::Red]);
    }

    #[test]
    fn equal_thresholds_give_no_cuts() {
        assert!(
            BandCuts::new(&Bands {
                green: 5.0,
                red: 5.0,
                yellow: None
            })
            .is_none()
        );
        assert!(
            BandCuts::new(&Bands {
                green: f64::INFINITY,
                red: 5.0,
                yellow: None
            })
            .is_none()
        );
    }

    #[test]
    fn ranks_round_trip() {
        for b in [Band::Red, Band::Orange, Band::Yellow, Band::Green] {
            assert_eq!(Band::from_rank(b.rank().unwrap()), b);
        }
        assert_eq!(Band::Grey.rank(), None);
        assert_eq!(Band::Grey.as_str(), "grey");
    }
}
