//! The main job (`ecociv demo`): the Baoshan demo on a store, rendered by the core.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{core_error, guard, store_error};

/// Loads the Baoshan demo into the store at `path` (default: the embedded default store),
/// evaluates 2012–2020 and returns a dict with `store` (its path), `rows`, `scorecard` and
/// `bulletin` (Markdown) and `html` (the self-contained report).
#[pyfunction]
#[pyo3(signature = (path=None))]
pub fn run_demo(py: Python<'_>, path: Option<PathBuf>) -> PyResult<Bound<'_, PyDict>> {
    guard(|| {
        let path = match path {
            Some(p) => p,
            None => ecociv::store::Store::default_path().map_err(|e| store_error(py, &e))?,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| crate::errors::io_error(&e, dir))?;
        }
        let outcome = py.detach(|| -> Result<_, ecociv::Error> {
            let store = ecociv::store::Store::open(&path)?;
            ecociv::demo::run(&store)
        });
        let out = outcome.map_err(|e| core_error(py, &e))?;
        let d = PyDict::new(py);
        d.set_item("store", path.display().to_string())?;
        d.set_item("rows", out.rows)?;
        d.set_item("scorecard", out.scorecard)?;
        d.set_item("bulletin", out.bulletin)?;
        d.set_item("html", out.html)?;
        Ok(d)
    })
}
