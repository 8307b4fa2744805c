//! Scorecards (Markdown and HTML) of a programme that declares colour bands, scores and trend
//! arrows: the SDSN dashboard example on a small panel. Each item's band, score and trend
//! appear in its row; without an assessment (or without declarations) the columns are absent.

use ecociv::assess::apply::apply;
use ecociv::eval::{EvalOptions, Evaluation, evaluate};
use ecociv::model::{Level, RegionDef};
use ecociv::report::Context;
use ecociv::{Panel, Period, Programme};

const SDSN: &str = include_str!("../../examples/programmes/sdsn-dashboard.toml");

/// R1: W1 98 → 89, W2 10 → 30, E1 5 → 25, A1 — → 22.5 (2022 → 2023); F1 never reported.
const DATA: &[(&str, i32, f64)] = &[
    ("water_access", 2022, 98.0),
    ("water_withdrawal", 2022, 10.0),
    ("renewable_share", 2022, 5.0),
    ("water_access", 2023, 89.0),
    ("water_withdrawal", 2023, 30.0),
    ("renewable_share", 2023, 25.0),
    ("pm25", 2023, 22.5),
];

fn evaluated(text: &str) -> (Programme, Evaluation) {
    let programme =
        ecociv::programme::load_str(text, "sdsn.toml").unwrap_or_else(|e| panic!("{e}"));
    let metrics: Vec<String> = programme.metrics.iter().map(|m| m.code.clone()).collect();
    let region = RegionDef::new("R1", "Region one", Level::County);
    let mut panel = Panel::new(
        vec![region],
        vec![Period::Year(2022), Period::Year(2023)],
        metrics.clone(),
    );
    for &(m, y, v) in DATA {
        let mi = metrics.iter().position(|x| x == m).unwrap();
        panel.set(mi, 0, usize::try_from(y - 2022).unwrap(), v);
    }
    let e = evaluate(&programme, &panel, &EvalOptions::default()).unwrap();
    (programme, e)
}

/// The cells of the Markdown table row of `item` (trimmed, without the outer pipes).
fn md_row(card: &str, item: &str) -> Vec<String> {
    let line = card
        .lines()
        .find(|l| l.starts_with(&format!("| {item} ")))
        .unwrap_or_else(|| panic!("no row for {item} in\n{card}"));
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_owned()).collect()
}

/// The HTML table row (`<tr …>…</tr>`) of `item`.
fn html_row<'a>(page: &'a str, item: &str) -> &'a str {
    let at = page
        .find(&format!("<td>{item} "))
        .unwrap_or_else(|| panic!("no row for {item}"));
    let start = page[..at].rfind("<tr").unwrap();
    let end = at + page[at..].find("</tr>").unwrap();
    &page[start..end]
}

#[test]
fn markdown_scorecard_shows_band_score_and_trend_per_row() {
    let (p, e) = evaluated(SDSN);
    let table = apply(&p, &e).unwrap();
    let card = Context::new(&p, &e)
        .with_assessment(&table)
        .scorecard_markdown("R1", Period::Year(2023))
        .unwrap();
    let header = card.lines().find(|l| l.starts_with("| item |")).unwrap();
    assert_eq!(
        header,
        "| item | value | threshold | status | margin | band | score | trend | lead unit | projection |"
    );
    // W1 89 % against >= 98: the midpoint of green 98 / red 80 → yellow (the better band);
    // score (89 − 60)/(100 − 60) = 72.5; unclipped scores 95 → 72.5: decreasing.
    let w1 = md_row(&card, "W1");
    assert_eq!(
        w1[1..],
        [
            "89",
            ">= 98 %",
            "fail",
            "-9",
            "yellow",
            "72.5",
            "↓ decreasing",
            "Statistics office",
            ""
        ]
    );
    // W2 30 % (lower is better, green 25 / red 75, mid 50) → yellow; score (100 − 30) = 70;
    // 10 → 30 is moving away from the optimum: decreasing.
    let w2 = md_row(&card, "W2");
    assert_eq!(w2[5..8], ["yellow", "70.0", "↓ decreasing"]);
    // A1 22.5 = the midpoint of green 10 / red 35 → yellow; score (50 − 22.5)/45·100 = 61.1;
    // one observation in the window: no trend.
    let a1 = md_row(&card, "A1");
    assert_eq!(a1[5..8], ["yellow", "61.1", "• no_data"]);
    // F1 never reported: missing, grey, no score, no trend — never green.
    let f1 = md_row(&card, "F1");
    assert_eq!(
        f1[1..8],
        ["—", ">= 60 %", "missing", "—", "grey", "—", "• no_data"]
    );
    // 2022: W1 98 is green (boundary → better band), score 95; E1 5 % is red (below 10).
    let card = Context::new(&p, &e)
        .with_assessment(&table)
        .scorecard_markdown("R1", Period::Year(2022))
        .unwrap();
    assert_eq!(md_row(&card, "W1")[5..7], ["green", "95.0"]);
    assert_eq!(md_row(&card, "E1")[5..7], ["red", "6.2"]);
}

#[test]
fn html_scorecard_colours_the_band_cell() {
    let (p, e) = evaluated(SDSN);
    let table = apply(&p, &e).unwrap();
    let page = Context::new(&p, &e)
        .with_assessment(&table)
        .html_report("R1", Period::Year(2023), None)
        .unwrap();
    assert!(
        page.contains("<th>margin</th><th>band</th><th>score</th><th>trend</th><th>lead unit</th>")
    );
    let w1 = html_row(&page, "W1");
    assert!(
        w1.contains("<td class=\"band\" style=\"background:#fff2a8\">yellow</td>"),
        "{w1}"
    );
    assert!(
        w1.contains("<td class=\"num\">72.5</td>") && w1.contains("↓ decreasing"),
        "{w1}"
    );
    let f1 = html_row(&page, "F1");
    assert!(
        f1.contains("style=\"background:#e0e0e0\">grey</td>") && f1.contains("• no_data"),
        "{f1}"
    );
}

#[test]
fn columns_are_absent_without_assessment_or_declarations() {
    // Without the assessment the scorecard cannot show methods.
    let (p, e) = evaluated(SDSN);
    let card = Context::new(&p, &e)
        .scorecard_markdown("R1", Period::Year(2023))
        .unwrap();
    assert!(
        !card.contains("| band |") && !card.contains("yellow"),
        "{card}"
    );
    // An item declaring only bands: the band column alone; the other items' cells stay empty.
    let only_bands = SDSN
        .lines()
        .map(|l| match l.find(", score = ") {
            Some(at) if l.starts_with("assess = ") => format!("{} }}", &l[..at]),
            _ => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let (p, e) = evaluated(&only_bands);
    let table = apply(&p, &e).unwrap();
    let card = Context::new(&p, &e)
        .with_assessment(&table)
        .scorecard_markdown("R1", Period::Year(2023))
        .unwrap();
    assert!(card.contains("| margin | band | lead unit |"), "{card}");
    assert_eq!(md_row(&card, "W1")[5], "yellow");
    let page = Context::new(&p, &e)
        .with_assessment(&table)
        .html_report("R1", Period::Year(2023), None)
        .unwrap();
    assert!(!page.contains("<th>score</th>") && !page.contains("<th>trend</th>"));
}
