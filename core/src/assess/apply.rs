//! Applying every item's declared methods to an [`Evaluation`]: bands, scores, trend arrows,
//! progress and deadline projections per row, as columns aligned with the evaluation's rows.
//!
//! Row layout is the evaluation's: item `k`, region `r`, period `t` is row `(k * R + r) * P + t`.
//! Codes follow [`crate::assess::codes`] (`−1` no data, `−2` not assessed); numbers are NaN
//! where there is no result. A row whose item does not apply to the region (status −2) is not
//! assessed; a row whose value is missing is grey / no data — never green, never achieved.
//!
//! Trend, progress and projections "as of" a period use the region's values of that period and
//! the earlier *reported* periods (the evaluation's [`Evaluation::periods`], in time order), so a
//! report restricted to a few periods sees only those. A projection's target is the spec's
//! `target`, else the threshold that applied to the region
//! ([`Evaluation::threshold`], after the region-attribute lookup).

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::assess::bands::BandCuts;
use crate::assess::codes::{Code, NOT_ASSESSED};
use crate::assess::progress::ProgressRule;
use crate::assess::projection::{Projection, ProjectionRule};
use crate::assess::score::Normaliser;
use crate::assess::time::period_times;
use crate::assess::trend::{Trend, TrendRule, trend_history};
use crate::assess::{AssessError, validate_item};
use crate::eval::Evaluation;
use crate::model::{Assessment, Growth, Item, Programme, ProjectionSpec};
use crate::period::Period;

/// The deadline projection results for one deadline (a milestone, or an explicit date), over
/// every row of the evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionColumns {
    /// The milestone code, or the `due` date as `YYYY-MM-DD`; a second projection of one item
    /// to the same deadline gets `#2` appended (and so on).
    pub deadline: String,
    /// The deadline date.
    pub due: NaiveDate,
    /// Per item (`k`): the growth method of its projection, `None` when it declares none here.
    pub method: Vec<Option<Growth>>,
    /// Per item × region (`k * R + r`): the target (the spec's, else the applied threshold);
    /// NaN where not assessed.
    pub target: Vec<f64>,
    /// Per row: the [`ProjectionStatus`](crate::assess::projection::ProjectionStatus) code.
    pub status: Vec<i8>,
    /// Per row: actual / required annual change (the item's method).
    pub ratio: Vec<f64>,
    /// Per row: the value at the deadline at the actual pace (the item's method).
    pub projected: Vec<f64>,
    /// Per row: the actual annual change over the window (linear: units per year; compound:
    /// a rate, 0.02 = 2 %/yr).
    pub actual_change: Vec<f64>,
    /// Per row: the annual change required to reach the target by the deadline (same units).
    pub required_change: Vec<f64>,
}

impl ProjectionColumns {
    fn new(deadline: String, due: NaiveDate, items: usize, pairs: usize, rows: usize) -> Self {
        ProjectionColumns {
            deadline,
            due,
            method: vec![None; items],
            target: vec![f64::NAN; pairs],
            status: vec![NOT_ASSESSED; rows],
            ratio: vec![f64::NAN; rows],
            projected: vec![f64::NAN; rows],
            actual_change: vec![f64::NAN; rows],
            required_change: vec![f64::NAN; rows],
        }
    }

    fn put(&mut self, row: usize, method: Growth, p: &Projection) {
        let nan = |x: Option<f64>| x.unwrap_or(f64::NAN);
        self.status[row] = p.status.code();
        self.ratio[row] = nan(p.ratio);
        let (actual, required, projected) = match method {
            Growth::Linear => (p.linear_change, p.required_linear, p.projected_linear),
            Growth::Compound => (p.compound_change, p.required_compound, p.projected_compound),
        };
        self.actual_change[row] = nan(actual);
        self.required_change[row] = nan(required);
        self.projected[row] = nan(projected);
    }
}

/// The monitoring results of an evaluation, one entry per evaluation row in every column.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentTable {
    /// Item codes (the evaluation's item axis).
    pub items: Vec<String>,
    /// Region codes (the `R` axis).
    pub regions: Vec<String>,
    /// Periods (the `P` axis).
    pub periods: Vec<Period>,
    /// Per row: the [`Band`](crate::assess::bands::Band) code (3 green … 0 red, −1 grey).
    pub band: Vec<i8>,
    /// Per row: the normalised score clipped to 0…100.
    pub score: Vec<f64>,
    /// Per row: the unclipped normalised score.
    pub score_unclipped: Vec<f64>,
    /// Per row: the [`Trend`] code as of that period.
    pub trend: Vec<i8>,
    /// Per row: the Open SDG [`ProgressStatus`](crate::assess::progress::ProgressStatus) code
    /// as of that period.
    pub progress: Vec<i8>,
    /// Per row: the Open SDG progress score (−5…5).
    pub progress_score: Vec<f64>,
    /// One set of columns per deadline, in order of first appearance.
    pub projections: Vec<ProjectionColumns>,
}

