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
//!
//! Compound growth is computed through the continuous rate `g = (ln v1 − ln v0)/(t1 − t0)`:
//! the rate is `exp(g) − 1` and the projected value `v1 · exp(g · h)` for a horizon of `h`
//! years; the required rate from `v` over `span` years is `exp((ln target − ln v)/span) − 1`.
//! These are the numbers of `(v1/v0)^(1/Δt) − 1`, `v1 · (1 + rate)^h` and
//! `(target/v)^(1/span) − 1` up to the last bits (the difference of two logarithms adds at
//! most ~`ε · (|ln v1| + |ln v0|)` to the log growth), at a fraction of the cost of `powf`: one
//! logarithm per value, shared by every window, target and deadline, then one exponential per
//! number. `exp` and `ln` are [`crate::math`]'s, which vectorise and round alike everywhere;
//! [`ProjectionRule::project`] and the column kernel behind [`crate::assess::apply()`] use the
//! same operations, so their numbers agree bit for bit.

use crate::assess::codes::Code;
use crate::assess::time::date_time;
use crate::math::{Wide, exp, ln};
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

/// `ln v` where `v` is positive, else NaN: the logarithm every compound growth of a series
/// goes through (computed once per value and shared by every window, deadline and target).
#[inline]
pub(crate) fn log_of(v: f64) -> f64 {
    if v > 0.0 { ln(v) } else { f64::NAN }
}

/// [`log_of`] every value of `v`, into `out` (replacing its contents).
pub(crate) fn logs_of(v: &[f64], out: &mut Vec<f64>) {
    out.clear();
    out.resize(v.len(), 0.0);
    crate::math::wide(Logs { v, out });
}

/// One call of [`logs_of`], run compiled for wide vectors.
struct Logs<'a> {
    v: &'a [f64],
    out: &'a mut [f64],
}

impl Wide for Logs<'_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        for (o, &v) in self.out.iter_mut().zip(self.v) {
            *o = log_of(v);
        }
    }
}

/// `ln(v1/v0)`, the log growth from `v0` to `v1`, as `ln v1 − ln v0`, when both are positive.
fn log_growth(v1: f64, v0: f64) -> Option<f64> {
    (v0 > 0.0 && v1 > 0.0).then(|| log_of(v1) - log_of(v0))
}

/// The continuous annual rate of a log growth over `years` (positive): `ln(v1/v0)/years`.
fn rate(log_growth: f64, years: f64) -> Option<f64> {
    if years > 0.0 {
        finite(log_growth / years)
    } else {
        None
    }
}

/// The compound annual growth rate of a continuous rate: `exp(g) − 1`.
fn compound(g: f64) -> Option<f64> {
    finite(exp(g) - 1.0)
}

/// `(v1/v0)^(1/years) − 1` as `exp(ln(v1/v0)/years) − 1`, with the continuous rate.
fn cagr(v1: f64, v0: f64, years: f64) -> Option<(f64, f64)> {
    let g = rate(log_growth(v1, v0)?, years)?;
    Some((compound(g)?, g))
}

/// The value `horizon` years after `v1` at the continuous rate `g`: `v1 · exp(g · horizon)`.
fn grown(v1: f64, g: f64, horizon: f64) -> Option<f64> {
    finite(v1 * exp(g * horizon))
}

