"""The ``ecociv`` console script, run as a subprocess on temporary stores: every subcommand,
its output, and the exit code of bad input (0 ok, 1 ``evaluate --check`` failures, 2 bad input
or usage, 3 store unusable, 70 internal)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import ecociv

#: The `cli` fixture (conftest.py): runs the console script with these arguments.
CliRunner = Callable[..., "subprocess.CompletedProcess[str]"]

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO / "tests" / "it" / "snapshots"
DEMO_CSV = REPO / "examples" / "data" / "baoshan-demo.csv"


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr, done.stderr


@pytest.fixture(scope="module")
def demo_store(cli: CliRunner, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the Baoshan demo loaded by the main job (shared, read-mostly)."""
    tmp = tmp_path_factory.mktemp("demo")
    store = tmp / "demo.redb"
    done = cli("demo", "--store", str(store), "--html", str(tmp / "r.html"))
    assert done.returncode == 0, done.stderr
    return store


@pytest.fixture()
def registered(cli: CliRunner, tmp_path: Path) -> Path:
    """A fresh store with the Baoshan programme's regions and metrics registered."""
    store = tmp_path / "fresh.redb"
    done = cli("programme", "register", "baoshan-2017", "--store", str(store))
    assert done.returncode == 0, done.stderr
    assert "regions and metrics registered" in done.stdout
    return store


# --- programme ----------------------------------------------------------------------------

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
    assert cli("programme", "show", str(path)).stdout == done.stdout  # a path as the id


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
    no_traceback(done)


