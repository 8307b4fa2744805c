//! The exception tree and the mapping from core errors to Python exceptions.
//!
//! ```text
//! EcocivError(Exception)
//! ├── ProgrammeError     .errors() -> [{file, line, column, field, type, message}]
//! ├── ExpressionError
//! ├── StoreError        .kind: "not_a_store", "locked", … or "unknown_region", "bad_input", …
//! ├── IngestError        .errors() -> [{row, column, value, type, message}]
//! └── EvaluationError
//! ```
//!
//! Python built-ins are used where users expect them: a missing file is a `FileNotFoundError`,
//! a permission problem a `PermissionError`, any other I/O failure an `OSError`.
//!
//! Every mapping is an explicit `match`. The core enums are `#[non_exhaustive]`, so each match
//! needs a wildcard arm: a variant added to core later falls back to the area's exception class
//! with the core message, never to a bare `Exception`, and never panics.

use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use pyo3::exceptions::{PyException, PyFileNotFoundError, PyOSError, PyPermissionError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyInt, PyList, PyString};

use ecociv::eval::EvalError as CoreEvalError;
use ecociv::programme::ProgrammeError as CoreProgrammeError;
use ecociv::store::{IngestError as CoreIngestError, StoreError as CoreStoreError};

pyo3::create_exception!(
    ecociv,
    EcocivError,
    PyException,
    "Base class of every error raised by ecociv."
);
pyo3::create_exception!(
    ecociv,
    ProgrammeError,
    EcocivError,
    "A programme file or built-in programme could not be loaded: `.errors()` lists each problem."
);
pyo3::create_exception!(
    ecociv,
    ExpressionError,
    EcocivError,
    "An expression failed to parse or type-check."
);
pyo3::create_exception!(
    ecociv,
    StoreError,
    EcocivError,
    "The store could not be opened, read or written."
);
pyo3::create_exception!(
    ecociv,
    IngestError,
    EcocivError,
    "A batch of observations was refused: `.errors()` lists each bad row."
);
pyo3::create_exception!(
    ecociv,
    EvaluationError,
    EcocivError,
    "An evaluation could not run."
);

/// The `errors()` method shared by the exceptions that carry a list of problems.
///
/// Written in Python so that it binds as an ordinary method of the exception classes; the
/// problems themselves are stored by Rust in the instance attribute `_errors`.
const ERRORS_METHOD: &std::ffi::CStr = c"
def errors(self):
    \"\"\"Each problem as a dict (a list of dicts drops straight into a DataFrame).\"\"\"
    return [dict(problem) for problem in getattr(self, '_errors', ())]
";

/// Adds the exception classes to the module and gives the rich ones their `errors()` method.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let helpers = PyModule::from_code(py, ERRORS_METHOD, c"ecociv/errors.py", c"ecociv._errors")?;
    let errors = helpers.getattr("errors")?;
    for ty in [
        py.get_type::<ProgrammeError>(),
        py.get_type::<IngestError>(),
    ] {
        ty.setattr("errors", &errors)?;
    }
    // the default `kind` of a StoreError raised without one (set per instance otherwise)
    py.get_type::<StoreError>().setattr("kind", "store")?;
    m.add("EcocivError", py.get_type::<EcocivError>())?;
    m.add("ProgrammeError", py.get_type::<ProgrammeError>())?;
    m.add("ExpressionError", py.get_type::<ExpressionError>())?;
    m.add("StoreError", py.get_type::<StoreError>())?;
    m.add("IngestError", py.get_type::<IngestError>())?;
    m.add("EvaluationError", py.get_type::<EvaluationError>())?;
    Ok(())
}

/// One problem of a rich exception, as the dict `errors()` returns.
pub struct Problem<'a> {
    /// The stable `type` code, e.g. `syntax` or `unknown_field`.
    pub kind: &'a str,
    /// The human message.
    pub message: String,
    /// Location fields (`file`, `line`, `column`, `field`, `row`, `value`…); `None` values are
    /// kept as `None` so every dict has the same keys.
    pub location: Vec<(&'static str, Option<Bound<'a, PyAny>>)>,
}

/// Builds an exception of class `T` with `message` and the given problems in `_errors`.
pub fn rich_error<T: pyo3::PyTypeInfo>(
    py: Python<'_>,
    message: &str,
    problems: Vec<Problem<'_>>,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let exc = py.get_type::<T>().call1((message,))?;
        let list = PyList::empty(py);
        for p in problems {
            let d = PyDict::new(py);
            for (key, value) in p.location {
                d.set_item(key, value)?;
            }
            d.set_item("type", p.kind)?;
            d.set_item("message", p.message)?;
            list.append(d)?;
        }
        exc.setattr("_errors", list)?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}

