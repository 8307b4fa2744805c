use std::fmt::Write as _;

use super::Table;
use super::context::{Context, fmt_num, fmt_signed};
use crate::eval::Status;

impl Context<'_> {
    /// A unit's accountability report: the items it leads and those it cooperates on, and for
    /// each its failing and missing region-periods with the gap.
    #[must_use]
    pub fn unit_markdown(&self, unit: &str) -> String {
        let e = self.evaluation;
        let mut out = String::new();
        let _ = writeln!(out, "# {} — accountability of {unit}\n", self.programme.title);
        for (role, heading) in [(true, "Items it leads (责任单位)"), (false, "Items it cooperates on (配合单位)")] {
            let items: Vec<usize> = (0..e.items.len())
                .filter(|&k| {
                    let i = &e.items[k];
                    if role { i.lead.iter().any(|u| u == unit) } else { i.cooperating.iter().any(|u| u == unit) }
                })
                .collect();
            let _ = writeln!(out, "## {heading}\n");
            if items.is_empty() {
                let _ = writeln!(out, "None.\n");
                continue;
            }
            let mut list = Table::new(&["item", "attribute", "pass", "fail", "missing"]);
            let mut gaps = Table::new(&["item", "region", "period", "status", "value", "threshold", "margin"]);
            for &k in &items {
                let info = &e.items[k];
                let mut n = [0usize; 3];
                for r in 0..e.regions.len() {
                    for p in 0..e.periods.len() {
                        let c = self.cell(k, r, p);
                        match c.status {
                            Status::Pass => n[0] += 1,
                            Status::Fail | Status::Missing => {
                                n[if c.status == Status::Fail { 1 } else { 2 }] += 1;
                                gaps.row(&[
                                    format!("{} {}", info.code, info.name),
                                    self.region_name(&e.regions[r]),
                                    e.periods[p].to_string(),
                                    c.status.as_str().to_owned(),
                                    fmt_num(c.value),
                                    self.threshold_text(k, &c),
                                    fmt_signed(c.margin),
                                ]);
                            }
                            Status::NotApplicable => {}
                        }
                    }
                }
                list.row(&[
                    format!("{} {}", info.code, info.name),
                    info.attribute.chinese().to_owned(),
                    n[0].to_string(),
                    n[1].to_string(),
                    n[2].to_string(),
                ]);
            }
            out.push_str(&list.render());
            out.push('\n');
            if gaps.is_empty() {
                let _ = writeln!(out, "No gaps.\n");
            } else {
                let _ = writeln!(out, "### Gaps\n");
                out.push_str(&gaps.render());
                out.push('\n');
            }
        }
        out
    }
}
