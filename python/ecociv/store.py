"""`Store`: the embedded store of regions, metrics and observation vintages (one redb file).

>>> import tempfile, pathlib, ecociv
>>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.redb"
>>> with ecociv.Store.open(path) as store:
...     store.register_programme(ecociv.Programme.builtin("baoshan-2017"))
...     _ = store.ingest(region="530500", metric="rural_income", period="2017", value=[6350.0],
...                      source="保山市统计公报")
...     store.latest("530500", "rural_income", 2017)["value"]
...     store.history("530500", "rural_income", 2017)[["value", "source", "withdrawn"]]
6350.0
    value   source  withdrawn
0  6350.0  保山市统计公报      False
"""

from __future__ import annotations

import datetime as _dt
import html
import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ecociv._ecociv import IngestError
from ecociv._ecociv import Store as _RawStore
from ecociv.evaluation import Evaluation

if TYPE_CHECKING:
    from types import TracebackType

    import pandas as pd

    from ecociv.programme import Programme

__all__ = ["REGION_LEVELS", "TASK_STATES", "Store"]

#: The administrative levels a region may have, top down.
REGION_LEVELS: tuple[str, ...] = tuple(_RawStore.region_levels())
#: The states a task status may record.
TASK_STATES = ("planned", "in_progress", "done")

#: A time for ``as_of``: a datetime (naive means UTC), a date (its end, UTC) or ISO text.
TimeLike = _dt.datetime | _dt.date | str
#: A source: the document's title, or a dict with document, publisher, address, note.
SourceLike = str | dict[str, str]
#: A period: ``2017``, ``"2017"``, ``"2017Q3"``, ``"2017-03"``.
PeriodLike = str | int


def as_micros(when: TimeLike) -> int:
    """Microseconds since the epoch (UTC) of a datetime, a date (its last microsecond) or ISO
    text.

    >>> as_micros("1970-01-01T00:00:01Z"), as_micros(_dt.date(1970, 1, 1))
    (1000000, 86399999999)
    """
    if isinstance(when, str):
        text = when.strip()
        when = _dt.date.fromisoformat(text) if len(text) == 10 else _dt.datetime.fromisoformat(text)
    if not isinstance(when, _dt.datetime):
        if not isinstance(when, _dt.date):
            raise TypeError(f"as_of: expected a datetime, a date or ISO text, not {type(when).__name__}")
        when = _dt.datetime.combine(when, _dt.time.max)
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    delta = when - _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _time(us: int) -> _dt.datetime:
    return _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC) + _dt.timedelta(microseconds=us)


def _texts(column: Any) -> Any:
    """A str stays a str (broadcast); a column of non-str values (years as ints) becomes str."""
    if isinstance(column, str):
        return column
    if isinstance(column, int):
        return str(column)
    dtype = getattr(column, "dtype", None)
    if dtype is not None and getattr(dtype, "kind", "O") in "iuf":
        values = np.asarray(column.to_numpy() if hasattr(column, "to_numpy") else column)
        if dtype.kind == "f":  # years read as floats (2017.0); a NaN stays visible as "nan"
            whole = np.where(np.isfinite(values), values, 0).astype("int64").astype(str)
            return np.where(np.isfinite(values), whole, values.astype(str)).tolist()
        return values.astype(str).tolist()
    if dtype is not None and hasattr(column, "tolist"):
        return [c if isinstance(c, str) else str(c) for c in column.tolist()]
    return [c if isinstance(c, str) else str(c) for c in column]


def _numbers(column: Any) -> Any:
    """A value column as float64; text that is not a number is an ``IngestError`` listing each
    such row (1-based, like the core's row problems)."""
    import pandas as pd

    try:
        return column.to_numpy(dtype="float64", na_value=float("nan"))
    except (TypeError, ValueError):
        pass
    numbers = pd.to_numeric(column, errors="coerce")
    bad = np.flatnonzero(numbers.isna().to_numpy() & column.notna().to_numpy())
    problems = [
        {"row": int(i) + 1, "column": "value", "value": str(column.iloc[i]), "type": "not_a_number",
         "message": f"row {int(i) + 1}: value {str(column.iloc[i])!r} is not a number"}
        for i in bad
    ]
    error = IngestError(f"{len(problems)} row(s) refused: values that are not numbers")
    setattr(error, "_errors", problems)  # read by .errors()  # noqa: B010
    raise error


