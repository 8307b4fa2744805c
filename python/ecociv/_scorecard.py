"""The scorecard of an evaluation: one period's regions × items, or one region's periods × items.

Cells are coloured by status (or by colour band where the item declares bands), show the value
(with the trend arrow where the item declares trends), and give value, threshold and margin in
the ``title=`` hover text — for a failing item also its projection to each deadline.

>>> cell_colour("fail", None)
'#f4c7c3'
>>> cell_colour("pass", "yellow")
'#fff2a8'
>>> number(6350.0), number(0.123456), number(float("nan"))
('6350', '0.1235', '—')
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from ecociv.evaluation import Evaluation

#: Background colour per status.
STATUS_COLOURS = {
    "pass": "#c8e6c9",
    "fail": "#f4c7c3",
    "missing": "#e0e0e0",
    "not_applicable": "#ffffff",
}
#: Background colour per SDSN colour band.
BAND_COLOURS = {
    "green": "#b7dfb9",
    "yellow": "#fff2a8",
    "orange": "#ffd0a1",
    "red": "#f4a7a3",
    "grey": "#e0e0e0",
}
#: The arrow shown per trend.
TREND_ARROWS = {
    "on_track": "↑",
    "moderately_improving": "➚",
    "stagnating": "→",
    "decreasing": "↓",
    "no_data": "•",
}
#: Most rows shown in the notebook table.
MAX_ROWS = 40


def cell_colour(status: str, band: str | None) -> str:
    """The background of a cell: its band's colour when it has one, else its status colour."""
    if band is not None and band in BAND_COLOURS:
        return BAND_COLOURS[band]
    return STATUS_COLOURS.get(status, "#ffffff")


def number(x: float) -> str:
    """A value as short text: integers without decimals, others to 4 significant digits."""
    x = float(x)
    if math.isnan(x):
        return "—"
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.4g}"


@dataclass(frozen=True)
class Scorecard:
    """A scorecard: ``status`` and ``value`` are DataFrames of the same shape (rows: regions or
    periods; columns: items); ``band`` and ``trend`` too when the programme declares them."""

    title: str
    status: pd.DataFrame
    value: pd.DataFrame
    threshold: pd.DataFrame
    margin: pd.DataFrame
    band: pd.DataFrame | None
    trend: pd.DataFrame | None
    units: dict[str, str]
    #: Per deadline: the projection status and the projected value (DataFrames as above).
    projections: dict[str, tuple[pd.DataFrame, pd.DataFrame]]

    def __repr__(self) -> str:
        return f"<Scorecard {self.title}: {self.status.shape[0]} × {self.status.shape[1]}>\n" + (
            self.status.to_string(max_rows=MAX_ROWS)
        )

    def _repr_html_(self) -> str:
        esc = html.escape
        items = [str(c) for c in self.status.columns]
        out = [
            "<div class='ecociv-scorecard'>",
            f"<strong>{esc(self.title)}</strong>",
            "<table style='border-collapse:collapse;font-size:90%'>",
            "<thead><tr><th></th>"
            + "".join(
                f"<th title='{esc(self.units.get(i, ''))}'>{esc(i)}</th>" for i in items
            )
            + "</tr></thead>",
            "<tbody>",
        ]
        shown = [str(r) for r in self.status.index[:MAX_ROWS]]
        count = len(shown)
        status = self.status.to_numpy(dtype=object)[:count]
        value = self.value.to_numpy(dtype="float64", na_value=math.nan)[:count]
        threshold = self.threshold.to_numpy(dtype="float64", na_value=math.nan)[:count]
        margin = self.margin.to_numpy(dtype="float64", na_value=math.nan)[:count]
        band = None if self.band is None else self.band.to_numpy(dtype=object)[:count]
        trend = None if self.trend is None else self.trend.to_numpy(dtype=object)[:count]
        projected = {
            deadline: (st.to_numpy(dtype=object)[:count], pv.to_numpy(dtype="float64", na_value=math.nan)[:count])
            for deadline, (st, pv) in self.projections.items()
        }
        for i, row in enumerate(shown):
            cells = [f"<th style='text-align:left'>{esc(row)}</th>"]
            for j, item in enumerate(items):
                st = str(status[i, j])
                b = _label(None if band is None else band[i, j])
                t = _label(None if trend is None else trend[i, j])
                arrow = TREND_ARROWS.get(t, "") if t else ""
                hover = (
                    f"{item} {row}: {st}; value {number(value[i, j])}; "
                    f"threshold {number(threshold[i, j])}; margin {number(margin[i, j])}"
                )
                if b:
                    hover += f"; band {b}"
                if t:
                    hover += f"; trend {t}"
                if st == "fail":
                    for deadline, (pst, pvalue) in projected.items():
                        label = _label(pst[i, j])
                        if label:
                            hover += f"; {deadline}: {label} (projected {number(pvalue[i, j])})"
                text = "" if st == "not_applicable" else number(value[i, j]) + (f" {arrow}" if arrow else "")
                cells.append(
                    f"<td class='{esc(st)}' title='{esc(hover)}' "
                    f"style='background:{cell_colour(st, b)};padding:2px 6px;"
                    f"text-align:right'>{esc(text)}</td>"
                )
            out.append("<tr>" + "".join(cells) + "</tr>")
        out += ["</tbody>", "</table>"]
        hidden = len(self.status.index) - count
        if hidden > 0:
            out.append(f"<p>… {hidden} more rows (see <code>.status</code>)</p>")
        out.append("</div>")
        return "\n".join(out)


