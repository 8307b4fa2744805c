//! Unit tests of the engine on small programmes built in Rust.

use std::collections::BTreeMap;

use super::*;
use crate::model::{
    Applicability, Attribute, BasicCondition, Comparator, Indicator, Item, Level, MetricDef,
    MetricKind, RegionDef, Threshold,
};

fn metric(code: &str, kind: MetricKind) -> MetricDef {
    let categories = if kind == MetricKind::Category {
        vec!["I".into(), "II".into(), "III".into()]
    } else {
        vec![]
    };
    MetricDef {
        code: code.into(),
        name: code.into(),
        unit: None,
        kind,
        categories,
        description: None,
    }
}

fn item(code: &str, measure: &str, comparator: Comparator, threshold: Option<Threshold>) -> Item {
    Item {
        code: code.into(),
        name: code.into(),
        measure: measure.into(),
        comparator,
        threshold,
        requires: None,
        unit: None,
        attribute: Attribute::Binding,
        lead: vec!["环保局".into()],
        cooperating: vec![],
        applies_to: Applicability::default(),
        note: None,
        assess: None,
    }
}

fn programme(items: Vec<Item>) -> Programme {
    Programme {
        id: "t".into(),
        title: "t".into(),
        issued_by: vec![],
        issued_on: None,
        source: None,
        basis: vec![],
        notes: vec![],
        milestones: vec![],
        regions: vec![],
        units: vec![],
        groups: vec![],
        categories: vec!["econ".into(), "env".into()],
        metrics: vec![
            metric("x", MetricKind::Number),
            metric("y", MetricKind::Number),
            metric("ok", MetricKind::Boolean),
            metric("cls", MetricKind::Category),
        ],
        conditions: vec![],
        indicators: vec![Indicator {
            code: "1".into(),
            name: "one".into(),
            category: "econ".into(),
            items,
        }],
        phases: vec![],
        duties: vec![],
        aggregation: Default::default(),
    }
}

fn region(code: &str, level: Level, parent: Option<&str>) -> RegionDef {
    RegionDef { parent: parent.map(Into::into), ..RegionDef::new(code, code, level) }
}

/// One county, years 2011.., metrics x, y, ok, cls from per-metric series (None = absent).
fn panel1(series: &[(&str, &[Option<f64>])]) -> Panel {
    let np = series.iter().map(|s| s.1.len()).max().unwrap_or(0);
    let periods = (0..np)
        .map(|t| Period::Year(2011 + i32::try_from(t).unwrap()))
        .collect();
    let mut p = Panel::new(
        vec![region("R", Level::County, None)],
        periods,
        series.iter().map(|s| s.0.to_owned()).collect(),
    );
    for (m, (_, vals)) in series.iter().enumerate() {
        for (t, v) in vals.iter().enumerate() {
            if let Some(v) = v {
                p.set(m, 0, t, *v);
            }
        }
    }
    p
}

fn statuses(prog: &Programme, panel: &Panel, code: &str) -> Vec<Status> {
    let e = evaluate(prog, panel, &EvalOptions::default()).unwrap();
    let k = e.item_index(code).unwrap();
    let n = e.regions.len() * e.periods.len();
    e.status[k * n..(k + 1) * n]
        .iter()
        .map(|&c| Status::from_code(c).unwrap())
        .collect()
}

use Status::{Fail as F, Missing as M, NotApplicable as NA, Pass as P};

#[test]
fn every_numeric_comparator_at_the_boundary() {
    let panel = panel1(&[("x", &[Some(9.0), Some(10.0), Some(11.0), None])]);
    let cases = [
        (Comparator::Ge, vec![F, P, P, M]),
        (Comparator::Gt, vec![F, F, P, M]),
        (Comparator::Le, vec![P, P, F, M]),
        (Comparator::Lt, vec![P, F, F, M]),
        (Comparator::Eq, vec![F, P, F, M]),
    ];
    for (c, want) in cases {
        let prog = programme(vec![item("A", "x", c, Some(Threshold::Value(10.0)))]);
        assert_eq!(statuses(&prog, &panel, "A"), want, "{c:?}");
    }
    let prog = programme(vec![item(
        "A",
        "x",
        Comparator::Between,
        Some(Threshold::Range {
            min: 10.0,
            max: 10.5,
        }),
    )]);
    assert_eq!(statuses(&prog, &panel, "A"), vec![F, P, F, M]);
}

