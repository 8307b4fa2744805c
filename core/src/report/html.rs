use std::fmt::Write as _;

use super::context::{Context, fmt_num, fmt_signed, symbol};
use super::scorecard::{fmt_score, fmt_trend};
use crate::assess::bands::Band;
use crate::eval::{Status, Verdict};
use crate::period::Period;
use crate::progress::{Bulletin, TaskStanding};

/// Escapes text for HTML element content and attribute values.
#[must_use]
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// The reports' stylesheet (status colours: pass green, fail red, missing yellow).
pub(crate) const STYLE: &str = "body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em;color:#222}\
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.5em}table{border-collapse:collapse;margin:.5em 0;font-size:.9em}\
th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left}th{background:#eee}td.num{text-align:right}\
.pass{background:#c8e6c9}.fail{background:#ffcdd2}.missing{background:#fff3c4}.not_applicable{background:#eee;color:#888}\
.verdict{display:inline-block;padding:.3em .8em;border-radius:.3em;font-weight:bold}\
.meets{background:#2e7d32;color:#fff}.fails{background:#c62828;color:#fff}.incomplete{background:#f9a825;color:#000}\
td.projection{font-size:.85em}\
@media print{body{margin:0;-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

/// The background of a colour band's cell (the notebook scorecard's palette).
#[must_use]
pub(crate) fn band_colour(band: Band) -> &'static str {
    match band {
        Band::Green => "#b7dfb9",
        Band::Yellow => "#fff2a8",
        Band::Orange => "#ffd0a1",
        Band::Red => "#f4a7a3",
        Band::Grey => "#e0e0e0",
    }
}

