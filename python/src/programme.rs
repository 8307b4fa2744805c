//! `Programme`: a frozen wrapper around the core [`ecociv::Programme`].
//!
//! Loading, saving and validation are core's; this file only converts at the edge. The
//! indicator table is returned as a dict of equal-length columns, which the pure-Python layer
//! (`ecociv/programme.py`) turns into a pandas DataFrame.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use ecociv::model::Item;

use crate::errors::{guard, programme_error};

/// An indicator programme: indicators, items, thresholds, units, phases.
#[pyclass(frozen, eq, name = "Programme", module = "ecociv._ecociv")]
#[derive(PartialEq)]
pub struct PyProgramme {
    /// The core programme.
    pub(crate) inner: ecociv::Programme,
}

/// The column names of the indicator table, in order.
const COLUMNS: [&str; 12] = [
    "code",
    "indicator",
    "category",
    "item",
    "name",
    "measure",
    "comparator",
    "threshold",
    "unit",
    "attribute",
    "lead",
    "cooperating",
];

#[pymethods]
impl PyProgramme {
    /// The built-in programme with this id (e.g. ``"baoshan-2017"``).
    #[staticmethod]
    fn builtin(py: Python<'_>, id: &str) -> PyResult<Self> {
        guard(|| {
            ecociv::programme::builtin(id)
                .map(|inner| Self { inner })
                .map_err(|e| programme_error(py, &e))
        })
    }

    /// The ids of the built-in programmes.
    #[staticmethod]
    fn builtin_ids() -> Vec<&'static str> {
        ecociv::programme::builtin_ids().to_vec()
    }

    /// Loads and validates a programme file (TOML).
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        guard(|| {
            py.detach(|| ecociv::programme::load_file(&path))
                .map(|inner| Self { inner })
                .map_err(|e| programme_error(py, &e))
        })
    }

    /// Parses and validates a programme from TOML text; `origin` names it in errors.
    #[staticmethod]
    #[pyo3(signature = (text, origin = "<string>"))]
    fn from_str(py: Python<'_>, text: &str, origin: &str) -> PyResult<Self> {
        guard(|| {
            ecociv::programme::load_str(text, origin)
                .map(|inner| Self { inner })
                .map_err(|e| programme_error(py, &e))
        })
    }

    /// The programme as TOML text.
    fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        guard(|| {
            ecociv::programme::to_toml_string(&self.inner).map_err(|e| programme_error(py, &e))
        })
    }

    /// Writes the programme to a TOML file.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        guard(|| {
            py.detach(|| ecociv::programme::save_file(&self.inner, &path))
                .map_err(|e| programme_error(py, &e))
        })
    }

    /// Stable id.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    /// Title as written.
    #[getter]
    fn title(&self) -> &str {
        &self.inner.title
    }

    /// Issuing bodies.
    #[getter]
    fn issued_by(&self) -> Vec<String> {
        self.inner.issued_by.clone()
    }

    /// Date issued as ISO text (``YYYY-MM-DD``), or ``None``.
    #[getter]
    fn issued_on(&self) -> Option<String> {
        self.inner
            .issued_on
            .map(|d| d.format("%Y-%m-%d").to_string())
    }

    /// Where the text was published, or ``None``.
    #[getter]
    fn source(&self) -> Option<&str> {
        self.inner.source.as_deref()
    }

    /// Indicator categories, in order.
    #[getter]
    fn categories(&self) -> Vec<String> {
        self.inner.categories.clone()
    }

    /// Free-text notes.
    #[getter]
    fn notes(&self) -> Vec<String> {
        self.inner.notes.clone()
    }

    /// The milestones: dicts with ``code``, ``name``, ``due`` (ISO date) and ``authority``.
    fn milestones<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for m in &self.inner.milestones {
            let d = PyDict::new(py);
            d.set_item("code", &m.code)?;
            d.set_item("name", &m.name)?;
            d.set_item("due", m.due.format("%Y-%m-%d").to_string())?;
            d.set_item("authority", m.authority.as_deref())?;
            out.append(d)?;
        }
        Ok(out)
    }

    /// The indicator table as a dict of equal-length lists keyed by column name: one row per
    /// item, construction indicators' items first, then basic conditions' items (in the order
    /// of `Programme::items`).
    fn indicator_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        guard(|| indicator_columns(py, &self.inner))
    }

    /// The codes a task status may be recorded for (`Store.record_task`): every task of every
    /// phase, and each phase without numbered tasks.
    fn task_codes(&self) -> Vec<String> {
        task_codes(&self.inner)
    }

    fn __repr__(&self) -> String {
        let items = self.inner.items().count();
        format!(
            "<Programme {:?}: {} indicators, {} items, {} basic conditions>",
            self.inner.id,
            self.inner.indicators.len(),
            items,
            self.inner.conditions.len()
        )
    }
}

