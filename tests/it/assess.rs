//! The monitoring methods (issue 7) on the example programme files, against hand-computed
//! expectations: every band boundary in both directions, clipping, missing data, trends,
//! aggregation rules, the Open SDG worked example of METHODS.md, and Baoshan's deadlines.

use ecociv::assess::aggregate::{
    BandScale, Rated, colour_categorical, colour_continuous, mean_score,
};
use ecociv::assess::bands::{Band, BandCuts};
use ecociv::assess::progress::{ProgressRule, ProgressStatus, aggregate_grouped};
use ecociv::assess::projection::{ProjectionRule, ProjectionStatus};
use ecociv::assess::score::Normaliser;
use ecociv::assess::time::year_time;
use ecociv::assess::trend::{Trend, TrendRule};
use ecociv::model::{Assessment, ColourRule, Item, Programme, Threshold};
use ecociv::programme::{ProblemKind, ProgrammeError, load_file, load_str};

const SDSN_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/programmes/sdsn-dashboard.toml"
);
const OPENSDG_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/programmes/opensdg-progress.toml"
);
const SDSN: &str = include_str!("../../examples/programmes/sdsn-dashboard.toml");
const OPENSDG: &str = include_str!("../../examples/programmes/opensdg-progress.toml");

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// An item and its assess table.
fn item<'a>(f: &'a Programme, code: &str) -> (&'a Item, &'a Assessment) {
    let it = f.items().find(|i| i.code == code).unwrap();
    (it, it.assess.as_ref().unwrap())
}

/// The assess table of an item.
fn assess<'a>(f: &'a Programme, code: &str) -> Option<&'a Assessment> {
    f.items().find(|i| i.code == code)?.assess.as_ref()
}

/// The example file, loaded and validated by the real loader (assess tables included).
fn sdsn() -> Programme {
    load_file(SDSN_PATH).unwrap_or_else(|e| panic!("{e}"))
}

fn opensdg() -> Programme {
    load_file(OPENSDG_PATH).unwrap_or_else(|e| panic!("{e}"))
}

/// Annual values on the assess time axis.
fn annual(years: &[i32]) -> Vec<f64> {
    years.iter().map(|&y| year_time(y)).collect()
}

#[test]
fn sdsn_file_declares_every_item() {
    let f = sdsn();
    assert_eq!(f.items().filter(|i| i.assess.is_some()).count(), 5);
    assert_eq!(f.aggregation.colour, ColourRule::Continuous);
    assert_eq!(f.aggregation.max_missing_share, Some(0.2));
    for it in f.items() {
        let (code, a) = (&it.code, it.assess.as_ref().unwrap());
        assert!(
            a.bands.is_some() && a.score.is_some() && a.trend.is_some(),
            "{code}"
        );
        // The pass/fail threshold is the green threshold.
        assert_eq!(
            it.threshold,
            Some(Threshold::Value(a.bands.as_ref().unwrap().green)),
            "{code}"
        );
    }
}

#[test]
fn sdsn_bands_every_boundary_both_directions() {
    let f = sdsn();
    let rate = |code: &str, values: &[f64], present: &[bool]| {
        let cuts = BandCuts::new(item(&f, code).1.bands.as_ref().unwrap()).unwrap();
        let mut out = vec![Band::Grey; values.len()];
        cuts.rate_slice(values, present, &mut out);
        out
    };
    use Band::*;
    // W1: higher is better, green 98, red 80, mid 89.
    let v = [98.0, 97.99, 89.0, 88.99, 80.0, 79.99, 100.0];
    let mut p = [true; 7];
    assert_eq!(
        rate("W1", &v, &p),
        [Green, Yellow, Yellow, Orange, Orange, Red, Green]
    );
    p[6] = false; // missing is grey, never green
    assert_eq!(rate("W1", &v, &p)[6], Grey);
    // W2: lower is better, green 25, red 75, mid 50.
    let v = [25.0, 25.01, 50.0, 50.01, 75.0, 75.01, 0.0];
    assert_eq!(
        rate("W2", &v, &[true; 7]),
        [Green, Yellow, Yellow, Orange, Orange, Red, Green]
    );
    // A1: lower is better, green 10, red 35, mid 22.5 (a non-integer midpoint).
    assert_eq!(
        rate("A1", &[10.0, 22.5, 22.6, 35.0, 35.1], &[true; 5]),
        [Green, Yellow, Orange, Orange, Red]
    );
    // E1 (green 40, red 10, mid 25) and F1 (green 60, red 30, mid 45): higher is better.
    assert_eq!(
        rate("E1", &[40.0, 39.99, 25.0, 24.99, 10.0, 9.99], &[true; 6]),
        [Green, Yellow, Yellow, Orange, Orange, Red]
    );
    assert_eq!(
        rate("F1", &[60.0, 59.99, 45.0, 44.99, 30.0, 29.99], &[true; 6]),
        [Green, Yellow, Yellow, Orange, Orange, Red]
    );
}

