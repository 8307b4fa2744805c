"""Store.evaluate's options and the result's DataFrames: to_pandas, summary, verdicts, by_unit,
to_arrow, monitoring columns (bands, scores, trends, projections), and the GIL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ecociv

#: The conftest fixture `longest_stall`: runs a call, returns (longest pause, duration).
StallProbe = Callable[[Callable[[], object]], tuple[float, float]]

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "data"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> ecociv.Store:
    """The Baoshan demo dataset in a store (module-scoped: read-only tests)."""
    store = ecociv.Store.open(tmp_path_factory.mktemp("demo") / "demo.redb")
    store.register_programme(ecociv.Programme.builtin("baoshan-2017"))
    store.put_metrics(pd.read_csv(DEMO / "baoshan-demo-metrics.csv"))
    store.ingest_csv(DEMO / "baoshan-demo.csv")
    return store


@pytest.fixture(scope="module")
def result(demo: ecociv.Store, baoshan: ecociv.Programme) -> ecociv.Evaluation:
    return demo.evaluate(baoshan)


@pytest.fixture(scope="module")
def frame(result: ecociv.Evaluation) -> pd.DataFrame:
    return result.to_pandas()


def test_to_pandas_has_one_row_per_item_region_period(result: ecociv.Evaluation, frame: pd.DataFrame) -> None:
    assert len(frame) == len(result) == len(result.items) * len(result.regions) * len(result.periods)
    assert list(frame.columns[:11]) == [
        "item", "region", "period", "value", "threshold", "comparator", "status", "margin",
        "relative_margin", "attribute", "lead",
    ]
    for column in ("item", "region", "period", "comparator", "status", "attribute", "lead"):
        assert isinstance(frame[column].dtype, pd.CategoricalDtype), column
    assert list(frame.status.cat.categories) == ["pass", "fail", "missing", "not_applicable"]
    # codes come from Rust in the width pandas keeps them in: no conversion copy
    assert frame.status.cat.codes.dtype == np.int8
    assert frame.region.cat.codes.dtype == np.int8
    # item-major, then region, then period
    assert list(frame.item[: len(result.periods)]) == [result.items[0]] * len(result.periods)
    assert list(frame.period[: len(result.periods)]) == result.periods


def test_statuses_margins_and_item_metadata_agree_with_values(frame: pd.DataFrame) -> None:
    i01 = frame[frame.item == "I01"]  # rural income >= 6000 元/人, binding, 市农业局
    present = i01[i01.value.notna()]
    assert len(present) > 10
    assert (present.threshold == 6000).all()
    assert np.allclose(present.margin, present.value - 6000)
    assert np.allclose(present.relative_margin, (present.value - 6000) / 6000)
    assert (present.status == np.where(present.value >= 6000, "pass", "fail")).all()
    absent = i01[i01.value.isna()]
    assert len(absent) > 0 and (absent.status == "missing").all()  # missing never passes
    assert set(i01.comparator) == {">="} and set(i01.attribute) == {"binding"}
    assert set(i01.lead) == {"市农业局"}
    # a <= item: the margin is threshold − value
    i03 = frame[(frame.item == "I03") & frame.value.notna()]
    assert np.allclose(i03.margin, i03.threshold - i03.value)


def test_projection_columns_when_the_programme_declares_them(frame: pd.DataFrame) -> None:
    for deadline in ("technical_assessment", "acceptance"):
        status = frame[f"projection_{deadline}"]
        assert isinstance(status.dtype, pd.CategoricalDtype)
        assert "needs_acceleration" in list(status.cat.categories)
        assert f"projected_{deadline}" in frame and f"required_change_{deadline}" in frame
        # the status follows actual ÷ required (Eurostat bands 0.95 / 0.60 / 0)
        ratio = frame[f"actual_change_{deadline}"] / frame[f"required_change_{deadline}"]
        on_track, slow = ratio[status == "on_track"], ratio[status == "needs_acceleration"]
        assert len(on_track) + len(slow) > 0
        assert (on_track >= 0.95).all() and ((slow >= 0.6) & (slow < 0.95)).all()
    i01 = frame[(frame.item == "I01") & (frame.region == "530500")].set_index("period")
    # 7763 in 2017 passes 6000 already
    assert i01.loc["2017", "projection_acceptance"] == "achieved"
    # an item without projections is not assessed (NaN), never "achieved"
    assert frame.loc[frame.item == "C4", "projection_acceptance"].isna().all()
    # no SDSN columns: Baoshan declares no bands, scores or trends
    assert not {"band", "score", "trend"} & set(frame.columns)


def test_frames_share_nothing_they_can_see(demo: ecociv.Store, baoshan: ecociv.Programme) -> None:
    """The monitoring columns of every frame come from one kept table without a copy; writing
    to one frame (status, number or projection column) never shows in another frame, in the
    kept table or in the reports, and a frame stays writable after its evaluation is gone."""
    result = demo.evaluate(baoshan)
    first, second = result.to_pandas(), result.to_pandas()
    column = "projected_acceptance"
    row = int(np.flatnonzero(first[column].notna().to_numpy())[0])
    before = float(second[column].iloc[row])
    card_before = (result.report_markdown("scorecard", region="530500", period="2017"), result._repr_html_())
    first.loc[row, column] = -1.0
    first.loc[row, "projection_acceptance"] = "moving_away"
    first.loc[row, "value"] = -1.0
    assert float(first[column].iloc[row]) == -1.0
    assert float(second[column].iloc[row]) == before
    assert float(result.to_pandas()[column].iloc[row]) == before
    assert (result.report_markdown("scorecard", region="530500", period="2017"), result._repr_html_()) == card_before
    del result
    second.loc[row, column] = -2.0  # sole owner now: written in place, no error
    assert float(second[column].iloc[row]) == -2.0 and float(first[column].iloc[row]) == -1.0


def test_summary_counts_match_the_frame(result: ecociv.Evaluation, frame: pd.DataFrame) -> None:
    summary = result.summary()
    counted = frame.groupby(["item", "status"], observed=False).size().unstack()
    assert (summary.loc[result.items, ["pass", "fail", "missing", "not_applicable"]].to_numpy()
            == counted.loc[result.items, ["pass", "fail", "missing", "not_applicable"]].to_numpy()).all()
    verdicts = result.verdicts().verdict.value_counts()
    assert summary.attrs["verdicts"] == {k: int(verdicts.get(k, 0)) for k in ("meets", "fails", "incomplete")}


def test_verdicts_follow_the_binding_items(result: ecociv.Evaluation, frame: pd.DataFrame) -> None:
    verdicts = result.verdicts()
    assert len(verdicts) == len(result.regions) * len(result.periods)
    assert list(verdicts.verdict.cat.categories) == ["meets", "fails", "incomplete"]
    binding = frame[frame.attribute == "binding"]
    failing = set(binding.loc[binding.status == "fail", ["region", "period"]].itertuples(index=False, name=None))
    for region, period, verdict in verdicts.itertuples(index=False, name=None):
        assert (verdict == "fails") == ((region, period) in failing), (region, period)


def test_by_unit_lists_failing_and_missing_items_with_gaps(result: ecociv.Evaluation, frame: pd.DataFrame) -> None:
    units = result.by_unit()
    assert list(units.columns) == [
        "unit", "role", "item", "region", "period", "status", "value", "threshold", "gap",
    ]
    assert set(units.status) <= {"fail", "missing"} and set(units.role) == {"lead", "cooperating"}
    keyed = frame.set_index(["item", "region", "period"])
    sample = units[(units.unit == "市农业局") & (units.role == "lead")]
    assert len(sample) > 0 and set(sample["item"]) >= {"I01"}
    for row in sample.itertuples(index=False):
        original = keyed.loc[(row.item, row.region, row.period)]
        assert original.status == row.status
        if row.status == "fail":
            assert row.gap == pytest.approx(original.margin) and row.gap < 0
        else:
            assert np.isnan(row.gap)
    # every failing lead assignment is listed: the I01 fails of the frame are 市农业局's rows
    fails = frame[(frame.item == "I01") & (frame.status == "fail")]
    assert len(sample[(sample["item"] == "I01") & (sample.status == "fail")]) == len(fails)


def test_to_arrow(result: ecociv.Evaluation, frame: pd.DataFrame) -> None:
    pa = pytest.importorskip("pyarrow")
    table = result.to_arrow()
    assert table.num_rows == len(frame)
    assert pa.types.is_dictionary(table.schema.field("status").type)
    # NaN margins (missing values) become Arrow nulls
    assert table.column("margin").null_count == int(frame.margin.isna().sum()) > 0
    assert np.allclose(table.column("margin").to_numpy(), frame.margin.to_numpy(), equal_nan=True)


def test_results_is_the_old_name(result: ecociv.Evaluation, frame: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(result.results(), frame)


def test_regions_and_periods_options(demo: ecociv.Store, baoshan: ecociv.Programme, frame: pd.DataFrame) -> None:
    part = demo.evaluate(baoshan, regions="530502", periods=(2016, 2017))
    assert part.regions == ["530502"] and part.periods == ["2016", "2017"]
    small = part.to_pandas().set_index(["item", "period"])
    full = frame[frame.region == "530502"].set_index(["item", "period"])
    for key in small.index:
        assert small.loc[key, "status"] == full.loc[key, "status"]
        assert small.loc[key, "value"] == pytest.approx(full.loc[key, "value"], nan_ok=True)
    single = demo.evaluate(baoshan, periods="2017")
    assert single.periods == ["2017"]
    with pytest.raises(ecociv.StoreError, match="999999"):
        demo.evaluate(baoshan, regions=["999999"])
    with pytest.raises(ecociv.StoreError, match="2017x"):
        demo.evaluate(baoshan, periods=("2017x", "2018"))


def test_as_of_evaluates_the_values_known_then(tmp_path: Path, baoshan: ecociv.Programme) -> None:
    with ecociv.open(tmp_path / "asof.redb") as store:
        store.register_programme(baoshan)
        store.ingest(region="530500", metric="rural_income", period="2017", value=[5000.0])
        time.sleep(0.01)
        between = dt.datetime.now(dt.UTC)
        time.sleep(0.01)
        store.ingest(region="530500", metric="rural_income", period="2017", value=[7000.0])

        def i01(**kw: object) -> tuple[float, str]:
            f = store.evaluate(baoshan, regions=["530500"], **kw).to_pandas()  # type: ignore[arg-type]
            row = f[f.item == "I01"].iloc[0]
            return float(row.value), str(row.status)

        assert i01() == (7000.0, "pass")
        assert i01(as_of=between) == (5000.0, "fail")
        assert i01(as_of=between.isoformat()) == (5000.0, "fail")
        naive = between.astimezone(dt.UTC).replace(tzinfo=None)  # naive means UTC
        assert i01(as_of=naive) == (5000.0, "fail")
        # a date means its end: today includes both vintages
        assert i01(as_of=dt.datetime.now(dt.UTC).date()) == (7000.0, "pass")
        early = store.evaluate(baoshan, as_of="2000-01-01")  # nothing was known then
        assert early.periods == [] and len(early) == 0 and len(early.to_pandas()) == 0
        with pytest.raises(TypeError):
            store.evaluate(baoshan, as_of=20170101)  # type: ignore[arg-type]


SDSN = REPO / "examples" / "programmes" / "sdsn-dashboard.toml"


def test_bands_scores_and_trends_columns(tmp_path: Path) -> None:
    programme = ecociv.Programme.from_file(SDSN)
    with ecociv.open(tmp_path / "sdsn.redb") as store:
        store.put_regions(pd.DataFrame({"code": ["X"], "name": ["Country X"], "level": ["nation"]}))
        store.register_programme(programme)
        # W1: water access >= 98, bands green 98 / red 80 (midpoint 89), score 60..100
        store.ingest(pd.DataFrame({
            "region": "X", "metric": "water_access",
            "period": [2015, 2016, 2017, 2018], "value": [80.0, 89.0, 95.0, 98.0],
        }))
        result = store.evaluate(programme)
    frame = result.to_pandas()
    w1 = frame[frame.item == "W1"].set_index("period")
    # a boundary takes the better band: 80 (red) is orange, 89 (the midpoint) yellow, 98 green
    assert list(w1.band) == ["orange", "yellow", "yellow", "green"]
    assert w1.score.tolist() == pytest.approx([50.0, 72.5, 87.5, 95.0])
    assert isinstance(frame.trend.dtype, pd.CategoricalDtype)
    assert w1.loc["2015", "trend"] == "no_data"  # one point: no trend yet
    assert w1.loc["2018", "trend"] in {"on_track", "moderately_improving"}
    # items without data: grey band, never green
    assert set(frame.loc[frame.item == "E1", "band"]) == {"grey"}
    page = result.scorecard(region="X")._repr_html_()
    assert "#fff2a8" in page  # the yellow band's colour
    assert "↑" in page or "➚" in page  # the 2018 trend arrow


def test_evaluation_and_conversion_release_the_gil(
    tmp_path: Path, baoshan: ecociv.Programme, longest_stall: StallProbe
) -> None:
    # 4000 counties × 40 years of rural income: a long evaluation, and long projections
    n_regions, years = 4000, list(range(1981, 2021))
    codes = [f"X{i:05d}" for i in range(n_regions)]
    with ecociv.open(tmp_path / "gil.redb") as store:
        store.register_programme(baoshan)
        store.put_regions(pd.DataFrame({"code": codes, "name": codes, "level": "county"}))
        store.ingest(
            region=[c for c in codes for _ in years], metric="rural_income",
            period=[str(y) for _ in codes for y in years],
            value=np.linspace(3000, 9000, n_regions * len(years)),
        )
        result: list[ecociv.Evaluation] = []
        stall, duration = longest_stall(lambda: result.append(store.evaluate(baoshan)))
        assert stall < 0.5 * duration + 0.02, (stall, duration)
        stall, duration = longest_stall(lambda: result[0].to_pandas())
        assert duration > 0.05
        assert stall < 0.5 * duration, (stall, duration)


#: The SDSN data of tests/it/assess_rollup.rs: R1 (2022: W1 98, W2 10, E1 5; 2023: W1 89,
#: W2 30, E1 25, A1 22.5; F1 never), R2 (2022: W1 100, W2 26; 2023: W1 97, W2 74, E1 90),
#: R3 (2023: W1 90).
SDSN_ROLLUP_DATA = [
    ("R1", "water_access", 2022, 98.0), ("R1", "water_withdrawal", 2022, 10.0),
    ("R1", "renewable_share", 2022, 5.0), ("R1", "water_access", 2023, 89.0),
    ("R1", "water_withdrawal", 2023, 30.0), ("R1", "renewable_share", 2023, 25.0),
    ("R1", "pm25", 2023, 22.5), ("R2", "water_access", 2022, 100.0),
    ("R2", "water_withdrawal", 2022, 26.0), ("R2", "water_access", 2023, 97.0),
    ("R2", "water_withdrawal", 2023, 74.0), ("R2", "renewable_share", 2023, 90.0),
    ("R3", "water_access", 2023, 90.0),
]


def _sdsn_result(path: Path, text: str | None = None) -> ecociv.Evaluation:
    programme = (
        ecociv.Programme.from_file(SDSN) if text is None
        else ecociv.Programme.from_str(text, "sdsn.toml")
    )
    with ecociv.open(path) as store:
        store.put_regions(pd.DataFrame({"code": ["R1", "R2", "R3"], "name": ["R1", "R2", "R3"],
                                        "level": "county"}))
        store.register_programme(programme)
        store.ingest(pd.DataFrame(SDSN_ROLLUP_DATA, columns=["region", "metric", "period", "value"]))
        return store.evaluate(programme)


def _cell(frame: pd.DataFrame, group: str, region: str, period: str) -> pd.Series:
    hit = frame[(frame.group == group) & (frame.region == region) & (frame.period == period)]
    assert len(hit) == 1, (group, region, period)
    return hit.iloc[0]


def _check(row: pd.Series, score: float, band: str, position: float) -> None:
    assert row.score == pytest.approx(score, nan_ok=True)
    assert row.band == band
    assert row.position == pytest.approx(position, nan_ok=True)


def test_rollups_reproduce_the_hand_computed_sdsn_dashboard(tmp_path: Path) -> None:
    # The same inputs and numbers as tests/it/assess_rollup.rs (sdsn_indicator_goal_and_index_…).
    result = _sdsn_result(tmp_path / "rollup.redb")
    ind, cat, prog = (result.rollups(level) for level in ("indicator", "category", "programme"))
    for frame, groups in ((ind, 5), (cat, 4), (prog, 1)):
        assert list(frame.columns) == ["group", "region", "period", "score", "band", "position"]
        assert len(frame) == groups * 3 * 2  # groups × regions × periods, group-major
        assert isinstance(frame.band.dtype, pd.CategoricalDtype)
        assert list(frame.band.cat.categories) == ["green", "yellow", "orange", "red", "grey"]
    assert list(ind.group.cat.categories) == ["6.1", "6.4", "7.2", "11.6", "15.1"]
    assert list(ind.group[:6]) == ["6.1"] * 6 and list(ind.region[:2]) == ["R1", "R1"]
    assert list(prog.group.unique()) == ["sdsn-dashboard"]
    # R1 2023: W1 89 = mid → yellow 2.0, 72.5; W2 30 → yellow 2.8, 70; F1 missing → grey
    _check(_cell(ind, "6.1", "R1", "2023"), 72.5, "yellow", 2.0)
    _check(_cell(ind, "6.4", "R1", "2023"), 70.0, "yellow", 2.8)
    _check(_cell(ind, "7.2", "R1", "2023"), 31.25, "yellow", 2.0)
    _check(_cell(ind, "11.6", "R1", "2023"), 550.0 / 9.0, "yellow", 2.0)
    _check(_cell(ind, "15.1", "R1", "2023"), float("nan"), "grey", float("nan"))
    _check(_cell(ind, "7.2", "R1", "2022"), 6.25, "red", 0.5)
    # goals: mean of scores, two worst on 0–4 (continuous), green only if all green
    _check(_cell(cat, "SDG 6 Clean water", "R1", "2023"), 71.25, "yellow", 2.4)
    _check(_cell(cat, "SDG 15 Life on land", "R1", "2023"), float("nan"), "grey", float("nan"))
    _check(_cell(cat, "SDG 6 Clean water", "R1", "2022"), 92.5, "green", 3.3)
    _check(_cell(cat, "SDG 6 Clean water", "R2", "2022"), 87.0, "yellow", 3.48)
    _check(_cell(cat, "SDG 6 Clean water", "R2", "2023"), 59.25, "orange", (26 / 9 + 1.04) / 2)
    _check(_cell(cat, "SDG 7 Clean energy", "R2", "2023"), 100.0, "green", 4.0)  # clipped
    _check(_cell(cat, "SDG 6 Clean water", "R3", "2022"), float("nan"), "grey", float("nan"))
    # index: 1 of 5 indicators missing is allowed (20 %); 2 of 5 is not → no score, grey
    _check(_cell(prog, "sdsn-dashboard", "R1", "2023"), 54.537037037037, "yellow", 2.0)
    _check(_cell(prog, "sdsn-dashboard", "R1", "2022"), float("nan"), "grey", float("nan"))
    # the frames are copies: editing one never changes the next
    ind.loc[0, "score"] = -1.0
    assert result.rollups().score[0] != -1.0
    # nothing in the SDSN file declares progress or a composite
    assert "progress" not in ind.columns
    with pytest.raises(ValueError, match="no composite index"):
        result.composite()
    with pytest.raises(ValueError, match="level must be one of"):
        result.rollups("goal")


def test_rollups_categorical_rule_has_no_position_and_composite_index(tmp_path: Path) -> None:
    text = SDSN.read_text(encoding="utf-8").replace(
        'colour = "continuous"', 'colour = "categorical"', 1
    ).replace(
        "max_missing_share = 0.2",
        'max_missing_share = 0.2\ncomposite = { normalisation = "minmax", '
        "weights = { fixed = { W1 = 1, W2 = 3 } } }",
        1,
    )
    result = _sdsn_result(tmp_path / "cat.redb", text)
    cat = result.rollups("category")
    assert "position" not in cat.columns
    # R2 2023: yellow 2 + orange 1 → 1.5 rounds up → yellow (continuous: orange)
    row = _cell(cat, "SDG 6 Clean water", "R2", "2023")
    assert row.band == "yellow" and row.score == pytest.approx(59.25)
    # min–max composite 2023: R1 (0 + 3·1)/4, R2 (1 + 0)/4, R3 W1 alone 1/8; 2022 R3 absent
    index = result.composite()
    assert list(index.columns) == ["region", "period", "composite"]
    assert len(index) == 3 * 2 and list(index.region[:2]) == ["R1", "R1"]
    got = {(str(r), str(p)): v for r, p, v in index.itertuples(index=False)}
    assert got[("R1", "2023")] == pytest.approx(0.75)
    assert got[("R2", "2023")] == pytest.approx(0.25)
    assert got[("R3", "2023")] == pytest.approx(0.125)
    assert np.isnan(got[("R3", "2022")])


def test_rollups_refused_when_nothing_is_declared(result: ecociv.Evaluation) -> None:
    # Baoshan declares only projections: no scores, bands or progress to roll up
    with pytest.raises(ValueError, match="declares no scores, colour bands or progress"):
        result.rollups()
    with pytest.raises(ValueError, match="no composite index"):
        result.composite()


def test_scorecard_reports_show_band_score_and_trend(tmp_path: Path) -> None:
    result = _sdsn_result(tmp_path / "report.redb")
    card = result.report_markdown("scorecard", region="R1", period=2023)
    assert "| margin | band | score | trend | lead unit |" in card
    w1 = next(line for line in card.splitlines() if line.startswith("| W1 "))
    assert "| yellow | 72.5 | ↓ decreasing |" in w1
    page = result.report_html("scorecard", region="R1", period=2023)
    assert '<td class="band" style="background:#fff2a8">yellow</td>' in page


@pytest.mark.parametrize("name", ["sdsn-dashboard", "opensdg-progress"])
def test_monitoring_columns_are_the_same_whichever_way_they_are_made(
    tmp_path: Path, name: str
) -> None:
    """The monitoring columns of a frame made first (the assessment computed for it) equal
    those of a frame made after a report (from a copy of the report's table); they are the
    binding's arrays, not copies; the score is the unclipped score clipped to 0…100; the codes
    name the categories; and the roll-ups (converted on first use) are the same either way."""
    import re

    path = REPO / "examples" / "programmes" / f"{name}.toml"
    programme = ecociv.Programme.from_file(path)
    text = path.read_text(encoding="utf-8")
    metrics = re.findall(r'^\[\[metrics\]\]\ncode = "(\w+)"', text, re.M)
    assert len(metrics) >= 5
    regions, rng = ["R1", "R2", "R3"], np.random.default_rng(7)
    data = [
        (r, m, y, float(rng.uniform(0.0, 100.0)))
        for r in regions for m in metrics for y in range(2010, 2024) if rng.random() > 0.2
    ]
    with ecociv.open(tmp_path / "m.redb") as store:
        store.put_regions(pd.DataFrame({"code": regions, "name": regions, "level": "county"}))
        store.register_programme(programme)
        store.ingest(pd.DataFrame(data, columns=["region", "metric", "period", "value"]))
        fresh, reported = store.evaluate(programme), store.evaluate(programme)
    card = reported.report_markdown("scorecard", region="R1", period=2023)
    first = fresh.to_pandas()
    pd.testing.assert_frame_equal(first, reported.to_pandas())
    assert reported.report_markdown("scorecard", region="R1", period=2023) == card
    raw = fresh._assessment_raw()
    assert raw is not None
    cats = raw["categories"]
    categorical = {c: raw[c] for c in ("band", "trend", "progress") if c in raw}
    categorical.update({f"projection_{p['deadline']}": p["status"] for p in raw["projections"]})
    assert categorical, "the programme declares categorical methods"
    for column, codes in categorical.items():
        names = cats[column.split("_")[0]]
        assert list(first[column].cat.categories) == names
        assert np.shares_memory(first[column].array.codes, codes), column
        assert codes.min() >= -1 and codes.max() < len(names)
        assert (first[column].isna() == (codes == -1)).all()
    if "score" in raw:
        assert np.shares_memory(first.score.to_numpy(), raw["score"])
        clipped = np.clip(raw["score_unclipped"], 0.0, 100.0)
        assert np.array_equal(first.score.to_numpy(), clipped, equal_nan=True)
        unclipped = raw["score_unclipped"]
        assert ((unclipped < 0) | (unclipped > 100)).any()  # the clipping is tested
    for level in ecociv.evaluation.ROLLUP_LEVELS:
        once = fresh.rollups(level)
        pd.testing.assert_frame_equal(once, reported.rollups(level))
        once.iloc[0, -1] = np.nan  # a copy: not seen by the next call
        pd.testing.assert_frame_equal(fresh.rollups(level), reported.rollups(level))
