//! Applying every item's declared methods to an [`Evaluation`]: bands, scores, trend arrows,
//! progress and deadline projections per row, as columns aligned with the evaluation's rows;
//! and their roll-ups to indicator, category and programme level per region × period
//! ([`crate::assess::rollup`]).
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
//!
//! Cost: each item's columns are filled by one worker (items spread over the available cores,
//! heaviest first; roll-ups by blocks of regions, [`crate::assess::rollup`]), one region's
//! series at a time: the window start slides forward instead of being searched for each
//! period; `ln v` once per value for every window, target and deadline; the actual change
//! over a window (with its continuous rate) once for every deadline that shares the window;
//! the trend window start and the progress base (with its target CAGR) once per series. The
//! projection numbers are element-wise, branch-free loops over the series
//! ([`ProjectionRule`]'s column kernel) with [`crate::math`]'s `exp` and `ln`, compiled for
//! AVX2 where the CPU has it ([`crate::math::wide`]); the per-period definitions use the same
//! operations, so the columns equal them bit for bit.
//!
//! Memory is the other half of the cost: every column is allocated zeroed and advised onto
//! transparent huge pages ([`crate::memory::zeroed`]), faulted in by the worker that fills it;
//! a method no item declares gets no column; what is exactly derivable is not stored (the
//! clipped score, [`AssessmentTable::score`]; the ratio, [`AssessmentTable::ratio`]); deadlines
//! with the same actual changes share one column ([`ProjectionColumns::actual_from`]). At the
//! benchmark kit's M scale (3,375 regions × 30 years × 24 items, 2.43 M rows; 2 cores, quiet
//! VM, `cargo bench --bench assess`) `apply` takes ~42 ms (82 ms of CPU) with the built-in
//! programme's projections (2 deadlines, ~100 MB of columns) and ~102 ms (200 ms of CPU) with
//! every method and the roll-ups (~250 MB), against ~6 ms for the plain evaluation. What
//! remains in the built-in case is mostly arithmetic — two exponentials per row and deadline
//! and one per row for the actual change (the kernels, ~40 % of the CPU time) — and the kernel
//! zeroing fresh pages (~10 %).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::NaiveDate;

use crate::assess::aggregate::BandScale;
use crate::assess::bands::BandCuts;
use crate::assess::codes::{Code, NOT_ASSESSED};
use crate::assess::composite::{composite, entropy_weights, normalise};
use crate::assess::methods::Methods;
use crate::assess::progress::{ProgressRule, ProgressStatus, SeriesProgress};
use crate::assess::projection::{Pace, ProjectionOut, ProjectionRows, ProjectionRule, logs_of};
use crate::assess::rollup::{Member, RollUps, Shape, roll_up};
use crate::assess::score::{Normaliser, clip};
use crate::assess::time::period_times;
use crate::assess::trend::{Trend, TrendRule, trend_history};
use crate::assess::{AssessError, validate_item};
use crate::eval::Evaluation;
use crate::memory::zeroed;
use crate::model::{Assessment, Direction, Growth, Item, Programme, ProjectionSpec, Weights};
use crate::period::Period;

/// The deadline projection results for one deadline (a milestone, or an explicit date), over
/// every row of the evaluation. The ratio of actual to required change is not stored: it is
/// exactly their quotient where finite ([`AssessmentTable::ratio`], [`AssessmentTable::ratios`]).
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
    /// Per row: the value at the deadline at the actual pace (the item's method).
    pub projected: Vec<f64>,
    /// Per row: the actual annual change over the window (linear: units per year; compound:
    /// a rate, 0.02 = 2 %/yr). Empty when `actual_from` names the deadline that holds it; read
    /// it with [`AssessmentTable::actual_changes`] / [`AssessmentTable::actual_change`].
    pub actual_change: Vec<f64>,
    /// The index in [`AssessmentTable::projections`] of an earlier deadline whose
    /// `actual_change` column is this deadline's too (every item projects to both with the
    /// same window and method: the actual change does not depend on the deadline), `None`
    /// when this deadline stores its own.
    pub actual_from: Option<usize>,
    /// Per row: the annual change required to reach the target by the deadline (same units).
    pub required_change: Vec<f64>,
}

impl ProjectionColumns {
    /// Columns for `rows` rows; every entry is written by [`apply`] (zeroed allocations on
    /// huge pages, faulted in by the workers that fill them).
    fn new(deadline: String, due: NaiveDate, items: usize, pairs: usize, rows: usize) -> Self {
        ProjectionColumns {
            deadline,
            due,
            method: vec![None; items],
            target: vec![0.0; pairs],
            status: zeroed(rows),
            projected: zeroed(rows),
            actual_change: Vec::new(),
            actual_from: None,
            required_change: zeroed(rows),
        }
    }
}

