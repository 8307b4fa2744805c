"""`Store`: the embedded store of regions, metrics and observation vintages (one redb file).

>>> import tempfile, pathlib, ecociv
>>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.redb"
>>> with ecociv.Store.open(path) as store:
...     store.register_programme(ecociv.Programme.builtin("baoshan-2017"))
...     store.stats()["regions"] > 0
True
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ecociv._ecociv import Store as _RawStore
from ecociv.evaluation import Evaluation

if TYPE_CHECKING:
    from types import TracebackType

    import pandas as pd

    from ecociv.programme import Programme

__all__ = ["Store"]


def _texts(column: Any) -> str | list[str]:
    """A str stays a str (broadcast); anything else becomes a list of str (years may be ints)."""
    if isinstance(column, str):
        return column
    return [c if isinstance(c, str) else str(c) for c in column]


class Store:
    """An open store file. Use :meth:`open`, ideally as ``with Store.open(path) as store:``.

    Opening a file this process already has open returns a handle on the same live store, so
    re-running a notebook cell does not fail; :meth:`close` closes it for every handle.
    """

    __slots__ = ("_inner",)

    def __init__(self, inner: _RawStore) -> None:
        if not isinstance(inner, _RawStore):
            raise TypeError("use Store.open(path)")
        self._inner = inner

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Store:
        """Opens the store file at `path`, creating it if absent.

        Raises:
            StoreError: the file is not an ecociv store, is newer, or is locked by another
                process.
        """
        return cls(_RawStore.open(os.fspath(path)))

    @property
    def path(self) -> str:
        """The file this store was opened from."""
        return os.fspath(self._inner.path)

    @property
    def closed(self) -> bool:
        """Whether the store has been closed."""
        return self._inner.closed

    def close(self) -> None:
        """Closes the file (for every handle on it); closing twice is harmless."""
        self._inner.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def stats(self) -> dict[str, int]:
        """Counts of regions, metrics, cells, vintages and sources."""
        return self._inner.stats()

    def register_programme(self, programme: Programme) -> None:
        """Registers the programme's regions and metrics (needed before ingesting their data)."""
        self._inner.register_programme(programme._inner)

    def ingest(
        self,
        data: pd.DataFrame | None = None,
        *,
        region: str | Iterable[str] | None = None,
        metric: str | Iterable[str] | None = None,
        period: str | Iterable[str | int] | None = None,
        value: Any = None,
        dry_run: bool = False,
        source: str | None = None,
    ) -> dict[str, Any]:
        """Ingests long-format observations: all rows, or none when any row is bad.

        Pass a DataFrame with columns ``region``, ``metric``, ``period``, ``value``, or the
        columns as keywords (a single str is broadcast). Periods are ``2017``, ``2017Q3`` or
        ``2017-03``.

        Raises:
            IngestError: bad rows; ``.errors()`` lists each with row, column, value and type.
        """
        if data is not None:
            region, metric, period, value = (data[c] for c in ("region", "metric", "period", "value"))
        if region is None or metric is None or period is None or value is None:
            raise TypeError("give a DataFrame or all of region=, metric=, period=, value=")
        return self._inner.ingest(
            _texts(region), _texts(metric), _texts(period), value, dry_run=dry_run, source=source
        )

    def ingest_csv(
        self, path: str | os.PathLike[str], *, dry_run: bool = False, source: str | None = None
    ) -> dict[str, Any]:
        """Ingests a long-format CSV file (``region,metric,period,value[,unit,source,note]``)."""
        return self._inner.ingest_csv(os.fspath(path), dry_run=dry_run, source=source)

    def evaluate(self, programme: Programme) -> Evaluation:
        """Evaluates `programme` over the latest stored values of its metrics."""
        return Evaluation(self._inner.evaluate(programme._inner))

    def __repr__(self) -> str:
        return repr(self._inner)
