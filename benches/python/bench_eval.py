#!/usr/bin/env python3
"""Evaluation benchmark: the kit's baselines and ecociv on the same data, in one run.

    make bench                                          # M (what CI-sized machines can do)
    python benches/python/bench_eval.py --scale M L     # M and L
    PERF_DATA_DIR=/tmp/kit python benches/python/bench_eval.py --tools polars,numpy_codes

The data are the benchmark kit's (``../shared/bench``, ``gen.py``), generated into
``$PERF_DATA_DIR`` (default ``/tmp/kit``) when absent. Each tool runs in a fresh process:

* the kit's baselines (numpy, numpy_codes, polars, duckdb, pandas) through the kit's own
  ``run.py --worker TOOL SCALE eval``: load the parquet into the tool's in-memory form (timed
  as *load*), then 1 warm-up + ``--reps`` evaluations, median (min–max);
* ecociv: the parquet's rows ingested once into a fresh store (``Store.ingest_csv``, one
  transaction, timed as *load*) by one process; then another process opens that store and
  times 1 warm-up + ``--reps`` of
  ``store.evaluate(programme)`` (the store's panel read + the Rust engine) and of
  ``store.evaluate(programme).results()`` (the same into a pandas DataFrame, one row per item ×
  region × year), for three versions of the built-in programme: statuses only (its ``assess``
  tables removed), as built in (deadline projections to both milestones), and with
  ``benches/baoshan-assess.toml`` merged in (bands, scores, trends and Open SDG progress on the
  numeric items besides the projections). The monitoring methods run when the DataFrame asks
  for their columns; ``cargo bench --bench assess`` measures them in Rust alone. (In the
  process that has just ingested, timings depend on what the ingest left behind: on the
  development VM the first statuses-only evaluations at M took 2–3× as long, while at L the
  monitoring columns came faster out of memory the ingest had already faulted in.)

Deadline projections have no kit baseline; ``projection_baseline.py`` provides two (numpy and
polars, vectorised over whole histories). A third fresh process opens the same store, evaluates
the statuses-only programme into a DataFrame (untimed: the baselines' input, as the kit's data
are the kit baselines'), converts its columns to numpy arrays / a polars frame (untimed), and
times 1 warm-up + ``--reps`` of each baseline's projection columns for the built-in programme's
two deadlines; their columns must equal ecociv's (``to_pandas()`` with the built-in
programme) — statuses exactly, numbers within 1e-9 relative (changes also within two ulps of
1.0 absolute: ``projection_baseline.CHANGE_ATOL``) — else the exit status is 1. The report sets
them next to ecociv's projection cost, the built-in programme's DataFrame time less the
statuses-only one (which includes making the eight pandas columns; the baselines' output is
numpy arrays / a polars frame). numpy runs on one core, polars and ecociv on every core.

Every tool's checksum (the kit's canonical format) must equal the others': a mismatch is
printed and the exit status is 1. The table gives ms and, per baseline, baseline ÷ ecociv for
ecociv's evaluation from the store and for evaluation into a DataFrame.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kit  # noqa: E402

BASELINES = ["numpy", "numpy_codes", "polars", "duckdb", "pandas"]
T = time.perf_counter


def _summary(ts: list[float]) -> dict[str, Any]:
    return {"median_s": statistics.median(ts), "min_s": min(ts), "max_s": max(ts)}


def _timed(fn: Any, reps: int) -> tuple[dict[str, Any], Any]:
    """1 warm-up + `reps` timed calls (the previous result freed outside the timing)."""
    res = fn()
    ts = []
    for _ in range(reps):
        del res
        gc.collect()
        t0 = T()
        res = fn()
        ts.append(T() - t0)
    return _summary(ts), res


def regions_and_parents(path: Path) -> tuple[list[str], list[str | None]]:
    """The distinct (region, parent) pairs of a kit parquet file, without materialising every
    row as Python objects."""
    import pyarrow.parquet as pq

    t = pq.read_table(path, columns=["region", "parent"])
    pairs = t.group_by(["region", "parent"], use_threads=False).aggregate([])
    return pairs.column("region").to_pylist(), pairs.column("parent").to_pylist()


def write_store_csv(path: Path, out: Path) -> int:
    """The kit's rows as the store's long CSV (region, metric, period, value); returns rows."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    t = pq.read_table(path, columns=["region", "metric", "period", "value"])
    pacsv.write_csv(t, out)
    return int(t.num_rows)


