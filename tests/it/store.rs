//! The embedded store: opening, dictionaries, vintages, sources, withdrawals, ingest
//! validation, atomicity, panel reads, export, and durability across a killed writer.

#![allow(clippy::needless_range_loop)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};

use ecociv::model::{Level, MetricDef, MetricKind, RegionDef};
use ecociv::period::Period;
use ecociv::store::{
    Batch, DateTime, IngestError, IngestOptions, LockHolder, PanelRequest, PeriodColumn, RowProblemKind, Source, Store, StoreError, Utc,
};

fn t(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    format!("{year:04}-{month:02}-{day:02}T12:00:00Z").parse().unwrap()
}

fn y(year: i32) -> Period {
    Period::Year(year)
}

fn region(code: &str, name: &str, level: Level, parent: Option<&str>) -> RegionDef {
    RegionDef { parent: parent.map(String::from), ..RegionDef::new(code, name, level) }
}

fn metric(code: &str, unit: Option<&str>, kind: MetricKind) -> MetricDef {
    MetricDef {
        code: code.into(),
        name: code.into(),
        unit: unit.map(String::from),
        kind,
        categories: if kind == MetricKind::Category { vec!["I".into(), "II".into(), "III".into()] } else { vec![] },
        description: None,
    }
}

/// A store with 保山市 and two counties, and four metrics.
fn fixture() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("store.redb")).unwrap();
    let mut tengchong = region("530581", "腾冲市", Level::County, Some("530500"));
    tengchong.attributes.insert("terrain".into(), "mountain".into());
    tengchong.attributes.insert("zone".into(), "border".into());
    store
        .put_regions(&[
            region("530500", "保山市", Level::City, None),
            tengchong,
            region("530502", "隆阳区", Level::County, Some("530500")),
        ])
        .unwrap();
    store
        .put_metrics(&[
            metric("forest_coverage", Some("%"), MetricKind::Number),
            metric("air_quality_meets", None, MetricKind::Boolean),
            metric("cross_border_class", None, MetricKind::Category),
            metric("gdp", Some("亿元"), MetricKind::Number),
        ])
        .unwrap();
    (dir, store)
}

fn one(region: &str, metric: &str, period: &str, value: f64) -> Batch {
    Batch::new(vec![region.into()], vec![metric.into()], vec![period.into()], vec![value])
}

fn opts(source: Option<&str>, at: DateTime<Utc>) -> IngestOptions {
    IngestOptions { dry_run: false, source: source.map(Source::document), recorded_at: Some(at), ..IngestOptions::default() }
}

#[test]
fn open_creates_reopens_and_locks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("s.redb");
    {
        let store = Store::open(&path).unwrap();
        store.put_regions(&[region("a", "A", Level::County, None)]).unwrap();
        // A second handle in this process is refused and says who holds it.
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::Locked { holder: LockHolder::ThisProcess, .. }), "{err}");
        assert!(err.to_string().contains("this process"), "{err}");
        store.close().unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.regions().unwrap()[0].code, "a");
    assert_eq!(store.stats().unwrap().regions, 1);
}

#[test]
fn a_file_that_is_not_a_store_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.redb");
    std::fs::write(&path, "region,metric\nthis is a csv file, not a store\n").unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::NotAStore { .. }), "{err}");
    assert!(err.to_string().contains("not an ecociv store"), "{err}");
    // The file is untouched.
    assert!(std::fs::read_to_string(&path).unwrap().starts_with("region,metric"));
}

#[test]
fn default_path_is_documented_order() {
    // Only checks the shape: the variables may be set in the environment running the tests.
    let p = Store::default_path().unwrap();
    if std::env::var_os("ECOCIV_STORE").is_none() {
        assert!(p.ends_with("ecociv/store.redb"), "{}", p.display());
    }
}

#[test]
fn regions_and_metrics_round_trip_with_attributes() {
    let (_d, store) = fixture();
    let regions = store.regions().unwrap();
    assert_eq!(regions.len(), 3);
    let tc = regions.iter().find(|r| r.code == "530581").unwrap();
    assert_eq!(tc.attributes["terrain"], "mountain");
    assert_eq!(tc.parent.as_deref(), Some("530500"));
    assert_eq!(tc.level, Level::County);
    // Upsert by code.
    let mut changed = tc.clone();
    changed.attributes.insert("zone".into(), "ecological function".into());
    store.put_regions(&[changed]).unwrap();
    let regions = store.regions().unwrap();
    assert_eq!(regions.len(), 3);
    assert_eq!(regions[1].attributes["zone"], "ecological function");
    // Unknown parent refused, nothing written.
    let err = store.put_regions(&[region("x", "X", Level::Township, Some("nowhere"))]).unwrap_err();
    assert!(matches!(err, StoreError::UnknownParent { .. }), "{err}");
    assert_eq!(store.regions().unwrap().len(), 3);

    let metrics = store.metrics().unwrap();
    assert_eq!(metrics.iter().map(|m| m.code.as_str()).collect::<Vec<_>>(), ["forest_coverage", "air_quality_meets", "cross_border_class", "gdp"]);
    assert_eq!(metrics[1].kind, MetricKind::Boolean);
    // Changing a unit is fine before observations exist, refused after.
    store.put_metrics(&[metric("gdp", Some("万元"), MetricKind::Number)]).unwrap();
    store.ingest(&one("530581", "gdp", "2021", 2_000_000.0), &IngestOptions::default()).unwrap();
    let err = store.put_metrics(&[metric("gdp", Some("亿元"), MetricKind::Number)]).unwrap_err();
    assert!(matches!(err, StoreError::MetricChange { .. }), "{err}");
    assert_eq!(store.metrics().unwrap()[3].unit.as_deref(), Some("万元"));
}

