"""The README's Python examples run as written, in order, in one namespace."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def _blocks(readme: Path, language: str) -> list[str]:
    return [code for lang, code in FENCE.findall(readme.read_text(encoding="utf-8")) if lang == language]


def test_readme_has_python_and_rust_examples(repo: Path) -> None:
    readme = repo / "README.md"
    assert _blocks(readme, "python"), "the README shows Python usage"
    assert _blocks(readme, "rust"), "the README shows Rust usage"
    assert any("make demo" in b and "make test" in b for b in _blocks(readme, "sh"))


def test_readme_python_blocks_run(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__readme__"}
    output = io.StringIO()
    for number, code in enumerate(_blocks(repo / "README.md", "python"), start=1):
        with contextlib.redirect_stdout(output):
            exec(compile(code, f"README.md python block {number}", "exec"), namespace)
    printed = output.getvalue()
    assert "baoshan" in repr(namespace["programme"])
    assert "市" in printed  # the lead units of the binding items were printed
    # the broken-file example reached its except-branch and printed the problem's line
    assert re.search(r"^\d+ indicators\[0\]\.items\[0\]\.lead\[0\] unknown_unit$", printed, re.M), printed
    assert re.search(r"^\d+ phases\[\d+\]\S* inverted_dates$", printed, re.M), printed
    # the store example evaluated I01 (rural income >= 6000): 5800 fails in 2016, 6350 passes in 2017
    assert re.search(r"I01\s+530500\s+2016\s+fail\s+5800", printed), printed
    assert re.search(r"I01\s+530500\s+2017\s+pass\s+6350", printed), printed
    assert os.getcwd() == str(tmp_path)
