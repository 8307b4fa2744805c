//! Aggregation of scores and colours (item → indicator → category → programme), SDSN rules:
//! - score: arithmetic mean of the available members' scores;
//! - minimum data: no score (and a grey colour) when more than a set share of members is missing
//!   (SDR: 20 % for the index);
//! - colour: the "two worst" rule, continuous (variant A, default) or categorical (variant B),
//!   plus "green only if all are green".

use crate::assess::bands::Band;
use crate::assess::codes::Code;
use crate::model::{Bands, ScoreSpec};

/// The share of absent members (0 for no members).
#[must_use]
pub fn missing_share(present: &[bool]) -> f64 {
    if present.is_empty() {
        return 0.0;
    }
    present.iter().filter(|&&p| !p).count() as f64 / present.len() as f64
}

/// Whether a group has enough data: the missing share does not exceed `max_missing_share`
/// (`None`: always enough). A group with no member present never has enough.
#[must_use]
pub fn enough_data(present: &[bool], max_missing_share: Option<f64>) -> bool {
    present.iter().any(|&p| p) && max_missing_share.is_none_or(|m| missing_share(present) <= m)
}

/// Mean of the present scores; `None` when none is present or the minimum-data rule fails.
///
/// ```
/// use ecociv::assess::aggregate::mean_score;
/// let scores = [80.0, 0.0, 60.0, 70.0, 50.0];
/// let present = [true, false, true, true, true];
/// assert_eq!(mean_score(&scores, &present, Some(0.2)), Some(65.0)); // 1 of 5 missing: 20 %
/// assert_eq!(mean_score(&scores, &[true, false, false, true, true], Some(0.2)), None); // 40 %
/// ```
///
/// # Panics
/// If the slices differ in length.
#[must_use]
pub fn mean_score(scores: &[f64], present: &[bool], max_missing_share: Option<f64>) -> Option<f64> {
    assert_eq!(scores.len(), present.len(), "slice lengths differ");
    if !enough_data(present, max_missing_share) {
        return None;
    }
    let (mut sum, mut n) = (0.0, 0usize);
    for (&s, &p) in scores.iter().zip(present) {
        if p {
            sum += s;
            n += 1;
        }
    }
    Some(sum / n as f64)
}

/// The 0–4 scale of the continuous "two worst" rule: lower bound → 0, red → 1, mid → 2,
/// green → 3, optimum → 4, linear in between, clamped outside.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandScale {
    sign: f64,
    knots: [f64; 5],
}

impl BandScale {
    /// Builds the scale; `None` unless `lower ≤ red ≤ yellow ≤ green ≤ optimum` in the better
    /// direction with `red ≠ green` and `lower ≠ optimum`.
    #[must_use]
    pub fn new(bands: &Bands, score: &ScoreSpec) -> Option<BandScale> {
        let sign = bands.direction()?.sign();
        if score.direction()? != bands.direction()? {
            return None;
        }
        let knots = [
            score.lower,
            bands.red,
            bands.yellow_cut(),
            bands.green,
            score.optimum,
        ]
        .map(|k| sign * k);
        (knots.iter().all(|k| k.is_finite()) && knots.windows(2).all(|w| w[0] <= w[1]))
            .then_some(BandScale { sign, knots })
    }

    /// The position of a value on 0…4.
    #[must_use]
    pub fn position(&self, value: f64) -> f64 {
        let x = self.sign * value;
        let k = &self.knots;
        if x >= k[4] {
            return 4.0;
        }
        for i in (0..4).rev() {
            if x >= k[i] {
                // k[i] ≤ x < k[i + 1], so the segment has positive length.
                return i as f64 + (x - k[i]) / (k[i + 1] - k[i]);
            }
        }
        0.0
    }
}

/// The band of a 0–4 position: floor 0 red, 1 orange, 2 yellow, 3 or 4 green; NaN grey.
#[must_use]
pub fn band_of_position(p: f64) -> Band {
    Band::from_code(band_code_of_position(p)).unwrap_or(Band::Grey)
}

/// [`band_of_position`]'s code, without branches (the roll-ups compute it for every cell):
/// one step per knot passed from red (0) up, grey (−1) for NaN.
#[inline]
#[must_use]
pub fn band_code_of_position(p: f64) -> i8 {
    Band::Red.code() + i8::from(p >= 1.0) + i8::from(p >= 2.0) + i8::from(p >= 3.0)
        - i8::from(p.is_nan())
}

/// A member's colour for the continuous rule: its band and its 0–4 position.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rated {
    /// The band (grey: no data; such members are ignored).
    pub band: Band,
    /// The 0–4 position (for an item: [`BandScale::position`]; for a group: the mean of its two
    /// worst members' positions).
    pub position: f64,
}

