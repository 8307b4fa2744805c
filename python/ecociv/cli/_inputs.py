"""Reading the command line's input files: region and metric dictionaries (CSV), and the
problems found in them, each with file, line and field.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "regions.csv"
>>> _ = path.write_text("code,name,level,parent,terrain\\n5305,保山市,city,,\\n530502,隆阳区,county,5305,mountain\\n")
>>> [r[:4] for r in read_regions(path, ["city", "county"])]
[('5305', '保山市', 'city', None), ('530502', '隆阳区', 'county', '5305')]
>>> read_regions(path, ["city", "county"])[1][4]
{'terrain': 'mountain'}
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem of an input: where (file, line, field) and what."""

    file: str
    line: int | None
    field: str | None
    message: str
    kind: str = "bad_input"

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message} [{self.kind}]"


class InputError(Exception):
    """Bad input found by the command line itself; ``problems`` lists every one."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


def _rows(path: Path, required: Sequence[str]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the (line, row) pairs of a CSV file; refuses a missing column."""
    name = os.fspath(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = list(reader.fieldnames or [])
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(
                    f"{name}: missing column(s) {', '.join(missing)}",
                    [Problem(name, 1, c, "required column is missing", "header") for c in missing],
                )
            rows = [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]
    except UnicodeDecodeError as e:
        raise InputError(f"{name}: not UTF-8 text", [Problem(name, None, None, str(e), "encoding")]) from None
    except csv.Error as e:
        raise InputError(f"{name}: not a CSV file", [Problem(name, None, None, str(e), "csv")]) from None
    return header, rows


Region = tuple[str, str, str, str | None, dict[str, str]]


def read_regions(path: Path, levels: Sequence[str]) -> list[Region]:
    """Regions from a CSV file with columns ``code,name,level,parent`` and any number of
    attribute columns (an empty cell sets no attribute).

    Raises:
        InputError: listing every bad row (empty code or name, unknown level, a code twice).
    """
    name = os.fspath(path)
    header, rows = _rows(path, ("code", "name", "level", "parent"))
    attributes = [c for c in header if c not in ("code", "name", "level", "parent")]
    problems: list[Problem] = []
    out: list[Region] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        for field in ("code", "name"):
            if not row.get(field):
                problems.append(Problem(name, line, field, "empty", "missing_value"))
        if row.get("level") not in levels:
            problems.append(Problem(
                name, line, "level", f"unknown level {row.get('level')!r} (one of {', '.join(levels)})",
                "unknown_level"))
        code = row.get("code", "")
        if code in seen:
            problems.append(Problem(name, line, "code", f"{code!r} already on line {seen[code]}", "duplicate"))
        seen[code] = line
        attrs = {a: row[a] for a in attributes if row.get(a)}
        out.append((code, row.get("name", ""), row.get("level", ""), row.get("parent") or None, attrs))
    if problems:
        raise InputError(f"{len(problems)} problem(s) in {name}, nothing written", problems)
    if not out:
        raise InputError(f"{name}: no rows", [Problem(name, 2, None, "the file has no rows", "empty")])
    return out


Metric = tuple[str, str, str | None, str, list[str], str | None]
KINDS = ("number", "boolean", "category")


def read_metrics(path: Path) -> list[Metric]:
    """Metrics from a CSV file with columns ``code,name,unit,kind`` and optional
    ``description`` and ``categories`` (separated by ``;``).

    Raises:
        InputError: listing every bad row.
    """
    name = os.fspath(path)
    _, rows = _rows(path, ("code", "name", "unit", "kind"))
    problems: list[Problem] = []
    out: list[Metric] = []
    for line, row in rows:
        for field in ("code", "name"):
            if not row.get(field):
                problems.append(Problem(name, line, field, "empty", "missing_value"))
        kind = row.get("kind") or "number"
        if kind not in KINDS:
            problems.append(Problem(
                name, line, "kind", f"unknown kind {kind!r} (one of {', '.join(KINDS)})", "unknown_kind"))
        categories = [c.strip() for c in row.get("categories", "").split(";") if c.strip()]
        if kind == "category" and not categories:
            problems.append(Problem(name, line, "categories", "a category metric needs categories", "missing_value"))
        out.append((row.get("code", ""), row.get("name", ""), row.get("unit") or None, kind, categories,
                    row.get("description") or None))
    if problems:
        raise InputError(f"{len(problems)} problem(s) in {name}, nothing written", problems)
    return out
