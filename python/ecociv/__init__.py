"""ecociv: government indicator programmes as data, for statisticians.

>>> import ecociv
>>> programme = ecociv.Programme.builtin("baoshan-2017")
>>> programme.id
'baoshan-2017'
"""

import os as _os

from ecociv._ecociv import __version__
from ecociv.exceptions import (
    EcocivError,
    EvaluationError,
    ExpressionError,
    IngestError,
    ProgrammeError,
    StoreError,
)
from ecociv.evaluation import Evaluation
from ecociv.programme import Programme
from ecociv.store import Store
from ecociv import plot


def open(path: str | _os.PathLike[str]) -> Store:  # noqa: A001 - the package's front door
    """Opens (or creates) the store file at `path`: ``with ecociv.open(path) as store: ...``.

    The same as :meth:`Store.open`.
    """
    return Store.open(path)


__all__ = [
    "EcocivError",
    "Evaluation",
    "EvaluationError",
    "ExpressionError",
    "IngestError",
    "Programme",
    "ProgrammeError",
    "Store",
    "StoreError",
    "__version__",
    "open",
    "plot",
]