fn downgrade(band: Band, all_green: bool, members: impl Iterator<Item = Band>) -> Band {
    let mut members = members;
    if all_green && band == Band::Green && members.any(|b| b != Band::Green) {
        Band::Yellow
    } else {
        band
    }
}

/// Variant A: the mean of the two lowest positions of the rated members, floor band; with
/// `all_green`, green only if every rated member is green. Grey (position NaN) when no member
/// is rated; a single rated member stands alone.
///
/// ```
/// use ecociv::assess::aggregate::{colour_continuous, Rated};
/// use ecociv::assess::bands::Band;
/// let m = |band, position| Rated { band, position };
/// // two worst: 2.5 and 3.5 → 3.0 → green, but a yellow member → yellow.
/// let g = colour_continuous(&[m(Band::Green, 3.9), m(Band::Yellow, 2.5), m(Band::Green, 3.5)], true);
/// assert_eq!((g.band, g.position), (Band::Yellow, 3.0));
/// ```
#[must_use]
pub fn colour_continuous(members: &[Rated], all_green: bool) -> Rated {
    let (mut lo1, mut lo2) = (f64::INFINITY, f64::INFINITY);
    let mut n = 0;
    for m in members
        .iter()
        .filter(|m| m.band != Band::Grey && !m.position.is_nan())
    {
        n += 1;
        if m.position < lo1 {
            lo2 = lo1;
            lo1 = m.position;
        } else if m.position < lo2 {
            lo2 = m.position;
        }
    }
    let position = match n {
        0 => {
            return Rated {
                band: Band::Grey,
                position: f64::NAN,
            };
        }
        1 => lo1,
        _ => (lo1 + lo2) / 2.0,
    };
    let band = band_of_position(position);
    Rated {
        band: downgrade(
            band,
            all_green,
            members.iter().map(|m| m.band).filter(|b| *b != Band::Grey),
        ),
        position,
    }
}

/// Variant B: red 0, orange 1, yellow 2, green 3; the mean of the two worst, .5 rounded up;
/// grey when no member is rated; `all_green` as in variant A.
///
/// ```
/// use ecociv::assess::aggregate::colour_categorical;
/// use ecociv::assess::bands::Band::*;
/// assert_eq!(colour_categorical(&[Green, Orange, Yellow], true), Yellow); // (1 + 2)/2 = 1.5 → 2
/// assert_eq!(colour_categorical(&[Green, Red, Orange, Grey], true), Orange); // 0.5 → 1
/// ```
#[must_use]
pub fn colour_categorical(members: &[Band], all_green: bool) -> Band {
    let mut ranks: Vec<u8> = members.iter().filter_map(|b| b.rank()).collect();
    ranks.sort_unstable();
    let band = match ranks.as_slice() {
        [] => return Band::Grey,
        [only] => Band::from_rank(*only),
        [a, b, ..] => Band::from_rank((a + b).div_ceil(2)),
    };
    downgrade(
        band,
        all_green,
        members.iter().copied().filter(|b| *b != Band::Grey),
    )
}

