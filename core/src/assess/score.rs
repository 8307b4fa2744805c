//! SDSN normalised scores: `n = 100 · (x − lower) / (optimum − lower)`, clipped to 0…100 for
//! scores and dashboards, unclipped for trends.
//!
//! Both directions work with one formula: for "lower is better" the optimum is below the lower
//! bound.

use crate::model::ScoreSpec;

/// A score clipped to 0…100 (NaN stays NaN).
#[inline]
#[must_use]
pub fn clip(score: f64) -> f64 {
    score.clamp(0.0, 100.0)
}

/// `out[i] = clip(unclipped[i])` over the shorter of the two slices (for a column, or part of
/// one on its own thread).
pub fn clip_into(unclipped: &[f64], out: &mut [f64]) {
    for (o, &s) in out.iter_mut().zip(unclipped) {
        *o = clip(s);
    }
}

/// A prepared normalisation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Normaliser {
    lower: f64,
    scale: f64,
}

impl Normaliser {
    /// Prepares `spec`; `None` when `lower == optimum` or a bound is not finite.
    ///
    /// ```
    /// use ecociv::assess::score::Normaliser;
    /// use ecociv::model::ScoreSpec;
    /// let n = Normaliser::new(&ScoreSpec { lower: 40.0, optimum: 0.0 }).unwrap(); // lower is better
    /// assert_eq!(n.clipped(10.0), 75.0);
    /// assert_eq!(n.unclipped(50.0), -25.0);
    /// assert_eq!(n.clipped(50.0), 0.0);
    /// ```
    #[must_use]
    pub fn new(spec: &ScoreSpec) -> Option<Normaliser> {
        let span = spec.optimum - spec.lower;
        (span != 0.0 && span.is_finite() && spec.lower.is_finite()).then(|| Normaliser {
            lower: spec.lower,
            scale: 100.0 / span,
        })
    }

    /// The unclipped score (may be below 0 or above 100).
    #[must_use]
    pub fn unclipped(&self, value: f64) -> f64 {
        (value - self.lower) * self.scale
    }

    /// The score clipped to 0…100.
    #[must_use]
    pub fn clipped(&self, value: f64) -> f64 {
        clip(self.unclipped(value))
    }

    /// Scores a slice; absent cells stay absent (`out_present = false`, `out = 0.0`).
    ///
    /// # Panics
    /// If the slices differ in length.
    pub fn score_slice(
        &self,
        values: &[f64],
        present: &[bool],
        clip: bool,
        out: &mut [f64],
        out_present: &mut [bool],
    ) {
        let n = values.len();
        assert!(
            present.len() == n && out.len() == n && out_present.len() == n,
            "slice lengths differ"
        );
        for i in 0..n {
            let p = present[i];
            let s = if clip {
                self.clipped(values[i])
            } else {
                self.unclipped(values[i])
            };
            out[i] = if p { s } else { 0.0 };
            out_present[i] = p;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_is_better_with_clipping() {
        let n = Normaliser::new(&ScoreSpec {
            lower: 20.0,
            optimum: 100.0,
        })
        .unwrap();
        assert_eq!(n.clipped(20.0), 0.0);
        assert_eq!(n.clipped(60.0), 50.0);
        assert_eq!(n.clipped(100.0), 100.0);
        assert_eq!(n.clipped(120.0), 100.0);
        assert_eq!(n.unclipped(120.0), 125.0);
        assert_eq!(n.clipped(10.0), 0.0);
        assert_eq!(n.unclipped(10.0), -12.5);
    }

    #[test]
    fn lower_is_better() {
        let n = Normaliser::new(&ScoreSpec {
            lower: 35.0,
            optimum: 5.0,
        })
        .unwrap();
        assert_eq!(n.clipped(5.0), 100.0);
        assert_eq!(n.clipped(20.0), 50.0);
        assert_eq!(n.clipped(35.0), 0.0);
        assert_eq!(n.unclipped(50.0), -50.0);
        assert_eq!(n.clipped(0.0), 100.0);
        assert!((n.unclipped(0.0) - 116.666_666_666_666_67).abs() < 1e-9);
    }

    #[test]
    fn degenerate_spec_refused() {
        assert!(
            Normaliser::new(&ScoreSpec {
                lower: 1.0,
                optimum: 1.0
            })
            .is_none()
        );
        assert!(
            Normaliser::new(&ScoreSpec {
                lower: f64::NAN,
                optimum: 1.0
            })
            .is_none()
        );
    }

    #[test]
    fn slice_keeps_missing_missing() {
        let n = Normaliser::new(&ScoreSpec {
            lower: 0.0,
            optimum: 10.0,
        })
        .unwrap();
        let (mut out, mut pres) = ([9.0; 3], [true; 3]);
        n.score_slice(
            &[5.0, 7.0, 12.0],
            &[true, false, true],
            true,
            &mut out,
            &mut pres,
        );
        assert_eq!(out, [50.0, 0.0, 100.0]);
        assert_eq!(pres, [true, false, true]);
    }
}