/// Maps an I/O error on `path` to the matching Python built-in, with `filename` set.
pub fn io_error(err: &io::Error, path: &Path) -> PyErr {
    let errno = err.raw_os_error().unwrap_or(0);
    // `io::Error`'s text ends in " (os error N)"; Python shows the errno itself.
    let text = err.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text).to_owned();
    let args = (errno, text, path.display().to_string());
    match err.kind() {
        io::ErrorKind::NotFound => PyFileNotFoundError::new_err(args),
        io::ErrorKind::PermissionDenied => PyPermissionError::new_err(args),
        _ => PyOSError::new_err(args),
    }
}

/// Maps a programme error: I/O failures to `FileNotFoundError`/`PermissionError`/`OSError`
/// (with `filename`), everything else to `ProgrammeError` whose `.errors()` lists each problem
/// as `{file, line, column, field, type, message}`.
pub fn programme_error(py: Python<'_>, err: &CoreProgrammeError) -> PyErr {
    let message = err.to_string();
    let problem = |kind: &'static str,
                   file: Option<&str>,
                   line: Option<usize>,
                   column: Option<usize>,
                   field: Option<&str>,
                   text: String| Problem {
        kind,
        message: text,
        location: vec![
            ("file", file.map(|f| PyString::new(py, f).into_any())),
            ("line", line.map(|l| PyInt::new(py, l).into_any())),
            ("column", column.map(|c| PyInt::new(py, c).into_any())),
            ("field", field.map(|f| PyString::new(py, f).into_any())),
        ],
    };
    match err {
        CoreProgrammeError::Io { path, source } => io_error(source, path),
        CoreProgrammeError::Syntax {
            file,
            line,
            column,
            field,
            message: text,
        } => {
            let p = problem(
                "syntax",
                Some(file),
                Some(*line),
                Some(*column),
                Some(field),
                text.clone(),
            );
            rich_error::<ProgrammeError>(py, &message, vec![p])
        }
        CoreProgrammeError::Invalid { file, problems } => {
            let list = problems
                .iter()
                .map(|p| {
                    let kind = p.kind.as_str();
                    problem(
                        kind,
                        Some(file),
                        Some(p.line),
                        Some(p.column),
                        Some(&p.field),
                        p.message.clone(),
                    )
                })
                .collect();
            rich_error::<ProgrammeError>(py, &message, list)
        }
        CoreProgrammeError::UnknownBuiltin(id) => {
            let text = format!("no built-in programme named {id:?}");
            rich_error::<ProgrammeError>(
                py,
                &message,
                vec![problem(
                    "unknown_builtin",
                    None,
                    None,
                    None,
                    Some("id"),
                    text,
                )],
            )
        }
        CoreProgrammeError::Serialize(text) => rich_error::<ProgrammeError>(
            py,
            &message,
            vec![problem("serialize", None, None, None, None, text.clone())],
        ),
        // `ProgrammeError` is #[non_exhaustive]: a variant added in core later still raises the
        // area's class with the core message.
        _ => rich_error::<ProgrammeError>(py, &message, Vec::new()),
    }
}

/// The `kind` of a `StoreError` raised for a bad argument (a period text, a level, a column).
pub const BAD_INPUT: &str = "bad_input";

/// A `StoreError` with its `kind` attribute set (see [`store_error`]).
pub fn store_exception(py: Python<'_>, message: String, kind: &str) -> PyErr {
    let err = StoreError::new_err(message);
    // Setting an attribute on a fresh exception instance cannot fail in practice; if it did,
    // the class attribute (`"store"`) would show through.
    let _ = err.value(py).setattr("kind", kind);
    err
}

/// A `StoreError` of kind [`BAD_INPUT`]: the caller's argument is wrong, the store is fine.
pub fn bad_store_input(message: String) -> PyErr {
    Python::attach(|py| store_exception(py, message, BAD_INPUT))
}

/// Maps a store error: I/O failures to the Python built-ins, everything else to `StoreError`
/// whose `kind` says which: the store is unusable (`locked`, `not_a_store`, `newer_schema`,
/// `corrupt`, `redb`, `no_default_path`, `export`) or the request is refused (`unknown_region`,
/// `unknown_metric`, `unknown_parent`, `metric_change`, `bad_metric`, `bad_request`).
pub fn store_error(py: Python<'_>, err: &CoreStoreError) -> PyErr {
    let kind = match err {
        CoreStoreError::Io { path, source } => return io_error(source, path),
        CoreStoreError::Locked { .. } => "locked",
        CoreStoreError::NotAStore { .. } => "not_a_store",
        CoreStoreError::NewerSchema { .. } => "newer_schema",
        CoreStoreError::Corrupt { .. } => "corrupt",
        CoreStoreError::UnknownRegion { .. } => "unknown_region",
        CoreStoreError::UnknownMetric { .. } => "unknown_metric",
        CoreStoreError::UnknownParent { .. } => "unknown_parent",
        CoreStoreError::MetricChange { .. } => "metric_change",
        CoreStoreError::BadMetric { .. } => "bad_metric",
        CoreStoreError::BadRequest { .. } => "bad_request",
        CoreStoreError::NoDefaultPath => "no_default_path",
        CoreStoreError::Export { .. } => "export",
        CoreStoreError::Redb(_) => "redb",
        // #[non_exhaustive]: a later variant still raises the area's class.
        _ => "store",
    };
    store_exception(py, err.to_string(), kind)
}