/// Applies the minimum-data rule to a group colour: grey when it fails.
#[must_use]
pub fn colour_with_min_data(
    colour: Band,
    present: &[bool],
    max_missing_share: Option<f64>,
) -> Band {
    if enough_data(present, max_missing_share) {
        colour
    } else {
        Band::Grey
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Band::*;

    fn scale() -> BandScale {
        // lower 20, red 50, mid 65, green 80, optimum 100.
        BandScale::new(
            &Bands {
                green: 80.0,
                red: 50.0,
                yellow: None,
            },
            &ScoreSpec {
                lower: 20.0,
                optimum: 100.0,
            },
        )
        .unwrap()
    }

    #[test]
    fn positions_on_every_knot_and_between() {
        let s = scale();
        for (v, p) in [
            (0.0, 0.0),
            (20.0, 0.0),
            (35.0, 0.5),
            (50.0, 1.0),
            (65.0, 2.0),
            (72.5, 2.5),
            (80.0, 3.0),
            (90.0, 3.5),
            (100.0, 4.0),
            (150.0, 4.0),
        ] {
            assert!((s.position(v) - p).abs() < 1e-12, "value {v}");
        }
        // Lower is better: lower 40, red 30, mid 20, green 10, optimum 0.
        let d = BandScale::new(
            &Bands {
                green: 10.0,
                red: 30.0,
                yellow: None,
            },
            &ScoreSpec {
                lower: 40.0,
                optimum: 0.0,
            },
        )
        .unwrap();
        for (v, p) in [
            (50.0, 0.0),
            (35.0, 0.5),
            (30.0, 1.0),
            (20.0, 2.0),
            (10.0, 3.0),
            (5.0, 3.5),
            (-1.0, 4.0),
        ] {
            assert!((d.position(v) - p).abs() < 1e-12, "value {v}");
        }
        // green = optimum (a 100 % target): no zero-length division.
        let z = BandScale::new(
            &Bands {
                green: 100.0,
                red: 50.0,
                yellow: None,
            },
            &ScoreSpec {
                lower: 0.0,
                optimum: 100.0,
            },
        )
        .unwrap();
        assert_eq!(z.position(100.0), 4.0);
        assert!((z.position(99.0) - (2.0 + 24.0 / 25.0)).abs() < 1e-12);
    }

    #[test]
    fn disordered_scales_refused() {
        let b = Bands {
            green: 80.0,
            red: 50.0,
            yellow: None,
        };
        assert!(
            BandScale::new(
                &b,
                &ScoreSpec {
                    lower: 60.0,
                    optimum: 100.0
                }
            )
            .is_none()
        ); // lower above red
        assert!(
            BandScale::new(
                &b,
                &ScoreSpec {
                    lower: 20.0,
                    optimum: 70.0
                }
            )
            .is_none()
        ); // optimum below green
        assert!(
            BandScale::new(
                &b,
                &ScoreSpec {
                    lower: 100.0,
                    optimum: 0.0
                }
            )
            .is_none()
        ); // opposite directions
    }

    #[test]
    fn continuous_floor_bands() {
        let m = |band, position| Rated { band, position };
        let c = |ms: &[Rated]| colour_continuous(ms, true);
        assert_eq!(c(&[m(Green, 4.0), m(Green, 3.0)]).band, Green); // exactly 3
        assert_eq!(c(&[m(Green, 3.0), m(Yellow, 2.99)]).band, Yellow);
        assert_eq!(c(&[m(Yellow, 2.0), m(Yellow, 2.0)]).band, Yellow);
        assert_eq!(c(&[m(Yellow, 2.0), m(Orange, 1.99)]).band, Orange);
        assert_eq!(
            c(&[m(Orange, 1.0), m(Orange, 1.0), m(Green, 4.0)]).band,
            Orange
        );
        assert_eq!(c(&[m(Red, 0.5), m(Orange, 1.4)]).band, Red); // 0.95
        assert_eq!(c(&[m(Grey, f64::NAN)]).band, Grey);
        assert_eq!(c(&[m(Grey, f64::NAN), m(Orange, 1.5)]).band, Orange); // single rated member
        // all-green: 3.5 from a green and a yellow member is yellow; without the rule green.
        let ms = [m(Green, 4.0), m(Yellow, 2.99), m(Green, 4.0)];
        assert_eq!(colour_continuous(&ms[..2], true).band, Yellow);
        assert_eq!(
            colour_continuous(&[m(Green, 4.0), m(Yellow, 2.99)], false).band,
            Green
        );
        assert!((colour_continuous(&ms, true).position - 3.495).abs() < 1e-12);
    }

    #[test]
    fn categorical_round_half_up() {
        let c = |ms: &[Band]| colour_categorical(ms, true);
        assert_eq!(c(&[Green, Green, Green]), Green);
        assert_eq!(c(&[Green, Yellow, Green]), Yellow); // 2.5 → 3 → green, but not all green
        assert_eq!(colour_categorical(&[Green, Yellow, Green], false), Green);
        assert_eq!(c(&[Yellow, Yellow]), Yellow);
        assert_eq!(c(&[Yellow, Orange]), Yellow); // 1.5 → 2
        assert_eq!(c(&[Orange, Red]), Orange); // 0.5 → 1
        assert_eq!(c(&[Red, Red, Green]), Red);
        assert_eq!(c(&[Grey, Grey]), Grey);
        assert_eq!(c(&[Grey, Red]), Red);
    }

    #[test]
    fn minimum_data_rule() {
        assert_eq!(missing_share(&[true, false, true, true]), 0.25);
        assert!(enough_data(&[true, true, true, true, false], Some(0.2)));
        assert!(!enough_data(&[true, true, true, false, false], Some(0.2)));
        assert!(!enough_data(&[false, false], None)); // nothing present → no score
        assert!(enough_data(&[true, false, false], None));
        assert_eq!(mean_score(&[10.0, 20.0], &[true, true], None), Some(15.0));
        assert_eq!(colour_with_min_data(Green, &[true, false], Some(0.2)), Grey);
        assert_eq!(colour_with_min_data(Green, &[true, true], Some(0.2)), Green);
    }
}
