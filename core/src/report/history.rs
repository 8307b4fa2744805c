use std::fmt::Write as _;

use super::Table;
use super::context::{Context, fmt_num, symbol};
use crate::eval::Verdict;

impl Context<'_> {
    /// The history table of one region: items × periods, each cell a status symbol
    /// (✓ pass, ✗ fail, ? missing, – not applicable) with the value, and the verdict per period
    /// in the last row — a trend at a glance. `None` if the region is not in the evaluation.
    #[must_use]
    pub fn history_markdown(&self, region: &str) -> Option<String> {
        let r = self.region(region)?;
        let e = self.evaluation;
        let mut header = vec!["item".to_owned()];
        header.extend(e.periods.iter().map(ToString::to_string));
        let mut t = Table::new(&header);
        for (k, info) in e.items.iter().enumerate() {
            let mut row = vec![info.code.clone()];
            for p in 0..e.periods.len() {
                let c = self.cell(k, r, p);
                let v = if c.value.is_nan() { String::new() } else { format!(" {}", fmt_num(c.value)) };
                row.push(format!("{}{v}", symbol(c.status)));
            }
            t.row(&row);
        }
        let mut verdicts = vec!["**verdict**".to_owned()];
        verdicts.extend((0..e.periods.len()).map(|p| {
            Verdict::from_code(e.verdict[r * e.periods.len() + p]).map_or("?", Verdict::as_str).to_owned()
        }));
        t.row(&verdicts);
        let mut out = String::new();
        let _ = writeln!(out, "# {} — {} history\n", self.programme.title, self.region_name(region));
        let _ = writeln!(out, "✓ pass · ✗ fail · ? missing · – not applicable\n");
        out.push_str(&t.render());
        Some(out)
    }
}
