//! The Open SDG / sdg-build progress measure (Statistics Canada method, after Eurostat).
//!
//! - `CAGR(v1, v0, t1, t0) = (v1/v0)^(1/(t1 − t0)) − 1`; a base or target of 0 is replaced by
//!   0.001; base and current must have the same sign (all-negative series flip via `sign`).
//! - With a target: `R = sign · d · CAGR(current, base) / |CAGR(target, base)|`; current at or
//!   beyond the target → target achieved, score 5; score `min(7.1429·R − 4.2857, 5)` for
//!   `R ≥ med`, else `max(4.1667·R − 2.5, −5)`.
//! - Without a target: `P = sign · d · CAGR`, thresholds 1.5 % / 0.5 % / 0 each multiplied by
//!   the limit factor `C`; score `max(125P − 2.5, −5)` for `P < low`, 5 when `C = 0`,
//!   `min(500P/C − 5, 5)` for `P ≥ high`, `250P/C − 1.25` for `P ≥ med`, else `500P/C − 2.5`.
//! - Aggregation: mean of the scores; status from the mean ([2.5, 5] substantial, [0, 2.5)
//!   moderate, [−2.5, 0) limited, below deterioration); target achieved only if every series
//!   achieved it.
//!
//! Worked example (METHODS.md): base 14.5 (2015), current 10.4 (2023), target 7.25 (2030),
//! direction negative → R = 0.9011, score 2.1507, moderate progress.
//!
//! ```
//! use ecociv::assess::progress::{ProgressRule, ProgressStatus};
//! use ecociv::model::Direction;
//! let rule = ProgressRule::new(2015.0, Some(7.25), 2030.0, Direction::Lower, None, None);
//! let s = rule.series(&[2015.0, 2023.0], &[14.5, 10.4], &[true, true]);
//! assert_eq!(format!("{:.4}", s.value.unwrap()), "0.9011");
//! assert_eq!(format!("{:.4}", s.score.unwrap()), "2.1507");
//! assert_eq!(s.status, ProgressStatus::Moderate);
//! ```

use std::collections::BTreeMap;

use crate::assess::codes::Code;
use crate::assess::time::year_time;
use crate::model::{Comparator, Direction, ProgressSpec, ProgressThresholds};

/// An Open SDG progress status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ProgressStatus {
    /// Target achieved.
    TargetAchieved,
    /// Substantial progress / on track.
    Substantial,
    /// Moderate progress: progress made but acceleration needed.
    Moderate,
    /// Limited progress.
    Limited,
    /// Deterioration.
    Deterioration,
    /// Not available.
    #[default]
    NotAvailable,
}

impl ProgressStatus {
    /// The sdg-build labels: `target_achieved`, `substantial_progress`, `moderate_progress`,
    /// `limited_progress`, `deterioration`, `not_available`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ProgressStatus::TargetAchieved => "target_achieved",
            ProgressStatus::Substantial => "substantial_progress",
            ProgressStatus::Moderate => "moderate_progress",
            ProgressStatus::Limited => "limited_progress",
            ProgressStatus::Deterioration => "deterioration",
            ProgressStatus::NotAvailable => "not_available",
        }
    }

    /// The status of an aggregated score (sdg-build `get_progress_status_from_score`):
    /// substantial in 2.5…5, moderate in 0…2.5, limited in −2.5…0, deterioration in −5…−2.5
    /// (each including its lower bound), not available outside −5…5 or without a score.
    #[must_use]
    pub fn from_score(score: Option<f64>, target_achieved: bool) -> ProgressStatus {
        let code = ProgressStatus::code_from_score(score.unwrap_or(f64::NAN), target_achieved);
        ProgressStatus::from_code(code).unwrap_or(ProgressStatus::NotAvailable)
    }

    /// [`ProgressStatus::from_score`]'s code, without branches (the roll-ups compute it for
    /// every cell, where the scores vary): one step per threshold passed from deterioration
    /// (0) up, not available outside −5…5 (and for NaN).
    #[inline]
    #[must_use]
    pub fn code_from_score(score: f64, target_achieved: bool) -> i8 {
        let steps = i8::from(score >= -2.5) + i8::from(score >= 0.0) + i8::from(score >= 2.5);
        let code = if (-5.0..=5.0).contains(&score) {
            ProgressStatus::Deterioration.code() + steps
        } else {
            ProgressStatus::NotAvailable.code()
        };
        if target_achieved {
            ProgressStatus::TargetAchieved.code()
        } else {
            code
        }
    }

    /// The status of a progress value against thresholds (sdg-build `get_progress_status`).
    #[must_use]
    pub fn from_value(
        value: Option<f64>,
        th: &ProgressThresholds,
        target_achieved: bool,
    ) -> ProgressStatus {
        if target_achieved {
            return ProgressStatus::TargetAchieved;
        }
        match value {
            Some(v) if v >= th.high => ProgressStatus::Substantial,
            Some(v) if v >= th.med => ProgressStatus::Moderate,
            Some(v) if v >= th.low => ProgressStatus::Limited,
            Some(v) if v < th.low => ProgressStatus::Deterioration,
            _ => ProgressStatus::NotAvailable,
        }
    }
}

