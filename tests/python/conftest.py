"""Shared fixtures of the Python test suite.

The suite tests the *installed* package (``make test`` installs it into .venv first); it never
imports from python/ directly. Files it writes go to pytest's tmp_path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
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
