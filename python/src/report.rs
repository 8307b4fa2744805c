//! Reports of a finished evaluation, for `EvaluationData.report` and
//! `EvaluationData.display_rows`: the region scorecard, a unit's accountability report, the
//! progress bulletin and a region's history (Markdown, or a self-contained HTML page), and the
//! rows as the reports show them (threshold as displayed, projection text).
//!
//! Everything here works on what the evaluation captured from the store when it ran (region
//! names, task statuses), so a report needs no open store.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use ecociv::assess::AssessmentTable;
use ecociv::eval::Evaluation;
use ecociv::progress::{TaskStatus, bulletin};
use ecociv::report::{Context, bulletin_markdown, markdown_page};
use ecociv::{Period, Programme};

/// How many days ahead a bulletin (and the task list) looks for due tasks and milestones.
pub const HORIZON_DAYS: i64 = 90;

/// The report kinds [`render`] knows.
pub const KINDS: [&str; 4] = ["scorecard", "unit", "bulletin", "history"];

/// What a report is made from: the evaluation and what was captured with it.
pub struct Sources<'a> {
    /// The evaluated programme.
    pub programme: &'a Programme,
    /// The evaluation.
    pub eval: &'a Evaluation,
    /// Its assessment table (projections).
    pub table: &'a AssessmentTable,
    /// Region code → name.
    pub names: &'a BTreeMap<String, String>,
    /// The task statuses recorded for the programme when it was evaluated.
    pub tasks: &'a [TaskStatus],
}

impl Sources<'_> {
    fn context(&self) -> Context<'_> {
        Context::new(self.programme, self.eval)
            .with_region_names(self.names.clone())
            .with_assessment(self.table)
    }
}

/// The options of one report (see [`render`]).
#[derive(Default)]
pub struct Options {
    /// A region code.
    pub region: Option<String>,
    /// A period text.
    pub period: Option<String>,
    /// A responsible unit.
    pub unit: Option<String>,
    /// A bulletin's date (ISO text).
    pub as_of: Option<String>,
    /// A self-contained HTML page instead of Markdown.
    pub html: bool,
}

fn parse_period(text: &str) -> PyResult<Period> {
    text.parse().map_err(|_| {
        PyValueError::new_err(format!("period: {text:?} is not a period (YYYY, YYYYQn or YYYY-MM)"))
    })
}

fn parse_date(text: &str, what: &str) -> PyResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| PyValueError::new_err(format!("{what}: {text:?} is not a date (YYYY-MM-DD)")))
}

fn not_found(what: &str, code: &str) -> PyErr {
    PyKeyError::new_err(format!(
        "{what}: {code:?} is not in the evaluation (no such region or period in the store)"
    ))
}

/// The period a report is about: the given one, else the last evaluated period (for a bulletin:
/// the last one ending on or before its date, else the last one).
fn pick_period(e: &Evaluation, given: Option<&str>, on_or_before: Option<NaiveDate>) -> PyResult<Period> {
    if let Some(t) = given {
        return parse_period(t);
    }
    let fit = on_or_before.and_then(|d| e.periods.iter().rev().find(|p| p.end_date() <= d).copied());
    fit.or_else(|| e.periods.last().copied())
        .ok_or_else(|| PyKeyError::new_err("period: the evaluation has no period (no data in the store)"))
}