#[test]
fn three_revisions_as_of_between_each() {
    let (_d, store) = fixture();
    let src = Some("统计年鉴");
    for (v, at) in [(70.1, t(2021, 3, 1)), (70.4, t(2022, 3, 1)), (70.9, t(2023, 3, 1))] {
        let rep = store.ingest(&one("530581", "forest_coverage", "2020", v), &opts(src, at)).unwrap();
        assert_eq!(rep.vintages_added, 1);
    }
    let get = |at| store.as_of("530581", "forest_coverage", y(2020), at).unwrap().map(|o| o.value);
    assert_eq!(get(t(2021, 1, 1)), None);
    assert_eq!(get(t(2021, 6, 1)), Some(70.1));
    assert_eq!(get(t(2022, 6, 1)), Some(70.4));
    assert_eq!(get(t(2024, 1, 1)), Some(70.9));
    let latest = store.latest("530581", "forest_coverage", y(2020)).unwrap().unwrap();
    assert_eq!((latest.value, latest.recorded_at), (70.9, t(2023, 3, 1)));
    assert_eq!(latest.source.document, "统计年鉴");
    let h = store.history("530581", "forest_coverage", y(2020)).unwrap();
    assert_eq!(h.iter().map(|v| v.value).collect::<Vec<_>>(), [Some(70.1), Some(70.4), Some(70.9)]);
    let s = store.stats().unwrap();
    assert_eq!((s.cells, s.vintages), (1, 3));
    // Writing the same value again for the same source is a no-op.
    let rep = store.ingest(&one("530581", "forest_coverage", "2020", 70.9), &opts(src, t(2024, 3, 1))).unwrap();
    assert_eq!((rep.unchanged, rep.vintages_added), (1, 0));
    // Panel as_of matches the point reads.
    for at in [t(2021, 6, 1), t(2022, 6, 1), t(2024, 1, 1)] {
        let req = PanelRequest {
            metrics: vec!["forest_coverage".into()],
            regions: Some(vec!["530581".into()]),
            periods: Some((y(2020), y(2020))),
            as_of: Some(at),
        };
        assert_eq!(store.panel(&req).unwrap().get(0, 0, 0), get(at));
    }
}

#[test]
fn conflicting_sources_are_both_kept_and_priority_decides() {
    let (_d, store) = fixture();
    let bulletin = Source::document("2021年腾冲市国民经济和社会发展统计公报").publisher("腾冲市统计局");
    let plan = Source::document("腾冲市林业发展规划").publisher("腾冲市林草局");
    let ing = |v: f64, s: &Source, at| {
        store
            .ingest(&one("530581", "forest_coverage", "2021", v), &IngestOptions { source: Some(s.clone()), recorded_at: Some(at), dry_run: false, ..IngestOptions::default() })
            .unwrap()
    };
    ing(77.23, &bulletin, t(2022, 1, 10));
    ing(74.72, &plan, t(2023, 5, 1));
    let h = store.history("530581", "forest_coverage", y(2021)).unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!((h[0].value, &h[0].source), (Some(77.23), &bulletin));
    assert_eq!((h[1].value, &h[1].source), (Some(74.72), &plan));
    // No priority: the most recently recorded counts.
    assert_eq!(store.latest("530581", "forest_coverage", y(2021)).unwrap().unwrap().value, 74.72);
    // The bulletin is trusted first from 2024 on.
    store.set_source_priority_at(&[bulletin.clone(), plan.clone()], t(2024, 1, 1)).unwrap();
    assert_eq!(store.source_priority().unwrap(), vec![bulletin.clone(), plan.clone()]);
    let latest = store.latest("530581", "forest_coverage", y(2021)).unwrap().unwrap();
    assert_eq!((latest.value, latest.source), (77.23, bulletin.clone()));
    // What was seen in mid-2023 is unchanged by the later priority.
    assert_eq!(store.as_of("530581", "forest_coverage", y(2021), t(2023, 6, 1)).unwrap().unwrap().value, 74.72);
    // The materialised panel follows the new priority.
    let p = store.panel(&PanelRequest::latest(["forest_coverage"])).unwrap();
    assert_eq!(p.get(0, 1, 0), Some(77.23));
    // Two sources in one batch for the same cell are both kept, not a duplicate.
    let mut b = Batch::new(vec!["530502".into(); 2], vec!["forest_coverage".into(); 2], vec!["2021".into(); 2], vec![60.0, 61.0]);
    b.sources = Some(vec![Some("A".into()), Some("B".into())]);
    let rep = store.ingest(&b, &IngestOptions::default()).unwrap();
    assert_eq!((rep.cells_added, rep.vintages_added), (1, 2));
    assert_eq!(store.history("530502", "forest_coverage", y(2021)).unwrap().len(), 2);
}

#[test]
fn withdrawal_is_a_vintage() {
    let (_d, store) = fixture();
    store.ingest(&one("530581", "gdp", "2019", 200.5), &opts(Some("年鉴"), t(2020, 5, 1))).unwrap();
    let n = store.withdraw_at("530581", "gdp", y(2019), None, "double-counted", t(2021, 5, 1)).unwrap();
    assert_eq!(n, 1);
    assert_eq!(store.latest("530581", "gdp", y(2019)).unwrap(), None);
    assert_eq!(store.as_of("530581", "gdp", y(2019), t(2020, 6, 1)).unwrap().unwrap().value, 200.5);
    assert_eq!(store.as_of("530581", "gdp", y(2019), t(2021, 6, 1)).unwrap(), None);
    let h = store.history("530581", "gdp", y(2019)).unwrap();
    assert!(h[1].is_withdrawal());
    assert_eq!(h[1].note.as_deref(), Some("double-counted"));
    assert_eq!(h[1].source.document, "年鉴");
    assert!(!store.panel(&PanelRequest::latest(["gdp"])).unwrap().present.iter().any(|p| *p));
    // Nothing left to withdraw.
    assert_eq!(store.withdraw("530581", "gdp", y(2019), None, "again").unwrap(), 0);
    // A new value after the withdrawal counts again.
    store.ingest(&one("530581", "gdp", "2019", 190.0), &opts(Some("年鉴"), t(2022, 5, 1))).unwrap();
    assert_eq!(store.latest("530581", "gdp", y(2019)).unwrap().unwrap().value, 190.0);
    let s = store.stats().unwrap();
    assert_eq!((s.cells, s.vintages), (1, 3));
    // Unknown codes are typed errors.
    assert!(matches!(store.latest("nowhere", "gdp", y(2019)), Err(StoreError::UnknownRegion { .. })));
    assert!(matches!(store.history("530581", "nope", y(2019)), Err(StoreError::UnknownMetric { .. })));
}