#[test]
fn holds_in_and_requires() {
    let panel = panel1(&[
        ("ok", &[Some(1.0), Some(0.0), Some(1.0), None]),
        ("x", &[Some(1.0), Some(1.0), None, Some(1.0)]),
        ("cls", &[Some(0.0), Some(1.0), Some(2.0), Some(1.0)]),
    ]);
    let prog = programme(vec![item("A", "ok", Comparator::Holds, None)]);
    assert_eq!(statuses(&prog, &panel, "A"), vec![P, F, P, M]);
    let mut it = item("B", "ok", Comparator::Holds, None);
    it.requires = Some("x == 1".into());
    // requires absent → missing even when the measure fails (no three-valued logic)
    assert_eq!(
        statuses(&programme(vec![it]), &panel, "B"),
        vec![P, F, M, M]
    );
    let prog = programme(vec![item(
        "C",
        "cls",
        Comparator::In,
        Some(Threshold::Category("II".into())),
    )]);
    assert_eq!(statuses(&prog, &panel, "C"), vec![F, P, F, P]);
}

#[test]
fn lag_is_the_literal_previous_period() {
    // x absent in 2012: 2013's lag is absent (not 2011's value)
    let panel = panel1(&[("x", &[Some(1.0), None, Some(5.0), Some(5.5)])]);
    let prog = programme(vec![item(
        "A",
        "x - lag(x, 1)",
        Comparator::Ge,
        Some(Threshold::Value(0.3)),
    )]);
    assert_eq!(statuses(&prog, &panel, "A"), vec![M, M, M, P]);
    let prog = programme(vec![item(
        "A",
        "diff(x, 2)",
        Comparator::Ge,
        Some(Threshold::Value(0.3)),
    )]);
    assert_eq!(statuses(&prog, &panel, "A"), vec![M, M, P, M]);
    let prog = programme(vec![item(
        "A",
        "pct_change(x)",
        Comparator::Ge,
        Some(Threshold::Value(10.0)),
    )]);
    let e = evaluate(&prog, &panel, &EvalOptions::default()).unwrap();
    assert_eq!(e.value[3], (5.5 / 5.0 - 1.0) * 100.0);
    assert_eq!(e.status[3], i8::from((5.5 / 5.0 - 1.0) * 100.0 >= 10.0));
    let prog = programme(vec![
        item("A", "no_worse(x, lower)", Comparator::Holds, None),
        item("B", "no_worse(x, higher)", Comparator::Holds, None),
    ]);
    assert_eq!(statuses(&prog, &panel, "A"), vec![M, M, M, F]);
    assert_eq!(statuses(&prog, &panel, "B"), vec![M, M, M, P]);
}

#[test]
fn windows_need_every_period() {
    let panel = panel1(&[(
        "x",
        &[
            Some(0.0),
            Some(0.0),
            Some(1.0),
            Some(0.0),
            Some(0.0),
            Some(0.0),
            None,
            Some(0.0),
        ],
    )]);
    let prog = programme(vec![item(
        "B3",
        "sum(x, 3)",
        Comparator::Eq,
        Some(Threshold::Value(0.0)),
    )]);
    assert_eq!(statuses(&prog, &panel, "B3"), vec![M, M, F, F, F, P, M, M]);
    let panel = panel1(&[("x", &[Some(1.0), Some(4.0), Some(2.0), Some(3.0)])]);
    for (f, want) in [("mean", 3.0), ("min", 2.0), ("max", 4.0), ("sum", 9.0)] {
        let prog = programme(vec![item(
            "W",
            &format!("{f}(x, 3)"),
            Comparator::Ge,
            Some(Threshold::Value(0.0)),
        )]);
        let e = evaluate(&prog, &panel, &EvalOptions::default()).unwrap();
        assert_eq!(e.value[3], want, "{f}");
        assert!(e.value[1].is_nan());
    }
}

#[test]
fn and_or_not_without_three_valued_logic() {
    let panel = panel1(&[
        ("x", &[Some(1.0), Some(0.0), None, None]),
        ("y", &[Some(1.0), None, Some(0.0), Some(1.0)]),
    ]);
    let prog = programme(vec![
        item("AND", "x > 0 and y > 0", Comparator::Holds, None),
        item("OR", "x > 0 or y > 0", Comparator::Holds, None),
        item("NOT", "not x > 0", Comparator::Holds, None),
    ]);
    // missing AND false is missing, missing OR true is missing
    assert_eq!(statuses(&prog, &panel, "AND"), vec![P, M, M, M]);
    assert_eq!(statuses(&prog, &panel, "OR"), vec![P, M, M, M]);
    assert_eq!(statuses(&prog, &panel, "NOT"), vec![F, P, M, M]);
}

