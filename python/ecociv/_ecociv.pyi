"""Typed stubs of the compiled module ``ecociv._ecociv`` (checked by ``mypy.stubtest``)."""

from collections.abc import Callable
from os import PathLike
from pathlib import Path
from typing import Any, final

import numpy as np
import numpy.typing as npt

__version__: str
__all__ = [
    "EcocivError",
    "EvaluationData",
    "EvaluationError",
    "ExpressionError",
    "IngestError",
    "Programme",
    "ProgrammeError",
    "Store",
    "StoreError",
    "__version__",
    "run_demo",
]

class EcocivError(Exception):
    """Base class of every error raised by ecociv."""

class ProgrammeError(EcocivError):
    """A programme could not be loaded: ``.errors()`` lists each problem."""

    def errors(self) -> list[dict[str, Any]]:
        """Each problem: ``{file, line, column, field, type, message}``."""

class ExpressionError(EcocivError):
    """An expression failed to parse or type-check."""

class StoreError(EcocivError):
    """The store could not be opened, read or written, or refused a request."""

    kind: str

class IngestError(EcocivError):
    """A batch of observations was refused: ``.errors()`` lists each bad row."""

    def errors(self) -> list[dict[str, Any]]:
        """Each bad row: ``{row, column, value, type, message}``."""

class EvaluationError(EcocivError):
    """An evaluation could not run."""

@final
class Programme:
    """An indicator programme (frozen)."""

    @staticmethod
    def builtin(id: str) -> Programme: ...
    @staticmethod
    def builtin_ids() -> list[str]: ...
    @staticmethod
    def from_file(path: str) -> Programme: ...
    @staticmethod
    def from_str(text: str, origin: str = "<string>") -> Programme: ...
    def to_toml(self) -> str: ...
    def save(self, path: str) -> None: ...
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def issued_by(self) -> list[str]: ...
    @property
    def issued_on(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def categories(self) -> list[str]: ...
    @property
    def notes(self) -> list[str]: ...
    def milestones(self) -> list[dict[str, str | None]]: ...
    def indicator_columns(self) -> dict[str, list[Any]]: ...
    def task_codes(self) -> list[str]: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

_Source = str | dict[str, str]

@final
class Store:
    """An open store file (shared by every handle on the same path in this process)."""

    @staticmethod
    def open(path: str | PathLike[str]) -> Store: ...
    @property
    def path(self) -> Path: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def __enter__(self) -> Store: ...
    def __exit__(self, *_exc: object) -> bool: ...
    def stats(self) -> dict[str, int]: ...
    def period_range(self) -> tuple[str, str] | None: ...
    def register_programme(self, programme: Programme) -> None: ...
    def ingest(
        self,
        regions: str | list[str],
        metrics: str | list[str],
        periods: str | list[str],
        values: npt.ArrayLike,
        *,
        units: str | list[str | None] | None = None,
        sources: str | list[str | None] | None = None,
        notes: str | list[str | None] | None = None,
        dry_run: bool = False,
        source: _Source | None = None,
    ) -> dict[str, Any]: ...
    def ingest_csv(
        self,
        path: str | PathLike[str],
        *,
        dry_run: bool = False,
        source: _Source | None = None,
        progress: Callable[[int, int | None], object] | None = None,
    ) -> dict[str, Any]: ...
    def evaluate(
        self,
        programme: Programme,
        *,
        regions: list[str] | None = None,
        periods: tuple[str, str] | None = None,
        as_of_us: int | None = None,
    ) -> EvaluationData: ...
    def regions(self) -> dict[str, list[Any]]: ...
    def metrics(self) -> dict[str, list[Any]]: ...
    def put_regions(
        self,
        code: list[str],
        name: list[str],
        level: list[str],
        parent: list[str | None] | None = None,
        attributes: list[dict[str, str] | None] | None = None,
    ) -> None: ...
    def put_metrics(
        self,
        code: list[str],
        name: list[str],
        unit: list[str | None] | None = None,
        kind: list[str | None] | None = None,
        categories: list[list[str] | None] | None = None,
        description: list[str | None] | None = None,
    ) -> None: ...
    def latest(self, region: str, metric: str, period: str) -> dict[str, Any] | None: ...
    def as_of(
        self, region: str, metric: str, period: str, at_us: int
    ) -> dict[str, Any] | None: ...
    def history(self, region: str, metric: str, period: str) -> dict[str, list[Any]]: ...
    def withdraw(
        self, region: str, metric: str, period: str, *, reason: str, source: _Source | None = None
    ) -> int: ...
    def choose_source(self, region: str, metric: str, period: str, source: _Source) -> None: ...
    def set_source_priority(self, sources: list[_Source]) -> None: ...
    def source_priority(self) -> list[dict[str, str]]: ...
    def sources(self) -> list[dict[str, str]]: ...
    def export_csv(self, path: str | PathLike[str], as_of_us: int | None = None) -> int: ...
    def export_history_csv(self, path: str | PathLike[str]) -> int: ...
    def record_task(
        self,
        programme: Programme,
        task: str,
        state: str,
        *,
        done_on: str | None = None,
        evidence: str | None = None,
    ) -> None: ...
    def tasks(self, programme: Programme, *, as_of: str | None = None) -> list[dict[str, Any]]: ...
    @staticmethod
    def default_path() -> Path: ...
    @staticmethod
    def region_levels() -> list[str]: ...

@final
class EvaluationData:
    """A finished evaluation held in Rust; columns come out as numpy arrays."""

    def __len__(self) -> int: ...
    def axes(self) -> dict[str, list[str]]: ...
    def item_table(self) -> dict[str, list[Any]]: ...
    def rows(self) -> dict[str, npt.NDArray[Any]]: ...
    def verdict_codes(self) -> npt.NDArray[np.int8]: ...
    def summary(self) -> dict[str, Any]: ...
    def by_unit(self) -> dict[str, Any]: ...
    def assessment(self) -> dict[str, Any] | None: ...
    def rows_and_assessment(
        self,
    ) -> tuple[dict[str, npt.NDArray[Any]], dict[str, Any] | None]: ...
    def display_rows(self, regions: list[str] | None = None) -> dict[str, list[dict[str, Any]]]: ...
    def report(
        self,
        kind: str,
        *,
        region: str | None = None,
        period: str | None = None,
        unit: str | None = None,
        as_of: str | None = None,
        html: bool = False,
    ) -> str: ...

def run_demo(path: str | PathLike[str] | None = None) -> dict[str, Any]:
    """The main job: the Baoshan demo loaded into a store, evaluated and rendered."""
    ...
