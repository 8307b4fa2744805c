use std::fmt::Write as _;

use super::Table;
use super::context::{Context, fmt_num, fmt_signed};
use crate::eval::{Status, Verdict};
use crate::period::Period;

/// One row of a region's scorecard.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    /// Item code.
    pub item: String,
    /// Item name.
    pub name: String,
    /// Category (indicators) or `基本条件` (basic conditions).
    pub group: String,
    /// Whether the item is binding.
    pub binding: bool,
    /// The status.
    pub status: Status,
    /// Measured value (NaN if none).
    pub value: f64,
    /// The threshold as displayed.
    pub threshold: String,
    /// Signed margin (NaN if none).
    pub margin: f64,
    /// Lead units.
    pub lead: Vec<String>,
    /// For a failing or missing item, its projection to the programme's milestones (one
    /// sentence per deadline), when the context carries an assessment and the item declares a
    /// projection.
    pub projection: Option<String>,
}

/// The scorecard of one region in one period: verdict and every item, grouped.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    /// Region code.
    pub region: String,
    /// Region name.
    pub region_name: String,
    /// The period.
    pub period: Period,
    /// The verdict.
    pub verdict: Verdict,
    /// Rows: indicator items by category in programme order, then basic conditions.
    pub rows: Vec<ScoreRow>,
}

impl Scorecard {
    /// The failing and missing items of this scorecard, as a bulletin lists them.
    #[must_use]
    pub fn gaps(&self) -> Vec<super::Gap> {
        self.rows
            .iter()
            .filter(|r| matches!(r.status, Status::Fail | Status::Missing))
            .map(|r| super::Gap {
                region: self.region_name.clone(),
                period: self.period.to_string(),
                item: r.item.clone(),
                name: r.name.clone(),
                status: r.status.as_str().to_owned(),
                value: Some(r.value).filter(|v| !v.is_nan()),
                threshold: r.threshold.clone(),
                margin: Some(r.margin).filter(|v| !v.is_nan()),
                lead: r.lead.clone(),
                projection: r.projection.clone(),
            })
            .collect()
    }
}

/// Whether item `k` belongs to a scorecard group.
type Member<'e> = Box<dyn Fn(usize) -> bool + 'e>;

/// The group label used for basic conditions' items.
pub const CONDITIONS_GROUP: &str = "基本条件";

impl Context<'_> {
    /// The scorecard of `region` in `period`; `None` if either is not in the evaluation.
    #[must_use]
    pub fn scorecard(&self, region: &str, period: Period) -> Option<Scorecard> {
        let (r, t) = (self.region(region)?, self.period(period)?);
        let e = self.evaluation;
        let verdict = Verdict::from_code(e.verdict[r * e.periods.len() + t])?;
        let mut rows = Vec::new();
        let groups: Vec<(String, Member<'_>)> = e
            .categories
            .iter()
            .map(|c| {
                let c2 = c.clone();
                let f: Member<'_> = Box::new(move |k: usize| {
                    e.items[k].indicator.and_then(|i| e.indicators[i].category.as_ref()) == Some(&c2)
                });
                (c.clone(), f)
            })
            .chain(std::iter::once((
                CONDITIONS_GROUP.to_owned(),
                Box::new(|k: usize| e.items[k].condition.is_some()) as Member<'_>,
            )))
            .collect();
        for (group, member) in &groups {
            for k in (0..e.items.len()).filter(|&k| member(k)) {
                let cell = self.cell(k, r, t);
                let info = &e.items[k];
                let projection = self
                    .assessment
                    .filter(|_| matches!(cell.status, Status::Fail | Status::Missing))
                    .and_then(|table| super::projection_text(table, self.programme, &info.code, region, period));
                rows.push(ScoreRow {
                    item: info.code.clone(),
                    name: info.name.clone(),
                    group: group.clone(),
                    binding: info.attribute.is_binding(),
                    status: cell.status,
                    value: cell.value,
                    threshold: self.threshold_text(k, &cell),
                    margin: cell.margin,
                    lead: info.lead.clone(),
                    projection,
                });
            }
        }
        Some(Scorecard { region: region.to_owned(), region_name: self.region_name(region), period, verdict, rows })
    }

    /// The scorecard as Markdown: verdict on top, then binding items by category, then guiding
    /// items (warnings), each with value, threshold, status and margin — and, when the context
    /// carries an assessment ([`Context::with_assessment`]), a projection column giving each
    /// failing or missing item's projection to the milestones.
    #[must_use]
    pub fn scorecard_markdown(&self, region: &str, period: Period) -> Option<String> {
        let card = self.scorecard(region, period)?;
        let mut out = String::new();
        let _ = writeln!(out, "# {} — {} scorecard, {}\n", self.programme.title, card.region_name, card.period);
        let count = |binding: bool, s: Status| card.rows.iter().filter(|r| r.binding == binding && r.status == s).count();
        let _ = writeln!(
            out,
            "**Verdict: {}** — binding items: {} pass, {} fail, {} missing; guiding items: {} pass, {} warnings.\n",
            card.verdict,
            count(true, Status::Pass),
            count(true, Status::Fail),
            count(true, Status::Missing),
            count(false, Status::Pass),
            count(false, Status::Fail) + count(false, Status::Missing),
        );
        for (binding, heading) in [(true, "Binding items (约束性)"), (false, "Guiding items (指导性, warnings only)")] {
            let _ = writeln!(out, "## {heading}\n");
            let mut last_group = "";
            let mut table: Option<Table> = None;
            for row in card.rows.iter().filter(|r| r.binding == binding) {
                if row.group != last_group {
                    if let Some(t) = table.take() {
                        out.push_str(&t.render());
                        out.push('\n');
                    }
                    let _ = writeln!(out, "### {}\n", row.group);
                    last_group = &row.group;
                    let mut header = vec!["item", "value", "threshold", "status", "margin", "lead unit"];
                    if self.assessment.is_some() {
                        header.push("projection");
                    }
                    table = Some(Table::new(&header));
                }
                if let Some(t) = table.as_mut() {
                    t.row(&[
                        format!("{} {}", row.item, row.name),
                        fmt_num(row.value),
                        row.threshold.clone(),
                        row.status.as_str().to_owned(),
                        fmt_signed(row.margin),
                        row.lead.join("、"),
                        row.projection.clone().unwrap_or_default(),
                    ]);
                }
            }
            if let Some(t) = table.take() {
                out.push_str(&t.render());
                out.push('\n');
            }
        }
        Some(out)
    }
}
