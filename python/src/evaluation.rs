//! `EvaluationData`: a finished evaluation (and its assessment table) held in Rust, handed to
//! Python as numpy columns.
//!
//! Every per-row column is built here as one numpy array; categorical columns (status, band,
//! trend, projection, progress, verdict, role) are given as *category codes* (`0..n`, `-1` for
//! "not assessed"), ready for `pandas.Categorical.from_codes`, with the category names alongside.
//! Nothing here creates one Python object per row.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};

use ecociv::assess::AssessError;
use ecociv::assess::AssessmentTable;
use ecociv::assess::apply::ProjectionColumns;
use ecociv::assess::bands::Band;
use ecociv::assess::codes::Code;
use ecociv::assess::methods::Methods;
use ecociv::assess::progress::ProgressStatus;
use ecociv::assess::projection::ProjectionStatus;
use ecociv::assess::rollup::{RollUp, RollUps};
use ecociv::assess::score::clip_into;
use ecociv::assess::trend::Trend;
use ecociv::eval::{Evaluation, Role};
use ecociv::progress::TaskStatus;

use crate::columns::set_column;
use crate::interrupt::{OnInterrupt, interruptible};
use crate::report;

/// The result of one evaluation: the core's columns, the programme to compute its assessment
/// table from on demand (with the GIL released: an evaluation whose bands and projections are
/// never looked at does not pay for them; the Python layer keeps the columns once computed),
/// and what the reports need from the store, captured when it ran (region names, task
/// statuses).
#[pyclass(frozen, name = "EvaluationData", module = "ecociv._ecociv")]
pub struct PyEvaluationData {
    eval: Arc<Evaluation>,
    /// The evaluated programme.
    programme: Arc<ecociv::Programme>,
    /// Whether some item declares monitoring methods.
    assessed: bool,
    declared: Methods,
    /// Region code → name (the store's, else the programme's).
    region_names: BTreeMap<String, String>,
    /// The task statuses recorded for the programme.
    tasks: Vec<TaskStatus>,
    /// The assessment table once a report has needed it, shared by later reports (computing
    /// it runs every monitoring method over the whole history).
    report_table: OnceLock<Arc<AssessmentTable>>,
}

impl PyEvaluationData {
    /// Wraps a finished evaluation of `programme`.
    ///
    /// # Errors
    /// The programme's `assess` tables are checked here (cheap), so that an invalid one is
    /// reported by the evaluation, not by a later conversion.
    pub fn new(
        eval: Evaluation,
        programme: ecociv::Programme,
        region_names: BTreeMap<String, String>,
        tasks: Vec<TaskStatus>,
    ) -> Result<Self, ecociv::Error> {
        let assessed = programme.items().any(|i| i.assess.is_some())
            || programme.aggregation.composite.is_some();
        if assessed {
            for item in programme.items() {
                if let Some(a) = &item.assess {
                    ecociv::assess::validate_item(item, a, &programme.milestones)?;
                }
            }
        }
        Ok(PyEvaluationData {
            eval: Arc::new(eval),
            declared: Methods::declared_by(programme.items()),
            programme: Arc::new(programme),
            assessed,
            region_names,
            tasks,
            report_table: OnceLock::new(),
        })
    }

