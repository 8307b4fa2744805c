//! Roll-ups of `assess::apply` (indicator → category → programme per region × period) on the
//! example programme files, against hand-computed expectations: SDSN scores and colours with
//! both "two worst" variants, "green only if all are green", the minimum-data rules, items
//! that do not apply; the Open SDG aggregation (sub-groups first, statuses from the mean,
//! "target achieved" only when every series achieved it) including the METHODS.md worked
//! example; and the weighted composite index.

use ecociv::assess::apply::apply;
use ecociv::assess::bands::Band;
use ecociv::assess::codes::NOT_ASSESSED;
use ecociv::assess::progress::ProgressStatus;
use ecociv::assess::rollup::{RollUp, RollUps};
use ecociv::eval::{EvalOptions, evaluate};
use ecociv::model::{Level, RegionDef};
use ecociv::{Panel, Period};

const SDSN: &str = include_str!("../../examples/programmes/sdsn-dashboard.toml");
const OPENSDG: &str = include_str!("../../examples/programmes/opensdg-progress.toml");
const NAN: f64 = f64::NAN;

fn county(code: &str) -> RegionDef {
    RegionDef::new(code, code, Level::County)
}

/// Evaluates `text` on a panel of `years` with `data`: (region, metric, year, value).
fn roll_ups(text: &str, years: &[i32], data: &[(&str, &str, i32, f64)]) -> (RollUps, Vec<String>) {
    let programme =
        ecociv::programme::load_str(text, "rollup.toml").unwrap_or_else(|e| panic!("{e}"));
    let mut regions: Vec<&str> = Vec::new();
    for (r, ..) in data {
        if !regions.contains(r) {
            regions.push(r);
        }
    }
    let metrics: Vec<String> = programme.metrics.iter().map(|m| m.code.clone()).collect();
    let mut panel = Panel::new(
        regions.iter().map(|r| county(r)).collect(),
        years.iter().map(|&y| Period::Year(y)).collect(),
        metrics.clone(),
    );
    for &(r, m, y, v) in data {
        let ri = regions.iter().position(|x| *x == r).unwrap();
        let mi = metrics
            .iter()
            .position(|x| x == m)
            .unwrap_or_else(|| panic!("metric {m}"));
        let ti = years.iter().position(|&x| x == y).unwrap();
        panel.set(mi, ri, ti, v);
    }
    let e = evaluate(&programme, &panel, &EvalOptions::default()).unwrap();
    let table = apply(&programme, &e).unwrap();
    (
        table.rollups.expect("the programme declares scores"),
        table.regions,
    )
}

/// (score, band, position) of a group cell.
fn cell(
    level: &RollUp,
    regions: &[String],
    group: &str,
    region: &str,
    period: usize,
) -> (f64, Option<Band>, f64) {
    let g = level
        .group(group)
        .unwrap_or_else(|| panic!("group {group}"));
    let r = regions.iter().position(|x| x == region).unwrap();
    let c = level.cell(g, r, period);
    (level.score[c], level.band_of(c), level.position[c])
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() < 1e-9
}

#[track_caller]
fn check(got: (f64, Option<Band>, f64), score: f64, band: Band, position: f64) {
    assert!(close(got.0, score), "score: got {}, want {score}", got.0);
    assert_eq!(got.1, Some(band), "band");
    assert!(
        close(got.2, position),
        "position: got {}, want {position}",
        got.2
    );
}

/// SDSN data: R1 (2022: W1 98, W2 10, E1 5; 2023: W1 89, W2 30, E1 25, A1 22.5; F1 never),
/// R2 (2022: W1 100, W2 26; 2023: W1 97, W2 74, E1 90), R3 (2023: W1 90).
const SDSN_DATA: &[(&str, &str, i32, f64)] = &[
    ("R1", "water_access", 2022, 98.0),
    ("R1", "water_withdrawal", 2022, 10.0),
    ("R1", "renewable_share", 2022, 5.0),
    ("R1", "water_access", 2023, 89.0),
    ("R1", "water_withdrawal", 2023, 30.0),
    ("R1", "renewable_share", 2023, 25.0),
    ("R1", "pm25", 2023, 22.5),
    ("R2", "water_access", 2022, 100.0),
    ("R2", "water_withdrawal", 2022, 26.0),
    ("R2", "water_access", 2023, 97.0),
    ("R2", "water_withdrawal", 2023, 74.0),
    ("R2", "renewable_share", 2023, 90.0),
    ("R3", "water_access", 2023, 90.0),
];
const YEARS: [i32; 2] = [2022, 2023];