impl Context<'_> {
    /// A self-contained, printable HTML report: the scorecard of `region` in `period` (verdict on
    /// top, items coloured by status, binding and guiding apart), the region's history table,
    /// and, if given, the progress bulletin. When items declare them (and the context carries an
    /// assessment), the scorecard has band (the cell in the band's colour), score and trend
    /// columns. `None` if region or period is not in the evaluation.
    #[must_use]
    pub fn html_report(
        &self,
        region: &str,
        period: Period,
        bulletin: Option<&Bulletin>,
    ) -> Option<String> {
        let card = self.scorecard(region, period)?;
        let cols = self.method_columns();
        let method_heads: String = [
            (cols.band, "band"),
            (cols.score, "score"),
            (cols.trend, "trend"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, h)| format!("<th>{h}</th>"))
        .collect();
        let r = self.region(region)?;
        let e = self.evaluation;
        let mut o = String::new();
        let title = format!(
            "{} — {} {}",
            self.programme.title, card.region_name, card.period
        );
        let _ = write!(
            o,
            "<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>",
            escape(&title)
        );
        let _ = write!(
            o,
            "<h1>{}</h1><p>Scorecard of <b>{}</b> for {}: <span class=\"verdict {}\" id=\"verdict\">{}</span></p>",
            escape(&self.programme.title),
            escape(&card.region_name),
            card.period,
            card.verdict.as_str(),
            card.verdict.as_str()
        );
        let mut counts = card.counts_line();
        counts[..1].make_ascii_uppercase();
        let _ = write!(o, "<p class=\"summary\">{}</p>", escape(&counts));
        for (binding, heading) in [
            (true, "Binding items (约束性)"),
            (false, "Guiding items (指导性, warnings only)"),
        ] {
            let _ = write!(
                o,
                "<h2>{heading}</h2><table class=\"scorecard\"><tr><th>group</th><th>item</th><th>value</th><th>threshold</th><th>status</th><th>margin</th>{method_heads}<th>lead unit</th>{}</tr>",
                if self.assessment.is_some() {
                    "<th>projection to the milestones</th>"
                } else {
                    ""
                }
            );
            for row in card.rows.iter().filter(|r| r.binding == binding) {
                let mut methods = String::new();
                if cols.band {
                    match row.band {
                        Some(b) => {
                            let _ = write!(
                                methods,
                                "<td class=\"band\" style=\"background:{}\">{}</td>",
                                band_colour(b),
                                b.as_str()
                            );
                        }
                        None => methods.push_str("<td></td>"),
                    }
                }
                if cols.score {
                    let _ = write!(
                        methods,
                        "<td class=\"num\">{}</td>",
                        row.score.map(fmt_score).unwrap_or_default()
                    );
                }
                if cols.trend {
                    let _ = write!(
                        methods,
                        "<td class=\"trend\">{}</td>",
                        escape(&row.trend.map(fmt_trend).unwrap_or_default())
                    );
                }
                let _ = write!(
                    o,
                    "<tr class=\"{s}\" title=\"margin {m}\"><td>{g}</td><td>{c} {n}</td><td class=\"num\">{v}</td><td>{t}</td><td>{s}</td><td class=\"num\">{m}</td>{methods}<td>{l}</td>{p}</tr>",
                    s = row.status.as_str(),
                    g = escape(&row.group),
                    c = escape(&row.item),
                    n = escape(&row.name),
                    v = fmt_num(row.value),
                    t = escape(&row.threshold),
                    m = fmt_signed(row.margin),
                    l = escape(&row.lead.join("、")),
                    p = if self.assessment.is_some() {
                        format!(
                            "<td class=\"projection\">{}</td>",
                            escape(row.projection.as_deref().unwrap_or(""))
                        )
                    } else {
                        String::new()
                    },
                );
            }
            o.push_str("</table>");
        }
        let _ = write!(
            o,
            "<h2>History of {}</h2><table class=\"history\"><tr><th>item</th>",
            escape(&card.region_name)
        );
        for p in &e.periods {
            let _ = write!(o, "<th>{p}</th>");
        }
        o.push_str("</tr>");
        for (k, info) in e.items.iter().enumerate() {
            let _ = write!(o, "<tr><td>{}</td>", escape(&info.code));
            for p in 0..e.periods.len() {
                let c = self.cell(k, r, p);
                let _ = write!(
                    o,
                    "<td class=\"{}\" title=\"{} margin {}\">{}</td>",
                    c.status.as_str(),
                    fmt_num(c.value),
                    fmt_signed(c.margin),
                    symbol(c.status)
                );
            }
            o.push_str("</tr>");
        }
        o.push_str("<tr><td><b>verdict</b></td>");
        for p in 0..e.periods.len() {
            let v = Verdict::from_code(e.verdict[r * e.periods.len() + p])
                .unwrap_or(Verdict::Incomplete);
            let _ = write!(o, "<td class=\"{}\">{}</td>", v.as_str(), v.as_str());
        }
        o.push_str("</tr></table>");
        if let Some(b) = bulletin {
            let _ = write!(o, "<h2>Progress bulletin as of {}</h2>", b.as_of);
            if let Some(p) = &b.phase {
                let _ = write!(
                    o,
                    "<p>Phase {} {} ({} – {}), {} days left.</p>",
                    escape(&p.code),
                    escape(&p.name),
                    p.start,
                    p.end,
                    p.days_left
                );
            } else if let (Some(a), Some(z)) = (&b.previous_phase, &b.next_phase) {
                let _ = write!(
                    o,
                    "<p>Between phases: {} {} ended {}; {} {} starts {}.</p>",
                    escape(&a.code),
                    escape(&a.name),
                    a.end,
                    escape(&z.code),
                    escape(&z.name),
                    z.start
                );
            }
            o.push_str("<table><tr><th>milestone</th><th>due</th><th>days left</th></tr>");
            for m in &b.milestones {
                let _ = write!(
                    o,
                    "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                    escape(&m.name),
                    m.due,
                    m.days_left
                );
            }
            o.push_str(
                "</table><table><tr><th>task</th><th>due</th><th>lead</th><th>standing</th></tr>",
            );
            for t in b
                .tasks
                .iter()
                .filter(|t| t.standing != TaskStanding::Upcoming)
            {
                let class = match t.standing {
                    TaskStanding::Overdue => Status::Fail.as_str(),
                    TaskStanding::Due => Status::Missing.as_str(),
                    _ => Status::Pass.as_str(),
                };
                let _ = write!(
                    o,
                    "<tr class=\"{class}\"><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(&t.code),
                    escape(&t.text),
                    t.due,
                    escape(&t.lead.join("、")),
                    t.standing.as_str()
                );
            }
            o.push_str("</table>");
        }
        o.push_str("<p><small>Generated by ecociv.</small></p></body></html>\n");
        Some(o)
    }
}
