use std::fmt::Write as _;

use super::Table;
use crate::progress::{Bulletin, TaskStanding};

/// A failing or missing item of one region and period, as the bulletin lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    /// Region name.
    pub region: String,
    /// Period (e.g. `2017`).
    pub period: String,
    /// Item code.
    pub item: String,
    /// Item name.
    pub name: String,
    /// `fail` or `missing`.
    pub status: String,
    /// Measured value, if any.
    pub value: Option<f64>,
    /// The threshold as displayed (e.g. `>= 85 %`).
    pub threshold: String,
    /// Signed margin (negative = short of the threshold), if any.
    pub margin: Option<f64>,
    /// Lead units.
    pub lead: Vec<String>,
    /// A projection to the next milestone, as a sentence, if computed.
    pub projection: Option<String>,
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| format!("{}", (v * 1000.0).round() / 1000.0))
}

/// Renders a progress bulletin (the content of a monthly report or quarterly inspection list)
/// as Markdown: the phase, milestones, duties falling due, overdue and due tasks by lead unit,
/// and the items still failing or missing.
#[must_use]
pub fn bulletin_markdown(title: &str, b: &Bulletin, gaps: &[Gap]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {title}: progress bulletin as of {}\n", b.as_of);
    match &b.phase {
        Some(p) => {
            let _ = writeln!(
                out,
                "**Phase:** {} {} ({} – {}), {} days left.\n",
                p.code, p.name, p.start, p.end, p.days_left
            );
        }
        None => {
            let _ = write!(out, "**Phase:** none (the date is outside every phase)");
            match (&b.previous_phase, &b.next_phase) {
                (Some(a), Some(z)) => {
                    let _ = write!(out, ": between {} {} (ended {}) and {} {} (starts {})", a.code, a.name, a.end, z.code, z.name, z.start);
                }
                (Some(a), None) => {
                    let _ = write!(out, ": the last phase, {} {}, ended {}", a.code, a.name, a.end);
                }
                (None, Some(z)) => {
                    let _ = write!(out, ": the first phase, {} {}, starts {}", z.code, z.name, z.start);
                }
                (None, None) => {}
            }
            let _ = writeln!(out, ".\n");
        }
    }
    let _ = writeln!(out, "## Milestones\n");
    let mut t = Table::new(&["milestone", "due", "days left"]);
    for m in &b.milestones {
        t.row(&[m.name.clone(), m.due.to_string(), m.days_left.to_string()]);
    }
    out.push_str(&if t.is_empty() { "None within the horizon.\n".to_owned() } else { t.render() });
    if !b.duties.is_empty() {
        let _ = writeln!(out, "\n## Duties falling due\n");
        let mut t = Table::new(&["duty", "period", "due", "lead"]);
        for d in &b.duties {
            t.row(&[d.name.clone(), d.period.clone(), d.due.to_string(), d.lead.join("、")]);
        }
        out.push_str(&t.render());
    }
    let counts = |s| b.tasks_with(s).count();
    let _ = writeln!(
        out,
        "\n## Tasks\n\n{} overdue, {} due in this phase, {} done ({} late), {} upcoming.\n",
        counts(TaskStanding::Overdue),
        counts(TaskStanding::Due),
        counts(TaskStanding::Done) + counts(TaskStanding::DoneLate),
        counts(TaskStanding::DoneLate),
        counts(TaskStanding::Upcoming)
    );
    let by_unit = b.open_tasks_by_unit();
    if !by_unit.is_empty() {
        let mut t = Table::new(&["lead unit", "task", "due", "standing"]);
        for (unit, tasks) in by_unit {
            for task in tasks {
                t.row(&[
                    unit.to_owned(),
                    format!("{} {}", task.code, task.text),
                    task.due.to_string(),
                    task.standing.as_str().to_owned(),
                ]);
            }
        }
        out.push_str(&t.render());
    }
    let _ = writeln!(out, "\n## Items still failing or missing\n");
    if gaps.is_empty() {
        let _ = writeln!(out, "None.");
    } else {
        let mut t = Table::new(&["region", "period", "item", "status", "value", "threshold", "margin", "lead", "projection"]);
        for g in gaps {
            t.row(&[
                g.region.clone(),
                g.period.clone(),
                format!("{} {}", g.item, g.name),
                g.status.clone(),
                num(g.value),
                g.threshold.clone(),
                num(g.margin),
                g.lead.join("、"),
                g.projection.clone().unwrap_or_default(),
            ]);
        }
        out.push_str(&t.render());
    }
    out
}