/// `(v1/v0)^(1/(t1 − t0)) − 1` (sdg-build `growth_calculation`; NaN when undefined).
#[must_use]
pub fn cagr(v1: f64, v0: f64, t1: f64, t0: f64) -> f64 {
    (v1 / v0).powf(1.0 / (t1 - t0)) - 1.0
}

/// The limit factor `C` for base `b` and limit `l` (absolute values): 1 if `b ≥ 2l`;
/// `1 − (b/l)^4.44` if `b ≤ l`; else `1 − ((2l − b)/l)^4.44`.
#[must_use]
pub fn limit_coefficient(base: f64, limit: f64) -> f64 {
    let (b, l) = (base.abs(), limit.abs());
    const A: f64 = 4.44;
    if b >= 2.0 * l {
        1.0
    } else if b <= l {
        1.0 - (b / l).powf(A)
    } else {
        1.0 - ((2.0 * l - b) / l).powf(A)
    }
}

/// The score of a growth ratio `R` (with target).
#[must_use]
pub fn score_with_target(r: f64, th: &ProgressThresholds) -> f64 {
    if r >= th.med {
        (7.1429 * r - 4.2857).min(5.0)
    } else {
        (4.1667 * r - 2.5).max(-5.0)
    }
}

/// The score of a growth `P` (without target), with thresholds already multiplied by `coeff`.
#[must_use]
pub fn score_without_target(p: f64, th: &ProgressThresholds, coeff: f64) -> f64 {
    if p < th.low {
        (125.0 * p - 2.5).max(-5.0)
    } else if coeff == 0.0 {
        5.0
    } else if p >= th.high {
        (500.0 * p / coeff - 5.0).min(5.0)
    } else if p >= th.med {
        250.0 * p / coeff - 1.25
    } else {
        500.0 * p / coeff - 2.5
    }
}

/// One series' progress parameters, on the [`crate::assess::time`] axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProgressRule {
    /// Base time; the first observation at or after it is the base.
    pub base_t: f64,
    /// Target (0 is replaced by 0.001); `None` → no-target method.
    pub target: Option<f64>,
    /// Target time.
    pub target_t: f64,
    /// Desired direction.
    pub direction: Direction,
    /// Natural limit (no-target method only).
    pub limit: Option<f64>,
    /// Thresholds before the limit factor.
    pub thresholds: ProgressThresholds,
}

/// One series' progress.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SeriesProgress {
    /// Base (time, value), after replacing a zero base by 0.001.
    pub base: Option<(f64, f64)>,
    /// Current (time, value).
    pub current: Option<(f64, f64)>,
    /// Whether the current value is at or beyond the target.
    pub target_achieved: bool,
    /// `R` (with target) or `P` (without).
    pub value: Option<f64>,
    /// The limit factor `C` (no-target method with a limit).
    pub coefficient: Option<f64>,
    /// The series status (value against the thresholds).
    pub status: ProgressStatus,
    /// The score, −5…5.
    pub score: Option<f64>,
}

