//! Deadline projection: at the current pace, will the item reach its target by the milestone,
//! and how much faster must it move?
//!
//! Over the window (the observations within `window` years before the latest one):
//! - actual annual change, linear `(v1 − v0)/(t1 − t0)` and compound `(v1/v0)^(1/(t1 − t0)) − 1`;
//! - required annual change from the reference point (window start, or the latest value) to the
//!   target at the deadline, linear and compound;
//! - projected value at the deadline from the latest value at the actual pace;
//! - ratio = actual / required (the chosen [`Growth`]), and a status: achieved (latest value
//!   meets the target), on track (ratio ≥ 0.95), needs acceleration (≥ 0.60), stagnating (≥ 0),
//!   moving away (< 0) — the Eurostat / Open SDG bands, configurable; missed (deadline passed,
//!   target not met); insufficient (fewer than two observations, or compound growth on
//!   non-positive values).

use crate::assess::time::date_time;
use crate::model::{Basis, Comparator, Direction, Growth, Milestone, ProjectionSpec};

/// A deadline projection status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ProjectionStatus {
    /// The latest value already meets the target.
    Achieved,
    /// Ratio ≥ the first band (0.95).
    OnTrack,
    /// Ratio ≥ the second band (0.60).
    NeedsAcceleration,
    /// Ratio ≥ the third band (0).
    Stagnating,
    /// Ratio below the third band: moving away from the target.
    MovingAway,
    /// The deadline is at or before the latest observation and the target is not met.
    Missed,
    /// Not enough usable data.
    #[default]
    Insufficient,
}

impl ProjectionStatus {
    /// `achieved`, `on_track`, `needs_acceleration`, `stagnating`, `moving_away`, `missed`,
    /// `insufficient`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectionStatus::Achieved => "achieved",
            ProjectionStatus::OnTrack => "on_track",
            ProjectionStatus::NeedsAcceleration => "needs_acceleration",
            ProjectionStatus::Stagnating => "stagnating",
            ProjectionStatus::MovingAway => "moving_away",
            ProjectionStatus::Missed => "missed",
            ProjectionStatus::Insufficient => "insufficient",
        }
    }
}

/// What must be reached: a target in a direction, inclusive (`>=`, `<=`) or strict (`>`, `<`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goal {
    /// The target value.
    pub target: f64,
    /// Which way is better.
    pub direction: Direction,
    /// Whether reaching the target exactly counts (`>=` / `<=`).
    pub inclusive: bool,
}

impl Goal {
    /// Whether `value` meets the goal.
    #[must_use]
    pub fn met(&self, value: f64) -> bool {
        let d = self.direction.sign() * (value - self.target);
        if self.inclusive { d >= 0.0 } else { d > 0.0 }
    }
}

/// A projection's parameters on the [`crate::assess::time`] axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProjectionRule {
    /// The target.
    pub goal: Goal,
    /// The deadline (e.g. `date_time(milestone.due)`).
    pub due_t: f64,
    /// Window length in years back from the latest observation.
    pub window: f64,
    /// Growth used for the ratio and the status.
    pub method: Growth,
    /// Where the required change is measured from.
    pub basis: Basis,
    /// Ratio bands, strictly decreasing (`[0.95, 0.60, 0.0]`).
    pub ratio_bands: [f64; 3],
}

/// The result of a projection. Every number is `None` where it cannot be computed.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Projection {
    /// The status.
    pub status: ProjectionStatus,
    /// Window start (time, value).
    pub start: Option<(f64, f64)>,
    /// Latest observation (time, value).
    pub latest: Option<(f64, f64)>,
    /// Actual linear change per year.
    pub linear_change: Option<f64>,
    /// Actual compound annual growth rate (0.02 = 2 %/yr).
    pub compound_change: Option<f64>,
    /// Required linear change per year from the reference point to the target at the deadline.
    pub required_linear: Option<f64>,
    /// Required compound annual growth rate from the reference point.
    pub required_compound: Option<f64>,
    /// Value at the deadline at the actual linear pace.
    pub projected_linear: Option<f64>,
    /// Value at the deadline at the actual compound pace.
    pub projected_compound: Option<f64>,
    /// Actual / required, for the rule's growth method.
    pub ratio: Option<f64>,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn cagr(v1: f64, v0: f64, years: f64) -> Option<f64> {
    if v0 > 0.0 && v1 > 0.0 && years > 0.0 {
        finite((v1 / v0).powf(1.0 / years) - 1.0)
    } else {
        None
    }
}