#[test]
fn sdsn_indicator_goal_and_index_continuous() {
    let (ru, regions) = roll_ups(SDSN, &YEARS, SDSN_DATA);
    let (ind, cat, prog) = (&ru.indicators, &ru.categories, &ru.programme);
    assert_eq!(ind.groups, ["6.1", "6.4", "7.2", "11.6", "15.1"]);
    assert_eq!(cat.groups[0], "SDG 6 Clean water");
    assert_eq!(prog.groups, ["sdsn-dashboard"]);
    use Band::*;
    // R1 2023 (the worked dashboard of tests/it/assess.rs): one item per indicator.
    // W1 89 = mid → yellow, 0–4 position 2.0, score (89 − 60)/40 = 72.5;
    // W2 30 (lower is better) → yellow, 2 + (50 − 30)/25 = 2.8, score 70;
    // E1 25 = mid → yellow 2.0, score 31.25; A1 22.5 = mid → yellow 2.0, score 61.11;
    // F1 missing → grey, no score.
    check(cell(ind, &regions, "6.1", "R1", 1), 72.5, Yellow, 2.0);
    check(cell(ind, &regions, "6.4", "R1", 1), 70.0, Yellow, 2.8);
    check(cell(ind, &regions, "7.2", "R1", 1), 31.25, Yellow, 2.0);
    check(
        cell(ind, &regions, "11.6", "R1", 1),
        550.0 / 9.0,
        Yellow,
        2.0,
    );
    check(cell(ind, &regions, "15.1", "R1", 1), NAN, Grey, NAN);
    // SDG 6: mean score 71.25; two worst (2.0, 2.8) → 2.4 → yellow. SDG 15: grey, no score.
    check(
        cell(cat, &regions, "SDG 6 Clean water", "R1", 1),
        71.25,
        Yellow,
        2.4,
    );
    check(
        cell(cat, &regions, "SDG 7 Clean energy", "R1", 1),
        31.25,
        Yellow,
        2.0,
    );
    check(
        cell(cat, &regions, "SDG 15 Life on land", "R1", 1),
        NAN,
        Grey,
        NAN,
    );
    // Index: 1 of 5 indicators missing (20 %, allowed): mean of the goal scores
    // (71.25 + 31.25 + 61.11)/3 = 54.537; colour: two worst goals (2.0, 2.0) → yellow.
    check(
        cell(prog, &regions, "sdsn-dashboard", "R1", 1),
        54.537_037_037_037_04,
        Yellow,
        2.0,
    );

    // R1 2022: W1 98 = green (3.0, score 95), W2 10 → green (3 + 15/25 = 3.6, score 90),
    // E1 5 → red (5/10 = 0.5, score 6.25); A1 and F1 missing.
    check(cell(ind, &regions, "7.2", "R1", 0), 6.25, Red, 0.5);
    check(
        cell(cat, &regions, "SDG 6 Clean water", "R1", 0),
        92.5,
        Green,
        3.3,
    );
    // Two of five indicators missing (40 % > 20 %): no index score, grey.
    check(
        cell(prog, &regions, "sdsn-dashboard", "R1", 0),
        NAN,
        Grey,
        NAN,
    );

    // R2 2022: W1 100 (4.0) and W2 26 (yellow, 2 + 24/25 = 2.96): 3.48 is green, but not all
    // members are green → yellow. R2 2023: W1 97 (2 + 8/9) and W2 74 (orange, 1 + 1/25):
    // 1.9644 → orange.
    check(
        cell(cat, &regions, "SDG 6 Clean water", "R2", 0),
        87.0,
        Yellow,
        3.48,
    );
    check(
        cell(cat, &regions, "SDG 6 Clean water", "R2", 1),
        59.25,
        Orange,
        (26.0 / 9.0 + 1.04) / 2.0,
    );
    // R2 2023, E1 90: above the optimum (80) — the score is clipped to 100 (unclipped 112.5)
    // and the 0–4 position to 4.
    check(cell(ind, &regions, "7.2", "R2", 1), 100.0, Green, 4.0);
    check(
        cell(cat, &regions, "SDG 7 Clean energy", "R2", 1),
        100.0,
        Green,
        4.0,
    );
    // R3 2023: W2 missing; the group rule is off in the file: W1 alone (90 → 2 + 1/9, score 75).
    check(
        cell(cat, &regions, "SDG 6 Clean water", "R3", 1),
        75.0,
        Yellow,
        2.0 + 1.0 / 9.0,
    );
    // A region-year with no data at all: grey everywhere, never green; no score.
    check(
        cell(cat, &regions, "SDG 6 Clean water", "R3", 0),
        NAN,
        Grey,
        NAN,
    );
    check(
        cell(prog, &regions, "sdsn-dashboard", "R3", 0),
        NAN,
        Grey,
        NAN,
    );
    // Nothing in the SDSN file declares progress.
    assert!(prog.progress.iter().all(|&c| c == NOT_ASSESSED));
}

