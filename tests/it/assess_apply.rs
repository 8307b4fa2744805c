//! `assess::apply` on a hand-built panel: a two-region, four-year evaluation of a small
//! programme loaded through the real loader, every band, score, trend and projection value
//! computed by hand (both directions, boundaries, missing values, a passed deadline, an item
//! that does not apply).

use ecociv::assess::apply::apply;
use ecociv::assess::bands::Band;
use ecociv::assess::codes::{Code, NO_DATA, NOT_ASSESSED};
use ecociv::assess::projection::ProjectionStatus;
use ecociv::assess::trend::Trend;
use ecociv::eval::{EvalOptions, evaluate};
use ecociv::model::{Growth, Level, RegionDef};
use ecociv::{Panel, Period};

const PROGRAMME: &str = r#"
id = "apply-test"
title = "apply() by hand"
categories = ["c"]

[[milestones]]
code = "m1"
name = "Deadline"
due = 2020-12-31

[[units]]
name = "office"

[[metrics]]
code = "x"
name = "higher is better"

[[metrics]]
code = "y"
name = "lower is better"

[[indicators]]
code = "1"
name = "one"
category = "c"

[[indicators.items]]
code = "A"
name = "x at least 80"
measure = "x"
comparator = ">="
threshold = 80
attribute = "binding"
lead = ["office"]
assess = { bands = { green = 80, red = 50 }, score = { lower = 20, optimum = 100 }, trend = { since = 2014, target_year = 2030 }, projection = [{ milestone = "m1", method = "linear" }] }

[[indicators.items]]
code = "B"
name = "y at most 10"
measure = "y"
comparator = "<="
threshold = 10
attribute = "guiding"
lead = ["office"]
assess = { bands = { green = 10, red = 35 }, score = { lower = 50, optimum = 5 }, projection = [{ milestone = "m1" }, { due = 2016-12-31 }] }

[[indicators.items]]
code = "C"
name = "cities only"
measure = "x"
comparator = ">="
threshold = 1
attribute = "guiding"
lead = ["office"]
applies_to = { levels = ["city"] }
assess = { bands = { green = 1, red = 0 }, projection = [{ milestone = "m1" }] }

[[indicators.items]]
code = "D"
name = "no assess table"
measure = "x"
comparator = ">="
threshold = 1
attribute = "guiding"
lead = ["office"]
"#;

const NAN: f64 = f64::NAN;
const YEARS: [i32; 4] = [2015, 2016, 2017, 2018];

fn county(code: &str) -> RegionDef {
    RegionDef::new(code, code, Level::County)
}

/// x and y for R1 and R2, 2015–2018 (NaN: missing).
fn panel() -> Panel {
    let periods = YEARS.iter().map(|&y| Period::Year(y)).collect();
    let mut p = Panel::new(
        vec![county("R1"), county("R2")],
        periods,
        vec!["x".into(), "y".into()],
    );
    let data: [[[f64; 4]; 2]; 2] = [
        // x: R1, R2
        [[50.0, 65.0, NAN, 79.0], [90.0, 85.0, 80.0, 40.0]],
        // y: R1, R2
        [[40.0, 20.0, 10.0, NAN], [NAN; 4]],
    ];
    for (m, regions) in data.iter().enumerate() {
        for (r, series) in regions.iter().enumerate() {
            for (t, &v) in series.iter().enumerate() {
                if !v.is_nan() {
                    p.set(m, r, t, v);
                }
            }
        }
    }
    p
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() < 1e-9
}

fn assert_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(close(*g, *w), "{what}[{i}]: got {g}, want {w}");
    }
}

struct Fixture {
    table: ecociv::assess::AssessmentTable,
}

impl Fixture {
    fn new(options: &EvalOptions) -> Fixture {
        let programme = ecociv::programme::load_str(PROGRAMME, "apply-test.toml")
            .unwrap_or_else(|e| panic!("{e}"));
        let e = evaluate(&programme, &panel(), options).unwrap();
        Fixture {
            table: apply(&programme, &e).unwrap(),
        }
    }

    /// The rows of an item and region for 2015..=2018.
    fn rows(&self, item: &str, region: &str) -> Vec<usize> {
        YEARS
            .iter()
            .map(|&y| self.table.row_of(item, region, Period::Year(y)).unwrap())
            .collect()
    }

    fn i8s(&self, col: &[i8], item: &str, region: &str) -> Vec<i8> {
        self.rows(item, region).iter().map(|&i| col[i]).collect()
    }

    fn f64s(&self, col: &[f64], item: &str, region: &str) -> Vec<f64> {
        self.rows(item, region).iter().map(|&i| col[i]).collect()
    }
}