/// Actual / required where finite, else NaN (a required change of 0 gives ±inf or NaN).
fn ratio(actual: f64, required: f64) -> f64 {
    let x = actual / required;
    if x.is_finite() { x } else { f64::NAN }
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
    /// Per row: the [`Band`](crate::assess::bands::Band) code (3 green … 0 red, −1 grey). Empty when no item declares
    /// bands (every row would be not assessed).
    pub band: Vec<i8>,
    /// Per row: the position on the 0–4 scale of the continuous colour rule (lower bound 0,
    /// red 1, mid 2, green 3, optimum 4; an item with bands but no score sits at its band's
    /// rank, red 0 … green 3); NaN without bands or data. Empty when no item declares bands.
    pub position: Vec<f64>,
    /// Per row: the unclipped normalised score. Empty when no item declares a score. The
    /// clipped score (0…100) is not stored: [`AssessmentTable::score`],
    /// [`AssessmentTable::scores`].
    pub score_unclipped: Vec<f64>,
    /// Per row: the [`Trend`] code as of that period. Empty when no item declares a trend.
    pub trend: Vec<i8>,
    /// Per row: the Open SDG [`ProgressStatus`] code as of that period. Empty when no item
    /// declares progress.
    pub progress: Vec<i8>,
    /// Per row: the Open SDG progress score (−5…5). Empty when no item declares progress.
    pub progress_score: Vec<f64>,
    /// One set of columns per deadline, in order of first appearance.
    pub projections: Vec<ProjectionColumns>,
    /// Scores, colours and progress rolled up to indicator, category and programme level with
    /// the programme's aggregation settings; `None` when no indicator item declares bands, a
    /// score or progress.
    pub rollups: Option<RollUps>,
}

impl AssessmentTable {
    /// The normalised score of a row clipped to 0…100 (exactly
    /// [`Normaliser::clipped`](crate::assess::score::Normaliser::clipped) of its value); NaN
    /// without a score, or when no item declares one.
    #[must_use]
    pub fn score(&self, row: usize) -> f64 {
        self.score_unclipped.get(row).map_or(f64::NAN, |&s| clip(s))
    }

    /// [`AssessmentTable::score`] of every row, as a new column (empty when no item declares
    /// a score).
    #[must_use]
    pub fn scores(&self) -> Vec<f64> {
        let mut out: Vec<f64> = crate::memory::with_capacity(self.score_unclipped.len());
        out.extend(self.score_unclipped.iter().map(|&s| clip(s)));
        out
    }

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

    /// The actual annual change column of the `d`-th deadline (its own, or the one it shares,
    /// see [`ProjectionColumns::actual_from`]).
    ///
    /// # Panics
    /// If `d` is out of range.
    #[must_use]
    pub fn actual_changes(&self, d: usize) -> &[f64] {
        let p = &self.projections[d];
        match p.actual_from {
            Some(from) => &self.projections[from].actual_change,
            None => &p.actual_change,
        }
    }

    /// The actual annual change of a row for the `d`-th deadline.
    ///
    /// # Panics
    /// If `d` or `row` is out of range.
    #[must_use]
    pub fn actual_change(&self, d: usize, row: usize) -> f64 {
        self.actual_changes(d)[row]
    }

    /// Actual / required annual change (the item's method) of a row for the `d`-th deadline:
    /// NaN where either is missing, the required change is 0 or the quotient is not finite.
    /// Not stored: it is exactly `actual / required` where that is finite.
    ///
    /// # Panics
    /// If `d` or `row` is out of range.
    #[must_use]
    pub fn ratio(&self, d: usize, row: usize) -> f64 {
        ratio(
            self.actual_change(d, row),
            self.projections[d].required_change[row],
        )
    }

    /// [`AssessmentTable::ratio`] of every row for the `d`-th deadline, as a new column.
    ///
    /// # Panics
    /// If `d` is out of range.
    #[must_use]
    pub fn ratios(&self, d: usize) -> Vec<f64> {
        let required = &self.projections[d].required_change;
        let mut out: Vec<f64> = crate::memory::with_capacity(required.len());
        out.extend(
            self.actual_changes(d)
                .iter()
                .zip(required)
                .map(|(&a, &r)| ratio(a, r)),
        );
        out
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

/// What one item declares, resolved once (the region-independent parts of its rules).
struct ItemPlan<'a> {
    item: &'a Item,
    assessment: &'a Assessment,
    /// Per projection: its slot in `table.projections`, the spec, the rule with a placeholder
    /// target (`None`: no direction or deadline), and the index of its window in `windows`.
    projections: Vec<(usize, &'a ProjectionSpec, Option<ProjectionRule>, usize)>,
    /// The distinct windows (years) of the projections, with whether a linear and a compound
    /// projection use each.
    windows: Vec<(f64, bool, bool)>,
}

impl ItemPlan<'_> {
    /// A rough relative cost, to hand out the heaviest items first.
    fn cost(&self) -> usize {
        let a = self.assessment;
        1 + 4 * self.projections.len()
            + 2 * usize::from(a.progress.is_some())
            + usize::from(a.trend.is_some())
    }
}

/// One projection deadline's columns for one item: `target` per region, the rest per row.
struct ProjectionChunk<'a> {
    target: &'a mut [f64],
    status: &'a mut [i8],
    projected: &'a mut [f64],
    actual: &'a mut [f64],
    required: &'a mut [f64],
}