#[test]
fn sdsn_categorical_variant_and_all_green_off() {
    let categorical = SDSN.replacen("colour = \"continuous\"", "colour = \"categorical\"", 1);
    let (ru, regions) = roll_ups(&categorical, &YEARS, SDSN_DATA);
    let cat = &ru.categories;
    use Band::*;
    // R2 2023: yellow 2 + orange 1 → 1.5 rounds up to 2 → yellow (the continuous rule: orange).
    check(
        cell(cat, &regions, "SDG 6 Clean water", "R2", 1),
        59.25,
        Yellow,
        NAN,
    );
    // R2 2022: green 3 + yellow 2 → 2.5 → 3, green, but not all green → yellow.
    check(
        cell(cat, &regions, "SDG 6 Clean water", "R2", 0),
        87.0,
        Yellow,
        NAN,
    );
    // R1 2022: green + green → green.
    check(
        cell(cat, &regions, "SDG 6 Clean water", "R1", 0),
        92.5,
        Green,
        NAN,
    );
    // R1 2023 index: yellow, yellow, yellow goals and a grey one → yellow.
    check(
        cell(&ru.programme, &regions, "sdsn-dashboard", "R1", 1),
        54.537_037_037_037_04,
        Yellow,
        NAN,
    );

    // "Green only if all are green" off: R2 2022 is green in both variants.
    for rule in ["continuous", "categorical"] {
        let text = SDSN
            .replacen(
                "colour = \"continuous\"",
                &format!("colour = \"{rule}\""),
                1,
            )
            .replacen("all_green = true", "all_green = false", 1);
        let (ru, regions) = roll_ups(&text, &YEARS, SDSN_DATA);
        let got = cell(&ru.categories, &regions, "SDG 6 Clean water", "R2", 0);
        assert_eq!(got.1, Some(Green), "{rule}");
    }
}

