//! `Store`: the embedded redb store, with `with` support, `close()` and a per-path handle cache.
//!
//! Opening a file that this process already has open returns a handle on the same live store
//! (redb refuses a second open of one file in one process, which a re-run notebook cell would
//! otherwise hit): every Python handle of one file shares one [`Shared`], and `close()` on any
//! of them closes the file for all. Every call that touches the file or runs an evaluation
//! releases the GIL.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, Weak};

use numpy::{AllowTypeChange, PyArrayLike1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use ecociv::EvaluationRequest;
use ecociv::store::{Batch, IngestOptions, IngestReport, PanelRequest, Source, Store};

use crate::errors::{
    StoreError as PyStoreError, bad_store_input, core_error, guard, ingest_error, io_error,
    store_error,
};
use crate::columns::set_column;
use crate::evaluation::PyEvaluationData;
use crate::interrupt::{
    CancelReader, CancelWriter, OnInterrupt, ReadProgress, interruptible_reporting,
};
use crate::programme::PyProgramme;
use crate::store_args::{
    metric_defs, micros, observation_dict, parse_date, parse_period, region_defs, source_arg,
    source_dict, task_dict, task_state,
};

/// One open file, shared by every Python handle on it.
struct Shared {
    path: PathBuf,
    store: RwLock<Option<Store>>,
}

/// Canonical path → the live shared store of that file, for this process.
static OPEN: Mutex<Option<HashMap<PathBuf, Weak<Shared>>>> = Mutex::new(None);

/// The path with its directory made canonical (the file itself may not exist yet).
fn canonical(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            dir.canonicalize()
                .map_or_else(|_| path.to_path_buf(), |d| d.join(name))
        }
        _ => path.to_path_buf(),
    }
}

/// The embedded store of regions, metrics and observations (one redb file).
#[pyclass(frozen, name = "Store", module = "ecociv._ecociv")]
pub struct PyStore {
    shared: Arc<Shared>,
}

impl PyStore {
    /// Runs `f` on the open store with the GIL released.
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&Store) -> Result<T, PyErrSource> + Send,
    ) -> PyResult<T> {
        let shared = &self.shared;
        let outcome = guard(|| {
            Ok(py.detach(|| {
                let lock = shared.store.read().unwrap_or_else(PoisonError::into_inner);
                lock.as_ref().map(f)
            }))
        })?;
        match outcome {
            None => Err(PyStoreError::new_err(format!(
                "store {} is closed",
                self.shared.path.display()
            ))),
            Some(Ok(value)) => Ok(value),
            Some(Err(e)) => Err(e.into_py(py)),
        }
    }

    /// Runs `f` on the open store on a worker thread with the GIL released, so that Ctrl-C
    /// interrupts the call (see [`crate::interrupt`]); `cancel` is set when it does. With
    /// [`OnInterrupt::Abandon`] the worker keeps its read lock until it finishes: closing the
    /// store waits for it.
    fn call<T: Send + 'static>(
        &self,
        py: Python<'_>,
        on_interrupt: OnInterrupt,
        cancel: &Arc<AtomicBool>,
        f: impl FnOnce(&Store) -> Result<T, PyErrSource> + Send + 'static,
    ) -> PyResult<T> {
        self.call_reporting(py, on_interrupt, cancel, None, f)
    }

    /// As [`PyStore::call`], telling `progress`' callable how far its reader is (see
    /// [`interruptible_reporting`]); an exception from the callable cancels like Ctrl-C.
    fn call_reporting<T: Send + 'static>(
        &self,
        py: Python<'_>,
        on_interrupt: OnInterrupt,
        cancel: &Arc<AtomicBool>,
        progress: Option<(&Bound<'_, PyAny>, &ReadProgress)>,
        f: impl FnOnce(&Store) -> Result<T, PyErrSource> + Send + 'static,
    ) -> PyResult<T> {
        let shared = Arc::clone(&self.shared);
        let outcome = guard(|| {
            interruptible_reporting(py, cancel, on_interrupt, progress, move || {
                let lock = shared.store.read().unwrap_or_else(PoisonError::into_inner);
                lock.as_ref().map(f)
            })
        })?;
        match outcome {
            None => Err(PyStoreError::new_err(format!(
                "store {} is closed",
                self.shared.path.display()
            ))),
            Some(Ok(value)) => Ok(value),
            Some(Err(e)) => Err(e.into_py(py)),
        }
    }
}

