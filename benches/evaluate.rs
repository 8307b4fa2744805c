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
//! Building the panel from the CSV is not timed; the timed part is one full evaluation
//! (every item × region × year, statuses, values, verdicts) from the panel in memory.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use ecociv::eval::{EvalOptions, Plan};
use ecociv_suite::panel_from_kit_csv;

fn evaluate(c: &mut Criterion) {
    let Ok(path) = std::env::var("ECOCIV_BENCH_DATA") else {
        eprintln!(
            "ECOCIV_BENCH_DATA is not set: generate the kit data (PERF_DATA_DIR=/tmp/kit python \
             /work/shared/bench/gen.py M), convert M.parquet to CSV with pyarrow, and run \
             ECOCIV_BENCH_DATA=/tmp/kit/M.csv cargo bench --bench evaluate"
        );
        return;
    };
    let t = Instant::now();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let panel = panel_from_kit_csv(&text);
    drop(text);
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
    let mut group = c.benchmark_group("evaluate");
    group.sample_size(20);
    group.bench_function(format!("baoshan-2017/{}", panel.regions.len()), |b| {
        b.iter(|| {
            let e = plan
                .evaluate(black_box(&panel), &options)
                .expect("evaluates");
            assert_eq!(e.len(), rows);
            e
        });
    });
    group.finish();
}

criterion_group!(benches, evaluate);
criterion_main!(benches);
