"""The Python benchmarks (benches/python/) run end to end on the kit's small S dataset, and their
helper builds the programmes and stores they time correctly. Needs ``../shared/bench`` (the
benchmark kit, read-only); skipped when it is absent. The data go to a temporary
``PERF_DATA_DIR``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import ecociv

REPO = Path(__file__).resolve().parents[2]
BENCHES = REPO / "benches" / "python"


@pytest.fixture(scope="module")
def kit(bench_kit: ModuleType) -> ModuleType:
    return bench_kit


@pytest.fixture(scope="module")
def data_dir(kit_data: dict[str, Path]) -> Path:
    """The folder of the kit's S and V data (conftest's ``kit_data``)."""
    return kit_data["S"].parent


def test_programme_variants(kit: ModuleType) -> None:
    plain = kit.plain_programme_text()
    full = kit.assess_programme_text()
    assert "assess = " not in plain
    # The overlay's 18 items get bands, scores and trends; six get progress; the built-in
    # projections stay on every line that had them.
    assert len(re.findall(r"^assess = .*bands = ", full, re.M)) == 18
    assert len(re.findall(r"^assess = .*progress = ", full, re.M)) == 6
    assert all("projection = [" in line for line in full.splitlines() if line.startswith("assess = "))
    for text in (plain, full):
        assert ecociv.Programme.from_str(text, "variant.toml").id == "baoshan-2017"
    with pytest.raises(ValueError, match="no such items"):
        kit.with_assessments(plain, "[NOPE]\nbands = { green = 1, red = 0 }\n")


def test_kit_regions_in_a_store(kit: ModuleType, tmp_path: Path) -> None:
    # R1 is a city (R2's parent), R3's parent has no rows of its own: not a region, no parent.
    programme = kit.kit_programme(["R2", "R1", "R3", "R2"], ["R1", None, "R9", "R1"])
    with ecociv.Store.open(tmp_path / "k.redb") as store:
        store.register_programme(programme)
        regions = store.regions().set_index("code")
    assert sorted(regions.index) == ["R1", "R2", "R3"]
    assert regions.loc["R1", "level"] == "city" and regions.loc["R2", "level"] == "county"
    assert regions.loc["R2", "parent"] == "R1"
    assert not isinstance(regions.loc["R3", "parent"], str)  # None or NaN: no parent


def run(script: str, data_dir: Path, *args: str) -> str:
    env = dict(os.environ, PERF_DATA_DIR=str(data_dir))
    cp = subprocess.run(
        [sys.executable, str(BENCHES / script), *args],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )
    assert cp.returncode == 0, cp.stdout + cp.stderr
    return cp.stdout


def test_bench_eval_runs_and_checksums_agree(data_dir: Path) -> None:
    out = run("bench_eval.py", data_dir, "--scale", "S", "--tools", "numpy", "--reps", "1")
    assert "checksums agree: yes" in out, out
    assert "`a2986f3d6bbf0881`" in out
    assert re.search(r"^\| numpy \|", out, re.M), out
    assert "ecociv `store.evaluate(...).results()`, + bands" in out
    # The deadline projections' baselines (projection_baseline.py), checked against ecociv's.
    assert "| numpy baseline (`projection_baseline.py`) |" in out, out
    assert "projection columns agree: yes" in out, out


def test_bench_store_runs(data_dir: Path) -> None:
    out = run("bench_store.py", data_dir, "--scale", "S", "--reps", "1")
    for op in ("ingest from a DataFrame", "ingest (CSV file)", "read: panel + evaluate",
               "read: full scan into arrays"):
        assert re.search(rf"^\| {re.escape(op)} \|", out, re.M), out
    assert "sqlite3 ids" in out
