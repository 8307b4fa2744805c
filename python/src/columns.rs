//! Columns of Python dicts built from lists of Rust records (the binding hands record lists to
//! the pure-Python layer as one list per field, which becomes a DataFrame there).

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Sets `d[key]` to the list of `f(row)` for every row: one column of a list of records.
pub fn set_column<'py, 'a, T, V>(
    d: &Bound<'py, PyDict>,
    key: &str,
    rows: &'a [T],
    f: impl FnMut(&'a T) -> V,
) -> PyResult<()>
where
    Vec<V>: IntoPyObject<'py>,
{
    d.set_item(key, rows.iter().map(f).collect::<Vec<V>>())
}
