//! Converting the store methods' Python arguments and results: periods, times, sources,
//! region and metric columns, observations.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use ecociv::Period;
use ecociv::model::{Level, MetricDef, MetricKind, RegionDef};
use ecociv::store::{Observation, Source};

use crate::errors::bad_store_input;

/// Parses a period (`2017`, `2017Q3`, `2017-03`); a `StoreError` naming the text otherwise.
pub fn parse_period(text: &str) -> PyResult<Period> {
    text.parse::<Period>().map_err(|_| {
        bad_store_input(format!(
            "period {text:?}: expected a year (2017), a quarter (2017Q3) or a month (2017-03)"
        ))
    })
}

/// A UTC time from microseconds since the epoch.
pub fn micros(us: i64) -> PyResult<DateTime<Utc>> {
    DateTime::from_timestamp_micros(us)
        .ok_or_else(|| bad_store_input(format!("time {us} µs is out of range")))
}

/// A source given as a str (its document) or a dict with `document`, `publisher`, `address`
/// and `note` (each optional).
pub fn source_arg(obj: &Bound<'_, PyAny>) -> PyResult<Source> {
    if let Ok(document) = obj.extract::<String>() {
        return Ok(Source::document(document));
    }
    let Ok(d) = obj.cast::<PyDict>() else {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "a source is a str (the document) or a dict with document, publisher, address, note",
        ));
    };
    let mut source = Source::default();
    for (key, value) in d.iter() {
        let key: String = key.extract()?;
        let value: String = value.extract().map_err(|_| {
            pyo3::exceptions::PyTypeError::new_err(format!("source field {key:?}: expected a str"))
        })?;
        match key.as_str() {
            "document" => source.document = value,
            "publisher" => source.publisher = value,
            "address" => source.address = value,
            "note" => source.note = value,
            other => {
                return Err(bad_store_input(format!(
                    "source field {other:?}: expected document, publisher, address or note"
                )));
            }
        }
    }
    Ok(source)
}

/// A source as a dict `{document, publisher, address, note}`.
pub fn source_dict<'py>(py: Python<'py>, s: &Source) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("document", &s.document)?;
    d.set_item("publisher", &s.publisher)?;
    d.set_item("address", &s.address)?;
    d.set_item("note", &s.note)?;
    Ok(d)
}

/// A resolved observation as a dict.
pub fn observation_dict<'py>(py: Python<'py>, o: &Observation) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("region", &o.region)?;
    d.set_item("metric", &o.metric)?;
    d.set_item("period", o.period.to_string())?;
    d.set_item("value", o.value)?;
    d.set_item("source", source_dict(py, &o.source)?)?;
    d.set_item("recorded_at_us", o.recorded_at.timestamp_micros())?;
    d.set_item("note", o.note.as_deref())?;
    Ok(d)
}

/// Checks that an optional column has `n` entries.
fn check_len<T>(column: Option<&Vec<T>>, n: usize, what: &str, name: &str) -> PyResult<()> {
    match column {
        Some(c) if c.len() != n => Err(bad_store_input(format!(
            "{what}: column {name} has {} entries, code has {n}",
            c.len()
        ))),
        _ => Ok(()),
    }
}

/// Region definitions from columns (row numbers in errors count from 1).
///
/// # Errors
/// `StoreError` for columns of different lengths or an unknown level.
pub fn region_defs(
    code: Vec<String>,
    name: Vec<String>,
    level: Vec<String>,
    parent: Option<Vec<Option<String>>>,
    attributes: Option<Vec<Option<BTreeMap<String, String>>>>,
) -> PyResult<Vec<RegionDef>> {
    let n = code.len();
    check_len(Some(&name), n, "regions", "name")?;
    check_len(Some(&level), n, "regions", "level")?;
    check_len(parent.as_ref(), n, "regions", "parent")?;
    check_len(attributes.as_ref(), n, "regions", "attributes")?;
    let mut out = Vec::with_capacity(n);
    for (i, ((code, name), level)) in code.into_iter().zip(name).zip(level).enumerate() {
        let level = Level::parse(&level).ok_or_else(|| {
            let known: Vec<&str> = Level::ALL.iter().map(|l| l.as_str()).collect();
            bad_store_input(format!(
                "regions row {}, column level: unknown level {level:?} (expected one of {})",
                i + 1,
                known.join(", ")
            ))
        })?;
        out.push(RegionDef {
            code,
            name,
            level,
            parent: parent
                .as_ref()
                .and_then(|p| p[i].clone())
                .filter(|p| !p.is_empty()),
            attributes: attributes
                .as_ref()
                .and_then(|a| a[i].clone())
                .unwrap_or_default(),
        });
    }
    Ok(out)
}

