"""The exceptions ecociv raises.

Every ecociv error derives from :class:`EcocivError`, so ``except ecociv.EcocivError`` catches
them all. Python built-ins are used where users expect them: a missing programme file raises
:class:`FileNotFoundError`.

>>> from ecociv.exceptions import EcocivError, ProgrammeError
>>> issubclass(ProgrammeError, EcocivError)
True
"""

from ecociv._ecociv import (
    EcocivError,
    EvaluationError,
    ExpressionError,
    IngestError,
    ProgrammeError,
    StoreError,
)

__all__ = [
    "EcocivError",
    "EvaluationError",
    "ExpressionError",
    "IngestError",
    "ProgrammeError",
    "StoreError",
]