const BAD_CSV: &str = "\
region,metric,period,value,unit,source,note
530581,forest_coverage,2021,77.23,%,公报,
nowhere,forest_coverage,2021,1,%,,
530581,nope,2021,1,,,
530581,forest_coverage,2022,abc,%,,
530581,forest_coverage,2023,NaN,%,,
530581,forest_coverage,2024,inf,%,,
530581,forest_coverage,2019,50,km2,,
530581,forest_coverage,20x1,50,%,,
530581,forest_coverage,2021,77.3,%,公报,
530581,air_quality_meets,2021,2,,,
530581,forest_coverage,2018,,%,,
530581,cross_border_class,2021,7,,,
530581,cross_border_class,2020,II,,,
";

#[test]
fn every_bad_row_is_reported_and_nothing_written() {
    let (d, store) = fixture();
    store.ingest(&one("530502", "gdp", "2020", 1.0), &IngestOptions::default()).unwrap();
    let before = store.stats().unwrap();
    let path = d.path().join("bad.csv");
    std::fs::write(&path, BAD_CSV).unwrap();
    let err = store.ingest_csv(&path, &IngestOptions::default()).unwrap_err();
    let IngestError::Rows { origin, problems } = &err else { panic!("{err}") };
    assert!(origin.ends_with("bad.csv"));
    let got: Vec<(usize, &str, RowProblemKind)> = problems.iter().map(|p| (p.row, p.column.as_str(), p.kind)).collect();
    use RowProblemKind as K;
    assert_eq!(
        got,
        [
            (3, "region", K::UnknownRegion),
            (4, "metric", K::UnknownMetric),
            (5, "value", K::NotANumber),
            (6, "value", K::NonFinite),
            (7, "value", K::NonFinite),
            (8, "unit", K::UnitMismatch),
            (9, "period", K::BadPeriod),
            (10, "period", K::DuplicateCell),
            (11, "value", K::BooleanNotZeroOne),
            (12, "value", K::MissingValue),
            (13, "value", K::CategoryOutOfRange),
        ]
    );
    assert!(problems[7].message.contains("row 2"), "{}", problems[7].message);
    assert!(err.to_string().contains("11 bad row(s)"), "{err}");
    // The file is exactly as before.
    assert_eq!(store.stats().unwrap(), before);
    assert_eq!(store.latest("530581", "forest_coverage", y(2021)).unwrap(), None);

    // Without the bad rows the same file loads; a category label is stored as its index.
    let good: String = BAD_CSV.lines().enumerate().filter(|(i, _)| [0, 1, 13].contains(i)).map(|(_, l)| format!("{l}\n")).collect();
    std::fs::write(&path, good).unwrap();
    let rep = store.ingest_csv(&path, &IngestOptions::default()).unwrap();
    assert_eq!((rep.rows, rep.cells_added), (2, 2));
    assert_eq!(store.latest("530581", "cross_border_class", y(2020)).unwrap().unwrap().value, 1.0);
    assert_eq!(store.latest("530581", "forest_coverage", y(2021)).unwrap().unwrap().source.document, "公报");
}

#[test]
fn batch_problems_use_row_indices_and_shape_is_checked() {
    let (_d, store) = fixture();
    let mut b = Batch::new(
        vec!["530581".into(), "530581".into(), "530581".into()],
        vec!["gdp".into(), "gdp".into(), "air_quality_meets".into()],
        vec!["2020".into(), "2021".into(), "2021Q3".into()],
        vec![1.0, f64::NAN, 0.5],
    );
    let err = store.ingest(&b, &IngestOptions::default()).unwrap_err();
    let IngestError::Rows { origin, problems } = err else { panic!() };
    assert_eq!(origin, "batch");
    assert_eq!(problems.iter().map(|p| (p.row, p.kind)).collect::<Vec<_>>(), [(2, RowProblemKind::NonFinite), (3, RowProblemKind::BooleanNotZeroOne)]);
    b.periods = PeriodColumn::Periods(vec![y(2020)]);
    assert!(matches!(store.ingest(&b, &IngestOptions::default()), Err(IngestError::Shape { .. })));
}

#[test]
fn csv_header_problems_are_clear() {
    let (_d, store) = fixture();
    let run = |csv: &str| store.ingest_csv_reader(csv.as_bytes(), "in.csv", &IngestOptions::default());
    let err = run("region,metric,period,value,colour\n").unwrap_err();
    assert!(matches!(err, IngestError::Header { .. }) && err.to_string().contains("colour"), "{err}");
    let err = run("region,metric,value\n").unwrap_err();
    assert!(err.to_string().contains("missing required column(s): period"), "{err}");
    // The kit's format (with a parent column, any column order) loads.
    let rep = run("region,parent,metric,period,value\n530581,530500,gdp,2020,3.5\n").unwrap();
    assert_eq!(rep.vintages_added, 1);
    let err = run("region,metric,period,value\n530581,gdp,2020\n").unwrap_err();
    assert!(matches!(err, IngestError::Csv { line: 2, .. }), "{err}");
}

#[test]
fn dry_run_and_failed_batch_leave_the_file_as_it_was() {
    let (_d, store) = fixture();
    store.ingest(&one("530581", "gdp", "2020", 1.0), &IngestOptions::default()).unwrap();
    let before = store.stats().unwrap();
    let b = Batch::new(
        vec!["530581".into(), "530502".into()],
        vec!["gdp".into(), "gdp".into()],
        vec!["2020".into(), "2020".into()],
        vec![2.0, 3.0],
    );
    let rep = store.ingest(&b, &IngestOptions { dry_run: true, ..IngestOptions::default() }).unwrap();
    assert_eq!((rep.dry_run, rep.cells_added, rep.vintages_added), (true, 1, 2));
    assert_eq!(store.stats().unwrap(), before);
    assert_eq!(store.latest("530581", "gdp", y(2020)).unwrap().unwrap().value, 1.0);
    // A batch with one bad row among good ones writes nothing.
    let mut bad = b.clone();
    bad.regions.push("nowhere".into());
    bad.metrics.push("gdp".into());
    bad.periods = PeriodColumn::Text(vec!["2020".into(), "2020".into(), "2020".into()]);
    bad.values.push(4.0);
    assert!(store.ingest(&bad, &IngestOptions::default()).is_err());
    assert_eq!(store.stats().unwrap(), before);
    assert_eq!(store.history("530581", "gdp", y(2020)).unwrap().len(), 1);
}

