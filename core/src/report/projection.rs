use super::Gap;
use super::context::{fmt_num, fmt_signed};
use crate::assess::apply::AssessmentTable;
use crate::assess::codes::Code;
use crate::assess::projection::ProjectionStatus;
use crate::model::{Growth, Programme};
use crate::period::Period;

/// One sentence per deadline on how an item of a region, as of a period, is projected to
/// fare: status, projected value, actual against required annual change. `None` when the item
/// declares no projection.
#[must_use]
pub fn projection_text(
    table: &AssessmentTable,
    programme: &Programme,
    item: &str,
    region: &str,
    period: Period,
) -> Option<String> {
    let row = table.row_of(item, region, period)?;
    let k = table.items.iter().position(|c| c == item)?;
    let mut parts = Vec::new();
    for (d, pc) in table.projections.iter().enumerate() {
        let Some(method) = pc.method.get(k).copied().flatten() else { continue };
        let Some(status) = ProjectionStatus::from_code(pc.status[row]) else { continue };
        let name = programme
            .milestones
            .iter()
            .find(|m| m.code == pc.deadline)
            .map_or_else(|| pc.deadline.clone(), |m| m.name.clone());
        let change = |v: f64| match method {
            Growth::Compound if !v.is_nan() => format!("{}%/yr", fmt_signed(v * 100.0)),
            _ => format!("{}/yr", fmt_signed(v)),
        };
        let detail = if status == ProjectionStatus::Insufficient {
            String::new()
        } else {
            format!(
                ": projected {}, change {} vs {} needed",
                fmt_num(pc.projected[row]),
                change(table.actual_change(d, row)),
                change(pc.required_change[row])
            )
        };
        parts.push(format!("{name} ({}) {}{detail}", pc.due, status.as_str()));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Fills each gap's projection (gaps of one region and period, as [`super::Scorecard::gaps`]
/// gives them).
pub fn attach_projections(gaps: &mut [Gap], table: &AssessmentTable, programme: &Programme, region: &str, period: Period) {
    for g in gaps {
        g.projection = projection_text(table, programme, &g.item, region, period);
    }
}