#[test]
fn sdsn_scores_clipped_and_unclipped() {
    let f = sdsn();
    let n = |code: &str| Normaliser::new(item(&f, code).1.score.as_ref().unwrap()).unwrap();
    // W1: lower 60, optimum 100.
    let w1 = n("W1");
    assert_eq!(w1.clipped(98.0), 95.0);
    assert_eq!(w1.clipped(89.0), 72.5);
    assert_eq!((w1.clipped(50.0), w1.unclipped(50.0)), (0.0, -25.0));
    assert_eq!((w1.clipped(110.0), w1.unclipped(110.0)), (100.0, 125.0));
    // W2: lower 100, optimum 0 (lower is better).
    let w2 = n("W2");
    assert_eq!(w2.clipped(25.0), 75.0);
    assert_eq!((w2.clipped(120.0), w2.unclipped(120.0)), (0.0, -20.0));
    assert_eq!((w2.clipped(-5.0), w2.unclipped(-5.0)), (100.0, 105.0));
    // A1: lower 50, optimum 5.
    assert!(close(n("A1").clipped(22.5), 61.111_111_111_111_11, 1e-9));
    // A whole slice with a gap.
    let (mut out, mut pres) = ([0.0; 3], [false; 3]);
    w1.score_slice(
        &[70.0, 0.0, 120.0],
        &[true, false, true],
        true,
        &mut out,
        &mut pres,
    );
    assert_eq!((out, pres), ([25.0, 0.0, 100.0], [true, false, true]));
}

#[test]
fn sdsn_trend_arrows() {
    let f = sdsn();
    let (_, a) = item(&f, "W1");
    let rule = TrendRule::from_spec(
        a.trend.as_ref().unwrap(),
        a.bands.as_ref(),
        a.score.as_ref().unwrap(),
    )
    .unwrap();
    assert_eq!(rule.green_score, 95.0); // (98 − 60)/(100 − 60)·100
    let n = Normaliser::new(a.score.as_ref().unwrap()).unwrap();
    let t = annual(&[2014, 2015, 2023]);
    let arrow = |v2014: f64, v2015: f64, v2023: f64| {
        let scores: Vec<f64> = [v2014, v2015, v2023]
            .iter()
            .map(|&v| n.unclipped(v))
            .collect();
        ecociv::assess::trend::trend(&rule, &t, &scores, &[true, true, true])
    };
    // 2014 lies before the window (since = 2015). n0 = 50 (80 %), required (95 − 50)/15 = 3/yr.
    assert_eq!(arrow(0.0, 80.0, 90.0), Trend::OnTrack); // n1 75: 25/8 = 3.125/yr
    assert_eq!(arrow(0.0, 80.0, 86.0), Trend::ModeratelyImproving); // 1.875 ≥ 1.5
    assert_eq!(arrow(0.0, 80.0, 82.0), Trend::Stagnating); // 0.625
    assert_eq!(arrow(0.0, 80.0, 79.0), Trend::Decreasing);
    // Green at both ends and falling faster than the margin above green allows: →.
    assert_eq!(arrow(0.0, 100.0, 98.0), Trend::Stagnating); // −0.625/yr < (95 − 100)/15
    // Falling slower than that keeps green by 2030: ↑ (maintaining achievement).
    assert_eq!(arrow(0.0, 99.0, 98.5), Trend::OnTrack); // −0.156/yr ≥ (95 − 97.5)/15
    assert_eq!(arrow(0.0, 60.0, 98.0), Trend::OnTrack); // reached green
    // Below the lower bound at both ends: the unclipped scores still see the fall
    // (clipped, both would be 0 and the arrow →).
    assert_eq!(arrow(0.0, 55.0, 45.0), Trend::Decreasing);
    // Only one observation in the window: no data.
    let one = ecociv::assess::trend::trend(&rule, &t, &[50.0, 60.0, 0.0], &[true, true, false]);
    assert_eq!(one, Trend::NoData);
}