/// Region code → name: the programme's names, overridden by the store's.
fn region_names(
    store: &Store,
    programme: &ecociv::Programme,
) -> Result<BTreeMap<String, String>, PyErrSource> {
    let mut names: BTreeMap<String, String> = programme
        .regions
        .iter()
        .map(|r| (r.code.clone(), r.name.clone()))
        .collect();
    let stored = store.regions().map_err(PyErrSource::Store)?;
    names.extend(stored.into_iter().map(|r| (r.code, r.name)));
    Ok(names)
}

/// A core error, carried out of a GIL-free section and mapped once the GIL is back.
pub enum PyErrSource {
    /// From the store.
    Store(ecociv::store::StoreError),
    /// From an ingest.
    Ingest(ecociv::store::IngestError),
    /// From any area (evaluation with assessments).
    Core(ecociv::Error),
}

impl PyErrSource {
    fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            PyErrSource::Store(e) => store_error(py, &e),
            PyErrSource::Ingest(e) => ingest_error(py, &e),
            PyErrSource::Core(e) => core_error(py, &e),
        }
    }
}

fn report_dict<'py>(py: Python<'py>, r: &IngestReport) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("rows", r.rows)?;
    d.set_item("cells_added", r.cells_added)?;
    d.set_item("vintages_added", r.vintages_added)?;
    d.set_item("unchanged", r.unchanged)?;
    d.set_item("dry_run", r.dry_run)?;
    Ok(d)
}


/// A column given as one string (broadcast to `n` rows) or a sequence of strings.
fn text_column(obj: &Bound<'_, PyAny>, n: Option<usize>, name: &str) -> PyResult<Vec<String>> {
    if let Ok(s) = obj.extract::<String>() {
        return Ok(vec![s; n.unwrap_or(1)]);
    }
    obj.extract::<Vec<String>>().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(format!(
            "{name}: expected a str or a sequence of str"
        ))
    })
}

/// The ingest options of a call; `cancel` is the call's Ctrl-C flag: when it is set the core
/// rolls the transaction back (nothing of the batch is written) and stops.
fn ingest_options(dry_run: bool, source: Option<Source>, cancel: &Arc<AtomicBool>) -> IngestOptions {
    IngestOptions {
        dry_run,
        source,
        cancel: Some(Arc::clone(cancel)),
        ..IngestOptions::default()
    }
}

/// An optional per-row text column (`None` entries allowed).
fn optional_column(
    obj: Option<&Bound<'_, PyAny>>,
    n: usize,
    name: &str,
) -> PyResult<Option<Vec<Option<String>>>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    if let Ok(s) = obj.extract::<String>() {
        return Ok(Some(vec![Some(s); n]));
    }
    obj.extract::<Vec<Option<String>>>().map(Some).map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(format!(
            "{name}: expected a str or a sequence of str or None"
        ))
    })
}

#[pymethods]
impl PyStore {
    /// Opens (or creates) the store file at `path`; returns the live handle when this process
    /// already has the file open.
    #[staticmethod]
    fn open(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let key = canonical(&path);
        let mut open = OPEN.lock().unwrap_or_else(PoisonError::into_inner);
        let table = open.get_or_insert_with(HashMap::new);
        table.retain(|_, weak| weak.strong_count() > 0);
        if let Some(shared) = table.get(&key).and_then(Weak::upgrade) {
            let live = shared
                .store
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .is_some();
            if live {
                return Ok(Self { shared });
            }
        }
        let store = guard(|| {
            py.detach(|| Store::open(&path))
                .map_err(|e| store_error(py, &e))
        })?;
        let shared = Arc::new(Shared {
            path,
            store: RwLock::new(Some(store)),
        });
        table.insert(key, Arc::downgrade(&shared));
        Ok(Self { shared })
    }

