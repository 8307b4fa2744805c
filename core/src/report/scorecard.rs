use std::fmt::Write as _;

use super::Table;
use super::context::{Context, fmt_num, fmt_signed};
use crate::assess::bands::Band;
use crate::assess::codes::Code;
use crate::assess::methods::Methods;
use crate::assess::trend::Trend;
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
    /// The colour band, when the context carries an assessment and the item declares bands
    /// (grey: no data).
    pub band: Option<Band>,
    /// The normalised score (0–100, clipped; NaN without data), when the context carries an
    /// assessment and the item declares a score.
    pub score: Option<f64>,
    /// The trend arrow, when the context carries an assessment and the item declares a trend.
    pub trend: Option<Trend>,
}

/// Which monitoring columns a scorecard shows: those some item of the programme declares,
/// when the context carries an assessment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Columns {
    /// The band column.
    pub band: bool,
    /// The score column.
    pub score: bool,
    /// The trend column.
    pub trend: bool,
}

/// A score as the reports show it: one decimal; `—` for NaN.
pub(crate) fn fmt_score(v: f64) -> String {
    if v.is_nan() {
        "—".to_owned()
    } else {
        format!("{v:.1}")
    }
}

/// A trend as the reports show it: the arrow and its name (`↑ on_track`).
pub(crate) fn fmt_trend(t: Trend) -> String {
    format!("{} {}", t.arrow(), t.as_str())
}

impl ScoreRow {
    /// The row's cells for the monitoring columns `cols` shows (band, score, trend; empty
    /// where the item does not declare the method).
    pub(crate) fn method_cells(&self, cols: Columns) -> Vec<String> {
        let mut cells = Vec::new();
        if cols.band {
            cells.push(self.band.map(|b| b.as_str().to_owned()).unwrap_or_default());
        }
        if cols.score {
            cells.push(self.score.map(fmt_score).unwrap_or_default());
        }
        if cols.trend {
            cells.push(self.trend.map(fmt_trend).unwrap_or_default());
        }
        cells
    }
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
    /// The counts line under the verdict: `binding items: 15 pass, 6 fail, 0 missing; guiding
    /// items: 0 pass, 3 warnings.` (a guiding item that fails or is missing is a warning).
    #[must_use]
    pub fn counts_line(&self) -> String {
        let count = |binding: bool, s: Status| {
            self.rows.iter().filter(|r| r.binding == binding && r.status == s).count()
        };
        format!(
            "binding items: {} pass, {} fail, {} missing; guiding items: {} pass, {} warnings.",
            count(true, Status::Pass),
            count(true, Status::Fail),
            count(true, Status::Missing),
            count(false, Status::Pass),
            count(false, Status::Fail) + count(false, Status::Missing),
        )
    }

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
                    e.items[k]
                        .indicator
                        .and_then(|i| e.indicators[i].category.as_ref())
                        == Some(&c2)
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
                    .and_then(|table| {
                        super::projection_text(table, self.programme, &info.code, region, period)
                    });
                let (band, score, trend) = self.methods(k, r, t);
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
                    band,
                    score,
                    trend,
                });
            }
        }
        Some(Scorecard {
            region: region.to_owned(),
            region_name: self.region_name(region),
            period,
            verdict,
            rows,
        })
    }

    /// The monitoring columns scorecards of this context show: bands, scores and trends when
    /// the context carries an assessment and some item of the programme declares them.
    pub(crate) fn method_columns(&self) -> Columns {
        if self.assessment.is_none() {
            return Columns::default();
        }
        let m = Methods::declared_by(self.programme.items());
        Columns {
            band: m.bands,
            score: m.score,
            trend: m.trend,
        }
    }

    /// The band, score and trend of item `k` at region `r`, period `t`, each when the context
    /// carries an assessment and the item declares the method.
    fn methods(&self, k: usize, r: usize, t: usize) -> (Option<Band>, Option<f64>, Option<Trend>) {
        let code = &self.evaluation.items[k].code;
        let (Some(table), Some(a)) = (
            self.assessment,
            self.programme
                .items()
                .find(|i| &i.code == code)
                .and_then(|i| i.assess.as_ref()),
        ) else {
            return (None, None, None);
        };
        let row = table.row(k, r, t);
        (
            a.bands
                .as_ref()
                .and_then(|_| table.band.get(row).and_then(|&c| Band::from_code(c))),
            a.score
                .as_ref()
                .and_then(|_| (row < table.score_unclipped.len()).then(|| table.score(row))),
            a.trend
                .as_ref()
                .and_then(|_| table.trend.get(row).and_then(|&c| Trend::from_code(c))),
        )
    }

    /// The scorecard as Markdown: verdict on top, then binding items by category, then guiding
    /// items (warnings), each with value, threshold, status and margin — and, when the context
    /// carries an assessment ([`Context::with_assessment`]), a projection column giving each
    /// failing or missing item's projection to the milestones, and, when items declare them,
    /// band (colour name), score (0–100) and trend (arrow and name) columns.
    #[must_use]
    pub fn scorecard_markdown(&self, region: &str, period: Period) -> Option<String> {
        let card = self.scorecard(region, period)?;
        let cols = self.method_columns();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# {} — {} scorecard, {}\n",
            self.programme.title, card.region_name, card.period
        );
        let _ = writeln!(out, "**Verdict: {}** — {}\n", card.verdict, card.counts_line());
        for (binding, heading) in [
            (true, "Binding items (约束性)"),
            (false, "Guiding items (指导性, warnings only)"),
        ] {
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
                    let mut header = vec!["item", "value", "threshold", "status", "margin"];
                    for (on, name) in [
                        (cols.band, "band"),
                        (cols.score, "score"),
                        (cols.trend, "trend"),
                    ] {
                        if on {
                            header.push(name);
                        }
                    }
                    header.push("lead unit");
                    if self.assessment.is_some() {
                        header.push("projection");
                    }
                    table = Some(Table::new(&header));
                }
                if let Some(t) = table.as_mut() {
                    let mut cells = vec![
                        format!("{} {}", row.item, row.name),
                        fmt_num(row.value),
                        row.threshold.clone(),
                        row.status.as_str().to_owned(),
                        fmt_signed(row.margin),
                    ];
                    cells.extend(row.method_cells(cols));
                    cells.push(row.lead.join("、"));
                    cells.push(row.projection.clone().unwrap_or_default());
                    t.row(&cells);
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
