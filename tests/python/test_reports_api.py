"""The reports, display rows and task statuses of the notebook API — the same ones the command
line prints (it is a thin layer over these methods) — and the `kind` of a `StoreError`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

import ecociv
from ecociv._ecociv import run_demo
from ecociv.store import REGION_LEVELS, TASK_STATES

SNAPSHOTS = Path(__file__).resolve().parents[2] / "tests" / "it" / "snapshots"


def _snapshot(name: str) -> str:
    return (SNAPSHOTS / name).read_text(encoding="utf-8").rstrip("\n")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ecociv.Store]:
    path = tmp_path_factory.mktemp("demo") / "demo.redb"
    run_demo(path)
    with ecociv.open(path) as store:
        yield store


@pytest.fixture(scope="module")
def evaluation(demo: ecociv.Store, baoshan: ecociv.Programme) -> ecociv.Evaluation:
    return demo.evaluate(baoshan, periods=("2012", "2020"))


def test_reports_match_the_pinned_snapshots(evaluation: ecociv.Evaluation) -> None:
    assert evaluation.scorecard_markdown("530500", 2017).rstrip("\n") == _snapshot("scorecard-530500-2017.md")
    assert evaluation.report_markdown("history", region="530581").rstrip("\n") == _snapshot("history-530581.md")
    unit = "市住房城乡建设局"
    assert evaluation.report_markdown("unit", unit=unit).rstrip("\n") == _snapshot(f"unit-{unit}.md")
    page = evaluation.report_html("scorecard", region="530500", period="2017")
    assert page.startswith("<!DOCTYPE html>") and 'class="verdict fails"' in page


def test_report_errors(evaluation: ecociv.Evaluation) -> None:
    with pytest.raises(KeyError, match="999999"):
        evaluation.scorecard_markdown("999999")
    with pytest.raises(KeyError, match="1999"):
        evaluation.scorecard_markdown("530500", 1999)
    with pytest.raises(ValueError, match="unit: required"):
        evaluation.report_markdown("unit")
    with pytest.raises(ValueError, match='unknown report "weekly"'):
        evaluation.report_markdown("weekly")
    with pytest.raises(ValueError, match="not a date"):
        evaluation.report_markdown("bulletin", as_of="2017-13-01")


def test_display_rows_agree_with_to_pandas(evaluation: ecociv.Evaluation) -> None:
    rows, verdicts = evaluation.display_rows("530500")
    frame = evaluation.to_pandas()
    frame = frame[frame["region"] == "530500"]
    assert len(rows) == len(frame)
    statuses = {(r["item"], r["period"]): r["status"] for r in rows}
    for item, period, status in zip(frame["item"], frame["period"], frame["status"], strict=True):
        assert statuses[(item, period)] == status
    i12a = next(r for r in rows if r["item"] == "I12a" and r["period"] == "2017")
    assert (i12a["status"], i12a["threshold"], i12a["region_name"]) == ("fail", ">= 85 %", "保山市")
    assert "2018-06-30" in i12a["projection"]
    v = evaluation.verdicts()
    mine = v[v["region"] == "530500"]
    assert [x["verdict"] for x in verdicts] == mine["verdict"].tolist()


def test_tasks_recorded_and_shown_in_the_bulletin(tmp_path: Path, baoshan: ecociv.Programme) -> None:
    path = tmp_path / "t.redb"
    run_demo(path)
    with ecociv.open(path) as store:
        assert "P1.1" in baoshan.task_codes()
        before = store.tasks(baoshan, as_of="2017-12-31")
        assert before.loc[before.code == "P1.1", "state"].tolist() == [None]
        store.record_task(baoshan, "P1.1", "done", done_on=dt.date(2017, 3, 27), evidence="本方案")
        after = store.tasks(baoshan, as_of=dt.date(2017, 12, 31))
        p11 = after[after.code == "P1.1"].iloc[0]
        assert (p11.state, p11.done_on, p11.evidence, p11.standing) == ("done", "2017-03-27", "本方案", "done")
        assert (after.standing == "overdue").sum() == 18
        bulletin = store.evaluate(baoshan, periods=("2012", "2020")).report_markdown(
            "bulletin", as_of="2017-12-31")
        assert bulletin.rstrip("\n") == _snapshot("bulletin-2017-12-31.md")
        for bad in [dict(task="P9.9", state="done", done_on="2017-01-01"),
                    dict(task="P1.1", state="finished"),
                    dict(task="P1.1", state="done"),
                    dict(task="P1.1", state="planned", done_on="2017-01-01")]:
            with pytest.raises(ecociv.StoreError) as info:
                store.record_task(baoshan, **bad)  # type: ignore[arg-type]
            assert info.value.kind == "bad_input", bad
        assert len(store.tasks(baoshan, as_of="2017-12-31")) == len(after)  # nothing recorded


def test_store_error_kinds(tmp_path: Path, baoshan: ecociv.Programme) -> None:
    bad = tmp_path / "not-a-store.redb"
    bad.write_text("hello", encoding="utf-8")
    with pytest.raises(ecociv.StoreError) as info:
        ecociv.open(bad)
    assert info.value.kind == "not_a_store"
    with ecociv.open(tmp_path / "s.redb") as store:
        store.register_programme(baoshan)
        with pytest.raises(ecociv.StoreError) as info:
            store.history("999999", "rural_income", 2017)
        assert info.value.kind == "unknown_region"
        with pytest.raises(ecociv.StoreError) as info:
            store.latest("530500", "rural_income", "20x7")
        assert info.value.kind == "bad_input"
    assert ecociv.StoreError.kind == "store"  # the class default
    assert REGION_LEVELS[0] == "nation" and "county" in REGION_LEVELS
    assert TASK_STATES == ("planned", "in_progress", "done")


def test_default_path_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ECOCIV_STORE", str(tmp_path / "x.redb"))
    assert ecociv.Store.default_path() == str(tmp_path / "x.redb")