def _optional(column: Any) -> list[str | None] | None:
    if column is None:
        return None
    out: list[str | None] = []
    for c in column.tolist() if hasattr(column, "tolist") else column:
        out.append(None if c is None or (isinstance(c, float) and c != c) else str(c))
    return out


def _frame(data: Any) -> Any:
    """A pandas DataFrame of `data`: pandas as is; Arrow PyCapsule objects (polars, pyarrow,
    duckdb) through pyarrow; other DataFrame-interchange objects through pandas."""
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return data
    if hasattr(data, "__arrow_c_stream__"):
        try:
            import pyarrow as pa  # type: ignore[import-untyped,import-not-found,unused-ignore]
        except ImportError as error:
            raise ImportError(
                f"ingesting a {type(data).__name__} goes through Arrow: pip install pyarrow"
            ) from error
        return pa.table(data).to_pandas()
    if hasattr(data, "__dataframe__"):
        return pd.api.interchange.from_dataframe(data)
    if hasattr(data, "to_pandas"):
        return data.to_pandas()
    raise TypeError(
        f"ingest: expected a pandas DataFrame, or a frame with the Arrow PyCapsule or DataFrame "
        f"interchange protocol (polars, pyarrow), not {type(data).__name__}"
    )


def _columns_of(data: Any, names: Sequence[str], required: Sequence[str], what: str) -> dict[str, Any]:
    frame = _frame(data)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise KeyError(f"{what}: missing column(s) {', '.join(missing)}")
    return {c: frame[c] for c in names if c in frame.columns}


