//! Python bindings of ecociv.
use pyo3::prelude::*;

/// The compiled module `ecociv._ecociv`.
#[pymodule]
fn _ecociv(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
