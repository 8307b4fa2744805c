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
from ecociv.programme import Programme

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