fn bands(b: &[Band]) -> Vec<i8> {
    b.iter().map(|b| b.code()).collect()
}

fn trends(t: &[Trend]) -> Vec<i8> {
    t.iter().map(|t| t.code()).collect()
}

fn statuses(s: &[ProjectionStatus]) -> Vec<i8> {
    s.iter().map(|s| s.code()).collect()
}

#[test]
fn bands_and_scores_both_directions() {
    let f = Fixture::new(&EvalOptions::default());
    let t = &f.table;
    use Band::*;
    // A (higher, green 80, mid 65, red 50): boundaries take the better band; missing is grey.
    assert_eq!(
        f.i8s(&t.band, "A", "R1"),
        bands(&[Orange, Yellow, Grey, Yellow])
    );
    assert_eq!(
        f.i8s(&t.band, "A", "R2"),
        bands(&[Green, Green, Green, Red])
    );
    // B (lower, green 10, mid 22.5, red 35).
    assert_eq!(
        f.i8s(&t.band, "B", "R1"),
        bands(&[Red, Yellow, Green, Grey])
    );
    assert_eq!(f.i8s(&t.band, "B", "R2"), [NO_DATA; 4]);
    // C does not apply to counties; D declares nothing.
    assert_eq!(f.i8s(&t.band, "C", "R1"), [NOT_ASSESSED; 4]);
    assert_eq!(f.i8s(&t.band, "D", "R2"), [NOT_ASSESSED; 4]);
    // Scores: A (v − 20)·100/80; B (v − 50)·100/(5 − 50), clipped and unclipped.
    assert_close(
        &f.f64s(&t.scores(), "A", "R1"),
        &[37.5, 56.25, NAN, 73.75],
        "A R1 score",
    );
    assert_close(
        &f.f64s(&t.scores(), "A", "R2"),
        &[87.5, 81.25, 75.0, 25.0],
        "A R2 score",
    );
    let b = [200.0 / 9.0, 600.0 / 9.0, 800.0 / 9.0, NAN];
    assert_close(&f.f64s(&t.scores(), "B", "R1"), &b, "B R1 score");
    assert_close(&f.f64s(&t.score_unclipped, "B", "R1"), &b, "B R1 unclipped");
    assert_close(&f.f64s(&t.scores(), "D", "R1"), &[NAN; 4], "D score");
    // No progress declared anywhere.
    assert!(t.progress.iter().all(|&c| c == NOT_ASSESSED));
}

#[test]
fn trend_as_of_each_period() {
    let f = Fixture::new(&EvalOptions::default());
    let t = &f.table;
    use Trend::*;
    // A: g = (80 − 20)·1.25 = 75, T = 2031 (end of 2030), window from the 2015 value.
    // R1 2016: 37.5 → 56.25 in one year ≥ (75 − 37.5)/15 → ↑; 2017 missing → •;
    // 2018: (73.75 − 37.5)/3 ≥ 2.5 → ↑; 2015 alone → •.
    assert_eq!(
        f.i8s(&t.trend, "A", "R1"),
        trends(&[NoData, OnTrack, NoData, OnTrack])
    );
    // R2: 87.5 → 81.25 → 75 (green at both ends, falling faster than (75 − 87.5)/15) → →;
    // 2018: 25 (out of green) → ↓.
    assert_eq!(
        f.i8s(&t.trend, "A", "R2"),
        trends(&[NoData, Stagnating, Stagnating, Decreasing])
    );
    // B declares no trend.
    assert_eq!(f.i8s(&t.trend, "B", "R1"), [NOT_ASSESSED; 4]);
}