/// Metric definitions from columns (row numbers in errors count from 1).
///
/// # Errors
/// `StoreError` for columns of different lengths or an unknown kind.
pub fn metric_defs(
    code: Vec<String>,
    name: Vec<String>,
    unit: Option<Vec<Option<String>>>,
    kind: Option<Vec<Option<String>>>,
    categories: Option<Vec<Option<Vec<String>>>>,
    description: Option<Vec<Option<String>>>,
) -> PyResult<Vec<MetricDef>> {
    let n = code.len();
    check_len(Some(&name), n, "metrics", "name")?;
    check_len(unit.as_ref(), n, "metrics", "unit")?;
    check_len(kind.as_ref(), n, "metrics", "kind")?;
    check_len(categories.as_ref(), n, "metrics", "categories")?;
    check_len(description.as_ref(), n, "metrics", "description")?;
    let text = |c: &Option<Vec<Option<String>>>, i: usize| {
        c.as_ref()
            .and_then(|c| c[i].clone())
            .filter(|s| !s.is_empty())
    };
    let mut out = Vec::with_capacity(n);
    for (i, (code, name)) in code.into_iter().zip(name).enumerate() {
        let kind = match text(&kind, i).as_deref() {
            None | Some("number") => MetricKind::Number,
            Some("boolean") => MetricKind::Boolean,
            Some("category") => MetricKind::Category,
            Some(other) => {
                return Err(bad_store_input(format!(
                    "metrics row {}, column kind: unknown kind {other:?} (expected number, boolean or category)",
                    i + 1
                )));
            }
        };
        out.push(MetricDef {
            code,
            name,
            unit: text(&unit, i),
            kind,
            categories: categories
                .as_ref()
                .and_then(|c| c[i].clone())
                .unwrap_or_default(),
            description: text(&description, i),
        });
    }
    Ok(out)
}

/// Parses an ISO date (`2017-12-31`); a `StoreError` of kind `bad_input` naming `what`.
pub fn parse_date(text: &str, what: &str) -> PyResult<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| bad_store_input(format!("{what}: {text:?} is not a date (YYYY-MM-DD)")))
}

/// A task state from its name (`planned`, `in_progress`, `done`).
pub fn task_state(text: &str) -> PyResult<ecociv::progress::TaskState> {
    use ecociv::progress::TaskState;
    match text {
        "planned" => Ok(TaskState::Planned),
        "in_progress" => Ok(TaskState::InProgress),
        "done" => Ok(TaskState::Done),
        s => Err(bad_store_input(format!(
            "state: unknown state {s:?} (planned, in_progress, done)"
        ))),
    }
}

/// A task as it stands, as a dict `{code, text, phase, due, lead, standing, state, done_on,
/// evidence}` (dates as ISO text).
pub fn task_dict(py: Python<'_>, t: ecociv::progress::TaskLine) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("code", t.code)?;
    d.set_item("text", t.text)?;
    d.set_item("phase", t.phase)?;
    d.set_item("due", t.due.to_string())?;
    d.set_item("lead", t.lead)?;
    d.set_item("standing", t.standing.as_str())?;
    d.set_item("state", t.state.map(ecociv::progress::TaskState::as_str))?;
    d.set_item("done_on", t.done_on.map(|d| d.to_string()))?;
    d.set_item("evidence", t.evidence)?;
    Ok(d)
}
