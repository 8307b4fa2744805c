//! Evaluation benchmark: the built-in programme over a benchmark-kit panel (M or L scale).
//!
//! The data come from the kit (`/work/shared/bench`): generate the parquet files, convert one
//! to CSV, and name it in `ECOCIV_BENCH_DATA`:
//!
//! ```sh
//! PERF_DATA_DIR=/tmp/kit python bench/gen.py M
//! python -c "import pyarrow.parquet as pq, pyarrow.csv as pc; pc.write_csv(pq.read_table('/tmp/kit/M.parquet'), '/tmp/kit/M.csv')"
//! ECOCIV_BENCH_DATA=/tmp/kit/M.csv cargo bench --bench evaluate
//! ```
//!
//! Building the panel from the CSV is not timed. Two cases are timed: one full evaluation
//! (every item × region × year, statuses, values, verdicts) from the panel in memory, and the
//! same evaluation from an open store (`Store::evaluate_plan`: the panel read from the store,
//! then the engine).
//!
//! The store is built once from the CSV (`ingest_csv`, regions and parents as in the panel) to
//! `$ECOCIV_BENCH_EVAL_STORE`, or else `<target>/ecociv-bench/eval-<file name>-<bytes>.redb`, and
//! reused by later runs. Before timing, the evaluation from the store is checked to equal the
//! one from the panel.
//!
//! `ECOCIV_BENCH_CACHE_MB` sets redb's page cache of the store (default the store's 1 GiB,
//! which holds L's ~300 MB of blocks; with 64 each read copies them from the OS again).
//!
//! For the kit's L dataset (33,750 regions), `L.csv` can be written from `L.parquet` with
//! pyarrow as above; the first run then ingests ~32 M rows (about a minute).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use ecociv::eval::{EvalOptions, Plan};
use ecociv::model::{MetricDef, MetricKind, Programme};
use ecociv::store::{IngestOptions, Store, StoreOptions};
use ecociv::{EvaluationRequest, Panel};
use ecociv_suite::{bench_panel, same_evaluation};

/// The store file for a data file: `$ECOCIV_BENCH_EVAL_STORE`, or one under the target folder
/// named after the data file and its size.
fn store_path(data: &Path) -> PathBuf {
    if let Some(p) = std::env::var_os("ECOCIV_BENCH_EVAL_STORE") {
        return PathBuf::from(p);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"), PathBuf::from);
    let size = std::fs::metadata(data).map(|m| m.len()).unwrap_or(0);
    let name = data.file_name().map_or_else(|| "data".into(), |n| n.to_string_lossy().into_owned());
    target.join("ecociv-bench").join(format!("eval-{name}-{size}.redb"))
}

/// Opens the store of `data`, building it first when it does not hold the panel's values.
fn open_store(data: &Path, panel: &Panel, programme: &Programme) -> Store {
    let path = store_path(data);
    let rows = panel.present.iter().filter(|p| **p).count() as u64;
    // `ECOCIV_BENCH_CACHE_MB`: redb's page cache (default the store's 1 GiB).
    let mut options = StoreOptions::default();
    if let Some(mb) = std::env::var("ECOCIV_BENCH_CACHE_MB").ok().and_then(|s| s.parse::<usize>().ok()) {
        options.cache_size = mb << 20;
    }
    if let Ok(store) = Store::open_with(&path, &options) {
        let s = store.stats().expect("stats");
        if s.vintages == rows && s.regions == panel.regions.len() as u64 {
            return store;
        }
    }
    let _ = std::fs::remove_file(&path);
    let t = Instant::now();
    let store = Store::open(&path).expect("create the bench store");
    store.put_regions(&panel.regions).expect("regions");
    let metrics: Vec<MetricDef> = panel
        .metrics
        .iter()
        .map(|code| {
            programme.metrics.iter().find(|m| &m.code == code).cloned().unwrap_or_else(|| MetricDef {
                code: code.clone(),
                name: code.clone(),
                unit: None,
                kind: MetricKind::Number,
                categories: vec![],
                description: None,
            })
        })
        .collect();
    store.put_metrics(&metrics).expect("metrics");
    let rep = store.ingest_csv(data, &IngestOptions::default()).expect("ingest");
    assert_eq!(rep.vintages_added, rows);
    eprintln!("store {} built in {:.1} s (not timed)", path.display(), t.elapsed().as_secs_f64());
    drop(store);
    Store::open_with(&path, &options).expect("reopen the bench store")
}

fn evaluate(c: &mut Criterion) {
    let t = Instant::now();
    let Some((path, panel)) = bench_panel("evaluate") else {
        return;
    };
    eprintln!(
        "panel from {path}: {} regions × {} periods × {} metrics, built in {:.1} s (not timed)",
        panel.regions.len(),
        panel.periods.len(),
        panel.metrics.len(),
        t.elapsed().as_secs_f64()
    );
    let programme = ecociv::programme::builtin("baoshan-2017").expect("built-in programme");
    let plan = Plan::compile(&programme).expect("compiles");
    let options = EvalOptions::default();
    let rows = plan.items().len() * panel.regions.len() * panel.periods.len();
    let store = open_store(Path::new(&path), &panel, &programme);
    let request = EvaluationRequest::default();
    let from_panel = plan.evaluate(&panel, &options).expect("evaluates");
    let from_store = store.evaluate_plan(&plan, &programme, &request).expect("evaluates from the store");
    assert!(same_evaluation(&from_panel, &from_store), "the evaluation from the store differs from the one from the panel");
    drop((from_panel, from_store));
    let mut group = c.benchmark_group("evaluate");
    group.sample_size(20);
    let n = panel.regions.len();
    group.bench_function(format!("baoshan-2017/{n}"), |b| {
        b.iter(|| {
            let e = plan
                .evaluate(black_box(&panel), &options)
                .expect("evaluates");
            assert_eq!(e.len(), rows);
            e
        });
    });
    group.bench_function(format!("baoshan-2017/{n}/from-store"), |b| {
        b.iter(|| {
            let e = store.evaluate_plan(&plan, &programme, black_box(&request)).expect("evaluates");
            assert_eq!(e.len(), rows);
            e
        });
    });
    group.finish();
    // Plain timings of the parts (2 shared cores: the median is the figure to quote).
    let reads: usize = std::env::var("ECOCIV_BENCH_READS").ok().and_then(|s| s.parse().ok()).unwrap_or(20).max(1);
    let codes: Vec<String> = programme.metrics.iter().map(|m| m.code.clone()).collect();
    let median = |f: &mut dyn FnMut()| {
        let mut times: Vec<f64> = (0..reads)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        (times[0], times[reads / 2])
    };
    let (min, med) = median(&mut || drop(black_box(store.panel(&ecociv::store::PanelRequest::latest(codes.clone())).expect("panel"))));
    eprintln!("{n} regions: panel read from the store   min {min:.1} ms, median {med:.1} ms");
    let (min, med) = median(&mut || drop(black_box(plan.evaluate(&panel, &options).expect("evaluates"))));
    eprintln!("{n} regions: evaluate from the panel     min {min:.1} ms, median {med:.1} ms");
    let (min, med) = median(&mut || drop(black_box(store.evaluate_plan(&plan, &programme, &request).expect("evaluates"))));
    eprintln!("{n} regions: evaluate from the store     min {min:.1} ms, median {med:.1} ms");
}

criterion_group!(benches, evaluate);
criterion_main!(benches);
