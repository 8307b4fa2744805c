#!/usr/bin/env python3
"""Store benchmark: ingest the kit's M dataset (≈ 3.2 M observations) into ecociv and read it
back, next to sqlite3 (the standard library) doing the same work, in rows/s.

    make bench                                    # runs this after bench_eval.py
    python benches/python/bench_store.py          # M; --scale S for a quick check

The data are the benchmark kit's (``../shared/bench``), generated into ``$PERF_DATA_DIR``
(default ``/tmp/kit``) when absent. Every store file is fresh, in a temporary folder.

ecociv (regions and metrics registered first, not timed):

* ``Store.ingest(frame)``: the pandas DataFrame as ``pd.read_parquet`` returns it (the
  conversion of its columns is inside the timing), one transaction;
* ``Store.ingest_csv(path)``: the same rows as a long CSV file (written beforehand), one
  transaction;
* read back: ``Store.evaluate`` of the built-in programme without ``assess`` tables (the
  dense panel read of all 33 metrics + the evaluation into numpy columns), and
  ``Store.export_csv`` (every latest cell as long CSV).

sqlite3, the same rows from the same Python lists, in one transaction (``executemany``),
default durability (a rollback journal, ``synchronous=FULL``), into either

* ``text``: ``obs(region TEXT, metric TEXT, period INTEGER, value REAL)`` with
  ``PRIMARY KEY (region, metric, period) WITHOUT ROWID``, or
* ``ids``: region and metric codes interned as integer ids (as ecociv does; the Python dict
  lookups are inside the timing) in ``obs(region_id, metric_id, period, value)``, same key;

then a full scan (``SELECT * ... ORDER BY`` the key) into numpy arrays.

Each timing is the best of ``--reps`` (default 2) runs; rows/s counts input observations.
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kit  # noqa: E402

T = time.perf_counter


def best(fn: Any, reps: int) -> float:
    """The shortest of `reps` runs of `fn()`, which returns its own duration in seconds."""
    out = []
    for _ in range(reps):
        gc.collect()
        out.append(fn())
    return float(min(out))


def sqlite_ingest(path: Path, cols: dict[str, list[Any]], ids: bool) -> float:
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    if ids:
        con.executescript(
            "CREATE TABLE regions(id INTEGER PRIMARY KEY, code TEXT UNIQUE);"
            "CREATE TABLE metrics(id INTEGER PRIMARY KEY, code TEXT UNIQUE);"
            "CREATE TABLE obs(region_id INTEGER, metric_id INTEGER, period INTEGER, value REAL,"
            " PRIMARY KEY (region_id, metric_id, period)) WITHOUT ROWID;"
        )
    else:
        con.execute(
            "CREATE TABLE obs(region TEXT, metric TEXT, period INTEGER, value REAL,"
            " PRIMARY KEY (region, metric, period)) WITHOUT ROWID"
        )
    t0 = T()
    with con:  # one transaction
        if ids:
            rid = {c: i for i, c in enumerate(dict.fromkeys(cols["region"]))}
            mid = {c: i for i, c in enumerate(dict.fromkeys(cols["metric"]))}
            con.executemany("INSERT INTO regions VALUES (?, ?)", ((i, c) for c, i in rid.items()))
            con.executemany("INSERT INTO metrics VALUES (?, ?)", ((i, c) for c, i in mid.items()))
            con.executemany(
                "INSERT INTO obs VALUES (?, ?, ?, ?)",
                zip(map(rid.__getitem__, cols["region"]), map(mid.__getitem__, cols["metric"]),
                    cols["period"], cols["value"], strict=True),
            )
        else:
            con.executemany(
                "INSERT INTO obs VALUES (?, ?, ?, ?)",
                zip(cols["region"], cols["metric"], cols["period"], cols["value"], strict=True),
            )
    dt = T() - t0
    con.close()
    return dt


def sqlite_scan(path: Path, ids: bool) -> tuple[float, int]:
    con = sqlite3.connect(path)
    key = "region_id, metric_id, period" if ids else "region, metric, period"
    t0 = T()
    rows = con.execute(f"SELECT {key}, value FROM obs ORDER BY {key}").fetchall()
    r, m, p, v = zip(*rows, strict=True)
    arrays = (np.asarray(r), np.asarray(m), np.asarray(p, dtype=np.int32), np.asarray(v))
    dt = T() - t0
    con.close()
    return dt, len(arrays[3])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="M", choices=["S", "M", "L"])
    ap.add_argument("--reps", type=int, default=2)
    a = ap.parse_args(argv)
    if not (kit.bench_dir() / "gen.py").is_file():
        print(f"the benchmark kit is not at {kit.bench_dir()} (set ECOCIV_KIT_DIR)", file=sys.stderr)
        return 2

    import pandas as pd
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    import ecociv

    path = kit.ensure_data([a.scale])[a.scale]
    frame = pd.read_parquet(path, columns=["region", "parent", "metric", "period", "value"])
    rows = len(frame)
    regions = frame["region"].drop_duplicates()
    parents = frame.loc[regions.index, "parent"]
    programme = kit.kit_programme(regions.tolist(), [None if pd.isna(p) else p for p in parents])
    plain = kit.kit_programme(regions.tolist(), [None if pd.isna(p) else p for p in parents],
                              kit.plain_programme_text())
    data = frame[["region", "metric", "period", "value"]]
    cols = {
        "region": data["region"].tolist(),
        "metric": data["metric"].tolist(),
        "period": data["period"].tolist(),
        "value": data["value"].tolist(),
    }
    print(f"{a.scale}: {rows:,} observations, {len(regions):,} regions; best of {a.reps}", flush=True)
    res: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="ecociv-store-bench-") as tmp_name:
        tmp = Path(tmp_name)
        csv = tmp / "obs.csv"
        pacsv.write_csv(pq.read_table(path, columns=["region", "metric", "period", "value"]), csv)

        def fresh(name: str) -> ecociv.Store:
            (tmp / name).unlink(missing_ok=True)
            store = ecociv.Store.open(tmp / name)
            store.register_programme(programme)
            return store

        def ecociv_ingest(name: str, ingest: Callable[[ecociv.Store], dict[str, Any]]) -> float:
            """Seconds for `ingest` into a fresh store `name` (every row written)."""
            store = fresh(name)
            t0 = T()
            report = ingest(store)
            dt = T() - t0
            assert report["rows"] == rows, report
            store.close()
            return dt

        print("ecociv ingest ...", flush=True)
        res["ingest from a DataFrame"] = {
            "ecociv": best(lambda: ecociv_ingest("frame.redb", lambda s: s.ingest(data)), a.reps)
        }
        res["ingest (CSV file)"] = {
            "ecociv": best(lambda: ecociv_ingest("csv.redb", lambda s: s.ingest_csv(csv)), a.reps)
        }
        store = ecociv.Store.open(tmp / "csv.redb")

        def evaluate() -> float:
            t0 = T()
            store.evaluate(plain)
            return T() - t0

        def export() -> float:
            t0 = T()
            n = store.export_csv(tmp / "export.csv")
            dt = T() - t0
            assert n == rows, n
            return dt

        store.evaluate(plain)  # warm-up
        res["read: panel + evaluate"] = {"ecociv": best(evaluate, max(a.reps, 3))}
        res["read: export every cell as CSV"] = {"ecociv": best(export, a.reps)}
        size = (tmp / "csv.redb").stat().st_size
        store.close()

        for variant in ("text", "ids"):
            print(f"sqlite3 ({variant}) ...", flush=True)
            db = tmp / f"{variant}.sqlite"
            res["ingest from a DataFrame"][f"sqlite3 {variant}"] = best(
                lambda v=variant, d=db: sqlite_ingest(d, cols, v == "ids"), a.reps)
            scan = best(lambda v=variant, d=db: sqlite_scan(d, v == "ids")[0], max(a.reps, 3))
            res["read: full scan into arrays"] = res.get("read: full scan into arrays", {})
            res["read: full scan into arrays"][f"sqlite3 {variant}"] = scan
            res.setdefault("file MB", {})[f"sqlite3 {variant}"] = db.stat().st_size / 1e6
        res["file MB"]["ecociv"] = size / 1e6

    tools = ["ecociv", "sqlite3 text", "sqlite3 ids"]
    print(f"\n### store, {a.scale} — {rows:,} observations: seconds (M rows/s)\n")
    print("| operation | " + " | ".join(tools) + " |")
    print("|---|" + "---:|" * len(tools))
    for op, by in res.items():
        cells = []
        for t in tools:
            if t not in by:
                cells.append("—")
            elif op == "file MB":
                cells.append(f"{by[t]:.0f} MB")
            else:
                cells.append(f"{by[t]:.3f} s ({rows / by[t] / 1e6:.2f})")
        print(f"| {op} | " + " | ".join(cells) + " |")
    print("\necociv's reads run the store's dense panel read; sqlite3's run a full key-ordered "
          "scan into numpy arrays (the nearest equivalent).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
