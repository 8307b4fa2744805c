"""`Evaluation`: the result of evaluating a programme, as pandas DataFrames."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["STATUS", "VERDICT", "Evaluation"]

#: Status codes of the engine and their names.
STATUS = {1: "pass", 0: "fail", -1: "missing", -2: "not_applicable"}
#: Verdict codes of the engine and their names.
VERDICT = {1: "meets", 0: "fails", -1: "incomplete"}


class Evaluation:
    """Every item × region × period of one evaluation, and each region's verdict per period."""

    __slots__ = ("_columns",)

    def __init__(self, columns: dict[str, Any]) -> None:
        self._columns = columns

    def results(self) -> pd.DataFrame:
        """One row per item × region × period: status, value, threshold, margin."""
        import pandas as pd

        c = self._columns
        status_names = [STATUS[k] for k in sorted(STATUS, reverse=True)]
        return pd.DataFrame(
            {
                "item": pd.Categorical.from_codes(c["item"].astype("int64"), c["items"]),
                "region": pd.Categorical.from_codes(c["region"].astype("int64"), c["regions"]),
                "period": pd.Categorical.from_codes(c["period"].astype("int64"), c["periods"]),
                "status": pd.Categorical(
                    [STATUS[int(s)] for s in c["status"]], categories=status_names
                ),
                "value": c["value"],
                "threshold": c["threshold"],
                "margin": c["margin"],
            }
        )

    def verdicts(self) -> pd.DataFrame:
        """One row per region × period: ``meets``, ``fails`` or ``incomplete``."""
        import pandas as pd

        c = self._columns
        regions, periods = c["regions"], c["periods"]
        return pd.DataFrame(
            {
                "region": [r for r in regions for _ in periods],
                "period": [p for _ in regions for p in periods],
                "verdict": [VERDICT[int(v)] for v in c["verdict"]],
            }
        )

    def __len__(self) -> int:
        return len(self._columns["status"])

    def __repr__(self) -> str:
        c = self._columns
        return (
            f"<Evaluation: {len(c['items'])} items × {len(c['regions'])} regions × "
            f"{len(c['periods'])} periods>"
        )