#[test]
fn sdsn_goal_colours_scores_and_index() {
    let f = sdsn();
    // One region's latest values; F1 (forest) missing.
    let latest = [
        ("W1", Some(89.0)),
        ("W2", Some(30.0)),
        ("E1", Some(25.0)),
        ("A1", Some(22.5)),
        ("F1", None),
    ];
    let mut scores = Vec::new();
    let mut rated = Vec::new();
    for (code, v) in latest {
        let a = assess(&f, code).unwrap();
        let (b, s) = (a.bands.as_ref().unwrap(), a.score.as_ref().unwrap());
        let cuts = BandCuts::new(b).unwrap();
        let scale = BandScale::new(b, s).unwrap();
        let n = Normaliser::new(s).unwrap();
        scores.push(v.map(|v| n.clipped(v)));
        rated.push(match v {
            Some(v) => Rated {
                band: cuts.rate(v),
                position: scale.position(v),
            },
            None => Rated {
                band: Band::Grey,
                position: f64::NAN,
            },
        });
    }
    // W1 89 = mid → 2.0; W2 30 → 2 + (50 − 30)/25 = 2.8.
    assert!(close(rated[0].position, 2.0, 1e-12) && close(rated[1].position, 2.8, 1e-12));
    let sdg6 = colour_continuous(&rated[0..2], f.aggregation.all_green);
    assert_eq!(sdg6.band, Band::Yellow);
    assert!(close(sdg6.position, 2.4, 1e-12));
    // Variant B on the same members: yellow + yellow → yellow.
    assert_eq!(
        colour_categorical(&[rated[0].band, rated[1].band], true),
        Band::Yellow
    );
    // SDG 15 has only a missing indicator: grey.
    assert_eq!(colour_continuous(&rated[4..5], true).band, Band::Grey);
    // Goal scores: means of the available indicator scores.
    let goal = |idx: &[usize]| {
        let v: Vec<f64> = idx.iter().map(|&i| scores[i].unwrap_or(0.0)).collect();
        let p: Vec<bool> = idx.iter().map(|&i| scores[i].is_some()).collect();
        mean_score(&v, &p, f.aggregation.group_max_missing_share)
    };
    let goals = [goal(&[0, 1]), goal(&[2]), goal(&[3]), goal(&[4])];
    assert_eq!(goals[0], Some(71.25)); // (72.5 + 70)/2
    assert_eq!(goals[1], Some(31.25));
    assert_eq!(goals[3], None);
    // Index: mean of goal scores, allowed because 1 of 5 indicators (20 %) is missing.
    let indicator_present: Vec<bool> = scores.iter().map(Option::is_some).collect();
    assert!(ecociv::assess::aggregate::enough_data(
        &indicator_present,
        f.aggregation.max_missing_share
    ));
    let gv: Vec<f64> = goals.iter().map(|g| g.unwrap_or(0.0)).collect();
    let gp: Vec<bool> = goals.iter().map(Option::is_some).collect();
    let index = mean_score(&gv, &gp, None).unwrap();
    assert!(close(index, 54.537_037_037_037, 1e-9));
    // With a second indicator missing (40 %) there is no index score.
    let mut two_missing = indicator_present.clone();
    two_missing[0] = false;
    assert!(!ecociv::assess::aggregate::enough_data(
        &two_missing,
        f.aggregation.max_missing_share
    ));
}