/// The codes a task status may be recorded for: every task of every phase, and each phase
/// without numbered tasks.
pub fn task_codes(programme: &ecociv::Programme) -> Vec<String> {
    let mut out = Vec::new();
    for phase in &programme.phases {
        if phase.tasks.is_empty() {
            out.push(phase.code.clone());
        }
        out.extend(phase.tasks.iter().map(|t| t.code.clone()));
    }
    out
}

/// The category shown for basic conditions' items (the document's own heading).
const CONDITIONS_CATEGORY: &str = "基本条件";

/// Who an item belongs to: (code, category, name) of its indicator or basic condition.
type Owner<'a> = (&'a str, &'a str, &'a str);

/// Builds the columns of the indicator table.
fn indicator_columns<'py>(
    py: Python<'py>,
    programme: &ecociv::Programme,
) -> PyResult<Bound<'py, PyDict>> {
    let columns: Vec<Bound<'py, PyList>> = COLUMNS.iter().map(|_| PyList::empty(py)).collect();
    let indicator_items = programme.indicators.iter().flat_map(|i| {
        let owner: Owner<'_> = (&i.code, &i.category, &i.name);
        i.items.iter().map(move |item| (owner, item))
    });
    let condition_items = programme.conditions.iter().flat_map(|c| {
        let owner: Owner<'_> = (&c.code, CONDITIONS_CATEGORY, &c.text);
        c.items.iter().map(move |item| (owner, item))
    });
    for (owner, item) in indicator_items.chain(condition_items) {
        push_row(py, &columns, owner, item)?;
    }
    let table = PyDict::new(py);
    for (name, column) in COLUMNS.iter().zip(columns) {
        table.set_item(name, column)?;
    }
    Ok(table)
}

/// Appends one item's row to the columns (same order as [`COLUMNS`]).
fn push_row(
    py: Python<'_>,
    columns: &[Bound<'_, PyList>],
    owner: Owner<'_>,
    item: &Item,
) -> PyResult<()> {
    let (owner_code, category, owner_name) = owner;
    let values: [Bound<'_, PyAny>; 12] = [
        item.code.as_str().into_pyobject(py)?.into_any(),
        owner_code.into_pyobject(py)?.into_any(),
        category.into_pyobject(py)?.into_any(),
        item.name.as_str().into_pyobject(py)?.into_any(),
        owner_name.into_pyobject(py)?.into_any(),
        item.measure.as_str().into_pyobject(py)?.into_any(),
        item.comparator.symbol().into_pyobject(py)?.into_any(),
        item.threshold
            .as_ref()
            .map(ecociv::model::Threshold::display)
            .into_pyobject(py)?
            .into_any(),
        item.unit.as_deref().into_pyobject(py)?.into_any(),
        item.attribute.as_str().into_pyobject(py)?.into_any(),
        PyList::new(py, &item.lead)?.into_any(),
        PyList::new(py, &item.cooperating)?.into_any(),
    ];
    for (column, value) in columns.iter().zip(values) {
        column.append(value)?;
    }
    Ok(())
}