#[test]
fn a_cancelled_ingest_writes_nothing() {
    let (_d, store) = fixture();
    store.ingest(&one("530581", "gdp", "2020", 1.0), &IngestOptions::default()).unwrap();
    let before = store.stats().unwrap();
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let cancel = IngestOptions { cancel: Some(flag.clone()), ..IngestOptions::default() };
    // Unset, the flag changes nothing.
    let rep = store.ingest(&one("530502", "gdp", "2020", 2.0), &cancel).unwrap();
    assert_eq!(rep.vintages_added, 1);
    let before_cancel = store.stats().unwrap();
    assert_ne!(before_cancel, before);
    // Set (as Ctrl-C in Python sets it), both kinds of ingest stop and roll back.
    flag.store(true, std::sync::atomic::Ordering::Relaxed);
    let err = store.ingest(&one("530581", "gdp", "2021", 3.0), &cancel).unwrap_err();
    assert!(matches!(err, IngestError::Cancelled), "{err}");
    let csv = "region,metric,period,value\n530581,gdp,2022,4\n";
    let err = store.ingest_csv_reader(csv.as_bytes(), "cancel.csv", &cancel).unwrap_err();
    assert!(matches!(err, IngestError::Cancelled), "{err}");
    assert_eq!(store.stats().unwrap(), before_cancel);
    assert!(store.latest("530581", "gdp", y(2021)).unwrap().is_none());
    assert!(store.latest("530581", "gdp", y(2022)).unwrap().is_none());
}

#[test]
fn panel_shapes_ranges_and_frequencies() {
    let (_d, store) = fixture();
    let mut b = Batch::new(
        vec!["530581".into(), "530502".into(), "530502".into(), "530581".into()],
        vec!["gdp".into(); 4],
        vec!["2018".into(), "2020".into(), "2021".into(), "2021Q1".into()],
        vec![1.0, 2.0, 3.0, 9.0],
    );
    b.units = Some(vec![Some("亿元".into()), None, None, None]);
    store.ingest(&b, &IngestOptions::default()).unwrap();
    // Open range with mixed frequencies must be explicit.
    let err = store.panel(&PanelRequest::latest(["gdp"])).unwrap_err();
    assert!(matches!(err, StoreError::BadRequest { .. }), "{err}");
    let req = PanelRequest {
        metrics: vec!["gdp".into(), "forest_coverage".into()],
        regions: Some(vec!["530502".into(), "530581".into()]),
        periods: Some((y(2018), y(2021))),
        as_of: None,
    };
    let p = store.panel(&req).unwrap();
    assert_eq!(p.periods, vec![y(2018), y(2019), y(2020), y(2021)]);
    assert_eq!(p.regions[0].code, "530502");
    assert_eq!((p.get(0, 0, 2), p.get(0, 0, 3), p.get(0, 1, 0), p.get(0, 1, 3)), (Some(2.0), Some(3.0), Some(1.0), None));
    assert!(p.metric_slice(1).1.iter().all(|x| !x));
    assert!(p.values.iter().all(|v| v.is_finite()));
    let q = store
        .panel(&PanelRequest { periods: Some((Period::Quarter(2021, 1), Period::Quarter(2021, 2))), ..req.clone() })
        .unwrap();
    assert_eq!(q.get(0, 1, 0), Some(9.0));
    assert!(matches!(store.panel(&PanelRequest::latest(["nope"])), Err(StoreError::UnknownMetric { .. })));
    let err = store.panel(&PanelRequest { periods: Some((y(2021), y(2018))), ..req }).unwrap_err();
    assert!(err.to_string().contains("reversed"), "{err}");
}

#[test]
fn export_latest_as_of_and_history() {
    let (_d, store) = fixture();
    store.ingest(&one("530581", "gdp", "2020", 1.5), &opts(Some("A"), t(2021, 1, 1))).unwrap();
    store.ingest(&one("530581", "gdp", "2020", 1.75), &opts(Some("A"), t(2022, 1, 1))).unwrap();
    store.ingest(&one("530502", "gdp", "2020", 3.0), &opts(Some("A"), t(2022, 1, 1))).unwrap();
    store.withdraw_at("530502", "gdp", y(2020), None, "wrong table", t(2023, 1, 1)).unwrap();
    let mut out = Vec::new();
    assert_eq!(store.export_csv(&mut out, None).unwrap(), 1);
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("region,metric,period,value,unit,source"), "{text}");
    assert!(text.contains("530581,gdp,2020,1.75,亿元,A,"), "{text}");
    let mut out = Vec::new();
    assert_eq!(store.export_csv(&mut out, Some(t(2022, 6, 1))).unwrap(), 2);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("530502,gdp,2020,3,"), "{text}");
    let mut out = Vec::new();
    assert_eq!(store.export_history_csv(&mut out).unwrap(), 4);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains(",1.5,false,"), "{text}");
    assert!(text.contains(",,true,亿元,A,,,2023-01-01T12:00:00.000000Z,wrong table"), "{text}");
}

/// Tiny deterministic generator for the property test.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A naive model of the resolution rule: per source its latest vintage, priority, then recency.
#[derive(Clone)]
struct Op {
    seq: u64,
    at: i64,
    source: String,
    value: Option<f64>,
}

fn naive(ops: &[Op], as_of: Option<i64>, priority: &[(i64, Vec<String>)]) -> Option<f64> {
    let prio = priority.iter().rev().find(|(t, _)| as_of.is_none_or(|a| *t <= a)).map(|(_, p)| p.clone()).unwrap_or_default();
    let mut best: HashMap<&str, &Op> = HashMap::new();
    for op in ops.iter().filter(|o| as_of.is_none_or(|a| o.at <= a)) {
        let e = best.entry(op.source.as_str()).or_insert(op);
        if (op.at, op.seq) > (e.at, e.seq) {
            *e = op;
        }
    }
    let rank = |s: &str| prio.iter().position(|p| p == s).unwrap_or(usize::MAX);
    best.values()
        .filter(|o| o.value.is_some())
        .min_by_key(|o| (rank(&o.source), std::cmp::Reverse((o.at, o.seq))))
        .and_then(|o| o.value)
}