fn progress_of(
    f: &Programme,
    code: &str,
    years: &[i32],
    values: &[f64],
) -> ecociv::assess::progress::SeriesProgress {
    let (it, a) = item(f, code);
    let rule = ProgressRule::from_spec(a.progress.as_ref().unwrap(), it.comparator);
    rule.series(&annual(years), values, &vec![true; values.len()])
}

#[test]
fn opensdg_worked_example_to_the_digits() {
    let f = opensdg();
    let s = progress_of(&f, "M1", &[2015, 2023], &[14.5, 10.4]);
    assert_eq!(format!("{:.4}", s.value.unwrap()), "0.9011");
    assert_eq!(format!("{:.4}", s.score.unwrap()), "2.1507");
    assert_eq!(s.status, ProgressStatus::Moderate);
    assert_eq!(s.status.as_str(), "moderate_progress");
    // The indicator (one series) has the same score and status.
    let ind = ecociv::assess::progress::aggregate(&[s.for_aggregation()]).unwrap();
    assert_eq!(ind.status(), ProgressStatus::Moderate);
    // Years without data before the base are ignored; reaching the target gives 5.
    let done = progress_of(&f, "M1", &[2013, 2015, 2023], &[20.0, 14.5, 7.0]);
    assert_eq!(
        (done.score, done.status),
        (Some(5.0), ProgressStatus::TargetAchieved)
    );
}

#[test]
fn opensdg_series_and_aggregation() {
    let f = opensdg();
    // R1: positive, target 40: (25/20)^(1/5) − 1 over (40/20)^(1/15) − 1 → R 0.96502.
    let r1 = progress_of(&f, "R1", &[2015, 2020], &[20.0, 25.0]);
    assert!(close(r1.value.unwrap(), 0.965_015_309_922_781, 1e-12));
    assert!(close(r1.score.unwrap(), 2.607_307_857_247_432, 1e-9));
    assert_eq!(r1.status, ProgressStatus::Substantial);
    // F2: no target, limit 100, base 60 → C = 1 − 0.6^4.44; P = 0.98 % is moderate against the
    // reduced thresholds (1.345 %, 0.448 %); score 250·P/C − 1.25.
    let f2 = progress_of(&f, "F2", &[2015, 2020], &[60.0, 63.0]);
    assert!(close(
        f2.coefficient.unwrap(),
        0.896_487_796_966_448_6,
        1e-12
    ));
    assert_eq!(f2.status, ProgressStatus::Moderate);
    assert!(close(f2.score.unwrap(), 1.484_503_946_028_702_6, 1e-9));
    // D2: E2 and E3 form the "resources" group, E4 stands alone.
    let e2 = progress_of(&f, "E2", &[2015, 2020], &[1.3, 1.2]); // P 1.588 % → 2.9405
    let e3 = progress_of(&f, "E3", &[2015, 2020], &[40.0, 41.0]); // P −0.495 % → −3.1188
    let e4 = progress_of(&f, "E4", &[2015, 2020], &[50.0, 45.0]); // P 2.085 %, custom thresholds
    assert_eq!(
        (e2.status, e3.status, e4.status),
        (
            ProgressStatus::Substantial,
            ProgressStatus::Deterioration,
            ProgressStatus::Moderate
        )
    );
    assert!(close(e2.score.unwrap(), 2.940_542_933_237_870_7, 1e-9));
    assert!(close(e3.score.unwrap(), -3.118_842_139_936_071, 1e-9));
    assert!(close(e4.score.unwrap(), 3.962_909_409_755_800_6, 1e-9));
    let group = |code: &str| {
        assess(&f, code)
            .unwrap()
            .progress
            .as_ref()
            .unwrap()
            .group
            .clone()
    };
    let members = [(group("E2"), e2), (group("E3"), e3), (group("E4"), e4)];
    let members: Vec<_> = members
        .iter()
        .map(|(g, s)| (g.as_deref(), s.for_aggregation()))
        .collect();
    let d2 = aggregate_grouped(&members).unwrap();
    assert!(close(d2.score, 1.936_879_903_203_350_1, 1e-9));
    assert_eq!(d2.status(), ProgressStatus::Moderate);
    // A series without usable data does not count; with none at all: not available.
    assert_eq!(
        ProgressStatus::from_score(None, false),
        ProgressStatus::NotAvailable
    );
}