impl ProjectionRule {
    /// The rule a [`ProjectionSpec`] declares for an item with this comparator and (numeric,
    /// region-resolved) threshold; `None` when the target, direction or deadline is missing
    /// (see [`crate::assess::validate_item`]). Strict comparators (`>`, `<`) make strict goals.
    #[must_use]
    pub fn from_spec(
        spec: &ProjectionSpec,
        comparator: Comparator,
        threshold: Option<f64>,
        milestones: &[Milestone],
    ) -> Option<ProjectionRule> {
        let target = spec.target.or(threshold)?;
        let direction = spec.direction.or_else(|| {
            comparator.higher_is_better().map(|h| {
                if h {
                    Direction::Higher
                } else {
                    Direction::Lower
                }
            })
        })?;
        let due = match (&spec.due, &spec.milestone) {
            (Some(d), _) => *d,
            (None, Some(m)) => milestones.iter().find(|x| &x.code == m)?.due,
            (None, None) => return None,
        };
        Some(ProjectionRule {
            goal: Goal {
                target,
                direction,
                inclusive: !matches!(comparator, Comparator::Gt | Comparator::Lt),
            },
            due_t: date_time(due),
            window: f64::from(spec.window),
            method: spec.method,
            basis: spec.basis,
            ratio_bands: spec.ratio_bands,
        })
    }

    /// The status of a ratio under the bands.
    #[must_use]
    pub fn status_of_ratio(&self, ratio: f64) -> ProjectionStatus {
        let [a, b, c] = self.ratio_bands;
        if ratio >= a {
            ProjectionStatus::OnTrack
        } else if ratio >= b {
            ProjectionStatus::NeedsAcceleration
        } else if ratio >= c {
            ProjectionStatus::Stagnating
        } else {
            ProjectionStatus::MovingAway
        }
    }

    /// Projects the series `v` at times `t` (ascending) from its latest present observation.
    ///
    /// ```
    /// use ecociv::assess::projection::{Goal, ProjectionRule, ProjectionStatus};
    /// use ecociv::model::{Basis, Direction, Growth};
    /// // Forest cover 60 → 63 % over 2013–2016; ≥ 65 % needed by the end of 2017.
    /// let rule = ProjectionRule {
    ///     goal: Goal { target: 65.0, direction: Direction::Higher, inclusive: true },
    ///     due_t: 2018.0, window: 5.0, method: Growth::Linear, basis: Basis::Start,
    ///     ratio_bands: [0.95, 0.60, 0.0],
    /// };
    /// let p = rule.project(&[2014.0, 2017.0], &[60.0, 63.0], &[true, true]);
    /// assert_eq!(p.linear_change, Some(1.0));
    /// assert_eq!(p.required_linear, Some(1.25)); // (65 − 60) / 4 years
    /// assert_eq!(p.projected_linear, Some(64.0));
    /// assert_eq!(p.status, ProjectionStatus::NeedsAcceleration); // ratio 0.8
    /// ```
    ///
    /// # Panics
    /// If the slices differ in length.
    #[must_use]
    pub fn project(&self, t: &[f64], v: &[f64], present: &[bool]) -> Projection {
        assert!(
            t.len() == v.len() && v.len() == present.len(),
            "slice lengths differ"
        );
        match present.iter().rposition(|&p| p) {
            Some(e) => self.project_at(t, v, present, e),
            None => Projection::default(),
        }
    }

    /// The projection as it stood at every period (`out[i]` uses observations up to `i`;
    /// insufficient where `i` is absent).
    ///
    /// # Panics
    /// If the slices differ in length.
    pub fn project_history(&self, t: &[f64], v: &[f64], present: &[bool], out: &mut [Projection]) {
        assert!(
            t.len() == v.len() && v.len() == present.len() && out.len() == v.len(),
            "slice lengths differ"
        );
        for (e, o) in out.iter_mut().enumerate() {
            *o = if present[e] {
                self.project_at(t, v, present, e)
            } else {
                Projection::default()
            };
        }
    }

