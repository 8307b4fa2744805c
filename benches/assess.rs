//! Assessment benchmark: what the monitoring methods (bands, scores, trend arrows, Open SDG
//! progress, deadline projections and their roll-ups) cost on top of the plain evaluation, at
//! the benchmark kit's scale.
//!
//! ```sh
//! PERF_DATA_DIR=/tmp/kit python /work/shared/bench/gen.py M
//! python -c "import pyarrow.parquet as pq, pyarrow.csv as pc; pc.write_csv(pq.read_table('/tmp/kit/M.parquet'), '/tmp/kit/M.csv')"
//! ECOCIV_BENCH_DATA=/tmp/kit/M.csv cargo bench --bench assess
//! ```
//!
//! Three programmes over the same panel (built from the CSV, not timed):
//! - **plain**: the built-in `baoshan-2017` without its `assess` tables — statuses only;
//! - **builtin**: `baoshan-2017` as shipped — every numeric item projects to both milestones;
//! - **full**: `baoshan-2017` plus `benches/baoshan-assess.toml` — SDSN bands, 0–100 scores and
//!   trend arrows on the 18 numeric items and the Open SDG progress measure on six, besides the
//!   projections.
//!
//! Timed: [`Plan::evaluate`] alone, and [`Plan::evaluate`] + [`apply`] (every method, every
//! item × region × year, with the indicator / category / programme roll-ups). Before criterion
//! runs, a hand-timed median of `ECOCIV_BENCH_REPS` (default 9) runs of each prints the cost
//! ratios against the plain evaluation, the mean CPU time of `apply` over every thread (less
//! sensitive than wall time to other work on a shared machine), and a digest of every result
//! column (float bits and codes; a column stored once or derived counts as the full column it
//! stands for): an optimisation of `apply` must leave the digests unchanged.
//! `ECOCIV_BENCH_ONLY=builtin` (or `full`) times that programme alone, for profiling.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use ecociv::assess::apply;
use ecociv::eval::{EvalOptions, Plan};
use ecociv::model::Programme;
use ecociv::{Panel, programme};
use ecociv_suite::bench_panel;

/// The monitoring declarations added to the built-in programme (see the file's header).
const OVERLAY: &str = include_str!("baoshan-assess.toml");

/// `base` (a programme file) with the overlay's keys merged into its items' `assess` inline
/// tables: one `[ITEM]` table per item, one `key = value` per line (the same merge as
/// `with_assessments` in `benches/python/kit.py`).
///
/// # Panics
/// On an overlay line it cannot read or an item the base does not have (benchmark input only).
fn with_assessments(base: &str, overlay: &str) -> String {
    let mut extra: Vec<(String, Vec<String>)> = Vec::new();
    for line in overlay.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if let Some(code) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            extra.push((code.to_owned(), Vec::new()));
        } else if let (Some((key, value)), Some(last)) = (line.split_once('='), extra.last_mut()) {
            last.1.push(format!("{} = {}", key.trim(), value.trim()));
        } else {
            panic!("overlay: cannot read {line:?}");
        }
    }
    let take = |extra: &mut Vec<(String, Vec<String>)>, code: &str| {
        let i = extra
            .iter()
            .position(|(c, _)| c == code)
            .expect("pending item");
        extra.remove(i).1.join(", ")
    };
    let lines: Vec<&str> = base.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len() + extra.len());
    let mut pending: Option<String> = None;
    for (i, line) in lines.iter().enumerate() {
        let code = line
            .strip_prefix("code = \"")
            .and_then(|l| l.trim_end().strip_suffix('"'))
            .filter(|_| i > 0 && lines[i - 1].trim_end().ends_with(".items]]"));
        let mut line = (*line).to_owned();
        if let Some(p) = pending.clone() {
            if line.starts_with("assess = {") && line.trim_end().ends_with('}') {
                let head = line.trim_end().trim_end_matches('}').trim_end().to_owned();
                line = format!("{head}, {} }}", take(&mut extra, &p));
                pending = None;
            } else if line.starts_with('[') {
                out.push(format!("assess = {{ {} }}", take(&mut extra, &p)));
                pending = None;
            }
        }
        out.push(line);
        if let Some(c) = code
            && extra.iter().any(|(x, _)| x == c)
        {
            pending = Some(c.to_owned());
        }
    }
    if let Some(p) = pending {
        out.push(format!("assess = {{ {} }}", take(&mut extra, &p)));
    }
    assert!(extra.is_empty(), "overlay: no such items {extra:?}");
    out.join("\n") + "\n"
}