#[test]
fn arithmetic_in_written_order_and_division_by_zero_fails() {
    let panel = panel1(&[
        ("x", &[Some(0.3), Some(1.0)]),
        ("y", &[Some(0.1), Some(0.0)]),
    ]);
    let prog = programme(vec![item(
        "A",
        "x / y * 100",
        Comparator::Ge,
        Some(Threshold::Value(300.0)),
    )]);
    let e = evaluate(&prog, &panel, &EvalOptions::default()).unwrap();
    assert_eq!(e.value[0], 0.3 / 0.1 * 100.0);
    assert_eq!(e.status[0], i8::from(0.3 / 0.1 * 100.0 >= 300.0));
    assert_eq!(e.value[1], f64::INFINITY);
    let prog = programme(vec![item(
        "A",
        "x / y - x / y",
        Comparator::Ge,
        Some(Threshold::Value(0.0)),
    )]);
    // inf - inf = NaN: present, and NaN >= 0 is false → fail (not missing)
    assert_eq!(statuses(&prog, &panel, "A")[1], F);
}

#[test]
fn applicability_and_attribute_thresholds() {
    let mut regions = vec![
        region("C", Level::City, None),
        region("K1", Level::County, Some("C")),
        region("K2", Level::County, Some("C")),
    ];
    regions[1]
        .attributes
        .insert("terrain".into(), "山区".into());
    regions[2]
        .attributes
        .insert("terrain".into(), "平原".into());
    let mut panel = Panel::new(regions, vec![Period::Year(2017)], vec!["x".into()]);
    for r in 0..3 {
        panel.set(0, r, 0, 50.0);
    }
    let mut only_city = item("A", "x", Comparator::Ge, Some(Threshold::Value(1.0)));
    only_city.applies_to.levels = vec![Level::City];
    let by = Threshold::ByAttribute {
        by: "terrain".into(),
        values: BTreeMap::from([("山区".into(), 60.0), ("平原".into(), 18.0)]),
        default: None,
    };
    let by_terrain = item("B", "x", Comparator::Ge, Some(by));
    let mut zoned = item("Z", "x", Comparator::Ge, Some(Threshold::Value(1.0)));
    zoned
        .applies_to
        .attributes
        .insert("terrain".into(), vec!["平原".into()]);
    let prog = programme(vec![only_city, by_terrain, zoned]);
    assert_eq!(statuses(&prog, &panel, "A"), vec![P, NA, NA]);
    assert_eq!(statuses(&prog, &panel, "B"), vec![NA, F, P]);
    assert_eq!(statuses(&prog, &panel, "Z"), vec![NA, NA, P]);
    let e = evaluate(&prog, &panel, &EvalOptions::default()).unwrap();
    let k = e.item_index("B").unwrap();
    assert!(e.threshold[k * 3].is_nan());
    assert_eq!(&e.threshold[k * 3 + 1..k * 3 + 3], &[60.0, 18.0]);
    assert!(e.value[k * 3].is_nan(), "no value where n/a");
}

#[test]
fn margins_are_signed_better_positive() {
    let panel = panel1(&[("x", &[Some(12.0), Some(8.0), None])]);
    let prog = programme(vec![
        item("GE", "x", Comparator::Ge, Some(Threshold::Value(10.0))),
        item("LE", "x", Comparator::Le, Some(Threshold::Value(10.0))),
        item("EQ", "x", Comparator::Eq, Some(Threshold::Value(10.0))),
        item(
            "BT",
            "x",
            Comparator::Between,
            Some(Threshold::Range {
                min: 9.0,
                max: 11.0,
            }),
        ),
    ]);
    let e = evaluate(&prog, &panel, &EvalOptions::default()).unwrap();
    let m = e.margin();
    assert_eq!(&m[0..2], &[2.0, -2.0]);
    assert!(m[2].is_nan());
    assert_eq!(&m[3..5], &[-2.0, 2.0]);
    assert_eq!(&m[6..8], &[-2.0, -2.0]);
    assert_eq!(&m[9..11], &[-1.0, -1.0]);
    let rel = e.relative_margin();
    assert_eq!(&rel[0..2], &[0.2, -0.2]);
    assert_eq!(e.threshold_column()[4], 10.0);
    let (ik, ir, ip) = e.row_keys();
    assert_eq!((ik[7], ir[7], ip[7]), (2, 0, 1));
    assert_eq!(e.row(2, 0, 1), 7);
}