fn projections(
    f: &Programme,
    code: &str,
    years: &[i32],
    values: &[f64],
) -> Vec<ecociv::assess::projection::Projection> {
    let (it, a) = item(f, code);
    let th = it
        .threshold
        .as_ref()
        .and_then(|t| t.value_for(&Default::default()));
    a.projection
        .iter()
        .map(|spec| {
            let rule = ProjectionRule::from_spec(spec, it.comparator, th, &f.milestones).unwrap();
            rule.project(&annual(years), values, &vec![true; values.len()])
        })
        .collect()
}

#[test]
fn baoshan_deadline_projections() {
    let f = opensdg();
    let years = [2012, 2013, 2014, 2015, 2016];
    // B1 rural income ≥ 6000, compound, 5-year window: 2013 (4800) → 2016 (5800).
    let p = projections(
        &f,
        "B1",
        &[2013, 2014, 2015, 2016],
        &[4800.0, 5200.0, 5600.0, 5800.0],
    );
    assert!(close(
        p[0].compound_change.unwrap(),
        0.065_112_754_733_217_98,
        1e-12
    ));
    assert!(close(
        p[0].required_compound.unwrap(),
        0.057_371_263_440_564_09,
        1e-12
    )); // 4 years to 2017-12-31
    assert!(close(
        p[0].projected_compound.unwrap(),
        6_177.653_977_452_665,
        1e-6
    ));
    assert_eq!(p[0].status, ProjectionStatus::OnTrack);
    assert!(close(
        p[1].required_compound.unwrap(),
        0.050_885_122_199_038_07,
        1e-12
    )); // to 2018-06-30
    assert!(close(
        p[1].projected_compound.unwrap(),
        6_373.951_976_938_68,
        1e-6
    ));
    assert_eq!(p[1].status, ProjectionStatus::OnTrack);
    // Already there / falling back.
    assert_eq!(
        projections(&f, "B1", &years, &[5000.0, 5300.0, 5600.0, 5900.0, 6000.0])[0].status,
        ProjectionStatus::Achieved
    );
    assert_eq!(
        projections(&f, "B1", &years, &[5000.0, 5100.0, 5000.0, 4950.0, 4900.0])[0].status,
        ProjectionStatus::MovingAway
    );
    // B2 tertiary share ≥ 40 %, linear: 34 (2013) → 36.5 (2016): 0.833/yr against 1.5/yr
    // (from the start) → ratio 0.556, stagnating; projected 37.33 at the assessment.
    let p = projections(
        &f,
        "B2",
        &[2013, 2014, 2015, 2016],
        &[34.0, 35.0, 36.0, 36.5],
    );
    assert!(close(p[0].ratio.unwrap(), 0.555_555_555_555_555_6, 1e-12));
    assert!(close(
        p[0].projected_linear.unwrap(),
        37.333_333_333_333_336,
        1e-9
    ));
    assert_eq!(p[0].status, ProjectionStatus::Stagnating);
    // Acceptance, from the latest value: 3.5 points in 1.4959 years = 2.34/yr needed.
    assert!(close(
        p[1].required_linear.unwrap(),
        2.339_743_589_743_496,
        1e-9
    ));
    assert!(close(p[1].ratio.unwrap(), 0.356_164_383_561_658_1, 1e-9));
    // B3 energy intensity ≤ 1.1, 3-year window: 1.25 (2013) → 1.13 (2016): −0.04/yr vs −0.0375.
    let p = projections(
        &f,
        "B3",
        &[2013, 2014, 2015, 2016],
        &[1.25, 1.2, 1.16, 1.13],
    );
    assert!(close(p[0].ratio.unwrap(), 1.066_666_666_666_666_7, 1e-9));
    assert!(close(p[0].projected_linear.unwrap(), 1.09, 1e-9));
    assert_eq!(p[0].status, ProjectionStatus::OnTrack);
    assert!(close(p[1].ratio.unwrap(), 1.198_904_109_589_057_1, 1e-9));
    // A gap: the 2015 value missing changes nothing about the endpoints.
    let (it, a) = item(&f, "B3");
    let rule = ProjectionRule::from_spec(&a.projection[0], it.comparator, Some(1.1), &f.milestones)
        .unwrap();
    let q = rule.project(
        &annual(&[2013, 2014, 2015, 2016]),
        &[1.25, 1.2, 0.0, 1.13],
        &[true, true, false, true],
    );
    assert_eq!(q.status, ProjectionStatus::OnTrack);
    // After the deadline without reaching the target: missed.
    let late = rule.project(&annual(&[2016, 2018]), &[1.13, 1.12], &[true, true]);
    assert_eq!(late.status, ProjectionStatus::Missed);
}