impl ProjectionChunk<'_> {
    /// Marks every row (and region target) as not assessed.
    fn clear(&mut self) {
        self.target.fill(f64::NAN);
        self.status.fill(NOT_ASSESSED);
        for col in [&mut *self.projected, &mut *self.actual, &mut *self.required] {
            col.fill(f64::NAN);
        }
    }
}

/// Every column of the table restricted to one item's rows (`R × P`, region-major).
struct ItemChunk<'a> {
    k: usize,
    band: &'a mut [i8],
    position: &'a mut [f64],
    score_unclipped: &'a mut [f64],
    trend: &'a mut [i8],
    progress: &'a mut [i8],
    progress_score: &'a mut [f64],
    /// One per entry of `table.projections`.
    projections: Vec<ProjectionChunk<'a>>,
}

/// `v` cut into `count` consecutive chunks of `size` (empty chunks when `size` is 0 or `v`
/// is empty: a column no item declares).
fn chunks<T>(v: &mut [T], size: usize, count: usize) -> Vec<&mut [T]> {
    if size == 0 || v.is_empty() {
        (0..count).map(|_| <&mut [T]>::default()).collect()
    } else {
        v.chunks_mut(size).collect()
    }
}

/// What every worker reads.
struct Context<'a> {
    e: &'a Evaluation,
    /// Evaluation period index of each time-sorted position.
    order: Vec<usize>,
    /// Times in sorted order.
    times: Vec<f64>,
    /// Whether the evaluation's periods are already in time order (`order` is the identity).
    sorted: bool,
    plans: Vec<Option<ItemPlan<'a>>>,
}

/// A worker's reusable buffers (one region's series and results, in time order).
#[derive(Default)]
struct Scratch {
    v: Vec<f64>,
    present: Vec<bool>,
    applies: Vec<bool>,
    unclipped: Vec<f64>,
    trends: Vec<Trend>,
    progress: Vec<SeriesProgress>,
    paces: Vec<Pace>,
    pace_done: Vec<bool>,
    /// The logarithm of each value of the series (when the item projects compound growth).
    logs: Vec<f64>,
    rows: ProjectionRows,
    /// Where the actual changes go for a deadline that shares another's column.
    spare: Vec<f64>,
}

/// Below this many rows the work stays on the calling thread.
const PARALLEL_ROWS: usize = 1 << 16;

/// Computes every declared method for every row of `evaluation`.
///
/// `programme` must be the programme that was evaluated: each item with an `assess` table is
/// found in the evaluation by its code.
///
/// Items are computed independently (on up to [`std::thread::available_parallelism`] threads
/// for large evaluations), each region's series once for all of the item's methods and
/// deadlines; the results do not depend on the number of threads.
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
/// let region = RegionDef::new("R1", "R1", Level::County);
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
    apply_on(programme, evaluation, None)
}

/// The number of worker threads for `work` units of `size` each: one below `min` total, else
/// up to `cap` (default: the available parallelism), never more than the units.
pub(crate) fn workers(units: usize, size: usize, min: usize, cap: Option<usize>) -> usize {
    if units.saturating_mul(size) < min {
        return 1;
    }
    let cap = cap.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    cap.min(units).max(1)
}

