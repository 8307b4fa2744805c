//! `Store`: the embedded redb store, with `with` support, `close()` and a per-path handle cache.
//!
//! Opening a file that this process already has open returns a handle on the same live store
//! (redb refuses a second open of one file in one process, which a re-run notebook cell would
//! otherwise hit): every Python handle of one file shares one [`Shared`], and `close()` on any
//! of them closes the file for all. Every call that touches the file or runs an evaluation
//! releases the GIL.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock, Weak};

use numpy::{AllowTypeChange, IntoPyArray, PyArrayLike1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use ecociv::eval::{EvalOptions, Evaluation};
use ecociv::store::{Batch, IngestOptions, IngestReport, PanelRequest, Source, Store};

use crate::errors::{
    StoreError as PyStoreError, eval_error, guard, ingest_error, io_error, store_error,
};
use crate::programme::PyProgramme;

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
}

/// A core error, carried out of a GIL-free section and mapped once the GIL is back.
pub enum PyErrSource {
    /// From the store.
    Store(ecociv::store::StoreError),
    /// From an ingest.
    Ingest(ecociv::store::IngestError),
    /// From the engine.
    Eval(ecociv::eval::EvalError),
}

impl PyErrSource {
    fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            PyErrSource::Store(e) => store_error(py, &e),
            PyErrSource::Ingest(e) => ingest_error(py, &e),
            PyErrSource::Eval(e) => eval_error(py, &e),
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

fn ingest_options(dry_run: bool, source: Option<String>) -> IngestOptions {
    IngestOptions {
        dry_run,
        source: source.map(Source::document),
        ..IngestOptions::default()
    }
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
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let taken = self
            .shared
            .store
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
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

    /// Registers the programme's regions and metrics.
    fn register_programme(&self, py: Python<'_>, programme: &PyProgramme) -> PyResult<()> {
        let p = &programme.inner;
        self.with(py, |s| s.register_programme(p).map_err(PyErrSource::Store))
    }

    /// Ingests a long-format batch: all rows or none. Region, metric and period columns may be
    /// one str (broadcast) or sequences of str; values any float array-like.
    #[pyo3(signature = (regions, metrics, periods, values, *, dry_run = false, source = None))]
    #[allow(clippy::too_many_arguments)]
    fn ingest<'py>(
        &self,
        py: Python<'py>,
        regions: &Bound<'py, PyAny>,
        metrics: &Bound<'py, PyAny>,
        periods: &Bound<'py, PyAny>,
        values: PyArrayLike1<'py, f64, AllowTypeChange>,
        dry_run: bool,
        source: Option<String>,
    ) -> PyResult<Bound<'py, PyDict>> {
        // copy before releasing the GIL: Python may mutate the array meanwhile
        let values = values.as_array().to_vec();
        let n = Some(values.len());
        let batch = Batch::new(
            text_column(regions, n, "regions")?,
            text_column(metrics, n, "metrics")?,
            text_column(periods, n, "periods")?,
            values,
        );
        let options = ingest_options(dry_run, source);
        let report = self.with(py, |s| {
            s.ingest(&batch, &options).map_err(PyErrSource::Ingest)
        })?;
        report_dict(py, &report)
    }

    /// Ingests a long-format CSV file (`region,metric,period,value[,unit,source,note]`).
    #[pyo3(signature = (path, *, dry_run = false, source = None))]
    fn ingest_csv<'py>(
        &self,
        py: Python<'py>,
        path: PathBuf,
        dry_run: bool,
        source: Option<String>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let options = ingest_options(dry_run, source);
        // Open the file here so a missing or unreadable file is the Python built-in error.
        let file = std::fs::File::open(&path).map_err(|e| io_error(&e, &path))?;
        let origin = path.display().to_string();
        let report = self.with(py, |s| {
            s.ingest_csv_reader(std::io::BufReader::new(file), &origin, &options)
                .map_err(PyErrSource::Ingest)
        })?;
        report_dict(py, &report)
    }

    /// Evaluates `programme` over the latest stored values of its metrics: a dict of columns
    /// (numpy arrays for the per-row data; see `ecociv.Evaluation`).
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        programme: &PyProgramme,
    ) -> PyResult<Bound<'py, PyDict>> {
        let p = &programme.inner;
        let result = self.with(py, |s| {
            let request = PanelRequest::latest(p.metrics.iter().map(|m| m.code.clone()));
            let panel = s.panel(&request).map_err(PyErrSource::Store)?;
            ecociv::eval::evaluate(p, &panel, &EvalOptions::default()).map_err(PyErrSource::Eval)
        })?;
        evaluation_dict(py, result)
    }

    fn __repr__(&self) -> String {
        let state = if self.closed() { "closed" } else { "open" };
        format!(
            "<Store {:?} ({state})>",
            self.shared.path.display().to_string()
        )
    }
}

/// The evaluation as columns: axes as lists, rows as numpy arrays.
fn evaluation_dict(py: Python<'_>, e: Evaluation) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    let (item, region, period) = e.row_keys();
    let threshold = e.threshold_column();
    let margin = e.margin();
    d.set_item(
        "items",
        e.items.iter().map(|i| i.code.clone()).collect::<Vec<_>>(),
    )?;
    d.set_item("regions", e.regions.clone())?;
    d.set_item(
        "periods",
        e.periods
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
    )?;
    d.set_item("item", item.into_pyarray(py))?;
    d.set_item("region", region.into_pyarray(py))?;
    d.set_item("period", period.into_pyarray(py))?;
    d.set_item("threshold", threshold.into_pyarray(py))?;
    d.set_item("margin", margin.into_pyarray(py))?;
    d.set_item("status", e.status.into_pyarray(py))?;
    d.set_item("value", e.value.into_pyarray(py))?;
    d.set_item("verdict", e.verdict.into_pyarray(py))?;
    Ok(d)
}