/// `base` without its `assess` lines (statuses only).
fn without_assessments(base: &str) -> String {
    base.lines()
        .filter(|l| !l.starts_with("assess = "))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The three programmes: plain, builtin, full.
fn programmes() -> [(&'static str, Programme); 3] {
    let base = programme::builtin_text("baoshan-2017").expect("built-in text");
    let load = |text: &str, origin: &str| {
        programme::load_str(text, origin).unwrap_or_else(|e| panic!("{origin}: {e}"))
    };
    let plain = load(&without_assessments(base), "plain.toml");
    let builtin = programme::builtin("baoshan-2017").expect("built-in");
    let full = load(&with_assessments(base, OVERLAY), "full.toml");
    // The merge did what the overlay says: no assess table in the plain programme, bands on
    // the 18 numeric items of the full one, the built-in projections kept.
    assert!(plain.items().all(|i| i.assess.is_none()));
    let banded = full
        .items()
        .filter(|i| i.assess.as_ref().is_some_and(|a| a.bands.is_some()));
    assert_eq!(banded.count(), 18);
    for (a, b) in builtin.items().zip(full.items()) {
        let p = |i: &ecociv::model::Item| i.assess.as_ref().map(|a| a.projection.clone());
        assert_eq!(
            p(a).unwrap_or_default(),
            p(b).unwrap_or_default(),
            "{}",
            a.code
        );
    }
    [("plain", plain), ("builtin", builtin), ("full", full)]
}

/// FNV-1a over a stream of words.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn eat(&mut self, x: u64) {
        self.0 ^= x;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }
    fn floats(&mut self, v: &[f64]) {
        v.iter().for_each(|x| self.eat(x.to_bits()));
    }
    fn codes(&mut self, v: &[i8]) {
        v.iter().for_each(|&x| self.eat(x as u64));
    }
}

/// An FNV-1a digest of every item column of a table (float bit patterns, codes): equal digests
/// before and after an optimisation show bit-identical results.
fn digest(t: &ecociv::assess::AssessmentTable) -> u64 {
    let mut h = Fnv::new();
    // A column no item declares is empty: digest it as the all-not-assessed column it stands
    // for, so that digests compare across versions that stored it.
    let n = t.items.len() * t.regions.len() * t.periods.len();
    let full_codes = |v: &[i8]| {
        if v.is_empty() {
            vec![-2; n]
        } else {
            v.to_vec()
        }
    };
    let full_floats = |v: &[f64]| {
        if v.is_empty() {
            vec![f64::NAN; n]
        } else {
            v.to_vec()
        }
    };
    h.codes(&full_codes(&t.band));
    h.floats(&full_floats(&t.position));
    h.floats(&full_floats(&t.scores()));
    h.floats(&full_floats(&t.score_unclipped));
    h.codes(&full_codes(&t.trend));
    h.codes(&full_codes(&t.progress));
    h.floats(&full_floats(&t.progress_score));
    for (d, p) in t.projections.iter().enumerate() {
        p.deadline.bytes().for_each(|b| h.eat(u64::from(b)));
        p.method.iter().for_each(|m| h.eat(m.map_or(9, |m| m as u64)));
        h.floats(&p.target);
        h.codes(&p.status);
        h.floats(&t.ratios(d));
        h.floats(&p.projected);
        h.floats(t.actual_changes(d));
        h.floats(&p.required_change);
    }
    h.0
}

