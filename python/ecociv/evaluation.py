"""`Evaluation`: the result of evaluating a programme, as pandas DataFrames and a scorecard.

The compiled :class:`ecociv._ecociv.EvaluationData` holds the result in Rust and hands out whole
numpy columns; categorical columns arrive as category codes and become
``pandas.Categorical.from_codes`` without a Python object per row.

>>> import tempfile, pathlib, ecociv
>>> programme = ecociv.Programme.builtin("baoshan-2017")
>>> with ecociv.Store.open(pathlib.Path(tempfile.mkdtemp()) / "e.redb") as store:
...     store.register_programme(programme)
...     _ = store.ingest(region="530500", metric="rural_income", period=["2016", "2017"],
...                      value=[5800.0, 6350.0])
...     result = store.evaluate(programme, regions=["530500"])
>>> frame = result.to_pandas()
>>> frame.loc[frame.item == "I01", ["period", "value", "status", "margin"]].to_string(index=False)
'period  value status  margin\\n  2016 5800.0   fail  -200.0\\n  2017 6350.0   pass   350.0'
>>> result.verdicts().verdict.tolist()
['fails', 'fails']
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

import numpy as np

from ecociv import _scorecard
from ecociv._ecociv import EvaluationData as _RawEvaluationData

if TYPE_CHECKING:
    import pandas as pd

    from ecociv.programme import Programme

__all__ = ["ROLLUP_LEVELS", "STATUS", "STATUS_NAMES", "VERDICT", "VERDICT_NAMES", "Evaluation"]

#: Status codes of the engine and their names.
STATUS = {1: "pass", 0: "fail", -1: "missing", -2: "not_applicable"}
#: Verdict codes of the engine and their names.
VERDICT = {1: "meets", 0: "fails", -1: "incomplete"}
#: The categories of the ``status`` column, in order.
STATUS_NAMES = ["pass", "fail", "missing", "not_applicable"]
#: The categories of the ``verdict`` column, in order.
VERDICT_NAMES = ["meets", "fails", "incomplete"]
#: The levels of :meth:`Evaluation.rollups`.
ROLLUP_LEVELS = ("indicator", "category", "programme")
#: The categories of the ``role`` column of :meth:`Evaluation.by_unit`.
ROLE_NAMES = ["lead", "cooperating"]


def _categorical(codes: Any, categories: list[str]) -> Any:
    """A categorical from codes made in Rust (in range by construction: not re-validated)."""
    import pandas as pd

    return pd.Categorical.from_codes(
        codes, dtype=pd.CategoricalDtype(categories), validate=False
    )


def code_dtype(categories: int) -> type[np.signedinteger[Any]]:
    """The integer type pandas keeps the codes of `categories` categories in.

    >>> code_dtype(24).__name__, code_dtype(3375).__name__
    ('int8', 'int16')
    """
    if categories < 127:
        return np.int8
    if categories < 32767:
        return np.int16
    return np.int32


def _per_item(values: list[Any], rows_per_item: int) -> Any:
    """A per-item text (one entry per item) spread over the item-major rows."""
    texts = ["" if v is None else str(v) for v in values]
    categories = list(dict.fromkeys(texts))
    index = {t: i for i, t in enumerate(categories)}
    lut = np.array([index[t] for t in texts], dtype=code_dtype(len(categories)))
    return _categorical(np.repeat(lut, rows_per_item), categories)


class Evaluation:
    """Every item × region × period of one evaluation, and each region's verdict per period.

    Get one from :meth:`ecociv.Store.evaluate`. In a notebook it displays as a scorecard.
    """

    __slots__ = ("_assessment", "_assessment_frame", "_axes", "_data", "_items", "_programme")

    def __init__(self, data: _RawEvaluationData, programme: Programme | None = None) -> None:
        if not isinstance(data, _RawEvaluationData):
            raise TypeError("use Store.evaluate(programme)")
        self._data = data
        self._programme = programme
        self._axes: dict[str, list[str]] = data.axes()
        self._items: dict[str, list[Any]] = data.item_table()
        self._assessment: dict[str, Any] | None = None
        self._assessment_frame: pd.DataFrame | None = None

    @property
    def items(self) -> list[str]:
        """Item codes (the item axis)."""
        return list(self._axes["items"])

    @property
    def regions(self) -> list[str]:
        """Region codes (the region axis)."""
        return list(self._axes["regions"])

    @property
    def periods(self) -> list[str]:
        """Periods as text (the period axis), in time order."""
        return list(self._axes["periods"])

    @property
    def programme(self) -> Programme | None:
        """The evaluated programme."""
        return self._programme

    def item_table(self) -> pd.DataFrame:
        """One row per item: code, name, comparator, attribute, unit, lead, cooperating,
        group (indicator or condition code) and category."""
        import pandas as pd

        return pd.DataFrame(self._items)

    def to_pandas(self) -> pd.DataFrame:
        """One row per item × region × period (item-major).

        Columns: ``item``, ``region``, ``period``, ``value``, ``threshold``, ``comparator``,
        ``status`` (categorical: pass, fail, missing, not_applicable), ``margin`` (signed, in
        the item's unit, positive when better), ``relative_margin`` (margin / |threshold|),
        ``attribute``, ``lead`` (lead units joined by ``、``); then, when the programme declares
        them, ``band``, ``score``, ``trend``, ``progress``, ``progress_score`` and per
        projection deadline ``projection_<deadline>`` (status), ``projected_<deadline>`` (value
        at the deadline at the current pace), ``actual_change_<deadline>`` (the annual change
        over the projection's window: units per year for linear growth, a rate for compound)
        and ``required_change_<deadline>`` (the annual change that reaches the target by the
        deadline, same units; on track when actual ÷ required ≥ 0.95 by default).
        """
        import pandas as pd

        if self._assessment is None:
            # computed together: the rows are made while the monitoring methods run
            rows, self._assessment = self._data.rows_and_assessment()
        else:
            rows = self._data.rows()
        per_item = len(self._axes["regions"]) * len(self._axes["periods"])
        columns: dict[str, Any] = {
            "item": _categorical(rows["item"], self._axes["items"]),
            "region": _categorical(rows["region"], self._axes["regions"]),
            "period": _categorical(rows["period"], self._axes["periods"]),
            "value": rows["value"],
            "threshold": rows["threshold"],
            "comparator": _per_item(self._items["comparator"], per_item),
            "status": _categorical(rows["status"], STATUS_NAMES),
            "margin": rows["margin"],
            "relative_margin": rows["relative_margin"],
            "attribute": _per_item(self._items["attribute"], per_item),
            "lead": _per_item(["、".join(units) for units in self._items["lead"]], per_item),
        }
        columns.update(self._assessment_columns())
        return pd.DataFrame(columns, copy=False)

    def _assessment_raw(self) -> dict[str, Any] | None:
        """The monitoring columns as Rust gave them (computed on first use and kept; do not
        modify), or ``None`` when the programme declares no monitoring methods."""
        if self._assessment is None:
            self._assessment = self._data.assessment()
        return self._assessment

    def _assessment_columns(self) -> dict[str, Any]:
        """The monitoring columns for a new frame, as columns of one frame kept here and shared
        with every frame handed out: pandas' copy-on-write gives a frame its own copy of a
        column only when that frame (or this one) is written to, so no frame sees another's
        edits and nothing is copied up front."""
        import pandas as pd

        if self._assessment_frame is None:
            a = self._assessment_raw()
            if a is None:
                return {}
            cats: dict[str, list[str]] = a["categories"]
            out: dict[str, Any] = {}
            if "band" in a:
                out["band"] = _categorical(a["band"], cats["band"])
            if "score" in a:
                out["score"] = a["score"]
            if "trend" in a:
                out["trend"] = _categorical(a["trend"], cats["trend"])
            if "progress" in a:
                out["progress"] = _categorical(a["progress"], cats["progress"])
                out["progress_score"] = a["progress_score"]
            for p in a["projections"]:
                key = p["deadline"]
                out[f"projection_{key}"] = _categorical(p["status"], cats["projection"])
                out[f"projected_{key}"] = p["projected"]
                out[f"actual_change_{key}"] = p["actual_change"]
                out[f"required_change_{key}"] = p["required_change"]
            self._assessment_frame = pd.DataFrame(out, copy=False)
        frame = self._assessment_frame
        return {name: frame[name] for name in frame.columns}

    def _rollups_raw(self) -> tuple[dict[str, Any], dict[str, list[str]]] | None:
        """The roll-ups as Rust gave them (part of the monitoring columns) and the category
        names, or ``None`` when nothing is rolled up."""
        a = self._assessment_raw()
        if a is None or a.get("rollups") is None:
            return None
        # converted into numpy columns on first use (to_pandas does not need them)
        return a["rollups"].columns(), a["categories"]

    def _programme_id(self) -> str:
        return "?" if self._programme is None else self._programme.id

    def rollups(self, level: str = "indicator") -> pd.DataFrame:
        """Scores, colours and progress rolled up per group × region × period (group-major,
        then region, then period), with the programme's ``[aggregation]`` settings.

        `level` is ``"indicator"`` (each indicator's items), ``"category"`` (each category's
        indicators) or ``"programme"`` (one group: the programme id; the mean of the
        categories, with the minimum-data rule over all indicators).

        Columns: ``group``, ``region``, ``period`` (categorical), then those the indicator
        items declare: ``score`` (mean of the members' scores, 0–100; NaN when none or not
        enough data), ``band`` (categorical: green, yellow, orange, red, grey; NaN where
        nothing was rated) and, with the continuous colour rule, ``position`` (0–4);
        ``progress`` (categorical Open SDG status) and ``progress_score`` (−5…5).

        The Baoshan programme declares only projections, so it has nothing to roll up:

        >>> import tempfile, pathlib, ecociv
        >>> programme = ecociv.Programme.builtin("baoshan-2017")
        >>> with ecociv.Store.open(pathlib.Path(tempfile.mkdtemp()) / "r.redb") as store:
        ...     store.register_programme(programme)
        ...     _ = store.ingest(region="530500", metric="rural_income", period=["2017"], value=[6350.0])
        ...     result = store.evaluate(programme, regions=["530500"])
        >>> result.rollups("category")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: programme 'baoshan-2017' declares no scores, colour bands or progress ...

        Raises:
            ValueError: an unknown `level`, or the programme's indicator items declare no
                score, bands or progress.
        """
        import pandas as pd

        if level not in ROLLUP_LEVELS:
            raise ValueError(f"level must be one of {', '.join(ROLLUP_LEVELS)}, not {level!r}")
        raw = self._rollups_raw()
        cols = None if raw is None else raw[0][level]
        if raw is None or cols is None:
            raise ValueError(
                f"programme {self._programme_id()!r} declares no scores, colour bands or "
                "progress on its indicator items: nothing to roll up"
            )
        cats = raw[1]
        out: dict[str, Any] = {
            "group": _categorical(cols["group"], list(cols["groups"])),
            "region": _categorical(cols["region"], self._axes["regions"]),
            "period": _categorical(cols["period"], self._axes["periods"]),
        }
        if "score" in cols:
            out["score"] = cols["score"].copy()
        if "band" in cols:
            out["band"] = _categorical(cols["band"].copy(), cats["band"])
        if "position" in cols:
            out["position"] = cols["position"].copy()
        if "progress" in cols:
            out["progress"] = _categorical(cols["progress"].copy(), cats["progress"])
            out["progress_score"] = cols["progress_score"].copy()
        return pd.DataFrame(out, copy=False)

    def composite(self) -> pd.DataFrame:
        """The weighted composite index of the programme's ``aggregation.composite``: one row
        per region × period with ``region``, ``period`` (categorical) and ``composite`` (NaN
        where the region has no value in any column that period).

        Raises:
            ValueError: the programme declares no composite index.
        """
        import pandas as pd

        raw = self._rollups_raw()
        index = None if raw is None else raw[0]["composite"]
        if index is None:
            raise ValueError(
                f"programme {self._programme_id()!r} declares no composite index "
                "(aggregation.composite)"
            )
        nr, np_ = len(self._axes["regions"]), len(self._axes["periods"])
        return pd.DataFrame(
            {
                "region": _categorical(
                    np.repeat(np.arange(nr, dtype=code_dtype(nr)), np_), self._axes["regions"]
                ),
                "period": _categorical(
                    np.tile(np.arange(np_, dtype=code_dtype(np_)), nr), self._axes["periods"]
                ),
                "composite": index.copy(),
            }
        )

    def results(self) -> pd.DataFrame:
        """The same as :meth:`to_pandas` (the older name)."""
        return self.to_pandas()

    def to_arrow(self) -> Any:
        """The :meth:`to_pandas` table as a ``pyarrow.Table`` (needs pyarrow).

        Raises:
            ImportError: pyarrow is not installed.
        """
        try:
            import pyarrow as pa  # type: ignore[import-untyped,import-not-found,unused-ignore]
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise ImportError("to_arrow() needs pyarrow: pip install pyarrow") from error
        return pa.Table.from_pandas(self.to_pandas(), preserve_index=False)

    def verdicts(self) -> pd.DataFrame:
        """One row per region × period: ``verdict`` is ``meets``, ``fails`` or ``incomplete``."""
        import pandas as pd

        nr, np_ = len(self._axes["regions"]), len(self._axes["periods"])
        return pd.DataFrame(
            {
                "region": _categorical(np.repeat(np.arange(nr), np_), self._axes["regions"]),
                "period": _categorical(np.tile(np.arange(np_), nr), self._axes["periods"]),
                "verdict": _categorical(self._data.verdict_codes(), VERDICT_NAMES),
            }
        )

    def summary(self) -> pd.DataFrame:
        """Counts per item and status (columns pass, fail, missing, not_applicable), indexed by
        item; ``.attrs["verdicts"]`` holds the counts of meets, fails and incomplete."""
        import pandas as pd

        s = self._data.summary()
        counts = np.asarray(s["counts"]).reshape(-1, 4)
        frame = pd.DataFrame(
            counts, index=pd.Index(self._axes["items"], name="item"), columns=STATUS_NAMES
        )
        frame.attrs["verdicts"] = {k: int(s[k]) for k in VERDICT_NAMES}
        return frame

    def by_unit(self) -> pd.DataFrame:
        """Every failing or missing result per responsible unit: ``unit``, ``role`` (lead or
        cooperating), ``item``, ``region``, ``period``, ``status``, ``value``, ``threshold``,
        ``gap`` (the signed margin: negative for a fail, NaN when missing)."""
        import pandas as pd

        u = self._data.by_unit()
        return pd.DataFrame(
            {
                "unit": _categorical(u["unit"], u["units"]),
                "role": _categorical(u["role"], ROLE_NAMES),
                "item": _categorical(u["item"], self._axes["items"]),
                "region": _categorical(u["region"], self._axes["regions"]),
                "period": _categorical(u["period"], self._axes["periods"]),
                "status": _categorical(u["status"], STATUS_NAMES),
                "value": u["value"],
                "threshold": u["threshold"],
                "gap": u["margin"],
            }
        )

    def scorecard(
        self, period: str | int | None = None, region: str | None = None
    ) -> _scorecard.Scorecard:
        """A scorecard: regions × items for one period (default: the latest period with any
        value), or — with ``region`` — periods × items for one region. It displays as a
        coloured table in a notebook; ``.status`` and ``.value`` are its DataFrames.

        Raises:
            KeyError: an unknown region or period.
        """
        return _scorecard.build(self, None if period is None else str(period), region)

    def display_rows(
        self, regions: str | list[str] | None = None
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The rows as the reports show them, in scorecard order, and the verdicts, for
        `regions` (default: every region evaluated); JSON-ready (no value is ``None``).

        Each row: ``item``, ``name``, ``group``, ``binding``, ``attribute``, ``region``,
        ``region_name``, ``period``, ``status``, ``value``, ``threshold`` (as displayed, e.g.
        ``">= 85 %"``), ``margin``, ``unit``, ``lead``, ``cooperating`` (lists), ``projection``
        (text, for failing items with a projection). Each verdict: ``region``, ``region_name``,
        ``period``, ``verdict``.
        """
        if isinstance(regions, str):
            regions = [regions]
        out = self._data.display_rows(regions)
        return out["rows"], out["verdicts"]

    def report_markdown(
        self,
        kind: str,
        *,
        region: str | None = None,
        period: str | int | None = None,
        unit: str | None = None,
        as_of: str | _dt.date | None = None,
    ) -> str:
        """One of the bureau's reports, as Markdown:

        - ``"scorecard"``: `region`'s scorecard for `period` (default: the last evaluated) —
          verdict, every item grouped by category, binding and guiding apart, projections;
        - ``"unit"``: `unit`'s accountability report (its lead and cooperating items' gaps);
        - ``"bulletin"``: the progress bulletin as of the date `as_of` (phase, tasks due, done
          or overdue by unit, milestones, the failing indicators of `region` — default the
          programme's first region — in `period`, default the last period ending by then);
        - ``"history"``: items × periods for `region`.

        Task statuses and region names are those in the store when it was evaluated.

        Raises:
            ValueError: an unknown kind, a missing option, a bad date or period.
            KeyError: a region or period this evaluation does not have.
        """
        return self._report(kind, region, period, unit, as_of, html=False)

    def report_html(
        self,
        kind: str,
        *,
        region: str | None = None,
        period: str | int | None = None,
        unit: str | None = None,
        as_of: str | _dt.date | None = None,
    ) -> str:
        """The report of :meth:`report_markdown` as a self-contained, printable HTML page."""
        return self._report(kind, region, period, unit, as_of, html=True)

    def scorecard_markdown(self, region: str, period: str | int | None = None) -> str:
        """`region`'s scorecard for `period` (default: the last evaluated) as Markdown: the
        same as ``report_markdown("scorecard", region=..., period=...)``."""
        return self.report_markdown("scorecard", region=region, period=period)

    def _report(
        self,
        kind: str,
        region: str | None,
        period: str | int | None,
        unit: str | None,
        as_of: str | _dt.date | None,
        *,
        html: bool,
    ) -> str:
        day = as_of.isoformat() if isinstance(as_of, _dt.date) else as_of
        return self._data.report(
            kind, region=region, period=None if period is None else str(period), unit=unit,
            as_of=day, html=html,
        )

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return (
            f"<Evaluation: {len(self._axes['items'])} items × {len(self._axes['regions'])} "
            f"regions × {len(self._axes['periods'])} periods>"
        )

    def _repr_html_(self) -> str:
        return self.scorecard()._repr_html_()
