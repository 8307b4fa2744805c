"""Plots of evaluations (matplotlib, the optional ``plot`` extra: ``pip install "ecociv[plot]"``).

* :func:`verdict_heatmap` — a region × period heat map of the verdicts, or of one item's status;
* :func:`item_series` — one item's values per region over time, with its threshold line and the
  programme's milestone dates.

Both draw on a given matplotlib ``Axes`` (or a new figure) and return the ``Axes``.
matplotlib is imported on first use; without it the functions raise an ``ImportError`` that says
how to install it.

>>> period_end("2017"), period_end("2017Q1"), period_end("2017-02")
(datetime.date(2017, 12, 31), datetime.date(2017, 3, 31), datetime.date(2017, 2, 28))
"""

from __future__ import annotations

import calendar
import datetime as _dt
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ecociv.evaluation import STATUS_NAMES, VERDICT_NAMES, Evaluation

if TYPE_CHECKING:
    from collections.abc import Iterable

    from matplotlib.axes import Axes

    from ecociv.programme import Programme
    from ecociv.store import Store

__all__ = ["item_series", "period_end", "verdict_heatmap"]

#: Colours of the verdicts, in ``VERDICT_NAMES`` order.
VERDICT_COLOURS = ["#4caf50", "#e53935", "#bdbdbd"]
#: Colours of the statuses, in ``STATUS_NAMES`` order.
STATUS_COLOURS = ["#4caf50", "#e53935", "#bdbdbd", "#ffffff"]


def _matplotlib() -> Any:
    try:
        import matplotlib
        import matplotlib.pyplot
    except ImportError as error:
        raise ImportError(
            'ecociv.plot needs matplotlib: pip install "ecociv[plot]" (or pip install matplotlib)'
        ) from error
    return matplotlib


#: Fonts with Chinese glyphs tried, in order, behind matplotlib's default sans-serif font.
CJK_FONTS = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC",
    "Arial Unicode MS",
)


