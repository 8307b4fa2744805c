"""ecociv.plot draws the right artists (Agg backend; assertions on artists, not pixels)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ecociv

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from ecociv import plot  # noqa: E402

DEMO = Path(__file__).resolve().parents[2] / "examples" / "data"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory, baoshan: ecociv.Programme) -> ecociv.Evaluation:
    with ecociv.open(tmp_path_factory.mktemp("plot") / "demo.redb") as store:
        store.register_programme(baoshan)
        store.put_metrics(pd.read_csv(DEMO / "baoshan-demo-metrics.csv"))
        store.ingest_csv(DEMO / "baoshan-demo.csv")
        return store.evaluate(baoshan, periods=(2012, 2020))


def test_verdict_heatmap_draws_the_verdict_grid(result: ecociv.Evaluation) -> None:
    ax = plot.verdict_heatmap(result)
    [image] = ax.images
    grid = np.asarray(image.get_array())
    assert grid.shape == (len(result.regions), len(result.periods))
    verdicts = result.verdicts()
    expected = verdicts.verdict.cat.codes.to_numpy().reshape(grid.shape)
    assert (grid == expected).all()
    assert [t.get_text() for t in ax.get_yticklabels()] == result.regions
    assert [t.get_text() for t in ax.get_xticklabels()] == result.periods
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["meets", "fails", "incomplete"]
    plt.close(ax.figure)


def test_verdict_heatmap_of_one_item_and_some_regions(result: ecociv.Evaluation) -> None:
    fig, given = plt.subplots()
    ax = plot.verdict_heatmap(result, "I01", regions=["530502", "530500"], ax=given)
    assert ax is given
    grid = np.asarray(ax.images[0].get_array())
    frame = result.to_pandas()
    for row, region in enumerate(["530502", "530500"]):
        statuses = frame[(frame.item == "I01") & (frame.region == region)].status.cat.codes.to_numpy()
        assert (grid[row] == statuses).all()
    assert "I01" in ax.get_title()
    with pytest.raises(KeyError):
        plot.verdict_heatmap(result, "no-such-item")
    with pytest.raises(KeyError):
        plot.verdict_heatmap(result, regions=["000000"])
    plt.close(fig)


def test_item_series_lines_threshold_and_milestones(result: ecociv.Evaluation, baoshan: ecociv.Programme) -> None:
    ax = plot.item_series(result, "I01", regions=["530500", "530502"])
    region_lines = [line for line in ax.get_lines() if line.get_label() in {"530500", "530502"}]
    assert len(region_lines) == 2
    frame = result.to_pandas()
    i01 = frame[(frame.item == "I01") & (frame.region == "530500")].value.to_numpy()
    ydata = np.asarray(region_lines[0].get_ydata(), dtype=float)
    assert np.allclose(ydata, i01, equal_nan=True)
    # a period sits at its last day
    assert mdates.num2date(region_lines[0].get_xdata()[0]).date().isoformat() == "2012-12-31"
    threshold = [line for line in ax.get_lines() if str(line.get_label()).startswith("threshold")]
    assert len(threshold) == 1 and np.allclose(threshold[0].get_ydata(), 6000)
    milestones = [line for line in ax.get_lines() if "(" in str(line.get_label())]
    dues = sorted(mdates.num2date(line.get_xdata()[0]).date().isoformat() for line in milestones)
    assert dues == [m["due"] for m in baoshan.milestones()] == ["2017-12-31", "2018-06-30"]
    assert ax.get_ylabel() == "元/人"
    plt.close(ax.figure)


def test_item_series_from_a_store(tmp_path: Path, baoshan: ecociv.Programme) -> None:
    with ecociv.open(tmp_path / "s.redb") as store:
        store.register_programme(baoshan)
        store.ingest(region="530500", metric="rural_income", period=["2016", "2017"], value=[5800.0, 6350.0])
        ax = plot.item_series(store, "I01", regions=["530500"], programme=baoshan)
        [line] = [x for x in ax.get_lines() if x.get_label() == "530500"]
        assert list(line.get_ydata()) == [5800.0, 6350.0]
        with pytest.raises(TypeError, match="programme"):
            plot.item_series(store, "I01")
    plt.close("all")


def test_a_missing_matplotlib_is_a_clear_import_error(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import ecociv, ecociv.plot\n"
        "try:\n"
        "    ecociv.plot.verdict_heatmap(None)\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert 'pip install "ecociv[plot]"' in done.stdout