#[test]
fn panel_equals_a_naive_resolution_of_random_vintages() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("p.redb")).unwrap();
    let regions: Vec<String> = (0..5).map(|i| format!("R{i}")).collect();
    let metrics = ["m0", "m1"];
    store.put_regions(&regions.iter().map(|c| region(c, c, Level::County, None)).collect::<Vec<_>>()).unwrap();
    store.put_metrics(&metrics.map(|m| metric(m, None, MetricKind::Number))).unwrap();
    let sources = ["A", "B", "C"];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut cells: HashMap<(usize, usize, i32), Vec<Op>> = HashMap::new();
    let mut priority: Vec<(i64, Vec<String>)> = Vec::new();
    let mut seq = 0u64;
    let base = t(2020, 1, 1).timestamp_micros();
    let day = 86_400_000_000i64;
    for step in 0..40i64 {
        let at = base + step * day;
        if step == 15 || step == 30 {
            let order: Vec<&str> = if step == 15 { vec!["B", "A"] } else { vec!["C"] };
            store.set_source_priority_at(&order.iter().map(|s| Source::document(*s)).collect::<Vec<_>>(), DateTime::from_timestamp_micros(at).unwrap()).unwrap();
            priority.push((at, order.iter().map(|s| s.to_string()).collect()));
        }
        if rng.below(4) == 0 {
            // Withdraw one source's value of a random cell.
            let key = (rng.below(5) as usize, rng.below(2) as usize, 2010 + rng.below(6) as i32);
            let src = sources[rng.below(3) as usize];
            let n = store
                .withdraw_at(&regions[key.0], metrics[key.1], y(key.2), Some(&Source::document(src)), "test", DateTime::from_timestamp_micros(at).unwrap())
                .unwrap();
            assert_eq!(n, 1);
            cells.entry(key).or_default().push(Op { seq, at, source: src.into(), value: None });
            seq += 1;
            continue;
        }
        let mut b = Batch::new(vec![], vec![], vec![], vec![]);
        let mut srcs = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut expected_new = Vec::new();
        for _ in 0..25 {
            let key = (rng.below(5) as usize, rng.below(2) as usize, 2010 + rng.below(6) as i32);
            let src = sources[rng.below(3) as usize];
            if !seen.insert((key, src)) {
                continue;
            }
            let value = (rng.below(8) as f64) * 0.5;
            b.regions.push(regions[key.0].clone());
            b.metrics.push(metrics[key.1].into());
            if let PeriodColumn::Text(p) = &mut b.periods {
                p.push(key.2.to_string());
            }
            b.values.push(value);
            srcs.push(Some(src.to_string()));
            expected_new.push((key, src, value));
        }
        b.sources = Some(srcs);
        let rep = store.ingest(&b, &opts(None, DateTime::from_timestamp_micros(at).unwrap())).unwrap();
        // The model applies the same no-op rule; the store writes rows in key order (rows of
        // one cell in batch order), so sequence numbers follow that order.
        expected_new.sort_by_key(|(k, _, _)| (k.1, k.0, k.2));
        let mut unchanged = 0;
        for (key, src, value) in expected_new {
            let ops = cells.entry(key).or_default();
            let last = ops.iter().filter(|o| o.source == src).max_by_key(|o| (o.at, o.seq));
            if last.is_some_and(|o| o.value == Some(value)) {
                unchanged += 1;
                continue;
            }
            ops.push(Op { seq, at, source: src.into(), value: Some(value) });
            seq += 1;
        }
        assert_eq!(rep.unchanged, unchanged);
    }
    let stats = store.stats().unwrap();
    assert_eq!(stats.vintages, seq);
    assert_eq!(stats.cells, cells.len() as u64);
    let req = |as_of| PanelRequest {
        metrics: metrics.iter().map(|m| m.to_string()).collect(),
        regions: None,
        periods: Some((y(2010), y(2015))),
        as_of,
    };
    let check = |as_of: Option<i64>| {
        let p = store.panel(&req(as_of.map(|a| DateTime::from_timestamp_micros(a).unwrap()))).unwrap();
        let mut n = 0;
        for r in 0..5 {
            for m in 0..2 {
                for (ti, year) in (2010..=2015).enumerate() {
                    let want = cells.get(&(r, m, year)).and_then(|ops| naive(ops, as_of, &priority));
                    assert_eq!(p.get(m, r, ti), want, "as_of {as_of:?} region {r} metric {m} year {year}");
                    n += usize::from(want.is_some());
                    if as_of.is_none() {
                        let point = store.latest(&regions[r], metrics[m], y(year)).unwrap().map(|o| o.value);
                        assert_eq!(point, want);
                    }
                }
            }
        }
        n
    };
    let present_latest = check(None);
    assert!(present_latest > 20, "the random data should fill much of the panel ({present_latest})");
    for step in [0, 7, 15, 16, 29, 30, 39, 100] {
        check(Some(base + step * day));
    }
    // The materialised latest equals the log's resolution at the end of time.
    assert_eq!(store.panel(&req(None)).unwrap(), store.panel(&req(Some(t(2100, 1, 1)))).unwrap());
}

const KILL_ENV: &str = "ECOCIV_STORE_KILL_CHILD";
const KILL_ROWS: usize = 400;