def _label(x: object) -> str | None:
    """A category cell as text; ``None`` for an absent one (NaN, None)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return str(x)


def latest_covered(counts: Any) -> int:
    """The index of the latest period with at least half as many pass/fail results as the
    best-covered period (a year where only one or two series are published yet is skipped);
    the last period when none has any.

    >>> latest_covered([0, 10, 12, 3]), latest_covered([0, 0])
    (2, 1)
    """
    counts = np.asarray(counts)
    if counts.max(initial=0) == 0:
        return len(counts) - 1
    return int(np.flatnonzero(counts * 2 >= counts.max())[-1])


def _labels(codes: Any, names: list[str]) -> Any:
    """Category names of codes (−1: ``None``)."""
    table = np.array([*names, None], dtype=object)
    return table[np.asarray(codes)]


def build(evaluation: Evaluation, period: str | None, region: str | None) -> Scorecard:
    """The scorecard of `evaluation` for one period (regions × items) or one region (periods ×
    items), sliced from the evaluation's columns (no full DataFrame is built)."""
    import pandas as pd

    from ecociv.evaluation import STATUS_NAMES

    items, regions, periods = evaluation.items, evaluation.regions, evaluation.periods
    shape = (len(items), len(regions), len(periods))
    rows = evaluation._data.rows()

    def cube(column: Any) -> Any:
        return np.asarray(column).reshape(shape)

    status = cube(rows["status"])
    if region is not None:
        if region not in regions:
            raise KeyError(f"region {region!r} is not in the evaluation")
        r = regions.index(region)
        lo, hi, index, name = 0, len(periods), list(periods), "period"
        if period is not None:
            if period not in periods:
                raise KeyError(f"period {period!r} is not in the evaluation")
            lo = periods.index(period)
            hi, index = lo + 1, [period]

        def take(c: Any) -> Any:
            return c[:, r, lo:hi].T

        title = f"region {region}"
    else:
        if period is None:
            present = (status == 0) | (status == 1)  # pass or fail
            period = periods[latest_covered(present.sum(axis=(0, 1)))] if periods else ""
        if period not in periods:
            raise KeyError(f"period {period!r} is not in the evaluation")
        t = periods.index(period)

        def take(c: Any) -> Any:
            return c[:, :, t].T

        index, name, title = list(regions), "region", f"period {period}"
    programme = evaluation.programme
    if programme is not None:
        title = f"{programme.title} — {title}"

    def frame(values: Any) -> pd.DataFrame:
        return pd.DataFrame(
            take(cube(values)), index=pd.Index(index, name=name), columns=pd.Index(items, name="item")
        )

    assessment = evaluation._assessment_raw()
    band = trend = None
    projections: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
    if assessment is not None:
        cats = assessment["categories"]
        if "band" in assessment:
            band = frame(_labels(assessment["band"], cats["band"]))
        if "trend" in assessment:
            trend = frame(_labels(assessment["trend"], cats["trend"]))
        for p in assessment["projections"]:
            projections[p["deadline"]] = (
                frame(_labels(p["status"], cats["projection"])),
                frame(p["projected"]),
            )
    table = evaluation._items
    units = {
        str(c): "" if u is None else str(u) for c, u in zip(table["code"], table["unit"], strict=True)
    }
    return Scorecard(
        title=title,
        status=frame(_labels(rows["status"], STATUS_NAMES)),
        value=frame(rows["value"]),
        threshold=frame(rows["threshold"]),
        margin=frame(rows["margin"]),
        band=band,
        trend=trend,
        units=units,
        projections=projections,
    )