#[test]
fn minimum_data_rules() {
    // Groups: at most 40 % missing. R3 2023 has W1 but not W2: SDG 6 is 50 % missing → no
    // score, grey; indicator 6.1 (W1 alone) keeps its score.
    let text = SDSN.replacen(
        "max_missing_share = 0.2",
        "max_missing_share = 0.2\ngroup_max_missing_share = 0.4",
        1,
    );
    let (ru, regions) = roll_ups(&text, &YEARS, SDSN_DATA);
    use Band::*;
    check(
        cell(&ru.categories, &regions, "SDG 6 Clean water", "R3", 1),
        NAN,
        Grey,
        NAN,
    );
    check(
        cell(&ru.indicators, &regions, "6.1", "R3", 1),
        75.0,
        Yellow,
        2.0 + 1.0 / 9.0,
    );
    // R1 2023 is complete in SDG 6: unchanged.
    check(
        cell(&ru.categories, &regions, "SDG 6 Clean water", "R1", 1),
        71.25,
        Yellow,
        2.4,
    );
    // The index rule counts indicators: with 0 % allowed, R1 2023 (F1 missing) has no index.
    let strict = SDSN.replacen("max_missing_share = 0.2", "max_missing_share = 0.0", 1);
    let (ru, regions) = roll_ups(&strict, &YEARS, SDSN_DATA);
    check(
        cell(&ru.programme, &regions, "sdsn-dashboard", "R1", 1),
        NAN,
        Grey,
        NAN,
    );
    // ... while its goals keep their scores.
    check(
        cell(&ru.categories, &regions, "SDG 6 Clean water", "R1", 1),
        71.25,
        Yellow,
        2.4,
    );
}

#[test]
fn items_that_do_not_apply_are_not_members() {
    // Indicator 1 of a small programme: A (bands + score), B (bands + score), C (bands, cities
    // only) and D (nothing). With no missing member allowed, a county still gets a colour and
    // a score: C does not apply to it and D declares nothing.
    let text = r#"
id = "n-a"
title = "n/a members"
categories = ["c"]

[aggregation]
group_max_missing_share = 0.0

[[units]]
name = "office"

[[metrics]]
code = "x"
name = "x"

[[metrics]]
code = "y"
name = "y"

[[indicators]]
code = "1"
name = "one"
category = "c"

[[indicators.items]]
code = "A"
name = "x ≥ 80"
measure = "x"
comparator = ">="
threshold = 80
attribute = "binding"
lead = ["office"]
assess = { bands = { green = 80, red = 50 }, score = { lower = 20, optimum = 100 } }

[[indicators.items]]
code = "B"
name = "y ≤ 10"
measure = "y"
comparator = "<="
threshold = 10
attribute = "binding"
lead = ["office"]
assess = { bands = { green = 10, red = 35 }, score = { lower = 50, optimum = 5 } }

[[indicators.items]]
code = "C"
name = "cities only"
measure = "x"
comparator = ">="
threshold = 1
attribute = "guiding"
lead = ["office"]
applies_to = { levels = ["city"] }
assess = { bands = { green = 1, red = 0 } }

[[indicators.items]]
code = "D"
name = "nothing declared"
measure = "x"
comparator = ">="
threshold = 1
attribute = "guiding"
lead = ["office"]
"#;
    let data = [
        ("R1", "x", 2015, 50.0),
        ("R1", "y", 2015, 40.0),
        ("R2", "x", 2015, 90.0),
    ];
    let (ru, regions) = roll_ups(text, &[2015], &data);
    use Band::*;
    // R1: A 50 (at red) → orange (1.0, score 37.5); B 40 → red ((50 − 40)/15 = 0.667, score 22.2):
    // two worst → 0.8333 → red; mean score 29.861.
    let b_score = (40.0 - 50.0) / (5.0 - 50.0) * 100.0;
    check(
        cell(&ru.indicators, &regions, "1", "R1", 0),
        (37.5 + b_score) / 2.0,
        Red,
        (1.0 + 10.0 / 15.0) / 2.0,
    );
    check(
        cell(&ru.categories, &regions, "c", "R1", 0),
        (37.5 + b_score) / 2.0,
        Red,
        (1.0 + 10.0 / 15.0) / 2.0,
    );
    // R2: B missing → 50 % of the scored members missing → no score, grey.
    check(cell(&ru.indicators, &regions, "1", "R2", 0), NAN, Grey, NAN);
}

