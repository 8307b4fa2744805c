"""ecociv: government indicator programmes as data, for statisticians.

>>> import ecociv
>>> programme = ecociv.Programme.builtin("baoshan-2017")
>>> programme.id
'baoshan-2017'
"""

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
]