impl SeriesProgress {
    /// The score and achievement for aggregation; `None` when there is no score.
    #[must_use]
    pub fn for_aggregation(&self) -> Option<ProgressScore> {
        self.score.map(|score| ProgressScore {
            score,
            target_achieved: self.target_achieved,
        })
    }
}

impl ProgressRule {
    /// The rule a [`ProgressSpec`] declares on the [`crate::assess::time`] axis (annual values
    /// of `base_year` onwards; target at the end of `target_year`). Direction: the spec's, else
    /// the comparator's, else lower (Open SDG's default).
    #[must_use]
    pub fn from_spec(spec: &ProgressSpec, comparator: Comparator) -> ProgressRule {
        let direction = spec
            .direction
            .unwrap_or(match comparator.higher_is_better() {
                Some(true) => Direction::Higher,
                _ => Direction::Lower,
            });
        ProgressRule::new(
            year_time(spec.base_year),
            spec.target,
            year_time(spec.target_year),
            direction,
            spec.limit,
            spec.thresholds,
        )
    }

    /// A rule; `thresholds: None` takes the method's defaults.
    #[must_use]
    pub fn new(
        base_t: f64,
        target: Option<f64>,
        target_t: f64,
        direction: Direction,
        limit: Option<f64>,
        thresholds: Option<ProgressThresholds>,
    ) -> ProgressRule {
        let target = target.map(|t| if t == 0.0 { 0.001 } else { t });
        let thresholds = thresholds.unwrap_or(if target.is_some() {
            ProgressThresholds::WITH_TARGET
        } else {
            ProgressThresholds::WITHOUT_TARGET
        });
        ProgressRule {
            base_t,
            target,
            target_t,
            direction,
            limit,
            thresholds,
        }
    }

    /// The progress of one series `v` at times `t` (ascending), as of its latest observation.
    ///
    /// # Panics
    /// If the slices differ in length.
    #[must_use]
    pub fn series(&self, t: &[f64], v: &[f64], present: &[bool]) -> SeriesProgress {
        assert!(
            t.len() == v.len() && v.len() == present.len(),
            "slice lengths differ"
        );
        match present.iter().rposition(|&p| p) {
            Some(e) => self.series_at(t, v, present, e),
            None => SeriesProgress::default(),
        }
    }

    /// The progress as it stood at every period (`out[i]` uses observations up to `i`).
    ///
    /// # Panics
    /// If the slices differ in length.
    pub fn series_history(
        &self,
        t: &[f64],
        v: &[f64],
        present: &[bool],
        out: &mut [SeriesProgress],
    ) {
        assert!(
            t.len() == v.len() && v.len() == present.len() && out.len() == v.len(),
            "slice lengths differ"
        );
        // The base is the first present observation from the base time on, whatever the
        // period: as of `e` it counts when it is not after `e`. Its limit factor and the
        // target's CAGR are the same for every period, so they are computed once.
        let base = (0..v.len())
            .find(|&i| present[i] && t[i] >= self.base_t - 1e-9)
            .map(|b| self.base_of(t, v, b));
        for (e, o) in out.iter_mut().enumerate() {
            *o = if present[e] {
                let base = base.filter(|b| b.index <= e);
                self.series_from(t[e], v[e], base.as_ref())
            } else {
                SeriesProgress::default()
            };
        }
    }

    fn series_at(&self, t: &[f64], v: &[f64], present: &[bool], e: usize) -> SeriesProgress {
        let base = (0..=e)
            .find(|&i| present[i] && t[i] >= self.base_t - 1e-9)
            .map(|b| self.base_of(t, v, b));
        self.series_from(t[e], v[e], base.as_ref())
    }

    /// What a base observation fixes for every later period.
    fn base_of(&self, t: &[f64], v: &[f64], b: usize) -> Base {
        let (t0, raw0) = (t[b], v[b]);
        let v0 = if raw0 == 0.0 { 0.001 } else { raw0 };
        let mut th = self.thresholds;
        let mut coefficient = None;
        if self.target.is_none()
            && let Some(limit) = self.limit
        {
            let c = limit_coefficient(v0, limit);
            th.high *= c;
            th.med *= c;
            th.low *= c;
            coefficient = Some(c);
        }
        Base {
            index: b,
            t0,
            v0,
            thresholds: th,
            coefficient,
            target_growth: self
                .target
                .map(|target| cagr(target, v0, self.target_t, t0).abs()),
        }
    }