/// The child half of `committed_batches_survive_a_kill`: does nothing unless the parent set
/// the environment variable.
#[test]
fn kill_child() {
    let Some(path) = std::env::var_os(KILL_ENV) else { return };
    let store = Store::open(path).unwrap();
    let regions: Vec<String> = (0..40).map(|i| format!("R{i}")).collect();
    store.put_regions(&regions.iter().map(|c| region(c, c, Level::County, None)).collect::<Vec<_>>()).unwrap();
    store.put_metrics(&(0..10).map(|m| metric(&format!("m{m}"), None, MetricKind::Number)).collect::<Vec<_>>()).unwrap();
    let mut out = std::io::stdout();
    for i in 0..5000 {
        let mut b = Batch::new(vec![], vec![], vec![], vec![]);
        for r in 0..40 {
            for m in 0..10 {
                b.regions.push(regions[r].clone());
                b.metrics.push(format!("m{m}"));
                if let PeriodColumn::Text(p) = &mut b.periods {
                    p.push((1000 + i).to_string());
                }
                b.values.push((i * 1000 + r * 10 + m) as f64);
            }
        }
        assert_eq!(b.len(), KILL_ROWS);
        store.ingest(&b, &IngestOptions::default()).unwrap();
        writeln!(out, "committed {i}").unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn committed_batches_survive_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kill.redb");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["store::kill_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(KILL_ENV, &path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut last = None;
    for line in stdout.lines() {
        let line = line.unwrap();
        if let Some(n) = line.strip_prefix("committed ") {
            let n: i64 = n.trim().parse().unwrap();
            last = Some(n);
            if n >= 25 {
                child.kill().unwrap();
                break;
            }
        }
    }
    child.wait().unwrap();
    let last = last.expect("the child committed nothing");
    assert!(last >= 25, "child stopped early at {last}");
    let store = Store::open(&path).unwrap();
    let stats = store.stats().unwrap();
    assert_eq!(stats.cells % KILL_ROWS as u64, 0, "a partial batch: {stats:?}");
    assert_eq!(stats.cells, stats.vintages);
    let batches = (stats.cells / KILL_ROWS as u64) as i64;
    assert!(batches > last, "committed batches lost: {batches} present, {} reported", last + 1);
    let p = store
        .panel(&PanelRequest {
            metrics: (0..10).map(|m| format!("m{m}")).collect(),
            regions: None,
            periods: Some((y(1000), y(1000 + batches as i32 - 1))),
            as_of: None,
        })
        .unwrap();
    for i in 0..batches as usize {
        for r in 0..40 {
            for m in 0..10 {
                assert_eq!(p.get(m, r, i), Some((i * 1000 + r * 10 + m) as f64), "batch {i} region {r} metric {m}");
            }
        }
    }
}

#[test]
fn ingest_csv_of_a_missing_or_unreadable_file_is_an_io_error_naming_it() {
    let (d, store) = fixture();
    let missing = d.path().join("no such folder").join("obs.csv");
    let err = store.ingest_csv(&missing, &IngestOptions::default()).unwrap_err();
    let IngestError::Io { path, source } = &err else { panic!("expected an Io error, got {err:?}") };
    assert_eq!(path, &missing);
    assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
    assert!(err.to_string().contains("obs.csv"), "{err}");
    // A folder opens but cannot be read as a file.
    let err = store.ingest_csv(d.path(), &IngestOptions::default()).unwrap_err();
    assert!(matches!(&err, IngestError::Io { path, .. } if path == d.path()), "{err:?}");
    assert_eq!(store.stats().unwrap().vintages, 0);
}

#[test]
fn an_explicit_source_choice_overrides_the_priority_from_its_time_on() {
    let (_d, store) = fixture();
    let (a, b) = (Source::document("A 统计公报"), Source::document("B 林业规划"));
    let ingest = |v: f64, s: &Source, at| {
        store
            .ingest(&one("530581", "forest_coverage", "2021", v), &IngestOptions { source: Some(s.clone()), recorded_at: Some(at), dry_run: false, ..IngestOptions::default() })
            .unwrap();
    };
    ingest(77.23, &a, t(2022, 1, 10));
    ingest(74.72, &b, t(2022, 2, 10));
    ingest(60.0, &a, t(2022, 1, 11)); // A revises its value
    store.ingest(&one("530502", "forest_coverage", "2021", 50.0), &opts(Some("A 统计公报"), t(2022, 1, 10))).unwrap();
    store.set_source_priority_at(&[a.clone(), b.clone()], t(2022, 3, 1)).unwrap();
    let value = |at: Option<DateTime<Utc>>| match at {
        None => store.latest("530581", "forest_coverage", y(2021)).unwrap().map(|o| (o.value, o.source)),
        Some(at) => store.as_of("530581", "forest_coverage", y(2021), at).unwrap().map(|o| (o.value, o.source)),
    };
    assert_eq!(value(None), Some((60.0, a.clone())));

    // Choosing a source without a value for the cell is refused and writes nothing.
    let before = store.stats().unwrap();
    let err = store.choose_source_at("530581", "forest_coverage", y(2021), &Source::document("C"), t(2023, 1, 1)).unwrap_err();
    assert!(matches!(&err, StoreError::NoValueFromSource { source_name, .. } if source_name.contains('C')), "{err}");
    let err = store.choose_source_at("530581", "forest_coverage", y(2019), &b, t(2023, 1, 1)).unwrap_err();
    assert!(matches!(err, StoreError::NoValueFromSource { .. }), "{err}");
    assert!(err.to_string().contains("2019"), "{err}");
    assert!(matches!(store.choose_source("530581", "nope", y(2021), &b), Err(StoreError::UnknownMetric { .. })));
    assert_eq!(store.stats().unwrap(), before);
    assert_eq!(store.sources().unwrap().len(), 3, "a refused choice interns no source");

    store.choose_source_at("530581", "forest_coverage", y(2021), &b, t(2023, 1, 1)).unwrap();
    assert_eq!(value(None), Some((74.72, b.clone())));
    // Before the choice, the priority's resolution.
    assert_eq!(value(Some(t(2022, 12, 31))), Some((60.0, a.clone())));
    assert_eq!(value(Some(t(2023, 1, 2))), Some((74.72, b.clone())));
    // The history lists the choice; a choice is neither a value nor a withdrawal of B.
    let h = store.history("530581", "forest_coverage", y(2021)).unwrap();
    assert_eq!(h.len(), 4);
    let last = h.last().unwrap();
    assert!(last.chosen && !last.is_withdrawal(), "{last:?}");
    assert_eq!((last.value, &last.source, last.recorded_at), (Some(74.72), &b, t(2023, 1, 1)));
    assert!(h[..3].iter().all(|v| !v.chosen));
    assert_eq!(store.stats().unwrap().vintages, before.vintages + 1);
    assert_eq!(store.stats().unwrap().cells, before.cells);
    // Ingesting B's same value again is still unchanged (the choice is not B's vintage).
    let rep = store.ingest(&one("530581", "forest_coverage", "2021", 74.72), &opts(Some("B 林业规划"), t(2023, 2, 1))).unwrap();
    assert_eq!((rep.unchanged, rep.vintages_added), (1, 0));

    // The panel (materialised and as_of) and the exports follow the choice; other cells keep the priority.
    let req = |as_of| PanelRequest {
        metrics: vec!["forest_coverage".into()],
        regions: Some(vec!["530581".into(), "530502".into()]),
        periods: Some((y(2021), y(2021))),
        as_of,
    };
    let p = store.panel(&req(None)).unwrap();
    assert_eq!((p.get(0, 0, 0), p.get(0, 1, 0)), (Some(74.72), Some(50.0)));
    assert_eq!(store.panel(&req(Some(t(2022, 12, 31)))).unwrap().get(0, 0, 0), Some(60.0));
    assert_eq!(store.panel(&req(Some(t(2100, 1, 1)))).unwrap(), p);
    let mut out = Vec::new();
    store.export_csv(&mut out, None).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("530581,forest_coverage,2021,74.72,%,B 林业规划,"), "{text}");
    let mut out = Vec::new();
    store.export_csv(&mut out, Some(t(2022, 12, 31))).unwrap();
    assert!(String::from_utf8(out).unwrap().contains("530581,forest_coverage,2021,60,%,A 统计公报,"));
    let mut out = Vec::new();
    assert_eq!(store.export_history_csv(&mut out).unwrap(), 5);
    let text = String::from_utf8(out).unwrap();
    assert!(text.lines().next().unwrap().ends_with(",note,chosen"), "{text}");
    assert!(text.contains(",74.72,false,%,B 林业规划,,,2023-01-01T12:00:00.000000Z,,true"), "{text}");

    // B revises: its revision counts. B withdraws: the priority decides again.
    store.ingest(&one("530581", "forest_coverage", "2021", 75.0), &opts(Some("B 林业规划"), t(2023, 6, 1))).unwrap();
    assert_eq!(value(None), Some((75.0, b.clone())));
    store.withdraw_at("530581", "forest_coverage", y(2021), Some(&b), "superseded", t(2023, 7, 1)).unwrap();
    assert_eq!(value(None), Some((60.0, a.clone())));
    assert_eq!(store.panel(&req(None)).unwrap().get(0, 0, 0), Some(60.0));
    // A withdrawal of every source skips the choice record.
    assert_eq!(store.withdraw_at("530581", "forest_coverage", y(2021), None, "gone", t(2023, 8, 1)).unwrap(), 1);
    assert_eq!(value(None), None);
    assert_eq!(store.panel(&req(None)).unwrap().get(0, 0, 0), None);
}

#[test]
fn small_writes_keep_the_blocks_equal_to_the_log_for_any_region_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("b.redb")).unwrap();
    let regions: Vec<String> = (0..30).map(|i| format!("R{i:02}")).collect();
    store.put_regions(&regions.iter().map(|c| region(c, c, Level::County, None)).collect::<Vec<_>>()).unwrap();
    store.put_metrics(&[metric("m0", None, MetricKind::Number), metric("m1", None, MetricKind::Number)]).unwrap();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut want: HashMap<(usize, usize, i32), f64> = HashMap::new();
    for step in 0..60 {
        // Each batch touches a few regions of one or both metrics, at scattered years.
        let mut b = Batch::new(vec![], vec![], vec![], vec![]);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1 + rng.below(6) {
            let key = (rng.below(30) as usize, rng.below(2) as usize, 1990 + rng.below(30) as i32);
            if !seen.insert(key) {
                continue;
            }
            let v = (step * 100) as f64 + rng.below(100) as f64;
            b.regions.push(regions[key.0].clone());
            b.metrics.push(format!("m{}", key.1));
            if let PeriodColumn::Text(p) = &mut b.periods {
                p.push(key.2.to_string());
            }
            b.values.push(v);
            want.insert(key, v);
        }
        store.ingest(&b, &IngestOptions::default()).unwrap();
        if step % 7 == 3 {
            let (&key, _) = want.iter().min_by_key(|(k, _)| **k).unwrap();
            store.withdraw(&regions[key.0], &format!("m{}", key.1), y(key.2), None, "test").unwrap();
            want.remove(&key);
        }
    }
    // Every region, and a reversed subset: the dense panel equals the expected values.
    let lo = want.keys().map(|k| k.2).min().unwrap();
    let hi = want.keys().map(|k| k.2).max().unwrap();
    let full = store.panel(&PanelRequest::latest(["m0", "m1"])).unwrap();
    assert_eq!(full.periods.first().copied(), Some(y(lo)));
    assert_eq!(full.periods.last().copied(), Some(y(hi)));
    let subset: Vec<usize> = (0..30).rev().step_by(3).collect();
    let part = store
        .panel(&PanelRequest { regions: Some(subset.iter().map(|r| regions[*r].clone()).collect()), ..PanelRequest::latest(["m1", "m0"]) })
        .unwrap();
    for r in 0..30 {
        for m in 0..2 {
            for year in lo..=hi {
                let expected = want.get(&(r, m, year)).copied();
                assert_eq!(full.get(m, r, (year - lo) as usize), expected, "region {r} metric {m} year {year}");
                if let Some(row) = subset.iter().position(|s| *s == r)
                    && let Some(col) = part.periods.iter().position(|p| *p == y(year))
                {
                    assert_eq!(part.get(1 - m, row, col), expected, "subset: region {r} metric {m} year {year}");
                }
            }
        }
    }
    assert_eq!(part.present.iter().filter(|p| **p).count(), want.keys().filter(|k| subset.contains(&k.0)).count());
    assert_eq!(store.panel(&PanelRequest::latest(["m0", "m1"])).unwrap(), store.panel(&PanelRequest { as_of: Some(Utc::now()), ..PanelRequest::latest(["m0", "m1"]) }).unwrap());
}

