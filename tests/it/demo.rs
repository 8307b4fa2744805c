//! The Baoshan demo end to end (store → evaluation → reports), with the Markdown reports pinned
//! as snapshots in `tests/it/snapshots/`. Set `ECOCIV_UPDATE_SNAPSHOTS=1` to rewrite them after
//! an intended change, and review the diff.

use std::path::PathBuf;

use chrono::{NaiveDate, TimeZone, Utc};
use ecociv::eval::{Status, Verdict};
use ecociv::progress::{TaskState, TaskStatus, bulletin};
use ecociv::report::{Context, bulletin_markdown};
use ecociv::store::Store;
use ecociv::{EvaluationRequest, Period, programme};

fn assert_snapshot(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/snapshots").join(name);
    if std::env::var_os("ECOCIV_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing snapshot {}; run with ECOCIV_UPDATE_SNAPSHOTS=1", path.display()));
    if expected != actual {
        let first = expected.lines().zip(actual.lines()).position(|(a, b)| a != b);
        panic!("snapshot {name} differs (first differing line {first:?}):\n--- actual ---\n{actual}");
    }
}

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("demo.redb")).unwrap();
    ecociv::demo::load_baoshan(&store).unwrap();
    (dir, store)
}

#[test]
fn demo_evaluates_and_reports() {
    let (_dir, store) = demo();
    let p = programme::builtin("baoshan-2017").unwrap();
    let req = EvaluationRequest { periods: Some((Period::Year(2012), Period::Year(2020))), ..Default::default() };
    let e = store.evaluate(&p, &req).unwrap();
    assert_eq!(e.regions.len(), 6);
    assert_eq!(e.periods.len(), 9);
    let y2017 = Period::Year(2017);
    // 2012 has no earlier year in the store: the lagged items are missing, never pass.
    assert_eq!(e.status_of("I06a", "530502", Period::Year(2012)), Some(Status::Missing));
    // 施甸县 had one incident in 2015: B3 fails for 2015-2017 and passes again in 2018.
    for y in 2015..=2017 {
        assert_eq!(e.status_of("B3", "530521", Period::Year(y)), Some(Status::Fail), "{y}");
    }
    assert_eq!(e.status_of("B3", "530521", Period::Year(2018)), Some(Status::Pass));
    // 昌宁县 has no 2016 satisfaction survey: missing, and a guiding item does not decide the verdict.
    assert_eq!(e.status_of("I18", "530524", Period::Year(2016)), Some(Status::Missing));
    // C4 applies to the city only.
    assert_eq!(e.status_of("C4", "530502", y2017), Some(Status::NotApplicable));
    assert!(e.status_of("C4", "530500", y2017).is_some_and(|s| s != Status::NotApplicable));
    assert!(e.verdict_of("530500", y2017).is_some());

    let plain = Context::new(&p, &e);
    assert!(!plain.scorecard_markdown("530500", y2017).unwrap().contains("projection"));
    let assessed = ecociv::assess::apply::apply(&p, &e).unwrap();
    let ctx = Context::new(&p, &e).with_assessment(&assessed);
    let scorecard = ctx.scorecard_markdown("530500", y2017).unwrap();
    assert_snapshot("scorecard-530500-2017.md", &scorecard);
    // The scorecard itself shows each failing item's projection to both milestones; passing
    // items have none.
    let card = ctx.scorecard("530500", y2017).unwrap();
    let failing: Vec<_> = card.rows.iter().filter(|r| r.status == Status::Fail).collect();
    assert!(!failing.is_empty());
    assert!(card.rows.iter().filter(|r| r.status == Status::Pass).all(|r| r.projection.is_none()));
    let i12a = card.rows.iter().find(|r| r.item == "I12a").unwrap();
    assert_eq!(i12a.status, Status::Fail);
    let line = scorecard.lines().find(|l| l.starts_with("| I12a ")).unwrap();
    for milestone in ["2017-12-31", "2018-06-30"] {
        assert!(i12a.projection.as_deref().unwrap().contains(milestone));
        assert!(line.contains(milestone), "{line}");
    }
    assert_snapshot("history-530581.md", &ctx.history_markdown("530581").unwrap());
    assert_snapshot("unit-市住房城乡建设局.md", &ctx.unit_markdown("市住房城乡建设局"));

    let at = |d| Utc.with_ymd_and_hms(2017, 12, d, 9, 0, 0).unwrap();
    let statuses = vec![
        TaskStatus { task: p.phases[0].tasks[0].code.clone(), state: TaskState::Done,
                     done_on: NaiveDate::from_ymd_opt(2017, 3, 27), evidence: Some("本方案".into()), recorded_at: at(1) },
    ];
    let b = bulletin(&p, NaiveDate::from_ymd_opt(2017, 12, 31).unwrap(), &statuses, 90);
    // 2017-12-31 falls between the seed's phases P4 (to 12-30) and P5 (from 2018-01-01).
    assert!(b.phase.is_none());
    assert_eq!((b.previous_phase.as_ref().unwrap().code.as_str(), b.next_phase.as_ref().unwrap().code.as_str()), ("P4", "P5"));
    let inside = bulletin(&p, NaiveDate::from_ymd_opt(2017, 5, 1).unwrap(), &statuses, 90);
    assert_eq!(inside.phase.as_ref().map(|ph| ph.code.as_str()), Some("P2"));
    assert!(inside.previous_phase.is_none() && inside.next_phase.is_none());
    let mut gaps = card.gaps();
    let from_card: Vec<_> = gaps.iter().map(|g| g.projection.clone()).collect();
    ecociv::report::attach_projections(&mut gaps, &assessed, &p, "530500", y2017);
    // The scorecard's projections are the bulletin's.
    assert_eq!(from_card, gaps.iter().map(|g| g.projection.clone()).collect::<Vec<_>>());
    // Every failing numeric item with a >=/<= threshold carries its projection to both milestones.
    let i12a = gaps.iter().find(|g| g.item == "I12a").unwrap();
    let text = i12a.projection.as_deref().unwrap();
    assert!(text.contains("2017-12-31") && text.contains("2018-06-30"), "{text}");
    assert_snapshot("bulletin-2017-12-31.md", &bulletin_markdown(&p.title, &b, &gaps));

    let html = ctx.html_report("530500", y2017, Some(&b)).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("id=\"verdict\""));
    assert!(html.contains("<th>projection to the milestones</th>") && html.contains("2018-06-30"));
    let verdict = e.verdict_of("530500", y2017).unwrap();
    assert!(html.contains(&format!("class=\"verdict {}\"", verdict.as_str())));
    assert_ne!(verdict, Verdict::Meets, "the demo city does not meet the programme in 2017");
}

#[test]
fn as_of_before_the_demo_was_loaded_sees_nothing() {
    let (_dir, store) = demo();
    let p = programme::builtin("baoshan-2017").unwrap();
    let req = EvaluationRequest {
        periods: Some((Period::Year(2016), Period::Year(2017))),
        as_of: Some(Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap()),
        ..Default::default()
    };
    let e = store.evaluate(&p, &req).unwrap();
    let s = e.summary();
    let counts = s.item("I01").unwrap();
    assert_eq!(counts[0] + counts[1], 0, "nothing was known in 2000: {counts:?}");
    assert_eq!(s.meets, 0);
}