    /// The file this store was opened from.
    #[getter]
    fn path(&self) -> PathBuf {
        self.shared.path.clone()
    }

    /// Whether the store has been closed.
    #[getter]
    fn closed(&self) -> bool {
        self.shared
            .store
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_none()
    }

    /// Closes the file (for every handle on it); closing twice is harmless.
    /// Waits (GIL released) for calls still running on the file, e.g. an evaluation that
    /// Ctrl-C abandoned.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let shared = &self.shared;
        let taken = py.detach(|| {
            shared
                .store
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
        });
        match taken {
            Some(store) => guard(|| py.detach(|| store.close()).map_err(|e| store_error(py, &e))),
            None => Ok(()),
        }
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    /// Counts of regions, metrics, cells, vintages and sources.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.with(py, |s| s.stats().map_err(PyErrSource::Store))?;
        let d = PyDict::new(py);
        d.set_item("regions", s.regions)?;
        d.set_item("metrics", s.metrics)?;
        d.set_item("cells", s.cells)?;
        d.set_item("vintages", s.vintages)?;
        d.set_item("sources", s.sources)?;
        Ok(d)
    }

    /// The first and last period with a value among all metrics (text), or `None` when the
    /// store holds none or its series mix frequencies.
    fn period_range(&self, py: Python<'_>) -> PyResult<Option<(String, String)>> {
        self.with(py, |s| {
            let metrics: Vec<String> = s
                .metrics()
                .map_err(PyErrSource::Store)?
                .into_iter()
                .map(|m| m.code)
                .collect();
            if metrics.is_empty() {
                return Ok(None);
            }
            match s.panel(&PanelRequest::latest(metrics)) {
                Ok(panel) => Ok(panel
                    .periods
                    .first()
                    .zip(panel.periods.last())
                    .map(|(a, b)| (a.to_string(), b.to_string()))),
                Err(ecociv::store::StoreError::BadRequest { .. }) => Ok(None),
                Err(e) => Err(PyErrSource::Store(e)),
            }
        })
    }

    /// Registers the programme's regions and metrics.
    fn register_programme(&self, py: Python<'_>, programme: &PyProgramme) -> PyResult<()> {
        let p = &programme.inner;
        self.with(py, |s| s.register_programme(p).map_err(PyErrSource::Store))
    }

    /// Ingests a long-format batch: all rows or none. Region, metric and period columns may be
    /// one str (broadcast) or sequences of str; values any float array-like.
    /// Optional per-row `units`, `sources` (documents) and `notes` columns; `source` (a str
    /// or a dict with document, publisher, address, note) applies to rows without their own.
    #[pyo3(signature = (regions, metrics, periods, values, *, units = None, sources = None, notes = None, dry_run = false, source = None))]
    #[allow(clippy::too_many_arguments)]
    fn ingest<'py>(
        &self,
        py: Python<'py>,
        regions: &Bound<'py, PyAny>,
        metrics: &Bound<'py, PyAny>,
        periods: &Bound<'py, PyAny>,
        values: PyArrayLike1<'py, f64, AllowTypeChange>,
        units: Option<&Bound<'py, PyAny>>,
        sources: Option<&Bound<'py, PyAny>>,
        notes: Option<&Bound<'py, PyAny>>,
        dry_run: bool,
        source: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        // copy before releasing the GIL: Python may mutate the array meanwhile
        let values = values.as_array().to_vec();
        let len = values.len();
        let n = Some(len);
        let mut batch = Batch::new(
            text_column(regions, n, "regions")?,
            text_column(metrics, n, "metrics")?,
            text_column(periods, n, "periods")?,
            values,
        );
        batch.units = optional_column(units, len, "units")?;
        batch.sources = optional_column(sources, len, "sources")?;
        batch.notes = optional_column(notes, len, "notes")?;
        let cancel = Arc::new(AtomicBool::new(false));
        let options = ingest_options(dry_run, source.map(source_arg).transpose()?, &cancel);
        let report = self.call(py, OnInterrupt::Wait, &cancel, move |s| {
            s.ingest(&batch, &options).map_err(PyErrSource::Ingest)
        })?;
        report_dict(py, &report)
    }

    /// Ingests a long-format CSV file (`region,metric,period,value[,unit,source,note]`).
    /// `progress`, if given, is called as `progress(done_bytes, total_bytes)` about every
    /// 100 ms while the file is read and written, and once with `done == total` when reading
    /// ends (before anything is committed); `total` is the file's size, `None` for a pipe. An
    /// exception it raises cancels the ingest (nothing written) and propagates.
    #[pyo3(signature = (path, *, dry_run = false, source = None, progress = None))]
    fn ingest_csv<'py>(
        &self,
        py: Python<'py>,
        path: PathBuf,
        dry_run: bool,
        source: Option<&Bound<'py, PyAny>>,
        progress: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let progress = progress.filter(|p| !p.is_none());
        if let Some(p) = progress
            && !p.is_callable()
        {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "progress: expected a callable (done_bytes, total_bytes), got {}",
                p.get_type().name()?
            )));
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let options = ingest_options(dry_run, source.map(source_arg).transpose()?, &cancel);
        // Open the file here so a missing or unreadable file is the Python built-in error
        // (without the GIL: opening a FIFO waits for its writer, which may need the GIL).
        let (file, size) = py
            .detach(|| {
                let file = std::fs::File::open(&path)?;
                let meta = file.metadata()?;
                Ok::<_, std::io::Error>((file, meta.is_file().then_some(meta.len())))
            })
            .map_err(|e| io_error(&e, &path))?;
        let origin = path.display().to_string();
        // Ctrl-C: the reader fails, the ingest stops before it commits, the call waits for it.
        let mut reader = CancelReader::new(std::io::BufReader::new(file), Arc::clone(&cancel));
        let counter = progress.map(|_| ReadProgress::new(size));
        if let Some(counter) = &counter {
            reader = reader.counting(Arc::clone(counter));
        }
        let reporting = progress.zip(counter.as_deref());
        let report = self.call_reporting(py, OnInterrupt::Wait, &cancel, reporting, move |s| {
            s.ingest_csv_reader(reader, &origin, &options)
                .map_err(PyErrSource::Ingest)
        })?;
        report_dict(py, &report)
    }

    /// Evaluates `programme` (every item for every requested region and period, as known at
    /// `as_of_us`, microseconds since the epoch, UTC) and runs the monitoring methods its items
    /// declare.
    #[pyo3(signature = (programme, *, regions = None, periods = None, as_of_us = None))]
    fn evaluate(
        &self,
        py: Python<'_>,
        programme: &PyProgramme,
        regions: Option<Vec<String>>,
        periods: Option<(String, String)>,
        as_of_us: Option<i64>,
    ) -> PyResult<PyEvaluationData> {
        let p = programme.inner.clone();
        let periods = match periods {
            None => None,
            Some((a, b)) => Some((parse_period(&a)?, parse_period(&b)?)),
        };
        let request = EvaluationRequest {
            regions,
            periods,
            as_of: as_of_us.map(micros).transpose()?,
        };
        // Reading only: Ctrl-C returns at once and the worker's result is dropped.
        let cancel = Arc::new(AtomicBool::new(false));
        self.call(py, OnInterrupt::Abandon, &cancel, move |s| {
            let e = s.evaluate(&p, &request).map_err(PyErrSource::Core)?;
            let names = region_names(s, &p)?;
            let tasks = s.task_statuses(&p.id).map_err(PyErrSource::Store)?;
            PyEvaluationData::new(e, p, names, tasks).map_err(PyErrSource::Core)
        })
    }

    /// Every region as columns: `code`, `name`, `level`, `parent`, `attributes` (dicts).
    fn regions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let regions = self.with(py, |s| s.regions().map_err(PyErrSource::Store))?;
        let d = PyDict::new(py);
        set_column(&d, "code", &regions, |r| r.code.as_str())?;
        set_column(&d, "name", &regions, |r| r.name.as_str())?;
        set_column(&d, "level", &regions, |r| r.level.as_str())?;
        set_column(&d, "parent", &regions, |r| r.parent.as_deref())?;
        set_column(&d, "attributes", &regions, |r| r.attributes.clone())?;
        Ok(d)
    }

    /// Every metric as columns: `code`, `name`, `unit`, `kind`, `categories` (lists),
    /// `description`.
    fn metrics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let metrics = self.with(py, |s| s.metrics().map_err(PyErrSource::Store))?;
        let d = PyDict::new(py);
        set_column(&d, "code", &metrics, |m| m.code.as_str())?;
        set_column(&d, "name", &metrics, |m| m.name.as_str())?;
        set_column(&d, "unit", &metrics, |m| m.unit.as_deref())?;
        set_column(&d, "kind", &metrics, |m| match m.kind {
            ecociv::model::MetricKind::Boolean => "boolean",
            ecociv::model::MetricKind::Category => "category",
            _ => "number",
        })?;
        set_column(&d, "categories", &metrics, |m| m.categories.clone())?;
        set_column(&d, "description", &metrics, |m| m.description.as_deref())?;
        Ok(d)
    }

    /// Adds or updates regions from columns (`parent` and `attributes` optional; all or none).
    #[pyo3(signature = (code, name, level, parent = None, attributes = None))]
    fn put_regions(
        &self,
        py: Python<'_>,
        code: Vec<String>,
        name: Vec<String>,
        level: Vec<String>,
        parent: Option<Vec<Option<String>>>,
        attributes: Option<Vec<Option<std::collections::BTreeMap<String, String>>>>,
    ) -> PyResult<()> {
        let defs = region_defs(code, name, level, parent, attributes)?;
        self.with(py, |s| s.put_regions(&defs).map_err(PyErrSource::Store))
    }

    /// Adds or updates metrics from columns (`unit`, `kind`, `categories`, `description`
    /// optional; all or none).
    #[pyo3(signature = (code, name, unit = None, kind = None, categories = None, description = None))]
    #[allow(clippy::too_many_arguments)]
    fn put_metrics(
        &self,
        py: Python<'_>,
        code: Vec<String>,
        name: Vec<String>,
        unit: Option<Vec<Option<String>>>,
        kind: Option<Vec<Option<String>>>,
        categories: Option<Vec<Option<Vec<String>>>>,
        description: Option<Vec<Option<String>>>,
    ) -> PyResult<()> {
        let defs = metric_defs(code, name, unit, kind, categories, description)?;
        self.with(py, |s| s.put_metrics(&defs).map_err(PyErrSource::Store))
    }

    /// The value that counts for a cell now (a dict), or `None`.
    fn latest<'py>(
        &self,
        py: Python<'py>,
        region: &str,
        metric: &str,
        period: &str,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let period = parse_period(period)?;
        let obs = self.with(py, |s| {
            s.latest(region, metric, period).map_err(PyErrSource::Store)
        })?;
        obs.map(|o| observation_dict(py, &o)).transpose()
    }

    /// The value that counted for a cell at `at_us` (microseconds since the epoch), or `None`.
    fn as_of<'py>(
        &self,
        py: Python<'py>,
        region: &str,
        metric: &str,
        period: &str,
        at_us: i64,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let period = parse_period(period)?;
        let at = micros(at_us)?;
        let obs = self.with(py, |s| {
            s.as_of(region, metric, period, at)
                .map_err(PyErrSource::Store)
        })?;
        obs.map(|o| observation_dict(py, &o)).transpose()
    }

    /// Every vintage of a cell as columns: `seq`, `value` (None for a withdrawal),
    /// `withdrawn`, `source` (document), `publisher`, `address`, `recorded_at_us`, `note`,
    /// `chosen` (an explicit choice of the source).
    fn history<'py>(
        &self,
        py: Python<'py>,
        region: &str,
        metric: &str,
        period: &str,
    ) -> PyResult<Bound<'py, PyDict>> {
        let period = parse_period(period)?;
        let vintages = self.with(py, |s| {
            s.history(region, metric, period)
                .map_err(PyErrSource::Store)
        })?;
        let d = PyDict::new(py);
        set_column(&d, "seq", &vintages, |v| v.seq)?;
        set_column(&d, "value", &vintages, |v| v.value)?;
        set_column(&d, "withdrawn", &vintages, ecociv::store::Vintage::is_withdrawal)?;
        set_column(&d, "source", &vintages, |v| v.source.document.as_str())?;
        set_column(&d, "publisher", &vintages, |v| v.source.publisher.as_str())?;
        set_column(&d, "address", &vintages, |v| v.source.address.as_str())?;
        set_column(&d, "recorded_at_us", &vintages, |v| v.recorded_at.timestamp_micros())?;
        set_column(&d, "note", &vintages, |v| v.note.as_deref())?;
        set_column(&d, "chosen", &vintages, |v| v.chosen)?;
        Ok(d)
    }

    /// Records that for this cell `source`'s value counts from now on, whatever the priority.
    fn choose_source(
        &self,
        py: Python<'_>,
        region: &str,
        metric: &str,
        period: &str,
        source: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let period = parse_period(period)?;
        let source = source_arg(source)?;
        self.with(py, |s| {
            s.choose_source(region, metric, period, &source)
                .map_err(PyErrSource::Store)
        })
    }

    /// Withdraws a cell's value for `source` (str or dict), or for every source with a value;
    /// returns the number of withdrawals recorded.
    #[pyo3(signature = (region, metric, period, *, reason, source = None))]
    fn withdraw(
        &self,
        py: Python<'_>,
        region: &str,
        metric: &str,
        period: &str,
        reason: &str,
        source: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        let period = parse_period(period)?;
        let source = source.map(source_arg).transpose()?;
        self.with(py, |s| {
            s.withdraw(region, metric, period, source.as_ref(), reason)
                .map_err(PyErrSource::Store)
        })
    }

    /// Sets the source priority from now on (first = most trusted); sources are str or dicts.
    fn set_source_priority(&self, py: Python<'_>, sources: Vec<Bound<'_, PyAny>>) -> PyResult<()> {
        let list = sources
            .iter()
            .map(source_arg)
            .collect::<PyResult<Vec<_>>>()?;
        self.with(py, |s| {
            s.set_source_priority(&list).map_err(PyErrSource::Store)
        })
    }

    /// The source priority in effect now (dicts).
    fn source_priority<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = self.with(py, |s| s.source_priority().map_err(PyErrSource::Store))?;
        let out = PyList::empty(py);
        for src in &list {
            out.append(source_dict(py, src)?)?;
        }
        Ok(out)
    }

    /// Every interned source (dicts; the first is the unspecified source).
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = self.with(py, |s| s.sources().map_err(PyErrSource::Store))?;
        let out = PyList::empty(py);
        for src in &list {
            out.append(source_dict(py, src)?)?;
        }
        Ok(out)
    }

    /// Writes the value that counts for every cell (now, or as known at `as_of_us`) as long
    /// CSV to `path`; returns the number of rows.
    #[pyo3(signature = (path, as_of_us = None))]
    fn export_csv(&self, py: Python<'_>, path: PathBuf, as_of_us: Option<i64>) -> PyResult<u64> {
        let at = as_of_us.map(micros).transpose()?;
        let file = py.detach(|| std::fs::File::create(&path)).map_err(|e| io_error(&e, &path))?;
        let cancel = Arc::new(AtomicBool::new(false));
        let writer = CancelWriter::new(std::io::BufWriter::new(file), Arc::clone(&cancel));
        let written = self.call(py, OnInterrupt::Wait, &cancel, move |s| {
            s.export_csv(writer, at).map_err(PyErrSource::Store)
        });
        discard_if_cancelled(written, &cancel, &path)
    }

    /// Writes every vintage of every cell as long CSV to `path`; returns the number of rows.
    fn export_history_csv(&self, py: Python<'_>, path: PathBuf) -> PyResult<u64> {
        let file = py.detach(|| std::fs::File::create(&path)).map_err(|e| io_error(&e, &path))?;
        let cancel = Arc::new(AtomicBool::new(false));
        let writer = CancelWriter::new(std::io::BufWriter::new(file), Arc::clone(&cancel));
        let written = self.call(py, OnInterrupt::Wait, &cancel, move |s| {
            s.export_history_csv(writer).map_err(PyErrSource::Store)
        });
        discard_if_cancelled(written, &cancel, &path)
    }

    /// Records a task's status for `programme` (`planned`, `in_progress` or `done`; `done_on`
    /// an ISO date, required for `done` and refused otherwise; `evidence` a document number,
    /// address or note). Later statuses of a task supersede earlier ones; none is deleted.
    #[pyo3(signature = (programme, task, state, *, done_on = None, evidence = None))]
    fn record_task(
        &self,
        py: Python<'_>,
        programme: &PyProgramme,
        task: String,
        state: &str,
        done_on: Option<String>,
        evidence: Option<String>,
    ) -> PyResult<()> {
        let p = &programme.inner;
        let state = task_state(state)?;
        let codes = crate::programme::task_codes(p);
        if !codes.contains(&task) {
            return Err(bad_store_input(format!(
                "task {task:?} is not a task of {} (one of {})",
                p.id,
                codes.join(", ")
            )));
        }
        let done_on = done_on.map(|d| parse_date(&d, "done_on")).transpose()?;
        match (state, done_on) {
            (ecociv::progress::TaskState::Done, None) => {
                return Err(bad_store_input("done_on: a done task needs the day it was done".into()));
            }
            (ecociv::progress::TaskState::Done, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                return Err(bad_store_input("done_on: give it with state done only".into()));
            }
        }
        let status = ecociv::progress::TaskStatus {
            task,
            state,
            done_on,
            evidence,
            recorded_at: chrono::Utc::now(),
        };
        self.with(py, |s| {
            s.record_task_status(&p.id, &status).map_err(PyErrSource::Store)
        })
    }

    /// Every task of `programme` and how it stands as of `as_of` (an ISO date; default
    /// today) given the statuses recorded here: dicts `{code, text, phase, due, lead,
    /// standing, state, done_on, evidence}` (`standing`: done, overdue, due_soon, upcoming …;
    /// `state`: the last recorded state, or None).
    #[pyo3(signature = (programme, *, as_of = None))]
    fn tasks<'py>(
        &self,
        py: Python<'py>,
        programme: &PyProgramme,
        as_of: Option<String>,
    ) -> PyResult<Bound<'py, PyList>> {
        let day = match as_of {
            Some(t) => parse_date(&t, "as_of")?,
            None => chrono::Utc::now().date_naive(),
        };
        let p = &programme.inner;
        let statuses = self.with(py, |s| s.task_statuses(&p.id).map_err(PyErrSource::Store))?;
        let b = ecociv::progress::bulletin(p, day, &statuses, crate::report::HORIZON_DAYS);
        let out = PyList::empty(py);
        for t in b.tasks {
            out.append(task_dict(py, t)?)?;
        }
        Ok(out)
    }

    /// The default store's path: `$ECOCIV_STORE`, else `$XDG_DATA_HOME/ecociv/store.redb`,
    /// else `~/.local/share/ecociv/store.redb`.
    #[staticmethod]
    fn default_path(py: Python<'_>) -> PyResult<PathBuf> {
        Store::default_path().map_err(|e| store_error(py, &e))
    }

    /// The administrative levels a region may have, top down.
    #[staticmethod]
    fn region_levels() -> Vec<&'static str> {
        ecociv::model::Level::ALL.iter().map(|l| l.as_str()).collect()
    }

    fn __repr__(&self) -> String {
        let state = if self.closed() { "closed" } else { "open" };
        format!(
            "<Store {:?} ({state})>",
            self.shared.path.display().to_string()
        )
    }
}

/// An export's result; when Ctrl-C stopped it, the partial file is removed.
fn discard_if_cancelled(written: PyResult<u64>, cancel: &AtomicBool, path: &Path) -> PyResult<u64> {
    if written.is_err() && cancel.load(Ordering::SeqCst) {
        let _ = std::fs::remove_file(path);
    }
    written
}