def _font(mpl: Any, size: str | None = None) -> Any:
    """Font properties of the first installed CJK font (item names, units and region names
    are often Chinese), or ``None`` (matplotlib's default) when none is installed."""
    installed = {f.name: f.weight for f in mpl.font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            # the CJK font alone (it has Latin glyphs too), at a weight it has: no findfont noise
            return mpl.font_manager.FontProperties(family=[name], weight=installed[name], size=size)
    return None


def period_end(period: str) -> _dt.date:
    """The last day of a period given as text (``2017``, ``2017Q3``, ``2017-03``)."""
    text = period.strip()
    if "Q" in text.upper():
        year, quarter = text.upper().split("Q")
        month = 3 * int(quarter)
    elif "-" in text:
        year, m = text.split("-")
        month = int(m)
    else:
        year, month = text, 12
    y = int(year)
    return _dt.date(y, month, calendar.monthrange(y, month)[1])


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    mpl = _matplotlib()
    if ax is not None:
        return ax
    _, new = mpl.pyplot.subplots(figsize=figsize)
    return new  # type: ignore[no-any-return]


def verdict_heatmap(
    result: Evaluation,
    item: str | None = None,
    *,
    regions: Iterable[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A region × period heat map: each region's verdict (meets / fails / incomplete), or —
    with `item` — that item's status (pass / fail / missing / not applicable).

    Raises:
        KeyError: an unknown item or region.
    """
    return _verdict_heatmap(result, item, regions, ax)


def _verdict_heatmap(
    result: Evaluation, item: str | None, regions: Iterable[str] | None, ax: Axes | None
) -> Axes:
    mpl = _matplotlib()
    all_regions = result.regions
    periods = result.periods
    nr, np_ = len(all_regions), len(periods)
    if item is None:
        grid = np.asarray(result._data.verdict_codes()).reshape(nr, np_)
        names, colours, title = VERDICT_NAMES, VERDICT_COLOURS, "verdict"
    else:
        if item not in result.items:
            raise KeyError(f"item {item!r} is not in the evaluation")
        k = result.items.index(item)
        status = np.asarray(result._data.rows()["status"]).reshape(-1, nr, np_)
        grid = status[k]
        names, colours, title = STATUS_NAMES, STATUS_COLOURS, f"{item}: status"
    shown = list(all_regions) if regions is None else list(regions)
    missing = [r for r in shown if r not in all_regions]
    if missing:
        raise KeyError(f"regions not in the evaluation: {', '.join(missing)}")
    grid = grid[[all_regions.index(r) for r in shown]]
    axes = _axes(ax, (max(4.0, 0.35 * np_ + 2), max(2.5, 0.25 * len(shown) + 1.5)))
    cmap = mpl.colors.ListedColormap(colours)
    axes.imshow(
        grid, cmap=cmap, vmin=-0.5, vmax=len(names) - 0.5, aspect="auto", interpolation="nearest"
    )
    axes.set_xticks(range(np_), periods, rotation=90 if np_ > 12 else 0)
    axes.set_yticks(range(len(shown)), shown, fontproperties=_font(mpl))
    axes.set_xlabel("period")
    axes.set_ylabel("region")
    programme = result.programme
    axes.set_title(title if programme is None else f"{programme.id} — {title}", fontproperties=_font(mpl))
    handles = [
        mpl.patches.Patch(facecolor=c, edgecolor="#888888", label=n)
        for n, c in zip(names, colours, strict=True)
    ]
    axes.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, prop=_font(mpl)
    )
    return axes


def item_series(
    source: Evaluation | Store,
    item: str,
    *,
    regions: Iterable[str] | None = None,
    programme: Programme | None = None,
    ax: Axes | None = None,
) -> Axes:
    """One item's values per region over time (one line each), its threshold as a dashed
    horizontal line (one per distinct threshold), and the programme's milestones as dotted
    vertical lines at their dates. Periods are placed at their last day.

    `source` is an evaluation, or a store — then `programme` is evaluated on it first.

    Raises:
        KeyError: an unknown item or region.
        TypeError: a store without `programme`.
    """
    _matplotlib()
    return _item_series(source, item, regions, programme, ax)


def _item_series(
    source: Evaluation | Store,
    item: str,
    regions: Iterable[str] | None,
    programme: Programme | None,
    ax: Axes | None,
) -> Axes:
    if isinstance(source, Evaluation):
        result = source
    else:
        if programme is None:
            raise TypeError("item_series(store, ...) needs programme= to evaluate")
        result = source.evaluate(programme, regions=None if regions is None else list(regions))
    programme = programme or result.programme
    if item not in result.items:
        raise KeyError(f"item {item!r} is not in the evaluation")
    shown = result.regions if regions is None else list(regions)
    missing = [r for r in shown if r not in result.regions]
    if missing:
        raise KeyError(f"regions not in the evaluation: {', '.join(missing)}")
    frame = result.to_pandas()
    part = frame[frame["item"] == item]
    info = result.item_table().set_index("code").loc[item]
    mpl = _matplotlib()
    x = mpl.dates.date2num([period_end(p) for p in result.periods])
    axes = _axes(ax, (7.0, 4.0))
    thresholds: list[float] = []
    for region in shown:
        rows = part[part["region"] == region]
        values = rows["value"].to_numpy(dtype="float64")
        axes.plot(x, values, marker="o", label=region)
        thresholds += [float(t) for t in rows["threshold"].to_numpy() if math.isfinite(t)]
    comparator = str(info["comparator"])
    for t in sorted(set(thresholds)):
        axes.axhline(t, color="black", linestyle="--", linewidth=1, label=f"threshold {comparator} {t:g}")
    if programme is not None:
        for m in programme.milestones():
            due = float(mpl.dates.date2num(_dt.date.fromisoformat(str(m["due"]))))
            axes.axvline(due, color="#6a1b9a", linestyle=":", linewidth=1.2, label=f"{m['code']} ({m['due']})")
    axes.xaxis_date()
    unit = info["unit"]
    axes.set_ylabel("" if unit is None else str(unit), fontproperties=_font(mpl))
    axes.set_title(f"{item} {info['name']}", fontproperties=_font(mpl))
    axes.legend(loc="best", prop=_font(mpl, "small"))
    return axes