/// Maps an ingest error to `IngestError` whose `.errors()` lists each bad row as
/// `{row, column, value, type, message}`.
pub fn ingest_error(py: Python<'_>, err: &CoreIngestError) -> PyErr {
    let message = err.to_string();
    let row = |kind: &'static str,
               row: Option<u64>,
               column: Option<&str>,
               value: Option<&str>,
               text: String| Problem {
        kind,
        message: text,
        location: vec![
            ("row", row.map(|r| PyInt::new(py, r).into_any())),
            ("column", column.map(|c| PyString::new(py, c).into_any())),
            ("value", value.map(|v| PyString::new(py, v).into_any())),
        ],
    };
    match err {
        CoreIngestError::Rows { problems, .. } => {
            let list = problems
                .iter()
                .map(|p| {
                    let r = u64::try_from(p.row).unwrap_or(u64::MAX);
                    row(
                        p.kind.as_str(),
                        Some(r),
                        Some(&p.column),
                        Some(&p.value),
                        p.message.clone(),
                    )
                })
                .collect();
            rich_error::<IngestError>(py, &message, list)
        }
        CoreIngestError::Csv {
            line,
            message: text,
            ..
        } => rich_error::<IngestError>(
            py,
            &message,
            vec![row("csv", Some(*line), None, None, text.clone())],
        ),
        CoreIngestError::Header { message: text, .. } => rich_error::<IngestError>(
            py,
            &message,
            vec![row("header", Some(1), None, None, text.clone())],
        ),
        CoreIngestError::Shape { column, .. } => rich_error::<IngestError>(
            py,
            &message,
            vec![row("shape", None, Some(column), None, message.clone())],
        ),
        CoreIngestError::Store(inner) => store_error(py, inner),
        // The call's Ctrl-C flag stopped it (normally the signal's own KeyboardInterrupt is
        // raised first; this keeps the interrupt if the flag was set some other way).
        CoreIngestError::Cancelled => {
            pyo3::exceptions::PyKeyboardInterrupt::new_err(format!("{message}: nothing was written"))
        }
        // #[non_exhaustive]: a later variant still raises the area's class.
        _ => rich_error::<IngestError>(py, &message, Vec::new()),
    }
}

/// Maps an evaluation error: expression problems to `ExpressionError`, the rest to
/// `EvaluationError`.
pub fn eval_error(_py: Python<'_>, err: &CoreEvalError) -> PyErr {
    match err {
        CoreEvalError::Expr { .. } => ExpressionError::new_err(err.to_string()),
        CoreEvalError::Item { .. }
        | CoreEvalError::PanelShape { .. }
        | CoreEvalError::ParentCycle { .. }
        | CoreEvalError::UnknownRegion(_)
        | CoreEvalError::UnknownPeriod(_)
        | CoreEvalError::Other(_) => EvaluationError::new_err(err.to_string()),
        // #[non_exhaustive]: a later variant still raises the area's class.
        _ => EvaluationError::new_err(err.to_string()),
    }
}

/// Runs `f`, turning a Rust panic into an `EcocivError` instead of letting it reach Python as
/// a `PanicException` (which derives from `BaseException` and escapes `except Exception`).
pub fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Err(EcocivError::new_err(format!(
                "internal error (please report): {what}"
            )))
        }
    }
}

/// Maps the core's umbrella error to the exception class of its area.
pub fn core_error(py: Python<'_>, err: &ecociv::Error) -> PyErr {
    match err {
        ecociv::Error::Programme(e) => programme_error(py, e),
        ecociv::Error::Store(e) => store_error(py, e),
        ecociv::Error::Ingest(e) => ingest_error(py, e),
        ecociv::Error::Eval(e) => eval_error(py, e),
        ecociv::Error::Expr(e) => ExpressionError::new_err(e.to_string()),
        ecociv::Error::Assess(e) => EvaluationError::new_err(e.to_string()),
        // #[non_exhaustive]: areas without a class of their own raise the base class.
        _ => EcocivError::new_err(err.to_string()),
    }
}