    /// `work` on the programme and the evaluation, run now on a worker thread (GIL released;
    /// Ctrl-C abandons it).
    fn on_worker<T: Send + 'static>(
        &self,
        py: Python<'_>,
        work: impl FnOnce(&ecociv::Programme, &Evaluation) -> Result<T, AssessError> + Send + 'static,
    ) -> PyResult<T> {
        let (p, e) = (Arc::clone(&self.programme), Arc::clone(&self.eval));
        let cancel = Arc::new(AtomicBool::new(false));
        crate::errors::guard(|| {
            interruptible(py, &cancel, OnInterrupt::Abandon, move || work(&p, &e))?
                .map_err(|err| crate::errors::EvaluationError::new_err(err.to_string()))
        })
    }

    /// The assessment table, computed now on a worker thread (GIL released; Ctrl-C abandons
    /// it), whatever the programme declares, and passed through `then` on that thread.
    fn full_table<T: Send + 'static>(
        &self,
        py: Python<'_>,
        then: impl FnOnce(AssessmentTable) -> T + Send + 'static,
    ) -> PyResult<T> {
        self.on_worker(py, move |p, e| ecociv::assess::apply(p, e).map(then))
    }

    /// The assessment table the reports share: computed by the first report that needs it,
    /// then kept.
    fn shared_table(&self, py: Python<'_>) -> PyResult<Arc<AssessmentTable>> {
        if let Some(t) = self.report_table.get() {
            return Ok(Arc::clone(t));
        }
        let t = Arc::new(self.full_table(py, |t| t)?);
        Ok(Arc::clone(self.report_table.get_or_init(|| t)))
    }

    /// The monitoring columns to hand over to numpy; `None` when nothing is declared. Made
    /// from a copy of the reports' table when one exists, else from a table computed afresh
    /// (whose columns are then moved, not copied, into the numpy columns; Python keeps the
    /// result). Either way with the GIL released.
    fn monitoring(&self, py: Python<'_>) -> PyResult<Option<MonitoringColumns>> {
        if !self.assessed {
            return Ok(None);
        }
        let dc = self.declared;
        match self.report_table.get() {
            Some(t) => crate::errors::guard(|| {
                Ok(Some(py.detach(|| {
                    MonitoringColumns::new(AssessmentTable::clone(t), dc)
                })))
            }),
            None => self
                .full_table(py, move |t| MonitoringColumns::new(t, dc))
                .map(Some),
        }
    }
}

impl PyEvaluationData {
    fn sources<'a>(&'a self, table: &'a AssessmentTable) -> report::Sources<'a> {
        report::Sources {
            programme: &self.programme,
            eval: &self.eval,
            table,
            names: &self.region_names,
            tasks: &self.tasks,
        }
    }
}

/// What the indicator items of `programme` declare: the roll-ups' columns (basic conditions
/// are not rolled up).
fn declared_by_indicators(programme: &ecociv::Programme) -> Methods {
    Methods::declared_by(programme.indicators.iter().flat_map(|i| &i.items))
}

/// One roll-up level as numpy columns: ``groups`` (names), ``group``, ``region``, ``period``
/// (axis indices), then the columns `dc` declares (``score``; ``band`` as category codes and,
/// with the continuous colour rule, ``position``; ``progress`` as category codes and
/// ``progress_score``). The columns move into numpy without a copy.
fn level_dict<'py>(
    py: Python<'py>,
    level: RollUp,
    dc: Methods,
    continuous: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let (ng, nr, np) = (level.groups.len(), level.regions, level.periods);
    let n = ng * nr * np;
    let d = PyDict::new(py);
    d.set_item("group", Codes::new(n, ng, nr * np).into_py(py))?;
    d.set_item("region", Codes::new(n, nr, np).into_py(py))?;
    d.set_item("period", Codes::new(n, np, 1).into_py(py))?;
    d.set_item("groups", &level.groups)?;
    if dc.score {
        d.set_item("score", level.score.into_pyarray(py))?;
    }
    if dc.bands {
        d.set_item("band", method_codes::<Band>(level.band).into_pyarray(py))?;
        if continuous {
            d.set_item("position", level.position.into_pyarray(py))?;
        }
    }
    if dc.progress {
        d.set_item(
            "progress",
            method_codes::<ProgressStatus>(level.progress).into_pyarray(py),
        )?;
        d.set_item("progress_score", level.progress_score.into_pyarray(py))?;
    }
    Ok(d)
}

/// The roll-ups as a dict: ``indicator``, ``category``, ``programme`` (each a [`level_dict`],
/// or ``None`` when no indicator item declares a score, bands or progress: `dc`) and
/// ``composite`` (float64 per region × period, row ``r * P + t``, or ``None``).
fn rollups_dict(
    py: Python<'_>,
    rollups: RollUps,
    dc: Methods,
    continuous: bool,
) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    let RollUps {
        indicators,
        categories,
        programme: whole,
        composite,
    } = rollups;
    if dc.score || dc.bands || dc.progress {
        d.set_item("indicator", level_dict(py, indicators, dc, continuous)?)?;
        d.set_item("category", level_dict(py, categories, dc, continuous)?)?;
        d.set_item("programme", level_dict(py, whole, dc, continuous)?)?;
    } else {
        for level in ["indicator", "category", "programme"] {
            d.set_item(level, py.None())?;
        }
    }
    d.set_item("composite", composite.map(|c| c.into_pyarray(py)))?;
    Ok(d)
}