#[test]
fn opensdg_file_aggregation_and_milestones() {
    let f = opensdg();
    assert_eq!(f.aggregation.colour, ColourRule::Categorical);
    assert_eq!(f.milestones.len(), 2);
    assert_eq!(assess(&f, "B1").unwrap().projection.len(), 2);
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

fn problems(text: &str) -> Vec<ecociv::programme::Problem> {
    match load_str(text, "broken.toml") {
        Err(ProgrammeError::Invalid { problems, .. }) => problems,
        other => panic!("expected problems, got {other:?}"),
    }
}

#[test]
fn invalid_assess_tables_are_refused_with_line_and_field() {
    // Equal green and red: reported at W1's bands.
    let broken = SDSN.replace(
        "bands = { green = 98, red = 80 }",
        "bands = { green = 98, red = 98 }",
    );
    let p = problems(&broken);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].field, "indicators[0].items[0].assess.bands");
    assert_eq!(p[0].kind, ProblemKind::InvertedRange);
    assert_eq!(
        p[0].line,
        line_of(&broken, "bands = { green = 98, red = 98 }")
    );
    assert!(p[0].message.contains("W1"), "{}", p[0].message);
    // A misspelt key inside assess: a syntax error naming the line and the key.
    let typo = SDSN.replace("score = { lower = 60", "score = { lowr = 60");
    match load_str(&typo, "typo.toml") {
        Err(ProgrammeError::Syntax { line, message, .. }) => {
            assert_eq!(line, line_of(&typo, "lowr"));
            assert!(message.contains("lowr"), "{message}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    // An unknown milestone: reported at the projection's milestone, by index.
    let milestone = OPENSDG.replacen(
        "{ milestone = \"acceptance\", window = 5",
        "{ milestone = \"acceptence\", window = 5",
        1,
    );
    let p = problems(&milestone);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(
        p[0].field,
        "indicators[4].items[0].assess.projection[1].milestone"
    );
    assert_eq!(p[0].line, line_of(&milestone, "acceptence"));
    assert_eq!(p[0].kind, ProblemKind::InvalidCode);
    // Two bad projections and a bad aggregation share: every one reported.
    let several = OPENSDG
        .replacen(
            "window = 3, method = \"linear\", ratio_bands",
            "window = 0, method = \"linear\", ratio_bands",
            1,
        )
        .replacen(
            "{ milestone = \"acceptance\", window = 3",
            "{ milestone = \"nope\", window = 3",
            1,
        )
        .replacen(
            "all_green = true",
            "all_green = true\nmax_missing_share = 1.5",
            1,
        );
    let fields: Vec<String> = problems(&several).into_iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        [
            "aggregation.max_missing_share",
            "indicators[6].items[0].assess.projection[0].window",
            "indicators[6].items[0].assess.projection[1].milestone",
        ]
    );
}