class Store:
    """An open store file. Use :meth:`open`, ideally as ``with Store.open(path) as store:``.

    Opening a file this process already has open returns a handle on the same live store, so
    re-running a notebook cell does not fail; :meth:`close` closes it for every handle.

    Ctrl-C (a notebook's "interrupt kernel") stops a long call — :meth:`ingest`,
    :meth:`ingest_csv`, :meth:`evaluate`, the exports — with ``KeyboardInterrupt`` within a
    fraction of a second: an interrupted ingest writes nothing, an interrupted export removes
    its partial file, and the store stays usable.
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

    @staticmethod
    def default_path() -> str:
        """The default store's path: ``$ECOCIV_STORE``, else
        ``$XDG_DATA_HOME/ecociv/store.redb``, else ``~/.local/share/ecociv/store.redb``.

        Raises:
            StoreError: none of these can be determined (kind ``no_default_path``).
        """
        return os.fspath(_RawStore.default_path())

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

    def period_range(self) -> tuple[str, str] | None:
        """The first and last period with a value, or ``None`` (empty, or mixed frequencies)."""
        return self._inner.period_range()

    # -- regions and metrics ------------------------------------------------------------------

    def register_programme(self, programme: Programme) -> None:
        """Registers the programme's regions and metrics (needed before ingesting their data)."""
        self._inner.register_programme(programme._inner)

    def regions(self) -> pd.DataFrame:
        """Every region: ``code``, ``name``, ``level``, ``parent``, ``attributes`` (dicts)."""
        import pandas as pd

        return pd.DataFrame(self._inner.regions())

    def metrics(self) -> pd.DataFrame:
        """Every metric: ``code``, ``name``, ``unit``, ``kind``, ``categories``,
        ``description``."""
        import pandas as pd

        return pd.DataFrame(self._inner.metrics())

    def put_regions(self, regions: Any) -> None:
        """Adds or updates regions from a frame with columns ``code``, ``name``, ``level``
        (nation, province, city, county, township, park) and optionally ``parent`` and
        ``attributes`` (dicts). Parents must be registered already or be in the same frame.

        Raises:
            KeyError: a required column is missing.
            StoreError: an unknown level or parent (nothing is written).
        """
        c = _columns_of(regions, ("code", "name", "level", "parent", "attributes"),
                        ("code", "name", "level"), "put_regions")
        attributes = None
        if "attributes" in c:
            attributes = [a if isinstance(a, dict) else None for a in c["attributes"].tolist()]
        self._inner.put_regions(
            _texts(c["code"]), _texts(c["name"]), _texts(c["level"]),
            parent=_optional(c.get("parent")), attributes=attributes,
        )

    def put_metrics(self, metrics: Any) -> None:
        """Adds or updates metrics from a frame with columns ``code``, ``name`` and optionally
        ``unit``, ``kind`` (number, boolean, category), ``categories`` (lists) and
        ``description``.

        Raises:
            KeyError: a required column is missing.
            StoreError: an unknown kind, or a unit/kind change of a metric with data.
        """
        c = _columns_of(metrics, ("code", "name", "unit", "kind", "categories", "description"),
                        ("code", "name"), "put_metrics")
        categories = None
        if "categories" in c:
            categories = [list(x) if isinstance(x, (list, tuple)) else None for x in c["categories"].tolist()]
        self._inner.put_metrics(
            _texts(c["code"]), _texts(c["name"]), unit=_optional(c.get("unit")),
            kind=_optional(c.get("kind")), categories=categories,
            description=_optional(c.get("description")),
        )

    # -- observations -------------------------------------------------------------------------

    def ingest(
        self,
        data: Any = None,
        *,
        region: str | Iterable[str] | None = None,
        metric: str | Iterable[str] | None = None,
        period: PeriodLike | Iterable[PeriodLike] | None = None,
        value: Any = None,
        dry_run: bool = False,
        source: SourceLike | None = None,
    ) -> dict[str, Any]:
        """Ingests long-format observations: all rows, or none when any row is bad.

        Pass a frame with columns ``region``, ``metric``, ``period``, ``value`` (and optionally
        ``unit``, ``source``, ``note``) — pandas, polars, pyarrow or anything with the Arrow
        PyCapsule or DataFrame interchange protocol — or the columns as keywords (a single str
        is broadcast). Periods are ``2017``, ``2017Q3`` or ``2017-03``. ``source`` applies to
        rows without their own.

        Raises:
            IngestError: bad rows; ``.errors()`` lists each with row, column, value and type.
        """
        units = sources = notes = None
        if data is not None:
            c = _columns_of(data, ("region", "metric", "period", "value", "unit", "source", "note"),
                            ("region", "metric", "period", "value"), "ingest")
            region, metric, period, value = c["region"], c["metric"], c["period"], c["value"]
            units, sources, notes = (_optional(c.get(k)) for k in ("unit", "source", "note"))
            value = _numbers(value)
        if region is None or metric is None or period is None or value is None:
            raise TypeError("give a frame or all of region=, metric=, period=, value=")
        return self._inner.ingest(
            _texts(region), _texts(metric), _texts(period), value, units=units, sources=sources,
            notes=notes, dry_run=dry_run, source=source,
        )

    def ingest_csv(
        self,
        path: str | os.PathLike[str],
        *,
        dry_run: bool = False,
        source: SourceLike | None = None,
        progress: Callable[[int, int | None], object] | None = None,
    ) -> dict[str, Any]:
        """Ingests a long-format CSV file (``region,metric,period,value[,unit,source,note]``).

        `progress`, if given, is called as ``progress(done_bytes, total_bytes)`` (with the GIL,
        on the calling thread) about every 0.1 s while the file is read, validated and written,
        and once with ``done == total`` when reading ends, before anything is committed (the
        reading waits, at most about 50 ms, at the end of the file for that call); after
        that the calls repeat ``done == total`` while the rows are checked and written (that
        phase reports no fraction). ``total`` is the file's size, ``None`` for a pipe. An
        exception raised by `progress` cancels the ingest — nothing is written — and
        propagates, as ``KeyboardInterrupt`` does.

        >>> import tempfile, pathlib, ecociv
        >>> tmp = pathlib.Path(tempfile.mkdtemp())
        >>> csv = "region,metric,period,value\\n530500,rural_income,2017,6350\\n"
        >>> _ = (tmp / "x.csv").write_text(csv)
        >>> seen = []
        >>> with ecociv.open(tmp / "s.redb") as s:
        ...     s.register_programme(ecociv.Programme.builtin("baoshan-2017"))
        ...     r = s.ingest_csv(tmp / "x.csv", progress=lambda d, t: seen.append((d, t)))
        >>> r["vintages_added"], seen[-1] == (len(csv), len(csv))
        (1, True)
        """
        return self._inner.ingest_csv(
            os.fspath(path), dry_run=dry_run, source=source, progress=progress
        )

    def latest(self, region: str, metric: str, period: PeriodLike) -> dict[str, Any] | None:
        """The value that counts for a cell now — a dict with ``value``, ``source`` (dict),
        ``recorded_at`` (datetime, UTC) and ``note`` — or ``None`` when it has none."""
        return _observation(self._inner.latest(region, metric, str(period)))

    def as_of(
        self, region: str, metric: str, period: PeriodLike, when: TimeLike
    ) -> dict[str, Any] | None:
        """The value that counted for a cell at `when` (as :meth:`latest`), or ``None``."""
        return _observation(self._inner.as_of(region, metric, str(period), as_micros(when)))

    def history(self, region: str, metric: str, period: PeriodLike) -> pd.DataFrame:
        """Every vintage of a cell in the order recorded: ``seq``, ``value`` (NaN for a
        withdrawal), ``withdrawn``, ``source`` (document), ``publisher``, ``address``,
        ``recorded_at`` (UTC), ``note``, ``chosen`` (an explicit :meth:`choose_source`)."""
        import pandas as pd

        h = self._inner.history(region, metric, str(period))
        stamps = h.pop("recorded_at_us")
        frame = pd.DataFrame(h)
        frame["value"] = frame["value"].astype("float64")
        frame.insert(6, "recorded_at", pd.to_datetime(pd.Series(stamps, dtype="int64"), unit="us", utc=True))
        return frame

    def withdraw(
        self,
        region: str,
        metric: str,
        period: PeriodLike,
        *,
        reason: str,
        source: SourceLike | None = None,
    ) -> int:
        """Withdraws a cell's value from `source`, or from every source that gives one; the
        history keeps it. Returns the number of withdrawals recorded."""
        return self._inner.withdraw(region, metric, str(period), reason=reason, source=source)

    def choose_source(self, region: str, metric: str, period: PeriodLike, source: SourceLike) -> None:
        """Records that for this one cell `source`'s value counts from now on, whatever the
        source priority (a new history entry: :meth:`as_of` an earlier time is unchanged).

        Raises:
            StoreError: `source` has no value for the cell (nothing is written), or an unknown
                region or metric.
        """
        self._inner.choose_source(region, metric, str(period), source)

    def set_source_priority(self, sources: Sequence[SourceLike]) -> None:
        """Sets which source counts when several give a cell (first = most trusted), from now
        on; :meth:`as_of` an earlier time still uses the priority then in effect."""
        self._inner.set_source_priority(list(sources))

    def source_priority(self) -> list[dict[str, str]]:
        """The source priority in effect now."""
        return self._inner.source_priority()

    def sources(self) -> list[dict[str, str]]:
        """Every source the store has seen (the first is the unspecified source)."""
        return self._inner.sources()

    def export_csv(self, path: str | os.PathLike[str], as_of: TimeLike | None = None) -> int:
        """Writes the value that counts for every cell (now, or as known at `as_of`) as long
        CSV; returns the number of rows."""
        return self._inner.export_csv(os.fspath(path), None if as_of is None else as_micros(as_of))

    def export_history_csv(self, path: str | os.PathLike[str]) -> int:
        """Writes every vintage of every cell (withdrawals included) as long CSV; returns the
        number of rows."""
        return self._inner.export_history_csv(os.fspath(path))

    # -- tasks --------------------------------------------------------------------------------

    def record_task(
        self,
        programme: Programme,
        task: str,
        state: str,
        *,
        done_on: _dt.date | str | None = None,
        evidence: str | None = None,
    ) -> None:
        """Records a task's status: ``state`` is one of :data:`TASK_STATES`; ``done_on`` (the
        day it was done) is required for ``done`` and refused otherwise; ``evidence`` is a
        document number, address or note. Later statuses supersede earlier ones (none is
        deleted); reports made by :meth:`evaluate` afterwards show them.

        Raises:
            StoreError: (kind ``bad_input``) an unknown task (see
                :meth:`Programme.task_codes`) or state, or a bad date.
        """
        day = done_on.isoformat() if isinstance(done_on, _dt.date) else done_on
        self._inner.record_task(programme._inner, task, state, done_on=day, evidence=evidence)

    def tasks(self, programme: Programme, as_of: _dt.date | str | None = None) -> pd.DataFrame:
        """Every task of `programme` and how it stands on `as_of` (default today) given the
        statuses recorded: ``code``, ``text``, ``phase``, ``due``, ``lead`` (lists),
        ``standing`` (done, overdue, due_soon, upcoming, …), ``state`` (the last recorded, or
        None), ``done_on``, ``evidence``.

        Raises:
            StoreError: (kind ``bad_input``) a bad date.
        """
        import pandas as pd

        day = as_of.isoformat() if isinstance(as_of, _dt.date) else as_of
        columns = ["code", "text", "phase", "due", "lead", "standing", "state", "done_on", "evidence"]
        return pd.DataFrame(self._inner.tasks(programme._inner, as_of=day), columns=columns)

    # -- evaluation ---------------------------------------------------------------------------

    def evaluate(
        self,
        programme: Programme,
        regions: str | Iterable[str] | None = None,
        periods: PeriodLike | tuple[PeriodLike, PeriodLike] | None = None,
        as_of: TimeLike | None = None,
    ) -> Evaluation:
        """Evaluates every item of `programme` for every requested region and period, and runs
        the monitoring methods (bands, scores, trends, projections) its items declare.

        ``regions``: region codes to report (default: all; descendants are read for roll-ups).
        ``periods``: one period, or a ``(first, last)`` pair (default: every stored period).
        ``as_of``: evaluate the values as known then (datetime, date or ISO text).

        Raises:
            ExpressionError: an item's expression does not compile.
            StoreError: an unknown region, a bad period text, or mixed frequencies without a
                period range.
            EvaluationError: the evaluation cannot run.
        """
        if isinstance(regions, str):
            regions = [regions]
        span: tuple[str, str] | None = None
        if isinstance(periods, (str, int)):
            span = (str(periods), str(periods))
        elif periods is not None:
            first, last = periods
            span = (str(first), str(last))
        data = self._inner.evaluate(
            programme._inner,
            regions=None if regions is None else list(regions),
            periods=span,
            as_of_us=None if as_of is None else as_micros(as_of),
        )
        return Evaluation(data, programme)

    def __repr__(self) -> str:
        return repr(self._inner)

    def _repr_html_(self) -> str:
        esc = html.escape
        if self.closed:
            return f"<div class='ecociv-store'><strong>Store</strong> {esc(self.path)} (closed)</div>"
        stats = self.stats()
        span = self.period_range()
        rows = [(k, f"{v:,}") for k, v in stats.items()]
        rows.append(("periods", "—" if span is None else f"{span[0]} – {span[1]}"))
        body = "".join(f"<tr><th style='text-align:left'>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
        return (
            f"<div class='ecociv-store'><strong>Store</strong> <code>{esc(self.path)}</code>"
            f"<table>{body}</table></div>"
        )


def _observation(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    raw["recorded_at"] = _time(raw.pop("recorded_at_us"))
    return raw