/// Open SDG data, 2015 and 2023 only (the years between are absent): R1 as the worked example,
/// R2 with both targets reached, R3 with one.
fn opensdg_data() -> Vec<(&'static str, &'static str, i32, f64)> {
    let mut d = Vec::new();
    for (region, mmr, renewable) in [("R1", 10.4, 25.0), ("R2", 7.0, 40.0), ("R3", 7.0, 25.0)] {
        d.extend([
            (region, "mmr", 2015, 14.5),
            (region, "mmr", 2023, mmr),
            (region, "renewable_share", 2015, 20.0),
            (region, "renewable_share", 2023, renewable),
        ]);
    }
    d.extend([
        ("R1", "forest_coverage", 2015, 60.0),
        ("R1", "forest_coverage", 2023, 63.0),
        ("R1", "energy_intensity", 2015, 1.3),
        ("R1", "energy_intensity", 2023, 1.2),
        ("R1", "water_intensity", 2015, 40.0),
        ("R1", "water_intensity", 2023, 41.0),
        ("R1", "landfill_share", 2015, 50.0),
        ("R1", "landfill_share", 2023, 45.0),
    ]);
    d
}

/// (progress score, status) of a group cell in the last year.
fn progress(
    level: &RollUp,
    regions: &[String],
    group: &str,
    region: &str,
) -> (f64, Option<ProgressStatus>) {
    let g = level
        .group(group)
        .unwrap_or_else(|| panic!("group {group}"));
    let r = regions.iter().position(|x| x == region).unwrap();
    let c = level.cell(g, r, level.periods - 1);
    (level.progress_score[c], level.progress_of(c))
}

#[test]
fn opensdg_aggregation_and_statuses() {
    let years: Vec<i32> = (2015..=2023).collect();
    let (ru, regions) = roll_ups(OPENSDG, &years, &opensdg_data());
    let (ind, cat, prog) = (&ru.indicators, &ru.categories, &ru.programme);
    use ProgressStatus::*;
    let p = |level, group, region| progress(level, &regions, group, region);
    // T1 = the worked example of METHODS.md: R = 0.9011, score 2.1507, moderate progress.
    let (s, st) = p(ind, "T1", "R1");
    assert_eq!(
        (format!("{s:.4}"), st),
        ("2.1507".to_owned(), Some(Moderate))
    );
    // T2: 20 → 25 over 8 years against 20 → 40 over 15: R = 0.59808 (< 0.6) → score
    // 4.1667·R − 2.5 = −0.00799: limited.
    let (s, st) = p(ind, "T2", "R1");
    assert!(close(s, 4.1667 * 0.598_078_420_973_552_3 - 2.5), "{s}");
    assert_eq!(st, Some(Limited));
    // D2: E2 (P 0.996 % → 1.2389) and E3 (P −0.309 % → −2.8864) form "resources", averaged
    // first; E4 (P 1.308 % against 3 % / 1 % → 2.0209) stands alone:
    // ((1.2389 − 2.8864)/2 + 2.0209)/2 = 0.59858, moderate.
    let (s, st) = p(ind, "D2", "R1");
    assert!(close(s, 0.598_576_022_959_812_5), "{s}");
    assert_eq!(st, Some(Moderate));
    // D1: F2 60 → 63, limit 100: C = 1 − 0.6^4.44, P 0.612 % ≥ 0.5 %·C → 250·P/C − 1.25.
    let (s, _) = p(ind, "D1", "R1");
    assert!(close(s, 0.455_936_742_202_683_2), "{s}");
    // Categories: the mean of their indicators' scores.
    let (s, st) = p(cat, "Targets", "R1");
    assert!(close(s, 1.071_354_397_040_067_9), "{s}");
    assert_eq!(st, Some(Moderate));
    let (s, st) = p(cat, "Directions", "R1");
    assert!(close(s, 0.527_256_382_581_247_9), "{s}");
    assert_eq!(st, Some(Moderate));
    // "Baoshan deadlines" declares only projections: not assessed for progress.
    assert_eq!(p(cat, "Baoshan deadlines", "R1").1, None);
    // The programme: the mean of the two assessed categories.
    let (s, st) = p(prog, "opensdg-progress", "R1");
    assert!(close(s, 0.799_305_389_810_657_9), "{s}");
    assert_eq!(st, Some(Moderate));

    // R2 reached both targets: each series 5, and "target achieved" all the way up, since
    // every series achieved it.
    assert_eq!(p(ind, "T1", "R2"), (5.0, Some(TargetAchieved)));
    assert_eq!(p(cat, "Targets", "R2"), (5.0, Some(TargetAchieved)));
    // R3 reached only the T1 target: (5 − 0.00799)/2 = 2.496 < 2.5 → moderate, not achieved.
    let (s, st) = p(cat, "Targets", "R3");
    assert!(close(s, 2.496_006_678_335_25), "{s}");
    assert_eq!(st, Some(Moderate));
    // R2 has no data for the Directions series: not available (declared, no result).
    assert_eq!(p(cat, "Directions", "R2").1, Some(NotAvailable));
    // An earlier year without a value: not available, never achieved.
    let g = ind.group("T1").unwrap();
    assert_eq!(ind.progress_of(ind.cell(g, 0, 4)), Some(NotAvailable));
    // The Open SDG file declares no bands or scores: colours are not assessed.
    assert!(ind.band.iter().all(|&c| c == NOT_ASSESSED));
}