#[test]
fn projections_to_each_deadline() {
    let f = Fixture::new(&EvalOptions::default());
    let t = &f.table;
    let deadlines: Vec<&str> = t.projections.iter().map(|p| p.deadline.as_str()).collect();
    assert_eq!(deadlines, ["m1", "2016-12-31"]);
    let m1 = t.projection("m1").unwrap();
    let ka = t.items.iter().position(|c| c == "A").unwrap();
    assert_eq!(m1.method[ka], Some(Growth::Linear));
    assert_eq!(m1.method[ka + 1], Some(Growth::Compound)); // B: the default
    assert_eq!(m1.method[ka + 3], None); // D
    assert_eq!((m1.target[2 * ka], m1.target[2 * ka + 1]), (80.0, 80.0));
    assert!(m1.target[2 * (ka + 2)].is_nan()); // C does not apply: no target
    use ProjectionStatus::*;
    // A R1, linear to 2021.0 (end of 2020), window 5:
    // 2016: 50 (t 2016) → 65 (t 2017): 15/yr; required (80 − 50)/5 = 6 → ratio 2.5, on track,
    //       projected 65 + 15·4 = 125.
    // 2018: 50 → 79 over 3 years: 9.667/yr; ratio 1.6111; projected 79 + 9.667·2 = 98.333.
    assert_eq!(
        f.i8s(&m1.status, "A", "R1"),
        statuses(&[Insufficient, OnTrack, Insufficient, OnTrack])
    );
    assert_close(
        &f.f64s(t.actual_changes(0), "A", "R1"),
        &[NAN, 15.0, NAN, 29.0 / 3.0],
        "actual",
    );
    assert_close(
        &f.f64s(&m1.required_change, "A", "R1"),
        &[NAN, 6.0, NAN, 6.0],
        "required",
    );
    assert_close(
        &f.f64s(&t.ratios(0), "A", "R1"),
        &[NAN, 2.5, NAN, 29.0 / 18.0],
        "ratio",
    );
    assert_close(
        &f.f64s(&m1.projected, "A", "R1"),
        &[NAN, 125.0, NAN, 79.0 + 2.0 * 29.0 / 3.0],
        "projected",
    );
    // A R2: 85 and 80 meet ≥ 80 (inclusive boundary) → achieved; 2018 falls to 40: the start
    // (90) met the target, so the requirement runs from the latest value: (80 − 40)/2 = 20/yr,
    // actual (40 − 90)/3 → ratio −0.8333, moving away.
    assert_eq!(
        f.i8s(&m1.status, "A", "R2"),
        statuses(&[Achieved, Achieved, Achieved, MovingAway])
    );
    assert_close(
        &f.f64s(&t.ratios(0), "A", "R2")[3..],
        &[-50.0 / 3.0 / 20.0],
        "R2 ratio",
    );
    // B R1, compound to 2021.0: 2016: 40 → 20: −50 %/yr; required (10/40)^(1/5) − 1 from the
    // start → ratio 2.0649, on track; projected 20·0.5⁴ = 1.25. 2017 at 10 (≤ 10): achieved.
    // 2018 missing: insufficient, never achieved.
    let req = 0.25f64.powf(0.2) - 1.0;
    assert_eq!(
        f.i8s(&m1.status, "B", "R1"),
        statuses(&[Insufficient, OnTrack, Achieved, Insufficient])
    );
    let b_req = f.f64s(&m1.required_change, "B", "R1");
    assert!(close(b_req[1], req), "{b_req:?}");
    assert!(close(f.f64s(&t.ratios(0), "B", "R1")[1], -0.5 / req));
    assert!(close(f.f64s(&m1.projected, "B", "R1")[1], 1.25));
    assert_eq!(f.i8s(&m1.status, "B", "R2"), statuses(&[Insufficient; 4]));
    assert_eq!(f.i8s(&m1.status, "C", "R1"), [NOT_ASSESSED; 4]);
    // B to 2016-12-31 (t 2017.0): the 2016 value (20) is at the deadline and misses it;
    // no projected value at or after the deadline.
    let d = t.projection("2016-12-31").unwrap();
    assert_eq!(
        f.i8s(&d.status, "B", "R1"),
        statuses(&[Insufficient, Missed, Achieved, Insufficient])
    );
    assert!(f.f64s(&d.projected, "B", "R1")[1].is_nan());
    assert_close(
        &f.f64s(&d.required_change, "B", "R1")[1..2],
        &[-0.75],
        "due required",
    );
    assert_eq!(f.i8s(&d.status, "A", "R1"), [NOT_ASSESSED; 4]);
    // A projects to m1 only: the deadlines' actual changes differ, each has its own column,
    // and B's actual change is the same in both (its window and method).
    assert_eq!(d.actual_from, None);
    assert!(
        f.f64s(t.actual_changes(1), "A", "R1")
            .iter()
            .all(|x| x.is_nan())
    );
    let bits = |d: usize| -> Vec<u64> {
        let col = f.f64s(t.actual_changes(d), "B", "R1");
        col.iter().map(|x| x.to_bits()).collect()
    };
    assert_eq!(bits(0), bits(1));
    assert!(!f.f64s(t.actual_changes(0), "B", "R1")[1].is_nan());
}

