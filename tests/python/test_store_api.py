"""Store methods beyond ingest: regions and metrics as DataFrames, history, latest / as_of,
withdrawals, source priority, CSV export, Polars and Arrow ingest, notebook display."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ecociv


@pytest.fixture()
def store(tmp_path: Path) -> ecociv.Store:
    s = ecociv.open(tmp_path / "api.redb")
    s.put_regions(pd.DataFrame({
        "code": ["P", "C1", "C2"],
        "name": ["省", "市一", "市二"],
        "level": ["province", "city", "city"],
        "parent": [None, "P", "P"],
        "attributes": [{}, {"terrain": "mountain"}, {}],
    }))
    s.put_metrics(pd.DataFrame({
        "code": ["gdp", "forest"], "name": ["GDP", "森林覆盖率"], "unit": ["亿元", "%"],
        "kind": ["number", "number"], "description": ["gross domestic product", None],
    }))
    return s


def test_regions_and_metrics_round_trip_as_dataframes(store: ecociv.Store) -> None:
    regions = store.regions()
    assert list(regions.columns) == ["code", "name", "level", "parent", "attributes"]
    assert regions.code.tolist() == ["P", "C1", "C2"]
    assert regions.level.tolist() == ["province", "city", "city"]
    assert regions.parent.tolist()[1:] == ["P", "P"] and regions.parent.isna()[0]
    assert regions.attributes[1] == {"terrain": "mountain"}
    metrics = store.metrics()
    assert metrics.set_index("code").loc["forest", "unit"] == "%"
    assert metrics.set_index("code").loc["gdp", "description"] == "gross domestic product"
    # update by code; the frame from regions() goes straight back in
    regions.loc[2, "name"] = "市二（新）"
    store.put_regions(regions)
    assert store.regions().name.tolist()[2] == "市二（新）"
    assert store.stats()["regions"] == 3


def test_bad_region_and_metric_frames(store: ecociv.Store) -> None:
    with pytest.raises(ecociv.StoreError, match=r'row 2, column level: unknown level "shire"'):
        store.put_regions(pd.DataFrame({"code": ["A", "B"], "name": ["a", "b"], "level": ["city", "shire"]}))
    with pytest.raises(ecociv.StoreError):
        store.put_regions(pd.DataFrame({"code": ["D"], "name": ["d"], "level": ["city"], "parent": ["nowhere"]}))
    with pytest.raises(KeyError, match="level"):
        store.put_regions(pd.DataFrame({"code": ["A"], "name": ["a"]}))
    with pytest.raises(ecociv.StoreError, match="kind"):
        store.put_metrics(pd.DataFrame({"code": ["m"], "name": ["m"], "kind": ["text"]}))
    assert store.stats()["regions"] == 3 and store.stats()["metrics"] == 2  # nothing written


def test_history_latest_as_of_withdraw_and_priority(store: ecociv.Store) -> None:
    store.ingest(region="C1", metric="forest", period=2017, value=[60.0], source="统计公报")
    time.sleep(0.01)
    first_known = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    store.ingest(region="C1", metric="forest", period=2017, value=[61.5],
                 source={"document": "林业年报", "publisher": "市林业局", "address": "http://example.org"})
    latest = store.latest("C1", "forest", 2017)
    assert latest is not None and latest["value"] == 61.5
    assert latest["source"]["publisher"] == "市林业局"
    assert isinstance(latest["recorded_at"], dt.datetime) and latest["recorded_at"].tzinfo is not None
    earlier = store.as_of("C1", "forest", "2017", first_known)
    assert earlier is not None and earlier["value"] == 60.0
    assert store.as_of("C1", "forest", 2017, "2000-01-01") is None
    # the statistics bulletin is the more trusted source from now on
    store.set_source_priority(["统计公报", {"document": "林业年报", "publisher": "市林业局",
                                           "address": "http://example.org"}])
    assert [s["document"] for s in store.source_priority()] == ["统计公报", "林业年报"]
    assert store.latest("C1", "forest", 2017)["value"] == 60.0  # type: ignore[index]
    assert store.withdraw("C1", "forest", 2017, reason="revised", source="统计公报") == 1
    assert store.latest("C1", "forest", 2017)["value"] == 61.5  # type: ignore[index]
    history = store.history("C1", "forest", 2017)
    assert list(history.columns) == [
        "seq", "value", "withdrawn", "source", "publisher", "address", "recorded_at", "note", "chosen",
    ]
    assert history.source.tolist() == ["统计公报", "林业年报", "统计公报"]
    assert history.withdrawn.tolist() == [False, False, True]
    assert np.isnan(history.value[2]) and history.note[2] == "revised"
    assert history.recorded_at.is_monotonic_increasing
    assert str(history.recorded_at.dtype).startswith("datetime64") and history.recorded_at.dt.tz is not None
    assert store.withdraw("C1", "forest", 2017, reason="all gone") == 1  # every source with a value
    assert store.latest("C1", "forest", 2017) is None
    assert store.latest("C2", "forest", 2017) is None  # never recorded
    with pytest.raises(ecociv.StoreError, match="nowhere"):
        store.history("nowhere", "forest", 2017)
    with pytest.raises(ecociv.StoreError, match="2017x"):
        store.latest("C1", "forest", "2017x")


def test_choose_source_overrides_the_priority_for_one_cell(store: ecociv.Store) -> None:
    bulletin, plan = "统计公报", "林业发展规划"
    for value, source in [(77.23, bulletin), (74.72, plan)]:
        store.ingest(region=["C1", "C2"], metric="forest", period=2021, value=[value, value], source=source)
    store.set_source_priority([plan, bulletin])
    before = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    store.choose_source("C1", "forest", 2021, bulletin)
    assert store.latest("C1", "forest", 2021)["value"] == 77.23  # type: ignore[index]
    assert store.latest("C2", "forest", 2021)["value"] == 74.72  # type: ignore[index]  # only that cell
    assert store.as_of("C1", "forest", 2021, before)["value"] == 74.72  # type: ignore[index]
    history = store.history("C1", "forest", 2021)
    assert history.chosen.tolist() == [False, False, True] and not history.withdrawn.any()
    with pytest.raises(ecociv.StoreError):
        store.choose_source("C1", "forest", 2021, "no such document")


def test_export_csv_and_history(store: ecociv.Store, tmp_path: Path) -> None:
    store.ingest(region=["C1", "C2"], metric="gdp", period=[2016, 2016], value=[10.0, 20.0])
    time.sleep(0.01)
    middle = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    store.ingest(region="C1", metric="gdp", period="2016", value=[11.0])
    store.withdraw("C2", "gdp", 2016, reason="error")
    n = store.export_csv(tmp_path / "now.csv")
    now = pd.read_csv(tmp_path / "now.csv", dtype={"period": str})
    assert n == len(now) == 1 and now.value.tolist() == [11.0] and now.unit.tolist() == ["亿元"]
    assert store.export_csv(tmp_path / "then.csv", as_of=middle) == 2
    then = pd.read_csv(tmp_path / "then.csv")
    assert sorted(then.value) == [10.0, 20.0]
    rows = store.export_history_csv(tmp_path / "all.csv")
    history = pd.read_csv(tmp_path / "all.csv")
    assert rows == len(history) == 4 and history.withdrawn.tolist().count(True) == 1
    with pytest.raises(FileNotFoundError):
        store.export_csv(tmp_path / "no" / "such" / "dir.csv")


def _long(region: list[str], period: list[int], value: list[float]) -> dict[str, object]:
    return {"region": region, "metric": ["gdp"] * len(region), "period": period, "value": value}


def test_ingest_polars_frame(store: ecociv.Store) -> None:
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(_long(["C1", "C2", "C1"], [2015, 2015, 2016], [1.0, 2.0, 3.5]))
    assert frame["period"].dtype == pl.Int64  # years as integers
    report = store.ingest(frame, source="polars")
    assert report["vintages_added"] == 3
    assert store.latest("C1", "gdp", 2016)["value"] == 3.5  # type: ignore[index]
    assert store.latest("C1", "gdp", 2016)["source"]["document"] == "polars"  # type: ignore[index]
    # a bad row in a polars frame: one IngestError listing it
    bad = pl.DataFrame(_long(["C1", "ZZ"], [2017, 2017], [1.0, 2.0]))
    with pytest.raises(ecociv.IngestError) as info:
        store.ingest(bad)
    assert [(p["row"], p["column"], p["value"]) for p in info.value.errors()] == [(2, "region", "ZZ")]
    # a null value is refused, never stored as missing-as-pass
    with pytest.raises(ecociv.IngestError):
        store.ingest(pl.DataFrame(_long(["C1"], [2018], [None])))  # type: ignore[list-item]


def test_ingest_arrow_table_and_per_row_columns(store: ecociv.Store) -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.table({**_long(["C2"], [2019], [4.25]), "unit": ["亿元"], "source": ["年鉴"], "note": ["estimate"]})
    store.ingest(table)
    latest = store.latest("C2", "gdp", 2019)
    assert latest is not None and latest["value"] == 4.25
    assert latest["source"]["document"] == "年鉴" and latest["note"] == "estimate"
    # a unit that is not the metric's is refused
    with pytest.raises(ecociv.IngestError) as info:
        store.ingest(pd.DataFrame({**_long(["C2"], [2020], [1.0]), "unit": ["万元"]}))
    assert info.value.errors()[0]["column"] == "unit"


def test_text_values_and_float_periods_in_a_frame(store: ecociv.Store) -> None:
    frame = pd.DataFrame({"region": ["C1", "C1", "C2"], "metric": "gdp",
                          "period": [2015.0, 2016.0, 2017.0], "value": ["1.5", "n/a", "abc"]})
    with pytest.raises(ecociv.IngestError) as info:
        store.ingest(frame)
    assert [(p["row"], p["value"], p["type"]) for p in info.value.errors()] == [
        (2, "n/a", "not_a_number"), (3, "abc", "not_a_number"),
    ]
    frame["value"] = ["1.5", "2", "3.25"]  # numbers as text are fine; float years too
    assert store.ingest(frame)["rows"] == 3
    assert store.latest("C2", "gdp", 2017)["value"] == 3.25  # type: ignore[index]
    with pytest.raises(ecociv.IngestError) as info:
        store.ingest(pd.DataFrame({"region": ["C1"], "metric": "gdp", "period": [float("nan")], "value": [1.0]}))
    assert info.value.errors()[0]["column"] == "period"


def test_ingest_rejects_unknown_objects(store: ecociv.Store) -> None:
    with pytest.raises(TypeError, match="Arrow PyCapsule"):
        store.ingest([1, 2, 3])
    with pytest.raises(KeyError, match="value"):
        store.ingest(pd.DataFrame({"region": ["C1"], "metric": ["gdp"], "period": [2017]}))


def test_store_display(store: ecociv.Store) -> None:
    store.ingest(region=["C1", "C2"], metric="gdp", period=[2012, 2020], value=[1.0, 2.0])
    page = store._repr_html_()
    assert "<table>" in page and "2012 – 2020" in page
    assert ">3</td>" in page  # regions
    assert store.period_range() == ("2012", "2020")
    assert "api.redb" in repr(store) and "open" in repr(store)
    store.close()
    assert "closed" in store._repr_html_()


# --- ingest_csv(progress=...) ------------------------------------------------------------

_REGIONS = ("P", "C1", "C2")


def _obs_csv(path: Path, years: range) -> int:
    """A CSV of monthly `gdp` values for every region over `years`; returns its size in bytes."""
    lines = ["region,metric,period,value"]
    lines += [f"{r},gdp,{y}-{m:02d},{y + m / 100}" for y in years for m in range(1, 13)
              for r in _REGIONS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path.stat().st_size


def test_ingest_csv_progress_counts_the_bytes_of_the_file(
    store: ecociv.Store, tmp_path: Path
) -> None:
    path = tmp_path / "obs.csv"
    size = _obs_csv(path, range(1800, 2100))  # 10 800 rows, ~0.3 MB
    calls: list[tuple[int, int | None]] = []
    report = store.ingest_csv(path, progress=lambda done, total: calls.append((done, total)))
    assert report["vintages_added"] == 3 * 12 * 300
    assert calls, "the end of the file is always reported"
    dones = [d for d, _ in calls]
    assert dones == sorted(dones)
    assert all(total == size and 0 <= done <= size for done, total in calls)
    assert calls[-1] == (size, size)
    # a dry run reports too (and writes nothing)
    seen: list[tuple[int, int | None]] = []
    store.ingest_csv(path, dry_run=True, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (size, size)
    assert store.stats()["vintages"] == 3 * 12 * 300


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_ingest_csv_progress_from_a_pipe_has_no_total(store: ecociv.Store, tmp_path: Path) -> None:
    fifo = tmp_path / "feed.csv"
    os.mkfifo(fifo)
    written = [0]

    def feed() -> None:  # about 0.6 s of rows, a few at a time
        with open(fifo, "wb") as pipe:
            chunks = [b"region,metric,period,value\n"]
            chunks += [f"C1,gdp,{y}-{m:02d},{m}\n".encode() for y in range(1990, 2020)
                       for m in range(1, 13)]
            for i, chunk in enumerate(chunks):
                pipe.write(chunk)
                written[0] += len(chunk)
                if i % 12 == 0:
                    pipe.flush()
                    time.sleep(0.02)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    calls: list[tuple[int, int | None]] = []
    report = store.ingest_csv(fifo, progress=lambda done, total: calls.append((done, total)))
    feeder.join(5)
    assert report["rows"] == 30 * 12
    assert all(total is None for _, total in calls)
    dones = [d for d, _ in calls]
    assert dones == sorted(dones) and len(set(dones)) >= 3, dones  # it moved while reading
    assert dones[-1] == written[0]


def test_ingest_csv_progress_exception_cancels_the_ingest(
    store: ecociv.Store, tmp_path: Path
) -> None:
    path = tmp_path / "obs.csv"
    _obs_csv(path, range(2000, 2010))
    before = store.stats()

    class Stop(Exception):
        pass

    def stop(done: int, total: int | None) -> None:
        raise Stop(f"stopped at {done} of {total}")

    # a quick ingest still reports the end of its file before it commits: the exception cancels
    with pytest.raises(Stop, match="stopped at"):
        store.ingest_csv(path, progress=stop)
    assert store.stats() == before
    # the store stays usable
    assert store.ingest_csv(path)["vintages_added"] == 3 * 12 * 10
    with pytest.raises(TypeError, match="progress: expected a callable"):
        store.ingest_csv(path, progress=42)  # type: ignore[arg-type]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_ingest_csv_progress_exception_while_reading(store: ecociv.Store, tmp_path: Path) -> None:
    fifo = tmp_path / "endless.csv"
    os.mkfifo(fifo)
    stop_feeding = threading.Event()

    def feed() -> None:  # rows until the reader goes away
        try:
            with open(fifo, "wb") as pipe:
                pipe.write(b"region,metric,period,value\n")
                year = 1000
                while not stop_feeding.is_set():
                    pipe.write(f"C1,gdp,{year},1\n".encode())
                    pipe.flush()
                    year = year + 1 if year < 9000 else 1000
                    time.sleep(0.001)
        except (BrokenPipeError, OSError):
            pass

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    calls: list[int] = []

    def stop_after_two(done: int, total: int | None) -> None:
        calls.append(done)
        if len(calls) == 2:
            raise KeyError("enough")

    started = time.monotonic()
    try:
        with pytest.raises(KeyError, match="enough"):
            store.ingest_csv(fifo, progress=stop_after_two)
    finally:
        stop_feeding.set()
        feeder.join(5)
    assert time.monotonic() - started < 3.0
    assert len(calls) == 2 and 0 < calls[0] <= calls[1]
    assert store.stats()["vintages"] == 0