/// [`apply`] on at most `threads` threads (`None`: as many as available).
fn apply_on(
    programme: &Programme,
    evaluation: &Evaluation,
    threads: Option<usize>,
) -> Result<AssessmentTable, AssessError> {
    let e = evaluation;
    let (nk, nr, np) = (e.items.len(), e.regions.len(), e.periods.len());
    let n = nk * nr * np;
    // Every entry of every column is written below; zeroed allocations cost nothing until
    // touched, so the (huge) pages are faulted in by the workers that fill them. A method no
    // item declares gets no column at all.
    let on = Methods::declared_by(programme.items());
    fn column<T: Clone + Default>(on: bool, n: usize) -> Vec<T> {
        if on { zeroed(n) } else { Vec::new() }
    }
    let mut table = AssessmentTable {
        items: e.items.iter().map(|i| i.code.clone()).collect(),
        regions: e.regions.clone(),
        periods: e.periods.clone(),
        band: column(on.bands, n),
        position: column(on.bands, n),
        score_unclipped: column(on.score, n),
        trend: column(on.trend, n),
        progress: column(on.progress, n),
        progress_score: column(on.progress, n),
        projections: Vec::new(),
        rollups: None,
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
    let mut plans: Vec<Option<ItemPlan<'_>>> = (0..nk).map(|_| None).collect();
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
        let mut windows: Vec<(f64, bool, bool)> = Vec::new();
        let mut projections = Vec::with_capacity(a.projection.len());
        for (spec, slot) in a.projection.iter().zip(slots) {
            if nr > 0 {
                table.projections[slot].method[k] = Some(spec.method);
            }
            // The target is resolved per region; any placeholder gives the same rule otherwise.
            let rule =
                ProjectionRule::from_spec(spec, item.comparator, Some(0.0), &programme.milestones);
            let window = f64::from(spec.window);
            let w = match windows
                .iter()
                .position(|x| x.0.to_bits() == window.to_bits())
            {
                Some(w) => w,
                None => {
                    windows.push((window, false, false));
                    windows.len() - 1
                }
            };
            match spec.method {
                Growth::Linear => windows[w].1 = true,
                Growth::Compound => windows[w].2 = true,
            }
            projections.push((slot, spec, rule, w));
        }
        plans[k] = Some(ItemPlan {
            item,
            assessment: a,
            projections,
            windows,
        });
    }
    share_actual_changes(&mut table, &plans, n);
    let context = Context {
        e,
        times: order.iter().map(|&t| times[t]).collect(),
        sorted: order.iter().enumerate().all(|(i, &p)| i == p),
        order,
        plans,
    };
    let rows = nr * np;
    let mut units = {
        let t = &mut table;
        let mut band = chunks(&mut t.band, rows, nk).into_iter();
        let mut position = chunks(&mut t.position, rows, nk).into_iter();
        let mut unclipped = chunks(&mut t.score_unclipped, rows, nk).into_iter();
        let mut trend = chunks(&mut t.trend, rows, nk).into_iter();
        let mut progress = chunks(&mut t.progress, rows, nk).into_iter();
        let mut progress_score = chunks(&mut t.progress_score, rows, nk).into_iter();
        let mut projections: Vec<_> = t
            .projections
            .iter_mut()
            .map(|p| {
                (
                    chunks(&mut p.target, nr, nk).into_iter(),
                    chunks(&mut p.status, rows, nk).into_iter(),
                    chunks(&mut p.projected, rows, nk).into_iter(),
                    chunks(&mut p.actual_change, rows, nk).into_iter(),
                    chunks(&mut p.required_change, rows, nk).into_iter(),
                )
            })
            .collect();
        let mut units = Vec::with_capacity(nk);
        for k in 0..nk {
            let mut next = || -> Option<ItemChunk<'_>> {
                Some(ItemChunk {
                    k,
                    band: band.next()?,
                    position: position.next()?,
                    score_unclipped: unclipped.next()?,
                    trend: trend.next()?,
                    progress: progress.next()?,
                    progress_score: progress_score.next()?,
                    projections: projections
                        .iter_mut()
                        .map(|(target, status, projected, actual, required)| {
                            Some(ProjectionChunk {
                                target: target.next()?,
                                status: status.next()?,
                                projected: projected.next()?,
                                actual: actual.next()?,
                                required: required.next()?,
                            })
                        })
                        .collect::<Option<Vec<_>>>()?,
                })
            };
            units.extend(next());
        }
        units
    };
    let cost = |u: &ItemChunk<'_>| context.plans[u.k].as_ref().map_or(0, ItemPlan::cost);
    units.sort_by_key(|u| std::cmp::Reverse(cost(u)));
    let workers = workers(units.len(), rows, PARALLEL_ROWS, threads);
    if workers <= 1 {
        let mut scratch = Scratch::default();
        for unit in units {
            assess_item(&context, unit, &mut scratch);
        }
    } else {
        let queue = Mutex::new(units.into_iter());
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    let mut scratch = Scratch::default();
                    loop {
                        let unit = queue
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .next();
                        let Some(unit) = unit else { break };
                        assess_item(&context, unit, &mut scratch);
                    }
                });
            }
        });
    }
    table.rollups = rollups(programme, e, &table, &index, threads);
    Ok(table)
}