/// A city with five counties; counties 0..meets pass the binding item, the others fail.
fn city_panel(meets: usize, extra_missing: bool) -> (Programme, Panel) {
    let mut regions = vec![region("C", Level::City, None)];
    for i in 0..5 {
        regions.push(region(&format!("K{i}"), Level::County, Some("C")));
    }
    let mut panel = Panel::new(
        regions,
        vec![Period::Year(2017)],
        vec!["x".into(), "y".into()],
    );
    panel.set(0, 0, 0, 1.0);
    for i in 0..5 {
        if !(extra_missing && i == meets) {
            panel.set(0, i + 1, 0, if i < meets { 1.0 } else { 0.0 });
        }
        panel.set(1, i + 1, 0, 0.0);
    }
    let mut c4 = item(
        "C4",
        "share(children, verdict)",
        Comparator::Ge,
        Some(Threshold::Value(80.0)),
    );
    c4.applies_to.levels = vec![Level::City];
    let mut guiding = item("G", "y", Comparator::Gt, Some(Threshold::Value(0.0)));
    guiding.attribute = Attribute::Guiding;
    guiding.cooperating = vec!["统计局".into()];
    let mut prog = programme(vec![
        item("A", "x", Comparator::Ge, Some(Threshold::Value(1.0))),
        guiding,
    ]);
    prog.conditions = vec![BasicCondition {
        code: "BC4".into(),
        text: "80%".into(),
        lead: vec![],
        cooperating: vec![],
        items: vec![c4],
    }];
    (prog, panel)
}

#[test]
fn share_of_children_at_the_80_percent_boundary_and_verdicts() {
    let (prog, panel) = city_panel(4, false);
    let e = evaluate(&prog, &panel, &EvalOptions::default()).unwrap();
    let y = Period::Year(2017);
    assert_eq!(e.status_of("C4", "C", y), Some(Status::Pass)); // 4 of 5 = 80 %
    assert_eq!(e.status_of("C4", "K0", y), Some(Status::NotApplicable));
    assert_eq!(e.verdict_of("C", y), Some(Verdict::Meets));
    assert_eq!(e.verdict_of("K4", y), Some(Verdict::Fails));
    // guiding item fails everywhere it has data, but never decides the verdict
    assert_eq!(e.status_of("G", "K0", y), Some(Status::Fail));
    assert_eq!(e.verdict_of("K0", y), Some(Verdict::Meets));
    assert_eq!(e.warnings(), vec![1, 1, 1, 1, 1, 1]); // the city's G is missing, the counties' fail
    let (prog, panel) = city_panel(3, false);
    let e = evaluate(&prog, &panel, &EvalOptions::default()).unwrap();
    assert_eq!(e.status_of("C4", "C", y), Some(Status::Fail)); // 60 %
    assert_eq!(e.verdict_of("C", y), Some(Verdict::Fails));
    // an incomplete child does not count and does not make C4 missing
    let (prog, panel) = city_panel(4, true);
    let e = evaluate(&prog, &panel, &EvalOptions::default()).unwrap();
    assert_eq!(e.verdict_of("K4", y), Some(Verdict::Incomplete));
    assert_eq!(e.status_of("C4", "C", y), Some(Status::Pass));
    let s = e.summary();
    assert_eq!(s.item("C4"), Some([1, 0, 0, 5]));
    assert_eq!((s.meets, s.fails, s.incomplete), (5, 0, 1));
}

#[test]
fn share_of_a_condition_is_missing_when_a_child_is() {
    let (mut prog, panel) = city_panel(4, true);
    let mut it = item(
        "S",
        "share(children, x > 0)",
        Comparator::Ge,
        Some(Threshold::Value(80.0)),
    );
    it.applies_to.levels = vec![Level::City];
    let mut cnt = item(
        "N",
        "count(children, y == 0)",
        Comparator::Ge,
        Some(Threshold::Value(5.0)),
    );
    cnt.applies_to.levels = vec![Level::City];
    prog.indicators[0].items.extend([it, cnt]);
    let e = evaluate(&prog, &panel, &EvalOptions::default()).unwrap();
    assert_eq!(
        e.status_of("S", "C", Period::Year(2017)),
        Some(Status::Missing)
    );
    assert_eq!(
        e.status_of("N", "C", Period::Year(2017)),
        Some(Status::Pass)
    );
}