/// Category codes in the integer width pandas uses for that many categories (int8 below 127,
/// int16 below 32767, else int32), so `Categorical.from_codes` takes them without a copy.
enum Codes {
    I8(Vec<i8>),
    I16(Vec<i16>),
    I32(Vec<i32>),
}

/// `n` codes following the row layout: code `c` repeated `inner` times, for `c` in
/// `0..categories`, over and over (one cycle written, then copied: short runs, such as the
/// period axis's, are not written one run at a time).
fn pattern<T: TryFrom<usize> + Copy + Default>(
    n: usize,
    categories: usize,
    inner: usize,
) -> Vec<T> {
    let mut v: Vec<T> = ecociv::memory::with_capacity(n);
    if categories == 0 || inner == 0 {
        return v;
    }
    let cycle = categories.saturating_mul(inner).min(n);
    for c in 0..categories {
        let run = inner.min(cycle - v.len());
        v.extend(std::iter::repeat_n(T::try_from(c).unwrap_or_default(), run));
        if v.len() == cycle {
            break;
        }
    }
    while v.len() < n {
        v.extend_from_within(..cycle.min(n - v.len()));
    }
    v
}

impl Codes {
    fn new(n: usize, categories: usize, inner: usize) -> Codes {
        if categories < 127 {
            Codes::I8(pattern(n, categories, inner))
        } else if categories < 32767 {
            Codes::I16(pattern(n, categories, inner))
        } else {
            Codes::I32(pattern(n, categories, inner))
        }
    }