/// Every column of one item, region by region: bands, scores, trend, progress and every
/// projection from one pass over each region's series.
fn assess_item(cx: &Context<'_>, mut out: ItemChunk<'_>, s: &mut Scratch) {
    let k = out.k;
    let Some(plan) = &cx.plans[k] else {
        out.band.fill(NOT_ASSESSED);
        out.trend.fill(NOT_ASSESSED);
        out.progress.fill(NOT_ASSESSED);
        for col in [
            &mut *out.position,
            &mut *out.score_unclipped,
            &mut *out.progress_score,
        ] {
            col.fill(f64::NAN);
        }
        out.projections.iter_mut().for_each(ProjectionChunk::clear);
        return;
    };
    let (e, a, item) = (cx.e, plan.assessment, plan.item);
    let (nr, np) = (e.regions.len(), e.periods.len());
    // Deadlines this item does not project to.
    for (slot, chunk) in out.projections.iter_mut().enumerate() {
        if !plan.projections.iter().any(|p| p.0 == slot) {
            chunk.clear();
        }
    }
    let cuts = a.bands.as_ref().and_then(BandCuts::new);
    let scale = a
        .score
        .as_ref()
        .and_then(|sc| BandScale::new(a.bands.as_ref()?, sc));
    let norm = a.score.as_ref().and_then(Normaliser::new);
    let trend_rule = match (&a.trend, &a.score, norm) {
        (Some(spec), Some(score), Some(_)) => TrendRule::from_spec(spec, a.bands.as_ref(), score),
        _ => None,
    };
    let progress_rule = a
        .progress
        .as_ref()
        .map(|spec| ProgressRule::from_spec(spec, item.comparator));
    // Columns this item has no rule for: not assessed, the whole chunk at once (a column no
    // item declares is empty).
    if cuts.is_none() {
        out.band.fill(NOT_ASSESSED);
        out.position.fill(f64::NAN);
    }
    if norm.is_none() {
        out.score_unclipped.fill(f64::NAN);
    }
    if trend_rule.is_none() {
        out.trend.fill(NOT_ASSESSED);
    }
    if progress_rule.is_none() {
        out.progress.fill(NOT_ASSESSED);
        out.progress_score.fill(f64::NAN);
    }
    s.paces.resize_with(plan.windows.len(), Pace::default);
    let (t, order) = (&cx.times[..], &cx.order[..]);
    for r in 0..nr {
        let base = (k * nr + r) * np;
        s.v.clear();
        s.present.clear();
        s.applies.clear();
        for &p in order {
            let (v, st) = (e.value[base + p], e.status[base + p]);
            s.v.push(v);
            s.applies.push(st != -2);
            s.present.push(st != -2 && v.is_finite());
        }
        // Rows of this region in the chunk, by sorted position.
        let at = |i: usize| r * np + order[i];
        if let Some(cuts) = cuts {
            for i in 0..np {
                let (band, position) = if s.applies[i] {
                    let v = if s.present[i] { s.v[i] } else { f64::NAN };
                    let band = cuts.rate(v);
                    let position = match (scale, band.rank()) {
                        (_, None) => f64::NAN,
                        (Some(scale), Some(_)) => scale.position(v),
                        (None, Some(rank)) => f64::from(rank),
                    };
                    (band.code(), position)
                } else {
                    (NOT_ASSESSED, f64::NAN)
                };
                out.band[at(i)] = band;
                out.position[at(i)] = position;
            }
        }
        if let Some(norm) = norm {
            s.unclipped.clear();
            s.unclipped.resize(np, f64::NAN);
            for i in 0..np {
                let unclipped = if s.present[i] {
                    norm.unclipped(s.v[i])
                } else {
                    f64::NAN
                };
                s.unclipped[i] = unclipped;
                out.score_unclipped[at(i)] = unclipped;
            }
        }
        if let Some(rule) = &trend_rule {
            s.trends.clear();
            s.trends.resize(np, Trend::NoData);
            trend_history(rule, t, &s.unclipped, &s.present, &mut s.trends);
            for i in 0..np {
                out.trend[at(i)] = if s.applies[i] {
                    s.trends[i].code()
                } else {
                    NOT_ASSESSED
                };
            }
        }
        if let Some(rule) = &progress_rule {
            s.progress.clear();
            s.progress.resize(np, SeriesProgress::default());
            rule.series_history(t, &s.v, &s.present, &mut s.progress);
            for i in 0..np {
                let (status, score) = if s.applies[i] {
                    let p = &s.progress[i];
                    (p.status.code(), p.score.unwrap_or(f64::NAN))
                } else {
                    (NOT_ASSESSED, f64::NAN)
                };
                out.progress[at(i)] = status;
                out.progress_score[at(i)] = score;
            }
        }
        if plan.projections.is_empty() {
            continue;
        }
        let threshold = e.threshold[k * nr + r];
        if plan.windows.iter().any(|w| w.2) {
            logs_of(&s.v, &mut s.logs);
        }
        s.pace_done.clear();
        s.pace_done.resize(plan.windows.len(), false);
        for &(slot, spec, rule, w) in &plan.projections {
            let cols = &mut out.projections[slot];
            let target = spec.target.or(threshold.is_finite().then_some(threshold));
            let rule = rule.zip(target).map(|(mut rule, target)| {
                rule.goal.target = target;
                rule
            });
            // A deadline that shares an earlier one's actual changes has no column of its own.
            let own_actual = !cols.actual.is_empty();
            let Some(rule) = rule else {
                cols.target[r] = f64::NAN;
                for i in 0..np {
                    cols.status[at(i)] = NOT_ASSESSED;
                    cols.projected[at(i)] = f64::NAN;
                    if own_actual {
                        cols.actual[at(i)] = f64::NAN;
                    }
                    cols.required[at(i)] = f64::NAN;
                }
                continue;
            };
            cols.target[r] = rule.goal.target;
            if !s.pace_done[w] {
                s.paces[w].compute(plan.windows[w], t, &s.v, &s.logs, &s.present);
                s.pace_done[w] = true;
            }
            let pace = &s.paces[w];
            if cx.sorted {
                // Periods in time order: the region's rows are the series, written in place.
                let span = r * np..(r + 1) * np;
                s.spare.resize(np, 0.0);
                let direct = ProjectionOut {
                    status: &mut cols.status[span.clone()],
                    projected: &mut cols.projected[span.clone()],
                    actual: if own_actual {
                        &mut cols.actual[span.clone()]
                    } else {
                        &mut s.spare
                    },
                    required: &mut cols.required[span],
                };
                rule.columns(pace, t, &s.v, &s.logs, &s.present, direct);
                for i in 0..np {
                    if !s.applies[i] {
                        let row = r * np + i;
                        cols.status[row] = NOT_ASSESSED;
                        cols.projected[row] = f64::NAN;
                        if own_actual {
                            cols.actual[row] = f64::NAN;
                        }
                        cols.required[row] = f64::NAN;
                    }
                }
                continue;
            }
            let rows = s.rows.out(np);
            rule.columns(pace, t, &s.v, &s.logs, &s.present, rows);
            let rows = &s.rows;
            for i in 0..np {
                let row = at(i);
                let applies = s.applies[i];
                cols.status[row] = if applies {
                    rows.status[i]
                } else {
                    NOT_ASSESSED
                };
                let nan = |x: f64| if applies { x } else { f64::NAN };
                cols.projected[row] = nan(rows.projected[i]);
                if own_actual {
                    cols.actual[row] = nan(rows.actual[i]);
                }
                cols.required[row] = nan(rows.required[i]);
            }
        }
    }
}