/// `x` where finite, else NaN (the column kernels' `Option`).
#[inline]
fn nan_unless_finite(x: f64) -> f64 {
    if x.is_finite() { x } else { f64::NAN }
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
            Some(e) => self.project_at(t, v, present, e, true),
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
                self.project_at(t, v, present, e, true)
            } else {
                Projection::default()
            };
        }
    }

    fn project_at(
        &self,
        t: &[f64],
        v: &[f64],
        present: &[bool],
        e: usize,
        both: bool,
    ) -> Projection {
        let linear = both || self.method == Growth::Linear;
        let compound = both || self.method == Growth::Compound;
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
            if linear {
                p.linear_change = finite((v1 - v0) / dt);
            }
            let growth = if compound { cagr(v1, v0, dt) } else { None };
            p.compound_change = growth.map(|(c, _)| c);
            if horizon > 0.0 {
                p.projected_linear = p.linear_change.and_then(|c| finite(v1 + c * horizon));
                p.projected_compound = growth.and_then(|(_, g)| grown(v1, g, horizon));
            }
            let (tr, vr) = match self.basis {
                Basis::Start if !self.goal.met(v0) => (t0, v0),
                _ => (t1, v1),
            };
            let span = self.due_t - tr;
            if span > 0.0 {
                if linear {
                    p.required_linear = finite((self.goal.target - vr) / span);
                }
                if compound {
                    p.required_compound = cagr(self.goal.target, vr, span).map(|(c, _)| c);
                }
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

/// The actual pace of one series over one window, as of every period: what every projection
/// with that window shares, whatever its deadline or target (see [`ProjectionRule::columns`]).
/// Buffers are reused from series to series.
#[derive(Debug, Default)]
pub(crate) struct Pace {
    /// Per period: the window start's time, NaN where there is none (or the period is absent).
    t0: Vec<f64>,
    /// Per period: the window start's value (NaN where none).
    v0: Vec<f64>,
    /// Per period: [`log_of`] the window start's value (NaN where none, or without compound).
    l0: Vec<f64>,
    /// Per period: the actual linear change, NaN where none.
    linear: Vec<f64>,
    /// Per period: the actual compound change, NaN where none.
    compound: Vec<f64>,
    /// Per period: the continuous rate behind `compound` (NaN where `compound` is).
    rate: Vec<f64>,
}

impl Pace {
    /// Computes the window starts and the requested actual changes (`linear`, `compound`) of
    /// `v` at times `t` (ascending) over a `window`-year window, exactly as
    /// [`ProjectionRule::project`] does.
    /// `logs` is [`log_of`] each value (only read with `compound`).
    pub(crate) fn compute(
        &mut self,
        (window, linear, compound): (f64, bool, bool),
        t: &[f64],
        v: &[f64],
        logs: &[f64],
        present: &[bool],
    ) {
        let n = t.len();
        for (col, on) in [
            (&mut self.t0, true),
            (&mut self.v0, true),
            (&mut self.l0, compound),
            (&mut self.linear, linear),
            (&mut self.compound, compound),
            (&mut self.rate, compound),
        ] {
            col.clear();
            col.resize(if on { n } else { 0 }, f64::NAN);
        }
        // The window start only moves forward: an index that fails "present and inside the
        // window" for one period fails it for every later one (times ascend).
        let mut lo = 0;
        for e in 0..n {
            if !present[e] {
                continue;
            }
            let from = t[e] - window - 1e-9;
            while lo < e && !(present[lo] && t[lo] >= from) {
                lo += 1;
            }
            if lo < e {
                self.t0[e] = t[lo];
                self.v0[e] = v[lo];
                if compound {
                    self.l0[e] = logs[lo];
                }
            }
        }
        crate::math::wide(Changes {
            pace: self,
            linear,
            compound,
            t,
            v,
            logs,
        });
    }
}

/// The actual changes of a [`Pace`] from its window starts, run compiled for wide vectors.
struct Changes<'a> {
    pace: &'a mut Pace,
    linear: bool,
    compound: bool,
    t: &'a [f64],
    v: &'a [f64],
    logs: &'a [f64],
}

impl Wide for Changes<'_> {
    type Output = ();

    /// The changes, element by element (loops the compiler vectorises).
    #[inline(always)]
    fn run(self) {
        let Changes {
            pace,
            linear,
            compound,
            t,
            v,
            logs,
        } = self;
        let n = t.len();
        let (t, v, t0, v0) = (&t[..n], &v[..n], &pace.t0[..n], &pace.v0[..n]);
        if linear {
            for (e, out) in pace.linear[..n].iter_mut().enumerate() {
                *out = nan_unless_finite((v[e] - v0[e]) / (t[e] - t0[e]));
            }
        }
        if compound {
            let (logs, l0) = (&logs[..n], &pace.l0[..n]);
            let (rates, compounds) = (&mut pace.rate[..n], &mut pace.compound[..n]);
            for e in 0..n {
                let dt = t[e] - t0[e];
                let g = (logs[e] - l0[e]) / dt;
                let c = exp(g) - 1.0;
                let ok = dt > 0.0 && g.is_finite() && c.is_finite();
                rates[e] = if ok { g } else { f64::NAN };
                compounds[e] = if ok { c } else { f64::NAN };
            }
        }
    }
}