#[test]
fn multi_level_verdicts_are_bottom_up() {
    // province P > city C > counties K0, K1; all pass "A"; C4-like item at every level with children
    let regions = vec![
        region("P", Level::Province, None),
        region("K0", Level::County, Some("C")),
        region("C", Level::City, Some("P")),
        region("K1", Level::County, Some("C")),
    ];
    let mut panel = Panel::new(regions, vec![Period::Year(2017)], vec!["x".into()]);
    for r in 0..4 {
        panel.set(0, r, 0, 1.0);
    }
    panel.set(0, 3, 0, 0.0); // K1 fails → C has 50 % → C fails → P has 0 %
    let mut c4 = item(
        "C4",
        "share(children, verdict)",
        Comparator::Ge,
        Some(Threshold::Value(50.0)),
    );
    c4.applies_to.levels = vec![Level::City, Level::Province];
    let prog = programme(vec![
        item("A", "x", Comparator::Ge, Some(Threshold::Value(1.0))),
        c4,
    ]);
    let e = evaluate(&prog, &panel, &EvalOptions::default()).unwrap();
    let y = Period::Year(2017);
    assert_eq!(e.status_of("C4", "C", y), Some(Status::Pass));
    assert_eq!(e.verdict_of("C", y), Some(Verdict::Meets));
    assert_eq!(e.status_of("C4", "P", y), Some(Status::Pass)); // its only child C meets
    panel.set(0, 1, 0, 0.0); // K0 fails too → C 0 % fails → P 0 % fails
    let e = evaluate(&prog, &panel, &EvalOptions::default()).unwrap();
    assert_eq!(e.status_of("C4", "C", y), Some(Status::Fail));
    assert_eq!(e.status_of("C4", "P", y), Some(Status::Fail));
    assert_eq!(e.verdict_of("P", y), Some(Verdict::Fails));
}

#[test]
fn rollups_and_accountability() {
    let (mut prog, panel) = city_panel(4, true);
    prog.indicators.push(Indicator {
        code: "2".into(),
        name: "two".into(),
        category: "env".into(),
        items: vec![item("B", "y", Comparator::Ge, Some(Threshold::Value(0.0)))],
    });
    let e = evaluate(&prog, &panel, &EvalOptions::default()).unwrap();
    let ind = e.indicator_status();
    assert_eq!(ind.codes, vec!["1", "2"]);
    // indicator 1 = A (binding) + G (guiding): city: A pass, G missing → missing; K0: A pass, G fail → fail
    assert_eq!(&ind.status[0..6], &[-1, 0, 0, 0, 0, 0]);
    assert_eq!(&ind.status[6..12], &[-1, 1, 1, 1, 1, 1]);
    let cond = e.condition_status();
    assert_eq!(cond.codes, vec!["BC4"]);
    assert_eq!(&cond.status[..], &[1, -2, -2, -2, -2, -2]);
    let cat = e.category_summary();
    assert_eq!(cat.categories, vec!["econ", "env"]);
    assert_eq!(cat.counts[0], [0, 0, 1, 0]);
    assert_eq!(cat.counts[6 + 1], [1, 0, 0, 0]);
    let acc = e.by_unit();
    assert_eq!(acc.units, vec!["环保局", "统计局"]);
    let counts = acc.counts();
    // 环保局 leads A (K4 missing), G (1 missing + 5 fail) and B (city missing); 统计局 cooperates on G
    assert_eq!(
        counts[0],
        UnitCounts {
            unit: "环保局".into(),
            role: Role::Lead,
            failing: 5,
            missing: 3
        }
    );
    assert_eq!(
        counts[1],
        UnitCounts {
            unit: "统计局".into(),
            role: Role::Cooperating,
            failing: 5,
            missing: 1
        }
    );
    let fail_rows: Vec<usize> = (0..acc.len()).filter(|&i| acc.status[i] == 0).collect();
    assert!(
        fail_rows
            .iter()
            .all(|&i| acc.margin[i] == -0.0 || acc.margin[i] < 0.0 || acc.margin[i] == 0.0)
    );
}

