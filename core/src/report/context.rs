use std::collections::BTreeMap;

use crate::assess::apply::AssessmentTable;
use crate::eval::{Evaluation, Status};
use crate::model::{Comparator, Programme, format_number};
use crate::period::Period;

/// What every report renders from: the programme, one evaluation of it, and region names.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The evaluated programme.
    pub programme: &'a Programme,
    /// The evaluation.
    pub evaluation: &'a Evaluation,
    /// Region code → display name (the programme's regions by default).
    pub region_names: BTreeMap<String, String>,
    /// The assessment of the same evaluation ([`crate::assess::apply::apply`]), if computed:
    /// scorecards then show each failing or missing item's projection to the milestones.
    pub assessment: Option<&'a AssessmentTable>,
}

impl<'a> Context<'a> {
    /// A context naming regions as the programme's scope does.
    #[must_use]
    pub fn new(programme: &'a Programme, evaluation: &'a Evaluation) -> Context<'a> {
        let region_names = programme.regions.iter().map(|r| (r.code.clone(), r.name.clone())).collect();
        Context { programme, evaluation, region_names, assessment: None }
    }

    /// Adds the assessment of the same evaluation, so that scorecards show projections.
    ///
    /// ```
    /// # use ecociv::{report::Context, store::Store, EvaluationRequest, Period};
    /// let dir = tempfile::tempdir()?;
    /// let store = Store::open(dir.path().join("s.redb"))?;
    /// ecociv::demo::load_baoshan(&store)?;
    /// let p = ecociv::programme::builtin("baoshan-2017")?;
    /// let e = store.evaluate(&p, &EvaluationRequest::default())?;
    /// let table = ecociv::assess::apply::apply(&p, &e)?;
    /// let card = Context::new(&p, &e).with_assessment(&table)
    ///     .scorecard_markdown("530500", Period::Year(2017)).unwrap();
    /// assert!(card.contains("| projection |"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_assessment(mut self, table: &'a AssessmentTable) -> Self {
        self.assessment = Some(table);
        self
    }

    /// Adds or replaces region names (e.g. from the store).
    #[must_use]
    pub fn with_region_names<I: IntoIterator<Item = (String, String)>>(mut self, names: I) -> Self {
        self.region_names.extend(names);
        self
    }

    /// The display name of a region (its code when unnamed).
    #[must_use]
    pub fn region_name(&self, code: &str) -> String {
        self.region_names.get(code).cloned().unwrap_or_else(|| code.to_owned())
    }

    /// Index of a region code in the evaluation.
    pub(crate) fn region(&self, code: &str) -> Option<usize> {
        self.evaluation.region_index(code)
    }

    /// Index of a period in the evaluation.
    pub(crate) fn period(&self, period: Period) -> Option<usize> {
        self.evaluation.periods.iter().position(|p| *p == period)
    }

    /// One cell of the result.
    pub(crate) fn cell(&self, item: usize, region: usize, period: usize) -> Cell {
        let e = self.evaluation;
        let row = e.row(item, region, period);
        let tk = item * e.regions.len() + region;
        let info = &e.items[item];
        let status = Status::from_code(e.status[row]).unwrap_or(Status::Missing);
        let value = e.value[row];
        let (t, tmax) = (e.threshold[tk], e.threshold_max[tk]);
        let margin = if value.is_nan() || t.is_nan() {
            f64::NAN
        } else {
            crate::eval::margin(info.comparator, value, t, tmax)
        };
        Cell { status, value, threshold: t, threshold_max: tmax, margin }
    }

    /// The threshold of an item for a region as displayed (`>= 85 %`, `holds`, `1–3`).
    pub(crate) fn threshold_text(&self, item: usize, cell: &Cell) -> String {
        let info = &self.evaluation.items[item];
        let unit = info.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
        match info.comparator {
            Comparator::Holds => "holds".to_owned(),
            _ if cell.threshold.is_nan() => "n/a".to_owned(),
            Comparator::Between => format!(
                "{}–{}{unit}",
                format_number(cell.threshold),
                format_number(cell.threshold_max)
            ),
            Comparator::In => "in category".to_owned(),
            c => format!("{} {}{unit}", c.symbol(), format_number(cell.threshold)),
        }
    }
}

/// One evaluated cell.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cell {
    pub status: Status,
    pub value: f64,
    pub threshold: f64,
    pub threshold_max: f64,
    pub margin: f64,
}

/// A number for a report: up to three decimals, no trailing zeros; `—` for NaN.
pub(crate) fn fmt_num(v: f64) -> String {
    if v.is_nan() {
        return "—".to_owned();
    }
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_owned() } else { s.to_owned() }
}

/// A signed number for margins (`+1.2`, `-0.5`).
pub(crate) fn fmt_signed(v: f64) -> String {
    if v.is_nan() {
        "—".to_owned()
    } else if v >= 0.0 {
        format!("+{}", fmt_num(v))
    } else {
        fmt_num(v)
    }
}

/// The symbol of a status for compact tables.
pub(crate) fn symbol(s: Status) -> &'static str {
    match s {
        Status::Pass => "✓",
        Status::Fail => "✗",
        Status::Missing => "?",
        Status::NotApplicable => "–",
    }
}