/// One series' projection results in time order (one entry per period) for one deadline: the
/// rule's own method's status, projected value, actual and required change.
pub(crate) struct ProjectionOut<'a> {
    /// The [`ProjectionStatus`] code.
    pub status: &'a mut [i8],
    /// The projected value at the deadline.
    pub projected: &'a mut [f64],
    /// The actual annual change.
    pub actual: &'a mut [f64],
    /// The required annual change.
    pub required: &'a mut [f64],
}

/// Owned buffers for a [`ProjectionOut`], reused from series to series.
#[derive(Debug, Default)]
pub(crate) struct ProjectionRows {
    /// The [`ProjectionStatus`] code.
    pub status: Vec<i8>,
    /// The projected value at the deadline.
    pub projected: Vec<f64>,
    /// The actual annual change.
    pub actual: Vec<f64>,
    /// The required annual change.
    pub required: Vec<f64>,
}

impl ProjectionRows {
    /// The buffers sized for `n` periods, as an output.
    pub(crate) fn out(&mut self, n: usize) -> ProjectionOut<'_> {
        self.status.resize(n, 0);
        for col in [&mut self.projected, &mut self.actual, &mut self.required] {
            col.resize(n, 0.0);
        }
        ProjectionOut {
            status: &mut self.status,
            projected: &mut self.projected,
            actual: &mut self.actual,
            required: &mut self.required,
        }
    }
}

/// One call of [`ProjectionRule::columns`], run compiled for wide vectors.
struct Columns<'r, 'o> {
    rule: &'r ProjectionRule,
    pace: &'r Pace,
    t: &'r [f64],
    v: &'r [f64],
    logs: &'r [f64],
    present: &'r [bool],
    out: ProjectionOut<'o>,
}

impl Wide for Columns<'_, '_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let Columns {
            rule,
            pace,
            t,
            v,
            logs,
            present,
            out,
        } = self;
        match (rule.method, rule.basis) {
            (Growth::Linear, Basis::Start) => {
                rule.kernel::<false, true>(pace, t, v, logs, present, out);
            }
            (Growth::Linear, Basis::Latest) => {
                rule.kernel::<false, false>(pace, t, v, logs, present, out);
            }
            (Growth::Compound, Basis::Start) => {
                rule.kernel::<true, true>(pace, t, v, logs, present, out);
            }
            (Growth::Compound, Basis::Latest) => {
                rule.kernel::<true, false>(pace, t, v, logs, present, out);
            }
        }
    }
}

impl ProjectionRule {
    /// [`ProjectionRule::project_history`] for the rule's own method, as columns: the same
    /// numbers bit for bit, from a [`Pace`] computed with this rule's window (and `logs`, the
    /// [`log_of`] each value, for compound growth), written to every entry of `out`.
    ///
    /// One branch-free pass per series: every candidate number is computed for every period
    /// and the definitions' conditions select among them, so the loop (with [`exp`]) compiles
    /// to SIMD code.
    pub(crate) fn columns(
        &self,
        pace: &Pace,
        t: &[f64],
        v: &[f64],
        logs: &[f64],
        present: &[bool],
        out: ProjectionOut<'_>,
    ) {
        crate::math::wide(Columns {
            rule: self,
            pace,
            t,
            v,
            logs,
            present,
            out,
        });
    }