/// Renders one report: `scorecard` (needs `region`; `period` defaults to the last evaluated),
/// `unit` (needs `unit`), `bulletin` (needs `as_of`, a date; lists the gaps of `region`,
/// default the programme's first region, in `period`, default the last period ending by that
/// date) or `history` (needs `region`).
///
/// # Errors
/// `ValueError` for an unknown kind, a missing option or a bad date or period text;
/// `KeyError` for a region or period the evaluation does not have.
pub fn render(src: &Sources<'_>, kind: &str, o: &Options) -> PyResult<String> {
    let p = src.programme;
    let e = src.eval;
    let need = |v: &Option<String>, what: &str| {
        v.clone()
            .ok_or_else(|| PyValueError::new_err(format!("{what}: required for a {kind} report")))
    };
    let ctx = src.context();
    let page = |title: String, md: String| if o.html { markdown_page(&title, &md) } else { md };
    match kind {
        "scorecard" => {
            let r = need(&o.region, "region")?;
            let t = pick_period(e, o.period.as_deref(), None)?;
            let out = if o.html { ctx.html_report(&r, t, None) } else { ctx.scorecard_markdown(&r, t) };
            out.ok_or_else(|| not_found("region or period", &format!("{r} {t}")))
        }
        "unit" => {
            let u = need(&o.unit, "unit")?;
            Ok(page(format!("{} — {u}", p.title), ctx.unit_markdown(&u)))
        }
        "history" => {
            let r = need(&o.region, "region")?;
            let md = ctx.history_markdown(&r).ok_or_else(|| not_found("region", &r))?;
            Ok(page(format!("{} — {}", p.title, ctx.region_name(&r)), md))
        }
        "bulletin" => {
            let d = parse_date(&need(&o.as_of, "as_of")?, "as_of")?;
            let r = match &o.region {
                Some(r) => r.clone(),
                None => p
                    .regions
                    .first()
                    .map(|r| r.code.clone())
                    .or_else(|| e.regions.first().cloned())
                    .ok_or_else(|| PyValueError::new_err("region: the programme names no region"))?,
            };
            let gaps = match pick_period(e, o.period.as_deref(), Some(d)) {
                Ok(t) => ctx
                    .scorecard(&r, t)
                    .ok_or_else(|| not_found("region or period", &format!("{r} {t}")))?
                    .gaps(),
                Err(_) => Vec::new(),
            };
            let b = bulletin(p, d, src.tasks, HORIZON_DAYS);
            Ok(page(format!("{} — {d}", p.title), bulletin_markdown(&p.title, &b, &gaps)))
        }
        k => Err(PyValueError::new_err(format!(
            "kind: unknown report {k:?} (one of {})",
            KINDS.join(", ")
        ))),
    }
}

/// The rows as the scorecard shows them, for each region (of `regions`, default all) and
/// period: a dict `{rows, verdicts}`; each row `{item, name, group, binding, attribute, region,
/// region_name, period, status, value, threshold (as displayed), margin, unit, lead,
/// cooperating, projection}`, each verdict `{region, region_name, period, verdict}`. No value
/// is `None`.
///
/// # Errors
/// Only a failure to build the Python objects.
pub fn display_rows<'py>(
    py: Python<'py>,
    src: &Sources<'_>,
    regions: Option<&[String]>,
) -> PyResult<Bound<'py, PyDict>> {
    let e = src.eval;
    let ctx = src.context();
    let rows = PyList::empty(py);
    let verdicts = PyList::empty(py);
    let shown = e.regions.iter().filter(|r| regions.is_none_or(|w| w.contains(r)));
    for region in shown {
        for &t in &e.periods {
            let Some(card) = ctx.scorecard(region, t) else { continue };
            let v = PyDict::new(py);
            v.set_item("region", region)?;
            v.set_item("region_name", &card.region_name)?;
            v.set_item("period", t.to_string())?;
            v.set_item("verdict", card.verdict.as_str())?;
            verdicts.append(v)?;
            for row in card.rows {
                let info = e.item_index(&row.item).map(|k| &e.items[k]);
                let d = PyDict::new(py);
                d.set_item("item", &row.item)?;
                d.set_item("name", &row.name)?;
                d.set_item("group", &row.group)?;
                d.set_item("binding", row.binding)?;
                d.set_item("attribute", info.map(|i| i.attribute.as_str()))?;
                d.set_item("region", region)?;
                d.set_item("region_name", &card.region_name)?;
                d.set_item("period", t.to_string())?;
                d.set_item("status", row.status.as_str())?;
                d.set_item("value", Some(row.value).filter(|v| !v.is_nan()))?;
                d.set_item("threshold", &row.threshold)?;
                d.set_item("margin", Some(row.margin).filter(|v| !v.is_nan()))?;
                d.set_item("unit", info.and_then(|i| i.unit.clone()))?;
                d.set_item("lead", &row.lead)?;
                d.set_item("cooperating", info.map(|i| i.cooperating.clone()).unwrap_or_default())?;
                d.set_item("projection", &row.projection)?;
                rows.append(d)?;
            }
        }
    }
    let out = PyDict::new(py);
    out.set_item("rows", rows)?;
    out.set_item("verdicts", verdicts)?;
    Ok(out)
}
