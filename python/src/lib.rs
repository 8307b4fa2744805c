//! Python bindings of ecociv: the compiled module `ecociv._ecociv`.
//!
//! Registration only; each exposed concept lives in its own file. The pure-Python package
//! `ecociv` (python/ecociv/) re-exports these names and adds the DataFrame and notebook layer.

use pyo3::prelude::*;

mod columns;
mod demo;
mod errors;
mod evaluation;
mod interrupt;
mod programme;
mod report;
mod store;
mod store_args;

/// The README's Rust examples, run by `cargo test --workspace` as doctests of this crate (the
/// Python examples are run by tests/python/test_readme.py).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The compiled module `ecociv._ecociv`.
#[pymodule]
fn _ecociv(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    m.add_class::<programme::PyProgramme>()?;
    m.add_class::<store::PyStore>()?;
    m.add_class::<evaluation::PyEvaluationData>()?;
    m.add_function(wrap_pyfunction!(demo::run_demo, m)?)?;
    Ok(())
}
