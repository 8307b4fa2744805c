"""Programme: built-in, from_file / from_str / save round trips, the indicator DataFrame, errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import ecociv

COLUMNS = [
    "code",
    "indicator",
    "category",
    "item",
    "name",
    "measure",
    "comparator",
    "threshold",
    "unit",
    "attribute",
    "lead",
    "cooperating",
]


def test_builtin_ids_include_baoshan() -> None:
    ids = ecociv.Programme.builtin_ids()
    assert "baoshan-2017" in ids
    for programme_id in ids:
        assert ecociv.Programme.builtin(programme_id).id == programme_id


def test_builtin_properties(baoshan: ecociv.Programme) -> None:
    assert baoshan.id == "baoshan-2017"
    assert "保山" in baoshan.title
    assert baoshan.categories, "the programme lists its categories"
    assert all(isinstance(b, str) and b for b in baoshan.issued_by)


def test_unknown_builtin_is_a_programme_error() -> None:
    with pytest.raises(ecociv.ProgrammeError, match="no-such-programme") as info:
        ecociv.Programme.builtin("no-such-programme")
    assert isinstance(info.value, ecociv.EcocivError)
    [problem] = info.value.errors()
    assert problem["type"] == "unknown_builtin"
    assert problem["field"] == "id"


def test_indicator_table_shape_and_columns(baoshan: ecociv.Programme) -> None:
    table = baoshan.indicators()
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == COLUMNS
    assert table.shape == (24, len(COLUMNS))
    assert table["code"].is_unique
    conditions = table["category"] == "基本条件"
    # the document's 18 construction indicators, then the measurable basic conditions
    assert table.loc[~conditions, "indicator"].nunique() == 18
    assert table.loc[conditions, "indicator"].str.startswith("BC").all()
    assert not conditions[: (~conditions).sum()].any(), "indicators' items come first"
    assert set(table.loc[~conditions, "category"]) <= set(baoshan.categories)
    assert set(table["attribute"]) <= {"binding", "guiding", "reference", "expected"}
    assert all(isinstance(lead, list) and lead for lead in table["lead"])


def test_indicator_table_first_item_matches_the_document(baoshan: ecociv.Programme) -> None:
    # 1.农民年人均纯收入≥6000 元/人(约束性指标)。(责任单位:市农业局;配合单位:市统计局)
    table = baoshan.indicators()
    first = table[table["indicator"] == "1"].iloc[0]
    assert "农民" in first["item"]
    assert (first["comparator"], first["threshold"], first["unit"]) == (">=", "6000", "元/人")
    assert first["attribute"] == "binding"
    assert first["lead"] == ["市农业局"]
    assert first["cooperating"] == ["市统计局"]


def test_save_and_from_file_round_trip(baoshan: ecociv.Programme, tmp_path: Path) -> None:
    path = tmp_path / "baoshan.toml"
    baoshan.save(path)
    again = ecociv.Programme.from_file(path)
    assert again == baoshan
    assert again.indicators().equals(baoshan.indicators())
    assert ecociv.Programme.from_file(str(path)) == baoshan


def test_from_str_round_trip(baoshan: ecociv.Programme, baoshan_toml: str) -> None:
    assert ecociv.Programme.from_str(baoshan_toml) == baoshan
    assert baoshan != ecociv.Programme.from_str(baoshan_toml.replace("6000", "7000", 1))


def _line_of(text: str, needle: str) -> int:
    """1-based line of the first occurrence of `needle`."""
    return text[: text.index(needle)].count("\n") + 1


def test_invalid_file_lists_problems_with_line_and_field(baoshan_toml: str, tmp_path: Path) -> None:
    broken = baoshan_toml.replace('lead = ["市农业局"]', 'lead = ["市农业厅"]', 1)
    assert broken != baoshan_toml
    path = tmp_path / "broken.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ecociv.ProgrammeError) as info:
        ecociv.Programme.from_file(path)
    problems = info.value.errors()
    assert [p["type"] for p in problems] == ["unknown_unit"]
    [problem] = problems
    assert problem["line"] == _line_of(broken, "市农业厅")
    assert problem["file"] == str(path)
    assert "lead" in problem["field"]
    assert "市农业厅" in problem["message"]
    assert str(path) in str(info.value)
    # the problems drop straight into a DataFrame
    frame = pd.DataFrame(problems)
    assert {"file", "line", "column", "field", "type", "message"} <= set(frame.columns)


def test_syntax_error_names_line_and_field(baoshan_toml: str) -> None:
    broken = baoshan_toml.replace('comparator = ">="', 'comparator = "at least"', 1)
    with pytest.raises(ecociv.ProgrammeError) as info:
        ecociv.Programme.from_str(broken, origin="typed-in.toml")
    [problem] = info.value.errors()
    assert problem["type"] == "syntax"
    assert problem["file"] == "typed-in.toml"
    assert problem["line"] == _line_of(broken, "at least")
    assert "comparator" in problem["field"]


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(FileNotFoundError) as info:
        ecociv.Programme.from_file(missing)
    assert info.value.filename == str(missing)


def test_repr_and_str(baoshan: ecociv.Programme) -> None:
    text = repr(baoshan)
    assert "baoshan-2017" in text
    assert "18 indicators" in text and "24 items" in text
    shown = str(baoshan)
    assert baoshan.title in shown
    for code in baoshan.indicators()["code"]:
        assert code in shown


def test_repr_html_groups_items_by_category(baoshan: ecociv.Programme) -> None:
    page = baoshan._repr_html_()
    assert page.count("<table>") == 1
    positions = [page.index(f">{category}<") for category in baoshan.categories if category in page]
    assert positions == sorted(positions), "categories appear in the programme's order"
    table = baoshan.indicators()
    assert page.count("<td>") == 5 * len(table)
    assert "binding" in page
    assert "元/人" in page


def test_programme_cannot_be_built_from_anything() -> None:
    with pytest.raises(TypeError):
        ecociv.Programme("baoshan-2017")  # type: ignore[arg-type,unused-ignore]
