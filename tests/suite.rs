//! Shared helpers for the workspace's integration tests, benchmarks and examples.

use std::collections::{HashMap, HashSet};

use ecociv::model::{Level, RegionDef};
use ecociv::{Panel, Period};

/// Builds a panel from the kit's long CSV (`region,parent,metric,period,value`): regions in
/// order of first appearance, a region that is someone's parent is a city, the others counties;
/// periods from the smallest to the largest year.
///
/// # Panics
/// On a malformed line, naming its line number (test and benchmark input only).
pub fn panel_from_kit_csv(text: &str) -> Panel {
    let unquote = |s: &str| s.trim().trim_matches('"').to_owned();
    let mut regions: Vec<(String, Option<String>)> = Vec::new();
    let mut region_ix: HashMap<String, usize> = HashMap::new();
    let mut metrics: Vec<String> = Vec::new();
    let mut metric_ix: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 5, "line {}: {line}", n + 1);
        let (region, parent, metric) = (unquote(f[0]), unquote(f[1]), unquote(f[2]));
        let period: i32 = unquote(f[3])
            .parse()
            .unwrap_or_else(|e| panic!("line {}: period: {e}", n + 1));
        let value: f64 = unquote(f[4])
            .parse()
            .unwrap_or_else(|e| panic!("line {}: value: {e}", n + 1));
        let r = *region_ix.entry(region.clone()).or_insert_with(|| {
            regions.push((region.clone(), (!parent.is_empty()).then(|| parent.clone())));
            regions.len() - 1
        });
        let m = *metric_ix.entry(metric.clone()).or_insert_with(|| {
            metrics.push(metric);
            metrics.len() - 1
        });
        rows.push((m, r, period, value));
    }
    let parents: HashSet<&str> =
        regions.iter().filter_map(|(_, p)| p.as_deref()).collect();
    let defs = regions
        .iter()
        .map(|(code, parent)| {
            let level = if parents.contains(code.as_str()) { Level::City } else { Level::County };
            RegionDef { parent: parent.clone(), ..RegionDef::new(code.clone(), code.clone(), level) }
        })
        .collect();
    let p0 = rows.iter().map(|r| r.2).min().expect("rows");
    let p1 = rows.iter().map(|r| r.2).max().expect("rows");
    let periods = (p0..=p1).map(Period::Year).collect();
    let mut panel = Panel::new(defs, periods, metrics);
    for (m, r, y, v) in rows {
        panel.set(m, r, usize::try_from(y - p0).expect("period"), v);
    }
    panel
}

/// The kit panel a benchmark runs on: the CSV named by `ECOCIV_BENCH_DATA` (see
/// [`panel_from_kit_csv`]) and that path; `None`, after saying on stderr how to make the data
/// and run `cargo bench --bench <bench>`, when the variable is not set.
///
/// # Panics
/// On a file that cannot be read or a malformed line (benchmark input only).
pub fn bench_panel(bench: &str) -> Option<(String, Panel)> {
    let Ok(path) = std::env::var("ECOCIV_BENCH_DATA") else {
        eprintln!(
            "ECOCIV_BENCH_DATA is not set: generate the kit data (PERF_DATA_DIR=/tmp/kit python \
             /work/shared/bench/gen.py M), convert M.parquet to CSV with pyarrow, and run \
             ECOCIV_BENCH_DATA=/tmp/kit/M.csv cargo bench --bench {bench}"
        );
        return None;
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let panel = panel_from_kit_csv(&text);
    Some((path, panel))
}

/// Whether two evaluations have the same axes, statuses, verdicts, values and thresholds, bit
/// for bit (NaN-aware: missing values are NaN, so `==` on the values would never hold).
#[must_use]
pub fn same_evaluation(a: &ecociv::eval::Evaluation, b: &ecociv::eval::Evaluation) -> bool {
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    a.regions == b.regions
        && a.periods == b.periods
        && a.status == b.status
        && a.verdict == b.verdict
        && bits(&a.value) == bits(&b.value)
        && bits(&a.threshold) == bits(&b.threshold)
}
