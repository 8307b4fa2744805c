"""Shared fixtures of the Python test suite.

The suite tests the *installed* package (``make test`` installs it into .venv first); it never
imports from python/ directly. Files it writes go to pytest's tmp_path.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from types import ModuleType
from pathlib import Path

import pytest

import ecociv

#: The repository root (tests/python/..).
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def baoshan() -> ecociv.Programme:
    """The built-in Baoshan 2017 programme."""
    return ecociv.Programme.builtin("baoshan-2017")


@pytest.fixture(scope="session")
def baoshan_toml(baoshan: ecociv.Programme) -> str:
    """The Baoshan programme as TOML text."""
    text: str = baoshan.to_toml()
    return text


CliRunner = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture(scope="session")
def cli() -> CliRunner:
    """Runs the installed ``ecociv`` console script with the given arguments."""
    return run_cli


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Runs the installed ``ecociv`` console script (next to this interpreter)."""
    script = Path(sys.executable).parent / ("ecociv.exe" if os.name == "nt" else "ecociv")
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def _longest_stall(call: Callable[[], object]) -> tuple[float, float]:
    """Runs `call` while a ticker thread notes its longest pause between ticks.

    Returns ``(longest pause, duration of the call)``: if the call held the GIL throughout,
    the pause would be about the whole duration.
    """
    started: list[float] = []
    longest = [0.0]
    done = threading.Event()

    def ticker() -> None:
        last = None
        while not done.is_set():
            now = time.perf_counter()
            if started:
                last = max(last or started[0], started[0])
                longest[0] = max(longest[0], now - last)
            last = now

    thread = threading.Thread(target=ticker)
    thread.start()
    try:
        time.sleep(0.05)
        started.append(time.perf_counter())
        call()
        duration = time.perf_counter() - started[0]
    finally:
        done.set()
        thread.join()
    return longest[0], duration


def _load_script(relative: str, name: str) -> ModuleType:
    """A script of the repository (e.g. ``benches/python/kit.py``), imported by path as `name`."""
    spec = importlib.util.spec_from_file_location(name, REPO / relative)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def longest_stall() -> Callable[[Callable[[], object]], tuple[float, float]]:
    """The GIL-release probe: ``longest_stall(call)`` → ``(longest pause, duration)``."""
    return _longest_stall


#: The benchmark kit (read-only, beside the repository).
KIT = REPO.parent / "shared" / "bench"


@pytest.fixture(scope="session")
def bench_kit() -> ModuleType:
    """benches/python/kit.py: the kit's data, its programme, ingest and checksum helpers. Skips
    the test when the kit (``../shared/bench``) or pyarrow (its data are parquet) is absent."""
    if not (KIT / "gen.py").is_file():
        pytest.skip(f"the benchmark kit is not at {KIT}")
    pytest.importorskip("pyarrow", reason="the kit's data are parquet files")
    return _load_script("benches/python/kit.py", "ecociv_bench_kit")


@pytest.fixture(scope="session")
def kit_data(bench_kit: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The kit's S and V parquet files, generated once per test session by its ``gen.py`` into
    a temporary folder (also the ``PERF_DATA_DIR`` the benchmark scripts are run with)."""
    return bench_kit.ensure_data(["S", "V"], tmp_path_factory.mktemp("kit"))  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def projection_baseline() -> ModuleType:
    """benches/python/projection_baseline.py: the numpy and polars projection baselines."""
    return _load_script("benches/python/projection_baseline.py", "ecociv_projection_baseline")
