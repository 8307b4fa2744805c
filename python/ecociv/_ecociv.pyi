"""Typed stubs of the compiled module ``ecociv._ecociv`` (checked by ``mypy.stubtest``)."""

from os import PathLike
from pathlib import Path
from typing import Any, final

import numpy.typing as npt

__version__: str
__all__ = [
    "EcocivError",
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
    """The store could not be opened, read or written."""

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
    def indicator_columns(self) -> dict[str, list[Any]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

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
    def register_programme(self, programme: Programme) -> None: ...
    def ingest(
        self,
        regions: str | list[str],
        metrics: str | list[str],
        periods: str | list[str],
        values: npt.ArrayLike,
        *,
        dry_run: bool = False,
        source: str | None = None,
    ) -> dict[str, Any]: ...
    def ingest_csv(
        self, path: str | PathLike[str], *, dry_run: bool = False, source: str | None = None
    ) -> dict[str, Any]: ...
    def evaluate(self, programme: Programme) -> dict[str, Any]: ...

def run_demo(path: str | PathLike[str] | None = None) -> dict[str, Any]:
    """The main job: the Baoshan demo loaded into a store, evaluated and rendered."""
    ...