    fn into_py(self, py: Python<'_>) -> Bound<'_, PyAny> {
        match self {
            Codes::I8(v) => v.into_pyarray(py).into_any(),
            Codes::I16(v) => v.into_pyarray(py).into_any(),
            Codes::I32(v) => v.into_pyarray(py).into_any(),
        }
    }
}

/// The per-row columns of an evaluation that Python gets as numpy arrays.
struct RowColumns {
    /// Item, region and period axis indices.
    item: Codes,
    region: Codes,
    period: Codes,
    /// Category codes (0 pass, 1 fail, 2 missing, 3 not applicable).
    status: Vec<i8>,
    value: Vec<f64>,
    threshold: Vec<f64>,
    margin: Vec<f64>,
    /// `margin / |threshold|`, NaN for a zero or absent threshold.
    relative: Vec<f64>,
}

impl RowColumns {
    /// The columns as numpy arrays (moved, not copied) in a dict under the names `rows()`
    /// documents.
    fn into_dict(self, py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("item", self.item.into_py(py))?;
        d.set_item("region", self.region.into_py(py))?;
        d.set_item("period", self.period.into_py(py))?;
        d.set_item("status", self.status.into_pyarray(py))?;
        d.set_item("value", self.value.into_pyarray(py))?;
        d.set_item("threshold", self.threshold.into_pyarray(py))?;
        d.set_item("margin", self.margin.into_pyarray(py))?;
        d.set_item("relative_margin", self.relative.into_pyarray(py))?;
        Ok(d)
    }
}

/// The axis indices, status (as category code), value, threshold, margin and relative margin
/// per row. Two threads: one writes the indices and copies status, value and threshold, the
/// other computes both margins in one pass (the core's `Evaluation::margins`); each column is
/// written once, straight into its final buffer.
fn row_columns(e: &Evaluation) -> RowColumns {
    let (nk, nr, np) = (e.items.len(), e.regions.len(), e.periods.len());
    let n = e.len();
    let (keys, (status, value, threshold), (margin, relative)) = std::thread::scope(|scope| {
        let margins = scope.spawn(|| e.margins());
        let status = ecociv::memory::collect(n, e.status.iter().map(|&s| status_index(s)));
        let value = ecociv::memory::collect(n, e.value.iter().copied());
        let threshold = e.threshold_column();
        let keys = (
            Codes::new(n, nk, nr * np),
            Codes::new(n, nr, np),
            Codes::new(n, np, 1),
        );
        let (margin, relative) = margins
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (keys, (status, value, threshold), (margin, relative))
    });
    let (item, region, period) = keys;
    RowColumns {
        item,
        region,
        period,
        status,
        value,
        threshold,
        margin,
        relative,
    }
}

/// The status code (1, 0, −1, −2) as a category code (0, 1, 2, 3).
fn status_index(code: i8) -> i8 {
    (1 - code).clamp(0, 3)
}

/// The verdict code (1, 0, −1) as a category code (0, 1, 2).
fn verdict_index(code: i8) -> i8 {
    (1 - code).clamp(0, 2)
}

/// A method's codes as category codes, rewritten in place: the position in `T::ALL` (best
/// first, no data last); −1 for "not assessed" and unknown codes.
fn method_codes<T: Code>(mut codes: Vec<i8>) -> Vec<i8> {
    let n = T::ALL.len();
    // Every method's codes run down by one from the best (`n − 2`) to no data (−1), so the
    // position is `best − code` (a loop the compiler vectorises); a table lookup otherwise.
    let best = i8::try_from(n).ok().and_then(|n| n.checked_sub(2));
    let consecutive = best.is_some_and(|best| {
        T::ALL
            .iter()
            .zip((-1..=best).rev())
            .all(|(v, c)| v.code() == c)
    });
    match best {
        Some(best) if consecutive => {
            for c in &mut codes {
                *c = if (-1..=best).contains(c) {
                    best - *c
                } else {
                    -1
                };
            }
        }
        _ => {
            let mut lut = [-1i8; 256];
            for (i, v) in T::ALL.iter().enumerate() {
                lut[usize::from(v.code().cast_unsigned())] = i8::try_from(i).unwrap_or(-1);
            }
            for c in &mut codes {
                *c = lut[usize::from(c.cast_unsigned())];
            }
        }
    }
    codes
}

/// A column for the clipped scores of `rows` rows: `spare` when it has as many (a column the
/// Python side does not get, already faulted in), else a new one.
fn score_column(spare: Vec<f64>, rows: usize) -> Vec<f64> {
    if spare.len() == rows {
        spare
    } else {
        drop(spare);
        ecociv::memory::zeroed(rows)
    }
}

/// The per-row monitoring columns of an assessment table as numpy gets them (made without
/// the GIL): category codes remapped in place, the clipped score computed, the columns the
/// Python side does not get dropped; `None` for a method nothing declares.
struct MonitoringColumns {
    band: Option<Vec<i8>>,
    /// Clipped and unclipped.
    score: Option<(Vec<f64>, Vec<f64>)>,
    trend: Option<Vec<i8>>,
    /// Status codes and scores.
    progress: Option<(Vec<i8>, Vec<f64>)>,
    /// With their status codes remapped.
    projections: Vec<ProjectionColumns>,
    rollups: Option<RollUps>,
}

impl MonitoringColumns {
    /// Two threads: one clips the first half of the scores, the other remaps the codes and
    /// clips the second half.
    fn new(table: AssessmentTable, dc: Methods) -> MonitoringColumns {
        let AssessmentTable {
            band,
            position,
            score_unclipped,
            trend,
            progress,
            progress_score,
            mut projections,
            rollups,
            ..
        } = table;
        let mut clipped = if dc.score {
            score_column(position, score_unclipped.len())
        } else {
            Vec::new()
        };
        let half = clipped.len() / 2;
        let (head, tail) = clipped.split_at_mut(half);
        let (from_head, from_tail) = score_unclipped.split_at(half.min(score_unclipped.len()));
        let (band, trend, progress) = std::thread::scope(|scope| {
            let first = (!head.is_empty()).then(|| scope.spawn(|| clip_into(from_head, head)));
            let band = dc.bands.then(|| method_codes::<Band>(band));
            let trend = dc.trend.then(|| method_codes::<Trend>(trend));
            let progress = dc
                .progress
                .then(|| (method_codes::<ProgressStatus>(progress), progress_score));
            for p in &mut projections {
                p.status = method_codes::<ProjectionStatus>(std::mem::take(&mut p.status));
                // Per item (× region): not handed to Python.
                p.method = Vec::new();
                p.target = Vec::new();
            }
            clip_into(from_tail, tail);
            if let Some(first) = first {
                first
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p));
            }
            (band, trend, progress)
        });
        MonitoringColumns {
            band,
            score: dc.score.then_some((clipped, score_unclipped)),
            trend,
            progress,
            projections,
            rollups,
        }
    }

    /// The dict `EvaluationData.assessment` documents (the columns moved into numpy).
    fn into_dict<'py>(
        self,
        py: Python<'py>,
        programme: &ecociv::Programme,
    ) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let categories = PyDict::new(py);
        if let Some(band) = self.band {
            d.set_item("band", band.into_pyarray(py))?;
            categories.set_item("band", names::<Band>(Band::as_str))?;
        }
        if let Some((clipped, unclipped)) = self.score {
            d.set_item("score", clipped.into_pyarray(py))?;
            d.set_item("score_unclipped", unclipped.into_pyarray(py))?;
        }
        if let Some(trend) = self.trend {
            d.set_item("trend", trend.into_pyarray(py))?;
            categories.set_item("trend", names::<Trend>(Trend::as_str))?;
            categories.set_item("trend_arrow", names::<Trend>(Trend::arrow))?;
        }
        if let Some((progress, score)) = self.progress {
            d.set_item("progress", progress.into_pyarray(py))?;
            d.set_item("progress_score", score.into_pyarray(py))?;
            categories.set_item("progress", names::<ProgressStatus>(ProgressStatus::as_str))?;
        }
        categories.set_item(
            "projection",
            names::<ProjectionStatus>(ProjectionStatus::as_str),
        )?;
        d.set_item(
            "rollups",
            match self.rollups {
                Some(r) => Bound::new(py, PyRollUps::new(r, programme))?.into_any(),
                None => py.None().into_bound(py),
            },
        )?;
        let projections = PyList::empty(py);
        // A deadline may share an earlier one's actual changes: the same numpy array.
        let mut actual: Vec<Bound<'py, numpy::PyArray1<f64>>> = Vec::new();
        for p in self.projections {
            let pd = PyDict::new(py);
            let column = match p.actual_from {
                Some(from) => actual[from].clone(),
                None => p.actual_change.into_pyarray(py),
            };
            actual.push(column);
            pd.set_item("deadline", &p.deadline)?;
            pd.set_item("due", p.due.format("%Y-%m-%d").to_string())?;
            pd.set_item("status", p.status.into_pyarray(py))?;
            pd.set_item("projected", p.projected.into_pyarray(py))?;
            pd.set_item("actual_change", actual.last().expect("pushed"))?;
            pd.set_item("required_change", p.required_change.into_pyarray(py))?;
            projections.append(pd)?;
        }
        d.set_item("projections", projections)?;
        d.set_item("categories", categories)?;
        Ok(d)
    }
}

