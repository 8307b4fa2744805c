"""The ``>>>`` examples in the installed package's docstrings run and pass."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest

import ecociv


def _modules() -> list[str]:
    names = [ecociv.__name__]
    names += [m.name for m in pkgutil.walk_packages(ecociv.__path__, prefix="ecociv.")]
    # `python -m ecociv` entry point: importing it runs the CLI.
    return [n for n in names if n not in {"ecociv.__main__", "ecociv._ecociv"}]


def test_every_module_is_collected() -> None:
    assert {"ecociv", "ecociv.cli", "ecociv.programme", "ecociv._display"} <= set(_modules())


@pytest.mark.parametrize("name", _modules())
def test_doctests(name: str) -> None:
    module: ModuleType = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(module, name)  # globals: a copy of the module's
    report: list[str] = []
    for test in tests:
        runner.run(test, out=report.append)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, "".join(report)