def test_check_prints_every_problem(cli: CliRunner, baoshan_toml: str, tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(baoshan_toml, encoding="utf-8")
    done = cli("programme", "check", str(good))
    assert done.returncode == 0, done.stderr
    assert f"{good}: ok — baoshan-2017" in done.stdout
    # two independent mistakes: both are reported, each with file:line:column
    broken = baoshan_toml.replace('lead = ["市农业局"]', 'lead = ["市农业厅"]', 1)
    broken = broken.replace('lead = ["市水务局"]', 'lead = ["市水利厅"]', 1)
    bad = tmp_path / "bad.toml"
    bad.write_text(broken, encoding="utf-8")
    done = cli("programme", "check", str(good), str(bad))
    assert done.returncode == 2
    assert f"{good}: ok" in done.stdout
    for unit in ("市农业厅", "市水利厅"):
        line = broken[: broken.index(unit)].count("\n") + 1
        assert any(ln.strip().startswith(f"{bad}:{line}:") for ln in done.stderr.splitlines()), done.stderr
    no_traceback(done)


def test_export_round_trips(cli: CliRunner, baoshan: ecociv.Programme, tmp_path: Path) -> None:
    done = cli("programme", "export", "baoshan-2017")
    assert done.returncode == 0, done.stderr
    assert ecociv.Programme.from_str(done.stdout) == baoshan
    out = tmp_path / "out.toml"
    done = cli("programme", "export", "baoshan-2017", "--output", str(out))
    assert done.returncode == 0 and str(out) in done.stderr
    assert ecociv.Programme.from_file(out) == baoshan


def test_missing_file_exits_2(cli: CliRunner, tmp_path: Path) -> None:
    done = cli("programme", "show", "--file", str(tmp_path / "nowhere.toml"))
    assert done.returncode == 2
    assert "nowhere.toml" in done.stderr
    no_traceback(done)


def test_bad_arguments_exit_2(cli: CliRunner) -> None:
    assert cli().returncode == 2
    assert cli("programme", "show").returncode == 2
    assert cli("programme", "show", "baoshan-2017", "--file", "x.toml").returncode == 2
    assert cli("evaluate", "--period", "17").returncode == 2
    assert cli("evaluate", "--format", "xml").returncode == 2
    assert cli("report", "bulletin", "--as-of", "2017-13-01").returncode == 2
    assert cli("task", "set", "P1.1", "finished").returncode == 2


def test_python_dash_m_and_version() -> None:
    for module in ("ecociv", "ecociv.cli"):
        done = subprocess.run(
            [sys.executable, "-m", module, "--version"],
            capture_output=True, text=True, timeout=60, check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"ecociv {ecociv.__version__}"


# --- the main job -------------------------------------------------------------------------

def test_demo_main_job(cli: CliRunner, tmp_path: Path) -> None:
    store, html = tmp_path / "demo.redb", tmp_path / "report.html"
    for _ in range(2):  # the main job can be re-run on the same store
        done = cli("demo", "--store", str(store), "--html", str(html))
        assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "保山市 scorecard, 2017" in out
    assert "**Verdict: fails**" in out
    assert "progress bulletin as of 2017-12-31" in out
    # the scorecard's projection column, then the bulletin's: failing items' projections
    assert "| lead unit | projection |" in out
    assert out.count("通过省环保厅考核验收 (2018-06-30)") >= 2
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'class="verdict fails"' in page
    # Re-running added no new vintages: the demo values were already there.
    with ecociv.Store.open(store) as s:
        stats = s.stats()
    assert stats["vintages"] == stats["cells"]


def test_default_store_from_environment(tmp_path: Path) -> None:
    store = tmp_path / "env" / "store.redb"
    script = Path(sys.executable).parent / "ecociv"
    env = {**os.environ, "ECOCIV_STORE": str(store)}
    done = subprocess.run([str(script), "programme", "register", "baoshan-2017"],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert store.is_file()


def test_a_file_that_is_not_a_store_exits_3(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "not-a-store.redb"
    bad.write_text("hello", encoding="utf-8")
    for args in (("demo", "--html", str(tmp_path / "r.html")), ("regions", "list"),
                 ("evaluate",), ("task", "list")):
        done = cli(*args, "--store", str(bad))
        assert done.returncode == 3, (args, done.stderr)
        assert "not-a-store.redb" in done.stderr
        no_traceback(done)


def test_a_store_open_in_another_process_exits_3(cli: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "held.redb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, ecociv; s = ecociv.Store.open(sys.argv[1]); print('open', flush=True); "
         "sys.stdin.read()", str(store)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        done = cli("task", "list", "--store", str(store))
        assert done.returncode == 3, done.stderr
        assert "held.redb" in done.stderr and "already open" in done.stderr
        no_traceback(done)
    finally:
        holder.communicate("", timeout=60)


# --- regions, metrics, import -------------------------------------------------------------

def test_regions_import_and_list(cli: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "s.redb"
    path = tmp_path / "regions.csv"
    path.write_text(
        "code,name,level,parent,terrain,zone\n"
        "R,测试市,city,,,\n"
        "R1,一县,county,R,mountain,south\n"
        "R2,二县,county,R,plain,\n",
        encoding="utf-8",
    )
    done = cli("regions", "import", str(path), "--store", str(store))
    assert done.returncode == 0, done.stderr
    assert "3 region(s) imported" in done.stdout
    listed = cli("regions", "list", "--store", str(store)).stdout.splitlines()
    assert "R1\t一县\tcounty\tR\tterrain=mountain zone=south" in listed
    assert "R2\t二县\tcounty\tR\tterrain=plain" in listed
    assert "R\t测试市\tcity" in listed


def test_regions_import_reports_every_bad_row(cli: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "s.redb"
    path = tmp_path / "regions.csv"
    path.write_text(
        "code,name,level,parent\nR,测试市,metropolis,\nR1,,county,R\nR,again,county,\n",
        encoding="utf-8",
    )
    done = cli("regions", "import", str(path), "--store", str(store))
    assert done.returncode == 2
    err = done.stderr
    assert f"{path}:2: level: unknown level 'metropolis'" in err
    assert f"{path}:3: name: empty" in err
    assert f"{path}:4: code: 'R' already on line 2" in err
    no_traceback(done)
    assert cli("regions", "list", "--store", str(store)).stdout == ""  # nothing written
    # a missing column, and a parent the store does not know
    path.write_text("code,name,level\nR,x,city\n", encoding="utf-8")
    done = cli("regions", "import", str(path), "--store", str(store))
    assert done.returncode == 2 and f"{path}:1: parent: required column is missing" in done.stderr
    path.write_text("code,name,level,parent\nR1,x,county,NOPE\n", encoding="utf-8")
    done = cli("regions", "import", str(path), "--store", str(store))
    assert done.returncode == 2 and "NOPE" in done.stderr
    no_traceback(done)


def test_metrics_import(cli: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "s.redb"
    path = tmp_path / "metrics.csv"
    path.write_text("code,name,unit,kind,description\nm1,指标一,%,number,one\nm2,二,,boolean,\n",
                    encoding="utf-8")
    done = cli("metrics", "import", str(path), "--store", str(store))
    assert done.returncode == 0, done.stderr
    assert "2 metric(s) imported" in done.stdout
    path.write_text("code,name,unit,kind\nm3,三,,text\n", encoding="utf-8")
    done = cli("metrics", "import", str(path), "--store", str(store))
    assert done.returncode == 2 and f"{path}:2: kind: unknown kind 'text'" in done.stderr


def test_import_dry_run_then_real(cli: CliRunner, registered: Path, tmp_path: Path) -> None:
    path = tmp_path / "obs.csv"
    path.write_text("region,metric,period,value\n530502,rural_income,2017,6800\n"
                    "530502,rural_income,2016,6400\n", encoding="utf-8")
    done = cli("import", str(path), "--dry-run", "--store", str(registered))
    assert done.returncode == 0, done.stderr
    assert "2 rows read; would add 2 vintages" in done.stdout and "dry run" in done.stdout
    with ecociv.Store.open(registered) as s:
        assert s.stats()["vintages"] == 0
    done = cli("import", str(path), "--store", str(registered))
    assert done.returncode == 0, done.stderr
    assert "2 rows read; added 2 vintages (2 new cells)" in done.stdout
    done = cli("import", str(path), "--store", str(registered))
    assert "added 0 vintages" in done.stdout and "2 unchanged" in done.stdout


def test_import_prints_every_bad_row(cli: CliRunner, registered: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    rows = ["region,metric,period,value", "530502,rural_income,2017,6800",
            "530599,rural_income,2017,1", "530502,no_metric,2017,1",
            "530502,rural_income,20x7,1", "530502,rural_income,2015,inf"]
    rows += [f"530502,rural_income,{1990 + i},abc" for i in range(25)]  # more than the message shows
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    done = cli("import", str(path), "--store", str(registered))
    assert done.returncode == 2
    err = done.stderr.splitlines()
    assert any(ln.strip().startswith(f"{path}:3: column region = '530599'") for ln in err), done.stderr
    assert any(f"{path}:4: column metric = 'no_metric'" in ln for ln in err)
    assert any(f"{path}:5: column period = '20x7'" in ln and "[bad_period]" in ln for ln in err)
    assert any(f"{path}:6: column value" in ln and "[non_finite]" in ln for ln in err)
    assert sum("[not_a_number]" in ln for ln in err) == 25
    no_traceback(done)
    with ecociv.Store.open(registered) as s:
        assert s.stats()["vintages"] == 0  # all or nothing
    done = cli("import", str(tmp_path / "missing.csv"), "--store", str(registered))
    assert done.returncode == 2 and "missing.csv" in done.stderr
    no_traceback(done)


def test_import_with_programme_registers_it_first(cli: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "s.redb"
    path = tmp_path / "obs.csv"
    path.write_text("region,metric,period,value\n530502,rural_income,2017,6800\n", encoding="utf-8")
    assert cli("import", str(path), "--store", str(store)).returncode == 2  # nothing registered
    done = cli("import", str(path), "--programme", "baoshan-2017", "--store", str(store))
    assert done.returncode == 0, done.stderr


# --- evaluate -----------------------------------------------------------------------------

def test_evaluate_formats_agree_with_the_python_api(cli: CliRunner, demo_store: Path) -> None:
    args = ("evaluate", "--store", str(demo_store), "--region", "530500", "--period", "2017")
    done = cli(*args, "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["verdicts"] == [
        {"region": "530500", "region_name": "保山市", "period": "2017", "verdict": "fails"}]
    rows = {r["item"]: r for r in result["rows"]}
    assert {r["region"] for r in result["rows"]} == {"530500"}
    # the same statuses and values as the notebook API's evaluation of the same store
    with ecociv.Store.open(demo_store) as s:
        frame = s.evaluate(ecociv.Programme.builtin("baoshan-2017")).results()
    frame = frame[(frame["region"] == "530500") & (frame["period"] == "2017")]
    assert len(frame) == len(rows)
    for item, status, value in zip(frame["item"], frame["status"], frame["value"], strict=True):
        assert rows[item]["status"] == status, item
        assert (rows[item]["value"] is None) == (value != value), item
    assert rows["I12a"]["status"] == "fail" and "2018-06-30" in rows["I12a"]["projection"]
    assert rows["I01"]["projection"] is None
    # CSV: one line per row, the same statuses
    parsed = list(csv.DictReader(io.StringIO(cli(*args, "--format", "csv").stdout)))
    assert {r["item"]: r["status"] for r in parsed} == {k: r["status"] for k, r in rows.items()}
    table = cli(*args).stdout
    assert "I12a 城市污水集中处理率" in table and "保山市 2017: fails" in table
    markdown = cli(*args, "--format", "markdown").stdout
    assert "| 保山市 | 2017 | I12a 城市污水集中处理率 | fail | 83.9 | >= 85 % | -1.1 |" in markdown
    page = cli(*args, "--format", "html").stdout
    assert page.startswith("<!DOCTYPE html>") and '<tr class="fail">' in page


def test_evaluate_filters(cli: CliRunner, demo_store: Path, tmp_path: Path) -> None:
    base = ("evaluate", "--store", str(demo_store), "--format", "json")
    every = json.loads(cli(*base).stdout)
    regions = {r["region"] for r in every["rows"]}
    assert len(regions) == 6
    ranged = json.loads(cli(*base, "--period", "2015..2016", "--period", "2018").stdout)
    assert {r["period"] for r in ranged["rows"]} == {"2015", "2016", "2018"}
    two = json.loads(cli(*base, "-r", "530502", "-r", "530521", "--period", "2017").stdout)
    assert {r["region"] for r in two["rows"]} == {"530502", "530521"}
    unit = "市林业局"
    mine = json.loads(cli(*base, "--unit", unit, "--period", "2017").stdout)["rows"]
    assert mine and all(unit in r["lead"] or unit in r["cooperating"] for r in mine)
    assert {r["item"] for r in mine} >= {"I06a", "I06b"}
    out = tmp_path / "e.csv"
    done = cli("evaluate", "--store", str(demo_store), "--format", "csv", "-o", str(out))
    assert done.returncode == 0 and done.stdout == "" and str(out) in done.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(every["rows"]) + 1


def test_evaluate_by_region_attribute(cli: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "s.redb"
    regions = tmp_path / "regions.csv"
    regions.write_text("code,name,level,parent,terrain\n530500,保山市,city,,\n"
                       "530502,隆阳区,county,530500,plain\n530521,施甸县,county,530500,mountain\n",
                       encoding="utf-8")
    assert cli("programme", "register", "baoshan-2017", "--store", str(store)).returncode == 0
    assert cli("regions", "import", str(regions), "--store", str(store)).returncode == 0
    obs = tmp_path / "obs.csv"
    obs.write_text("region,metric,period,value\n530502,rural_income,2017,6800\n"
                   "530521,rural_income,2017,5000\n", encoding="utf-8")
    assert cli("import", str(obs), "--store", str(store)).returncode == 0
    done = cli("evaluate", "--store", str(store), "--attribute", "terrain=mountain", "-f", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert {r["region"] for r in rows} == {"530521"}
    i01 = next(r for r in rows if r["item"] == "I01")
    assert i01["value"] == 5000 and i01["status"] == "fail"
    done = cli("evaluate", "--store", str(store), "--attribute", "terrain=sea")
    assert done.returncode == 2 and "terrain=sea" in done.stderr


def test_evaluate_as_of_and_check(cli: CliRunner, demo_store: Path) -> None:
    base = ("evaluate", "--store", str(demo_store), "-r", "530500", "--period", "2017")
    done = cli(*base, "--check")
    assert done.returncode == 1  # 保山市 fails in 2017
    bad = cli(*base[:3], "-r", "999999")
    assert bad.returncode == 2 and "999999" in bad.stderr
    no_traceback(bad)
    assert cli(*base, "--as-of", "yesterday").returncode == 2


def test_evaluate_as_of_sees_the_earlier_vintage(cli: CliRunner, registered: Path, tmp_path: Path) -> None:
    import time
    from datetime import datetime, timezone

    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("region,metric,period,value\n530502,rural_income,2017,5000\n", encoding="utf-8")
    second.write_text("region,metric,period,value\n530502,rural_income,2017,6800\n", encoding="utf-8")
    assert cli("import", str(first), "--store", str(registered)).returncode == 0
    time.sleep(1.1)
    between = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    time.sleep(1.1)
    assert cli("import", str(second), "--store", str(registered)).returncode == 0
    base = ("evaluate", "--store", str(registered), "-r", "530502", "--period", "2017", "-f", "json")

    def i01(*extra: str) -> dict[str, object]:
        done = cli(*base, *extra)
        assert done.returncode == 0, done.stderr
        rows: list[dict[str, object]] = json.loads(done.stdout)["rows"]
        return next(r for r in rows if r["item"] == "I01")

    assert i01()["value"] == 6800 and i01()["status"] == "pass"
    assert i01("--as-of", between)["value"] == 5000 and i01("--as-of", between)["status"] == "fail"
    nothing = json.loads(cli(*base, "--as-of", "2000-01-01").stdout)  # nothing known in 2000
    assert nothing["rows"] == [] and nothing["verdicts"] == []
    history = json.loads(cli("history", "530502", "rural_income", "2017", "-f", "json",
                             "--store", str(registered)).stdout)
    assert [v["value"] for v in history["vintages"]] == [5000, 6800] and history["latest"] == 6800


# --- history ------------------------------------------------------------------------------

def test_history_of_a_sourced_cell(cli: CliRunner, demo_store: Path) -> None:
    with open(DEMO_CSV, encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["source"].startswith("www."))
    args = ("history", row["region"], row["metric"], row["period"], "--store", str(demo_store))
    done = cli(*args)
    assert done.returncode == 0, done.stderr
    assert row["source"] in done.stdout
    data = json.loads(cli(*args, "-f", "json").stdout)
    assert data["latest"] == float(row["value"])
    assert [v["value"] for v in data["vintages"]] == [float(row["value"])]
    assert data["vintages"][0]["document"] == row["source"]
    done = cli("history", "999", row["metric"], row["period"], "--store", str(demo_store))
    assert done.returncode == 2 and "999" in done.stderr
    assert cli("history", "530500", "x", "2017x", "--store", str(demo_store)).returncode == 2


# --- reports and tasks --------------------------------------------------------------------

def _snapshot(name: str) -> str:
    return (SNAPSHOTS / name).read_text(encoding="utf-8").rstrip("\n")


def test_reports_match_the_pinned_snapshots(cli: CliRunner, demo_store: Path) -> None:
    base = ("--store", str(demo_store), "--periods", "2012..2020")
    cases = {
        "scorecard-530500-2017.md": ("scorecard", "--region", "530500", "--period", "2017"),
        "history-530581.md": ("history", "--region", "530581"),
        "unit-市住房城乡建设局.md": ("unit", "--unit", "市住房城乡建设局"),
    }
    for name, args in cases.items():
        done = cli("report", *args, *base)
        assert done.returncode == 0, done.stderr
        assert done.stdout.rstrip("\n") == _snapshot(name), name
        page = cli("report", *args, *base, "--html")
        assert page.returncode == 0 and page.stdout.startswith("<!DOCTYPE html>")


def test_bulletin_with_recorded_tasks(cli: CliRunner, demo_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "b.redb"
    assert cli("demo", "--store", str(store), "--html", str(tmp_path / "r.html")).returncode == 0
    done = cli("task", "set", "P1.1", "done", "--date", "2017-03-27", "--evidence", "本方案",
               "--store", str(store))
    assert done.returncode == 0, done.stderr
    bulletin = cli("report", "bulletin", "--as-of", "2017-12-31", "--periods", "2012..2020",
                   "--store", str(store))
    assert bulletin.returncode == 0, bulletin.stderr
    assert bulletin.stdout.rstrip("\n") == _snapshot("bulletin-2017-12-31.md")
    tasks = cli("task", "list", "--as-of", "2017-12-31", "--store", str(store)).stdout.splitlines()
    p11 = next(t for t in tasks if t.startswith("P1.1\t"))
    assert "\tdone\tdone on 2017-03-27 [本方案]\t" in p11
    assert sum("\toverdue\t" in t for t in tasks) == 18
    # later statuses supersede earlier ones
    assert cli("task", "set", "P1.2", "in_progress", "--store", str(store)).returncode == 0
    tasks = cli("task", "list", "--as-of", "2017-12-31", "--store", str(store)).stdout
    assert "P1.2\t2017-03-30\toverdue\tin_progress\t" in tasks
    html = tmp_path / "b.html"
    done = cli("report", "bulletin", "--as-of", "2017-12-31", "--html", "-o", str(html),
               "--store", str(store))
    assert done.returncode == 0 and '<td class="fail">overdue</td>' in html.read_text(encoding="utf-8")


def test_task_and_report_bad_input(cli: CliRunner, demo_store: Path) -> None:
    s = ("--store", str(demo_store))
    for args, needle in [
        (("task", "set", "P9.9", "done", "--date", "2017-01-01"), "P9.9"),
        (("task", "set", "P1.1", "done"), "--date"),
        (("task", "set", "P1.1", "planned", "--date", "2017-01-01"), "--date"),
        (("report", "scorecard", "--region", "999999"), "999999"),
        (("report", "scorecard", "--region", "530500", "--period", "1999"), "1999"),
        (("report", "history", "--region", "999999"), "999999"),
        (("report", "unit", "--unit", "x", "--programme", "no-such"), "no-such"),
    ]:
        done = cli(*args, *s)
        assert done.returncode == 2, (args, done.stderr)
        assert needle in done.stderr, (args, done.stderr)
        no_traceback(done)
    assert cli("report", "scorecard", *s).returncode == 2  # --region is required


def test_internal_failure_exits_70_with_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ecociv import cli

    def broken(_: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setitem(cli._COMMANDS, "task", broken)
    assert cli.main(["task", "list"]) == cli.EXIT_INTERNAL == 70
    err = capsys.readouterr().err
    assert "boom" in err and "Traceback" in err


def test_progress_shows_only_on_a_terminal() -> None:
    import time

    from ecociv.cli._progress import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Tty(), io.StringIO()
    with Progress("working", stream=tty, delay=0.0):
        time.sleep(0.35)
    with Progress("working", stream=pipe, delay=0.0):
        time.sleep(0.1)
    assert "working" in tty.getvalue() and tty.getvalue().endswith("\r\x1b[2K")
    assert pipe.getvalue() == ""


# --- the import progress bar -----------------------------------------------------------------

def test_progress_render_bar_spinner_and_write_phase() -> None:
    from ecociv.cli._progress import render

    half = render("importing x.csv", (12_300_000, 29_100_000), 1.23, 0)
    assert half == "importing x.csv [####......]  42% 12.3/29.1 MB 1.2 s"
    full = render("importing x.csv", (29_100_000, 29_100_000), 2.0, 1, after="writing")
    assert full == "importing x.csv [##########] 100% of 29.1 MB read; ⠙ writing… (no fraction) 2.0 s"
    assert render("evaluating p", None, 0.5, 1) == "⠙ evaluating p 0.5 s"  # no fraction: spinner
    assert render("importing pipe", (2_500, None), 0.5, 0) == "⠋ importing pipe 2.5 kB read 0.5 s"
    long = render("importing " + "x" * 200 + ".csv", (1, 2), 0.1, 0, width=60)
    assert len(long) == 59 and long.startswith("…") and " 50% " in long


def _run_import(path: Path, store: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`ecociv import` run in the file's directory (a short label), stderr kept as bytes
    decoded without newline translation (the bar redraws with ``\r``)."""
    script = Path(sys.executable).parent / ("ecociv.exe" if os.name == "nt" else "ecociv")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ECOCIV_")} | env
    done = subprocess.run(
        [str(script), "import", path.name, "--programme", "baoshan-2017", "--store", str(store)],
        capture_output=True, timeout=120, check=False, env=environ, cwd=path.parent,
    )
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(),
                                       done.stderr.decode())


def test_import_shows_a_progress_bar_when_forced(tmp_path: Path) -> None:
    import re

    path = tmp_path / "obs.csv"
    path.write_text("region,metric,period,value\n" + "".join(
        f"530502,rural_income,{y}-{m:02d},{6000 + y + m}\n" for y in range(1900, 2100)
        for m in range(1, 13)), encoding="utf-8")
    size = path.stat().st_size
    done = _run_import(path, tmp_path / "s.redb", ECOCIV_PROGRESS="force")
    assert done.returncode == 0, done.stderr
    assert "2400 rows read" in done.stdout  # stdout stays clean
    # the end of the file is always drawn: a full bar, then the phase without a fraction
    full = f"\rimporting obs.csv [##########] 100% of {size / 1e3:.1f} kB read; "
    assert re.search(re.escape(full) + r". writing… \(no fraction\) \d+\.\d s\x1b\[K",
                     done.stderr), done.stderr
    assert done.stderr.endswith("\r\x1b[2K")  # erased at the end
    # ECOCIV_NO_PROGRESS wins; off a terminal nothing is drawn
    for env in ({"ECOCIV_PROGRESS": "force", "ECOCIV_NO_PROGRESS": "1"}, {}):
        quiet = _run_import(path, tmp_path / "s.redb", **env)
        assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