/// The roll-ups of the table's item columns (see [`crate::assess::rollup`]).
fn rollups(
    programme: &Programme,
    e: &Evaluation,
    table: &AssessmentTable,
    index: &HashMap<&str, usize>,
    threads: Option<usize>,
) -> Option<RollUps> {
    use crate::assess::rollup::Declared;
    let mut declared = vec![Declared::default(); e.items.len()];
    let mut any = false;
    let mut indicators = Vec::with_capacity(programme.indicators.len());
    for ind in &programme.indicators {
        let mut ks = Vec::with_capacity(ind.items.len());
        for item in &ind.items {
            let Some(&k) = index.get(item.code.as_str()) else {
                continue;
            };
            ks.push(k);
            if let Some(a) = &item.assess {
                declared[k] = Declared {
                    score: a.score.is_some(),
                    bands: a.bands.is_some(),
                    progress: a.progress.is_some(),
                    sub_group: a.progress.as_ref().and_then(|p| p.group.as_deref()),
                };
                any |= a.score.is_some() || a.bands.is_some() || a.progress.is_some();
            }
        }
        indicators.push((ind.code.clone(), ks));
    }
    let index_columns = composite_index(programme, e, index);
    if !any && index_columns.is_none() {
        return None;
    }
    let mut categories: Vec<(String, Vec<usize>)> = programme
        .categories
        .iter()
        .map(|c| (c.clone(), Vec::new()))
        .collect();
    for (i, ind) in programme.indicators.iter().enumerate() {
        match categories.iter_mut().find(|(c, _)| *c == ind.category) {
            Some((_, v)) => v.push(i),
            None => categories.push((ind.category.clone(), vec![i])),
        }
    }
    let shape = Shape {
        indicators,
        categories,
        programme: programme.id.clone(),
        declared,
    };
    let (nr, np) = (e.regions.len(), e.periods.len());
    let achieved = ProgressStatus::TargetAchieved.code();
    // Item `k`'s rows of a block of regions (contiguous), every declared column in one pass;
    // a row whose item does not apply to the region (status −2) contributes nothing.
    let member = member_fn(|k, regions, mut out| {
        let d = shape.declared[k];
        let rows = (k * nr + regions.start) * np..(k * nr + regions.end) * np;
        for (t, row) in rows.enumerate() {
            let applies = e.status[row] != -2;
            if d.score {
                out.score(t, applies, table.score(row));
            }
            if d.bands {
                out.colour(t, applies, table.band[row], table.position[row]);
            }
            if d.progress {
                let achieved = table.progress[row] == achieved;
                out.progress(t, applies, table.progress_score[row], achieved);
            }
        }
    });
    let mut out = roll_up(&shape, &programme.aggregation, nr, np, threads, member);
    out.composite = index_columns;
    Some(out)
}

/// Makes a member closure generic over its run's lifetime, for [`roll_up`].
fn member_fn<F: Fn(usize, std::ops::Range<usize>, Member<'_>) + Sync>(f: F) -> F {
    f
}