/// The roll-ups of an assessment, converted to numpy columns when first asked for (most
/// frames never look at them): `columns()` gives the dict `rollups_dict` documents, the same
/// dict on every call.
#[pyclass(frozen, name = "RollUpData", module = "ecociv._ecociv")]
pub struct PyRollUps {
    /// The roll-ups until converted.
    raw: Mutex<Option<RollUps>>,
    /// The converted dict.
    dict: PyOnceLock<Py<PyDict>>,
    /// What the indicator items declare.
    declared: Methods,
    /// Whether the programme uses the continuous colour rule.
    continuous: bool,
}

impl PyRollUps {
    fn new(rollups: RollUps, programme: &ecociv::Programme) -> PyRollUps {
        PyRollUps {
            raw: Mutex::new(Some(rollups)),
            dict: PyOnceLock::new(),
            declared: declared_by_indicators(programme),
            continuous: programme.aggregation.colour == ecociv::model::ColourRule::Continuous,
        }
    }
}

#[pymethods]
impl PyRollUps {
    /// The roll-ups as a dict: ``indicator``, ``category``, ``programme`` (each with
    /// ``groups``, ``group``, ``region``, ``period`` and the declared columns, or ``None``)
    /// and ``composite`` (see `Evaluation.rollups`). Converted on the first call (the columns
    /// moved into numpy), then the same dict.
    fn columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = self.dict.get_or_try_init(py, || {
            let raw = self
                .raw
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
                .ok_or_else(|| {
                    pyo3::exceptions::PyRuntimeError::new_err("roll-ups already taken")
                })?;
            rollups_dict(py, raw, self.declared, self.continuous).map(Bound::unbind)
        })?;
        Ok(dict.bind(py).clone())
    }

    fn __repr__(&self) -> &'static str {
        "<RollUpData>"
    }
}

