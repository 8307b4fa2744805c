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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use ecociv::eval::{EvalOptions, Plan};
use ecociv::model::{Level, RegionDef};
use ecociv::{Panel, Period};

fn unquote(s: &str) -> &str {
    s.trim().trim_matches('"')
}

/// The kit's long CSV (`region,parent,metric,period,value`) as a dense panel.
fn panel_from_kit_csv(text: &str) -> Panel {
    let mut regions: Vec<(String, Option<String>)> = Vec::new();
    let mut region_ix: HashMap<String, usize> = HashMap::new();
    let mut metrics: Vec<String> = Vec::new();
    let mut metric_ix: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let mut f = line.split(',');
        let mut next = || unquote(f.next().expect("5 fields"));
        let (region, parent, metric, period, value) = (next(), next(), next(), next(), next());
        let r = match region_ix.get(region) {
            Some(&r) => r,
            None => {
                regions.push((
                    region.to_owned(),
                    (!parent.is_empty()).then(|| parent.to_owned()),
                ));
                region_ix.insert(region.to_owned(), regions.len() - 1);
                regions.len() - 1
            }
        };
        let m = match metric_ix.get(metric) {
            Some(&m) => m,
            None => {
                metrics.push(metric.to_owned());
                metric_ix.insert(metric.to_owned(), metrics.len() - 1);
                metrics.len() - 1
            }
        };
        rows.push((
            m,
            r,
            period.parse::<i32>().expect("period"),
            value.parse::<f64>().expect("value"),
        ));
    }
    let parents: HashSet<&str> = regions.iter().filter_map(|(_, p)| p.as_deref()).collect();
    let defs = regions
        .iter()
        .map(|(code, parent)| RegionDef {
            code: code.clone(),
            name: code.clone(),
            level: if parents.contains(code.as_str()) {
                Level::City
            } else {
                Level::County
            },
            parent: parent.clone(),
            attributes: BTreeMap::new(),
        })
        .collect();
    let p0 = rows.iter().map(|r| r.2).min().expect("rows");
    let p1 = rows.iter().map(|r| r.2).max().expect("rows");
    let mut panel = Panel::new(defs, (p0..=p1).map(Period::Year).collect(), metrics);
    for (m, r, y, v) in rows {
        panel.set(m, r, usize::try_from(y - p0).expect("period"), v);
    }
    panel
}

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