/// The programme's composite index per region × period (see [`RollUps::composite`]).
fn composite_index(
    programme: &Programme,
    e: &Evaluation,
    index: &HashMap<&str, usize>,
) -> Option<Vec<f64>> {
    let spec = programme.aggregation.composite.as_ref()?;
    let fixed = match &spec.weights {
        Weights::Fixed(w) => Some(w),
        _ => None,
    };
    let cols: Vec<(usize, Direction, f64)> = programme
        .indicators
        .iter()
        .flat_map(|i| &i.items)
        .filter_map(|item| {
            let k = *index.get(item.code.as_str())?;
            let dir = if item.comparator.higher_is_better()? {
                Direction::Higher
            } else {
                Direction::Lower
            };
            match fixed {
                Some(w) => w.get(&item.code).map(|&w| (k, dir, w)),
                None => Some((k, dir, 1.0)),
            }
        })
        .collect();
    if cols.is_empty() {
        return None;
    }
    let (nr, np, nc) = (e.regions.len(), e.periods.len(), cols.len());
    let directions: Vec<Direction> = cols.iter().map(|c| c.1).collect();
    let (mut values, mut present) = (vec![0.0; nc * nr], vec![false; nc * nr]);
    let mut normalised = vec![0.0; nc * nr];
    let (mut idx, mut idx_present) = (vec![0.0; nr], vec![false; nr]);
    let mut out = vec![f64::NAN; nr * np];
    for t in 0..np {
        for (j, &(k, _, _)) in cols.iter().enumerate() {
            for r in 0..nr {
                let row = (k * nr + r) * np + t;
                let v = e.value[row];
                let p = e.status[row] != -2 && v.is_finite();
                values[j * nr + r] = if p { v } else { 0.0 };
                present[j * nr + r] = p;
            }
            let span = j * nr..(j + 1) * nr;
            normalise(
                spec.normalisation,
                cols[j].1,
                &values[span.clone()],
                &present[span.clone()],
                &mut normalised[span],
            );
        }
        let weights: Vec<f64> = match &spec.weights {
            Weights::Entropy => entropy_weights(&values, &present, nr, &directions),
            _ => cols.iter().map(|c| c.2).collect(),
        };
        composite(
            &normalised,
            &present,
            nr,
            &weights,
            &mut idx,
            &mut idx_present,
        );
        for r in 0..nr {
            if idx_present[r] {
                out[r * np + t] = idx[r];
            }
        }
    }
    Some(out)
}

