"""The typed stubs of the compiled module match it (mypy.stubtest) and the package type-checks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ecociv


def test_stubtest_compiled_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "ecociv._ecociv"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_package_ships_stubs_and_py_typed() -> None:
    package = Path(ecociv.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "_ecociv.pyi").is_file()


def test_mypy_strict_on_the_package(tmp_path: Path) -> None:
    # run from an empty directory: mypy finds the installed package through its py.typed
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", "ecociv"],
        capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