    fn series_from(&self, t1: f64, v1: f64, base: Option<&Base>) -> SeriesProgress {
        let d = self.direction.sign();
        let mut out = SeriesProgress {
            current: Some((t1, v1)),
            ..SeriesProgress::default()
        };
        out.target_achieved = self.target.is_some_and(|target| d * (v1 - target) >= 0.0);
        let mut th = self.thresholds;
        if let Some(b) = base {
            let (t0, v0) = (b.t0, b.v0);
            out.base = Some((t0, v0));
            let sign = if v0 < 0.0 { -1.0 } else { 1.0 };
            th = b.thresholds;
            out.coefficient = b.coefficient;
            let same_sign = !((v0 > 0.0 && v1 < 0.0) || (v0 < 0.0 && v1 > 0.0));
            if same_sign && t1 > t0 {
                let growth = cagr(v1, v0, t1, t0);
                let value = match b.target_growth {
                    Some(target_growth) => sign * d * growth / target_growth,
                    None => sign * d * growth,
                };
                out.value = value.is_finite().then_some(value);
            }
        }
        out.status = ProgressStatus::from_value(out.value, &th, out.target_achieved);
        out.score = if out.target_achieved {
            Some(5.0)
        } else {
            out.value.map(|x| match self.target {
                Some(_) => score_with_target(x, &th),
                None => score_without_target(x, &th, out.coefficient.unwrap_or(1.0)),
            })
        };
        out
    }
}

/// A series' base observation and what it fixes for every period after it.
#[derive(Debug, Clone, Copy)]
struct Base {
    index: usize,
    t0: f64,
    v0: f64,
    /// The thresholds after the limit factor.
    thresholds: ProgressThresholds,
    coefficient: Option<f64>,
    /// `|CAGR(target, base)|` (with a target).
    target_growth: Option<f64>,
}

/// A score with its achievement flag: the unit of aggregation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProgressScore {
    /// Score, −5…5.
    pub score: f64,
    /// Whether the target was achieved (for a group: by every member).
    pub target_achieved: bool,
}

impl ProgressScore {
    /// The status of this score.
    #[must_use]
    pub fn status(&self) -> ProgressStatus {
        ProgressStatus::from_score(Some(self.score), self.target_achieved)
    }
}

/// Mean of the available scores; target achieved only if every available member achieved it.
/// `None` when no member has a score.
///
/// ```
/// use ecociv::assess::progress::{aggregate, ProgressScore, ProgressStatus};
/// let a = ProgressScore { score: 5.0, target_achieved: true };
/// let b = ProgressScore { score: -1.0, target_achieved: false };
/// let m = aggregate(&[Some(a), None, Some(b)]).unwrap();
/// assert_eq!(m.score, 2.0);
/// assert_eq!(m.status(), ProgressStatus::Moderate);
/// ```
#[must_use]
pub fn aggregate(members: &[Option<ProgressScore>]) -> Option<ProgressScore> {
    let (mut sum, mut n, mut all) = (0.0, 0usize, true);
    for m in members.iter().flatten() {
        sum += m.score;
        n += 1;
        all &= m.target_achieved;
    }
    (n > 0).then(|| ProgressScore {
        score: sum / n as f64,
        target_achieved: all,
    })
}