#: ecociv's programme variants: (key, label, programme text or None for the built-in file).
VARIANTS = [
    ("plain", "statuses only", kit.plain_programme_text),
    ("builtin", "+ projections (built-in)", None),
    ("assess", "+ bands, scores, trends, progress, projections", kit.assess_programme_text),
]


def ecociv_programmes(scale: str, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The programme variants (those named in `keys`, default all) with the kit's regions of
    `scale`."""
    path = kit.data_dir() / f"{scale}.parquet"
    regions, parents = regions_and_parents(path)
    return {
        key: kit.kit_programme(regions, parents, None if text is None else text())
        for key, _, text in VARIANTS
        if keys is None or key in keys
    }


def ecociv_ingest(scale: str, store_path: Path) -> dict[str, Any]:
    """Runs inside a fresh process: the kit's rows into a fresh store (timed as *load*)."""
    import ecociv

    plain = ecociv_programmes(scale, ("plain",))["plain"]
    out: dict[str, Any] = {}
    csv = store_path.with_suffix(".csv")
    rows = write_store_csv(kit.data_dir() / f"{scale}.parquet", csv)
    with ecociv.Store.open(store_path) as store:
        store.register_programme(plain)
        t0 = T()
        report = store.ingest_csv(csv)
        out["load"] = _summary([T() - t0])
    csv.unlink()
    out["rows"] = rows
    assert report["rows"] == rows, report
    return out


def ecociv_worker(scale: str, reps: int, store_path: Path) -> dict[str, Any]:
    """Runs inside another fresh process, on the store `ecociv_ingest` wrote (the data loaded,
    as the baselines' are when they are timed): 1 warm-up + `reps` evaluations of each
    programme variant, then the same into a DataFrame."""
    import ecociv

    programmes = ecociv_programmes(scale)
    out: dict[str, Any] = {"tool": "ecociv", "scale": scale, "version": ecociv.__version__}
    with ecociv.Store.open(store_path) as store:
        for key, _, _ in VARIANTS:
            p = programmes[key]
            gc.collect()
            out[key], ev = _timed(lambda p=p: store.evaluate(p), reps)
            out[key + "_checksum"] = kit.checksum(ev)
            del ev
            gc.collect()
            out[key + "_df"], df = _timed(lambda p=p: store.evaluate(p).results(), reps)
            out[key + "_columns"] = list(df.columns)
            out[key + "_df_rows"] = len(df)
            del df
    out["checksum"] = out["plain_checksum"]
    out["digest"] = kit.digest(out["checksum"])
    out["eval"], out["eval_df"] = out["plain"], out["plain_df"]
    out["digests"] = {k: kit.digest(out[k + "_checksum"]) for k, _, _ in VARIANTS}
    return out


def projection_worker(scale: str, reps: int, store_path: Path) -> dict[str, Any]:
    """Runs inside a fresh process, on the store `ecociv_ingest` wrote: the numpy and polars
    projection baselines (``projection_baseline.py``) timed on ecociv's statuses-only columns,
    and checked against ecociv's projection columns."""
    import ecociv
    import projection_baseline as pb

    programmes = ecociv_programmes(scale, ("plain", "builtin"))
    specs = pb.projection_specs(programmes["builtin"])
    out: dict[str, Any] = {"deadlines": list(specs.by_deadline),
                           "items": {k: len(v) for k, v in specs.by_deadline.items()}}
    with ecociv.Store.open(store_path) as store:
        frame = store.evaluate(programmes["plain"]).to_pandas()
        theirs = store.evaluate(programmes["builtin"]).to_pandas()
    out["rows"] = len(frame)
    runs: list[tuple[str, Any, Any]] = [
        ("numpy", pb.numpy_inputs, lambda x: pb.project_numpy(x, specs)),
    ]
    try:
        import polars  # noqa: F401

        runs.append(("polars", pb.polars_inputs, lambda x: pb.project_polars(x, specs)))
    except ImportError:
        out["polars"] = {"error": "polars is not installed"}
    for name, inputs, run in runs:
        x = inputs(frame)
        gc.collect()
        timing, cols = _timed(lambda run=run, x=x: run(x), reps)
        if name == "polars":
            cols = pb.polars_columns(cols, specs)
        out[name] = timing | {"problems": pb.compare(cols, theirs)}
        del x, cols
    return out


def ecociv(scale: str, reps: int) -> dict[str, Any]:
    """The ecociv measurements: ingest in one fresh process, evaluations in another (so the
    evaluations do not run in a process that has just written and freed a few hundred MB)."""
    me = str(Path(__file__).resolve())
    with tempfile.TemporaryDirectory(prefix="ecociv-bench-") as tmp:
        store = Path(tmp) / f"{scale}.redb"
        loaded = spawn([sys.executable, me, "--store", str(store), "--worker", "ecociv-ingest", scale], 3600)
        if "error" in loaded:
            return loaded
        out = spawn([sys.executable, me, "--reps", str(reps), "--store", str(store),
                     "--worker", "ecociv", scale], 3600)
        if "error" not in out:
            out["projection_baselines"] = spawn(
                [sys.executable, me, "--reps", str(reps), "--store", str(store),
                 "--worker", "projection-baselines", scale], 3600)
    if "error" not in out:
        out.update(loaded)
    return out


def spawn(cmd: list[str], timeout: float) -> dict[str, Any]:
    env = dict(os.environ, PERF_DATA_DIR=str(kit.data_dir()))
    try:
        cp = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                            cwd=kit.bench_dir(), check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    if cp.returncode != 0:
        return {"error": (cp.stderr or cp.stdout)[-2000:]}
    return json.loads(cp.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def baseline(tool: str, scale: str, reps: int) -> dict[str, Any]:
    run = str(kit.bench_dir() / "run.py")
    return spawn([sys.executable, run, "--reps", str(reps), "--worker", tool, scale, "eval"], 1800)


def ms(r: dict[str, Any] | None, key: str) -> str:
    if not r or key not in r:
        return "—"
    s = r[key]
    if s["min_s"] == s["max_s"]:
        return f"{s['median_s'] * 1e3:,.1f}"
    return f"{s['median_s'] * 1e3:,.1f} ({s['min_s'] * 1e3:,.1f}–{s['max_s'] * 1e3:,.1f})"


def ratio(a: dict[str, Any], b: dict[str, Any] | None, key: str) -> str:
    if not b or key not in b or "eval" not in a:
        return "—"
    return f"{a['eval']['median_s'] / b[key]['median_s']:,.1f}×"


def report(scale: str, results: dict[str, dict[str, Any]], rows: int) -> tuple[str, bool]:
    e = results.get("ecociv")
    lines = [
        f"### {scale} — {rows:,} observations; median of the timed runs (min–max), ms",
        "",
        "| tool | load ms | eval ms | checksum | ÷ ecociv eval | ÷ ecociv eval → DataFrame |",
        "|---|---:|---:|---|---:|---:|",
    ]
    digests = {t: r.get("digest") for t, r in results.items() if "digest" in r}
    ok = len(set(digests.values())) == 1 and len(digests) == len(results)
    for tool, r in results.items():
        if "error" in r:
            lines.append(f"| {tool} | error | {r['error'].splitlines()[-1][:80]} | | | |")
            continue
        if tool == "ecociv":
            continue
        lines.append(f"| {tool} | {ms(r, 'load')} | {ms(r, 'eval')} | `{r.get('digest')}` | "
                     f"{ratio(r, e, 'eval')} | {ratio(r, e, 'eval_df')} |")
    if e and "error" not in e:
        lines.append(
            f"| **ecociv** `store.evaluate`, statuses only | {ms(e, 'load')} (ingest) | "
            f"**{ms(e, 'plain')}** | `{e['digests']['plain']}` | 1× | |")
        for key, label, _ in VARIANTS:
            lines.append(
                f"| ecociv `store.evaluate(...).results()`, {label} | | {ms(e, key + '_df')} | "
                f"`{e['digests'][key]}` | | {'1×' if key == 'plain' else ''} |")
        plain, full = e["plain"]["median_s"], e["assess"]["median_s"]
        lines += [
            "",
            f"ecociv ingest: {e['rows'] / e['load']['median_s'] / 1e6:.2f} M rows/s "
            f"(`Store.ingest_csv`, one transaction, into a fresh store). "
            f"Into a DataFrame, monitoring methods on / off: projections "
            f"{e['builtin_df']['median_s'] / e['plain_df']['median_s']:.2f}×, all "
            f"{e['assess_df']['median_s'] / e['plain_df']['median_s']:.2f}× "
            f"(`store.evaluate` itself: {plain * 1e3:.1f} / {full * 1e3:.1f} ms — the methods run "
            f"when their columns are first asked for). "
            f"DataFrame: {e['plain_df_rows']:,} rows; columns {', '.join(e['plain_columns'])}; "
            f"with monitoring methods also "
            f"{', '.join(c for c in e['assess_columns'] if c not in e['plain_columns'])}.",
        ]
        digests.update({f"ecociv/{k}": v for k, v in e["digests"].items()})
        ok = ok and len(set(digests.values())) == 1
    lines.append("")
    lines.append("checksums agree: " + ("yes" if ok else f"NO — {digests}"))
    if e and "error" not in e and "projection_baselines" in e:
        text, agree = projection_report(e)
        lines += ["", text]
        ok = ok and agree
    return "\n".join(lines), ok


def projection_report(e: dict[str, Any]) -> tuple[str, bool]:
    """The deadline projection section: the baselines' times next to ecociv's projection cost
    (built-in programme's DataFrame − statuses-only DataFrame), and whether their columns agree
    with ecociv's."""
    pb = e["projection_baselines"]
    if "error" in pb:
        return f"projection baselines: error — {pb['error'].splitlines()[-1][:200]}", False
    cost = e["builtin_df"]["median_s"] - e["plain_df"]["median_s"]
    deadlines = ", ".join(f"{d} ({pb['items'][d]} items)" for d in pb["deadlines"])
    lines = [
        f"Deadline projections over whole histories ({pb['rows']:,} rows; deadlines {deadlines}): "
        "projection columns only, from the statuses-only columns already in memory; ms, median "
        f"(min–max). For scale: ecociv's statuses-only DataFrame {ms(e, 'plain_df')} ms.",
        "",
        "| projections by | ms | ÷ ecociv's projection cost | columns equal ecociv's |",
        "|---|---:|---:|---|",
        f"| **ecociv**: `results()` + projections − `results()` statuses only | "
        f"**{cost * 1e3:,.1f}** | 1× | |",
    ]
    agree = True
    for name in ("numpy", "polars"):
        r = pb.get(name)
        if r is None:
            continue
        if "error" in r:
            lines.append(f"| {name} baseline | {r['error']} | | |")
            continue
        same = not r["problems"]
        agree &= same
        rel = f"{r['median_s'] / cost:,.1f}×" if cost > 0 else "—"
        lines.append(f"| {name} baseline (`projection_baseline.py`) | {ms(pb, name)} | {rel} | "
                     f"{'yes' if same else 'NO: ' + '; '.join(r['problems'])[:300]} |")
    lines += ["", "projection columns agree: " + ("yes" if agree else "NO")]
    return "\n".join(lines), agree


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", nargs="+", default=["M"], choices=["S", "M", "L"])
    ap.add_argument("--tools", default=",".join(BASELINES), help="baselines, comma-separated ('' for none)")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--json", help="also write the raw results to this file")
    ap.add_argument("--worker", nargs=2, metavar=("TOOL", "SCALE"), help=argparse.SUPPRESS)
    ap.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        tool, scale = a.worker
        if tool == "ecociv-ingest":
            print(json.dumps(ecociv_ingest(scale, a.store)))
        elif tool == "projection-baselines":
            print(json.dumps(projection_worker(scale, a.reps, a.store)))
        else:
            print(json.dumps(ecociv_worker(scale, a.reps, a.store)))
        return 0
    if not (kit.bench_dir() / "run.py").is_file():
        print(f"the benchmark kit is not at {kit.bench_dir()} (set ECOCIV_KIT_DIR)", file=sys.stderr)
        return 2
    print(f"data: {kit.data_dir()} (PERF_DATA_DIR); generating what is missing ...", flush=True)
    paths = kit.ensure_data(a.scale)
    tools = [t for t in a.tools.split(",") if t]
    everything: dict[str, Any] = {}
    ok_all = True
    for scale in a.scale:
        results: dict[str, dict[str, Any]] = {}
        for tool in tools:
            print(f"{scale} {tool} ...", flush=True)
            results[tool] = baseline(tool, scale, a.reps)
        print(f"{scale} ecociv ...", flush=True)
        results["ecociv"] = ecociv(scale, a.reps)
        rows = results["ecociv"].get("rows") or 0
        if not rows:
            import pyarrow.parquet as pq

            rows = pq.ParquetFile(paths[scale]).metadata.num_rows
        text, ok = report(scale, results, rows)
        ok_all &= ok
        print("\n" + text + "\n", flush=True)
        everything[scale] = results
    if a.json:
        Path(a.json).write_text(json.dumps(everything, indent=1))
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