impl AssessmentTable {
    /// The row of item `k`, region `r`, period `t`.
    #[must_use]
    pub fn row(&self, item: usize, region: usize, period: usize) -> usize {
        (item * self.regions.len() + region) * self.periods.len() + period
    }

    /// The projection columns of a deadline (milestone code or `YYYY-MM-DD`).
    #[must_use]
    pub fn projection(&self, deadline: &str) -> Option<&ProjectionColumns> {
        self.projections.iter().find(|p| p.deadline == deadline)
    }

    /// The row of an item, region and period given by code (`None` if any is unknown).
    #[must_use]
    pub fn row_of(&self, item: &str, region: &str, period: Period) -> Option<usize> {
        let k = self.items.iter().position(|c| c == item)?;
        let r = self.regions.iter().position(|c| c == region)?;
        let t = self.periods.iter().position(|p| *p == period)?;
        Some(self.row(k, r, t))
    }
}

/// One region's series of one item, in time order.
struct Series {
    t: Vec<f64>,
    v: Vec<f64>,
    present: Vec<bool>,
    /// Whether the item applies (per sorted period).
    applies: Vec<bool>,
    /// Evaluation row of each sorted position.
    rows: Vec<usize>,
}

/// Computes every declared method for every row of `evaluation`.
///
/// `programme` must be the programme that was evaluated: each item with an `assess` table is
/// found in the evaluation by its code.
///
/// # Errors
/// The [`AssessError`] of an invalid `assess` table (see [`validate_item`]; programmes loaded
/// from files are already checked), or [`AssessError::NotEvaluated`] when an item that declares
/// `assess` is not in the evaluation.
///
/// # Example
/// ```
/// use ecociv::assess::apply::apply;
/// use ecociv::assess::bands::Band;
/// use ecociv::assess::codes::Code;
/// use ecociv::eval::{evaluate, EvalOptions};
/// use ecociv::model::{Bands, Level, RegionDef};
/// use ecociv::{Panel, Period};
///
/// let mut programme = ecociv::programme::builtin("baoshan-2017")?;
/// let i01 = &mut programme.indicators[0].items[0]; // rural income ≥ 6000
/// i01.assess.get_or_insert_default().bands = Some(Bands { green: 6000.0, red: 4000.0, yellow: None });
/// let region = RegionDef { code: "R1".into(), name: "R1".into(), level: Level::County,
///                          parent: None, attributes: Default::default() };
/// let mut panel = Panel::new(vec![region], vec![Period::Year(2016), Period::Year(2017)],
///                            vec!["rural_income".into()]);
/// panel.set(0, 0, 0, 4900.0);
/// let e = evaluate(&programme, &panel, &EvalOptions::default())?;
/// let table = apply(&programme, &e)?;
/// let row = table.row_of("I01", "R1", Period::Year(2016)).unwrap();
/// assert_eq!(Band::from_code(table.band[row]), Some(Band::Orange)); // 4900 ≥ red 4000, < mid 5000
/// assert_eq!(Band::from_code(table.band[row + 1]), Some(Band::Grey)); // 2017 missing
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn apply(
    programme: &Programme,
    evaluation: &Evaluation,
) -> Result<AssessmentTable, AssessError> {
    let e = evaluation;
    let (nk, nr, np) = (e.items.len(), e.regions.len(), e.periods.len());
    let n = nk * nr * np;
    let mut table = AssessmentTable {
        items: e.items.iter().map(|i| i.code.clone()).collect(),
        regions: e.regions.clone(),
        periods: e.periods.clone(),
        band: vec![NOT_ASSESSED; n],
        score: vec![f64::NAN; n],
        score_unclipped: vec![f64::NAN; n],
        trend: vec![NOT_ASSESSED; n],
        progress: vec![NOT_ASSESSED; n],
        progress_score: vec![f64::NAN; n],
        projections: Vec::new(),
    };
    let times = period_times(&e.periods);
    let mut order: Vec<usize> = (0..np).collect();
    order.sort_by(|&a, &b| times[a].total_cmp(&times[b]));
    let index: HashMap<&str, usize> = e
        .items
        .iter()
        .enumerate()
        .map(|(k, i)| (i.code.as_str(), k))
        .collect();
    for item in programme.items() {
        let Some(a) = &item.assess else { continue };
        validate_item(item, a, &programme.milestones)?;
        let k = *index
            .get(item.code.as_str())
            .ok_or_else(|| AssessError::NotEvaluated {
                item: item.code.clone(),
            })?;
        // The deadline columns of this item's projections (created on first use).
        let slots = projection_slots(programme, a, &mut table, nk, nr * nk, n);
        for r in 0..nr {
            let base = (k * nr + r) * np;
            let rows: Vec<usize> = order.iter().map(|&t| base + t).collect();
            let s = Series {
                t: order.iter().map(|&t| times[t]).collect(),
                v: rows.iter().map(|&i| e.value[i]).collect(),
                present: rows
                    .iter()
                    .map(|&i| e.status[i] != -2 && e.value[i].is_finite())
                    .collect(),
                applies: rows.iter().map(|&i| e.status[i] != -2).collect(),
                rows,
            };
            rate(&mut table, a, &s);
            progress(&mut table, item, a, &s);
            let threshold = e.threshold[k * nr + r];
            for (spec, &slot) in a.projection.iter().zip(&slots) {
                let cols = &mut table.projections[slot];
                cols.method[k] = Some(spec.method);
                let target = spec.target.or(threshold.is_finite().then_some(threshold));
                let Some(rule) =
                    ProjectionRule::from_spec(spec, item.comparator, target, &programme.milestones)
                else {
                    continue;
                };
                cols.target[k * nr + r] = rule.goal.target;
                let mut out = vec![Projection::default(); np];
                rule.project_history(&s.t, &s.v, &s.present, &mut out);
                for (i, p) in out.iter().enumerate() {
                    if s.applies[i] {
                        cols.put(s.rows[i], spec.method, p);
                    }
                }
            }
        }
    }
    Ok(table)
}