#[test]
fn reported_period_order_does_not_change_results() {
    let all = Fixture::new(&EvalOptions::default());
    let shuffled = Fixture::new(&EvalOptions {
        regions: Some(vec!["R2".into(), "R1".into()]),
        periods: Some(vec![
            Period::Year(2018),
            Period::Year(2016),
            Period::Year(2015),
            Period::Year(2017),
        ]),
        threads: None,
    });
    for item in ["A", "B", "C", "D"] {
        for region in ["R1", "R2"] {
            let (a, s) = (&all.table, &shuffled.table);
            assert_eq!(
                all.i8s(&a.band, item, region),
                shuffled.i8s(&s.band, item, region)
            );
            assert_eq!(
                all.i8s(&a.trend, item, region),
                shuffled.i8s(&s.trend, item, region)
            );
            for (d, (pa, ps)) in a.projections.iter().zip(&s.projections).enumerate() {
                assert_eq!(
                    all.i8s(&pa.status, item, region),
                    shuffled.i8s(&ps.status, item, region)
                );
                assert_close(
                    &shuffled.f64s(&s.ratios(d), item, region),
                    &all.f64s(&a.ratios(d), item, region),
                    "ratio",
                );
            }
        }
    }
}

#[test]
fn an_item_outside_the_evaluation_is_refused() {
    let programme = ecociv::programme::load_str(PROGRAMME, "apply-test.toml").unwrap();
    let e = evaluate(&programme, &panel(), &EvalOptions::default()).unwrap();
    let mut other = programme.clone();
    other.indicators[0].items[0].code = "Z".into();
    let err = apply(&other, &e).unwrap_err();
    assert!(err.to_string().contains("item Z"), "{err}");
    // An invalid assess table built in code is refused, not applied.
    let mut bad = programme;
    bad.indicators[0].items[0]
        .assess
        .as_mut()
        .unwrap()
        .bands
        .as_mut()
        .unwrap()
        .red = 80.0;
    assert!(apply(&bad, &e).is_err());
}

#[test]
fn baoshan_projections_to_both_milestones() {
    // Rural income (I01, ≥ 6000, compound, 5-year window) 2013–2016 in one county:
    // 4800 → 5800 over 3 years; 4 years from the 2013 value to 2017-12-31.
    let programme = ecociv::programme::builtin("baoshan-2017").unwrap();
    let years: Vec<Period> = (2013..=2016).map(Period::Year).collect();
    let mut panel = Panel::new(vec![county("530502")], years, vec!["rural_income".into()]);
    for (t, v) in [4800.0, 5200.0, 5600.0, 5800.0].into_iter().enumerate() {
        panel.set(0, 0, t, v);
    }
    let e = evaluate(&programme, &panel, &EvalOptions::default()).unwrap();
    let table = apply(&programme, &e).unwrap();
    let deadlines: Vec<&str> = table
        .projections
        .iter()
        .map(|p| p.deadline.as_str())
        .collect();
    assert_eq!(deadlines, ["technical_assessment", "acceptance"]);
    let row = table.row_of("I01", "530502", Period::Year(2016)).unwrap();
    let cagr = (5800.0f64 / 4800.0).powf(1.0 / 3.0) - 1.0;
    let ta = table.projection("technical_assessment").unwrap();
    assert!(close(table.actual_change(0, row), cagr));
    // Both milestones project every item over the same window with the same method: the
    // acceptance deadline shares the technical assessment's actual changes.
    let acc = table.projection("acceptance").unwrap();
    assert_eq!(acc.actual_from, Some(0));
    assert!(acc.actual_change.is_empty());
    assert!(std::ptr::eq(
        table.actual_changes(1),
        table.actual_changes(0)
    ));
    assert!(close(
        ta.required_change[row],
        (6000.0f64 / 4800.0).powf(0.25) - 1.0
    ));
    assert!(close(ta.projected[row], 5800.0 * (1.0 + cagr)));
    assert_eq!(
        ProjectionStatus::from_code(ta.status[row]),
        Some(ProjectionStatus::OnTrack)
    );
    let acc = table.projection("acceptance").unwrap();
    let to_june = 181.0 / 365.0; // 2018-06-30 is 1 + 181/365 years after the 2016 value
    assert!(close(
        acc.projected[row],
        5800.0 * (1.0 + cagr).powf(1.0 + to_june)
    ));
    assert_eq!(
        ProjectionStatus::from_code(acc.status[row]),
        Some(ProjectionStatus::OnTrack)
    );
    // The item fails today (5800 < 6000): the projection is what a bulletin shows for it.
    assert_eq!(
        e.status_of("I01", "530502", Period::Year(2016)),
        Some(ecociv::eval::Status::Fail)
    );
    // Items without data are insufficient, never on track; B3 (=) declares none.
    let i03 = table.row_of("I03", "530502", Period::Year(2016)).unwrap();
    assert_eq!(ta.status[i03], NO_DATA);
    let b3 = table.row_of("B3", "530502", Period::Year(2016)).unwrap();
    assert_eq!(ta.status[b3], NOT_ASSESSED);
}
