"""Typed stubs of the compiled module ``ecociv._ecociv`` (checked by ``mypy.stubtest``)."""

from typing import Any, final

__version__: str
__all__ = [
    "EcocivError",
    "EvaluationError",
    "ExpressionError",
    "IngestError",
    "Programme",
    "ProgrammeError",
    "StoreError",
    "__version__",
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
