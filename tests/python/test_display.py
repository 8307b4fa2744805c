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
