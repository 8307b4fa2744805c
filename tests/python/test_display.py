"""Text and HTML rendering helpers."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ecociv import _display

COLUMNS: dict[str, list[Any]] = {
    "code": ["A1", "B2"],
    "category": ["经济", "环境<&>"],
    "item": ["农民年人均纯收入", "森林覆盖率"],
    "comparator": [">=", "holds"],
    "threshold": ["6000", None],
    "unit": ["元/人", None],
    "attribute": ["binding", "guiding"],
    "lead": [["市农业局"], ["市林业局", "市国土资源局"]],
}


@given(st.text(), st.integers(min_value=0, max_value=80))
def test_pad_reaches_the_display_width(text: str, extra: int) -> None:
    width = _display.display_width(text) + extra
    assert _display.display_width(_display._pad(text, width)) == width


def test_text_table_columns_line_up_with_wide_characters() -> None:
    table = _display.text_table(COLUMNS, ["经济", "环境<&>"], "Title")
    lines = table.splitlines()
    header = lines[2]
    start = header.index("requirement")
    rows = [line for line in lines if line.startswith(("A1", "B2"))]
    assert len(rows) == 2
    for row in rows:
        # the requirement column starts at the same display column in every row
        prefix = row[: row.index("≥") if "≥" in row else row.index("holds")]
        assert _display.display_width(prefix) == start
    assert "市林业局、市国土资源局" in table
    assert lines[-1] == "2 items"


def test_html_escapes_and_groups() -> None:
    page = _display.html_table(COLUMNS, ["环境<&>", "经济"], "T & T")
    assert "环境&lt;&amp;&gt;" in page and "T &amp; T" in page
    assert page.index("环境&lt;") < page.index("经济")
    assert page.count("<tr><td>") == 2


# --- the scorecard of an evaluation and the store's display ---------------------------------

import re  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import ecociv  # noqa: E402
from ecociv import _scorecard  # noqa: E402


@pytest.fixture()
def small(tmp_path: Path, baoshan: ecociv.Programme) -> ecociv.Evaluation:
    with ecociv.open(tmp_path / "card.redb") as store:
        store.register_programme(baoshan)
        store.ingest(pd.DataFrame({
            "region": ["530500"] * 3 + ["530502"] * 3, "metric": "rural_income",
            "period": [2015, 2016, 2017] * 2, "value": [5000.0, 5400.0, 5800.0, 6100.0, 6200.0, 6300.0],
        }))
        return store.evaluate(baoshan)


def test_scorecard_of_one_period(small: ecociv.Evaluation) -> None:
    card = small.scorecard()  # default: the latest period with values
    assert card.title.endswith("period 2017")
    assert list(card.status.columns) == small.items and list(card.status.index) == small.regions
    assert card.status.loc["530500", "I01"] == "fail" and card.status.loc["530502", "I01"] == "pass"
    assert card.margin.loc["530500", "I01"] == pytest.approx(-200.0)
    page = small._repr_html_()
    cell = re.search(r"<td class='fail' title='(I01 530500[^']*)' style='background:(#[0-9a-f]+)", page)
    assert cell is not None
    hover, colour = cell.groups()
    assert colour == _scorecard.STATUS_COLOURS["fail"]
    assert "value 5800; threshold 6000; margin -200" in hover
    # a failing item's projection to each milestone (5000 → 5800 over two years: on track?)
    assert "technical_assessment: " in hover and "acceptance: " in hover and "projected 6" in hover
    passing = re.search(r"<td class='pass' title='I01 530502[^']*' style='background:(#[0-9a-f]+)", page)
    assert passing is not None and passing.group(1) == _scorecard.STATUS_COLOURS["pass"]
    assert "<th title='元/人'>I01</th>" in page


def test_scorecard_of_one_region_and_errors(small: ecociv.Evaluation) -> None:
    card = small.scorecard(region="530502")
    assert list(card.status.index) == ["2015", "2016", "2017"]
    assert list(card.value["I01"]) == [6100.0, 6200.0, 6300.0]
    assert "530502" in repr(card)
    with pytest.raises(KeyError):
        small.scorecard(region="nowhere")
    with pytest.raises(KeyError):
        small.scorecard(period=1990)
    assert repr(small) == f"<Evaluation: {len(small.items)} items × 6 regions × 3 periods>"


def test_scorecard_html_is_capped_and_escaped(small: ecociv.Evaluation, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_scorecard, "MAX_ROWS", 2)
    page = small.scorecard()._repr_html_()
    assert page.count("<tr><th style='text-align:left'>") == 2
    assert "… 4 more rows" in page
    assert "<script" not in page