/// Aggregation with sub-indicator groups: members sharing a group are averaged first, then
/// every group and every ungrouped member weigh equally.
#[must_use]
pub fn aggregate_grouped(
    members: &[(Option<&str>, Option<ProgressScore>)],
) -> Option<ProgressScore> {
    if members.iter().all(|(g, _)| g.is_none()) {
        // No sub-groups: the plain mean, in member order (no allocation).
        let (mut sum, mut n, mut all) = (0.0, 0usize, true);
        for m in members.iter().filter_map(|(_, s)| s.as_ref()) {
            sum += m.score;
            n += 1;
            all &= m.target_achieved;
        }
        return (n > 0).then(|| ProgressScore {
            score: sum / n as f64,
            target_achieved: all,
        });
    }
    let mut groups: BTreeMap<&str, Vec<Option<ProgressScore>>> = BTreeMap::new();
    let mut top: Vec<Option<ProgressScore>> = Vec::new();
    for (g, s) in members {
        match g {
            Some(g) => groups.entry(g).or_default().push(*s),
            None => top.push(*s),
        }
    }
    top.extend(groups.values().map(|v| aggregate(v)));
    aggregate(&top)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(target: Option<f64>, direction: Direction, limit: Option<f64>) -> ProgressRule {
        ProgressRule::new(2015.0, target, 2030.0, direction, limit, None)
    }

    #[test]
    fn worked_example_to_the_digits() {
        let s = rule(Some(7.25), Direction::Lower, None).series(
            &[2015.0, 2023.0],
            &[14.5, 10.4],
            &[true, true],
        );
        assert!((s.value.unwrap() - 0.901_089_954_697_620_8).abs() < 1e-12);
        assert!((s.score.unwrap() - 2.150_695_437_409_635).abs() < 1e-9);
        assert_eq!(s.status, ProgressStatus::Moderate);
        assert_eq!(
            ProgressStatus::from_score(s.score, false),
            ProgressStatus::Moderate
        );
    }

    #[test]
    fn target_achieved_and_boundaries() {
        let r = rule(Some(7.25), Direction::Lower, None);
        let s = r.series(&[2015.0, 2023.0], &[14.5, 7.25], &[true, true]);
        assert!(s.target_achieved);
        assert_eq!(
            (s.score, s.status),
            (Some(5.0), ProgressStatus::TargetAchieved)
        );
        // Only one year but already achieved: score 5 (as sdg-build).
        let one = r.series(&[2023.0], &[7.0], &[true]);
        assert_eq!((one.value, one.score), (None, Some(5.0)));
        // Moving the wrong way: R < 0 → deterioration.
        let bad = r.series(&[2015.0, 2023.0], &[14.5, 16.0], &[true, true]);
        assert!(bad.value.unwrap() < 0.0);
        assert_eq!(bad.status, ProgressStatus::Deterioration);
        assert!(bad.score.unwrap() < -2.5);
        // Score pieces at the thresholds.
        let th = ProgressThresholds::WITH_TARGET;
        assert!((score_with_target(0.95, &th) - 2.500_055).abs() < 1e-9);
        assert!((score_with_target(0.6, &th) - 0.000_04).abs() < 1e-9);
        assert!((score_with_target(0.599_999, &th) - (4.1667 * 0.599_999 - 2.5)).abs() < 1e-12);
        assert_eq!(score_with_target(10.0, &th), 5.0);
        assert_eq!(score_with_target(-10.0, &th), -5.0);
    }

    #[test]
    fn positive_direction_and_base_year_fallback() {
        // No 2015 value: base is 2016 (next later year with data).
        let r = rule(Some(200.0), Direction::Higher, None);
        let s = r.series(
            &[2014.0, 2016.0, 2020.0],
            &[50.0, 100.0, 121.0],
            &[true, true, true],
        );
        assert_eq!(s.base, Some((2016.0, 100.0)));
        let expect = cagr(121.0, 100.0, 2020.0, 2016.0) / cagr(200.0, 100.0, 2030.0, 2016.0);
        assert!((s.value.unwrap() - expect).abs() < 1e-12);
    }

    #[test]
    fn without_target_thresholds() {
        let r = rule(None, Direction::Higher, None);
        let p = |v1: f64| r.series(&[2015.0, 2020.0], &[100.0, v1], &[true, true]);
        // CAGR 2 % ≥ 1.5 %: substantial, score min(500·0.02 − 5, 5) = 5.
        let s = p(100.0 * 1.02f64.powi(5));
        assert_eq!(s.status, ProgressStatus::Substantial);
        assert!((s.score.unwrap() - 5.0).abs() < 1e-9);
        // 1 %: moderate, 250·0.01 − 1.25 = 1.25.
        let s = p(100.0 * 1.01f64.powi(5));
        assert_eq!(s.status, ProgressStatus::Moderate);
        assert!((s.score.unwrap() - 1.25).abs() < 1e-9);
        // 0.2 %: limited, 500·0.002 − 2.5 = −1.5.
        let s = p(100.0 * 1.002f64.powi(5));
        assert_eq!(s.status, ProgressStatus::Limited);
        assert!((s.score.unwrap() + 1.5).abs() < 1e-9);
        // −1 %: deterioration, 125·(−0.01) − 2.5 = −3.75.
        let s = p(100.0 * 0.99f64.powi(5));
        assert_eq!(s.status, ProgressStatus::Deterioration);
        assert!((s.score.unwrap() + 3.75).abs() < 1e-9);
        // All-negative series: sign flips the direction.
        let neg = r.series(&[2015.0, 2020.0], &[-100.0, -90.0], &[true, true]);
        assert!(neg.value.unwrap() > 0.0); // −100 → −90 is an increase
        // Mixed signs: not available.
        let mixed = r.series(&[2015.0, 2020.0], &[-1.0, 1.0], &[true, true]);
        assert_eq!(
            (mixed.status, mixed.score),
            (ProgressStatus::NotAvailable, None)
        );
    }

    #[test]
    fn limit_factor() {
        assert_eq!(limit_coefficient(250.0, 100.0), 1.0);
        assert_eq!(limit_coefficient(200.0, 100.0), 1.0);
        assert!((limit_coefficient(50.0, 100.0) - (1.0 - 0.5f64.powf(4.44))).abs() < 1e-12);
        assert!((limit_coefficient(150.0, 100.0) - (1.0 - 0.5f64.powf(4.44))).abs() < 1e-12);
        assert_eq!(limit_coefficient(100.0, 100.0), 0.0);
        // Near a 100 % limit: base 90, C = 1 − 0.9^4.44; growth 1 %/yr → P vs reduced thresholds.
        let r = rule(None, Direction::Higher, Some(100.0));
        let s = r.series(
            &[2015.0, 2020.0],
            &[90.0, 90.0 * 1.01f64.powi(5)],
            &[true, true],
        );
        let c = 1.0 - 0.9f64.powf(4.44);
        assert!((s.coefficient.unwrap() - c).abs() < 1e-12);
        assert!(0.01 >= 0.015 * c); // reduced "high" threshold is met
        assert_eq!(s.status, ProgressStatus::Substantial);
        assert_eq!(s.score, Some(5.0)); // min(500·0.01/C − 5, 5)
        // At the limit and not falling: C = 0 → score 5.
        let at = r.series(&[2015.0, 2020.0], &[100.0, 100.0], &[true, true]);
        assert_eq!(at.score, Some(5.0));
    }

    #[test]
    fn aggregation_and_statuses() {
        let s = |score, a| {
            Some(ProgressScore {
                score,
                target_achieved: a,
            })
        };
        assert_eq!(
            aggregate(&[s(5.0, true), s(5.0, true)]).unwrap().status(),
            ProgressStatus::TargetAchieved
        );
        assert_eq!(
            aggregate(&[s(5.0, true), s(0.0, false)]).unwrap().status(),
            ProgressStatus::Substantial
        );
        assert_eq!(
            aggregate(&[s(-2.5, false)]).unwrap().status(),
            ProgressStatus::Limited
        );
        assert_eq!(
            aggregate(&[s(-2.6, false)]).unwrap().status(),
            ProgressStatus::Deterioration
        );
        assert_eq!(
            aggregate(&[s(0.0, false)]).unwrap().status(),
            ProgressStatus::Moderate
        );
        assert_eq!(aggregate(&[None, None]), None);
        // Groups: (4 + 2)/2 = 3 for group a, then (3 + (−1))/2 = 1.
        let g = aggregate_grouped(&[
            (Some("a"), s(4.0, false)),
            (Some("a"), s(2.0, false)),
            (None, s(-1.0, false)),
        ]);
        assert_eq!(g.unwrap().score, 1.0);
    }
}
