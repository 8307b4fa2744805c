//! Store benchmark: ingest the benchmark kit's M dataset (≈3.2 M observations) into a fresh
//! store, revise every value once (a second vintage of each cell), and read the dense panel
//! back — latest (the engine's path) and `as_of` (the log's path).
//!
//! ```sh
//! PERF_DATA_DIR=/tmp/kit python /work/shared/bench/gen.py M
//! python -c "import pyarrow.parquet as pq, pyarrow.csv as pc; pc.write_csv(pq.read_table('/tmp/kit/M.parquet'), '/tmp/kit/M.csv')"
//! ECOCIV_BENCH_DATA=/tmp/kit/M.csv cargo bench --bench store
//! ```
//!
//! The latest-values panel read is served by the materialised blocks (one per metric and
//! frequency, every region's series in it); the `as_of` read resolves the vintage log.
//!
//! The ingests take seconds each, so they are timed by hand (best of `ECOCIV_BENCH_REPS`,
//! default 2) and printed as rows/s; the panel reads go through criterion.
//!
//! `ECOCIV_BENCH_STORE=/tmp/M.redb` times only the latest-values panel read, on that store file
//! (built once — the kit's data plus a revision of every cell — when it does not exist, then
//! reused by later runs), skipping the ingest timings.

use std::collections::HashSet;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use ecociv::model::{Level, MetricDef, MetricKind, RegionDef};
use ecociv::store::{Batch, IngestOptions, PanelRequest, Source, Store};

/// Regions (with parents, in file order) and metrics of the kit's CSV, plus the rows as a batch.
fn read_kit(path: &Path) -> (Vec<RegionDef>, Vec<MetricDef>, Batch) {
    // The kit's CSV has no embedded commas or quotes inside fields; no CSV crate needed here.
    let text = std::fs::read_to_string(path).expect("readable CSV");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').map(|h| h.trim_matches('"')).collect();
    assert_eq!(header, ["region", "parent", "metric", "period", "value"], "the kit's column order");
    let mut regions = Vec::new();
    let mut seen = HashSet::new();
    let mut metrics: Vec<String> = Vec::new();
    let mut batch = Batch::new(vec![], vec![], vec![], vec![]);
    let mut periods = Vec::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').map(|x| x.trim_matches('"')).collect();
        let (region, parent, metric, period, value) = (f[0], f[1], f[2], f[3], f[4]);
        if seen.insert(region.to_owned()) {
            let parent = (!parent.is_empty()).then(|| parent.to_owned());
            let level = if parent.is_some() { Level::County } else { Level::City };
            regions.push(RegionDef { parent, ..RegionDef::new(region, region, level) });
        }
        if !metrics.iter().any(|m| m == metric) {
            metrics.push(metric.to_owned());
        }
        batch.regions.push(region.to_owned());
        batch.metrics.push(metric.to_owned());
        periods.push(period.to_owned());
        batch.values.push(value.parse().expect("number"));
    }
    batch.periods = ecociv::store::PeriodColumn::Text(periods);
    let metrics = metrics
        .into_iter()
        .map(|code| MetricDef { code: code.clone(), name: code, unit: None, kind: MetricKind::Number, categories: vec![], description: None })
        .collect();
    (regions, metrics, batch)
}

fn fresh(dir: &Path, name: &str, regions: &[RegionDef], metrics: &[MetricDef]) -> Store {
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    let store = Store::open(&path).expect("open");
    store.put_regions(regions).expect("regions");
    store.put_metrics(metrics).expect("metrics");
    store
}

fn rate(rows: usize, d: Duration) -> String {
    format!("{:>7.3} s  {:>6.2} M rows/s", d.as_secs_f64(), rows as f64 / d.as_secs_f64() / 1e6)
}