    fn project_at(&self, t: &[f64], v: &[f64], present: &[bool], e: usize) -> Projection {
        let (t1, v1) = (t[e], v[e]);
        let mut p = Projection {
            latest: Some((t1, v1)),
            ..Projection::default()
        };
        let achieved = self.goal.met(v1);
        let horizon = self.due_t - t1;
        // A small tolerance so that a 5-year window from 2021 includes 2016 despite rounding.
        let from = t1 - self.window - 1e-9;
        let s = (0..e).find(|&i| present[i] && t[i] >= from);
        if let Some(s) = s {
            let (t0, v0) = (t[s], v[s]);
            let dt = t1 - t0;
            p.start = Some((t0, v0));
            p.linear_change = finite((v1 - v0) / dt);
            p.compound_change = cagr(v1, v0, dt);
            if horizon > 0.0 {
                p.projected_linear = p.linear_change.and_then(|c| finite(v1 + c * horizon));
                p.projected_compound = p
                    .compound_change
                    .and_then(|c| finite(v1 * (1.0 + c).powf(horizon)));
            }
            let (tr, vr) = match self.basis {
                Basis::Start if !self.goal.met(v0) => (t0, v0),
                _ => (t1, v1),
            };
            let span = self.due_t - tr;
            if span > 0.0 {
                p.required_linear = finite((self.goal.target - vr) / span);
                p.required_compound = cagr(self.goal.target, vr, span);
            }
            let (actual, required) = match self.method {
                Growth::Linear => (p.linear_change, p.required_linear),
                Growth::Compound => (p.compound_change, p.required_compound),
            };
            if let (Some(a), Some(r)) = (actual, required)
                && r != 0.0
            {
                p.ratio = finite(a / r);
            }
        }
        p.status = if achieved {
            ProjectionStatus::Achieved
        } else if horizon <= 0.0 {
            ProjectionStatus::Missed
        } else {
            p.ratio
                .map_or(ProjectionStatus::Insufficient, |r| self.status_of_ratio(r))
        };
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(
        target: f64,
        direction: Direction,
        due_t: f64,
        method: Growth,
        basis: Basis,
    ) -> ProjectionRule {
        ProjectionRule {
            goal: Goal {
                target,
                direction,
                inclusive: true,
            },
            due_t,
            window: 5.0,
            method,
            basis,
            ratio_bands: [0.95, 0.60, 0.0],
        }
    }

    #[test]
    fn every_status_linear_higher() {
        // From 50 at 2015 to x at 2020; target 60 at 2025: required (60 − 50)/10 = 1/yr.
        let t = [2015.0, 2020.0];
        let r = rule(
            60.0,
            Direction::Higher,
            2025.0,
            Growth::Linear,
            Basis::Start,
        );
        let st = |x: f64| r.project(&t, &[50.0, x], &[true, true]).status;
        assert_eq!(st(60.0), ProjectionStatus::Achieved); // boundary meets an inclusive goal
        assert_eq!(st(54.75), ProjectionStatus::OnTrack); // ratio 0.95 exactly
        assert_eq!(st(54.7), ProjectionStatus::NeedsAcceleration);
        assert_eq!(st(53.0), ProjectionStatus::NeedsAcceleration); // 0.60
        assert_eq!(st(52.9), ProjectionStatus::Stagnating);
        assert_eq!(st(50.0), ProjectionStatus::Stagnating); // 0
        assert_eq!(st(49.9), ProjectionStatus::MovingAway);
    }

    #[test]
    fn lower_is_better_and_strict_goals() {
        // Energy intensity 1.3 → 1.2 over 2 years; ≤ 1.1 within 2 more: required from the
        // start (1.1 − 1.3)/4 = −0.05, actual −0.05 → ratio 1.
        let t = [2015.0, 2017.0];
        let r = rule(1.1, Direction::Lower, 2019.0, Growth::Linear, Basis::Start);
        let p = r.project(&t, &[1.3, 1.2], &[true, true]);
        assert!((p.ratio.unwrap() - 1.0).abs() < 1e-9);
        assert_eq!(p.status, ProjectionStatus::OnTrack);
        assert!((p.projected_linear.unwrap() - 1.1).abs() < 1e-9);
        let worse = r.project(&t, &[1.3, 1.35], &[true, true]);
        assert_eq!(worse.status, ProjectionStatus::MovingAway);
        // Strict goal (< 1.1): 1.1 itself is not achieved.
        let mut strict = r;
        strict.goal.inclusive = false;
        assert_eq!(
            strict.project(&t, &[1.3, 1.1], &[true, true]).status,
            ProjectionStatus::OnTrack
        );
        assert_eq!(
            r.project(&t, &[1.3, 1.1], &[true, true]).status,
            ProjectionStatus::Achieved
        );
    }

    #[test]
    fn compound_and_basis() {
        // 100 → 121 over 2 years: CAGR 10 %; target 200 by t = 2024 from 2020.
        let t = [2018.0, 2020.0];
        let v = [100.0, 121.0];
        let start = rule(
            200.0,
            Direction::Higher,
            2024.0,
            Growth::Compound,
            Basis::Start,
        );
        let p = start.project(&t, &v, &[true, true]);
        assert!((p.compound_change.unwrap() - 0.1).abs() < 1e-12);
        let req = 2f64.powf(1.0 / 6.0) - 1.0;
        assert!((p.required_compound.unwrap() - req).abs() < 1e-12);
        assert!((p.projected_compound.unwrap() - 121.0 * 1.1f64.powi(4)).abs() < 1e-9);
        assert!((p.ratio.unwrap() - 0.1 / req).abs() < 1e-12); // 0.8165
        assert_eq!(p.status, ProjectionStatus::NeedsAcceleration);
        let latest = Basis::Latest;
        let p2 = ProjectionRule {
            basis: latest,
            ..start
        }
        .project(&t, &v, &[true, true]);
        let req2 = (200.0f64 / 121.0).powf(0.25) - 1.0;
        assert!((p2.required_compound.unwrap() - req2).abs() < 1e-12);
        assert!((p2.ratio.unwrap() - 0.1 / req2).abs() < 1e-12); // 0.7468
        assert_eq!(p2.status, ProjectionStatus::NeedsAcceleration);
    }

    #[test]
    fn insufficient_missed_and_window() {
        let r = rule(
            60.0,
            Direction::Higher,
            2025.0,
            Growth::Linear,
            Basis::Start,
        );
        assert_eq!(
            r.project(&[2020.0], &[50.0], &[true]).status,
            ProjectionStatus::Insufficient
        );
        assert_eq!(
            r.project(&[2020.0], &[70.0], &[true]).status,
            ProjectionStatus::Achieved
        );
        assert_eq!(
            r.project(&[2020.0], &[0.0], &[false]).status,
            ProjectionStatus::Insufficient
        );
        // Deadline passed, not met.
        let late = rule(
            60.0,
            Direction::Higher,
            2019.0,
            Growth::Linear,
            Basis::Start,
        );
        assert_eq!(
            late.project(&[2015.0, 2020.0], &[50.0, 55.0], &[true, true])
                .status,
            ProjectionStatus::Missed
        );
        // Window: 2010 is outside a 5-year window ending 2020, 2015 inside.
        let p = r.project(
            &[2010.0, 2015.0, 2020.0],
            &[0.0, 50.0, 55.0],
            &[true, true, true],
        );
        assert_eq!(p.start, Some((2015.0, 50.0)));
        // Compound on non-positive values: insufficient, linear still reported.
        let c = rule(
            60.0,
            Direction::Higher,
            2025.0,
            Growth::Compound,
            Basis::Start,
        );
        let p = c.project(&[2015.0, 2020.0], &[-5.0, 5.0], &[true, true]);
        assert_eq!(p.status, ProjectionStatus::Insufficient);
        assert_eq!(p.linear_change, Some(2.0));
    }

    #[test]
    fn history_as_of_each_period() {
        let r = rule(
            60.0,
            Direction::Higher,
            2025.0,
            Growth::Linear,
            Basis::Start,
        );
        let t = [2016.0, 2017.0, 2018.0, 2019.0];
        let v = [50.0, 49.0, 0.0, 61.0];
        let mut out = [Projection::default(); 4];
        r.project_history(&t, &v, &[true, true, false, true], &mut out);
        let s: Vec<_> = out.iter().map(|p| p.status).collect();
        assert_eq!(
            s,
            [
                ProjectionStatus::Insufficient,
                ProjectionStatus::MovingAway,
                ProjectionStatus::Insufficient,
                ProjectionStatus::Achieved
            ]
        );
    }
}