/// Gives each deadline its actual-change column, or points it at an earlier deadline's
/// ([`ProjectionColumns::actual_from`]) when every item's actual change is the same for both:
/// the same window and method (the pace), the same rule presence and the same kind of target
/// (the spec's own, or the per-region threshold, which may be missing) — or no projection to
/// either.
fn share_actual_changes(table: &mut AssessmentTable, plans: &[Option<ItemPlan<'_>>], rows: usize) {
    type Key = Option<(u64, Growth, bool, bool)>;
    let nd = table.projections.len();
    let mut keys: Vec<Vec<Key>> = vec![vec![None; plans.len()]; nd];
    for (k, plan) in plans.iter().enumerate() {
        for &(slot, spec, rule, w) in plan.iter().flat_map(|p| &p.projections) {
            let window = plan.as_ref().map_or(0.0, |p| p.windows[w].0);
            keys[slot][k] = Some((
                window.to_bits(),
                spec.method,
                rule.is_some(),
                spec.target.is_some(),
            ));
        }
    }
    for d in 0..nd {
        let from =
            (0..d).find(|&o| table.projections[o].actual_from.is_none() && keys[o] == keys[d]);
        let p = &mut table.projections[d];
        p.actual_from = from;
        if from.is_none() {
            p.actual_change = zeroed(rows);
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{EvalOptions, evaluate};
    use crate::model::{Level, RegionDef};
    use crate::{Panel, Period};

    /// Every number and code of a table as bits (NaN-safe equality).
    fn bits(t: &AssessmentTable) -> Vec<u64> {
        let mut out = Vec::new();
        let codes = |v: &[i8], out: &mut Vec<u64>| out.extend(v.iter().map(|&x| x as u64));
        let floats = |v: &[f64], out: &mut Vec<u64>| out.extend(v.iter().map(|x| x.to_bits()));
        codes(&t.band, &mut out);
        codes(&t.trend, &mut out);
        codes(&t.progress, &mut out);
        for v in [
            &t.position,
            &t.scores(),
            &t.score_unclipped,
            &t.progress_score,
        ] {
            floats(v, &mut out);
        }
        for (d, p) in t.projections.iter().enumerate() {
            codes(&p.status, &mut out);
            out.extend(p.method.iter().map(|m| m.map_or(9, |m| m as u64)));
            for v in [
                &p.target,
                &t.ratios(d),
                &p.projected,
                t.actual_changes(d),
                &p.required_change,
            ] {
                floats(v, &mut out);
            }
        }
        let r = t.rollups.as_ref().expect("roll-ups");
        for level in [&r.indicators, &r.categories, &r.programme] {
            codes(&level.band, &mut out);
            codes(&level.progress, &mut out);
            for v in [&level.score, &level.position, &level.progress_score] {
                floats(v, &mut out);
            }
        }
        out
    }

    /// The results do not depend on the number of threads: the built-in programme with bands,
    /// scores, trends and progress on one item and a linear latest-basis projection on
    /// another, over 300 regions × 30 years of varied data with gaps, on 1, 2 and 3 threads.
    #[test]
    fn threads_give_identical_results() {
        let mut programme = crate::programme::builtin("baoshan-2017").expect("built-in");
        let extra: Assessment = toml::from_str(
            "bands = { green = 6000, red = 4000 }\n\
             score = { lower = 3000, optimum = 15000 }\n\
             trend = { since = 2011 }\n\
             progress = { base_year = 2011, target = 6000 }\n\
             projection = [{ milestone = \"acceptance\", method = \"linear\", basis = \"latest\", window = 3 }, \
                           { due = \"2019-06-30\" }]",
        )
        .expect("assess table");
        programme.indicators[0].items[0].assess = Some(extra);
        let regions: Vec<RegionDef> = (0..300)
            .map(|r| RegionDef::new(format!("R{r}"), format!("R{r}"), Level::County))
            .collect();
        let periods: Vec<Period> = (1991..2021).map(Period::Year).collect();
        let metrics: Vec<String> = programme.metrics.iter().map(|m| m.code.clone()).collect();
        let mut panel = Panel::new(regions, periods, metrics);
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for m in 0..panel.metrics.len() {
            for r in 0..300 {
                for t in 0..30 {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    if x.is_multiple_of(11) {
                        continue; // missing
                    }
                    let noise = (x % 1000) as f64 / 1000.0;
                    let level = if m == 0 {
                        3000.0 + 150.0 * t as f64
                    } else {
                        1.0 + t as f64
                    };
                    panel.set(m, r, t, level * (0.6 + 0.8 * noise));
                }
            }
        }
        let e = evaluate(&programme, &panel, &EvalOptions::default()).expect("evaluates");
        let one = apply_on(&programme, &e, Some(1)).expect("applies");
        assert!(e.status.len() >= PARALLEL_ROWS, "large enough to split");
        let i01 = one.projection("acceptance").expect("deadline");
        assert!(i01.status.iter().any(|&s| s >= 0), "projections computed");
        assert!(one.trend.iter().any(|&s| s >= 0), "trends computed");
        let want = bits(&one);
        for threads in [2, 3] {
            let got = apply_on(&programme, &e, Some(threads)).expect("applies");
            assert!(
                got.projections
                    .iter()
                    .map(|p| &p.deadline)
                    .eq(one.projections.iter().map(|p| &p.deadline))
            );
            assert!(bits(&got) == want, "{threads} threads");
        }
    }
}

#[cfg(test)]
mod shapes {
    use super::*;
    use crate::eval::{EvalOptions, evaluate};
    use crate::model::{Level, RegionDef};
    use crate::{Panel, Period};

    fn region(code: &str) -> RegionDef {
        RegionDef::new(code, code, Level::County)
    }

    /// No periods: every column is empty, yet each region still gets its projection target
    /// (the threshold) and each projecting item its method; no regions: nothing at all.
    #[test]
    fn empty_axes() {
        let programme = crate::programme::builtin("baoshan-2017").expect("built-in");
        let metrics: Vec<String> = programme.metrics.iter().map(|m| m.code.clone()).collect();
        let panel = Panel::new(vec![region("A"), region("B")], Vec::new(), metrics.clone());
        let e = evaluate(&programme, &panel, &EvalOptions::default()).expect("evaluates");
        let t = apply(&programme, &e).expect("applies");
        assert!(t.band.is_empty() && t.score_unclipped.is_empty() && t.score(0).is_nan());
        let p = t.projection("technical_assessment").expect("deadline");
        assert!(p.status.is_empty());
        assert_eq!(p.target.len(), e.items.len() * 2);
        for (k, m) in p.method.iter().enumerate() {
            let threshold = e.threshold[k * 2];
            if m.is_some() && threshold.is_finite() {
                assert_eq!(p.target[k * 2], threshold, "item {k}");
            } else if m.is_none() {
                assert!(p.target[k * 2].is_nan(), "item {k}");
            }
        }
        assert!(p.method.iter().any(Option::is_some));
        let none = Panel::new(Vec::new(), vec![Period::Year(2016)], metrics);
        let e = evaluate(&programme, &none, &EvalOptions::default()).expect("evaluates");
        let t = apply(&programme, &e).expect("applies");
        assert!(t.band.is_empty());
        let p = t.projection("technical_assessment").expect("deadline");
        assert!(p.target.is_empty() && p.method.iter().all(Option::is_none));
    }
}
