"""Store: open/close/`with`/handle cache, ingest with row errors, evaluation to DataFrames."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ecociv


@pytest.fixture()
def store(tmp_path: Path, baoshan: ecociv.Programme) -> ecociv.Store:
    s = ecociv.Store.open(tmp_path / "s.redb")
    s.register_programme(baoshan)
    return s


def _codes(text: str, table: str) -> list[str]:
    return re.findall(rf'\[\[{table}\]\]\ncode = "([^"]+)"', text)


def test_open_twice_returns_the_live_store_and_close_closes_all(tmp_path: Path) -> None:
    path = tmp_path / "twice.redb"
    first = ecociv.Store.open(path)
    second = ecociv.Store.open(path)  # a re-run notebook cell: no "already open" error
    assert second.stats() == first.stats()
    with second:
        pass
    assert first.closed and second.closed
    with pytest.raises(ecociv.StoreError, match="closed"):
        first.stats()
    first.close()  # closing twice is harmless
    with ecociv.Store.open(path) as again:  # the lock was released
        assert not again.closed
    assert again.closed


def test_not_a_store_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "text.redb"
    path.write_text("not a database")
    with pytest.raises(ecociv.StoreError):
        ecociv.Store.open(path)


def test_ingest_dataframe_and_evaluate(store: ecociv.Store, baoshan: ecociv.Programme, baoshan_toml: str) -> None:
    region = _codes(baoshan_toml, "regions")[0]
    frame = pd.DataFrame(
        {"region": region, "metric": "rural_income", "period": [2016, 2017], "value": [5000.0, 6500.0]}
    )
    report = store.ingest(frame)
    assert report["rows"] == 2 and report["vintages_added"] == 2
    assert store.ingest(frame)["unchanged"] == 2  # same values again: nothing new
    evaluation = store.evaluate(baoshan)
    results = evaluation.results()
    assert len(results) == len(evaluation) == 24 * len(_codes(baoshan_toml, "regions")) * 2
    i01 = results[(results["item"] == "I01") & (results["region"] == region)].set_index("period")
    assert list(i01.loc[["2016", "2017"], "status"]) == ["fail", "pass"]
    assert np.allclose(i01.loc[["2016", "2017"], "margin"], [-1000.0, 500.0])
    verdicts = evaluation.verdicts()
    assert set(verdicts["verdict"]) <= {"meets", "fails", "incomplete"}
    # I01 fails in 2016 and is binding: the region cannot meet the programme that year
    assert verdicts.set_index(["region", "period"]).loc[(region, "2016"), "verdict"] == "fails"


def test_bad_rows_are_all_listed_and_nothing_is_written(store: ecociv.Store, baoshan_toml: str) -> None:
    region = _codes(baoshan_toml, "regions")[0]
    before = store.stats()
    with pytest.raises(ecociv.IngestError) as info:
        store.ingest(
            region=["XX", region, region],
            metric="rural_income",
            period=["2017", "2017x", "2018"],
            value=[1.0, 2.0, float("inf")],
        )
    problems = pd.DataFrame(info.value.errors())
    assert list(problems["row"]) == [1, 2, 3]
    assert list(problems["type"]) == ["unknown_region", "bad_period", "non_finite"]
    assert list(problems["column"]) == ["region", "period", "value"]
    assert problems.loc[0, "value"] == "XX"
    assert store.stats() == before


def test_dry_run_writes_nothing(store: ecociv.Store, baoshan_toml: str) -> None:
    region = _codes(baoshan_toml, "regions")[0]
    report = store.ingest(region=region, metric="gdp", period="2017", value=[1.5], dry_run=True)
    assert report["dry_run"] and report["rows"] == 1
    assert store.stats()["cells"] == 0


def test_ingest_csv_reports_lines(store: ecociv.Store, tmp_path: Path, baoshan_toml: str) -> None:
    region = _codes(baoshan_toml, "regions")[0]
    csv = tmp_path / "obs.csv"
    csv.write_text(f"region,metric,period,value\n{region},gdp,2017,10\n{region},gdp,2018,abc\n")
    with pytest.raises(ecociv.IngestError) as info:
        store.ingest_csv(csv)
    [problem] = info.value.errors()
    assert (problem["row"], problem["column"], problem["type"]) == (3, "value", "not_a_number")
    with pytest.raises(FileNotFoundError):
        store.ingest_csv(tmp_path / "missing.csv")


def test_ingest_releases_the_gil(
    store: ecociv.Store,
    baoshan_toml: str,
    longest_stall: Callable[[Callable[[], object]], tuple[float, float]],
) -> None:
    # A ticker thread notes the longest pause between its ticks during a big ingest. If the
    # GIL were held while Rust validates and writes, the ticker would stall for most of the
    # call; released, it only stalls while the str columns are converted.
    regions = _codes(baoshan_toml, "regions")
    n = 300_000
    rows = [regions[i % len(regions)] for i in range(n)]
    periods = [f"{1000 + (i // len(regions)) // 12}-{(i // len(regions)) % 12 + 1:02d}" for i in range(n)]
    out: list[dict[str, int]] = []
    stall, duration = longest_stall(
        lambda: out.append(store.ingest(region=rows, metric="gdp", period=periods, value=np.ones(n)))
    )
    [report] = out
    assert report["vintages_added"] == n
    assert stall < 0.5 * duration, (stall, duration)