/// The same digest of the roll-ups alone (indicator, category, programme; composite index).
fn rollup_digest(t: &ecociv::assess::AssessmentTable) -> u64 {
    let mut h = Fnv::new();
    if let Some(r) = &t.rollups {
        for level in [&r.indicators, &r.categories, &r.programme] {
            h.floats(&level.score);
            h.codes(&level.band);
            h.floats(&level.position);
            h.codes(&level.progress);
            h.floats(&level.progress_score);
        }
        if let Some(c) = &r.composite {
            h.floats(c);
        }
    }
    h.0
}

/// The process's CPU time so far (user + system, every thread; Linux `/proc/self/stat`, in
/// clock ticks of 10 ms), `None` elsewhere. Less sensitive than wall time to other work on a
/// shared machine.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn median(mut ts: Vec<Duration>) -> Duration {
    ts.sort();
    ts[ts.len() / 2]
}

/// Hand-timed medians and the ratios against the plain evaluation.
fn ratios(panel: &Panel, progs: &[(&'static str, Programme)], reps: usize) {
    let options = EvalOptions::default();
    let time = |f: &mut dyn FnMut()| {
        f();
        median(
            (0..reps)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed()
                })
                .collect(),
        )
    };
    let (_, plain) = &progs[0];
    let plain_plan = Plan::compile(plain).expect("compiles");
    let base = time(&mut || {
        black_box(plain_plan.evaluate(panel, &options).expect("evaluates"));
    });
    println!(
        "assess bench: {} regions × {} periods, median of {reps}\n  {:<34} {:>9.2} ms  1.00×",
        panel.regions.len(),
        panel.periods.len(),
        "plain: evaluate",
        base.as_secs_f64() * 1e3
    );
    // ECOCIV_BENCH_ONLY=builtin (or full) times that programme alone (for profiling).
    let only = std::env::var("ECOCIV_BENCH_ONLY").ok();
    for (name, p) in &progs[1..] {
        if only.as_deref().is_some_and(|o| o != *name) {
            continue;
        }
        let plan = Plan::compile(p).expect("compiles");
        let e = plan.evaluate(panel, &options).expect("evaluates");
        let table = apply(p, &e).expect("applies");
        println!(
            "  {name}: result digest {:016x} (items), {:016x} (roll-ups)",
            digest(&table),
            rollup_digest(&table)
        );
        drop(table);
        let cpu0 = cpu_time();
        let only = time(&mut || {
            black_box(apply(p, &e).expect("applies"));
        });
        if let (Some(a), Some(b)) = (cpu0, cpu_time()) {
            println!(
                "  {:<34} {:>9.2} ms  (mean CPU time, all threads)",
                format!("{name}: apply CPU"),
                (b - a).as_secs_f64() * 1e3 / (reps + 1) as f64
            );
        }
        let both = time(&mut || {
            let e = plan.evaluate(panel, &options).expect("evaluates");
            black_box(apply(p, &e).expect("applies"));
        });
        for (what, d) in [("apply", only), ("evaluate + apply", both)] {
            println!(
                "  {:<34} {:>9.2} ms  {:.2}×",
                format!("{name}: {what}"),
                d.as_secs_f64() * 1e3,
                d.as_secs_f64() / base.as_secs_f64()
            );
        }
    }
}

fn bench(c: &mut Criterion) {
    let Some((_, panel)) = bench_panel("assess") else {
        return;
    };
    let progs = programmes();
    let reps = std::env::var("ECOCIV_BENCH_REPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(9);
    ratios(&panel, &progs, reps);

    let options = EvalOptions::default();
    let mut group = c.benchmark_group("assess");
    group.sample_size(10);
    for (name, p) in &progs {
        let plan = Plan::compile(p).expect("compiles");
        group.bench_function(format!("{name}/evaluate"), |b| {
            b.iter(|| {
                plan.evaluate(black_box(&panel), &options)
                    .expect("evaluates")
            });
        });
        if *name != "plain" {
            group.bench_function(format!("{name}/evaluate+apply"), |b| {
                b.iter(|| {
                    let e = plan
                        .evaluate(black_box(&panel), &options)
                        .expect("evaluates");
                    apply(p, &e).expect("applies")
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