#[test]
fn large_series_blocks_split_in_chunks_and_small_writes_keep_them_exact() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("c.redb")).unwrap();
    let n = 2500usize;
    let regions: Vec<String> = (0..n).map(|i| format!("R{i:05}")).collect();
    store.put_regions(&regions.iter().map(|c| region(c, c, Level::County, None)).collect::<Vec<_>>()).unwrap();
    store.put_metrics(&[metric("m", None, MetricKind::Number)]).unwrap();
    let value = |r: usize, year: i32| (r * 100) as f64 + f64::from(year - 1990);
    // 2,500 regions × 40 years, a few cells left out: more values than one chunk holds.
    let mut b = Batch::new(vec![], vec![], vec![], vec![]);
    for r in 0..n {
        for year in 1990..2030 {
            if (r + year as usize).is_multiple_of(17) {
                continue;
            }
            b.regions.push(regions[r].clone());
            b.metrics.push("m".into());
            if let PeriodColumn::Text(p) = &mut b.periods {
                p.push(year.to_string());
            }
            b.values.push(value(r, year));
        }
    }
    store.ingest(&b, &opts(Some("A"), t(2020, 1, 1))).unwrap();
    let expect = |p: &ecociv::Panel, changed: &HashMap<(usize, i32), Option<f64>>, rows: &[usize]| {
        for (row, r) in rows.iter().enumerate() {
            for (col, year) in (1990..2030).enumerate() {
                let want = changed.get(&(*r, year)).copied().unwrap_or_else(|| (!(r + year as usize).is_multiple_of(17)).then(|| value(*r, year)));
                assert_eq!(p.get(0, row, col), want, "region {r} year {year}");
            }
        }
    };
    let all: Vec<usize> = (0..n).collect();
    let mut changed = HashMap::new();
    expect(&store.panel(&PanelRequest::latest(["m"])).unwrap(), &changed, &all);
    // Small writes at both ends and in the middle of the region range.
    for (r, year, v) in [(0usize, 1990, -1.0), (1234, 2000, -2.0), (n - 1, 2029, -3.0), (n - 1, 2010, -4.0)] {
        store.ingest(&one(&regions[r], "m", &year.to_string(), v), &opts(Some("B"), t(2021, 1, 1))).unwrap();
        changed.insert((r, year), Some(v));
    }
    store.withdraw_at(&regions[2000], "m", y(2015), None, "test", t(2021, 2, 1)).unwrap();
    changed.insert((2000, 2015), None);
    expect(&store.panel(&PanelRequest::latest(["m"])).unwrap(), &changed, &all);
    let backwards: Vec<usize> = (0..n).rev().step_by(7).collect();
    let req = PanelRequest { regions: Some(backwards.iter().map(|r| regions[*r].clone()).collect()), ..PanelRequest::latest(["m"]) };
    expect(&store.panel(&req).unwrap(), &changed, &backwards);
    // A priority change rebuilds every block from the log: A first undoes the B values.
    store.set_source_priority_at(&[Source::document("A")], t(2022, 1, 1)).unwrap();
    changed.retain(|k, _| *k == (2000, 2015) || (k.0 + k.1 as usize).is_multiple_of(17));
    expect(&store.panel(&PanelRequest::latest(["m"])).unwrap(), &changed, &all);
    assert_eq!(store.panel(&PanelRequest::latest(["m"])).unwrap(), store.panel(&PanelRequest { as_of: Some(t(2030, 1, 1)), ..PanelRequest::latest(["m"]) }).unwrap());
}