    /// [`ProjectionRule::columns`] for one method (`COMPOUND`) and basis (`FROM_START`).
    #[inline(always)]
    fn kernel<const COMPOUND: bool, const FROM_START: bool>(
        &self,
        pace: &Pace,
        t: &[f64],
        v: &[f64],
        logs: &[f64],
        present: &[bool],
        out: ProjectionOut<'_>,
    ) {
        let n = t.len();
        let (t, v, present) = (&t[..n], &v[..n], &present[..n]);
        let (t0, v0) = (&pace.t0[..n], &pace.v0[..n]);
        // Unused slices are empty and never read (the constants decide).
        let (logs, l0, rates, actuals) = if COMPOUND {
            (
                &logs[..n],
                &pace.l0[..n],
                &pace.rate[..n],
                &pace.compound[..n],
            )
        } else {
            (&[][..], &[][..], &[][..], &pace.linear[..n])
        };
        let (status, projected, actual_out, required_out) = (
            &mut out.status[..n],
            &mut out.projected[..n],
            &mut out.actual[..n],
            &mut out.required[..n],
        );
        let goal = self.goal;
        let (target, due) = (goal.target, self.due_t);
        let log_target = if COMPOUND { log_of(target) } else { f64::NAN };
        // Three element-wise loops over plain slices, each simple enough to vectorise. Absent
        // periods have no window start ([`Pace::compute`]), so every number below is NaN for
        // them whatever the series holds there.
        // 1. The actual change (the pace's column) and the value at the deadline.
        actual_out.copy_from_slice(actuals);
        for e in 0..n {
            let (v1, actual, horizon) = (v[e], actuals[e], due - t[e]);
            let at = if COMPOUND {
                nan_unless_finite(v1 * exp(rates[e] * horizon))
            } else {
                nan_unless_finite(v1 + actual * horizon)
            };
            projected[e] = if horizon > 0.0 && !actual.is_nan() {
                at
            } else {
                f64::NAN
            };
        }
        // 2. The required change from the reference point: the window start when the basis
        //    says so and the start does not meet the goal, else the latest value.
        for e in 0..n {
            let from_start = FROM_START && !goal.met(v0[e]);
            let span = due - if from_start { t0[e] } else { t[e] };
            let required = if COMPOUND {
                let g = (log_target - if from_start { l0[e] } else { logs[e] }) / span;
                let c = exp(g) - 1.0;
                if g.is_finite() && c.is_finite() {
                    c
                } else {
                    f64::NAN
                }
            } else {
                nan_unless_finite((target - if from_start { v0[e] } else { v[e] }) / span)
            };
            required_out[e] = if !t0[e].is_nan() && span > 0.0 {
                required
            } else {
                f64::NAN
            };
        }
        // 3. The status. The ratio is NaN unless both changes are numbers, the required one is
        //    not 0 and the quotient is finite (the definitions' "no ratio"); the bands' codes
        //    count down from on track (4) to moving away (1).
        let [band_a, band_b, band_c] = self.ratio_bands;
        let (achieved, missed, insufficient, moving_away) = (
            ProjectionStatus::Achieved.code(),
            ProjectionStatus::Missed.code(),
            ProjectionStatus::Insufficient.code(),
            ProjectionStatus::MovingAway.code(),
        );
        for e in 0..n {
            let ratio = actuals[e] / required_out[e];
            let band = moving_away
                + i8::from(ratio >= band_a)
                + i8::from(ratio >= band_b)
                + i8::from(ratio >= band_c);
            status[e] = if !present[e] {
                insufficient
            } else if goal.met(v[e]) {
                achieved
            } else if due - t[e] <= 0.0 {
                missed
            } else if ratio.is_finite() {
                band
            } else {
                insufficient
            };
        }
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

    /// The column kernel gives [`ProjectionRule::project_history`]'s numbers bit for bit:
    /// gaps, duplicate times, non-positive values, both methods and bases, deadlines inside
    /// and after the series, a target met at the window start.
    #[test]
    fn columns_match_history_bit_for_bit() {
        let t = [
            2010.0, 2011.0, 2012.0, 2012.0, 2013.5, 2014.0, 2015.0, 2016.0, 2017.0, 2018.0, 2019.0,
            2020.0,
        ];
        let v = [
            40.0, 42.5, -1.0, 44.0, 0.0, 47.25, 61.0, 52.0, 55.5, 49.0, 58.75, 63.0,
        ];
        let present = [
            true, true, false, true, true, true, true, false, true, true, true, true,
        ];
        let bits = |x: Option<f64>| x.unwrap_or(f64::NAN).to_bits();
        for method in [Growth::Linear, Growth::Compound] {
            for basis in [Basis::Start, Basis::Latest] {
                for (target, direction) in [(60.0, Direction::Higher), (45.0, Direction::Lower)] {
                    let logs: Vec<f64> = v.iter().map(|&x| log_of(x)).collect();
                    for due_t in [2016.5, 2018.0, 2030.0] {
                        for window in [1.0, 3.0, 5.0] {
                            let mut r = rule(target, direction, due_t, method, basis);
                            r.window = window;
                            let mut want = [Projection::default(); 12];
                            r.project_history(&t, &v, &present, &mut want);
                            let mut pace = Pace::default();
                            pace.compute(
                                (window, method == Growth::Linear, method == Growth::Compound),
                                &t,
                                &v,
                                &logs,
                                &present,
                            );
                            let mut got = ProjectionRows::default();
                            r.columns(&pace, &t, &v, &logs, &present, got.out(t.len()));
                            for (i, p) in want.iter().enumerate() {
                                let (a, q, x) = match method {
                                    Growth::Linear => {
                                        (p.linear_change, p.required_linear, p.projected_linear)
                                    }
                                    Growth::Compound => (
                                        p.compound_change,
                                        p.required_compound,
                                        p.projected_compound,
                                    ),
                                };
                                let case =
                                    format!("{method:?} {basis:?} {target} {due_t} {window} @{i}");
                                assert_eq!(got.status[i], p.status.code(), "{case}");
                                let ratio = finite(got.actual[i] / got.required[i]);
                                assert_eq!(bits(ratio), bits(p.ratio), "{case}");
                                assert_eq!(got.actual[i].to_bits(), bits(a), "{case}");
                                assert_eq!(got.required[i].to_bits(), bits(q), "{case}");
                                assert_eq!(got.projected[i].to_bits(), bits(x), "{case}");
                            }
                        }
                    }
                }
            }
        }
    }

    /// The log-domain compound growth (`exp((ln v1 − ln v0)/Δt) − 1`, `v1 · exp(g · h)`) gives
    /// the `powf` definitions' numbers (`(v1/v0)^(1/Δt) − 1`, `v1 · ((v1/v0)^(1/Δt))^h`) up to
    /// the last bits, over a wide grid of values, spans and horizons. The difference of two
    /// logarithms adds at most ~`ε · (|ln v1| + |ln v0|)` to the log growth (each logarithm is
    /// within an ulp), i.e. that over `Δt` to the rate: ~1e-14 relative at worst on this grid.
    #[test]
    fn log_domain_growth_matches_powf() {
        let eps = f64::EPSILON;
        let values = [
            0.013, 0.5, 0.97, 1.0, 1.1, 7.25, 14.5, 63.0, 4_900.0, 6_000.0, 1.5e6,
        ];
        let spans = [0.25, 0.5, 1.0, 2.0, 3.0, 4.5, 5.0, 12.0, 30.0];
        for &v0 in &values {
            for &v1 in &values {
                for &dt in &spans {
                    let (c, g) = cagr(v1, v0, dt).expect("defined");
                    let old = (v1 / v0).powf(1.0 / dt);
                    // The logarithms' share of the rate's error.
                    let dg = 2.0 * eps * (v1.ln().abs() + v0.ln().abs()) / dt;
                    // Within a few ulps of the growth factor, plus the rounding of `− 1`.
                    let tol = 8.0 * eps * (old * (1.0 + g.abs()) + 1.0) + old * dg;
                    assert!((c - (old - 1.0)).abs() <= tol, "{v0} → {v1} over {dt}");
                    for h in [0.5, 1.0, 1.5, 7.0, 20.0] {
                        // (The old `v1 · (1 + c)^h` loses digits where `c` is near −1; the
                        // growth factor itself is the reference.)
                        let want = v1 * old.powf(h);
                        if want > 1e300 {
                            continue; // overflows either way
                        }
                        let got = grown(v1, g, h).expect("finite");
                        let tol = 16.0 * eps * want * (1.0 + (g * h).abs()) + want * h * dg;
                        assert!((got - want).abs() <= tol, "{v0} → {v1} over {dt}, +{h}");
                    }
                }
            }
        }
        assert_eq!(cagr(1.0, 0.0, 1.0), None);
        assert_eq!(cagr(-1.0, 2.0, 1.0), None);
        assert_eq!(cagr(2.0, 1.0, 0.0), None);
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