#[test]
fn report_subsets_keep_lags_from_earlier_periods() {
    let panel = panel1(&[("x", &[Some(1.0), Some(2.0), Some(2.1)])]);
    let prog = programme(vec![item(
        "A",
        "x - lag(x, 1)",
        Comparator::Ge,
        Some(Threshold::Value(0.5)),
    )]);
    let opts = EvalOptions {
        regions: Some(vec!["R".into()]),
        periods: Some(vec![Period::Year(2012)]),
        threads: None,
    };
    let e = evaluate(&prog, &panel, &opts).unwrap();
    assert_eq!(e.periods, vec![Period::Year(2012)]);
    assert_eq!(e.status, vec![1]);
    assert_eq!(e.verdict, vec![1]);
    let bad = EvalOptions {
        regions: Some(vec!["nope".into()]),
        periods: None,
        threads: None,
    };
    assert!(
        matches!(evaluate(&prog, &panel, &bad), Err(EvalError::UnknownRegion(r)) if r == "nope")
    );
    let bad = EvalOptions {
        regions: None,
        periods: Some(vec![Period::Year(1999)]),
        threads: None,
    };
    assert!(matches!(
        evaluate(&prog, &panel, &bad),
        Err(EvalError::UnknownPeriod(_))
    ));
}

#[test]
fn metrics_absent_from_the_panel_are_missing_and_bad_items_are_refused() {
    let panel = panel1(&[("x", &[Some(1.0)])]);
    let prog = programme(vec![item(
        "A",
        "y",
        Comparator::Ge,
        Some(Threshold::Value(0.0)),
    )]);
    assert_eq!(statuses(&prog, &panel, "A"), vec![M]);
    let refuse = |it: Item| Plan::compile(&programme(vec![it])).unwrap_err();
    assert!(matches!(
        refuse(item("A", "x >", Comparator::Holds, None)),
        EvalError::Expr {
            field: "measure",
            ..
        }
    ));
    assert!(matches!(
        refuse(item("A", "x", Comparator::Holds, None)),
        EvalError::Item { .. }
    ));
    assert!(matches!(
        refuse(item("A", "ok", Comparator::Ge, Some(Threshold::Value(1.0)))),
        EvalError::Item { .. }
    ));
    assert!(matches!(
        refuse(item("A", "x", Comparator::Ge, None)),
        EvalError::Item { .. }
    ));
    assert!(matches!(
        refuse(item(
            "A",
            "x",
            Comparator::Between,
            Some(Threshold::Value(1.0))
        )),
        EvalError::Item { .. }
    ));
    assert!(matches!(
        refuse(item(
            "A",
            "x",
            Comparator::In,
            Some(Threshold::Category("I".into()))
        )),
        EvalError::Item { .. }
    ));
    assert!(matches!(
        refuse(item(
            "A",
            "cls",
            Comparator::In,
            Some(Threshold::Category("IX".into()))
        )),
        EvalError::Item { .. }
    ));
    let mut it = item("A", "x", Comparator::Ge, Some(Threshold::Value(1.0)));
    it.requires = Some("x + 1".into());
    assert!(matches!(refuse(it), EvalError::Item { .. }));
    let mut broken = panel1(&[("x", &[Some(1.0)])]);
    broken.values.pop();
    let prog = programme(vec![item(
        "A",
        "x",
        Comparator::Ge,
        Some(Threshold::Value(0.0)),
    )]);
    assert!(matches!(
        evaluate(&prog, &broken, &EvalOptions::default()),
        Err(EvalError::PanelShape { .. })
    ));
}

#[test]
fn empty_panels_evaluate_to_empty_results() {
    let prog = programme(vec![item(
        "A",
        "sum(x, 3) - lag(x, 1)",
        Comparator::Ge,
        Some(Threshold::Value(0.0)),
    )]);
    let no_periods = Panel::new(
        vec![region("R", Level::County, None)],
        vec![],
        vec!["x".into()],
    );
    let e = evaluate(&prog, &no_periods, &EvalOptions::default()).unwrap();
    assert!(e.is_empty());
    assert_eq!(e.threshold, vec![0.0]);
    let no_regions = Panel::new(vec![], vec![Period::Year(2017)], vec!["x".into()]);
    assert!(
        evaluate(&prog, &no_regions, &EvalOptions::default())
            .unwrap()
            .is_empty()
    );
}