/// The names of a method's categories, in category-code order.
fn names<T: Code>(name: fn(T) -> &'static str) -> Vec<&'static str> {
    T::ALL.iter().map(|v| name(*v)).collect()
}

#[pymethods]
impl PyEvaluationData {
    /// Number of rows (items × regions × periods).
    fn __len__(&self) -> usize {
        self.eval.len()
    }

    /// The axes: ``items`` (codes), ``regions`` (codes), ``periods`` (text).
    fn axes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let e = &self.eval;
        let d = PyDict::new(py);
        set_column(&d, "items", &e.items, |i| i.code.as_str())?;
        d.set_item("regions", &e.regions)?;
        set_column(&d, "periods", &e.periods, ToString::to_string)?;
        Ok(d)
    }

    /// Per item: ``code``, ``name``, ``comparator``, ``attribute``, ``unit``, ``lead`` and
    /// ``cooperating`` (lists of units), ``group`` (indicator or condition code) and
    /// ``category`` (``None`` for basic conditions).
    fn item_table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let e = &self.eval;
        let items = &e.items[..];
        let d = PyDict::new(py);
        set_column(&d, "code", items, |i| i.code.as_str())?;
        set_column(&d, "name", items, |i| i.name.as_str())?;
        set_column(&d, "comparator", items, |i| i.comparator.symbol())?;
        set_column(&d, "attribute", items, |i| i.attribute.as_str())?;
        set_column(&d, "unit", items, |i| i.unit.as_deref())?;
        set_column(&d, "group", items, |i| {
            i.indicator
                .and_then(|k| e.indicators.get(k))
                .or_else(|| i.condition.and_then(|k| e.conditions.get(k)))
                .map(|g| g.code.as_str())
        })?;
        set_column(&d, "category", items, |i| {
            i.indicator
                .and_then(|k| e.indicators.get(k))
                .and_then(|g| g.category.as_deref())
        })?;
        set_column(&d, "lead", items, |i| &i.lead[..])?;
        set_column(&d, "cooperating", items, |i| &i.cooperating[..])?;
        Ok(d)
    }

    /// The per-row columns as numpy arrays: ``item``, ``region``, ``period`` (axis indices in
    /// the integer width pandas uses for that many categories), ``status`` (category codes:
    /// 0 pass, 1 fail, 2 missing, 3 not applicable; int8), ``value``, ``threshold``,
    /// ``margin``, ``relative_margin`` (float64).
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let e = &self.eval;
        crate::errors::guard(|| Ok(py.detach(|| row_columns(e))))?.into_dict(py)
    }

    /// ``(rows(), assessment())`` in one call. When the monitoring methods are to be computed
    /// (declared, and no report has computed them yet), the rows are made on another thread
    /// while they run: the methods do not keep both cores busy all the time.
    fn rows_and_assessment<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyDict>, Option<Bound<'py, PyDict>>)> {
        if !self.assessed || self.report_table.get().is_some() {
            return Ok((self.rows(py)?, self.assessment(py)?));
        }
        let dc = self.declared;
        let (rows, columns) = self.on_worker(py, move |p, e| {
            std::thread::scope(|scope| {
                let rows = scope.spawn(|| row_columns(e));
                let columns = ecociv::assess::apply(p, e).map(|t| MonitoringColumns::new(t, dc));
                let rows = rows.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
                columns.map(|c| (rows, c))
            })
        })?;
        Ok((
            rows.into_dict(py)?,
            Some(columns.into_dict(py, &self.programme)?),
        ))
    }

    /// The verdict per region × period (row ``r * P + t``) as category codes
    /// (0 meets, 1 fails, 2 incomplete; int8).
    fn verdict_codes<'py>(&self, py: Python<'py>) -> Bound<'py, numpy::PyArray1<i8>> {
        self.eval
            .verdict
            .iter()
            .map(|&v| verdict_index(v))
            .collect::<Vec<_>>()
            .into_pyarray(py)
    }

    /// Counts per item and status: a dict with ``counts`` (uint64, items × 4 in
    /// pass, fail, missing, not-applicable order, flattened row-major) and the verdict counts ``meets``,
    /// ``fails``, ``incomplete``.
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.eval.summary();
        let d = PyDict::new(py);
        let flat: Vec<u64> = s.counts.iter().flatten().copied().collect();
        d.set_item("counts", flat.into_pyarray(py))?;
        d.set_item("meets", s.meets)?;
        d.set_item("fails", s.fails)?;
        d.set_item("incomplete", s.incomplete)?;
        Ok(d)
    }

    /// Failing and missing results per responsible unit (see the core's `Evaluation::by_unit`):
    /// ``units`` (names), and per row ``unit`` (index), ``role`` (0 lead, 1 cooperating),
    /// ``item``, ``region``, ``period`` (axis indices), ``status`` (category code), ``value``,
    /// ``threshold``, ``margin`` (the gap).
    fn by_unit<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let e = &self.eval;
        let a = py.detach(|| e.by_unit());
        let d = PyDict::new(py);
        d.set_item("units", &a.units)?;
        d.set_item("unit", a.unit.into_pyarray(py))?;
        let role: Vec<i8> = a
            .role
            .iter()
            .map(|r| i8::from(*r == Role::Cooperating))
            .collect();
        d.set_item("role", role.into_pyarray(py))?;
        d.set_item("item", a.item.into_pyarray(py))?;
        d.set_item("region", a.region.into_pyarray(py))?;
        d.set_item("period", a.period.into_pyarray(py))?;
        let status: Vec<i8> = a.status.iter().map(|&s| status_index(s)).collect();
        d.set_item("status", status.into_pyarray(py))?;
        d.set_item("value", a.value.into_pyarray(py))?;
        d.set_item("threshold", a.threshold.into_pyarray(py))?;
        d.set_item("margin", a.margin.into_pyarray(py))?;
        Ok(d)
    }

    /// The monitoring columns the programme declares, computed by this call (the GIL released),
    /// or ``None`` when it declares none:
    /// ``band``, ``trend``, ``progress`` (category codes; −1 not assessed) with their category
    /// names under ``categories``; ``score``, ``score_unclipped``, ``progress_score``
    /// (float64); ``projections``: one dict per deadline with ``deadline``, ``due`` (ISO date),
    /// ``status`` (category codes), ``projected``, ``actual_change`` (the same array for
    /// deadlines that share it; the ratio is ``actual_change / required_change``),
    /// ``required_change`` (float64 per row); ``rollups``: the roll-ups to indicator, category
    /// and programme level and the composite index (an object whose ``columns()`` gives them
    /// as a dict, converted on first use, see `Evaluation.rollups`), or ``None`` when the
    /// programme declares neither scores, bands, progress nor a composite.
    fn assessment<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        match self.monitoring(py)? {
            Some(columns) => columns.into_dict(py, &self.programme).map(Some),
            None => Ok(None),
        }
    }

    /// The rows as the scorecard shows them (threshold as displayed, projection text), for
    /// `regions` (default all): a dict with ``rows`` and ``verdicts`` (lists of dicts; see
    /// `ecociv.Evaluation.display_rows`).
    #[pyo3(signature = (regions = None))]
    fn display_rows<'py>(
        &self,
        py: Python<'py>,
        regions: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let table = self.shared_table(py)?;
        let src = self.sources(&table);
        crate::errors::guard(|| report::display_rows(py, &src, regions.as_deref()))
    }

    /// One report as Markdown (or a self-contained HTML page): `kind` is ``scorecard``,
    /// ``unit``, ``bulletin`` or ``history`` (see `ecociv.Evaluation.report_markdown`).
    #[pyo3(signature = (kind, *, region = None, period = None, unit = None, as_of = None, html = false))]
    #[allow(clippy::too_many_arguments)]
    fn report(
        &self,
        py: Python<'_>,
        kind: &str,
        region: Option<String>,
        period: Option<String>,
        unit: Option<String>,
        as_of: Option<String>,
        html: bool,
    ) -> PyResult<String> {
        let table = self.shared_table(py)?;
        let src = self.sources(&table);
        let options = report::Options {
            region,
            period,
            unit,
            as_of,
            html,
        };
        crate::errors::guard(|| py.detach(|| report::render(&src, kind, &options)))
    }

    fn __repr__(&self) -> String {
        let e = &self.eval;
        format!(
            "<EvaluationData: {} items × {} regions × {} periods>",
            e.items.len(),
            e.regions.len(),
            e.periods.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_codes() {
        assert_eq!(
            [1, 0, -1, -2].map(status_index),
            [0, 1, 2, 3],
            "pass, fail, missing, n/a"
        );
        assert_eq!([1, 0, -1].map(verdict_index), [0, 1, 2]);
        // band: 3 green … 0 red, −1 grey, −2 not assessed
        assert_eq!(
            method_codes::<Band>(vec![3, 0, -1, -2, 4, 7]),
            [0, 3, 4, -1, -1, -1]
        );
        assert_eq!(
            method_codes::<ProjectionStatus>(vec![5, 0, -1, -2, 6]),
            [0, 5, 6, -1, -1]
        );
        assert_eq!(
            method_codes::<Trend>(vec![3, 2, 1, 0, -1, -2]),
            [0, 1, 2, 3, 4, -1]
        );
        assert_eq!(
            method_codes::<ProgressStatus>(vec![4, 3, 0, -1, -2, 5]),
            [0, 1, 4, 5, -1, -1]
        );
        // every code against the definition: the position in `T::ALL`
        fn by_position<T: Code>() {
            let all: Vec<i8> = (i8::MIN..=i8::MAX).collect();
            let want: Vec<i8> = all
                .iter()
                .map(|&c| {
                    T::ALL
                        .iter()
                        .position(|v| v.code() == c)
                        .map_or(-1, |i| i8::try_from(i).unwrap())
                })
                .collect();
            assert_eq!(method_codes::<T>(all), want);
        }
        by_position::<Band>();
        by_position::<Trend>();
        by_position::<ProgressStatus>();
        by_position::<ProjectionStatus>();
        let unclipped = [-3.0, 50.0, f64::NAN, 120.0];
        let mut clipped = score_column(vec![7.0; 4], 4);
        clip_into(&unclipped, &mut clipped);
        assert_eq!(clipped[..2], [0.0, 50.0]);
        assert!(clipped[2].is_nan() && clipped[3] == 100.0);
        assert_eq!(score_column(vec![7.0; 3], 2), [0.0, 0.0], "a new column");
        assert_eq!(names::<Band>(Band::as_str)[4], "grey");
        // item-major rows of 2 items × 2 regions × 3 periods
        assert_eq!(
            pattern::<i8>(12, 2, 6),
            [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
        );
        assert_eq!(
            pattern::<i8>(12, 2, 3),
            [0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1]
        );
        assert_eq!(pattern::<i16>(6, 3, 1), [0, 1, 2, 0, 1, 2]);
        assert!(pattern::<i8>(5, 0, 1).is_empty());
        assert_eq!(pattern::<i8>(7, 3, 2), [0, 0, 1, 1, 2, 2, 0]);
        assert_eq!(pattern::<i8>(3, 5, 2), [0, 0, 1]);
        assert_eq!(pattern::<i16>(8, 2, 1), [0, 1, 0, 1, 0, 1, 0, 1]);
    }
}