/// The index in `table.projections` of each of the item's projections, creating columns for
/// deadlines not seen before.
fn projection_slots(
    programme: &Programme,
    a: &Assessment,
    table: &mut AssessmentTable,
    items: usize,
    pairs: usize,
    rows: usize,
) -> Vec<usize> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    a.projection
        .iter()
        .map(|spec| {
            let (key, due) = deadline(programme, spec);
            let count = seen.entry(key.clone()).or_insert(0);
            *count += 1;
            let key = if *count == 1 {
                key
            } else {
                format!("{key}#{count}")
            };
            match table.projections.iter().position(|p| p.deadline == key) {
                Some(i) => i,
                None => {
                    table
                        .projections
                        .push(ProjectionColumns::new(key, due, items, pairs, rows));
                    table.projections.len() - 1
                }
            }
        })
        .collect()
}

/// A projection's deadline key and date (validated: one of `due` and a known milestone).
fn deadline(programme: &Programme, spec: &ProjectionSpec) -> (String, NaiveDate) {
    match (&spec.due, &spec.milestone) {
        (Some(d), _) => (d.to_string(), *d),
        (None, Some(m)) => {
            let due = programme
                .milestones
                .iter()
                .find(|x| &x.code == m)
                .map_or(NaiveDate::MAX, |x| x.due);
            (m.clone(), due)
        }
        (None, None) => (String::new(), NaiveDate::MAX),
    }
}

/// Bands, scores and the trend of one series.
fn rate(table: &mut AssessmentTable, a: &Assessment, s: &Series) {
    if let Some(cuts) = a.bands.as_ref().and_then(BandCuts::new) {
        for (i, &row) in s.rows.iter().enumerate() {
            if s.applies[i] {
                let v = if s.present[i] { s.v[i] } else { f64::NAN };
                table.band[row] = cuts.rate(v).code();
            }
        }
    }
    let Some(norm) = a.score.as_ref().and_then(Normaliser::new) else {
        return;
    };
    let mut unclipped = vec![f64::NAN; s.rows.len()];
    for (i, &row) in s.rows.iter().enumerate() {
        if s.present[i] {
            unclipped[i] = norm.unclipped(s.v[i]);
            table.score[row] = norm.clipped(s.v[i]);
            table.score_unclipped[row] = unclipped[i];
        }
    }
    let (Some(spec), Some(score)) = (&a.trend, &a.score) else {
        return;
    };
    let Some(rule) = TrendRule::from_spec(spec, a.bands.as_ref(), score) else {
        return;
    };
    let mut out = vec![Trend::NoData; s.rows.len()];
    trend_history(&rule, &s.t, &unclipped, &s.present, &mut out);
    for (i, &row) in s.rows.iter().enumerate() {
        if s.applies[i] {
            table.trend[row] = out[i].code();
        }
    }
}

/// The Open SDG progress of one series.
fn progress(table: &mut AssessmentTable, item: &Item, a: &Assessment, s: &Series) {
    let Some(spec) = &a.progress else { return };
    let rule = ProgressRule::from_spec(spec, item.comparator);
    let mut out = vec![Default::default(); s.rows.len()];
    rule.series_history(&s.t, &s.v, &s.present, &mut out);
    for (i, &row) in s.rows.iter().enumerate() {
        if s.applies[i] {
            table.progress[row] = out[i].status.code();
            table.progress_score[row] = out[i].score.unwrap_or(f64::NAN);
        }
    }
}