#[test]
fn panels_after_an_evaluation_reuse_its_buffers_without_stale_cells() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("e.redb")).unwrap();
    let programme = ecociv::programme::builtin("baoshan-2017").unwrap();
    store.register_programme(&programme).unwrap();
    let regions: Vec<String> = store.regions().unwrap().into_iter().map(|r| r.code).collect();
    let metrics: Vec<String> = programme.metrics.iter().map(|m| m.code.clone()).collect();
    let number = |m: &String| programme.metrics.iter().any(|d| &d.code == m && d.kind == MetricKind::Number && d.unit.is_none());
    let metric_codes: Vec<&String> = metrics.iter().filter(|m| number(m)).take(3).collect();
    assert!(!metric_codes.is_empty());
    let mut b = Batch::new(vec![], vec![], vec![], vec![]);
    for (i, r) in regions.iter().enumerate() {
        for (j, m) in metric_codes.iter().enumerate() {
            for year in 2015..2021 {
                b.regions.push(r.clone());
                b.metrics.push((*m).clone());
                if let PeriodColumn::Text(p) = &mut b.periods {
                    p.push(year.to_string());
                }
                b.values.push((i * 100 + j * 10) as f64 + f64::from(year - 2015));
            }
        }
    }
    store.ingest(&b, &opts(Some("A"), t(2021, 1, 1))).unwrap();
    let first = store.evaluate(&programme, &ecociv::EvaluationRequest::default()).unwrap();
    // Fewer values now: the next panel is read into the evaluation's buffers.
    for r in regions.iter().step_by(2) {
        store.withdraw_at(r, metric_codes[0], y(2016), None, "test", t(2021, 2, 1)).unwrap();
    }
    let latest = PanelRequest::latest(metrics.clone());
    let as_of = PanelRequest { as_of: Some(t(2030, 1, 1)), ..latest.clone() };
    store.evaluate(&programme, &ecociv::EvaluationRequest::default()).unwrap();
    assert_eq!(store.panel(&latest).unwrap(), store.panel(&as_of).unwrap());
    store.evaluate(&programme, &ecociv::EvaluationRequest::default()).unwrap();
    let backwards = PanelRequest { regions: Some(regions.iter().rev().cloned().collect()), ..latest.clone() };
    assert_eq!(store.panel(&backwards).unwrap(), store.panel(&PanelRequest { as_of: as_of.as_of, ..backwards.clone() }).unwrap());
    // A smaller request after a larger evaluation, then the evaluation again: same result.
    store.evaluate(&programme, &ecociv::EvaluationRequest::default()).unwrap();
    let small = PanelRequest { regions: Some(vec![regions[1].clone()]), ..PanelRequest::latest([metric_codes[0].clone()]) };
    assert_eq!(store.panel(&small).unwrap(), store.panel(&PanelRequest { as_of: as_of.as_of, ..small.clone() }).unwrap());
    let again = store.evaluate(&programme, &ecociv::EvaluationRequest::default()).unwrap();
    assert_eq!(again.regions, first.regions);
    assert_ne!(again.status, first.status, "the withdrawals change some statuses");
}