#[test]
fn no_roll_ups_without_scores_colours_or_progress() {
    // baoshan-2017 declares only deadline projections.
    let programme = ecociv::programme::builtin("baoshan-2017").unwrap();
    let mut panel = Panel::new(
        vec![county("530502")],
        vec![Period::Year(2016)],
        vec!["rural_income".into()],
    );
    panel.set(0, 0, 0, 5800.0);
    let e = evaluate(&programme, &panel, &EvalOptions::default()).unwrap();
    assert!(apply(&programme, &e).unwrap().rollups.is_none());
}

#[test]
fn composite_index_with_fixed_weights() {
    // W1 (higher is better) weighs 1, W2 (lower is better) 3; the other items are not columns.
    // 2023: W1 = 89 (R1), 97 (R2), 90 (R3); W2 = 30 (R1), 74 (R2), absent (R3).
    // Min–max: W1 → 0, 1, 1/8; W2 (reversed) → 1, 0, absent.
    // R1 (0 + 3)/4 = 0.75; R2 (1 + 0)/4 = 0.25; R3: W1 alone, weight renormalised → 0.125.
    let with = |normalisation: &str| {
        SDSN.replacen(
            "max_missing_share = 0.2",
            &format!(
                "max_missing_share = 0.2\ncomposite = {{ normalisation = \"{normalisation}\", \
                 weights = {{ fixed = {{ W1 = 1, W2 = 3 }} }} }}"
            ),
            1,
        )
    };
    let (ru, regions) = roll_ups(&with("minmax"), &YEARS, SDSN_DATA);
    assert_eq!(regions, ["R1", "R2", "R3"]);
    let index = ru.composite.expect("declared");
    let at = |r: usize, t: usize| index[r * YEARS.len() + t];
    for (r, want) in [(0, 0.75), (1, 0.25), (2, 0.125)] {
        assert!(close(at(r, 1), want), "region {r}: {}", at(r, 1));
    }
    // 2022: R3 has no value in either column → absent.
    assert!(at(2, 0).is_nan());
    // Efficacy (60 + 40 · min–max): R1 (60 + 3 · 100)/4 = 90, R2 (100 + 3 · 60)/4 = 70, R3 65.
    let (ru, _) = roll_ups(&with("efficacy"), &YEARS, SDSN_DATA);
    let index = ru.composite.unwrap();
    for (r, want) in [(0, 90.0), (1, 70.0), (2, 65.0)] {
        assert!(
            close(index[r * 2 + 1], want),
            "region {r}: {}",
            index[r * 2 + 1]
        );
    }
    // No composite declared: none computed.
    assert!(roll_ups(SDSN, &YEARS, SDSN_DATA).0.composite.is_none());
}