fn bench(c: &mut Criterion) {
    let Some(data) = std::env::var_os("ECOCIV_BENCH_DATA") else {
        println!(
            "store bench: set ECOCIV_BENCH_DATA to the kit's M dataset as CSV, e.g.\n  \
             PERF_DATA_DIR=/tmp/kit python /work/shared/bench/gen.py M\n  \
             python -c \"import pyarrow.parquet as pq, pyarrow.csv as pc; pc.write_csv(pq.read_table('/tmp/kit/M.parquet'), '/tmp/kit/M.csv')\"\n  \
             ECOCIV_BENCH_DATA=/tmp/kit/M.csv cargo bench --bench store"
        );
        return;
    };
    let data = Path::new(&data);
    let reps: usize = std::env::var("ECOCIV_BENCH_REPS").ok().and_then(|s| s.parse().ok()).unwrap_or(2);
    let dir = tempfile::tempdir_in(std::env::var_os("ECOCIV_BENCH_TMP").unwrap_or_else(|| std::env::temp_dir().into())).expect("temp dir");
    let (regions, metrics, batch) = read_kit(data);
    let rows = batch.len();
    println!("store bench: {} — {rows} rows, {} regions, {} metrics", data.display(), regions.len(), metrics.len());

    let codes: Vec<String> = metrics.iter().map(|m| m.code.clone()).collect();
    let latest = PanelRequest::latest(codes.clone());
    // `ECOCIV_BENCH_STORE=<file>`: time only the panel reads, on that store file (built once
    // from the kit's data — one ingest plus a revision — when it does not exist yet).
    if let Some(kept) = std::env::var_os("ECOCIV_BENCH_STORE") {
        let kept = Path::new(&kept);
        if !kept.exists() {
            let store = Store::open(kept).expect("open");
            store.put_regions(&regions).expect("regions");
            store.put_metrics(&metrics).expect("metrics");
            store.ingest(&batch, &IngestOptions { source: Some(Source::document("kit v1")), ..IngestOptions::default() }).expect("ingest");
            let mut revised = batch.clone();
            for v in &mut revised.values {
                *v += 1.0;
            }
            store.ingest(&revised, &IngestOptions { source: Some(Source::document("kit v2")), ..IngestOptions::default() }).expect("revision");
        }
        let store = Store::open(kept).expect("reopen");
        panel_latest(c, &store, &latest, rows);
        return;
    }

    let best = |f: &mut dyn FnMut() -> Duration| (0..reps).map(|_| f()).min().expect("reps ≥ 1");
    let csv_time = best(&mut || {
        let store = fresh(dir.path(), "csv.redb", &regions, &metrics);
        let t = Instant::now();
        let rep = store.ingest_csv(data, &IngestOptions::default()).expect("ingest");
        let d = t.elapsed();
        assert_eq!(rep.vintages_added as usize, rows);
        d
    });
    println!("ingest_csv  (1 txn, durable)          {}", rate(rows, csv_time));
    let batch_time = best(&mut || {
        let store = fresh(dir.path(), "batch.redb", &regions, &metrics);
        let t = Instant::now();
        store.ingest(&batch, &IngestOptions::default()).expect("ingest");
        t.elapsed()
    });
    println!("ingest Batch (1 txn, durable)         {}", rate(rows, batch_time));
    let dry = {
        let store = fresh(dir.path(), "dry.redb", &regions, &metrics);
        let t = Instant::now();
        store.ingest(&batch, &IngestOptions { dry_run: true, ..IngestOptions::default() }).expect("dry run");
        t.elapsed()
    };
    println!("ingest Batch, dry run                 {}", rate(rows, dry));

    let mut store = fresh(dir.path(), "main.redb", &regions, &metrics);
    let first = Instant::now();
    store
        .ingest(&batch, &IngestOptions { source: Some(Source::document("kit v1")), ..IngestOptions::default() })
        .expect("ingest");
    let _ = first;
    let size = std::fs::metadata(dir.path().join("main.redb")).map(|m| m.len()).unwrap_or(0);
    let p0: ecociv::Period = match &batch.periods {
        ecociv::store::PeriodColumn::Text(p) => p[0].parse().expect("period"),
        ecociv::store::PeriodColumn::Periods(p) => p[0],
    };
    let before_revision = store.history(&batch.regions[0], &batch.metrics[0], p0).expect("history")[0].recorded_at;
    std::thread::sleep(Duration::from_millis(5));
    let mut revised = batch.clone();
    for v in &mut revised.values {
        *v += 1.0;
    }
    let t = Instant::now();
    let rep = store
        .ingest(&revised, &IngestOptions { source: Some(Source::document("kit v2")), ..IngestOptions::default() })
        .expect("revision");
    println!("revision of every cell (2nd vintage)  {}", rate(rows, t.elapsed()));
    assert_eq!(rep.cells_added, 0);
    let t = Instant::now();
    store.compact().expect("compact");
    let compact = t.elapsed();
    let csize = std::fs::metadata(dir.path().join("main.redb")).map(|m| m.len()).unwrap_or(0);
    println!(
        "file: {:.1} MiB after 1 vintage ({:.1} B/obs), {:.1} MiB compacted after 2 ({:.1} B/vintage); compact {:.2} s",
        size as f64 / 1048576.0,
        size as f64 / rows as f64,
        csize as f64 / 1048576.0,
        csize as f64 / (2 * rows) as f64,
        compact.as_secs_f64()
    );
    drop(store);
    let t = Instant::now();
    let store = Store::open(dir.path().join("main.redb")).expect("reopen");
    println!("open with integrity check             {:>7.3} s", t.elapsed().as_secs_f64());

    let p = store.panel(&latest).expect("panel");
    let present = p.present.iter().filter(|x| **x).count();
    assert_eq!(present, rows);
    let t = Instant::now();
    let p2 = store.panel(&PanelRequest { as_of: Some(before_revision), ..latest.clone() }).expect("as_of panel");
    let as_of_time = t.elapsed();
    assert_eq!(p2.present.iter().filter(|x| **x).count(), rows);
    println!("panel as_of (vintage log, 2 vintages) {}", rate(rows, as_of_time));

    panel_latest(c, &store, &latest, rows);
}

/// Times the latest-values panel read (criterion, then plain timings of `ECOCIV_BENCH_READS`
/// reads, default 20).
fn panel_latest(c: &mut Criterion, store: &Store, latest: &PanelRequest, rows: usize) {
    let p = store.panel(latest).expect("panel");
    assert_eq!(p.present.iter().filter(|x| **x).count(), rows);
    let mut g = c.benchmark_group("store");
    g.sample_size(20);
    g.bench_function("panel_latest_M", |b| b.iter(|| black_box(store.panel(black_box(latest)).expect("panel"))));
    g.finish();
    // Plain timings too (2 shared cores: the minimum is the steadiest figure).
    let reads: usize = std::env::var("ECOCIV_BENCH_READS").ok().and_then(|s| s.parse().ok()).unwrap_or(20).max(1);
    let mut times: Vec<Duration> = (0..reads)
        .map(|_| {
            let t = Instant::now();
            black_box(store.panel(latest).expect("panel"));
            t.elapsed()
        })
        .collect();
    times.sort();
    println!("panel latest (materialised blocks)    {}  (min; median {:.1} ms)", rate(rows, times[0]), times[reads / 2].as_secs_f64() * 1e3);
}

criterion_group!(benches, bench);
criterion_main!(benches);
