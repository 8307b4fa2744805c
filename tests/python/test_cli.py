"""The ``ecociv`` console script, run as a subprocess: output and exit codes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import ecociv

#: The `cli` fixture (conftest.py): runs the console script with these arguments.
CliRunner = Callable[..., "subprocess.CompletedProcess[str]"]


def test_show_builtin_prints_every_item(cli: CliRunner, baoshan: ecociv.Programme) -> None:
    done = cli("programme", "show", "baoshan-2017")
    assert done.returncode == 0, done.stderr
    assert baoshan.title in done.stdout
    table = baoshan.indicators()
    for code in table["code"]:
        assert code in done.stdout
    assert f"{len(table)} items" in done.stdout
    for category in set(table["category"]):
        assert f"[{category}]" in done.stdout


def test_show_file(cli: CliRunner, baoshan: ecociv.Programme, tmp_path: Path) -> None:
    path = tmp_path / "copy.toml"
    baoshan.save(path)
    done = cli("programme", "show", "--file", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout == cli("programme", "show", "baoshan-2017").stdout


def test_list_builtins(cli: CliRunner) -> None:
    done = cli("programme", "list")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ecociv.Programme.builtin_ids()


def test_unknown_builtin_exits_2(cli: CliRunner) -> None:
    done = cli("programme", "show", "no-such-programme")
    assert done.returncode == 2
    assert "no-such-programme" in done.stderr
    assert done.stdout == ""


def test_invalid_file_exits_2_naming_file_line_and_field(
    cli: CliRunner, baoshan_toml: str, tmp_path: Path
) -> None:
    broken = baoshan_toml.replace('lead = ["市农业局"]', 'lead = ["市农业厅"]', 1)
    path = tmp_path / "broken.toml"
    path.write_text(broken, encoding="utf-8")
    line = broken[: broken.index("市农业厅")].count("\n") + 1
    done = cli("programme", "show", "--file", str(path))
    assert done.returncode == 2
    assert f"{path}:{line}:" in done.stderr
    assert "lead" in done.stderr and "[unknown_unit]" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_file_exits_2(cli: CliRunner, tmp_path: Path) -> None:
    done = cli("programme", "show", "--file", str(tmp_path / "nowhere.toml"))
    assert done.returncode == 2
    assert "nowhere.toml" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_arguments_exit_2(cli: CliRunner) -> None:
    assert cli().returncode == 2
    assert cli("programme", "show").returncode == 2
    assert cli("programme", "show", "baoshan-2017", "--file", "x.toml").returncode == 2


def test_python_dash_m_and_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ecociv", "--version"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"ecociv {ecociv.__version__}"


def test_demo_main_job(cli: CliRunner, tmp_path: Path) -> None:
    store, html = tmp_path / "demo.redb", tmp_path / "report.html"
    for _ in range(2):  # the main job can be re-run on the same store
        done = cli("demo", "--store", str(store), "--html", str(html))
        assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "保山市 scorecard, 2017" in out
    assert "**Verdict: fails**" in out
    assert "progress bulletin as of 2017-12-31" in out
    assert "通过省环保厅考核验收 (2018-06-30)" in out  # projections of failing items
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'class="verdict fails"' in page
    # Re-running added no new vintages: the demo values were already there.
    with ecociv.Store.open(store) as s:
        stats = s.stats()
    assert stats["vintages"] == stats["cells"]


def test_demo_on_a_file_that_is_not_a_store_exits_2(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "not-a-store.redb"
    bad.write_text("hello", encoding="utf-8")
    done = cli("demo", "--store", str(bad), "--html", str(tmp_path / "r.html"))
    assert done.returncode == 2
    assert "not-a-store.redb" in done.stderr
